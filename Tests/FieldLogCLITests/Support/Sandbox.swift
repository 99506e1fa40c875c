import Foundation
import Testing

/// One test's private temporary folder, with its journal, removed when the test is done.
final class Sandbox: @unchecked Sendable {
  let dir: URL
  let cli: CLI
  /// The journal of this test (it exists once `initJournal` ran).
  let journal: URL

  static let author = "Ayşe Test"
  static let studyName = "Werkplaats Sociaal Domein Amsterdam"

  init(sourceLocation: SourceLocation = #_sourceLocation) throws {
    cli = try CLI.require(sourceLocation: sourceLocation)
    dir = FileManager.default.temporaryDirectory
      .appendingPathComponent("fieldlog-cli-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    journal = dir.appendingPathComponent("journal.sqlite")
  }

  deinit {
    try? FileManager.default.removeItem(at: dir)
  }

  func url(_ name: String) -> URL { dir.appendingPathComponent(name) }

  @discardableResult
  func write(_ name: String, _ data: Data) throws -> URL {
    let url = url(name)
    try data.write(to: url)
    return url
  }

  @discardableResult
  func write(_ name: String, text: String) throws -> URL {
    try write(name, Data(text.utf8))
  }

  /// An executable /bin/sh script, e.g. a fake editor.
  @discardableResult
  func writeScript(_ name: String, _ body: String) throws -> URL {
    let url = try write(name, text: "#!/bin/sh\n" + body + "\n")
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
    return url
  }

  // MARK: fieldlog

  /// `fieldlog args... --journal <this test's journal>`.
  func fieldlog(
    _ args: [String], stdin: Data? = nil, env: [String: String] = [:], journal: URL? = nil
  ) throws -> ProcessResult {
    try cli.run(args + ["--journal", (journal ?? self.journal).path], stdin: stdin, env: env)
  }

  /// `fieldlog args... --journal J` on a pseudo-terminal, so the editor path is taken.
  func fieldlogOnTerminal(
    _ args: [String], env: [String: String] = [:], typed: String? = nil
  ) throws -> ProcessResult {
    try cli.runOnTerminal(args + ["--journal", journal.path], env: env, typed: typed)
  }

  /// Creates this test's journal from the Amsterdam example study.
  @discardableResult
  func initJournal(
    study: URL = Paths.amsterdamStudy, sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> ProcessResult {
    let result = try fieldlog(["init", "--study", study.path, "--author", Self.author])
    try #require(result.status == 0, "init failed: \(result)", sourceLocation: sourceLocation)
    // Entries may only name registered participants: register the ones these tests use, as a
    // researcher does at the start of fieldwork.
    for pseudonym in Self.participants {
      let added = try fieldlog(["participant", "add", pseudonym])
      try #require(
        added.status == 0, "participant add failed: \(added)", sourceLocation: sourceLocation)
    }
    return result
  }

  /// The pseudonyms the suites name on entries.
  static let participants = ["P-017", "P-018", "P-021", "P-030", "P-031"]

  /// Records an entry with `add KIND args... --json`, requiring success; returns the printed entry.
  @discardableResult
  func add(
    _ kind: String, _ args: [String], stdin: Data? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> JSON {
    let result = try fieldlog(["add", kind] + args + ["--json"], stdin: stdin)
    try #require(result.status == 0, "add failed: \(result)", sourceLocation: sourceLocation)
    return try JSON.parse(result.stdoutData)
  }

  /// A plain observation in Holendrecht for RQ1.
  @discardableResult
  func addObservation(
    _ text: String, extra: [String] = [], sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> JSON {
    try add(
      "observation",
      ["--text", text, "--neighbourhood", "Holendrecht", "--question", "RQ1"] + extra,
      sourceLocation: sourceLocation)
  }

  /// `show ID --json`, requiring success: the entry as `add --json` prints it, and with
  /// `annotations` also its codings, memos and versions, which only `show` adds.
  func show(
    _ id: String, annotations: Bool = false, sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> JSON {
    let result = try fieldlog(["show", id, "--json"])
    try #require(result.status == 0, "show failed: \(result)", sourceLocation: sourceLocation)
    let shown = try JSON.parse(result.stdoutData)
    guard !annotations, case .object(var members) = shown else { return shown }
    for key in ["codings", "memos", "versions"] { members.removeValue(forKey: key) }
    return .object(members)
  }

  /// `list --json FILTERS...`, requiring success.
  func list(_ filters: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) throws
    -> [JSON]
  {
    let result = try fieldlog(["list", "--json"] + filters)
    try #require(result.status == 0, "list failed: \(result)", sourceLocation: sourceLocation)
    return try #require(
      try JSON.parse(result.stdoutData).array, "list --json did not print an array: \(result)",
      sourceLocation: sourceLocation)
  }

  // MARK: sqlite3 and python

  /// `sqlite3 -bail -quote J SQL`: values printed as SQL literals (BLOBs as X'..'), one row a line.
  func sqlite(_ sql: String, journal: URL? = nil) throws -> ProcessResult {
    let sqlite3 = try #require(Paths.sqlite3, "the sqlite3 command-line tool is needed")
    return try Processes.run(sqlite3, ["-bail", "-quote", (journal ?? self.journal).path, sql])
  }

  /// Output of a query that must succeed.
  func query(_ sql: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let result = try sqlite(sql)
    try #require(
      result.status == 0, "sqlite3 failed on \(sql): \(result)", sourceLocation: sourceLocation)
    return result.stdout
  }

  func python(_ arguments: [String], stdin: Data? = nil) throws -> ProcessResult {
    let python3 = try #require(Paths.python3, "python3 is needed for the tools in Tests/Tools")
    return try Processes.run(python3, arguments, stdin: stdin)
  }

  /// `python3 Tests/Tools/validate-json.py [--array] SCHEMA -` with `json` on stdin.
  func validate(_ json: Data, schema: URL, array: Bool = false) throws -> ProcessResult {
    try python(
      [Paths.validateJSON.path] + (array ? ["--array"] : []) + [schema.path, "-"], stdin: json)
  }

  /// `python3 Tests/Tools/verify-journal.py J`.
  func independentVerify() throws -> ProcessResult {
    #expect(
      FileManager.default.fileExists(atPath: Paths.verifyJournal.path),
      "Tests/Tools/verify-journal.py is missing")
    return try python([Paths.verifyJournal.path, journal.path])
  }

  // MARK: State

  /// Everything that could change when a command writes: the files' bytes, a full SQL dump, and what
  /// `list --json` shows.
  struct JournalState: Equatable {
    var files: [String: Data]
    var dump: String
    var entries: String
  }

  func state(of other: URL? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws
    -> JournalState
  {
    let journal = other ?? self.journal
    var files: [String: Data] = [:]
    for suffix in ["", "-wal", "-journal"] {
      let path = journal.path + suffix
      if let data = FileManager.default.contents(atPath: path) { files[suffix] = data }
    }
    let dump = try sqlite(".dump", journal: journal)
    try #require(dump.status == 0, "sqlite3 .dump failed: \(dump)", sourceLocation: sourceLocation)
    let list = try fieldlog(["list", "--json"], journal: journal)
    try #require(list.status == 0, "list failed: \(list)", sourceLocation: sourceLocation)
    return JournalState(files: files, dump: dump.stdout, entries: list.stdout)
  }

  /// The projection tables, each dumped in a fixed order, as `rebuild` must reproduce them.
  func projections() throws -> String {
    let queries = [
      "SELECT * FROM entry ORDER BY id",
      "SELECT * FROM entry_tag ORDER BY entry_id, folded",
      "SELECT * FROM entry_question ORDER BY entry_id, question_id",
      "SELECT * FROM entry_participant ORDER BY entry_id, pseudonym",
      "SELECT * FROM neighbourhood ORDER BY id",
      "SELECT * FROM initiative ORDER BY id",
      "SELECT * FROM question ORDER BY id",
      "SELECT * FROM code ORDER BY id",
      "SELECT * FROM writer ORDER BY feed",
      "SELECT rowid, title, body FROM entry_fts ORDER BY rowid",
    ]
    var text = ""
    for sql in queries {
      text += "-- \(sql)\n" + (try query(sql))
    }
    return text
  }

  /// The seq of the event that recorded the entry with this id.
  func seq(ofEntry id: String) throws -> Int {
    let text = try query(
      "SELECT seq FROM event WHERE subject = '\(id)' AND type = 'entry.recorded'")
    return try #require(
      Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), "no event for \(id)")
  }

  static let guardTriggers = [
    "event_no_update", "event_no_delete", "event_no_replace", "payload_no_update",
    "payload_no_replace", "payload_delete_only_redacted",
  ]

  /// The SQL that drops every guard trigger, so the tables can be tampered with.
  static let dropGuards = guardTriggers.map { "DROP TRIGGER \($0);" }.joined(separator: " ")
}

extension ProcessResult {
  /// The first line of stderr.
  var firstErrorLine: String {
    String(stderr.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
  }
}

import Foundation
import Testing

/// `kill -9` at random moments of an import and of a loop of adds: the journal must survive every kill.
/// The short variant of `Tests/Stress/crash`, which does the same with 20k-entry imports and 50 kills.
@Suite("crash: kill -9 at random moments") struct CrashTests {
  /// Entries in each import: enough that the debug binary spends a second or two on it.
  static let entries = 400
  /// Kills in all, alternating between an import and an add loop.
  static let kills = 10

  @Test(
    "an import or an add killed at a random moment: the journal opens, passes integrity_check and verify, keeps every add that succeeded, and has each import wholly or not at all"
  )
  func killedWritersLeaveAWholeJournal() throws {
    // Given a journal, and a seed (FIELDLOG_CRASH_SEED repeats a run)
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let seed =
      ProcessInfo.processInfo.environment["FIELDLOG_CRASH_SEED"].flatMap { UInt64($0) }
      ?? UInt64.random(in: 0...UInt64(UInt32.max))
    var rng = SplitMix64(seed: seed)
    var crash = CrashRun(sandbox: sandbox, seed: seed)

    // A whole import first: it must all be there, and it says how long an import takes
    let started = Date()
    let whole = try sandbox.fieldlog(["import", try crash.writeImport(round: 0).path])
    var duration = Date().timeIntervalSince(started)
    try #require(whole.status == 0, "\(whole)")
    try crash.check("the whole import")
    let imported = try sandbox.query("SELECT count(*) FROM entry WHERE id GLOB 'c7a50000-*'")
    #expect(Int(imported.trimmingCharacters(in: .whitespacesAndNewlines)) == CrashTests.entries)

    // When imports and add loops are killed at random moments, Then after each kill the journal is whole
    var kills = (import: 0, add: 0)
    var round = 0
    while kills.import + kills.add < Self.kills && round < 4 * Self.kills {
      round += 1
      if kills.import <= kills.add {
        // A third of the moments fall near the end, where the commit and its checkpoint happen.
        let delay =
          Double.random(in: 0..<1, using: &rng) < 1.0 / 3
          ? Double.random(in: 0.8 * duration..<1.05 * duration, using: &rng)
          : Double.random(in: 0..<duration, using: &rng)
        let path = try crash.writeImport(round: round)
        let importStarted = Date()
        let importer = try Killable(sandbox, ["import", path.path], name: "import-\(round)")
        if importer.killed(after: delay) {
          kills.import += 1
        } else {
          // The machine's load changes: the next moments are drawn from this run's duration.
          duration = Date().timeIntervalSince(importStarted)
          #expect(
            importer.status == 0, "seed \(seed), import \(round): \(importer.errors)")
        }
      } else {
        if try crash.addLoop(round: round, for: Double.random(in: 0.05..<0.6, using: &rng)) {
          kills.add += 1
        }
      }
      try crash.check("round \(round)")
    }
    #expect(
      kills.import + kills.add == Self.kills,
      "seed \(seed): only \(kills) kills in \(round) rounds: the processes ended before the kill")
    #expect(crash.added.count >= kills.add, "seed \(seed): \(crash.added.count) adds succeeded")
  }
}

/// What the crash test has done so far, and the checks it makes after every kill.
private struct CrashRun {
  let sandbox: Sandbox
  let seed: UInt64
  /// Import rounds started, each with `CrashTests.entries` entries.
  var imports: [Int] = []
  /// Titles of adds that exited 0: they must be there after every later kill.
  var added: Set<String> = []
  /// Titles of every add started: no other add entry may appear.
  var attempted: Set<String> = []

  static let words = """
    bewoners buurtkamer wijkteam vrijwilliger mantelzorg café ontmoeting voedselpunt één coördinator \
    geïnformeerd financiën privé reünie naïef beëindigd geëvalueerd Curaçao buurtmoeder drempel
    """.split(separator: " ").map(String.init)
  static let places = [
    ("Holendrecht", "Buurtkamer De Brug"), ("Jan van Maijenbuurt", "Voedselpunt De Gedeelde Tafel"),
  ]
  static let kinds = ["observation", "network-conversation", "interview", "nabije-kennis"]

  init(sandbox: Sandbox, seed: UInt64) {
    self.sandbox = sandbox
    self.seed = seed
  }

  /// The id prefix of one import round's entries.
  static func prefix(_ round: Int) -> String {
    "c7a50000-" + String(format: "%04x", round) + "-4"
  }

  /// A JSON Lines file of this round's entries, each with the round's id prefix, tag and search word.
  mutating func writeImport(round: Int) throws -> URL {
    imports.append(round)
    var text = ""
    for number in 0..<CrashTests.entries {
      let (place, initiative) = Self.places[number % 2]
      let words = (0..<(20 + number % 40)).map { Self.words[($0 * 7 + number) % Self.words.count] }
      let body = words.joined(separator: " ") + " importronde\(round) nummer \(number)."
      let record: [String: Any] = [
        "id": Self.prefix(round) + "000-8000-" + String(format: "%012x", number),
        "kind": Self.kinds[number % 4], "title": "Ronde \(round) notitie \(number)", "body": body,
        "neighbourhood": place, "initiative": initiative, "questions": ["RQ\(1 + number % 3)"],
        "tags": ["ronde-\(round)"],
        "occurred_at": String(
          format: "2024-%02d-%02dT10:00:00+01:00", 1 + number % 12, 1 + number % 28),
      ]
      let line = try JSONSerialization.data(
        withJSONObject: record, options: [.sortedKeys, .withoutEscapingSlashes])
      text += String(decoding: line, as: UTF8.self) + "\n"
    }
    return try sandbox.write("import-\(round).jsonl", text: text)
  }

  /// Adds one after another until `seconds` have passed since the first one succeeded, then kills
  /// the running one. True when an add was killed; each add that exited 0 is remembered.
  mutating func addLoop(round: Int, for seconds: Double) throws -> Bool {
    var deadline: Date?
    for number in 1...1_000 {
      let title = "crash-add \(round)-\(number)"
      attempted.insert(title)
      let (place, initiative) = Self.places[number % 2]
      let adder = try Killable(
        sandbox,
        [
          "add", Self.kinds[number % 4], "--title", title, "--text", "Notitie \(number): één café",
          "--neighbourhood", place, "--initiative", initiative, "--question", "RQ1", "--tag",
          "geëvalueerd",
        ], name: "add")
      // The first add of a loop runs to its end, so every loop leaves at least one to look for.
      if adder.killed(after: deadline.map { max($0.timeIntervalSinceNow, 0) } ?? 60) {
        #expect(deadline != nil, "seed \(seed), \(title): the first add of a loop took over 60 s")
        return true
      }
      #expect(adder.status == 0, "seed \(seed), \(title): \(adder.errors)")
      guard adder.status == 0 else { return false }
      added.insert(title)
      if deadline == nil { deadline = Date().addingTimeInterval(seconds) }
    }
    return false
  }

  /// The five conditions, and that the entries, their events and the search index agree.
  func check(_ moment: String) throws {
    let context = "seed \(seed), after \(moment)"
    let opened = try sandbox.fieldlog(["study", "show", "--json"])
    #expect(opened.status == 0, "\(context): the journal does not open: \(opened)")
    let integrity = try sandbox.sqlite("PRAGMA integrity_check")
    #expect(integrity.output == "'ok'", "\(context): integrity_check: \(integrity)")
    let verify = try sandbox.fieldlog(["verify"])
    #expect(verify.status == 0, "\(context): verify: \(verify)")

    let counts = try numbers(
      """
      SELECT (SELECT count(*) FROM entry),
        (SELECT count(DISTINCT subject) FROM event WHERE type = 'entry.recorded'),
        (SELECT count(*) FROM entry_fts)
      """)
    #expect(Set(counts).count == 1, "\(context): entries, recorded, indexed = \(counts)")

    let titles = Set(
      try sandbox.query("SELECT title FROM entry WHERE title GLOB 'crash-add *'")
        .split(separator: "\n").map { String($0.dropFirst().dropLast()) })
    let lost = added.subtracting(titles)
    #expect(lost.isEmpty, "\(context): adds that exited 0 are missing: \(lost.sorted())")
    let phantom = titles.subtracting(attempted)
    #expect(phantom.isEmpty, "\(context): entries no add recorded: \(phantom.sorted())")

    for round in imports {
      let prefix = Self.prefix(round)
      let found = try numbers(
        """
        SELECT (SELECT count(*) FROM entry WHERE id GLOB '\(prefix)*'),
          (SELECT count(*) FROM event WHERE type = 'entry.recorded' AND subject GLOB '\(prefix)*'),
          (SELECT count(*) FROM entry_tag WHERE tag = 'ronde-\(round)'),
          (SELECT count(*) FROM entry_fts WHERE entry_fts MATCH 'importronde\(round)')
        """)
      #expect(
        Set(found) == [0] || Set(found) == [CrashTests.entries],
        "\(context): import \(round) is partly there: entries, events, tags, indexed = \(found)")
    }
  }

  /// The integers of a one-row query.
  private func numbers(_ sql: String) throws -> [Int] {
    try sandbox.query(sql).trimmingCharacters(in: .whitespacesAndNewlines)
      .split(separator: ",").map { try #require(Int($0), "not a number in \(sql)") }
  }
}

/// A running `fieldlog` that can be killed with SIGKILL, its output in files (never pipes).
///
/// It runs in a process group of its own, and the whole group is killed and gone before the journal
/// is looked at: a writer that survived the kill (a child of it) would write on during the checks.
private final class Killable {
  let pid: pid_t
  let errorFile: URL
  /// The wait status, once it ended.
  private var waitStatus: Int32 = 0

  init(_ sandbox: Sandbox, _ args: [String], name: String) throws {
    errorFile = sandbox.url("\(name).err")
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // Process group 0: a new group whose id is the child's pid.
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
    posix_spawnattr_setpgroup(&attributes, 0)
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(
      &actions, 2, errorFile.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    let binary = sandbox.cli.binary.path
    let arguments = [binary] + args + ["--journal", sandbox.journal.path]
    let environment = Processes.baseEnvironment.map { "\($0.key)=\($0.value)" }
    let argv = arguments.map { strdup($0) } + [nil]
    let envp = environment.map { strdup($0) } + [nil]
    defer {
      for pointer in argv + envp { free(pointer) }
    }
    var child = pid_t()
    let code = posix_spawn(&child, binary, &actions, &attributes, argv, envp)
    try #require(code == 0, "posix_spawn \(binary): \(String(cString: strerror(code)))")
    pid = child
  }

  /// Waits up to `delay` seconds, then sends SIGKILL to the whole process group and waits until
  /// none of it is left. True when the process was still running and died of the signal; false
  /// when it had ended on its own.
  func killed(after delay: Double) -> Bool {
    let deadline = Date().addingTimeInterval(delay)
    var ended = false
    while Date() < deadline {
      if waitpid(pid, &waitStatus, WNOHANG) == pid {
        ended = true
        break
      }
      usleep(1_000)
    }
    if !ended {
      kill(-pid, SIGKILL)
      while waitpid(pid, &waitStatus, 0) == -1 && errno == EINTR {}
    }
    // The group outlives its leader while any member lives: wait for all of it.
    while kill(-pid, 0) == 0 { usleep(1_000) }
    return !ended && signal == SIGKILL
  }

  /// The signal that ended it, or 0.
  private var signal: Int32 {
    let number = waitStatus & 0x7f
    return number == 0 || number == 0x7f ? 0 : number
  }

  /// The exit status, when it ended on its own.
  var status: Int32 { signal == 0 ? (waitStatus >> 8) & 0xff : 128 + signal }
  var errors: String { (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "" }
}

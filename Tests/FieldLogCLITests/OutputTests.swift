import Foundation
import Testing

/// Measures printed text as a terminal shows it, with Python's unicodedata: an oracle written apart
/// from fieldlog's own width counting (combining marks take no column, East Asian wide ones two).
enum Columns {
  static let script = """
    import sys, unicodedata
    def width(line):
        return sum(0 if unicodedata.category(c) in ('Mn', 'Me', 'Cf')
                   else 2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in line)
    for line in sys.stdin.read().split('\\n'):
        print(width(line))
    """

  /// The width of every line of `text`.
  static func widths(_ text: String, in sandbox: Sandbox) throws -> [Int] {
    let result = try sandbox.python(["-c", script], stdin: Data(text.utf8))
    try #require(result.status == 0, "python3 failed: \(result)")
    return result.stdout.split(separator: "\n").compactMap { Int($0) }
  }

  /// Requires every line of `text` to fit `limit` columns.
  static func expectFits(
    _ text: String, _ limit: Int, in sandbox: Sandbox,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let widths = try widths(text, in: sandbox)
    try #require(widths.count == lines.count, "\(widths) for\n\(text)")
    for (line, width) in zip(lines, widths) {
      #expect(
        width <= limit, "a line of \(width) columns:\n\(line)\nin:\n\(text)",
        sourceLocation: sourceLocation)
    }
  }
}

/// A journal whose names, titles, codes and roles are far wider than 80 columns, in several scripts.
enum WideFixture {
  /// CJK (two columns each), an emoji with emoji presentation (two), a letter with a combining mark
  /// that has no precomposed form (one), and plain Dutch.
  static let title =
    "Koffieochtend 咖啡 ☕ in de Buurtkamer met q̃ buurtmoeders, de wijkcoach en de imam van de moskee"
  static let body =
    "Twaalf bewoners bij de koffieochtend; de buurtmoeder helpt met formulieren van de gemeente "
    + "en vertelt over haar netwerk van vrijwilligers in Holendrecht en de Jan van Maijenbuurt."
  static let code = "samenwerking tussen informele steun en het wijkteam in de buurt 咖啡"

  static func make() throws -> (Sandbox, String) {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let entry = try sandbox.add(
      "network-conversation",
      [
        "--title", title, "--text", body, "--neighbourhood", "Jan van Maijenbuurt", "--question",
        "RQ1",
      ])
    let id = try #require(entry["id"]?.string)
    try sandbox.addObservation("Korte notitie over koffie.", extra: ["--title", "Kort"])
    let define = try sandbox.fieldlog(["code", "define", code])
    try #require(define.status == 0, "\(define)")
    let child = try sandbox.fieldlog(
      ["code", "define", "een kind van die code met een lange naam ☕☕", "--parent", code])
    try #require(child.status == 0, "\(child)")
    let apply = try sandbox.fieldlog(
      [
        "code", "apply", id, code, "--quote", "de buurtmoeder helpt met formulieren",
        "--memo", String(repeating: "Een lange gedachte over deze coding. ", count: 5),
      ])
    try #require(apply.status == 0, "\(apply)")
    let participant = try sandbox.fieldlog(
      [
        "participant", "add", "P-100", "--role", "buurtmoeder en vrijwilliger bij de moskee",
        "--neighbourhood", "Jan van Maijenbuurt",
      ])
    try #require(participant.status == 0, "\(participant)")
    let consent = try sandbox.fieldlog(
      [
        "consent", "P-100", "--given", "written", "--scope", "recording,quotation,archive",
        "--date", "2024-03-01",
      ])
    try #require(consent.status == 0, "\(consent)")
    return (sandbox, id)
  }

  /// The human-readable commands 12.17 names, each with a word its output must show.
  static let commands: [[String]] = [
    ["list"], ["search", "koffie*"], ["search", "buurtmoeder"], ["participant", "list"],
    ["code", "list"], ["code", "show", code],
  ]
}

@Suite("tables fit the terminal")
struct TableWidthTests {
  @Test(
    "with COLUMNS=80 every line of list, search, participant list, code list and code show fits")
  func columnsEighty() throws {
    let (sandbox, _) = try WideFixture.make()
    for command in WideFixture.commands {
      let result = try sandbox.fieldlog(command, env: ["COLUMNS": "80"])
      try #require(result.status == 0, "\(command): \(result)")
      try #require(!result.stdout.isEmpty, "\(command) printed nothing: \(result)")
      try Columns.expectFits(result.stdout, 80, in: sandbox)
    }
    // A cell that was cut ends in "…"
    let list = try sandbox.fieldlog(["list"], env: ["COLUMNS": "80"])
    let row = try #require(
      list.stdout.split(separator: "\n").first { $0.contains("Koffieochtend") })
    #expect(row.hasSuffix("…"), "\(list.stdout)")
    // And a narrower terminal gets a narrower table
    let narrow = try sandbox.fieldlog(["list"], env: ["COLUMNS": "60"])
    try Columns.expectFits(narrow.stdout, 60, in: sandbox)
  }

  @Test("on a real terminal of 80 columns (stty cols 80) the tables fit too")
  func realTerminal() throws {
    let (sandbox, _) = try WideFixture.make()
    for command in WideFixture.commands {
      let result = try sandbox.cli.runOnTerminal(
        command + ["--journal", sandbox.journal.path], columns: 80)
      try #require(result.status == 0, "\(command): \(result)")
      try Columns.expectFits(result.stdout, 80, in: sandbox)
      #expect(result.stdout.contains("…"), "\(command) cut nothing:\n\(result.stdout)")
    }
  }

  @Test("to a file or a pipe, without COLUMNS, every cell is printed whole")
  func fileGetsWholeCells() throws {
    let (sandbox, _) = try WideFixture.make()
    let list = try sandbox.fieldlog(["list"])
    #expect(list.stdout.contains(WideFixture.title), "\(list.stdout)")
    let codes = try sandbox.fieldlog(["code", "list"])
    #expect(codes.stdout.contains(WideFixture.code), "\(codes.stdout)")
  }

  @Test("code show wraps its quote and memo on a terminal, keeping every word")
  func codeShowWraps() throws {
    let (sandbox, _) = try WideFixture.make()
    let result = try sandbox.fieldlog(["code", "show", WideFixture.code], env: ["COLUMNS": "50"])
    try #require(result.status == 0, "\(result)")
    try Columns.expectFits(result.stdout, 50, in: sandbox)
    let memoLines = result.stdout.split(separator: "\n").drop { !$0.contains("memo:") }
    #expect(memoLines.count > 1, "the memo is not wrapped:\n\(result.stdout)")
    let words = memoLines.joined(separator: " ").split(separator: " ")
    #expect(words.filter { $0 == "gedachte" }.count == 5, "\(result.stdout)")
  }
}

@Suite("show fits the terminal")
struct ShowWidthTests {
  @Test("show wraps its header, body and memos at COLUMNS=50, keeping every character")
  func showWraps() throws {
    let (sandbox, id) = try WideFixture.make()
    let url = "https://example.org/" + String(repeating: "heel-lang-pad/", count: 6)
    let amended = try sandbox.fieldlog([
      "amend", id, "--reason", "bron erbij", "--text", WideFixture.body + " Bron: " + url,
    ])
    try #require(amended.status == 0, "\(amended)")
    let result = try sandbox.fieldlog(["show", id], env: ["COLUMNS": "50"])
    try #require(result.status == 0, "\(result)")
    try Columns.expectFits(result.stdout, 50, in: sandbox)
    // Every character of the body is still there, in order, only broken across lines.
    let joined = result.stdout.replacingOccurrences(of: "\n", with: "")
      .replacingOccurrences(of: " ", with: "")
    let body = (WideFixture.body + " Bron: " + url).replacingOccurrences(of: " ", with: "")
    #expect(joined.contains(body), "\(result.stdout)")
    // Without a width (a file), the body is printed as it is.
    let whole = try sandbox.fieldlog(["show", id])
    #expect(whole.stdout.contains(WideFixture.body + " Bron: " + url), "\(whole.stdout)")
  }

  @Test("show prints times in the study's time zone, to the minute, and a date without 00:00")
  func showTimes() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let entry = try sandbox.add(
      "observation",
      [
        "--text", "In Paramaribo genoteerd.", "--neighbourhood", "Holendrecht", "--question",
        "RQ1", "--at", "2024-03-12T10:00:00-03:00",
      ])
    let id = try #require(entry["id"]?.string)
    let shown = try sandbox.fieldlog(["show", id])
    try #require(shown.status == 0, "\(shown)")
    #expect(shown.stdout.contains("occurred:      2024-03-12 14:00\n"), "\(shown.stdout)")
    #expect(!shown.stdout.contains("T10:00:00"), "\(shown.stdout)")
    let dated = try sandbox.add(
      "observation",
      [
        "--text", "Alleen een dag.", "--neighbourhood", "Holendrecht", "--question", "RQ1",
        "--at", "2024-03-13",
      ])
    let day = try sandbox.fieldlog(["show", try #require(dated["id"]?.string)])
    #expect(day.stdout.contains("occurred:      2024-03-13\n"), "\(day.stdout)")
  }
}

@Suite("times as people read them")
struct TimeDisplayTests {
  @Test("a date without a time prints without 00:00; a time prints to the minute")
  func dateWithoutTime() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    try sandbox.addObservation(
      "Alleen een datum.", extra: ["--title", "Datum", "--at", "2024-03-12"])
    try sandbox.addObservation(
      "Met een tijd.", extra: ["--title", "Tijd", "--at", "2024-03-13 14:30"])
    let list = try sandbox.fieldlog(["list"])
    try #require(list.status == 0, "\(list)")
    let dated = try #require(list.stdout.split(separator: "\n").first { $0.contains("Datum") })
    #expect(dated.contains("2024-03-12 "), "\(list.stdout)")
    #expect(!dated.contains("00:00"), "\(list.stdout)")
    let timed = try #require(list.stdout.split(separator: "\n").first { $0.contains("Tijd") })
    #expect(timed.contains("2024-03-13 14:30"), "\(list.stdout)")
    // --json keeps the full time with its offset
    let json = try sandbox.list()
    let times = json.compactMap { $0["occurred_at"]?.string }
    #expect(times.contains("2024-03-12T00:00:00+01:00"), "\(times)")
  }

  @Test("a time given in another offset prints in the study's time zone (Europe/Amsterdam)")
  func studyTimeZone() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    try sandbox.addObservation(
      "In Paramaribo genoteerd.", extra: ["--title", "Elders", "--at", "2024-03-12T10:00:00-03:00"])
    let list = try sandbox.fieldlog(["list"])
    #expect(list.stdout.contains("2024-03-12 14:00"), "\(list.stdout)")
    #expect(!list.stdout.contains("10:00"), "\(list.stdout)")
    let json = try sandbox.list()
    #expect(json.first?["occurred_at"]?.string == "2024-03-12T10:00:00-03:00", "\(json)")
  }
}

@Suite("the study's time zone")
struct StudyTimeZoneTests {
  /// The Amsterdam example with `timezone: <zone>` added.
  static func study(_ zone: String, in sandbox: Sandbox) throws -> URL {
    let text = try String(contentsOf: Paths.amsterdamStudy, encoding: .utf8)
    return try sandbox.write("study.yaml", text: "timezone: \(zone)\n" + text)
  }

  @Test("a study file's timezone reads --at without an offset and shows every time in it")
  func declaredZone() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal(study: try Self.study("America/Paramaribo", in: sandbox))
    let local = try sandbox.addObservation(
      "In de buurt.", extra: ["--title", "Lokaal", "--at", "2024-03-12 10:00"])
    #expect(local["occurred_at"]?.string == "2024-03-12T10:00:00-03:00", "\(local)")
    try sandbox.addObservation(
      "In Amsterdam.", extra: ["--title", "Amsterdam", "--at", "2024-03-12T15:00:00+01:00"])
    let list = try sandbox.fieldlog(["list"])
    let rows = list.stdout.split(separator: "\n")
    #expect(rows.contains { $0.contains("2024-03-12 10:00") && $0.contains("Lokaal") }, "\(list)")
    #expect(
      rows.contains { $0.contains("2024-03-12 11:00") && $0.contains("Amsterdam") }, "\(list)")
    // --since without an offset is read in the study's zone too
    #expect(ListFixture.titles(try sandbox.list(["--since", "2024-03-12 10:30"])) == ["Amsterdam"])
    let study = try sandbox.fieldlog(["study", "show", "--json"])
    #expect(
      try JSON.parse(study.stdoutData)["timezone"]?.string == "America/Paramaribo", "\(study)")
    let valid = try sandbox.validate(study.stdoutData, schema: Paths.studySchema)
    #expect(valid.status == 0, "study show --json against study.schema.json: \(valid)")
    #expect(try sandbox.fieldlog(["verify"]).status == 0)
  }

  @Test("an unknown time zone in the study file is refused with 65 and the closest names")
  func unknownZone() throws {
    let sandbox = try Sandbox()
    let study = try Self.study("Europe/Amsterdm", in: sandbox)
    let result = try sandbox.fieldlog(["init", "--study", study.path, "--author", "A"])
    #expect(result.status == 65, "\(result)")
    #expect(result.stderr.contains("unknown time zone 'Europe/Amsterdm'"), "\(result)")
    #expect(result.stderr.contains("'Europe/Amsterdam'"), "\(result)")
    #expect(!FileManager.default.fileExists(atPath: sandbox.journal.path))
  }
}

@Suite("list and search: --limit, --participant, counts")
struct LimitParticipantTests {
  static func make() throws -> Sandbox {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    for (title, at, people) in [
      ("Eerste koffie", "2024-03-10 10:00", ["P-017"]),
      ("Tweede koffie", "2024-03-11 10:00", ["P-017", "P-018"]),
      ("Derde koffie", "2024-03-12 10:00", ["P-018"]),
    ] {
      try sandbox.addObservation(
        "Koffie in de buurtkamer.",
        extra: ["--title", title, "--at", at] + people.flatMap { ["--participant", $0] })
    }
    return sandbox
  }

  @Test("--participant matches the pseudonym in any case, in list and search")
  func participant() throws {
    let sandbox = try Self.make()
    #expect(
      ListFixture.titles(try sandbox.list(["--participant", "p-017"]))
        == ["Tweede koffie", "Eerste koffie"])
    let search = try sandbox.fieldlog(["search", "koffie", "--participant", "P-018", "--json"])
    try #require(search.status == 0, "\(search)")
    let titles = Set(ListFixture.titles(try #require(try JSON.parse(search.stdoutData).array)))
    #expect(titles == ["Tweede koffie", "Derde koffie"])
  }

  @Test("an unknown --participant is refused with 65, naming it and the closest pseudonyms")
  func unknownParticipant() throws {
    let sandbox = try Self.make()
    let before = try sandbox.state()
    let result = try sandbox.fieldlog(["list", "--participant", "P-019"])
    #expect(result.status == 65, "\(result)")
    #expect(result.stderr.contains("error: unknown participant 'P-019'"), "\(result)")
    #expect(result.stderr.contains("'P-018'"), "\(result)")
    #expect(try sandbox.state() == before)
  }

  @Test("--limit N shows at most N entries, newest first; best matches first in search")
  func limit() throws {
    let sandbox = try Self.make()
    #expect(
      ListFixture.titles(try sandbox.list(["--limit", "2"])) == ["Derde koffie", "Tweede koffie"])
    let search = try sandbox.fieldlog(["search", "koffie", "--limit", "1", "--json"])
    try #require(search.status == 0, "\(search)")
    #expect(try #require(try JSON.parse(search.stdoutData).array).count == 1)
    let table = try sandbox.fieldlog(["list", "--limit", "1"])
    #expect(table.stdout.split(separator: "\n").count == 2, "header and one row: \(table)")
    for bad in ["0", "-1"] {
      let refused = try sandbox.fieldlog(["list", "--limit=\(bad)"])
      #expect(refused.status == 64, "\(refused)")
      #expect(refused.stderr.contains("--limit"), "\(refused)")
    }
  }

  @Test("counts are grammatical: 1 entry, 2 entries, 1 feed, 1 body or quote")
  func grammaticalCounts() throws {
    let sandbox = try Self.make()
    let one = try sandbox.fieldlog(
      ["export", "entries", "--format", "jsonl", "--include-withheld"])
    try #require(one.status == 0, "\(one)")
    let lines = one.stdout.split(separator: "\n")
    let file = try sandbox.write("one.jsonl", text: String(lines[0]) + "\n")
    let other = try Sandbox()
    try other.initJournal()
    let imported = try other.fieldlog(["import", file.path])
    #expect(imported.stdout.contains("imported 1 entry; skipped 0"), "\(imported)")
    let two = try sandbox.write("two.jsonl", text: lines[1...2].joined(separator: "\n") + "\n")
    let importedTwo = try other.fieldlog(["import", two.path])
    #expect(importedTwo.stdout.contains("imported 2 entries"), "\(importedTwo)")
    let verify = try other.fieldlog(["verify"])
    #expect(verify.stdout.contains("1 feed, "), "\(verify)")
    #expect(!verify.stdout.contains("(s)"), "\(verify)")
    // One participant without quotation consent: one body withheld
    let export = try sandbox.fieldlog([
      "export", "entries", "--participant", "P-017", "--limit", "1",
    ])
    #expect(export.status == 64, "export takes no --limit: \(export)")
    let withheld = try sandbox.fieldlog(
      ["export", "entries", "--participant", "P-018", "--since", "2024-03-12"])
    try #require(withheld.status == 0, "\(withheld)")
    #expect(withheld.stderr.contains("1 body or quote was withheld"), "\(withheld)")
  }
}

@Suite("add and code apply print the 8-digit id")
struct ShortIDTests {
  @Test("add prints the first 8 hex digits of the new entry's id; --json the full record")
  func addPrintsShortID() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let result = try sandbox.fieldlog(
      ["add", "observation", "--text", "x", "--neighbourhood", "Holendrecht", "--question", "RQ1"])
    try #require(result.status == 0, "\(result)")
    #expect(result.output.wholeMatch(of: #/[0-9a-f]{8}/#) != nil, "\(result)")
    let id = try #require(try sandbox.list().first?["id"]?.string)
    #expect(id.hasPrefix(result.output) && id.count == 36, "\(id)")
    // The short id works wherever an id is asked for
    let coded = try sandbox.fieldlog(["code", "apply", result.output, "informele steun"])
    try #require(coded.status == 0, "\(coded)")
    #expect(coded.output.wholeMatch(of: #/[0-9a-f]{8}/#) != nil, "\(coded)")
    let segments = try sandbox.fieldlog(["code", "show", "informele steun", "--json"])
    let coding = try #require(try JSON.parse(segments.stdoutData).array?.first?["id"]?.string)
    #expect(coding.hasPrefix(coded.output), "\(coding)")
  }
}

@Suite("progress on stderr")
struct ProgressTests {
  /// A JSON Lines file of `count` entries, as 'export entries --format jsonl' writes them.
  static func entries(_ count: Int, in sandbox: Sandbox) throws -> URL {
    var text = ""
    for index in 0..<count {
      text +=
        #"{"kind":"observation","title":"Notitie \#(index)","body":"Koffie nummer \#(index)","#
        + #""neighbourhood":"Holendrecht","questions":["RQ1"],"#
        + #""occurred_at":"2024-03-12T10:00:00+01:00"}"# + "\n"
    }
    return try sandbox.write("many.jsonl", text: text)
  }

  @Test("a large import on a terminal shows count, rate and time left on stderr")
  func importOnTerminal() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let file = try Self.entries(3000, in: sandbox)
    // The first line appears after a second of work; 0 shows it at once, so the test does not
    // depend on how fast this machine is.
    let result = try sandbox.fieldlogOnTerminal(
      ["import", file.path], env: ["FIELDLOG_PROGRESS_DELAY": "0"])
    try #require(result.status == 0, "\(result)")
    #expect(result.stdout.contains("importing entries: "), "\(result)")
    #expect(result.stdout.contains(" of 3000 ("), "\(result)")
    #expect(result.stdout.contains("/s"), "\(result)")
    #expect(result.stdout.contains(" left"), "\(result)")
    #expect(result.stdout.contains("imported 3000 entries"), "\(result)")
  }

  @Test("without the delay override, progress appears once an import takes over a second")
  func importTakesOverASecond() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let file = try Self.entries(8000, in: sandbox)
    let start = Date()
    let result = try sandbox.fieldlogOnTerminal(["import", file.path])
    let took = Date().timeIntervalSince(start)
    try #require(result.status == 0, "\(result)")
    if took < 1.5 {
      Issue.record("the import took only \(took) s; it cannot show whether progress appears")
    }
    #expect(result.stdout.contains("importing entries: "), "after \(took) s: \(result)")
  }

  @Test("with stderr in a file, import, export, verify, rebuild and merge print no progress")
  func silentWhenStderrIsAFile() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let file = try Self.entries(500, in: sandbox)
    let other = try Sandbox()
    try other.initJournal()
    let snapshot = other.url("other-snapshot.sqlite")
    try #require(try other.fieldlog(["snapshot", "-o", snapshot.path]).status == 0)
    let env = ["FIELDLOG_PROGRESS_DELAY": "0"]
    for command in [
      ["import", file.path], ["export", "entries", "-o", sandbox.url("out.csv").path],
      ["verify"], ["rebuild"], ["merge", snapshot.path],
    ] {
      let result = try sandbox.fieldlog(command, env: env)
      try #require(result.status == 0, "\(command): \(result)")
      #expect(!result.stderr.contains("\r"), "\(command): \(result)")
      #expect(!result.stderr.contains("/s"), "\(command): \(result)")
    }
  }

  @Test("verify, rebuild, export and merge show progress on a terminal")
  func otherCommandsOnTerminal() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let file = try Self.entries(600, in: sandbox)
    try #require(try sandbox.fieldlog(["import", file.path]).status == 0)
    let other = try Sandbox()
    try other.initJournal()
    let snapshot = other.url("other-snapshot.sqlite")
    try #require(try other.fieldlog(["snapshot", "-o", snapshot.path]).status == 0)
    let env = ["FIELDLOG_PROGRESS_DELAY": "0"]
    for (command, step) in [
      (["verify"], "verifying events: "), (["rebuild"], "replaying events: "),
      (["export", "entries", "-o", sandbox.url("out.csv").path], "exporting rows: "),
      (["merge", snapshot.path], "replaying events: "),
    ] {
      let result = try sandbox.fieldlogOnTerminal(command, env: env)
      try #require(result.status == 0, "\(command): \(result)")
      #expect(result.stdout.contains(step), "\(command): \(result)")
    }
  }
}

@Suite("shell completions")
struct CompletionTests {
  /// What the completion function of `option` of `command` offers for `typed`, as the shell asks
  /// for it (argument-parser's `---completion` protocol).
  static func complete(
    _ command: [String], _ option: String, _ typed: String, journal: URL?, in sandbox: Sandbox,
    currentDirectory: URL? = nil
  ) throws -> ProcessResult {
    let words = command + (journal.map { ["--journal", $0.path] } ?? []) + [option, typed]
    return try sandbox.cli.run(
      ["---completion"] + command + ["--", option, "\(words.count - 1)", "\(typed.count)"] + words,
      currentDirectory: currentDirectory)
  }

  @Test("neighbourhoods, initiatives and codes come from the journal --journal names")
  func namesFromTheJournal() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let places = try Self.complete(
      ["list"], "--neighbourhood", "jan", journal: sandbox.journal, in: sandbox)
    #expect(places.status == 0, "\(places)")
    #expect(places.stdout.split(separator: "\n") == ["Jan van Maijenbuurt"], "\(places)")
    let initiatives = try Self.complete(
      ["list"], "--initiative", "", journal: sandbox.journal, in: sandbox)
    #expect(initiatives.stdout.contains("Buurtkamer De Brug"), "\(initiatives)")
    let codes = try Self.complete(["list"], "--code", "", journal: sandbox.journal, in: sandbox)
    #expect(codes.stdout.contains("informele steun"), "\(codes)")
    let study = try JSON.parse(try sandbox.fieldlog(["study", "show", "--json"]).stdoutData)
    #expect(
      codes.stdout.split(separator: "\n").count >= (study["codebook"]?.array?.count ?? .max),
      "\(codes)")
  }

  @Test("without a journal, completion offers nothing and prints no error")
  func noJournal() throws {
    let sandbox = try Sandbox()
    let result = try Self.complete(
      ["list"], "--neighbourhood", "", journal: nil, in: sandbox, currentDirectory: sandbox.dir)
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(result)")
    #expect(result.stderr.isEmpty, "\(result)")
  }

  @Test("the generated scripts offer the kinds and complete file names for paths")
  func scripts() throws {
    let cli = try CLI.require()
    let zsh = try cli.run(["--generate-completion-script", "zsh"])
    try #require(zsh.status == 0, "\(zsh)")
    for kind in ["observation", "network-conversation", "interview", "nabije-kennis"] {
      #expect(zsh.stdout.contains(kind), "\(kind) is not offered")
    }
    #expect(zsh.stdout.contains("--file") && zsh.stdout.contains("_files"), "no file completion")
    let bash = try cli.run(["--generate-completion-script", "bash"])
    #expect(bash.status == 0 && bash.stdout.contains("---completion"), "\(bash.stdout.prefix(200))")
  }
}

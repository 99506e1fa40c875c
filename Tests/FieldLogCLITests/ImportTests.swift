import Foundation
import Testing

/// `fieldlog import`: JSON Lines, CSV and Markdown notes, all or nothing.
@Suite("import") struct ImportTests {
  static let fixtures = Paths.packageRoot.appendingPathComponent(
    "Tests/FieldLogCLITests/Fixtures/markdown-notes")

  /// A journal with entries worth round-tripping: diacritics, quotes, a formula-like body, fields.
  static func source() throws -> Sandbox {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    _ = try sandbox.add(
      "observation",
      [
        "--title", "Één \"café\"; met, komma 👍🏾", "--text", "=SUM(A1)\nregel; twee, \"drie\"",
        "--neighbourhood", "Holendrecht", "--initiative", "Buurtkamer De Brug", "--question", "RQ1",
        "--question", "RQ3", "--tag", "koffie", "--participant", "P-017:client", "--field",
        "setting=buurtkamer", "--field", "duration-minutes=45", "--at", "2024-03-12 10:00",
      ])
    _ = try sandbox.add(
      "network-conversation",
      [
        "--text", "Netwerk", "--neighbourhood", "Jan van Maijenbuurt", "--question", "RQ2",
        "--participant", "P-018:family", "--field", "roles=client,family", "--field",
        "follow-up=2024-04-02",
      ])
    for pseudonym in ["P-017", "P-018"] {
      _ = try sandbox.fieldlog(["consent", pseudonym, "--given", "written", "--scope", "quotation"])
    }
    return sandbox
  }

  /// A second, empty journal in the same folder, with consent for the same participants once known.
  static func target(_ sandbox: Sandbox, _ name: String) throws -> URL {
    let journal = sandbox.url(name)
    let made = try sandbox.fieldlog(
      ["init", "--study", Paths.amsterdamStudy.path, "--author", "Bram"], journal: journal)
    try #require(made.status == 0, "\(made)")
    return journal
  }

  static func grantConsent(_ sandbox: Sandbox, _ journal: URL) throws {
    for pseudonym in ["P-017", "P-018"] {
      _ = try sandbox.fieldlog(
        ["consent", pseudonym, "--given", "written", "--scope", "quotation"], journal: journal)
    }
  }

  @Test("JSON Lines: export, import into a new journal, export again gives identical entries")
  func jsonlRoundTrip() throws {
    let sandbox = try Self.source()
    let exported = try sandbox.fieldlog(["export", "entries", "--format", "jsonl"])
    let file = try sandbox.write("entries.jsonl", exported.stdoutData)
    let journal = try Self.target(sandbox, "b.sqlite")
    let imported = try sandbox.fieldlog(["import", file.path, "--add-missing"], journal: journal)
    #expect(imported.status == 0, "\(imported)")
    #expect(imported.stdout.contains("added participant 'P-017'"))
    #expect(imported.stdout.contains("imported 2 entries; skipped 0"))
    try Self.grantConsent(sandbox, journal)
    let again = try sandbox.fieldlog(["export", "entries", "--format", "jsonl"], journal: journal)
    #expect(again.stdoutData == exported.stdoutData)
    // Twice is once: known ids are skipped and counted.
    let second = try sandbox.fieldlog(["import", file.path], journal: journal)
    #expect(second.stdout.contains("imported 0 entries; skipped 2"), "\(second)")
    // History says where an imported entry came from.
    let first = try #require(
      try JSON.parse(again.stdout.split(separator: "\n")[0].description)["id"]?.string)
    let history = try sandbox.fieldlog(["history", first, "--json"], journal: journal)
    #expect(history.stdout.contains("\"imported_from\":\"entries.jsonl line 1\""), "\(history)")
    #expect(try sandbox.fieldlog(["verify"], journal: journal).status == 0)
  }

  @Test("CSV in the entries layout, plain and Dutch Excel, reads back the same entries")
  func csvRoundTrip() throws {
    let sandbox = try Self.source()
    let plain = try sandbox.fieldlog(["export", "entries"]).stdoutData
    for (name, args) in [("plain.csv", [String]()), ("excel.csv", ["--excel"])] {
      let file = try sandbox.write(
        name, try sandbox.fieldlog(["export", "entries"] + args).stdoutData)
      let journal = try Self.target(sandbox, name + ".sqlite")
      let imported = try sandbox.fieldlog(["import", file.path, "--add-missing"], journal: journal)
      #expect(imported.status == 0, "\(name): \(imported)")
      try Self.grantConsent(sandbox, journal)
      #expect(
        try sandbox.fieldlog(["export", "entries"], journal: journal).stdoutData == plain, "\(name)"
      )
    }
  }

  @Test("one bad record in the middle imports nothing and names the file, line and problem")
  func allOrNothing() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let lines = [
      #"{"kind":"observation","body":"goed","neighbourhood":"Holendrecht","questions":["RQ1"]}"#,
      #"{"kind":"dagboek","body":"fout","neighbourhood":"Holendrecht","questions":["RQ1"]}"#,
      #"{"kind":"observation","body":"ook goed","neighbourhood":"Holendrecht","questions":["RQ1"]}"#,
    ]
    let file = try sandbox.write("notes.jsonl", text: lines.joined(separator: "\n") + "\n")
    let before = try sandbox.state()
    let result = try sandbox.fieldlog(["import", file.path])
    #expect(result.status == 65, "\(result)")
    #expect(
      result.stderr.hasPrefix("error: notes.jsonl line 2: unknown kind 'dagboek'"), "\(result)")
    #expect(try sandbox.state() == before)
    // Wrong types are named too.
    let typed = try sandbox.write(
      "typed.jsonl",
      text: #"{"kind":"observation","body":"x","neighbourhood":"Holendrecht","questions":"RQ1"}"#
        + "\n")
    let wrong = try sandbox.fieldlog(["import", typed.path])
    #expect(
      wrong.status == 65 && wrong.stderr.contains("typed.jsonl line 1: 'questions' must be a list"),
      "\(wrong)")
    #expect(try sandbox.state() == before)
  }

  @Test("CSV problems: an unbalanced quote, an unknown column, a short row; nothing imported")
  func csvProblems() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let before = try sandbox.state()
    let cases: [(String, String, String)] = [
      (
        "quote.csv", "kind,body,neighbourhood,questions\r\nobservation,\"open,Holendrecht,RQ1\r\n",
        "quote.csv line 2: a quoted cell is never closed"
      ),
      (
        "column.csv", "kind,body,stemming\r\nobservation,x,blij\r\n", "unknown column 'stemming'"
      ),
      (
        "short.csv", "kind,body,neighbourhood,questions\r\nobservation,x\r\n",
        "short.csv line 2: 2 cells where the header has 4"
      ),
    ]
    for (name, content, fragment) in cases {
      let file = try sandbox.write(name, text: content)
      let result = try sandbox.fieldlog(["import", file.path])
      #expect(result.status == 65 && result.stderr.contains(fragment), "\(name): \(result)")
    }
    #expect(try sandbox.state() == before)
  }

  @Test("names the study lacks are refused unless --add-missing, which lists what it added")
  func addMissing() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let file = try sandbox.write(
      "west.jsonl",
      text:
        #"{"kind":"observation","body":"x","neighbourhood":"Bos en Lommer","initiative":"Huiskamer","questions":["RQ9"]}"#
        + "\n")
    let refused = try sandbox.fieldlog(["import", file.path])
    #expect(
      refused.status == 65 && refused.stderr.contains("unknown neighbourhood 'Bos en Lommer'"),
      "\(refused)")
    #expect(refused.stderr.contains("--add-missing"), "\(refused)")
    let added = try sandbox.fieldlog(["import", file.path, "--add-missing"])
    #expect(added.status == 0, "\(added)")
    for line in [
      "added neighbourhood 'Bos en Lommer'", "added initiative 'Huiskamer'",
      "added research question 'RQ9'",
    ] {
      #expect(added.stdout.contains(line), "\(added)")
    }
  }

  @Test("a placeholder body (withheld or redacted) is refused: importing it would lose the text")
  func placeholders() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let file = try sandbox.write(
      "withheld.jsonl",
      text:
        #"{"kind":"interview","body":"[withheld: no quotation consent for P-017]","neighbourhood":"Holendrecht","questions":["RQ1"]}"#
        + "\n")
    let result = try sandbox.fieldlog(["import", file.path])
    #expect(result.status == 65 && result.stderr.contains("--include-withheld"), "\(result)")
  }

  @Test("retracted entries stay retracted, redacted ones are counted not imported; tabs are read")
  func retractedRedactedTabs() throws {
    let sandbox = try Self.source()
    let entries = try sandbox.list()
    let first = try #require(entries.first?["id"]?.string)
    let second = try #require(entries.last?["id"]?.string)
    _ = try sandbox.fieldlog(["retract", first, "--reason", "dubbel"])
    _ = try sandbox.fieldlog(["redact", second, "--reason", "AVG", "--yes"])
    let exported = try sandbox.fieldlog(
      ["export", "entries", "--format", "jsonl", "--include-retracted", "--include-withheld"])
    let file = try sandbox.write("mixed.jsonl", exported.stdoutData)
    let journal = try Self.target(sandbox, "mixed.sqlite")
    let imported = try sandbox.fieldlog(["import", file.path, "--add-missing"], journal: journal)
    #expect(imported.status == 0, "\(imported)")
    #expect(imported.stdout.contains("imported 1 entry;"), "\(imported)")
    #expect(imported.stdout.contains("skipped 1 redacted entry:"), "\(imported)")
    #expect(try sandbox.fieldlog(["list", "--json"], journal: journal).output == "[]")
    let shown = try JSON.parse(
      try sandbox.fieldlog(["show", first, "--json"], journal: journal).stdoutData)
    #expect(shown["retracted"]?["reason"] == .string("dubbel"))
    // A tab-separated export reads back too.
    let tabs = try sandbox.write(
      "tabs.csv",
      try Sandbox().fieldlog(["export", "entries", "--delimiter", "\\t"], journal: sandbox.journal)
        .stdoutData)
    let fresh = try Self.target(sandbox, "tabs.sqlite")
    let fromTabs = try sandbox.fieldlog(["import", tabs.path, "--add-missing"], journal: fresh)
    #expect(fromTabs.status == 0, "\(fromTabs)")
  }

  @Test("a .qdc codebook goes into the codebook; codes already there are skipped")
  func codebook() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    #expect(
      try sandbox.fieldlog(["code", "define", "vertrouwen & \"nabijheid\"", "--color", "#123abc"])
        .status == 0)
    #expect(
      try sandbox.fieldlog([
        "code", "define", "tussen buren", "--parent", "vertrouwen & \"nabijheid\"", "--description",
        "regel één\nregel twee",
      ]).status == 0)
    let file = sandbox.url("codes.qdc")
    #expect(try sandbox.fieldlog(["export", "qdc", "-o", file.path]).status == 0)
    let empty = sandbox.url("empty.sqlite")
    #expect(
      try sandbox.fieldlog(["init", "--author", "Bram", "--name", "Leeg"], journal: empty).status
        == 0)
    let imported = try sandbox.fieldlog(["import", file.path], journal: empty)
    #expect(imported.status == 0, "\(imported)")
    #expect(
      imported.stdout.contains("added code 'vertrouwen & \"nabijheid\" > tussen buren'"),
      "\(imported)")
    let original = try JSON.parse(try sandbox.fieldlog(["code", "list", "--json"]).stdoutData)
    let copied = try JSON.parse(
      try sandbox.fieldlog(["code", "list", "--json"], journal: empty).stdoutData)
    func shape(_ list: JSON) -> [String] {
      (list.array ?? []).map {
        [$0["path"]?.string ?? "", $0["color"]?.string ?? "", $0["description"]?.string ?? ""]
          .joined(separator: "|")
      }.sorted()
    }
    #expect(shape(original) == shape(copied))
    let again = try sandbox.fieldlog(["import", file.path], journal: empty)
    #expect(again.stdout.contains("imported 0 codes; skipped 12"), "\(again)")
    let broken = try sandbox.write("broken.qdc", text: "<CodeBook><Codes><Code name=\"x\"></Codes>")
    let refused = try sandbox.fieldlog(["import", broken.path], journal: empty)
    #expect(refused.status == 65 && refused.stderr.contains("broken.qdc line 1"), "\(refused)")
  }

  @Test("a folder of Markdown notes: front matter, titles from the heading or the file name")
  func markdownFolder() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let result = try sandbox.fieldlog(["import", Self.fixtures.path, "--add-missing"])
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout.contains("imported 3 entries"), "\(result)")
    let entries = try sandbox.list()
    func entry(_ title: String) throws -> JSON {
      try #require(
        entries.first { $0["title"]?.string == title }, "no entry '\(title)' in \(entries)")
    }
    let coffee = try entry("Koffieochtend in de buurtkamer")
    #expect(coffee["kind"] == .string("observation"))
    #expect(coffee["occurred_at"] == .string("2024-03-12T10:00:00+01:00"))
    #expect(coffee["initiative"] == .string("Buurtkamer De Brug"))
    #expect(coffee["questions"] == .array([.string("RQ1"), .string("RQ3")]))
    #expect(coffee["tags"] == .array([.string("koffie"), .string("ontmoeting")]))
    #expect(coffee["fields"]?["duration-minutes"] == .int(90))
    #expect(coffee["body"]?.string?.hasSuffix("drempel lager. 👍🏾") == true)
    let conversation = try entry("Gesprek over boodschappen")
    #expect(conversation["kind"] == .string("network-conversation"))
    #expect(conversation["occurred_at"] == .string("2024-04-02T15:00:00+02:00"))
    #expect(conversation["fields"]?["roles"] == .array([.string("client"), .string("family")]))
    #expect(conversation["fields"]?["follow-up"] == .string("2024-04-16"))
    let knowledge = try entry("wat-de-imam-weet")
    #expect(knowledge["kind"] == .string("nabije-kennis"))
    #expect(knowledge["fields"]?["holder-role"] == .string("imam"))
    // A note's id comes from its path: importing the folder again adds nothing.
    let again = try sandbox.fieldlog(["import", Self.fixtures.path])
    #expect(again.stdout.contains("imported 0 entries; skipped 3"), "\(again)")
  }
}

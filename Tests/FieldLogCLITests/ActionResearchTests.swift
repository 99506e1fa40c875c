import Foundation
import Testing

/// Issue 18, participatory action research, as a researcher meets it on the command line: cycles and
/// phases, the reflexive journal, member checking, versions of the information letter, retention and
/// the purge of key records, the maDMP fragment, and the integrity of every new event type.
///
/// Every test runs the real binary on a journal of its own, made from Fixtures/par/study.yaml: cycles
/// C1 (2024-03-01 to 2024-06-30) and C2 (2024-09-01 to 2024-12-20), letters v1 (2024-01-15) and v2
/// (2024-09-01), retention (study ends 2027-12-31, data kept 10 years, key file until 2028-06-30).
@Suite struct ActionResearchTests {
  static let study = Paths.packageRoot.appendingPathComponent(
    "Tests/FieldLogCLITests/Fixtures/par/study.yaml")
  static let madmpSchema = Paths.packageRoot.appendingPathComponent(
    "Tests/FieldLogCLITests/Fixtures/madmp/maDMP-schema-1.2.json")

  // MARK: helpers

  /// A sandbox with a journal made from the action-research study and the suites' pseudonyms.
  func makeSandbox(sourceLocation: SourceLocation = #_sourceLocation) throws -> Sandbox {
    let sandbox = try Sandbox(sourceLocation: sourceLocation)
    try sandbox.initJournal(study: Self.study, sourceLocation: sourceLocation)
    return sandbox
  }

  @discardableResult
  func ok(_ result: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation) throws
    -> ProcessResult
  {
    try #require(result.status == 0, "\(result)", sourceLocation: sourceLocation)
    return result
  }

  /// An observation in Holendrecht for RQ1 on `day`; returns its whole id.
  @discardableResult
  func observe(
    _ sandbox: Sandbox, _ text: String, on day: String, _ extra: [String] = [],
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> String {
    let entry = try sandbox.add(
      "observation",
      ["--text", text, "--neighbourhood", "Holendrecht", "--question", "RQ1", "--at", day] + extra,
      sourceLocation: sourceLocation)
    return try #require(entry["id"]?.string, "\(entry)", sourceLocation: sourceLocation)
  }

  /// A reflection on `day`; returns its whole id.
  @discardableResult
  func reflect(
    _ sandbox: Sandbox, _ text: String, on day: String, _ extra: [String] = [],
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> String {
    let entry = try sandbox.add(
      "reflection", ["--text", text, "--at", day] + extra, sourceLocation: sourceLocation)
    return try #require(entry["id"]?.string, "\(entry)", sourceLocation: sourceLocation)
  }

  /// The ids of a JSON array of entries, in order.
  func ids(_ entries: [JSON]) -> [String] { entries.compactMap { $0["id"]?.string } }

  /// `ARGS... --json`, requiring success, parsed.
  func json(
    _ sandbox: Sandbox, _ args: [String], journal: URL? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> JSON {
    let result = try sandbox.fieldlog(args + ["--json"], journal: journal)
    try #require(result.status == 0, "\(args): \(result)", sourceLocation: sourceLocation)
    return try JSON.parse(result.stdoutData)
  }

  /// Reads a CSV export back as an analyst would, with pandas (.ci/run installs it): for each
  /// row's id, the values of `columns` ("" for empty).
  func readCSV(
    _ sandbox: Sandbox, _ file: URL, columns: [String],
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> [String: [String]] {
    let script = """
      import json, sys
      import pandas as pd
      cols = sys.argv[2].split(",")
      df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
      rows = [row for _, row in df.iterrows()]
      print(json.dumps({row["id"]: [row[c] for c in cols] for row in rows}))
      """
    let result = try sandbox.python(
      ["-c", script, file.path, columns.joined(separator: ",")])
    try #require(result.status == 0, "pandas: \(result)", sourceLocation: sourceLocation)
    let parsed = try #require(
      try JSON.parse(result.stdoutData).object, "\(result)", sourceLocation: sourceLocation)
    return parsed.mapValues { $0.strings ?? [] }
  }

  func fileMode(_ url: URL) throws -> Int? {
    try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
  }

  func keyFile(_ sandbox: Sandbox) -> URL { sandbox.url("fieldlog-keys.sqlite") }

  /// The pseudonyms `keys list` prints, one a row.
  func keyRecords(_ sandbox: Sandbox, sourceLocation: SourceLocation = #_sourceLocation) throws
    -> [String]
  {
    let listed = try ok(sandbox.fieldlog(["keys", "list"]), sourceLocation: sourceLocation)
    return listed.stdout.split(separator: "\n").dropFirst().compactMap {
      $0.split(separator: " ").first.map(String.init)
    }
  }

  // MARK: 1. cycles and phases

  @Test("cycles: default by date, explicit, none on overlap; list/report/export by cycle and phase")
  func cyclesAndPhases() throws {
    let sandbox = try makeSandbox()

    // Given entries inside C1, inside C2 with a phase, explicitly C2 on a C1 day, and between cycles
    let inC1 = try observe(sandbox, "Koffie in de buurtkamer met buurtmoeders", on: "2024-04-10")
    let inC2 = try observe(sandbox, "Samen eten op vrijdag", on: "2024-10-04", ["--phase", "act"])
    let explicit = try observe(
      sandbox, "Terugblik op de buurtkamer", on: "2024-04-11",
      ["--cycle", "C2", "--phase", "observe"])
    let between = try observe(sandbox, "Zomerstilte in de buurt", on: "2024-07-20")

    // Then show says which cycle, and whether by date
    let shownC1 = try sandbox.show(inC1)
    #expect(shownC1["cycle"]?.string == "C1", "\(shownC1)")
    #expect(shownC1["cycle_by_date"]?.bool == true, "\(shownC1)")
    #expect(shownC1["phase"] == nil || shownC1["phase"] == .null, "\(shownC1)")
    let shownC2 = try sandbox.show(inC2)
    #expect(shownC2["cycle"]?.string == "C2", "\(shownC2)")
    #expect(shownC2["cycle_by_date"]?.bool == true, "\(shownC2)")
    #expect(shownC2["phase"]?.string == "act", "\(shownC2)")
    let shownExplicit = try sandbox.show(explicit)
    #expect(shownExplicit["cycle"]?.string == "C2", "\(shownExplicit)")
    #expect(shownExplicit["cycle_by_date"]?.bool == false, "\(shownExplicit)")
    #expect(shownExplicit["phase"]?.string == "observe", "\(shownExplicit)")
    let shownBetween = try sandbox.show(between)
    #expect(shownBetween["cycle"] == nil || shownBetween["cycle"] == .null, "\(shownBetween)")

    // When a cycle overlapping C1 is added, an entry in the overlap gets no cycle by default
    try ok(
      sandbox.fieldlog([
        "study", "add-cycle", "C3", "--name", "Overlap met C1", "--from", "2024-05-01", "--to",
        "2024-05-31",
      ]))
    let overlap = try observe(sandbox, "In de overlap", on: "2024-05-15")
    let shownOverlap = try sandbox.show(overlap)
    #expect(shownOverlap["cycle"] == nil || shownOverlap["cycle"] == .null, "\(shownOverlap)")
    // ... and an entry of C1's own days outside the overlap keeps C1
    #expect(try sandbox.show(inC1)["cycle"]?.string == "C1")

    // Filters
    #expect(ids(try sandbox.list(["--cycle", "C1"])) == [inC1])
    #expect(Set(ids(try sandbox.list(["--cycle", "C2"]))) == [inC2, explicit])
    #expect(ids(try sandbox.list(["--phase", "act"])) == [inC2])
    #expect(ids(try sandbox.list(["--cycle", "C2", "--phase", "observe"])) == [explicit])
    let table = try ok(sandbox.fieldlog(["list"]))
    let header = table.stdout.split(separator: "\n").first.map(String.init) ?? ""
    #expect(header.contains("CYCLE"), "\(table)")

    // report codes --by cycle / --by phase
    try ok(sandbox.fieldlog(["code", "apply", inC1, "informele steun > buurtmoeders"]))
    try ok(sandbox.fieldlog(["code", "apply", inC2, "schuring"]))
    try ok(sandbox.fieldlog(["code", "apply", explicit, "schuring"]))
    let byCycle = try json(sandbox, ["report", "codes", "--by", "cycle"])["rows"]?.array ?? []
    func row(_ rows: [JSON], _ code: String, _ key: String, _ value: String) -> Int64? {
      rows.first { $0["code"]?.string == code && $0[key]?.string == value }?[
        "entries_any_coder"]?.int
    }
    #expect(row(byCycle, "schuring", "cycle", "C2") == 2, "\(byCycle)")
    #expect(row(byCycle, "informele steun > buurtmoeders", "cycle", "C1") == 1, "\(byCycle)")
    #expect(row(byCycle, "schuring", "cycle", "C1") == nil, "\(byCycle)")
    let byPhase = try json(sandbox, ["report", "codes", "--by", "phase"])["rows"]?.array ?? []
    #expect(row(byPhase, "schuring", "phase", "act") == 1, "\(byPhase)")
    #expect(row(byPhase, "schuring", "phase", "observe") == 1, "\(byPhase)")

    // export entries: the cycle and phase columns, read back with pandas
    let csv = sandbox.url("entries.csv")
    try ok(sandbox.fieldlog(["export", "entries", "-o", csv.path]))
    let rows = try readCSV(sandbox, csv, columns: ["cycle", "phase"])
    #expect(rows[inC1] == ["C1", ""], "\(rows)")
    #expect(rows[inC2] == ["C2", "act"], "\(rows)")
    #expect(rows[explicit] == ["C2", "observe"], "\(rows)")
    #expect(rows[between] == ["", ""], "\(rows)")
    #expect(rows[overlap] == ["", ""], "\(rows)")
    // --cycle on export too
    let onlyC2 = sandbox.url("c2.csv")
    try ok(sandbox.fieldlog(["export", "entries", "--cycle", "C2", "-o", onlyC2.path]))
    #expect(Set(try readCSV(sandbox, onlyC2, columns: ["cycle"]).keys) == [inC2, explicit])
  }

  // MARK: 2. bad input

  struct BadCase: Sendable, CustomTestStringConvertible {
    var label: String
    /// The command; ENTRY stands for the id of the entry that names P-017.
    var args: [String]
    /// The value the error must quote.
    var value: String
    /// Valid values the error must list.
    var known: [String]
    /// Further fragments the error must hold.
    var fragments: [String] = []
    var testDescription: String { label }
  }

  static let badCases: [BadCase] = [
    BadCase(
      label: "unknown cycle on add",
      args: [
        "add", "observation", "--text", "x", "--neighbourhood", "Holendrecht", "--question", "RQ1",
        "--cycle", "C9",
      ], value: "C9", known: ["C1", "C2"]),
    BadCase(
      label: "phase outside the four",
      args: [
        "add", "observation", "--text", "x", "--neighbourhood", "Holendrecht", "--question", "RQ1",
        "--phase", "evaluate",
      ], value: "evaluate", known: ["plan", "act", "observe", "reflect"]),
    BadCase(
      label: "member-check response outside the list",
      args: [
        "membercheck", "record", "P-017", "--response", "maybe", "--text", "x", "--entry", "ENTRY",
      ],
      value: "maybe", known: ["agrees", "amends", "disagrees", "no-response"]),
    BadCase(
      label: "letter version not declared",
      args: ["consent", "P-017", "--given", "written", "--scope", "quotation", "--letter", "v9"],
      value: "v9", known: ["v1", "v2"]),
    BadCase(
      label: "purge of a pseudonym an entry still names",
      args: ["keys", "purge", "P-017", "--yes"], value: "P-017", known: [],
      fragments: ["is not due", "1 entry names them", "nothing was purged"]),
  ]

  @Test(
    "bad input is refused, names the value and the valid ones, and changes nothing",
    arguments: badCases)
  func badInput(_ bad: BadCase) throws {
    // Given a journal with an entry naming P-017, and P-017 in the key file
    let sandbox = try makeSandbox()
    let entry = try observe(
      sandbox, "Gesprek met P-017", on: "2024-04-10", ["--participant", "P-017"])
    try ok(sandbox.fieldlog(["keys", "add", "P-017", "--name", "Fatima el Amrani"]))
    let before = try sandbox.state()
    let keysBefore = try Data(contentsOf: keyFile(sandbox))

    // When
    let args = bad.args.map { $0 == "ENTRY" ? entry : $0 }
    let result = try sandbox.fieldlog(args)

    // Then
    #expect(result.status == 65, "\(result)")
    #expect(result.firstErrorLine.hasPrefix("error: "), "\(result)")
    #expect(
      result.firstErrorLine.contains("'\(bad.value)'") || result.firstErrorLine.contains(bad.value),
      "\(result)")
    for valid in bad.known {
      #expect(result.firstErrorLine.contains(valid), "\(valid) not listed: \(result)")
    }
    for fragment in bad.fragments {
      #expect(result.stderr.contains(fragment), "\(fragment): \(result)")
    }
    #expect(try sandbox.state() == before, "the journal changed")
    #expect(try Data(contentsOf: keyFile(sandbox)) == keysBefore, "the key file changed")
  }

  // MARK: 3. reflections

  @Test(
    "reflections: a logbook newest first, left out of list/search/report/agreement unless asked")
  func reflections() throws {
    let sandbox = try makeSandbox()
    try ok(sandbox.fieldlog(["coder", "add", "Anna"]))
    try ok(sandbox.fieldlog(["coder", "add", "Bram"]))

    // Given an observation and two reflections, which need no neighbourhood or question
    let observation = try observe(sandbox, "Koffie in de buurtkamer", on: "2024-04-10")
    let early = try reflect(
      sandbox, "Ik merk dat ik de buurtkamer idealiseer", on: "2024-04-12", ["--phase", "reflect"])
    let late = try reflect(
      sandbox, "Mijn rol als onderzoeker bij samen eten", on: "2024-10-10", ["--cycle", "C2"])
    for id in [observation, early] {
      for coder in ["Anna", "Bram"] {
        try ok(sandbox.fieldlog(["code", "apply", id, "schuring", "--coder", coder]))
      }
    }

    // The logbook: newest first, filtered by cycle
    let logbook = try json(sandbox, ["reflections"]).array ?? []
    #expect(ids(logbook) == [late, early], "\(logbook)")
    #expect(logbook.first?["cycle"]?.string == "C2")
    #expect(logbook.last?["cycle"]?.string == "C1", "C1 by date")
    #expect(logbook.last?["phase"]?.string == "reflect")
    #expect(ids(try json(sandbox, ["reflections", "--cycle", "C1"]).array ?? []) == [early])

    // list
    #expect(ids(try sandbox.list()) == [observation])
    #expect(Set(ids(try sandbox.list(["--include-reflections"]))) == [observation, early, late])
    #expect(ids(try sandbox.list(["--kind", "reflection"])) == [late, early])

    // search
    #expect(try json(sandbox, ["search", "idealiseer"]).array?.isEmpty == true)
    #expect(
      ids(try json(sandbox, ["search", "idealiseer", "--include-reflections"]).array ?? [])
        == [early])

    // report codes
    func schuring(_ report: JSON) -> Int64? {
      report["rows"]?.array?.first { $0["code"]?.string == "schuring" }?["entries_any_coder"]?.int
    }
    #expect(schuring(try json(sandbox, ["report", "codes"])) == 1)
    #expect(schuring(try json(sandbox, ["report", "codes", "--include-reflections"])) == 2)

    // agreement
    let agreement = try json(sandbox, ["agreement", "--coders", "Anna,Bram"])
    #expect(agreement["entries"]?.int == 1, "\(agreement)")
    let withReflections = try json(
      sandbox, ["agreement", "--coders", "Anna,Bram", "--include-reflections"])
    #expect(withReflections["entries"]?.int == 2, "\(withReflections)")

    // export
    let csv = sandbox.url("entries.csv")
    try ok(sandbox.fieldlog(["export", "entries", "-o", csv.path]))
    #expect(Set(try readCSV(sandbox, csv, columns: ["kind"]).keys) == [observation])

    // The Markdown appendix: mode 0600, newest first
    let markdown = sandbox.url("reflexief.md")
    try ok(sandbox.fieldlog(["reflections", "--markdown", "-o", markdown.path]))
    #expect(try fileMode(markdown) == 0o600)
    let text = try String(contentsOf: markdown, encoding: .utf8)
    let newer = try #require(text.range(of: "Mijn rol als onderzoeker"), "\(text)")
    let older = try #require(text.range(of: "Ik merk dat ik de buurtkamer idealiseer"), "\(text)")
    #expect(newer.lowerBound < older.lowerBound, "\(text)")
    #expect(!text.contains("Koffie in de buurtkamer"), "an observation in the reflexive journal")
  }

  // MARK: 4. member checking

  /// P-017 with member-check and quotation consent on letter v1; an entry naming only P-017, coded on
  /// a quote, with a shared and a private memo; an entry naming P-017 and P-018 (no quotation consent
  /// for P-018), coded on a quote.
  func memberCheckJournal() throws -> (Sandbox, own: String, joint: String) {
    let sandbox = try makeSandbox()
    try ok(
      sandbox.fieldlog([
        "consent", "P-017", "--given", "written", "--scope", "member-check,quotation", "--letter",
        "v1",
        "--date", "2024-02-01",
      ]))
    let own = try observe(
      sandbox, "Koffie in de buurtkamer, daarna naar de huisarts", on: "2024-04-10",
      ["--participant", "P-017"])
    let joint = try observe(
      sandbox, "Samen vertelt over de voedselbank en de wijkcoach", on: "2024-04-20",
      ["--participant", "P-017", "--participant", "P-018"])
    try ok(
      sandbox.fieldlog([
        "code", "apply", own, "informele steun > buurtmoeders", "--quote",
        "Koffie in de buurtkamer",
      ]))
    try ok(
      sandbox.fieldlog([
        "code", "apply", joint, "schuring", "--quote", "vertelt over de voedselbank",
      ]))
    try ok(
      sandbox.fieldlog([
        "memo", "add", "--about", own, "Gedeelde duiding: de buurtkamer als ontmoetingsplek",
        "--share",
      ]))
    try ok(sandbox.fieldlog(["memo", "add", "--about", own, "Prive twijfel over mijn eigen rol"]))
    return (sandbox, own, joint)
  }

  @Test(
    "membercheck export: consented quotes, their codes, shared memos only; private files; valid HTML"
  )
  func memberCheckExportContents() throws {
    let (sandbox, _, _) = try memberCheckJournal()
    let folder = sandbox.url("membercheck")

    // When
    try ok(sandbox.fieldlog(["membercheck", "export", "P-017", "-o", folder.path]))

    // Then: both files, private
    let html = folder.appendingPathComponent("P-017.html")
    let markdown = folder.appendingPathComponent("P-017.md")
    #expect(try fileMode(folder) == 0o700)
    #expect(try fileMode(html) == 0o600)
    #expect(try fileMode(markdown) == 0o600)
    for file in [html, markdown] {
      let text = try String(contentsOf: file, encoding: .utf8)
      #expect(text.contains("Koffie in de buurtkamer"), "\(file.lastPathComponent): \(text)")
      #expect(text.contains("buurtmoeders"), "the code on the quote: \(text)")
      #expect(
        !text.contains("vertelt over de voedselbank"),
        "a quote of an entry naming P-018, who has no quotation consent: \(text)")
      #expect(text.contains("Gedeelde duiding"), "the shared memo: \(text)")
      #expect(!text.contains("Prive twijfel"), "a private memo: \(text)")
      #expect(!text.contains("daarna naar de huisarts"), "the body beyond the quote: \(text)")
      #expect(text.contains("Beste deelnemer"), "the Dutch explanation: \(text)")
    }

    // The HTML parses strictly (html5lib) and with xmllint
    let parsed = try sandbox.python([
      "-c",
      "import sys, html5lib; html5lib.HTMLParser(strict=True).parse(open(sys.argv[1], 'rb').read())",
      html.path,
    ])
    #expect(parsed.status == 0, "html5lib: \(parsed)")
    if let xmllint = Processes.which("xmllint") {
      let linted = try Processes.run(xmllint, ["--html", "--noout", html.path])
      #expect(linted.status == 0, "xmllint: \(linted)")
    }

    // Even when P-018 gives quotation consent, the joint entry's quote stays out of P-017's
    // document: it may be P-018's words, which P-017 could tell apart. Its codes are shown.
    try ok(
      sandbox.fieldlog([
        "consent", "P-018", "--given", "written", "--scope", "quotation", "--letter", "v1",
        "--date",
        "2024-02-01",
      ]))
    try ok(sandbox.fieldlog(["membercheck", "export", "P-017", "-o", folder.path, "--force"]))
    let again = try String(contentsOf: markdown, encoding: .utf8)
    #expect(!again.contains("vertelt over de voedselbank"), "\(again)")
    #expect(again.contains("Dit verslag gaat ook over anderen"), "\(again)")
    #expect(again.contains("schuring"), "\(again)")
  }

  @Test("an interviewee is named too: in their member check, and retention keeps their key record")
  func intervieweesAreNamed() throws {
    // Given P-030 only as the interviewee of an interview, with quotation and member-check consent
    let sandbox = try makeSandbox()
    try ok(
      sandbox.fieldlog([
        "consent", "P-030", "--given", "written", "--scope", "quotation,member-check", "--date",
        "2024-02-01",
      ]))
    let interview = try sandbox.add(
      "interview",
      [
        "--text", "Ik ga naar het voedselpunt omdat niemand daar vragen stelt.", "--neighbourhood",
        "Holendrecht", "--question", "RQ1", "--at", "2024-04-10", "--field", "interviewee=P-030",
      ])
    let id = try #require(interview["id"]?.string)
    try ok(
      sandbox.fieldlog([
        "code", "apply", id, "schuring", "--quote", "niemand daar vragen stelt",
      ]))

    // When and then: list --participant and the member-check document find the interview
    #expect(ids(try sandbox.list(["--participant", "P-030"])) == [id])
    let folder = sandbox.url("membercheck")
    try ok(sandbox.fieldlog(["membercheck", "export", "P-030", "-o", folder.path]))
    let document = try String(
      contentsOf: folder.appendingPathComponent("P-030.md"), encoding: .utf8)
    #expect(document.contains("> niemand daar vragen stelt"), "\(document)")

    // When P-030 withdraws every consent, the interview still names them: their key record stays
    try ok(sandbox.fieldlog(["keys", "add", "P-030", "--name", "Joke Dekker"]))
    try ok(sandbox.fieldlog(["consent", "P-030", "--withdraw", "--date", "2024-05-01"]))
    let retention = try json(sandbox, ["retention", "--today", "2025-01-01"])
    #expect(retention["key_records_due"] == .array([]), "\(retention)")
    let refused = try sandbox.fieldlog(["keys", "purge", "P-030", "--yes"])
    #expect(refused.status == 65, "\(refused)")
    #expect(refused.stderr.contains("1 entry names them"), "\(refused)")
    #expect(try keyRecords(sandbox) == ["P-030"])
  }

  @Test("memos about a reflection stay out of export memos unless --include-reflections")
  func reflectionMemosStayOut() throws {
    let sandbox = try makeSandbox()
    let reflection = try reflect(sandbox, "Ik twijfel aan mijn rol.", on: "2024-04-01")
    let entry = try observe(sandbox, "De koffieochtend.", on: "2024-04-02")
    try ok(sandbox.fieldlog(["memo", "add", "--about", reflection, "Mijn eigen twijfel."]))
    try ok(sandbox.fieldlog(["memo", "add", "--about", entry, "Over de koffieochtend."]))
    let plain = try ok(sandbox.fieldlog(["export", "memos"]))
    #expect(plain.stdout.contains("Over de koffieochtend."), "\(plain)")
    #expect(!plain.stdout.contains("Mijn eigen twijfel."), "\(plain)")
    let asked = try ok(sandbox.fieldlog(["export", "memos", "--include-reflections"]))
    #expect(asked.stdout.contains("Mijn eigen twijfel."), "\(asked)")
  }

  @Test("set-retention changes what it names; a colleague's other declaration does not undo it")
  func retentionDeclarationsAreByField() throws {
    let sandbox = try makeSandbox()
    let colleague = sandbox.url("colleague.sqlite")
    try ok(
      sandbox.fieldlog(
        ["init", "--from", sandbox.journal.path, "--author", "Bram"], journal: colleague))
    // Sanne extends the key file; Bram, not knowing, declares the data not sensitive
    try ok(sandbox.fieldlog(["study", "set-retention", "--key-file-until", "2030-01-01"]))
    try ok(
      sandbox.fieldlog(["study", "set-retention", "--sensitive-data", "no"], journal: colleague))
    try ok(sandbox.fieldlog(["merge", colleague.path]))
    let study = try json(sandbox, ["study", "show"])
    #expect(study["retention"]?["key_file_until"]?.string == "2030-01-01", "\(study)")
    #expect(study["retention"]?["study_end"]?.string == "2027-12-31", "\(study)")
    #expect(study["sensitive_data"]?.string == "no", "\(study)")
    try ok(sandbox.fieldlog(["verify"]))
  }

  @Test("consent recorded without --letter counts for the letter in force on its day")
  func consentWithoutLetter() throws {
    let sandbox = try makeSandbox()
    try ok(
      sandbox.fieldlog([
        "consent", "P-017", "--given", "written", "--scope", "recording", "--date", "2024-02-01",
      ]))
    try observe(sandbox, "Onder brief v1.", on: "2024-04-10", ["--participant", "P-017"])
    try ok(sandbox.fieldlog(["verify", "--consent"]))
    // After v2 took effect (2024-09-01), that consent no longer covers a new entry
    let later = try observe(
      sandbox, "Onder brief v2.", on: "2024-09-10", ["--participant", "P-017"])
    let flagged = try sandbox.fieldlog(["verify", "--consent"])
    #expect(flagged.status == 1, "\(flagged)")
    #expect(flagged.stdout.contains("entry \(later.prefix(8)) names P-017"), "\(flagged)")
    #expect(!flagged.stdout.contains("Onder brief v1"), "\(flagged)")
  }

  @Test("membercheck export is refused without member-check consent, and writes nothing")
  func memberCheckExportNeedsConsent() throws {
    let sandbox = try makeSandbox()
    try ok(
      sandbox.fieldlog([
        "consent", "P-017", "--given", "written", "--scope", "quotation", "--letter", "v1",
        "--date",
        "2024-02-01",
      ]))
    try observe(sandbox, "Koffie in de buurtkamer", on: "2024-04-10", ["--participant", "P-017"])
    let folder = sandbox.url("membercheck")
    let refused = try sandbox.fieldlog(["membercheck", "export", "P-017", "-o", folder.path])
    #expect(refused.status == 65, "\(refused)")
    #expect(refused.firstErrorLine.contains("P-017"), "\(refused)")
    #expect(refused.firstErrorLine.contains("member-check"), "\(refused)")
    #expect(
      !FileManager.default.fileExists(atPath: folder.appendingPathComponent("P-017.html").path))
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("P-017.md").path))
  }

  @Test("membercheck export is refused when a quote holds a real name from the key file")
  func memberCheckExportNameGuard() throws {
    let sandbox = try makeSandbox()
    try ok(
      sandbox.fieldlog([
        "consent", "P-017", "--given", "written", "--scope", "member-check,quotation", "--letter",
        "v1",
        "--date", "2024-02-01",
      ]))
    let entry = try observe(
      sandbox, "Fatima vertelde over de buurtkamer", on: "2024-04-10", ["--participant", "P-017"])
    try ok(sandbox.fieldlog(["code", "apply", entry, "schuring", "--quote", "Fatima vertelde"]))
    try ok(sandbox.fieldlog(["keys", "add", "P-017", "--name", "Fatima el Amrani"]))
    let folder = sandbox.url("membercheck")

    let refused = try sandbox.fieldlog(["membercheck", "export", "P-017", "-o", folder.path])

    #expect(refused.status == 65, "\(refused)")
    #expect(refused.stderr.contains("Fatima"), "\(refused)")
    #expect(
      !FileManager.default.fileExists(atPath: folder.appendingPathComponent("P-017.html").path))
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("P-017.md").path))
  }

  @Test("membercheck record and status; a disagreement shows in the member_check export column")
  func memberCheckRecordAndStatus() throws {
    let (sandbox, own, joint) = try memberCheckJournal()

    // When P-017 disagrees with the joint entry
    let recorded = try json(
      sandbox,
      [
        "membercheck", "record", "P-017", "--response", "disagrees", "--text", "Zo was het niet",
        "--entry", joint, "--date", "2024-05-01",
      ])
    #expect(recorded["response"]?.string == "disagrees", "\(recorded)")
    #expect(recorded["participant"]?.string == "P-017", "\(recorded)")
    #expect(recorded["entry"]?.string == joint, "\(recorded)")
    #expect(recorded["cycle"]?.string == "C1", "the entry's cycle: \(recorded)")

    // amends needs --entry; the entry must name the participant
    let before = try sandbox.state()
    let noEntry = try sandbox.fieldlog([
      "membercheck", "record", "P-017", "--response", "amends", "--text", "x",
    ])
    #expect(noEntry.status == 65, "\(noEntry)")
    #expect(noEntry.firstErrorLine.contains("--entry"), "\(noEntry)")
    let notNamed = try sandbox.fieldlog([
      "membercheck", "record", "P-021", "--response", "agrees", "--text", "x", "--entry", own,
    ])
    #expect(notNamed.status == 65, "\(notNamed)")
    #expect(notNamed.firstErrorLine.contains("P-021"), "\(notNamed)")
    #expect(try sandbox.state() == before)

    // status per participant: entries, checks, agrees, amends, disagrees, no-response
    let status = try json(sandbox, ["membercheck", "status"])
    let p017 = status["rows"]?.array?.first { $0["group"]?.string == "P-017" }
    #expect(
      p017?["counts"] == .array([.int(2), .int(1), .int(0), .int(0), .int(1), .int(0)]), "\(status)"
    )
    #expect(p017?["latest"]?.string?.contains("disagrees") == true, "\(status)")
    let p018 = status["rows"]?.array?.first { $0["group"]?.string == "P-018" }
    #expect(p018?["counts"]?[1] == .int(0), "\(status)")
    let byCycle = try json(sandbox, ["membercheck", "status", "--by", "cycle"])
    let c1 = byCycle["rows"]?.array?.first { $0["group"]?.string == "C1" }
    #expect(c1?["counts"]?[4] == .int(1), "\(byCycle)")

    // The export column
    let csv = sandbox.url("entries.csv")
    try ok(sandbox.fieldlog(["export", "entries", "-o", csv.path]))
    let rows = try readCSV(sandbox, csv, columns: ["member_check"])
    #expect(rows[joint] == ["P-017 disagrees"], "\(rows)")
    #expect(rows[own] == [""], "\(rows)")
  }

  // MARK: 5. consent versions

  @Test("verify --consent flags an entry under a letter its participant has not consented on")
  func consentVersions() throws {
    let sandbox = try makeSandbox()
    // Given consent on v1, an entry under v1 and one under v2 (from 2024-09-01)
    try ok(
      sandbox.fieldlog([
        "consent", "P-017", "--given", "written", "--scope", "recording,quotation", "--letter",
        "v1",
        "--date", "2024-02-01",
      ]))
    let underV1 = try observe(
      sandbox, "Voor de nieuwe brief", on: "2024-04-10", ["--participant", "P-017"])
    let underV2 = try observe(
      sandbox, "Na de nieuwe brief", on: "2024-10-05", ["--participant", "P-017"])

    // Then plain verify is fine, verify --consent flags the v2 entry
    try ok(sandbox.fieldlog(["verify"]))
    let flagged = try sandbox.fieldlog(["verify", "--consent"])
    #expect(flagged.status == 1, "\(flagged)")
    #expect(
      flagged.stdout.contains(
        "consent: entry \(underV2.prefix(8)) names P-017, recorded under letter v2, on which P-017 has not consented"
      ),
      "\(flagged)")
    #expect(!flagged.stdout.contains(String(underV1.prefix(8))), "\(flagged)")
    let flaggedJSON = try sandbox.fieldlog(["verify", "--consent", "--json"])
    #expect(flaggedJSON.status == 1, "\(flaggedJSON)")
    let report = try JSON.parse(flaggedJSON.stdoutData)
    #expect(
      report["consent"]
        == .array([
          .object([
            "entry": .string(underV2), "participant": .string("P-017"), "letter": .string("v2"),
          ])
        ]), "\(report)")
    let csv = sandbox.url("entries.csv")
    try ok(sandbox.fieldlog(["export", "entries", "-o", csv.path]))
    let rows = try readCSV(sandbox, csv, columns: ["consent_letter"])
    #expect(rows[underV2] == ["P-017 lacks v2"], "\(rows)")
    #expect(rows[underV1] == [""], "\(rows)")

    // When P-017 consents on v2
    try ok(
      sandbox.fieldlog([
        "consent", "P-017", "--given", "written", "--scope", "recording,quotation", "--letter",
        "v2",
        "--date", "2024-09-10",
      ]))

    // Then verify --consent passes, and the history lists both
    try ok(sandbox.fieldlog(["verify", "--consent"]))
    let history = try json(sandbox, ["consent", "P-017"]).array ?? []
    #expect(history.map { $0["letter"]?.string } == ["v1", "v2"], "\(history)")
    #expect(history.map { $0["date"]?.string } == ["2024-02-01", "2024-09-10"], "\(history)")
    for item in history {
      #expect(item["state"]?.string == "given", "\(item)")
      #expect(item["form"]?.string == "written", "\(item)")
      #expect(item["scopes"]?.strings == ["recording", "quotation"], "\(item)")
      #expect(item["author"]?.string == Sandbox.author, "\(item)")
      #expect(item["recorded_at"]?.string != nil, "\(item)")
    }
    let text = try ok(sandbox.fieldlog(["consent", "P-017"]))
    #expect(text.stdout.contains("letter v1") && text.stdout.contains("letter v2"), "\(text)")
  }

  // MARK: 6. retention and purge

  @Test("retention lists what is due; keys purge previews, needs --yes off a terminal, then purges")
  func retentionAndPurge() throws {
    // Given: P-017 in the key file and named on an entry; P-030 in the key file, withdrew all
    // consent and is named on no entry; P-018 withdrew archive consent and is named on an entry
    let sandbox = try makeSandbox()
    let entry = try observe(
      sandbox, "Gesprek in de buurtkamer", on: "2024-04-10",
      ["--participant", "P-017", "--participant", "P-018"])
    try ok(sandbox.fieldlog(["keys", "add", "P-017", "--name", "Fatima el Amrani"]))
    try ok(sandbox.fieldlog(["keys", "add", "P-030", "--name", "Joke Dekker"]))
    try ok(
      sandbox.fieldlog([
        "consent", "P-030", "--given", "written", "--scope", "recording,archive", "--letter", "v1",
        "--date", "2024-02-01",
      ]))
    try ok(sandbox.fieldlog(["consent", "P-030", "--withdraw", "--date", "2024-05-01"]))
    try ok(
      sandbox.fieldlog([
        "consent", "P-018", "--withdraw", "--scope", "archive", "--date", "2024-05-02",
      ]))

    // retention
    let retention = try json(sandbox, ["retention", "--today", "2025-01-01"])
    #expect(
      retention["key_records_due"]?.array?.compactMap { $0["pseudonym"]?.string } == ["P-030"],
      "\(retention)")
    let withdrawn = retention["archive_withdrawn"]?.array ?? []
    #expect(withdrawn.count == 1, "\(retention)")
    #expect(withdrawn.first?["pseudonym"]?.string == "P-018", "\(retention)")
    #expect(withdrawn.first?["entries"]?.strings == [entry], "\(retention)")
    #expect(retention["research_data_until"]?.string == "2037-12-31", "\(retention)")
    #expect(retention["key_file_until"]?.string == "2028-06-30", "\(retention)")

    let journalBefore = try sandbox.state()
    let keysBefore = try Data(contentsOf: keyFile(sandbox))
    let entriesBefore = try sandbox.query("SELECT * FROM entry ORDER BY id")
    let payloadsBefore = try sandbox.query("SELECT * FROM payload ORDER BY commitment")

    // A dry run purges nothing
    let dry = try ok(sandbox.fieldlog(["keys", "purge", "--due", "--dry-run"]))
    #expect(dry.stdout.contains("P-030"), "\(dry)")
    #expect(!dry.stdout.contains("P-017"), "\(dry)")
    #expect(try Data(contentsOf: keyFile(sandbox)) == keysBefore)
    #expect(try sandbox.state() == journalBefore)

    // Without --yes, stdin not a terminal: 64, nothing purged
    let unconfirmed = try sandbox.fieldlog(["keys", "purge", "--due"])
    #expect(unconfirmed.status == 64, "\(unconfirmed)")
    #expect(unconfirmed.stderr.contains("--yes"), "\(unconfirmed)")
    #expect(try Data(contentsOf: keyFile(sandbox)) == keysBefore)
    #expect(try sandbox.state() == journalBefore)

    // A table edited by hand that makes P-017's record look due: the purge does not trust it
    try ok(
      sandbox.sqlite(
        "UPDATE data_management SET value = '2020-01-01' WHERE field = 'key_file_until'"))
    let tampered = try sandbox.fieldlog(["keys", "purge", "--due", "--yes"])
    #expect(
      tampered.status == 1 && tampered.stderr.contains("does not verify"), "\(tampered)")
    #expect(try Data(contentsOf: keyFile(sandbox)) == keysBefore)
    try ok(sandbox.fieldlog(["rebuild"]))

    // With --yes: P-030's record goes, P-017's stays, the research data is untouched
    let purged = try sandbox.fieldlog(["keys", "purge", "--due", "--yes"])
    #expect(purged.status == 0, "\(purged)")
    #expect(try keyRecords(sandbox) == ["P-017"], "key file after purge")
    let after = try sandbox.state()
    #expect(after.entries == journalBefore.entries, "entries changed")
    #expect(try sandbox.query("SELECT * FROM entry ORDER BY id") == entriesBefore)
    #expect(try sandbox.query("SELECT * FROM payload ORDER BY commitment") == payloadsBefore)
    try ok(sandbox.fieldlog(["verify"]))
    #expect(
      try json(sandbox, ["retention", "--today", "2025-01-01"])["key_records_due"]
        == .array([]))
  }

  // MARK: 7. dmp

  @Test(
    "dmp --json is a valid maDMP 1.2 document; a broken one is not; --markdown has its sections")
  func dataManagementPlan() throws {
    let sandbox = try makeSandbox()
    try observe(sandbox, "Koffie in de buurtkamer", on: "2024-04-10", ["--participant", "P-017"])
    let file = sandbox.url("dmp.json")
    try ok(
      sandbox.fieldlog([
        "dmp", "--json", "--contact-name", "Ayşe Test", "--contact-email", "ayse@example.org", "-o",
        file.path,
      ]))
    #expect(try fileMode(file) == 0o600)
    let data = try Data(contentsOf: file)
    let valid = try sandbox.validate(data, schema: Self.madmpSchema)
    #expect(valid.status == 0, "\(valid)")

    // What the journal declared is in it
    let dmp = try #require(try JSON.parse(data)["dmp"], "no dmp member")
    #expect(dmp["contact"]?["mbox"]?.string == "ayse@example.org", "\(dmp)")
    let datasets = dmp["dataset"]?.array ?? []
    #expect(!datasets.isEmpty)
    for dataset in datasets {
      #expect(dataset["sensitive_data"]?.string == "yes", "\(dataset)")
    }

    // The check can fail: without dmp_id the document is invalid
    let broken = try sandbox.python(
      [
        "-c",
        "import json, sys; d = json.load(sys.stdin); del d['dmp']['dmp_id']; json.dump(d, sys.stdout)",
      ],
      stdin: data)
    try #require(broken.status == 0, "\(broken)")
    let invalid = try sandbox.validate(broken.stdoutData, schema: Self.madmpSchema)
    #expect(invalid.status != 0, "a maDMP without dmp_id validated: \(invalid)")

    // Markdown prose
    let markdown = try ok(sandbox.fieldlog(["dmp", "--markdown"]))
    for heading in ["## Data", "## Privacy and consent", "## Retention", "## Integrity"] {
      #expect(
        markdown.stdout.split(separator: "\n").contains { $0 == heading[...] },
        "\(heading): \(markdown)")
    }
    #expect(markdown.stdout.contains("2037-12-31"), "the retention: \(markdown)")
  }

  // MARK: 8. integrity of the new event types

  /// The action-research projection tables, each in a fixed order.
  func actionResearchTables(_ sandbox: Sandbox, journal: URL? = nil) throws -> String {
    let queries = [
      "SELECT * FROM cycle ORDER BY id", "SELECT * FROM letter ORDER BY id",
      "SELECT * FROM consent_letter ORDER BY 1, 2", "SELECT * FROM member_check ORDER BY id",
      "SELECT * FROM data_management ORDER BY 1", "SELECT * FROM entry ORDER BY id",
      "SELECT * FROM memo ORDER BY id",
    ]
    var text = ""
    for sql in queries {
      let result = try sandbox.sqlite(sql, journal: journal)
      try #require(result.status == 0, "\(sql): \(result)")
      text += "-- \(sql)\n" + result.stdout
    }
    return text
  }

  /// A journal with an event of every new type, and an entry and a memo with cycle and phase.
  func everyNewEvent() throws -> (Sandbox, entry: String) {
    let sandbox = try makeSandbox()
    try ok(
      sandbox.fieldlog([
        "study", "add-cycle", "C3", "--name", "Derde ronde", "--from", "2025-01-01", "--to",
        "2025-03-31", "--neighbourhood", "Holendrecht", "--initiative", "Buurtkamer De Brug",
      ]))
    try ok(sandbox.fieldlog(["study", "add-letter", "v3", "--date", "2025-01-01"]))
    try ok(
      sandbox.fieldlog([
        "study", "set-retention", "--study-end", "2028-12-31", "--research-data-until",
        "2040-12-31",
        "--key-file-until", "2029-06-30", "--sensitive-data", "unknown",
      ]))
    try ok(
      sandbox.fieldlog([
        "consent", "P-017", "--given", "written", "--scope", "member-check,quotation", "--letter",
        "v1",
        "--date", "2024-02-01",
      ]))
    let entry = try observe(
      sandbox, "Koffie in de buurtkamer", on: "2024-04-10",
      ["--participant", "P-017", "--phase", "observe"])
    try ok(
      sandbox.fieldlog([
        "memo", "add", "--about", entry, "Gedeelde duiding", "--cycle", "C1", "--phase", "reflect",
        "--share",
      ]))
    try reflect(sandbox, "Mijn positie", on: "2024-04-12", ["--phase", "reflect"])
    try ok(
      sandbox.fieldlog([
        "membercheck", "record", "P-017", "--response", "agrees", "--text", "Het klopt", "--entry",
        entry, "--date", "2024-05-01",
      ]))
    return (sandbox, entry)
  }

  @Test("every new event type verifies, and rebuild reproduces the new projection tables")
  func newEventsVerifyAndRebuild() throws {
    let (sandbox, _) = try everyNewEvent()
    let types = try sandbox.query("SELECT DISTINCT type FROM event ORDER BY type")
    for type in [
      "cycle.added", "letter.added", "member-check.recorded", "data-management.declared",
    ] {
      #expect(types.contains("'\(type)'"), "\(type) missing: \(types)")
    }
    #expect(
      try sandbox.query("SELECT cycle_id IS NOT NULL, phase, shared FROM memo")
        .contains("'reflect'"))
    try ok(sandbox.fieldlog(["verify"]))
    let independent = try sandbox.independentVerify()
    #expect(independent.status == 0, "Tests/Tools/verify-journal.py: \(independent)")

    let before = try actionResearchTables(sandbox)
    let projectionsBefore = try sandbox.projections()
    try ok(sandbox.fieldlog(["rebuild"]))
    #expect(try actionResearchTables(sandbox) == before)
    #expect(try sandbox.projections() == projectionsBefore)
    try ok(sandbox.fieldlog(["verify"]))
  }

  @Test("a colleague's cycle, letter, member check and retention come in with merge; both verify")
  func mergeBringsNewEvents() throws {
    // Given Anna's journal, and Bram's started from it
    let sandbox = try makeSandbox()
    let bram = sandbox.url("bram.sqlite")
    try ok(
      sandbox.fieldlog(["init", "--from", sandbox.journal.path, "--author", "Bram"], journal: bram))

    // When Bram records one of each
    try ok(
      sandbox.fieldlog(
        [
          "study", "add-cycle", "C4", "--name", "Bram's ronde", "--from", "2025-01-01", "--to",
          "2025-03-31",
        ],
        journal: bram))
    try ok(sandbox.fieldlog(["study", "add-letter", "v3", "--date", "2025-01-01"], journal: bram))
    try ok(
      sandbox.fieldlog(
        [
          "membercheck", "record", "P-018", "--response", "no-response", "--text", "Geen reactie",
          "--date", "2025-01-05",
        ],
        journal: bram))
    try ok(
      sandbox.fieldlog(
        [
          "study", "set-retention", "--study-end", "2028-12-31", "--research-data-years", "15",
          "--key-file-until", "2029-06-30", "--sensitive-data", "no",
        ],
        journal: bram))

    // And Anna merges
    try ok(sandbox.fieldlog(["merge", bram.path]))

    // Then Anna has them all
    let study = try json(sandbox, ["study", "show"])
    #expect(
      study["cycles"]?.array?.compactMap { $0["id"]?.string } == ["C1", "C2", "C4"], "\(study)")
    #expect(
      study["letters"]?.array?.compactMap { $0["version"]?.string } == ["v1", "v2", "v3"],
      "\(study)")
    #expect(study["retention"]?["key_file_until"]?.string == "2029-06-30", "\(study)")
    #expect(study["retention"]?["research_data_years"]?.int == 15, "\(study)")
    #expect(study["sensitive_data"]?.string == "no", "\(study)")
    #expect(try sandbox.query("SELECT response FROM member_check").contains("'no-response'"))
    try ok(sandbox.fieldlog(["verify"]))
    try ok(sandbox.fieldlog(["verify"], journal: bram))

    // And merging back gives both the same new tables
    try ok(sandbox.fieldlog(["merge", sandbox.journal.path], journal: bram))
    try ok(sandbox.fieldlog(["verify"], journal: bram))
    for sql in [
      "SELECT * FROM cycle ORDER BY id", "SELECT * FROM letter ORDER BY id",
      "SELECT * FROM member_check ORDER BY id", "SELECT * FROM data_management ORDER BY 1",
    ] {
      #expect(
        try sandbox.sqlite(sql).stdout == (try sandbox.sqlite(sql, journal: bram).stdout), "\(sql)")
    }
  }

  @Test("a member check's payload edited with SQL is reported as damage")
  func tamperedMemberCheck() throws {
    let (sandbox, _) = try everyNewEvent()
    try ok(sandbox.fieldlog(["verify"]))
    let seq = try sandbox.query(
      "SELECT seq FROM event WHERE type = 'member-check.recorded'"
    ).trimmingCharacters(in: .whitespacesAndNewlines)

    // When someone rewrites what the participant said
    let tampered = try sandbox.sqlite(
      Sandbox.dropGuards
        + " UPDATE payload SET json = replace(json, 'Het klopt', 'Het klopt niet') WHERE commitment = "
        + "(SELECT commitment FROM event WHERE type = 'member-check.recorded');")
    try #require(tampered.status == 0, "\(tampered)")
    #expect(try sandbox.query("SELECT json FROM payload").contains("Het klopt niet"))

    // Then verify reports it
    let verified = try sandbox.fieldlog(["verify", "--json"])
    #expect(verified.status == 1, "\(verified)")
    let problems = try JSON.parse(verified.stdoutData)["problems"]?.array ?? []
    #expect(
      problems.contains {
        $0["seq"]?.int == Int64(seq)
          && ($0["problem"]?.string ?? "").contains("payload does not match its commitment")
      }, "\(verified)")
  }
}

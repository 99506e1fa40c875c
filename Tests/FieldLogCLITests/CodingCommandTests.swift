import Foundation
import Testing

/// Helpers for the coding suites: entries to code, the codebook as `code list --json` shows it,
/// refusals that must leave the journal alone, and CSV read back by Python.
enum CodingCLI {
  /// A body with diacritics (precomposed é) and an emoji with a skin-tone modifier (two scalars, one
  /// Character, four UTF-16 units) before the text that is coded; a line break after "buren.".
  ///
  /// Unicode scalar offsets, counted by hand:
  /// "Café" 0-3, " " 4, "Brug:" 5-9, " " 10, "één" 11-13, " " 14, "moeder" 15-20, " " 21,
  /// 👩 22, 🏾 23, " " 24, "hielp de buren" 25..<39, "." 39, "\n" 40, "De buurtmoeder" 41..<55,
  /// " belde het wijkteam. " 55..<76, "De buurtmoeder" 76..<90, " kwam mee." 90..<100.
  static let body =
    "Caf\u{E9} Brug: \u{E9}\u{E9}n moeder \u{1F469}\u{1F3FE} hielp de buren.\n"
    + "De buurtmoeder belde het wijkteam. De buurtmoeder kwam mee."

  /// Records an entry; returns its id.
  static func entry(
    _ sandbox: Sandbox, _ text: String, neighbourhood: String = "Holendrecht",
    question: String = "RQ1", at: String? = nil, kind: String = "observation",
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> String {
    let entry = try sandbox.add(
      kind,
      ["--text", text, "--neighbourhood", neighbourhood, "--question", question]
        + (at.map { ["--at", $0] } ?? []), sourceLocation: sourceLocation)
    return try #require(entry["id"]?.string, sourceLocation: sourceLocation)
  }

  /// `fieldlog args...`, requiring exit 0.
  @discardableResult
  static func run(
    _ sandbox: Sandbox, _ args: [String], sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> ProcessResult {
    let result = try sandbox.fieldlog(args)
    try #require(result.status == 0, "\(args): \(result)", sourceLocation: sourceLocation)
    return result
  }

  /// `fieldlog args...` (which include --json), requiring exit 0; the parsed output.
  static func json(
    _ sandbox: Sandbox, _ args: [String], sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> JSON {
    let result = try run(sandbox, args, sourceLocation: sourceLocation)
    do {
      return try JSON.parse(result.stdoutData)
    } catch {
      Issue.record("\(args) printed no valid JSON: \(result)", sourceLocation: sourceLocation)
      throw error
    }
  }

  /// `code apply ENTRY CODE extra... --json`: the coding record.
  @discardableResult
  static func apply(
    _ sandbox: Sandbox, _ entry: String, _ code: String, _ extra: [String] = [],
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> JSON {
    try json(
      sandbox, ["code", "apply", entry, code] + extra + ["--json"], sourceLocation: sourceLocation)
  }

  /// `code list --json`.
  static func codes(_ sandbox: Sandbox, sourceLocation: SourceLocation = #_sourceLocation) throws
    -> [JSON]
  {
    try #require(
      try json(sandbox, ["code", "list", "--json"], sourceLocation: sourceLocation).array,
      sourceLocation: sourceLocation)
  }

  /// The codebook in tree order, one "path | depth | codings | entries" line per code.
  static func tree(_ sandbox: Sandbox, sourceLocation: SourceLocation = #_sourceLocation) throws
    -> [String]
  {
    try codes(sandbox, sourceLocation: sourceLocation).map {
      "\($0["path"]?.string ?? "?") | \($0["depth"]?.int ?? -1) | "
        + "\($0["codings"]?.int ?? -1) | \($0["entries"]?.int ?? -1)"
    }
  }

  /// The code with this path in `code list --json`.
  static func code(_ sandbox: Sandbox, _ path: String) throws -> JSON? {
    try codes(sandbox).first { $0["path"]?.string == path }
  }

  /// `code show CODE extra... --json`.
  static func segments(
    _ sandbox: Sandbox, _ code: String, _ extra: [String] = [],
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> [JSON] {
    try #require(
      try json(
        sandbox, ["code", "show", code] + extra + ["--json"], sourceLocation: sourceLocation
      )
      .array, sourceLocation: sourceLocation)
  }

  /// Runs a command that must be refused with `status`, saying `error: ...`, and leave the journal
  /// exactly as it was.
  @discardableResult
  static func refused(
    _ sandbox: Sandbox, _ args: [String], status: Int32 = 65,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> ProcessResult {
    let before = try sandbox.state(sourceLocation: sourceLocation)
    let result = try sandbox.fieldlog(args)
    #expect(result.status == status, "\(args): \(result)", sourceLocation: sourceLocation)
    #expect(
      result.stderr.hasPrefix("error: "), "\(args): \(result)", sourceLocation: sourceLocation)
    #expect(
      try sandbox.state(sourceLocation: sourceLocation) == before, "\(args) changed the journal",
      sourceLocation: sourceLocation)
    return result
  }

  /// CSV read back by Python's csv module.
  static func pythonCSV(
    _ sandbox: Sandbox, _ data: Data, sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> [[String]] {
    let result = try sandbox.python(
      ["-c", "import csv,sys,json; print(json.dumps(list(csv.reader(sys.stdin))))"], stdin: data)
    try #require(
      result.status == 0, "python3 csv failed: \(result)", sourceLocation: sourceLocation)
    let parsed = try JSON.parse(result.stdoutData)
    let rows = try #require(parsed.array, "\(result)", sourceLocation: sourceLocation)
    return rows.map { $0.strings ?? [] }
  }

  /// A report's rows as text, in the order of `columns`, from its `--json` objects.
  static func cells(_ objects: [JSON], _ columns: [String]) -> [[String]] {
    objects.map { object in
      columns.map { column in
        switch object[column] {
        case .string(let text)?: return text
        case .int(let count)?: return String(count)
        default: return "<\(object[column]?.description ?? "missing")>"
        }
      }
    }
  }

  /// Runs a report with --json and with --csv and checks both against `expected` (rows of text,
  /// counts written as numbers): the JSON objects (counts as JSON integers), and the CSV as Python's csv
  /// module reads it, header first, every line ending in CRLF. Returns the raw CSV.
  @discardableResult
  static func checkReport(
    _ sandbox: Sandbox, _ args: [String], columns: [String], counts: Set<String>,
    expected: [[String]], sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> String {
    // A report that says what it counts is an object with its rows under "rows"
    let printed = try json(sandbox, args + ["--json"], sourceLocation: sourceLocation)
    let objects = try #require(
      printed.array ?? printed["rows"]?.array, "\(printed)", sourceLocation: sourceLocation)
    #expect(
      cells(objects, columns) == expected, "\(args) --json: \(objects)",
      sourceLocation: sourceLocation)
    for object in objects {
      #expect(
        Set(object.object.map { Array($0.keys) } ?? []) == Set(columns), "\(object)",
        sourceLocation: sourceLocation)
      for column in counts {
        #expect(object[column]?.int != nil, "\(column) is no integer: \(object)")
      }
    }
    let csv = try run(sandbox, args + ["--csv"], sourceLocation: sourceLocation)
    let rows = try pythonCSV(sandbox, csv.stdoutData, sourceLocation: sourceLocation)
    #expect(
      rows == [columns] + expected, "\(args) --csv: \(csv.stdout)", sourceLocation: sourceLocation)
    // CRLF after every line, and no bare LF (no field here holds a line break)
    let text = csv.stdout
    #expect(text.hasSuffix("\r\n"), "\(text.debugDescription)", sourceLocation: sourceLocation)
    #expect(
      !text.replacingOccurrences(of: "\r\n", with: "").contains("\n"),
      "\(text.debugDescription)", sourceLocation: sourceLocation)
    #expect(
      text.components(separatedBy: "\r\n").count == expected.count + 2,
      "\(text.debugDescription)", sourceLocation: sourceLocation)
    return text
  }

  /// A JSON number as a Double (the encoder writes 1.0 as 1).
  static func number(_ value: JSON?) -> Double? {
    switch value {
    case .int(let number)?: return Double(number)
    case .double(let number)?: return number
    default: return nil
    }
  }

  /// Whether two numbers agree to 3 decimals.
  static func close(_ a: Double?, _ b: Double) -> Bool {
    guard let a else { return false }
    return abs(a - b) < 0.0005
  }
}

@Suite("code, memo, report, agreement")
struct CodingCommandTests {
  // MARK: 1. The codebook

  @Test("codebook lifecycle: define, rename, move, describe, merge, as code list --json shows it")
  func codebookLifecycle() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()

    // The example study's codebook, in tree order
    let initial = [
      "informele steun | 0 | 0 | 0",
      "informele steun > buurtmoeders | 1 | 0 | 0",
      "informele steun > geloofsgemeenschap | 1 | 0 | 0",
      "samenwerking wijkteam | 0 | 0 | 0",
      "samenwerking wijkteam > warme overdracht | 1 | 0 | 0",
      "samenwerking wijkteam > schuring | 1 | 0 | 0",
      "sociale participatie | 0 | 0 | 0",
      "toegankelijkheid | 0 | 0 | 0",
      "toegankelijkheid > drempels | 1 | 0 | 0",
      "samen leren | 0 | 0 | 0",
    ]
    #expect(try CodingCLI.tree(sandbox) == initial)
    let steun = try #require(try CodingCLI.code(sandbox, "informele steun > buurtmoeders"))
    #expect(steun["name"]?.string == "buurtmoeders")
    #expect(steun["parent"]?.string == "informele steun")
    #expect(steun["color"]?.string == "#66BB6A")

    // define under a parent, with a description and a colour (normalised to upper case)
    let defined = try CodingCLI.run(
      sandbox,
      [
        "code", "define", "mantelzorg", "--parent", "informele steun", "--description",
        "Zorg voor naasten", "--color", "#a1b2c3",
      ])
    #expect(defined.stdout.contains("informele steun > mantelzorg"), "\(defined)")
    let mantelzorg = try #require(try CodingCLI.code(sandbox, "informele steun > mantelzorg"))
    #expect(mantelzorg["depth"]?.int == 1)
    #expect(mantelzorg["parent"]?.string == "informele steun")
    #expect(mantelzorg["description"]?.string == "Zorg voor naasten")
    #expect(mantelzorg["color"]?.string == "#A1B2C3")
    // a grandchild, named by the parent's path
    try CodingCLI.run(
      sandbox, ["code", "define", "burenhulp", "--parent", "informele steun > mantelzorg"])
    var tree = initial
    tree.insert(
      contentsOf: [
        "informele steun > mantelzorg | 1 | 0 | 0",
        "informele steun > mantelzorg > burenhulp | 2 | 0 | 0",
      ], at: 3)
    #expect(try CodingCLI.tree(sandbox) == tree)
    let burenhulp = try #require(
      try CodingCLI.code(sandbox, "informele steun > mantelzorg > burenhulp"))
    #expect(burenhulp["parent"]?.string == "informele steun > mantelzorg")
    #expect(burenhulp["description"] == .null)
    #expect(burenhulp["color"] == .null)

    // codings: mantelzorg twice on one entry, burenhulp on two entries
    let first = try CodingCLI.entry(
      sandbox, "De buurvrouw doet de boodschappen voor mevrouw K.\nZij kookt ook.")
    let second = try CodingCLI.entry(sandbox, "De buren maaien het gras van meneer D.")
    try CodingCLI.apply(sandbox, first, "mantelzorg", ["--quote", "doet de boodschappen"])
    try CodingCLI.apply(sandbox, first, "mantelzorg", ["--quote", "Zij kookt ook."])
    try CodingCLI.apply(sandbox, first, "burenhulp")
    try CodingCLI.apply(sandbox, second, "informele steun > mantelzorg > burenhulp")
    tree[3] = "informele steun > mantelzorg | 1 | 2 | 1"
    tree[4] = "informele steun > mantelzorg > burenhulp | 2 | 2 | 2"
    #expect(try CodingCLI.tree(sandbox) == tree)

    // rename: the path changes, the codings stay
    try CodingCLI.run(sandbox, ["code", "rename", "burenhulp", "hulp van buren"])
    tree[4] = "informele steun > mantelzorg > hulp van buren | 2 | 2 | 2"
    #expect(try CodingCLI.tree(sandbox) == tree)

    // move to the top: depth 0, no parent; top-level codes stay in the order they were defined
    try CodingCLI.run(sandbox, ["code", "move", "hulp van buren", "--root"])
    tree.remove(at: 4)
    tree.append("hulp van buren | 0 | 2 | 2")
    #expect(try CodingCLI.tree(sandbox) == tree)
    #expect(try CodingCLI.code(sandbox, "hulp van buren")?["parent"] == .null)

    // move under another parent
    try CodingCLI.run(
      sandbox, ["code", "move", "hulp van buren", "--parent", "samenwerking wijkteam"])
    tree.removeLast()
    tree.insert("samenwerking wijkteam > hulp van buren | 1 | 2 | 2", at: 7)
    #expect(try CodingCLI.tree(sandbox) == tree)

    // describe
    try CodingCLI.run(
      sandbox, ["code", "describe", "hulp van buren", "--description", "Buren helpen elkaar"])
    #expect(
      try CodingCLI.code(sandbox, "samenwerking wijkteam > hulp van buren")?["description"]?
        .string == "Buren helpen elkaar")

    // merge: the codings and the children of mantelzorg go to buurtmoeders; mantelzorg is gone
    try CodingCLI.run(sandbox, ["code", "define", "thuiszorg", "--parent", "mantelzorg"])
    try CodingCLI.run(sandbox, ["code", "merge", "mantelzorg", "buurtmoeders"])
    tree = [
      "informele steun | 0 | 0 | 0",
      "informele steun > buurtmoeders | 1 | 2 | 1",
      "informele steun > buurtmoeders > thuiszorg | 2 | 0 | 0",
      "informele steun > geloofsgemeenschap | 1 | 0 | 0",
      "samenwerking wijkteam | 0 | 0 | 0",
      "samenwerking wijkteam > warme overdracht | 1 | 0 | 0",
      "samenwerking wijkteam > schuring | 1 | 0 | 0",
      "samenwerking wijkteam > hulp van buren | 1 | 2 | 2",
      "sociale participatie | 0 | 0 | 0",
      "toegankelijkheid | 0 | 0 | 0",
      "toegankelijkheid > drempels | 1 | 0 | 0",
      "samen leren | 0 | 0 | 0",
    ]
    #expect(try CodingCLI.tree(sandbox) == tree)
    #expect(
      try CodingCLI.segments(sandbox, "buurtmoeders").compactMap { $0["quote"]?.string }.sorted()
        == ["Zij kookt ook.", "doet de boodschappen"])
    // the text table shows the same tree, indented by depth
    let text = try CodingCLI.run(sandbox, ["code", "list"])
    #expect(
      text.stdout.contains("    informele steun > buurtmoeders > thuiszorg"), "\(text.stdout)")

    // Refusals: 65, the journal unchanged
    for (args, says) in [
      (["code", "define", "buurtmoeders", "--parent", "informele steun"], "exists already"),
      (["code", "define", "Buurtmoeders", "--parent", "informele steun"], "exists already"),
      (["code", "define", "buurtmo\u{E9}ders", "--parent", "informele steun"], "exists already"),
      (["code", "define", "BUURTMOE\u{308}DERS", "--parent", "informele steun"], "exists already"),
      (["code", "define", "Informele Steun"], "exists already"),
      (["code", "rename", "geloofsgemeenschap", "Buurtmoeders"], "exists already"),
      (["code", "define", "nieuw", "--parent", "bestaat niet"], "unknown code 'bestaat niet'"),
      (["code", "move", "informele steun", "--parent", "buurtmoeders"], "cycle"),
      (["code", "move", "informele steun", "--parent", "thuiszorg"], "cycle"),
      (["code", "move", "informele steun", "--parent", "informele steun"], "cycle"),
      (["code", "merge", "buurtmoeders", "buurtmoeders"], "itself"),
      (["code", "merge", "Buurtmoeders", "informele steun > buurtmoeders"], "itself"),
      (["code", "merge", "informele steun", "thuiszorg"], "below"),
      (["code", "define", "kleur", "--color", "groen"], "groen"),
      (["code", "define", "kleur", "--color", "#12345"], "#12345"),
      (["code", "define", "kleur", "--color", "#GG0000"], "#GG0000"),
      (["code", "define", "kleur", "--color", "1F77B4"], "1F77B4"),
      (["code", "define", "a > b"], "'>'"),
      (["code", "rename", "bestaat niet", "iets"], "unknown code"),
    ] {
      let result = try CodingCLI.refused(sandbox, args)
      #expect(result.stderr.contains(says), "\(args): \(result)")
    }
    // code move with neither or both of --parent and --root: usage, 64
    for args in [
      ["code", "move", "thuiszorg"],
      ["code", "move", "thuiszorg", "--root", "--parent", "informele steun"],
    ] {
      let result = try CodingCLI.refused(sandbox, args, status: 64)
      #expect(result.stderr.contains("--parent"), "\(result)")
    }
    #expect(try CodingCLI.tree(sandbox) == tree)

    // rebuild replays the codebook's events to the same codebook
    let listed = try CodingCLI.run(sandbox, ["code", "list", "--json"]).stdout
    try CodingCLI.run(sandbox, ["rebuild"])
    #expect(try CodingCLI.run(sandbox, ["code", "list", "--json"]).stdout == listed)
    #expect(try sandbox.fieldlog(["verify"]).status == 0)
  }

  // Known bug (see the report): rename lets a name with '>' in, after which the code can no longer
  // be named at all.
  @Test("code rename refuses a name with '>', as code define does")
  func renameRefusesPathSeparator() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let result = try CodingCLI.refused(
      sandbox, ["code", "rename", "buurtmoeders", "moeders > buren"])
    #expect(result.stderr.contains("'>'"), "\(result)")
    // and so the code can still be named afterwards
    let show = try sandbox.fieldlog(["code", "show", "informele steun > buurtmoeders"])
    #expect(show.status == 0, "\(show)")
  }

  // MARK: 2. Coding

  @Test("code apply: whole entry, --quote, --occurrence, --range; refusals change nothing")
  func applying() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let id = try CodingCLI.entry(sandbox, CodingCLI.body)
    let body = CodingCLI.body
    #expect(body.unicodeScalars.count == 100)

    // Whole entry, with --memo and --coder (a coder of the study); --json prints exactly the
    // coding's fields
    try CodingCLI.run(sandbox, ["coder", "add", "Sanne"])
    let whole = try CodingCLI.apply(
      sandbox, id, "informele steun", ["--memo", "het hele verslag", "--coder", "Sanne"])
    #expect(
      Set(whole.object.map { Array($0.keys) } ?? []) == [
        "id", "entry", "code", "code_path", "coder", "start", "end", "quote", "memo", "coded_at",
        "orphaned",
      ], "\(whole)")
    #expect(
      whole["id"]?.string?.wholeMatch(
        of: #/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/#) != nil, "\(whole)")
    #expect(whole["entry"]?.string == id)
    #expect(whole["code"]?.string == "informele steun")
    #expect(whole["code_path"]?.string == "informele steun")
    #expect(whole["coder"]?.string == "Sanne")
    #expect(whole["start"] == .null)
    #expect(whole["end"] == .null)
    #expect(whole["quote"] == .null)
    #expect(whole["memo"]?.string == "het hele verslag")
    #expect(CorrectionsFixture.isRecordedAt(whole["coded_at"]?.string ?? ""), "\(whole)")
    #expect(whole["orphaned"] == .bool(false))

    // --quote: Unicode scalar offsets. Before "hielp" stand 4 + 1 + 5 + 1 + 3 + 1 + 6 + 1 + 2 + 1
    // = 25 scalars (24 Characters, 27 UTF-16 units, 32 UTF-8 bytes).
    let quoted = try CodingCLI.apply(sandbox, id, "buurtmoeders", ["--quote", "hielp de buren"])
    #expect(quoted["start"]?.int == 25, "\(quoted)")
    #expect(quoted["end"]?.int == 39, "\(quoted)")
    #expect(quoted["quote"]?.string == "hielp de buren")
    #expect(quoted["code"]?.string == "buurtmoeders")
    #expect(quoted["code_path"]?.string == "informele steun > buurtmoeders")
    #expect(quoted["coder"]?.string == Sandbox.author)
    #expect(quoted["memo"] == .null)
    // the same, counted independently; other units would give other numbers
    let found = try #require(body.range(of: "hielp de buren"))
    #expect(body.unicodeScalars.distance(from: body.startIndex, to: found.lowerBound) == 25)
    #expect(body.distance(from: body.startIndex, to: found.lowerBound) == 24)
    #expect(body.utf16.distance(from: body.startIndex, to: found.lowerBound) == 27)

    // --quote across the line break: the quote has a space, the body a newline
    let across = try CodingCLI.apply(sandbox, id, "buurtmoeders", ["--quote", "buren. De"])
    #expect(across["start"]?.int == 34, "\(across)")
    #expect(across["end"]?.int == 43, "\(across)")
    #expect(across["quote"]?.string == "buren.\nDe", "\(across)")

    // Without --json: the coding's id, as its first 8 hex digits (as the README says)
    let plain = try CodingCLI.run(
      sandbox, ["code", "apply", id, "warme overdracht", "--range", "55:75"])
    let plainID = plain.output
    #expect(plainID.wholeMatch(of: #/[0-9a-f]{8}/#) != nil, "\(plain)")
    let ranged = try #require(try CodingCLI.segments(sandbox, "warme overdracht").first)
    #expect(ranged["id"]?.string?.hasPrefix(plainID) == true, "\(ranged)")
    #expect(ranged["quote"]?.string == " belde het wijkteam.", "\(ranged)")
    #expect(ranged["start"]?.int == 55)
    #expect(ranged["end"]?.int == 75)

    // An ambiguous quote: 65, listing both occurrences with their ranges
    let ambiguous = try CodingCLI.refused(
      sandbox, ["code", "apply", id, "buurtmoeders", "--quote", "De buurtmoeder"])
    #expect(ambiguous.stderr.contains("2 times"), "\(ambiguous)")
    #expect(ambiguous.stderr.contains("1: 41:55"), "\(ambiguous)")
    #expect(ambiguous.stderr.contains("2: 76:90"), "\(ambiguous)")
    #expect(ambiguous.stderr.contains("--occurrence"), "\(ambiguous)")
    // --occurrence 2 takes the second
    let second = try CodingCLI.apply(
      sandbox, id, "buurtmoeders", ["--quote", "De buurtmoeder", "--occurrence", "2"])
    #expect(second["start"]?.int == 76, "\(second)")
    #expect(second["end"]?.int == 90, "\(second)")
    #expect(second["quote"]?.string == "De buurtmoeder")

    // Refusals
    let notFound = try CodingCLI.refused(
      sandbox, ["code", "apply", id, "buurtmoeders", "--quote", "kwam niet"])
    #expect(notFound.stderr.contains("'kwam niet' is not in entry"), "\(notFound)")
    let noThird = try CodingCLI.refused(
      sandbox,
      ["code", "apply", id, "buurtmoeders", "--quote", "De buurtmoeder", "--occurrence", "3"])
    #expect(noThird.stderr.contains("occurrence 3"), "\(noThird)")
    let beyond = try CodingCLI.refused(
      sandbox, ["code", "apply", id, "buurtmoeders", "--range", "90:101"])
    #expect(beyond.stderr.contains("100 characters"), "\(beyond)")
    #expect(beyond.stderr.contains("90:101"), "\(beyond)")
    for range in ["5-9", "a:b", "5:", ":9", "1:2:3", "9:5", "-1:4", "4:4"] {
      let bad = try CodingCLI.refused(
        sandbox, ["code", "apply", id, "buurtmoeders", "--range=\(range)"])
      #expect(bad.stderr.contains(range), "\(range): \(bad)")
    }
    let both = try CodingCLI.refused(
      sandbox, ["code", "apply", id, "buurtmoeders", "--quote", "hielp", "--range", "0:4"],
      status: 64)
    #expect(both.stderr.contains("--quote or --range"), "\(both)")
    try CodingCLI.refused(
      sandbox, ["code", "apply", id, "buurtmoeders", "--occurrence", "1"], status: 64)
    let unknownEntry = try CodingCLI.refused(
      sandbox, ["code", "apply", "deadbeef", "buurtmoeders"])
    #expect(unknownEntry.stderr.contains("deadbeef"), "\(unknownEntry)")
    let unknownCode = try CodingCLI.refused(
      sandbox, ["code", "apply", id, "samenwerking wijkteem"])
    #expect(
      unknownCode.stderr.contains("unknown code 'samenwerking wijkteem'"), "\(unknownCode)")
    #expect(
      unknownCode.stderr.contains("did you mean 'samenwerking wijkteam'"), "\(unknownCode)")

    // Everything recorded above, and nothing else
    #expect(
      try CodingCLI.code(sandbox, "informele steun > buurtmoeders")?["codings"]?.int == 3)
  }

  // Known bug (see the report): suggestions are computed against full paths only, so a child code
  // misspelt by its own name ("buurtmoedres") gets no "did you mean".
  @Test("a misspelt child code, named by its name, gets a 'did you mean'")
  func misspeltChildCode() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let id = try CodingCLI.entry(sandbox, CodingCLI.body)
    let result = try CodingCLI.refused(sandbox, ["code", "apply", id, "buurtmoedres"])
    #expect(result.stderr.contains("unknown code 'buurtmoedres'"), "\(result)")
    #expect(result.stderr.contains("did you mean"), "\(result)")
    #expect(result.stderr.contains("buurtmoeders'"), "\(result)")
  }

  // Known bug (see the report): the body is stored NFC-normalised, the --quote is not normalised,
  // so a quote typed or pasted in decomposed form (as macOS often gives it) is "not in the entry".
  @Test("a --quote in decomposed form (NFD) is found in the NFC-normalised body")
  func decomposedQuote() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let id = try CodingCLI.entry(sandbox, CodingCLI.body)
    let result = try sandbox.fieldlog([
      "code", "apply", id, "buurtmoeders", "--quote", "e\u{301}e\u{301}n moeder", "--json",
    ])
    try #require(result.status == 0, "\(result)")
    let coding = try JSON.parse(result.stdoutData)
    #expect(coding["start"]?.int == 11, "\(coding)")
    #expect(coding["end"]?.int == 21, "\(coding)")
    #expect(coding["quote"]?.string?.bytes == "\u{E9}\u{E9}n moeder".bytes, "\(coding)")
  }

  // MARK: 3. code show, list --code, code remove

  @Test("code show lists the code's and its children's segments with context; filters narrow")
  func showingCodes() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let mothers = try CodingCLI.entry(
      sandbox, "De buurtmoeder belde het wijkteam over de huur.", at: "2024-03-05 10:00")
    let mosque = try CodingCLI.entry(
      sandbox, "In de moskee werd na het gebed soep gedeeld.", neighbourhood: "Jan van Maijenbuurt",
      question: "RQ3", at: "2024-03-06 10:00", kind: "interview")
    let whole = try CodingCLI.entry(
      sandbox, "Buren hielpen met verhuizen.", at: "2024-03-07 10:00")
    let other = try CodingCLI.entry(sandbox, "Overleg met het wijkteam.", at: "2024-03-08 10:00")
    let a = try CodingCLI.apply(
      sandbox, mothers, "buurtmoeders",
      ["--quote", "belde het wijkteam", "--memo", "eerste contact"])
    try CodingCLI.run(sandbox, ["coder", "add", "Bram"])
    let b = try CodingCLI.apply(
      sandbox, mosque, "geloofsgemeenschap", ["--quote", "soep", "--coder", "Bram"])
    let c = try CodingCLI.apply(sandbox, whole, "informele steun")
    try CodingCLI.apply(sandbox, other, "samenwerking wijkteam")
    let ids = try [a, b, c].map { try #require($0["id"]?.string) }

    // The code and the codes below it, in the order of the fieldwork
    let all = try CodingCLI.segments(sandbox, "informele steun")
    #expect(all.compactMap { $0["id"]?.string } == ids, "\(all)")
    #expect(
      all.compactMap { $0["code_path"]?.string } == [
        "informele steun > buurtmoeders", "informele steun > geloofsgemeenschap", "informele steun",
      ])
    #expect(all[0]["context"]?.string == "De buurtmoeder belde het wijkteam over de huur.")
    #expect(all[0]["title"]?.string == "De buurtmoeder belde het wijkteam over de huur.")
    #expect(all[0]["kind"]?.string == "observation")
    #expect(all[0]["neighbourhood"]?.string == "Holendrecht")
    #expect(all[0]["memo"]?.string == "eerste contact")
    #expect(all[1]["neighbourhood"]?.string == "Jan van Maijenbuurt")
    #expect(all[1]["coder"]?.string == "Bram")
    #expect(all[2]["start"] == .null)
    #expect(all[2]["context"] == nil, "\(all[2])")
    // The text: a heading per segment, its range, quote and context
    let text = try CodingCLI.run(sandbox, ["code", "show", "informele steun"])
    let lines = CorrectionsFixture.trimmedLines(text.stdout)
    #expect(
      lines.contains {
        $0.hasPrefix(
          String(ids[0].prefix(8)) + "  informele steun > buurtmoeders  on "
            + mothers.prefix(8))
      }, "\(text)")
    #expect(lines.contains("15:33 \"belde het wijkteam\""), "\(text)")
    #expect(lines.contains("…De buurtmoeder belde het wijkteam over de huur.…"), "\(text)")
    #expect(lines.contains("memo: eerste contact"), "\(text)")
    #expect(lines.contains("(the whole entry)"), "\(text)")
    #expect(!text.stdout.contains(other.prefix(8)), "\(text)")
    // A child shows only its own
    #expect(
      try CodingCLI.segments(sandbox, "geloofsgemeenschap").compactMap { $0["id"]?.string }
        == [ids[1]])

    // Filters narrow
    #expect(
      try CodingCLI.segments(sandbox, "informele steun", ["--neighbourhood", "Holendrecht"])
        .compactMap { $0["id"]?.string } == [ids[0], ids[2]])
    #expect(
      try CodingCLI.segments(sandbox, "informele steun", ["--coder", "Bram"])
        .compactMap { $0["id"]?.string } == [ids[1]])
    #expect(
      try CodingCLI.segments(sandbox, "informele steun", ["--coder", Sandbox.author])
        .compactMap { $0["id"]?.string } == [ids[0], ids[2]])
    #expect(
      try CodingCLI.segments(sandbox, "informele steun", ["--kind", "interview"])
        .compactMap { $0["id"]?.string } == [ids[1]])
    #expect(
      try CodingCLI.segments(sandbox, "informele steun", ["--question", "RQ3"])
        .compactMap { $0["id"]?.string } == [ids[1]])
    #expect(
      try CodingCLI.segments(
        sandbox, "informele steun", ["--neighbourhood", "Holendrecht", "--coder", "Bram"]) == [])

    // list --code: exactly the coded entries
    #expect(
      Set(try sandbox.list(["--code", "informele steun"]).compactMap { $0["id"]?.string })
        == [mothers, mosque, whole])
    #expect(
      try sandbox.list(["--code", "geloofsgemeenschap"]).compactMap { $0["id"]?.string }
        == [mosque])
    #expect(
      try sandbox.list(["--code", "samenwerking wijkteam"]).compactMap { $0["id"]?.string }
        == [other])
    #expect(try sandbox.list(["--code", "drempels"]) == [])

    // code remove drops one coding, by a prefix of its id
    let removed = try CodingCLI.run(sandbox, ["code", "remove", String(ids[0].prefix(8))])
    #expect(removed.stdout.contains(String(ids[0].prefix(8))), "\(removed)")
    #expect(
      try CodingCLI.segments(sandbox, "informele steun").compactMap { $0["id"]?.string }
        == [ids[1], ids[2]])
    #expect(
      Set(try sandbox.list(["--code", "informele steun"]).compactMap { $0["id"]?.string })
        == [mosque, whole])
    #expect(try CodingCLI.code(sandbox, "informele steun > buurtmoeders")?["codings"]?.int == 0)
    // An unknown, removed or malformed coding id: 65, nothing changes
    try CodingCLI.refused(sandbox, ["code", "remove", "deadbeef"])
    try CodingCLI.refused(sandbox, ["code", "remove", ids[0]])
    try CodingCLI.refused(sandbox, ["code", "remove", "zz"])
    try CodingCLI.refused(sandbox, ["code", "show", "bestaat niet"])
  }

  // MARK: 4. Re-anchoring

  @Test("after amend a segment moves with its text or is orphaned; verify passes; rebuild agrees")
  func reanchoring() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let id = try CodingCLI.entry(
      sandbox, "De buurtmoeder belde het wijkteam. Zij kwam mee naar de huisarts.")
    let moved = try CodingCLI.apply(sandbox, id, "buurtmoeders", ["--quote", "belde het wijkteam"])
    let lost = try CodingCLI.apply(
      sandbox, id, "warme overdracht", ["--quote", "kwam mee naar de huisarts"])
    #expect(moved["start"]?.int == 15)
    #expect(lost["start"]?.int == 39)

    try CodingCLI.run(
      sandbox,
      [
        "amend", id, "--reason", "aanvulling", "--text",
        "Maandag. De buurtmoeder belde het wijkteam. Zij ging alleen.",
      ])

    // "Maandag. " is 9 scalars: the first segment moves by 9, its quote unchanged
    let mothers = try CodingCLI.segments(sandbox, "buurtmoeders")
    try #require(mothers.count == 1, "\(mothers)")
    #expect(mothers[0]["id"] == moved["id"])
    #expect(mothers[0]["start"]?.int == 24, "\(mothers[0])")
    #expect(mothers[0]["end"]?.int == 42, "\(mothers[0])")
    #expect(mothers[0]["quote"]?.string == "belde het wijkteam")
    #expect(mothers[0]["orphaned"] == .bool(false))
    // The second text is gone: still listed, flagged
    let handovers = try CodingCLI.segments(sandbox, "warme overdracht")
    try #require(handovers.count == 1, "\(handovers)")
    #expect(handovers[0]["id"] == lost["id"])
    #expect(handovers[0]["orphaned"] == .bool(true), "\(handovers[0])")
    #expect(handovers[0]["quote"]?.string == "kwam mee naar de huisarts")
    let text = try CodingCLI.run(sandbox, ["code", "show", "warme overdracht"])
    #expect(text.stdout.contains("ORPHANED"), "\(text)")
    #expect(text.stdout.contains("kwam mee naar de huisarts"), "\(text)")
    let movedText = try CodingCLI.run(sandbox, ["code", "show", "buurtmoeders"])
    #expect(movedText.stdout.contains("24:42 \"belde het wijkteam\""), "\(movedText)")
    #expect(!movedText.stdout.contains("ORPHANED"), "\(movedText)")

    let verify = try sandbox.fieldlog(["verify"])
    #expect(verify.status == 0, "\(verify)")

    // rebuild replays the events to the same projections
    let queries = [
      ["code", "show", "buurtmoeders", "--json"], ["code", "show", "warme overdracht", "--json"],
      ["code", "show", "samenwerking wijkteam", "--json"], ["code", "list", "--json"],
    ]
    let before = try queries.map { try CodingCLI.run(sandbox, $0).stdout }
    try CodingCLI.run(sandbox, ["rebuild"])
    let after = try queries.map { try CodingCLI.run(sandbox, $0).stdout }
    for (query, (old, new)) in zip(queries, zip(before, after)) {
      #expect(old == new, "\(query): before rebuild\n\(old)\nafter\n\(new)")
    }
    #expect(try sandbox.fieldlog(["verify"]).status == 0)
  }

  // MARK: 5. Memos

  @Test("memos about an entry, a code and a coding; memo list --about filters")
  func memos() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let id = try CodingCLI.entry(sandbox, CodingCLI.body)
    let coding = try #require(
      try CodingCLI.apply(sandbox, id, "buurtmoeders", ["--quote", "hielp de buren"])["id"]?.string)

    let onEntry = try CodingCLI.run(
      sandbox, ["memo", "add", "--about", String(id.prefix(8)), "Eerste indruk van de Brug"]
    ).output
    let onCode = try CodingCLI.run(
      sandbox, ["memo", "add", "--about", "buurtmoeders", "Moeders als brug naar het wijkteam"]
    ).output
    let onCoding = try CodingCLI.run(
      sandbox, ["memo", "add", "--about", String(coding.prefix(8)), "Waarom dit fragment"]
    ).output
    let onCodeByPath = try CodingCLI.run(
      sandbox,
      [
        "memo", "add", "--about", "informele steun > buurtmoeders",
        "Tweede gedachte\nover twee regels",
      ]
    ).output

    let all = try #require(try CodingCLI.json(sandbox, ["memo", "list", "--json"]).array)
    #expect(all.compactMap { $0["id"]?.string } == [onEntry, onCode, onCoding, onCodeByPath])
    #expect(
      all.compactMap { $0["about_kind"]?.string } == ["entry", "code", "coding", "code"], "\(all)")
    #expect(all[0]["about"]?.string == id)
    #expect(all[2]["about"]?.string == coding)
    #expect(all[1]["about"] == all[3]["about"])
    #expect(all[0]["text"]?.string == "Eerste indruk van de Brug")
    #expect(all[3]["text"]?.string == "Tweede gedachte\nover twee regels")
    #expect(all.allSatisfy { $0["author"]?.string == Sandbox.author }, "\(all)")

    func about(_ typed: String) throws -> [String] {
      try #require(try CodingCLI.json(sandbox, ["memo", "list", "--about", typed, "--json"]).array)
        .compactMap { $0["id"]?.string }
    }
    #expect(try about(id) == [onEntry])
    #expect(try about(String(id.prefix(6))) == [onEntry])
    #expect(try about("Buurtmoeders") == [onCode, onCodeByPath])
    #expect(try about(coding) == [onCoding])
    #expect(try about("geloofsgemeenschap") == [])

    let text = try CodingCLI.run(sandbox, ["memo", "list", "--about", "buurtmoeders"])
    #expect(text.stdout.contains("Moeders als brug naar het wijkteam"), "\(text)")
    #expect(text.stdout.contains("  over twee regels"), "\(text)")
    #expect(!text.stdout.contains("Eerste indruk"), "\(text)")

    // --about naming nothing: 65, nothing changes
    for args in [
      ["memo", "add", "--about", "bestaat niet", "tekst"],
      ["memo", "add", "--about", "deadbeef", "tekst"],
      ["memo", "list", "--about", "bestaat niet"],
      ["memo", "add", "--about", "buurtmoeders", "   "],
    ] {
      try CodingCLI.refused(sandbox, args)
    }
  }

  // MARK: 6. Reports

  /// The report fixture; counts worked out by hand.
  ///
  /// Codes (bm = informele steun > buurtmoeders, gg = informele steun > geloofsgemeenschap,
  /// sw = samenwerking wijkteam, zorg = `zorg, "informeel"`, a top-level code defined here):
  ///
  /// | entry | neighbourhood       | questions | month   | codings (scalar ranges)                         |
  /// |-------|---------------------|-----------|---------|-------------------------------------------------|
  /// | E1    | Holendrecht         | RQ1       | 2024-03 | bm 0..<14, bm 34..<46, sw 3..<33, zorg whole    |
  /// | E2    | Holendrecht         | RQ1, RQ2  | 2024-03 | gg 0..<28, bm 32..<52, zorg whole               |
  /// | E3    | Jan van Maijenbuurt | RQ3       | 2024-04 | sw 0..<12, zorg 4..<17                          |
  /// | E4    | Holendrecht         | RQ1       | 2024-04 | (none)                                          |
  /// | E5    | Holendrecht         | RQ1       | 2024-05 | bm whole, gg whole; then RETRACTED: counts nowhere |
  ///
  /// codes --by neighbourhood (entries/segments): bm/Holendrecht 2/3 (E1 twice, E2);
  /// gg/Holendrecht 1/1; sw/Holendrecht 1/1 (E1), sw/JvM 1/1 (E3); zorg/Holendrecht 2/2 (E1, E2),
  /// zorg/JvM 1/1.
  ///
  /// codes --by question (E2 counts under RQ1 and RQ2): bm RQ1 2/3, bm RQ2 1/1; gg RQ1 1/1,
  /// gg RQ2 1/1; sw RQ1 1/1, sw RQ3 1/1; zorg RQ1 2/2, zorg RQ2 1/1, zorg RQ3 1/1.
  ///
  /// cooccurrence --unit entry (entries with both): bm+gg 1 (E2), bm+sw 1 (E1), bm+zorg 2 (E1, E2),
  /// gg+zorg 1 (E2), sw+zorg 2 (E1, E3).
  ///
  /// cooccurrence --unit segment (pairs of overlapping segments; a whole-entry coding overlaps every
  /// segment of its entry): bm+sw 1 (E1 0..<14 × 3..<33; 34..<46 does not overlap 3..<33);
  /// bm+zorg 3 (E1: two bm × whole; E2: one); gg+zorg 1 (E2); sw+zorg 2 (E1 whole, E3 0..<12 × 4..<17);
  /// bm+gg none (E2: 32..<52 and 0..<28 do not overlap), so no row.
  ///
  /// timeline --by neighbourhood: 2024-03 Holendrecht 2; 2024-04 Holendrecht 1; 2024-04 JvM 1.
  /// timeline: 2024-03 2; 2024-04 2.
  static let zorg = #"zorg, "informeel""#

  static func reportFixture(_ sandbox: Sandbox) throws {
    try sandbox.initJournal()
    try CodingCLI.run(sandbox, ["code", "define", zorg])
    let e1 = try CodingCLI.entry(
      sandbox, "De buurtmoeder belde het wijkteam over de huur.", at: "2024-03-05 10:00")
    let e2 = try CodingCLI.entry(
      sandbox, "In de kerk werd eten gedeeld en de buurtmoeder hielp.", question: "RQ1,RQ2",
      at: "2024-03-20 10:00")
    let e3 = try CodingCLI.entry(
      sandbox, "Het wijkteam kwam langs bij de voedselbank.", neighbourhood: "Jan van Maijenbuurt",
      question: "RQ3", at: "2024-04-10 10:00")
    _ = try CodingCLI.entry(sandbox, "Rustige middag in de Buurtkamer.", at: "2024-04-15 10:00")
    let e5 = try CodingCLI.entry(sandbox, "Dubbel ingevoerd verslag.", at: "2024-05-01 10:00")

    let ranges: [(String, String, String?, Int, Int)] = [
      (e1, "buurtmoeders", "De buurtmoeder", 0, 14),
      (e1, "buurtmoeders", "over de huur", 34, 46),
      (e1, "samenwerking wijkteam", "buurtmoeder belde het wijkteam", 3, 33),
      (e1, zorg, nil, -1, -1),
      (e2, "geloofsgemeenschap", "In de kerk werd eten gedeeld", 0, 28),
      (e2, "buurtmoeders", "de buurtmoeder hielp", 32, 52),
      (e2, zorg, nil, -1, -1),
      (e3, "samenwerking wijkteam", "Het wijkteam", 0, 12),
      (e3, zorg, "wijkteam kwam", 4, 17),
      (e5, "buurtmoeders", nil, -1, -1),
      (e5, "geloofsgemeenschap", nil, -1, -1),
    ]
    for (entry, code, quote, start, end) in ranges {
      let coding = try CodingCLI.apply(sandbox, entry, code, quote.map { ["--quote", $0] } ?? [])
      if quote != nil {
        // The hand-counted ranges above are the ones fieldlog found
        #expect(coding["start"]?.int == Int64(start), "\(code) on \(entry): \(coding)")
        #expect(coding["end"]?.int == Int64(end), "\(code) on \(entry): \(coding)")
      }
    }
    try CodingCLI.run(sandbox, ["retract", e5, "--reason", "dubbel ingevoerd"])
  }

  static let bm = "informele steun > buurtmoeders"
  static let gg = "informele steun > geloofsgemeenschap"
  static let sw = "samenwerking wijkteam"
  static let holendrecht = "Holendrecht"
  static let jvm = "Jan van Maijenbuurt"

  // The numbers of report codes --by question, cooccurrence --unit segment and timeline per month
  // are counted in FieldLogCoreTests.CodingReportTests, on an in-memory journal.
  @Test(
    "report codes, cooccurrence and timeline, as JSON and as CSV Python reads back; bad options refused"
  )
  func reportCodes() throws {
    let sandbox = try Sandbox()
    try Self.reportFixture(sandbox)

    // One coder coded everything: segments are the codings, counted once each
    let counts = ["entries_any_coder", "segments_any_coder"]
    let csv = try CodingCLI.checkReport(
      sandbox, ["report", "codes", "--by", "neighbourhood"],
      columns: ["code", "neighbourhood"] + counts, counts: Set(counts),
      expected: [
        [Self.bm, Self.holendrecht, "2", "3"],
        [Self.gg, Self.holendrecht, "1", "1"],
        [Self.sw, Self.holendrecht, "1", "1"],
        [Self.sw, Self.jvm, "1", "1"],
        [Self.zorg, Self.holendrecht, "2", "2"],
        [Self.zorg, Self.jvm, "1", "1"],
      ])
    // The comma and the double quotes are quoted as RFC 4180 says
    #expect(csv.contains(#"\#r\#n"zorg, ""informeel""",Holendrecht,2,2\#r\#n"#), "\(csv)")

    // The table names the same counts
    let table = try CodingCLI.run(sandbox, ["report", "codes", "--by", "neighbourhood"])
    #expect(table.stdout.split(separator: "\n").dropFirst().first?.hasPrefix("CODE") == true)
    #expect(table.stdout.contains("NEIGHBOURHOOD"), "\(table)")
    // --json with --csv is a usage error; an unknown grouping is bad input
    try CodingCLI.refused(
      sandbox, ["report", "codes", "--by", "question", "--json", "--csv"], status: 64)
    let unknown = try CodingCLI.refused(sandbox, ["report", "codes", "--by", "neighborhood"])
    #expect(unknown.stderr.contains("did you mean 'neighbourhood'"), "\(unknown)")

    // report cooccurrence: by entry is the default; an unknown unit is bad input
    try CodingCLI.checkReport(
      sandbox, ["report", "cooccurrence"], columns: ["code_a", "code_b", "entries"],
      counts: ["entries"],
      expected: [
        [Self.bm, Self.gg, "1"],
        [Self.bm, Self.sw, "1"],
        [Self.bm, Self.zorg, "2"],
        [Self.gg, Self.zorg, "1"],
        [Self.sw, Self.zorg, "2"],
      ])
    try CodingCLI.refused(sandbox, ["report", "cooccurrence", "--unit", "sentence"])

    // report timeline: per month and neighbourhood; it groups by nothing else
    try CodingCLI.checkReport(
      sandbox, ["report", "timeline", "--by", "neighbourhood"],
      columns: ["month", "neighbourhood", "entries"], counts: ["entries"],
      expected: [
        ["2024-03", Self.holendrecht, "2"],
        ["2024-04", Self.holendrecht, "1"],
        ["2024-04", Self.jvm, "1"],
      ])
    try CodingCLI.refused(sandbox, ["report", "timeline", "--by", "question"])
  }

  @Test("a code name with a comma and double quotes survives CSV as Python reads it")
  func csvQuoting() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let tricky = #"zorg, "informeel" en 'ander'"#
    try CodingCLI.run(sandbox, ["code", "define", tricky])
    try CodingCLI.run(sandbox, ["code", "define", "hulp\u{A0}ópvragen; 👩🏾‍🍳", "--parent", tricky])
    let id = try CodingCLI.entry(sandbox, "Een verslag om te coderen.", at: "2024-03-05 10:00")
    try CodingCLI.apply(sandbox, id, tricky)
    try CodingCLI.apply(sandbox, id, "hulp\u{A0}ópvragen; 👩🏾‍🍳", ["--quote", "verslag"])
    let csv = try CodingCLI.run(sandbox, ["report", "cooccurrence", "--csv"])
    let rows = try CodingCLI.pythonCSV(sandbox, csv.stdoutData)
    #expect(
      rows == [
        ["code_a", "code_b", "entries"],
        [tricky, tricky + " > hulp\u{A0}ópvragen; 👩🏾‍🍳", "1"],
      ], "\(csv.stdout)")
    #expect(rows.last?.first?.bytes == tricky.bytes)
  }

  // MARK: 7. Agreement

  /// Two coders on four entries, whole-entry codings (1 = the code applied, 0 = not):
  ///
  /// | unit   | Sanne | Ahmed | Joris |
  /// |--------|-------|-------|-------|
  /// | bm A1  | 1     | 1     | 1     |
  /// | bm A2  | 1     | 0     | 1     |
  /// | bm A3  | 0     | 0     | 0     |
  /// | bm A4  | 1     | 0     | 0     |
  /// | gg A1  | 0     | 0     | 0     |
  /// | gg A2  | 0     | 1     | 0     |
  /// | gg A3  | 1     | 1     | 1     |
  /// | gg A4  | 0     | 0     | 0     |
  ///
  /// Sanne and Ahmed: agree on 5 of 8 units, 0.625. Kappa: p_o = 5/8, Sanne gave 1 four times,
  /// Ahmed three times, p_e = 4/8·3/8 + 4/8·5/8 = 0.5, κ = 0.125/0.5 = 0.25. Alpha: o_11 = 4,
  /// o_00 = 6, o_01 = o_10 = 3, n_1 = 7, n_0 = 9, n = 16, α = 1 − 15·6/(2·63) = 0.2857.
  /// Per code: bm 2/4 = 0.5, κ = (0.5 − 0.375)/0.625 = 0.2, α = 1 − 7·4/32 = 0.125;
  /// gg 3/4 = 0.75, κ = (0.75 − 0.5)/0.5 = 0.5, α = 1 − 7·2/30 = 0.5333.
  /// All three: agree on 5 of 8; α = 1 − 23·6/(2·140) = 0.5071.
  static let agreementTable: [(entry: Int, code: String, values: [Int])] = [
    (0, "buurtmoeders", [1, 1, 1]), (1, "buurtmoeders", [1, 0, 1]),
    (2, "buurtmoeders", [0, 0, 0]), (3, "buurtmoeders", [1, 0, 0]),
    (0, "geloofsgemeenschap", [0, 0, 0]), (1, "geloofsgemeenschap", [0, 1, 0]),
    (2, "geloofsgemeenschap", [1, 1, 1]), (3, "geloofsgemeenschap", [0, 0, 0]),
  ]
  static let coders = ["Sanne", "Ahmed", "Joris"]

  static func agreementFixture(_ sandbox: Sandbox) throws {
    try sandbox.initJournal()
    var entries: [String] = []
    for number in 1...4 {
      entries.append(try CodingCLI.entry(sandbox, "Verslag A\(number) over de buurt."))
    }
    for coder in coders + ["Lotte", "Daan"] {
      try CodingCLI.run(sandbox, ["coder", "add", coder])
    }
    for row in agreementTable {
      for (coder, value) in zip(coders, row.values) where value == 1 {
        try CodingCLI.apply(sandbox, entries[row.entry], row.code, ["--coder", coder])
      }
    }
    // Character units, other coders: "Koffie met buren" is 16 characters; Lotte codes 0..<6,
    // Daan 0..<10: 6 characters (1,1), 4 (0,1), 6 (0,0).
    let short = try CodingCLI.entry(sandbox, "Koffie met buren")
    try CodingCLI.apply(sandbox, short, "buurtmoeders", ["--coder", "Lotte", "--range", "0:6"])
    try CodingCLI.apply(
      sandbox, short, "buurtmoeders", ["--coder", "Daan", "--quote", "Koffie met"])
  }

  /// `agreement args... --json`, checking that no value is NaN or infinite.
  static func agreement(_ sandbox: Sandbox, _ args: [String]) throws -> JSON {
    let result = try CodingCLI.run(sandbox, ["agreement"] + args + ["--json"])
    // No bare NaN or infinity where a value stands (JSONDecoder would refuse them too)
    #expect(
      result.stdout.firstMatch(of: #/[:\[,]\s*-?(?i:nan|inf|infinity)\b/#) == nil,
      "\(args): \(result)")
    return try JSON.parse(result.stdoutData)
  }

  // The numbers (two coders by entry and by character, three coders) are checked in
  // FieldLogCoreTests.CodingReportTests, on an in-memory journal; here what the command prints.
  @Test(
    "agreement prints the numbers as text and JSON; three coders have no kappa; bad coders are refused with 65"
  )
  func agreementCoders() throws {
    let sandbox = try Sandbox()
    try Self.agreementFixture(sandbox)
    let two = try CodingCLI.run(sandbox, ["agreement", "--coders", "Sanne,Ahmed"])
    #expect(two.stdout.contains("agreement 0.625, kappa 0.250, alpha 0.286"), "\(two)")
    let character = try Self.agreement(sandbox, ["--coders", "Lotte,Daan", "--unit", "character"])
    #expect(character["unit"]?.string == "character" && character["units"]?.int == 16)

    let three = try Self.agreement(sandbox, ["--coders", "Sanne,Ahmed,Joris"])
    #expect(three["coders"]?.strings == Self.coders)
    #expect(three["cohen_kappa"] == .null, "\(three)")
    #expect(three["cohen_kappa_reason"]?.string?.contains("two coders") == true, "\(three)")
    #expect(CodingCLI.close(CodingCLI.number(three["krippendorff_alpha"]), 0.5071), "\(three)")
    #expect(three["krippendorff_alpha_reason"] == nil)
    #expect(CodingCLI.number(three["percent_agreement"]) == 0.625, "\(three)")
    for row in three["per_code"]?.array ?? [] {
      #expect(row["cohen_kappa"] == .null, "\(row)")
      #expect(row["cohen_kappa_reason"]?.string != nil, "\(row)")
      #expect(CodingCLI.number(row["krippendorff_alpha"]) != nil, "\(row)")
    }
    let text = try CodingCLI.run(sandbox, ["agreement", "--coders", "Sanne,Ahmed,Joris"])
    #expect(text.stdout.contains("kappa n/a ("), "\(text)")

    let unknown = try CodingCLI.refused(sandbox, ["agreement", "--coders", "Sanne,Ahmd"])
    #expect(unknown.stderr.contains("unknown coder 'Ahmd'"), "\(unknown)")
    #expect(unknown.stderr.contains("did you mean 'Ahmed'"), "\(unknown)")
    for coders in ["Sanne", "Sanne,", ",Sanne"] {
      let one = try CodingCLI.refused(sandbox, ["agreement", "--coders", coders])
      #expect(one.stderr.contains("at least two coders"), "\(coders): \(one)")
    }
    try CodingCLI.refused(sandbox, ["agreement", "--coders", "Sanne,Ahmed", "--unit", "word"])
    try CodingCLI.refused(sandbox, ["agreement", "--coders", "Sanne,Ahmed", "--code", "nergens"])
  }

  // Known bug (see the report): the same coder named twice (in any case) is compared with herself
  // and reported as perfect agreement.
  @Test("agreement refuses one coder named twice")
  func agreementSameCoderTwice() throws {
    let sandbox = try Sandbox()
    try Self.agreementFixture(sandbox)
    for coders in ["Sanne,Sanne", "Sanne,sanne"] {
      let result = try CodingCLI.refused(sandbox, ["agreement", "--coders", coders, "--json"])
      #expect(result.stdout.isEmpty, "\(coders): \(result)")
    }
  }

  // MARK: 8. Help

  @Test(
    "help exits 0",
    arguments: [
      "code", "memo", "report", "agreement", "code apply", "code show", "code define", "code move",
      "memo add", "report codes", "report cooccurrence", "report timeline",
    ])
  func help(command: String) throws {
    let cli = try CLI.require()
    let result = try cli.run(command.split(separator: " ").map(String.init) + ["--help"])
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout.contains("USAGE:"), "\(result)")
  }
}

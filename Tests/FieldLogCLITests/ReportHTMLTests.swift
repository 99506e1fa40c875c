import Foundation
import Testing

/// The fixture journal, the report's page and what is read back from it.
enum ReportHTML {
  static let fixtures = Paths.packageRoot.appendingPathComponent(
    "Tests/FieldLogCLITests/Fixtures/report")
  /// The golden page of the fixture journal. Regenerate it after a deliberate change with
  /// `FIELDLOG_UPDATE_GOLDEN=1 swift test --filter ReportHTML` and review the diff.
  static let golden = fixtures.appendingPathComponent("golden.html")

  /// Builds the fixture journal (Fixtures/report/make-journal.sh) as this test's journal.
  static func fixtureJournal(
    _ sandbox: Sandbox, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let bash = URL(fileURLWithPath: "/bin/bash")
    let script = fixtures.appendingPathComponent("make-journal.sh").path
    let result = try Processes.run(bash, [script, sandbox.cli.binary.path, sandbox.journal.path])
    try #require(result.status == 0, "make-journal.sh: \(result)", sourceLocation: sourceLocation)
  }

  /// Writes the report with `args` and returns the page.
  static func page(
    _ sandbox: Sandbox, _ args: [String] = [], name: String = "report.html",
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> String {
    let file = sandbox.url(name)
    let result = try sandbox.fieldlog(["report", "html", "-o", file.path] + args)
    try #require(result.status == 0, "report html: \(result)", sourceLocation: sourceLocation)
    #expect(result.stdout == "wrote the report \(file.path)\n", sourceLocation: sourceLocation)
    return try String(contentsOf: file, encoding: .utf8)
  }

  /// The page with what differs between two builds of the same journal (its feed's UUID, the
  /// hashes) replaced by placeholders.
  static func normalised(_ page: String) -> String {
    page.replacingOccurrences(
      of: "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", with: "<feed>",
      options: .regularExpression
    ).replacingOccurrences(of: "[0-9a-f]{64}", with: "<hash>", options: .regularExpression)
  }

  /// The `<section>` of a chart.
  static func section(_ id: String, in page: String) -> String {
    guard let start = page.range(of: "<section id=\"\(id)\">"),
      let end = page.range(of: "</section>", range: start.upperBound..<page.endIndex)
    else { return "" }
    return String(page[start.lowerBound..<end.upperBound])
  }

  /// A chart's data table: its header and rows, unescaped.
  static func table(_ id: String, in page: String) -> [[String]] {
    let section = section(id, in: page)
    guard let start = section.range(of: "<table class=\"data\">"),
      let end = section.range(of: "</table>", range: start.upperBound..<section.endIndex)
    else { return [] }
    let table = String(section[start.upperBound..<end.lowerBound])
    return table.components(separatedBy: "<tr>").dropFirst().map { row in
      row.components(separatedBy: "</tr>")[0].matches(of: /<t[hd][^>]*>(.*?)<\/t[hd]>/).map {
        unescape(String($0.output.1))
      }
    }
  }

  /// The command a chart says prints its numbers.
  static func command(_ id: String, in page: String) -> String {
    let section = section(id, in: page)
    guard let start = section.range(of: "The numbers: <code>"),
      let end = section.range(of: "</code>", range: start.upperBound..<section.endIndex)
    else { return "" }
    return unescape(String(section[start.upperBound..<end.lowerBound]))
  }

  static func unescape(_ text: String) -> String {
    text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
      .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
      .replacingOccurrences(of: "&amp;", with: "&")
  }

  /// Every `<svg>` element of the page.
  static func svgs(_ page: String) -> [String] {
    page.components(separatedBy: "<svg ").dropFirst().map {
      "<svg " + $0.components(separatedBy: "</svg>")[0] + "</svg>"
    }
  }

  /// Every SVG of `page` is well-formed XML (when xmllint is installed).
  static func expectWellFormed(
    _ sandbox: Sandbox, _ page: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    guard let xmllint = Processes.which("xmllint") else {
      print("report html: xmllint is not installed (libxml2-utils); the SVGs were not checked")
      return
    }
    for (index, svg) in svgs(page).enumerated() {
      let file = try sandbox.write("chart-\(index).svg", text: svg)
      let result = try Processes.run(xmllint, ["--noout", file.path])
      #expect(result.status == 0, "chart \(index): \(result)", sourceLocation: sourceLocation)
    }
  }
}

@Suite("report html: one self-contained page of charts") struct ReportHTMLTests {
  @Test("the fixture journal's page equals the golden file, byte for byte, every time")
  func golden() throws {
    let sandbox = try Sandbox()
    try ReportHTML.fixtureJournal(sandbox)
    let first = try ReportHTML.page(sandbox, name: "a.html")
    let second = try ReportHTML.page(sandbox, name: "b.html")
    #expect(first == second, "the same journal and command gave different pages")
    let page = ReportHTML.normalised(first)
    if ProcessInfo.processInfo.environment["FIELDLOG_UPDATE_GOLDEN"] != nil {
      try Data(page.utf8).write(to: ReportHTML.golden)
    }
    let golden = try String(contentsOf: ReportHTML.golden, encoding: .utf8)
    #expect(
      page == golden,
      """
      the page differs from \(ReportHTML.golden.path); if the change is meant, regenerate it \
      with FIELDLOG_UPDATE_GOLDEN=1 swift test --filter ReportHTML and review the diff
      """)
    // Written privately, as every file fieldlog writes
    let mode =
      try FileManager.default.attributesOfItem(atPath: sandbox.url("a.html").path)[
        .posixPermissions] as? Int
    #expect(mode == 0o600)
    // Self-contained: no script, nothing fetched
    for forbidden in ["<script", "http://", "https://", "src=", "@import", "url(http"] {
      let allowed = forbidden == "http://" ? "http://www.w3.org/2000/svg" : "\u{0}"
      #expect(
        !first.replacingOccurrences(of: allowed, with: "").contains(forbidden),
        "the page holds '\(forbidden)'")
    }
    #expect(first.contains("@media print"))
    // The header names the state of the journal: its feeds' heads and the checkpoint's root
    let checkpoint = try sandbox.fieldlog(["checkpoint"])
    let root = checkpoint.stdout.components(separatedBy: "\n").first { $0.hasPrefix("root ") }
    let rootHex = String(try #require(root).dropFirst(5))
    #expect(first.contains(rootHex), "the page lacks the root \(rootHex)")
  }

  @Test("every SVG is well-formed XML and the page parses as HTML")
  func wellFormed() throws {
    let sandbox = try Sandbox()
    try ReportHTML.fixtureJournal(sandbox)
    let page = try ReportHTML.page(sandbox)
    let svgs = ReportHTML.svgs(page)
    #expect(svgs.count == 6, "\(svgs.count) charts drawn")
    try ReportHTML.expectWellFormed(sandbox, page)
    let parse = try sandbox.python(
      [
        "-c",
        """
        import sys
        try:
            import html5lib
        except ImportError:
            print("no html5lib"); sys.exit(0)
        html5lib.HTMLParser(strict=True).parse(open(sys.argv[1], "rb"))
        print("ok")
        """, sandbox.url("report.html").path,
      ])
    #expect(parse.status == 0, "html5lib: \(parse)")
    if parse.output == "no html5lib" {
      print("report html: python3 has no html5lib (pip install html5lib); the page was not parsed")
    }
  }

  @Test("each chart's table holds the numbers of the command it names")
  func countsEqualTheCLIReports() throws {
    let sandbox = try Sandbox()
    try ReportHTML.fixtureJournal(sandbox)
    try expectTablesMatchCommands(sandbox, try ReportHTML.page(sandbox), filters: [])
  }

  /// For the charts drawn from `report ... --csv`: the command is the one expected, and the
  /// table's rows are its CSV rows.
  func expectTablesMatchCommands(
    _ sandbox: Sandbox, _ page: String, filters: [String],
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let expected: [(String, [String])] = [
      ("frequency", ["report", "codes", "--by", "neighbourhood", "--csv"]),
      ("matrix", ["report", "codes", "--by", "question", "--csv"]),
      ("cooccurrence", ["report", "cooccurrence", "--unit", "entry", "--csv"]),
      ("timeline", ["report", "timeline", "--by", "neighbourhood", "--by", "kind", "--csv"]),
    ]
    for (id, args) in expected {
      let typed = (["fieldlog"] + args + filters).map {
        $0.contains(" ") ? "'\($0)'" : $0
      }.joined(separator: " ")
      #expect(
        ReportHTML.command(id, in: page) == typed, "\(id)", sourceLocation: sourceLocation)
      let result = try sandbox.fieldlog(args + filters)
      try #require(result.status == 0, "\(args): \(result)", sourceLocation: sourceLocation)
      let csv = try CodingCLI.pythonCSV(sandbox, result.stdoutData)
      let table = ReportHTML.table(id, in: page)
      #expect(!table.isEmpty, "\(id) has no table", sourceLocation: sourceLocation)
      #expect(table == csv, "\(id)", sourceLocation: sourceLocation)
    }
    // The codebook's counts are `report codes`' for every code coded
    let codes = try CodingCLI.pythonCSV(
      sandbox, try sandbox.fieldlog(["report", "codes", "--csv"] + filters).stdoutData)
    let tree = ReportHTML.table("codebook", in: page)
    for row in codes.dropFirst() {
      #expect(
        tree.contains { $0.first == row[0] && Array($0.dropFirst(2)) == Array(row.dropFirst()) },
        "\(row) is not in the codebook's table", sourceLocation: sourceLocation)
    }
  }

  @Test("a filter narrows every chart, and the page and its commands say so")
  func filterNarrows() throws {
    let sandbox = try Sandbox()
    try ReportHTML.fixtureJournal(sandbox)
    let all = try ReportHTML.page(sandbox, name: "all.html")
    let filters = ["--neighbourhood", "Jan van Maijenbuurt", "--since", "2024-06-01"]
    let narrow = try ReportHTML.page(sandbox, filters, name: "narrow.html")
    try expectTablesMatchCommands(sandbox, narrow, filters: filters)
    #expect(narrow.contains("--neighbourhood &#39;Jan van Maijenbuurt&#39; --since 2024-06-01"))
    let places = Set(ReportHTML.table("frequency", in: narrow).dropFirst().map { $0[1] })
    #expect(places == ["Jan van Maijenbuurt"])
    func total(_ page: String) -> Int {
      ReportHTML.table("timeline", in: page).dropFirst().reduce(0) { $0 + (Int($1[3]) ?? 0) }
    }
    #expect(total(narrow) > 0 && total(narrow) < total(all), "\(total(narrow)) of \(total(all))")
  }

  @Test("--coder counts one coder's codings, and the printed command says so")
  func oneCoder() throws {
    let sandbox = try Sandbox()
    try ReportHTML.fixtureJournal(sandbox)
    let page = try ReportHTML.page(sandbox, ["--coder", "ahmed"])
    let args = ["report", "codes", "--by", "neighbourhood", "--coder", "ahmed", "--csv"]
    #expect(ReportHTML.command("frequency", in: page) == "fieldlog " + args.joined(separator: " "))
    let csv = try CodingCLI.pythonCSV(sandbox, try sandbox.fieldlog(args).stdoutData)
    #expect(csv.first?.contains("entries_by_Ahmed") == true, "\(csv)")
    #expect(ReportHTML.table("frequency", in: page) == csv)
  }

  @Test("bad values are refused naming the valid ones, and -o never replaces the journal")
  func refusals() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let place = try sandbox.fieldlog(
      ["report", "html", "-o", sandbox.url("r.html").path, "--neighbourhood", "Nergens"])
    #expect(place.status == 65 && place.stderr.contains("'Nergens'"), "\(place)")
    #expect(place.stderr.contains("Holendrecht"), "\(place)")
    let by = try sandbox.fieldlog(["report", "html", "-o", sandbox.url("r.html").path, "--by", "x"])
    #expect(by.status != 0 && by.stderr.contains("'x'"), "\(by)")
    #expect(by.stderr.contains("initiative"), "\(by)")
    #expect(!FileManager.default.fileExists(atPath: sandbox.url("r.html").path))
    let before = try Data(contentsOf: sandbox.journal)
    let over = try sandbox.fieldlog(["report", "html", "-o", sandbox.journal.path, "--force"])
    #expect(over.status != 0 && over.stderr.hasPrefix("error: "), "\(over)")
    #expect(try Data(contentsOf: sandbox.journal) == before)
    let noFile = try sandbox.fieldlog(["report", "html"])
    #expect(noFile.status == 64 && noFile.stderr.contains("-o report.html"), "\(noFile)")
    _ = try ReportHTML.page(sandbox, name: "once.html")
    let again = try sandbox.fieldlog(["report", "html", "-o", sandbox.url("once.html").path])
    #expect(again.status != 0 && again.stderr.contains("--force"), "\(again)")
    let retracted = try sandbox.fieldlog(
      ["report", "html", "-o", sandbox.url("x.html").path, "--include-retracted"])
    #expect(retracted.status == 64, "\(retracted)")
  }

  @Test("an empty journal gives a page that says why each chart is empty")
  func emptyJournal() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let page = try ReportHTML.page(sandbox)
    #expect(ReportHTML.svgs(page).count == 1, "only the codebook is drawn")
    #expect(page.contains("Nothing is coded in these entries yet"))
    #expect(
      page.contains(
        "No entries match. Shaded bands mark the study&#39;s action-research cycles: C1 "
          + "2024-03-01 to 2024-06-30"))
    #expect(page.contains("Nobody has coded, so there is no agreement to show"))
    try ReportHTML.expectWellFormed(sandbox, page)
  }

  @Test("one code by one coder: drawn, and agreement says why it is not shown")
  func oneCode() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let entry = try sandbox.addObservation("De buurtmoeder belde.")
    let id = try #require(entry["id"]?.string)
    let applied = try sandbox.fieldlog(["code", "apply", id, "buurtmoeders"])
    try #require(applied.status == 0, "\(applied)")
    let page = try ReportHTML.page(sandbox)
    #expect(page.contains("Only \(Sandbox.author) has coded, so there is no agreement to show"))
    #expect(page.contains("No entry is coded with two codes yet."))
    try ReportHTML.expectWellFormed(sandbox, page)
  }

  /// The layout (no overlap, labels within their band) is checked on made-up tables in
  /// FieldLogWebTests; here the page of such a journal is written and well-formed.
  @Test("200 codes with long names: labels are cut, with the whole name as a tooltip")
  func manyCodes() throws {
    let sandbox = try Sandbox()
    let long = "een heel lange codenaam over informele steun in de buurt en het wijkteam"
    let names = (1...200).map { String(format: "%03d %@", $0, long) }
    var study = try String(contentsOf: Paths.amsterdamStudy, encoding: .utf8)
    study = String(study[..<(try #require(study.range(of: "codebook:"))).lowerBound])
    study += "codebook:\n  - name: thema\n    children:\n"
    study += names.map { "      - name: \($0)\n" }.joined()
    let file = try sandbox.write("study.yaml", text: study)
    try sandbox.initJournal(study: file)
    let lines = (0..<100).map { index in
      #"{"id":"00000000-0000-4000-8000-\#(String(format: "%012d", index))","#
        + #""kind":"observation","body":"notitie \#(index)","neighbourhood":"Holendrecht","#
        + #""questions":["RQ1"],"occurred_at":"2024-0\#(index % 9 + 1)-10T10:00:00+02:00"}"#
    }
    let jsonl = try sandbox.write("entries.jsonl", text: lines.joined(separator: "\n") + "\n")
    try #require(try sandbox.fieldlog(["import", jsonl.path]).status == 0)
    var script = ""
    for index in 0..<100 {
      let entry = String(format: "00000000-0000-4000-8000-%012d", index)
      for code in [names[2 * index], names[2 * index + 1]] {
        script += "\"$1\" code apply \(entry) 'thema > \(code)' --journal \"$2\" >/dev/null\n"
      }
    }
    let apply = try sandbox.write("apply.sh", text: "set -e\n" + script)
    let applied = try Processes.run(
      URL(fileURLWithPath: "/bin/bash"),
      [apply.path, sandbox.cli.binary.path, sandbox.journal.path])
    try #require(applied.status == 0, "\(applied)")
    let page = try ReportHTML.page(sandbox)
    let frequency = ReportHTML.section("frequency", in: page)
    #expect(frequency.contains("<title>thema &gt; 001 \(long)</title>"))
    #expect(frequency.contains("</title>001 een heel lange codenaam"))
    #expect(frequency.contains("…</text>"))
    try ReportHTML.expectWellFormed(sandbox, page)
    #expect(page.contains("The 40 codes with the most co-occurrences of 200 are drawn"))
  }

  @Test("10k entries over eight years render, every one counted")
  func tenThousandEntries() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let kinds = ["observation", "interview", "network-conversation", "nabije-kennis"]
    let places = ["Holendrecht", "Jan van Maijenbuurt"]
    let lines = (0..<10_000).map { index in
      let month = String(format: "%04d-%02d", 2018 + index % 96 / 12, index % 12 + 1)
      return #"{"kind":"\#(kinds[index % 4])","body":"notitie \#(index)","#
        + #""neighbourhood":"\#(places[index % 7 == 0 ? 1 : 0])","questions":["RQ1"],"#
        + #""occurred_at":"\#(month)-10T10:00:00+02:00"}"#
    }
    let jsonl = try sandbox.write("entries.jsonl", text: lines.joined(separator: "\n") + "\n")
    let imported = try sandbox.fieldlog(["import", jsonl.path])
    try #require(imported.status == 0, "\(imported)")
    let page = try ReportHTML.page(sandbox)
    let rows = ReportHTML.table("timeline", in: page).dropFirst()
    #expect(rows.reduce(0) { $0 + (Int($1[3]) ?? 0) } == 10_000)
    try ReportHTML.expectWellFormed(sandbox, page)
  }

  @Test("headless Chromium draws the page: a screenshot that is not blank")
  func screenshot() throws {
    guard let chromium = Processes.which("chromium") else {
      print("report html: chromium is not installed (apt-get install chromium); no screenshot")
      return
    }
    let sandbox = try Sandbox()
    try ReportHTML.fixtureJournal(sandbox)
    _ = try ReportHTML.page(sandbox)
    let shot = sandbox.url("report.png")
    let result = try Processes.run(
      chromium,
      [
        "--headless", "--no-sandbox", "--disable-gpu", "--screenshot=\(shot.path)",
        "--window-size=1240,1754", "file://" + sandbox.url("report.html").path,
      ])
    #expect(result.status == 0, "\(result)")
    let png = try Data(contentsOf: shot)
    #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "not a PNG")
    // A blank page of this size compresses to a few kilobytes; text and charts do not.
    #expect(png.count > 50_000, "the screenshot is \(png.count) bytes: blank?")
  }
}

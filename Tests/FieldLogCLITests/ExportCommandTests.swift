import Foundation
import Testing

/// `fieldlog export`, read back by Python's csv and json modules, never by fieldlog itself.
@Suite("export") struct ExportCommandTests {
  static let awkwardTitle = "Één \"café\"; met, komma 👍🏾"
  static let awkwardBody =
    "=SUM(A1) is geen formule\nregel twee; met, komma en \"aanhalingstekens\"\r\nEmoji 👩🏽‍🦱 en ş"

  /// Python reads a CSV file: `[[cells]]`, decoding UTF-8 with an optional BOM.
  static func pythonCSV(_ sandbox: Sandbox, _ data: Data, delimiter: String = ",") throws
    -> [[String]]
  {
    let file = try sandbox.write("out-\(UUID().uuidString.prefix(6)).csv", data)
    let script = """
      import csv, json, sys
      with open(sys.argv[1], encoding='utf-8-sig', newline='') as f:
          print(json.dumps(list(csv.reader(f, delimiter=sys.argv[2]))))
      """
    let result = try sandbox.python(["-c", script, file.path, delimiter])
    try #require(result.status == 0, "\(result)")
    return try JSONDecoder().decode([[String]].self, from: result.stdoutData)
  }

  static func make() throws -> (Sandbox, String) {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let entry = try sandbox.add(
      "observation",
      [
        "--title", awkwardTitle, "--text", awkwardBody, "--neighbourhood", "Holendrecht",
        "--question", "RQ1", "--question", "RQ2", "--tag", "koffie", "--tag", "thee",
        "--field", "setting=buurtkamer", "--at", "2024-03-12 10:00",
      ])
    return (sandbox, try #require(entry["id"]?.string))
  }

  @Test("RFC 4180 by default: Python reads every character back, line ends are CRLF, no BOM")
  func rfc4180() throws {
    let (sandbox, id) = try Self.make()
    let result = try sandbox.fieldlog(["export", "entries"])
    #expect(result.status == 0, "\(result)")
    #expect(!result.stdoutData.starts(with: [0xEF, 0xBB, 0xBF]))
    #expect(result.stdout.contains("\r\n"))
    let rows = try Self.pythonCSV(sandbox, result.stdoutData)
    let header = rows[0]
    let row = try #require(rows.first { $0.first == id })
    func cell(_ name: String) -> String? { header.firstIndex(of: name).map { row[$0] } }
    #expect(cell("title") == Self.awkwardTitle)
    // Stored with LF line ends, exported as stored; "=" survives unguarded in plain CSV.
    #expect(cell("body") == Self.awkwardBody.replacingOccurrences(of: "\r\n", with: "\n"))
    #expect(cell("questions") == "RQ1|RQ2")
    #expect(cell("tags") == "koffie|thee")
    #expect(cell("field.setting") == "buurtkamer")
    #expect(cell("occurred_at") == "2024-03-12T10:00:00+01:00")
    #expect(cell("version") == "1")
  }

  @Test("--excel: ';', a BOM, and a leading ' on a cell Excel would run as a formula")
  func excelProfile() throws {
    let (sandbox, id) = try Self.make()
    let result = try sandbox.fieldlog(["export", "entries", "--excel"])
    #expect(result.status == 0, "\(result)")
    #expect(result.stdoutData.starts(with: [0xEF, 0xBB, 0xBF]))
    let rows = try Self.pythonCSV(sandbox, result.stdoutData, delimiter: ";")
    let row = try #require(rows.first { $0.first == id })
    let body = try #require(rows[0].firstIndex(of: "body"))
    #expect(row[body] == "'" + Self.awkwardBody.replacingOccurrences(of: "\r\n", with: "\n"))
    #expect(row[try #require(rows[0].firstIndex(of: "title"))] == Self.awkwardTitle)
  }

  @Test("--delimiter and --bom set each on their own")
  func delimiterAndBOM() throws {
    let (sandbox, id) = try Self.make()
    let tab = try sandbox.fieldlog(["export", "entries", "--delimiter", "\\t"])
    #expect(
      try Self.pythonCSV(sandbox, tab.stdoutData, delimiter: "\t").contains { $0.first == id })
    let bom = try sandbox.fieldlog(["export", "entries", "--bom"])
    #expect(bom.stdoutData.starts(with: [0xEF, 0xBB, 0xBF]))
    #expect(try Self.pythonCSV(sandbox, bom.stdoutData).contains { $0.first == id })
    #expect(try sandbox.fieldlog(["export", "entries", "--delimiter", "ab"]).status == 64)
  }

  @Test("JSON Lines: one entry record per line, as show --json prints it")
  func jsonLines() throws {
    let (sandbox, id) = try Self.make()
    _ = try sandbox.addObservation("Tweede")
    let result = try sandbox.fieldlog(["export", "entries", "--format", "jsonl"])
    let lines = result.stdout.split(separator: "\n")
    #expect(lines.count == 2)
    let script = "import json,sys\nfor l in sys.stdin: json.loads(l)\nprint('ok')"
    #expect(try sandbox.python(["-c", script], stdin: result.stdoutData).output == "ok")
    let first = try JSON.parse(String(lines[0]))
    #expect(first == (try sandbox.show(id)))
    let valid = try sandbox.validate(
      Data(("[" + lines.joined(separator: ",") + "]").utf8), schema: Paths.entrySchema, array: true)
    #expect(valid.status == 0, "\(valid)")
  }

  @Test("codings, matrix, codebook and memos tables")
  func otherTables() throws {
    let (sandbox, id) = try Self.make()
    let coding = try sandbox.fieldlog(
      [
        "code", "apply", id, "informele steun", "--quote", "regel twee", "--memo",
        "memo; met \"tekens\"",
      ])
    #expect(coding.status == 0, "\(coding)")
    _ = try sandbox.fieldlog(["memo", "add", "--about", "informele steun", "een memo"])
    let codings = try Self.pythonCSV(
      sandbox, try sandbox.fieldlog(["export", "codings"]).stdoutData)
    #expect(Array(codings[0].prefix(3)) == ["coding_id", "entry_id", "kind"])
    let row = codings[1]
    #expect(row[1] == id && row[6] == "informele steun" && row[11] == "regel twee")
    #expect(row[12] == "memo; met \"tekens\"")
    let matrix = try Self.pythonCSV(sandbox, try sandbox.fieldlog(["export", "matrix"]).stdoutData)
    let column = try #require(matrix[0].firstIndex(of: "informele steun"))
    #expect(matrix[1][column] == "1")
    #expect(matrix[1][try #require(matrix[0].firstIndex(of: "samenwerking wijkteam"))] == "0")
    let codebook = try Self.pythonCSV(
      sandbox, try sandbox.fieldlog(["export", "codebook"]).stdoutData)
    #expect(
      codebook[0] == ["code", "path", "parent", "description", "colour", "codings", "entries"])
    #expect(
      codebook.contains { $0[1] == "informele steun > buurtmoeders" && $0[2] == "informele steun" })
    let memos = try Self.pythonCSV(sandbox, try sandbox.fieldlog(["export", "memos"]).stdoutData)
    #expect(memos.count == 2 && memos[1][4] == "een memo")
  }

  @Test("filters apply; retracted entries stay out unless asked for")
  func filtersAndRetraction() throws {
    let (sandbox, id) = try Self.make()
    let other = try sandbox.add(
      "interview",
      ["--text", "In West", "--neighbourhood", "Jan van Maijenbuurt", "--question", "RQ3"])
    func ids(_ args: [String]) throws -> [String] {
      try Self.pythonCSV(sandbox, try sandbox.fieldlog(["export", "entries"] + args).stdoutData)
        .dropFirst().map { $0[0] }
    }
    #expect(try ids(["--neighbourhood", "Holendrecht"]) == [id])
    #expect(try ids(["--question", "RQ3"]) == [other["id"]?.string ?? ""])
    _ = try sandbox.fieldlog(["retract", id, "--reason", "dubbel"])
    #expect(try ids([]) == [other["id"]?.string ?? ""])
    #expect(try ids(["--include-retracted"]).count == 2)
  }

  @Test("without quotation consent the body, a derived title and quotes are withheld")
  func consentWithholds() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let entry = try sandbox.add(
      "interview",
      [
        "--text", "Wat P-017 zei over de buurt", "--neighbourhood", "Holendrecht", "--question",
        "RQ1",
        "--participant", "P-017",
      ])
    let id = try #require(entry["id"]?.string)
    _ = try sandbox.fieldlog(["code", "apply", id, "informele steun", "--quote", "over de buurt"])
    let withheld = "[withheld: no quotation consent for P-017]"
    var rows = try Self.pythonCSV(sandbox, try sandbox.fieldlog(["export", "entries"]).stdoutData)
    #expect(rows[1][11] == withheld && rows[1][10] == "[withheld]")
    let codings = try Self.pythonCSV(
      sandbox, try sandbox.fieldlog(["export", "codings"]).stdoutData)
    #expect(codings[1][11] == withheld)
    // Given, then withdrawn: shown, then withheld again.
    _ = try sandbox.fieldlog(["consent", "P-017", "--given", "written", "--scope", "quotation"])
    rows = try Self.pythonCSV(sandbox, try sandbox.fieldlog(["export", "entries"]).stdoutData)
    #expect(rows[1][11] == "Wat P-017 zei over de buurt")
    _ = try sandbox.fieldlog(["consent", "P-017", "--withdraw", "--scope", "quotation"])
    let again = try sandbox.fieldlog(["export", "entries"])
    #expect(try Self.pythonCSV(sandbox, again.stdoutData)[1][11] == withheld)
    #expect(again.stderr.contains("--include-withheld"))
    let shown = try sandbox.fieldlog(["export", "entries", "--include-withheld"])
    #expect(try Self.pythonCSV(sandbox, shown.stdoutData)[1][11] == "Wat P-017 zei over de buurt")
  }

  @Test("a real name from the key file refuses the export (65), names the entry, writes nothing")
  func realNameGuard() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let entry = try sandbox.add(
      "observation",
      [
        "--text", "Koffie met FATIMA EL AMRANÍ bij de buurtkamer", "--neighbourhood", "Holendrecht",
        "--question", "RQ1", "--title", "Koffie",
      ])
    let id = try #require(entry["id"]?.string)
    #expect(
      try sandbox.fieldlog(["keys", "add", "P-017", "--name", "Fatima el Amrani"]).status == 0)
    let keys = sandbox.url("fieldlog-keys.sqlite")
    let keyBytes = try Data(contentsOf: keys)
    let keyDate =
      try FileManager.default.attributesOfItem(atPath: keys.path)[.modificationDate] as? Date
    let target = sandbox.url("export.csv")
    let refused = try sandbox.fieldlog(["export", "entries", "-o", target.path])
    #expect(refused.status == 65, "\(refused)")
    // Each hit names the entry and the key-file name it matched (issue 12.6).
    #expect(refused.stderr.hasPrefix("error: the export holds 1 real name"), "\(refused)")
    #expect(refused.stderr.contains("entry \(id.prefix(8)), body: "), "\(refused)")
    #expect(refused.stderr.contains("'Fatima el Amrani' (P-017)"), "\(refused)")
    #expect(!FileManager.default.fileExists(atPath: target.path))
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: sandbox.dir.path)
      .filter { $0.contains("partial") }
    #expect(leftovers.isEmpty)
    // The body is not withheld here (no participants), so only --allow-names lets it out.
    let allowed = try sandbox.fieldlog(["export", "entries", "--allow-names", "-o", target.path])
    #expect(allowed.status == 0, "\(allowed)")
    #expect(allowed.stderr.contains("--allow-names"))
    let mode =
      try FileManager.default.attributesOfItem(atPath: target.path)[.posixPermissions] as? Int
    #expect(mode == 0o600)
    // The key file was only read.
    #expect(try Data(contentsOf: keys) == keyBytes)
    #expect(
      try FileManager.default.attributesOfItem(atPath: keys.path)[.modificationDate] as? Date
        == keyDate)
    #expect(!FileManager.default.fileExists(atPath: keys.path + "-journal"))
    #expect(!FileManager.default.fileExists(atPath: keys.path + "-wal"))
  }

  @Test("export codings --code gives the codings of that code and the codes below it")
  func codingsByCode() throws {
    let (sandbox, id) = try Self.make()
    _ = try sandbox.fieldlog([
      "code", "apply", id, "informele steun > buurtmoeders", "--quote", "regel twee",
    ])
    _ = try sandbox.fieldlog(["code", "apply", id, "samen leren"])
    let rows = try Self.pythonCSV(
      sandbox, try sandbox.fieldlog(["export", "codings", "--code", "informele steun"]).stdoutData)
    #expect(rows.dropFirst().map { $0[7] } == ["informele steun > buurtmoeders"])
  }

  @Test("a real name in a code's description refuses the codebook, the qdc and the qdpx")
  func namesInCodes() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    _ = try sandbox.fieldlog([
      "code", "define", "steun", "--description", "zoals Akosua Boateng doet",
    ])
    _ = try sandbox.fieldlog(["keys", "add", "P-017", "--name", "Akosua Boateng"])
    for args in [
      ["export", "codebook"], ["export", "qdc"],
      ["export", "qdpx", "-o", sandbox.url("p.qdpx").path],
    ] {
      let result = try sandbox.fieldlog(args)
      #expect(
        result.status == 65 && result.stderr.contains("\"zoals [Akosua Boateng] doet\" matches")
          && result.stderr.contains("(P-017)"), "\(args): \(result)")
    }
    #expect(try sandbox.fieldlog(["export", "qdc", "--allow-names"]).status == 0)
  }

  @Test("bad requests: unknown table or format 65 with suggestions; a project needs -o")
  func badRequests() throws {
    let (sandbox, _) = try Self.make()
    let before = try sandbox.state()
    let table = try sandbox.fieldlog(["export", "entrie"])
    #expect(table.status == 65 && table.stderr.contains("'entries'"), "\(table)")
    let format = try sandbox.fieldlog(["export", "entries", "--format", "xml"])
    #expect(format.status == 65, "\(format)")
    let qdpx = try sandbox.fieldlog(["export", "qdpx"])
    #expect(qdpx.status == 65 && qdpx.stderr.contains("-o FILE.qdpx"), "\(qdpx)")
    let folder = try sandbox.fieldlog(["export", "entries", "-o", "/nonexistent/dir/x.csv"])
    #expect(folder.status == 74, "\(folder)")
    #expect(try sandbox.state() == before)
  }
}

import Foundation
import Testing

/// REFI-QDA exports: well-formed, with unique GUIDs and selections inside their sources, read by
/// Python's zipfile, a codebook that round-trips; and valid against the official XSDs when they are
/// here. The XSDs are the standard's files, not this repository's: `$FIELDLOG_REFI_XSD_DIR` names their
/// folder (`.ci/run` sets it), else `../shared/refi-qda` beside the clone is used when it exists;
/// without either the XSD check is skipped, saying so, and everything else still runs.
@Suite("export qdpx and qdc") struct REFIQDATests {
  static let variable = "FIELDLOG_REFI_XSD_DIR"

  /// The folder of the official XSDs, when there is one.
  static let schemas: URL? = {
    if let folder = ProcessInfo.processInfo.environment[variable], !folder.isEmpty {
      return URL(fileURLWithPath: folder)
    }
    let beside = Paths.packageRoot.deletingLastPathComponent().appendingPathComponent(
      "shared/refi-qda")
    return FileManager.default.fileExists(atPath: beside.path) ? beside : nil
  }()

  static let noSchemas: Comment = """
    the official REFI-QDA XSDs were not found, so the exports were not validated against them: set \
    FIELDLOG_REFI_XSD_DIR to the folder that holds Project-mrt2019.xsd and Codebook.xsd (CI uses \
    ../shared/refi-qda)
    """

  static func xmllintPath() throws -> URL {
    try #require(
      Processes.which("xmllint"), "xmllint is needed (Debian: libxml2-utils); .ci/run installs it")
  }

  /// `xmllint --noout FILE`: the file is well-formed XML. Where xmllint is not installed, Python's
  /// expat, also a conforming XML parser, checks the same, so the check never skips.
  static func wellFormed(_ file: URL) throws -> ProcessResult {
    if let xmllint = Processes.which("xmllint") {
      return try Processes.run(xmllint, ["--noout", file.path])
    }
    let python3 = try #require(Paths.python3, "python3 or xmllint is needed")
    return try Processes.run(
      python3,
      [
        "-c",
        "import sys, xml.parsers.expat; "
          + "xml.parsers.expat.ParserCreate().ParseFile(open(sys.argv[1], 'rb'))", file.path,
      ])
  }

  /// `xmllint --noout --schema XSD FILE`, the XSD from the official folder, which must hold it.
  static func xmllint(_ file: URL, schema: String) throws -> ProcessResult {
    let folder = try #require(schemas, noSchemas)
    let schemaURL = folder.appendingPathComponent(schema)
    try #require(
      FileManager.default.fileExists(atPath: schemaURL.path),
      "the REFI-QDA XSD folder \(folder.path) (\(variable)) has no \(schema)")
    return try Processes.run(try xmllintPath(), ["--noout", "--schema", schemaURL.path, file.path])
  }

  /// The `project.qde` inside a `.qdpx`, taken out by Python's zipfile next to it.
  static func projectDocument(of project: URL, in sandbox: Sandbox) throws -> URL {
    let qde = project.deletingPathExtension().appendingPathExtension("qde")
    let unzip = try sandbox.python(
      [
        "-c",
        "import sys, zipfile; open(sys.argv[2], 'wb').write("
          + "zipfile.ZipFile(sys.argv[1]).read('project.qde'))", project.path, qde.path,
      ])
    try #require(unzip.status == 0, "\(unzip)")
    return qde
  }

  /// A journal with nested codes, a segment with a memo, a whole-entry coding, memos and a participant.
  static func make() throws -> (Sandbox, [String]) {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let first = try sandbox.add(
      "observation",
      [
        "--title", "Één & \"café\" <buurt>", "--text", "Koffie met 👍🏾 buren.\nDe buurtmoeder helpt.",
        "--neighbourhood", "Holendrecht", "--question", "RQ1", "--participant", "P-017",
      ])
    _ = try sandbox.fieldlog(["consent", "P-017", "--given", "written", "--scope", "quotation"])
    _ = try sandbox.fieldlog(["coder", "add", "Ahmed"])
    let second = try sandbox.add(
      "interview",
      [
        "--text", "Gesprek over de moskee.", "--neighbourhood", "Jan van Maijenbuurt", "--question",
        "RQ2",
      ])
    let ids = [try #require(first["id"]?.string), try #require(second["id"]?.string)]
    for args in [
      [
        "code", "apply", ids[0], "informele steun > buurtmoeders", "--quote", "buurtmoeder helpt",
        "--memo", "memo <bij> codering",
      ],
      ["code", "apply", ids[1], "samenwerking wijkteam", "--coder", "Ahmed"],
      ["memo", "add", "--about", ids[0], "memo over het verslag"],
      ["memo", "add", "--about", "informele steun", "memo over de code"],
    ] {
      let result = try sandbox.fieldlog(args)
      try #require(result.status == 0, "\(args): \(result)")
    }
    return (sandbox, ids)
  }

  @Test(
    "the project is well-formed, holds every source as text, with unique GUIDs and selections that cover the quoted text"
  )
  func project() throws {
    let (sandbox, ids) = try Self.make()
    let file = sandbox.url("project.qdpx")
    let result = try sandbox.fieldlog(["export", "qdpx", "-o", file.path])
    #expect(result.status == 0, "\(result)")
    let mode =
      try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
    #expect(mode == 0o600)
    let script = """
      import json, sys, zipfile, re
      z = zipfile.ZipFile(sys.argv[1])
      qde = z.read('project.qde')
      open(sys.argv[2], 'wb').write(qde)
      text = qde.decode('utf-8')
      sources = {n[len('sources/'):-4]: z.read(n).decode('utf-8') for n in z.namelist() if n.startswith('sources/')}
      selections = []
      for m in re.finditer(r'<TextSource guid="([^"]+)".*?</TextSource>', text, re.S):
          for s in re.finditer(r'startPosition="(\\d+)" endPosition="(\\d+)"', m.group(0)):
              body = sources[m.group(1)]
              selections.append(body[int(s.group(1)):int(s.group(2))])
      outside = []
      for m in re.finditer(r'<TextSource guid="([^"]+)".*?</TextSource>', text, re.S):
          length = len(sources[m.group(1)])
          for s in re.finditer(r'startPosition="(\\d+)" endPosition="(\\d+)"', m.group(0)):
              if not 0 <= int(s.group(1)) <= int(s.group(2)) <= length:
                  outside.append([m.group(1), s.group(1), s.group(2), length])
      guids = re.findall(r'\\sguid="([^"]+)"', text)
      print(json.dumps({"names": sorted(z.namelist()), "bom": qde[:3] == b'\\xef\\xbb\\xbf',
        "sources": sources, "selections": selections, "sets": '<Sets' in text,
        "plainTextPaths": re.findall(r'<TextSource [^>]*plainTextPath="([^"]+)"', text),
        "guids": len(guids), "duplicates": sorted({g for g in guids if guids.count(g) > 1}),
        "outside": outside}))
      """
    let qde = sandbox.url("project.qde")
    let read = try sandbox.python(["-c", script, file.path, qde.path])
    try #require(read.status == 0, "\(read)")
    let found = try JSON.parse(read.stdoutData)
    #expect(found["bom"] == .bool(false))
    #expect(found["sets"] == .bool(false))
    #expect(found["sources"]?[ids[0]]?.string == "Koffie met 👍🏾 buren.\nDe buurtmoeder helpt.")
    #expect(found["sources"]?[ids[1]]?.string == "Gesprek over de moskee.")
    // Python slices by code point, as REFI-QDA counts: the segment is exactly the quote; the
    // whole-entry coding covers the whole text.
    #expect(
      found["selections"]
        == .array([.string("buurtmoeder helpt"), .string("Gesprek over de moskee.")]))
    #expect(found["plainTextPaths"] == .array(ids.map { .string("internal://\($0).txt") }))
    // Every GUID once (codes, sources, selections, users, notes, cases, variables); every
    // selection within its source.
    #expect((found["guids"]?.int ?? 0) >= 10, "\(found)")
    #expect(found["duplicates"] == .array([]), "\(found)")
    #expect(found["outside"] == .array([]), "\(found)")
    let lint = try Self.wellFormed(qde)
    #expect(lint.status == 0, "\(lint)")
    let xml = try String(contentsOf: qde, encoding: .utf8)
    for fragment in [
      "<User ", "<Code ", "isCodable=\"true\"", "<Variable ", "typeOfVariable=\"Boolean\"",
      "<Case ",
      "name=\"P-017\"", "<SourceRef ", "<Coding ", "<CodeRef ", "<Note ", "<NoteRef ",
      "memo &lt;bij&gt; codering", "name=\"Één &amp; &quot;café&quot; &lt;buurt&gt;\"",
    ] {
      #expect(xml.contains(fragment), "missing \(fragment)")
    }
  }

  @Test("exporting twice gives identical bytes")
  func deterministic() throws {
    let (sandbox, _) = try Self.make()
    let first = sandbox.url("a.qdpx")
    let second = sandbox.url("b.qdpx")
    #expect(try sandbox.fieldlog(["export", "qdpx", "-o", first.path]).status == 0)
    #expect(try sandbox.fieldlog(["export", "qdpx", "-o", second.path]).status == 0)
    #expect(try Data(contentsOf: first) == Data(contentsOf: second))
  }

  @Test("the codebook alone is well-formed REFI-QDA codebook XML")
  func codebook() throws {
    let (sandbox, _) = try Self.make()
    let file = sandbox.url("codes.qdc")
    #expect(try sandbox.fieldlog(["export", "qdc", "-o", file.path]).status == 0)
    let lint = try Self.wellFormed(file)
    #expect(lint.status == 0, "\(lint)")
    let xml = try String(contentsOf: file, encoding: .utf8)
    #expect(xml.hasPrefix("<?xml"))
    #expect(xml.contains("urn:QDA-XML:codebook:1.0"))
    #expect(xml.contains("name=\"buurtmoeders\""))
  }

  @Test(
    "a codebook exported, imported into an empty journal and exported again is the same codebook")
  func codebookRoundTrip() throws {
    let (sandbox, _) = try Self.make()
    let first = sandbox.url("first.qdc")
    #expect(try sandbox.fieldlog(["export", "qdc", "-o", first.path]).status == 0)
    let empty = sandbox.url("empty.sqlite")
    #expect(try sandbox.fieldlog(["init", "--author", "Bram", "--name", "Leeg"], journal: empty).status == 0)
    let imported = try sandbox.fieldlog(["import", first.path], journal: empty)
    #expect(imported.status == 0, "\(imported)")
    let second = sandbox.url("second.qdc")
    #expect(try sandbox.fieldlog(["export", "qdc", "-o", second.path], journal: empty).status == 0)
    // Each code as its path, colour and description, read by Python's own XML parser.
    let script = """
      import json, sys
      import xml.etree.ElementTree as ET
      ns = '{urn:QDA-XML:codebook:1.0}'
      def walk(element, path, out):
          for code in element.findall(ns + 'Code'):
              here = path + [code.get('name')]
              described = code.find(ns + 'Description')
              out.append(' > '.join(here) + '|' + (code.get('color') or '') + '|'
                         + (described.text if described is not None and described.text else ''))
              walk(code, here, out)
          return out
      print(json.dumps([sorted(walk(ET.parse(f).getroot().find(ns + 'Codes'), [], []))
                        for f in sys.argv[1:]]))
      """
    let read = try sandbox.python(["-c", script, first.path, second.path])
    try #require(read.status == 0, "\(read)")
    let both = try #require(try JSON.parse(read.stdoutData).array)
    try #require(both.count == 2)
    #expect((both[0].array?.count ?? 0) >= 10, "\(both[0])")
    #expect(both[0] == both[1])
    #expect(try Self.wellFormed(second).status == 0)
  }

  @Test(
    "the project and the codebook validate against the official REFI-QDA XSDs",
    .enabled(if: REFIQDATests.schemas != nil, REFIQDATests.noSchemas))
  func validatesAgainstTheOfficialSchemas() throws {
    let (sandbox, _) = try Self.make()
    let project = sandbox.url("project.qdpx")
    #expect(try sandbox.fieldlog(["export", "qdpx", "-o", project.path]).status == 0)
    let qde = try Self.projectDocument(of: project, in: sandbox)
    let projectLint = try Self.xmllint(qde, schema: "Project-mrt2019.xsd")
    #expect(projectLint.status == 0, "\(projectLint)")
    // The same project with UTF-16 offsets (for QualCoder) is as valid.
    let utf16 = sandbox.url("project-utf16.qdpx")
    #expect(
      try sandbox.fieldlog(["export", "qdpx", "--offsets", "utf16", "-o", utf16.path]).status == 0)
    let utf16QDE = try Self.projectDocument(of: utf16, in: sandbox)
    let utf16Lint = try Self.xmllint(utf16QDE, schema: "Project-mrt2019.xsd")
    #expect(utf16Lint.status == 0, "\(utf16Lint)")
    let codebook = sandbox.url("codes.qdc")
    #expect(try sandbox.fieldlog(["export", "qdc", "-o", codebook.path]).status == 0)
    let codebookLint = try Self.xmllint(codebook, schema: "Codebook.xsd")
    #expect(codebookLint.status == 0, "\(codebookLint)")
  }

  @Test("withheld bodies carry no segments; a real name refuses the project; -o is required")
  func privacy() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let entry = try sandbox.add(
      "interview",
      [
        "--text", "Citaat van Fatima el Amrani.", "--neighbourhood", "Holendrecht", "--question",
        "RQ1",
        "--participant", "P-018", "--title", "Interview",
      ])
    let id = try #require(entry["id"]?.string)
    _ = try sandbox.fieldlog(["code", "apply", id, "informele steun", "--quote", "Citaat"])
    let file = sandbox.url("p.qdpx")
    let withheld = try sandbox.fieldlog(["export", "qdpx", "-o", file.path])
    #expect(withheld.status == 0, "\(withheld)")
    let read = try sandbox.python(
      [
        "-c",
        "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); print(z.read('sources/'+sys.argv[2]+'.txt').decode()); print('PlainTextSelection' in z.read('project.qde').decode())",
        file.path, id,
      ])
    #expect(read.output == "[withheld: no quotation consent for P-018]\nFalse", "\(read)")
    _ = try sandbox.fieldlog(["keys", "add", "P-018", "--name", "Fatima el Amrani"])
    try FileManager.default.removeItem(at: file)
    let refused = try sandbox.fieldlog(["export", "qdpx", "--include-withheld", "-o", file.path])
    #expect(refused.status == 65 && refused.stderr.contains("P-018"), "\(refused)")
    #expect(!FileManager.default.fileExists(atPath: file.path))
    #expect(try sandbox.fieldlog(["export", "qdpx"]).status == 65)
  }
}

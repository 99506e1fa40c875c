import Foundation
import Testing

/// REFI-QDA exports, checked by xmllint against ../shared/refi-qda and read by Python's zipfile.
@Suite("export qdpx and qdc") struct REFIQDATests {
  static let schemas = Paths.packageRoot.deletingLastPathComponent().appendingPathComponent(
    "shared/refi-qda")

  static func xmllint(_ file: URL, schema: String) throws -> ProcessResult {
    let xmllint = try #require(
      Processes.which("xmllint"), "xmllint is needed (Debian: libxml2-utils); .ci/run installs it")
    let schemaURL = schemas.appendingPathComponent(schema)
    try #require(
      FileManager.default.fileExists(atPath: schemaURL.path),
      "the REFI-QDA schemas belong at \(schemas.path)")
    return try Processes.run(xmllint, ["--noout", "--schema", schemaURL.path, file.path])
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

  @Test("the project validates, holds every source as text, and selections cover the quoted text")
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
      print(json.dumps({"names": sorted(z.namelist()), "bom": qde[:3] == b'\\xef\\xbb\\xbf',
        "sources": sources, "selections": selections, "sets": '<Sets' in text,
        "plainTextPaths": re.findall(r'<TextSource [^>]*plainTextPath="([^"]+)"', text)}))
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
    let lint = try Self.xmllint(qde, schema: "Project-mrt2019.xsd")
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

  @Test("the codebook alone validates against the codebook schema")
  func codebook() throws {
    let (sandbox, _) = try Self.make()
    let file = sandbox.url("codes.qdc")
    #expect(try sandbox.fieldlog(["export", "qdc", "-o", file.path]).status == 0)
    let lint = try Self.xmllint(file, schema: "Codebook.xsd")
    #expect(lint.status == 0, "\(lint)")
    let xml = try String(contentsOf: file, encoding: .utf8)
    #expect(xml.hasPrefix("<?xml"))
    #expect(xml.contains("urn:QDA-XML:codebook:1.0"))
    #expect(xml.contains("name=\"buurtmoeders\""))
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

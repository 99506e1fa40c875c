import Foundation
import Testing

/// A large `.qdc` codebook imports whole: every code at its path, nothing twice. (Its speed is a
/// benchmark row, `Tests/Benchmarks/run --only codebook`, not a timed assertion.)
@Suite("import of a large .qdc codebook") struct CodebookImportScaleTests {
  /// A codebook of `top` codes with `children` codes each, with colours and descriptions.
  static func codebook(top: Int, children: Int) -> (xml: String, paths: [String]) {
    var xml = """
      <?xml version="1.0" encoding="utf-8"?>
      <CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="test"><Codes>

      """
    var paths: [String] = []
    for group in 0..<top {
      let name = "thema \(group) één"
      paths.append(name)
      xml += "<Code guid=\"\(UUID().uuidString)\" name=\"\(name)\" isCodable=\"true\">"
      xml += "<Description>over thema \(group)</Description>\n"
      for child in 0..<children {
        let childName = "sub \(child) van \(group)"
        paths.append(name + " > " + childName)
        xml += "<Code guid=\"\(UUID().uuidString)\" name=\"\(childName)\" isCodable=\"true\" "
        xml += "color=\"#\(String(format: "%06X", (group * 7919 + child) % 0xFFFFFF))\"/>\n"
      }
      xml += "</Code>\n"
    }
    xml += "</Codes></CodeBook>\n"
    return (xml, paths)
  }

  @Test("2,000 codes in 200 groups are all imported at their paths; importing again adds none")
  func twoThousandCodes() throws {
    let sandbox = try Sandbox()
    #expect(try sandbox.fieldlog(["init", "--author", "Bram", "--name", "Codeboek"]).status == 0)
    let (xml, paths) = Self.codebook(top: 200, children: 9)
    let file = try sandbox.write("groot.qdc", text: xml)
    let imported = try sandbox.fieldlog(["import", file.path])
    #expect(imported.status == 0, "\(imported)")
    #expect(imported.stdout.contains("imported 2000 codes"), "\(imported)")
    let listed = try JSON.parse(try sandbox.fieldlog(["code", "list", "--json"]).stdoutData)
    let found = (listed.array ?? []).compactMap { $0["path"]?.string }
    #expect(found.count == 2_000)
    #expect(Set(found) == Set(paths))
    let sample = (listed.array ?? []).first { $0["path"]?.string == "thema 17 één > sub 3 van 17" }
    #expect(sample?["color"]?.string == String(format: "#%06X", 17 * 7919 + 3))
    let again = try sandbox.fieldlog(["import", file.path])
    #expect(again.stdout.contains("imported 0 codes; skipped 2000"), "\(again)")
    #expect(try sandbox.fieldlog(["verify"]).status == 0)
  }

  @Test("codes are matched by their whole path: a name under another parent is a new code")
  func matchedByWholePath() throws {
    let sandbox = try Sandbox()
    #expect(try sandbox.fieldlog(["init", "--author", "Bram", "--name", "Codeboek"]).status == 0)
    #expect(try sandbox.fieldlog(["code", "define", "steun"]).status == 0)
    #expect(try sandbox.fieldlog(["code", "define", "buren", "--parent", "steun"]).status == 0)
    let file = try sandbox.write(
      "codes.qdc",
      text: """
        <?xml version="1.0" encoding="utf-8"?>
        <CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
        <Code guid="a" name="STEUN" isCodable="true"><Code guid="b" name="Büren" isCodable="true"/>
        <Code guid="c" name="familie" isCodable="true"/></Code>
        <Code guid="d" name="buren" isCodable="true"/>
        </Codes></CodeBook>
        """)
    let imported = try sandbox.fieldlog(["import", file.path])
    #expect(imported.status == 0, "\(imported)")
    #expect(imported.stdout.contains("imported 2 codes; skipped 2"), "\(imported)")
    let listed = try JSON.parse(try sandbox.fieldlog(["code", "list", "--json"]).stdoutData)
    #expect(
      Set((listed.array ?? []).compactMap { $0["path"]?.string })
        == ["steun", "steun > buren", "steun > familie", "buren"])
  }
}

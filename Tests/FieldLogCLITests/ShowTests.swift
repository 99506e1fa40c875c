import Foundation
import Testing

@Suite("show: ids and prefixes")
struct ShowTests {
  @Test("show accepts the full id, the short id, 4+ leading hex digits, in either case")
  func prefixes() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let entry = try sandbox.addObservation(
      "Één café in Holendrecht 👍🏾\nTweede regel",
      extra: ["--tag", "koffie", "--participant", "P-017:buurtmoeder"])
    try sandbox.addObservation("Een andere notitie")
    let id = try #require(entry["id"]?.string)
    for given in [
      id, id.uppercased(), String(id.prefix(8)), String(id.prefix(4)),
      String(id.prefix(6)).uppercased(),
      String(id.prefix(13)),
    ] {
      #expect(try sandbox.show(given) == entry, "show \(given)")
    }
    // The plain form shows the title, the id and the body
    let plain = try sandbox.fieldlog(["show", String(id.prefix(4))])
    try #require(plain.status == 0, "\(plain)")
    #expect(plain.stdout.hasPrefix("Één café in Holendrecht 👍🏾\n"))
    #expect(plain.stdout.contains(id))
    #expect(plain.stdout.contains("P-017 (buurtmoeder)"))
    #expect(plain.stdout.hasSuffix("Één café in Holendrecht 👍🏾\nTweede regel\n"))
  }

  @Test("a prefix of fewer than 4 hex digits is refused with 65 and named")
  func tooShort() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let entry = try sandbox.addObservation("Een notitie")
    let id = try #require(entry["id"]?.string)
    for given in [String(id.prefix(3)), String(id.prefix(1)), "café", "xyz1", ""] {
      let result = try sandbox.fieldlog(["show", given])
      #expect(result.status == 65, "show \(given.debugDescription): \(result)")
      #expect(result.stderr.hasPrefix("error: '\(given)'"), "\(result)")
      #expect(result.stdout.isEmpty)
    }
  }

  @Test("a prefix that matches no entry is refused with 65 and named")
  func unknownPrefix() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    var ids: [String] = []
    for number in 1...3 {
      ids.append(try #require(try sandbox.addObservation("Notitie \(number)")["id"]?.string))
    }
    let prefix = try #require(
      ["0000", "1111", "2222", "3333", "ffff"].first { candidate in
        !ids.contains { $0.hasPrefix(candidate) }
      })
    let result = try sandbox.fieldlog(["show", prefix])
    #expect(result.status == 65, "\(result)")
    #expect(result.firstErrorLine == "error: no entry with id '\(prefix)'", "\(result)")
    // A study vocabulary id is not an entry id either
    let neighbourhood = try sandbox.query("SELECT id FROM neighbourhood WHERE name = 'Holendrecht'")
      .trimmingCharacters(in: CharacterSet(charactersIn: "'\n"))
    let vocabulary = try sandbox.fieldlog(["show", neighbourhood])
    #expect(vocabulary.status == 65, "\(vocabulary)")
  }
}

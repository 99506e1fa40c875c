import Foundation
import Testing

@Suite("report codes: a segment two coders coded counts once")
struct ReportCountingTests {
  /// Two entries in Holendrecht. Sanne and the author both code E1's "buurtmoeder" with
  /// buurtmoeders, Sanne also E1's "wijkteam"; only the author codes E2 as a whole.
  ///
  /// Any coder, once: buurtmoeders has 2 entries (E1, E2) and 3 segments (E1 "buurtmoeder",
  /// E1 "wijkteam", E2 whole). Sanne: 1 entry, 2 segments. The author: 2 entries, 2 segments.
  static func fixture(_ sandbox: Sandbox) throws {
    try sandbox.initJournal()
    try CodingCLI.run(sandbox, ["coder", "add", "Sanne"])
    let e1 = try CodingCLI.entry(sandbox, "De buurtmoeder belde het wijkteam.")
    let e2 = try CodingCLI.entry(sandbox, "Koffie in de Buurtkamer.")
    try CodingCLI.apply(sandbox, e1, "buurtmoeders", ["--quote", "buurtmoeder"])
    try CodingCLI.apply(
      sandbox, e1, "buurtmoeders", ["--quote", "buurtmoeder", "--coder", "Sanne"])
    try CodingCLI.apply(sandbox, e1, "buurtmoeders", ["--quote", "wijkteam", "--coder", "sanne"])
    try CodingCLI.apply(sandbox, e2, "buurtmoeders")
  }

  static let bm = "informele steun > buurtmoeders"

  @Test("by default each (entry, code) and segment counts once, and every output says so")
  func countsOnceWhoeverCoded() throws {
    let sandbox = try Sandbox()
    try Self.fixture(sandbox)
    let args = ["report", "codes", "--by", "neighbourhood"]
    let json = try CodingCLI.json(sandbox, args + ["--json"])
    #expect(json["counting"]?.string == "any-coder", "\(json)")
    #expect(json["note"]?.string?.contains("once") == true, "\(json)")
    let rows = json["rows"]?.array ?? []
    #expect(
      CodingCLI.cells(rows, ["code", "neighbourhood", "entries_any_coder", "segments_any_coder"])
        == [[Self.bm, "Holendrecht", "2", "3"]], "\(json)")
    // CSV says it in its column names, with no comment row
    let csv = try CodingCLI.pythonCSV(
      sandbox, try CodingCLI.run(sandbox, args + ["--csv"]).stdoutData)
    #expect(
      csv == [
        ["code", "neighbourhood", "entries_any_coder", "segments_any_coder"],
        [Self.bm, "Holendrecht", "2", "3"],
      ])
    // The terminal says it in a line above the table
    let table = try CodingCLI.run(sandbox, args)
    #expect(table.stdout.hasPrefix("counting: each entry and segment counted once"), "\(table)")
    // Without --by: one row per code
    let plain = try CodingCLI.json(sandbox, ["report", "codes", "--json"])
    #expect(
      CodingCLI.cells(plain["rows"]?.array ?? [], ["code", "entries_any_coder"])
        == [[Self.bm, "2"]], "\(plain)")
  }

  @Test("--coder counts one coder's codings, --by-coder adds a column per coder")
  func oneCoderOrAColumnEach() throws {
    let sandbox = try Sandbox()
    try Self.fixture(sandbox)
    let sanne = try CodingCLI.json(sandbox, ["report", "codes", "--coder", "SANNE", "--json"])
    #expect(sanne["counting"]?.string == "coder" && sanne["coder"]?.string == "Sanne", "\(sanne)")
    #expect(
      CodingCLI.cells(
        sanne["rows"]?.array ?? [], ["code", "entries_by_Sanne", "segments_by_Sanne"])
        == [[Self.bm, "1", "2"]], "\(sanne)")
    let each = try CodingCLI.json(
      sandbox, ["report", "codes", "--by", "neighbourhood", "--by-coder", "--json"])
    #expect(each["counting"]?.string == "by-coder", "\(each)")
    #expect(
      CodingCLI.cells(
        each["rows"]?.array ?? [],
        [
          "code", "neighbourhood", "entries_any_coder", "entries_by_\(Sandbox.author)",
          "entries_by_Sanne",
        ]) == [[Self.bm, "Holendrecht", "2", "2", "1"]], "\(each)")
    let csvHeader = try CodingCLI.run(
      sandbox, ["report", "codes", "--by-coder", "--csv"]
    ).stdout.components(separatedBy: "\r\n")[0]
    #expect(csvHeader == "code,entries_any_coder,entries_by_\(Sandbox.author),entries_by_Sanne")
    // An unknown coder is refused with the known ones; --coder with --by-coder is a usage error
    let unknown = try CodingCLI.refused(sandbox, ["report", "codes", "--coder", "Bram"])
    #expect(unknown.firstErrorLine.contains("known: "), "\(unknown)")
    try CodingCLI.refused(
      sandbox, ["report", "codes", "--coder", "Sanne", "--by-coder"], status: 64)
  }

  @Test("co-occurrence of segments counts a pair once; export codings keeps one row per coder")
  func cooccurrenceAndExport() throws {
    let sandbox = try Sandbox()
    try Self.fixture(sandbox)
    let id = try #require(
      try sandbox.list().first { $0["title"]?.string?.hasPrefix("De buurtmoeder") == true }?["id"]?
        .string)
    // Both coders code "belde het wijkteam" with samenwerking wijkteam too
    for coder in ["Sanne", Sandbox.author] {
      try CodingCLI.apply(
        sandbox, id, "samenwerking wijkteam", ["--quote", "belde het wijkteam", "--coder", coder])
    }
    // Overlapping pairs: "wijkteam" (Sanne's bm) × "belde het wijkteam"; "buurtmoeder" does not
    // overlap it. Two coders' identical segments make one pair, not four.
    let pairs = try CodingCLI.json(
      sandbox, ["report", "cooccurrence", "--unit", "segment", "--json"])
    #expect(
      CodingCLI.cells(pairs.array ?? [], ["code_a", "code_b", "segments"])
        == [[Self.bm, "samenwerking wijkteam", "1"]], "\(pairs)")
    // export codings: one row per coder and coding
    let csv = try CodingCLI.pythonCSV(
      sandbox, try CodingCLI.run(sandbox, ["export", "codings"]).stdoutData)
    let coderColumn = try #require(csv.first?.firstIndex(of: "coder"))
    let coders = csv.dropFirst().map { $0[coderColumn] }
    #expect(coders.filter { $0 == "Sanne" }.count == 3, "\(csv)")
    #expect(coders.filter { $0 == Sandbox.author }.count == 3, "\(csv)")
  }
}

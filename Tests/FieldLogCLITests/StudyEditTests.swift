import Foundation
import Testing

@Suite("study: editing the study after init")
struct StudyEditTests {
  func ok(
    _ sandbox: Sandbox, _ args: [String], journal: URL? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> ProcessResult {
    let result = try sandbox.fieldlog(args, journal: journal)
    try #require(result.status == 0, "\(args): \(result)", sourceLocation: sourceLocation)
    return result
  }

  func study(_ sandbox: Sandbox, journal: URL? = nil) throws -> JSON {
    try JSON.parse(try ok(sandbox, ["study", "show", "--json"], journal: journal).stdoutData)
  }

  @Test("rename and describe show in study show, verify, rebuild the same, and travel by merge")
  func renameAndDescribe() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    _ = try ok(sandbox, ["study", "rename", "Werkplaats Zuidoost"])
    _ = try ok(sandbox, ["study", "describe", "Informele steun in Holendrecht."])
    var shown = try study(sandbox)
    #expect(shown["study"]?.string == "Werkplaats Zuidoost")
    #expect(shown["description"]?.string == "Informele steun in Holendrecht.")
    #expect(try ok(sandbox, ["study"]).stdout.hasPrefix("study: Werkplaats Zuidoost\n"))
    // Renaming to the same name records nothing and says so
    try CodingCLI.refused(sandbox, ["study", "rename", "Werkplaats Zuidoost"])
    _ = try ok(sandbox, ["study", "describe", ""])
    shown = try study(sandbox)
    #expect(shown["description"] == nil, "\(shown)")

    // The events replay, verify, and merge
    #expect(try sandbox.fieldlog(["verify"]).status == 0)
    #expect(try sandbox.independentVerify().status == 0)
    let projections = try sandbox.query("SELECT * FROM study_profile ORDER BY field")
    _ = try ok(sandbox, ["rebuild"])
    #expect(try sandbox.query("SELECT * FROM study_profile ORDER BY field") == projections)
    let colleague = sandbox.url("bram.sqlite")
    _ = try ok(
      sandbox, ["init", "--study", Paths.amsterdamStudy.path, "--author", "Bram"],
      journal: colleague)
    #expect(try study(sandbox, journal: colleague)["study"]?.string == Sandbox.studyName)
    _ = try ok(sandbox, ["merge", sandbox.journal.path], journal: colleague)
    #expect(try study(sandbox, journal: colleague)["study"]?.string == "Werkplaats Zuidoost")
  }

  @Test("an unused neighbourhood, initiative or question is removed; it takes no new entries")
  func removeUnused() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    _ = try ok(sandbox, ["study", "add-neighbourhood", "Bijlmer-Centrum"])
    _ = try ok(
      sandbox, ["study", "add-initiative", "Taalcafé", "--neighbourhood", "Bijlmer-Centrum"])
    _ = try ok(sandbox, ["study", "add-question", "RQ9", "--text", "Overbodig?"])

    // A neighbourhood with an initiative is in use; the initiative goes first
    let used = try CodingCLI.refused(sandbox, ["study", "remove-neighbourhood", "bijlmer-centrum"])
    #expect(used.firstErrorLine.contains("the initiative 'Taalcafé'"), "\(used)")
    #expect(
      try ok(sandbox, ["study", "remove-initiative", "taalcafe"]).output
        == "removed the initiative 'Taalcafé' in 'Bijlmer-Centrum'")
    _ = try ok(sandbox, ["study", "remove-neighbourhood", "Bijlmer-Centrum"])
    _ = try ok(sandbox, ["study", "remove-question", "rq9"])

    let shown = try study(sandbox)
    #expect(
      shown["neighbourhoods"]?.array?.compactMap { $0["name"]?.string }
        == ["Holendrecht", "Jan van Maijenbuurt"])
    #expect(shown["initiatives"]?.array?.count == 5)
    #expect(
      shown["questions"]?.array?.compactMap { $0["id"]?.string } == ["RQ1", "RQ2", "RQ3", "RQ4"])
    // A removed name is unknown to new entries
    let refused = try CodingCLI.refused(
      sandbox,
      [
        "add", "observation", "--text", "x", "--neighbourhood", "Bijlmer-Centrum", "--question",
        "RQ1",
      ])
    #expect(
      refused.firstErrorLine.contains("unknown neighbourhood 'Bijlmer-Centrum'"), "\(refused)")
    try CodingCLI.refused(
      sandbox,
      ["add", "observation", "--text", "x", "--neighbourhood", "Holendrecht", "--question", "RQ9"])
    // It can be added again, and used
    _ = try ok(sandbox, ["study", "add-question", "RQ9", "--text", "Toch nodig."])
    try sandbox.add(
      "observation", ["--text", "x", "--neighbourhood", "Holendrecht", "--question", "RQ9"])

    #expect(try sandbox.fieldlog(["verify"]).status == 0)
    #expect(try sandbox.independentVerify().status == 0)
    let before = try sandbox.query("SELECT * FROM vocabulary_removed ORDER BY id")
    #expect(before.split(separator: "\n").count == 2, "\(before)")
    _ = try ok(sandbox, ["rebuild"])
    #expect(try sandbox.query("SELECT * FROM vocabulary_removed ORDER BY id") == before)
  }

  @Test("removing what entries use is refused, naming the entries, and changes nothing")
  func removeUsedIsRefused() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let entry = try sandbox.add(
      "observation",
      [
        "--text", "Koffie.", "--neighbourhood", "Holendrecht", "--initiative",
        "Buurtkamer De Brug", "--question", "RQ1",
      ])
    let short = String(try #require(entry["id"]?.string).prefix(8))
    _ = try ok(sandbox, ["retract", short, "--reason", "dubbel"])
    for args in [
      ["study", "remove-neighbourhood", "Holendrecht"],
      ["study", "remove-initiative", "Buurtkamer De Brug"],
      ["study", "remove-question", "RQ1"],
    ] {
      let refused = try CodingCLI.refused(sandbox, args)
      #expect(refused.firstErrorLine.contains("1 entry (\(short))"), "\(refused)")
    }
    // Unknown names are refused with the known ones
    let unknown = try CodingCLI.refused(sandbox, ["study", "remove-question", "RQ7"])
    #expect(unknown.firstErrorLine.contains("known: "), "\(unknown)")
  }
}

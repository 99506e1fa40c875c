import Foundation
import Testing

@Suite("study: showing and extending the vocabularies")
struct StudyTests {
  @Test("study show --json lists the study file's vocabularies")
  func showMatchesStudyFile() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let study = try JSON.parse(try sandbox.fieldlog(["study", "show", "--json"]).stdoutData)
    #expect(study["study"]?.string == Sandbox.studyName)
    #expect(
      Set(study["neighbourhoods"]?.array?.compactMap { $0["name"]?.string } ?? [])
        == ["Holendrecht", "Jan van Maijenbuurt"])
    #expect(study["initiatives"]?.array?.count == 5)
    #expect(
      study["questions"]?.array?.compactMap { $0["id"]?.string } == ["RQ1", "RQ2", "RQ3", "RQ4"])
    // The derived id of Holendrecht is the known-answer vector of docs/journal-format.md
    let id = try sandbox.query("SELECT id FROM neighbourhood WHERE name = 'Holendrecht'")
    #expect(id == "'d7232aa4-7a79-8ce8-973e-9cb11337b4bd'\n")
    // `study` alone shows the study too
    let plain = try sandbox.fieldlog(["study"])
    #expect(plain.status == 0)
    #expect(plain.stdout.contains("Moedernetwerk Holendrecht"))
  }

  @Test("add-neighbourhood, add-initiative and add-question appear in study show and can be used")
  func additionsAreListedAndUsable() throws {
    // Given
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    // When
    let added = [
      (
        [
          "study", "add-neighbourhood", "Bijlmer Centrum", "--description",
          "Rond het Anton de Komplein",
        ],
        "added the neighbourhood 'Bijlmer Centrum'"
      ),
      (
        ["study", "add-initiative", "Buurtkamer Noord", "--neighbourhood", "bijlmer centrum"],
        "added the initiative 'Buurtkamer Noord'"
      ),
      (
        ["study", "add-question", "RQ5", "--text", "Wat leren de buurtmoeders van elkaar?"],
        "added the research question RQ5"
      ),
    ]
    for (args, message) in added {
      let result = try sandbox.fieldlog(args)
      #expect(result.status == 0, "\(args): \(result)")
      #expect(result.stdout.contains(message), "\(result)")
    }
    // Then
    let study = try JSON.parse(try sandbox.fieldlog(["study", "show", "--json"]).stdoutData)
    let neighbourhood = study["neighbourhoods"]?.array?.first {
      $0["name"]?.string == "Bijlmer Centrum"
    }
    #expect(neighbourhood?["description"]?.string == "Rond het Anton de Komplein")
    let initiative = study["initiatives"]?.array?.first { $0["name"]?.string == "Buurtkamer Noord" }
    #expect(initiative?["neighbourhood"]?.string == "Bijlmer Centrum")
    let question = study["questions"]?.array?.first { $0["id"]?.string == "RQ5" }
    #expect(question?["text"]?.string == "Wat leren de buurtmoeders van elkaar?")
    let plain = try sandbox.fieldlog(["study", "show"])
    #expect(plain.stdout.contains("Bijlmer Centrum"))
    #expect(plain.stdout.contains("Buurtkamer Noord"))
    #expect(plain.stdout.contains("RQ5"))

    // And an entry can use them
    let entry = try sandbox.add(
      "observation",
      [
        "--text", "Eerste keer in de Bijlmer.", "--neighbourhood", "Bijlmer Centrum",
        "--initiative",
        "Buurtkamer Noord", "--question", "RQ5",
      ])
    #expect(entry["neighbourhood"]?.string == "Bijlmer Centrum")
    #expect(entry["initiative"]?.string == "Buurtkamer Noord")
    #expect(entry["questions"]?.strings == ["RQ5"])
    #expect(try sandbox.fieldlog(["verify"]).status == 0)
  }

  @Test(
    "adding a name that exists, up to case, diacritics or spaces, is refused with 65",
    arguments: [
      ["study", "add-neighbourhood", "HOLENDRECHT"],
      ["study", "add-neighbourhood", "Hólendrecht"],
      ["study", "add-neighbourhood", "  holendrecht "],
      ["study", "add-neighbourhood", "Jan  van   Maijenbuurt"],
      ["study", "add-initiative", "buurtkamer de brug", "--neighbourhood", "Holendrecht"],
      ["study", "add-initiative", "Buurtkamer Dé Brug", "--neighbourhood", "holendrecht"],
      ["study", "add-question", "rq1", "--text", "Dubbel"],
      ["study", "add-question", "RQ2", "--text", "Dubbel"],
    ])
  func duplicatesRefused(args: [String]) throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let before = try sandbox.state()
    let result = try sandbox.fieldlog(args)
    #expect(result.status == 65, "\(result)")
    #expect(result.stderr.hasPrefix("error: "), "\(result)")
    #expect(result.stderr.contains("exists already"), "\(result)")
    #expect(try sandbox.state() == before)
  }

  @Test("the same initiative name may exist in two neighbourhoods")
  func sameInitiativeNameElsewhere() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let result = try sandbox.fieldlog(
      ["study", "add-initiative", "Buurtkamer De Brug", "--neighbourhood", "Jan van Maijenbuurt"])
    try #require(result.status == 0, "\(result)")
    try sandbox.add(
      "observation",
      [
        "--title", "west", "--text", "In West", "--neighbourhood", "Jan van Maijenbuurt",
        "--initiative",
        "Buurtkamer De Brug", "--question", "RQ1",
      ])
    try sandbox.add(
      "observation",
      [
        "--title", "zuidoost", "--text", "In Zuidoost", "--neighbourhood", "Holendrecht",
        "--initiative",
        "Buurtkamer De Brug", "--question", "RQ1",
      ])
    #expect(
      Set(ListFixture.titles(try sandbox.list(["--initiative", "Buurtkamer De Brug"]))) == [
        "west", "zuidoost",
      ])
    #expect(
      ListFixture.titles(
        try sandbox.list(["--initiative", "Buurtkamer De Brug", "--neighbourhood", "Holendrecht"]))
        == ["zuidoost"])
  }

  @Test(
    "invalid study additions are refused with 65 and change nothing",
    arguments: [
      ["study", "add-initiative", "Nieuw", "--neighbourhood", "Bijlmer"],
      ["study", "add-question", "1RQ", "--text", "Begint met een cijfer"],
      ["study", "add-question", "RQ 6", "--text", "Met een spatie"],
      ["study", "add-question", "RQ6", "--text", "  "],
      ["study", "add-neighbourhood", " "],
      ["study", "add-neighbourhood", "Twee\nregels"],
    ])
  func invalidAdditions(args: [String]) throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let before = try sandbox.state()
    let result = try sandbox.fieldlog(args)
    #expect(result.status == 65, "\(result)")
    #expect(result.stderr.hasPrefix("error: "), "\(result)")
    #expect(try sandbox.state() == before)
  }
}

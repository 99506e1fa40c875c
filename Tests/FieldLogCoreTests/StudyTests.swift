import Foundation
import Testing

@testable import FieldLogCore

@Suite struct StudyTests {
  @Test func theAmsterdamExampleHoldsBothNeighbourhoodsAndFourQuestions() throws {
    let study = try Fixture.amsterdam
    #expect(study.neighbourhoods.map(\.name).contains("Holendrecht"))
    #expect(study.neighbourhoods.map(\.name).contains("Jan van Maijenbuurt"))
    #expect(study.questions.map(\.id) == ["RQ1", "RQ2", "RQ3", "RQ4"])
    for place in ["Holendrecht", "Jan van Maijenbuurt"] {
      #expect(study.initiatives.contains { $0.neighbourhood == place })
    }
  }

  @Test func theGelderseValleiExampleHoldsItsThreeThemes() throws {
    let study = try Study.load(from: Fixture.example("gelderse-vallei.yaml"))
    #expect(study.questions.count == 3)
    let text = study.questions.map(\.text).joined(separator: " ").lowercased()
    #expect(text.contains("informal network"))
    #expect(text.contains("social base"))
    #expect(text.contains("faith"))
  }

  @Test(arguments: [
    ("malformed.yaml", "is not valid YAML"),
    ("unknown-key.yaml", "unknown key 'neighborhoods'"),
    ("bad-question-id.yaml", "'RQ 1' is not a question id"),
    (
      "unknown-neighbourhood.yaml",
      "unknown neighbourhood 'Holendrech'; did you mean 'Holendrecht'?"
    ),
  ])
  func badStudyFilesAreRefusedWithTheirProblem(file: String, fragment: String) throws {
    let path = try Fixture.study(file)
    #expect {
      try Study.load(from: path)
    } throws: { error in
      guard let error = error as? FieldLogError else { return false }
      return error.exitCode == 65 && error.message.contains(fragment)
        && error.message.contains(file)
    }
  }

  @Test func aStudyFileThatDoesNotExistIsNotFound() {
    #expect(throws: FieldLogError.fileNotFound(path: "/nonexistent/study.yaml")) {
      try Study.load(from: "/nonexistent/study.yaml")
    }
  }

  @Test func unquotedValuesStayTheTextThatWasTyped() throws {
    // YAML's default schema would read these as false, 3.1 and a timestamp.
    let study = try Study.parse(
      yaml: "study: S\nneighbourhoods:\n  - name: no\nquestions:\n  - id: Q1\n    text: 3.10\n"
        + "  - id: Q2\n    text: 2024-03-12 14:30\n",
      source: "s.yaml")
    #expect(study.neighbourhoods.map(\.name) == ["no"])
    #expect(study.questions.map(\.text) == ["3.10", "2024-03-12 14:30"])
    #expect {
      try Study.parse(
        yaml: "study: S\nneighbourhoods:\n  - name: [a, b]\nquestions:\n  - id: Q1\n    text: t\n",
        source: "s.yaml")
    } throws: { error in
      (error as? FieldLogError)?.message.contains("neighbourhoods[1].name must be text") == true
    }
  }

  @Test func vocabulariesGrowByEventsAndMatchLoosely() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    try journal.addNeighbourhood("Bijlmer-Centrum")
    try journal.addInitiative("Huiskamer Bijlmer", neighbourhood: "bijlmer-centrum")
    try journal.addQuestion("RQ5", text: "Een vijfde vraag")
    let study = try journal.study()
    #expect(study.neighbourhoods.map(\.name).contains("Bijlmer-Centrum"))
    #expect(
      study.initiatives.contains {
        $0.name == "Huiskamer Bijlmer" && $0.neighbourhood == "Bijlmer-Centrum"
      })
    #expect(study.questions.map(\.id).contains("RQ5"))
    #expect(throws: FieldLogError.invalidInput("the neighbourhood 'Holendrecht' exists already")) {
      try journal.addNeighbourhood("HOLENDRECHT")
    }
    #expect(throws: FieldLogError.self) { try journal.addQuestion("rq1", text: "dubbel") }
  }
}

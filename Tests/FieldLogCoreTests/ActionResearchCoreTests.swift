import Foundation
import Testing

@testable import FieldLogCore

/// Issue 18 in Core: the values a researcher types for the action-research loop, and what the
/// study file may declare.
@Suite struct ActionResearchCoreTests {
  @Test("a phase outside the four is refused, naming it and the four")
  func phases() throws {
    #expect(try Phase.parse("Observe") == .observe)
    do {
      _ = try Phase.parse("evaluate")
      Issue.record("'evaluate' was accepted")
    } catch let error as FieldLogError {
      #expect(error.message.contains("'evaluate'"))
      for phase in ["plan", "act", "observe", "reflect"] {
        #expect(error.message.contains(phase), "\(error.message)")
      }
    }
  }

  @Test("a response outside the list is refused; 'no response' reads as no-response")
  func responses() throws {
    #expect(try MemberCheckResponse.parse("no response") == .noResponse)
    #expect(try MemberCheckResponse.parse("Disagrees") == .disagrees)
    do {
      _ = try MemberCheckResponse.parse("maybe")
      Issue.record("'maybe' was accepted")
    } catch let error as FieldLogError {
      #expect(error.message.contains("'maybe'"))
      #expect(error.message.contains("agrees"))
    }
  }

  @Test("research data kept N years after the end: a 29 February end lands on the 28th")
  func retentionDue() {
    #expect(
      Study.Retention(studyEnd: "2024-02-29", researchDataYears: 5).researchDataDue
        == "2029-02-28")
    #expect(
      Study.Retention(studyEnd: "2024-02-29", researchDataYears: 4).researchDataDue
        == "2028-02-29")
    #expect(
      Study.Retention(studyEnd: "2026-12-31", researchDataYears: 10).researchDataDue
        == "2036-12-31")
    #expect(Study.Retention(researchDataUntil: "2030-01-01").researchDataDue == "2030-01-01")
    #expect(Study.Retention(researchDataYears: 10).researchDataDue == nil)
  }

  static let base = """
    study: S
    neighbourhoods:
      - name: Holendrecht
    questions:
      - id: RQ1
        text: Hoe?

    """

  @Test(
    "the study file's cycles, letters and retention are checked, each problem at its place",
    arguments: [
      (
        "cycles:\n  - id: C1\n    name: A\n    from: \"2024-06-01\"\n    to: \"2024-03-01\"\n",
        "ends (2024-03-01) before it begins (2024-06-01)"
      ),
      (
        "cycles:\n  - id: C1\n    name: A\n    from: \"2024-03-01\"\n    to: \"2024-06-01\"\n    neighbourhood: Bijlmer\n",
        "unknown neighbourhood 'Bijlmer' (known: Holendrecht)"
      ),
      (
        "cycles:\n  - id: 1C\n    name: A\n    from: \"2024-03-01\"\n    to: \"2024-06-01\"\n",
        "'1C' is not a cycle id"
      ),
      (
        "cycles:\n  - id: C1\n    name: A\n    from: \"2024-3-1\"\n    to: \"2024-06-01\"\n",
        "'2024-3-1' is not a day like 2024-03-12"
      ),
      (
        "letters:\n  - version: v1\n    date: \"2024-01-01\"\n  - version: V1\n    date: \"2024-02-01\"\n",
        "repeats the letter version 'V1'"
      ),
      (
        "retention:\n  research_data_years: 10\n",
        "research_data_years without study_end"
      ),
      (
        "retention:\n  study_end: \"2026-12-31\"\n  research_data_years: 1000\n",
        "a number of years from 1 to 100"
      ),
      ("sensitive_data: maybe\n", "must be one of yes, no, unknown"),
    ])
  func studyFileProblems(yaml: String, problem: String) throws {
    do {
      _ = try Study.parse(yaml: Self.base + yaml, source: "study.yaml")
      Issue.record("accepted: \(yaml)")
    } catch let error as FieldLogError {
      #expect(error.message.contains(problem), "\(error.message)")
    }
  }

  @Test("a study file's loop is read, and a journal made from it knows it")
  func studyFileLoop() throws {
    let study = try Study.parse(
      yaml: Self.base + """
        cycles:
          - id: C1
            name: Verkennen
            from: "2024-03-01"
            to: "2024-06-30"
            neighbourhood: holendrecht
        letters:
          - version: v1
            date: "2024-01-15"
        retention:
          study_end: "2026-12-31"
          research_data_years: 10
          key_file_until: "2027-06-30"
        sensitive_data: "no"
        """, source: "study.yaml")
    #expect(study.cycles.first?.neighbourhood == "Holendrecht")
    let folder = try TemporaryFolder()
    let journal = try Journal.inMemory(study: study, keys: SigningKeys(folder: folder.path("keys")))
    #expect(try journal.cycles() == study.cycles)
    #expect(try journal.letters() == study.letters)
    #expect(try journal.dataManagement().retention.researchDataDue == "2036-12-31")
    #expect(try journal.dataManagement().sensitiveData == "no")
    #expect(try journal.study() == study)
  }
}

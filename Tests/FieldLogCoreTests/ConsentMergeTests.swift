import Foundation
import Testing

@testable import FieldLogCore

/// Consent recorded in several journals: a withdrawal is never undone by a merge, concurrent changes
/// are listed as conflicts (issue 13.3). Moved from the CLI suite (issue 14): the journals are
/// merged through `Journal.merge`, without spawning fieldlog.
@Suite struct ConsentMergeTests {
  /// The state of one participant's consent for one scope.
  static func consent(_ journal: Journal, _ pseudonym: String, _ scope: String) throws -> String? {
    try journal.participants().first { $0.pseudonym == pseudonym }?.consent.first {
      $0.scope == scope
    }?.state
  }

  @Test(
    "a withdrawal wins over an older paper form recorded concurrently, in both merge orders; the quote is withheld and the conflict lists the two changes"
  )
  func withdrawalWinsWhateverTheMergeOrder() throws {
    // Given Anna's consent for P-017, and her entry that quotes P-017, which Bram merged
    let folder = try TemporaryFolder()
    let anna = try Team.fieldworker("Anna", in: folder)
    let bram = try Team.fieldworker("Bram", in: folder)
    _ = try anna.recordConsent(
      "P-017", form: .written, scopes: [.recording, .quotation, .archive], date: "2024-01-10")
    let quote = "P-017 vertelt over de buurtkamer (citaat-proef)."
    _ = try anna.record(
      EntryDraft(
        kind: .interview, body: quote, neighbourhood: "Holendrecht", questions: ["RQ1"],
        participants: ["P-017"]))
    _ = try bram.merge([anna.path])

    // When Anna withdraws quotation consent, and Bram, who has not merged since, records an older
    // paper form
    _ = try anna.recordConsent("P-017", form: nil, scopes: [.quotation])
    _ = try bram.recordConsent("P-017", form: .written, scopes: [.quotation], date: "2024-01-15")

    // Then after merging in either order (Anna takes Bram's, then Bram takes Anna's, which holds
    // his own already), the withdrawal holds and the quote is withheld
    _ = try anna.merge([bram.path])
    _ = try bram.merge([anna.path])
    for journal in [anna, bram] {
      let name = journal.path
      #expect(try Self.consent(journal, "P-017", "quotation") == "withdrawn", "\(name)")
      #expect(try Self.consent(journal, "P-017", "recording") == "given", "\(name)")
      var exported = Data()
      _ = try journal.export(ExportRequest(table: .entries, format: .jsonl)) {
        exported.append($0)
      }
      let export = String(decoding: exported, as: UTF8.self)
      #expect(!export.contains("citaat-proef"), "\(name): the quote was exported")
      #expect(export.contains("withheld"), "\(name): \(export)")

      // And the conflicts list both changes, with the withdrawal in force
      let conflicts = try journal.conflicts().consents
      #expect(conflicts.count == 1, "\(name): \(conflicts)")
      let conflict = try #require(conflicts.first)
      #expect(conflict.participant == "P-017")
      #expect(conflict.scope == "quotation")
      #expect(conflict.inForce == "withdrawn")
      #expect(Set(conflict.changes.map(\.author)) == ["Anna", "Bram"], "\(conflict)")
      #expect(Set(conflict.changes.map(\.state)) == ["given", "withdrawn"])
    }
    #expect(try Team.projections(anna.path) == Team.projections(bram.path))

    // When Anna records the withdrawal again, knowing both changes, Then it is settled
    _ = try anna.recordConsent("P-017", form: nil, scopes: [.quotation])
    #expect(try anna.conflicts().consents.isEmpty)
    let report = try anna.verify()
    #expect(report.ok, "\(report.problems)")
  }

  @Test("consent changes made knowing of each other are no conflict, even from two feeds")
  func sequentialChangesAreNoConflict() throws {
    let folder = try TemporaryFolder()
    let anna = try Team.fieldworker("Anna", in: folder)
    let bram = try Team.fieldworker("Bram", in: folder)
    _ = try anna.recordConsent("P-021", form: .verbal, scopes: [.recording], date: "2024-02-01")
    _ = try bram.merge([anna.path])
    _ = try bram.recordConsent("P-021", form: nil, scopes: [.recording], date: "2024-03-01")
    _ = try anna.merge([bram.path])
    #expect(try anna.conflicts().consents.isEmpty)
    #expect(try Self.consent(anna, "P-021", "recording") == "withdrawn")
  }
}

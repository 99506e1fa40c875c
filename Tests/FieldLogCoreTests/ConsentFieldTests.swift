import Foundation
import Testing

@testable import FieldLogCore

/// An interview's consent field is consent the register knows; new participants keep their role
/// and place. Moved from the CLI suite (issue 14), on an in-memory journal; the CLI keeps the
/// refusals and their messages.
@Suite struct ConsentFieldTests {
  /// An in-memory journal of the Amsterdam example with P-030 and P-031 registered, its key in
  /// `folder`.
  static func journal(in folder: TemporaryFolder) throws -> Journal {
    let journal = try Journal.inMemory(
      study: try Fixture.amsterdam, keys: SigningKeys(folder: folder.path("keys")))
    for pseudonym in ["P-030", "P-031"] { _ = try journal.addParticipant(pseudonym) }
    return journal
  }

  /// An interview on 5 April 2024.
  static func interview(
    _ body: String = "Gesprek over de voedselbank.", title: String? = nil, participants: [String],
    fields: [(String, String)]
  ) -> EntryDraft {
    EntryDraft(
      kind: .interview, title: title, body: body, neighbourhood: "Holendrecht", questions: ["RQ2"],
      participants: participants, fields: fields, occurredAt: "2024-04-05 11:00")
  }

  /// One participant's consent for one scope: state, form and date.
  static func consent(_ journal: Journal, _ pseudonym: String, _ scope: String) throws
    -> (String?, String?, String?)
  {
    let state = try journal.participants().first { $0.pseudonym == pseudonym }?.consent.first {
      $0.scope == scope
    }
    return (state?.state, state?.form, state?.date)
  }

  @Test("consent=written registers the interviewee's consent for recording and quotation")
  func consentFieldRegistersConsent() throws {
    let folder = try TemporaryFolder()
    let journal = try Self.journal(in: folder)
    // When an interview with P-030 (typed in another case) says consent=written
    let entry = try journal.record(
      Self.interview(
        participants: ["P-030"], fields: [("interviewee", "p-030"), ("consent", "written")]))
    // Then the register holds it, dated the day of the interview, for recording and quotation
    for scope in ["recording", "quotation"] {
      #expect(try Self.consent(journal, "P-030", scope) == ("given", "written", "2024-04-05"))
    }
    #expect(try Self.consent(journal, "P-030", "archive").0 == "none")
    // And the export, which withholds bodies without quotation consent, quotes the interview
    var exported = Data()
    _ = try journal.export(ExportRequest(table: .entries, format: .jsonl)) { exported.append($0) }
    let export = String(decoding: exported, as: UTF8.self)
    #expect(export.contains("Gesprek over de voedselbank."), "\(export)")
    #expect(try journal.missingQuotationConsent(entry).isEmpty)
    // With no interviewee, the entry's one participant is the one who consented (verbal)
    _ = try journal.record(
      Self.interview(
        "Tweede gesprek.", title: "Tweede", participants: ["P-031"],
        fields: [("consent", "verbal")]))
    #expect(try Self.consent(journal, "P-031", "quotation") == ("given", "verbal", "2024-04-05"))
    let report = try journal.verify()
    #expect(report.ok, "\(report.problems)")
  }

  @Test("a new participant keeps the role and the entry's neighbourhood in the register")
  func newParticipantKeepsRoleAndPlace() throws {
    let folder = try TemporaryFolder()
    let journal = try Self.journal(in: folder)
    _ = try journal.record(
      EntryDraft(
        kind: .observation, body: "Op de galerij.", neighbourhood: "jan van maijenbuurt",
        questions: ["RQ1"], newParticipants: ["P-040:buurvrouw"]))
    _ = try journal.record(
      EntryDraft(
        kind: .networkConversation, body: "Netwerkberaad.", neighbourhood: "Holendrecht",
        questions: ["RQ1"], newParticipants: ["P-041:Neighbour"]))
    let people = try journal.participants()
    let p40 = try #require(people.first { $0.pseudonym == "P-040" })
    #expect(p40.role == "buurvrouw" && p40.neighbourhood == "Jan van Maijenbuurt", "\(p40)")
    let p41 = try #require(people.first { $0.pseudonym == "P-041" })
    #expect(p41.role == "neighbour" && p41.neighbourhood == "Holendrecht", "\(p41)")
  }
}

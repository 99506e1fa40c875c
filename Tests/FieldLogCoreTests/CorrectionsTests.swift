import Foundation
import GRDB
import Testing

@testable import FieldLogCore

@Suite struct CorrectionsTests {
  static func observation(
    _ journal: Journal, body: String = "Eerste regel\nTwaalf bewoners.\nDerde"
  )
    throws -> EntryRecord
  {
    try journal.record(
      EntryDraft(
        kind: .observation, title: "Koffieochtend", body: body, neighbourhood: "Holendrecht",
        initiative: "Buurtkamer De Brug", questions: ["RQ1"], tags: ["koffie"],
        newParticipants: ["P-017:client"], fields: [("setting", "buurtkamer")],
        occurredAt: "2024-03-12 10:00"))
  }

  @Test func anAmendmentIsANewVersionAndOnlyWhatIsGivenChanges() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    let first = try Self.observation(journal)
    let changes = EntryChanges(
      body: "Eerste regel\nDertien bewoners.\nDerde", tags: ["koffie", "thee"],
      fields: [("setting", ""), ("duration-minutes", "45")])
    let second = try journal.amend(
      first.id, with: changes.applied(to: first), reason: "geteld", basedOn: 1)
    #expect(second.version == 2)
    #expect(second.title == "Koffieochtend")
    #expect(second.initiative == "Buurtkamer De Brug")
    #expect(second.tags == ["koffie", "thee"])
    #expect(second.fields == ["duration-minutes": .integer(45)])
    #expect(second.participants == [ParticipantRef(pseudonym: "P-017", role: "client")])
    #expect(try journal.entries().map(\.version) == [2])
    #expect(try journal.search("dertien").map(\.id) == [first.id])
    #expect(try journal.search("twaalf").isEmpty)
    #expect(try journal.verify().ok)
  }

  @Test func aConflictingAmendmentIsRefusedNamingTheNewerVersion() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    let first = try Self.observation(journal)
    // Given two researchers who both start from version 1
    _ = try journal.amend(
      first.id, with: EntryChanges(title: "Koffie").applied(to: first), reason: "korter",
      basedOn: 1)
    let events = try journal.verify().events
    // When the second one saves, Then nothing is recorded and the error names version 2
    #expect {
      try journal.amend(
        first.id, with: EntryChanges(title: "Ochtend").applied(to: first), reason: "anders",
        basedOn: 1)
    } throws: { error in
      guard let error = error as? FieldLogError else { return false }
      return error.exitCode == 65 && error.message.contains("at version 2")
        && error.message.contains("Sanne de Vries")
    }
    #expect(try journal.verify().events == events)
    #expect(try journal.entry(id: first.id).title == "Koffie")
  }

  @Test func aTitleTakenFromTheBodyFollowsTheAmendedBody() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    let derived = try journal.record(
      EntryDraft(
        kind: .observation, body: "Bij mevrouw Jansen thuis\nKoffie.", neighbourhood: "Holendrecht",
        questions: ["RQ1"]))
    #expect(derived.title == "Bij mevrouw Jansen thuis")
    let amended = try journal.amend(
      derived.id, with: EntryChanges(body: "Bij P-017 thuis\nKoffie.").applied(to: derived),
      reason: "naam weg", basedOn: 1)
    #expect(amended.title == "Bij P-017 thuis")
    // A title that was given stays when only the body changes.
    let given = try Self.observation(journal)
    let kept = try journal.amend(
      given.id, with: EntryChanges(body: "Andere tekst").applied(to: given), reason: "r", basedOn: 1
    )
    #expect(kept.title == "Koffieochtend")
  }

  @Test func anAmendmentThatChangesNothingIsRefused() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    let first = try Self.observation(journal)
    #expect(throws: FieldLogError.self) {
      try journal.amend(
        first.id, with: EntryChanges(title: "Koffieochtend").applied(to: first), reason: "niets",
        basedOn: 1)
    }
  }

  @Test func movingAnEntryDropsTheInitiativeOfTheOldPlace() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    let first = try Self.observation(journal)
    let moved = try journal.amend(
      first.id, with: EntryChanges(neighbourhood: "Jan van Maijenbuurt").applied(to: first),
      reason: "verkeerde wijk", basedOn: 1)
    #expect(moved.neighbourhood == "Jan van Maijenbuurt")
    #expect(moved.initiative == nil)
  }

  @Test func historyShowsEveryVersionWithItsChangesAndDiff() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    let first = try Self.observation(journal)
    let changes = EntryChanges(
      body: "Eerste regel\nDertien bewoners.\nDerde\nVierde", tags: ["thee"],
      fields: [("setting", "buurthuis")])
    _ = try journal.amend(first.id, with: changes.applied(to: first), reason: "geteld", basedOn: 1)
    try journal.retract(first.id, reason: "dubbel ingevoerd")
    let steps = try journal.history(of: first.id)
    #expect(steps.map(\.event) == ["recorded", "amended", "retracted"])
    #expect(steps[1].reason == "geteld")
    #expect(steps[1].author == "Sanne de Vries")
    #expect(
      steps[1].diff == [
        .init(op: "-", line: "Twaalf bewoners."), .init(op: "+", line: "Dertien bewoners."),
        .init(op: "+", line: "Vierde"),
      ])
    #expect(steps[1].changes.contains(.init(what: "tag", from: "koffie", to: nil)))
    #expect(steps[1].changes.contains(.init(what: "tag", from: nil, to: "thee")))
    #expect(
      steps[1].changes.contains(.init(what: "field setting", from: "buurtkamer", to: "buurthuis")))
    #expect(steps[2].reason == "dubbel ingevoerd")
  }

  @Test func aRetractedEntryIsHiddenUnlessAskedFor() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    let first = try Self.observation(journal)
    try journal.retract(first.id, reason: "test")
    #expect(try journal.entries().isEmpty)
    #expect(try journal.search("twaalf").isEmpty)
    #expect(try journal.entries(EntryFilter(includeRetracted: true)).map(\.id) == [first.id])
    #expect(try journal.entry(id: first.id).retracted?.reason == "test")
    #expect(throws: FieldLogError.self) { try journal.retract(first.id, reason: "nog eens") }
    #expect(throws: FieldLogError.self) { try journal.currentVersion(of: first.id) }
  }

  @Test func rebuildReproducesAmendedAndRetractedEntries() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    let first = try Fixture.record(journal)[0]
    _ = try journal.amend(
      first.id, with: EntryChanges(body: "Nieuw").applied(to: first), reason: "r", basedOn: 1)
    try journal.retract(first.id, reason: "weg")
    try journal.recordConsent("P-017", form: .written, scopes: [.quotation])
    let before = try Fixture.projectionDump(journal.path)
    try journal.rebuild()
    #expect(try Fixture.projectionDump(journal.path) == before)
  }

  @Test(arguments: [
    ("a\nb\nc", "a\nc", ["-b"]), ("a\nb", "a\nb\nc", ["+c"]), ("x", "y", ["-x", "+y"]),
    ("", "a", ["-", "+a"]), ("same", "same", []),
  ])
  func lineDiffs(old: String, new: String, expected: [String]) {
    #expect(Journal.lineDiff(from: old, to: new).map { $0.op + $0.line } == expected)
  }
}

/// Moved from the CLI suite (issue 14), on an in-memory journal: which attributes an amendment
/// changes. The CLI keeps `amend`'s messages and exit codes.
extension CorrectionsTests {
  /// An observation with an explicit title, two tags, a participant and two fields.
  static func fullEntry(in folder: TemporaryFolder) throws -> (Journal, EntryRecord) {
    let journal = try Journal.inMemory(
      study: try Fixture.amsterdam, keys: SigningKeys(folder: folder.path("keys")))
    _ = try journal.addParticipant("P-017")
    let entry = try journal.record(
      EntryDraft(
        kind: .observation, title: "Koffie in de Buurtkamer",
        body: "Koffie in de Buurtkamer.\nEr stonden Zwartkruidbessen op tafel.\nDaarna naar huis.",
        neighbourhood: "Holendrecht", initiative: "Buurtkamer De Brug", questions: ["RQ1", "RQ2"],
        tags: ["buurt", "tuin"], participants: ["P-017:buurtmoeder"],
        fields: [("setting", "Buurtkamer"), ("duration-minutes", "45")],
        occurredAt: "2024-03-12 14:30"))
    return (journal, entry)
  }

  @Test("only what is given changes: a new title keeps body, tags, participants, fields, place")
  func onlyGivenAttributesChange() throws {
    let folder = try TemporaryFolder()
    let (journal, before) = try Self.fullEntry(in: folder)
    _ = try journal.amend(
      before.id, with: EntryChanges(title: "Nieuwe titel").applied(to: before), reason: "titel",
      basedOn: 1)
    let after = try journal.entry(id: before.id)
    #expect(after.title == "Nieuwe titel")
    #expect(after.version == 2)
    #expect(after.body == before.body)
    #expect(after.tags == before.tags)
    #expect(after.participants == before.participants)
    #expect(after.fields == before.fields)
    #expect(after.neighbourhood == before.neighbourhood)
    #expect(after.initiative == before.initiative)
    #expect(after.questions == before.questions)
    #expect(after.occurredAt == before.occurredAt)
    #expect(after.kind == before.kind)
    #expect(after.recordedAt == before.recordedAt)
    #expect(after.tags == ["buurt", "tuin"])
  }

  @Test("an empty field value removes that field and keeps the others")
  func emptyFieldRemoves() throws {
    let folder = try TemporaryFolder()
    let (journal, before) = try Self.fullEntry(in: folder)
    _ = try journal.amend(
      before.id, with: EntryChanges(fields: [("duration-minutes", "")]).applied(to: before),
      reason: "duur onbekend", basedOn: 1)
    let after = try journal.entry(id: before.id)
    #expect(after.fields == ["setting": .string("Buurtkamer")], "\(after.fields)")
    #expect(after.tags == ["buurt", "tuin"])
  }
}

import Foundation
import GRDB
import Testing

@testable import FieldLogCore

@Suite struct ParticipantTests {
  @Test func entriesNameOnlyRegisteredParticipants() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    var draft = EntryDraft(
      kind: .observation, body: "b", neighbourhood: "Holendrecht", questions: ["RQ1"],
      participants: ["P-099"])
    draft.allowDuplicate = true
    #expect {
      try journal.record(draft)
    } throws: { error in
      guard let error = error as? FieldLogError else { return false }
      return error.message.contains("unknown participant 'P-099'")
        && error.hint?.contains("participant add P-099") == true
    }
    _ = try journal.addParticipant("P-099", role: "buurtmoeder", neighbourhood: "holendrecht")
    #expect(try journal.record(draft).participants.map(\.pseudonym) == ["P-099"])
    // Typed in another case, the registered spelling is stored.
    var lower = draft
    lower.participants = ["p-099"]
    #expect(try journal.record(lower).participants.map(\.pseudonym) == ["P-099"])
    #expect(throws: FieldLogError.self) { try journal.addParticipant("p-099") }
  }

  @Test func consentHasAHistoryAndWithholdsQuotes() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    let entry = try journal.record(
      EntryDraft(
        kind: .interview, body: "Citaat", neighbourhood: "Holendrecht", questions: ["RQ1"],
        newParticipants: ["P-017"]))
    #expect(try journal.missingQuotationConsent(entry) == ["P-017"])
    #expect(
      QuotationConsent.withheldBody(missing: ["P-017"])
        == "[withheld: no quotation consent for P-017]")

    try journal.recordConsent(
      "P-017", form: .verbal, scopes: [.quotation, .recording], date: "2024-03-01")
    #expect(try journal.missingQuotationConsent(entry).isEmpty)
    #expect(QuotationConsent.withheldBody(missing: []) == nil)
    let given = try #require(try journal.participants().first)
    #expect(given.consent.map(\.state) == ["given", "given", "none", "none", "none"])
    #expect(given.consent[1].form == "verbal")
    #expect(given.consent[1].date == "2024-03-01")

    try journal.recordConsent("P-017", form: nil, scopes: [], date: "2024-04-01")
    #expect(
      try journal.participants().first?.consent.map(\.state) == [
        "withdrawn", "withdrawn", "withdrawn", "withdrawn", "withdrawn",
      ])
    #expect(try journal.missingQuotationConsent(entry) == ["P-017"])
    #expect(throws: FieldLogError.self) {
      try journal.recordConsent("P-404", form: .written, scopes: [.archive])
    }
    #expect(throws: FieldLogError.self) { try ConsentScope.parse(["quotes"]) }
  }
}

@Suite struct KeyFileTests {
  @Test func realNamesLiveOnlyInThePrivateKeyFile() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    _ = try journal.addParticipant("P-017")
    let path = KeyFile.defaultPath(nextTo: journal.path)
    #expect(try KeyFile.openForReading(at: path) == nil)
    let keys = try KeyFile.openForWriting(at: path)
    try keys.add("p-017", name: "Fatima el Amrani", contact: "06-12345678", journal: journal)
    let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    #expect(mode == 0o600)
    #expect(
      try keys.people() == [
        .init(pseudonym: "P-017", name: "Fatima el Amrani", contact: "06-12345678")
      ])
    #expect(throws: FieldLogError.self) {
      try keys.add("P-017", name: "X", contact: nil, journal: journal)
    }
    #expect(throws: FieldLogError.self) {
      try keys.add("P-404", name: "X", contact: nil, journal: journal)
    }
    for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: journal.path + suffix) {
      let bytes = try Data(contentsOf: URL(fileURLWithPath: journal.path + suffix))
      #expect(bytes.range(of: Data("Amrani".utf8)) == nil)
    }
  }

  @Test func readingTheKeyFileForTheGuardLeavesItUntouched() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    _ = try journal.addParticipant("P-017")
    let path = KeyFile.defaultPath(nextTo: journal.path)
    try KeyFile.openForWriting(at: path).add(
      "P-017", name: "Fatima el Amrani", contact: nil, journal: journal)
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    let modified =
      try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
    // When an export reads the names for its guard
    let reader = try #require(try KeyFile.openForReading(at: path))
    let guardian = NameGuard(people: try reader.people())
    #expect(guardian.nameFound(in: "met Fatima el Amrani") == "P-017")
    #expect(throws: DatabaseError.self) {
      try DatabaseQueue(
        path: path,
        configuration: {
          var c = Configuration(); c.readonly = true; return c
        }()
      )
      .write { try $0.execute(sql: "DELETE FROM person") }
    }
    // Then the key file is byte for byte the same, with no side files
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    #expect(
      try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date == modified
    )
    for suffix in ["-wal", "-shm", "-journal"] {
      #expect(!FileManager.default.fileExists(atPath: path + suffix))
    }
  }

  @Test func theNameGuardMatchesWholeNamesLoosely() throws {
    let guardian = NameGuard(people: [
      .init(pseudonym: "P-017", name: "Fatima el Amrani", contact: nil),
      .init(pseudonym: "P-018", name: "Jan de Vries", contact: nil),
    ])
    #expect(guardian.nameFound(in: "Gesprek met FATIMA EL AMRANI, thuis.") == "P-017")
    #expect(guardian.nameFound(in: "Gesprek met Fátima el Amraní.") == "P-017")
    #expect(guardian.nameFound(in: "Gesprek met Fatima\nel Amrani") == "P-017")
    // Parts of a name alone count too now (issue 12.6; NameGuardTests), except inside place names.
    #expect(guardian.nameFound(in: "Fatima elAmrani") == "P-017")
    #expect(guardian.nameFound(in: "Fatimah el Amrani") == "P-017")
    let placed = NameGuard(
      people: [.init(pseudonym: "P-018", name: "Jan de Vries", contact: nil)],
      vocabulary: ["Jan van Maijenbuurt"])
    #expect(placed.nameFound(in: "In de Jan van Maijenbuurt woont een gezin") == nil)
    #expect(placed.nameFound(in: "In de Jan van Maijenbuurt woont de familie Vries") == "P-018")
  }
}

@Suite struct RedactionTests {
  /// Every file of the journal that exists, as bytes, lower-cased where ASCII.
  static func fileBytes(_ path: String) throws -> [String: Data] {
    var files: [String: Data] = [:]
    for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
      files[suffix] = try Data(contentsOf: URL(fileURLWithPath: path + suffix))
    }
    return files
  }

  @Test func redactionErasesEveryVersionFromEveryFileAndStillVerifies() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    try Fixture.record(journal)
    let entry = try journal.record(
      EntryDraft(
        kind: .interview, title: "Gesprek met Zwartkruidbessen",
        body: "Mevrouw vertelt over Zwartkruidbessen en haar buurvrouw.",
        neighbourhood: "Holendrecht",
        questions: ["RQ2"], tags: ["bessenteelt"], newParticipants: ["P-050"],
        fields: [("interviewee", "P-050")]))
    _ = try journal.amend(
      entry.id,
      with: EntryChanges(body: "Tweede versie: Kruisbessenjam van Ödemiş.").applied(to: entry),
      reason: "aangevuld", basedOn: 1)

    let result = try journal.redact(entry: entry.id, reason: "AVG-verzoek")
    #expect(result.payloads == 2)
    #expect(result.compacted)

    for (suffix, bytes) in try Self.fileBytes(journal.path) {
      for word in [
        "Zwartkruidbessen", "zwartkruidbessen", "Kruisbessenjam", "kruisbessenjam",
        "bessenteelt", "odemis", "Ödemiş", "aangevuld",
      ] {
        #expect(bytes.range(of: Data(word.utf8)) == nil, "'\(word)' is still in journal\(suffix)")
      }
    }
    let report = try journal.verify()
    #expect(report.ok, "\(report.problems)")
    #expect(report.redacted.count == 2)
    let shown = try journal.entry(id: entry.id)
    #expect(shown.body == "[redacted: AVG-verzoek]")
    #expect(shown.redacted == "AVG-verzoek")
    #expect(shown.tags.isEmpty && shown.participants.isEmpty && shown.fields.isEmpty)
    #expect(shown.kind == .interview && shown.questions == ["RQ2"])
    #expect(try journal.search("kruisbessenjam").isEmpty)
    #expect(try journal.history(of: entry.id).filter(\.erased).count == 2)
    #expect(try journal.entries().count == 5)
    #expect(throws: FieldLogError.self) { try journal.redact(entry: entry.id, reason: "nog eens") }
  }

  @Test func rebuildAfterARedactionReproducesTheProjections() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    let entries = try Fixture.record(journal)
    _ = try journal.amend(
      entries[0].id, with: EntryChanges(body: "Anders").applied(to: entries[0]), reason: "r",
      basedOn: 1)
    try journal.retract(entries[2].id, reason: "dubbel")
    _ = try journal.redact(entry: entries[0].id, reason: "verzoek")
    _ = try journal.redact(entry: entries[2].id, reason: "verzoek")
    let before = try Fixture.projectionDump(journal.path)
    try journal.rebuild()
    #expect(try Fixture.projectionDump(journal.path) == before)
    #expect(try journal.verify().ok)
  }

  @Test func redactingAParticipantErasesEveryEntryThatEverNamedThem() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    let entries = try Fixture.record(journal)  // the network conversation names P-017 and P-018
    let other = try journal.record(
      EntryDraft(
        kind: .observation, body: "Met P-017 eerst", neighbourhood: "Holendrecht",
        questions: ["RQ1"], participants: ["P-017"]))
    // A later version no longer names P-017; the first still did.
    _ = try journal.amend(
      other.id, with: EntryChanges(participants: ["P-018"]).applied(to: other), reason: "fout",
      basedOn: 1)
    let result = try journal.redact(participant: "p-017", reason: "teruggetrokken")
    #expect(Set(result.entries) == [entries[1].id, other.id])
    #expect(try journal.entry(id: entries[0].id).redacted == nil)
    #expect(try journal.entry(id: entries[0].id).body == "Twaalf bewoners in het café.")
    #expect(try journal.verify().ok)
    #expect(throws: FieldLogError.self) { try journal.redact(participant: "P-017", reason: "x") }
  }

  @Test func aPayloadStillCannotBeDeletedWithoutARedaction() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    let entries = try Fixture.record(journal)
    _ = try journal.redact(entry: entries[0].id, reason: "r")
    #expect(throws: DatabaseError.self) {
      try Fixture.raw(journal.path).write { db in
        try db.execute(
          sql: """
            DELETE FROM payload WHERE commitment = (
              SELECT commitment FROM event WHERE subject = ? AND type = 'entry.recorded')
            """, arguments: [entries[1].id])
      }
    }
  }
}

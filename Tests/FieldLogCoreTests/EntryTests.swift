import Foundation
import GRDB
import Testing

@testable import FieldLogCore

@Suite struct EntryTests {
  @Test func allFourKindsAreRecordedWithTheirFields() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    let entries = try Fixture.record(journal)
    #expect(entries.map(\.kind) == [.observation, .networkConversation, .interview, .nabijeKennis])
    #expect(
      entries[0].fields == ["setting": .string("buurtkamer"), "duration-minutes": .integer(90)])
    #expect(entries[0].initiative == "Buurtkamer De Brug")
    #expect(entries[0].tags == ["koffie", "ontmoeting"])
    #expect(entries[1].fields["roles"] == .array([.string("client"), .string("neighbour")]))
    #expect(
      entries[1].participants == [
        ParticipantRef(pseudonym: "P-017", role: "client"),
        ParticipantRef(pseudonym: "P-018", role: "neighbour"),
      ])
    #expect(entries[1].questions == ["RQ1", "RQ2"])
    #expect(entries[2].title == "Interview over de voedselbank.")  // from the first line of the body
    #expect(entries[3].occurredAt == "2024-07-15T00:00:00+02:00")
    #expect(entries.allSatisfy { $0.author == "Sanne de Vries" && $0.version == 1 })
  }

  @Test func textRoundTripsExactly() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    let body = "Één café in Holendrecht 👍🏾\nŞükrü en Zoë: „heel fijn”\n\ttab"
    let entry = try journal.record(
      EntryDraft(
        kind: .observation, body: "Een cafe\u{301}\r\n" + body, neighbourhood: "holendrecht",
        questions: ["rq1"]))
    #expect(try journal.entry(id: entry.id).body == "Een café\n" + body)
  }

  @Test func recordingsAreStoredByHashNotByContent() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    let audio = folder.path("p030.m4a")
    try Data("not really audio".utf8).write(to: URL(fileURLWithPath: audio))
    let entry = try journal.record(
      EntryDraft(
        kind: .interview, body: "b", neighbourhood: "Holendrecht", questions: ["RQ1"],
        fields: [("recording", audio)]))
    guard case .object(let recording)? = entry.fields["recording"] else {
      Issue.record("no recording object")
      return
    }
    let expected = try Shell.run(["sha256sum", audio]).output.prefix(64)
    #expect(recording["sha256"] == .string(String(expected)))
    #expect(recording["size"] == .integer(16))
    #expect(recording["path"] == .string(URL(fileURLWithPath: audio).standardizedFileURL.path))
  }

  struct Refusal: CustomTestStringConvertible, Sendable {
    var draft: EntryDraft
    var fragment: String
    var testDescription: String { fragment }
  }

  static let refusals: [Refusal] = [
    .init(
      draft: EntryDraft(
        kind: .observation, body: "b", neighbourhood: "Holendrech", questions: ["RQ1"]),
      fragment: "unknown neighbourhood 'Holendrech'; did you mean 'Holendrecht'?"),
    .init(
      draft: EntryDraft(
        kind: .observation, body: "b", neighbourhood: "Holendrecht", questions: ["RQ9"]),
      fragment: "unknown research question 'RQ9'"),
    .init(
      draft: EntryDraft(kind: .observation, body: "b", neighbourhood: "Holendrecht"),
      fragment: "at least one research question"),
    .init(
      draft: EntryDraft(
        kind: .observation, body: "b", neighbourhood: "Holendrecht",
        initiative: "Voedselpunt De Gedeelde Tafel", questions: ["RQ1"]),
      fragment: "belongs to 'Jan van Maijenbuurt', not to 'Holendrecht'"),
    .init(
      draft: EntryDraft(
        kind: .observation, body: "  \n", neighbourhood: "Holendrecht", questions: ["RQ1"]),
      fragment: "the body is empty"),
    .init(
      draft: EntryDraft(
        kind: .observation, body: "b", neighbourhood: "Holendrecht", questions: ["RQ1"],
        fields: [("consent", "written")]),
      fragment: "observation has no field 'consent'"),
    .init(
      draft: EntryDraft(
        kind: .observation, body: "b", neighbourhood: "Holendrecht", questions: ["RQ1"],
        fields: [("duration-minutes", "anderhalf uur")]),
      fragment: "whole number of minutes, not 'anderhalf uur'"),
    .init(
      draft: EntryDraft(
        kind: .networkConversation, body: "b", neighbourhood: "Holendrecht", questions: ["RQ1"],
        fields: [("roles", "client,buurman")]),
      fragment: "unknown network role 'buurman'"),
    .init(
      draft: EntryDraft(
        kind: .networkConversation, body: "b", neighbourhood: "Holendrecht", questions: ["RQ1"],
        fields: [("follow-up", "2024-02-30")]),
      fragment: "'2024-02-30' is not a real date"),
    .init(
      draft: EntryDraft(
        kind: .interview, body: "b", neighbourhood: "Holendrecht", questions: ["RQ1"],
        fields: [("consent", "maybe")]),
      fragment: "unknown consent 'maybe'"),
    .init(
      draft: EntryDraft(
        kind: .interview, body: "b", neighbourhood: "Holendrecht", questions: ["RQ1"],
        fields: [("language", "Nederlands")]),
      fragment: "'Nederlands' is not a language tag"),
    .init(
      draft: EntryDraft(
        kind: .interview, body: "b", neighbourhood: "Holendrecht", questions: ["RQ1"],
        fields: [("recording", "/nonexistent/a.m4a")]),
      fragment: "no file at '/nonexistent/a.m4a'"),
    .init(
      draft: EntryDraft(
        kind: .observation, body: "b", neighbourhood: "Holendrecht", questions: ["RQ1"],
        participants: ["Mevrouw Jansen"]),
      fragment: "'Mevrouw Jansen' is not a pseudonym"),
    .init(
      draft: EntryDraft(
        kind: .observation, body: "b", neighbourhood: "Holendrecht", questions: ["RQ1"],
        tags: ["a|b"]),
      fragment: "the tag 'a|b' contains '|'"),
    .init(
      draft: EntryDraft(
        kind: .observation, body: "b", neighbourhood: "Holendrecht", questions: ["RQ1"],
        occurredAt: "2024-02-30"),
      fragment: "the time of the fieldwork '2024-02-30' is not a real date"),
    .init(
      draft: EntryDraft(
        kind: .observation, body: "a\u{0}b", neighbourhood: "Holendrecht", questions: ["RQ1"]),
      fragment: "contains a NUL byte"),
  ]

  @Test(arguments: refusals)
  func badInputIsRefusedAndChangesNothing(_ refusal: Refusal) throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    try Fixture.record(journal)
    let before = try Fixture.raw(journal.path).read {
      try Int.fetchOne($0, sql: "SELECT count(*) FROM event")
    }
    #expect {
      try journal.record(refusal.draft)
    } throws: { error in
      guard let error = error as? FieldLogError else { return false }
      return error.message.contains(refusal.fragment) && [65, 66].contains(error.exitCode)
    }
    #expect(
      try Fixture.raw(journal.path).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM event") }
        == before)
    #expect(try journal.verify().ok)
  }

  @Test func listIsNewestFirstAndFiltersCombine() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    try Fixture.record(journal)
    func titles(_ filter: EntryFilter) throws -> [String] {
      try journal.entries(filter).map(\.title)
    }
    #expect(
      try titles(EntryFilter()) == [
        "Wat de imam weet", "Interview over de voedselbank.", "Netwerkgesprek", "Koffieochtend",
      ])
    #expect(try titles(EntryFilter(kind: .interview)) == ["Interview over de voedselbank."])
    #expect(
      try titles(EntryFilter(neighbourhood: "HOLENDRECHT")) == [
        "Wat de imam weet", "Koffieochtend",
      ])
    #expect(try titles(EntryFilter(initiative: "buurtkamer de brug")) == ["Koffieochtend"])
    #expect(try titles(EntryFilter(question: "RQ2")) == ["Wat de imam weet", "Netwerkgesprek"])
    #expect(try titles(EntryFilter(tag: "Voedsel")) == ["Interview over de voedselbank."])
    #expect(try titles(EntryFilter(author: "sanne de vries")).count == 4)
    #expect(
      throws: FieldLogError.unknownName(
        kind: "author", value: "Sanne de Vrie", suggestions: ["Sanne de Vries"])
    ) {
      try journal.entries(EntryFilter(author: "Sanne de Vrie"))
    }
    #expect(
      try titles(EntryFilter(since: "2024-03-20", until: "2024-06-01")) == [
        "Interview over de voedselbank.", "Netwerkgesprek",
      ])
    #expect(
      try titles(EntryFilter(neighbourhood: "Jan van Maijenbuurt", since: "2024-04-01")) == [
        "Interview over de voedselbank."
      ])
    #expect(throws: FieldLogError.self) { try journal.entries(EntryFilter(tag: "onbekend")) }
    #expect(throws: FieldLogError.self) {
      try journal.entries(EntryFilter(neighbourhood: "Overvecht"))
    }
  }

  @Test func searchIgnoresDiacriticsAndGivesSnippets() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    try Fixture.record(journal)
    let found = try journal.search("cafe")
    #expect(found.map(\.title) == ["Koffieochtend"])
    #expect(found.first?.snippet?.contains("[café]") == true)
    #expect(try journal.search("eenzaam*").map(\.title) == ["Wat de imam weet"])
    #expect(try journal.search("\"wijkcoach\" OR voedselbank").count == 2)
    #expect(
      try journal.search("café", filter: EntryFilter(neighbourhood: "Jan van Maijenbuurt")).isEmpty)
    // What researchers type is never an FTS syntax error: words are searched as text...
    for query in ["wijk-team", "\"open quote", "(haakjes)", "*", "café's"] {
      #expect(throws: Never.self) { try journal.search(query) }
    }
    // ...and a dangling operator is refused with a message, not silently dropped.
    for query in ["a AND", "NOT cafe", "koffie OR OR thee"] {
      #expect(throws: FieldLogError.self) { try journal.search(query) }
    }
    #expect(try journal.search("koffieochtend NOT thee").map(\.title) == ["Koffieochtend"])
    #expect(try journal.search("koffieochtend NOT cafe").isEmpty)
    #expect(throws: FieldLogError.self) { try journal.search("   ") }
  }

  @Test func idPrefixesResolveLikeGit() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    var draft = EntryDraft(
      kind: .observation, body: "b", neighbourhood: "Holendrecht", questions: ["RQ1"])
    draft.allowDuplicate = true
    let first = try journal.record(
      draft, id: try #require(UUID(uuidString: "ABCD1234-0000-4000-8000-000000000001")))
    let second = try journal.record(
      draft, id: try #require(UUID(uuidString: "ABCD5678-0000-4000-8000-000000000002")))
    #expect(try journal.resolveEntryID("abcd1") == first.id)
    #expect(try journal.resolveEntryID("ABCD5678") == second.id)
    #expect(try journal.resolveEntryID(second.id) == second.id)
    #expect {
      try journal.resolveEntryID("abcd")
    } throws: { error in
      guard case .ambiguousID(_, "abcd", let candidates)? = error as? FieldLogError else {
        return false
      }
      return candidates.count == 2 && candidates[0].hasPrefix("abcd1234")
        && candidates[1].hasPrefix("abcd5678")
    }
    #expect(
      throws: FieldLogError.invalidInput(
        "'abc' is not an entry id: give at least 4 hex digits of it, as 'fieldlog list' shows")
    ) {
      try journal.resolveEntryID("abc")
    }
    #expect(throws: FieldLogError.unknownID(kind: "entry", prefix: "0000")) {
      try journal.resolveEntryID("0000")
    }
    #expect(throws: FieldLogError.self) { try journal.resolveEntryID("zzzz") }
  }
}

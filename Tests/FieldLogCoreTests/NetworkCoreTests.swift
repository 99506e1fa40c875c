import Foundation
import Testing

@testable import FieldLogCore

/// Issue 19 in Core: ties over time (added, changed, ended, read on a day), the tie syntax of a
/// network conversation, and the measures of the report.
@Suite struct NetworkCoreTests {
  func journal(_ folder: TemporaryFolder) throws -> Journal {
    let journal = try Fixture.journal(in: folder)
    for pseudonym in ["P-017", "P-021"] {
      _ = try journal.addParticipant(pseudonym)
      try journal.recordConsent(pseudonym, form: .written, scopes: [.recording], date: "2024-01-01")
    }
    return journal
  }

  func shown(_ snapshot: NetworkSnapshot) -> [String] {
    snapshot.ties.map { "\($0.from) \($0.direction) \($0.to) \($0.kind) \($0.strength)" }
  }

  @Test("ties over time: added, changed, ended; the network on a day is the last state before it")
  func tiesOverTime() throws {
    let folder = try TemporaryFolder()
    let journal = try journal(folder)
    try journal.addNetworkMember(
      "P-017", member: "N-017-dochter", role: .family, since: "2024-03-01")
    try journal.addNetworkMember("P-017", member: "p-021", role: .family, since: "2024-03-01")
    let tie = TieRecord(from: "P-017", to: "N-017-dochter", kind: .support, strength: 2)
    try journal.recordTie("P-017", tie, day: "2024-03-05")
    var stronger = tie
    stronger.strength = 3
    stronger.direction = .mutual
    try journal.recordTie("P-017", stronger, day: "2024-04-01")
    // Recorded later, but about an earlier day: it takes its place in time, not in recording.
    try journal.recordTie(
      "P-017", TieRecord(from: "P-021", to: "P-017", kind: .contact, strength: 1), day: "2024-03-02"
    )
    try journal.recordTie(
      "P-017",
      TieRecord(from: "P-017", to: "N-017-dochter", kind: .support, strength: nil, end: true),
      day: "2024-05-01")

    #expect(shown(try journal.network("P-017", on: "2024-03-01")) == [])
    #expect(shown(try journal.network("P-017", on: "2024-03-02")) == ["P-017 none P-021 contact 1"])
    #expect(
      shown(try journal.network("P-017", on: "2024-03-31")) == [
        "N-017-dochter none P-017 support 2", "P-017 none P-021 contact 1",
      ])
    #expect(
      shown(try journal.network("P-017", on: "2024-04-01")) == [
        "N-017-dochter mutual P-017 support 3", "P-017 none P-021 contact 1",
      ])
    #expect(shown(try journal.network("P-017", on: "2024-05-01")) == ["P-017 none P-021 contact 1"])
    // The member registered as a participant keeps the register's spelling.
    let members = try journal.network("P-017", on: "2024-05-01").members.map(\.id)
    #expect(members == ["P-017", "N-017-dochter", "P-021"])

    // The history: one period per state, the last open.
    let history = try #require(try journal.networkHistories("P-017").first)
    #expect(
      history.periods.map { "\($0.kind) \($0.strength) \($0.start)-\($0.end ?? "")" } == [
        "contact 1 2024-03-02-", "support 2 2024-03-05-2024-04-01",
        "support 3 2024-04-01-2024-05-01",
      ])
  }

  @Test("the tie syntax of a network conversation, and what it refuses")
  func tieSyntax() throws {
    #expect(
      try TieRecord.parse("P-017>N-017-dochter:support:3")
        == TieRecord(
          from: "P-017", to: "N-017-dochter", kind: .support, strength: 3, direction: .forward))
    #expect(
      try TieRecord.parse("P-017<N-017-dochter:referral:1")
        == TieRecord(
          from: "N-017-dochter", to: "P-017", kind: .referral, strength: 1, direction: .forward))
    #expect(try TieRecord.parse("A<>B:conflict:2").direction == .mutual)
    #expect(try TieRecord.parse("A~B:contact:1").direction == TieRecord.Direction.none)
    #expect(try TieRecord.parse("A~B:contact:end").end)
    for bad in [
      "A>B:support", "A>B:support:0", "A>B:support:4", "AB:support:2", ">B:support:2",
      "A>B:hulp:2",
    ] {
      #expect(throws: FieldLogError.self, "\(bad)") { try TieRecord.parse(bad) }
    }
  }

  @Test("the measures: size, informal share, density among the members, reciprocity")
  func measures() {
    func member(_ id: String, formal: Bool = false, focal: Bool = false) -> NetworkSnapshot.Member {
      .init(
        id: id, role: focal ? "client" : "family", formal: formal, initiative: nil, since: nil,
        note: nil, focal: focal, participant: false, withheld: false)
    }
    func tie(_ from: String, _ to: String, _ direction: String) -> NetworkSnapshot.Tie {
      .init(
        from: from, to: to, kind: "support", strength: 1, direction: direction, since: "2024-01-01",
        first: "2024-01-01", entry: nil)
    }
    let snapshot = NetworkSnapshot(
      network: "P", date: "2024-01-01",
      members: [member("P", focal: true), member("A"), member("B"), member("C", formal: true)],
      ties: [
        tie("P", "A", "mutual"), tie("A", "B", "forward"), tie("B", "A", "none"),
        tie("P", "C", "none"),
      ])
    let measures = NetworkMeasures.of(snapshot)
    #expect(measures.size == 3 && measures.informal == 2 && measures.formal == 1)
    #expect(measures.density == 1.0 / 3.0, "one pair (A-B) of three among A, B, C")
    #expect(measures.reciprocity == 0.5, "of two ties with a direction, one runs both ways")
    let empty = NetworkMeasures.of(
      NetworkSnapshot(
        network: "P", date: "2024-01-01", members: [member("P", focal: true)], ties: []))
    #expect(empty.informalShare == nil && empty.density == nil && empty.reciprocity == nil)
  }

  @Test("pushing to a hub keeps back the network events of a participant without consent to share")
  func hubWithholdsNetworkEvents() throws {
    let folder = try TemporaryFolder()
    let journal = try journal(folder)
    try journal.recordConsent(
      "P-017", form: .written, scopes: [.shareConsortium], date: "2024-01-01")
    try journal.addNetworkMember(
      "P-017", member: "N-017-dochter", role: .family, since: "2024-03-01")
    try journal.addNetworkMember("P-017", member: "P-021", role: .family, since: "2024-03-01")
    try journal.recordTie(
      "P-017", TieRecord(from: "N-017-dochter", to: "P-017", kind: .support, strength: 2),
      day: "2024-03-05")
    try journal.recordTie(
      "P-017", TieRecord(from: "P-021", to: "P-017", kind: .contact, strength: 1), day: "2024-03-05"
    )
    let feed = try #require(try journal.feeds().first(where: \.own)).feed
    let events = try journal.outgoing(feed: feed, after: 0, batch: 1000).flatMap { $0 }
    let network = events.filter { $0.type.hasPrefix("network.") }
    #expect(network.count == 4)
    // P-021 has not consented to sharing: the events that name them go without their payload.
    let shared = network.compactMap(\.payload)
    #expect(shared.count == 2, "\(shared)")
    #expect(!shared.contains { $0.contains("P-021") }, "\(shared)")
  }
}

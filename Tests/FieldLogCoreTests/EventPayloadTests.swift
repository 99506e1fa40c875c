import Foundation
import GRDB
import Testing

@testable import FieldLogCore

/// Issue 14: each event type has one payload type, and an event appended is projected from its
/// payload directly (no JSON read back) exactly as a rebuild projects it from the stored JSON.
@Suite struct EventPayloadTests {
  @Test("event types share a payload type only where their members are the same")
  func payloadsSharedOnlyWhereAlike() {
    // A type wired to another type's payload would show here as a new shared group.
    let shared = Dictionary(grouping: EventType.allCases) { "\($0.payloadType)" }
      .filter { $0.value.count > 1 }.mapValues { Set($0.map(\.rawValue)) }
    #expect(
      Set(shared.values) == [
        ["entry.recorded", "entry.amended"], ["entry.retracted", "entry.unretracted"],
        ["consent.given", "consent.withdrawn"],
        ["neighbourhood.removed", "initiative.removed", "question.removed"],
      ])
  }

  @Test(
    "text in decomposed form and in NFC, ASCII and beyond: the live projections equal a rebuild's")
  func liveProjectionEqualsRebuild() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    let decomposed = "Cafe\u{0301} de\u{0301}ja\u{0300} vu"  // é and à as e/a + combining mark
    let composed = "Café déjà vu, 😀 ﬁ"
    try journal.addNeighbourhood("Gaasperdam", description: decomposed)
    try journal.addInitiative(
      "Moestuin \(decomposed)", neighbourhood: "Gaasperdam", description: composed)
    _ = try journal.defineCode("thema \(decomposed)", description: decomposed)
    _ = try journal.defineCode("ascii", description: "plain")
    try journal.describeCode("ascii", description: composed)
    _ = try journal.addParticipant("P-900", role: decomposed)
    let entry = try journal.record(
      EntryDraft(
        kind: .observation, title: decomposed, body: "\(decomposed)\n\(composed)",
        neighbourhood: "Gaasperdam", questions: ["RQ1"], tags: [decomposed, "koffie"],
        occurredAt: "2024-03-12 10:00"))
    _ = try journal.addMemo(about: entry.id, text: decomposed)
    _ = try journal.renameStudy("Studie \(decomposed)")
    try journal.describeStudy(composed)
    try Fixture.record(journal)
    // Every command normalises what it is given; a payload appended as it is must still be
    // projected as its stored (NFC) JSON reads.
    try journal.write { db in
      try EventLog.append(
        .codeDefined, subject: UUID(),
        payload: Payload.CodeDefined(name: "raw \(decomposed)", description: decomposed), in: db)
    }

    // Swift compares strings by canonical equivalence: compare the bytes.
    func bytes() throws -> [String: [[[UInt8]]]] {
      try Fixture.projectionDump(journal.path).mapValues { $0.map { $0.map { Array($0.utf8) } } }
    }
    let live = try bytes()
    let nfc = Array("raw Café déjà vu".utf8)
    #expect(live["code"]?.contains { $0.contains { $0.firstRange(of: nfc) != nil } } == true)
    _ = try journal.rebuild()
    let rebuilt = try bytes()
    for table in live.keys.sorted() where rebuilt[table] != live[table] {
      let a = Set(live[table] ?? []).subtracting(rebuilt[table] ?? []).map {
        $0.map { $0.map { String($0, radix: 16) }.joined(separator: " ") }
      }
      let b = Set(rebuilt[table] ?? []).subtracting(live[table] ?? []).map {
        $0.map { $0.map { String($0, radix: 16) }.joined(separator: " ") }
      }
      Issue.record("\(table) differs: live \(a) rebuilt \(b)")
    }
    let report = try journal.verify()
    #expect(report.ok, "\(report.problems)")
  }
}

import Foundation
import GRDB
import Testing

@testable import FieldLogCore

/// Projecting a coding re-anchors its segment; a forged one whose range ends before it starts must
/// be refused as damage, not trap on the range.
@Suite struct ForgedCodingTests {
  @Test func aCodingWhoseRangeEndsBeforeItStartsIsDamageNotACrash() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    let entries = try Fixture.record(journal)
    let real = try journal.applyCode(
      "informele steun", to: entries[1].id, target: .quote("buurvrouw", occurrence: nil))
    // Someone who read docs/journal-format.md appends a well-formed coding.applied with 17:8.
    try Fixture.raw(journal.path).write { db in
      guard let head = try Row.fetchOne(db, sql: "SELECT * FROM event ORDER BY seq DESC LIMIT 1"),
        let feed = UUID(uuidString: head["feed"])
      else { throw FieldLogError.damaged("no events") }
      let seq: Int64 = head["seq"] + 1
      let json = try CanonicalJSON.encode(
        Payload.CodingApplied(
          entry: entries[1].id, code: real.codeID, start: 17, end: 8, quote: "buurvrouw",
          memo: nil, coder: "Sanne de Vries", version: 1))
      let salt = Data(count: 32)
      let commitment = Hashing.commitment(salt: salt, json: json)
      let subject = UUID()
      let recordedAt = "2030-01-01T00:00:00.000Z"
      let hash = Hashing.eventHash(
        feed: feed, seq: seq, prev: head["hash"], recordedAt: recordedAt, type: "coding.applied",
        subject: subject, target: nil, commitment: commitment)
      try db.execute(
        sql: "INSERT INTO payload (commitment, salt, json) VALUES (?, ?, ?)",
        arguments: [commitment, salt, String(decoding: json, as: UTF8.self)])
      try db.execute(
        sql: """
          INSERT INTO event (feed, seq, prev, recorded_at, type, subject, target, commitment, hash)
          VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)
          """,
        arguments: [
          feed.lowercased, seq, head["hash"] as Data, recordedAt, "coding.applied",
          subject.lowercased, commitment, hash,
        ])
      try db.execute(
        sql: "UPDATE feed SET head_seq = ?, head_hash = ? WHERE id = ?",
        arguments: [seq, hash, feed.lowercased])
      // Signed with the feed's own key, as its writer (or a thief of the key file) could.
      let key = try journal.keys.load(for: feed.lowercased)
      try db.execute(
        sql: "INSERT INTO signature (hash, signature) VALUES (?, ?)",
        arguments: [hash, try key.signature(for: Signatures.message(hash))])
    }
    // The chain and the signatures are whole; replaying the forged event is what fails, and that
    // is reported, not a crash.
    let report = try journal.verify()
    #expect(report.problems.map(\.problem).contains { $0.contains("cannot be replayed") })
    #expect(!report.problems.contains { $0.seq != nil }, "\(report.problems)")
    #expect(throws: FieldLogError.self) { try journal.rebuild() }
  }
}

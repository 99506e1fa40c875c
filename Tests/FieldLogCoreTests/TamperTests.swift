import Foundation
import GRDB
import Testing

@testable import FieldLogCore

/// Someone with the file and sqlite3 drops the guards and edits the record: verify must name the event.
@Suite struct TamperTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    var sql: [String]
    /// Tampering that plain SQL cannot express, done through the same connection.
    var edit: (@Sendable (Database) throws -> Void)? = nil
    /// The seq of the event verify must name (nil: a feed-level problem), and a fragment of why.
    var seq: Int64?
    var fragment: String
    var testDescription: String { name }
  }

  static let dropGuards = Schema.guardTriggers.keys.sorted().map { "DROP TRIGGER \($0)" }

  /// Events of the fixture: 1 feed.opened, 2-3 neighbourhoods, 4-8 initiatives, 9-12 questions,
  /// 13-22 codes, then entries 23-26.
  static let cases: [Case] = [
    Case(
      name: "change a body",
      sql: [
        "UPDATE payload SET json = replace(json, 'Twaalf bewoners', 'Negen bewoners') WHERE json LIKE '%Twaalf%'"
      ],
      seq: 23, fragment: "payload does not match its commitment"),
    Case(
      name: "change a tag",
      sql: [
        "UPDATE payload SET json = replace(json, '\"koffie\"', '\"thee\"') WHERE json LIKE '%koffie%'"
      ],
      seq: 23, fragment: "payload does not match its commitment"),
    Case(
      name: "change a time of fieldwork",
      sql: [
        "UPDATE payload SET json = replace(json, '2024-06-01T09:30', '2024-06-02T09:30') WHERE json LIKE '%2024-06-01%'"
      ],
      seq: 25, fragment: "payload does not match its commitment"),
    Case(
      name: "change a recorded time",
      sql: ["UPDATE event SET recorded_at = '2020-01-01T00:00:00.000Z' WHERE seq = 24"],
      seq: 24, fragment: "hash does not match its contents"),
    Case(
      name: "delete a middle event",
      sql: ["DELETE FROM event WHERE seq = 24"],
      seq: 25, fragment: "event seq 24 before it is missing"),
    Case(
      name: "swap two events' order",
      sql: [
        "UPDATE event SET seq = 1000 WHERE seq = 24", "UPDATE event SET seq = 24 WHERE seq = 25",
        "UPDATE event SET seq = 25 WHERE seq = 1000",
      ],
      seq: 24, fragment: "hash does not match its contents"),
    Case(
      name: "flip one byte of a prev hash",
      sql: [],
      edit: { db in
        var prev = try Data.fetchOne(db, sql: "SELECT prev FROM event WHERE seq = 24") ?? Data()
        prev[prev.startIndex] ^= 0x01
        try db.execute(sql: "UPDATE event SET prev = ? WHERE seq = 24", arguments: [prev])
      },
      seq: 24, fragment: "link (prev) does not match"),
    Case(
      name: "remove the last event",
      sql: ["DELETE FROM event WHERE seq = (SELECT max(seq) FROM event)"],
      seq: nil, fragment: "event(s) at the end were removed"),
    Case(
      name: "insert a forged event with a well-formed hash at the end",
      sql: [], edit: appendForgedEvent,
      seq: nil, fragment: "events were added outside fieldlog"),
    Case(
      name: "insert a forged event in a feed of its own",
      sql: [
        """
        INSERT INTO event SELECT '00000000-0000-4000-8000-00000000f0f0', 1, zeroblob(32), recorded_at,
          type, subject, NULL, commitment, randomblob(32) FROM event WHERE seq = 23
        """
      ],
      seq: 1, fragment: "hash does not match"),
    Case(
      name: "delete a payload without a redaction",
      sql: ["DELETE FROM payload WHERE json LIKE '%Twaalf%'"],
      seq: 23, fragment: "payload is missing and no redaction names it"),
    Case(
      name: "drop a guard trigger",
      sql: [],
      seq: nil, fragment: "guard trigger"),
  ]

  @Test(arguments: cases)
  func verifyCatchesAndPinpointsIt(_ tamper: Case) throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    try Fixture.record(journal)
    #expect(try journal.verify().ok)

    try Fixture.raw(journal.path).write { db in
      for statement in Self.dropGuards { try db.execute(sql: statement) }
      for statement in tamper.sql { try db.execute(sql: statement) }
      try tamper.edit?(db)
      if tamper.name != "drop a guard trigger" {
        // Put the guards back, so that only the tampering itself is left to find.
        for sql in Schema.guardTriggers.values { try db.execute(sql: sql) }
      }
    }

    let report = try journal.verify()
    #expect(!report.ok)
    let matching = report.problems.filter { $0.problem.contains(tamper.fragment) }
    #expect(!matching.isEmpty, "problems were: \(report.problems.map(\.problem))")
    if let seq = tamper.seq {
      #expect(matching.contains { $0.seq == seq }, "problems were: \(report.problems)")
    }
  }

  /// Someone who read docs/journal-format.md appends an event with a correct hash and commitment.
  static func appendForgedEvent(_ db: Database) throws {
    guard let head = try Row.fetchOne(db, sql: "SELECT * FROM event ORDER BY seq DESC LIMIT 1"),
      let feed = UUID(uuidString: head["feed"])
    else { return }
    let last = StoredEvent(row: head)
    let salt = Data(count: 32)
    let json = Data(#"{"forged":true}"#.utf8)
    let commitment = Hashing.commitment(salt: salt, json: json)
    let subject = UUID()
    let recordedAt = "2030-01-01T00:00:00.000Z"
    let hash = Hashing.eventHash(
      feed: feed, seq: last.seq + 1, prev: last.hash,
      recordedAt: recordedAt, type: "entry.recorded", subject: subject, target: nil,
      commitment: commitment)
    try db.execute(
      sql: "INSERT INTO payload (commitment, salt, json) VALUES (?, ?, ?)",
      arguments: [commitment, salt, String(decoding: json, as: UTF8.self)])
    try db.execute(
      sql: "INSERT INTO event VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)",
      arguments: [
        last.feed, last.seq + 1, last.hash, recordedAt, "entry.recorded", subject.lowercased,
        commitment, hash,
      ])
  }

  @Test func theFixtureHasTheEventNumbersTheCasesAssume() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    try Fixture.record(journal)
    let types = try Fixture.raw(journal.path).read { db in
      try String.fetchAll(db, sql: "SELECT type FROM event WHERE seq IN (23, 25) ORDER BY seq")
    }
    #expect(types == ["entry.recorded", "entry.recorded"])
    #expect(try journal.verify().events == 26)
  }
}

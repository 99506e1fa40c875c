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

  static let dropGuards = SchemaExpectations.guardTriggers.keys.sorted().map {
    "DROP TRIGGER \($0)"
  }

  /// Events of the fixture: 1 feed.opened, 2-3 neighbourhoods, 4-8 initiatives, 9-12 questions,
  /// 13-22 codes, entry 23, participants 24-25, entries 26-28.
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
      seq: 27, fragment: "payload does not match its commitment"),
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
      seq: nil, fragment: "1 event at the end was removed"),
    Case(
      name: "insert a forged event with a well-formed hash at the end",
      sql: [], edit: appendForgedEvent,
      seq: nil, fragment: "events were added outside fieldlog"),
    Case(
      name: "insert a forged event in a feed of its own",
      sql: [
        """
        INSERT INTO event (feed, seq, prev, recorded_at, type, subject, target, commitment, hash)
        SELECT '00000000-0000-4000-8000-00000000f0f0', 1, zeroblob(32), recorded_at,
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
        for sql in SchemaExpectations.guardTriggers.values { try db.execute(sql: sql) }
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
    try forge(db, type: "entry.recorded", target: nil, moveHead: false)
  }

  /// Tampering that needs no dropped guard: appending is allowed, and the feed head is bookkeeping.
  struct GuardedCase: CustomTestStringConvertible, Sendable {
    var name: String
    var edit: @Sendable (Database) throws -> Void
    var fragment: String
    var testDescription: String { name }
  }

  static let guardedCases: [GuardedCase] = [
    // A forged redaction that also moves the feed's head is well-formed: only signed feeds (and a
    // checkpoint kept elsewhere) can tell it from a real one. docs/journal-format.md says so.
    GuardedCase(
      name: "a forged redaction unlocks the delete of an entry's payload",
      edit: { db in
        let target = try Data.fetchOne(db, sql: "SELECT hash FROM event WHERE seq = 23")
        try forge(db, type: "redaction", target: target, moveHead: false)
        try db.execute(
          sql:
            "DELETE FROM payload WHERE commitment = (SELECT commitment FROM event WHERE seq = 23)")
      },
      fragment: "events were added outside fieldlog"),
    GuardedCase(
      name: "an event of a type fieldlog does not write",
      edit: { db in try forge(db, type: "entry.rewritten", target: nil, moveHead: true) },
      fragment: "its type 'entry.rewritten' is not one fieldlog writes"),
    GuardedCase(
      name: "a foreign trigger silently drops new events",
      edit: { db in
        try db.execute(
          sql: "CREATE TRIGGER zz BEFORE INSERT ON event BEGIN SELECT RAISE(IGNORE); END")
      },
      fragment: "a trigger zz that fieldlog did not make"),
    GuardedCase(
      name: "the event table gains a column",
      edit: { db in try db.execute(sql: "ALTER TABLE event ADD COLUMN note TEXT") },
      fragment: "the table event was recreated or altered"),
    GuardedCase(
      name: "an event appended with a moved head but the wrong first type",
      edit: { db in
        try forge(db, type: "entry.recorded", target: nil, moveHead: true, newFeed: true)
      },
      fragment: "a feed must begin with feed.opened"),
  ]

  @Test(arguments: guardedCases)
  func verifyCatchesTamperingThatKeepsTheGuards(_ tamper: GuardedCase) throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    try Fixture.record(journal)
    try Fixture.raw(journal.path).writeWithoutTransaction { db in try tamper.edit(db) }
    let report = try journal.verify()
    #expect(!report.ok)
    #expect(
      report.problems.contains { $0.problem.contains(tamper.fragment) },
      "problems were: \(report.problems.map(\.problem))")
  }

  @Test func aForeignTriggerCannotMakeAddReportSuccess() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    try Fixture.raw(journal.path).write { db in
      try db.execute(
        sql: "CREATE TRIGGER zz BEFORE INSERT ON event BEGIN SELECT RAISE(IGNORE); END")
    }
    #expect { try Fixture.record(journal) } throws: { ($0 as? FieldLogError)?.exitCode == 1 }
    #expect(try journal.entries().isEmpty)
  }

  /// Appends a well-formed event (correct hash and commitment) as someone who read the format could.
  static func forge(
    _ db: Database, type: String, target: Data?, moveHead: Bool, newFeed: Bool = false
  ) throws {
    guard let head = try Row.fetchOne(db, sql: "SELECT * FROM event ORDER BY seq DESC LIMIT 1")
    else { return }
    let last = StoredEvent(row: head)
    let feedText = newFeed ? UUID().lowercased : last.feed
    guard let feed = UUID(uuidString: feedText) else { return }
    let seq: Int64 = newFeed ? 1 : last.seq + 1
    let prev = newFeed ? Data(count: 32) : last.hash
    let salt = Data(count: 32)
    let json = Data(#"{"reason":"forged"}"#.utf8)
    let commitment = Hashing.commitment(salt: salt, json: json)
    let subject = UUID()
    let recordedAt = "2030-01-01T00:00:00.000Z"
    let hash = Hashing.eventHash(
      feed: feed, seq: seq, prev: prev, recordedAt: recordedAt, type: type, subject: subject,
      target: target, commitment: commitment)
    try db.execute(
      sql: "INSERT INTO payload (commitment, salt, json) VALUES (?, ?, ?)",
      arguments: [commitment, salt, String(decoding: json, as: UTF8.self)])
    try db.execute(
      sql: """
        INSERT INTO event (feed, seq, prev, recorded_at, type, subject, target, commitment, hash)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        feedText, seq, prev, recordedAt, type, subject.lowercased, target, commitment, hash,
      ])
    if moveHead {
      try db.execute(
        sql: "INSERT OR REPLACE INTO feed (id, head_seq, head_hash) VALUES (?, ?, ?)",
        arguments: [feedText, seq, hash])
    }
  }

  @Test func theFixtureHasTheEventNumbersTheCasesAssume() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    try Fixture.record(journal)
    let types = try Fixture.raw(journal.path).read { db in
      try String.fetchAll(db, sql: "SELECT type FROM event WHERE seq IN (23, 24, 27) ORDER BY seq")
    }
    #expect(types == ["entry.recorded", "participant.added", "entry.recorded"])
    #expect(try journal.verify().events == 28)
  }
}

import Foundation
import Testing

@Suite("append-only, proven with the sqlite3 command-line tool")
struct AppendOnlyTests {
  /// Statements that try to change or remove what is recorded. Valid SQLite 3.40 syntax: an upsert on
  /// INSERT ... SELECT needs a WHERE clause, or the parser takes ON CONFLICT for a join constraint.
  static let statements: [String] = [
    "UPDATE event SET type = 'x'",
    "UPDATE event SET recorded_at = '2020-01-01T00:00:00.000Z' WHERE seq = (SELECT max(seq) FROM event)",
    "UPDATE OR REPLACE event SET seq = 1",
    "DELETE FROM event",
    "DELETE FROM event WHERE seq = (SELECT max(seq) FROM event)",
    "INSERT OR REPLACE INTO event SELECT * FROM event LIMIT 1",
    "REPLACE INTO event SELECT * FROM event LIMIT 1",
    "INSERT OR IGNORE INTO event SELECT * FROM event LIMIT 1",
    "INSERT INTO event SELECT * FROM event WHERE seq = 1 ON CONFLICT DO UPDATE SET type = 'x'",
    "INSERT INTO event SELECT * FROM event WHERE true ON CONFLICT (feed, seq) DO UPDATE SET type = 'x'",
    "INSERT INTO event SELECT * FROM event WHERE true ON CONFLICT (hash) DO UPDATE SET type = 'x'",
    """
    INSERT INTO event (feed, seq, prev, recorded_at, type, subject, target, commitment, hash)
    SELECT feed, seq + 1000, prev, recorded_at, type, subject, target, commitment, hash FROM event WHERE seq = 1
    """,
    "UPDATE payload SET json = json",
    "UPDATE payload SET json = '{}'",
    "DELETE FROM payload",
    "DELETE FROM payload WHERE rowid = (SELECT max(rowid) FROM payload)",
    "INSERT OR REPLACE INTO payload SELECT * FROM payload LIMIT 1",
    "REPLACE INTO payload SELECT * FROM payload LIMIT 1",
    "INSERT INTO payload SELECT * FROM payload WHERE true ON CONFLICT DO UPDATE SET json = '{}'",
  ]

  @Test("sqlite3 cannot update, delete or replace events and payloads", arguments: statements)
  func refused(sql: String) throws {
    // Given a journal with entries
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    try sandbox.addObservation("Één café in Holendrecht 👍🏾")
    try sandbox.addObservation("Tweede notitie")
    let events = "SELECT * FROM event ORDER BY feed, seq"
    let payloads = "SELECT * FROM payload ORDER BY commitment"
    let eventsBefore = try sandbox.query(events)
    let payloadsBefore = try sandbox.query(payloads)
    let before = try sandbox.state()

    // When sqlite3 runs the statement
    let result = try sandbox.sqlite(sql)

    // Then a guard trigger refuses it (not a syntax error) and nothing changed
    #expect(result.status != 0, "sqlite3 accepted: \(sql)\n\(result)")
    #expect(result.stderr.contains("fieldlog: "), "not refused by a guard trigger: \(result)")
    #expect(try sandbox.query(events) == eventsBefore)
    #expect(try sandbox.query(payloads) == payloadsBefore)
    #expect(try sandbox.state() == before)
    let verify = try sandbox.fieldlog(["verify"])
    #expect(verify.status == 0, "\(verify)")
  }

  @Test("sqlite3 can append a new row only as a new event, which verify then reports")
  func appendOutsideFieldlogIsDetected() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    try sandbox.addObservation("Een notitie")
    // An insert with a fresh (feed, seq) and hash is not an overwrite, so the triggers let it in ...
    let insert = try sandbox.sqlite(
      """
      INSERT INTO event (feed, seq, prev, recorded_at, type, subject, target, commitment, hash)
      SELECT feed, seq + 1, hash, recorded_at, type, subject, NULL, commitment, randomblob(32)
      FROM event WHERE seq = (SELECT max(seq) FROM event)
      """)
    try #require(insert.status == 0, "\(insert)")
    // ... but verify sees an event that fieldlog did not write
    let verify = try sandbox.fieldlog(["verify"])
    #expect(verify.status == 1, "\(verify)")
    #expect(verify.stdout.contains("damaged: "), "\(verify)")
  }
}

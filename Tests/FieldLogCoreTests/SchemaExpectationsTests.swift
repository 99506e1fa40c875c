import Foundation
import GRDB
import Testing

@testable import FieldLogCore

/// The frozen migrations and what the code expects of the schema (`SchemaExpectations`) are kept
/// apart; these tests keep them from drifting apart silently, and `verify` holds a journal to them.
@Suite struct SchemaExpectationsTests {
  /// Tables that are neither truth nor projection: this installation's own notes, never replayed.
  // `withheld` records which events came without their payload (not shared with this journal).
  static let localTables: Set = ["local", "merged", "key_file_use", "allowed_word", "withheld"]

  /// The schema the migrations make in a new database, by type and name.
  static func migratedSchema() throws -> [String: String] {
    let db = try DatabaseQueue()
    try Schema.migrator.migrate(db)
    return try db.read { db in
      let rows = try Row.fetchAll(
        db,
        sql: """
          SELECT type, name, sql FROM sqlite_master
          WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'
            AND name NOT LIKE 'entry_fts_%'
          """)
      return Dictionary(
        uniqueKeysWithValues: rows.map {
          (($0["type"] as String) + " " + ($0["name"] as String), $0["sql"] as String)
        })
    }
  }

  @Test func theMigrationsMakeTheGuardsAndTruthTablesExpected() throws {
    let schema = try Self.migratedSchema()
    for (name, sql) in SchemaExpectations.guardTriggers {
      #expect(schema["trigger " + name] == sql, "the guard trigger \(name)")
    }
    for (name, sql) in SchemaExpectations.truthTables {
      #expect(schema["table " + name] == sql, "the table \(name)")
    }
    let triggers = Set(schema.keys.filter { $0.hasPrefix("trigger ") })
    #expect(triggers == Set(SchemaExpectations.guardTriggers.keys.map { "trigger " + $0 }))
  }

  @Test func everyOtherTableIsAProjectionOrLocal() throws {
    let tables = Set(
      try Self.migratedSchema().keys.filter { $0.hasPrefix("table ") }.map { $0.dropFirst(6) }
        .map(String.init))
    let expected = Set(SchemaExpectations.truthTables.keys)
      .union(SchemaExpectations.projectionTables).union(Self.localTables)
    #expect(tables == expected)
    #expect(
      SchemaExpectations.projectionTables.count == Set(SchemaExpectations.projectionTables).count)
  }

  /// `rebuild` empties the projections in their order, so a child must come before its parents.
  @Test func projectionTablesComeBeforeTheirParents() throws {
    let db = try DatabaseQueue()
    try Schema.migrator.migrate(db)
    let order = SchemaExpectations.projectionTables
    try db.read { db in
      for (index, table) in order.enumerated() {
        for key in try db.foreignKeys(on: table) {
          #expect(
            !order[..<index].contains(key.destinationTable),
            "\(table) refers to \(key.destinationTable), which comes before it")
        }
      }
    }
  }

  @Test func aNewJournalHasTheApplicationID() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    let id = try Fixture.raw(journal.path).read {
      try Int32.fetchOne($0, sql: "PRAGMA application_id")
    }
    #expect(id == SchemaExpectations.applicationID)
  }

  /// Runs `sql` on a new journal with fieldlog's entries and returns the problems `verify` reports.
  static func problemsAfter(_ sql: String) throws -> [VerificationReport.Problem] {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    try Fixture.record(journal)
    #expect(try journal.verify().ok)
    try Fixture.raw(journal.path).writeWithoutTransaction { try $0.execute(sql: sql) }
    return try journal.verify().problems
  }

  static func problem(_ text: String) -> VerificationReport.Problem {
    .init(feed: nil, seq: nil, type: nil, subject: nil, problem: text)
  }

  @Test func verifyReportsAnAlteredGuard() throws {
    let problems = try Self.problemsAfter(
      """
      DROP TRIGGER event_no_update;
      CREATE TRIGGER event_no_update BEFORE UPDATE ON event
      WHEN NEW.type <> 'entry.recorded'
      BEGIN SELECT RAISE(ABORT, 'fieldlog: events are append-only and cannot be updated'); END;
      """)
    #expect(problems == [Self.problem("the guard trigger event_no_update was altered")])
  }

  @Test func verifyReportsADroppedGuard() throws {
    let problems = try Self.problemsAfter("DROP TRIGGER signature_no_delete")
    #expect(
      problems == [
        Self.problem(
          "the guard trigger signature_no_delete is missing: events or payloads could be edited")
      ])
  }

  @Test func verifyReportsATruthTableRecreatedWithoutItsChecks() throws {
    let problems = try Self.problemsAfter(
      """
      CREATE TABLE feed_key_copy AS SELECT * FROM feed_key;
      DROP TABLE feed_key;
      CREATE TABLE feed_key (feed TEXT PRIMARY KEY, public_key BLOB NOT NULL) STRICT;
      INSERT INTO feed_key SELECT * FROM feed_key_copy;
      DROP TABLE feed_key_copy;
      """)
    #expect(
      problems == [
        Self.problem(
          "the guard trigger feed_key_no_delete is missing: events or payloads could be edited"),
        Self.problem(
          "the guard trigger feed_key_no_replace is missing: events or payloads could be edited"),
        Self.problem(
          "the guard trigger feed_key_no_update is missing: events or payloads could be edited"),
        Self.problem("the table feed_key was recreated or altered"),
      ])
  }
}

import Foundation
import GRDB
import Testing

@testable import FieldLogCore

/// Schemas/journal.sql mirrors the schema of a new journal.
@Suite struct SchemaTests {
  static let file = Fixture.root.appendingPathComponent("Schemas/journal.sql")

  /// The schema of a new journal as SQL text, without SQLite's and GRDB's own tables.
  static func currentSchema() throws -> String {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    let statements = try Fixture.raw(journal.path).read { db in
      try String.fetchAll(
        db,
        sql: """
          SELECT sql FROM sqlite_master
          WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'
            AND name NOT LIKE 'entry_fts_%'
          ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, name
          """)
    }
    return statements.map { $0 + ";" }.joined(separator: "\n\n") + "\n"
  }

  @Test func journalSQLMatchesANewJournal() throws {
    let current = try Self.currentSchema()
    if ProcessInfo.processInfo.environment["FIELDLOG_UPDATE_SCHEMA"] == "1" {
      try (Self.header + current).write(to: Self.file, atomically: true, encoding: .utf8)
    }
    let committed = try String(contentsOf: Self.file, encoding: .utf8)
    #expect(
      committed == Self.header + current,
      "run FIELDLOG_UPDATE_SCHEMA=1 swift test --filter SchemaTests")
  }

  @Test func journalSQLCreatesAWorkingSchema() throws {
    let committed = try String(contentsOf: Self.file, encoding: .utf8)
    let db = try DatabaseQueue()
    try db.writeWithoutTransaction { try $0.execute(sql: committed) }
    let tables = try db.read {
      try String.fetchAll(
        $0, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    }
    #expect(tables.contains("event"))
    #expect(tables.contains("entry_fts"))
  }

  static let header = """
    -- The schema of a new fieldlog journal (format 1), as SQLite stores it.
    -- Generated from a new journal; SchemaTests fails when this file and the code drift apart.
    -- docs/journal-format.md explains the event, payload and feed tables; the rest are projections.
    PRAGMA application_id = 1179406151;
    PRAGMA journal_mode = WAL;


    """
}

import Foundation
import GRDB
import Testing

@testable import FieldLogCore

@Suite struct JournalTests {
  @Test func aNewJournalIsPrivateToItsOwner() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    try Fixture.record(journal)
    // The journal is still open, so its -wal and -shm files exist and must be private too.
    for suffix in ["", "-wal", "-shm"] {
      #expect(FileManager.default.fileExists(atPath: journal.path + suffix), "\(suffix)")
      let attributes = try FileManager.default.attributesOfItem(atPath: journal.path + suffix)
      #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(suffix)")
    }
  }

  @Test func anExistingFileIsNeverOverwritten() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    try Fixture.record(journal)
    let before = try Data(contentsOf: URL(fileURLWithPath: journal.path))
    #expect(throws: FieldLogError.journalExists(path: journal.path)) {
      try Fixture.journal(in: folder)
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: journal.path)) == before)
    #expect(try Journal.open(at: journal.path).entries().count == 4)
  }

  @Test func theJournalIsInWALModeAndMarkedAsFieldlogs() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    let mode = try Fixture.raw(journal.path).read {
      try String.fetchOne($0, sql: "PRAGMA journal_mode")
    }
    #expect(mode == "wal")
    #expect(
      try Fixture.raw(journal.path).read { try Int32.fetchOne($0, sql: "PRAGMA application_id") }
        == 0x464C_4F47)
  }

  @Test func aMissingJournalIsNotFound() {
    #expect(throws: FieldLogError.journalNotFound(path: "/nonexistent/j.sqlite")) {
      try Journal.open(at: "/nonexistent/j.sqlite")
    }
  }

  @Test func aFileThatIsNotAJournalIsRefusedAndLeftAlone() throws {
    let folder = try TemporaryFolder()
    let text = folder.path("notes.sqlite")
    try Data("dit is geen database\n".utf8).write(to: URL(fileURLWithPath: text))
    #expect { try Journal.open(at: text) } throws: { ($0 as? FieldLogError)?.exitCode == 65 }
    #expect(try Data(contentsOf: URL(fileURLWithPath: text)) == Data("dit is geen database\n".utf8))

    let other = folder.path("other.sqlite")
    try DatabaseQueue(path: other).write { try $0.execute(sql: "CREATE TABLE t (x)") }
    #expect {
      try Journal.open(at: other)
    } throws: {
      ($0 as? FieldLogError)?.message.contains("another program") == true
    }
  }

  @Test func aJournalFromANewerFieldlogIsRefusedAndLeftUntouched() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    try Fixture.raw(journal.path).write { db in
      try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')")
    }
    try Fixture.raw(journal.path).writeWithoutTransaction { db in
      try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
    }
    let before = try Data(contentsOf: URL(fileURLWithPath: journal.path))
    #expect(
      throws: FieldLogError.newerJournal(
        path: journal.path, unknownMigrations: ["v9-from-the-future"])
    ) {
      try Journal.open(at: journal.path)
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: journal.path)) == before)
  }

  @Test(arguments: [
    "UPDATE event SET type = 'forged'",
    "DELETE FROM event",
    "DELETE FROM event WHERE seq = (SELECT max(seq) FROM event)",
    "INSERT OR REPLACE INTO event SELECT * FROM event WHERE seq = 1",
    "REPLACE INTO event SELECT * FROM event WHERE seq = 2",
    "INSERT INTO event SELECT * FROM event WHERE seq = 1 ON CONFLICT DO UPDATE SET type = 'forged'",
    "INSERT OR IGNORE INTO event SELECT * FROM event WHERE seq = 1",
    "UPDATE payload SET json = '{}'",
    "DELETE FROM payload",
    "INSERT OR REPLACE INTO payload SELECT * FROM payload LIMIT 1",
    // STRICT tables: a value of the wrong type would otherwise trip every later reader.
    "UPDATE feed SET head_seq = 'x'",
    "INSERT INTO event (feed, seq, prev, recorded_at, type, subject, commitment, hash) SELECT feed, 'abc', prev, recorded_at, type, subject, commitment, randomblob(32) FROM event LIMIT 1",
  ])
  func theTruthCannotBeEditedThroughSQL(statement: String) throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    try Fixture.record(journal)
    let before = try Fixture.raw(journal.path).read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM event ORDER BY feed, seq").map(\.description)
        + Row.fetchAll(db, sql: "SELECT * FROM payload ORDER BY commitment").map(\.description)
    }
    #expect(throws: DatabaseError.self) {
      try Fixture.raw(journal.path).write { try $0.execute(sql: statement) }
    }
    let after = try Fixture.raw(journal.path).read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM event ORDER BY feed, seq").map(\.description)
        + Row.fetchAll(db, sql: "SELECT * FROM payload ORDER BY commitment").map(\.description)
    }
    #expect(before == after)
    #expect(try journal.verify().ok)
  }

  @Test func rebuildReproducesTheProjectionsExactly() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    try Fixture.record(journal)
    try journal.addNeighbourhood("Bijlmer-Centrum")
    let before = try Fixture.projectionDump(journal.path)
    #expect(before["entry"]?.count == 4)
    #expect(before["entry_fts"]?.count == 4)
    let replayed = try journal.rebuild()
    #expect(replayed == (try journal.verify().events))
    #expect(try Fixture.projectionDump(journal.path) == before)
    #expect(try journal.search("cafe").map(\.title) == ["Koffieochtend"])
  }

  @Test func rebuildHealsAChangedProjectionRow() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    try Fixture.record(journal)
    let before = try Fixture.projectionDump(journal.path)
    try Fixture.raw(journal.path).write { db in
      try db.execute(sql: "UPDATE entry SET title = 'vervalst'")
      try db.execute(sql: "DELETE FROM entry_tag")
      try db.execute(sql: "UPDATE entry_fts SET body = 'vervalst'")
    }
    try journal.rebuild()
    #expect(try Fixture.projectionDump(journal.path) == before)
  }

  @Test func rebuildRefusesADamagedJournalAndChangesNothing() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    try Fixture.record(journal)
    try Fixture.raw(journal.path).write { db in
      try db.execute(sql: "DROP TRIGGER payload_no_update")
      try db.execute(sql: "UPDATE payload SET json = replace(json, 'Twaalf', 'Dertien')")
    }
    let before = try Fixture.projectionDump(journal.path)
    #expect { try journal.rebuild() } throws: { ($0 as? FieldLogError)?.exitCode == 1 }
    #expect(try Fixture.projectionDump(journal.path) == before)
  }

  @Test func aDamagedChainIsNeverExtended() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    try Fixture.record(journal)
    try Fixture.raw(journal.path).write { db in
      try db.execute(sql: "DROP TRIGGER event_no_delete")
      try db.execute(sql: "DELETE FROM event WHERE seq = (SELECT max(seq) FROM event)")
    }
    let before = try Fixture.raw(journal.path).read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM event ORDER BY position").map(\.description)
    }
    let another = EntryDraft(
      kind: .observation, body: "Na de schade", neighbourhood: "Holendrecht", questions: ["RQ1"])
    #expect { try journal.record(another) } throws: { ($0 as? FieldLogError)?.exitCode == 1 }
    let after = try Fixture.raw(journal.path).read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM event ORDER BY position").map(\.description)
    }
    #expect(before == after)
  }
}

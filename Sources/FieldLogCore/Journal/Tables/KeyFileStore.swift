import Foundation
import GRDB

/// The SQL of the key file, its own SQLite file: `person` (a real name per pseudonym), `meta` (the
/// file's random id) and `correction` (why a name was set or removed, never the name).
enum KeyFileStore {
  /// Makes a connection overwrite what it deletes, so a corrected or removed name leaves no free
  /// page behind.
  static func overwriteDeletions(_ db: Database) throws {
    try db.execute(sql: "PRAGMA secure_delete = ON")
  }

  /// Creates the tables and the file's id unless they exist.
  static func createTables(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE IF NOT EXISTS person (
          pseudonym TEXT PRIMARY KEY,
          folded TEXT NOT NULL UNIQUE,
          name TEXT NOT NULL CHECK (name <> ''),
          contact TEXT,
          added_at TEXT NOT NULL
        ) STRICT;
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
        INSERT OR IGNORE INTO meta (key, value) VALUES ('id', lower(hex(randomblob(16))));
        CREATE TABLE IF NOT EXISTS correction (
          pseudonym TEXT NOT NULL,
          change TEXT NOT NULL CHECK (change IN ('set', 'remove')),
          reason TEXT NOT NULL CHECK (reason <> ''),
          corrected_at TEXT NOT NULL
        ) STRICT;
        """)
  }

  /// Whether the file holds a name for the pseudonym whose identity form is `folded`.
  static func hasPerson(folded: String, in db: Database) throws -> Bool {
    try Bool.fetchOne(
      db, sql: "SELECT EXISTS (SELECT 1 FROM person WHERE folded = ?)", arguments: [folded])
      == true
  }

  static func insertPerson(
    pseudonym: String, folded: String, name: String, contact: String?, addedAt: String,
    in db: Database
  ) throws {
    try db.execute(
      sql: "INSERT INTO person (pseudonym, folded, name, contact, added_at) VALUES (?, ?, ?, ?, ?)",
      arguments: [pseudonym, folded, name, contact, addedAt])
  }

  /// Sets the name, and the contact unless nil, of the person filed under `pseudonym`.
  static func updatePerson(pseudonym: String, name: String, contact: String?, in db: Database)
    throws
  {
    try db.execute(
      sql: "UPDATE person SET name = ?, contact = ifnull(?, contact) WHERE pseudonym = ?",
      arguments: [name, contact, pseudonym])
  }

  static func deletePerson(pseudonym: String, in db: Database) throws {
    try db.execute(sql: "DELETE FROM person WHERE pseudonym = ?", arguments: [pseudonym])
  }

  /// Every pseudonym in the file, by identity form.
  static func pseudonyms(in db: Database) throws -> [String] {
    try String.fetchAll(db, sql: "SELECT pseudonym FROM person ORDER BY folded")
  }

  static func insertCorrection(
    pseudonym: String, change: String, reason: String, correctedAt: String, in db: Database
  ) throws {
    try db.execute(
      sql: """
        INSERT INTO correction (pseudonym, change, reason, corrected_at) VALUES (?, ?, ?, ?)
        """, arguments: [pseudonym, change, reason, correctedAt])
  }

  /// The file's random id; nil when it has none.
  static func fileID(in db: Database) throws -> String? {
    try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'id'")
  }

  /// Everyone in the file, by identity form.
  static func people(in db: Database) throws -> [KeyFile.Person] {
    try Row.fetchAll(db, sql: "SELECT pseudonym, name, contact FROM person ORDER BY folded").map {
      KeyFile.Person(pseudonym: $0["pseudonym"], name: $0["name"], contact: $0["contact"])
    }
  }
}

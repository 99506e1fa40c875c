import Crypto
import Foundation
import GRDB

/// What the journal keeps about the real-name guard, in tables of this file alone.
///
/// Neither is an event: which key file sits beside which copy of the journal, and which ordinary
/// words a study lets through, are facts about this installation, not fieldwork; an event would
/// carry them into every colleague's journal and the signed chain for good. Both tables survive a
/// snapshot, so a copy of a guarded journal stays guarded.
enum NameGuardMemory {
  /// The fingerprint of a key file id: SHA-256 under its own tag, so it gives away nothing.
  static func fingerprint(keyFileID: String) -> String {
    Hashing.hex(Data(SHA256.hash(data: Data(("fieldlog.key-file\u{0}" + keyFileID).utf8))))
  }
}

extension Journal {
  /// Remembers that this journal was used with the key file of this fingerprint; returns whether
  /// it knew another key file but not this one.
  @discardableResult
  public func rememberKeyFile(fingerprint: String) throws -> Bool {
    try write { db in
      let known = try String.fetchAll(db, sql: "SELECT fingerprint FROM key_file_use")
      guard !known.contains(fingerprint) else { return false }
      try db.execute(
        sql: "INSERT INTO key_file_use (fingerprint, first_used_at) VALUES (?, ?)",
        arguments: [fingerprint, FieldTime.recordedAt()])
      return !known.isEmpty
    }
  }

  /// The fingerprints of the key files this journal was used with (none: never used with one).
  public func keyFileFingerprints() throws -> [String] {
    try read { db in
      try String.fetchAll(db, sql: "SELECT fingerprint FROM key_file_use ORDER BY first_used_at")
    }
  }

  /// The ordinary words the study lets through the guard (its study file's `allow_words`).
  public func allowedWords() throws -> [String] {
    try read { db in try NameGuardMemory.allowedWords(db) }
  }
}

extension NameGuardMemory {
  static func allowedWords(_ db: Database) throws -> [String] {
    guard try db.tableExists("allowed_word") else { return [] }
    return try String.fetchAll(db, sql: "SELECT word FROM allowed_word ORDER BY folded")
  }

  static func recordAllowedWords(_ words: [String], in db: Database) throws {
    for word in words {
      try db.execute(
        sql: "INSERT OR IGNORE INTO allowed_word (folded, word) VALUES (?, ?)",
        arguments: [Text.matchFold(word), word])
    }
  }

  /// The study's place names: name words inside them ("Jan" in "Jan van Maijenbuurt") are not a
  /// person's. Initiative names are not among them: they may well carry a person's name.
  static func vocabulary(_ db: Database) throws -> [String] {
    try String.fetchAll(db, sql: "SELECT name FROM neighbourhood")
  }

  /// The guard for an export: the key file's names, the study's allowed words and the ones given.
  static func nameGuard(people: [KeyFile.Person], allowWords: [String], db: Database) throws
    -> NameGuard
  {
    NameGuard(
      people: people, allowWords: try allowedWords(db) + allowWords, vocabulary: try vocabulary(db))
  }
}

extension Journal {
  /// The real-name guard for these people, with the study's allowed words and `allowWords`.
  public func nameGuard(people: [KeyFile.Person], allowWords: [String] = []) throws -> NameGuard {
    try read { db in
      try NameGuardMemory.nameGuard(people: people, allowWords: allowWords, db: db)
    }
  }
}

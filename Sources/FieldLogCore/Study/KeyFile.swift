import Foundation
import GRDB

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The key file: real names and contact details per pseudonym, kept apart from the journal.
///
/// It is its own SQLite file (mode 0600, rollback journal, so reading it leaves no side files).
/// Nothing in it is ever written to the journal or to an export.
public struct KeyFile: Sendable {
  /// A real name behind a pseudonym.
  public struct Person: Equatable, Sendable {
    public var pseudonym: String
    public var name: String
    public var contact: String?
  }

  public let path: String
  private let writer: any DatabaseWriter

  /// `fieldlog-keys.sqlite` next to the journal.
  public static func defaultPath(nextTo journalPath: String) -> String {
    URL(fileURLWithPath: journalPath).deletingLastPathComponent()
      .appendingPathComponent("fieldlog-keys.sqlite").path
  }

  private init(path: String, writer: any DatabaseWriter) {
    self.path = path
    self.writer = writer
  }

  /// Opens the key file to read it; nil when there is none. It is never written through this.
  public static func openForReading(at path: String) throws -> KeyFile? {
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    var configuration = Configuration()
    configuration.readonly = true
    do {
      return KeyFile(
        path: path, writer: try DatabaseQueue(path: path, configuration: configuration))
    } catch let error as DatabaseError {
      throw Journal.map(error, path: path, what: "the key file")
    }
  }

  /// Opens the key file to add to it, creating it (mode 0600) when it does not exist.
  public static func openForWriting(at path: String) throws -> KeyFile {
    if !FileManager.default.fileExists(atPath: path) {
      let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
      guard descriptor >= 0, fchmod(descriptor, 0o600) == 0 else {
        throw FieldLogError.io(
          "cannot create the key file '\(path)': \(String(cString: strerror(errno)))")
      }
      close(descriptor)
    }
    do {
      let queue = try DatabaseQueue(path: path)
      try queue.write { db in
        try db.execute(
          sql: """
            CREATE TABLE IF NOT EXISTS person (
              pseudonym TEXT PRIMARY KEY,
              folded TEXT NOT NULL UNIQUE,
              name TEXT NOT NULL CHECK (name <> ''),
              contact TEXT,
              added_at TEXT NOT NULL
            ) STRICT
            """)
      }
      return KeyFile(path: path, writer: queue)
    } catch let error as DatabaseError {
      throw Journal.map(error, path: path, what: "the key file")
    }
  }

  /// Adds the real name behind a pseudonym the journal knows.
  public func add(_ pseudonym: String, name: String, contact: String?, journal: Journal) throws {
    let registered = try journal.registeredPseudonym(pseudonym)
    let name = try Text.line(name, what: "name of \(registered)")
    let contact = try contact.map { try Text.line($0, what: "contact of \(registered)") }
    do {
      try writer.write { db in
        if try Bool.fetchOne(
          db, sql: "SELECT EXISTS (SELECT 1 FROM person WHERE folded = ?)",
          arguments: [Text.fold(registered)]) == true
        {
          throw FieldLogError.invalidInput("the key file holds a name for '\(registered)' already")
        }
        try db.execute(
          sql:
            "INSERT INTO person (pseudonym, folded, name, contact, added_at) VALUES (?, ?, ?, ?, ?)",
          arguments: [registered, Text.fold(registered), name, contact, FieldTime.recordedAt()])
      }
    } catch let error as DatabaseError {
      throw Journal.map(error, path: path, what: "the key file")
    }
  }

  /// Everyone in the key file.
  public func people() throws -> [Person] {
    do {
      return try writer.read { db in
        guard try db.tableExists("person") else { return [] }
        return try Row.fetchAll(
          db, sql: "SELECT pseudonym, name, contact FROM person ORDER BY folded"
        ).map { Person(pseudonym: $0["pseudonym"], name: $0["name"], contact: $0["contact"]) }
      }
    } catch let error as DatabaseError {
      throw Journal.map(error, path: path, what: "the key file")
    }
  }
}

extension Journal {
  /// The pseudonym as the study's register has it, or an error naming the closest.
  public func registeredPseudonym(_ pseudonym: String) throws -> String {
    try read { db in try ParticipantRegister.known(pseudonym, in: db) }
  }
}

/// Refuses output that would contain a real name from the key file.
///
/// Names are compared case- and diacritics-insensitively as whole words: the full name must occur
/// as a run of words ("Fatima el Amrani" matches "fatima el amrani," but not "Fatimah"). Parts of a
/// name alone are not matched, because they are often ordinary words or place names ("Jan" in
/// "Jan van Maijenbuurt").
public struct NameGuard: Sendable {
  private let names: [(pseudonym: String, words: [String])]

  public init(people: [KeyFile.Person]) {
    names = people.map { ($0.pseudonym, Self.words($0.name)) }.filter { !$0.1.isEmpty }
  }

  /// The pseudonym whose real name occurs in `text`, if any.
  public func nameFound(in text: String) -> String? {
    let words = Self.words(text)
    guard !words.isEmpty else { return nil }
    for (pseudonym, name) in names where name.count <= words.count {
      for start in 0...(words.count - name.count) where words[start] == name[0] {
        if Array(words[start..<(start + name.count)]) == name { return pseudonym }
      }
    }
    return nil
  }

  /// Refuses (exit 65) when any text of an entry holds a real name, naming the entry.
  public func check(entryID: String, texts: [String]) throws {
    try check(place: "entry \(entryID.prefix(8))", texts: texts)
  }

  /// Refuses (exit 65) when a text holds a real name; `place` says where, e.g. "code 'x'".
  public func check(place: String, texts: [String]) throws {
    for text in texts {
      if let pseudonym = nameFound(in: text) {
        throw FieldLogError.invalidInput(
          "\(place) holds the real name of \(pseudonym) from the key file; nothing was exported",
          hint: "change or redact it, or export with --allow-names")
      }
    }
  }

  static func words(_ text: String) -> [String] {
    Text.fold(text).split { !($0.isLetter || $0.isNumber) }.map(String.init)
  }
}

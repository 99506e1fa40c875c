import Foundation
import GRDB

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A fieldlog journal: one SQLite file whose `event` table is the append-only truth.
///
/// Every public write method is one IMMEDIATE transaction that appends events and updates the projections
/// together, so a failure leaves the journal exactly as it was.
public struct Journal: Sendable {
  /// The path the journal was opened at.
  public let path: String
  private let writer: DatabaseQueue

  private init(path: String, writer: DatabaseQueue) {
    self.path = path
    self.writer = writer
  }

  /// The path used when neither `--journal` nor `FIELDLOG_JOURNAL` names one.
  public static let defaultPath = "fieldlog.sqlite"

  /// Resolves the journal path: an explicit path, else `FIELDLOG_JOURNAL`, else `./fieldlog.sqlite`.
  public static func resolvePath(_ explicit: String?, environment: [String: String]) -> String {
    if let explicit, !explicit.isEmpty { return explicit }
    if let fromEnvironment = environment["FIELDLOG_JOURNAL"], !fromEnvironment.isEmpty {
      return fromEnvironment
    }
    return defaultPath
  }

  // MARK: Opening

  /// Opens an existing journal, upgrading its schema when it is older than this fieldlog.
  public static func open(at path: String) throws -> Journal {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw FieldLogError.journalNotFound(path: path)
    }
    if isDirectory.boolValue {
      throw FieldLogError.notAJournal(path: path, reason: "it is a folder")
    }
    let queue = try connect(path)
    let journal = Journal(path: path, writer: queue)
    try journal.checkFormat()
    return journal
  }

  /// Creates a new journal (mode 0600) for a study, never touching an existing file.
  public static func create(at path: String, study: Study, author: String, now: Date = Date())
    throws -> Journal
  {
    let author = try Text.line(author, what: "author")
    let descriptor = Glibc.open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
      let code = errno
      if code == EEXIST { throw FieldLogError.journalExists(path: path) }
      if code == ENOENT {
        throw FieldLogError.fileNotFound(path: (path as NSString).deletingLastPathComponent)
      }
      throw FieldLogError.io(
        "cannot create the journal '\(path)': \(String(cString: strerror(code)))")
    }
    // umask can only take permissions away; make sure the owner can read and write, nobody else.
    fchmod(descriptor, 0o600)
    close(descriptor)
    do {
      let queue = try connect(path)
      try queue.writeWithoutTransaction { db in
        try db.execute(sql: "PRAGMA journal_mode = WAL")
        try db.execute(sql: "PRAGMA application_id = \(Schema.applicationID)")
      }
      try Schema.migrator.migrate(queue)
      let journal = Journal(path: path, writer: queue)
      try journal.write { db in
        let feed = UUID()
        try db.execute(
          sql: "INSERT INTO local (key, value) VALUES ('writer_feed', ?), ('author', ?)",
          arguments: [feed.lowercased, author])
        try StudyRecorder.recordNewStudy(study, author: author, in: db, at: now)
      }
      return journal
    } catch {
      for suffix in ["", "-wal", "-shm", "-journal"] {
        try? FileManager.default.removeItem(atPath: path + suffix)
      }
      throw error
    }
  }

  private static func connect(_ path: String) throws -> DatabaseQueue {
    var configuration = Configuration()
    configuration.foreignKeysEnabled = true
    configuration.busyMode = .timeout(30)
    configuration.label = "fieldlog"
    configuration.prepareDatabase { db in
      try db.execute(sql: "PRAGMA synchronous = FULL")
    }
    do {
      return try DatabaseQueue(path: path, configuration: configuration)
    } catch let error as DatabaseError {
      throw map(error, path: path)
    }
  }

  /// Refuses files that are not journals, and journals from a newer fieldlog, before writing anything.
  private func checkFormat() throws {
    let migrator = Schema.migrator
    let state = try read { db -> (Int32, Bool, Bool, [String]) in
      let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
      let hasMigrations = try db.tableExists("grdb_migrations")
      guard applicationID == Schema.applicationID, hasMigrations else {
        return (applicationID, hasMigrations, false, [])
      }
      let known = Set(migrator.migrations)
      let unknown = try migrator.appliedIdentifiers(db).filter { !known.contains($0) }
      let complete = try migrator.hasCompletedMigrations(db)
      return (applicationID, hasMigrations, complete, unknown.sorted())
    }
    guard state.0 == Schema.applicationID else {
      throw FieldLogError.notAJournal(
        path: path,
        reason: state.0 == 0
          ? "it is an SQLite database of another program" : "its application id is \(state.0)")
    }
    guard state.1 else {
      throw FieldLogError.notAJournal(path: path, reason: "it has no schema history")
    }
    if !state.3.isEmpty {
      throw FieldLogError.newerJournal(path: path, unknownMigrations: state.3)
    }
    if !state.2 {
      do {
        try migrator.migrate(writer)
      } catch let error as DatabaseError {
        throw Self.map(error, path: path)
      }
    }
  }

  // MARK: Transactions

  /// Runs `body` in one IMMEDIATE transaction; SQLite errors become `FieldLogError`s.
  @discardableResult
  func write<T>(_ body: (Database) throws -> T) throws -> T {
    do {
      var result: T?
      try writer.inTransaction(.immediate) { db in
        result = try body(db)
        return .commit
      }
      guard let result else { throw FieldLogError.io("the journal '\(path)' did not commit") }
      return result
    } catch let error as DatabaseError {
      throw Self.map(error, path: path)
    }
  }

  /// Runs `body` in a read transaction.
  func read<T>(_ body: (Database) throws -> T) throws -> T {
    do {
      return try writer.read(body)
    } catch let error as DatabaseError {
      throw Self.map(error, path: path)
    }
  }

  /// Turns an SQLite error into a message a researcher can act on.
  static func map(_ error: DatabaseError, path: String) -> FieldLogError {
    let detail = error.message ?? "\(error.resultCode)"
    switch error.resultCode {
    case .SQLITE_BUSY, .SQLITE_LOCKED:
      return .io(
        "the journal '\(path)' is busy: another fieldlog kept it locked too long",
        hint: "try again")
    case .SQLITE_READONLY:
      return .io(
        "the journal '\(path)' is read-only; nothing was recorded",
        hint: "check the permissions of the file and its folder")
    case .SQLITE_FULL:
      return .io("the disk holding '\(path)' is full; nothing was recorded")
    case .SQLITE_NOTADB:
      return .notAJournal(path: path, reason: "it is not an SQLite database")
    case .SQLITE_CORRUPT:
      return .damaged("the journal '\(path)' is corrupt: \(detail)")
    case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
      return .io("cannot open the journal '\(path)': \(detail)")
    case .SQLITE_CONSTRAINT:
      return .damaged("the journal '\(path)' refused the change: \(detail)")
    default:
      return .io("the journal '\(path)' could not be used: \(detail)")
    }
  }
}

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
  let writer: any DatabaseWriter
  /// Where the private key that signs this journal's own events is kept.
  public let keys: SigningKeys

  private init(path: String, writer: any DatabaseWriter, keys: SigningKeys) {
    self.path = path
    self.writer = writer
    self.keys = keys
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
  public static func open(at path: String, keys: SigningKeys = .standard()) throws -> Journal {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw FieldLogError.journalNotFound(path: path)
    }
    if isDirectory.boolValue {
      throw FieldLogError.notAJournal(path: path, reason: "it is a folder")
    }
    let queue = try connect(path)
    let journal = Journal(path: path, writer: queue, keys: keys)
    try journal.checkFormat()
    try journal.signLegacyFeed()
    return journal
  }

  /// Opens a journal to read only (`verify`, a merge's source, a colleague's study): nothing in
  /// its file is changed, not even its schema, and nothing is signed. `keys` says where its own
  /// feed's key file would be, for `verify` to tell a vanished key row from a legacy journal.
  public static func openForReading(at path: String, keys: SigningKeys = SigningKeys(folder: "/"))
    throws -> Journal
  {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw FieldLogError.journalNotFound(path: path)
    }
    if isDirectory.boolValue {
      throw FieldLogError.notAJournal(path: path, reason: "it is a folder")
    }
    let journal = Journal(path: path, writer: try connect(path, readOnly: true), keys: keys)
    try journal.checkFormat(migrate: false)
    // Later schema steps only add to what the signed schema holds: a journal that has it can be
    // read and verified as it is.
    guard try journal.read({ db in try db.tableExists("feed_key") && db.tableExists("signature") })
    else {
      throw FieldLogError.invalidInput(
        "the journal '\(path)' was made by an older fieldlog and its feeds are not signed",
        hint: "open it once with this fieldlog (e.g. 'fieldlog list --journal \(path)'), which "
          + "signs it, then try again")
    }
    return journal
  }

  /// Creates a new journal (mode 0600) for a study, never touching an existing file.
  ///
  /// The journal is built under a temporary name in the same folder and linked into place only when
  /// it is complete, so an interrupted `init` leaves no half-made journal behind.
  public static func create(
    at path: String, study: Study, author: String, keys: SigningKeys = .standard(),
    now: Date = Date(), extra: ((Database) throws -> Void)? = nil
  ) throws -> Journal {
    let author = try Text.line(author, what: "author")
    let folder = Self.folder(holding: path)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw FieldLogError.fileNotFound(path: folder)
    }
    if FileManager.default.fileExists(atPath: path) {
      throw FieldLogError.journalExists(path: path)
    }
    let linked = try createPrivately(at: path, what: "the journal") { temporary in
      try build(at: temporary, study: study, author: author, keys: keys, now: now, extra: extra)
    }
    guard linked else { throw FieldLogError.journalExists(path: path) }
    return try open(at: path, keys: keys)
  }

  /// Makes a new file at `path`, only its owner may read, from a temporary one in the same folder
  /// that `fill` writes: it is linked into place only when complete, so an interruption leaves no
  /// half file, and link() never replaces one. False when a file appeared at `path` meanwhile.
  /// With `replace` (`--force`, after `checkOutput`) it is renamed over an existing file instead.
  /// Temporaries that killed processes left in that folder are removed first (`StaleTemporaries`).
  static func createPrivately(
    at path: String, what: String, replace: Bool = false, _ fill: (String) throws -> Void
  ) throws -> Bool {
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent()
    StaleTemporaries.remove(in: folder.path)
    let temporary = folder.appendingPathComponent(StaleTemporaries.name(for: url.lastPathComponent))
      .path
    defer {
      for suffix in ["", "-wal", "-shm", "-journal"] { unlink(temporary + suffix) }
    }
    try createPrivateFile(temporary, for: path, what: what)
    try fill(temporary)
    if replace {
      guard rename(temporary, path) == 0 else {
        let code = errno
        throw FieldLogError.io(
          "cannot write \(what) '\(path)': \(String(cString: strerror(code)))")
      }
      return true
    }
    guard link(temporary, path) == 0 else {
      let code = errno
      if code == EEXIST { return false }
      throw FieldLogError.io("cannot create \(what) '\(path)': \(String(cString: strerror(code)))")
    }
    return true
  }

  /// An empty file only its owner can read and write, whatever the umask.
  private static func createPrivateFile(_ temporary: String, for path: String, what: String)
    throws
  {
    do {
      try PrivateFile.create(at: temporary)
    } catch {
      throw FieldLogError.io(
        "cannot create \(what) '\(path)': \(error.reason)",
        hint: "check that you may write in its folder")
    }
  }

  /// Writes the schema and the study into the file at `temporary`, then closes it fully
  /// checkpointed, so the one file holds everything.
  private static func build(
    at temporary: String, study: Study, author: String, keys: SigningKeys, now: Date,
    extra: ((Database) throws -> Void)?
  ) throws {
    let queue = try connect(temporary)
    do {
      try queue.writeWithoutTransaction { db in
        try db.execute(sql: "PRAGMA journal_mode = WAL")
      }
      _ = try seed(
        queue, path: temporary, study: study, author: author, keys: keys, now: now, extra: extra)
      try queue.writeWithoutTransaction { db in
        try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
      }
      try queue.close()
    } catch let error as DatabaseError {
      throw map(error, path: temporary)
    }
  }

  /// Gives a new, empty database the journal's schema, a feed of its own with a new signing key,
  /// and the study: what `create` writes into its file and `inMemory` into memory.
  private static func seed(
    _ queue: DatabaseQueue, path: String, study: Study, author: String, keys: SigningKeys,
    now: Date, extra: ((Database) throws -> Void)?
  ) throws -> Journal {
    try queue.writeWithoutTransaction { db in
      try db.execute(sql: "PRAGMA application_id = \(SchemaExpectations.applicationID)")
    }
    try Schema.migrator.migrate(queue)
    let journal = Journal(path: path, writer: queue, keys: keys)
    try journal.write { db in
      try db.execute(
        sql: "INSERT INTO local (key, value) VALUES ('writer_feed', ?), ('author', ?)",
        arguments: [UUID().lowercased, author])
      try StudyRecorder.recordNewStudy(study, author: author, in: db, at: now)
      try NameGuardMemory.recordAllowedWords(study.allowWords, in: db)
      try extra?(db)
    }
    return journal
  }

  /// A journal in memory only, for tests of Core that need no file and no process: the schema,
  /// the study and a signed feed of its own, as `create` makes them. Its signing key is written to
  /// `keys` (give a temporary folder); it is gone when the journal is.
  public static func inMemory(
    study: Study, author: String = "Sanne de Vries", keys: SigningKeys, now: Date = Date()
  ) throws -> Journal {
    var configuration = Configuration()
    configuration.foreignKeysEnabled = true
    configuration.label = "fieldlog"
    do {
      return try seed(
        try DatabaseQueue(configuration: configuration), path: ":memory:", study: study,
        author: try Text.line(author, what: "author"), keys: keys, now: now, extra: nil)
    } catch let error as DatabaseError {
      throw map(error, path: ":memory:")
    }
  }

  private static func connect(_ path: String, readOnly: Bool = false) throws -> DatabaseQueue {
    var configuration = Configuration()
    configuration.readonly = readOnly
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

  /// Refuses files that are not journals, and journals from a newer fieldlog, before writing anything;
  /// returns whether the schema is complete (after migrating it, when `migrate`).
  @discardableResult
  private func checkFormat(migrate: Bool = true) throws -> Bool {
    let migrator = Schema.migrator
    let state = try read { db -> (Int32, Bool, Bool, [String]) in
      let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
      let hasMigrations = try db.tableExists("grdb_migrations")
      guard applicationID == SchemaExpectations.applicationID, hasMigrations else {
        return (applicationID, hasMigrations, false, [])
      }
      let known = Set(migrator.migrations)
      let unknown = try migrator.appliedIdentifiers(db).filter { !known.contains($0) }
      // Read only, a journal is complete enough once its feeds are signed: later steps add
      // projections, which a merge or `init --from` of an older colleague's journal does not need.
      let complete =
        migrate
        ? try migrator.hasCompletedMigrations(db)
        : try migrator.appliedIdentifiers(db).contains("v2-signed-feeds")
      return (applicationID, hasMigrations, complete, unknown.sorted())
    }
    guard state.0 == SchemaExpectations.applicationID else {
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
    if !state.2 && migrate {
      do {
        try migrator.migrate(writer)
      } catch let error as DatabaseError {
        throw Self.map(error, path: path)
      }
      return true
    }
    return state.2
  }

  /// A journal made before feeds were signed gets its key, and its own events their signatures, the
  /// first time this fieldlog opens it. A journal that cannot be written to stays as it is: `verify`
  /// then reports its events as unsigned. A feed whose key row vanished is no legacy feed: it is
  /// opened for reading, and every write on it is refused (`Signatures.signNewEvents`).
  private func signLegacyFeed() throws {
    let legacy = try read { db -> Bool in
      guard let head = try Self.ownHead(db), !head.keyed else { return false }
      return try Signatures.isLegacy(feed: EventLog.writerFeed(db), keys: keys, in: db)
    }
    guard legacy else { return }
    do {
      try write { _ in }
    } catch FieldLogError.io {
    }
  }

  // MARK: Transactions

  /// Runs `body` in one IMMEDIATE transaction; SQLite errors become `FieldLogError`s.
  @discardableResult
  func write<T>(_ body: (Database) throws -> T) throws -> T {
    do {
      var result: T?
      try writer.writeWithoutTransaction { db in
        try db.inTransaction(.immediate) {
          let before = try Self.ownHead(db)
          result = try FeedWriter.during(db) { try body(db) }
          // Only what this transaction appended is signed; `before` is nil when it opened the feed.
          if let after = try Self.ownHead(db),
            before == nil || after.seq != before?.seq || !after.keyed
          {
            try Signatures.signNewEvents(after: before?.seq, keys: keys, in: db)
          }
          return .commit
        }
      }
      guard let result else { throw FieldLogError.io("the journal '\(path)' did not commit") }
      return result
    } catch let error as DatabaseError {
      throw Self.map(error, path: path)
    }
  }

  /// This journal's own feed: its head seq (0 before its first event) and whether its key is recorded;
  /// nil for a file with no feed of its own (a snapshot).
  private static func ownHead(_ db: Database) throws -> (seq: Int64, keyed: Bool)? {
    guard
      let row = try Row.fetchOne(
        db.cachedStatement(
          sql: """
            SELECT ifnull((SELECT head_seq FROM feed WHERE id = l.value), 0) AS seq,
              EXISTS (SELECT 1 FROM feed_key WHERE feed = l.value) AS keyed
            FROM local l WHERE l.key = 'writer_feed'
            """))
    else { return nil }
    return (row["seq"], row["keyed"])
  }

  /// Runs `body` in a read transaction.
  func read<T>(_ body: (Database) throws -> T) throws -> T {
    do {
      return try writer.read(body)
    } catch let error as DatabaseError {
      throw Self.map(error, path: path)
    }
  }

  private static func folder(holding path: String) -> String {
    URL(fileURLWithPath: path).deletingLastPathComponent().path
  }

  /// Whether the file system of the journal has no room left (SQLite reports a failed write to its
  /// shared-memory file as a plain I/O error).
  static func diskIsFull(holding path: String) -> Bool {
    var info = statvfs()
    guard statvfs(folder(holding: path), &info) == 0 else { return false }
    return info.f_bavail == 0
  }

  static func folderIsWritable(holding path: String) -> Bool {
    access(folder(holding: path), W_OK) == 0
  }

  /// Turns an SQLite error into a message a researcher can act on.
  /// `what` names the file: "the journal", or "the key file" for the other SQLite file fieldlog keeps.
  static func map(_ error: DatabaseError, path: String, what: String = "the journal")
    -> FieldLogError
  {
    let detail = error.message ?? "\(error.resultCode)"
    switch error.resultCode {
    case .SQLITE_BUSY, .SQLITE_LOCKED:
      return .io(
        "\(what) '\(path)' is busy: another fieldlog kept it locked too long",
        hint: "try again")
    case .SQLITE_READONLY:
      return .io(
        "\(what) '\(path)' is read-only; nothing was recorded",
        hint: "check the permissions of the file and its folder")
    case .SQLITE_FULL:
      return .io("the disk holding '\(path)' is full; nothing was recorded")
    case .SQLITE_IOERR where diskIsFull(holding: path):
      return .io(
        "the disk holding '\(path)' is full; nothing was recorded",
        hint: "make room on the disk, then try again")
    case .SQLITE_CANTOPEN where !folderIsWritable(holding: path):
      return .io(
        "cannot open \(what) '\(path)': its folder is read-only, and SQLite must write its "
          + "'-wal' and '-shm' files next to it",
        hint: "make the folder writable, or copy the journal to a folder you may write in")
    case .SQLITE_NOTADB where what != "the journal":
      return .invalidInput("\(what) '\(path)' is not an SQLite database")
    case .SQLITE_NOTADB:
      return .notAJournal(path: path, reason: "it is not an SQLite database")
    case .SQLITE_CORRUPT:
      return .damaged("\(what) '\(path)' is corrupt: \(detail)")
    case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
      return .io("cannot open \(what) '\(path)': \(detail)")
    case .SQLITE_CONSTRAINT:
      return .damaged("\(what) '\(path)' refused the change: \(detail)")
    default:
      return .io("\(what) '\(path)' could not be used: \(detail)")
    }
  }
}

import Foundation
import GRDB

/// Appends events to this journal's own feed and keeps the projections in step.
enum EventLog {
  static let zeroHash = Data(count: 32)

  /// The feed this journal installation writes.
  static func writerFeed(_ db: Database) throws -> String {
    guard
      let feed = try String.fetchOne(
        try db.cachedStatement(sql: "SELECT value FROM local WHERE key = 'writer_feed'"))
    else {
      throw FieldLogError.invalidInput(
        "this journal is a snapshot or a copy: it has no feed of its own to write to; nothing was "
          + "recorded",
        hint: "start your own journal from it with 'fieldlog init --from JOURNAL'")
    }
    return feed
  }

  /// The author this journal installation records as.
  static func author(_ db: Database) throws -> String {
    try String.fetchOne(try db.cachedStatement(sql: "SELECT value FROM local WHERE key = 'author'"))
      ?? "unknown"
  }

  /// Appends one event with its payload, applies it to the projections, and returns it. Within
  /// `FeedWriter.during` (every `Journal.write`) the writer's state is read once per transaction.
  @discardableResult
  static func append<Payload: EventPayload>(
    _ type: EventType, subject: UUID, target: Data? = nil, payload: Payload, in db: Database,
    at date: Date = Date()
  ) throws -> StoredEvent {
    if let writer = try FeedWriter.current(db) {
      return try writer.append(type, subject: subject, target: target, payload: payload, at: date)
    }
    let writer = try FeedWriter(db)
    let event = try writer.append(
      type, subject: subject, target: target, payload: payload, at: date)
    try writer.finish()
    return event
  }

  /// A trigger that is not fieldlog's could make an INSERT do nothing (RAISE(IGNORE)): never report
  /// success for a write that did not happen.
  static func requireOneRow(_ db: Database, _ table: String) throws {
    guard db.changesCount == 1 else {
      throw FieldLogError.damaged(
        "the journal did not store the \(table) row: something other than fieldlog changes its "
          + "tables; nothing was recorded")
    }
  }
}

/// This journal's own feed while one transaction appends to it. It reads the writer's state (feed,
/// head, clock floor) at the first append, keeps it in step with every event it appends, and
/// records the feed's new head once, at the end of the transaction (`finish`).
///
/// Used only on its database connection's queue, inside one transaction.
final class FeedWriter: @unchecked Sendable {
  let db: Database
  let feed: String
  private let feedID: UUID
  private(set) var seq: Int64
  private(set) var head: Data
  private var lastRecordedAt: String?
  private let floor: String?
  private var appended = false

  /// Reads the writer's state, and refuses a feed whose events do not end at its recorded head.
  init(_ db: Database) throws {
    self.db = db
    feed = try EventLog.writerFeed(db)
    guard let feedID = UUID(uuidString: feed) else {
      throw FieldLogError.damaged("the journal's writer feed '\(feed)' is not a UUID")
    }
    self.feedID = feedID
    let last = try Row.fetchOne(
      try db.cachedStatement(
        sql: "SELECT seq, hash, recorded_at FROM event WHERE feed = ? ORDER BY seq DESC LIMIT 1"),
      arguments: [feed])
    let recorded = try Row.fetchOne(
      try db.cachedStatement(sql: "SELECT head_seq, head_hash FROM feed WHERE id = ?"),
      arguments: [feed])
    // Never extend a chain whose tail differs from the head this file recorded: that would hide damage.
    if last?["seq"] as Int64? != recorded?["head_seq"] as Int64?
      || last?["hash"] as Data? != recorded?["head_hash"] as Data?
    {
      throw FieldLogError.damaged(
        "the journal's feed \(feed.prefix(8)) does not end at its recorded head; nothing was recorded"
      )
    }
    seq = last?["seq"] ?? 0
    head = last?["hash"] ?? EventLog.zeroHash
    lastRecordedAt = last?["recorded_at"]
    floor = try String.fetchOne(
      try db.cachedStatement(sql: "SELECT value FROM local WHERE key = 'clock_floor'"))
  }

  /// Appends one event with its payload after the current head and applies it to the projections.
  func append<Payload: EventPayload>(
    _ type: EventType, subject: UUID, target: Data?, payload: Payload, at date: Date
  ) throws -> StoredEvent {
    precondition(
      type.payloadType == Payload.self, "\(type.rawValue) does not carry \(Payload.self)")
    var unchanged = true
    let json = try CanonicalJSON.encode(payload, unchanged: &unchanged)
    let salt = Hashing.randomBytes(32)
    let commitment = Hashing.commitment(salt: salt, json: json)
    // Never earlier than anything this journal holds: so every event sorts after all it could have
    // seen, and replaying in time order (Replay) is the order things happened here, whatever the
    // clocks of merged journals said.
    let now = FieldTime.recordedAt(date)
    let recordedAt = [now, lastRecordedAt, floor].compactMap { $0 }.max() ?? now
    let next = seq + 1
    let hash = Hashing.eventHash(
      feed: feedID, seq: next, prev: head, recordedAt: recordedAt, type: type.rawValue,
      subject: subject, target: target, commitment: commitment)
    let event = StoredEvent(
      feed: feed, seq: next, prev: head, recordedAt: recordedAt, type: type.rawValue,
      subject: subject.lowercased, target: target, commitment: commitment, hash: hash)
    try db.cachedStatement(sql: "INSERT INTO payload (commitment, salt, json) VALUES (?, ?, ?)")
      .execute(arguments: [commitment, salt, String(decoding: json, as: UTF8.self)])
    try EventLog.requireOneRow(db, "payload")
    try db.cachedStatement(
      sql: """
        INSERT INTO event (feed, seq, prev, recorded_at, type, subject, target, commitment, hash)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    ).execute(arguments: [
      feed, next, head, recordedAt, type.rawValue, event.subject, target, commitment, hash,
    ])
    try EventLog.requireOneRow(db, "event")
    seq = next
    head = hash
    lastRecordedAt = recordedAt
    appended = true
    // A payload whose strings were NFC already reads back as itself: project it as it is.
    if unchanged {
      try payload.project(event, as: type, in: db)
    } else {
      try Projector.apply(event, json: json, in: db)
    }
    return event
  }

  /// Records the feed's head after what this transaction appended.
  func finish() throws {
    guard appended else { return }
    try db.cachedStatement(
      sql: """
        INSERT INTO feed (id, head_seq, head_hash) VALUES (?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET head_seq = excluded.head_seq, head_hash = excluded.head_hash
        """
    ).execute(arguments: [feed, seq, head])
    appended = false
  }

  // MARK: One writer per transaction

  /// The writers of the transactions under way, by connection; nil until a transaction appends.
  private final class Registry: @unchecked Sendable {
    let lock = NSLock()
    var writers: [ObjectIdentifier: FeedWriter?] = [:]
  }
  private static let registry = Registry()

  /// Runs `body` (one transaction's work) with one writer for all it appends, then records the
  /// feed's head.
  static func during<T>(_ db: Database, _ body: () throws -> T) throws -> T {
    let key = ObjectIdentifier(db)
    registry.lock.withLock { registry.writers[key] = .some(nil) }
    defer { _ = registry.lock.withLock { registry.writers.removeValue(forKey: key) } }
    let result = try body()
    if let writer = registry.lock.withLock({ registry.writers[key] ?? nil }) {
      try writer.finish()
    }
    return result
  }

  /// The writer of the transaction under way on `db`, made at its first append; nil outside
  /// `during`.
  static func current(_ db: Database) throws -> FeedWriter? {
    let key = ObjectIdentifier(db)
    let slot = registry.lock.withLock { registry.writers[key] }
    guard let slot else { return nil }
    if let writer = slot { return writer }
    let writer = try FeedWriter(db)
    registry.lock.withLock { registry.writers[key] = writer }
    return writer
  }
}

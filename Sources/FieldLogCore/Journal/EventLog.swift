import Foundation
import GRDB

/// What kind of change an event records. The raw values are part of the journal format.
public enum EventType: String, Sendable, CaseIterable {
  case feedOpened = "feed.opened"
  case neighbourhoodAdded = "neighbourhood.added"
  case initiativeAdded = "initiative.added"
  case questionAdded = "question.added"
  case codeDefined = "code.defined"
  case codeRenamed = "code.renamed"
  case codeMoved = "code.moved"
  case codeDescribed = "code.described"
  case codeMerged = "code.merged"
  case codingApplied = "coding.applied"
  case codingRemoved = "coding.removed"
  case memoAdded = "memo.added"
  case entryRecorded = "entry.recorded"
  case entryAmended = "entry.amended"
  case entryRetracted = "entry.retracted"
  /// Brings a retracted entry back; its `target` is the retraction it undoes.
  case entryUnretracted = "entry.unretracted"
  case participantAdded = "participant.added"
  case consentGiven = "consent.given"
  case consentWithdrawn = "consent.withdrawn"
  case coderAdded = "coder.added"
  case studyRenamed = "study.renamed"
  case studyDescribed = "study.described"
  case neighbourhoodRemoved = "neighbourhood.removed"
  case initiativeRemoved = "initiative.removed"
  case questionRemoved = "question.removed"
  /// Erases the payload of the event it targets; carries only what identifies nobody.
  case redaction
}

/// One row of `event`, as stored.
struct StoredEvent: Sendable {
  var feed: String
  var seq: Int64
  var prev: Data
  var recordedAt: String
  var type: String
  var subject: String
  var target: Data?
  var commitment: Data
  var hash: Data

  init(row: Row) {
    feed = row["feed"]
    seq = row["seq"]
    prev = row["prev"]
    recordedAt = row["recorded_at"]
    type = row["type"]
    subject = row["subject"]
    target = row["target"]
    commitment = row["commitment"]
    hash = row["hash"]
  }

  init(
    feed: String, seq: Int64, prev: Data, recordedAt: String, type: String, subject: String,
    target: Data?, commitment: Data, hash: Data
  ) {
    self.feed = feed
    self.seq = seq
    self.prev = prev
    self.recordedAt = recordedAt
    self.type = type
    self.subject = subject
    self.target = target
    self.commitment = commitment
    self.hash = hash
  }

  /// The hash recomputed from the other columns; nil when an id is not a UUID.
  var recomputedHash: Data? {
    guard let feedID = UUID(uuidString: feed), let subjectID = UUID(uuidString: subject) else {
      return nil
    }
    return Hashing.eventHash(
      feed: feedID, seq: seq, prev: prev, recordedAt: recordedAt, type: type, subject: subjectID,
      target: target, commitment: commitment)
  }
}

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

  /// Appends one event with its payload, applies it to the projections, and returns it.
  @discardableResult
  static func append<Payload: Encodable>(
    _ type: EventType, subject: UUID, target: Data? = nil, payload: Payload, in db: Database,
    at date: Date = Date()
  ) throws -> StoredEvent {
    let feed = try writerFeed(db)
    let head = try Row.fetchOne(
      try db.cachedStatement(
        sql: "SELECT seq, hash, recorded_at FROM event WHERE feed = ? ORDER BY seq DESC LIMIT 1"),
      arguments: [feed])
    let recorded = try Row.fetchOne(
      try db.cachedStatement(sql: "SELECT head_seq, head_hash FROM feed WHERE id = ?"),
      arguments: [feed])
    let seq: Int64 = (head?["seq"] ?? 0) + 1
    let prev: Data = head?["hash"] ?? zeroHash
    // Never extend a chain whose tail differs from the head this file recorded: that would hide damage.
    if head?["seq"] as Int64? != recorded?["head_seq"] as Int64?
      || head?["hash"] as Data? != recorded?["head_hash"] as Data?
    {
      throw FieldLogError.damaged(
        "the journal's feed \(feed.prefix(8)) does not end at its recorded head; nothing was recorded"
      )
    }
    let json = try CanonicalJSON.encode(payload)
    let salt = Hashing.randomBytes(32)
    let commitment = Hashing.commitment(salt: salt, json: json)
    // Never earlier than anything this journal holds: so every event sorts after all it could have
    // seen, and replaying in time order (Replay) is the order things happened here, whatever the
    // clocks of merged journals said.
    let floor = try String.fetchOne(
      try db.cachedStatement(sql: "SELECT value FROM local WHERE key = 'clock_floor'"))
    let recordedAt =
      [FieldTime.recordedAt(date), head?["recorded_at"] as String?, floor]
      .compactMap { $0 }.max() ?? FieldTime.recordedAt(date)
    guard let feedID = UUID(uuidString: feed) else {
      throw FieldLogError.damaged("the journal's writer feed '\(feed)' is not a UUID")
    }
    let hash = Hashing.eventHash(
      feed: feedID, seq: seq, prev: prev, recordedAt: recordedAt, type: type.rawValue,
      subject: subject, target: target, commitment: commitment)
    let event = StoredEvent(
      feed: feed, seq: seq, prev: prev, recordedAt: recordedAt, type: type.rawValue,
      subject: subject.lowercased, target: target, commitment: commitment, hash: hash)
    try db.cachedStatement(sql: "INSERT INTO payload (commitment, salt, json) VALUES (?, ?, ?)")
      .execute(arguments: [commitment, salt, String(decoding: json, as: UTF8.self)])
    try requireOneRow(db, "payload")
    try db.cachedStatement(
      sql: """
        INSERT INTO event (feed, seq, prev, recorded_at, type, subject, target, commitment, hash)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    ).execute(arguments: [
      feed, seq, prev, recordedAt, type.rawValue, event.subject, target, commitment, hash,
    ])
    try requireOneRow(db, "event")
    try db.cachedStatement(
      sql: """
        INSERT INTO feed (id, head_seq, head_hash) VALUES (?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET head_seq = excluded.head_seq, head_hash = excluded.head_hash
        """
    ).execute(arguments: [feed, seq, hash])
    try Projector.apply(event, json: json, in: db)
    return event
  }

  /// A trigger that is not fieldlog's could make an INSERT do nothing (RAISE(IGNORE)): never report
  /// success for a write that did not happen.
  private static func requireOneRow(_ db: Database, _ table: String) throws {
    guard db.changesCount == 1 else {
      throw FieldLogError.damaged(
        "the journal did not store the \(table) row: something other than fieldlog changes its "
          + "tables; nothing was recorded")
    }
  }
}

import Foundation
import GRDB

/// What a merge brought in.
public struct MergeReport: Encodable, Equatable, Sendable {
  /// Per source journal: how many of its events were new here.
  public struct Source: Encodable, Equatable, Sendable {
    public var path: String
    public var events: Int
    public var feeds: Int
  }

  public var sources: [Source]
  /// Events added in all.
  public var added: Int
  /// Payloads not copied in, or deleted here, because a redaction names them.
  public var redacted: Int
}

/// Everything of another journal a merge needs, read before the target is touched.
struct Incoming {
  var path: String
  var events: [StoredEvent]
  var payloads: [Data: (salt: Data, json: String)]
  var signatures: [Data: Data]
  var keys: [String: Data]
  /// Events the source holds without their payload because their writer did not share it.
  var withheld: Set<Data>
}

extension Journal {
  /// Brings in every event of the other journals that this one lacks, in one transaction.
  ///
  /// Each source is verified first (chains, commitments, signatures); a source that fails, a fork (two
  /// different events at one feed and seq) or a feed whose public key differs refuses the whole merge
  /// and leaves this journal as it was. Merging is idempotent and order-free: the projections are
  /// replayed from the union of the events (see `Replay`). Redactions travel: a payload that a
  /// redaction in either journal names is never copied in, and is deleted here when present.
  public func merge(_ paths: [String], now: Date = Date(), progress: ProgressReport? = nil) throws
    -> MergeReport
  {
    var sources: [Incoming] = []
    for path in paths {
      if canonicalPath(self.path) == canonicalPath(path) {
        throw FieldLogError.invalidInput(
          "'\(path)' is this journal itself; there is nothing to merge")
      }
      let other = try Journal.openForReading(at: path)
      // Verified and read in one snapshot, so what is merged is what was verified.
      sources.append(
        try other.snapshotRead { db in
          try Verifier.requireWhole(
            db, path: path, outcome: "nothing was merged", progress: progress)
          return try Self.incoming(path: path, db)
        })
    }
    return try bringIn(sources, now: now, progress: progress)
  }

  /// Inserts the verified sources' events in one transaction: forks refuse everything, redactions
  /// travel, and the projections are replayed from the union. `merge` and a pull from a hub share it.
  func bringIn(_ sources: [Incoming], now: Date, progress: ProgressReport?) throws -> MergeReport {
    let result = try write { db in
      var report = MergeReport(sources: [], added: 0, redacted: 0)
      var forks: [String] = []
      var filledIn = 0
      for source in sources {
        let (added, filled) = try Self.insert(source, into: db, forks: &forks)
        filledIn += filled
        report.sources.append(
          .init(path: source.path, events: added.count, feeds: Set(added.map(\.feed)).count))
        report.added += added.count
        let stamp = FieldTime.recordedAt(now)
        for feed in Set(added.map(\.feed)) {
          try db.execute(
            sql: """
              INSERT INTO merged (feed, merged_at, source) VALUES (?, ?, ?)
              ON CONFLICT (feed) DO UPDATE SET merged_at = excluded.merged_at, source = excluded.source
              """, arguments: [feed, stamp, source.path])
        }
      }
      guard forks.isEmpty else {
        throw FieldLogError.damaged(
          "the journals have forked: " + forks.joined(separator: "; ")
            + "; nothing was merged (a fork is never resolved automatically)")
      }
      // Redactions travel: whatever a redaction here now names loses its payload.
      let erasable = try Data.fetchAll(
        db,
        sql: """
          SELECT DISTINCT p.commitment FROM event r JOIN event c ON c.hash = r.target
          JOIN payload p ON p.commitment = c.commitment WHERE r.type = 'redaction'
          """)
      for commitment in erasable {
        try db.execute(sql: "DELETE FROM payload WHERE commitment = ?", arguments: [commitment])
      }
      report.redacted += erasable.count
      guard report.added > 0 || filledIn > 0 else { return report }
      try Self.raiseClockFloor(db)
      try Replay.rebuildProjections(db, progress: progress)
      // A version or a coding that one journal added while another redacted the entry still holds
      // the erased text: it is redacted here too, as the redaction of the entry would have done.
      for row in try Row.fetchAll(
        db, sql: "SELECT id, redaction_reason FROM entry WHERE redaction_reason IS NOT NULL")
      {
        report.redacted += try Redactor.erase(
          row["id"], reason: row["redaction_reason"], in: db, leftoversOnly: true)
      }
      return report
    }
    if result.redacted > 0 { _ = try compact() }
    return result
  }

  /// Reads a source journal that `requireWhole` found whole.
  private static func incoming(path: String, _ db: Database) throws -> Incoming {
    var source = Incoming(
      path: path, events: [], payloads: [:], signatures: [:], keys: [:], withheld: [])
    let rows = try Row.fetchCursor(
      db, sql: StoredEvent.withPayloadAndSignature + " ORDER BY e.position")
    while let row = try rows.next() {
      let event = StoredEvent(row: row)
      source.events.append(event)
      source.signatures[event.hash] = row["signature"]
      if let salt = row["salt"] as Data?, let json = row["json"] as String? {
        source.payloads[event.commitment] = (salt, json)
      }
    }
    for row in try Row.fetchAll(db, sql: "SELECT feed, public_key FROM feed_key") {
      source.keys[row["feed"]] = row["public_key"]
    }
    if try db.tableExists("withheld") {
      source.withheld = Set(try Data.fetchAll(db, sql: "SELECT hash FROM withheld"))
    }
    return source
  }

  /// Appends the source's events this journal lacks, in the source's order; returns them, and how
  /// many withheld payloads came in for events held already. Forks are collected, not inserted.
  private static func insert(_ source: Incoming, into db: Database, forks: inout [String]) throws
    -> (added: [StoredEvent], filled: Int)
  {
    // A key is taken only with its feed's events, which the source verified under it: a key
    // planted for a feed the source does not hold would otherwise block that feed's real key.
    let feeds = Set(source.events.map(\.feed))
    for (feed, key) in source.keys.sorted(by: { $0.key < $1.key }) where feeds.contains(feed) {
      if let known = try Data.fetchOne(
        db, sql: "SELECT public_key FROM feed_key WHERE feed = ?", arguments: [feed])
      {
        guard known == key else {
          throw FieldLogError.damaged(
            "feed \(feed.prefix(8)) has another public key in '\(source.path)' than here: one of "
              + "the two was forged; nothing was merged")
        }
      } else {
        try db.execute(
          sql: "INSERT INTO feed_key (feed, public_key) VALUES (?, ?)", arguments: [feed, key])
      }
    }
    let redactedHere = Set(
      try Data.fetchAll(db, sql: "SELECT target FROM event WHERE type = 'redaction'"))
    let redactedThere = Set(
      source.events.filter { $0.type == EventType.redaction.rawValue }.compactMap(\.target))
    let redacted = redactedHere.union(redactedThere)
    let byPlace = try db.cachedStatement(sql: "SELECT hash FROM event WHERE feed = ? AND seq = ?")
    var added: [StoredEvent] = []
    var filled: [StoredEvent] = []
    let withheldHere = Set(try Data.fetchAll(db, sql: "SELECT hash FROM withheld"))
    for event in source.events {
      guard let existing = try Data.fetchOne(byPlace, arguments: [event.feed, event.seq]) else {
        if !redacted.contains(event.hash), let payload = source.payloads[event.commitment],
          try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM payload WHERE commitment = ?)",
            arguments: [event.commitment]) == false
        {
          try db.execute(
            sql: "INSERT INTO payload (commitment, salt, json) VALUES (?, ?, ?)",
            arguments: [event.commitment, payload.salt, payload.json])
        } else if !redacted.contains(event.hash), source.payloads[event.commitment] == nil,
          source.withheld.contains(event.hash)
        {
          // Its writer did not share it: kept as withheld, which verify reports, not as damage.
          try db.execute(
            sql: "INSERT OR IGNORE INTO withheld (hash, source) VALUES (?, ?)",
            arguments: [event.hash, source.path])
        }
        try db.execute(
          sql: """
            INSERT INTO event (feed, seq, prev, recorded_at, type, subject, target, commitment, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
          arguments: [
            event.feed, event.seq, event.prev, event.recordedAt, event.type, event.subject,
            event.target, event.commitment, event.hash,
          ])
        // Signed are the last events of the writer's transactions (each feed's head among them);
        // the chain carries the others.
        if let signature = source.signatures[event.hash] {
          try db.execute(
            sql: "INSERT INTO signature (hash, signature) VALUES (?, ?)",
            arguments: [event.hash, signature])
        }
        try db.execute(
          sql: """
            INSERT INTO feed (id, head_seq, head_hash) VALUES (?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET head_seq = excluded.head_seq, head_hash = excluded.head_hash
            WHERE excluded.head_seq > feed.head_seq
            """, arguments: [event.feed, event.seq, event.hash])
        added.append(event)
        continue
      }
      if existing == event.hash, !redacted.contains(event.hash),
        let payload = source.payloads[event.commitment],
        withheldHere.contains(event.hash),
        try Bool.fetchOne(
          db, sql: "SELECT EXISTS (SELECT 1 FROM payload WHERE commitment = ?)",
          arguments: [event.commitment]) == false
      {
        // Withheld here before, and the source holds its payload (its writer, or one who got it
        // since consent was given): the text comes in now.
        try db.execute(
          sql: "INSERT INTO payload (commitment, salt, json) VALUES (?, ?, ?)",
          arguments: [event.commitment, payload.salt, payload.json])
        try db.execute(sql: "DELETE FROM withheld WHERE hash = ?", arguments: [event.hash])
        filled.append(event)
      }
      if existing != event.hash {
        forks.append(
          "feed \(event.feed.prefix(8)) seq \(event.seq) is \(Hashing.hex(existing)) here but "
            + "\(Hashing.hex(event.hash)) in '\(source.path)'")
      }
    }
    // Every chain must still link up: an event whose predecessor is another than the one here would
    // have been a fork at an earlier seq, so this only fails on a source that changed under us.
    for event in added where event.seq > 1 {
      let previous = try Data.fetchOne(byPlace, arguments: [event.feed, event.seq - 1])
      if previous != event.prev {
        forks.append(
          "feed \(event.feed.prefix(8)) seq \(event.seq) does not follow seq \(event.seq - 1) here")
      }
    }
    return (added, filled.count)
  }

  /// Events recorded here from now on sort after everything merged in, whatever its clocks said.
  private static func raiseClockFloor(_ db: Database) throws {
    let feed = try String.fetchOne(db, sql: "SELECT value FROM local WHERE key = 'writer_feed'")
    guard
      let latest = try String.fetchOne(
        db, sql: "SELECT max(recorded_at) FROM event WHERE feed IS NOT ?", arguments: [feed]),
      let date = recordedFormat.date(from: latest)
    else { return }
    let floor = FieldTime.recordedAt(date.addingTimeInterval(0.0015))
    try db.execute(
      sql: """
        INSERT INTO local (key, value) VALUES ('clock_floor', ?)
        ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)
        """, arguments: [floor])
  }

  nonisolated(unsafe) private static let recordedFormat: ISO8601DateFormatter = {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter
  }()
}

/// The absolute path of a file with symbolic links resolved.
private func canonicalPath(_ path: String) -> String {
  URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
}

import Foundation
import GRDB

/// What a journal holds of each feed, for a hub: its head and its public key.
public struct LocalFeed: Equatable, Sendable {
  public var feed: String
  public var headSeq: Int64
  public var headHash: Data
  public var publicKey: Data?
  /// Whether this journal writes it.
  public var own: Bool
}

extension Journal {
  /// Every feed this journal holds, with its head and key.
  public func localFeeds() throws -> [LocalFeed] {
    try read { db in
      // A snapshot has no feed of its own.
      let own = try String.fetchOne(db, sql: "SELECT value FROM local WHERE key = 'writer_feed'")
      return try Row.fetchAll(
        db,
        sql: """
          SELECT f.id, f.head_seq, f.head_hash, k.public_key FROM feed f
          LEFT JOIN feed_key k ON k.feed = f.id ORDER BY f.id
          """
      ).map {
        LocalFeed(
          feed: $0["id"], headSeq: $0["head_seq"], headHash: $0["head_hash"],
          publicKey: $0["public_key"],
          own: $0["id"] == own)
      }
    }
  }

  /// A feed's events after `seq`, in batches of whole transactions of about `batch` events or
  /// 8 MiB of payloads, whichever comes first (a transaction larger than that is one batch of its
  /// own). Events after the feed's last signed event are left for a later push: nothing vouches for
  /// them yet. An event whose payload may not be shared (`unsharedHashes`, found anew unless the
  /// caller has it) goes without it: its hash and commitment still chain it.
  public func outgoing(
    feed: String, after seq: Int64, batch: Int, withholding: Set<String>? = nil
  ) throws -> [[WireEvent]] {
    try read { db in
      let unshared = try withholding ?? Set(Self.unshared(db).map(Hashing.hex))
      let rows = try Row.fetchCursor(
        db,
        sql: StoredEvent.withPayloadAndSignature + " WHERE e.feed = ? AND e.seq > ? ORDER BY e.seq",
        arguments: [feed, seq])
      var batches: [[WireEvent]] = []
      var current: [WireEvent] = []
      var size = 0
      while let row = try rows.next() {
        let event = StoredEvent(row: row)
        let withheld = unshared.contains(Hashing.hex(event.hash))
        let wire = WireEvent(
          event, signature: row["signature"], salt: withheld ? nil : row["salt"],
          json: withheld ? nil : row["json"])
        current.append(wire)
        size += wire.payload?.utf8.count ?? 0
        if wire.isSigned && (current.count >= batch || size >= 8 << 20) {
          batches.append(current)
          current = []
          size = 0
        }
      }
      while let last = current.last, !last.isSigned { current.removeLast() }
      if !current.isEmpty { batches.append(current) }
      return batches
    }
  }

  /// The events of this journal whose payload stays here when it shares with the consortium:
  /// every version, retraction and unretraction of an entry that names, in any version (as a
  /// participant, an interviewee or a holder), a participant who has not given consent to share
  /// (`share-consortium`), and the codings on such an entry (a coding holds the quote) and the
  /// memos on it or on its codings.
  static func unshared(_ db: Database) throws -> Set<Data> {
    var named: [String: Set<String>] = [:]
    // The entry's participants, and the participants its fields name: an interview's interviewee,
    // a nabije-kennis note's holder.
    for row in try Row.fetchAll(
      db,
      sql: """
        SELECT e.subject, json_extract(pp.value, '$.pseudonym') AS pseudonym
        FROM event e JOIN payload p ON p.commitment = e.commitment,
          json_each(p.json, '$.participants') pp
        WHERE e.type IN ('entry.recorded', 'entry.amended')
        UNION
        SELECT e.subject, json_extract(p.json, '$.fields.interviewee') FROM event e
        JOIN payload p ON p.commitment = e.commitment
        WHERE e.type IN ('entry.recorded', 'entry.amended')
          AND json_extract(p.json, '$.fields.interviewee') IS NOT NULL
        UNION
        SELECT e.subject, json_extract(p.json, '$.fields.holder') FROM event e
        JOIN payload p ON p.commitment = e.commitment
        WHERE e.type IN ('entry.recorded', 'entry.amended')
          AND json_extract(p.json, '$.fields.holder') IS NOT NULL
        """)
    {
      named[row["subject"], default: []].insert(row["pseudonym"])
    }
    var entries: [String] = []
    for (entry, pseudonyms) in named.sorted(by: { $0.key < $1.key }) {
      let lacking = try ParticipantRegister.lacking(
        .shareConsortium, among: pseudonyms.sorted(), in: db)
      if !lacking.isEmpty { entries.append(entry) }
    }
    // A member check quotes its participant: it stays here when they have not consented to
    // sharing, as does one about an entry that stays; so does a network event that names them.
    let unsharedPeople = try ParticipantRegister.lacking(
      .shareConsortium, among: try ParticipantRow.pseudonyms(in: db), in: db)
    guard !entries.isEmpty || !unsharedPeople.isEmpty else { return [] }
    let list = String(decoding: try JSONEncoder().encode(entries), as: UTF8.self)
    let people = String(decoding: try JSONEncoder().encode(unsharedPeople), as: UTF8.self)
    return Set(
      try Data.fetchAll(
        db,
        sql: """
          WITH codings(id) AS (
            SELECT e.subject FROM event e JOIN payload p ON p.commitment = e.commitment
            WHERE e.type = 'coding.applied'
              AND json_extract(p.json, '$.entry') IN (SELECT value FROM json_each(?1)))
          SELECT e.hash FROM event e LEFT JOIN payload p ON p.commitment = e.commitment
          WHERE (e.type IN ('entry.recorded', 'entry.amended', 'entry.retracted',
                'entry.unretracted')
              AND e.subject IN (SELECT value FROM json_each(?1)))
            OR (e.type = 'coding.applied' AND e.subject IN (SELECT id FROM codings))
            OR (e.type = 'memo.added'
              AND (json_extract(p.json, '$.about') IN (SELECT value FROM json_each(?1))
                OR json_extract(p.json, '$.about') IN (SELECT id FROM codings)))
            OR (e.type = 'member-check.recorded'
              AND (json_extract(p.json, '$.entry') IN (SELECT value FROM json_each(?1))
                OR lower(json_extract(p.json, '$.participant'))
                  IN (SELECT lower(value) FROM json_each(?2))))
            OR (e.type IN ('network.member-added', 'network.tie-recorded')
              AND (lower(json_extract(p.json, '$.network')) IN (SELECT lower(value) FROM json_each(?2))
                OR lower(json_extract(p.json, '$.member')) IN (SELECT lower(value) FROM json_each(?2))
                OR lower(json_extract(p.json, '$.from')) IN (SELECT lower(value) FROM json_each(?2))
                OR lower(json_extract(p.json, '$.to')) IN (SELECT lower(value) FROM json_each(?2))))
          """, arguments: [list, people]))
  }

  /// This journal's `OwnershipProof` of its own feed for a member of a study on a hub, signed with
  /// the feed's private key.
  public func ownershipProof(study: String, member: String) throws -> Data {
    let feed = try read { db in try EventLog.writerFeed(db) }
    let key = try keys.load(for: feed)
    return try key.signature(
      for: OwnershipProof.message(study: study, member: member, feed: feed))
  }

  /// The hashes (hex) of the events whose payload a hub does not get (`unshared`).
  public func unsharedHashes() throws -> Set<String> {
    try read { db in Set(try Self.unshared(db).map(Hashing.hex)) }
  }

  /// Brings in events pulled from a hub (`source` names it), all or nothing, as a merge does: each
  /// feed's run must follow what this journal holds of it, verify under its key (the one this
  /// journal knows, else the one the hub registered) and end on a signed event.
  public func applyPulled(
    _ events: [WireEvent], keys: [String: Data], source: String, now: Date = Date()
  ) throws -> MergeReport {
    guard !events.isEmpty else { return MergeReport(sources: [], added: 0, redacted: 0) }
    var incoming = Incoming(
      path: source, events: [], payloads: [:], signatures: [:], keys: [:], withheld: [])
    let byFeed = Dictionary(grouping: events, by: { $0.feed.lowercased() })
    for (feed, run) in byFeed.sorted(by: { $0.key < $1.key }) {
      let run = run.sorted { $0.seq < $1.seq }
      let (head, known) = try read { db -> ((seq: Int64, hash: Data)?, Data?) in
        let key = try Data.fetchOne(
          db, sql: "SELECT public_key FROM feed_key WHERE feed = ?", arguments: [feed])
        guard let first = run.first, first.seq > 1 else { return (nil, key) }
        let hash = try Data.fetchOne(
          db, sql: "SELECT hash FROM event WHERE feed = ? AND seq = ?",
          arguments: [feed, first.seq - 1])
        return (hash.map { (first.seq - 1, $0) }, key)
      }
      guard let key = known ?? keys[feed] else {
        throw FieldLogError.damaged(
          "\(source) sent feed \(feed.prefix(8)) without its public key; nothing was pulled")
      }
      if let first = run.first, first.seq > 1, head == nil {
        throw FieldLogError.damaged(
          "\(source) sent feed \(feed.prefix(8)) from seq \(first.seq), but this journal does not "
            + "hold seq \(first.seq - 1); nothing was pulled")
      }
      if let problem = WireCheck.problem(of: run, after: head, publicKey: key) {
        throw FieldLogError.damaged("\(source) sent a bad event: \(problem); nothing was pulled")
      }
      incoming.keys[feed] = key
      for wire in run {
        guard let event = wire.stored, let bytes = wire.bytes else { continue }
        incoming.events.append(event)
        if let signature = bytes.signature { incoming.signatures[event.hash] = signature }
        if let salt = bytes.salt, let json = wire.payload {
          incoming.payloads[event.commitment] = (salt, json)
        } else if WireCheck.withholdable.contains(event.type) {
          // Without its payload: erased by a redaction (which comes along, or is here), or
          // withheld by its writer; `insert` tells them apart.
          incoming.withheld.insert(event.hash)
        }
      }
    }
    return try bringIn([incoming], now: now, progress: nil)
  }
}

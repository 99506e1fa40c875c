import Foundation
import GRDB

/// What a redaction erased.
public struct RedactionResult: Encodable, Equatable, Sendable {
  /// The ids of the entries whose content was erased.
  public var entries: [String]
  /// How many payloads (versions) were deleted.
  public var payloads: Int
  /// Whether the file was compacted so that no trace of the text is left in it or its WAL.
  public var compacted: Bool
  /// How many network events (members and ties) naming the participant were erased.
  public var networkEvents = 0
}

/// What a redaction would erase, shown before it does: each entry with its title and counts.
public struct RedactionPlan: Encodable, Equatable, Sendable {
  public struct Item: Encodable, Equatable, Sendable {
    public var id, title: String
    /// The versions whose content goes.
    public var versions: Int
    /// The codings that quote it and the memos about it or its codings, which go with it.
    public var codings, memos: Int
  }

  public let entries: [Item]
  /// The totals over the entries, written beside them in the JSON.
  public let versions: Int, codings: Int, memos: Int
  /// The network events (members and ties) that name the participant, which go too.
  public let networkEvents: Int

  init(entries: [Item], networkEvents: Int = 0) {
    self.entries = entries
    self.networkEvents = networkEvents
    versions = entries.reduce(0) { $0 + $1.versions }
    codings = entries.reduce(0) { $0 + $1.codings }
    memos = entries.reduce(0) { $0 + $1.memos }
  }
}

extension Journal {
  /// What `redact(entry:)` would erase; nothing is changed.
  public func redactionPlan(entry id: String) throws -> RedactionPlan {
    try read { db in
      let entry = try EntryQuery.entry(id: id, in: db)
      if let earlier = entry.redacted {
        throw FieldLogError.invalidInput("entry \(entry.shortID) was redacted already (\(earlier))")
      }
      return RedactionPlan(entries: [try Redactor.planned(id, in: db)])
    }
  }

  /// What `redact(participant:)` would erase; nothing is changed.
  public func redactionPlan(participant pseudonym: String) throws -> RedactionPlan {
    try read { db in
      let ids = try Redactor.entries(naming: pseudonym, in: db)
      let network = try NetworkRows.events(naming: Text.identityFold(pseudonym), in: db)
      guard !ids.isEmpty || !network.isEmpty else {
        throw FieldLogError.invalidInput(
          "no entry or network that is not yet redacted names '\(pseudonym)'")
      }
      return RedactionPlan(
        entries: try ids.map { try Redactor.planned($0, in: db) }, networkEvents: network.count)
    }
  }

  /// Erases the content of every version of an entry (the right to erasure), keeping the chain whole.
  public func redact(entry id: String, reason: String) throws -> RedactionResult {
    let reason = try Text.line(reason, what: "reason")
    let erased = try write { db -> Int in
      let entry = try EntryQuery.entry(id: id, in: db)
      if let earlier = entry.redacted {
        throw FieldLogError.invalidInput("entry \(entry.shortID) was redacted already (\(earlier))")
      }
      return try Redactor.erase(id, reason: reason, in: db)
    }
    return RedactionResult(entries: [id], payloads: erased, compacted: try compact())
  }

  /// Erases every entry that names a participant, in any of its versions.
  ///
  /// With `expecting` (the ids a plan showed), nothing is erased when the entries naming the
  /// participant changed since: what was confirmed is what is erased.
  public func redact(
    participant pseudonym: String, reason: String, expecting: [String]? = nil
  ) throws -> RedactionResult {
    let reason = try Text.line(reason, what: "reason")
    let (ids, erased, network) = try write { db -> ([String], Int, Int) in
      let ids = try Redactor.entries(naming: pseudonym, in: db)
      let network = try NetworkRows.events(naming: Text.identityFold(pseudonym), in: db)
      guard !ids.isEmpty || !network.isEmpty else {
        throw FieldLogError.invalidInput(
          "no entry or network that is not yet redacted names '\(pseudonym)'")
      }
      if let expecting, Set(expecting) != Set(ids) {
        throw FieldLogError.invalidInput(
          "the entries that name '\(pseudonym)' changed while you confirmed; nothing was erased",
          hint: "run the command again to see what it erases now")
      }
      var erased = 0
      for id in ids { erased += try Redactor.erase(id, reason: reason, in: db) }
      try Redactor.erase(networkEvents: network, reason: reason, in: db)
      return (ids, erased, network.count)
    }
    return RedactionResult(
      entries: ids, payloads: erased, compacted: try compact(), networkEvents: network)
  }

  /// Moves everything into the main file and rebuilds it, so erased text is left nowhere on disk.
  /// False when another process kept the WAL busy; the text is then gone from the tables but may
  /// linger in free pages until the next redaction.
  func compact() throws -> Bool {
    do {
      return try writer.writeWithoutTransaction { db in
        let before = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        try db.execute(sql: "VACUUM")
        let after = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        return (before?[0] as Int?) == 0 && (after?[0] as Int?) == 0
      }
    } catch let error as DatabaseError {
      throw Self.map(error, path: path)
    }
  }
}

enum Redactor {
  /// Appends one redaction per version of the entry, then deletes their payloads; returns how many.
  ///
  /// With `leftoversOnly`, for an entry redacted already: only what still holds its text (a version
  /// or coding merged in from a journal that did not know of the redaction); returns how many payloads.
  static func erase(_ id: String, reason: String, in db: Database, leftoversOnly: Bool = false)
    throws -> Int
  {
    guard let subject = UUID(uuidString: id),
      let entry = try Row.fetchOne(
        db,
        sql: """
          SELECT kind, neighbourhood_id, initiative_id, occurred_at, author FROM entry WHERE id = ?
          """, arguments: [id])
    else { throw FieldLogError.unknownID(kind: "entry", prefix: id) }
    let questions = try String.fetchAll(
      db, sql: "SELECT question_id FROM entry_question WHERE entry_id = ? ORDER BY position",
      arguments: [id])
    let versions = try versions(of: id, in: db)
    let attached = try attached(to: id, in: db)
    if leftoversOnly && versions.isEmpty && attached.isEmpty { return 0 }
    let redactedBy = try EventLog.author(db)
    for version in versions {
      // Each redaction keeps its own version's place and questions: a rebuild replays it where
      // that version stood, before any name a later version used existed.
      let content = try CanonicalJSON.decode(
        Payload.EntryVersion.self, from: Data((version["json"] as String).utf8))
      try EventLog.append(
        .redaction, subject: subject, target: version["hash"],
        payload: Payload.Redaction(
          reason: reason, redactedBy: redactedBy, author: content.author, entry: id,
          kind: content.kind, neighbourhood: content.neighbourhood, initiative: content.initiative,
          questions: content.questions, occurredAt: content.occurredAt,
          version: content.version ?? 1),
        in: db)
    }
    for item in attached {
      try EventLog.append(
        .redaction, subject: subject, target: item["hash"],
        payload: Payload.Redaction(
          reason: reason, redactedBy: redactedBy, author: entry["author"], entry: id,
          kind: entry["kind"], neighbourhood: entry["neighbourhood_id"],
          initiative: entry["initiative_id"], questions: questions,
          occurredAt: entry["occurred_at"], version: versions.count),
        in: db)
    }
    for version in versions + attached {
      // The guard trigger lets this through only because a redaction now names the event.
      try db.execute(
        sql: "DELETE FROM payload WHERE commitment = ?", arguments: [version["commitment"] as Data])
    }
    // FTS5 keeps deleted text in its index segments until they are merged.
    try db.execute(sql: "INSERT INTO entry_fts (entry_fts) VALUES ('optimize')")
    return leftoversOnly ? versions.count + attached.count : versions.count
  }

  /// Erases network events (a participant's members and ties): a redaction that keeps only its
  /// reason names each, then its payload goes, and what it projected with it.
  static func erase(
    networkEvents events: [(hash: Data, commitment: Data)], reason: String, in db: Database
  ) throws {
    let redactedBy = try EventLog.author(db)
    for event in events {
      let subject = try String.fetchOne(
        db, sql: "SELECT subject FROM event WHERE hash = ?", arguments: [event.hash])
      try EventLog.append(
        .redaction, subject: UUID(uuidString: subject ?? "") ?? UUID(), target: event.hash,
        payload: Payload.Redaction(reason: reason, redactedBy: redactedBy), in: db)
      try db.execute(sql: "DELETE FROM payload WHERE commitment = ?", arguments: [event.commitment])
    }
  }

  /// One entry of a plan: what `erase` would delete for it.
  static func planned(_ id: String, in db: Database) throws -> RedactionPlan.Item {
    let title = try String.fetchOne(
      db, sql: "SELECT title FROM entry WHERE id = ?", arguments: [id])
    let attached = try attached(to: id, in: db)
    return RedactionPlan.Item(
      id: id, title: title ?? "", versions: try versions(of: id, in: db).count,
      codings: attached.filter { ($0["type"] as String?) == EventType.codingApplied.rawValue }
        .count,
      memos: attached.filter { ($0["type"] as String?) == EventType.memoAdded.rawValue }.count)
  }

  /// The entry's versions whose payload is still there.
  private static func versions(of id: String, in db: Database) throws -> [Row] {
    try Row.fetchAll(
      db,
      sql: """
        SELECT e.hash, e.commitment, p.json FROM event e JOIN payload p ON p.commitment = e.commitment
        WHERE e.subject = ? AND e.type IN ('entry.recorded', 'entry.amended') ORDER BY e.position
        """, arguments: [id])
  }

  /// Codings quote the entry and memos comment on it: their payloads go with it.
  private static func attached(to id: String, in db: Database) throws -> [Row] {
    try Row.fetchAll(
      db,
      sql: """
        SELECT ev.hash, ev.commitment, ev.type FROM event ev
        JOIN payload p ON p.commitment = ev.commitment
        WHERE (ev.type = 'coding.applied' AND json_extract(p.json, '$.entry') = ?1)
          OR (ev.type = 'memo.added' AND (json_extract(p.json, '$.about') = ?1
            OR json_extract(p.json, '$.about') IN (
              SELECT c.subject FROM event c JOIN payload cp ON cp.commitment = c.commitment
              WHERE c.type = 'coding.applied' AND json_extract(cp.json, '$.entry') = ?1)))
        ORDER BY ev.position
        """, arguments: [id])
  }

  /// The entries, not yet redacted, that name a participant in any version.
  static func entries(naming pseudonym: String, in db: Database) throws -> [String] {
    let wanted = Text.identityFold(pseudonym)
    let rows = try Row.fetchAll(
      db,
      sql: """
        SELECT DISTINCT ev.subject, p.json FROM event ev
        JOIN payload p ON p.commitment = ev.commitment
        JOIN entry e ON e.id = ev.subject AND e.redaction_reason IS NULL
        WHERE ev.type IN ('entry.recorded', 'entry.amended') ORDER BY ev.position
        """)
    var ids: [String] = []
    for row in rows {
      let version = try CanonicalJSON.decode(
        Payload.EntryVersion.self, from: Data((row["json"] as String).utf8))
      let id: String = row["subject"]
      if version.participants.contains(where: { Text.identityFold($0.pseudonym) == wanted }),
        !ids.contains(id)
      {
        ids.append(id)
      }
    }
    return ids
  }
}

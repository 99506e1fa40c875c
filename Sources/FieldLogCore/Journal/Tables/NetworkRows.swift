import Foundation
import GRDB

/// A member of a network as its table holds it, with the participant it is when the alias is one.
struct NetworkMemberRow: FetchableRecord {
  var id, member, folded, role, since, author: String
  var formal: Bool
  var initiative, note: String?
  /// The registered pseudonym when the member is a participant of the study.
  var participant: String?

  init(row: Row) {
    id = row["id"]
    member = row["member"]
    folded = row["folded"]
    role = row["role"]
    since = row["since"]
    author = row["author"]
    formal = row["formal"]
    initiative = row["initiative"]
    note = row["note"]
    participant = row["participant"]
  }
}

/// One recording of a tie: a row of its history.
struct NetworkTieRow: FetchableRecord {
  var tieID, a, b, kind, direction, date, author, recordedAt: String
  var strength: Int?
  var ended: Bool
  var entry: String?

  init(row: Row) {
    tieID = row["tie_id"]
    a = row["a"]
    b = row["b"]
    kind = row["kind"]
    direction = row["direction"]
    date = row["date"]
    author = row["author"]
    recordedAt = row["recorded_at"]
    strength = row["strength"]
    ended = row["ended"]
    entry = row["entry_id"]
  }
}

/// The SQL of networks (tables network_member and network_tie).
enum NetworkRows {
  /// Whether this journal has the network tables (one read without upgrading may not).
  static func exist(_ db: Database) throws -> Bool { try db.tableExists("network_tie") }

  /// The members of the network of the participant with id `network`, by alias.
  static func members(network: String, in db: Database) throws -> [NetworkMemberRow] {
    guard try exist(db) else { return [] }
    return try NetworkMemberRow.fetchAll(
      db,
      sql: """
        SELECT m.id, m.member, m.folded, m.role, m.since, m.author, m.formal, m.note,
          i.name AS initiative, p.pseudonym AS participant
        FROM network_member m LEFT JOIN initiative i ON i.id = m.initiative_id
        LEFT JOIN participant p ON p.folded = m.folded
        WHERE m.network_id = ? ORDER BY m.folded
        """, arguments: [network])
  }

  /// Every recording of every tie of a network, each tie's in the order they take effect. A tie
  /// recorded on a network conversation that was later retracted goes with it.
  static func ties(network: String, in db: Database) throws -> [NetworkTieRow] {
    guard try exist(db) else { return [] }
    return try NetworkTieRow.fetchAll(
      db,
      sql: """
        SELECT tie_id, a, b, kind, direction, date, author, recorded_at, strength, ended, entry_id
        FROM network_tie WHERE network_id = ?
          AND (entry_id IS NULL
            OR entry_id NOT IN (SELECT id FROM entry WHERE retracted_at IS NOT NULL))
        ORDER BY tie_id, date, recorded_at, event_hash
        """, arguments: [network])
  }

  /// The participants (id, pseudonym, neighbourhood) who have a network: a member or a tie.
  static func networks(in db: Database) throws -> [(id: String, pseudonym: String, place: String?)]
  {
    guard try exist(db) else { return [] }
    return try Row.fetchAll(
      db,
      sql: """
        SELECT p.id, p.pseudonym, n.name AS place FROM participant p
        LEFT JOIN neighbourhood n ON n.id = p.neighbourhood_id
        WHERE p.id IN (SELECT network_id FROM network_member UNION SELECT network_id FROM network_tie)
        ORDER BY p.folded
        """
    ).map { (id: $0["id"], pseudonym: $0["pseudonym"], place: $0["place"]) }
  }

  /// The initiatives named `folded`, with their neighbourhood's id and name.
  static func initiatives(folded: String, in db: Database) throws -> [(
    id: String, name: String, neighbourhood: String, place: String
  )] {
    try Row.fetchAll(
      db,
      sql: """
        SELECT i.id, i.name, i.neighbourhood_id, n.name AS place FROM initiative i
        JOIN neighbourhood n ON n.id = i.neighbourhood_id
        WHERE i.folded = ? AND i.id NOT IN (SELECT id FROM vocabulary_removed)
        ORDER BY n.name
        """, arguments: [folded]
    ).map {
      (id: $0["id"], name: $0["name"], neighbourhood: $0["neighbourhood_id"], place: $0["place"])
    }
  }

  /// The id of the neighbourhood of a registered participant, if they have one.
  static func neighbourhood(ofParticipant id: String, in db: Database) throws -> String? {
    try String.fetchOne(
      db, sql: "SELECT neighbourhood_id FROM participant WHERE id = ?", arguments: [id])
  }

  /// Removes what an erased network event projected (`redact --participant`).
  static func forget(eventHash: Data, in db: Database) throws {
    guard try exist(db) else { return }
    try db.execute(sql: "DELETE FROM network_tie WHERE event_hash = ?", arguments: [eventHash])
    try db.execute(sql: "DELETE FROM network_member WHERE event_hash = ?", arguments: [eventHash])
  }

  /// The network events, with a payload still there, that name a participant (folded): as the
  /// network's focal participant, as a member, or as one end of a tie.
  static func events(naming folded: String, in db: Database) throws -> [(
    hash: Data, commitment: Data
  )] {
    try Row.fetchAll(
      db,
      sql: """
        SELECT e.hash, e.commitment, p.json FROM event e
        JOIN payload p ON p.commitment = e.commitment
        WHERE e.type IN ('network.member-added', 'network.tie-recorded') ORDER BY e.position
        """
    ).compactMap { row -> (hash: Data, commitment: Data)? in
      let json = Data((row["json"] as String).utf8)
      guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
        return nil
      }
      let named = ["network", "member", "from", "to"].compactMap { object[$0] as? String }
      guard named.contains(where: { Text.identityFold($0) == folded }) else { return nil }
      return (hash: row["hash"], commitment: row["commitment"])
    }
  }

  /// The kind and local day of an entry (nil for an entry that is retracted).
  static func entryKindAndDay(_ id: String, in db: Database) throws -> (kind: String, day: String)?
  {
    try Row.fetchOne(
      db,
      sql: """
        SELECT kind, substr(occurred_at, 1, 10) AS day FROM entry
        WHERE id = ? AND retracted_at IS NULL
        """, arguments: [id]
    ).map { (kind: $0["kind"], day: $0["day"]) }
  }

  /// The network conversations not retracted or redacted: id, title, day, fields, participants,
  /// and the participants whose networks have ties recorded on it.
  static func conversations(in db: Database) throws -> [(
    id: String, title: String, day: String, fields: String, participants: [String],
    networks: [String]
  )] {
    let networks =
      try exist(db)
      ? """
      (SELECT json_group_array(DISTINCT p.pseudonym) FROM network_tie t
       JOIN participant p ON p.id = t.network_id WHERE t.entry_id = e.id)
      """ : "'[]'"
    return try Row.fetchAll(
      db,
      sql: """
        SELECT e.id, e.title, substr(e.occurred_at, 1, 10) AS day, e.fields,
          (SELECT json_group_array(ep.pseudonym) FROM entry_participant ep
           WHERE ep.entry_id = e.id) AS people,
          \(networks) AS networks
        FROM entry e
        WHERE e.kind = 'network-conversation' AND e.retracted_at IS NULL
          AND e.redaction_reason IS NULL
        ORDER BY e.occurred_utc, e.recorded_at
        """
    ).map { row in
      func names(_ column: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data((row[column] as String).utf8))) ?? []
      }
      return (
        id: row["id"], title: row["title"], day: row["day"], fields: row["fields"],
        participants: names("people"), networks: names("networks")
      )
    }
  }
}

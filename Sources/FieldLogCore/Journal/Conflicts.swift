import Foundation
import GRDB

/// What merging journals left for people to settle: concurrent versions of one entry, and codes that
/// share a name under one parent but have different ids.
public struct ConflictReport: Encodable, Equatable, Sendable {
  /// An entry amended concurrently in two journals; resolved by an amend with `--resolve`.
  public struct EntryConflict: Encodable, Equatable, Sendable {
    public struct Version: Encodable, Equatable, Sendable {
      public var hash: String
      public var version: Int?
      public var author: String?
      public var feed, recordedAt: String
      /// Whether the entry shows this version now.
      public var shown: Bool

      enum CodingKeys: String, CodingKey {
        case hash, version, author, feed, shown
        case recordedAt = "recorded_at"
      }
    }

    public var id, title: String
    public var versions: [Version]
  }

  /// Codes with one name under one parent and different ids; resolved by `code merge`.
  public struct CodeConflict: Encodable, Equatable, Sendable {
    public var name: String
    public var parent: String?
    public var ids: [String]
  }

  /// Consent for one participant and scope changed in two journals that did not know of each
  /// other's change, and the changes disagree. The one in force is the one dated last (on one day
  /// a withdrawal); a new `fieldlog consent` recorded with both in the journal settles it.
  public struct ConsentConflict: Encodable, Equatable, Sendable {
    public struct Change: Encodable, Equatable, Sendable {
      public var hash, feed, author, state: String
      public var form: String?
      public var date, recordedAt: String

      enum CodingKeys: String, CodingKey {
        case hash, feed, author, state, form, date
        case recordedAt = "recorded_at"
      }
    }

    public var participant, scope: String
    /// The state the journal holds now: given or withdrawn.
    public var inForce: String
    public var changes: [Change]

    enum CodingKeys: String, CodingKey {
      case participant, scope, changes
      case inForce = "in_force"
    }
  }

  public var entries: [EntryConflict]
  public var codes: [CodeConflict]
  public var consents: [ConsentConflict]

  /// How many things are left to settle.
  public var count: Int { entries.count + codes.count + consents.count }

  public var isEmpty: Bool { count == 0 }
}

/// The consent events of a participant, and which of them were made without knowing of others.
enum ConsentHistory {
  /// The hashes (hex) of every consent event about this participant: what a new one knew of.
  static func known(participant id: String, in db: Database) throws -> [String] {
    try Data.fetchAll(
      db.cachedStatement(
        sql: """
          SELECT hash FROM event WHERE subject = ? AND type IN ('consent.given', 'consent.withdrawn')
          ORDER BY hash
          """), arguments: [id]
    ).map(Hashing.hex)
  }

  /// Per participant and scope, the latest changes (those no other change of that scope knew of)
  /// when they come from more than one feed and disagree.
  static func conflicts(in db: Database) throws -> [ConflictReport.ConsentConflict] {
    struct Change {
      var event: StoredEvent
      var payload: Payload.ConsentChanged
      var knew: Set<Data>
    }
    var changes: [String: [Change]] = [:]
    let rows = try Row.fetchAll(
      db,
      sql: """
        SELECT e.*, p.json FROM event e JOIN payload p ON p.commitment = e.commitment
        WHERE e.type IN ('consent.given', 'consent.withdrawn') ORDER BY e.feed, e.seq
        """)
    for row in rows {
      let event = StoredEvent(row: row)
      guard
        let payload = try? CanonicalJSON.decode(
          Payload.ConsentChanged.self, from: Data((row["json"] as String).utf8))
      else { continue }
      // An event knows what its payload names, and every earlier event of its own feed.
      var knew = Set((payload.knew ?? []).compactMap { Data(hexString: $0) })
      for earlier in changes[event.subject] ?? [] where earlier.event.feed == event.feed {
        knew.insert(earlier.event.hash)
      }
      changes[event.subject, default: []].append(Change(event: event, payload: payload, knew: knew))
    }
    var conflicts: [ConflictReport.ConsentConflict] = []
    for (participant, all) in changes {
      for scope in Set(all.flatMap(\.payload.scopes)).sorted() {
        let touching = all.filter { $0.payload.scopes.contains(scope) }
        let latest = touching.filter { change in
          !touching.contains { $0.knew.contains(change.event.hash) }
        }
        let states = Set(latest.map { "\($0.event.type) \($0.payload.form ?? "")" })
        guard Set(latest.map(\.event.feed)).count > 1, states.count > 1 else { continue }
        let inForce = try String.fetchOne(
          db, sql: "SELECT state FROM consent WHERE participant_id = ? AND scope = ?",
          arguments: [participant, scope])
        conflicts.append(
          .init(
            participant: latest[0].payload.pseudonym, scope: scope, inForce: inForce ?? "none",
            changes: latest.sorted {
              ($0.payload.date, $0.event.recordedAt) < ($1.payload.date, $1.event.recordedAt)
            }.map { change in
              .init(
                hash: Hashing.hex(change.event.hash), feed: change.event.feed,
                author: change.payload.author,
                state: change.event.type == EventType.consentGiven.rawValue
                  ? "given" : "withdrawn",
                form: change.payload.form, date: change.payload.date,
                recordedAt: change.event.recordedAt)
            }))
      }
    }
    return conflicts.sorted { ($0.participant, $0.scope) < ($1.participant, $1.scope) }
  }
}

extension Journal {
  /// Everything merging left unsettled.
  public func conflicts() throws -> ConflictReport {
    try read { db in
      var entries: [ConflictReport.EntryConflict] = []
      let rows = try Row.fetchAll(
        db,
        sql: """
          SELECT e.id, e.title, e.event_hash AS shown, c.event_hash, v.feed, v.recorded_at, p.json
          FROM entry_conflict c JOIN entry e ON e.id = c.entry_id
          JOIN event v ON v.hash = c.event_hash LEFT JOIN payload p ON p.commitment = v.commitment
          ORDER BY e.occurred_utc, e.id, v.recorded_at, v.feed
          """)
      for row in rows {
        let payload = (row["json"] as String?).flatMap {
          try? CanonicalJSON.decode(Payload.EntryVersion.self, from: Data($0.utf8))
        }
        let hash: Data = row["event_hash"]
        let version = ConflictReport.EntryConflict.Version(
          hash: Hashing.hex(hash), version: payload.map { $0.version ?? 1 },
          author: payload?.author, feed: row["feed"], recordedAt: row["recorded_at"],
          shown: hash == row["shown"])
        if entries.last?.id == row["id"] {
          entries[entries.count - 1].versions.append(version)
        } else {
          entries.append(.init(id: row["id"], title: row["title"], versions: [version]))
        }
      }
      let codes = try Row.fetchAll(
        db,
        sql: """
          SELECT c.name, p.name AS parent, group_concat(c.id, ' ') AS ids FROM (
            SELECT * FROM code ORDER BY id) c LEFT JOIN code p ON p.id = c.parent_id
          GROUP BY ifnull(c.parent_id, ''), c.folded HAVING count(*) > 1
          ORDER BY c.folded
          """
      ).map { row in
        ConflictReport.CodeConflict(
          name: row["name"], parent: row["parent"],
          ids: (row["ids"] as String).split(separator: " ").map(String.init))
      }
      return ConflictReport(
        entries: entries, codes: codes, consents: try ConsentHistory.conflicts(in: db))
    }
  }
}

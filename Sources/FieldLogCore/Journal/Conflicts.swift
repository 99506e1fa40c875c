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
      public var feed: String
      public var recordedAt: String
      /// Whether the entry shows this version now.
      public var shown: Bool

      enum CodingKeys: String, CodingKey {
        case hash, version, author, feed, shown
        case recordedAt = "recorded_at"
      }
    }

    public var id: String
    public var title: String
    public var versions: [Version]
  }

  /// Codes with one name under one parent and different ids; resolved by `code merge`.
  public struct CodeConflict: Encodable, Equatable, Sendable {
    public var name: String
    public var parent: String?
    public var ids: [String]
  }

  public var entries: [EntryConflict]
  public var codes: [CodeConflict]

  public var isEmpty: Bool { entries.isEmpty && codes.isEmpty }
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
      return ConflictReport(entries: entries, codes: codes)
    }
  }
}

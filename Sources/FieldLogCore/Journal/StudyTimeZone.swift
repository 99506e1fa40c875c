import Foundation
import GRDB

/// The time zone a study's file declared (`timezone:`), in which its times are read and shown.
///
/// It travels in the `feed.opened` event of the study's first feed (as `time_zone`, absent when
/// the file named none), so it needs no table of its own and journals of every version answer.
enum StudyTimeZone {
  /// The declared name, or nil when the study declared none (then Europe/Amsterdam applies).
  static func declared(in db: Database) throws -> String? {
    // Read by every entry recorded (an import asks once per record): one prepared statement, and
    // SQLite takes the field out of the payload; a payload that is not JSON counts as naming none.
    // CROSS JOIN keeps the writers (one per feed) as the outer loop: left to itself the planner
    // scanned every event for seq 1, once per record, which made a 100k import quadratic.
    try String.fetchOne(
      try db.cachedStatement(
        sql: """
          SELECT json_extract(p.json, '$.time_zone') FROM writer w
          CROSS JOIN event e ON e.feed = w.feed AND e.seq = 1
          JOIN payload p ON p.commitment = e.commitment
          LEFT JOIN local l ON l.key = 'writer_feed' AND l.value = w.feed
          WHERE json_valid(p.json) AND json_type(p.json, '$.time_zone') = 'text'
          ORDER BY l.value IS NULL, w.opened_at, w.feed
          LIMIT 1
          """))
  }

  /// The zone to read and show times in: the declared one, else Europe/Amsterdam.
  static func zone(in db: Database) throws -> TimeZone {
    guard let name = try declared(in: db), let zone = TimeZone(identifier: name) else {
      return try FieldTime.fieldworkZone()
    }
    return zone
  }
}

extension Journal {
  /// The time zone in which this study's times are shown: the one its study file declared, else
  /// Europe/Amsterdam.
  public func timeZone() throws -> TimeZone {
    try read { db in try StudyTimeZone.zone(in: db) }
  }
}

import Foundation
import GRDB

/// Replays the events into the projection tables, in one order that depends on the events alone.
///
/// Each feed is replayed in seq order, and the feeds are interleaved by the time their events were
/// recorded (then by feed id). Since fieldlog never records an event earlier than anything its
/// journal holds (EventLog.append), this is an order in which everything comes after what its writer
/// had seen; and because it depends on nothing local (not the order of merges, not `position`),
/// journals holding the same events have the same projections.
enum Replay {
  /// The positions of all events, in replay order.
  static func order(_ db: Database) throws -> [Int64] {
    struct Item {
      var position: Int64
      var feed: String
      var seq: Int64
      var recordedAt: String
    }
    var items: [Item] = []
    let rows = try Row.fetchCursor(
      db, sql: "SELECT position, feed, seq, recorded_at FROM event ORDER BY recorded_at, feed, seq")
    var lastSeq: [String: Int64] = [:]
    var monotonic = true
    while let row = try rows.next() {
      let item = Item(
        position: row["position"], feed: row["feed"], seq: row["seq"],
        recordedAt: row["recorded_at"])
      if let last = lastSeq[item.feed], last > item.seq { monotonic = false }
      lastSeq[item.feed] = item.seq
      items.append(item)
    }
    if monotonic { return items.map(\.position) }
    // A clock that went back within a feed (a journal from before fieldlog kept its own time
    // monotonic): keep each feed in seq order and merge the feeds by the time of their next event.
    var feeds = Dictionary(grouping: items, by: \.feed).mapValues { $0.sorted { $0.seq < $1.seq } }
    var next = feeds.mapValues { _ in 0 }
    var order: [Int64] = []
    order.reserveCapacity(items.count)
    while true {
      var best: Item?
      for (feed, list) in feeds {
        guard let index = next[feed], index < list.count else { continue }
        let candidate = list[index]
        if let current = best,
          (current.recordedAt, current.feed) <= (candidate.recordedAt, candidate.feed)
        {
          continue
        }
        best = candidate
      }
      guard let chosen = best else { break }
      order.append(chosen.position)
      next[chosen.feed, default: 0] += 1
      if let list = feeds[chosen.feed], next[chosen.feed] == list.count {
        feeds.removeValue(forKey: chosen.feed)
      }
    }
    return order
  }

  /// Applies every event, in replay order, to whatever projection tables the connection's unqualified
  /// names resolve to; returns how many.
  @discardableResult
  static func apply(_ db: Database, progress: ProgressReport? = nil) throws -> Int {
    let statement = try db.cachedStatement(
      sql: """
        SELECT e.*, p.json FROM event e LEFT JOIN payload p ON p.commitment = e.commitment
        WHERE e.position = ?
        """)
    var count = 0
    let positions = try order(db)
    for position in positions {
      guard let row = try Row.fetchOne(statement, arguments: [position]) else { continue }
      try Projector.apply(
        StoredEvent(row: row), json: (row["json"] as String?).map { Data($0.utf8) }, in: db)
      count += 1
      if count % 256 == 0 {
        progress?(WorkProgress(step: "replaying events", done: count, total: positions.count))
      }
    }
    return count
  }

  /// Empties every projection table and replays all events into them; the search index is rebuilt
  /// from its rows, so a damaged index (not just changed rows) is put right too.
  @discardableResult
  static func rebuildProjections(_ db: Database, progress: ProgressReport? = nil) throws -> Int {
    for table in SchemaExpectations.projectionTables {
      try db.execute(sql: "DELETE FROM \(table)")
    }
    let count = try apply(db, progress: progress)
    try db.execute(sql: "INSERT INTO entry_fts (entry_fts) VALUES ('rebuild')")
    return count
  }

  /// Replays the events into temporary copies of the projection tables and names every table whose
  /// stored rows differ from the replay: a projection changed by hand, or by a bug.
  ///
  /// Temporary tables shadow the journal's own for unqualified names, so the one Projector writes the
  /// copies; nothing is written to the journal.
  static func differingProjections(_ db: Database) throws -> [(table: String, rows: Int)] {
    /// The tables and indexes of a database, tables first: the order to create them in.
    func definitions(_ db: Database) throws -> [Row] {
      try Row.fetchAll(
        db,
        sql: """
          SELECT type, name, tbl_name, sql FROM main.sqlite_master
          WHERE sql IS NOT NULL AND type IN ('table', 'index')
          ORDER BY type = 'index', name
          """)
    }
    let schema = try definitions(db)
    let tables = Set(SchemaExpectations.projectionTables)
    // A journal of an earlier fieldlog, read without upgrading it, lacks the projection tables of
    // later schema steps: the replay gets empty copies of today's (their events are new too, so
    // the journal holds none), and they are not compared.
    let present = Set(schema.map { $0["tbl_name"] as String })
    let missing = tables.subtracting(present)
    // Tables a later schema step gave more columns (entry's cycle, say): the replay writes today's
    // columns, so it gets today's table, and only the columns the journal has are compared.
    var outdated: Set<String> = []
    var toCopy = schema.filter { tables.contains($0["tbl_name"] as String) }
    if try !missing.isEmpty || !Schema.migrator.hasCompletedMigrations(db) {
      let current = try DatabaseQueue()
      try Schema.migrator.migrate(current)
      let fresh = try current.read { fresh in
        (
          try definitions(fresh),
          try Dictionary(
            uniqueKeysWithValues: tables.map { table in
              (table, try fresh.columns(in: table).map(\.name))
            })
        )
      }
      for table in tables.subtracting(missing)
      where try db.columns(in: table, in: "main").map(\.name) != fresh.1[table] {
        outdated.insert(table)
      }
      toCopy.removeAll { outdated.contains($0["tbl_name"] as String) }
      toCopy += fresh.0.filter {
        let table: String = $0["tbl_name"]
        return missing.contains(table) || outdated.contains(table)
      }
    }
    for row in toCopy {
      let name: String = row["name"]
      let sql: String = row["sql"]
      let temporary: String
      if row["type"] as String == "index" {
        temporary = sql.replacingOccurrences(of: " INDEX \(name) ", with: " INDEX temp.\(name) ")
      } else if sql.hasPrefix("CREATE VIRTUAL TABLE") {
        temporary = sql.replacingOccurrences(
          of: "CREATE VIRTUAL TABLE \(name)", with: "CREATE VIRTUAL TABLE temp.\(name)")
      } else {
        temporary = sql.replacingOccurrences(
          of: "CREATE TABLE \(name)", with: "CREATE TEMP TABLE \(name)")
      }
      try db.execute(sql: temporary)
    }
    try apply(db)
    var differing: [(String, Int)] = []
    for table in SchemaExpectations.projectionTables where !missing.contains(table) {
      let columns =
        table == "entry_fts"
        ? "rowid, title, body"
        : outdated.contains(table)
          ? try db.columns(in: table, in: "main").map(\.name).joined(separator: ", ") : "*"
      let count =
        try Int.fetchOne(
          db,
          sql: """
            SELECT (SELECT count(*) FROM (
                SELECT \(columns) FROM main.\(table) EXCEPT SELECT \(columns) FROM temp.\(table)))
              + (SELECT count(*) FROM (
                SELECT \(columns) FROM temp.\(table) EXCEPT SELECT \(columns) FROM main.\(table)))
            """) ?? 0
      if count > 0 { differing.append((table, count)) }
    }
    return differing
  }

  /// Whether the journal's search index differs from a fresh index of its own rows: every term at
  /// every place, and every row's size. Call after `differingProjections`: when the index's rows
  /// equal the replay's (`rowsDiffer` false), the replay's index is that fresh index.
  ///
  /// FTS5's own 'integrity-check' is an INSERT, which needs the write lock: while another fieldlog
  /// writes it fails, and `verify` must neither wait for writers nor write. This reads both indexes
  /// through fts5vocab tables, in their (identical) order, one row at a time.
  static func searchIndexDiffers(_ db: Database, rowsDiffer: Bool) throws -> Bool {
    var fresh = "entry_fts"
    if rowsDiffer {
      fresh = "entry_fts_rows"
      let sql =
        try String.fetchOne(
          db, sql: "SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = 'entry_fts'")
        ?? ""
      try db.execute(
        sql: sql.replacingOccurrences(
          of: "CREATE VIRTUAL TABLE entry_fts", with: "CREATE VIRTUAL TABLE temp.\(fresh)"))
      try db.execute(
        sql: """
          INSERT INTO temp.\(fresh) (rowid, title, body) SELECT rowid, title, body FROM main.entry_fts
          """)
    }
    try db.execute(
      sql: """
        CREATE VIRTUAL TABLE temp.entry_fts_stored_terms USING fts5vocab(main, entry_fts, instance);
        CREATE VIRTUAL TABLE temp.entry_fts_fresh_terms USING fts5vocab(temp, \(fresh), instance);
        """)
    let sizes =
      try Int.fetchOne(
        db,
        sql: """
          SELECT (SELECT count(*) FROM (
              SELECT * FROM main.entry_fts_docsize EXCEPT SELECT * FROM temp.\(fresh)_docsize))
            + (SELECT count(*) FROM (
              SELECT * FROM temp.\(fresh)_docsize EXCEPT SELECT * FROM main.entry_fts_docsize))
          """) ?? 0
    if sizes > 0 { return true }
    let stored = try Row.fetchCursor(db, sql: "SELECT * FROM temp.entry_fts_stored_terms")
    let rebuilt = try Row.fetchCursor(db, sql: "SELECT * FROM temp.entry_fts_fresh_terms")
    while true {
      let left = try stored.next()
      let right = try rebuilt.next()
      guard let left, let right else { return (left == nil) != (right == nil) }
      if left != right { return true }
    }
  }
}

extension Journal {
  /// Recreates every projection from the events alone, in one transaction.
  ///
  /// Events are applied in replay order (see `Replay`), which for events written here is the order
  /// they were applied when written.
  ///
  /// Refuses a journal whose events are damaged: rebuilding from them would hide the damage.
  @discardableResult
  public func rebuild(progress: ProgressReport? = nil) throws -> Int {
    try write { db in
      let report = try Verifier.run(db, projections: false, progress: nil)
      guard report.ok else {
        throw FieldLogError.damaged(
          "the journal's events are damaged (\(Counted.phrase(report.problems.count, "problem"))); "
            + "rebuilding from them would hide that, so nothing was changed")
      }
      return try Replay.rebuildProjections(db, progress: progress)
    }
  }
}

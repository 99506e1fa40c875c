import GRDB

/// The rows the reports of `report` count, from `coding` and `entry`.
enum ReportRows {
  /// One coding as `report codes` tallies it.
  struct CodeTally {
    var codeID: String
    /// What the coding's entry (or coder) is grouped by; empty without a grouping.
    var group, coder, entryID: String
    /// Where it stands, `start:end` (`:` for the whole entry), or `orphaned <id>`.
    var segment: String

  }

  /// Every coding on the entries in `scope` that are not retracted, with its group.
  static func codeTallies(by grouping: ReportGrouping?, scope: ReportScope, in db: Database)
    throws -> RecordCursor<CodeTally>
  {
    let (join, group): (String, String) =
      switch grouping {
      case nil: ("", "''")
      case .neighbourhood: ("JOIN neighbourhood g ON g.id = e.neighbourhood_id", "g.name")
      case .initiative:
        ("LEFT JOIN initiative g ON g.id = e.initiative_id", "ifnull(g.name, '(none)')")
      case .question:
        (
          "JOIN entry_question eq ON eq.entry_id = e.id JOIN question g ON g.id = eq.question_id",
          "g.code"
        )
      case .kind: ("", "e.kind")
      case .author: ("", "e.author")
      case .coder: ("", "c.coder")
      case .cycle:
        (
          "",
          "ifnull(" + ParSQL.cycleCode(given: "e.cycle_id", day: "substr(e.occurred_at, 1, 10)")
            + ", '(none)')"
        )
      case .phase: ("", "ifnull(e.phase, '(none)')")
      }
    return try CodeTally.fetchCursor(
      db,
      sql: """
        SELECT c.code_id, \(group) AS grp, c.coder, c.entry_id,
          CASE WHEN c.orphaned THEN 'orphaned ' || c.id
            ELSE ifnull(c.start_offset, '') || ':' || ifnull(c.end_offset, '') END AS segment
        FROM coding c
        JOIN entry e ON e.id = c.entry_id AND e.retracted_at IS NULL\(scope.clause) \(join)
        """, arguments: scope.arguments)
  }

  /// Per pair of code ids (`x` < `y`): the entries in `scope` both are applied to, or the pairs of
  /// their segments that overlap.
  static func cooccurrences(unit: CooccurrenceUnit, scope: ReportScope, in db: Database) throws
    -> [(x: String, y: String, count: Int)]
  {
    let sql =
      switch unit {
      case .entry:
        """
        SELECT a.code_id AS x, b.code_id AS y, count(DISTINCT a.entry_id) AS n
        FROM coding a JOIN coding b ON b.entry_id = a.entry_id AND a.code_id < b.code_id
        JOIN entry e ON e.id = a.entry_id AND e.retracted_at IS NULL\(scope.clause)
        GROUP BY x, y
        """
      case .segment:
        """
        SELECT a.code_id AS x, b.code_id AS y,
          count(DISTINCT a.entry_id || ' ' || ifnull(a.start_offset, '') || ':'
            || ifnull(a.end_offset, '') || ' ' || ifnull(b.start_offset, '') || ':'
            || ifnull(b.end_offset, '')) AS n
        FROM coding a JOIN coding b ON b.entry_id = a.entry_id AND a.code_id < b.code_id
        JOIN entry e ON e.id = a.entry_id AND e.retracted_at IS NULL\(scope.clause)
        WHERE a.orphaned = 0 AND b.orphaned = 0
          AND (a.start_offset IS NULL OR b.start_offset IS NULL
            OR (a.start_offset < b.end_offset AND b.start_offset < a.end_offset))
        GROUP BY x, y
        """
      }
    return try Row.fetchAll(db, sql: sql, arguments: scope.arguments).map { ($0[0], $0[1], $0[2]) }
  }

  /// Entries in `scope` that are not retracted, per month of fieldwork (in the place's own time),
  /// and per neighbourhood and per kind when asked (else those are empty), in that order.
  static func timeline(
    byNeighbourhood: Bool, byKind: Bool, scope: ReportScope, in db: Database
  ) throws -> [(month: String, neighbourhood: String, kind: String, entries: Int)] {
    try Row.fetchAll(
      db,
      sql: """
        SELECT substr(e.occurred_at, 1, 7) AS month, \(byNeighbourhood ? "n.name" : "''") AS place,
          \(byKind ? "e.kind" : "''") AS kind, count(*) AS entries
        FROM entry e JOIN neighbourhood n ON n.id = e.neighbourhood_id
        WHERE e.retracted_at IS NULL\(scope.clause)
        GROUP BY month, place, kind ORDER BY month, place, kind
        """, arguments: scope.arguments
    ).map { ($0[0], $0[1], $0[2], $0[3]) }
  }
}

extension ReportRows.CodeTally: FetchableRecord {
  init(row: Row) {
    self.init(codeID: row[0], group: row[1], coder: row[2], entryID: row[3], segment: row[4])
  }
}

import GRDB

/// The queries of export, REFI-QDA and import that belong to no one table's rows.
enum ExchangeQueries {
  /// The entries a filter's clause (on `entry e`) matches, in the order exports write them.
  static func entries(
    matching filter: (clause: String, arguments: StatementArguments), in db: Database
  ) throws -> MapCursor<RowCursor, EntryRecord> {
    try Row.fetchCursor(
      db,
      sql: """
        SELECT \(EntryRow.columns) FROM entry e \(EntryRow.joins)
        WHERE \(filter.clause) ORDER BY e.occurred_utc, e.recorded_at, e.id
        """, arguments: filter.arguments
    ).map { try EntryRow(row: $0).record() }
  }

  /// The codings on the entries a filter's clause (on `entry e`) matches, only those with one of
  /// `codes` when given, in the order of the entries' times and then of the text.
  static func codings(
    matching filter: (clause: String, arguments: StatementArguments), codes: [String]?,
    in db: Database
  ) throws -> RecordCursor<CodingRow> {
    var codeClause = "1"
    var codeArguments = StatementArguments()
    if let codes {
      codeClause = "c.code_id IN (" + codes.map { _ in "?" }.joined(separator: ",") + ")"
      codeArguments = StatementArguments(codes)
    }
    return try CodingRow.fetchCursor(
      db,
      sql: """
        SELECT \(CodingRow.columns) FROM coding c JOIN entry e ON e.id = c.entry_id
        WHERE \(filter.clause) AND \(codeClause)
        ORDER BY e.occurred_utc, e.id, c.start_offset, c.id
        """, arguments: filter.arguments + codeArguments)
  }

  /// Every research question, removed ones too, by folded code.
  static func questions(_ db: Database) throws -> [(code: String, text: String)] {
    try Row.fetchAll(db, sql: "SELECT code, text FROM question ORDER BY folded").map {
      ($0[0], $0[1])
    }
  }

  /// The study's name and description as this journal's writer opened it; nil when the journal has
  /// no writer of its own.
  static func study(_ db: Database) throws -> (name: String, description: String?)? {
    try Row.fetchOne(
      db,
      sql: """
        SELECT w.study, w.description FROM writer w
        JOIN local l ON l.key = 'writer_feed' AND l.value = w.feed
        """
    ).map { ($0[0], $0[1]) }
  }

  /// Whether any event names `subject` (a lower-case id), as an imported entry's or a new code's
  /// id must not.
  static func isSubject(_ subject: String, in db: Database) throws -> Bool {
    try Bool.fetchOne(
      try db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM event WHERE subject = ?)"),
      arguments: [subject]) == true
  }
}

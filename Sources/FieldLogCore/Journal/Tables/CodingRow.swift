import GRDB

/// A row of `coding`: a code applied to an entry (no offsets) or to a segment of it.
struct CodingRow: Sendable {
  var id, entryID, codeID: String
  /// Unicode scalar offsets, end-exclusive; both nil for the whole entry.
  var start, end: Int?
  var quote, memo: String?
  var coder, codedAt: String
  /// The coded text is no longer in the entry's current version.
  var orphaned: Bool

}

extension CodingRow: FetchableRecord {
  init(row: Row) {
    self.init(
      id: row["id"], entryID: row["entry_id"], codeID: row["code_id"],
      start: row["start_offset"], end: row["end_offset"], quote: row["quote"], memo: row["memo"],
      coder: row["coder"], codedAt: row["coded_at"], orphaned: row["orphaned"])
  }

  /// The columns of a coding, of `coding c`, for queries that join other tables.
  static let columns = """
    c.id, c.entry_id, c.code_id, c.start_offset, c.end_offset, c.quote, c.memo, c.coder,
    c.coded_at, c.orphaned
    """

  /// Stores this coding as `coding.applied` projects it.
  func insert(_ db: Database) throws {
    try db.execute(
      sql: """
        INSERT INTO coding (id, entry_id, code_id, start_offset, end_offset, quote, memo, coder,
          coded_at, orphaned)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [id, entryID, codeID, start, end, quote, memo, coder, codedAt, orphaned])
  }

  /// The current body of the entry a coding is applied to, where its quote is anchored; nil when
  /// the entry is not there.
  static func body(ofEntry entry: String, in db: Database) throws -> String? {
    try String.fetchOne(db, sql: "SELECT body FROM entry WHERE id = ?", arguments: [entry])
  }

  /// Moves a segment to where its text now stands, which clears its orphaned mark.
  static func move(_ id: String, to range: Range<Int>, in db: Database) throws {
    try db.execute(
      sql: "UPDATE coding SET start_offset = ?, end_offset = ?, orphaned = 0 WHERE id = ?",
      arguments: [range.lowerBound, range.upperBound, id])
  }

  /// Marks a segment whose text is no longer in its entry.
  static func markOrphaned(_ id: String, in db: Database) throws {
    try db.execute(sql: "UPDATE coding SET orphaned = 1 WHERE id = ?", arguments: [id])
  }

  /// The coding with this id.
  static func find(_ id: String, in db: Database) throws -> CodingRow? {
    try fetchOne(db, sql: "SELECT \(columns) FROM coding c WHERE c.id = ?", arguments: [id])
  }

  /// The ids (at most 10) that begin with `prefix`, in lower case.
  static func ids(withPrefix prefix: String, in db: Database) throws -> [String] {
    try String.fetchAll(
      db, sql: "SELECT id FROM coding WHERE id >= ? AND id < ? LIMIT 10",
      arguments: [prefix, prefix + "~"])
  }

  /// The segments of an entry (not its whole-entry codings), orphaned or not.
  static func segments(ofEntry entry: String, in db: Database) throws -> [CodingRow] {
    try fetchAll(
      db,
      sql: """
        SELECT \(columns) FROM coding c
        WHERE c.entry_id = ? AND c.start_offset IS NOT NULL
        """, arguments: [entry])
  }

  /// The codings of this code on exactly this segment (nil: the whole entry) that are not
  /// orphaned, whoever the coder, oldest first.
  static func onSegment(
    entry: String, code: String, range: Range<Int>?, in db: Database
  ) throws -> [CodingRow] {
    try fetchAll(
      db,
      sql: """
        SELECT \(columns) FROM coding c
        WHERE c.entry_id = ? AND c.code_id = ? AND c.orphaned = 0
          AND c.start_offset IS ? AND c.end_offset IS ?
        ORDER BY c.coded_at, c.id
        """,
      arguments: [entry, code, range?.lowerBound, range?.upperBound])
  }

  /// Every coding of one entry, whole-entry codings first, then by where they stand.
  static func ofEntry(_ entry: String, in db: Database) throws -> [CodingRow] {
    try fetchAll(
      db,
      sql: """
        SELECT \(columns) FROM coding c WHERE c.entry_id = ?
        ORDER BY c.start_offset IS NOT NULL, c.orphaned, c.start_offset, c.coded_at, c.id
        """, arguments: [entry])
  }

  /// Every coding of one entry by start offset (whole-entry codings first), then id.
  static func ofEntryByOffset(_ entry: String, in db: Database) throws -> [CodingRow] {
    try fetchAll(
      db,
      sql: "SELECT \(columns) FROM coding c WHERE c.entry_id = ? ORDER BY c.start_offset, c.id",
      arguments: [entry])
  }

  /// Per entry id, how many codings it holds that are not orphaned.
  static func countsByEntry(_ db: Database) throws -> [String: Int] {
    var counts: [String: Int] = [:]
    for row in try Row.fetchAll(
      db, sql: "SELECT entry_id, count(*) AS n FROM coding WHERE orphaned = 0 GROUP BY entry_id")
    {
      counts[row[0]] = row[1]
    }
    return counts
  }

  /// Per entry id and code id, how many codings (orphaned ones too).
  static func countsByEntryAndCode(_ db: Database) throws -> [String: [String: Int]] {
    var counts: [String: [String: Int]] = [:]
    for row in try Row.fetchAll(
      db, sql: "SELECT entry_id, code_id, count(*) AS n FROM coding GROUP BY entry_id, code_id")
    {
      counts[row[0], default: [:]][row[1]] = row[2]
    }
    return counts
  }

  /// The ids of the entries a coder (as stored) coded.
  static func entries(codedBy coder: String, in db: Database) throws -> [String] {
    try String.fetchAll(
      db, sql: "SELECT DISTINCT entry_id FROM coding WHERE coder = ?", arguments: [coder])
  }
}

/// A coding with where it stands: its entry's title, kind, body, neighbourhood and tags.
struct CodedSegmentRow: FetchableRecord, Sendable {
  var coding: CodingRow
  var title, kind, body, neighbourhood: String
  var tags: [String]

  init(row: Row) {
    coding = CodingRow(row: row)
    title = row["title"]
    kind = row["kind"]
    body = row["body"]
    neighbourhood = row["neighbourhood"]
    tags = (row["tags"] as String?).map { $0.split(separator: "\u{1F}").map(String.init) } ?? []
  }

  /// The codings with one of `codes` on the entries `entries` matches (a clause on `entry e`),
  /// by `coder` when one is given (as stored), in the order of the entries' times.
  static func segments(
    coded codes: [String], by coder: String?,
    entries: (clause: String, arguments: StatementArguments), in db: Database
  ) throws -> [CodedSegmentRow] {
    var (clause, arguments) = entries
    clause += " AND c.code_id IN (\(codes.map { _ in "?" }.joined(separator: ",")))"
    _ = arguments.append(contentsOf: StatementArguments(codes))
    if let coder {
      clause += " AND c.coder = ?"
      _ = arguments.append(contentsOf: [coder])
    }
    return try fetchAll(
      db,
      sql: """
        SELECT \(CodingRow.columns), e.title, e.kind, e.body, n.name AS neighbourhood,
          (SELECT group_concat(tag, char(31)) FROM (
            SELECT tag FROM entry_tag WHERE entry_id = e.id ORDER BY position)) AS tags
        FROM coding c JOIN entry e ON e.id = c.entry_id
        JOIN neighbourhood n ON n.id = e.neighbourhood_id
        WHERE \(clause) ORDER BY e.occurred_utc, c.start_offset, c.id
        """, arguments: arguments)
  }
}

/// An orphaned coding with its entry's title.
struct OrphanedCodingRow: FetchableRecord, Sendable {
  var coding: CodingRow
  var title: String

  init(row: Row) {
    coding = CodingRow(row: row)
    title = row["title"]
  }

  /// The orphaned codings, of one entry when `entry` is given, oldest first.
  static func orphans(ofEntry entry: String?, in db: Database) throws -> [OrphanedCodingRow] {
    try fetchAll(
      db,
      sql: """
        SELECT \(CodingRow.columns), e.title FROM coding c JOIN entry e ON e.id = c.entry_id
        WHERE c.orphaned = 1 AND (?1 IS NULL OR c.entry_id = ?1)
        ORDER BY c.coded_at, c.id
        """, arguments: [entry])
  }
}

/// What agreement compares of a coding: where it stands, and the length of its entry's body.
struct AgreementCodingRow: Sendable {
  var entryID, codeID, coder: String
  var start, end: Int?
  /// The entry's current body.
  var body: String

  /// The codings of these coders (as stored) that are not orphaned, on entries neither retracted
  /// nor redacted.
  /// Reflections count only when `reflections` says so (`agreement --include-reflections`).
  static func codings(by coders: [String], reflections: Bool, in db: Database) throws
    -> [AgreementCodingRow]
  {
    try fetchAll(
      db,
      sql: """
        SELECT c.entry_id, c.code_id, c.coder, c.start_offset, c.end_offset, e.body
        FROM coding c JOIN entry e ON e.id = c.entry_id
        WHERE c.coder IN (\(coders.map { _ in "?" }.joined(separator: ","))) AND c.orphaned = 0
          AND e.retracted_at IS NULL AND e.redaction_reason IS NULL
          \(reflections ? "" : "AND e.kind <> 'reflection'")
        """, arguments: StatementArguments(coders))
  }
}

extension AgreementCodingRow: FetchableRecord {
  init(row: Row) {
    self.init(
      entryID: row[0], codeID: row[1], coder: row[2], start: row[3], end: row[4], body: row[5])
  }
}

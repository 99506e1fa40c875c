import GRDB

/// What a memo is about (the `about_kind` of `memo`).
enum MemoSubject: String, Sendable {
  case entry, code, coding
}

/// A row of `memo`: an analytic memo about an entry, a code or a coding.
struct MemoRow: Sendable {
  var id: String
  /// The id of the entry, code or coding it is about.
  var aboutID: String
  var subject: MemoSubject
  var author, writtenAt, text: String
  var cycle, phase: String?
  var shared: Bool
}

extension MemoRow: FetchableRecord {
  init(row: Row) throws {
    let kind: String = row["about_kind"]
    // The table's CHECK allows only these.
    guard let subject = MemoSubject(rawValue: kind) else {
      throw FieldLogError.damaged(
        "a memo is about an unknown kind '\(kind)'; run 'fieldlog rebuild'")
    }
    self.init(
      id: row["id"], aboutID: row["about_id"], subject: subject, author: row["author"],
      writtenAt: row["written_at"], text: row["text"], cycle: row["cycle"], phase: row["phase"],
      shared: row["shared"])
  }

  /// Memos where `clause` holds, oldest first.
  private static func memos(
    where clause: String, _ arguments: StatementArguments = [], in db: Database
  ) throws -> [MemoRow] {
    try fetchAll(
      db,
      sql: """
        SELECT id, about_id, about_kind, author, written_at, text, phase, shared,
          (SELECT code FROM cycle WHERE cycle.id = memo.cycle_id) AS cycle
        FROM memo WHERE \(clause) ORDER BY written_at, id
        """, arguments: arguments)
  }

  /// Every memo, oldest first.
  static func all(_ db: Database) throws -> [MemoRow] {
    try memos(where: "1", in: db)
  }

  /// The memo with this id.
  static func find(_ id: String, in db: Database) throws -> MemoRow? {
    try memos(where: "id = ?", [id], in: db).first
  }

  /// The memos about one entry, code or coding, oldest first.
  static func about(_ id: String, in db: Database) throws -> [MemoRow] {
    try memos(where: "about_id = ?", [id], in: db)
  }

  /// The memos about an entry and about its codings, oldest first.
  static func about(entryAndItsCodings entry: String, in db: Database) throws -> [MemoRow] {
    try memos(
      where: "about_id = ?1 OR about_id IN (SELECT id FROM coding WHERE entry_id = ?1)", [entry],
      in: db)
  }

  /// The memos, oldest first, except those about a retracted entry or a coding of one.
  static func notAboutRetracted(_ db: Database) throws -> [MemoRow] {
    try memos(
      where: """
        about_id NOT IN (SELECT id FROM entry WHERE retracted_at IS NOT NULL)
        AND about_id NOT IN (SELECT c.id FROM coding c JOIN entry e ON e.id = c.entry_id
          WHERE e.retracted_at IS NOT NULL)
        """, in: db)
  }

  /// The ids of reflections and of their codings: what a memo about a reflection is about.
  static func reflectionSubjects(in db: Database) throws -> Set<String> {
    Set(
      try String.fetchAll(
        db,
        sql: """
          SELECT id FROM entry WHERE kind = 'reflection'
          UNION SELECT c.id FROM coding c JOIN entry e ON e.id = c.entry_id
          WHERE e.kind = 'reflection'
          """))
  }

  /// The memos the team chose to share (`memo add --share`) about the entries that name a
  /// participant, and about their codings, oldest first.
  static func shared(aboutEntries entries: [String], in db: Database) throws -> [MemoRow] {
    guard !entries.isEmpty else { return [] }
    let list = Array(repeating: "?", count: entries.count).joined(separator: ", ")
    return try memos(
      where: """
        shared = 1 AND (about_id IN (\(list))
          OR about_id IN (SELECT id FROM coding WHERE entry_id IN (\(list))))
        """, StatementArguments(entries + entries), in: db)
  }
}

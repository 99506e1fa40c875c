import GRDB

/// What a memo is about (the `about_kind` of `memo`).
enum MemoSubject: String, Sendable {
  case entry, code, coding
}

/// A row of `memo`: an analytic memo about an entry, a code or a coding.
struct MemoRow: FetchableRecord, Sendable {
  var id: String
  /// The id of the entry, code or coding it is about.
  var aboutID: String
  var subject: MemoSubject
  var author: String
  var writtenAt: String
  var text: String

  enum Columns {
    static let id = Column("id")
    static let aboutID = Column("about_id")
    static let aboutKind = Column("about_kind")
    static let author = Column("author")
    static let writtenAt = Column("written_at")
    static let text = Column("text")
  }

  init(row: Row) throws {
    id = row[Columns.id]
    aboutID = row[Columns.aboutID]
    let kind: String = row[Columns.aboutKind]
    // The table's CHECK allows only these.
    guard let subject = MemoSubject(rawValue: kind) else {
      throw FieldLogError.damaged(
        "a memo is about an unknown kind '\(kind)'; run 'fieldlog rebuild'")
    }
    self.subject = subject
    author = row[Columns.author]
    writtenAt = row[Columns.writtenAt]
    text = row[Columns.text]
  }

  /// Memos where `clause` holds, oldest first.
  private static func memos(
    where clause: String, _ arguments: StatementArguments = [], in db: Database
  ) throws -> [MemoRow] {
    try fetchAll(
      db,
      sql: """
        SELECT id, about_id, about_kind, author, written_at, text FROM memo
        WHERE \(clause) ORDER BY written_at, id
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
}

import GRDB

/// A row of `code`: one code of the codebook as the projection holds it.
struct CodeRow: Sendable {
  var id, name: String
  /// The name as `Text.identityFold` folds it, for finding siblings of the same name.
  var folded: String
  var parentID, description, color: String?
}

extension CodeRow: FetchableRecord {
  init(row: Row) {
    self.init(
      id: row["id"], name: row["name"], folded: row["folded"], parentID: row["parent_id"],
      description: row["description"], color: row["color"])
  }

  /// The one SELECT of a code.
  private static let select = "SELECT id, name, folded, parent_id, description, color FROM code"

  /// Every code, in no particular order.
  static func all(_ db: Database) throws -> [CodeRow] {
    try fetchAll(db, sql: select)
  }

  /// Every code in the order they were defined (a parent before its children).
  static func inDefinitionOrder(_ db: Database) throws -> [CodeRow] {
    try fetchAll(db, sql: select + " ORDER BY rowid")
  }

  /// Every code by folded name, then id: an order that does not depend on the journal's history.
  static func inNameOrder(_ db: Database) throws -> [CodeRow] {
    try fetchAll(db, sql: select + " ORDER BY folded, id")
  }

  /// The code with this id.
  static func find(_ id: String, in db: Database) throws -> CodeRow? {
    try fetchOne(db, sql: select + " WHERE id = ?", arguments: [id])
  }

  /// The id of the code under `parent` (nil: at the top) whose folded name is `folded`, other than
  /// `except`.
  static func sibling(folded: String, parent: String?, except: String?, in db: Database) throws
    -> String?
  {
    try String.fetchOne(
      db,
      sql: "SELECT id FROM code WHERE ifnull(parent_id, '') = ? AND folded = ? AND id IS NOT ?",
      arguments: [parent ?? "", folded, except])
  }

  /// The code and all codes below it.
  static func descendants(of id: String, in db: Database) throws -> [String] {
    try String.fetchAll(
      db,
      sql: """
        WITH RECURSIVE below(id) AS (
          SELECT ? UNION ALL SELECT c.id FROM code c JOIN below b ON c.parent_id = b.id)
        SELECT id FROM below
        """, arguments: [id])
  }

  /// Per code id: its codings on entries that are not retracted, and the entries they are on.
  static func usage(_ db: Database) throws -> [String: (codings: Int, entries: Int)] {
    var counts: [String: (codings: Int, entries: Int)] = [:]
    for row in try Row.fetchAll(
      db,
      sql: """
        SELECT c.code_id, count(*) AS codings, count(DISTINCT c.entry_id) AS entries
        FROM coding c JOIN entry e ON e.id = c.entry_id AND e.retracted_at IS NULL
          AND e.kind <> 'reflection'
        GROUP BY c.code_id
        """)
    {
      counts[row[0]] = (row[1], row[2])
    }
    return counts
  }
}

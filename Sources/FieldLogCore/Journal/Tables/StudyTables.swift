import Foundation
import GRDB

/// The SQL condition that leaves out removed items (`study remove-...`): they take no new use.
private let notRemoved = "id NOT IN (SELECT id FROM vocabulary_removed)"

/// The condition that leaves out the removed items of `table` (an alias), or none at all when the
/// journal is of an older fieldlog that knows no removals.
private func shown(_ table: String, removals: Bool) -> String {
  removals ? "\(table).id NOT IN (SELECT id FROM vocabulary_removed)" : "1"
}

/// The `columns` of every row of `table` in the order they were added, without removed ones when
/// `removals`.
private func addedInOrder<Record: FetchableRecord>(
  _ table: String, _ columns: String, removals: Bool, in db: Database
) throws -> [Record] {
  try Record.fetchAll(
    db,
    sql: "SELECT \(columns) FROM \(table) WHERE \(shown(table, removals: removals)) ORDER BY rowid")
}

/// Read from the columns `id` and the name (or a question's code), in that order.
extension Vocabulary.Item: FetchableRecord {
  init(row: Row) {
    id = row[0]
    name = row[1]
  }
}

extension Vocabulary {
  /// The id and name of every neighbourhood and initiative and the id and code of every question,
  /// removed ones included.
  static func allNames(in db: Database) throws -> [Item] {
    try Item.fetchAll(
      db,
      sql: """
        SELECT id, name FROM neighbourhood UNION ALL SELECT id, name FROM initiative
        UNION ALL SELECT id, code FROM question
        """)
  }
}

/// A neighbourhood of the study, as the study file lists it.
struct NeighbourhoodRow: FetchableRecord {
  var name: String
  var description: String?

  init(row: Row) {
    name = row["name"]
    description = row["description"]
  }

  /// Up to `limit` neighbourhood names, removed ones included.
  static func names(limit: Int, in db: Database) throws -> [String] {
    try String.fetchAll(db, sql: "SELECT name FROM neighbourhood LIMIT \(limit)")
  }

  /// The neighbourhood not removed whose identity form is `folded`.
  static func current(folded: String, in db: Database) throws -> Vocabulary.Item? {
    try Vocabulary.Item.fetchOne(
      try db.cachedStatement(
        sql: "SELECT id, name FROM neighbourhood WHERE folded = ? AND \(notRemoved)"),
      arguments: [folded])
  }

  /// Every neighbourhood not removed, by name.
  static func current(in db: Database) throws -> [Vocabulary.Item] {
    try Vocabulary.Item.fetchAll(
      try db.cachedStatement(
        sql: "SELECT id, name FROM neighbourhood WHERE \(notRemoved) ORDER BY name"))
  }

  /// Every neighbourhood in the order it was added, without removed ones when `removals`.
  static func inStudyOrder(removals: Bool, in db: Database) throws -> [NeighbourhoodRow] {
    try addedInOrder("neighbourhood", "name, description", removals: removals, in: db)
  }
}

/// An initiative of the study, as the study file lists it.
struct InitiativeRow: FetchableRecord {
  var name, neighbourhood: String
  var description: String?

  init(row: Row) {
    name = row["name"]
    neighbourhood = row["neighbourhood"]
    description = row["description"]
  }

  /// The id and name of every initiative, removed ones included.
  static func all(in db: Database) throws -> [Vocabulary.Item] {
    try Vocabulary.Item.fetchAll(db, sql: "SELECT id, name FROM initiative")
  }

  /// Every initiative name once, removed ones included.
  static func distinctNames(in db: Database) throws -> [String] {
    try String.fetchAll(db, sql: "SELECT DISTINCT name FROM initiative")
  }

  /// Every initiative name not removed, by name.
  static func currentNames(in db: Database) throws -> [String] {
    try String.fetchAll(db, sql: "SELECT name FROM initiative WHERE \(notRemoved) ORDER BY name")
  }

  /// The initiative not removed of a neighbourhood whose identity form is `folded`.
  static func current(folded: String, neighbourhoodID: String, in db: Database) throws
    -> Vocabulary.Item?
  {
    try Vocabulary.Item.fetchOne(
      try db.cachedStatement(
        sql: """
          SELECT id, name FROM initiative WHERE neighbourhood_id = ? AND folded = ?
            AND \(notRemoved)
          """),
      arguments: [neighbourhoodID, folded])
  }

  /// Every initiative not removed of a neighbourhood, by name.
  static func current(neighbourhoodID: String, in db: Database) throws -> [Vocabulary.Item] {
    try Vocabulary.Item.fetchAll(
      try db.cachedStatement(
        sql: """
          SELECT id, name FROM initiative WHERE neighbourhood_id = ? AND \(notRemoved)
          ORDER BY name
          """),
      arguments: [neighbourhoodID])
  }

  /// The first by name of the neighbourhoods with an initiative not removed whose identity form
  /// is `folded`.
  static func firstNeighbourhoodName(folded: String, in db: Database) throws -> String? {
    try String.fetchOne(
      try db.cachedStatement(
        sql: """
          SELECT n.name FROM initiative i JOIN neighbourhood n ON n.id = i.neighbourhood_id
          WHERE i.folded = ? AND i.\(notRemoved) ORDER BY n.name LIMIT 1
          """), arguments: [folded])
  }

  /// The id and name of every neighbourhood with an initiative not removed whose identity form is
  /// `folded`, by name.
  static func neighbourhoods(folded: String, in db: Database) throws -> [Vocabulary.Item] {
    try Vocabulary.Item.fetchAll(
      db,
      sql: """
        SELECT n.id, n.name FROM initiative i JOIN neighbourhood n ON n.id = i.neighbourhood_id
        WHERE i.folded = ? AND i.id NOT IN (SELECT id FROM vocabulary_removed) ORDER BY n.name
        """, arguments: [folded])
  }

  /// Every initiative with its neighbourhood's name, in the order they were added, neighbourhood
  /// by neighbourhood; without removed ones when `removals`.
  static func inStudyOrder(removals: Bool, in db: Database) throws -> [InitiativeRow] {
    try InitiativeRow.fetchAll(
      db,
      sql: """
        SELECT i.name, n.name AS neighbourhood, i.description FROM initiative i
        JOIN neighbourhood n ON n.id = i.neighbourhood_id
        WHERE \(shown("i", removals: removals)) AND \(shown("n", removals: removals))
        ORDER BY n.rowid, i.rowid
        """)
  }
}

/// A research question of the study.
struct QuestionRow: FetchableRecord {
  var code, text: String

  init(row: Row) {
    code = row["code"]
    text = row["text"]
  }

  /// The question not removed whose identity form is `folded`, its code as the name.
  static func current(folded: String, in db: Database) throws -> Vocabulary.Item? {
    try Vocabulary.Item.fetchOne(
      try db.cachedStatement(
        sql: "SELECT id, code FROM question WHERE folded = ? AND \(notRemoved)"),
      arguments: [folded])
  }

  /// Every question code not removed, in order.
  static func currentCodes(in db: Database) throws -> [String] {
    try String.fetchAll(
      try db.cachedStatement(sql: "SELECT code FROM question WHERE \(notRemoved) ORDER BY code"))
  }

  /// Every question in the order it was added, without removed ones when `removals`.
  static func inStudyOrder(removals: Bool, in db: Database) throws -> [QuestionRow] {
    try addedInOrder("question", "code, text", removals: removals, in: db)
  }
}

/// The coders the study knows, from the `coder` table, the writers' feeds and the codings.
enum CoderRow {
  /// The team: coders of the study file and `coder add`, in the order they were added.
  static func team(in db: Database) throws -> [String] {
    try String.fetchAll(try db.cachedStatement(sql: "SELECT name FROM coder ORDER BY rowid"))
  }

  /// The author of every feed, in the order the feeds were opened.
  static func feedAuthors(in db: Database) throws -> [String] {
    try String.fetchAll(
      try db.cachedStatement(sql: "SELECT author FROM writer ORDER BY opened_at, feed"))
  }

  /// Every coder named on a coding, once each, in order.
  static func onCodings(in db: Database) throws -> [String] {
    try String.fetchAll(
      try db.cachedStatement(sql: "SELECT DISTINCT coder FROM coding ORDER BY coder"))
  }

  /// Whether the team has a coder whose identity form is `folded`.
  static func exists(folded: String, in db: Database) throws -> Bool {
    try Bool.fetchOne(
      db, sql: "SELECT EXISTS (SELECT 1 FROM coder WHERE folded = ?)", arguments: [folded])
      == true
  }

  /// How many codings each coder, as spelt on them, applied.
  static func codingCounts(in db: Database) throws -> [(coder: String, codings: Int)] {
    try Row.fetchAll(db, sql: "SELECT coder, count(*) AS n FROM coding GROUP BY coder").map {
      ($0["coder"], $0["n"])
    }
  }
}

/// The study's name and description: the `study_profile` projection and the writers' feeds.
enum StudyProfileRow {
  /// The study and description of this journal's own feed, else of the first feed opened.
  static func writerProfile(in db: Database) throws -> (study: String, description: String?)? {
    try Row.fetchOne(
      db,
      sql: """
        SELECT w.study, w.description FROM writer w
        LEFT JOIN local l ON l.key = 'writer_feed' AND l.value = w.feed
        ORDER BY l.value IS NULL, w.opened_at, w.feed LIMIT 1
        """
    ).map { ($0["study"], $0["description"]) }
  }

  /// Every edited field of the profile (`name`, `description`) and its value.
  static func fields(in db: Database) throws -> [(field: String?, value: String?)] {
    try Row.fetchAll(db, sql: "SELECT field, value FROM study_profile").map {
      ($0["field"], $0["value"])
    }
  }
}

/// A code of the codebook, as the study file nests it.
struct StudyCodeRow {
  var id, name: String
  var parentID, description, color: String?

  /// Every code, in the order it was defined.
  static func inStudyOrder(in db: Database) throws -> [StudyCodeRow] {
    try StudyCodeRow.fetchAll(
      db, sql: "SELECT id, name, parent_id, description, color FROM code ORDER BY rowid")
  }
}

extension StudyCodeRow: FetchableRecord {
  init(row: Row) {
    self.init(
      id: row["id"], name: row["name"], parentID: row["parent_id"], description: row["description"],
      color: row["color"])
  }
}

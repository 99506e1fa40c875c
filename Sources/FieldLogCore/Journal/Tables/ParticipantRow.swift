import Foundation
import GRDB

/// A participant of the register, with the name of their neighbourhood.
struct ParticipantRow {
  var id, pseudonym: String
  var role, neighbourhood: String?

  /// Every participant, by identity form.
  static func all(in db: Database) throws -> [ParticipantRow] {
    try ParticipantRow.fetchAll(
      try db.cachedStatement(
        sql: """
          SELECT p.id, p.pseudonym, p.role, n.name AS neighbourhood FROM participant p
          LEFT JOIN neighbourhood n ON n.id = p.neighbourhood_id ORDER BY p.folded
          """))
  }

  /// The registered pseudonym whose identity form is `folded`.
  static func pseudonym(folded: String, in db: Database) throws -> String? {
    try String.fetchOne(
      try db.cachedStatement(sql: "SELECT pseudonym FROM participant WHERE folded = ?"),
      arguments: [folded])
  }

  /// Every registered pseudonym.
  static func pseudonyms(in db: Database) throws -> [String] {
    try String.fetchAll(try db.cachedStatement(sql: "SELECT pseudonym FROM participant"))
  }

  /// The pseudonyms of the participants of a neighbourhood, by identity form.
  static func pseudonyms(neighbourhoodID: String, in db: Database) throws -> [String] {
    try String.fetchAll(
      db, sql: "SELECT pseudonym FROM participant WHERE neighbourhood_id = ? ORDER BY folded",
      arguments: [neighbourhoodID])
  }
}

/// A participant's consent for one scope, as it now stands.
struct ConsentRow: FetchableRecord {
  var scope, state: String
  var form: String?
  var date: String

  init(row: Row) {
    scope = row["scope"]
    state = row["state"]
    form = row["form"]
    date = row["date"]
  }

  /// The consent of the participant with this id, per scope it was ever recorded for.
  static func of(participantID: String, in db: Database) throws -> [ConsentRow] {
    try ConsentRow.fetchAll(
      try db.cachedStatement(
        sql: "SELECT scope, state, form, date FROM consent WHERE participant_id = ?"),
      arguments: [participantID])
  }

  /// The scopes, and the form, of the consent given by the participant whose identity form is
  /// `folded`.
  static func given(folded: String, in db: Database) throws -> [(scope: String, form: String?)] {
    try Row.fetchAll(
      try db.cachedStatement(
        sql: """
          SELECT c.scope, c.form FROM consent c JOIN participant p ON p.id = c.participant_id
          WHERE p.folded = ? AND c.state = 'given'
          """), arguments: [folded]
    ).map { ($0["scope"], $0["form"]) }
  }

  /// `given` or `withdrawn` for one scope of the participant whose identity form is `folded`;
  /// nil when nothing was recorded.
  static func state(folded: String, scope: String, in db: Database) throws -> String? {
    try String.fetchOne(
      try db.cachedStatement(
        sql: """
          SELECT c.state FROM consent c JOIN participant p ON p.id = c.participant_id
          WHERE p.folded = ? AND c.scope = ?
          """), arguments: [folded, scope])
  }
}

extension ParticipantRow: FetchableRecord {
  init(row: Row) {
    self.init(
      id: row["id"], pseudonym: row["pseudonym"], role: row["role"],
      neighbourhood: row["neighbourhood"])
  }
}

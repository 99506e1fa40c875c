import Foundation
import GRDB

/// Looks up the study's vocabularies by the names researchers type, case- and diacritics-insensitively.
enum Vocabulary {
  struct Item {
    var id: String
    var name: String
  }

  /// The one item whose name `typed` matches in the matching form (`Text.matchFold`: Turkish ı,
  /// ß, look-alikes), when the stored identity form found none; nil when none or several match.
  static func matching(_ typed: String, among items: [Item]) -> Item? {
    let wanted = Text.matchFold(typed)
    let found = items.filter { Text.matchFold($0.name) == wanted }
    return found.count == 1 ? found[0] : nil
  }

  /// The SQL condition that leaves out removed items (`study remove-...`): they take no new use.
  static let notRemoved = "id NOT IN (SELECT id FROM vocabulary_removed)"

  static func neighbourhood(_ name: String, in db: Database) throws -> Item {
    let folded = Text.identityFold(name)
    if let row = try Row.fetchOne(
      try db.cachedStatement(
        sql: "SELECT id, name FROM neighbourhood WHERE folded = ? AND \(notRemoved)"),
      arguments: [folded])
    {
      return Item(id: row["id"], name: row["name"])
    }
    let items = try Row.fetchAll(
      try db.cachedStatement(
        sql: "SELECT id, name FROM neighbourhood WHERE \(notRemoved) ORDER BY name")
    ).map { Item(id: $0["id"], name: $0["name"]) }
    if let item = matching(name, among: items) { return item }
    let names = items.map(\.name)
    throw FieldLogError.unknownName(
      kind: "neighbourhood", value: name, suggestions: Text.suggestions(for: name, among: names),
      known: names)
  }

  static func initiative(_ name: String, in neighbourhood: Item, db: Database) throws -> Item {
    let folded = Text.identityFold(name)
    if let row = try Row.fetchOne(
      try db.cachedStatement(
        sql: """
          SELECT id, name FROM initiative WHERE neighbourhood_id = ? AND folded = ?
            AND \(notRemoved)
          """),
      arguments: [neighbourhood.id, folded])
    {
      return Item(id: row["id"], name: row["name"])
    }
    if let elsewhere = try String.fetchOne(
      try db.cachedStatement(
        sql: """
          SELECT n.name FROM initiative i JOIN neighbourhood n ON n.id = i.neighbourhood_id
          WHERE i.folded = ? AND i.\(notRemoved) ORDER BY n.name LIMIT 1
          """), arguments: [folded])
    {
      throw FieldLogError.invalidInput(
        "the initiative '\(name)' belongs to '\(elsewhere)', not to '\(neighbourhood.name)'")
    }
    let items = try Row.fetchAll(
      try db.cachedStatement(
        sql: """
          SELECT id, name FROM initiative WHERE neighbourhood_id = ? AND \(notRemoved)
          ORDER BY name
          """),
      arguments: [neighbourhood.id]
    ).map { Item(id: $0["id"], name: $0["name"]) }
    if let item = matching(name, among: items) { return item }
    let names = items.map(\.name)
    throw FieldLogError.unknownName(
      kind: "initiative in '\(neighbourhood.name)'", value: name,
      suggestions: Text.suggestions(for: name, among: names), known: names)
  }

  static func question(_ code: String, in db: Database) throws -> Item {
    if let row = try Row.fetchOne(
      try db.cachedStatement(
        sql: "SELECT id, code FROM question WHERE folded = ? AND \(notRemoved)"),
      arguments: [Text.identityFold(code)])
    {
      return Item(id: row["id"], name: row["code"])
    }
    let codes = try String.fetchAll(
      try db.cachedStatement(sql: "SELECT code FROM question WHERE \(notRemoved) ORDER BY code"))
    throw FieldLogError.unknownName(
      kind: "research question", value: code,
      suggestions: Text.suggestions(for: code, among: codes),
      known: codes)
  }

  static func neighbourhoodID(_ name: String) -> UUID {
    Hashing.derivedID(namespace: "neighbourhood", key: Text.identityFold(name))
  }

  static func initiativeID(_ name: String, neighbourhoodID: String) -> UUID {
    Hashing.derivedID(namespace: "initiative", key: neighbourhoodID + "/" + Text.identityFold(name))
  }

  static func questionID(_ code: String) -> UUID {
    Hashing.derivedID(namespace: "question", key: Text.identityFold(code))
  }

  static func codeID(_ name: String, parentID: String?) -> UUID {
    Hashing.derivedID(namespace: "code", key: (parentID ?? "") + "/" + Text.identityFold(name))
  }
}

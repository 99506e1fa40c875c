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

  static func neighbourhood(_ name: String, in db: Database) throws -> Item {
    if let item = try NeighbourhoodRow.current(folded: Text.identityFold(name), in: db) {
      return item
    }
    let items = try NeighbourhoodRow.current(in: db)
    if let item = matching(name, among: items) { return item }
    let names = items.map(\.name)
    throw FieldLogError.unknownName(
      kind: "neighbourhood", value: name, suggestions: Text.suggestions(for: name, among: names),
      known: names)
  }

  static func initiative(_ name: String, in neighbourhood: Item, db: Database) throws -> Item {
    let folded = Text.identityFold(name)
    if let item = try InitiativeRow.current(
      folded: folded, neighbourhoodID: neighbourhood.id, in: db)
    {
      return item
    }
    if let elsewhere = try InitiativeRow.firstNeighbourhoodName(folded: folded, in: db) {
      throw FieldLogError.invalidInput(
        "the initiative '\(name)' belongs to '\(elsewhere)', not to '\(neighbourhood.name)'")
    }
    let items = try InitiativeRow.current(neighbourhoodID: neighbourhood.id, in: db)
    if let item = matching(name, among: items) { return item }
    let names = items.map(\.name)
    throw FieldLogError.unknownName(
      kind: "initiative in '\(neighbourhood.name)'", value: name,
      suggestions: Text.suggestions(for: name, among: names), known: names)
  }

  static func question(_ code: String, in db: Database) throws -> Item {
    if let item = try QuestionRow.current(folded: Text.identityFold(code), in: db) { return item }
    let codes = try QuestionRow.currentCodes(in: db)
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

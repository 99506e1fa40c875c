import Foundation
import GRDB

/// A coder the study knows, as `coder list` shows them.
public struct CoderRecord: Encodable, Equatable, Sendable {
  public var name: String
  /// How the study knows them: `team` (the study file's team or `coder add`), `author` (the author
  /// of a journal whose events this one holds) or `coded` (found only on codings made before
  /// coders had to be known).
  public var source: String
  /// The codings this coder applied that the journal holds now.
  public var codings: Int
}

/// The coders of a study: who may be named with `--coder`.
///
/// A misspelt coder would split one person's work in two and skew every agreement figure, so a
/// coder must be known: the study's team, anyone added with `coder add`, the author of every feed,
/// and, for journals from before this rule, whoever already coded.
enum Coders {
  static func id(_ name: String) -> UUID {
    Hashing.derivedID(namespace: "coder", key: Text.identityFold(name))
  }

  /// Every known coder once (the first spelling found), with how the study knows them.
  static func all(in db: Database) throws -> [(name: String, source: String)] {
    var seen: Set<String> = []
    var coders: [(name: String, source: String)] = []
    let sources = [
      ("team", CoderRow.team), ("author", CoderRow.feedAuthors), ("coded", CoderRow.onCodings),
    ]
    for (source, names) in sources {
      for name in try names(db) where seen.insert(Text.matchFold(name)).inserted {
        coders.append((name, source))
      }
    }
    return coders
  }

  /// The coder as the study spells them, or an error listing the known coders, closest first.
  static func known(_ typed: String, in db: Database) throws -> String {
    let known = try all(in: db).map(\.name)
    if let match = known.first(where: { Text.matchFold($0) == Text.matchFold(typed) }) {
      return match
    }
    throw FieldLogError.invalidInput(
      FieldLogError.unknownName(
        kind: "coder", value: typed, suggestions: Text.suggestions(for: typed, among: known),
        known: known
      ).message,
      hint: "add them to the study with 'fieldlog coder add \"\(typed)\"'")
  }

  /// Records a coder of the study's team; refuses one the study knows already.
  @discardableResult
  static func add(_ name: String, in db: Database, at date: Date) throws -> String {
    let name = try Text.line(name, what: "coder")
    if let existing = try all(in: db).first(where: {
      Text.matchFold($0.name) == Text.matchFold(name)
    }) {
      let how = ["author": " (the author of a journal)", "coded": " (from earlier codings)"]
      throw FieldLogError.invalidInput(
        "the coder '\(existing.name)' is known already\(how[existing.source] ?? "")")
    }
    try register(name, in: db, at: date)
    return name
  }

  /// Records a coder of the team unless registered already (the study file's team at `init`, which
  /// may name the journal's author too).
  static func register(_ name: String, in db: Database, at date: Date) throws {
    guard try !CoderRow.exists(folded: Text.identityFold(name), in: db) else { return }
    try EventLog.append(
      .coderAdded, subject: id(name), payload: Payload.CoderAdded(name: name), in: db, at: date)
  }
}

extension Journal {
  /// Adds a coder to the study's team, so `code apply --coder` accepts them.
  @discardableResult
  public func addCoder(_ name: String) throws -> String {
    try write { db in try Coders.add(name, in: db, at: Date()) }
  }

  /// Every coder the study knows, with the codings each applied.
  public func coders() throws -> [CoderRecord] {
    try read { db in
      var counts: [String: Int] = [:]
      for (coder, codings) in try CoderRow.codingCounts(in: db) {
        counts[Text.matchFold(coder), default: 0] += codings
      }
      return try Coders.all(in: db).map { coder in
        CoderRecord(
          name: coder.name, source: coder.source, codings: counts[Text.matchFold(coder.name)] ?? 0)
      }
    }
  }
}

import Foundation
import GRDB

/// A code of the codebook with its place in the tree and how much it is used.
public struct CodeRecord: Encodable, Equatable, Sendable {
  public var id: String
  public var name: String
  /// The full path, `parent > child`.
  public var path: String
  public var parent: String?
  public var description: String?
  public var color: String?
  public var depth: Int
  /// Codings with exactly this code, on entries that are not retracted.
  public var codings: Int
  /// Entries with at least one such coding.
  public var entries: Int

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(id, forKey: .id)
    try container.encode(name, forKey: .name)
    try container.encode(path, forKey: .path)
    try container.encode(parent, forKey: .parent)
    try container.encode(description, forKey: .description)
    try container.encode(color, forKey: .color)
    try container.encode(depth, forKey: .depth)
    try container.encode(codings, forKey: .codings)
    try container.encode(entries, forKey: .entries)
  }

  enum CodingKeys: String, CodingKey {
    case id, name, path, parent, description, color, depth, codings, entries
  }
}

extension CodeRecord {
  /// A code as `code list` and `export codebook` show it: by its path, with its usage.
  init(
    _ row: CodeRow, depth: Int, usage: [String: (codings: Int, entries: Int)],
    nodes: [String: Codebook.Node]
  ) {
    self.init(
      id: row.id, name: row.name, path: Codebook.path(row.id, in: nodes),
      parent: row.parentID.map { Codebook.path($0, in: nodes) }, description: row.description,
      color: row.color, depth: depth, codings: usage[row.id]?.codings ?? 0,
      entries: usage[row.id]?.entries ?? 0)
  }
}

/// The codebook: a tree of codes, changed only by events.
enum Codebook {
  struct Node {
    var id: String
    var name: String
    var parent: String?
  }

  static func nodes(_ db: Database) throws -> [String: Node] {
    var nodes: [String: Node] = [:]
    for code in try CodeRow.all(db) {
      nodes[code.id] = Node(id: code.id, name: code.name, parent: code.parentID)
    }
    return nodes
  }

  static func path(_ id: String, in nodes: [String: Node]) -> String {
    var names: [String] = []
    var current: String? = id
    var seen: Set<String> = []
    while let here = current, let node = nodes[here], seen.insert(here).inserted {
      names.insert(node.name, at: 0)
      current = node.parent
    }
    return names.joined(separator: " > ")
  }

  /// A code by its name, or by its path `parent > child` when names repeat under other parents, or by
  /// its id (a prefix of at least 4 characters) when even the path repeats, as after a merge.
  static func resolve(_ typed: String, in db: Database) throws -> String {
    let nodes = try nodes(db)
    let parts = typed.split(separator: ">").map { Text.identityFold(String($0)) }
    guard let last = parts.last, !last.isEmpty else {
      throw FieldLogError.invalidInput("the code name is empty")
    }
    let matches = nodes.values.filter { node in
      guard Text.identityFold(node.name) == last else { return false }
      // Every typed ancestor must match, from the nearest up.
      var ancestor = node.parent
      for part in parts.dropLast().reversed() {
        guard let id = ancestor, let up = nodes[id], Text.identityFold(up.name) == part else {
          return false
        }
        ancestor = up.parent
      }
      return true
    }
    if matches.count == 1 { return matches[0].id }
    let prefix = typed.trimmingCharacters(in: .whitespaces).lowercased()
    if prefix.count >= 4 {
      let byID = nodes.keys.filter { $0.hasPrefix(prefix) }
      if byID.count == 1, let id = byID.first { return id }
    }
    if matches.isEmpty {
      // Suggest from the names as well as the paths: a misspelt child is far from its full path.
      let paths = nodes.keys.map { path($0, in: nodes) }
      let byName = Text.suggestions(for: typed, among: nodes.values.map(\.name)).flatMap { name in
        nodes.values.filter { $0.name == name }.map { path($0.id, in: nodes) }
      }
      let suggestions = (byName + Text.suggestions(for: typed, among: paths))
        .reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
      throw FieldLogError.unknownName(
        kind: "code", value: typed, suggestions: Array(suggestions.prefix(2)), known: paths.sorted()
      )
    }
    throw FieldLogError.invalidInput(
      "the code '\(typed)' is ambiguous: "
        + matches.map { "'\(path($0.id, in: nodes))'" }.sorted().joined(separator: ", "),
      hint: "name it by its path, e.g. 'parent > child', or by its id: "
        + matches.map { String($0.id.prefix(8)) }.sorted().joined(separator: ", "))
  }

  /// A code name as typed: one line, and no `>`, which separates the names in a path.
  static func name(_ typed: String) throws -> String {
    let name = try Text.line(typed, what: "code name")
    guard !name.contains(">") else {
      throw FieldLogError.invalidInput(
        "the code name '\(name)' contains '>', which separates paths")
    }
    return name
  }

  static func refuseSibling(_ name: String, parent: String?, except: String? = nil, in db: Database)
    throws
  {
    if let existing = try CodeRow.sibling(
      folded: Text.identityFold(name), parent: parent, except: except, in: db)
    {
      let all = try nodes(db)
      let place = parent.map { "under '\(path($0, in: all))'" } ?? "at the top"
      throw FieldLogError.invalidInput(
        "a code '\(path(existing, in: all))' exists already \(place)")
    }
  }
}

extension Journal {
  /// Defines a code, under a parent or at the top of the codebook; returns its path.
  @discardableResult
  public func defineCode(
    _ name: String, parent: String? = nil, description: String? = nil, color: String? = nil
  ) throws -> String {
    let name = try Codebook.name(name)
    let color = try color.map { given -> String in
      guard let normalized = Study.normalizeColor(given) else {
        throw FieldLogError.invalidInput("'\(given)' is not a colour like #1F77B4")
      }
      return normalized
    }
    return try write { db in
      let parentID = try parent.map { try Codebook.resolve($0, in: db) }
      try Codebook.refuseSibling(name, parent: parentID, in: db)
      var id = Vocabulary.codeID(name, parentID: parentID)
      // A renamed code keeps its id: a new code with its old name needs another.
      if try ExchangeQueries.isSubject(id.lowercased, in: db) { id = UUID() }
      try EventLog.append(
        .codeDefined, subject: id,
        payload: Payload.CodeDefined(
          name: name, parent: parentID, description: description, color: color), in: db)
      return Codebook.path(id.lowercased, in: try Codebook.nodes(db))
    }
  }

  /// Gives a code a new name; its codings stay.
  public func renameCode(_ code: String, to name: String) throws {
    let name = try Codebook.name(name)
    try write { db in
      let id = try Codebook.resolve(code, in: db)
      let parent = try CodeRow.find(id, in: db)?.parentID
      try Codebook.refuseSibling(name, parent: parent, except: id, in: db)
      try EventLog.append(
        .codeRenamed, subject: try codeUUID(id), payload: Payload.CodeRenamed(name: name), in: db)
    }
  }

  /// Moves a code under another (`parent`), or to the top (`parent` nil); cycles are refused.
  public func moveCode(_ code: String, under parent: String?) throws {
    try write { db in
      let id = try Codebook.resolve(code, in: db)
      let parentID = try parent.map { try Codebook.resolve($0, in: db) }
      if let parentID, try CodeRow.descendants(of: id, in: db).contains(parentID) {
        let nodes = try Codebook.nodes(db)
        throw FieldLogError.invalidInput(
          "'\(Codebook.path(parentID, in: nodes))' is '\(Codebook.path(id, in: nodes))' or lies "
            + "below it: moving there would make a cycle")
      }
      let name = try CodeRow.find(id, in: db)?.name ?? ""
      try Codebook.refuseSibling(name, parent: parentID, except: id, in: db)
      try EventLog.append(
        .codeMoved, subject: try codeUUID(id), payload: Payload.CodeMoved(parent: parentID), in: db)
    }
  }

  /// Moves every coding (and child, and memo) of `from` to `into`, and retires `from`.
  public func mergeCode(_ from: String, into: String) throws {
    try write { db in
      let source = try Codebook.resolve(from, in: db)
      let target = try Codebook.resolve(into, in: db)
      let nodes = try Codebook.nodes(db)
      guard source != target else {
        throw FieldLogError.invalidInput("a code cannot be merged into itself")
      }
      if try CodeRow.descendants(of: source, in: db).contains(target) {
        throw FieldLogError.invalidInput(
          "'\(Codebook.path(target, in: nodes))' lies below '\(Codebook.path(source, in: nodes))'; "
            + "move it out first")
      }
      for child in nodes.values where child.parent == source {
        try Codebook.refuseSibling(child.name, parent: target, in: db)
      }
      try EventLog.append(
        .codeMerged, subject: try codeUUID(source), payload: Payload.CodeMerged(into: target),
        in: db)
    }
  }

  /// Sets a code's description.
  public func describeCode(_ code: String, description: String) throws {
    let description = Text.trimmed(Text.normalize(description))
    try write { db in
      let id = try Codebook.resolve(code, in: db)
      try EventLog.append(
        .codeDescribed, subject: try codeUUID(id),
        payload: Payload.CodeDescribed(description: description), in: db)
    }
  }

  /// The codebook in tree order, with the number of codings and of entries per code.
  public func codes() throws -> [CodeRecord] {
    try read { db in
      let nodes = try Codebook.nodes(db)
      let usage = try CodeRow.usage(db)
      let rows = try CodeRow.inDefinitionOrder(db)
      var records: [CodeRecord] = []
      func add(parent: String?, depth: Int) {
        for row in rows where row.parentID == parent {
          records.append(CodeRecord(row, depth: depth, usage: usage, nodes: nodes))
          add(parent: row.id, depth: depth + 1)
        }
      }
      add(parent: nil, depth: 0)
      return records
    }
  }

  func codeUUID(_ id: String) throws -> UUID {
    guard let uuid = UUID(uuidString: id) else {
      throw FieldLogError.unknownID(kind: "code", prefix: id)
    }
    return uuid
  }
}

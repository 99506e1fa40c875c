import Foundation
import GRDB

/// An analytic memo about an entry, a code or a coding.
public struct MemoRecord: Encodable, Equatable, Sendable {
  public var id: String
  /// The id of what it is about.
  public var about: String
  /// For a memo about a code, the code's path (`parent > child`): its id says nothing to a reader.
  public var aboutPath: String?
  /// `entry`, `code` or `coding`.
  public var aboutKind: String
  public var author: String
  public var time: String
  public var text: String
  /// The cycle (its code) and phase it was written in, when given.
  public var cycle: String?
  public var phase: String?
  /// Whether it may be shown to the participants it concerns (member checking).
  public var shared: Bool

  enum CodingKeys: String, CodingKey {
    case id, about
    case aboutPath = "about_path"
    case aboutKind = "about_kind"
    case author, time, text, cycle, phase, shared
  }
}

extension Journal {
  /// What a memo's `--about` names: an entry or coding id (prefix), or a code by name or path.
  func resolveAbout(_ typed: String, in db: Database) throws -> (id: String, kind: MemoSubject) {
    let hex = typed.filter(\.isHexDigit)
    if hex.count >= 4, hex.count == typed.filter({ $0 != "-" }).count {
      if let entry = try? EntryQuery.resolveID(typed, in: db) { return (entry, .entry) }
      if let coding = try? Self.resolveCodingID(typed, in: db) { return (coding, .coding) }
    }
    do {
      return (try Codebook.resolve(typed, in: db), .code)
    } catch {
      throw FieldLogError.invalidInput(
        "'\(typed)' names no entry, coding or code",
        hint: "give an id as 'fieldlog list' or 'code show' prints it, or a code's name")
    }
  }

  /// Adds a memo about an entry, code or coding.
  public func addMemo(
    about typed: String, text: String, cycle: String? = nil, phase: String? = nil,
    shared: Bool = false
  ) throws -> MemoRecord {
    let text = try Text.body(text, source: "the memo")
    guard !Text.isBlank(text) else {
      throw FieldLogError.invalidInput("the memo is empty")
    }
    let about = try read { db -> (id: String, kind: MemoSubject) in
      let about = try resolveAbout(typed, in: db)
      if about.kind == .entry, try EntryQuery.entry(id: about.id, in: db).redacted != nil {
        throw FieldLogError.invalidInput(
          "entry \(about.id.prefix(8)) was redacted; it takes no memos")
      }
      return about
    }
    return try write { db in
      let id = UUID()
      try EventLog.append(
        .memoAdded, subject: id,
        payload: Payload.MemoAdded(
          about: about.id, aboutKind: about.kind.rawValue, text: text,
          author: try EventLog.author(db),
          cycle: try cycle.map { try ActionResearch.cycle($0, in: db).id },
          phase: try phase.map(Phase.parse)?.rawValue, shared: shared ? true : nil),
        in: db)
      guard let memo = try MemoRow.find(id.lowercased, in: db) else {
        throw FieldLogError.damaged("the memo was not stored")
      }
      return try Self.memos([memo], in: db)[0]
    }
  }

  /// Memos, oldest first, optionally only those about one thing.
  public func memos(about typed: String? = nil) throws -> [MemoRecord] {
    try read { db in
      guard let typed else { return try Self.memos(try MemoRow.all(db), in: db) }
      let about = try resolveAbout(typed, in: db)
      return try Self.memos(try MemoRow.about(about.id, in: db), in: db)
    }
  }

  /// Memos as they are shown: a code by its path.
  static func memos(_ rows: [MemoRow], in db: Database) throws -> [MemoRecord] {
    let nodes = try Codebook.nodes(db)
    return rows.map { row in
      MemoRecord(
        id: row.id, about: row.aboutID,
        aboutPath: row.subject == .code ? Codebook.path(row.aboutID, in: nodes) : nil,
        aboutKind: row.subject.rawValue, author: row.author, time: row.writtenAt, text: row.text,
        cycle: row.cycle, phase: row.phase, shared: row.shared)
    }
  }
}

import Foundation
import GRDB

/// One step in an entry's life: a version recorded or amended, a retraction, a redaction.
public struct HistoryStep: Encodable, Equatable, Sendable {
  /// A changed attribute, as the researcher reads it.
  public struct Change: Encodable, Equatable, Sendable {
    public var what: String
    public var from: String?
    public var to: String?

    public func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(what, forKey: .what)
      try container.encode(from, forKey: .from)
      try container.encode(to, forKey: .to)
    }

    enum CodingKeys: String, CodingKey { case what, from, to }
  }

  /// One line of the body diff: `-` removed, `+` added.
  public struct DiffLine: Encodable, Equatable, Sendable {
    public var op: String
    public var line: String
  }

  /// `recorded`, `amended`, `retracted`, `unretracted` or `redacted`.
  public var event: String
  public var version: Int?
  public var author: String
  public var at: String
  public var reason: String?
  /// True when this version's content was erased by a redaction.
  public var erased: Bool
  public var title: String?
  public var changes: [Change]
  public var diff: [DiffLine]
  /// For an imported entry: the file and record it came from.
  public var importedFrom: String? = nil

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(event, forKey: .event)
    try container.encode(version, forKey: .version)
    try container.encode(author, forKey: .author)
    try container.encode(at, forKey: .at)
    try container.encode(reason, forKey: .reason)
    try container.encode(erased, forKey: .erased)
    try container.encode(title, forKey: .title)
    try container.encode(changes, forKey: .changes)
    try container.encode(diff, forKey: .diff)
    try container.encodeIfPresent(importedFrom, forKey: .importedFrom)
  }

  enum CodingKeys: String, CodingKey {
    case event, version, author, at, reason, erased, title, changes, diff
    case importedFrom = "imported_from"
  }
}

extension Journal {
  /// Every version of an entry with what changed, and its retractions and redaction, oldest first.
  ///
  /// Each version is compared with the version it was made from (its event's target), not with
  /// the version before it in the file: after a merge, two concurrent amendments of version 2 both
  /// show what they changed in version 2.
  public func history(of id: String) throws -> [HistoryStep] {
    try read { db in
      let names = try Dictionary(
        Vocabulary.allNames(in: db).map { ($0.id, $0.name) },
        uniquingKeysWith: { first, _ in first })
      func name(_ id: String?) -> String? { id.map { names[$0] ?? $0 } }

      let rows = try EntryRow.historyEvents(of: id, in: db)
      var steps: [HistoryStep] = []
      var previous: Payload.EntryVersion?
      var versions: [Data: Payload.EntryVersion] = [:]
      var erasedVersions = Set<Data>()
      var versionNumber = 0
      for row in rows {
        let type = row.type
        let at = row.recordedAt
        let json = row.json.map { Data($0.utf8) }
        switch type {
        case EventType.entryRetracted.rawValue, EventType.entryUnretracted.rawValue:
          let payload = try json.map {
            try CanonicalJSON.decode(Payload.EntryRetracted.self, from: $0)
          }
          steps.append(
            HistoryStep(
              event: type == EventType.entryRetracted.rawValue ? "retracted" : "unretracted",
              version: nil, author: payload?.author ?? "", at: at,
              reason: payload?.reason, erased: false, title: nil, changes: [], diff: []))
        case EventType.redaction.rawValue:
          guard let json, !steps.contains(where: { $0.event == "redacted" }) else { continue }
          let payload = try CanonicalJSON.decode(Payload.Redaction.self, from: json)
          steps.append(
            HistoryStep(
              event: "redacted", version: nil, author: payload.redactedBy, at: at,
              reason: payload.reason, erased: false, title: nil, changes: [], diff: []))
        default:
          versionNumber += 1
          let event = type == EventType.entryRecorded.rawValue ? "recorded" : "amended"
          let hash = row.hash
          let target = row.target
          guard let json else {
            erasedVersions.insert(hash)
            steps.append(
              HistoryStep(
                event: event, version: versionNumber, author: Placeholder.redacted, at: at,
                reason: nil,
                erased: true, title: nil, changes: [], diff: []))
            previous = nil
            continue
          }
          let version = try CanonicalJSON.decode(Payload.EntryVersion.self, from: json)
          var step = HistoryStep(
            event: event, version: version.version ?? versionNumber, author: version.author, at: at,
            reason: version.reason, erased: false, title: version.title, changes: [], diff: [],
            importedFrom: version.importedFrom)
          // The version it amended; an amendment whose target is not here (an old journal)
          // compares with the one before it, as before.
          let parent =
            if let target, versions[target] != nil || erasedVersions.contains(target) {
              versions[target]
            } else {
              previous
            }
          if let parent {
            step.changes = Self.changes(from: parent, to: version, name: name)
            step.diff = Self.lineDiff(from: parent.body, to: version.body)
          }
          steps.append(step)
          previous = version
          versions[hash] = version
        }
      }
      return steps
    }
  }

  static func changes(
    from old: Payload.EntryVersion, to new: Payload.EntryVersion, name: (String?) -> String?
  ) -> [HistoryStep.Change] {
    var changes: [HistoryStep.Change] = []
    func compare(_ what: String, _ before: String?, _ after: String?) {
      if before != after { changes.append(.init(what: what, from: before, to: after)) }
    }
    compare("title", old.title, new.title)
    compare("occurred_at", old.occurredAt, new.occurredAt)
    compare("neighbourhood", name(old.neighbourhood), name(new.neighbourhood))
    compare("initiative", name(old.initiative), name(new.initiative))
    compare(
      "questions", old.questions.compactMap(name).joined(separator: ", "),
      new.questions.compactMap(name).joined(separator: ", "))
    for tag in old.tags where !new.tags.contains(tag) {
      changes.append(.init(what: "tag", from: tag, to: nil))
    }
    for tag in new.tags where !old.tags.contains(tag) {
      changes.append(.init(what: "tag", from: nil, to: tag))
    }
    func people(_ list: [ParticipantRef]) -> String {
      list.map(\.typed).joined(separator: ", ")
    }
    compare("participants", people(old.participants), people(new.participants))
    for key in Set(old.fields.keys).union(new.fields.keys).sorted() {
      compare(
        "field \(key)", old.fields[key].map(Fields.text(of:)), new.fields[key].map(Fields.text(of:))
      )
    }
    return changes
  }

  /// The lines removed from `old` and added in `new`, in reading order.
  static func lineDiff(from old: String, to new: String) -> [HistoryStep.DiffLine] {
    let before = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let after = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let difference = after.difference(from: before)
    var removed = Set<Int>()
    var inserted = Set<Int>()
    for change in difference {
      switch change {
      case .remove(let offset, _, _): removed.insert(offset)
      case .insert(let offset, _, _): inserted.insert(offset)
      }
    }
    var lines: [HistoryStep.DiffLine] = []
    var i = 0
    var j = 0
    while i < before.count || j < after.count {
      if i < before.count, removed.contains(i) {
        lines.append(.init(op: "-", line: before[i]))
        i += 1
      } else if j < after.count, inserted.contains(j) {
        lines.append(.init(op: "+", line: after[j]))
        j += 1
      } else {
        i += 1
        j += 1
      }
    }
    return lines
  }
}

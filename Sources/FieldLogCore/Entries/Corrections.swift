import Foundation
import GRDB

/// What an amendment changes; everything left nil stays as it is in the current version.
public struct EntryChanges: Sendable, Equatable {
  public var title: String?
  public var body: String?
  public var neighbourhood: String?
  public var initiative: String?
  public var questions: [String]?
  public var tags: [String]?
  public var participants: [String]?
  public var newParticipants: [String]
  /// `key=value` pairs; an empty value removes the field.
  public var fields: [(String, String)]
  public var occurredAt: String?
  /// A cycle or phase to give the entry.
  public var cycle: String?
  public var phase: String?

  public init(
    title: String? = nil, body: String? = nil, neighbourhood: String? = nil,
    initiative: String? = nil, questions: [String]? = nil, tags: [String]? = nil,
    participants: [String]? = nil, newParticipants: [String] = [], fields: [(String, String)] = [],
    occurredAt: String? = nil, cycle: String? = nil, phase: String? = nil
  ) {
    self.cycle = cycle
    self.phase = phase
    self.title = title
    self.body = body
    self.neighbourhood = neighbourhood
    self.initiative = initiative
    self.questions = questions
    self.tags = tags
    self.participants = participants
    self.newParticipants = newParticipants
    self.fields = fields
    self.occurredAt = occurredAt
  }

  public static func == (lhs: EntryChanges, rhs: EntryChanges) -> Bool {
    lhs.title == rhs.title && lhs.body == rhs.body && lhs.neighbourhood == rhs.neighbourhood
      && lhs.initiative == rhs.initiative && lhs.questions == rhs.questions && lhs.tags == rhs.tags
      && lhs.participants == rhs.participants && lhs.newParticipants == rhs.newParticipants
      && lhs.occurredAt == rhs.occurredAt && lhs.cycle == rhs.cycle && lhs.phase == rhs.phase
      && lhs.fields.map { "\($0.0)=\($0.1)" } == rhs.fields.map { "\($0.0)=\($0.1)" }
  }

  /// Whether anything at all is to change.
  public var isEmpty: Bool { self == EntryChanges() }

  /// The draft of the next version: the current one with these changes.
  public func applied(to current: EntryRecord) -> EntryDraft {
    let movesPlace =
      neighbourhood.map { Text.identityFold($0) != Text.identityFold(current.neighbourhood ?? "") }
      ?? false
    // A title that was taken from the body's first line follows the new body; one given stays.
    var draft = EntryDraft(
      kind: current.kind,
      title: title ?? (body != nil && current.hasDerivedTitle ? nil : current.title),
      body: body ?? current.body,
      neighbourhood: neighbourhood ?? current.neighbourhood,
      // An initiative belongs to its neighbourhood: moving the entry drops it unless one is named.
      initiative: initiative ?? (movesPlace ? nil : current.initiative),
      questions: questions ?? current.questions, tags: tags ?? current.tags,
      participants: participants ?? current.participants.map(\.typed),
      newParticipants: newParticipants, fields: fields, baseFields: current.fields,
      occurredAt: occurredAt ?? current.occurredAt)
    // A cycle taken from the entry's day stays so: a new day may fall in another cycle.
    draft.cycle = cycle ?? (current.cycleByDate ? nil : current.cycle)
    draft.phase = phase ?? current.phase?.rawValue
    return draft
  }
}

extension Journal {
  /// The current version of an entry, for an amendment to start from.
  public func currentVersion(of id: String) throws -> EntryRecord {
    let entry = try entry(id: id)
    if let reason = entry.redacted {
      throw FieldLogError.invalidInput(
        "entry \(entry.shortID) was redacted (\(reason)); it cannot be amended")
    }
    if entry.retracted != nil {
      throw FieldLogError.invalidInput(
        "entry \(entry.shortID) is retracted; it cannot be amended",
        hint: "'fieldlog history \(entry.shortID)' shows why")
    }
    return entry
  }

  /// Records a new version of an entry, made from version `basedOn`.
  ///
  /// If another version landed since (another terminal, a merged journal), nothing is recorded and
  /// the error names the newer version and who made it: conflicts are refused, never resolved.
  ///
  /// An entry that two journals amended concurrently (see `conflicts`) is amended only with
  /// `resolving`: the new version then replaces every concurrent one.
  public func amend(
    _ id: String, with draft: EntryDraft, reason: String, basedOn version: Int,
    resolving: Bool = false, now: Date = Date()
  ) throws -> EntryRecord {
    let reason = try Text.line(reason, what: "reason")
    return try write { db in
      let current = try EntryQuery.entry(id: id, in: db)
      guard current.version == version else {
        throw FieldLogError.invalidInput(
          "entry \(current.shortID) is at version \(current.version), made by \(current.author), "
            + "not at version \(version); nothing was amended",
          hint: "see 'fieldlog history \(current.shortID)', then amend version \(current.version)")
      }
      guard current.redacted == nil, current.retracted == nil else {
        throw FieldLogError.invalidInput(
          "entry \(current.shortID) is \(current.redacted == nil ? "retracted" : "redacted"); "
            + "it cannot be amended")
      }
      guard draft.ties.isEmpty && draft.network == nil else {
        throw FieldLogError.invalidInput(
          "an amendment records no ties; nothing was amended",
          hint: "record a tie on the conversation: fieldlog network tie P A B --kind K "
            + "--strength N --entry \(current.shortID)")
      }
      var next = try EntryRecorder.payload(for: draft, in: db, now: now)
      next.reason = reason
      next.version = current.version + 1
      let target = try EntryRow.eventHash(of: id, in: db)
      let concurrent = try EntryRow.conflictHashes(of: id, in: db).filter { $0 != target }
      if !concurrent.isEmpty {
        guard resolving else {
          throw FieldLogError.invalidInput(
            "entry \(current.shortID) has \(concurrent.count + 1) concurrent versions from merged "
              + "journals; nothing was amended",
            hint: "see 'fieldlog conflicts', then amend with --resolve to replace them all")
        }
        next.resolves = concurrent.map(Hashing.hex)
      }
      if try EntryRecorder.content(of: next) == EntryRecorder.storedContent(of: current, in: db) {
        throw FieldLogError.invalidInput(
          "the amendment changes nothing in entry \(current.shortID); nothing was recorded")
      }
      guard let subject = UUID(uuidString: id) else {
        throw FieldLogError.unknownID(kind: "entry", prefix: id)
      }
      try EventLog.append(
        .entryAmended, subject: subject, target: target, payload: next, in: db, at: now)
      return try EntryQuery.entry(id: id, in: db)
    }
  }

  /// Hides an entry from lists, searches, reports and exports; its history keeps it.
  public func retract(_ id: String, reason: String) throws {
    let reason = try Text.line(reason, what: "reason")
    try write { db in
      let current = try EntryQuery.entry(id: id, in: db)
      if current.retracted != nil {
        throw FieldLogError.invalidInput("entry \(current.shortID) is retracted already")
      }
      guard let subject = UUID(uuidString: id) else {
        throw FieldLogError.unknownID(kind: "entry", prefix: id)
      }
      let target = try EntryRow.eventHash(of: id, in: db)
      try EventLog.append(
        .entryRetracted, subject: subject, target: target,
        payload: Payload.EntryRetracted(reason: reason, author: try EventLog.author(db)), in: db)
    }
  }

  /// Brings a retracted entry back into lists, searches, reports and exports; its history keeps
  /// both the retraction and the reason it was undone.
  public func unretract(_ id: String, reason: String) throws {
    let reason = try Text.line(reason, what: "reason")
    try write { db in
      let current = try EntryQuery.entry(id: id, in: db)
      guard current.retracted != nil else {
        throw FieldLogError.invalidInput(
          "entry \(current.shortID) is not retracted; there is nothing to bring back")
      }
      if let redacted = current.redacted {
        throw FieldLogError.invalidInput(
          "entry \(current.shortID) was redacted (\(redacted)); its content is gone and it stays "
            + "retracted")
      }
      guard let subject = UUID(uuidString: id) else {
        throw FieldLogError.unknownID(kind: "entry", prefix: id)
      }
      let target = try EntryRow.lastRetractionHash(of: id, in: db)
      try EventLog.append(
        .entryUnretracted, subject: subject, target: target,
        payload: Payload.EntryRetracted(reason: reason, author: try EventLog.author(db)), in: db)
    }
  }
}

extension EntryRecorder {
  /// A version's content without who made it, why, or its number: what an amendment must change.
  static func content(of version: Payload.EntryVersion) throws -> Data {
    var content = version
    content.reason = nil
    content.version = nil
    content.author = ""
    content.recordedAt = nil
    content.importedFrom = nil
    content.resolves = nil
    return try CanonicalJSON.encode(content)
  }

  /// The content of the stored current version of an entry.
  static func storedContent(of entry: EntryRecord, in db: Database) throws -> Data? {
    guard let json = try EntryRow.currentPayloadJSON(of: entry.id, in: db) else { return nil }
    return try content(of: CanonicalJSON.decode(Payload.EntryVersion.self, from: Data(json.utf8)))
  }
}

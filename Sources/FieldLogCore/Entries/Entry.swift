import Foundation
import GRDB

/// A pseudonymous participant named on an entry, with their role in it.
public struct ParticipantRef: Codable, Equatable, Sendable {
  public var pseudonym: String
  public var role: String?

  public init(pseudonym: String, role: String?) {
    self.pseudonym = pseudonym
    self.role = role
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(pseudonym, forKey: .pseudonym)
    try container.encode(role, forKey: .role)
  }

  /// As typed on the command line: `P-017` or `P-017:role`.
  public var typed: String { role.map { "\(pseudonym):\($0)" } ?? pseudonym }

  /// Parses `P-017` or `P-017:role`.
  public static func parse(_ text: String) throws -> ParticipantRef {
    let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
    let pseudonym = parts[0].trimmingCharacters(in: .whitespaces)
    guard isValidPseudonym(pseudonym) else {
      throw FieldLogError.invalidInput(
        "'\(pseudonym)' is not a pseudonym: use letters, digits, '.', '_' or '-' (like P-017)",
        hint: "the journal holds pseudonyms only; real names belong in the key file")
    }
    var role: String?
    if parts.count == 2 {
      role = try Text.line(String(parts[1]), what: "role of \(pseudonym)")
    }
    return ParticipantRef(pseudonym: pseudonym, role: role)
  }

  static func isValidPseudonym(_ text: String) -> Bool {
    let scalars = Array(text.unicodeScalars)
    guard let first = scalars.first, scalars.count <= 64, first.isASCIILetter || first.isASCIIDigit
    else { return false }
    return scalars.allSatisfy {
      $0.isASCIILetter || $0.isASCIIDigit || "._-".unicodeScalars.contains($0)
    }
  }
}

/// What a researcher gives to record an entry, before it is checked.
public struct EntryDraft: Sendable, Equatable {
  public var kind: EntryKind
  public var title: String?
  public var body: String
  public var neighbourhood: String?
  public var initiative: String?
  public var questions: [String]
  public var tags: [String]
  public var participants: [String]
  /// Participants to add to the study's register with this entry (`--new-participant`).
  public var newParticipants: [String]
  /// `key=value` pairs as typed; when amending, an empty value removes the field.
  public var fields: [(String, String)]
  /// The fields of the version being amended; the pairs above change them.
  public var baseFields: [String: JSONValue]
  /// When the fieldwork happened, as typed; nil means now.
  public var occurredAt: String?
  /// Record it even when an entry of the same kind, time and body exists (`--allow-duplicate`).
  public var allowDuplicate = false
  /// The action-research cycle (its code) as typed; nil leaves it to the entry's day.
  public var cycle: String?
  /// The phase of the cycle as typed; never guessed.
  public var phase: String?
  /// Ties of the network recorded with a network conversation, as typed (`A>B:support:3`).
  public var ties: [String] = []
  /// The participant whose network the ties are in; nil when the entry names one participant.
  public var network: String?

  public init(
    kind: EntryKind, title: String? = nil, body: String = "", neighbourhood: String? = nil,
    initiative: String? = nil, questions: [String] = [], tags: [String] = [],
    participants: [String] = [], newParticipants: [String] = [], fields: [(String, String)] = [],
    baseFields: [String: JSONValue] = [:], occurredAt: String? = nil
  ) {
    self.kind = kind
    self.title = title
    self.body = body
    self.neighbourhood = neighbourhood
    self.initiative = initiative
    self.questions = questions
    self.tags = tags
    self.participants = participants
    self.newParticipants = newParticipants
    self.fields = fields
    self.baseFields = baseFields
    self.occurredAt = occurredAt
  }

  public static func == (lhs: EntryDraft, rhs: EntryDraft) -> Bool {
    lhs.kind == rhs.kind && lhs.title == rhs.title && lhs.body == rhs.body
      && lhs.neighbourhood == rhs.neighbourhood && lhs.initiative == rhs.initiative
      && lhs.questions == rhs.questions && lhs.tags == rhs.tags
      && lhs.participants == rhs.participants && lhs.newParticipants == rhs.newParticipants
      && lhs.baseFields == rhs.baseFields && lhs.occurredAt == rhs.occurredAt
      && lhs.allowDuplicate == rhs.allowDuplicate && lhs.cycle == rhs.cycle
      && lhs.phase == rhs.phase && lhs.ties == rhs.ties && lhs.network == rhs.network
      && lhs.fields.map { "\($0.0)=\($0.1)" } == rhs.fields.map { "\($0.0)=\($0.1)" }
  }
}

/// An entry at its latest version, as `--json` prints it (Schemas/entry.schema.json).
public struct EntryRecord: Codable, Equatable, Sendable {
  public var id: String
  public var kind: EntryKind
  public var title: String
  public var body: String
  /// Nil only for a reflection recorded without one.
  public var neighbourhood: String?
  public var initiative: String?
  public var questions: [String]
  public var tags: [String]
  public var participants: [ParticipantRef]
  public var fields: [String: JSONValue]
  public var occurredAt: String
  public var recordedAt: String
  /// The action-research cycle (its code): the one given, else the one cycle its day falls in.
  public var cycle: String? = nil
  /// Whether `cycle` was taken from the entry's day rather than given.
  public var cycleByDate = false
  /// The phase of the cycle, when given.
  public var phase: Phase? = nil
  public var author: String
  public var version: Int
  /// The matching passage, for search results only.
  public var snippet: String?
  /// Set when the entry was retracted: hidden from lists, searches and exports.
  public var retracted: Retraction?
  /// The reason, when the entry's content was erased.
  public var redacted: String?

  /// When and why an entry was retracted.
  public struct Retraction: Codable, Equatable, Sendable {
    public var at: String
    public var reason: String
  }

  enum CodingKeys: String, CodingKey {
    case id, kind, title, body, neighbourhood, initiative, questions, tags, participants, fields
    case occurredAt = "occurred_at"
    case recordedAt = "recorded_at"
    case author, version, snippet, retracted, redacted, cycle, phase
    case cycleByDate = "cycle_by_date"
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(id, forKey: .id)
    try container.encode(kind, forKey: .kind)
    try container.encode(title, forKey: .title)
    try container.encode(body, forKey: .body)
    try container.encode(neighbourhood, forKey: .neighbourhood)
    try container.encode(initiative, forKey: .initiative)
    try container.encode(questions, forKey: .questions)
    try container.encode(tags, forKey: .tags)
    try container.encode(participants, forKey: .participants)
    try container.encode(fields, forKey: .fields)
    try container.encode(occurredAt, forKey: .occurredAt)
    try container.encode(recordedAt, forKey: .recordedAt)
    try container.encode(author, forKey: .author)
    try container.encode(version, forKey: .version)
    try container.encodeIfPresent(cycle, forKey: .cycle)
    if cycle != nil { try container.encode(cycleByDate, forKey: .cycleByDate) }
    try container.encodeIfPresent(phase, forKey: .phase)
    try container.encodeIfPresent(snippet, forKey: .snippet)
    try container.encodeIfPresent(retracted, forKey: .retracted)
    try container.encodeIfPresent(redacted, forKey: .redacted)
  }

  /// The first 8 hex digits of the id, as the CLI shows it.
  public var shortID: String { String(id.prefix(8)) }

  /// The pseudonyms the entry names: its participants, an interview's interviewee and a
  /// nabije-kennis note's holder.
  public var peopleNamed: [String] {
    var named = participants.map(\.pseudonym)
    for field in ["interviewee", "holder"] {
      if case .string(let pseudonym)? = fields[field], !named.contains(pseudonym) {
        named.append(pseudonym)
      }
    }
    return named
  }

  /// Whether the title was taken from the body's first line rather than given.
  public var hasDerivedTitle: Bool { (try? EntryRecorder.title(nil, body: body)) == title }
}

extension Journal {
  /// Checks a draft and records it as a new entry; returns the entry as stored.
  public func record(_ draft: EntryDraft, now: Date = Date()) throws -> EntryRecord {
    try record(draft, id: UUID(), now: now)
  }

  /// Records with a given id; tests use it to make ids that share a prefix.
  func record(_ draft: EntryDraft, id: UUID, now: Date = Date()) throws -> EntryRecord {
    try write { db in
      let payload = try EntryRecorder.payload(for: draft, in: db, now: now)
      // Only a time the researcher gave can be "the same time": the clock's is never typed twice.
      if !draft.allowDuplicate, draft.occurredAt != nil {
        try EntryRecorder.refuseDuplicate(of: payload, in: db)
      }
      try EventLog.append(.entryRecorded, subject: id, payload: payload, in: db, at: now)
      try recordTies(of: draft, payload, entry: id.lowercased, in: db, at: now)
      return try EntryQuery.entry(id: id.lowercased, in: db)
    }
  }
}

extension Journal {
  /// The ties given with a network conversation, recorded on its day in the same transaction: a
  /// tie refused leaves the entry unrecorded too.
  func recordTies(
    of draft: EntryDraft, _ payload: Payload.EntryVersion, entry: String, in db: Database,
    at now: Date
  ) throws {
    guard !draft.ties.isEmpty || draft.network != nil else { return }
    guard draft.kind == .networkConversation else {
      throw FieldLogError.invalidInput(
        "--tie and --network go with a network-conversation, not a \(draft.kind.rawValue)")
    }
    let network: String
    if let given = draft.network {
      network = given
    } else if payload.participants.count == 1 {
      network = payload.participants[0].pseudonym
    } else {
      throw FieldLogError.invalidInput(
        "say whose network the ties are in with --network P (the entry names "
          + "\(payload.participants.count) participants)")
    }
    let day = String(payload.occurredAt.prefix(10))
    for typed in draft.ties {
      try Networks.recordTie(
        network: network, try TieRecord.parse(typed), day: day, entry: entry, in: db, at: now)
    }
  }
}

/// Turns a draft into the payload of `entry.recorded`, refusing anything that does not fit the study.
enum EntryRecorder {
  static let maximumTitleCharacters = 200

  static func payload(for draft: EntryDraft, in db: Database, now: Date) throws
    -> Payload.EntryVersion
  {
    let body = try Text.body(draft.body, source: "the entry")
    guard !Text.isBlank(body) else {
      throw FieldLogError.invalidInput(
        "the body is empty; nothing was recorded",
        hint: "give --text, --file PATH, '-' for standard input, or write it in the editor")
    }
    let title = try title(draft.title, body: body)

    // A reflection is the researcher's own: it belongs to a neighbourhood only when one is named.
    let reflection = draft.kind == .reflection
    let neighbourhoodName =
      reflection ? draft.neighbourhood : try draft.neighbourhood ?? soleNeighbourhood(db)
    guard neighbourhoodName != nil || reflection else {
      throw FieldLogError.invalidInput(
        "name the neighbourhood with --neighbourhood",
        hint: "'fieldlog study show' lists the study's neighbourhoods")
    }
    let neighbourhood = try neighbourhoodName.map { try Vocabulary.neighbourhood($0, in: db) }
    let initiative = try draft.initiative.map { name -> Vocabulary.Item in
      guard let neighbourhood else {
        throw FieldLogError.invalidInput(
          "name the neighbourhood of the initiative '\(name)' with --neighbourhood")
      }
      return try Vocabulary.initiative(name, in: neighbourhood, db: db)
    }
    let cycle = try draft.cycle.map { try ActionResearch.cycle($0, in: db).id }
    let phase = try draft.phase.map(Phase.parse)
    // A new participant is registered with the role the entry gives them and its neighbourhood,
    // as `participant add --role --neighbourhood` would.
    for raw in draft.newParticipants {
      let participant = try ParticipantRef.parse(raw)
      let role = try participant.role.map {
        draft.kind == .networkConversation ? try Fields.networkRole($0) : $0
      }
      try ParticipantRegister.add(
        participant.pseudonym, role: role, neighbourhood: neighbourhood?.name, in: db, at: now)
    }

    var questions: [String] = []
    for code in draft.questions.flatMap({ $0.split(separator: ",") }) {
      let question = try Vocabulary.question(
        String(code).trimmingCharacters(in: .whitespaces), in: db)
      if !questions.contains(question.id) { questions.append(question.id) }
    }
    guard !questions.isEmpty || reflection else {
      throw FieldLogError.invalidInput(
        "name at least one research question with --question",
        hint: "'fieldlog study show' lists the study's questions")
    }

    var tags: [String] = []
    var foldedTags: Set<String> = []
    for raw in draft.tags {
      let tag = try Text.line(raw, what: "tag")
      guard !tag.contains("|") else {
        throw FieldLogError.invalidInput(
          "the tag '\(tag)' contains '|', which separates tags in exports")
      }
      guard tag.count <= 100 else {
        throw FieldLogError.invalidInput(
          "the tag '\(tag.prefix(20))…' is longer than 100 characters")
      }
      if foldedTags.insert(Text.identityFold(tag)).inserted { tags.append(tag) }
    }

    var participants: [ParticipantRef] = []
    for raw in draft.participants + draft.newParticipants {
      var participant = try ParticipantRef.parse(raw)
      participant.pseudonym = try ParticipantRegister.known(
        participant.pseudonym, in: db, entry: true)
      if draft.kind == .networkConversation, let role = participant.role {
        participant.role = try Fields.networkRole(role)
      }
      guard !participants.contains(where: { $0.pseudonym == participant.pseudonym }) else {
        throw FieldLogError.invalidInput(
          "the participant '\(participant.pseudonym)' is named twice")
      }
      participants.append(participant)
    }

    let fields = try Fields.merge(draft.fields, into: draft.baseFields, kind: draft.kind)
    let zone = try StudyTimeZone.zone(in: db)
    let occurred =
      try draft.occurredAt.map {
        try FieldTime.parse($0, now: now, what: "time of the fieldwork", zone: zone)
      } ?? FieldTime.now(now, zone: zone)
    // An interview's consent field is consent the register must know, or exports would ignore it.
    if let consent = fields["consent"], consent != draft.baseFields["consent"] {
      try ParticipantRegister.interviewConsent(
        Fields.text(of: consent), interviewee: fields["interviewee"].map(Fields.text(of:)),
        participants: participants.map(\.pseudonym), day: occurred.localDate, in: db)
    }

    return Payload.EntryVersion(
      kind: draft.kind.rawValue, title: title, body: body, neighbourhood: neighbourhood?.id,
      initiative: initiative?.id, questions: questions, tags: tags, participants: participants,
      fields: fields, occurredAt: occurred.rfc3339, author: try EventLog.author(db),
      cycle: cycle, phase: phase?.rawValue)
  }

  /// Refuses a second entry of the same kind, time of fieldwork and body (a command run twice),
  /// naming the one there is; retracted and redacted entries do not count.
  static func refuseDuplicate(of version: Payload.EntryVersion, in db: Database) throws {
    let utc = try FieldTime.parse(version.occurredAt, what: "time of the fieldwork").utc
    guard
      let existing = try EntryRow.duplicate(
        occurredUTC: utc, kind: version.kind, body: version.body, in: db)
    else { return }
    throw FieldLogError.invalidInput(
      "entry \(existing.prefix(8)) is the same \(version.kind), with the same time and text; "
        + "nothing was recorded",
      hint: "give --allow-duplicate to record it once more")
  }

  /// The given title, or the first line of the body, shortened at a word.
  static func title(_ given: String?, body: String) throws -> String {
    if let given {
      let title = try Text.line(given, what: "title")
      guard title.count <= maximumTitleCharacters else {
        throw FieldLogError.invalidInput(
          "the title is \(title.count) characters; the limit is \(maximumTitleCharacters)")
      }
      return title
    }
    // Any line break ends the first line; tabs and other control characters become spaces.
    let firstLine =
      body.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
      .first { !$0.isEmpty } ?? ""
    var spaced = String.UnicodeScalarView()
    for scalar in firstLine.unicodeScalars {
      spaced.append(scalar.properties.generalCategory == .control ? " " : scalar)
    }
    let cleaned = String(spaced).split(whereSeparator: \.isWhitespace).joined(separator: " ")
      .trimmingCharacters(in: CharacterSet(charactersIn: "# "))
    guard cleaned.count > 60 else { return cleaned.isEmpty ? "(untitled)" : cleaned }
    let cut = cleaned.prefix(60)
    let atWord = cut.lastIndex(of: " ").map { cut[..<$0] } ?? cut
    return atWord.trimmingCharacters(in: .whitespaces) + "…"
  }

  private static func soleNeighbourhood(_ db: Database) throws -> String? {
    let names = try NeighbourhoodRow.names(limit: 2, in: db)
    return names.count == 1 ? names[0] : nil
  }
}

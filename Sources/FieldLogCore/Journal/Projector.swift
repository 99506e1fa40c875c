import Foundation
import GRDB

/// Applies events to the projection tables. Live writes and `rebuild` both go through `apply`, which is
/// why a rebuild reproduces the projections exactly. What each event type does is its payload's
/// `project` (below); this enum holds what several of them share.
enum Projector {
  /// Applies one stored event; `json` is nil when a redaction has erased its payload.
  static func apply(_ event: StoredEvent, json: Data?, in db: Database) throws {
    let type = try eventType(event)
    guard let json else {
      try applyErased(event, type: type, in: db)
      return
    }
    try decode(type.payloadType, json, event).project(event, as: type, in: db)
  }

  private static func eventType(_ event: StoredEvent) throws -> EventType {
    guard let type = EventType(rawValue: event.type) else {
      throw FieldLogError.damaged(
        "event \(event.seq) of feed \(event.feed.prefix(8)) has an unknown type '\(event.type)'")
    }
    return type
  }

  /// Inserts a row once: a row with the same key (`conflict`, the id unless said otherwise) stays
  /// as it is, so that replaying an event merged in twice changes nothing.
  static func insertOnce(
    _ table: String, _ values: KeyValuePairs<String, (any DatabaseValueConvertible)?>,
    conflict: String = "(id)", in db: Database
  ) throws {
    try db.cachedStatement(
      sql: """
        INSERT INTO \(table) (\(values.map(\.key).joined(separator: ", ")))
        VALUES (\(Array(repeating: "?", count: values.count).joined(separator: ", ")))
        ON CONFLICT \(conflict) DO NOTHING
        """
    ).execute(arguments: StatementArguments(values.map(\.value)))
  }

  /// Adds a vocabulary item (neighbourhood, initiative, question) with its folded name for
  /// look-ups; one added again after it was removed is in use again.
  static func addVocabulary(
    _ table: String, _ values: KeyValuePairs<String, (any DatabaseValueConvertible)?>,
    in db: Database
  ) throws {
    try insertOnce(table, values, in: db)
    let id: (any DatabaseValueConvertible)? = values.first?.value ?? nil
    try db.cachedStatement(sql: "DELETE FROM vocabulary_removed WHERE id = ?").execute(
      arguments: [id])
  }

  /// An entry version whose payload a redaction erased is replayed from what the redaction kept, at
  /// the same point as it was first applied, so rebuild numbers and orders everything as before.
  private static func applyErased(_ event: StoredEvent, type: EventType, in db: Database) throws {
    let redacted = try Bool.fetchOne(
      db, sql: "SELECT EXISTS (SELECT 1 FROM event WHERE target = ? AND type = 'redaction')",
      arguments: [event.hash])
    // Codings and memos of a redacted entry leave nothing behind.
    if type == .codingApplied || type == .memoAdded, redacted == true { return }
    // A network event erased with a participant leaves nothing: the member or tie is gone.
    if type == .networkMemberAdded || type == .networkTieRecorded, redacted == true { return }
    // An entry, coding or memo its writer did not share with this journal is not here at all.
    if redacted != true, WireCheck.withholdable.contains(type.rawValue),
      try db.tableExists("withheld"),
      try Bool.fetchOne(
        db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM withheld WHERE hash = ?)"),
        arguments: [event.hash]) == true
    {
      return
    }
    guard type == .entryRecorded || type == .entryAmended,
      let json = try String.fetchOne(
        db,
        sql: """
          SELECT p.json FROM event r JOIN payload p ON p.commitment = r.commitment
          WHERE r.target = ? AND r.type = 'redaction' LIMIT 1
          """, arguments: [event.hash])
    else {
      throw FieldLogError.damaged(
        "the payload of event \(event.seq) of feed \(event.feed.prefix(8)) (\(event.type)) is "
          + "missing and no redaction names it")
    }
    let kept = try decode(Payload.Redaction.self, Data(json.utf8), event)
    guard let kind = kept.kind, let occurredAt = kept.occurredAt, let author = kept.author else {
      throw FieldLogError.damaged(
        "the redaction of event \(event.seq) of feed \(event.feed.prefix(8)) keeps no entry")
    }
    let version = type == .entryRecorded ? 1 : (kept.version ?? 1)
    let placeholder = Payload.EntryVersion(
      kind: kind, title: Placeholder.redacted, body: Placeholder.redacted(reason: kept.reason),
      neighbourhood: kept.neighbourhood, initiative: kept.initiative,
      questions: kept.questions ?? [], tags: [], participants: [], fields: [:],
      occurredAt: occurredAt, author: author, reason: nil, version: version)
    try writeEntry(placeholder, id: event.subject, event: event, in: db)
    try redact(entry: event.subject, reason: kept.reason, in: db)
  }

  static func isRedacted(entry id: String, in db: Database) throws -> Bool {
    try Bool.fetchOne(
      db.cachedStatement(
        sql: """
          SELECT EXISTS (SELECT 1 FROM entry WHERE id = ? AND redaction_reason IS NOT NULL)
             OR EXISTS (SELECT 1 FROM entry e JOIN coding c ON c.entry_id = e.id
                        WHERE c.id = ? AND e.redaction_reason IS NOT NULL)
          """), arguments: [id, id]) ?? false
  }

  /// Keeps track of concurrent versions: the versions of an entry that no other version replaces.
  ///
  /// A version replaces the one it was made from (its target) and those it names as resolved. When
  /// two feeds amended the same version, both stay until a later amendment names them; meanwhile the
  /// entry is listed by `conflicts`, and shows the version that comes last in replay order.
  private static func trackVersions(
    entry id: String, event: StoredEvent, resolves: [String], current: Data?, in db: Database
  ) throws {
    var heads = Set(
      try Data.fetchAll(
        db.cachedStatement(sql: "SELECT event_hash FROM entry_conflict WHERE entry_id = ?"),
        arguments: [id]))
    guard current != event.target || !heads.isEmpty || !resolves.isEmpty else { return }
    if heads.isEmpty, let current { heads.insert(current) }
    if let target = event.target { heads.remove(target) }
    for hex in resolves {
      if let hash = Data(hexString: hex) { heads.remove(hash) }
    }
    heads.insert(event.hash)
    try db.cachedStatement(sql: "DELETE FROM entry_conflict WHERE entry_id = ?").execute(
      arguments: [id])
    guard heads.count > 1 else { return }
    for hash in heads.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
      try db.cachedStatement(
        sql: "INSERT INTO entry_conflict (entry_id, event_hash) VALUES (?, ?)"
      ).execute(arguments: [id, hash])
    }
  }

  /// Replaces an entry's content by the redaction notice and removes it from the search index.
  static func redact(entry id: String, reason: String, in db: Database) throws {
    guard
      let key = try Int64.fetchOne(db, sql: "SELECT key FROM entry WHERE id = ?", arguments: [id])
    else { return }
    try db.cachedStatement(
      sql: """
        UPDATE entry SET title = ?, body = ?, fields = '{}', redaction_reason = ? WHERE id = ?
        """
    ).execute(arguments: [Placeholder.redacted, Placeholder.redacted(reason: reason), reason, id])
    for table in ["entry_tag", "entry_participant"] {
      try db.cachedStatement(sql: "DELETE FROM \(table) WHERE entry_id = ?").execute(arguments: [id]
      )
    }
    try db.cachedStatement(sql: "DELETE FROM entry_fts WHERE rowid = ?").execute(arguments: [key])
    try db.cachedStatement(
      sql: """
        DELETE FROM memo WHERE about_id = ?
          OR about_id IN (SELECT id FROM coding WHERE entry_id = ?)
        """
    ).execute(arguments: [id, id])
    try db.cachedStatement(sql: "DELETE FROM coding WHERE entry_id = ?").execute(arguments: [id])
  }

  /// Inserts the first version of an entry, or replaces its content with a later one.
  static func writeEntry(
    _ entry: Payload.EntryVersion, id: String, event: StoredEvent, in db: Database
  ) throws {
    let occurred = try FieldTime.parse(entry.occurredAt, what: "recorded time of the fieldwork")
    let fields = String(decoding: CanonicalJSON.encode(.object(entry.fields)), as: UTF8.self)
    let arguments: StatementArguments = [
      entry.kind, entry.title, entry.body, entry.neighbourhood, entry.initiative, fields,
      entry.occurredAt, occurred.utc, entry.author, entry.version ?? 1, event.hash, entry.cycle,
      entry.phase, id,
    ]
    let key: Int64
    if let existing = try Row.fetchOne(
      try db.cachedStatement(sql: "SELECT key, event_hash FROM entry WHERE id = ?"),
      arguments: [id])
    {
      try trackVersions(
        entry: id, event: event, resolves: entry.resolves ?? [], current: existing["event_hash"],
        in: db)
      let existing: Int64 = existing["key"]
      try db.cachedStatement(
        sql: """
          UPDATE entry SET kind = ?, title = ?, body = ?, neighbourhood_id = ?, initiative_id = ?,
            fields = ?, occurred_at = ?, occurred_utc = ?, author = ?, version = ?, event_hash = ?,
            cycle_id = ?, phase = ?
          WHERE id = ?
          """
      ).execute(arguments: arguments)
      for table in ["entry_question", "entry_tag", "entry_participant"] {
        try db.cachedStatement(sql: "DELETE FROM \(table) WHERE entry_id = ?").execute(arguments: [
          id
        ])
      }
      try db.cachedStatement(sql: "DELETE FROM entry_fts WHERE rowid = ?").execute(arguments: [
        existing
      ])
      try Codings.reanchor(entry: id, body: entry.body, in: db)
      key = existing
    } else {
      try db.cachedStatement(
        sql: """
          INSERT INTO entry (kind, title, body, neighbourhood_id, initiative_id, fields,
            occurred_at, occurred_utc, author, version, event_hash, cycle_id, phase, id,
            recorded_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """
      ).execute(arguments: arguments + [entry.recordedAt ?? event.recordedAt])
      key = db.lastInsertedRowID
    }
    for (position, question) in entry.questions.enumerated() {
      try db.cachedStatement(
        sql: "INSERT INTO entry_question (entry_id, question_id, position) VALUES (?, ?, ?)"
      ).execute(arguments: [id, question, position])
    }
    for (position, tag) in entry.tags.enumerated() {
      try db.cachedStatement(
        sql: "INSERT INTO entry_tag (entry_id, tag, folded, position) VALUES (?, ?, ?, ?)"
      ).execute(arguments: [id, tag, Text.identityFold(tag), position])
    }
    for (position, participant) in entry.participants.enumerated() {
      try db.cachedStatement(
        sql: """
          INSERT INTO entry_participant (entry_id, pseudonym, role, position) VALUES (?, ?, ?, ?)
          """
      ).execute(arguments: [id, participant.pseudonym, participant.role, position])
    }
    // The index holds the matching form: search folds the query the same way (EntryQuery).
    try db.cachedStatement(sql: "INSERT INTO entry_fts (rowid, title, body) VALUES (?, ?, ?)")
      .execute(arguments: [key, Text.matchFold(entry.title), Text.matchFold(entry.body)])
  }

  private static func decode<T: Decodable>(_ type: T.Type, _ json: Data, _ event: StoredEvent)
    throws -> T
  {
    do {
      return try CanonicalJSON.decode(type, from: json)
    } catch {
      throw FieldLogError.damaged(
        "the payload of event \(event.seq) of feed \(event.feed.prefix(8)) (\(event.type)) "
          + "cannot be read")
    }
  }
}

// MARK: What each event type does to the projections

extension Payload.FeedOpened: EventPayload {
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws {
    try db.cachedStatement(
      sql: """
        INSERT INTO writer (feed, author, study, description, opened_at) VALUES (?, ?, ?, ?, ?)
        """
    ).execute(arguments: [event.feed, author, study, description, event.recordedAt])
  }
}

extension Payload.NeighbourhoodAdded: EventPayload {
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws {
    try Projector.addVocabulary(
      "neighbourhood",
      [
        "id": event.subject, "name": name, "folded": Text.identityFold(name),
        "description": description,
      ], in: db)
  }
}

extension Payload.InitiativeAdded: EventPayload {
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws {
    try Projector.addVocabulary(
      "initiative",
      [
        "id": event.subject, "name": name, "folded": Text.identityFold(name),
        "neighbourhood_id": neighbourhood, "description": description,
      ], in: db)
  }
}

extension Payload.QuestionAdded: EventPayload {
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws {
    try Projector.addVocabulary(
      "question",
      ["id": event.subject, "code": code, "folded": Text.identityFold(code), "text": text],
      in: db)
  }
}

extension Payload.CodeDefined: EventPayload {
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws {
    try Projector.insertOnce(
      "code",
      [
        "id": event.subject, "name": name, "folded": Text.identityFold(name),
        "parent_id": parent, "description": description, "color": color,
      ], in: db)
  }
}

extension Payload.CodeRenamed: EventPayload {
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws {
    try db.cachedStatement(sql: "UPDATE code SET name = ?, folded = ? WHERE id = ?").execute(
      arguments: [name, Text.identityFold(name), event.subject])
  }
}

extension Payload.CodeMoved: EventPayload {
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws {
    try db.cachedStatement(sql: "UPDATE code SET parent_id = ? WHERE id = ?").execute(arguments: [
      parent, event.subject,
    ])
  }
}

extension Payload.CodeDescribed: EventPayload {
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws {
    try db.cachedStatement(sql: "UPDATE code SET description = ? WHERE id = ?").execute(
      arguments: [description, event.subject])
  }
}

extension Payload.CodeMerged: EventPayload {
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws {
    for sql in [
      "UPDATE coding SET code_id = ? WHERE code_id = ?",
      "UPDATE code SET parent_id = ? WHERE parent_id = ?",
      "UPDATE memo SET about_id = ? WHERE about_id = ? AND about_kind = 'code'",
    ] {
      try db.cachedStatement(sql: sql).execute(arguments: [into, event.subject])
    }
    try db.cachedStatement(sql: "DELETE FROM code WHERE id = ?").execute(arguments: [
      event.subject
    ])
  }
}

extension Payload.CodingApplied: EventPayload {
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws {
    // A coding merged in from a journal that did not know the entry was redacted quotes text
    // that is gone: it is not shown.
    guard try !Projector.isRedacted(entry: entry, in: db) else { return }
    try Codings.project(self, id: event.subject, at: event.recordedAt, in: db)
  }
}

extension Payload.CodingRemoved: EventPayload {
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws {
    try db.cachedStatement(sql: "DELETE FROM memo WHERE about_id = ?").execute(arguments: [
      event.subject
    ])
    try db.cachedStatement(sql: "DELETE FROM coding WHERE id = ?").execute(arguments: [
      event.subject
    ])
  }
}

extension Payload.MemoAdded: EventPayload {
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws {
    guard try !Projector.isRedacted(entry: about, in: db) else { return }
    try db.cachedStatement(
      sql: """
        INSERT INTO memo (id, about_id, about_kind, text, author, written_at, cycle_id, phase,
          shared)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    ).execute(arguments: [
      event.subject, about, aboutKind, text, author, event.recordedAt, cycle, phase,
      shared == true ? 1 : 0,
    ])
  }
}

extension Payload.EntryVersion: EventPayload {
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws {
    try Projector.writeEntry(self, id: event.subject, event: event, in: db)
  }
}

extension Payload.EntryRetracted: EventPayload {
  /// `entry.retracted` sets the retraction; `entry.unretracted` clears it.
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws {
    let retracted = type == .entryRetracted
    try db.cachedStatement(
      sql: "UPDATE entry SET retracted_at = ?, retraction_reason = ? WHERE id = ?"
    ).execute(arguments: [
      retracted ? event.recordedAt : nil, retracted ? reason : nil, event.subject,
    ])
  }
}

extension Payload.ParticipantAdded: EventPayload {
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws {
    try Projector.insertOnce(
      "participant",
      [
        "id": event.subject, "pseudonym": pseudonym, "folded": Text.identityFold(pseudonym),
        "role": role, "neighbourhood_id": neighbourhood, "added_at": event.recordedAt,
      ], in: db)
  }
}

extension Payload.ConsentChanged: EventPayload {
  /// The consent in force is the one dated last, and on one day a withdrawal wins: so a paper form
  /// recorded late, or merged in later, never undoes a withdrawal dated after it, in whatever
  /// order journals are merged (schema step v3-consent-by-date replays this rule).
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws {
    for scope in scopes {
      try db.cachedStatement(
        sql: """
          INSERT INTO consent (participant_id, scope, state, form, date, letter)
          VALUES (?, ?, ?, ?, ?, ?)
          ON CONFLICT (participant_id, scope)
          DO UPDATE SET state = excluded.state, form = excluded.form, date = excluded.date,
            letter = excluded.letter
          WHERE excluded.date > consent.date OR (excluded.date = consent.date
            AND (excluded.state = 'withdrawn' OR consent.state = 'given'))
          """
      ).execute(arguments: [
        event.subject, scope, type == .consentGiven ? "given" : "withdrawn", form, date, letter,
      ])
    }
    // The letters a participant consented on, whatever they later withdrew: `verify --consent`
    // asks whether an entry's letter is among them. Consent naming no letter ('') was given on
    // the letter in force on its day, which is worked out on reading.
    if type == .consentGiven {
      try Projector.insertOnce(
        "consent_letter",
        [
          "participant_id": event.subject, "letter": letter.map(Text.identityFold) ?? "",
          "date": date,
        ], conflict: "(participant_id, letter, date)", in: db)
    }
  }
}

extension Payload.Redaction: EventPayload {
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws {
    if let entry {
      try Projector.redact(entry: entry, reason: reason, in: db)
    } else if let target = event.target {
      // A network member or tie erased with a participant (NetworkRows).
      try NetworkRows.forget(eventHash: target, in: db)
    }
  }
}

extension Payload.CoderAdded: EventPayload {
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws {
    try Projector.insertOnce(
      "coder",
      [
        "id": event.subject, "name": name, "folded": Text.identityFold(name),
        "added_at": event.recordedAt,
      ], conflict: "", in: db)
  }
}

extension Payload.StudyRenamed: EventPayload {
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws {
    try Projector.setStudyProfile("name", to: name, in: db)
  }
}

extension Payload.StudyDescribed: EventPayload {
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws {
    try Projector.setStudyProfile("description", to: description, in: db)
  }
}

extension Payload.VocabularyRemoved: EventPayload {
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws {
    try Projector.insertOnce(
      "vocabulary_removed",
      [
        "id": event.subject, "kind": String(event.type.prefix { $0 != "." }),
        "removed_at": event.recordedAt,
      ], in: db)
  }
}

extension Projector {
  static func setStudyProfile(_ field: String, to value: String?, in db: Database) throws {
    try db.cachedStatement(
      sql: """
        INSERT INTO study_profile (field, value) VALUES (?, ?)
        ON CONFLICT (field) DO UPDATE SET value = excluded.value
        """
    ).execute(arguments: [field, value])
  }
}

extension Payload.CycleAdded: EventPayload {
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws {
    try Projector.insertOnce(
      "cycle",
      [
        "id": event.subject, "code": code, "folded": Text.identityFold(code), "name": name,
        "starts": from, "ends": to, "neighbourhood_id": neighbourhood,
        "initiative_id": initiative,
      ], in: db)
  }
}

extension Payload.LetterAdded: EventPayload {
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws {
    try Projector.insertOnce(
      "letter",
      [
        "id": event.subject, "version": version, "folded": Text.identityFold(version), "date": date,
      ],
      in: db)
  }
}

extension Payload.MemberCheckRecorded: EventPayload {
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws {
    try Projector.insertOnce(
      "member_check",
      [
        "id": event.subject, "participant_id": ParticipantRegister.id(participant).lowercased,
        "response": response, "text": text, "entry_id": entry, "version": version,
        "cycle_id": cycle, "date": date, "author": author, "recorded_at": event.recordedAt,
      ], in: db)
  }
}

extension Payload.DataManagementDeclared: EventPayload {
  /// A declaration sets the fields it names and leaves the others, so colleagues who declare
  /// different things do not undo each other's; a day to keep research data until and a number
  /// of years after the end replace each other.
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws {
    if researchDataUntil != nil {
      try db.execute(sql: "DELETE FROM data_management WHERE field = 'research_data_years'")
    }
    if researchDataYears != nil {
      try db.execute(sql: "DELETE FROM data_management WHERE field = 'research_data_until'")
    }
    let values: [(String, String?)] = [
      ("study_end", studyEnd), ("research_data_until", researchDataUntil),
      ("research_data_years", researchDataYears.map(String.init)),
      ("key_file_until", keyFileUntil), ("sensitive_data", sensitiveData),
    ]
    for case (let field, let value?) in values {
      try db.cachedStatement(
        sql: """
          INSERT INTO data_management (field, value) VALUES (?, ?)
          ON CONFLICT (field) DO UPDATE SET value = excluded.value
          """
      ).execute(arguments: [field, value])
    }
  }
}

extension Payload.NetworkMemberAdded: EventPayload {
  /// A member added twice (two practitioners, one alias) keeps the first recorded, whatever order
  /// the events are replayed in.
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws {
    try db.cachedStatement(
      sql: """
        INSERT INTO network_member (id, network_id, member, folded, role, formal, initiative_id,
          since, note, author, recorded_at, event_hash)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET member = excluded.member, role = excluded.role,
          formal = excluded.formal, initiative_id = excluded.initiative_id,
          since = excluded.since, note = excluded.note, author = excluded.author,
          recorded_at = excluded.recorded_at, event_hash = excluded.event_hash
        WHERE (excluded.recorded_at, excluded.event_hash)
          < (network_member.recorded_at, network_member.event_hash)
        """
    ).execute(arguments: [
      event.subject, ParticipantRegister.id(network).lowercased, member,
      Text.identityFold(member), role, formal, initiative, since, note, author, event.recordedAt,
      event.hash,
    ])
  }
}

extension Payload.NetworkTieRecorded: EventPayload {
  /// Every recording of a tie is kept as a row of its history; its state on a day is read from
  /// them (NetworkRows.ties).
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws {
    let (a, b) = (Text.identityFold(from), Text.identityFold(to))
    let swapped = b < a
    let stored: String
    switch direction {
    case "forward": stored = swapped ? "b>a" : "a>b"
    case "mutual": stored = "mutual"
    default: stored = "none"
    }
    try Projector.insertOnce(
      "network_tie",
      [
        "event_hash": event.hash, "tie_id": event.subject,
        "network_id": ParticipantRegister.id(network).lowercased, "a": swapped ? b : a,
        "b": swapped ? a : b, "kind": kind, "strength": ended == true ? nil : strength,
        "direction": stored, "date": date, "ended": ended == true, "entry_id": entry,
        "author": author, "recorded_at": event.recordedAt,
      ], conflict: "(event_hash)", in: db)
  }
}

import Foundation
import GRDB

/// An entry at its latest version as the `entry` projection and its side tables hold it: the
/// neighbourhood and initiative by name, questions, tags and participants as unit-separated lists.
struct EntryRow: FetchableRecord {
  var id, kind, title, body: String
  var neighbourhood, initiative, cycle, phase: String?
  var cycleByDate: Bool
  /// The canonical JSON of the fields.
  var fields, occurredAt, recordedAt, author: String
  var version: Int
  var retractedAt, retractionReason, redactionReason: String?
  var questions, tags: [String]
  var participants: [ParticipantRef]

  /// The columns `init(row:)` reads, against `entry e` and `joins`.
  static let columns = """
    e.id, e.kind, e.title, e.body, n.name AS neighbourhood, i.name AS initiative, e.fields,
    e.occurred_at, e.recorded_at, e.author, e.version, e.retracted_at, e.retraction_reason,
    e.redaction_reason, e.phase,
    \(ParSQL.cycleCode(given: "e.cycle_id", day: "substr(e.occurred_at, 1, 10)")) AS cycle,
    \(ParSQL.cycleByDate(given: "e.cycle_id", day: "substr(e.occurred_at, 1, 10)")) AS by_date,
    (SELECT group_concat(code, char(31)) FROM (
      SELECT q.code FROM entry_question eq JOIN question q ON q.id = eq.question_id
      WHERE eq.entry_id = e.id ORDER BY eq.position)) AS questions,
    (SELECT group_concat(tag, char(31)) FROM (
      SELECT tag FROM entry_tag WHERE entry_id = e.id ORDER BY position)) AS tags,
    (SELECT group_concat(p, char(31)) FROM (
      SELECT pseudonym || char(30) || ifnull(role, '') AS p FROM entry_participant
      WHERE entry_id = e.id ORDER BY position)) AS participants
    """
  static let joins = """
    LEFT JOIN neighbourhood n ON n.id = e.neighbourhood_id
    LEFT JOIN initiative i ON i.id = e.initiative_id
    """

  init(row: Row) throws {
    func list(_ column: String) -> [String] {
      guard let text = row[column] as String?, !text.isEmpty else { return [] }
      return text.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
    }
    id = row["id"]
    kind = row["kind"]
    title = row["title"]
    body = row["body"]
    neighbourhood = row["neighbourhood"]
    initiative = row["initiative"]
    cycle = row["cycle"]
    phase = row["phase"]
    cycleByDate = row["by_date"]
    fields = row["fields"]
    occurredAt = row["occurred_at"]
    recordedAt = row["recorded_at"]
    author = row["author"]
    version = row["version"]
    retractedAt = row["retracted_at"]
    retractionReason = row["retraction_reason"]
    redactionReason = row["redaction_reason"]
    questions = list("questions")
    tags = list("tags")
    participants = list("participants").map { item in
      let parts = item.split(separator: "\u{1E}", maxSplits: 1, omittingEmptySubsequences: false)
      let role = parts.count > 1 && !parts[1].isEmpty ? String(parts[1]) : nil
      return ParticipantRef(pseudonym: String(parts[0]), role: role)
    }
  }

  /// The entry as Core hands it out; a row whose fields or kind cannot be read is damage.
  func record() throws -> EntryRecord {
    guard
      let fields = try? CanonicalJSON.decode([String: JSONValue].self, from: Data(fields.utf8))
    else {
      throw FieldLogError.damaged(
        "the fields of entry \(id) cannot be read; run 'fieldlog rebuild'")
    }
    guard let kind = EntryKind(rawValue: kind) else {
      throw FieldLogError.damaged(
        "an entry has an unknown kind '\(kind)'; run 'fieldlog rebuild'")
    }
    var record = EntryRecord(
      id: id, kind: kind, title: title, body: body, neighbourhood: neighbourhood,
      initiative: initiative, questions: questions, tags: tags, participants: participants,
      fields: fields, occurredAt: occurredAt, recordedAt: recordedAt, author: author,
      version: version, snippet: nil,
      retracted: retractedAt.map {
        EntryRecord.Retraction(at: $0, reason: retractionReason ?? "")
      },
      redacted: redactionReason)
    record.cycle = cycle
    record.cycleByDate = cycleByDate
    record.phase = phase.flatMap(Phase.init(rawValue:))
    return record
  }
}

// MARK: - Reading entries

extension EntryRow {
  /// The entry with this full id, or nil.
  static func fetch(id: String, in db: Database) throws -> EntryRecord? {
    let sql = "SELECT \(columns) FROM entry e \(joins) WHERE e.id = ?"
    return try EntryRow.fetchOne(db, sql: sql, arguments: [id])?.record()
  }

  /// The entries `filter` chooses, newest fieldwork first; `offset` skips that many (a page).
  static func list(_ filter: EntryFilter, limit: Int?, offset: Int, in db: Database) throws
    -> [EntryRecord]
  {
    let (clause, arguments) = try filter.sql(db)
    let sql = """
      SELECT \(columns) FROM entry e \(joins)
      WHERE \(clause) ORDER BY e.occurred_utc DESC, e.recorded_at DESC, e.id
      LIMIT \(limit ?? -1) OFFSET \(max(offset, 0))
      """
    return try EntryRow.fetchCursor(db, sql: sql, arguments: arguments).map { try $0.record() }
      .reduce(into: []) { $0.append($1) }
  }

  /// How many entries `filter` chooses.
  static func count(_ filter: EntryFilter, in db: Database) throws -> Int {
    let (clause, arguments) = try filter.sql(db)
    return try Int.fetchOne(
      db, sql: "SELECT count(*) FROM entry e WHERE \(clause)", arguments: arguments) ?? 0
  }

  /// The entries matching the FTS5 query `match` (made from what was typed, `query`) among those
  /// `filter` chooses, best match first.
  static func search(
    _ match: String, typed query: String, _ filter: EntryFilter, limit: Int?, in db: Database
  ) throws -> [EntryRow] {
    let (clause, arguments) = try filter.sql(db)
    let sql = """
      SELECT \(columns)
      FROM entry_fts JOIN entry e ON e.key = entry_fts.rowid \(joins)
      WHERE entry_fts MATCH ? AND \(clause) ORDER BY entry_fts.rank, e.occurred_utc DESC
      \(limit.map { "LIMIT \($0)" } ?? "")
      """
    var all = StatementArguments([match])
    _ = all.append(contentsOf: arguments)
    do {
      return try EntryRow.fetchAll(db, sql: sql, arguments: all)
    } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR {
      throw FieldLogError.invalidInput(
        "the search '\(query)' cannot be run: \(error.message ?? "syntax error")")
    }
  }

  /// An entry an id prefix may stand for.
  struct Candidate: FetchableRecord {
    var id, kind, title: String

    init(row: Row) {
      id = row["id"]
      kind = row["kind"]
      title = row["title"]
    }
  }

  /// Up to 10 entries whose ids lie in `from..<to`, by id.
  static func candidates(from: String, to: String, in db: Database) throws -> [Candidate] {
    try Candidate.fetchAll(
      db, sql: "SELECT id, kind, title FROM entry WHERE id >= ? AND id < ? ORDER BY id LIMIT 10",
      arguments: [from, to])
  }

  /// The id of a current entry of this kind, time of fieldwork and body (not retracted, not
  /// redacted), the lowest if several.
  static func duplicate(occurredUTC: String, kind: String, body: String, in db: Database) throws
    -> String?
  {
    try String.fetchOne(
      try db.cachedStatement(
        sql: """
          SELECT id FROM entry WHERE occurred_utc = ? AND kind = ? AND body = ?
            AND retracted_at IS NULL AND redaction_reason IS NULL
          ORDER BY id LIMIT 1
          """), arguments: [occurredUTC, kind, body])
  }

  /// Every author of an entry, once each.
  static func authors(in db: Database) throws -> [String] {
    try String.fetchAll(db, sql: "SELECT DISTINCT author FROM entry")
  }

  /// Every tag's identity form, once each.
  static func foldedTags(in db: Database) throws -> [String] {
    try String.fetchAll(db, sql: "SELECT DISTINCT folded FROM entry_tag")
  }

  /// Every tag as written, once each.
  static func tags(in db: Database) throws -> [String] {
    try String.fetchAll(db, sql: "SELECT DISTINCT tag FROM entry_tag")
  }

  /// The ids of the entries in a neighbourhood, retracted ones included, in id order.
  static func ids(inNeighbourhood id: String, in db: Database) throws -> [String] {
    try String.fetchAll(
      db, sql: "SELECT id FROM entry WHERE neighbourhood_id = ? ORDER BY 1", arguments: [id])
  }

  /// The ids of the entries that name an initiative, retracted ones included, in id order.
  static func ids(withInitiative id: String, in db: Database) throws -> [String] {
    try String.fetchAll(
      db, sql: "SELECT id FROM entry WHERE initiative_id = ? ORDER BY 1", arguments: [id])
  }

  /// The ids of the entries tagged with a research question, retracted ones included, in id order.
  static func ids(withQuestion id: String, in db: Database) throws -> [String] {
    try String.fetchAll(
      db, sql: "SELECT entry_id FROM entry_question WHERE question_id = ? ORDER BY 1",
      arguments: [id])
  }
}

// MARK: - Versions and their events

extension EntryRow {
  /// The hash of the event that made the entry's current version.
  static func eventHash(of id: String, in db: Database) throws -> Data? {
    try Data.fetchOne(db, sql: "SELECT event_hash FROM entry WHERE id = ?", arguments: [id])
  }

  /// The hashes of the entry's concurrent versions from merged journals, in hash order.
  static func conflictHashes(of id: String, in db: Database) throws -> [Data] {
    try Data.fetchAll(
      db, sql: "SELECT event_hash FROM entry_conflict WHERE entry_id = ? ORDER BY event_hash",
      arguments: [id])
  }

  /// The hash of the entry's latest retraction event.
  static func lastRetractionHash(of id: String, in db: Database) throws -> Data? {
    try Data.fetchOne(
      db,
      sql: """
        SELECT hash FROM event WHERE subject = ? AND type = 'entry.retracted'
        ORDER BY position DESC LIMIT 1
        """, arguments: [id])
  }

  /// The payload JSON of the entry's current version; nil when it was erased or is missing.
  static func currentPayloadJSON(of id: String, in db: Database) throws -> String? {
    try String.fetchOne(
      db,
      sql: """
        SELECT p.json FROM entry e JOIN event ev ON ev.hash = e.event_hash
        JOIN payload p ON p.commitment = ev.commitment WHERE e.id = ?
        """, arguments: [id])
  }

  /// One event in an entry's history, with its payload unless that was erased.
  struct HistoryEvent {
    var type, recordedAt: String
    var hash: Data
    var target: Data?
    var json: String?

  }

  /// The entry's versions, retractions, unretractions and redactions, in journal order.
  static func historyEvents(of id: String, in db: Database) throws -> [HistoryEvent] {
    try HistoryEvent.fetchAll(
      db,
      sql: """
        SELECT e.type, e.recorded_at, e.hash, e.target, p.json FROM event e
        LEFT JOIN payload p ON p.commitment = e.commitment
        WHERE e.subject = ? AND e.type IN ('entry.recorded', 'entry.amended', 'entry.retracted',
          'entry.unretracted', 'redaction')
        ORDER BY e.position
        """, arguments: [id])
  }
}

// MARK: - Filters

extension EntryFilter {
  /// The WHERE clauses and their arguments, with every name checked against the study.
  func sql(_ db: Database) throws -> (String, StatementArguments) {
    var clauses: [String] = includeRetracted ? [] : ["e.retracted_at IS NULL"]
    var arguments = StatementArguments()
    if let kind {
      clauses.append("e.kind = ?")
      _ = arguments.append(contentsOf: [kind.rawValue])
    } else if !includeReflections {
      // The researcher's reflections are not fieldwork: they are listed, counted and exported
      // only when asked for.
      clauses.append("e.kind <> 'reflection'")
    }
    if let cycle {
      let found = try ActionResearch.cycle(cycle, in: db)
      clauses.append(
        ParSQL.cycleCode(given: "e.cycle_id", day: "substr(e.occurred_at, 1, 10)") + " = ?")
      _ = arguments.append(contentsOf: [found.code])
    }
    if let phase {
      clauses.append("e.phase = ?")
      _ = arguments.append(contentsOf: [phase.rawValue])
    }
    var place: Vocabulary.Item?
    if let neighbourhood {
      let item = try Vocabulary.neighbourhood(neighbourhood, in: db)
      place = item
      clauses.append("e.neighbourhood_id = ?")
      _ = arguments.append(contentsOf: [item.id])
    }
    if let initiative {
      if let place {
        let item = try Vocabulary.initiative(initiative, in: place, db: db)
        clauses.append("e.initiative_id = ?")
        _ = arguments.append(contentsOf: [item.id])
      } else {
        // Matched in the matching form, so 'kadinlar kahvesi' finds 'Kadınlar Kahvesi'.
        let wanted = Text.matchFold(initiative)
        let ids = try InitiativeRow.all(in: db).filter { Text.matchFold($0.name) == wanted }.map(
          \.id)
        guard !ids.isEmpty else {
          let names = try InitiativeRow.distinctNames(in: db)
          throw FieldLogError.unknownName(
            kind: "initiative", value: initiative,
            suggestions: Text.suggestions(for: initiative, among: names))
        }
        clauses.append("e.initiative_id IN (\(ids.map { _ in "?" }.joined(separator: ",")))")
        _ = arguments.append(contentsOf: StatementArguments(ids))
      }
    }
    if let question {
      let item = try Vocabulary.question(question, in: db)
      clauses.append(
        "EXISTS (SELECT 1 FROM entry_question eq WHERE eq.entry_id = e.id AND eq.question_id = ?)")
      _ = arguments.append(contentsOf: [item.id])
    }
    if let author {
      let known = try EntryRow.authors(in: db)
      guard let match = known.first(where: { Text.matchFold($0) == Text.matchFold(author) }) else {
        throw FieldLogError.unknownName(
          kind: "author", value: author, suggestions: Text.suggestions(for: author, among: known))
      }
      clauses.append("e.author = ?")
      _ = arguments.append(contentsOf: [match])
    }
    if let tag {
      // The stored identity forms whose matching form is the tag's: 'YARDIMLAŞMA' finds
      // 'yardımlaşma', whose identity form keeps its ı.
      let wanted = Text.matchFold(tag)
      let folded = try EntryRow.foldedTags(in: db).filter {
        Text.matchFold($0) == wanted
      }
      if folded.isEmpty {
        let tags = try EntryRow.tags(in: db)
        throw FieldLogError.unknownName(
          kind: "tag", value: tag, suggestions: Text.suggestions(for: tag, among: tags))
      }
      clauses.append(
        "EXISTS (SELECT 1 FROM entry_tag et WHERE et.entry_id = e.id AND et.folded IN ("
          + folded.map { _ in "?" }.joined(separator: ",") + "))")
      _ = arguments.append(contentsOf: StatementArguments(folded))
    }
    if let code {
      let ids = try CodeRow.descendants(of: try Codebook.resolve(code, in: db), in: db)
      clauses.append(
        "EXISTS (SELECT 1 FROM coding c WHERE c.entry_id = e.id AND c.code_id IN ("
          + ids.map { _ in "?" }.joined(separator: ",") + "))")
      _ = arguments.append(contentsOf: StatementArguments(ids))
    }
    if let participant {
      let registered: String
      do {
        registered = try ParticipantRegister.known(participant, in: db)
      } catch let error as FieldLogError {
        throw FieldLogError.invalidInput(
          error.message, hint: "'fieldlog participant list' shows the registered pseudonyms")
      }
      // Named as a participant, as an interview's interviewee or as a nabije-kennis holder.
      clauses.append(
        """
        (EXISTS (SELECT 1 FROM entry_participant ep WHERE ep.entry_id = e.id AND ep.pseudonym = ?)
          OR lower(json_extract(e.fields, '$.interviewee')) = lower(?)
          OR lower(json_extract(e.fields, '$.holder')) = lower(?))
        """)
      _ = arguments.append(contentsOf: [registered, registered, registered])
    }
    let zone = since == nil && until == nil ? nil : try StudyTimeZone.zone(in: db)
    if let since {
      clauses.append("e.occurred_utc >= ?")
      _ = arguments.append(
        contentsOf: [try FieldTime.parse(since, what: "--since", zone: zone).utc])
    }
    if let until {
      let time = try FieldTime.parse(until, what: "--until", zone: zone)
      if FieldTime.isWholeDay(until) {
        // A date alone means up to the end of that day in the fieldwork time zone.
        let next = try FieldTime.local(
          days: Int((time.epochSeconds + Int64(time.offsetSeconds)) / 86_400) + 1, seconds: 0,
          zone: zone ?? FieldTime.fieldworkZone())
        clauses.append("e.occurred_utc < ?")
        _ = arguments.append(contentsOf: [next.utc])
      } else {
        clauses.append("e.occurred_utc <= ?")
        _ = arguments.append(contentsOf: [time.utc])
      }
    }
    return (clauses.isEmpty ? "1" : clauses.joined(separator: " AND "), arguments)
  }
}

extension EntryRow.HistoryEvent: FetchableRecord {
  init(row: Row) {
    self.init(
      type: row["type"], recordedAt: row["recorded_at"], hash: row["hash"], target: row["target"],
      json: row["json"])
  }
}

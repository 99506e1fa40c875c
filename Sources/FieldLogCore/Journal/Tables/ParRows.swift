import Foundation
import GRDB

/// The SQL of the action-research loop's tables (cycle, letter, member_check, data_management).
enum ParSQL {
  /// The code of a row's cycle: the one it was given (`idColumn`), else the one cycle whose days
  /// hold `day` (an SQL expression giving `YYYY-MM-DD`), else NULL.
  static func cycleCode(given idColumn: String, day: String) -> String {
    """
    coalesce((SELECT code FROM cycle WHERE id = \(idColumn)),
      (SELECT min(code) FROM cycle WHERE \(day) BETWEEN starts AND ends HAVING count(*) = 1))
    """
  }

  /// Whether a row's cycle is the one its day falls in, rather than one it was given.
  static func cycleByDate(given idColumn: String, day: String) -> String {
    "(\(idColumn) IS NULL AND \(cycleCode(given: idColumn, day: day)) IS NOT NULL)"
  }
}

/// A cycle of the study as its table holds it.
struct CycleRow: FetchableRecord {
  var id, code, name, starts, ends: String
  var neighbourhood, initiative: String?

  init(row: Row) {
    id = row["id"]
    code = row["code"]
    name = row["name"]
    starts = row["starts"]
    ends = row["ends"]
    neighbourhood = row["neighbourhood"]
    initiative = row["initiative"]
  }

  var cycle: Study.Cycle {
    Study.Cycle(
      id: code, name: name, from: starts, to: ends, neighbourhood: neighbourhood,
      initiative: initiative)
  }

  private static let select = """
    SELECT c.id, c.code, c.name, c.starts, c.ends, n.name AS neighbourhood, i.name AS initiative
    FROM cycle c LEFT JOIN neighbourhood n ON n.id = c.neighbourhood_id
    LEFT JOIN initiative i ON i.id = c.initiative_id
    """

  static func find(folded: String, in db: Database) throws -> CycleRow? {
    guard try db.tableExists("cycle") else { return nil }
    return try fetchOne(db, sql: select + " WHERE c.folded = ?", arguments: [folded])
  }

  static func all(in db: Database) throws -> [CycleRow] {
    guard try db.tableExists("cycle") else { return [] }
    return try fetchAll(db, sql: select + " ORDER BY c.starts, c.folded")
  }
}

/// A declared version of the information letter.
struct LetterRow: FetchableRecord {
  var version, date: String

  init(row: Row) {
    version = row["version"]
    date = row["date"]
  }

  static func find(folded: String, in db: Database) throws -> LetterRow? {
    try fetchOne(
      db, sql: "SELECT version, date FROM letter WHERE folded = ?", arguments: [folded])
  }

  static func all(in db: Database) throws -> [LetterRow] {
    guard try db.tableExists("letter") else { return [] }
    return try fetchAll(db, sql: "SELECT version, date FROM letter ORDER BY date, folded")
  }
}

enum MemberCheckRow {
  /// The member checks of one participant (as registered) or of all, oldest first.
  static func all(participant: String?, in db: Database) throws -> [MemberCheck] {
    guard try db.tableExists("member_check") else { return [] }
    let rows = try Row.fetchAll(
      db,
      sql: """
        SELECT m.id, p.pseudonym, m.response, m.text, m.entry_id, m.version, m.date, m.author,
          coalesce((SELECT code FROM cycle WHERE id = m.cycle_id),
            (SELECT \(ParSQL.cycleCode(given: "e.cycle_id", day: "substr(e.occurred_at, 1, 10)"))
             FROM entry e WHERE e.id = m.entry_id),
            \(ParSQL.cycleCode(given: "NULL", day: "m.date"))) AS cycle
        FROM member_check m JOIN participant p ON p.id = m.participant_id
        WHERE ?1 IS NULL OR p.folded = ?1
        ORDER BY m.date, m.recorded_at, m.id
        """, arguments: [participant.map(Text.identityFold)])
    return try rows.map { row in
      guard let response = MemberCheckResponse(rawValue: row["response"]) else {
        throw FieldLogError.damaged(
          "a member check has an unknown response '\(row["response"] as String)'; run "
            + "'fieldlog rebuild'")
      }
      return MemberCheck(
        id: row["id"], participant: row["pseudonym"], response: response, text: row["text"],
        entry: row["entry_id"], version: row["version"], cycle: row["cycle"], date: row["date"],
        author: row["author"])
    }
  }
}

enum DataManagementRow {
  static func current(in db: Database) throws -> DataManagement {
    guard try db.tableExists("data_management") else {
      return DataManagement(retention: Study.Retention(), sensitiveData: nil)
    }
    var values: [String: String] = [:]
    for row in try Row.fetchAll(db, sql: "SELECT field, value FROM data_management") {
      values[row["field"]] = row["value"]
    }
    return DataManagement(
      retention: Study.Retention(
        studyEnd: values["study_end"], researchDataUntil: values["research_data_until"],
        researchDataYears: values["research_data_years"].flatMap { Int($0) },
        keyFileUntil: values["key_file_until"]),
      sensitiveData: values["sensitive_data"])
  }
}

extension ConsentHistory {
  /// Every consent event of a participant, by day, then as recorded.
  static func changes(participant id: String, in db: Database) throws -> [ConsentChange] {
    try Row.fetchAll(
      db,
      sql: """
        SELECT e.type, e.recorded_at, p.json FROM event e
        JOIN payload p ON p.commitment = e.commitment
        WHERE e.subject = ? AND e.type IN ('consent.given', 'consent.withdrawn')
        ORDER BY json_extract(p.json, '$.date'), e.recorded_at, e.feed, e.seq
        """, arguments: [id]
    ).map { row in
      let json: String = row["json"]
      guard
        let payload = try? CanonicalJSON.decode(Payload.ConsentChanged.self, from: Data(json.utf8))
      else {
        throw FieldLogError.damaged("a consent event of this participant cannot be read")
      }
      return ConsentChange(
        date: payload.date, state: row["type"] == "consent.given" ? "given" : "withdrawn",
        scopes: payload.scopes, form: payload.form, letter: payload.letter,
        author: payload.author, recordedAt: row["recorded_at"])
    }
  }
}

extension ConsentRow {
  /// The state of every scope the participant whose identity form is `folded` was ever asked for.
  static func states(folded: String, in db: Database) throws -> [String] {
    try String.fetchAll(
      db,
      sql: """
        SELECT c.state FROM consent c JOIN participant p ON p.id = c.participant_id
        WHERE p.folded = ?
        """, arguments: [folded])
  }

  /// The participants whose consent for `scope` is withdrawn, with the day, by pseudonym.
  static func withdrawn(scope: String, in db: Database) throws -> [(
    pseudonym: String, date: String
  )] {
    try Row.fetchAll(
      db,
      sql: """
        SELECT p.pseudonym, c.date FROM consent c JOIN participant p ON p.id = c.participant_id
        WHERE c.scope = ? AND c.state = 'withdrawn' ORDER BY p.folded
        """, arguments: [scope]
    ).map { ($0["pseudonym"], $0["date"]) }
  }

  /// The participants named by entries whose letter (the latest declared on or before the
  /// entry's day) is not among the letters they consented on: per entry id, the pseudonyms and
  /// the letter. Empty when the study declares no letters.
  static func unconsentedLetters(in db: Database) throws -> [(
    entry: String, pseudonym: String, letter: String
  )] {
    guard try db.tableExists("letter") else { return [] }
    return try Row.fetchAll(
      db,
      sql: """
        WITH named AS (
          SELECT e.id, ep.pseudonym, substr(e.occurred_at, 1, 10) AS day
          FROM entry e JOIN entry_participant ep ON ep.entry_id = e.id
          WHERE e.redaction_reason IS NULL AND e.retracted_at IS NULL
          UNION
          SELECT e.id, json_extract(e.fields, '$.interviewee'), substr(e.occurred_at, 1, 10)
          FROM entry e WHERE json_extract(e.fields, '$.interviewee') IS NOT NULL
            AND e.redaction_reason IS NULL AND e.retracted_at IS NULL
          UNION
          SELECT e.id, json_extract(e.fields, '$.holder'), substr(e.occurred_at, 1, 10)
          FROM entry e WHERE json_extract(e.fields, '$.holder') IS NOT NULL
            AND e.redaction_reason IS NULL AND e.retracted_at IS NULL
        ), lettered AS (
          SELECT n.id, n.pseudonym, (
            SELECT l.version FROM letter l WHERE l.date <= n.day ORDER BY l.date DESC, l.folded DESC
            LIMIT 1) AS letter
          FROM named n
        )
        SELECT x.id, p.pseudonym, x.letter FROM lettered x
        JOIN participant p ON p.folded = lower(x.pseudonym) OR p.pseudonym = x.pseudonym
        WHERE x.letter IS NOT NULL AND NOT EXISTS (
          SELECT 1 FROM consent_letter cl
          WHERE cl.participant_id = p.id AND (cl.letter = lower(x.letter) OR (cl.letter = ''
            AND lower(x.letter) = (
              SELECT l.folded FROM letter l WHERE l.date <= cl.date
              ORDER BY l.date DESC, l.folded DESC LIMIT 1))))
        ORDER BY x.id, p.folded
        """
    ).map { ($0["id"], $0["pseudonym"], $0["letter"]) }
  }
}

extension EntryRow {
  /// How many entries of each kind there are, retracted ones left out.
  static func countsByKind(in db: Database) throws -> [String: Int] {
    var counts: [String: Int] = [:]
    for row in try Row.fetchAll(
      db, sql: "SELECT kind, count(*) AS n FROM entry WHERE retracted_at IS NULL GROUP BY kind")
    {
      counts[row["kind"]] = row["n"]
    }
    return counts
  }
}

extension EventLog {
  /// When this journal's first event was recorded.
  static func firstRecordedAt(_ db: Database) throws -> String? {
    try String.fetchOne(db, sql: "SELECT min(recorded_at) FROM event")
  }
}

import Foundation
import GRDB

/// Which entries to show; every filter is optional and they combine with AND.
public struct EntryFilter: Sendable, Equatable {
  public var kind: EntryKind?
  public var neighbourhood: String?
  public var initiative: String?
  public var question: String?
  public var author: String?
  public var tag: String?
  /// Earliest occurred-at, as typed (a date means from its start).
  public var since: String?
  /// Latest occurred-at, as typed (a date means to its end).
  public var until: String?
  /// Whether retracted entries are shown too.
  public var includeRetracted: Bool
  /// Only entries coded with this code or a code below it.
  public var code: String?
  /// Only entries that name this participant (a registered pseudonym, in any case).
  public var participant: String?

  public init(
    kind: EntryKind? = nil, neighbourhood: String? = nil, initiative: String? = nil,
    question: String? = nil, author: String? = nil, tag: String? = nil, since: String? = nil,
    until: String? = nil, includeRetracted: Bool = false, code: String? = nil,
    participant: String? = nil
  ) {
    self.kind = kind
    self.neighbourhood = neighbourhood
    self.initiative = initiative
    self.question = question
    self.author = author
    self.tag = tag
    self.since = since
    self.until = until
    self.includeRetracted = includeRetracted
    self.code = code
    self.participant = participant
  }

  /// The WHERE clauses and their arguments, with every name checked against the study.
  func sql(_ db: Database) throws -> (String, StatementArguments) {
    var clauses: [String] = includeRetracted ? [] : ["e.retracted_at IS NULL"]
    var arguments = StatementArguments()
    if let kind {
      clauses.append("e.kind = ?")
      _ = arguments.append(contentsOf: [kind.rawValue])
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
        let ids = try Row.fetchAll(db, sql: "SELECT id, name FROM initiative").filter {
          Text.matchFold($0["name"] as String) == wanted
        }.map { $0["id"] as String }
        guard !ids.isEmpty else {
          let names = try String.fetchAll(db, sql: "SELECT DISTINCT name FROM initiative")
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
      let known = try String.fetchAll(db, sql: "SELECT DISTINCT author FROM entry")
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
      let folded = try String.fetchAll(db, sql: "SELECT DISTINCT folded FROM entry_tag").filter {
        Text.matchFold($0) == wanted
      }
      if folded.isEmpty {
        let tags = try String.fetchAll(db, sql: "SELECT DISTINCT tag FROM entry_tag")
        throw FieldLogError.unknownName(
          kind: "tag", value: tag, suggestions: Text.suggestions(for: tag, among: tags))
      }
      clauses.append(
        "EXISTS (SELECT 1 FROM entry_tag et WHERE et.entry_id = e.id AND et.folded IN ("
          + folded.map { _ in "?" }.joined(separator: ",") + "))")
      _ = arguments.append(contentsOf: StatementArguments(folded))
    }
    if let code {
      let ids = try Codebook.descendants(of: try Codebook.resolve(code, in: db), in: db)
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
      clauses.append(
        "EXISTS (SELECT 1 FROM entry_participant ep WHERE ep.entry_id = e.id AND ep.pseudonym = ?)")
      _ = arguments.append(contentsOf: [registered])
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

/// Reads entries from the projections.
enum EntryQuery {
  static let columns = """
    e.id, e.kind, e.title, e.body, n.name AS neighbourhood, i.name AS initiative, e.fields,
    e.occurred_at, e.recorded_at, e.author, e.version, e.retracted_at, e.retraction_reason,
    e.redaction_reason,
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
    JOIN neighbourhood n ON n.id = e.neighbourhood_id
    LEFT JOIN initiative i ON i.id = e.initiative_id
    """

  static func record(_ row: Row) throws -> EntryRecord {
    func list(_ column: String) -> [String] {
      guard let text = row[column] as String?, !text.isEmpty else { return [] }
      return text.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
    }
    let participants = list("participants").map { item -> ParticipantRef in
      let parts = item.split(separator: "\u{1E}", maxSplits: 1, omittingEmptySubsequences: false)
      let role = parts.count > 1 && !parts[1].isEmpty ? String(parts[1]) : nil
      return ParticipantRef(pseudonym: String(parts[0]), role: role)
    }
    let fieldsText: String = row["fields"]
    guard
      let fields = try? CanonicalJSON.decode([String: JSONValue].self, from: Data(fieldsText.utf8))
    else {
      throw FieldLogError.damaged(
        "the fields of entry \(row["id"] as String) cannot be read; run 'fieldlog rebuild'")
    }
    let kindText: String = row["kind"]
    guard let kind = EntryKind(rawValue: kindText) else {
      throw FieldLogError.damaged(
        "an entry has an unknown kind '\(kindText)'; run 'fieldlog rebuild'")
    }
    return EntryRecord(
      id: row["id"], kind: kind, title: row["title"], body: row["body"],
      neighbourhood: row["neighbourhood"], initiative: row["initiative"],
      questions: list("questions"), tags: list("tags"), participants: participants, fields: fields,
      occurredAt: row["occurred_at"], recordedAt: row["recorded_at"], author: row["author"],
      version: row["version"], snippet: row["snippet"],
      retracted: (row["retracted_at"] as String?).map {
        EntryRecord.Retraction(at: $0, reason: row["retraction_reason"] ?? "")
      },
      redacted: row["redaction_reason"])
  }

  static func entry(id: String, in db: Database) throws -> EntryRecord {
    let sql = "SELECT \(columns) FROM entry e \(joins) WHERE e.id = ?"
    guard let row = try Row.fetchOne(db, sql: sql, arguments: [id]) else {
      throw FieldLogError.unknownID(kind: "entry", prefix: id)
    }
    return try record(row)
  }

  /// Builds an FTS5 query from what a researcher types: words and "quoted phrases" must all occur,
  /// `word*` matches a prefix, and AND, OR, NOT keep their meaning. Other punctuation is searched as text.
  static func fullTextQuery(_ input: String) throws -> String {
    var terms: [String] = []
    var current = ""
    var inQuote = false
    var quoted = false
    func flush() {
      defer {
        current = ""
        quoted = false
      }
      guard !current.isEmpty || quoted else { return }
      if !quoted && ["AND", "OR", "NOT"].contains(current) {
        terms.append(current)
        return
      }
      var word = current
      var prefix = false
      if !quoted && word.hasSuffix("*") && word.count > 1 {
        word.removeLast()
        prefix = true
      }
      // The index holds the matching form of the text (Projector), so the words take it too.
      word = Text.matchFold(word)
      terms.append(
        "\"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\"" + (prefix ? "*" : ""))
    }
    for character in Text.normalize(input) {
      if character == "\"" {
        if inQuote { quoted = true; flush() } else { flush() }
        inQuote.toggle()
      } else if character.isWhitespace && !inQuote {
        flush()
      } else {
        current.append(character)
      }
    }
    if inQuote { quoted = true }
    flush()
    guard !terms.isEmpty else {
      throw FieldLogError.invalidInput("the search '\(input)' has no words to look for")
    }
    let operators: Set = ["AND", "OR", "NOT"]
    for (index, term) in terms.enumerated() where operators.contains(term) {
      let first = index == 0
      if first || index == terms.count - 1 || operators.contains(terms[index + 1]) {
        throw FieldLogError.invalidInput(
          "the search '\(input)' has \(term) without a word on \(first ? "its left" : "its right")",
          hint: "write 'word \(term) other'; put \"\(term)\" in quotes to look for the word itself")
      }
    }
    return terms.joined(separator: " ")
  }
}

extension EntryQuery {
  /// The folded words of a search, for the snippet: operators left out; `word*` marks a prefix.
  static func snippetWords(_ query: String) -> [(word: String, prefix: Bool)] {
    query.split(whereSeparator: { $0.isWhitespace || $0 == "\"" })
      .filter { !["AND", "OR", "NOT"].contains($0) }
      .flatMap { term -> [(word: String, prefix: Bool)] in
        let words = Text.matchWords(String(term)).map(\.word)
        return words.enumerated().map {
          (word: $1, prefix: $0 == words.count - 1 && term.hasSuffix("*"))
        }
      }
  }

  /// Up to a dozen words of `text` around the first searched word, those words in [brackets]:
  /// the text as written, found in its matching form (the index holds only that form).
  static func snippet(_ text: String, _ wanted: [(word: String, prefix: Bool)]) -> String? {
    let words = Text.matchWords(text)
    func hit(_ word: String) -> Bool {
      wanted.contains { $0.prefix ? word.hasPrefix($0.word) : word == $0.word }
    }
    guard let first = words.firstIndex(where: { hit($0.word) }) else { return nil }
    let from = max(0, first - 5)
    let to = min(words.count, from + 12)
    let scalars = Array(text.unicodeScalars)
    var view = String.UnicodeScalarView()
    var position = words[from].range.lowerBound
    for word in words[from..<to] {
      view.append(contentsOf: scalars[position..<word.range.lowerBound])
      let marked = hit(word.word)
      if marked { view.append("[") }
      view.append(contentsOf: scalars[word.range])
      if marked { view.append("]") }
      position = word.range.upperBound
    }
    return (from > 0 ? "…" : "") + String(view) + (to < words.count ? "…" : "")
  }
}

extension Journal {
  /// Entries at their latest version, newest fieldwork first; `offset` skips that many (a page).
  public func entries(_ filter: EntryFilter = EntryFilter(), limit: Int? = nil, offset: Int = 0)
    throws -> [EntryRecord]
  {
    try read { db in
      let (clause, arguments) = try filter.sql(db)
      let sql = """
        SELECT \(EntryQuery.columns) FROM entry e \(EntryQuery.joins)
        WHERE \(clause) ORDER BY e.occurred_utc DESC, e.recorded_at DESC, e.id
        LIMIT \(limit ?? -1) OFFSET \(max(offset, 0))
        """
      return try Row.fetchCursor(db, sql: sql, arguments: arguments).map(EntryQuery.record).reduce(
        into: []) { $0.append($1) }
    }
  }

  /// How many entries the filter chooses.
  public func countEntries(_ filter: EntryFilter = EntryFilter()) throws -> Int {
    try read { db in
      let (clause, arguments) = try filter.sql(db)
      return try Int.fetchOne(
        db, sql: "SELECT count(*) FROM entry e WHERE \(clause)", arguments: arguments) ?? 0
    }
  }

  /// Entries whose title or body match `query` in the matching form (`Text.matchFold`: case,
  /// diacritics, Turkish ı), best match first, with snippets of their own text.
  public func search(_ query: String, filter: EntryFilter = EntryFilter(), limit: Int? = nil)
    throws -> [EntryRecord]
  {
    let match = try EntryQuery.fullTextQuery(query)
    let wanted = EntryQuery.snippetWords(query)
    return try read { db in
      let (clause, arguments) = try filter.sql(db)
      let sql = """
        SELECT \(EntryQuery.columns)
        FROM entry_fts JOIN entry e ON e.key = entry_fts.rowid \(EntryQuery.joins)
        WHERE entry_fts MATCH ? AND \(clause) ORDER BY entry_fts.rank, e.occurred_utc DESC
        \(limit.map { "LIMIT \($0)" } ?? "")
        """
      var all = StatementArguments([match])
      _ = all.append(contentsOf: arguments)
      do {
        return try Row.fetchAll(db, sql: sql, arguments: all).map { row in
          var entry = try EntryQuery.record(row)
          entry.snippet =
            EntryQuery.snippet(entry.body, wanted) ?? EntryQuery.snippet(entry.title, wanted)
          return entry
        }
      } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR {
        throw FieldLogError.invalidInput(
          "the search '\(query)' cannot be run: \(error.message ?? "syntax error")")
      }
    }
  }

  /// The entry with this full id.
  public func entry(id: String) throws -> EntryRecord {
    try read { db in try EntryQuery.entry(id: id, in: db) }
  }

  /// The full id of the one entry whose id starts with `prefix` (at least 4 hex digits).
  public func resolveEntryID(_ prefix: String) throws -> String {
    try read { db in try EntryQuery.resolveID(prefix, in: db) }
  }
}

extension EntryQuery {
  /// The full id of the one entry whose id starts with `prefix`, on an open connection.
  static func resolveID(_ prefix: String, in db: Database) throws -> String {
    var wanted = prefix.trimmingCharacters(in: .whitespaces).lowercased()
    let hexDigits = wanted.filter { $0 != "-" }
    guard hexDigits.count >= 4, wanted.count <= 36,
      wanted.allSatisfy({ $0 == "-" || $0.isHexDigit })
    else {
      throw FieldLogError.invalidInput(
        "'\(prefix)' is not an entry id: give at least 4 hex digits of it, as 'fieldlog list' shows"
      )
    }
    if !wanted.contains("-") {
      // Ids are stored with dashes after hex digits 8, 12, 16 and 20; a prefix typed without
      // them gets them back, so '7f2a4344440f' finds 7f2a4344-440f-....
      var dashed = ""
      for (index, character) in wanted.enumerated() {
        if [8, 12, 16, 20].contains(index) { dashed.append("-") }
        dashed.append(character)
      }
      wanted = dashed
    }
    let rows = try Row.fetchAll(
      db, sql: "SELECT id, kind, title FROM entry WHERE id >= ? AND id < ? ORDER BY id LIMIT 10",
      arguments: [wanted, wanted + "~"])
    switch rows.count {
    case 0: throw FieldLogError.unknownID(kind: "entry", prefix: prefix)
    case 1: return rows[0]["id"]
    default:
      throw FieldLogError.ambiguousID(
        kind: "entry", prefix: prefix,
        candidates: rows.map { row in
          let id: String = row["id"]
          let kind: String = row["kind"]
          let title: String = row["title"]
          return "\(id.prefix(8)) (\(kind): \(title))"
        })
    }
  }
}

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
  /// Only entries of this action-research cycle (given, or by their day).
  public var cycle: String?
  /// Only entries of this phase.
  public var phase: Phase?
  /// Whether reflections count among the entries; without, only `kind: .reflection` shows them.
  public var includeReflections = false

  public init(
    kind: EntryKind? = nil, neighbourhood: String? = nil, initiative: String? = nil,
    question: String? = nil, author: String? = nil, tag: String? = nil, since: String? = nil,
    until: String? = nil, includeRetracted: Bool = false, code: String? = nil,
    participant: String? = nil, cycle: String? = nil, phase: Phase? = nil,
    includeReflections: Bool = false
  ) {
    self.cycle = cycle
    self.phase = phase
    self.includeReflections = includeReflections
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
}

/// Reads entries from the projections.
enum EntryQuery {
  static func entry(id: String, in db: Database) throws -> EntryRecord {
    guard let entry = try EntryRow.fetch(id: id, in: db) else {
      throw FieldLogError.unknownID(kind: "entry", prefix: id)
    }
    return entry
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
    try read { db in try EntryRow.list(filter, limit: limit, offset: offset, in: db) }
  }

  /// How many entries the filter chooses.
  public func countEntries(_ filter: EntryFilter = EntryFilter()) throws -> Int {
    try read { db in try EntryRow.count(filter, in: db) }
  }

  /// Entries whose title or body match `query` in the matching form (`Text.matchFold`: case,
  /// diacritics, Turkish ı), best match first, with snippets of their own text.
  public func search(_ query: String, filter: EntryFilter = EntryFilter(), limit: Int? = nil)
    throws -> [EntryRecord]
  {
    let match = try EntryQuery.fullTextQuery(query)
    let wanted = EntryQuery.snippetWords(query)
    return try read { db in
      try EntryRow.search(match, typed: query, filter, limit: limit, in: db).map { row in
        var entry = try row.record()
        entry.snippet =
          EntryQuery.snippet(entry.body, wanted) ?? EntryQuery.snippet(entry.title, wanted)
        return entry
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
    let rows = try EntryRow.candidates(from: wanted, to: wanted + "~", in: db)
    switch rows.count {
    case 0: throw FieldLogError.unknownID(kind: "entry", prefix: prefix)
    case 1: return rows[0].id
    default:
      throw FieldLogError.ambiguousID(
        kind: "entry", prefix: prefix,
        candidates: rows.map { "\($0.id.prefix(8)) (\($0.kind): \($0.title))" })
    }
  }
}

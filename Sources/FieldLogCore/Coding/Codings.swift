import Foundation
import GRDB

/// Where a coding applies: the whole entry, a quote found in its body, or a scalar range.
public enum CodingTarget: Sendable, Equatable {
  case wholeEntry
  /// Text to find (exactly, else ignoring white space); `occurrence` (1-based) when it occurs more often.
  case quote(String, occurrence: Int?)
  /// Unicode scalar offsets, zero-based, end-exclusive.
  case range(Int, Int)
}

/// A code applied to an entry or a segment of it.
public struct CodingRecord: Encodable, Equatable, Sendable {
  public var id: String
  public var entry: String
  public var code: String
  public var codePath: String
  public var coder: String
  public var start: Int?
  public var end: Int?
  public var quote: String?
  public var memo: String?
  public var codedAt: String
  /// The coded text is no longer in the entry's current version.
  public var orphaned: Bool
  // For `code show`: where the coding is.
  public var title: String?
  public var kind: String?
  public var neighbourhood: String?
  public var tags: [String]?
  public var context: String?
  /// Set by `applyCode` when this coder had applied this code to this segment already: nothing new
  /// was recorded, and this is the coding that was there.
  public var alreadyApplied = false
  /// The code's id (not printed: the name and path say which code it is).
  var codeID: String = ""

  enum CodingKeys: String, CodingKey {
    case id, entry, code
    case codePath = "code_path"
    case coder, start, end, quote, memo
    case codedAt = "coded_at"
    case orphaned, title, kind, neighbourhood, tags, context
    case alreadyApplied = "already_applied"
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(id, forKey: .id)
    try container.encode(entry, forKey: .entry)
    try container.encode(code, forKey: .code)
    try container.encode(codePath, forKey: .codePath)
    try container.encode(coder, forKey: .coder)
    try container.encode(start, forKey: .start)
    try container.encode(end, forKey: .end)
    try container.encode(quote, forKey: .quote)
    try container.encode(memo, forKey: .memo)
    try container.encode(codedAt, forKey: .codedAt)
    try container.encode(orphaned, forKey: .orphaned)
    try container.encodeIfPresent(title, forKey: .title)
    try container.encodeIfPresent(kind, forKey: .kind)
    try container.encodeIfPresent(neighbourhood, forKey: .neighbourhood)
    try container.encodeIfPresent(tags, forKey: .tags)
    try container.encodeIfPresent(context, forKey: .context)
    if alreadyApplied { try container.encode(true, forKey: .alreadyApplied) }
  }

  public var shortID: String { String(id.prefix(8)) }
}

enum Codings {
  /// Projects `coding.applied`, anchoring it in the entry's current version.
  static func project(_ coding: Payload.CodingApplied, id: String, at time: String, in db: Database)
    throws
  {
    var start = coding.start
    var end = coding.end
    var orphaned = false
    // A range that ends before it starts is no range (a forged payload): the table's CHECK refuses it.
    if let from = start, let to = end, from <= to, let quote = coding.quote,
      let body = try String.fetchOne(
        db, sql: "SELECT body FROM entry WHERE id = ?", arguments: [coding.entry])
    {
      if let anchored = Anchor.reanchor(quote: quote, previous: from..<to, in: body) {
        start = anchored.lowerBound
        end = anchored.upperBound
      } else {
        orphaned = true
      }
    }
    try db.execute(
      sql: """
        INSERT INTO coding (id, entry_id, code_id, start_offset, end_offset, quote, memo, coder,
          coded_at, orphaned)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        id, coding.entry, coding.code, start, end, coding.quote, coding.memo, coding.coder, time,
        orphaned,
      ])
  }

  /// After an amendment, moves each segment to where its text now stands, or marks it orphaned.
  static func reanchor(entry: String, body: String, in db: Database) throws {
    let rows = try Row.fetchAll(
      db,
      sql: """
        SELECT id, start_offset, end_offset, quote FROM coding
        WHERE entry_id = ? AND start_offset IS NOT NULL
        """, arguments: [entry])
    for row in rows {
      let start: Int = row["start_offset"]
      let end: Int = row["end_offset"]
      let quote: String = row["quote"] ?? ""
      if let anchored = Anchor.reanchor(quote: quote, previous: start..<end, in: body) {
        try db.execute(
          sql: "UPDATE coding SET start_offset = ?, end_offset = ?, orphaned = 0 WHERE id = ?",
          arguments: [anchored.lowerBound, anchored.upperBound, row["id"] as String])
      } else {
        try db.execute(
          sql: "UPDATE coding SET orphaned = 1 WHERE id = ?", arguments: [row["id"] as String])
      }
    }
  }

  /// A coder as the study spells them, matched like every name (case and diacritics aside).
  static func coder(_ typed: String, in db: Database) throws -> String {
    try Coders.known(typed, in: db)
  }

  /// This coder's coding of this code on this segment (or the whole entry), if there is one: the
  /// same judgement recorded twice would count twice.
  static func existing(
    entry: String, code: String, range: Range<Int>?, coder: String, in db: Database
  ) throws -> Row? {
    try Row.fetchAll(
      db,
      sql: """
        SELECT \(columns) FROM coding c
        WHERE c.entry_id = ? AND c.code_id = ? AND c.orphaned = 0
          AND c.start_offset IS ? AND c.end_offset IS ?
        ORDER BY c.coded_at, c.id
        """,
      arguments: [entry, code, range?.lowerBound, range?.upperBound]
    ).first { Text.matchFold($0["coder"]) == Text.matchFold(coder) }
  }

  static let columns = """
    c.id, c.entry_id, c.code_id, c.start_offset, c.end_offset, c.quote, c.memo, c.coder,
    c.coded_at, c.orphaned
    """

  static func record(_ row: Row, nodes: [String: Codebook.Node]) -> CodingRecord {
    let code: String = row["code_id"]
    let orphaned: Bool = row["orphaned"]
    // An orphaned segment's old offsets point at other text in the new body: none are shown.
    return CodingRecord(
      id: row["id"], entry: row["entry_id"], code: nodes[code]?.name ?? code,
      codePath: Codebook.path(code, in: nodes), coder: row["coder"],
      start: orphaned ? nil : row["start_offset"], end: orphaned ? nil : row["end_offset"],
      quote: row["quote"], memo: row["memo"], codedAt: row["coded_at"], orphaned: orphaned,
      codeID: code)
  }

  /// The scalar range a target covers in `body`, refusing quotes not found, ambiguous, or out of range.
  /// A quote as a message shows it: its first 40 characters.
  static func shortened(_ quote: String) -> String {
    quote.count > 40 ? String(quote.prefix(40)) + "…" : quote
  }

  static func locate(_ target: CodingTarget, in body: String, entry: String) throws -> Range<Int>? {
    let length = body.unicodeScalars.count
    switch target {
    case .wholeEntry:
      return nil
    case .range(let start, let end):
      guard start >= 0, end > start, end <= length else {
        throw FieldLogError.invalidInput(
          "the range \(start):\(end) is not within entry \(entry.prefix(8)), whose body has "
            + "\(length) characters (offsets count from 0; the end is exclusive)")
      }
      return start..<end
    case .quote(let quote, let occurrence):
      let found = Anchor.occurrences(of: quote, in: body)
      let shown = shortened(quote)
      guard !found.isEmpty else {
        // Typed without its diacritics or its Turkish ı: taken only when it can mean one place.
        let folded = Anchor.foldedOccurrences(of: quote, in: body)
        if folded.count == 1 { return folded[0] }
        guard folded.isEmpty else {
          let places = folded.map { range in
            "\(range.lowerBound):\(range.upperBound) \"…\(context(body, range, width: 20))…\""
          }
          throw FieldLogError.invalidInput(
            "the quote '\(shown)' is not in entry \(entry.prefix(8)) as typed; it matches "
              + "\(folded.count) places when case and diacritics are ignored: "
              + places.joined(separator: "; "),
            hint: "give the text exactly as it is written, or --range START:END")
        }
        throw FieldLogError.invalidInput("the quote '\(shown)' is not in entry \(entry.prefix(8))")
      }
      if let occurrence {
        guard (1...found.count).contains(occurrence) else {
          throw FieldLogError.invalidInput(
            "the quote '\(shown)' occurs \(Counted.phrase(found.count, "time")) in entry \(entry.prefix(8)); "
              + "there is no occurrence \(occurrence)")
        }
        return found[occurrence - 1]
      }
      guard found.count == 1 else {
        let places = found.enumerated().map { index, range in
          "\(index + 1): \(range.lowerBound):\(range.upperBound) \"…\(context(body, range, width: 20))…\""
        }
        throw FieldLogError.invalidInput(
          "the quote '\(shown)' occurs \(found.count) times in entry \(entry.prefix(8)): "
            + places.joined(separator: "; "),
          hint: "choose one with --occurrence N, or give --range START:END")
      }
      return found[0]
    }
  }

  /// A little text around a segment, on one line.
  static func context(_ body: String, _ range: Range<Int>, width: Int = 40) -> String {
    let scalars = Array(body.unicodeScalars)
    let from = max(0, range.lowerBound - width)
    let to = min(scalars.count, range.upperBound + width)
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars[from..<to])
    return String(view).split(whereSeparator: \.isNewline).joined(separator: " ")
  }
}

/// Which codings `code show` lists.
public struct CodingFilter: Sendable {
  public var entries: EntryFilter
  public var coder: String?

  public init(entries: EntryFilter = EntryFilter(), coder: String? = nil) {
    self.entries = entries
    self.coder = coder
  }
}

extension Journal {
  /// Applies a code to an entry or a segment of it; the coder defaults to the journal's author.
  ///
  /// A coder who read the entry elsewhere (the web workspace) says which version they read and, for
  /// a range, the text they saw there: when either is no longer so, nothing is recorded and the
  /// error (`conflict`) carries the current version.
  public func applyCode(
    _ code: String, to entryID: String, target: CodingTarget, memo: String? = nil,
    coder: String? = nil, readVersion: Int? = nil, seenQuote: String? = nil
  ) throws -> CodingRecord {
    let memo = try memo.map { try Text.body($0, source: "the memo") }
    return try write { db in
      let entry = try EntryQuery.entry(id: entryID, in: db)
      guard entry.redacted == nil else {
        throw FieldLogError.invalidInput(
          "entry \(entry.shortID) was redacted; there is nothing to code")
      }
      guard entry.retracted == nil else {
        throw FieldLogError.invalidInput("entry \(entry.shortID) is retracted; it is not coded")
      }
      if let readVersion, readVersion != entry.version {
        throw FieldLogError.conflict(
          "entry \(entry.shortID) is at version \(entry.version), not \(readVersion): it changed "
            + "since it was read; nothing was recorded", currentVersion: entry.version)
      }
      let codeID = try Codebook.resolve(code, in: db)
      let range = try Codings.locate(target, in: entry.body, entry: entry.id)
      if let seenQuote, let range {
        let there = Anchor.text(in: entry.body, at: range) ?? ""
        guard Text.nfc(seenQuote) == there else {
          throw FieldLogError.conflict(
            "the text at \(range.lowerBound):\(range.upperBound) of entry \(entry.shortID) is "
              + "'\(Codings.shortened(there))', not '\(Codings.shortened(seenQuote))'; nothing was "
              + "recorded", currentVersion: entry.version)
        }
      }
      let coder =
        try coder.map { try Codings.coder(try Text.line($0, what: "coder"), in: db) }
        ?? EventLog.author(db)
      if let row = try Codings.existing(
        entry: entry.id, code: codeID, range: range, coder: coder, in: db)
      {
        var record = Codings.record(row, nodes: try Codebook.nodes(db))
        record.alreadyApplied = true
        return record
      }
      let id = UUID()
      try EventLog.append(
        .codingApplied, subject: id,
        payload: Payload.CodingApplied(
          entry: entry.id, code: codeID, start: range?.lowerBound, end: range?.upperBound,
          quote: range.flatMap { Anchor.text(in: entry.body, at: $0) }, memo: memo, coder: coder,
          version: entry.version),
        in: db)
      let row = try Row.fetchOne(
        db, sql: "SELECT \(Codings.columns) FROM coding c WHERE c.id = ?",
        arguments: [id.lowercased])
      guard let row else { throw FieldLogError.damaged("the coding was not stored") }
      return Codings.record(row, nodes: try Codebook.nodes(db))
    }
  }

  /// The coding an id prefix names: its id, its event subject and its record.
  private static func storedCoding(_ prefix: String, in db: Database) throws
    -> (id: String, subject: UUID, record: CodingRecord)
  {
    let id = try resolveCodingID(prefix, in: db)
    guard
      let row = try Row.fetchOne(
        db, sql: "SELECT \(Codings.columns) FROM coding c WHERE c.id = ?", arguments: [id]),
      let subject = UUID(uuidString: id)
    else { throw FieldLogError.unknownID(kind: "coding", prefix: prefix) }
    return (id, subject, Codings.record(row, nodes: try Codebook.nodes(db)))
  }

  /// Removes a coding; its history stays in the journal.
  public func removeCoding(_ prefix: String) throws -> CodingRecord {
    try write { db in
      let (_, subject, record) = try Self.storedCoding(prefix, in: db)
      try EventLog.append(
        .codingRemoved, subject: subject,
        payload: Payload.CodingRemoved(coder: try EventLog.author(db)), in: db)
      return record
    }
  }

  static func resolveCodingID(_ prefix: String, in db: Database) throws -> String {
    let wanted = prefix.trimmingCharacters(in: .whitespaces).lowercased()
    guard wanted.filter(\.isHexDigit).count >= 4 else {
      throw FieldLogError.invalidInput("'\(prefix)' is not a coding id: give at least 4 hex digits")
    }
    let ids = try String.fetchAll(
      db, sql: "SELECT id FROM coding WHERE id >= ? AND id < ? LIMIT 10",
      arguments: [wanted, wanted + "~"])
    guard ids.count == 1 else {
      if ids.isEmpty { throw FieldLogError.unknownID(kind: "coding", prefix: prefix) }
      throw FieldLogError.ambiguousID(
        kind: "coding", prefix: prefix, candidates: ids.map { String($0.prefix(8)) })
    }
    return ids[0]
  }

  /// Every segment coded with a code or the codes below it, with its entry and some context.
  public func segments(coded code: String, filter: CodingFilter = CodingFilter()) throws
    -> [CodingRecord]
  {
    try read { db in
      let ids = try Codebook.descendants(of: try Codebook.resolve(code, in: db), in: db)
      var (clause, arguments) = try filter.entries.sql(db)
      clause += " AND c.code_id IN (\(ids.map { _ in "?" }.joined(separator: ",")))"
      _ = arguments.append(contentsOf: StatementArguments(ids))
      if let coder = filter.coder {
        clause += " AND c.coder = ?"
        _ = arguments.append(contentsOf: [try Codings.coder(coder, in: db)])
      }
      let nodes = try Codebook.nodes(db)
      let rows = try Row.fetchAll(
        db,
        sql: """
          SELECT \(Codings.columns), e.title, e.kind, e.body, n.name AS neighbourhood,
            (SELECT group_concat(tag, char(31)) FROM (
              SELECT tag FROM entry_tag WHERE entry_id = e.id ORDER BY position)) AS tags
          FROM coding c JOIN entry e ON e.id = c.entry_id
          JOIN neighbourhood n ON n.id = e.neighbourhood_id
          WHERE \(clause) ORDER BY e.occurred_utc, c.start_offset, c.id
          """, arguments: arguments)
      return rows.map { row in
        var record = Codings.record(row, nodes: nodes)
        record.title = row["title"]
        record.kind = row["kind"]
        record.neighbourhood = row["neighbourhood"]
        record.tags =
          (row["tags"] as String?).map { $0.split(separator: "\u{1F}").map(String.init) } ?? []
        let body: String = row["body"]
        if let start = record.start, let end = record.end, !record.orphaned {
          record.context = Codings.context(body, start..<end)
        }
        return record
      }
    }
  }
}

extension Journal {
  /// The codings whose quoted text is no longer in their entry's current version, oldest first,
  /// with the entry's title; only those of one entry when `entry` is given.
  public func orphanedCodings(entry: String? = nil) throws -> [CodingRecord] {
    try read { db in
      let nodes = try Codebook.nodes(db)
      return try Row.fetchAll(
        db,
        sql: """
          SELECT \(Codings.columns), e.title FROM coding c JOIN entry e ON e.id = c.entry_id
          WHERE c.orphaned = 1 AND (?1 IS NULL OR c.entry_id = ?1)
          ORDER BY c.coded_at, c.id
          """, arguments: [entry]
      ).map { row in
        var record = Codings.record(row, nodes: nodes)
        record.title = row["title"]
        return record
      }
    }
  }

  /// Every coding of one entry, whole-entry codings first, then by where they stand.
  public func codings(ofEntry entry: String) throws -> [CodingRecord] {
    try read { db in
      let nodes = try Codebook.nodes(db)
      return try Row.fetchAll(
        db,
        sql: """
          SELECT \(Codings.columns) FROM coding c WHERE c.entry_id = ?
          ORDER BY c.start_offset IS NOT NULL, c.orphaned, c.start_offset, c.coded_at, c.id
          """, arguments: [entry]
      ).map { Codings.record($0, nodes: nodes) }
    }
  }

  /// The memos about an entry and about its codings, oldest first.
  public func memos(ofEntry entry: String) throws -> [MemoRecord] {
    try read { db in
      try Self.memos(
        where: "about_id = ?1 OR about_id IN (SELECT id FROM coding WHERE entry_id = ?1)",
        [entry], in: db)
    }
  }

  /// Anchors an orphaned coding anew where `target` says: the same code, coder and memo on the
  /// entry's current text, in place of the orphan (which is removed, its memos carried over).
  public func reapplyOrphan(_ prefix: String, target: CodingTarget) throws -> CodingRecord {
    try write { db in
      let (oldID, oldSubject, old) = try Self.storedCoding(prefix, in: db)
      guard old.orphaned else {
        throw FieldLogError.invalidInput(
          "the coding \(old.shortID) is not orphaned: its text still stands in entry "
            + "\(old.entry.prefix(8))",
          hint: "'fieldlog code remove \(old.shortID)' and 'fieldlog code apply' move a coding")
      }
      if case .wholeEntry = target {
        throw FieldLogError.invalidInput(
          "say where the coding \(old.shortID) belongs now: give --quote or --range")
      }
      let entry = try EntryQuery.entry(id: old.entry, in: db)
      let range = try Codings.locate(target, in: entry.body, entry: entry.id)
      let memos = try Self.memos(where: "about_id = ?", [oldID], in: db)
      let id = UUID()
      try EventLog.append(
        .codingApplied, subject: id,
        payload: Payload.CodingApplied(
          entry: entry.id, code: old.codeID, start: range?.lowerBound, end: range?.upperBound,
          quote: range.flatMap { Anchor.text(in: entry.body, at: $0) }, memo: old.memo,
          coder: old.coder, version: entry.version),
        in: db)
      for memo in memos {
        try EventLog.append(
          .memoAdded, subject: UUID(),
          payload: Payload.MemoAdded(
            about: id.lowercased, aboutKind: "coding", text: memo.text, author: memo.author),
          in: db)
      }
      try EventLog.append(
        .codingRemoved, subject: oldSubject,
        payload: Payload.CodingRemoved(coder: try EventLog.author(db)), in: db)
      guard
        let stored = try Row.fetchOne(
          db, sql: "SELECT \(Codings.columns) FROM coding c WHERE c.id = ?",
          arguments: [id.lowercased])
      else { throw FieldLogError.damaged("the coding was not stored") }
      return Codings.record(stored, nodes: try Codebook.nodes(db))
    }
  }
}

extension Journal {
  /// How many codings each entry holds (orphaned ones aside), by entry id.
  public func codingCounts() throws -> [String: Int] {
    try read { db in
      var counts: [String: Int] = [:]
      for row in try Row.fetchAll(
        db, sql: "SELECT entry_id, count(*) AS n FROM coding WHERE orphaned = 0 GROUP BY entry_id")
      {
        counts[row["entry_id"]] = row["n"]
      }
      return counts
    }
  }

  /// The ids of the entries a coder coded (an unknown coder is an error that lists the known ones).
  public func entries(codedBy coder: String) throws -> Set<String> {
    try read { db in
      let coder = try Codings.coder(try Text.line(coder, what: "coder"), in: db)
      return Set(
        try String.fetchAll(
          db, sql: "SELECT DISTINCT entry_id FROM coding WHERE coder = ?", arguments: [coder]))
    }
  }

  /// One coding by its id or an id prefix.
  public func coding(_ prefix: String) throws -> CodingRecord {
    try read { db in try Self.storedCoding(prefix, in: db).record }
  }
}

extension Journal {
  /// Records another coder's coding as the journal author's own: the same code (by its id, so a
  /// renamed or same-named code cannot be mistaken) on the same segment or the whole entry.
  public func adoptCoding(_ prefix: String) throws -> CodingRecord {
    let theirs = try coding(prefix)
    guard !theirs.orphaned else {
      throw FieldLogError.invalidInput(
        "coding \(theirs.shortID) is orphaned: its text is no longer in entry "
          + "\(theirs.entry.prefix(8)), so there is no segment to adopt")
    }
    let target: CodingTarget =
      if let start = theirs.start, let end = theirs.end { .range(start, end) } else { .wholeEntry }
    return try applyCode(theirs.codeID, to: theirs.entry, target: target)
  }
}

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
      let body = try CodingRow.body(ofEntry: coding.entry, in: db)
    {
      if let anchored = Anchor.reanchor(quote: quote, previous: from..<to, in: body) {
        start = anchored.lowerBound
        end = anchored.upperBound
      } else {
        orphaned = true
      }
    }
    try CodingRow(
      id: id, entryID: coding.entry, codeID: coding.code, start: start, end: end,
      quote: coding.quote, memo: coding.memo, coder: coding.coder, codedAt: time,
      orphaned: orphaned
    ).insert(db)
  }

  /// After an amendment, moves each segment to where its text now stands, or marks it orphaned.
  static func reanchor(entry: String, body: String, in db: Database) throws {
    for segment in try CodingRow.segments(ofEntry: entry, in: db) {
      // The table's CHECK gives a segment both offsets.
      guard let start = segment.start, let end = segment.end else { continue }
      if let anchored = Anchor.reanchor(
        quote: segment.quote ?? "", previous: start..<end, in: body)
      {
        try CodingRow.move(segment.id, to: anchored, in: db)
      } else {
        try CodingRow.markOrphaned(segment.id, in: db)
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
  ) throws -> CodingRow? {
    try CodingRow.onSegment(entry: entry, code: code, range: range, in: db).first {
      Text.matchFold($0.coder) == Text.matchFold(coder)
    }
  }

  static func record(_ row: CodingRow, nodes: [String: Codebook.Node]) -> CodingRecord {
    let code = row.codeID
    // An orphaned segment's old offsets point at other text in the new body: none are shown.
    return CodingRecord(
      id: row.id, entry: row.entryID, code: nodes[code]?.name ?? code,
      codePath: Codebook.path(code, in: nodes), coder: row.coder,
      start: row.orphaned ? nil : row.start, end: row.orphaned ? nil : row.end,
      quote: row.quote, memo: row.memo, codedAt: row.codedAt, orphaned: row.orphaned,
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
      guard let row = try CodingRow.find(id.lowercased, in: db) else {
        throw FieldLogError.damaged("the coding was not stored")
      }
      return Codings.record(row, nodes: try Codebook.nodes(db))
    }
  }

  /// The coding an id prefix names: its id, its event subject and its record.
  private static func storedCoding(_ prefix: String, in db: Database) throws
    -> (id: String, subject: UUID, record: CodingRecord)
  {
    let id = try resolveCodingID(prefix, in: db)
    guard let row = try CodingRow.find(id, in: db), let subject = UUID(uuidString: id)
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
    let ids = try CodingRow.ids(withPrefix: wanted, in: db)
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
      let ids = try CodeRow.descendants(of: try Codebook.resolve(code, in: db), in: db)
      let entries = try filter.entries.sql(db)
      let coder = try filter.coder.map { try Codings.coder($0, in: db) }
      let nodes = try Codebook.nodes(db)
      let rows = try CodedSegmentRow.segments(coded: ids, by: coder, entries: entries, in: db)
      return rows.map { row in
        var record = Codings.record(row.coding, nodes: nodes)
        record.title = row.title
        record.kind = row.kind
        record.neighbourhood = row.neighbourhood
        record.tags = row.tags
        if let start = record.start, let end = record.end, !record.orphaned {
          record.context = Codings.context(row.body, start..<end)
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
      return try OrphanedCodingRow.orphans(ofEntry: entry, in: db).map { row in
        var record = Codings.record(row.coding, nodes: nodes)
        record.title = row.title
        return record
      }
    }
  }

  /// Every coding of one entry, whole-entry codings first, then by where they stand.
  public func codings(ofEntry entry: String) throws -> [CodingRecord] {
    try read { db in
      let nodes = try Codebook.nodes(db)
      return try CodingRow.ofEntry(entry, in: db).map { Codings.record($0, nodes: nodes) }
    }
  }

  /// The memos about an entry and about its codings, oldest first.
  public func memos(ofEntry entry: String) throws -> [MemoRecord] {
    try read { db in
      try Self.memos(try MemoRow.about(entryAndItsCodings: entry, in: db), in: db)
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
      let memos = try MemoRow.about(oldID, in: db)
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
            about: id.lowercased, aboutKind: MemoSubject.coding.rawValue, text: memo.text,
            author: memo.author),
          in: db)
      }
      try EventLog.append(
        .codingRemoved, subject: oldSubject,
        payload: Payload.CodingRemoved(coder: try EventLog.author(db)), in: db)
      guard let stored = try CodingRow.find(id.lowercased, in: db) else {
        throw FieldLogError.damaged("the coding was not stored")
      }
      return Codings.record(stored, nodes: try Codebook.nodes(db))
    }
  }
}

extension Journal {
  /// How many codings each entry holds (orphaned ones aside), by entry id.
  public func codingCounts() throws -> [String: Int] {
    try read { db in try CodingRow.countsByEntry(db) }
  }

  /// The ids of the entries a coder coded (an unknown coder is an error that lists the known ones).
  public func entries(codedBy coder: String) throws -> Set<String> {
    try read { db in
      let coder = try Codings.coder(try Text.line(coder, what: "coder"), in: db)
      return Set(try CodingRow.entries(codedBy: coder, in: db))
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

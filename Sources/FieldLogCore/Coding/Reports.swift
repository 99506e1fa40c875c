import Foundation
import GRDB

/// A report: named columns and rows of text or counts, for a table, JSON or CSV.
public struct ReportTable: Encodable, Equatable, Sendable {
  /// A cell.
  public enum Value: Equatable, Sendable, Encodable {
    case text(String)
    case count(Int)

    public var text: String {
      switch self {
      case .text(let value): return value
      case .count(let value): return String(value)
      }
    }

    public func encode(to encoder: any Encoder) throws {
      var container = encoder.singleValueContainer()
      switch self {
      case .text(let value): try container.encode(value)
      case .count(let value): try container.encode(value)
      }
    }
  }

  /// Whose codings a report counts, and how: said on the terminal and in JSON (CSV says it in its
  /// column names), so a reader knows whether two coders' work was counted once or twice.
  public struct Counting: Encodable, Equatable, Sendable {
    /// `any-coder`, `coder` or `by-coder`.
    public var mode: String
    /// The one coder counted, for `coder`.
    public var coder: String?
    /// The sentence the terminal shows.
    public var note: String
  }

  public var columns: [String]
  public var rows: [[Value]]
  public var counting: Counting?

  public init(columns: [String], rows: [[Value]], counting: Counting? = nil) {
    self.columns = columns
    self.rows = rows
    self.counting = counting
  }

  enum CodingKeys: String, CodingKey { case counting, coder, note, rows }

  /// As JSON: an array of objects keyed by column; a report that says what it counts is an object
  /// with `counting`, `note`, the `coder` if one, and that array as `rows`.
  public func encode(to encoder: any Encoder) throws {
    let objects = rows.map { Dictionary(uniqueKeysWithValues: zip(columns, $0)) }
    guard let counting else {
      var container = encoder.unkeyedContainer()
      for object in objects { try container.encode(object) }
      return
    }
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(counting.mode, forKey: .counting)
    try container.encodeIfPresent(counting.coder, forKey: .coder)
    try container.encode(counting.note, forKey: .note)
    try container.encode(objects, forKey: .rows)
  }

  /// As CSV with a header line, in a dialect (RFC 4180 by default).
  public func csv(_ dialect: CSVDialect = CSVDialect()) -> Data {
    dialect.render([columns] + rows.map { $0.map(\.text) })
  }
}

/// What `report codes --by` groups entries by.
public enum ReportGrouping: String, CaseIterable, Sendable {
  case neighbourhood, initiative, question, kind
  /// The entry's author.
  case author
  /// Who applied the code.
  case coder
  /// The entry's action-research cycle, and its phase.
  case cycle, phase
}

/// Whose codings `report codes` counts.
public enum CoderCount: Sendable, Equatable {
  /// Everyone's, each (entry, code) and each segment once, however many coders coded it.
  case anyCoder
  /// One coder's.
  case coder(String)
  /// Everyone's once, and a column per coder beside it.
  case byCoder
}

/// Whether co-occurrence counts entries or overlapping segments.
public enum CooccurrenceUnit: String, CaseIterable, Sendable {
  case entry, segment
}

extension Journal {
  /// Per code (and group): the entries and segments coded with it, each counted once however many
  /// coders coded it; or one coder's; or, beside that, each coder's entries. Retracted entries are
  /// left out; `filter` (the filters of `list`) narrows the entries counted.
  public func codeFrequencies(
    by grouping: ReportGrouping?, counting: CoderCount = .anyCoder, filter: EntryFilter? = nil
  ) throws -> ReportTable {
    try read { db in
      let scope = try ReportScope(filter, in: db)
      var only: String?
      if case .coder(let typed) = counting { only = try Codings.coder(typed, in: db) }
      // Coders spelt as the study knows them: older codings may differ in case or accents.
      var spelling: [String: String] = [:]
      for coder in try Coders.all(in: db) { spelling[Text.matchFold(coder.name)] = coder.name }
      struct Tally {
        var entries: Set<String> = []
        var segments: Set<String> = []
        var entriesByCoder: [String: Set<String>] = [:]
      }
      var tallies: [[String]: Tally] = [:]
      var coders: Set<String> = []
      let nodes = try Codebook.nodes(db)
      let rows = try ReportRows.codeTallies(by: grouping, scope: scope, in: db)
      while let row = try rows.next() {
        let folded = Text.matchFold(row.coder)
        let coder = spelling[folded] ?? row.coder
        if let only, Text.matchFold(only) != folded { continue }
        let entry = row.entryID
        let key = [Codebook.path(row.codeID, in: nodes), row.group]
        tallies[key, default: Tally()].entries.insert(entry)
        tallies[key, default: Tally()].segments.insert(entry + " " + row.segment)
        tallies[key, default: Tally()].entriesByCoder[coder, default: []].insert(entry)
        coders.insert(coder)
      }
      let perCoder = coders.sorted { (Text.matchFold($0), $0) < (Text.matchFold($1), $1) }
      let keys = tallies.keys.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }
      let lead = ["code"] + (grouping.map { [$0.rawValue] } ?? [])
      func leading(_ key: [String]) -> [ReportTable.Value] {
        grouping == nil ? [.text(key[0])] : [.text(key[0]), .text(key[1])]
      }
      switch counting {
      case .anyCoder:
        return ReportTable(
          columns: lead + ["entries_any_coder", "segments_any_coder"],
          rows: keys.map { key in
            let tally = tallies[key] ?? Tally()
            return leading(key) + [.count(tally.entries.count), .count(tally.segments.count)]
          },
          counting: .init(
            mode: "any-coder", coder: nil,
            note: "each entry and segment counted once, however many coders coded it"))
      case .coder:
        let name = only ?? ""
        return ReportTable(
          columns: lead + ["entries_by_\(name)", "segments_by_\(name)"],
          rows: keys.map { key in
            let tally = tallies[key] ?? Tally()
            return leading(key) + [.count(tally.entries.count), .count(tally.segments.count)]
          },
          counting: .init(mode: "coder", coder: name, note: "the codings of \(name) only"))
      case .byCoder:
        return ReportTable(
          columns: lead + ["entries_any_coder"] + perCoder.map { "entries_by_\($0)" },
          rows: keys.map { key in
            let tally = tallies[key] ?? Tally()
            return leading(key) + [.count(tally.entries.count)]
              + perCoder.map { .count(tally.entriesByCoder[$0]?.count ?? 0) }
          },
          counting: .init(
            mode: "by-coder", coder: nil,
            note: "entries per coder, and once however many coders coded them"))
      }
    }
  }

  /// Per pair of codes: the entries both are applied to, or the segments of the one that overlap
  /// segments of the other (a whole-entry coding overlaps every segment of its entry). A pair of
  /// segments counts once, however many coders coded them. `filter` narrows the entries counted.
  public func cooccurrence(unit: CooccurrenceUnit, filter: EntryFilter? = nil) throws
    -> ReportTable
  {
    try read { db in
      let scope = try ReportScope(filter, in: db)
      let nodes = try Codebook.nodes(db)
      let rows = try ReportRows.cooccurrences(unit: unit, scope: scope, in: db).map {
        row -> [ReportTable.Value] in
        let pair = [Codebook.path(row.x, in: nodes), Codebook.path(row.y, in: nodes)].sorted()
        return [.text(pair[0]), .text(pair[1]), .count(row.count)]
      }.sorted { ($0[0].text, $0[1].text) < ($1[0].text, $1[1].text) }
      return ReportTable(
        columns: ["code_a", "code_b", unit == .entry ? "entries" : "segments"], rows: rows)
    }
  }

  /// Entries per month of fieldwork (in the place's own time), optionally per neighbourhood and
  /// per kind; `filter` narrows the entries counted.
  public func timeline(byNeighbourhood: Bool, byKind: Bool = false, filter: EntryFilter? = nil)
    throws -> ReportTable
  {
    try read { db in
      let scope = try ReportScope(filter, in: db)
      let rows = try ReportRows.timeline(
        byNeighbourhood: byNeighbourhood, byKind: byKind, scope: scope, in: db)
      let columns =
        ["month"] + (byNeighbourhood ? ["neighbourhood"] : []) + (byKind ? ["kind"] : [])
      return ReportTable(
        columns: columns + ["entries"],
        rows: rows.map { row -> [ReportTable.Value] in
          var cells: [ReportTable.Value] = [.text(row.month)]
          if byNeighbourhood { cells.append(.text(row.neighbourhood)) }
          if byKind { cells.append(.text(row.kind)) }
          cells.append(.count(row.entries))
          return cells
        })
    }
  }
}

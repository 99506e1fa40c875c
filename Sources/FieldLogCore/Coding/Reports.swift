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

  public var columns: [String]
  public var rows: [[Value]]

  /// As JSON: an array of objects keyed by column.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.unkeyedContainer()
    for row in rows {
      try container.encode(Dictionary(uniqueKeysWithValues: zip(columns, row)))
    }
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
}

/// Whether co-occurrence counts entries or overlapping segments.
public enum CooccurrenceUnit: String, CaseIterable, Sendable {
  case entry, segment
}

extension Journal {
  /// Per code and group: the number of codings and of entries. Retracted entries are left out.
  public func codeFrequencies(by grouping: ReportGrouping) throws -> ReportTable {
    try read { db in
      let (join, group): (String, String) =
        switch grouping {
        case .neighbourhood: ("JOIN neighbourhood g ON g.id = e.neighbourhood_id", "g.name")
        case .initiative:
          ("LEFT JOIN initiative g ON g.id = e.initiative_id", "ifnull(g.name, '(none)')")
        case .question:
          (
            "JOIN entry_question eq ON eq.entry_id = e.id JOIN question g ON g.id = eq.question_id",
            "g.code"
          )
        case .kind: ("", "e.kind")
        case .author: ("", "e.author")
        case .coder: ("", "c.coder")
        }
      let nodes = try Codebook.nodes(db)
      let rows = try Row.fetchAll(
        db,
        sql: """
          SELECT c.code_id, \(group) AS grp, count(*) AS codings, count(DISTINCT c.entry_id) AS entries
          FROM coding c JOIN entry e ON e.id = c.entry_id AND e.retracted_at IS NULL \(join)
          GROUP BY c.code_id, grp
          """)
      let table = rows.map { row -> [ReportTable.Value] in
        [
          .text(Codebook.path(row["code_id"], in: nodes)), .text(row["grp"]),
          .count(row["codings"]),
          .count(row["entries"]),
        ]
      }.sorted { ($0[0].text, $0[1].text) < ($1[0].text, $1[1].text) }
      return ReportTable(columns: ["code", grouping.rawValue, "codings", "entries"], rows: table)
    }
  }

  /// Per pair of codes: the entries both are applied to, or the segments of the one that overlap
  /// segments of the other (a whole-entry coding overlaps every segment of its entry).
  public func cooccurrence(unit: CooccurrenceUnit) throws -> ReportTable {
    try read { db in
      let nodes = try Codebook.nodes(db)
      let sql =
        switch unit {
        case .entry:
          """
          SELECT a.code_id AS x, b.code_id AS y, count(DISTINCT a.entry_id) AS n
          FROM coding a JOIN coding b ON b.entry_id = a.entry_id AND a.code_id < b.code_id
          JOIN entry e ON e.id = a.entry_id AND e.retracted_at IS NULL
          GROUP BY x, y
          """
        case .segment:
          """
          SELECT a.code_id AS x, b.code_id AS y, count(*) AS n
          FROM coding a JOIN coding b ON b.entry_id = a.entry_id AND a.code_id < b.code_id
          JOIN entry e ON e.id = a.entry_id AND e.retracted_at IS NULL
          WHERE a.orphaned = 0 AND b.orphaned = 0
            AND (a.start_offset IS NULL OR b.start_offset IS NULL
              OR (a.start_offset < b.end_offset AND b.start_offset < a.end_offset))
          GROUP BY x, y
          """
        }
      let rows = try Row.fetchAll(db, sql: sql).map { row -> [ReportTable.Value] in
        let pair = [Codebook.path(row["x"], in: nodes), Codebook.path(row["y"], in: nodes)].sorted()
        return [.text(pair[0]), .text(pair[1]), .count(row["n"])]
      }.sorted { ($0[0].text, $0[1].text) < ($1[0].text, $1[1].text) }
      return ReportTable(
        columns: ["code_a", "code_b", unit == .entry ? "entries" : "segments"], rows: rows)
    }
  }

  /// Entries per month of fieldwork (in the place's own time), optionally per neighbourhood.
  public func timeline(byNeighbourhood: Bool) throws -> ReportTable {
    try read { db in
      let rows = try Row.fetchAll(
        db,
        sql: """
          SELECT substr(e.occurred_at, 1, 7) AS month, \(byNeighbourhood ? "n.name" : "''") AS place,
            count(*) AS entries
          FROM entry e JOIN neighbourhood n ON n.id = e.neighbourhood_id
          WHERE e.retracted_at IS NULL GROUP BY month, place ORDER BY month, place
          """)
      return ReportTable(
        columns: byNeighbourhood ? ["month", "neighbourhood", "entries"] : ["month", "entries"],
        rows: rows.map { row in
          byNeighbourhood
            ? [.text(row["month"]), .text(row["place"]), .count(row["entries"])]
            : [.text(row["month"]), .count(row["entries"])]
        })
    }
  }
}

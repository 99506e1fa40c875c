import FieldLogCore
import Foundation
internal import Mustache

/// What `fieldlog report html` is asked for: the entries, and how two of the charts count.
public struct ReportRequest: Sendable {
  /// The entries counted (the filters of `list`).
  public var filter: EntryFilter
  /// Those filters as typed on the command line, for the commands the page prints.
  public var filterArguments: [String]
  /// The columns of the code × group matrix.
  public var grouping: ReportGrouping
  /// What the co-occurrence heatmap counts.
  public var unit: CooccurrenceUnit
  /// Only this coder's codings in the frequency charts and the codebook; nil for everyone's.
  public var coder: String?

  public init(
    filter: EntryFilter = EntryFilter(), filterArguments: [String] = [],
    grouping: ReportGrouping = .question, unit: CooccurrenceUnit = .entry, coder: String? = nil
  ) {
    self.filter = filter
    self.filterArguments = filterArguments
    self.grouping = grouping
    self.unit = unit
    self.coder = coder
  }
}

/// The HTML report: one self-contained page (inline CSS and SVG, no script, nothing fetched) that
/// opens from an e-mail or an archive and prints to PDF.
public struct HTMLReport: Sendable {
  public var study: String
  public var studyDescription: String?
  /// The filters, as typed; empty for every entry.
  public var filters: [String]
  /// Every feed's head, in feed order.
  public var heads: [Checkpoint.Head]
  /// The Merkle root over the heads, as `fieldlog checkpoint` prints it.
  public var root: String
  public var charts: [Chart]

  /// Reads every chart's numbers from the CLI reports' own functions, so the page and
  /// `fieldlog report ... --csv` cannot disagree.
  public static func build(_ journal: Journal, _ request: ReportRequest) throws -> HTMLReport {
    let study = try journal.study()
    let checkpoint = try journal.checkpoint().sortedByFeed
    // No filter runs the reports' plain queries (ReportScope).
    let filter = request.filter
    let counting: CoderCount = request.coder.map { .coder($0) } ?? .anyCoder
    let codes = try journal.codes()
    let colours = CodeColours(codes)
    let coderArguments = request.coder.map { ["--coder", $0] } ?? []
    func command(_ words: [String], filtered: Bool = true) -> String {
      (["fieldlog"] + words + (filtered ? request.filterArguments : []))
        .map(shellQuoted).joined(separator: " ")
    }
    let byNeighbourhood = try journal.codeFrequencies(
      by: .neighbourhood, counting: counting, filter: filter)
    let byGroup = try journal.codeFrequencies(
      by: request.grouping, counting: counting, filter: filter)
    let pairs = try journal.cooccurrence(unit: request.unit, filter: filter)
    let timeline = try journal.timeline(byNeighbourhood: true, byKind: true, filter: filter)
    let perCode = try journal.codeFrequencies(by: nil, counting: counting, filter: filter)
    // Agreement is over the whole journal, as `fieldlog agreement` computes it.
    let coders = Charts.distinct(try journal.codeFrequencies(by: .coder), 1).sorted {
      (Text.matchFold($0), $0) < (Text.matchFold($1), $1)
    }
    let agreement =
      coders.count >= 2 ? try journal.agreement(coders: coders, unit: .entry) : nil
    let charts = [
      Charts.frequency(
        byNeighbourhood, colours: colours,
        command: command(["report", "codes", "--by", "neighbourhood"] + coderArguments + ["--csv"])
      ),
      Charts.matrix(
        byGroup, grouping: request.grouping, colours: colours,
        command: command(
          ["report", "codes", "--by", request.grouping.rawValue] + coderArguments + ["--csv"])),
      Charts.cooccurrence(
        pairs, unit: request.unit,
        command: command(["report", "cooccurrence", "--unit", request.unit.rawValue, "--csv"])),
      Charts.timeline(
        timeline, cycles: try journal.cycles(),
        command: command(["report", "timeline", "--by", "neighbourhood", "--by", "kind", "--csv"])
      ),
      Charts.agreement(
        agreement, coders: coders,
        command: command(
          ["agreement", "--coders", coders.joined(separator: ","), "--json"], filtered: false)),
      Charts.codebook(
        codes, counts: perCode, colours: colours,
        command: command(["report", "codes"] + coderArguments + ["--csv"])),
    ]
    // Where the study records networks, each participant's ecogram follows.
    let networks = try journal.latestNetworks().enumerated().map {
      Chart.network($0.element, number: $0.offset + 1)
    }
    return HTMLReport(
      study: study.name, studyDescription: study.description, filters: request.filterArguments,
      heads: checkpoint.heads, root: Hashing.hex(checkpoint.root), charts: charts + networks)
  }

  /// A word quoted for a POSIX shell when it needs it, so a printed command runs as shown.
  static func shellQuoted(_ word: String) -> String {
    let plain = word.unicodeScalars.allSatisfy {
      CharacterSet.alphanumerics.contains($0) || "-_.,/:=@+".unicodeScalars.contains($0)
    }
    if plain && !word.isEmpty { return word }
    return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  /// The page.
  public func html() throws -> String {
    let template = try MustacheTemplate(string: ReportTemplate.page)
    return template.render(context)
  }

  /// What the template reads: plain dictionaries and arrays, so rendering needs no reflection.
  var context: [String: Any] {
    [
      "study": study,
      "description": studyDescription ?? "",
      "hasDescription": studyDescription?.isEmpty == false,
      "filters": filters.isEmpty
        ? "none: every entry" : filters.map(Self.shellQuoted).joined(separator: " "),
      "heads": heads.map { head in
        ["feed": head.feed, "seq": String(head.seq), "hash": Hashing.hex(head.hash)]
      },
      "hasHeads": !heads.isEmpty,
      "root": root,
      "css": ReportTemplate.css,
      "toc": charts.enumerated().map {
        [
          "number": String($0.offset + 1), "id": $0.element.id,
          "title": $0.element.title,
        ]
      },
      "charts": charts.enumerated().map { index, chart -> [String: Any] in
        [
          "number": String(index + 1),
          "id": chart.id,
          "title": chart.title,
          "answers": chart.answers,
          "hasNote": chart.note != nil,
          "note": chart.note ?? "",
          "hasSVG": chart.svg != nil,
          "svg": chart.svg ?? "",
          "command": chart.command,
          "rowCount": String(chart.table.rows.count),
          "columns": chart.table.columns,
          "rows": chart.table.rows.map { row in ["cells": row.map(\.text)] },
        ]
      },
    ]
  }
}

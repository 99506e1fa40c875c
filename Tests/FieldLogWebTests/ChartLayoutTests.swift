import Foundation
import Testing

@testable import FieldLogCore
@testable import FieldLogWeb

/// Made-up report tables of the shapes the CLI reports print, at the sizes that strain a layout.
enum Tables {
  static func codes(_ count: Int, long: Bool) -> [String] {
    (1...count).map {
      long
        ? String(
          format: "thema %02d > %03d een heel lange codenaam over informele steun", $0 % 9, $0)
        : "code \($0)"
    }
  }

  /// `report codes --by neighbourhood`: every code in every place.
  static func frequency(_ codes: [String], places: [String]) -> ReportTable {
    ReportTable(
      columns: ["code", "neighbourhood", "entries_any_coder", "segments_any_coder"],
      rows: codes.enumerated().flatMap { index, code in
        places.map {
          [.text(code), .text($0), .count(index % 50 * 40 + 1), .count(index * 20 + 3)]
        }
      })
  }

  /// `report codes --by GROUP`.
  static func matrix(_ codes: [String], groups: [String]) -> ReportTable {
    ReportTable(
      columns: ["code", "group", "entries_any_coder", "segments_any_coder"],
      rows: codes.enumerated().flatMap { index, code in
        groups.map { [.text(code), .text($0), .count(index * 37 % 1000 + 1), .count(1)] }
      })
  }

  /// `report cooccurrence`: each code with the next three.
  static func pairs(_ codes: [String]) -> ReportTable {
    ReportTable(
      columns: ["code_a", "code_b", "entries"],
      rows: codes.indices.flatMap { index in
        (1...3).compactMap { step -> [ReportTable.Value]? in
          guard index + step < codes.count else { return nil }
          return [.text(codes[index]), .text(codes[index + step]), .count(index * step % 997 + 1)]
        }
      })
  }

  /// `report timeline --by neighbourhood --by kind`: `months` months from January 2018.
  static func timeline(months: Int, places: [String], perMonth: Int) -> ReportTable {
    ReportTable(
      columns: ["month", "neighbourhood", "kind", "entries"],
      rows: (0..<months).flatMap { month in
        places.flatMap { place in
          EntryKind.allCases.map { kind -> [ReportTable.Value] in
            [
              .text(String(format: "%04d-%02d", 2018 + month / 12, month % 12 + 1)), .text(place),
              .text(kind.rawValue), .count(perMonth),
            ]
          }
        }
      })
  }

  static func codebook(_ codes: [String]) -> [CodeRecord] {
    codes.enumerated().map { index, path in
      let parts = path.components(separatedBy: " > ")
      return CodeRecord(
        id: String(index), name: parts.last ?? path, path: path,
        parent: parts.count > 1 ? parts[0] : nil, description: nil,
        color: index % 3 == 0 ? "#123ABC" : nil, depth: parts.count - 1, codings: index,
        entries: index)
    }
  }

  static func agreement(_ codes: [String]) -> AgreementReport {
    let statistic = Agreement.Statistic(value: 0.61, reason: nil)
    let undefined = Agreement.Statistic(value: nil, reason: "both coders always agree")
    return AgreementReport(
      coders: ["Ahmed", "Sanne"], unit: .entry, entries: 10_000, units: 10_000 * codes.count,
      percentAgreement: statistic, cohenKappa: statistic, krippendorffAlpha: statistic,
      perCode: codes.enumerated().map { index, code in
        .init(
          code: code, units: 10_000, percentAgreement: statistic,
          cohenKappa: index % 4 == 0 ? undefined : .init(value: -0.35, reason: nil),
          krippendorffAlpha: statistic)
      })
  }

  /// Every chart for `codes` and a timeline of `months` months.
  static func charts(codes: [String], places: [String], groups: [String], months: Int) -> [Chart] {
    let colours = CodeColours(codebook(codes))
    return [
      Charts.frequency(frequency(codes, places: places), colours: colours, command: "c"),
      Charts.matrix(
        matrix(codes, groups: groups), grouping: .initiative, colours: colours, command: "c"),
      Charts.cooccurrence(pairs(codes), unit: .segment, command: "c"),
      Charts.timeline(timeline(months: months, places: places, perMonth: 5), command: "c"),
      Charts.agreement(agreement(codes), coders: ["Ahmed", "Sanne"], command: "c"),
      Charts.codebook(
        codebook(codes), counts: frequency(codes, places: [""]), colours: colours, command: "c"),
    ]
  }
}

@Suite("report charts: legible at any size") struct ChartLayoutTests {
  /// No two texts of a chart overlap, and every text lies inside its drawing.
  func expectLegible(_ chart: Chart, sourceLocation: SourceLocation = #_sourceLocation) {
    for label in chart.labels {
      #expect(
        label.x >= -0.5 && label.x + label.width <= chart.width + 0.5 && label.y >= -0.5,
        "\(chart.id): \(label) leaves the drawing (width \(chart.width))",
        sourceLocation: sourceLocation)
    }
    // Sorted by x, a box needs comparing only with those that start before it ends.
    let boxes = chart.labels.sorted { ($0.x, $0.y) < ($1.x, $1.y) }
    var overlaps: [String] = []
    for (index, box) in boxes.enumerated() {
      for other in boxes[(index + 1)...] {
        if other.x >= box.x + box.width { break }
        if box.overlaps(other) { overlaps.append("\(box) and \(other)") }
      }
    }
    #expect(
      overlaps.isEmpty, "\(chart.id): texts overlap: \(overlaps.prefix(5))",
      sourceLocation: sourceLocation)
  }

  @Test("one code, one place, one month")
  func one() {
    for chart in Tables.charts(
      codes: ["buurtmoeders"], places: ["Holendrecht"], groups: ["RQ1"], months: 1)
    {
      expectLegible(chart)
    }
  }

  @Test("two codes: the smallest co-occurrence")
  func two() {
    let charts = Tables.charts(
      codes: ["a", "b"], places: ["Holendrecht", "Jan van Maijenbuurt"], groups: ["RQ1", "RQ2"],
      months: 3)
    for chart in charts { expectLegible(chart) }
    #expect(charts.allSatisfy { $0.svg != nil })
  }

  @Test("200 codes with long names, seven places, 30 groups: labels cut, with a tooltip")
  func manyLongCodes() {
    let codes = Tables.codes(200, long: true)
    let places = (1...7).map { "Buurt met een lange naam nummer \($0)" }
    let groups = (1...30).map { "Initiatief \($0) met een lange naam" }
    let charts = Tables.charts(codes: codes, places: places, groups: groups, months: 24)
    for chart in charts { expectLegible(chart) }
    let frequency = charts[0]
    #expect(frequency.svg?.contains("<title>\(Markup.escape(codes[0]))</title>") == true)
    #expect(frequency.labels.contains { $0.text.hasSuffix("…") })
    // The heatmap draws the 40 codes with most pairs, and says so
    #expect(charts[2].note?.contains("The 40 codes with the most co-occurrences of 200") == true)
  }

  @Test("eight years of months: month labels thinned so they do not collide")
  func manyMonths() {
    let chart = Charts.timeline(
      Tables.timeline(months: 96, places: ["Holendrecht", "Jan van Maijenbuurt"], perMonth: 40),
      command: "c")
    expectLegible(chart)
    let months = chart.labels.filter { $0.text.hasPrefix("20") && $0.text.count == 7 }
    #expect(months.count > 10 && months.count < 96 * 2, "\(months.count) month labels")
  }

  @Test("each column label fits its column; vertical labels are as wide as their font")
  func columnLabelsFitTheirBand() {
    let groups = (1...40).map { "RQ\($0)" }
    let chart = Charts.matrix(
      Tables.matrix(Tables.codes(5, long: false), groups: groups), grouping: .question,
      colours: CodeColours([]), command: "c")
    expectLegible(chart)
    let headers = chart.labels.filter { $0.text.hasPrefix("RQ") }
    #expect(headers.count == 40)
    let band = (chart.width - Layout.labelWidth - Layout.rowLabelPadding - 8) / 40
    #expect(headers.allSatisfy { $0.width <= max(band, 22) })
  }

  @Test("ticks are round and cover the maximum")
  func niceTicks() {
    #expect(LinearScale.niceTicks(upTo: 7) == [0, 2, 4, 6, 8])
    #expect(LinearScale.niceTicks(upTo: 1) == [0, 1])
    #expect(LinearScale.niceTicks(upTo: 10_000, count: 4) == [0, 5000, 10_000])
    #expect(LinearScale.niceTicks(upTo: 0) == [0])
  }

  @Test("text is escaped for XML, and colours that are not plain hex are not used")
  func escaping() {
    #expect(Markup.escape("a<b & \"c\" 'd'\u{1}") == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;")
    #expect(Palette.validated("#2e7d32") == "#2E7D32")
    #expect(Palette.validated("red\" onload=\"x") == nil)
    #expect(Palette.validated(nil) == nil)
  }
}

import FieldLogCore
import Foundation

/// The six charts of the report, each drawn from a table a CLI report prints.
enum Charts {
  /// Distinct values of column `index`, in first-seen order (the reports sort their rows).
  static func distinct(_ table: ReportTable, _ index: Int) -> [String] {
    var seen: Set<String> = []
    return table.rows.compactMap { row in
      let value = row[index].text
      return seen.insert(value).inserted ? value : nil
    }
  }

  static func count(_ value: ReportTable.Value) -> Int {
    if case .count(let count) = value { return count }
    return Int(value.text) ?? 0
  }

  // MARK: 1 code frequency

  /// Bars per code (entries, and coded segments hatched), one panel per neighbourhood on a shared
  /// scale, three panels a row with the code labels repeated.
  static func frequency(_ table: ReportTable, colours: CodeColours, command: String) -> Chart {
    let title = "Code frequency per neighbourhood"
    let answers =
      "Which themes come up most, and where: does a code live in one neighbourhood or in all?"
    let codes = distinct(table, 0).sorted()
    let places = distinct(table, 1).sorted()
    guard !codes.isEmpty else {
      return Chart(
        id: "frequency", title: title, answers: answers, canvas: nil,
        note: "Nothing is coded in these entries yet ('fieldlog code apply' codes an entry).",
        table: table, command: command)
    }
    var counts: [String: (Int, Int)] = [:]
    for row in table.rows {
      counts[row[0].text + "\u{1F}" + row[1].text] = (count(row[2]), count(row[3]))
    }
    let maximum = Double(counts.values.map { max($0.0, $0.1) }.max() ?? 1)
    let perRow = min(places.count, 3)
    let gap = 16.0
    let left = Layout.labelWidth + Layout.rowLabelPadding
    let panelWidth = (Layout.width - left - 8 - gap * Double(perRow - 1)) / Double(perRow)
    let rowHeight = 22.0
    let blocks = stride(from: 0, to: places.count, by: perRow).map {
      Array(places[$0..<min($0 + perRow, places.count)])
    }
    let blockHeight = 24 + rowHeight * Double(codes.count) + 40
    var canvas = SVGCanvas(
      id: "fig-frequency", width: Layout.width, height: 30 + blockHeight * Double(blocks.count))
    let neutral = "#BBBBBB"
    canvas.legend(
      [
        ("entries coded (solid)", neutral),
        ("coded segments (hatched)", canvas.fill(neutral, series: 1)),
      ], x: left, y: 14)
    let ticks = LinearScale.niceTicks(upTo: maximum, count: max(2, Int(panelWidth / 55)))
    for (blockIndex, block) in blocks.enumerated() {
      let top = 30 + blockHeight * Double(blockIndex)
      let barsTop = top + 24
      for (row, code) in codes.enumerated() {
        let y = barsTop + rowHeight * Double(row)
        canvas.text(
          Layout.codeLabel(code, width: Layout.labelWidth), x: Layout.labelWidth, y: y + 14,
          size: Layout.labelSize, anchor: .end, tooltip: code)
      }
      for (index, place) in block.enumerated() {
        let x = left + (panelWidth + gap) * Double(index)
        // Room on the right for the largest count written after its bar.
        let scale = LinearScale(
          domain: 0...(ticks.last ?? 1), from: x, to: x + panelWidth - 24)
        canvas.text(
          place, x: x, y: top + 14, size: 11, maxWidth: panelWidth, bold: true)
        for (row, code) in codes.enumerated() {
          let y = barsTop + rowHeight * Double(row)
          let (entries, segments) = counts[code + "\u{1F}" + place] ?? (0, 0)
          let colour = colours[code]
          canvas.rect(
            x: x, y: y + 2, width: scale(Double(entries)) - x, height: 8, fill: colour,
            stroke: "#000", title: "\(code), \(place): \(entries) entries")
          canvas.rect(
            x: x, y: y + 11, width: scale(Double(segments)) - x, height: 8,
            fill: canvas.fill(colour, series: 1), stroke: "#000",
            title: "\(code), \(place): \(segments) coded segments")
          canvas.text(String(entries), x: scale(Double(entries)) + 2, y: y + 9.5, size: 7.5)
          canvas.text(String(segments), x: scale(Double(segments)) + 2, y: y + 18.5, size: 7.5)
        }
        let axisY = barsTop + rowHeight * Double(codes.count) + 2
        canvas.bottomAxis(scale, ticks: ticks, y: axisY, label: "count", grid: barsTop)
      }
    }
    return Chart(
      id: "frequency", title: title, answers: answers, canvas: canvas,
      note: "Each entry and segment counted once, however many coders coded it; "
        + "the panels share one scale.",
      table: table, command: command)
  }

  // MARK: 2 code × group matrix

  /// Codes down, groups across: a square per cell whose area is the entries coded, with the number
  /// written in.
  static func matrix(
    _ table: ReportTable, grouping: ReportGrouping, colours: CodeColours, command: String
  ) -> Chart {
    let title = "Codes × \(grouping.rawValue)"
    let answers =
      "Which themes belong to which \(grouping.rawValue): where are the gaps and the clusters?"
    let codes = distinct(table, 0).sorted()
    let groups = distinct(table, 1).sorted()
    guard !codes.isEmpty else {
      return Chart(
        id: "matrix", title: title, answers: answers, canvas: nil,
        note: "Nothing is coded in these entries yet.", table: table, command: command)
    }
    var counts: [String: Int] = [:]
    for row in table.rows { counts[row[0].text + "\u{1F}" + row[1].text] = count(row[2]) }
    let maximum = Double(counts.values.max() ?? 1)
    let left = Layout.labelWidth + Layout.rowLabelPadding
    let cell = min(44, max(22, (Layout.width - left - 8) / Double(groups.count)))
    let headerLength = min(
      120, (groups.map { TextMetrics.width($0, size: 10) }.max() ?? 0))
    let top = 22 + headerLength + 8
    let width = max(Layout.width, left + cell * Double(groups.count) + 8)
    var canvas = SVGCanvas(
      id: "fig-matrix", width: width, height: top + cell * Double(codes.count) + 30)
    canvas.text(
      "Square area: entries coded with the code (the number in it); columns: "
        + grouping.rawValue + ".", x: 0, y: 12, size: 10, maxWidth: width)
    for (column, group) in groups.enumerated() {
      let x = left + cell * Double(column) + cell / 2 + 3.5
      canvas.text(group, x: x, y: top - 6, size: 10, maxWidth: 120, vertical: true)
    }
    for (row, code) in codes.enumerated() {
      let y = top + cell * Double(row)
      canvas.text(
        Layout.codeLabel(code, width: Layout.labelWidth), x: Layout.labelWidth,
        y: y + cell / 2 + 4, size: Layout.labelSize, anchor: .end, tooltip: code)
      canvas.line(x1: left, y1: y, x2: left + cell * Double(groups.count), y2: y, stroke: "#ddd")
      for (column, group) in groups.enumerated() {
        let x = left + cell * Double(column)
        guard let value = counts[code + "\u{1F}" + group], value > 0 else { continue }
        let side = max(3, (cell - 4) * (Double(value) / maximum).squareRoot())
        canvas.rect(
          x: x + (cell - side) / 2, y: y + (cell - side) / 2, width: side, height: side,
          fill: colours[code], stroke: colours[code], opacity: 0.45,
          title: "\(code), \(group): \(value) entries")
        let label = String(value)
        let size = min(10, cell / 2.6)
        if TextMetrics.width(label, size: size) <= cell - 4 {
          canvas.text(
            label, x: x + cell / 2, y: y + cell / 2 + size * 0.35, size: size,
            anchor: .middle)
        }
      }
    }
    let bottom = top + cell * Double(codes.count)
    canvas.line(x1: left, y1: bottom, x2: left + cell * Double(groups.count), y2: bottom)
    canvas.text(
      grouping.rawValue, x: left + cell * Double(groups.count) / 2, y: bottom + 16, size: 10,
      anchor: .middle)
    return Chart(
      id: "matrix", title: title, answers: answers, canvas: canvas,
      note: "Each entry counted once per code and \(grouping.rawValue), however many coders coded "
        + "it; an entry with two research questions counts in both.",
      table: table, command: command)
  }

  // MARK: 3 co-occurrence

  /// The most co-occurring codes shown in a heatmap at most.
  static let heatmapCodes = 40

  /// A lower-triangle heatmap of code pairs, darker for more, with the number written in.
  static func cooccurrence(_ table: ReportTable, unit: CooccurrenceUnit, command: String) -> Chart {
    let title = "Co-occurrence of codes (by \(unit.rawValue))"
    let answers =
      "Which themes appear together: what goes with what, and what never meets?"
    var totals: [String: Int] = [:]
    var counts: [String: Int] = [:]
    for row in table.rows {
      let value = count(row[2])
      totals[row[0].text, default: 0] += value
      totals[row[1].text, default: 0] += value
      counts[row[0].text + "\u{1F}" + row[1].text] = value
      counts[row[1].text + "\u{1F}" + row[0].text] = value
    }
    guard !table.rows.isEmpty else {
      return Chart(
        id: "cooccurrence", title: title, answers: answers, canvas: nil,
        note: unit == .entry
          ? "No entry is coded with two codes yet." : "No two coded segments overlap yet.",
        table: table, command: command)
    }
    var codes = totals.keys.sorted()
    var note =
      unit == .entry
      ? "Entries coded with both codes." : "Overlapping segments of the two codes."
    if codes.count > heatmapCodes {
      let kept = Set(
        totals.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(heatmapCodes).map(\.key))
      codes = codes.filter { kept.contains($0) }
      note +=
        " The \(heatmapCodes) codes with the most co-occurrences of \(totals.count) are drawn;"
        + " the table has every pair."
    }
    let maximum = Double(counts.values.max() ?? 1)
    let left = Layout.labelWidth + Layout.rowLabelPadding
    let n = codes.count - 1
    let cell = min(40, max(18, (Layout.width - left - 8) / Double(max(n, 1))))
    let headerLength = min(
      120,
      codes.dropLast().map { TextMetrics.width(Layout.codeLabel($0, width: 120), size: 10) }
        .max() ?? 0)
    let top = 40 + headerLength + 8
    let width = max(Layout.width, left + cell * Double(n) + 8)
    var canvas = SVGCanvas(
      id: "fig-cooccurrence", width: width, height: top + cell * Double(n) + 12)
    // The legend: five steps of the scale.
    canvas.text("count:", x: 0, y: 14, size: 10)
    let steps = (0..<5).map { max(1, Int((maximum * Double($0 + 1) / 5).rounded())) }
    var seen: Set<Int> = []
    var legendX = 44.0
    for step in steps where seen.insert(step).inserted {
      canvas.rect(
        x: legendX, y: 4, width: 14, height: 14, fill: shade(Double(step) / maximum),
        stroke: "#000")
      canvas.text(String(step), x: legendX + 18, y: 15, size: 10)
      legendX += 26 + TextMetrics.width(String(step), size: 10)
    }
    for (column, code) in codes.dropLast().enumerated() {
      canvas.text(
        Layout.codeLabel(code, width: 120), x: left + cell * Double(column) + cell / 2 + 3.5,
        y: top - 6, size: 10, vertical: true, tooltip: code)
    }
    for (row, code) in codes.dropFirst().enumerated() {
      let y = top + cell * Double(row)
      canvas.text(
        Layout.codeLabel(code, width: Layout.labelWidth), x: Layout.labelWidth,
        y: y + cell / 2 + 4, size: Layout.labelSize, anchor: .end, tooltip: code)
      for (column, other) in codes.prefix(row + 1).enumerated() {
        let x = left + cell * Double(column)
        let value = counts[code + "\u{1F}" + other] ?? 0
        let t = Double(value) / maximum
        canvas.rect(
          x: x, y: y, width: cell, height: cell, fill: value == 0 ? "#FFFFFF" : shade(t),
          stroke: "#999", title: "\(code) + \(other): \(value)")
        guard value > 0 else { continue }
        let size = min(10, cell / 2.4)
        if TextMetrics.width(String(value), size: size) <= cell - 3 {
          canvas.text(
            String(value), x: x + cell / 2, y: y + cell / 2 + size * 0.35, size: size,
            anchor: .middle, fill: t > 0.5 ? "#FFFFFF" : "#000")
        }
      }
    }
    return Chart(
      id: "cooccurrence", title: title, answers: answers, canvas: canvas, note: note,
      table: table, command: command)
  }

  /// A light-to-dark blue for `t` in 0...1: lightness carries the value, so greyscale keeps it.
  static func shade(_ t: Double) -> String {
    let light = (0xEF, 0xF3, 0xFF)
    let dark = (0x08, 0x30, 0x6B)
    func mix(_ a: Int, _ b: Int) -> Int { Int((Double(a) + (Double(b) - Double(a)) * t).rounded()) }
    return String(
      format: "#%02X%02X%02X", mix(light.0, dark.0), mix(light.1, dark.1), mix(light.2, dark.2))
  }
}

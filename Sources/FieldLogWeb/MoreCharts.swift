import FieldLogCore
import Foundation

extension Charts {
  // MARK: 4 timeline

  /// Every month from `first` to `last` (YYYY-MM), so a month without fieldwork shows as a gap.
  static func months(from first: String, to last: String) -> [String] {
    func parts(_ month: String) -> (Int, Int)? {
      let pieces = month.split(separator: "-")
      guard pieces.count == 2, let year = Int(pieces[0]), let number = Int(pieces[1]) else {
        return nil
      }
      return (year, number)
    }
    guard let (firstYear, firstMonth) = parts(first), let (lastYear, lastMonth) = parts(last) else {
      return [first]
    }
    var months: [String] = []
    var (year, month) = (firstYear, firstMonth)
    while (year, month) <= (lastYear, lastMonth) && months.count < 1200 {
      months.append(String(format: "%04d-%02d", year, month))
      (year, month) = month == 12 ? (year + 1, 1) : (year, month + 1)
    }
    return months
  }

  /// Entries per month stacked by kind, a strip per neighbourhood, with each neighbourhood's
  /// fieldwork period marked under its strip.
  static func timeline(_ table: ReportTable, cycles declared: [Study.Cycle] = [], command: String)
    -> Chart
  {
    let title = "Fieldwork over time"
    let answers =
      "When and where did fieldwork happen, and of which kind: where are the quiet months?"
    let cycles =
      declared.isEmpty
      ? "The study declares no cycles, so none are marked."
      : "Shaded bands mark the study's action-research cycles: "
        + declared.map { "\($0.id) \($0.from) to \($0.to)" }.joined(separator: "; ") + "."
    guard let first = table.rows.first?[0].text, let last = table.rows.last?[0].text else {
      return Chart(
        id: "timeline", title: title, answers: answers, canvas: nil,
        note: "No entries match. " + cycles, table: table, command: command)
    }
    let months = Self.months(from: first, to: last)
    let places = distinct(table, 1).sorted()
    let kinds = EntryKind.allCases.map(\.rawValue)
    let present = Set(distinct(table, 2))
    let shownKinds = kinds.filter { present.contains($0) } + present.subtracting(kinds).sorted()
    var counts: [String: Int] = [:]
    var stacks: [String: Int] = [:]
    for row in table.rows {
      counts[row[0].text + "\u{1F}" + row[1].text + "\u{1F}" + row[2].text] = count(row[3])
      stacks[row[0].text + "\u{1F}" + row[1].text, default: 0] += count(row[3])
    }
    let maximum = Double(stacks.values.max() ?? 1)
    let ticks = LinearScale.niceTicks(upTo: maximum, count: 2)
    let left = 56.0
    let right = Layout.width - 12
    let band = (right - left) / Double(months.count)
    let stripHeight = 64.0
    let stripStep = stripHeight + 46
    let legendBottom = 40.0
    var canvas = SVGCanvas(
      id: "fig-timeline", width: Layout.width,
      height: legendBottom + stripStep * Double(places.count) + 34)
    var fills: [String: String] = [:]
    for (index, kind) in shownKinds.enumerated() {
      fills[kind] = canvas.fill(Palette.colour(index), series: index)
    }
    let legendEnd = canvas.legend(shownKinds.map { ($0, fills[$0] ?? "#999") }, x: left, y: 14)
    let labelEvery = max(1, Int((TextMetrics.width("0000-00", size: 9) + 8) / band) + 1)
    for (index, place) in places.enumerated() {
      let top = max(legendBottom, legendEnd) + stripStep * Double(index)
      let base = top + 18 + stripHeight
      let scale = LinearScale(domain: 0...(ticks.last ?? 1), from: base, to: base - stripHeight)
      let active = months.filter { (stacks[$0 + "\u{1F}" + place] ?? 0) > 0 }
      let total = table.rows.filter { $0[1].text == place }.reduce(0) { $0 + count($1[3]) }
      var header = "\(place): \(total) entries"
      if let from = active.first, let to = active.last {
        header += from == to ? ", fieldwork in \(from)" : ", fieldwork \(from) to \(to)"
      }
      canvas.text(header, x: left, y: top + 12, size: 11, maxWidth: right - left, bold: true)
      for tick in ticks {
        canvas.line(x1: left - 4, y1: scale(tick), x2: right, y2: scale(tick), stroke: "#ddd")
        canvas.text(Markup.number(tick), x: left - 6, y: scale(tick) + 3, size: 9, anchor: .end)
      }
      canvas.text(
        "entries", x: 12, y: base - stripHeight / 2, size: 9, anchor: .middle, vertical: true)
      // The cycles, as bands behind the bars, placed by day within their months.
      for (number, cycle) in declared.enumerated() {
        guard let x1 = position(of: cycle.from, in: months, left: left, band: band, end: false),
          let x2 = position(of: cycle.to, in: months, left: left, band: band, end: true),
          x2 > x1
        else { continue }
        canvas.rect(
          x: x1, y: base - stripHeight - 4, width: x2 - x1, height: stripHeight + 4,
          fill: number % 2 == 0 ? "#E3ECF7" : "#EFE6F5",
          title: "cycle \(cycle.id): \(cycle.name), \(cycle.from) to \(cycle.to)")
        canvas.text(
          cycle.id, x: x1 + 3, y: base - stripHeight + 6, size: 9, maxWidth: x2 - x1 - 4,
          bold: true, fill: "#333")
      }
      for (column, month) in months.enumerated() {
        var height = 0.0
        let x = left + band * Double(column)
        for kind in shownKinds {
          let value = counts[month + "\u{1F}" + place + "\u{1F}" + kind] ?? 0
          guard value > 0 else { continue }
          let y = scale(height + Double(value))
          canvas.rect(
            x: x + band * 0.1, y: y, width: band * 0.8, height: scale(height) - y,
            fill: fills[kind] ?? "#999", stroke: "#000",
            title: "\(place), \(month), \(kind): \(value)")
          height += Double(value)
        }
      }
      canvas.line(x1: left, y1: base, x2: right, y2: base)
      // The fieldwork period: a bracket under the strip from its first to its last month.
      if let from = active.first, let to = active.last,
        let start = months.firstIndex(of: from), let end = months.firstIndex(of: to)
      {
        let x1 = left + band * Double(start) + band * 0.1
        let x2 = left + band * Double(end + 1) - band * 0.1
        canvas.line(x1: x1, y1: base + 4, x2: x2, y2: base + 4, stroke: "#000", width: 2)
        canvas.line(x1: x1, y1: base + 1, x2: x1, y2: base + 7, stroke: "#000", width: 2)
        canvas.line(x1: x2, y1: base + 1, x2: x2, y2: base + 7, stroke: "#000", width: 2)
      }
      for (column, month) in months.enumerated() where column % labelEvery == 0 {
        canvas.text(
          month, x: left + band * (Double(column) + 0.5), y: base + 18, size: 9, anchor: .middle)
      }
    }
    let bottom = canvas.height - 10
    canvas.text(
      "month of fieldwork (when it happened, in the place's own time); the bar under a strip "
        + "marks its fieldwork period", x: (left + right) / 2, y: bottom, size: 10,
      anchor: .middle, maxWidth: right - left)
    return Chart(
      id: "timeline", title: title, answers: answers, canvas: canvas,
      note: "Entries per month, stacked by kind (each kind its colour and pattern). " + cycles,
      table: table, command: command)
  }

  /// Where a day (`YYYY-MM-DD`) falls on the month axis: its month's band, by the day within it;
  /// `end` puts it at the end of that day. Clamped to the axis; nil when the day is off it
  /// altogether.
  static func position(of day: String, in months: [String], left: Double, band: Double, end: Bool)
    -> Double?
  {
    guard let first = months.first, let last = months.last, day.count == 10 else { return nil }
    let month = String(day.prefix(7))
    if month < first { return end ? nil : left }
    if month > last { return end ? left + band * Double(months.count) : nil }
    guard let index = months.firstIndex(of: month), let dayNumber = Int(day.suffix(2)) else {
      return nil
    }
    let length = Double(
      FieldTime.daysIn(month: Int(month.suffix(2)) ?? 1, year: Int(month.prefix(4)) ?? 2000))
    let fraction = (Double(dayNumber) - (end ? 0 : 1)) / length
    return left + band * (Double(index) + fraction)
  }

  // MARK: 5 agreement

  /// A statistic as the table shows it.
  static func statistic(_ value: Agreement.Statistic) -> ReportTable.Value {
    .text(value.value.map { String(format: "%.3f", $0) } ?? "n/a (\(value.reason ?? ""))")
  }

  /// Cohen's κ and Krippendorff's α per code on a −1…1 axis, with the units compared; or a sentence
  /// saying why there is nothing to compare.
  static func agreement(_ report: AgreementReport?, coders: [String], command: String) -> Chart {
    let title = "Agreement between coders"
    let answers =
      "Do we code alike: which codes need a shared definition before the team relies on them?"
    var table = ReportTable(
      columns: ["code", "units", "percent_agreement", "cohen_kappa", "krippendorff_alpha"],
      rows: [])
    guard let report, !report.perCode.isEmpty else {
      let why =
        coders.count < 2
        ? (coders.first.map { "Only \($0) has coded" } ?? "Nobody has coded")
          + ", so there is no agreement to show: it needs two or more coders who coded the same "
          + "entries ('fieldlog coder add', then code with --coder)."
        : "The coders have coded no entries in common yet."
      return Chart(
        id: "agreement", title: title, answers: answers, canvas: nil, note: why, table: table,
        command: command)
    }
    table.rows = report.perCode.map {
      [
        .text($0.code), .count($0.units), statistic($0.percentAgreement),
        statistic($0.cohenKappa), statistic($0.krippendorffAlpha),
      ]
    }
    let left = Layout.labelWidth + Layout.rowLabelPadding
    let unitsWidth = 70.0
    let scale = LinearScale(domain: -1...1, from: left, to: Layout.width - unitsWidth - 10)
    let rowHeight = 24.0
    let top = 40.0
    var canvas = SVGCanvas(
      id: "fig-agreement", width: Layout.width,
      height: top + rowHeight * Double(report.perCode.count) + 40)
    let kappaFill = Palette.colour(4)
    let alphaFill = canvas.fill(Palette.colour(0), series: 1)
    canvas.legend(
      [("Cohen's κ (solid)", kappaFill), ("Krippendorff's α (hatched)", alphaFill)], x: left,
      y: 14)
    canvas.text("units", x: Layout.width - 4, y: top - 4, size: 9, anchor: .end, bold: true)
    for (row, code) in report.perCode.enumerated() {
      let y = top + rowHeight * Double(row)
      canvas.text(
        Layout.codeLabel(code.code, width: Layout.labelWidth), x: Layout.labelWidth, y: y + 15,
        size: Layout.labelSize, anchor: .end, tooltip: code.code)
      for (offset, statistic, fill, name) in [
        (2.0, code.cohenKappa, kappaFill, "κ"), (12.0, code.krippendorffAlpha, alphaFill, "α"),
      ] {
        guard let value = statistic.value else {
          canvas.text(
            "\(name) n/a: \(statistic.reason ?? "undefined")", x: scale(0) + 3, y: y + offset + 8,
            size: 7.5, maxWidth: scale.end - scale(0) - 3)
          continue
        }
        let from = min(scale(0), scale(value))
        canvas.rect(
          x: from, y: y + offset, width: abs(scale(value) - scale(0)), height: 9, fill: fill,
          stroke: "#000", title: "\(code.code): \(name) = \(String(format: "%.3f", value))")
        let label = String(format: "%.2f", value)
        canvas.text(
          label, x: value >= 0 ? scale(value) + 2 : scale(value) - 2, y: y + offset + 8,
          size: 7.5, anchor: value >= 0 ? .start : .end)
      }
      canvas.text(String(code.units), x: Layout.width - 4, y: y + 15, size: 10, anchor: .end)
    }
    let axisY = top + rowHeight * Double(report.perCode.count) + 2
    canvas.line(x1: scale(0), y1: top - 2, x2: scale(0), y2: axisY, stroke: "#000")
    canvas.bottomAxis(
      scale, ticks: [-1, -0.5, 0, 0.5, 1], y: axisY, label: "agreement beyond chance (1 = full)",
      grid: top - 2)
    return Chart(
      id: "agreement", title: title, answers: answers, canvas: canvas,
      note: "Coders \(report.coders.joined(separator: ", ")), a code present or absent per entry, "
        + "over the \(report.entries) entries any of them coded (the whole journal: agreement "
        + "takes no filters). Overall: κ \(statistic(report.cohenKappa).text), "
        + "α \(statistic(report.krippendorffAlpha).text).",
      table: table, command: command)
  }

  // MARK: 6 codebook

  /// The codebook as a tree: each code's colour, and bars for the entries coded with it.
  static func codebook(
    _ codes: [CodeRecord], counts table: ReportTable, colours: CodeColours, command: String
  ) -> Chart {
    let title = "Codebook"
    let answers =
      "What is our codebook now, and which codes carry the analysis and which are still empty?"
    var counts: [String: (Int, Int)] = [:]
    for row in table.rows { counts[row[0].text] = (count(row[1]), count(row[2])) }
    let summary = ReportTable(
      columns: ["code", "colour"] + Array(table.columns.dropFirst()),
      rows: codes.map { code in
        let (entries, segments) = counts[code.path] ?? (0, 0)
        return [
          .text(code.path), .text(Palette.validated(code.color) ?? ""), .count(entries),
          .count(segments),
        ]
      })
    guard !codes.isEmpty else {
      return Chart(
        id: "codebook", title: title, answers: answers, canvas: nil,
        note: "The codebook is empty ('fieldlog code define' adds a code).", table: summary,
        command: command)
    }
    let rowHeight = 20.0
    let top = 30.0
    let barsFrom = 360.0
    let entriesX = Layout.width - 70
    let barsTo = entriesX - 50
    let maximum = Double(counts.values.map(\.0).max() ?? 0)
    let scale = LinearScale(domain: 0...max(maximum, 1), from: barsFrom, to: barsTo)
    var canvas = SVGCanvas(
      id: "fig-codebook", width: Layout.width, height: top + rowHeight * Double(codes.count) + 12)
    canvas.text("code", x: 0, y: top - 10, size: 9, bold: true)
    canvas.text("entries (bar)", x: barsFrom, y: top - 10, size: 9, bold: true)
    canvas.text("entries", x: entriesX, y: top - 10, size: 9, anchor: .end, bold: true)
    canvas.text("segments", x: Layout.width - 4, y: top - 10, size: 9, anchor: .end, bold: true)
    var lastRowAtDepth: [Int: Double] = [:]
    for (row, code) in codes.enumerated() {
      let y = top + rowHeight * Double(row)
      let indent = 4 + Double(code.depth) * 16
      if code.depth > 0, let parentY = lastRowAtDepth[code.depth - 1] {
        // The branch from the parent's swatch down to this code.
        let x = indent - 11
        canvas.line(x1: x, y1: parentY + 15, x2: x, y2: y + 10, stroke: "#777")
        canvas.line(x1: x, y1: y + 10, x2: indent - 2, y2: y + 10, stroke: "#777")
      }
      lastRowAtDepth[code.depth] = y
      let colour = colours[code.path]
      canvas.rect(
        x: indent, y: y + 4, width: 11, height: 11, fill: colour, stroke: "#000",
        title: Palette.validated(code.color).map { "\(code.path): colour \($0) (codebook)" }
          ?? "\(code.path): palette colour \(colour)")
      canvas.text(
        code.name, x: indent + 16, y: y + 14, size: Layout.labelSize,
        maxWidth: max(40, barsFrom - 10 - indent - 16))
      let (entries, segments) = counts[code.path] ?? (0, 0)
      if entries > 0 {
        canvas.rect(
          x: barsFrom, y: y + 5, width: scale(Double(entries)) - barsFrom, height: 10,
          fill: colour, stroke: "#000", title: "\(code.path): \(entries) entries")
      }
      canvas.text(String(entries), x: entriesX, y: y + 14, size: 10, anchor: .end)
      canvas.text(String(segments), x: Layout.width - 4, y: y + 14, size: 10, anchor: .end)
    }
    return Chart(
      id: "codebook", title: title, answers: answers, canvas: canvas,
      note: "A code's own codings, not its children's; swatches are the codebook's colours, or "
        + "the Okabe–Ito palette where the codebook sets none.",
      table: summary, command: command)
  }
}

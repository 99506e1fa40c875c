import FieldLogCore
import Foundation

/// One chart of the report: the drawing, the numbers it draws, and the command that prints them.
public struct Chart: Sendable {
  /// The anchor of its section, and the prefix of its SVG ids.
  public var id: String
  public var title: String
  /// The question it answers for a team doing participatory action research.
  public var answers: String
  /// The `<svg>` element; nil when there is nothing to draw, and `note` says why.
  public var svg: String?
  /// A sentence under the title: what is counted, or why nothing is drawn.
  public var note: String?
  /// The numbers drawn, as the CLI report prints them.
  public var table: ReportTable
  /// The exact `fieldlog` command that prints `table`.
  public var command: String
  /// The boxes of every text drawn, for the layout tests.
  public var labels: [TextBox]
  /// The drawing's width in SVG units.
  public var width: Double

  init(
    id: String, title: String, answers: String, canvas: SVGCanvas?, note: String?,
    table: ReportTable, command: String
  ) {
    self.id = id
    self.title = title
    self.answers = answers
    self.svg = canvas?.render(title: title)
    self.note = note
    self.table = table
    self.command = command
    self.labels = canvas?.labels ?? []
    self.width = canvas?.width ?? 0
  }
}

extension Chart {
  /// A participant's network as an ecogram (Core draws it), with its ties as the table.
  static func network(_ snapshot: NetworkSnapshot, number: Int) -> Chart {
    var chart = Chart(
      id: "network-\(number)", title: "The network of \(snapshot.network) on \(snapshot.date)",
      answers: "Who is around this participant, and who supports, refers or clashes with whom?",
      canvas: nil,
      note: "The day of the network's latest recorded change. Members without consent to "
        + "recording are shown only by role. Networks are not narrowed by the report's filters.",
      table: ReportTable(
        columns: ["from", "to", "kind", "strength", "direction", "since"],
        rows: snapshot.ties.map {
          [
            .text($0.from), .text($0.to), .text($0.kind), .count($0.strength),
            .text($0.direction), .text($0.since),
          ]
        }),
      command: ["fieldlog", "network", "show", snapshot.network, "--at", snapshot.date]
        .map(HTMLReport.shellQuoted).joined(separator: " "))
    chart.svg = Ecogram.svg([snapshot], idPrefix: chart.id, standalone: false)
    chart.width = Ecogram.panel
    return chart
  }
}

/// The dimensions every chart shares: an A4 page's text width at 96 dpi, and the label column.
enum Layout {
  static let width = 760.0
  static let labelWidth = 200.0
  static let labelSize = 10.0
  static let rowLabelPadding = 8.0

  /// A code's path as a label of at most `width`: whole if it fits, else the leaf kept (it says
  /// most) with '…' for its parents, else the leaf cut.
  static func codeLabel(_ path: String, width: Double, size: Double = labelSize) -> String {
    if TextMetrics.width(path, size: size) <= width { return path }
    let leaf = path.components(separatedBy: " > ").last ?? path
    let short = "… > " + leaf
    if leaf != path && TextMetrics.width(short, size: size) <= width { return short }
    return TextMetrics.fit(leaf, width: width, size: size).shown
  }
}

/// Each code's colour: the codebook's where set, otherwise the palette by the code's place in the
/// codebook, so a code keeps its colour from one report to the next.
struct CodeColours {
  private var colours: [String: String] = [:]

  init(_ codes: [CodeRecord]) {
    for (index, code) in codes.enumerated() {
      colours[code.path] = Palette.validated(code.color) ?? Palette.colour(index)
    }
  }

  subscript(path: String) -> String { colours[path] ?? "#999999" }
}

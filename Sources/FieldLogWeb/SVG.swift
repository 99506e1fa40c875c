import Foundation

/// Text made safe for XML and HTML: the five reserved characters escaped, and the control
/// characters XML 1.0 does not allow left out, so every SVG we write passes `xmllint`.
public enum Markup {
  /// `text` escaped for an element's text or a double-quoted attribute.
  public static func escape(_ text: String) -> String {
    var escaped = ""
    escaped.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": escaped += "&amp;"
      case "<": escaped += "&lt;"
      case ">": escaped += "&gt;"
      case "\"": escaped += "&quot;"
      case "'": escaped += "&#39;"
      case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
      default:
        // C0 controls, U+FFFE and U+FFFF are not XML characters.
        if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
        escaped.unicodeScalars.append(scalar)
      }
    }
    return escaped
  }

  /// A number as SVG writes it: at most one decimal, no trailing `.0`, never `-0`.
  public static func number(_ value: Double) -> String {
    let rounded = (value * 10).rounded() / 10
    if rounded == rounded.rounded() { return String(Int(rounded)) }
    return String(format: "%.1f", rounded)
  }
}

/// How wide text is drawn, estimated from above: the page names no font file, so the browser's
/// sans-serif (DejaVu Sans on Debian, Arial or Helvetica elsewhere) is assumed at its widest.
public enum TextMetrics {
  /// The estimated width of `text` at `size` pixels.
  public static func width(_ text: String, size: Double) -> Double {
    text.reduce(0) { $0 + advance($1) } * size
  }

  /// The advance of one character, in ems.
  static func advance(_ character: Character) -> Double {
    guard let scalar = character.unicodeScalars.first else { return 0 }
    if scalar.value >= 0x2E80 { return 1.0 }
    if "iljtfrI.,:;'!|()[] ".contains(character) { return 0.36 }
    if "mwMW@%".contains(character) { return 0.95 }
    if character.isUppercase { return 0.76 }
    return 0.63
  }

  /// `text` cut with an ellipsis to fit `width` at `size`; `cut` says whether it was cut.
  public static func fit(_ text: String, width: Double, size: Double) -> (shown: String, cut: Bool)
  {
    if Self.width(text, size: size) <= width { return (text, false) }
    var shown = ""
    var used = advance("…") * size
    for character in text {
      let next = advance(character) * size
      if used + next > width { break }
      shown.append(character)
      used += next
    }
    return (shown.trimmingCharacters(in: .whitespaces) + "…", true)
  }
}

/// The rectangle a piece of text covers, in the SVG's own units: what the layout tests check for
/// overlap.
public struct TextBox: Equatable, Sendable, CustomStringConvertible {
  public var text: String
  public var x: Double
  public var y: Double
  public var width: Double
  public var height: Double

  /// Whether the two boxes share more than a hair of area.
  public func overlaps(_ other: TextBox) -> Bool {
    let slack = 0.5
    return x + slack < other.x + other.width && other.x + slack < x + width
      && y + slack < other.y + other.height && other.y + slack < y + height
  }

  public var description: String {
    "'\(text)' at (\(Markup.number(x)), \(Markup.number(y))) size "
      + "\(Markup.number(width))×\(Markup.number(height))"
  }
}

/// A linear scale from a domain of values to pixels, from `start` (the domain's lower bound) to
/// `end`, which may be smaller (a vertical axis grows upwards).
public struct LinearScale: Sendable {
  public var domain: ClosedRange<Double>
  public var start: Double
  public var end: Double

  public init(domain: ClosedRange<Double>, from start: Double, to end: Double) {
    self.domain = domain
    self.start = start
    self.end = end
  }

  /// The pixel position of `value`.
  public func callAsFunction(_ value: Double) -> Double {
    let span = domain.upperBound - domain.lowerBound
    guard span > 0 else { return start }
    return start + (value - domain.lowerBound) / span * (end - start)
  }

  /// Round tick values covering `0...maximum`: steps of 1, 2 or 5 times a power of ten, whole
  /// numbers when `integers` (counts are never drawn at 2.5).
  public static func niceTicks(upTo maximum: Double, count: Int = 5, integers: Bool = true)
    -> [Double]
  {
    guard maximum > 0, count > 0 else { return [0] }
    let rough = maximum / Double(count)
    let power = pow(10, floor(log10(rough)))
    let fraction = rough / power
    var step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power
    if integers { step = max(1, step.rounded()) }
    let top = ceil(maximum / step) * step
    return stride(from: 0, through: top + step / 2, by: step).map { $0 }
  }
}

/// The colours of the charts: the codebook's where set, otherwise the Okabe–Ito palette, which
/// people with the common colour-vision deficiencies tell apart; and a pattern per series, so a
/// greyscale print tells them apart too.
public enum Palette {
  /// Okabe & Ito (2008), without its black, which the text uses.
  public static let okabeIto = [
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
  ]

  /// The `index`th palette colour, round the palette.
  public static func colour(_ index: Int) -> String { okabeIto[index % okabeIto.count] }

  /// A codebook colour if it is a plain hex colour (anything else could break out of an
  /// attribute), else nil.
  public static func validated(_ colour: String?) -> String? {
    guard let colour, colour.hasPrefix("#"), [4, 7].contains(colour.count),
      colour.dropFirst().allSatisfy(\.isHexDigit)
    else { return nil }
    return colour.uppercased()
  }

  /// The names of the patterns, in the order series get them.
  public static let patternNames = [
    "solid", "diagonal lines", "dots", "cross-hatch", "horizontal lines", "vertical lines",
    "checks",
  ]

  /// The drawing over a series' colour that tells it apart in greyscale.
  static func patternMarks(_ index: Int) -> String {
    switch index % patternNames.count {
    case 1:
      return ##"<path d="M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2" stroke="#000" stroke-width="1"/>"##
    case 2: return ##"<circle cx="3" cy="3" r="1.2" fill="#000"/>"##
    case 3: return ##"<path d="M0,0 L6,6 M6,0 L0,6" stroke="#000" stroke-width="0.8"/>"##
    case 4: return ##"<path d="M0,3 H6" stroke="#000" stroke-width="1"/>"##
    case 5: return ##"<path d="M3,0 V6" stroke="#000" stroke-width="1"/>"##
    case 6:
      return ##"<path d="M0,0 h3 v3 h-3 Z M3,3 h3 v3 h-3 Z" fill="#000" fill-opacity="0.45"/>"##
    default: return ""
    }
  }
}

/// One SVG drawing, built up element by element; it records the box of every text it writes so
/// the layout can be checked.
public struct SVGCanvas: Sendable {
  /// Where text is anchored on its x position.
  public enum Anchor: String, Sendable { case start, middle, end }

  /// The prefix of this drawing's ids: several drawings share one page.
  public let id: String
  public let width: Double
  public var height: Double
  public private(set) var labels: [TextBox] = []
  private var defs: [String] = []
  private var patterns: Set<String> = []
  private var body: [String] = []

  public init(id: String, width: Double, height: Double) {
    self.id = id
    self.width = width
    self.height = height
  }

  /// A fill for series `index` in `colour`: the colour itself for the first series, a pattern
  /// over it for the others.
  public mutating func fill(_ colour: String, series index: Int) -> String {
    let marks = Palette.patternMarks(index)
    if marks.isEmpty { return colour }
    let name = "\(id)-p\(index % Palette.patternNames.count)-\(colour.dropFirst())"
    if !patterns.contains(name) {
      patterns.insert(name)
      defs.append(
        #"<pattern id="\#(name)" patternUnits="userSpaceOnUse" width="6" height="6">"#
          + #"<rect width="6" height="6" fill="\#(colour)"/>\#(marks)</pattern>"#)
    }
    return "url(#\(name))"
  }

  /// Text at a baseline point, cut with an ellipsis (and the whole text as a tooltip) when it is
  /// wider than `maxWidth`; `tooltip` names a text shortened beforehand. Vertical text reads
  /// upwards. A halo keeps text legible over any fill.
  public mutating func text(
    _ text: String, x: Double, y: Double, size: Double = 11, anchor: Anchor = .start,
    maxWidth: Double? = nil, bold: Bool = false, fill: String = "#000", vertical: Bool = false,
    halo: Bool = false, tooltip: String? = nil
  ) {
    // Bold runs about 8% wider than the estimate.
    let boldness = bold ? 1.08 : 1
    var (shown, cut) =
      maxWidth.map { TextMetrics.fit(text, width: $0 / boldness, size: size) } ?? (text, false)
    var whole = text
    if let tooltip, tooltip != shown {
      cut = true
      whole = tooltip
    }
    let length = TextMetrics.width(shown, size: size) * boldness
    let start =
      switch anchor {
      case .start: 0.0
      case .middle: -length / 2
      case .end: -length
      }
    if vertical {
      // Rotated -90° about (x, y): the text runs upwards from y - start.
      labels.append(
        TextBox(
          text: shown, x: x - size * 0.8, y: y - start - length, width: size, height: length))
    } else {
      labels.append(
        TextBox(text: shown, x: x + start, y: y - size * 0.8, width: length, height: size))
    }
    var attributes =
      #"x="\#(Markup.number(x))" y="\#(Markup.number(y))" font-size="\#(Markup.number(size))""#
    if anchor != .start { attributes += #" text-anchor="\#(anchor.rawValue)""# }
    if bold { attributes += #" font-weight="bold""# }
    if fill != "#000" { attributes += #" fill="\#(fill)""# }
    if halo {
      attributes += ##" stroke="#fff" stroke-width="2.5" paint-order="stroke""##
    }
    if vertical {
      attributes +=
        #" transform="rotate(-90 \#(Markup.number(x)) \#(Markup.number(y)))""#
    }
    let title = cut ? "<title>\(Markup.escape(whole))</title>" : ""
    body.append("<text \(attributes)>\(title)\(Markup.escape(shown))</text>")
  }

  /// A rectangle, with a tooltip when `title` is given; `opacity` tints its fill.
  public mutating func rect(
    x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil,
    opacity: Double? = nil, title: String? = nil
  ) {
    var element =
      #"<rect x="\#(Markup.number(x))" y="\#(Markup.number(y))" "#
      + #"width="\#(Markup.number(max(0, width)))" height="\#(Markup.number(max(0, height)))" "#
      + #"fill="\#(fill)""#
    if let stroke { element += #" stroke="\#(stroke)" stroke-width="0.8""# }
    if let opacity { element += #" fill-opacity="\#(Markup.number(opacity))""# }
    if let title {
      element += "><title>\(Markup.escape(title))</title></rect>"
    } else {
      element += "/>"
    }
    body.append(element)
  }

  /// A straight line.
  public mutating func line(
    x1: Double, y1: Double, x2: Double, y2: Double, stroke: String = "#000", width: Double = 1,
    dashed: Bool = false
  ) {
    body.append(
      #"<line x1="\#(Markup.number(x1))" y1="\#(Markup.number(y1))" "#
        + #"x2="\#(Markup.number(x2))" y2="\#(Markup.number(y2))" stroke="\#(stroke)" "#
        + #"stroke-width="\#(Markup.number(width))"\#(dashed ? #" stroke-dasharray="3 2""# : "")/>"#
    )
  }

  /// A horizontal axis at `y` from `scale`'s ticks, with its label centred below.
  public mutating func bottomAxis(
    _ scale: LinearScale, ticks: [Double], y: Double, label: String, grid: Double? = nil
  ) {
    line(x1: scale.start, y1: y, x2: scale.end, y2: y)
    for tick in ticks {
      let x = scale(tick)
      if let grid { line(x1: x, y1: grid, x2: x, y2: y, stroke: "#ccc", width: 0.6) }
      line(x1: x, y1: y, x2: x, y2: y + 4)
      text(Markup.number(tick), x: x, y: y + 14, size: 9, anchor: .middle)
    }
    text(
      label, x: (scale.start + scale.end) / 2, y: y + 27, size: 10,
      anchor: .middle, maxWidth: scale.end - scale.start)
  }

  /// A legend row: a swatch and a label per item, wrapped onto further rows when it is wider than
  /// the drawing; returns the y below it.
  @discardableResult
  public mutating func legend(_ items: [(label: String, fill: String)], x: Double, y: Double)
    -> Double
  {
    var column = x
    var row = y
    for item in items {
      let label = TextMetrics.fit(item.label, width: 200, size: 10).shown
      let itemWidth = 16 + TextMetrics.width(label, size: 10) + 14
      if column > x && column + itemWidth > width - 4 {
        column = x
        row += 16
      }
      rect(x: column, y: row - 9, width: 11, height: 11, fill: item.fill, stroke: "#000")
      text(item.label, x: column + 16, y: row, size: 10, maxWidth: 200)
      column += itemWidth
    }
    return row + 16
  }

  /// The drawing as an `<svg>` element, scaled to the width of the page.
  public func render(title: String) -> String {
    let size = "\(Markup.number(width)) \(Markup.number(height))"
    var svg =
      #"<svg xmlns="http://www.w3.org/2000/svg" id="\#(id)" viewBox="0 0 \#(size)" "#
      + #"width="\#(Markup.number(width))" height="\#(Markup.number(height))" role="img" "#
      + #"aria-labelledby="\#(id)-t" font-family="DejaVu Sans, Verdana, Arial, sans-serif">"#
      + "\n<title id=\"\(id)-t\">\(Markup.escape(title))</title>\n"
    if !defs.isEmpty { svg += "<defs>" + defs.joined() + "</defs>\n" }
    svg += body.joined(separator: "\n")
    return svg + "\n</svg>"
  }
}

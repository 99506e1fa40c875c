import Foundation

/// An ecogram: the focal participant in the centre, rings for family, other informal support and
/// formal support, and a line per tie styled by its kind (support solid, contact dotted, conflict
/// dashed red, referral dash-dot), as wide as it is strong, with arrows where it has a direction.
/// The same input always gives the same SVG, byte for byte; one or two days side by side, each
/// member in the same place on both.
public enum Ecogram {
  public static let panel = 600.0
  static let rings: [(name: String, radius: Double)] = [
    ("family", 100), ("informal", 178), ("formal", 248),
  ]

  static let styles: [String: (color: String, dash: String?)] = [
    "support": ("#1b6e3a", nil),
    "contact": ("#555555", "2 4"),
    "conflict": ("#b3261e", "8 5"),
    "referral": ("#1f4e99", "10 4 2 4"),
  ]

  static func ring(_ member: NetworkSnapshot.Member) -> Int {
    if member.formal { return 2 }
    return member.role == NetworkRole.family.rawValue ? 0 : 1
  }

  private static func f(_ value: Double) -> String { String(format: "%.1f", value) }

  private static func escape(_ text: String) -> String { XMLWriter.escape(text, attribute: true) }

  /// The SVG of `snapshots` (one or two days of one network), side by side. `idPrefix` keeps the
  /// ids of several drawings on one page apart; `standalone` adds the XML declaration of a file.
  public static func svg(
    _ snapshots: [NetworkSnapshot], idPrefix: String = "eco", standalone: Bool = true
  ) -> String {
    // Everyone who is a member on any of the days, placed once.
    var everyone: [String: NetworkSnapshot.Member] = [:]
    for snapshot in snapshots {
      for member in snapshot.members where !member.focal { everyone[member.id] = member }
    }
    // Everyone gets an angle of their own, in order of ring and name, so that no two members
    // of different rings stand in line; their ring gives the distance from the centre.
    var place: [String: (x: Double, y: Double)] = [:]
    let ordered = everyone.values.sorted { (ring($0), $0.id) < (ring($1), $1.id) }
    for (position, member) in ordered.enumerated() {
      let angle =
        (-90.0 + 360.0 * (Double(position) + 0.5) / Double(ordered.count)) * Double.pi / 180
      let radius = rings[ring(member)].radius
      // Rounded to a thousandth, so that the last bits of cos and sin never show in the SVG.
      place[member.id] = (
        ((panel / 2 + radius * cos(angle)) * 1000).rounded() / 1000,
        ((panel / 2 + radius * sin(angle)) * 1000).rounded() / 1000
      )
    }
    let width = panel * Double(max(1, snapshots.count))
    let height = panel + 40 + 90
    let title =
      (snapshots.first?.network ?? "")
      + ": ecogram on " + snapshots.map(\.date).joined(separator: " and ")
    var out = standalone ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" : ""
    out += """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
      viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="\(idPrefix)-title" \
      font-family="sans-serif">
      <title id="\(idPrefix)-title">\(escape(title))</title>
      <defs>

      """
    for (kind, style) in styles.sorted(by: { $0.key < $1.key }) {
      out += """
          <marker id="\(idPrefix)-arrow-\(kind)" viewBox="0 0 10 10" refX="10" refY="5" \
        markerWidth="5" markerHeight="5" orient="auto-start-reverse">\
        <path d="M0,0 L10,5 L0,10 z" fill="\(style.color)"/></marker>

        """
    }
    out += "</defs>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
    for (index, snapshot) in snapshots.enumerated() {
      let dx = panel * Double(index)
      let focal = snapshot.members.first(where: \.focal)
      out += "<g transform=\"translate(\(Int(dx)),40)\">\n"
      out += "<text x=\"\(f(panel / 2))\" y=\"-14\" text-anchor=\"middle\" font-size=\"15\" "
      out += "font-weight=\"bold\">\(escape(snapshot.date))</text>\n"
      for (name, radius) in rings {
        out += "<circle cx=\"\(f(panel / 2))\" cy=\"\(f(panel / 2))\" r=\"\(f(radius))\" "
        out += "fill=\"none\" stroke=\"#d0d0d0\" stroke-width=\"1\"/>\n"
        out += "<text x=\"\(f(panel / 2 - radius * 0.7071 + 4))\" "
        out += "y=\"\(f(panel / 2 - radius * 0.7071 + 4))\" font-size=\"9\" "
        out += "fill=\"#8a8a8a\">\(name)</text>\n"
      }
      func point(_ id: String) -> (x: Double, y: Double) {
        id == focal?.id ? (panel / 2, panel / 2) : place[id] ?? (panel / 2, panel / 2)
      }
      // Ties of one pair side by side rather than on top of each other.
      let pairs = Dictionary(grouping: snapshot.ties) { [$0.from, $0.to].sorted() }
      for tie in snapshot.ties {
        let key = [tie.from, tie.to].sorted()
        let siblings = pairs[key] ?? [tie]
        let offset =
          (Double(siblings.firstIndex(of: tie) ?? 0) - Double(siblings.count - 1) / 2)
          * 8
        let (a, b) = (point(key[0]), point(key[1]))
        let length = max(1, ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot())
        let (nx, ny) = (-(b.y - a.y) / length * offset, (b.x - a.x) / length * offset)
        // From the edge of one circle to the edge of the other, so arrows stay visible.
        let (ux, uy) = ((b.x - a.x) / length, (b.y - a.y) / length)
        func gap(_ id: String) -> Double { id == focal?.id ? 28 : 18 }
        var start = (x: a.x + nx + ux * gap(key[0]), y: a.y + ny + uy * gap(key[0]))
        var end = (x: b.x + nx - ux * gap(key[1]), y: b.y + ny - uy * gap(key[1]))
        if tie.from != key[0] { swap(&start, &end) }
        // A tie between two members around the participant bows outwards, so that it never runs
        // through the centre.
        let centre = panel / 2
        var bend = (x: (start.x + end.x) / 2, y: (start.y + end.y) / 2)
        if key[0] != focal?.id && key[1] != focal?.id {
          let away = (bend.x - centre) * -uy + (bend.y - centre) * ux >= 0 ? 1.0 : -1.0
          bend = (bend.x - uy * away * length * 0.3, bend.y + ux * away * length * 0.3)
        }
        let style = styles[tie.kind] ?? ("#000000", nil)
        out += "<path d=\"M\(f(start.x)),\(f(start.y)) Q\(f(bend.x)),\(f(bend.y)) "
        out += "\(f(end.x)),\(f(end.y))\" fill=\"none\" stroke=\"\(style.color)\" "
        out += "stroke-width=\"\(tie.strength + 1)\""
        if let dash = style.dash { out += " stroke-dasharray=\"\(dash)\"" }
        if tie.direction != "none" {
          out += " marker-end=\"url(#\(idPrefix)-arrow-\(tie.kind))\""
        }
        if tie.direction == "mutual" {
          out += " marker-start=\"url(#\(idPrefix)-arrow-\(tie.kind))\""
        }
        out += "><title>\(escape("\(tie.from) – \(tie.to): \(tie.kind), strength \(tie.strength)"))"
        out += "</title></path>\n"
      }
      let fills = ["#f4d6a0", "#cfe3c6", "#c9d6ee"]
      for member in snapshot.members.sorted(by: { $0.id < $1.id }) {
        let at = point(member.id)
        let fill = member.focal ? "#ffffff" : fills[ring(member)]
        out += "<circle cx=\"\(f(at.x))\" cy=\"\(f(at.y))\" r=\"\(member.focal ? 26 : 16)\" "
        out +=
          "fill=\"\(fill)\" stroke=\"#333333\" stroke-width=\"\(member.focal ? 3 : member.withheld ? 2 : 1)\""
        if member.withheld { out += " stroke-dasharray=\"3 2\"" }
        out += "/>\n"
        // The participant's name goes inside the centre, where no tie runs under it.
        if member.focal {
          out += "<text x=\"\(f(at.x))\" y=\"\(f(at.y + 3.5))\" text-anchor=\"middle\" "
          out += "font-size=\"10\" font-weight=\"bold\">\(escape(member.id))</text>\n"
          continue
        }
        // A white halo keeps a label readable where a line runs under it. A member in the upper
        // half is labelled above, on the side away from the centre where their ties run.
        let halo = "paint-order=\"stroke\" stroke=\"#ffffff\" stroke-width=\"3\""
        let (nameY, roleY) = at.y < panel / 2 - 1 ? (at.y - 31, at.y - 20) : (at.y + 28, at.y + 39)
        out += "<text x=\"\(f(at.x))\" y=\"\(f(nameY))\" text-anchor=\"middle\" "
        out += "font-size=\"10\" \(halo)>\(escape(member.id))</text>\n"
        out += "<text x=\"\(f(at.x))\" y=\"\(f(roleY))\" text-anchor=\"middle\" "
        out += "font-size=\"8\" fill=\"#555555\" \(halo)>\(escape(member.role))</text>\n"
      }
      out += "</g>\n"
    }
    // The legend: what the lines and fills mean.
    let y = panel + 40 + 18
    out += "<g font-size=\"10\">\n"
    for (index, kind) in TieKind.allCases.enumerated() {
      let x = 20.0 + Double(index) * 105
      let style = styles[kind.rawValue] ?? ("#000000", nil)
      out += "<line x1=\"\(f(x))\" y1=\"\(f(y))\" x2=\"\(f(x + 34))\" y2=\"\(f(y))\" "
      out += "stroke=\"\(style.color)\" stroke-width=\"3\""
      if let dash = style.dash { out += " stroke-dasharray=\"\(dash)\"" }
      out += "/>\n<text x=\"\(f(x + 40))\" y=\"\(f(y + 4))\">\(kind.rawValue)</text>\n"
    }
    for (index, name) in ["family", "informal", "formal"].enumerated() {
      let x = 20.0 + Double(index) * 105
      out +=
        "<circle cx=\"\(f(x + 8))\" cy=\"\(f(y + 26))\" r=\"7\" fill=\"\(["#f4d6a0", "#cfe3c6", "#c9d6ee"][index])\" "
      out += "stroke=\"#333333\"/>\n<text x=\"\(f(x + 20))\" y=\"\(f(y + 30))\">\(name)</text>\n"
    }
    out += "<circle cx=\"\(f(20 + 3 * 105 + 8))\" cy=\"\(f(y + 26))\" r=\"7\" fill=\"#ffffff\" "
    out += "stroke=\"#333333\" stroke-width=\"2\" stroke-dasharray=\"3 2\"/>\n"
    out += "<text x=\"\(f(20 + 3 * 105 + 20))\" y=\"\(f(y + 30))\">without consent</text>\n"
    out += "<text x=\"20\" y=\"\(f(y + 50))\" fill=\"#555555\">line width: strength 1–3; "
    out += "arrows: direction of the tie</text>\n</g>\n</svg>\n"
    return out
  }
}

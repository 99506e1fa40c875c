import FieldLogCore
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Everything the CLI prints goes through here.
enum Output {
  static func stderr(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
  }

  static func error(_ message: String, hint: String?) {
    stderr("error: " + message)
    if let hint { stderr("hint: " + hint) }
  }

  static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) != 0 }
  static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }
  static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) != 0 }

  /// Stable JSON: sorted keys, no escaped slashes, one document.
  static func json<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    FileHandle.standardOutput.write(try encoder.encode(value) + Data("\n".utf8))
  }

  /// The same, indented, for a document people read and tools import (a DMP).
  static func prettyJSON<T: Encodable>(_ value: T) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
    return try encoder.encode(value)
  }

  /// The width to fit human-readable output to: `COLUMNS` when it is set to a number (as a shell
  /// or a script may ask), else the terminal's when stdout is one; nil for a file or a pipe, which
  /// get every cell whole.
  static var terminalWidth: Int? {
    if let columns = ProcessInfo.processInfo.environment["COLUMNS"], let width = Int(columns),
      width > 0
    {
      return width
    }
    guard stdoutIsTerminal else { return nil }
    var size = winsize()
    guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
    return Int(size.ws_col)
  }

  /// The columns a terminal gives `text`: combining marks and other zero-width characters take
  /// none, East Asian wide characters and emoji take two, everything else one.
  static func displayWidth(_ text: String) -> Int {
    // Printable ASCII is one column a byte: most of a table, counted without Unicode look-ups.
    if text.utf8.allSatisfy({ (0x20..<0x7F).contains($0) }) { return text.utf8.count }
    // Below U+0300 (Latin with its accents precomposed, as Dutch notes are) every printable scalar
    // is one column and its own character: only the controls and the soft hyphen take none, and
    // no combining mark, emoji or wide character lies there.
    var columns = 0
    for scalar in text.unicodeScalars {
      switch scalar.value {
      case 0x20..<0x7F, 0xA0..<0xAD, 0xAE..<0x300: columns += 1
      default: return text.reduce(0) { $0 + displayWidth($1) }
      }
    }
    return columns
  }

  /// The columns of one character as a terminal shows it (its grapheme cluster: a letter with its
  /// accents, an emoji with its modifiers).
  static func displayWidth(_ character: Character) -> Int {
    var width = 0
    for scalar in character.unicodeScalars {
      let properties = scalar.properties
      switch properties.generalCategory {
      case .nonspacingMark, .enclosingMark, .format, .control: continue
      default: break
      }
      if scalar.value == 0xFE0F { return 2 }  // emoji presentation selector
      let wide = properties.isEmojiPresentation || isEastAsianWide(scalar.value)
      width = max(width, wide ? 2 : 1)
    }
    return width
  }

  /// The East Asian Wide and Fullwidth ranges (UAX #11) that text in a fieldwork journal meets.
  private static func isEastAsianWide(_ value: UInt32) -> Bool {
    switch value {
    case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
      0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
      0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
      return true
    default:
      return false
    }
  }

  /// `text` cut to at most `width` columns, ending in "…" when something was cut.
  static func truncate(_ text: String, toWidth width: Int) -> String {
    truncate(text, width: displayWidth(text), toWidth: width)
  }

  /// `truncate` for a text whose width is known already.
  private static func truncate(_ text: String, width textWidth: Int, toWidth width: Int) -> String {
    guard textWidth > width else { return text }
    guard width > 0 else { return "" }
    var result = ""
    var used = 0
    for character in text {
      let next = displayWidth(character)
      if used + next > width - 1 { break }
      result.append(character)
      used += next
    }
    return result + "…"
  }

  /// `text` wrapped at spaces into lines of at most `width` columns, each starting with `indent`;
  /// a word longer than a line is broken across lines, so no character is lost. Line breaks in
  /// `text` are kept. For bodies, quotes and memos (`show`, `code show`).
  static func wrap(_ text: String, width: Int, indent: String = "") -> [String] {
    let room = max(1, width - displayWidth(indent))
    var lines: [String] = []
    for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
      var line = ""
      var used = 0
      for word in paragraph.split(separator: " ", omittingEmptySubsequences: true)
        .flatMap({ pieces(String($0), width: room) })
      {
        let wordWidth = displayWidth(word)
        if used > 0 && used + 1 + wordWidth > room {
          lines.append(indent + line)
          line = ""
          used = 0
        }
        if used > 0 {
          line += " "
          used += 1
        }
        line += word
        used += wordWidth
      }
      lines.append(line.isEmpty ? "" : indent + line)
    }
    return lines
  }

  /// `word` in pieces of at most `width` columns (one piece when it fits).
  private static func pieces(_ word: String, width: Int) -> [String] {
    guard displayWidth(word) > width else { return [word] }
    var pieces = [""]
    var used = 0
    for character in word {
      let next = displayWidth(character)
      if used + next > width && used > 0 {
        pieces.append("")
        used = 0
      }
      pieces[pieces.count - 1].append(character)
      used += next
    }
    return pieces
  }

  /// Prints `text`, cut to the output's width when there is one.
  static func fitted(_ text: String) {
    print(terminalWidth.map { truncate(text, toWidth: $0) } ?? text)
  }

  /// A plain text table: columns padded to their widest cell (in terminal columns). When the output
  /// has a width, the widest columns give way first until the table fits, and cut cells end in "…".
  /// The columns in `whole` (an entry's id and time, say) never give way.
  static func table(_ header: [String], _ rows: [[String]], whole: Set<Int> = []) {
    guard !rows.isEmpty else { return }
    // A line break in a cell would break the table's line; most cells have none.
    let rows = rows.map {
      $0.map { $0.utf8.contains(0x0A) ? $0.replacingOccurrences(of: "\n", with: " ") : $0 }
    }
    // Each cell's width, counted once.
    let cellWidths = rows.map { $0.map(displayWidth) }
    let headerWidths = header.map(displayWidth)
    var widths = headerWidths
    for row in cellWidths {
      for (index, width) in row.enumerated() { widths[index] = max(widths[index], width) }
    }
    if let available = terminalWidth {
      let gaps = 2 * (widths.count - 1)
      // A column never narrows below its header, or the header's first 9 columns for a long one
      // (`SHARE-CO…`), nor below 3, so the table stays readable.
      var floors = headerWidths.map { max(3, min(9, $0)) }
      for column in whole where column < floors.count { floors[column] = widths[column] }
      while widths.reduce(0, +) + gaps > available {
        let shrinkable = widths.indices.filter { widths[$0] > floors[$0] }
        guard let widest = shrinkable.max(by: { widths[$0] < widths[$1] }) else { break }
        widths[widest] -= 1
      }
    }
    func line(_ cells: [String], _ cellWidths: [Int]) -> String {
      cells.enumerated().map { index, cell in
        let fits = cellWidths[index] <= widths[index]
        let cut = truncate(cell, width: cellWidths[index], toWidth: widths[index])
        let width = fits ? cellWidths[index] : displayWidth(cut)
        return index == cells.count - 1
          ? cut : cut + String(repeating: " ", count: max(0, widths[index] - width))
      }.joined(separator: "  ")
    }
    print(line(header, headerWidths))
    for (row, rowWidths) in zip(rows, cellWidths) { print(line(row, rowWidths)) }
  }

  /// The table of entries `list` prints; times in the study's time zone.
  /// A CYCLE column (its code and phase) appears when some entry listed has a cycle.
  static func entries(_ entries: [EntryRecord], zone: TimeZone) {
    let cycles = entries.contains { $0.cycle != nil || $0.phase != nil }
    table(
      ["ID", "WHEN", "KIND", "NEIGHBOURHOOD"] + (cycles ? ["CYCLE"] : []) + ["TITLE"],
      entries.map { entry in
        [
          entry.shortID, FieldTime.display(entry.occurredAt, in: zone), entry.kind.rawValue,
          entry.neighbourhood ?? "-",
        ]
          + (cycles
            ? [[entry.cycle, entry.phase?.rawValue].compactMap { $0 }.joined(separator: " ")]
            : [])
          + [(entry.retracted == nil ? "" : "[retracted] ") + entry.title]
      }, whole: [0, 1])
  }
}

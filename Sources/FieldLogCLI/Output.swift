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

  /// Progress for long work, only when a person is watching stderr.
  static func progress(_ label: String) -> ((Int) -> Void)? {
    guard stderrIsTerminal else { return nil }
    return { count in FileHandle.standardError.write(Data("\r\(label) \(count)…".utf8)) }
  }

  /// The terminal's width when stdout is one; nil when output goes to a file or a pipe.
  static var terminalWidth: Int? {
    guard stdoutIsTerminal else { return nil }
    var size = winsize()
    guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 100 }
    return Int(size.ws_col)
  }

  /// A plain text table: columns padded to their widest cell; on a terminal the last one is cut to fit.
  static func table(_ header: [String], _ rows: [[String]]) {
    guard !rows.isEmpty else { return }
    var widths = header.map(\.count)
    for row in rows {
      for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
    }
    if let available = terminalWidth {
      let fixed = widths.dropLast().reduce(0, +) + 2 * (widths.count - 1)
      widths[widths.count - 1] = min(widths[widths.count - 1], max(20, available - fixed))
    }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { index, cell in
        let width = widths[index]
        let cut = cell.count > width ? String(cell.prefix(width - 1)) + "…" : cell
        // Pad by characters: `padding(toLength:)` counts UTF-16 units and cuts emoji apart.
        return index == cells.count - 1
          ? cut : cut + String(repeating: " ", count: max(0, width - cut.count))
      }.joined(separator: "  ")
    }
    print(line(header))
    for row in rows { print(line(row)) }
  }

  /// The table of entries `list` and `search` print.
  static func entries(_ entries: [EntryRecord]) {
    table(
      ["ID", "WHEN", "KIND", "NEIGHBOURHOOD", "TITLE"],
      entries.map { entry in
        [
          entry.shortID, localMinute(entry.occurredAt), entry.kind.rawValue, entry.neighbourhood,
          (entry.retracted == nil ? "" : "[retracted] ") + entry.title,
        ]
      })
  }

  /// A stored time (RFC 3339 with the offset of its place, or a recorded UTC time) as its own local
  /// minute, `YYYY-MM-DD HH:MM`: the text already says it, so it is cut out rather than parsed again.
  static func localMinute(_ rfc3339: String) -> String {
    let scalars = Array(rfc3339.utf8.prefix(17))
    guard scalars.count >= 16, scalars[10] == UInt8(ascii: "T"), scalars[13] == UInt8(ascii: ":")
    else { return rfc3339 }
    return String(decoding: scalars[0..<10], as: UTF8.self) + " "
      + String(decoding: scalars[11..<16], as: UTF8.self)
  }
}

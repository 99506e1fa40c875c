/// RFC 4180 CSV: comma-separated, CRLF line ends, fields quoted only where needed.
public enum CSV {
  /// One line per row, each ending in CRLF.
  public static func write(_ rows: [[String]], delimiter: Character = ",") -> String {
    rows.map { row in
      row.map { field($0, delimiter: delimiter) }.joined(separator: String(delimiter)) + "\r\n"
    }
    .joined()
  }

  static func field(_ value: String, delimiter: Character) -> String {
    // Scalars, not Characters: "\r\n" is one Character and would slip past a check for "\n".
    let needsQuotes: Bool
    if let ascii = delimiter.asciiValue {
      needsQuotes = value.utf8.contains { $0 == ascii || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
    } else {
      let separators = Set(delimiter.unicodeScalars).union(["\"", "\n", "\r"])
      needsQuotes = value.unicodeScalars.contains { separators.contains($0) }
    }
    guard needsQuotes else { return value }
    return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}

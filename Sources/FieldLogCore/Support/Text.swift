import Foundation

/// Rules for the text fieldlog stores: valid UTF-8, NFC, LF line ends, no NUL, bounded size.
public enum Text {
  /// The largest body fieldlog accepts, in UTF-8 bytes (10 MiB).
  public static let maximumBodyBytes = 10 * 1024 * 1024

  /// Decodes bytes as strict UTF-8 and normalises them; `source` names where they came from.
  public static func body(from data: Data, source: String) throws -> String {
    guard data.count <= maximumBodyBytes else {
      throw FieldLogError.invalidInput(
        "the body from \(source) is \(data.count) bytes; the limit is \(maximumBodyBytes) bytes (10 MiB)"
      )
    }
    guard let string = String(validating: data, as: UTF8.self) else {
      throw FieldLogError.invalidInput(
        "the body from \(source) is not valid UTF-8", hint: "save the file as UTF-8 and try again")
    }
    return try body(droppingByteOrderMark(string), source: source)
  }

  /// Normalises a body: NFC, LF line ends; refuses NUL bytes and bodies over the limit.
  public static func body(_ string: String, source: String) throws -> String {
    let normalized = normalize(string)
    if normalized.utf8.contains(0) {
      throw FieldLogError.invalidInput("the body from \(source) contains a NUL byte")
    }
    if normalized.utf8.count > maximumBodyBytes {
      throw FieldLogError.invalidInput(
        "the body from \(source) is \(normalized.utf8.count) bytes; the limit is "
          + "\(maximumBodyBytes) bytes (10 MiB)")
    }
    return normalized
  }

  /// The text without the byte order mark some editors put before UTF-8.
  public static func droppingByteOrderMark(_ string: String) -> String {
    string.hasPrefix("\u{FEFF}") ? String(string.dropFirst()) : string
  }

  /// NFC with LF line ends (CRLF and lone CR become LF).
  public static func normalize(_ string: String) -> String {
    var text = string
    if text.contains("\r") {
      text = text.replacingOccurrences(of: "\r\n", with: "\n")
        .replacingOccurrences(of: "\r", with: "\n")
    }
    return text.precomposedStringWithCanonicalMapping
  }

  /// A short single-line value (a name, a title, a tag): normalised, trimmed, without control characters.
  public static func line(_ string: String, what: String) throws -> String {
    let value = normalize(string).trimmingCharacters(in: .whitespacesAndNewlines)
    guard !value.isEmpty else { throw FieldLogError.invalidInput("the \(what) is empty") }
    // Control characters, line and paragraph separators, and bidi overrides that could make a
    // name span lines or show text other than it holds.
    let refused = value.unicodeScalars.contains { scalar in
      let category = scalar.properties.generalCategory
      return category == .control || category == .lineSeparator
        || category == .paragraphSeparator || (0x202A...0x202E).contains(scalar.value)
        || (0x2066...0x2069).contains(scalar.value)
    }
    if refused {
      throw FieldLogError.invalidInput(
        "the \(what) '\(value.debugDescription.dropFirst().dropLast())' contains a control character"
      )
    }
    return value
  }

  /// The form in which names are compared: case- and diacritics-insensitive, white space collapsed.
  ///
  /// Spelled out rather than left to a platform's folding, because derived ids hash it
  /// (docs/journal-format.md): NFD, drop nonspacing marks, Unicode lower case, NFC, single spaces.
  public static func fold(_ string: String) -> String {
    var marksDropped = String.UnicodeScalarView()
    for scalar in string.decomposedStringWithCanonicalMapping.unicodeScalars
    where scalar.properties.generalCategory != .nonspacingMark {
      marksDropped.append(scalar)
    }
    let folded = String(marksDropped).lowercased().precomposedStringWithCanonicalMapping
    return folded.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
  }

  /// The known names closest to `value`, best first, for "did you mean" hints.
  public static func suggestions(for value: String, among names: [String], limit: Int = 2)
    -> [String]
  {
    let threshold = max(2, fold(value).count / 3)
    return ranked(value, names).filter { $0.1 <= threshold }.prefix(limit).map(\.0)
  }

  /// Every name, the closest to `value` first (ranked as `suggestions` ranks them, with no
  /// cut-off): for messages that list all the valid values.
  public static func closestFirst(to value: String, among names: [String]) -> [String] {
    ranked(value, names).map(\.0)
  }

  /// Names with their distance from `value`, closest first; a prefix either way counts as 1.
  private static func ranked(_ value: String, _ names: [String]) -> [(String, Int)] {
    let target = Array(fold(value))
    return names.map { name -> (String, Int) in
      let candidate = Array(fold(name))
      var distance = editDistance(target, candidate)
      if candidate.starts(with: target) || target.starts(with: candidate) {
        distance = min(distance, 1)
      }
      return (name, distance)
    }
    .sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
  }

  /// Levenshtein distance over characters.
  static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}

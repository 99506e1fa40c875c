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
    // The bytes, not Foundation's `contains`, which goes through NSString.
    if text.utf8.contains(UInt8(ascii: "\r")) {
      text = text.replacingOccurrences(of: "\r\n", with: "\n")
        .replacingOccurrences(of: "\r", with: "\n")
    }
    return nfc(text)
  }

  /// Unicode NFC. Text whose scalars are all below U+0300 is NFC already: no combining mark, and no
  /// scalar that composes with one, lies below it. In UTF-8 those are exactly the strings with no
  /// byte of 0xCC or above, so that test is one pass over the bytes instead of the normaliser.
  public static func nfc(_ string: String) -> String {
    isPlainlyNFC(string) ? string : string.precomposedStringWithCanonicalMapping
  }

  /// Whether `string` is NFC by the test above (no UTF-8 byte of 0xCC or above), without the
  /// normaliser.
  static func isPlainlyNFC(_ string: String) -> Bool {
    var string = string
    return string.withUTF8 { bytes in bytes.allSatisfy { $0 < 0xCC } }
  }

  /// The text without white space and line breaks at either end, as Foundation's
  /// `trimmingCharacters(in: .whitespacesAndNewlines)` gives it, but without its round trip through
  /// UTF-16, which was a tenth of an import.
  public static func trimmed(_ string: String) -> String {
    let scalars = string.unicodeScalars
    guard let first = scalars.firstIndex(where: { !isBlank($0) }),
      let last = scalars.lastIndex(where: { !isBlank($0) })
    else { return "" }
    if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) {
      return string
    }
    return String(scalars[first...last])
  }

  /// Whether the text holds nothing but white space and line breaks (see `trimmed`).
  public static func isBlank(_ string: String) -> Bool {
    string.unicodeScalars.allSatisfy(isBlank)
  }

  /// Exactly the scalars Foundation's `.whitespacesAndNewlines` holds (listed from it): the space
  /// separators, U+200B among them as in its table, the line and paragraph separators, and the
  /// controls U+0009–U+000D and U+0085.
  private static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200B, 0x2028, 0x2029, 0x202F, 0x205F,
      0x3000:
      return true
    default: return false
    }
  }

  /// A short single-line value (a name, a title, a tag): normalised, trimmed, without control characters.
  public static func line(_ string: String, what: String) throws -> String {
    let value = trimmed(normalize(string))
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

  /// The form in which identities are compared and derived ids are hashed: case- and
  /// diacritics-insensitive, white space collapsed. FROZEN: its results feed derived ids
  /// (docs/journal-format.md) and the stored `folded` columns that `verify` compares with a replay,
  /// so changing one result would make old journals fail to verify. Match text with `matchFold`.
  ///
  /// Spelled out rather than left to a platform's folding: NFD, drop nonspacing marks, Unicode lower
  /// case, NFC, single spaces. (It leaves Turkish ı, ß and look-alikes as they are.)
  public static func identityFold(_ string: String) -> String {
    var ascii = string
    if ascii.withUTF8({ bytes in bytes.allSatisfy { $0 < 0x80 } }) {
      // ASCII has no marks and nothing to decompose or compose: lower case and single spaces.
      return ascii.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
    var marksDropped = String.UnicodeScalarView()
    for scalar in string.decomposedStringWithCanonicalMapping.unicodeScalars
    where scalar.properties.generalCategory != .nonspacingMark {
      marksDropped.append(scalar)
    }
    let folded = nfc(String(marksDropped).lowercased())
    return folded.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
  }

  /// The one form in which text is matched: by search, the real-name guard, vocabulary matching
  /// and `--quote`. Nothing is stored by id in this form, so it may improve; the search index
  /// holds it, so a change to it needs a migration that refills `entry_fts`.
  ///
  /// Per scalar: compatibility decomposition (NFKD: fullwidth Ｙ, mathematical 𝐘, ligatures, Dutch
  /// ĳ → ij), marks dropped (diacritics, Turkish İ's dot), invisible characters dropped (format
  /// characters such as U+200B, U+00AD, U+200D, U+2060, U+FEFF, and the transliteration marks ʿ ʾ ʼ
  /// of Arabic and Berber names), the letters below mapped, then lower case; white space collapsed.
  /// Mapped letters: Turkish ı → i; ß ẞ → ss; Ł Ø Æ Œ Đ Ð Þ Ħ → l o ae oe d d th h; Berber ɛ Ɛ → e,
  /// ɣ Ɣ → gh; and a confusables skeleton in the spirit of UTS #39 for the Cyrillic and Greek
  /// letters that look like Latin ones (Cyrillic а в е к м н о р с т у х і ј ѕ һ ԁ ԛ ԝ ӏ and their
  /// capitals; Greek Α Β Ε Ζ Η Ι Κ Μ Ν Ο Ρ Τ Υ Χ and α ι κ ν ο ρ τ υ χ). Surinamese Dutch and Dutch
  /// need nothing beyond this (their names use Latin letters with diacritics at most).
  public static func matchFold(_ string: String) -> String {
    // Built as UTF-8 bytes: ASCII, most of any Dutch text, is copied byte by byte, without a String
    // or a scalar append per letter.
    var out: [UInt8] = []
    out.reserveCapacity(string.utf8.count)
    var seen: [Unicode.Scalar: String] = [:]
    var pendingSpace = false
    for scalar in string.unicodeScalars {
      if scalar.isASCII {
        let byte = UInt8(scalar.value)
        if byte == 0x20 || (0x09...0x0D).contains(byte) {
          pendingSpace = !out.isEmpty
          continue
        }
        if pendingSpace { out.append(0x20) }
        pendingSpace = false
        out.append((0x41...0x5A).contains(byte) ? byte + 32 : byte)
        continue
      }
      if scalar.properties.isWhitespace {
        pendingSpace = !out.isEmpty
        continue
      }
      // A note repeats its few accented letters (é, ë, ï): each is decomposed once per text.
      let folded: String
      if let known = seen[scalar] {
        folded = known
      } else {
        folded = matchFold(scalar)
        seen[scalar] = folded
      }
      guard !folded.isEmpty else { continue }
      if pendingSpace { out.append(0x20) }
      pendingSpace = false
      out.append(contentsOf: folded.utf8)
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The words of `text` in their matching form, each with the scalar range of `text` it came from
  /// and the folded text between it and the word before (for hyphens at a line end).
  ///
  /// A word is a run of letters and digits once marks and invisible characters are gone, so
  /// "Fa\u{200B}tima" is one word and "Fatima's" is "fatima" and "s".
  public static func matchWords(_ text: String) -> [(word: String, range: Range<Int>, gap: String)]
  {
    var words: [(word: String, range: Range<Int>, gap: String)] = []
    var current = ""
    var start = 0
    var end = 0
    var gap = ""
    /// Adds one folded scalar of the text's scalar at `offset` to the word or to the gap after it.
    func take(_ part: Unicode.Scalar, inWord: Bool, at offset: Int) {
      if inWord {
        if current.isEmpty { start = offset }
        current.unicodeScalars.append(part)
        end = offset + 1
      } else {
        if !current.isEmpty {
          words.append((current, start..<end, gap))
          current = ""
          gap = ""
        }
        gap.unicodeScalars.append(part)
      }
    }
    for (offset, scalar) in text.unicodeScalars.enumerated() {
      // ASCII without Unicode look-ups: letters and digits (lower-cased) make words, the rest gaps.
      if scalar.isASCII {
        let value = scalar.value
        let isUpper = (0x41...0x5A).contains(value)
        take(
          isUpper ? Unicode.Scalar(UInt8(value + 32)) : scalar,
          inWord: isUpper || (0x61...0x7A).contains(value) || (0x30...0x39).contains(value),
          at: offset)
        continue
      }
      let value = Int(scalar.value)
      let parts = value < 0x80 + latinParts.count ? latinParts[value - 0x80] : matchParts(scalar)
      for (part, inWord) in parts { take(part, inWord: inWord, at: offset) }
    }
    if !current.isEmpty { words.append((current, start..<end, gap)) }
    return words
  }

  /// One scalar of a text as `matchWords` takes it: its matching form, scalar by scalar, each
  /// with whether it belongs to a word (letters and numbers) or to the gap between words.
  private static func matchParts(_ scalar: Unicode.Scalar) -> [(part: Unicode.Scalar, inWord: Bool)]
  {
    let folded = scalar.properties.isWhitespace ? String(Character(scalar)) : matchFold(scalar)
    return folded.unicodeScalars.map {
      ($0, $0.properties.isAlphabetic || $0.properties.numericType != nil)
    }
  }

  /// `matchParts` of U+0080 to U+024F (Latin-1 and Latin Extended: the accented letters of Dutch,
  /// Turkish and Surinamese names), worked out once instead of for every letter of every snippet.
  private static let latinParts = (0x80..<0x250).map { matchParts(Unicode.Scalar(UInt32($0))!) }

  /// One scalar in its matching form: "" for marks and invisible characters.
  static func matchFold(_ scalar: Unicode.Scalar) -> String {
    if scalar.isASCII {
      let value = ("A"..."Z").contains(scalar) ? scalar.value + 32 : scalar.value
      return String(Character(Unicode.Scalar(UInt8(value))))
    }
    if let mapped = matchLetters[scalar] { return mapped }
    var out = ""
    for part in String(Character(scalar)).decomposedStringWithCompatibilityMapping.unicodeScalars {
      if isInvisible(part) { continue }
      if let mapped = matchLetters[part] {
        out += mapped
      } else if part.isASCII {
        out += String(Character(part)).lowercased()
      } else {
        for lower in String(Character(part)).lowercased().decomposedStringWithCompatibilityMapping
          .unicodeScalars where !isInvisible(lower)
        {
          out += matchLetters[lower] ?? String(Character(lower))
        }
      }
    }
    return out
  }

  /// Marks, format characters and the modifier letters used as transliteration marks.
  private static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .spacingMark, .enclosingMark, .format: return true
    default:
      return scalar.properties.isDefaultIgnorableCodePoint
        || [0x02BB, 0x02BC, 0x02BE, 0x02BF].contains(scalar.value)
    }
  }

  /// Letters with no decomposition that match Latin ones (see `matchFold`).
  private static let matchLetters: [Unicode.Scalar: String] = {
    var table: [Unicode.Scalar: String] = [:]
    let pairs: [(String, String)] = [
      ("ı", "i"), ("ßẞ", "ss"), ("łŁ", "l"), ("øØ", "o"), ("æÆ", "ae"), ("œŒ", "oe"),
      ("đĐðÐ", "d"), ("þÞ", "th"), ("ħĦ", "h"), ("ɛƐ", "e"), ("ɣƔ", "gh"),
      // Cyrillic look-alikes.
      ("аА", "a"), ("вВ", "b"), ("еЕ", "e"), ("кК", "k"), ("мМ", "m"), ("нН", "h"), ("оО", "o"),
      ("рР", "p"), ("сС", "c"), ("тТ", "t"), ("уУ", "y"), ("хХ", "x"), ("іІ", "i"), ("јЈ", "j"),
      ("ѕЅ", "s"), ("һҺ", "h"), ("ԁ", "d"), ("ԛԚ", "q"), ("ԝԜ", "w"), ("ӏӀ", "l"),
      // Greek look-alikes.
      ("αΑ", "a"), ("Β", "b"), ("Ε", "e"), ("Ζ", "z"), ("Η", "h"), ("ιΙ", "i"), ("κΚ", "k"),
      ("Μ", "m"), ("ν", "v"), ("Ν", "n"), ("οΟ", "o"), ("ρΡ", "p"), ("τΤ", "t"), ("υ", "u"),
      ("Υ", "y"), ("χΧ", "x"),
    ]
    for (letters, latin) in pairs {
      for scalar in letters.unicodeScalars { table[scalar] = latin }
    }
    return table
  }()

  /// The known names closest to `value`, best first, for "did you mean" hints.
  public static func suggestions(for value: String, among names: [String], limit: Int = 2)
    -> [String]
  {
    let threshold = max(2, matchFold(value).count / 3)
    return ranked(value, names).filter { $0.1 <= threshold }.prefix(limit).map(\.0)
  }

  /// Every name, the closest to `value` first (ranked as `suggestions` ranks them, with no
  /// cut-off): for messages that list all the valid values.
  public static func closestFirst(to value: String, among names: [String]) -> [String] {
    ranked(value, names).map(\.0)
  }

  /// Names with their distance from `value`, closest first; a prefix either way counts as 1.
  private static func ranked(_ value: String, _ names: [String]) -> [(String, Int)] {
    let target = Array(matchFold(value))
    return names.map { name -> (String, Int) in
      let candidate = Array(matchFold(name))
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

/// Finds quoted text in a body. Offsets are Unicode scalar offsets, zero-based, end-exclusive (the
/// REFI-QDA convention).
public enum Anchor {
  /// Where `quote` occurs in `body`: exactly if it does, otherwise ignoring differences in white
  /// space and line breaks.
  public static func occurrences(of quote: String, in body: String) -> [Range<Int>] {
    let text = Array(body.unicodeScalars)
    // Bodies are stored NFC; a quote pasted in another form (NFD from macOS) is the same text.
    let quote = Text.normalize(quote)
    let exact = find(Array(quote.unicodeScalars), in: text)
    if !exact.isEmpty { return exact }
    return looseOccurrences(of: quote, in: text)
  }

  /// Where `quote` occurs in `body` in the matching form (`Text.matchFold`: case, diacritics,
  /// Turkish ı, invisible characters; white space runs as one space): the fallback of `--quote`
  /// when the text is not found as typed. Ranges are in `body`'s own scalars.
  public static func foldedOccurrences(of quote: String, in body: String) -> [Range<Int>] {
    var folded: [Unicode.Scalar] = []
    var origins: [Range<Int>] = []
    var lastWasSpace = true
    for (offset, scalar) in body.unicodeScalars.enumerated() {
      if scalar.properties.isWhitespace {
        if !lastWasSpace {
          folded.append(" ")
          origins.append(offset..<(offset + 1))
        }
        lastWasSpace = true
        continue
      }
      for part in Text.matchFold(scalar).unicodeScalars {
        folded.append(part)
        origins.append(offset..<(offset + 1))
        lastWasSpace = false
      }
    }
    let needle = Array(Text.matchFold(quote).unicodeScalars)
    return find(needle, in: folded).map {
      origins[$0.lowerBound].lowerBound..<origins[$0.upperBound - 1].upperBound
    }
  }

  /// The text of `body` at a scalar range, or nil when the range lies outside it.
  public static func text(in body: String, at range: Range<Int>) -> String? {
    let scalars = Array(body.unicodeScalars)
    guard range.lowerBound >= 0, range.upperBound <= scalars.count, !range.isEmpty else {
      return nil
    }
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars[range])
    return String(view)
  }

  /// Where a stored segment belongs in a new version of its body: where it still stands, else the
  /// occurrence of its text nearest to where it stood; nil when the text is gone (orphaned).
  static func reanchor(quote: String, previous: Range<Int>, in body: String) -> Range<Int>? {
    if text(in: body, at: previous) == quote { return previous }
    return occurrences(of: quote, in: body).min {
      abs($0.lowerBound - previous.lowerBound) < abs($1.lowerBound - previous.lowerBound)
    }
  }

  private static func find(_ needle: [Unicode.Scalar], in haystack: [Unicode.Scalar]) -> [Range<
    Int
  >] {
    guard !needle.isEmpty, needle.count <= haystack.count else { return [] }
    var found: [Range<Int>] = []
    let first = needle[0]
    var index = 0
    while index <= haystack.count - needle.count {
      if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) {
        found.append(index..<(index + needle.count))
      }
      index += 1
    }
    return found
  }

  /// Matches with every run of white space (line breaks included) treated as one space.
  private static func looseOccurrences(of quote: String, in text: [Unicode.Scalar]) -> [Range<Int>]
  {
    var folded: [Unicode.Scalar] = []
    var starts: [Int] = []
    var ends: [Int] = []
    var index = 0
    while index < text.count {
      if text[index].properties.isWhitespace {
        let start = index
        while index < text.count, text[index].properties.isWhitespace { index += 1 }
        folded.append(" ")
        starts.append(start)
        ends.append(index)
      } else {
        folded.append(text[index])
        starts.append(index)
        ends.append(index + 1)
        index += 1
      }
    }
    let needle = quote.unicodeScalars.split(whereSeparator: \.properties.isWhitespace)
      .map(Array.init).joined(separator: [" "]).map { $0 }
    return find(needle, in: folded).map { starts[$0.lowerBound]..<ends[$0.upperBound - 1] }
  }
}

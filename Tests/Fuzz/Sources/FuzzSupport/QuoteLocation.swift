import Foundation

@testable import FieldLogCore

extension Fuzz {
  /// Checks quote location on one input: byte 0 picks `--occurrence` (0: none), bytes 1 and 2 a
  /// previous segment (start, length) for re-anchoring, and the rest is the body, a NUL byte, and
  /// the quote. The body is stored as `add` stores it (NFC, LF); the quote is taken as typed.
  public static func locatingQuote(_ data: Data) {
    let bytes = [UInt8](data)
    guard bytes.count >= 3 else { return }
    let occurrence = bytes[0] == 0 ? nil : Int(bytes[0] % 8)
    let rest = bytes[3...]
    let split = rest.firstIndex(of: 0) ?? rest.endIndex
    let quote = String(decoding: rest[split...].dropFirst(), as: UTF8.self)
    guard let body = try? Text.body(String(decoding: rest[..<split], as: UTF8.self), source: "fuzz")
    else { return }
    let scalars = Array(body.unicodeScalars)
    let typed = Text.normalize(quote)

    // Every range found lies in the body, in order, and holds the quote: exactly, or with the
    // white space folded.
    let found = Anchor.occurrences(of: quote, in: body)
    var previousEnd = -1
    var exact: Bool?
    for range in found {
      check(range.lowerBound >= 0 && range.upperBound <= scalars.count, "\(range) outside the body")
      check(!range.isEmpty, "an empty range \(range)")
      check(range.lowerBound > previousEnd - 1, "ranges out of order: \(found)")
      previousEnd = range.lowerBound + 1
      guard let text = Anchor.text(in: body, at: range) else {
        fatalError("fuzz: no text at \(range) found for \(typed.debugDescription)")
      }
      let isExact = text.unicodeScalars.elementsEqual(typed.unicodeScalars)
      check(exact == nil || exact == isExact, "exact and loose matches mixed: \(found)")
      exact = isExact
      check(
        isExact || folded(text) == folded(typed),
        "\(range) holds \(text.debugDescription), not the quote \(typed.debugDescription)")
      if !isExact {
        // A loose match starts and ends on the quote's own text, not on white space.
        check(
          !scalars[range.lowerBound].properties.isWhitespace
            && !scalars[range.upperBound - 1].properties.isWhitespace,
          "the loose match \(range) begins or ends with white space")
      }
    }
    // Nothing is missed: every exact occurrence is found (they are preferred over loose ones).
    let needle = Array(typed.unicodeScalars)
    if !needle.isEmpty, needle.count <= scalars.count {
      let starts = (0...(scalars.count - needle.count)).filter {
        scalars[$0..<($0 + needle.count)].elementsEqual(needle)
      }
      if !starts.isEmpty {
        check(
          found == starts.map { $0..<($0 + needle.count) },
          "exact occurrences \(starts) of \(typed.debugDescription), found \(found)")
      }
    }

    // `code apply --quote` returns one of those ranges, or refuses with a message.
    let entry = "00000000-0000-4000-8000-000000000000"
    do {
      let range = try Codings.locate(.quote(quote, occurrence: occurrence), in: body, entry: entry)
      guard let range else { fatalError("fuzz: a quote located as the whole entry") }
      check(
        found.contains(range) && (occurrence.map { found[$0 - 1] == range } ?? (found.count == 1)),
        "located \(range) for occurrence \(String(describing: occurrence)) among \(found)")
      _ = Codings.context(body, range)
    } catch {
      expectRefusal(error, while: "locating the quote")
      check(
        found.isEmpty || (occurrence.map { !(1...found.count).contains($0) } ?? (found.count > 1)),
        "refused \(found) with occurrence \(String(describing: occurrence)): \(error)")
    }

    // `code apply --range` takes any range within the body and nothing else.
    let start = Int(bytes[1]) - 8
    let end = start + Int(bytes[2]) - 8
    do {
      let range = try Codings.locate(.range(start, end), in: body, entry: entry)
      check(range == start..<end, "located \(String(describing: range)) for \(start):\(end)")
      check(Anchor.text(in: body, at: start..<end) != nil, "no text at the range \(start):\(end)")
    } catch {
      expectRefusal(error, while: "locating the range \(start):\(end)")
      check(start < 0 || end <= start || end > scalars.count, "refused \(start):\(end): \(error)")
    }

    // After an amendment, a segment stays where its text still stands, else moves to the nearest
    // occurrence, else is orphaned.
    if start >= 0, end > start {
      let previous = start..<end
      let anchored = Anchor.reanchor(quote: quote, previous: previous, in: body)
      if let anchored, anchored != previous {
        check(found.contains(anchored), "re-anchored to \(anchored), not among \(found)")
      } else if anchored == previous {
        check(
          Anchor.text(in: body, at: previous) == quote || found.contains(previous),
          "kept \(previous), which no longer holds the quote")
      } else {
        check(found.isEmpty, "orphaned though the quote is at \(found)")
      }
    }
  }

  /// Text with every run of white space as one space, without white space at either end.
  static func folded(_ text: String) -> String {
    text.unicodeScalars.split(whereSeparator: \.properties.isWhitespace)
      .map { String(String.UnicodeScalarView($0)) }.joined(separator: " ")
  }
}

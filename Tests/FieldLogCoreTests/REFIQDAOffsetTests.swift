import Testing

@testable import FieldLogCore

/// Positions in a `.qdpx`: code points as REFI-QDA counts, or UTF-16 units for QualCoder.
@Suite struct REFIQDAOffsetTests {
  static let body = "a👍🏾b 𠜎c"

  @Test func codePointsAreKeptAsTheStandardCountsThem() {
    #expect(REFIQDA.positions(3, 4, in: Self.body, unit: .codePoints) == (3, 4))
  }

  @Test func utf16CountsTwoUnitsForEveryCharacterBeyondUFFFF() {
    // a=0, 👍=1-2, 🏾=3-4, b=5, space=6, 𠜎=7-8, c=9 in UTF-16 units.
    #expect(REFIQDA.positions(3, 4, in: Self.body, unit: .utf16) == (5, 6))
    #expect(REFIQDA.positions(1, 3, in: Self.body, unit: .utf16) == (1, 5))
    #expect(REFIQDA.positions(5, 7, in: Self.body, unit: .utf16) == (7, 10))
    #expect(REFIQDA.positions(0, 7, in: Self.body, unit: .utf16) == (0, 10))
    #expect(REFIQDA.positions(7, 7, in: Self.body, unit: .utf16) == (10, 10))
    for (start, end) in [(0, 1), (1, 3), (3, 4), (5, 7), (0, 7)] {
      let (from, to) = REFIQDA.positions(start, end, in: Self.body, unit: .utf16)
      let units = Array(Self.body.utf16)
      let scalars = Array(Self.body.unicodeScalars)
      #expect(
        String(decoding: units[from..<to], as: UTF16.self)
          == String(String.UnicodeScalarView(scalars[start..<end])))
    }
  }

  @Test func astralCharactersAreFound() {
    #expect(REFIQDA.hasAstral(Self.body))
    #expect(!REFIQDA.hasAstral("café, ĳs en Yılmaz"))
  }
}

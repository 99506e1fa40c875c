import Foundation
import Testing

@testable import FieldLogCore

@Suite struct FieldTimeTests {
  @Test(arguments: [
    ("2024-03-12", "2024-03-12T00:00:00+01:00"),
    ("2024-03-12 14:30", "2024-03-12T14:30:00+01:00"),
    ("2024-07-12 14:30", "2024-07-12T14:30:00+02:00"),  // summer time in Amsterdam
    ("2024-03-12T14:30:05", "2024-03-12T14:30:05+01:00"),
    ("2024-03-12T14:30:00Z", "2024-03-12T14:30:00+00:00"),
    ("2024-03-12T14:30:00-05:00", "2024-03-12T14:30:00-05:00"),
    ("2024-02-29", "2024-02-29T00:00:00+01:00"),
  ])
  func parsesWhatResearchersType(input: String, expected: String) throws {
    #expect(try FieldTime.parse(input).rfc3339 == expected)
  }

  @Test func utcFormSortsByInstant() throws {
    #expect(try FieldTime.parse("2024-07-12 14:30").utc == "2024-07-12T12:30:00Z")
    #expect(try FieldTime.parse("2024-03-12T00:30:00+01:00").utc == "2024-03-11T23:30:00Z")
  }

  @Test func todayAndYesterdayFollowAmsterdamDates() throws {
    // 23:30 UTC on 31 March 2024 is already 1 April in Amsterdam (UTC+2).
    let now = Date(timeIntervalSince1970: 1_711_927_800)
    #expect(try FieldTime.parse("today", now: now).rfc3339 == "2024-04-01T00:00:00+02:00")
    #expect(try FieldTime.parse("yesterday", now: now).rfc3339 == "2024-03-31T00:00:00+01:00")
  }

  @Test(arguments: [
    "2024-02-30", "2023-02-29", "2024-13-01", "2024-04-31", "2024-03-12 25:00",
    "12-03-2024", "gisteren", "2024-03-12T14:30:00.5Z", "2024-03-12T14:30+1", "",
  ])
  func refusesImpossibleOrMalformedTimes(input: String) {
    #expect(throws: FieldLogError.self) { try FieldTime.parse(input) }
  }

  @Test func impossibleDateNamesTheValue() {
    #expect {
      try FieldTime.parse("2024-02-30", what: "time --at")
    } throws: { error in
      (error as? FieldLogError)?.message == "the time --at '2024-02-30' is not a real date"
    }
  }

  @Test(
    "a year before 1900 is refused naming the value; 1900 itself is accepted",
    arguments: ["0000-01-01", "1899-12-31", "0999-06-01 10:00", "1850-03-12T14:30:00+01:00"])
  func yearsBefore1900AreRefused(input: String) throws {
    #expect {
      try FieldTime.parse(input, what: "time --at")
    } throws: { error in
      (error as? FieldLogError)?.message == "the time --at '\(input)' is before 1900"
    }
    #expect(try FieldTime.parse("1900-01-01T00:00:00+01:00").rfc3339 == "1900-01-01T00:00:00+01:00")
  }

  @Test func recordedAtIsUTCWithMilliseconds() {
    #expect(
      FieldTime.recordedAt(Date(timeIntervalSince1970: 1_710_250_200.123))
        == "2024-03-12T13:30:00.123Z")
  }
}

@Suite struct TextTests {
  @Test func bodiesAreNFCWithLFLineEnds() throws {
    let body = try Text.body("Cafe\u{301}\r\nregel twee\rregel drie", source: "test")
    #expect(body == "Café\nregel twee\nregel drie")
    #expect(body.unicodeScalars.count == "Café\nregel twee\nregel drie".unicodeScalars.count)
  }

  @Test func invalidUTF8AndNULAreRefused() {
    #expect(throws: FieldLogError.self) {
      try Text.body(from: Data([0x61, 0xFF, 0xFE]), source: "x")
    }
    #expect(throws: FieldLogError.self) { try Text.body("a\u{0}b", source: "x") }
  }

  @Test func bodiesOverTenMebibytesAreRefused() throws {
    let limit = Text.maximumBodyBytes
    #expect(
      try Text.body(from: Data(repeating: 0x61, count: limit), source: "x").utf8.count == limit)
    #expect(throws: FieldLogError.self) {
      try Text.body(from: Data(repeating: 0x61, count: limit + 1), source: "x")
    }
  }

  @Test func namesFoldCaseDiacriticsAndSpaces() {
    #expect(Text.identityFold("  Jan  van MAIJENBUURT ") == "jan van maijenbuurt")
    #expect(Text.identityFold("Één Café") == "een cafe")
    // The fold is spelled out in docs/journal-format.md, because derived ids hash it.
    #expect(
      Text.identityFold("Cafe\u{301} Ŀ Øresund STRAẞE Şükrü") == "cafe ŀ øresund straße sukru")
  }

  @Test func singleLineValuesRefuseLineBreaksAndBidiOverrides() throws {
    for value in ["a\u{2028}b", "a\u{202E}b", "a\tb", "a\u{1F}b"] {
      #expect(throws: FieldLogError.self) { try Text.line(value, what: "title") }
    }
    #expect(try Text.line("👩‍👩‍👧 familie", what: "title") == "👩‍👩‍👧 familie")
  }

  @Test func theDSTGapIsRefusedAndTheOverlapIsAccepted() throws {
    #expect(throws: FieldLogError.self) { try FieldTime.parse("2024-03-31 02:30") }
    #expect(try FieldTime.parse("2024-03-31 03:30").rfc3339 == "2024-03-31T03:30:00+02:00")
    #expect(try FieldTime.parse("2024-10-27 02:30").utc.hasPrefix("2024-10-27T0"))
  }

  @Test func suggestionsFindTheClosestName() {
    let names = ["Holendrecht", "Jan van Maijenbuurt"]
    #expect(Text.suggestions(for: "Holendrech", among: names) == ["Holendrecht"])
    #expect(Text.suggestions(for: "Jan van Maijenbuurd", among: names) == ["Jan van Maijenbuurt"])
    #expect(Text.suggestions(for: "Utrecht Overvecht", among: names).isEmpty)
  }
}

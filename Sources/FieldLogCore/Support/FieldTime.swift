import Foundation

/// Times as fieldlog records them: RFC 3339 with the UTC offset of the place of the fieldwork.
public struct FieldTime: Equatable, Comparable, Sendable {
  /// Seconds since 1970 UTC.
  public let epochSeconds: Int64
  /// The UTC offset, in seconds, at which the time was observed.
  public let offsetSeconds: Int

  /// The time zone applied when the user gives no offset.
  public static let fieldworkTimeZoneID = "Europe/Amsterdam"

  public init(epochSeconds: Int64, offsetSeconds: Int) {
    self.epochSeconds = epochSeconds
    self.offsetSeconds = offsetSeconds
  }

  public static func < (lhs: FieldTime, rhs: FieldTime) -> Bool {
    lhs.epochSeconds < rhs.epochSeconds
  }

  /// RFC 3339 at the recorded offset, `2024-03-12T14:30:00+01:00`; a zero offset is written `+00:00`.
  public var rfc3339: String {
    let local = epochSeconds + Int64(offsetSeconds)
    let (date, seconds) = Self.civil(local)
    let sign = offsetSeconds < 0 ? "-" : "+"
    let offset = abs(offsetSeconds) / 60
    return date + "T" + Self.clock(seconds) + sign + Self.pad(offset / 60) + ":"
      + Self.pad(offset % 60)
  }

  /// The same instant in UTC, `2024-03-12T13:30:00Z`: a fixed-width form that sorts by time.
  public var utc: String {
    let (date, seconds) = Self.civil(epochSeconds)
    return date + "T" + Self.clock(seconds) + "Z"
  }

  /// The local calendar date, `2024-03-12`.
  public var localDate: String { Self.civil(epochSeconds + Int64(offsetSeconds)).0 }

  /// The local date and time to the minute, `2024-03-12 14:30`.
  public var localMinute: String {
    let (date, seconds) = Self.civil(epochSeconds + Int64(offsetSeconds))
    return date + " " + String(Self.clock(seconds).prefix(5))
  }

  // MARK: Display

  /// How a person reads a stored time (an occurred-at with its offset, or a recorded-at in UTC with
  /// milliseconds): `2024-03-12 14:30` in `zone`, the study's time zone. A fieldwork time at
  /// midnight of its own day is a date given without a time, and prints as the date alone.
  /// Text that is not a stored time is returned as it is.
  public static func display(_ stored: String, in zone: TimeZone) -> String {
    // Milliseconds (recorded-at) are not part of what `parse` accepts, nor of what is shown.
    var text = stored
    if let dot = text.firstIndex(of: "."), text.distance(from: text.startIndex, to: dot) == 19 {
      text = String(text[..<dot]) + String(text[dot...].drop { $0 == "." || $0.isNumber })
    }
    guard text.count > 19, let time = try? parse(text, what: "stored time") else { return stored }
    let wall = civil(time.epochSeconds + Int64(time.offsetSeconds))
    if wall.1 == 0 && !text.hasSuffix("Z") { return wall.0 }
    let date = Date(timeIntervalSince1970: TimeInterval(time.epochSeconds))
    return FieldTime(epochSeconds: time.epochSeconds, offsetSeconds: zone.secondsFromGMT(for: date))
      .localMinute
  }

  // MARK: Parsing

  /// Parses what a researcher types for `--at`, `--since` and `--until`.
  ///
  /// Accepts `2024-03-12`, `2024-03-12 14:30`, `2024-03-12T14:30[:05]`, RFC 3339 with an offset,
  /// `today`, `yesterday` and `now`. Without an offset, `zone` applies (the study's; by default
  /// Europe/Amsterdam); a date alone is midnight.
  public static func parse(
    _ input: String, now: Date = Date(), what: String = "time", zone: TimeZone? = nil
  ) throws -> FieldTime {
    let text = input.trimmingCharacters(in: .whitespaces)
    let zone = try zone ?? fieldworkZone()
    switch text.lowercased() {
    case "now":
      return FieldTime(date: now, zone: zone)
    case "today", "yesterday":
      let today = FieldTime(date: now, zone: zone)
      let (date, _) = civil(today.epochSeconds + Int64(today.offsetSeconds))
      var days = try daysFromDate(date, input: input, what: what)
      if text.lowercased() == "yesterday" { days -= 1 }
      return try local(days: days, seconds: 0, zone: zone)
    default:
      break
    }
    let invalid = FieldLogError.invalidInput(
      "the \(what) '\(input)' is not a date or time",
      hint: "use 2024-03-12, '2024-03-12 14:30', 2024-03-12T14:30:00+01:00, today or yesterday")
    let scalars = Array(text.utf8)
    guard scalars.count >= 10 else { throw invalid }
    let days = try daysFromDate(
      String(decoding: scalars[0..<10], as: UTF8.self), input: input, what: what)
    if scalars.count == 10 { return try local(days: days, seconds: 0, zone: zone) }
    guard
      scalars[10] == UInt8(ascii: "T") || scalars[10] == UInt8(ascii: " ")
        || scalars[10] == UInt8(ascii: "t")
    else { throw invalid }
    var rest = Array(scalars[11...])
    // hh:mm[:ss]
    func number(_ slice: ArraySlice<UInt8>) -> Int? {
      guard !slice.isEmpty, slice.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
      return Int(String(decoding: slice, as: UTF8.self))
    }
    guard rest.count >= 5, rest[2] == UInt8(ascii: ":"), let hour = number(rest[0..<2]),
      let minute = number(rest[3..<5])
    else { throw invalid }
    var second = 0
    rest.removeFirst(5)
    if rest.first == UInt8(ascii: ":") {
      guard rest.count >= 3, let value = number(rest[1..<3]) else { throw invalid }
      second = value
      rest.removeFirst(3)
    }
    if rest.first == UInt8(ascii: ".") {
      throw FieldLogError.invalidInput(
        "the \(what) '\(input)' has fractions of a second; give whole seconds")
    }
    guard hour < 24, minute < 60, second < 60 else {
      throw FieldLogError.invalidInput("the \(what) '\(input)' has an impossible time of day")
    }
    let seconds = hour * 3600 + minute * 60 + second
    if rest.isEmpty { return try local(days: days, seconds: seconds, zone: zone) }
    let offset: Int
    if rest == [UInt8(ascii: "Z")] || rest == [UInt8(ascii: "z")] {
      offset = 0
    } else {
      guard rest.count == 6, rest[0] == UInt8(ascii: "+") || rest[0] == UInt8(ascii: "-"),
        rest[3] == UInt8(ascii: ":"), let hours = number(rest[1..<3]),
        let minutes = number(rest[4..<6]),
        hours < 24, minutes < 60
      else { throw invalid }
      offset = (rest[0] == UInt8(ascii: "-") ? -1 : 1) * (hours * 3600 + minutes * 60)
    }
    let localEpoch = Int64(days) * 86_400 + Int64(seconds)
    return FieldTime(epochSeconds: localEpoch - Int64(offset), offsetSeconds: offset)
  }

  /// Whether `input` names a whole day (`2024-03-12`, `today`, `yesterday`) rather than an instant.
  public static func isWholeDay(_ input: String) -> Bool {
    let text = input.trimmingCharacters(in: .whitespaces).lowercased()
    return text == "today" || text == "yesterday" || (text.count == 10 && !text.contains(":"))
  }

  /// The current time in `zone` (by default the fieldwork time zone), to the second.
  public static func now(_ date: Date = Date(), zone: TimeZone? = nil) throws -> FieldTime {
    FieldTime(date: date, zone: try zone ?? fieldworkZone())
  }

  /// A UTC timestamp with milliseconds, `2024-03-12T13:30:00.123Z`, as events record it.
  public static func recordedAt(_ date: Date = Date()) -> String {
    let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
    let (day, clockSeconds) = civil(seconds)
    let fraction = Int(millis - seconds * 1000)
    return day + "T" + clock(clockSeconds) + "." + String(format: "%03d", fraction) + "Z"
  }

  // MARK: Calendar arithmetic

  init(date: Date, zone: TimeZone) {
    let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
    self.init(epochSeconds: seconds, offsetSeconds: zone.secondsFromGMT(for: date))
  }

  static func fieldworkZone() throws -> TimeZone {
    guard let zone = TimeZone(identifier: fieldworkTimeZoneID) else {
      throw FieldLogError.io(
        "the time zone \(fieldworkTimeZoneID) is not available on this system",
        hint: "install the tzdata package")
    }
    return zone
  }

  /// A wall-clock time in `zone` as an instant, taking daylight saving time into account.
  static func local(days: Int, seconds: Int, zone: TimeZone) throws -> FieldTime {
    let wall = Int64(days) * 86_400 + Int64(seconds)
    var offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(wall)))
    offset = zone.secondsFromGMT(
      for: Date(timeIntervalSince1970: TimeInterval(wall - Int64(offset))))
    let time = FieldTime(epochSeconds: wall - Int64(offset), offsetSeconds: offset)
    // A wall time the clocks skip (02:30 on the last Sunday of March) maps to an instant whose own
    // offset differs: refuse it rather than guess.
    let actual = zone.secondsFromGMT(
      for: Date(timeIntervalSince1970: TimeInterval(time.epochSeconds)))
    guard actual == offset else {
      let (date, _) = civil(wall)
      throw FieldLogError.invalidInput(
        "the time \(date) \(clock(seconds).prefix(5)) does not exist in \(zone.identifier): "
          + "the clocks were moved forward",
        hint: "give the time with its offset, e.g. \(date)T\(clock(seconds))+01:00")
    }
    return time
  }

  /// Days since 1970-01-01 of a `YYYY-MM-DD` date, refusing dates that do not exist.
  static func daysFromDate(_ text: String, input: String, what: String) throws -> Int {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
      let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
    else {
      throw FieldLogError.invalidInput(
        "the \(what) '\(input)' is not a date or time",
        hint: "use 2024-03-12, '2024-03-12 14:30', 2024-03-12T14:30:00+01:00, today or yesterday")
    }
    guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else {
      throw FieldLogError.invalidInput("the \(what) '\(input)' is not a real date")
    }
    // No fieldwork is that old: such a year is a typing error, and the time zone data gives it a
    // local mean time offset (0000-01-01 was stored at +00:17) that helps nobody.
    guard year >= 1900 else {
      throw FieldLogError.invalidInput(
        "the \(what) '\(input)' is before 1900", hint: "give a year from 1900 on, e.g. 2024-03-12")
    }
    return daysFromCivil(year: year, month: month, day: day)
  }

  public static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Howard Hinnant's days_from_civil.
  static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  /// The civil date of a count of seconds since 1970 (in whatever zone they were shifted to), and the
  /// seconds into that day.
  static func civil(_ seconds: Int64) -> (String, Int) {
    var days = Int(seconds / 86_400)
    var rest = Int(seconds % 86_400)
    if rest < 0 {
      rest += 86_400
      days -= 1
    }
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    let yearText = String(format: "%04d", year)
    return (yearText + "-" + pad(month) + "-" + pad(day), rest)
  }

  static func clock(_ seconds: Int) -> String {
    pad(seconds / 3600) + ":" + pad(seconds / 60 % 60) + ":" + pad(seconds % 60)
  }

  static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}

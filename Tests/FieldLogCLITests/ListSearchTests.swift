import Foundation
import Testing

/// Four entries with known dates, recorded out of order: E4 is the newest fieldwork, E1 the oldest.
/// The journal is built once per test run and copied into each test's own folder.
enum ListFixture {
  struct BuildError: Error, Sendable, CustomStringConvertible {
    var description: String
  }

  /// The template journal, built on first use and removed when the test process exits.
  static let template: Result<URL, BuildError> = {
    do {
      let builder = try Sandbox()
      try build(in: builder)
      let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("fieldlog-cli-tests-list-fixture-\(UUID().uuidString).sqlite")
      try FileManager.default.copyItem(at: builder.journal, to: url)
      templatePath = url.path
      atexit {
        if let path = ListFixture.templatePath { try? FileManager.default.removeItem(atPath: path) }
      }
      return .success(url)
    } catch {
      return .failure(BuildError(description: "building the list fixture failed: \(error)"))
    }
  }()
  nonisolated(unsafe) private static var templatePath: String?

  /// A fresh sandbox whose journal is a copy of the fixture.
  static func make() throws -> Sandbox {
    let sandbox = try Sandbox()
    let template = try template.get()
    try FileManager.default.copyItem(at: template, to: sandbox.journal)
    return sandbox
  }

  static func build(in sandbox: Sandbox) throws {
    try sandbox.initJournal()
    // E2: interview, Jan van Maijenbuurt, late on 12 March
    try sandbox.add(
      "interview",
      [
        "--title", "E2", "--text", "Gesprek bij het voedselpunt over vrijwilligers.",
        "--neighbourhood", "Jan van Maijenbuurt", "--initiative", "Voedselpunt De Gedeelde Tafel",
        "--question", "RQ2", "--tag", "voedsel", "--at", "2024-03-12 23:30",
      ])
    // E4: nabije-kennis, Jan van Maijenbuurt, 1 April (summer time)
    try sandbox.add(
      "nabije-kennis",
      [
        "--title", "E4", "--text", "De imam vertelt over de vrouwengroep.", "--neighbourhood",
        "Jan van Maijenbuurt", "--question", "RQ4", "--at", "2024-04-01 09:00",
      ])
    // E1: observation, Holendrecht, 10 March
    try sandbox.add(
      "observation",
      [
        "--title", "E1", "--text", "Één café in Holendrecht 👍🏾 met de buurt-moeders.",
        "--neighbourhood", "Holendrecht", "--initiative", "Buurtkamer De Brug", "--question", "RQ1",
        "--tag", "koffie", "--at", "2024-03-10 10:00",
      ])
    // E3: network conversation, Holendrecht, just after midnight on 13 March
    try sandbox.add(
      "network-conversation",
      [
        "--title", "E3", "--text", "Netwerkberaad met de moedergroep en de wijkcoach.",
        "--neighbourhood", "Holendrecht", "--initiative", "Moedernetwerk Holendrecht", "--question",
        "RQ1", "--question", "RQ3", "--tag", "Koffie", "--tag", "netwerk", "--at",
        "2024-03-13 00:15",
      ])
  }

  static func titles(_ entries: [JSON]) -> [String] {
    entries.map { $0["title"]?.string ?? "?" }
  }
}

struct FilterCase: Sendable, CustomTestStringConvertible {
  var filters: [String]
  var expected: [String]
  var testDescription: String { filters.joined(separator: " ") }

  static let all: [FilterCase] = [
    FilterCase(filters: [], expected: ["E4", "E3", "E2", "E1"]),
    FilterCase(filters: ["--kind", "interview"], expected: ["E2"]),
    FilterCase(filters: ["--kind", "proximate-knowledge"], expected: ["E4"]),
    FilterCase(filters: ["--kind", "network-conversation"], expected: ["E3"]),
    FilterCase(filters: ["--neighbourhood", "jan van maijenbuurt"], expected: ["E4", "E2"]),
    FilterCase(filters: ["--neighbourhood", "Holendrecht"], expected: ["E3", "E1"]),
    FilterCase(filters: ["--initiative", "buurtkamer de brug"], expected: ["E1"]),
    FilterCase(
      filters: ["--neighbourhood", "Holendrecht", "--initiative", "Moedernetwerk Holendrecht"],
      expected: ["E3"]),
    FilterCase(filters: ["--question", "RQ1"], expected: ["E3", "E1"]),
    FilterCase(filters: ["--question", "rq3"], expected: ["E3"]),
    FilterCase(filters: ["--question", "RQ4"], expected: ["E4"]),
    FilterCase(filters: ["--author", Sandbox.author], expected: ["E4", "E3", "E2", "E1"]),
    FilterCase(filters: ["--author", "aYşE tEST"], expected: ["E4", "E3", "E2", "E1"]),
    FilterCase(filters: ["--tag", "koffie"], expected: ["E3", "E1"]),
    FilterCase(filters: ["--tag", "KÓFFIE"], expected: ["E3", "E1"]),
    FilterCase(filters: ["--tag", "voedsel"], expected: ["E2"]),
    FilterCase(filters: ["--since", "2024-03-12"], expected: ["E4", "E3", "E2"]),
    FilterCase(filters: ["--since", "2024-03-13"], expected: ["E4", "E3"]),
    FilterCase(filters: ["--since", "2024-03-12 23:30"], expected: ["E4", "E3", "E2"]),
    FilterCase(filters: ["--since", "2024-03-12 23:31"], expected: ["E4", "E3"]),
    FilterCase(filters: ["--until", "2024-03-12"], expected: ["E2", "E1"]),
    FilterCase(filters: ["--until", "2024-03-12 23:29"], expected: ["E1"]),
    FilterCase(filters: ["--until", "2024-03-12T22:30:00Z"], expected: ["E2", "E1"]),
    FilterCase(filters: ["--since", "2024-03-13", "--until", "2024-03-31"], expected: ["E3"]),
    FilterCase(filters: ["--since", "2024-04-02"], expected: []),
    FilterCase(
      filters: ["--neighbourhood", "Holendrecht", "--question", "RQ1", "--since", "2024-03-11"],
      expected: ["E3"]),
  ]
}

@Suite("list and search")
struct ListSearchTests {
  @Test("each list filter narrows the result; newest fieldwork first", arguments: FilterCase.all)
  func listFilter(_ filter: FilterCase) throws {
    let sandbox = try ListFixture.make()
    #expect(ListFixture.titles(try sandbox.list(filter.filters)) == filter.expected)
  }

  @Test("list is ordered by when the fieldwork happened, not by when it was recorded")
  func newestFirst() throws {
    let sandbox = try ListFixture.make()
    let entries = try sandbox.list()
    #expect(ListFixture.titles(entries) == ["E4", "E3", "E2", "E1"])
    let recorded = entries.compactMap { $0["recorded_at"]?.string }
    #expect(recorded != recorded.sorted(by: >), "the fixture should record out of order")
    // The table shows the same order, newest first.
    let table = try sandbox.fieldlog(["list"])
    try #require(table.status == 0, "\(table)")
    let rows = table.stdout.split(separator: "\n").dropFirst().map(String.init)
    let order = rows.compactMap { row in ["E1", "E2", "E3", "E4"].first { row.hasSuffix($0) } }
    #expect(order == ["E4", "E3", "E2", "E1"], "\(table.stdout)")
  }

  /// Today's date in the fieldwork time zone, `days` days from now.
  static func amsterdamDate(daysFromToday days: Int) throws -> String {
    let zone = try #require(TimeZone(identifier: "Europe/Amsterdam"))
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    let date = try #require(calendar.date(byAdding: .day, value: days, to: Date()))
    let parts = calendar.dateComponents([.year, .month, .day], from: date)
    return String(
      format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
  }

  @Test("--until today and --until yesterday include that whole day, like --until with a date")
  func untilTodayAndYesterday() throws {
    // Given an entry from now and one from yesterday at noon
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    try sandbox.addObservation("nu", extra: ["--title", "nu"])
    let yesterday = try Self.amsterdamDate(daysFromToday: -1)
    try sandbox.addObservation(
      "gisteren", extra: ["--title", "gisteren", "--at", yesterday + " 12:00"])
    let today = try Self.amsterdamDate(daysFromToday: 0)
    // The date forms include the whole day
    #expect(ListFixture.titles(try sandbox.list(["--until", today])) == ["nu", "gisteren"])
    #expect(ListFixture.titles(try sandbox.list(["--until", yesterday])) == ["gisteren"])
    // So must the words for them
    #expect(ListFixture.titles(try sandbox.list(["--until", "today"])) == ["nu", "gisteren"])
    #expect(ListFixture.titles(try sandbox.list(["--until", "yesterday"])) == ["gisteren"])
    // --since with the words means from the start of the day
    #expect(ListFixture.titles(try sandbox.list(["--since", "today"])) == ["nu"])
    #expect(ListFixture.titles(try sandbox.list(["--since", "yesterday"])) == ["nu", "gisteren"])
  }

  @Test("list on a journal without entries prints [] (json) or says so on stderr, exit 0")
  func emptyList() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let json = try sandbox.fieldlog(["list", "--json"])
    #expect(json.status == 0)
    #expect(json.output == "[]")
    let plain = try sandbox.fieldlog(["list"])
    #expect(plain.status == 0)
    #expect(plain.stdout.isEmpty)
    #expect(plain.stderr.contains("no entries"))
  }

  @Test("filters naming unknown values are refused with 65 and name the value")
  func unknownFilterValues() throws {
    let sandbox = try ListFixture.make()
    for (filters, value) in [
      (["--kind", "gesprek"], "'gesprek'"), (["--neighbourhood", "Bijlmer"], "'Bijlmer'"),
      (["--initiative", "Nergens"], "'Nergens'"), (["--question", "RQ7"], "'RQ7'"),
      (["--tag", "thee"], "'thee'"), (["--since", "2024-02-30"], "'2024-02-30'"),
      (["--until", "morgen"], "'morgen'"), (["--author", "Iemand Anders"], "'Iemand Anders'"),
    ] {
      let result = try sandbox.fieldlog(["list", "--json"] + filters)
      #expect(result.status == 65, "\(filters): \(result)")
      #expect(result.stderr.hasPrefix("error: "), "\(result)")
      #expect(result.stderr.contains(value), "\(result)")
    }
  }

  @Test("search ignores diacritics and case, and returns a snippet in --json")
  func searchDiacriticsInsensitive() throws {
    let sandbox = try ListFixture.make()
    for query in ["cafe", "CAFÉ", "Cafe\u{301}"] {
      let result = try sandbox.fieldlog(["search", query, "--json"])
      try #require(result.status == 0, "\(result)")
      let found = try #require(try JSON.parse(result.stdoutData).array)
      #expect(ListFixture.titles(found) == ["E1"], "search \(query)")
      let snippet = try #require(found.first?["snippet"]?.string, "no snippet for \(query)")
      #expect(snippet.lowercased().contains("café"), "snippet: \(snippet)")
    }
    let een = try sandbox.fieldlog(["search", "een", "--json"])
    #expect(ListFixture.titles(try #require(try JSON.parse(een.stdoutData).array)) == ["E1"])
    // list --json never carries a snippet
    #expect(try sandbox.list().allSatisfy { $0["snippet"] == nil })
  }

  @Test("the plain search table shows titles with emoji whole, without broken characters")
  func searchTableKeepsEmojiTitles() throws {
    // Given titles with an emoji (one character, four UTF-16 units) and a shorter one
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let titles = ["Één café in Holendrecht 👍🏾", "Koffie 👍🏾 en thee in de buurt", "Koffie"]
    for title in titles {
      try sandbox.addObservation("Koffie en \(title)", extra: ["--title", title])
    }
    // When the plain table is printed (TITLE is not its last column)
    let result = try sandbox.fieldlog(["search", "koffie"])
    try #require(result.status == 0, "\(result)")
    // Then every title is printed whole, and no byte sequence is broken
    #expect(
      String(validating: result.stdoutData, as: UTF8.self) != nil, "stdout is not valid UTF-8")
    #expect(!result.stdout.contains("\u{FFFD}"), "\(result.stdout)")
    for title in titles {
      #expect(
        result.stdout.split(separator: "\n").contains { $0.contains(title + " ") },
        "title \(title) is not shown whole:\n\(result.stdout)")
    }
  }

  @Test("search combines with the list filters")
  func searchWithFilters() throws {
    let sandbox = try ListFixture.make()
    let all = try sandbox.fieldlog(["search", "de", "--json"])
    #expect(
      Set(ListFixture.titles(try #require(try JSON.parse(all.stdoutData).array))) == [
        "E1", "E3", "E4",
      ])
    let holendrecht = try sandbox.fieldlog([
      "search", "de", "--neighbourhood", "Holendrecht", "--json",
    ])
    #expect(
      Set(ListFixture.titles(try #require(try JSON.parse(holendrecht.stdoutData).array))) == [
        "E1", "E3",
      ])
    let none = try sandbox.fieldlog(["search", "de", "--kind", "interview", "--json"])
    #expect(none.output == "[]", "\(none)")
  }

  @Test("search finds a hyphenated word and a prefix")
  func searchHyphenAndPrefix() throws {
    let sandbox = try ListFixture.make()
    for query in ["buurt-moeders", "buurt moeders", "netwerk*", "\"de moedergroep\""] {
      let result = try sandbox.fieldlog(["search", query, "--json"])
      try #require(result.status == 0, "search \(query): \(result)")
      #expect(
        try JSON.parse(result.stdoutData).array?.isEmpty == false, "search \(query) found nothing")
    }
  }

  @Test(
    "search with stray punctuation does not crash: exit 0, or a clean 65",
    arguments: [
      "café\"", "\"", "\"\"", "'", "O'Brien", "buurt-", "-", "a AND", "OR OR", "(", ")", "*", "**",
      "title:cafe", "NEAR(a b)", "^cafe", "cafe AND AND x", "\"onafgesloten", "a\"b\"c", "%", "\\",
      "NOT cafe", "{title}: x", "+", ":",
    ])
  func searchOddQueries(query: String) throws {
    let sandbox = try ListFixture.make()
    let result = try sandbox.cli.run([
      "search", "--json", "--journal", sandbox.journal.path, "--", query,
    ])
    #expect(result.status == 0 || result.status == 65, "search \(query): \(result)")
    if result.status == 0 {
      #expect(try JSON.parse(result.stdoutData).array != nil, "\(result)")
    } else {
      #expect(result.stderr.hasPrefix("error: "), "\(result)")
      #expect(result.stdout.isEmpty)
    }
    #expect(!result.stderr.contains("Fatal error"), "\(result)")
  }
}

import Foundation
import Testing

@testable import FieldLogCore

/// The numbers of `report` and `agreement`, counted by hand, on an in-memory journal (issue 14:
/// moved from the CLI suite, which keeps one end-to-end test per command).
@Suite struct CodingReportTests {
  static let zorg = #"zorg, "informeel""#
  static let bm = "informele steun > buurtmoeders"
  static let gg = "informele steun > geloofsgemeenschap"
  static let sw = "samenwerking wijkteam"
  static let holendrecht = "Holendrecht"
  static let jvm = "Jan van Maijenbuurt"

  /// A new in-memory journal of the Amsterdam example, its key in `folder`.
  static func journal(in folder: TemporaryFolder) throws -> Journal {
    try Journal.inMemory(
      study: try Fixture.amsterdam, keys: SigningKeys(folder: folder.path("keys")))
  }

  /// Records an observation; returns its id.
  static func entry(
    _ journal: Journal, _ body: String, neighbourhood: String = "Holendrecht",
    questions: [String] = ["RQ1"], at: String? = nil
  ) throws -> String {
    try journal.record(
      EntryDraft(
        kind: .observation, body: body, neighbourhood: neighbourhood, questions: questions,
        occurredAt: at)
    ).id
  }

  /// Five entries coded by one coder, the fifth retracted.
  static func reportFixture(in folder: TemporaryFolder) throws -> Journal {
    let journal = try journal(in: folder)
    _ = try journal.defineCode(zorg)
    let e1 = try entry(
      journal, "De buurtmoeder belde het wijkteam over de huur.", at: "2024-03-05 10:00")
    let e2 = try entry(
      journal, "In de kerk werd eten gedeeld en de buurtmoeder hielp.", questions: ["RQ1", "RQ2"],
      at: "2024-03-20 10:00")
    let e3 = try entry(
      journal, "Het wijkteam kwam langs bij de voedselbank.", neighbourhood: jvm,
      questions: ["RQ3"], at: "2024-04-10 10:00")
    _ = try entry(journal, "Rustige middag in de Buurtkamer.", at: "2024-04-15 10:00")
    let e5 = try entry(journal, "Dubbel ingevoerd verslag.", at: "2024-05-01 10:00")

    let ranges: [(String, String, String?, Int, Int)] = [
      (e1, "buurtmoeders", "De buurtmoeder", 0, 14),
      (e1, "buurtmoeders", "over de huur", 34, 46),
      (e1, "samenwerking wijkteam", "buurtmoeder belde het wijkteam", 3, 33),
      (e1, zorg, nil, -1, -1),
      (e2, "geloofsgemeenschap", "In de kerk werd eten gedeeld", 0, 28),
      (e2, "buurtmoeders", "de buurtmoeder hielp", 32, 52),
      (e2, zorg, nil, -1, -1),
      (e3, "samenwerking wijkteam", "Het wijkteam", 0, 12),
      (e3, zorg, "wijkteam kwam", 4, 17),
      (e5, "buurtmoeders", nil, -1, -1),
      (e5, "geloofsgemeenschap", nil, -1, -1),
    ]
    for (entry, code, quote, start, end) in ranges {
      let coding = try journal.applyCode(
        code, to: entry, target: quote.map { .quote($0, occurrence: nil) } ?? .wholeEntry)
      if quote != nil {
        // The hand-counted ranges above are the ones fieldlog found
        #expect(coding.start == start, "\(code) on \(entry): \(coding)")
        #expect(coding.end == end, "\(code) on \(entry): \(coding)")
      }
    }
    try journal.retract(e5, reason: "dubbel ingevoerd")
    return journal
  }

  /// A table's rows as text, as the CSV and JSON of `report` write them.
  static func cells(_ table: ReportTable) -> [[String]] {
    table.rows.map { $0.map(\.text) }
  }

  @Test("report codes by neighbourhood and by question: entries and segments, any coder")
  func reportCodes() throws {
    let folder = try TemporaryFolder()
    let journal = try Self.reportFixture(in: folder)
    // One coder coded everything: segments are the codings, counted once each
    let counts = ["entries_any_coder", "segments_any_coder"]
    let byPlace = try journal.codeFrequencies(by: .neighbourhood)
    #expect(byPlace.columns == ["code", "neighbourhood"] + counts)
    #expect(
      Self.cells(byPlace) == [
        [Self.bm, Self.holendrecht, "2", "3"],
        [Self.gg, Self.holendrecht, "1", "1"],
        [Self.sw, Self.holendrecht, "1", "1"],
        [Self.sw, Self.jvm, "1", "1"],
        [Self.zorg, Self.holendrecht, "2", "2"],
        [Self.zorg, Self.jvm, "1", "1"],
      ])
    // The comma and the double quotes are quoted as RFC 4180 says
    let csv = String(decoding: byPlace.csv(), as: UTF8.self)
    #expect(csv.contains(#"\#r\#n"zorg, ""informeel""",Holendrecht,2,2\#r\#n"#), "\(csv)")

    let byQuestion = try journal.codeFrequencies(by: .question)
    #expect(byQuestion.columns == ["code", "question"] + counts)
    #expect(
      Self.cells(byQuestion) == [
        [Self.bm, "RQ1", "2", "3"],
        [Self.bm, "RQ2", "1", "1"],
        [Self.gg, "RQ1", "1", "1"],
        [Self.gg, "RQ2", "1", "1"],
        [Self.sw, "RQ1", "1", "1"],
        [Self.sw, "RQ3", "1", "1"],
        [Self.zorg, "RQ1", "2", "2"],
        [Self.zorg, "RQ2", "1", "1"],
        [Self.zorg, "RQ3", "1", "1"],
      ])
  }

  @Test("cooccurrence by entry and by overlapping segment")
  func reportCooccurrence() throws {
    let folder = try TemporaryFolder()
    let journal = try Self.reportFixture(in: folder)
    let byEntry = try journal.cooccurrence(unit: .entry)
    #expect(byEntry.columns == ["code_a", "code_b", "entries"])
    #expect(
      Self.cells(byEntry) == [
        [Self.bm, Self.gg, "1"],
        [Self.bm, Self.sw, "1"],
        [Self.bm, Self.zorg, "2"],
        [Self.gg, Self.zorg, "1"],
        [Self.sw, Self.zorg, "2"],
      ])
    let bySegment = try journal.cooccurrence(unit: .segment)
    #expect(bySegment.columns == ["code_a", "code_b", "segments"])
    #expect(
      Self.cells(bySegment) == [
        [Self.bm, Self.sw, "1"],
        [Self.bm, Self.zorg, "3"],
        [Self.gg, Self.zorg, "1"],
        [Self.sw, Self.zorg, "2"],
      ])
  }

  @Test("timeline per month, and per month and neighbourhood")
  func reportTimeline() throws {
    let folder = try TemporaryFolder()
    let journal = try Self.reportFixture(in: folder)
    let byPlace = try journal.timeline(byNeighbourhood: true)
    #expect(byPlace.columns == ["month", "neighbourhood", "entries"])
    #expect(
      Self.cells(byPlace) == [
        ["2024-03", Self.holendrecht, "2"],
        ["2024-04", Self.holendrecht, "1"],
        ["2024-04", Self.jvm, "1"],
      ])
    let perMonth = try journal.timeline(byNeighbourhood: false)
    #expect(perMonth.columns == ["month", "entries"])
    #expect(Self.cells(perMonth) == [["2024-03", "2"], ["2024-04", "2"]])
  }

  // MARK: Agreement

  /// Two coders on four entries, whole-entry codings (1 = the code applied, 0 = not):
  ///
  /// | unit   | Sanne | Ahmed | Joris |
  /// |--------|-------|-------|-------|
  /// | bm A1  | 1     | 1     | 1     |
  /// | bm A2  | 1     | 0     | 1     |
  /// | bm A3  | 0     | 0     | 0     |
  /// | bm A4  | 1     | 0     | 0     |
  /// | gg A1  | 0     | 0     | 0     |
  /// | gg A2  | 0     | 1     | 0     |
  /// | gg A3  | 1     | 1     | 1     |
  /// | gg A4  | 0     | 0     | 0     |
  ///
  /// Sanne and Ahmed: agree on 5 of 8 units, 0.625. Kappa: p_o = 5/8, Sanne gave 1 four times,
  /// Ahmed three times, p_e = 4/8·3/8 + 4/8·5/8 = 0.5, κ = 0.125/0.5 = 0.25. Alpha: o_11 = 4,
  /// o_00 = 6, o_01 = o_10 = 3, n_1 = 7, n_0 = 9, n = 16, α = 1 − 15·6/(2·63) = 0.2857.
  /// Per code: bm 2/4 = 0.5, κ = (0.5 − 0.375)/0.625 = 0.2, α = 1 − 7·4/32 = 0.125;
  /// gg 3/4 = 0.75, κ = (0.75 − 0.5)/0.5 = 0.5, α = 1 − 7·2/30 = 0.5333.
  /// All three: agree on 5 of 8; α = 1 − 23·6/(2·140) = 0.5071.
  static let agreementTable: [(entry: Int, code: String, values: [Int])] = [
    (0, "buurtmoeders", [1, 1, 1]), (1, "buurtmoeders", [1, 0, 1]),
    (2, "buurtmoeders", [0, 0, 0]), (3, "buurtmoeders", [1, 0, 0]),
    (0, "geloofsgemeenschap", [0, 0, 0]), (1, "geloofsgemeenschap", [0, 1, 0]),
    (2, "geloofsgemeenschap", [1, 1, 1]), (3, "geloofsgemeenschap", [0, 0, 0]),
  ]
  static let coders = ["Sanne", "Ahmed", "Joris"]

  static func agreementFixture(in folder: TemporaryFolder) throws -> Journal {
    let journal = try journal(in: folder)
    var entries: [String] = []
    for number in 1...4 {
      entries.append(try entry(journal, "Verslag A\(number) over de buurt."))
    }
    for coder in coders + ["Lotte", "Daan"] {
      _ = try journal.addCoder(coder)
    }
    for row in agreementTable {
      for (coder, value) in zip(coders, row.values) where value == 1 {
        _ = try journal.applyCode(
          row.code, to: entries[row.entry], target: .wholeEntry, coder: coder)
      }
    }
    // Character units, other coders: "Koffie met buren" is 16 characters; Lotte codes 0..<6,
    // Daan 0..<10: 6 characters (1,1), 4 (0,1), 6 (0,0).
    let short = try entry(journal, "Koffie met buren")
    _ = try journal.applyCode("buurtmoeders", to: short, target: .range(0, 6), coder: "Lotte")
    _ = try journal.applyCode(
      "buurtmoeders", to: short, target: .quote("Koffie met", occurrence: nil), coder: "Daan")
    return journal
  }

  /// The values of the agreement table for some coders (by index), optionally only for one code.
  static func units(_ coders: [Int], code: String? = nil) -> [[Int]] {
    agreementTable.filter { code == nil || $0.code == code }.map { row in
      coders.map { row.values[$0] }
    }
  }

  // The agreement formulas, written out independently of fieldlog

  /// Share of units on which every coder gave the same value.
  static func percentAgreement(_ units: [[Int]]) -> Double {
    Double(units.filter { Set($0).count == 1 }.count) / Double(units.count)
  }

  /// Cohen's kappa for two coders: (p_o − p_e) / (1 − p_e), with p_e = Σ_k p_1(k) · p_2(k).
  static func cohenKappa(_ units: [[Int]]) -> Double {
    let n = Double(units.count)
    let observed = Double(units.filter { $0[0] == $0[1] }.count) / n
    let categories = Set(units.flatMap { $0 })
    let expected = categories.reduce(0.0) { sum, k in
      sum + Double(units.filter { $0[0] == k }.count) / n
        * Double(units.filter { $0[1] == k }.count)
        / n
    }
    return (observed - expected) / (1 - expected)
  }

  /// Krippendorff's alpha, nominal, no missing values: with the coincidence matrix
  /// o_ck = Σ_u (ordered c-k pairs of values in u) / (m_u − 1), n_c = Σ_k o_ck, n = Σ_c n_c:
  /// α = 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c · n_k.
  static func krippendorffAlpha(_ units: [[Int]]) -> Double {
    var o: [Int: [Int: Double]] = [:]
    for unit in units {
      let m = Double(unit.count)
      for i in unit.indices {
        for j in unit.indices where i != j {
          o[unit[i], default: [:]][unit[j], default: 0] += 1 / (m - 1)
        }
      }
    }
    let categories = Array(o.keys)
    let nc = o.mapValues { $0.values.reduce(0, +) }
    let n = nc.values.reduce(0, +)
    var disagreement = 0.0
    var expected = 0.0
    for c in categories {
      for k in categories where k != c {
        disagreement += o[c]?[k] ?? 0
        expected += nc[c, default: 0] * nc[k, default: 0]
      }
    }
    return 1 - (n - 1) * disagreement / expected
  }

  /// Whether two numbers agree to 3 decimals.
  static func close(_ a: Double?, _ b: Double) -> Bool {
    guard let a else { return false }
    return abs(a - b) < 0.0005
  }

  /// A value is a finite number or undefined with a reason, never NaN or infinite.
  static func checkDefinedOrExplained(
    _ statistic: Agreement.Statistic, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    if let value = statistic.value {
      #expect(value.isFinite, "\(statistic)", sourceLocation: sourceLocation)
    } else {
      #expect(statistic.reason?.isEmpty == false, "\(statistic)", sourceLocation: sourceLocation)
    }
  }

  static func checkDefinedOrExplained(_ report: AgreementReport) {
    for statistic in [report.percentAgreement, report.cohenKappa, report.krippendorffAlpha]
      + report.perCode.flatMap({ [$0.percentAgreement, $0.cohenKappa, $0.krippendorffAlpha] })
    {
      checkDefinedOrExplained(statistic)
    }
  }

  @Test("agreement by entry: percent agreement, Cohen's kappa and Krippendorff's alpha")
  func agreementPerEntry() throws {
    let folder = try TemporaryFolder()
    let journal = try Self.agreementFixture(in: folder)
    let report = try journal.agreement(coders: ["Sanne", "Ahmed"], unit: .entry)
    Self.checkDefinedOrExplained(report)

    #expect(report.coders == ["Sanne", "Ahmed"])
    #expect(report.unit == .entry)
    #expect(report.entries == 4)
    #expect(report.units == 8)
    let units = Self.units([0, 1])
    #expect(Self.percentAgreement(units) == 0.625)
    #expect(report.percentAgreement.value == 0.625, "\(report)")
    let kappa = Self.cohenKappa(units)
    let alpha = Self.krippendorffAlpha(units)
    #expect(Self.close(kappa, 0.25) && Self.close(alpha, 0.2857))
    #expect(Self.close(report.cohenKappa.value, kappa), "\(report)")
    #expect(Self.close(report.krippendorffAlpha.value, alpha), "\(report)")
    #expect(report.cohenKappa.reason == nil)
    #expect(report.krippendorffAlpha.reason == nil)

    #expect(report.perCode.map(\.code) == [Self.bm, Self.gg], "\(report.perCode)")
    for (path, code, expected) in [
      (Self.bm, "buurtmoeders", (0.5, 0.2, 0.125)),
      (Self.gg, "geloofsgemeenschap", (0.75, 0.5, 0.5333)),
    ] {
      let row = try #require(report.perCode.first { $0.code == path })
      let values = Self.units([0, 1], code: code)
      #expect(Self.percentAgreement(values) == expected.0)
      #expect(Self.close(Self.cohenKappa(values), expected.1))
      #expect(Self.close(Self.krippendorffAlpha(values), expected.2))
      #expect(row.units == 4, "\(row)")
      #expect(row.percentAgreement.value == expected.0, "\(row)")
      #expect(Self.close(row.cohenKappa.value, expected.1), "\(row)")
      #expect(Self.close(row.krippendorffAlpha.value, expected.2), "\(row)")
    }

    // One code: only that code
    let one = try journal.agreement(
      coders: ["Sanne", "Ahmed"], code: "geloofsgemeenschap", unit: .entry)
    #expect(one.units == 4)
    #expect(one.percentAgreement.value == 0.75, "\(one)")
    #expect(Self.close(one.cohenKappa.value, 0.5), "\(one)")
    #expect(one.perCode.count == 1)

    // A code nobody applied: everyone agrees it is absent; kappa and alpha are undefined, with a
    // reason, never NaN
    let none = try journal.agreement(coders: ["Sanne", "Ahmed"], code: "samen leren", unit: .entry)
    Self.checkDefinedOrExplained(none)
    #expect(none.percentAgreement.value == 1, "\(none)")
    #expect(none.cohenKappa.value == nil, "\(none)")
    #expect(none.cohenKappa.reason?.isEmpty == false, "\(none)")
    #expect(none.krippendorffAlpha.value == nil, "\(none)")
    #expect(none.krippendorffAlpha.reason?.isEmpty == false, "\(none)")
  }

  @Test("agreement by character on a short body")
  func agreementPerCharacter() throws {
    let folder = try TemporaryFolder()
    let journal = try Self.agreementFixture(in: folder)
    let report = try journal.agreement(coders: ["Lotte", "Daan"], unit: .character)
    Self.checkDefinedOrExplained(report)
    // 6 × (1,1), 4 × (0,1), 6 × (0,0)
    let units =
      Array(repeating: [1, 1], count: 6) + Array(repeating: [0, 1], count: 4)
      + Array(repeating: [0, 0], count: 6)
    #expect(report.unit == .character)
    #expect(report.entries == 1)
    #expect(report.units == 16, "\(report)")
    #expect(report.percentAgreement.value == 0.75, "\(report)")
    // κ = (0.75 − 0.46875)/0.53125 = 0.5294; α = 1 − 31·8/512 = 0.5156
    #expect(Self.close(Self.cohenKappa(units), 0.5294))
    #expect(Self.close(Self.krippendorffAlpha(units), 0.5156))
    #expect(Self.close(report.cohenKappa.value, Self.cohenKappa(units)), "\(report)")
    #expect(Self.close(report.krippendorffAlpha.value, Self.krippendorffAlpha(units)), "\(report)")
    #expect(report.perCode.first?.code == Self.bm)
    #expect(report.perCode.first?.units == 16)
  }

  @Test("agreement of three coders: no kappa, with a reason, but an alpha")
  func agreementOfThreeCoders() throws {
    let folder = try TemporaryFolder()
    let journal = try Self.agreementFixture(in: folder)
    let three = try journal.agreement(coders: Self.coders, unit: .entry)
    Self.checkDefinedOrExplained(three)
    #expect(three.coders == Self.coders)
    #expect(three.cohenKappa.value == nil, "\(three)")
    #expect(three.cohenKappa.reason?.contains("two coders") == true, "\(three)")
    let units = Self.units([0, 1, 2])
    #expect(Self.close(Self.krippendorffAlpha(units), 0.5071))
    #expect(Self.close(three.krippendorffAlpha.value, Self.krippendorffAlpha(units)), "\(three)")
    #expect(three.krippendorffAlpha.reason == nil)
    #expect(three.percentAgreement.value == 0.625, "\(three)")
    for row in three.perCode {
      #expect(row.cohenKappa.value == nil, "\(row)")
      #expect(row.cohenKappa.reason != nil, "\(row)")
      #expect(row.krippendorffAlpha.value != nil, "\(row)")
    }
  }
}

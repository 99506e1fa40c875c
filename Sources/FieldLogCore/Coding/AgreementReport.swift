import Foundation
import GRDB

/// What agreement is computed over.
public enum AgreementUnit: String, CaseIterable, Sendable {
  /// A code present or absent per entry.
  case entry
  /// A code present or absent per character of the body, as QualCoder and NVivo do.
  case character
}

/// Agreement between coders, overall and per code.
public struct AgreementReport: Encodable, Equatable, Sendable {
  /// Agreement on one code.
  public struct PerCode: Encodable, Equatable, Sendable {
    public var code: String
    public var units: Int
    public var percentAgreement: Agreement.Statistic
    public var cohenKappa: Agreement.Statistic
    public var krippendorffAlpha: Agreement.Statistic

    public func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: AgreementReport.Key.self)
      try container.encode(code, forKey: .init("code"))
      try container.encode(units, forKey: .init("units"))
      try AgreementReport.encode(percentAgreement, "percent_agreement", into: &container)
      try AgreementReport.encode(cohenKappa, "cohen_kappa", into: &container)
      try AgreementReport.encode(krippendorffAlpha, "krippendorff_alpha", into: &container)
    }
  }

  public var coders: [String]
  public var unit: AgreementUnit
  /// The entries compared: those at least one of the coders coded.
  public var entries: Int
  /// Units over all codes: entries × codes, or characters × codes.
  public var units: Int
  public var percentAgreement: Agreement.Statistic
  public var cohenKappa: Agreement.Statistic
  public var krippendorffAlpha: Agreement.Statistic
  public var perCode: [PerCode]

  struct Key: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  /// A statistic as a number, or null with a `<name>_reason` beside it: never NaN.
  static func encode(
    _ statistic: Agreement.Statistic, _ name: String,
    into container: inout KeyedEncodingContainer<Key>
  ) throws {
    try container.encode(statistic.value, forKey: Key(name))
    if let reason = statistic.reason { try container.encode(reason, forKey: Key(name + "_reason")) }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: Key.self)
    try container.encode(coders, forKey: Key("coders"))
    try container.encode(unit.rawValue, forKey: Key("unit"))
    try container.encode(entries, forKey: Key("entries"))
    try container.encode(units, forKey: Key("units"))
    try Self.encode(percentAgreement, "percent_agreement", into: &container)
    try Self.encode(cohenKappa, "cohen_kappa", into: &container)
    try Self.encode(krippendorffAlpha, "krippendorff_alpha", into: &container)
    try container.encode(perCode, forKey: Key("per_code"))
  }
}

extension Journal {
  /// Agreement between coders on the entries any of them coded (retracted and redacted ones aside),
  /// per code and over all codes together; `entries`, when given, limits the units to those ids.
  public func agreement(
    coders: [String], code: String? = nil, unit: AgreementUnit, entries only: Set<String>? = nil,
    includeReflections: Bool = false
  ) throws -> AgreementReport {
    guard coders.count >= 2 else {
      throw FieldLogError.invalidInput("name at least two coders, e.g. --coders Sanne,Ahmed")
    }
    return try read { db in
      let coders = try coders.map { try Codings.coder($0, in: db) }
      guard Set(coders).count == coders.count else {
        throw FieldLogError.invalidInput(
          "the coders '\(coders.joined(separator: ","))' name the same coder twice; name different coders"
        )
      }
      let rows = try AgreementCodingRow.codings(
        by: coders, reflections: includeReflections, in: db
      ).filter { row in
        only.map { $0.contains(row.entryID) } ?? true
      }
      let nodes = try Codebook.nodes(db)
      let wanted = try code.map { try Codebook.resolve($0, in: db) }
      let codes = Set(rows.map(\.codeID)).union(wanted.map { [$0] } ?? [])
        .filter { wanted == nil || $0 == wanted }
        .sorted { Codebook.path($0, in: nodes) < Codebook.path($1, in: nodes) }
      // The units are the entries any of the coders coded; a code a coder did not apply there is
      // absent (0), as in QualCoder and NVivo. Coders are meant to code the same entries.
      var bodies: [String: Int] = [:]
      for row in rows { bodies[row.entryID] = row.body.unicodeScalars.count }
      let entries = bodies.keys.sorted()

      var overall: [[Int?]: Int] = [:]
      var perCode: [AgreementReport.PerCode] = []
      for code in codes {
        var patterns: [[Int?]: Int] = [:]
        for entry in entries {
          let mine = rows.filter { $0.entryID == entry && $0.codeID == code }
          switch unit {
          case .entry:
            let values: [Int?] = coders.map { coder in
              mine.contains { $0.coder == coder } ? 1 : 0
            }
            patterns[values, default: 0] += 1
          case .character:
            let length = bodies[entry] ?? 0
            let covered = coders.map { coder -> [Bool] in
              var marks = [Bool](repeating: false, count: length)
              for row in mine where row.coder == coder {
                let start = row.start ?? 0
                let end = min(row.end ?? length, length)
                if start < end { for index in start..<end { marks[index] = true } }
              }
              return marks
            }
            for index in 0..<length {
              patterns[covered.map { $0[index] ? 1 : 0 }, default: 0] += 1
            }
          }
        }
        for (values, count) in patterns { overall[values, default: 0] += count }
        let weighted = patterns.map { (values: $0.key, count: $0.value) }
        perCode.append(
          .init(
            code: Codebook.path(code, in: nodes), units: patterns.values.reduce(0, +),
            percentAgreement: Agreement.percentAgreement(weighted),
            cohenKappa: Agreement.cohenKappa(weighted),
            krippendorffAlpha: Agreement.krippendorffAlpha(weighted)))
      }
      let weighted = overall.map { (values: $0.key, count: $0.value) }
      return AgreementReport(
        coders: coders, unit: unit, entries: entries.count, units: overall.values.reduce(0, +),
        percentAgreement: Agreement.percentAgreement(weighted),
        cohenKappa: Agreement.cohenKappa(weighted),
        krippendorffAlpha: Agreement.krippendorffAlpha(weighted), perCode: perCode)
    }
  }
}

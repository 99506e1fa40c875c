/// Agreement between coders: percent agreement, Cohen's kappa and Krippendorff's alpha (nominal).
///
/// Reliability data are units × coders; a value is a category (here: a code present, 1, or absent,
/// 0), or nil when that coder gave the unit no value. Units with the same values can be given once
/// with a count, which is how character units stay cheap.
public enum Agreement {
  /// A statistic that may be undefined; then `value` is nil and `reason` says why, never NaN.
  public struct Statistic: Equatable, Sendable {
    public var value: Double?
    public var reason: String?

    public static func defined(_ value: Double) -> Statistic {
      Statistic(value: value, reason: nil)
    }
    public static func undefined(_ reason: String) -> Statistic {
      Statistic(value: nil, reason: reason)
    }
  }

  /// Units that share their values, with how many there are.
  public typealias Weighted = [(values: [Int?], count: Int)]

  static func weighted(_ units: [[Int?]]) -> Weighted { units.map { ($0, 1) } }

  public static func percentAgreement(_ units: [[Int?]]) -> Statistic {
    percentAgreement(weighted(units))
  }

  public static func cohenKappa(_ units: [[Int?]]) -> Statistic { cohenKappa(weighted(units)) }

  public static func krippendorffAlpha(_ units: [[Int?]]) -> Statistic {
    krippendorffAlpha(weighted(units))
  }

  /// The share of units (with a value from every coder) on which all coders agree.
  public static func percentAgreement(_ units: Weighted) -> Statistic {
    let complete = units.filter { !$0.values.isEmpty && !$0.values.contains(nil) }
    let total = complete.reduce(0) { $0 + $1.count }
    guard total > 0 else { return .undefined("no unit has a value from every coder") }
    let agreed = complete.filter { Set($0.values.compactMap { $0 }).count == 1 }
      .reduce(0) { $0 + $1.count }
    return .defined(Double(agreed) / Double(total))
  }

  /// Cohen's kappa for two coders over the units both gave a value.
  public static func cohenKappa(_ units: Weighted) -> Statistic {
    var pairs: [(Int, Int, Double)] = []
    for unit in units {
      guard unit.values.count == 2 else {
        return .undefined("Cohen's kappa is defined for two coders; see Krippendorff's alpha")
      }
      if let a = unit.values[0], let b = unit.values[1] { pairs.append((a, b, Double(unit.count))) }
    }
    let n = pairs.reduce(0) { $0 + $1.2 }
    guard n > 0 else { return .undefined("no unit has a value from both coders") }
    let observed = pairs.filter { $0.0 == $0.1 }.reduce(0) { $0 + $1.2 } / n
    var first: [Int: Double] = [:]
    var second: [Int: Double] = [:]
    for (a, b, count) in pairs {
      first[a, default: 0] += count
      second[b, default: 0] += count
    }
    let expected = Set(first.keys).union(second.keys).reduce(0.0) {
      $0 + (first[$1, default: 0] / n) * (second[$1, default: 0] / n)
    }
    guard expected < 1 else {
      return .undefined("both coders gave every unit the same value: no variation to agree on")
    }
    return .defined((observed - expected) / (1 - expected))
  }

  /// Krippendorff's alpha for nominal data, any number of coders, missing values allowed.
  ///
  /// Follows Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011): a coincidence matrix
  /// over pairable values (units with at least two values), α = 1 − D_o / D_e.
  public static func krippendorffAlpha(_ units: Weighted) -> Statistic {
    var coincidence: [Int: [Int: Double]] = [:]
    for unit in units {
      let values = unit.values.compactMap { $0 }
      let m = Double(values.count)
      guard m >= 2 else { continue }
      let weight = Double(unit.count) / (m - 1)
      for (i, c) in values.enumerated() {
        for (j, k) in values.enumerated() where i != j {
          coincidence[c, default: [:]][k, default: 0] += weight
        }
      }
    }
    let marginals = coincidence.mapValues { $0.values.reduce(0, +) }
    let n = marginals.values.reduce(0, +)
    guard n > 1 else { return .undefined("fewer than two pairable values") }
    let disagreeing = coincidence.reduce(0.0) { total, row in
      total + row.value.filter { $0.key != row.key }.values.reduce(0, +)
    }
    let expectedPairs = marginals.reduce(0.0) { total, c in
      total + marginals.filter { $0.key != c.key }.values.reduce(0) { $0 + c.value * $1 }
    }
    guard expectedPairs > 0 else {
      return .undefined("every value is the same: no variation to agree on")
    }
    return .defined(1 - (n - 1) * disagreeing / expectedPairs)
  }
}

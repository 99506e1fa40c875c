import Foundation
import Testing

@testable import FieldLogCore

/// YAML aliases (`*name`) are followed when a document is built, so aliases of aliases make a small
/// file huge ("a billion laughs"); study files, Markdown front matter and entry headers share the
/// one loader that counts what they expand to.
@Suite struct YAMLAliasTests {
  /// `study: S` and one question, then `levels` lists of ten aliases of the list before.
  static func laughs(levels: Int) -> String {
    var yaml = "study: S\nneighbourhoods:\n  - name: N\nquestions:\n  - id: Q1\n    text: t\n"
    yaml += "x0: &x0 [a, a, a, a, a, a, a, a, a, a]\n"
    for level in 1...levels {
      yaml +=
        "x\(level): &x\(level) ["
        + Array(repeating: "*x\(level - 1)", count: 10)
        .joined(separator: ", ") + "]\n"
    }
    return yaml
  }

  @Test func aliasesOfAliasesAreRefusedBeforeTheyAreBuilt() {
    // Nine levels: 10^10 values from some 700 bytes.
    let clock = ContinuousClock()
    let started = clock.now
    #expect {
      try YAMLText.load(Self.laughs(levels: 9))
    } throws: { error in
      "\(error)".contains("more than 100000 values once its aliases (*name) are followed")
    }
    #expect(clock.now - started < .seconds(5))
  }

  @Test func aStudyFileOfAliasesOfAliasesIsBadData() {
    #expect {
      try Study.parse(yaml: Self.laughs(levels: 9), source: "laughs.yaml")
    } throws: { error in
      guard let error = error as? FieldLogError else { return false }
      return error.exitCode == 65
        && error.message.hasPrefix("the study file 'laughs.yaml' is not valid YAML: it holds more")
    }
  }

  @Test func aFewAliasesStillLoad() throws {
    // Two levels: 111 values, well under the limit.
    let loaded = try #require(try YAMLText.load(Self.laughs(levels: 2)) as? [String: Any])
    let second = try #require(loaded["x2"] as? [Any])
    #expect(second.count == 10)
    #expect((second.first as? [Any])?.count == 10)
    let description = "study: S\nd: &d Gedeeld\nneighbourhoods:\n  - name: N\n    description: *d\n"
    #expect((try YAMLText.load(description) as? [String: Any])?["d"] as? String == "Gedeeld")
  }
}

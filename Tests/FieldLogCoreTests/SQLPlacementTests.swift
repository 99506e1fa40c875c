import Foundation
import Testing

/// Issue 14: SQL lives in Sources/FieldLogCore/Journal/ only, so that every query of the journal
/// is in one room, beside the record types it fills. The team hub's PostgreSQL has its own one room,
/// Sources/FieldLogHub/HubStore.swift (issue 17).
@Suite struct SQLPlacementTests {
  @Test("no Swift file outside Sources/FieldLogCore/Journal/ holds an `sql:` string")
  func sqlOnlyInJournal() throws {
    let sources = Fixture.root.appendingPathComponent("Sources")
    let journal = sources.appendingPathComponent("FieldLogCore/Journal").path + "/"
    let hubStore = sources.appendingPathComponent("FieldLogHub/HubStore.swift").path
    guard let walker = FileManager.default.enumerator(atPath: sources.path) else {
      Issue.record("cannot read \(sources.path)")
      return
    }
    var swiftFiles = 0
    var offenders: [String] = []
    for case let relative as String in walker where relative.hasSuffix(".swift") {
      swiftFiles += 1
      let path = sources.appendingPathComponent(relative).path
      guard !path.hasPrefix(journal), path != hubStore else { continue }
      let text = try String(contentsOfFile: path, encoding: .utf8)
      if text.contains("sql:") { offenders.append(relative) }
    }
    // The walk found the sources: a test that read nothing could not fail.
    #expect(swiftFiles > 100, "only \(swiftFiles) Swift files under \(sources.path)")
    #expect(offenders.isEmpty, "SQL outside Journal/: \(offenders.sorted())")
  }
}

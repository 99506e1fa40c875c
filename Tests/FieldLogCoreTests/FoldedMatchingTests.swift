import Foundation
import Testing

@testable import FieldLogCore

/// Issue 12.5: search and vocabulary match in one folded form. Moved from the CLI suite (issue
/// 14), on an in-memory journal; the CLI keeps the old journal's search and `--quote`'s messages.
@Suite struct FoldedMatchingTests {
  @Test(
    "search folds Turkish letters, ß and diacritics both ways",
    arguments: [
      "yilmaz", "YILMAZ", "Yılmaz", "yılmaz", "strasse", "çay", "cay", "kadinlar", "gul",
    ])
  func searchFolds(query: String) throws {
    let folder = try TemporaryFolder()
    let journal = try Journal.inMemory(
      study: try Fixture.amsterdam, keys: SigningKeys(folder: folder.path("keys")))
    for body in [
      "Mevrouw Yılmaz schenkt çay bij de Kadınlar Kahvesi in de Straße. Gül lacht.",
      "Een ander verslag zonder die woorden.",
    ] {
      _ = try journal.record(
        EntryDraft(
          kind: .observation, body: body, neighbourhood: "Holendrecht", questions: ["RQ1"]))
    }
    let found = try journal.search(query)
    #expect(found.count == 1, "\(query): \(found.map(\.body))")
  }

  @Test("vocabulary typed without Turkish letters finds the study's own spelling")
  func vocabularyFolds() throws {
    let folder = try TemporaryFolder()
    let yaml = try String(
      contentsOfFile: Fixture.example("werkplaats-amsterdam.yaml"), encoding: .utf8
    )
    .replacingOccurrences(of: "name: Buurtkamer De Brug", with: "name: Kadınlar Kahvesi")
    try yaml.write(toFile: folder.path("study.yaml"), atomically: true, encoding: .utf8)
    let journal = try Journal.inMemory(
      study: try Study.load(from: folder.path("study.yaml")),
      keys: SigningKeys(folder: folder.path("keys")))
    let entry = try journal.record(
      EntryDraft(
        kind: .observation, body: "Thee.", neighbourhood: "Holendrecht",
        initiative: "KADINLAR KAHVESI", questions: ["RQ1"]))
    #expect(entry.initiative == "Kadınlar Kahvesi")
  }
}

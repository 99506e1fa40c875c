import Foundation
import Testing

/// Issue 12.5 and 12.7: search, vocabulary and --quote match in one folded form, and journals made
/// before that form existed keep verifying.
@Suite struct FoldedMatchingTests {
  /// A journal made by fieldlog 389f9cc, before matching and identity folding were split, with
  /// Turkish ı in its vocabulary, tags, pseudonyms and codes (Fixtures/journals/README.md).
  static let oldJournal = Paths.packageRoot.appendingPathComponent(
    "Tests/FieldLogCLITests/Fixtures/journals/turkish-389f9cc.sqlite")

  @Test("a journal made before the matching fold still verifies, and its search finds Yılmaz")
  func oldJournalVerifies() throws {
    let sandbox = try Sandbox()
    try FileManager.default.copyItem(at: Self.oldJournal, to: sandbox.journal)
    let verified = try sandbox.fieldlog(["verify"])
    #expect(verified.status == 0, "\(verified)")
    let found = try sandbox.fieldlog(["search", "yilmaz", "--json"])
    #expect(found.status == 0, "\(found)")
    let entries = try #require(try JSON.parse(found.stdoutData).array)
    #expect(entries.count == 1, "\(found)")
    let snippet = try #require(entries.first?["snippet"]?.string)
    #expect(snippet.contains("[Yılmaz]"), "\(snippet)")
    // The identity forms stored before are those a replay gives: verify again after a write.
    let tagged = try sandbox.fieldlog(["list", "--tag", "YARDIMLAŞMA", "--json"])
    #expect(tagged.status == 0, "\(tagged)")
    #expect(try JSON.parse(tagged.stdoutData).array?.count == 1, "\(tagged)")
    #expect(try sandbox.fieldlog(["verify"]).status == 0)
  }

  // How search and vocabulary fold is checked in FieldLogCoreTests.FoldedMatchingTests, on an
  // in-memory journal.

  @Test("--quote falls back to folded matching when it is unique, else lists the candidates")
  func quoteFallsBack() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let entry = try sandbox.addObservation("Mevrouw Yılmaz zei: wij helpen elkaar. Çok güzel!")
    let id = try #require(entry["id"]?.string)
    let applied = try sandbox.fieldlog([
      "code", "apply", id, "samen leren", "--quote", "yilmaz zei", "--json",
    ])
    #expect(applied.status == 0, "\(applied)")
    let coding = try JSON.parse(applied.stdoutData)
    #expect(coding["quote"]?.string == "Yılmaz zei", "\(applied)")
    #expect(coding["start"]?.int == 8)
    #expect(coding["end"]?.int == 18)

    let twice = try sandbox.addObservation("Gül zag Gul bij de markt.")
    let twiceID = try #require(twice["id"]?.string)
    let before = try sandbox.state()
    let ambiguous = try sandbox.fieldlog([
      "code", "apply", twiceID, "samen leren", "--quote", "GUL",
    ])
    #expect(ambiguous.status == 65, "\(ambiguous)")
    #expect(ambiguous.stderr.contains("matches 2 places"), "\(ambiguous)")
    #expect(ambiguous.stderr.contains("0:3 \"…Gül zag Gul"), "\(ambiguous)")
    #expect(ambiguous.stderr.contains("8:11 "), "\(ambiguous)")
    #expect(try sandbox.state() == before)
  }

  @Test("keys set and keys remove correct the key file, each with a reason")
  func keysCorrections() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    _ = try sandbox.addObservation("Fatma vertelde over de buurt.")
    #expect(
      try sandbox.fieldlog(["keys", "add", "P-017", "--name", "Fatima el Amrani"]).status == 0)
    #expect(try sandbox.fieldlog(["export", "entries"]).status == 0)

    let noReason = try sandbox.fieldlog(["keys", "set", "P-017", "--name", "Fatma el Amrani"])
    #expect(noReason.status == 64, "\(noReason)")
    let unknown = try sandbox.fieldlog([
      "keys", "set", "P-018", "--name", "Jan Bos", "--reason", "typo",
    ])
    #expect(unknown.status == 65, "\(unknown)")
    #expect(unknown.stderr.contains("P-018"), "\(unknown)")

    let set = try sandbox.fieldlog([
      "keys", "set", "p-017", "--name", "Fatma el Amrani", "--reason", "spelling from her ID",
    ])
    #expect(set.status == 0, "\(set)")
    let list = try sandbox.fieldlog(["keys", "list"])
    #expect(list.stdout.contains("Fatma el Amrani"), "\(list)")
    #expect(!list.stdout.contains("Fatima"), "\(list)")
    #expect(try sandbox.fieldlog(["export", "entries"]).status == 65)

    let removed = try sandbox.fieldlog([
      "keys", "remove", "P-017", "--reason", "she asked to be forgotten",
    ])
    #expect(removed.status == 0, "\(removed)")
    #expect(!(try sandbox.fieldlog(["keys", "list"]).stdout.contains("Fatma")))
    #expect(try sandbox.fieldlog(["export", "entries"]).status == 0)
    // The name is gone from the file's bytes too; the reasons stay.
    let bytes = try Data(contentsOf: sandbox.url("fieldlog-keys.sqlite"))
    #expect(bytes.range(of: Data("Fatma el Amrani".utf8)) == nil)
    #expect(bytes.range(of: Data("she asked to be forgotten".utf8)) != nil)
  }
}

import Foundation
import GRDB
import Testing

@testable import FieldLogCore

@Suite struct AgreementStatisticsTests {
  /// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the nominal example:
  /// four observers, twelve units, missing values; α = 0.743.
  @Test func krippendorffsPublishedNominalExample() throws {
    let units: [[Int?]] = [
      [1, 1, nil, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
      [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [nil, 5, 5, 5], [nil, nil, 1, 1],
      [nil, nil, 3, nil],
    ]
    let alpha = try #require(Agreement.krippendorffAlpha(units).value)
    #expect((alpha * 1000).rounded() / 1000 == 0.743)
  }

  /// The textbook 2×2 example: 50 items, both yes 20, A yes B no 5, A no B yes 10, both no 15;
  /// p_o = 0.7, p_e = 0.5, κ = 0.4.
  @Test func cohensTextbookExample() throws {
    let units: [[Int?]] =
      Array(repeating: [1, 1], count: 20) + Array(repeating: [1, 0], count: 5)
      + Array(repeating: [0, 1], count: 10) + Array(repeating: [0, 0], count: 15)
    let kappa = try #require(Agreement.cohenKappa(units).value)
    #expect((kappa * 1000).rounded() / 1000 == 0.4)
    #expect(Agreement.percentAgreement(units).value == 0.7)
  }

  @Test func weightedUnitsGiveTheSameAsRepeatedOnes() {
    let repeated: [[Int?]] = Array(repeating: [1, 1], count: 3) + [[1, 0], [0, 0]]
    let weighted: Agreement.Weighted = [([1, 1], 3), ([1, 0], 1), ([0, 0], 1)]
    #expect(Agreement.krippendorffAlpha(repeated) == Agreement.krippendorffAlpha(weighted))
    #expect(Agreement.cohenKappa(repeated) == Agreement.cohenKappa(weighted))
  }

  @Test func noVariationIsUndefinedWithAReasonNeverNaN() {
    let same: [[Int?]] = [[1, 1], [1, 1]]
    #expect(Agreement.cohenKappa(same).value == nil)
    #expect(Agreement.cohenKappa(same).reason != nil)
    #expect(Agreement.krippendorffAlpha(same).value == nil)
    #expect(Agreement.percentAgreement(same).value == 1)
    #expect(Agreement.cohenKappa([[1, 1, 1]]).value == nil)
  }
}

@Suite struct AnchorTests {
  @Test func offsetsAreUnicodeScalars() {
    let body = "Één café 👍🏾 en thee"
    #expect(Anchor.occurrences(of: "thee", in: body) == [15..<19])
    #expect(Anchor.text(in: body, at: 9..<11) == "👍🏾")
  }

  @Test func whiteSpaceAndLineBreaksAreIgnoredWhenExactFails() {
    let body = "De buurtmoeder\n  helpt met\tformulieren."
    #expect(Anchor.occurrences(of: "buurtmoeder helpt met formulieren", in: body) == [3..<38])
    #expect(Anchor.occurrences(of: "koken", in: body).isEmpty)
  }
}

@Suite struct CodingTests {
  /// A journal with two entries and a small codebook.
  static func setUp(_ folder: TemporaryFolder) throws -> (Journal, [EntryRecord]) {
    let journal = try Fixture.journal(in: folder)
    let entries = try Fixture.record(journal)
    return (journal, entries)
  }

  @Test func theStudyCodebookIsDefinedAtInit() throws {
    let folder = try TemporaryFolder()
    let (journal, _) = try Self.setUp(folder)
    let paths = try journal.codes().map(\.path)
    #expect(paths.contains("informele steun > buurtmoeders"))
    #expect(try journal.codes().first?.depth == 0)
  }

  @Test func codebookRules() throws {
    let folder = try TemporaryFolder()
    let (journal, _) = try Self.setUp(folder)
    try journal.defineCode("vertrouwen", description: "over vertrouwen", color: "#aa00bb")
    try journal.defineCode("tussen buren", parent: "vertrouwen")
    #expect(try journal.codes().first { $0.path == "vertrouwen" }?.color == "#AA00BB")
    // Names are unique among siblings, case and diacritics aside.
    #expect(throws: FieldLogError.self) { try journal.defineCode("Vértrouwen") }
    // The same name under another parent is fine; then a bare name is ambiguous.
    try journal.defineCode("tussen buren", parent: "informele steun")
    #expect {
      try journal.moveCode("tussen buren", under: nil)
    } throws: { ($0 as? FieldLogError)?.message.contains("ambiguous") == true }
    // A cycle of parents is refused.
    #expect {
      try journal.moveCode("vertrouwen", under: "vertrouwen > tussen buren")
    } throws: { ($0 as? FieldLogError)?.message.contains("cycle") == true }
    try journal.renameCode("vertrouwen > tussen buren", to: "burenvertrouwen")
    try journal.moveCode("burenvertrouwen", under: nil)
    try journal.describeCode("burenvertrouwen", description: "vertrouwen tussen buren")
    let moved = try #require(try journal.codes().first { $0.name == "burenvertrouwen" })
    #expect(moved.path == "burenvertrouwen" && moved.description == "vertrouwen tussen buren")
    // An unknown code is refused with every known path, so the message can list them.
    let paths = try journal.codes().map(\.path).sorted()
    #expect(
      throws: FieldLogError.unknownName(
        kind: "code", value: "onbekend", suggestions: [], known: paths)
    ) {
      try journal.describeCode("onbekend", description: "x")
    }
  }

  @Test func segmentsByQuoteRangeAndWholeEntry() throws {
    let folder = try TemporaryFolder()
    let (journal, entries) = try Self.setUp(folder)
    let body = entries[1].body  // "Moeder, buurvrouw en wijkcoach."
    let quoted = try journal.applyCode(
      "informele steun > buurtmoeders", to: entries[1].id,
      target: .quote("buurvrouw", occurrence: nil))
    #expect(quoted.start == 8 && quoted.end == 17 && quoted.quote == "buurvrouw")
    let ranged = try journal.applyCode("informele steun", to: entries[1].id, target: .range(0, 6))
    #expect(ranged.quote == "Moeder")
    try journal.addCoder("Ahmed")
    let whole = try journal.applyCode(
      "samenwerking wijkteam", to: entries[1].id, target: .wholeEntry, memo: "hele gesprek",
      coder: "Ahmed")
    #expect(whole.start == nil && whole.coder == "Ahmed" && whole.memo == "hele gesprek")
    #expect(throws: FieldLogError.self) {
      try journal.applyCode(
        "informele steun", to: entries[1].id, target: .quote("koken", occurrence: nil))
    }
    #expect {
      try journal.applyCode(
        "informele steun", to: entries[1].id, target: .range(10, body.unicodeScalars.count + 1))
    } throws: { ($0 as? FieldLogError)?.message.contains("is not within entry") == true }
    let shown = try journal.segments(coded: "informele steun")
    #expect(shown.map(\.quote) == ["Moeder", "buurvrouw"])
    #expect(shown[1].context?.contains("buurvrouw") == true)
    #expect(try journal.entries(EntryFilter(code: "informele steun")).map(\.id) == [entries[1].id])
    _ = try journal.removeCoding(String(quoted.id.prefix(8)))
    #expect(try journal.segments(coded: "informele steun").map(\.quote) == ["Moeder"])
  }

  @Test func anAmbiguousQuoteListsWhereItOccurs() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    let entry = try journal.record(
      EntryDraft(
        kind: .observation, body: "thee en koffie, daarna weer thee", neighbourhood: "Holendrecht",
        questions: ["RQ1"]))
    #expect {
      try journal.applyCode(
        "informele steun", to: entry.id, target: .quote("thee", occurrence: nil))
    } throws: { error in
      guard let error = error as? FieldLogError else { return false }
      return error.message.contains("occurs 2 times") && error.message.contains("0:4")
        && error.message.contains("28:32")
    }
    let second = try journal.applyCode(
      "informele steun", to: entry.id, target: .quote("thee", occurrence: 2))
    #expect(second.start == 28)
  }

  @Test func amendmentsReanchorCodingsOrOrphanThem() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    let entry = try journal.record(
      EntryDraft(
        kind: .observation, body: "De buurtmoeder helpt met formulieren. Het wijkteam komt later.",
        neighbourhood: "Holendrecht", questions: ["RQ1"]))
    let kept = try journal.applyCode(
      "samenwerking wijkteam", to: entry.id,
      target: .quote("Het wijkteam komt later", occurrence: nil))
    let lost = try journal.applyCode(
      "informele steun", to: entry.id, target: .quote("helpt met formulieren", occurrence: nil))
    #expect(kept.start == 38)
    // When the body is amended: the first quote moves, the second is gone.
    let amended = try journal.amend(
      entry.id,
      with: EntryChanges(body: "Eerst: Het wijkteam komt later. De buurtmoeder belt.").applied(
        to: entry),
      reason: "herschreven", basedOn: 1)
    let codings =
      try journal.segments(coded: "samenwerking wijkteam")
      + journal.segments(coded: "informele steun")
    let moved = try #require(codings.first { $0.id == kept.id })
    #expect(moved.start == 7 && moved.end == 30 && !moved.orphaned)
    #expect(Anchor.text(in: amended.body, at: 7..<30) == "Het wijkteam komt later")
    let orphan = try #require(codings.first { $0.id == lost.id })
    #expect(orphan.orphaned)
    #expect(orphan.quote == "helpt met formulieren")
    // Kept, never silently dropped; and back when the text returns.
    _ = try journal.amend(
      entry.id,
      with: EntryChanges(body: "Het wijkteam komt later. De buurtmoeder helpt met formulieren.")
        .applied(to: amended),
      reason: "terug", basedOn: 2)
    #expect(try journal.segments(coded: "informele steun").first?.orphaned == false)
  }

  @Test func mergingMovesCodingsAndRetiresTheCode() throws {
    let folder = try TemporaryFolder()
    let (journal, entries) = try Self.setUp(folder)
    _ = try journal.applyCode(
      "informele steun > buurtmoeders", to: entries[0].id, target: .wholeEntry)
    try journal.mergeCode("informele steun > buurtmoeders", into: "samenwerking wijkteam")
    #expect(try journal.codes().first { $0.path == "samenwerking wijkteam" }?.codings == 1)
    #expect(!(try journal.codes().contains { $0.name == "buurtmoeders" }))
    #expect(throws: FieldLogError.self) {
      try journal.mergeCode("samenwerking wijkteam", into: "samenwerking wijkteam")
    }
  }

  @Test func memosAboutEntriesCodesAndCodings() throws {
    let folder = try TemporaryFolder()
    let (journal, entries) = try Self.setUp(folder)
    let coding = try journal.applyCode("informele steun", to: entries[0].id, target: .wholeEntry)
    _ = try journal.addMemo(about: String(entries[0].id.prefix(6)), text: "over het entry")
    _ = try journal.addMemo(about: "informele steun", text: "over de code")
    _ = try journal.addMemo(about: coding.shortID, text: "over de codering")
    #expect(try journal.memos().map(\.aboutKind) == ["entry", "code", "coding"])
    #expect(try journal.memos(about: "informele steun").map(\.text) == ["over de code"])
    #expect(throws: FieldLogError.self) { try journal.addMemo(about: "niets", text: "x") }
  }

  /// Three entries, two coders, codes A and B, counted by hand:
  /// e1 (Holendrecht, observation): A by Sanne (segment 0:5), B by Sanne (segment 3:8), A by Ahmed (whole)
  /// e2 (Jan van Maijenbuurt, interview): A by Sanne (whole), B by Ahmed (segment 0:4)
  /// e3 (Holendrecht, nabije-kennis): B by Sanne (segment 10:12)
  static func handCounted(_ journal: Journal) throws -> [EntryRecord] {
    try journal.defineCode("A")
    try journal.defineCode("B")
    let draft = { (kind: EntryKind, place: String) in
      EntryDraft(kind: kind, body: "abcdefghijklmnop", neighbourhood: place, questions: ["RQ1"])
    }
    let e1 = try journal.record(draft(.observation, "Holendrecht"))
    let e2 = try journal.record(draft(.interview, "Jan van Maijenbuurt"))
    let e3 = try journal.record(draft(.nabijeKennis, "Holendrecht"))
    try journal.addCoder("Sanne")
    try journal.addCoder("Ahmed")
    _ = try journal.applyCode("A", to: e1.id, target: .range(0, 5), coder: "Sanne")
    _ = try journal.applyCode("B", to: e1.id, target: .range(3, 8), coder: "Sanne")
    _ = try journal.applyCode("A", to: e1.id, target: .wholeEntry, coder: "Ahmed")
    _ = try journal.applyCode("A", to: e2.id, target: .wholeEntry, coder: "Sanne")
    _ = try journal.applyCode("B", to: e2.id, target: .range(0, 4), coder: "Ahmed")
    _ = try journal.applyCode("B", to: e3.id, target: .range(10, 12), coder: "Sanne")
    return [e1, e2, e3]
  }

  @Test func frequencyAndCooccurrenceMatchTheHandCount() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    _ = try Self.handCounted(journal)
    let byPlace = try journal.codeFrequencies(by: .neighbourhood)
    #expect(
      byPlace.columns == ["code", "neighbourhood", "entries_any_coder", "segments_any_coder"])
    #expect(
      byPlace.rows == [
        [.text("A"), .text("Holendrecht"), .count(1), .count(2)],
        [.text("A"), .text("Jan van Maijenbuurt"), .count(1), .count(1)],
        [.text("B"), .text("Holendrecht"), .count(2), .count(2)],
        [.text("B"), .text("Jan van Maijenbuurt"), .count(1), .count(1)],
      ])
    let byKind = try journal.codeFrequencies(by: .kind)
    #expect(byKind.rows.contains([.text("B"), .text("nabije-kennis"), .count(1), .count(1)]))
    // Sanne alone: A in e1 (0:5) and e2 (whole); Ahmed's whole-entry A in e1 is not hers.
    let sanne = try journal.codeFrequencies(by: nil, counting: .coder("sanne"))
    #expect(sanne.columns == ["code", "entries_by_Sanne", "segments_by_Sanne"])
    #expect(sanne.rows.first == [.text("A"), .count(2), .count(2)])
    // Entries with both A and B: e1 and e2.
    #expect(try journal.cooccurrence(unit: .entry).rows == [[.text("A"), .text("B"), .count(2)]])
    // Overlapping segment pairs: e1 A 0:5 with B 3:8; e1 A(whole, Ahmed) with B 3:8; e2 A(whole) with B 0:4.
    #expect(try journal.cooccurrence(unit: .segment).rows == [[.text("A"), .text("B"), .count(3)]])
    let csv = String(decoding: try journal.cooccurrence(unit: .entry).csv(), as: UTF8.self)
    #expect(csv == "code_a,code_b,entries\r\nA,B,2\r\n")
    let timeline = try journal.timeline(byNeighbourhood: true)
    let counted: [Int] = timeline.rows.map { Int($0[2].text) ?? 0 }
    #expect(counted.reduce(0, +) == 3)
  }

  @Test func agreementOverEntriesAndCharacters() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    _ = try Self.handCounted(journal)
    // Entry units, code A: e1 (1,1) e2 (1,0) e3 (0,0) → agreement 2/3.
    let entries = try journal.agreement(coders: ["sanne", "Ahmed"], code: "A", unit: .entry)
    #expect(entries.entries == 3 && entries.units == 3)
    #expect(entries.percentAgreement.value.map { ($0 * 1000).rounded() } == 667)
    #expect(entries.cohenKappa.value == Agreement.cohenKappa([[1, 1], [1, 0], [0, 0]]).value)
    // Character units, code B over 3 × 16 characters: Sanne 3:8 in e1 and 10:12 in e3, Ahmed 0:4 in e2.
    let characters = try journal.agreement(coders: ["Sanne", "Ahmed"], code: "B", unit: .character)
    #expect(characters.units == 48)
    #expect(characters.percentAgreement.value == Double(48 - (5 + 4 + 2)) / 48)
    let json = String(decoding: try JSONEncoder().encode(characters), as: UTF8.self)
    for key in ["percent_agreement", "cohen_kappa", "krippendorff_alpha", "per_code"] {
      #expect(json.contains("\"\(key)\""))
    }
    #expect(throws: FieldLogError.self) {
      try journal.agreement(coders: ["Sanne", "Nobody"], unit: .entry)
    }
    #expect(throws: FieldLogError.self) { try journal.agreement(coders: ["Sanne"], unit: .entry) }
  }

  @Test func rebuildReproducesTheCodebookAndCodingsExactly() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    let entries = try Self.handCounted(journal)
    try journal.renameCode("A", to: "Aa")
    try journal.moveCode("B", under: "Aa")
    _ = try journal.addMemo(about: "Aa", text: "memo")
    _ = try journal.amend(
      entries[0].id, with: EntryChanges(body: "xxabcdefgh").applied(to: entries[0]), reason: "r",
      basedOn: 1)
    try journal.mergeCode("informele steun", into: "samenwerking wijkteam")
    let before = try Fixture.projectionDump(journal.path)
    #expect((before["coding"]?.count ?? 0) == 6)
    try journal.rebuild()
    #expect(try Fixture.projectionDump(journal.path) == before)
    #expect(try journal.verify().ok)
  }

  @Test func redactingAnEntryErasesItsCodingsAndMemos() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    let entry = try journal.record(
      EntryDraft(
        kind: .interview, body: "Geheim: Zwartkruidbessen.", neighbourhood: "Holendrecht",
        questions: ["RQ1"]))
    let coding = try journal.applyCode(
      "informele steun", to: entry.id, target: .quote("Zwartkruidbessen", occurrence: nil),
      memo: "bessenmemo")
    _ = try journal.addMemo(about: coding.shortID, text: "Memo over Zwartkruidbessen")
    _ = try journal.redact(entry: entry.id, reason: "AVG")
    #expect(try journal.segments(coded: "informele steun").isEmpty)
    #expect(try journal.memos().isEmpty)
    for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: journal.path + suffix) {
      let bytes = try Data(contentsOf: URL(fileURLWithPath: journal.path + suffix))
      #expect(bytes.range(of: Data("Zwartkruidbessen".utf8)) == nil)
      #expect(bytes.range(of: Data("bessenmemo".utf8)) == nil)
    }
    #expect(try journal.verify().ok)
    let before = try Fixture.projectionDump(journal.path)
    try journal.rebuild()
    #expect(try Fixture.projectionDump(journal.path) == before)
  }
}

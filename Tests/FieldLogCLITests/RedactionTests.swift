import Foundation
import Testing

/// Helpers for the redaction suites: an entry with words that must disappear, and a byte search.
enum RedactionFixture {
  static let firstBody =
    "Fatima el Amrani bracht Zwartkruidbessen mee naar de Buurtkamer.\nDaarna praatten we verder."
  static let secondBody =
    "Fatima el Amrani bracht Brûléetaartjesfeest mee naar de Buurtkamer.\nDaarna praatten we verder."
  /// What must be found nowhere in the journal's files once the entry is redacted: the words as typed,
  /// as the search index keeps them (lowercase, without diacritics), and the tails the index could
  /// keep of a prefix-compressed term.
  static let erasedWords = [
    "Zwartkruidbessen", "zwartkruidbessen", "kruidbessen", "Brûléetaartjesfeest",
    "brûléetaartjesfeest", "bruleetaartjesfeest", "taartjesfeest", "Fatima", "Amrani", "amrani",
  ]

  /// An entry naming P-017 with a distinctive word and a real-looking name, amended once (with the
  /// name in the reason too); returns its id.
  static func amendedEntry(in sandbox: Sandbox, sourceLocation: SourceLocation = #_sourceLocation)
    throws -> String
  {
    let entry = try sandbox.add(
      "interview",
      [
        "--text", firstBody, "--neighbourhood", "Holendrecht", "--question", "RQ1", "--tag",
        "zwartkruidbessenpluk", "--participant", "P-017:buurtmoeder", "--field",
        "interviewee=P-017",
      ], sourceLocation: sourceLocation)
    let id = try #require(entry["id"]?.string, sourceLocation: sourceLocation)
    let amend = try sandbox.fieldlog([
      "amend", id, "--reason", "Amrani noemde ander gebak", "--text", secondBody,
    ])
    try #require(amend.status == 0, "amend failed: \(amend)", sourceLocation: sourceLocation)
    return id
  }

  /// The names of the journal's files that hold `needle` (ASCII case ignored).
  static func filesHolding(_ needle: String, in sandbox: Sandbox) -> [String] {
    ConsentFixture.journalBytes(sandbox).filter { ConsentFixture.contains($0.value, needle) }.keys
      .map { "journal.sqlite" + $0 }.sorted()
  }

  /// `redact args...`, requiring success.
  @discardableResult
  static func redact(
    _ sandbox: Sandbox, _ args: [String], sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> ProcessResult {
    let result = try sandbox.fieldlog(["redact"] + args + ["--yes"])
    try #require(result.status == 0, "redact failed: \(result)", sourceLocation: sourceLocation)
    return result
  }

  /// Every projection table, the participant register and consent included, in a fixed order.
  static func projections(_ sandbox: Sandbox) throws -> String {
    try sandbox.projections()
      + (try sandbox.query("SELECT * FROM participant ORDER BY id"))
      + (try sandbox.query("SELECT * FROM consent ORDER BY participant_id, scope"))
  }

  /// The body `show --json` prints for an entry.
  static func body(_ sandbox: Sandbox, _ id: String) throws -> String? {
    try sandbox.show(id)["body"]?.string
  }
}

@Suite("redact")
struct RedactionTests {
  @Test("redact ID erases every version: no trace of the words in the journal, its WAL or SHM")
  func erasesEveryTrace() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let other = try #require(try sandbox.addObservation("Kruisbessen bij de buren")["id"]?.string)
    let id = try RedactionFixture.amendedEntry(in: sandbox)
    // The search sees what is there before
    for word in ["Zwartkruidbessen", "Brûléetaartjesfeest", "Amrani"] {
      #expect(!RedactionFixture.filesHolding(word, in: sandbox).isEmpty, "\(word) not found before")
    }

    let payloadsBefore = try sandbox.query(
      "SELECT hex(commitment), hex(salt), json FROM payload ORDER BY commitment"
    )
    .split(separator: "\n")
    let result = try RedactionFixture.redact(sandbox, [id, "--reason", "AVG"])
    #expect(result.stdout.contains("erased 2 versions of 1 entry"), "\(result)")
    // Only the two versions' payloads went; every other payload is byte for byte as it was
    let payloadsAfter = try sandbox.query(
      "SELECT hex(commitment), hex(salt), json FROM payload ORDER BY commitment"
    )
    .split(separator: "\n")
    let redactions = try sandbox.query("SELECT count(*) FROM event WHERE type = 'redaction'")
    #expect(redactions.trimmingCharacters(in: .whitespacesAndNewlines) == "2")
    let kept = payloadsAfter.filter { payloadsBefore.contains($0) }
    #expect(kept.count == payloadsBefore.count - 2, "payloads other than the two changed")
    #expect(payloadsAfter.count == kept.count + 2, "only the 2 redaction payloads are new")
    #expect(result.stdout.contains(String(id.prefix(8))), "\(result)")
    #expect(result.stderr.isEmpty, "\(result)")

    for word in RedactionFixture.erasedWords {
      #expect(
        RedactionFixture.filesHolding(word, in: sandbox) == [],
        "'\(word)' is still in the journal's files")
    }
    // The other entry is untouched
    #expect(try RedactionFixture.body(sandbox, other) == "Kruisbessen bij de buren")
    #expect(!RedactionFixture.filesHolding("Kruisbessen", in: sandbox).isEmpty)
    let search = try sandbox.fieldlog(["search", "kruisbessen", "--json"])
    #expect(try JSON.parse(search.stdoutData).array?.count == 1, "\(search)")
  }

  @Test(
    "after redact, verify exits 0 and reports 2 redacted events; the independent verifier agrees")
  func verifyReportsRedactions() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let id = try RedactionFixture.amendedEntry(in: sandbox)
    try RedactionFixture.redact(sandbox, [id, "--reason", "AVG"])

    let verify = try sandbox.fieldlog(["verify"])
    #expect(verify.status == 0, "\(verify)")
    let redactedLines = verify.stdout.split(separator: "\n").filter { $0.hasPrefix("redacted: ") }
    #expect(redactedLines.count == 2, "\(verify)")
    #expect(redactedLines.first?.hasSuffix("(entry.recorded)") == true, "\(verify)")
    #expect(redactedLines.last?.hasSuffix("(entry.amended)") == true, "\(verify)")
    #expect(verify.stdout.contains("ok: "), "\(verify)")
    #expect(verify.stdout.contains(", 2 redacted"), "\(verify)")

    let json = try sandbox.fieldlog(["verify", "--json"])
    #expect(json.status == 0, "\(json)")
    let report = try JSON.parse(json.stdoutData)
    #expect(report["ok"] == .bool(true), "\(report)")
    #expect(report["problems"] == .array([]), "\(report)")
    let redacted = try #require(report["redacted"]?.array, "\(report)")
    #expect(
      redacted.compactMap { $0["type"]?.string } == ["entry.recorded", "entry.amended"],
      "\(report)")

    let independent = try sandbox.independentVerify()
    #expect(independent.status == 0, "\(independent)")
    #expect(independent.stdout.contains("2 redacted"), "\(independent)")
  }

  @Test("show displays the redaction; history marks both versions as erased")
  func showAndHistory() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let id = try RedactionFixture.amendedEntry(in: sandbox)
    try RedactionFixture.redact(sandbox, [id, "--reason", "AVG"])

    let show = try sandbox.fieldlog(["show", id])
    #expect(show.status == 0, "\(show)")
    #expect(show.stdout.contains("[redacted: AVG]"), "\(show)")
    #expect(
      show.stdout.split(separator: "\n").contains {
        $0.hasPrefix("redacted:") && $0.hasSuffix("AVG")
      },
      "\(show)")
    for word in ["Zwartkruidbessen", "Brûléetaartjesfeest", "Amrani", "zwartkruidbessenpluk"] {
      #expect(!show.stdout.contains(word), "\(show)")
    }
    let json = try sandbox.show(id)
    #expect(json["body"]?.string == "[redacted: AVG]")
    #expect(json["title"]?.string == "[redacted]")
    #expect(json["redacted"]?.string == "AVG", "\(json)")
    #expect(json["tags"] == .array([]))
    #expect(json["participants"] == .array([]))
    #expect(json["fields"] == .object([:]))
    #expect(json["version"]?.int == 2)

    let steps = try CorrectionsFixture.history(sandbox, id)
    try #require(steps.count == 3, "\(steps)")
    for (index, step) in steps.prefix(2).enumerated() {
      #expect(step["version"]?.int == Int64(index + 1), "\(step)")
      #expect(step["erased"] == .bool(true), "\(step)")
      #expect(step["title"] == .null, "\(step)")
      #expect(step["reason"] == .null, "the amendment's reason is erased too: \(step)")
      #expect(step["diff"] == .array([]), "\(step)")
    }
    #expect(steps[2]["event"]?.string == "redacted")
    #expect(steps[2]["reason"]?.string == "AVG")
    #expect(steps[2]["author"]?.string == Sandbox.author)
    let text = try sandbox.fieldlog(["history", id])
    #expect(text.status == 0, "\(text)")
    #expect(
      text.stdout.components(separatedBy: "[content erased by redaction]").count - 1 == 2,
      "\(text)")
    for word in ["Zwartkruidbessen", "Brûléetaartjesfeest", "Amrani"] {
      #expect(!text.stdout.contains(word), "\(text)")
    }
  }

  @Test("rebuild after a redaction leaves every projection table identical")
  func rebuildAfterRedaction() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    try sandbox.addObservation("Blijft: Kruisbessen", extra: ["--participant", "P-018"])
    let retracted = try #require(try sandbox.addObservation("Dubbel ingevoerd")["id"]?.string)
    try #require(try sandbox.fieldlog(["retract", retracted, "--reason", "dubbel"]).status == 0)
    let id = try RedactionFixture.amendedEntry(in: sandbox)
    // A colleague moves it to another neighbourhood and retags it before it is redacted
    try CorrectionsFixture.becomeColleague(sandbox)
    let moved = try sandbox.fieldlog([
      "amend", id, "--reason", "andere buurt", "--neighbourhood", "Jan van Maijenbuurt", "--tag",
      "gebak", "--question", "RQ2", "--at", "2024-03-13 10:00",
    ])
    try #require(moved.status == 0, "\(moved)")
    try ConsentFixture.consent(sandbox, ["P-017", "--given", "verbal", "--scope", "quotation"])
    try RedactionFixture.redact(sandbox, [id, "--reason", "AVG"])

    let before = try RedactionFixture.projections(sandbox)
    let listBefore = try sandbox.fieldlog(["list", "--json", "--include-retracted"]).stdout
    let historyBefore = try sandbox.fieldlog(["history", id, "--json"]).stdout
    #expect(before.contains("[redacted: AVG]"))

    let rebuild = try sandbox.fieldlog(["rebuild"])
    try #require(rebuild.status == 0, "\(rebuild)")

    #expect(try RedactionFixture.projections(sandbox) == before)
    #expect(
      try sandbox.fieldlog(["list", "--json", "--include-retracted"]).stdout == listBefore)
    #expect(try sandbox.fieldlog(["history", id, "--json"]).stdout == historyBefore)
    #expect(try sandbox.fieldlog(["verify"]).status == 0)
  }

  @Test("show, list and search --json of amended, retracted and redacted entries match the schema")
  func jsonMatchesSchema() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let redacted = try RedactionFixture.amendedEntry(in: sandbox)
    let retracted = try CorrectionsFixture.entry(in: sandbox)
    try #require(try sandbox.fieldlog(["retract", retracted, "--reason", "dubbel"]).status == 0)
    try RedactionFixture.redact(sandbox, [redacted, "--reason", "AVG"])
    for id in [redacted, retracted] {
      let show = try sandbox.fieldlog(["show", id, "--json"])
      let valid = try sandbox.validate(show.stdoutData, schema: Paths.entrySchema)
      #expect(valid.status == 0, "\(valid)\n\(show.stdout)")
    }
    for args in [
      ["list", "--json", "--include-retracted"],
      ["search", "Zwartkruidbessen", "--json", "--include-retracted"],
    ] {
      let result = try sandbox.fieldlog(args)
      let valid = try sandbox.validate(result.stdoutData, schema: Paths.entrySchema, array: true)
      #expect(valid.status == 0, "\(args): \(valid)\n\(result.stdout)")
    }
  }

  // MARK: Known bug (see the report): rebuild replays an erased first version with the names of the
  // last one, which may not exist yet at that point of the replay.

  @Test(
    "rebuild after redacting an entry amended to a name the study gained later",
    arguments: [
      [
        ["study", "add-neighbourhood", "Bijlmer Centrum"], ["--neighbourhood", "Bijlmer Centrum"],
      ],
      [
        ["study", "add-initiative", "Buurtkamer Noord", "--neighbourhood", "Holendrecht"],
        ["--initiative", "Buurtkamer Noord"],
      ],
      [
        ["study", "add-question", "RQ5", "--text", "Wat leren buurtmoeders?"],
        ["--question", "RQ5"],
      ],
    ])
  func rebuildAfterRedactingEntryMovedToALaterName(_ steps: [[String]]) throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    // Given an entry, then a new name in the study, then an amendment that uses it
    let id = try #require(try sandbox.addObservation("Eerst in Holendrecht")["id"]?.string)
    let addition = try sandbox.fieldlog(steps[0])
    try #require(addition.status == 0, "\(addition)")
    let amend = try sandbox.fieldlog(["amend", id, "--reason", "verhuisd"] + steps[1])
    try #require(amend.status == 0, "\(amend)")
    try RedactionFixture.redact(sandbox, [id, "--reason", "AVG"])
    #expect(try sandbox.fieldlog(["verify"]).status == 0)
    let before = try RedactionFixture.projections(sandbox)
    // When
    let rebuild = try sandbox.fieldlog(["rebuild"])
    // Then
    #expect(rebuild.status == 0, "\(rebuild)")
    #expect(try RedactionFixture.projections(sandbox) == before)
  }

  @Test("redacting an entry again is refused with 65 and changes nothing")
  func redactTwice() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let id = try RedactionFixture.amendedEntry(in: sandbox)
    try RedactionFixture.redact(sandbox, [id, "--reason", "AVG"])
    let before = try sandbox.state()
    let again = try sandbox.fieldlog(["redact", id, "--reason", "AVG"])
    #expect(again.status == 65, "\(again)")
    #expect(again.stderr.contains("redacted already"), "\(again)")
    #expect(try sandbox.state() == before)
    // Nor can a redacted entry be amended or named by a participant redaction
    let amend = try sandbox.fieldlog(["amend", id, "--reason", "r", "--text", "Nieuw"])
    #expect(amend.status == 65, "\(amend)")
    #expect(try sandbox.state() == before)
  }

  @Test("redact --participant erases every entry naming them in any version, and no other")
  func redactParticipant() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    func add(_ text: String, _ people: [String]) throws -> String {
      try #require(
        try sandbox.addObservation(text, extra: people.flatMap { ["--participant", $0] })["id"]?
          .string)
    }
    let named = try add("Alfaroomsoesjes met P-017", ["P-017"])
    let namedWithOthers = try add("Bravokokosmakronen samen", ["P-018", "p-017:buurtmoeder"])
    let removedLater = try add("Charliespekkoeken eerst", ["P-017", "P-021"])
    let addedLater = try add("Deltagevulde koeken later", ["P-021"])
    let someoneElse = try add("Echokaneelbroodjes zonder", ["P-018"])
    let nobody = try add("Foxtrotappeltaartjes niemand", [])
    try #require(
      try sandbox.fieldlog([
        "amend", removedLater, "--reason", "verkeerde persoon", "--participant", "P-021",
      ]).status == 0)
    try #require(
      try sandbox.fieldlog([
        "amend", addedLater, "--reason", "vergeten", "--participant", "P-021", "--participant",
        "P-017",
      ]).status == 0)
    #expect(
      try sandbox.show(removedLater)["participants"]
        == .array([.object(["pseudonym": .string("P-021"), "role": .null])]))

    let result = try RedactionFixture.redact(
      sandbox, ["--participant", "P-017", "--reason", "verzoek betrokkene"])
    #expect(result.stdout.contains("erased 6 versions of 4 entries"), "\(result)")

    for id in [named, namedWithOthers, removedLater, addedLater] {
      #expect(
        try RedactionFixture.body(sandbox, id) == "[redacted: verzoek betrokkene]", "\(id)")
      #expect(result.stdout.contains(String(id.prefix(8))), "\(result)")
    }
    #expect(try RedactionFixture.body(sandbox, someoneElse) == "Echokaneelbroodjes zonder")
    #expect(try RedactionFixture.body(sandbox, nobody) == "Foxtrotappeltaartjes niemand")
    #expect(
      try sandbox.show(someoneElse)["participants"]
        == .array([.object(["pseudonym": .string("P-018"), "role": .null])]))
    for word in ["alfaroomsoesjes", "bravokokosmakronen", "charliespekkoeken", "deltagevulde"] {
      #expect(RedactionFixture.filesHolding(word, in: sandbox) == [], "'\(word)' is left")
    }
    for word in ["echokaneelbroodjes", "foxtrotappeltaartjes"] {
      #expect(RedactionFixture.filesHolding(word, in: sandbox) != [], "'\(word)' is gone")
    }
    for id in [removedLater, addedLater] {
      let steps = try CorrectionsFixture.history(sandbox, id)
      #expect(steps.filter { $0["erased"] == .bool(true) }.count == 2, "\(steps)")
    }

    let verify = try sandbox.fieldlog(["verify", "--json"])
    #expect(verify.status == 0, "\(verify)")
    #expect(try JSON.parse(verify.stdoutData)["redacted"]?.array?.count == 6, "\(verify)")
    #expect(try sandbox.independentVerify().status == 0)

    // The register keeps the pseudonym, and a second request finds nothing left
    #expect(try ConsentFixture.participant(sandbox, "P-017")["pseudonym"]?.string == "P-017")
    let before = try sandbox.state()
    let again = try sandbox.fieldlog(["redact", "--participant", "P-017", "--reason", "nogmaals"])
    #expect(again.status == 65, "\(again)")
    #expect(again.firstErrorLine.contains("P-017"), "\(again)")
    #expect(try sandbox.state() == before)
  }

  struct BadRedact: Sendable, CustomTestStringConvertible {
    var name: String
    /// The arguments after `redact`; "ID" is replaced by the entry's id.
    var args: [String]
    var status: Int32
    var testDescription: String { name }
  }

  static let badInput: [BadRedact] = [
    BadRedact(
      name: "both an id and --participant",
      args: ["ID", "--participant", "P-017", "--reason", "AVG"], status: 64),
    BadRedact(name: "neither an id nor --participant", args: ["--reason", "AVG"], status: 64),
    BadRedact(name: "no --reason", args: ["ID"], status: 64),
    BadRedact(name: "an empty reason", args: ["ID", "--reason", ""], status: 65),
    BadRedact(name: "an unknown id", args: ["deadbeef", "--reason", "AVG"], status: 65),
    BadRedact(
      name: "a participant no entry names", args: ["--participant", "P-030", "--reason", "AVG"],
      status: 65),
    BadRedact(
      name: "an unregistered participant", args: ["--participant", "P-999", "--reason", "AVG"],
      status: 65),
  ]

  @Test("bad redact input is refused and changes nothing", arguments: badInput)
  func badRedactInput(_ testCase: BadRedact) throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let id = try RedactionFixture.amendedEntry(in: sandbox)
    let before = try sandbox.state()
    let result = try sandbox.fieldlog(["redact"] + testCase.args.map { $0 == "ID" ? id : $0 })
    #expect(result.status == testCase.status, "\(result)")
    #expect(result.firstErrorLine.hasPrefix("error: "), "\(result)")
    #expect(try sandbox.state() == before)
    #expect(try RedactionFixture.body(sandbox, id) == RedactionFixture.secondBody)
  }
}

import Foundation
import Testing

/// One kind of entry, with the kind-specific fields given on the command line and how they are stored.
struct KindCase: Sendable, CustomTestStringConvertible {
  var kind: String
  var storedKind: String
  var fields: [String]
  var expectedFields: JSON

  var testDescription: String { kind }

  var fieldArguments: [String] { fields.flatMap { ["--field", $0] } }

  static let all: [KindCase] = [
    KindCase(
      kind: "observation", storedKind: "observation",
      fields: [
        "setting=Buurtkamer De Brug", "duration-minutes=45",
        "present=P-017, P-018 en twee vrijwilligers",
      ],
      expectedFields: .object([
        "setting": .string("Buurtkamer De Brug"), "duration-minutes": .int(45),
        "present": .string("P-017, P-018 en twee vrijwilligers"),
      ])),
    KindCase(
      kind: "network-conversation", storedKind: "network-conversation",
      fields: [
        "roles=client,family,Faith-Community", "facilitator=Wijkteam Zuidoost",
        "intervention=Netwerkberaad bij de cliënt thuis",
        "agreements=Buurvrouw doet de boodschappen",
        "follow-up=2024-04-02",
      ],
      expectedFields: .object([
        "roles": .array([.string("client"), .string("family"), .string("faith-community")]),
        "facilitator": .string("Wijkteam Zuidoost"),
        "intervention": .string("Netwerkberaad bij de cliënt thuis"),
        "agreements": .string("Buurvrouw doet de boodschappen"), "follow-up": .string("2024-04-02"),
      ])),
    KindCase(
      kind: "interview", storedKind: "interview",
      fields: [
        "interviewee=P-021", "role=sleutelfiguur", "consent=Verbal", "duration-minutes=60",
        "language=ar-MA",
      ],
      expectedFields: .object([
        "interviewee": .string("P-021"), "role": .string("sleutelfiguur"),
        "consent": .string("verbal"),
        "duration-minutes": .int(60), "language": .string("ar-MA"),
      ])),
    KindCase(
      kind: "nabije-kennis", storedKind: "nabije-kennis",
      fields: ["holder=P-030", "holder-role=buurtmoeder", "context=Huisbezoek na de kerkdienst"],
      expectedFields: .object([
        "holder": .string("P-030"), "holder-role": .string("buurtmoeder"),
        "context": .string("Huisbezoek na de kerkdienst"),
      ])),
    KindCase(
      kind: "proximate-knowledge", storedKind: "nabije-kennis",
      fields: ["holder=P-031", "holder-role=imam", "context=Gesprek na het vrijdaggebed"],
      expectedFields: .object([
        "holder": .string("P-031"), "holder-role": .string("imam"),
        "context": .string("Gesprek na het vrijdaggebed"),
      ])),
  ]
}

/// Where `add` takes the body from.
enum BodySource: String, CaseIterable, Sendable {
  case text = "--text"
  case file = "--file"
  case stdin = "stdin (-)"
  case editor = "$VISUAL on a terminal"
}

@Suite("add: recording entries")
struct AddEntryTests {
  static let body = "Één café in Holendrecht 👍🏾\nZoë, Ömer en Ayşe schoven aan 👩🏾‍🤝‍👩🏻; daarna koffie."
  static let title = "Één café in Holendrecht 👍🏾"

  /// Records `body` through `source`; returns the stored entry as `show --json` prints it.
  static func record(
    _ kindCase: KindCase, body: String, from source: BodySource, in sandbox: Sandbox,
    extra: [String] = []
  ) throws -> JSON {
    let common =
      ["add", kindCase.kind, "--neighbourhood", "Holendrecht", "--question", "RQ1"]
      + kindCase.fieldArguments + extra
    let result: ProcessResult
    switch source {
    case .text:
      result = try sandbox.fieldlog(common + ["--text", body, "--json"])
    case .file:
      let file = try sandbox.write("body.txt", text: body)
      result = try sandbox.fieldlog(common + ["--file", file.path, "--json"])
    case .stdin:
      result = try sandbox.fieldlog(common + ["-", "--json"], stdin: Data(body.utf8))
    case .editor:
      let bodyFile = try sandbox.write("editor-body.txt", text: body)
      let editor = try sandbox.writeScript(
        "editor.sh", "cat \(Processes.shellQuoted(bodyFile.path)) >> \"$1\"")
      result = try sandbox.fieldlogOnTerminal(common + ["--json"], env: ["VISUAL": editor.path])
    }
    try #require(result.status == 0, "add via \(source.rawValue) failed: \(result)")
    let entries = try sandbox.list()
    try #require(entries.count == 1, "expected one entry, got \(entries)")
    let id = try #require(entries[0]["id"]?.string)
    let shown = try sandbox.show(id)
    if source != .editor {
      // add --json prints exactly what show --json prints later
      #expect(try JSON.parse(result.stdoutData) == shown)
    }
    return shown
  }

  @Test(
    "every kind, with its fields, from every body source, round-trips through show --json",
    arguments: KindCase.all, BodySource.allCases)
  func kindFromSource(kindCase: KindCase, source: BodySource) throws {
    // Given a journal
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    // When an entry is recorded
    let entry = try Self.record(kindCase, body: Self.body, from: source, in: sandbox)
    // Then show --json returns the same body, byte for byte, and the fields as typed values
    #expect(entry["body"]?.string?.bytes == Self.body.bytes, "body: \(entry["body"] ?? .null)")
    #expect(entry["title"]?.string?.bytes == Self.title.bytes)
    #expect(entry["kind"]?.string == kindCase.storedKind)
    #expect(entry["fields"] == kindCase.expectedFields)
    #expect(entry["neighbourhood"]?.string == "Holendrecht")
    #expect(entry["initiative"] == .null)
    #expect(entry["questions"]?.strings == ["RQ1"])
    #expect(entry["author"]?.string == Sandbox.author)
    #expect(entry["version"]?.int == 1)
  }

  @Test("an interview's recording is stored as its absolute path, SHA-256 and size, not copied")
  func interviewRecording() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    // Given a recording of 300 001 bytes
    var bytes = [UInt8](repeating: 0, count: 300_001)
    var state: UInt32 = 2_463_534_242
    for index in bytes.indices {
      state ^= state << 13
      state ^= state >> 17
      state ^= state << 5
      bytes[index] = UInt8(truncatingIfNeeded: state)
    }
    let recording = try sandbox.write("opname interview 1.m4a", Data(bytes))
    let sha256sum = try #require(Paths.sha256sum, "sha256sum is needed")
    let sum = try Processes.run(sha256sum, [recording.path])
    try #require(sum.status == 0, "\(sum)")
    let expectedHash = String(sum.stdout.prefix(64))

    // When it is recorded by absolute path
    let added = try sandbox.add(
      "interview",
      [
        "--text", "Interview met P-021", "--neighbourhood", "Holendrecht", "--question", "RQ2",
        "--field", "recording=\(recording.path)", "--field", "consent=written",
        "--field", "interviewee=P-021",
      ])
    // Then the hash and size match the file
    let stored = try #require(added["fields"]?["recording"])
    #expect(stored["sha256"]?.string == expectedHash)
    #expect(stored["size"]?.int == 300_001)
    #expect(stored["path"]?.string == recording.path)
    let id = try #require(added["id"]?.string)
    #expect(try sandbox.show(id) == added)

    // And a relative path is stored as the absolute path from the working directory
    let relative = try sandbox.cli.run(
      [
        "add", "interview", "--text", "Tweede gesprek", "--neighbourhood", "Holendrecht",
        "--question", "RQ2", "--field", "recording=opname interview 1.m4a", "--json",
        "--journal", sandbox.journal.path,
      ], currentDirectory: sandbox.dir)
    try #require(relative.status == 0, "\(relative)")
    let second = try JSON.parse(relative.stdoutData)
    #expect(second["fields"]?["recording"]?["path"]?.string == recording.path)
    #expect(second["fields"]?["recording"]?["sha256"]?.string == expectedHash)
  }

  @Test("an interview whose recording does not exist is refused with 66", arguments: [true, false])
  func missingRecording(absolute: Bool) throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let before = try sandbox.state()
    let path = absolute ? sandbox.url("nergens.m4a").path : "nergens.m4a"
    let result = try sandbox.fieldlog([
      "add", "interview", "--text", "x", "--neighbourhood", "Holendrecht", "--question", "RQ1",
      "--field", "recording=\(path)",
    ])
    #expect(result.status == 66, "\(result)")
    #expect(result.stderr.hasPrefix("error: "), "\(result)")
    #expect(result.stderr.contains("nergens.m4a"), "\(result)")
    #expect(try sandbox.state() == before)
  }

  @Test("CRLF and lone CR line ends are stored as LF", arguments: [BodySource.text, .file, .stdin])
  func lineEndsBecomeLF(source: BodySource) throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let entry = try Self.record(
      KindCase.all[0], body: "regel één\r\nregel twee\rregel drie\r\n", from: source, in: sandbox)
    #expect(entry["body"]?.string?.bytes == "regel één\nregel twee\nregel drie\n".bytes)
    #expect(entry["title"]?.string?.bytes == "regel één".bytes)
  }

  @Test(
    "decomposed (NFD) input is stored composed (NFC)", arguments: [BodySource.text, .file, .stdin])
  func nfdBecomesNFC(source: BodySource) throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let nfd = "Cafe\u{301} in Holendrecht: e\u{301}e\u{301}n keer per week"
    let nfc = "Caf\u{E9} in Holendrecht: \u{E9}\u{E9}n keer per week"
    #expect(nfd.bytes != nfc.bytes)
    let entry = try Self.record(
      KindCase.all[0], body: nfd, from: source, in: sandbox,
      extra: ["--tag", "ge\u{301}loof", "--title", "Cafe\u{301}"])
    #expect(entry["body"]?.string?.bytes == nfc.bytes)
    #expect(entry["title"]?.string?.bytes == "Caf\u{E9}".bytes)
    #expect(entry["tags"]?.strings?.map(\.bytes) == ["g\u{E9}loof".bytes])
    // No combining acute accent (U+0301, UTF-8 CC 81) is left anywhere in the stored text.
    let dump = try sandbox.query("SELECT json FROM payload")
    #expect(!Array(dump.utf8).windows(ofCount: 2).contains { $0.elementsEqual([0xCC, 0x81]) })
  }

  @Test("names, questions, tags and participants are matched and stored as the study spells them")
  func metadataRoundTrip() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let added = try sandbox.add(
      "observation",
      [
        "--text", "Vrijdagmiddag bij het voedselpunt.", "--title", "Voedselpunt, vrijdag",
        "--neighbourhood", "jan van maijenbuurt", "--initiative", "voedselpunt de gedeelde tafel",
        "--question", "RQ3,rq1", "--question", "RQ3", "--tag", "voedsel", "--tag", "Vóedsel",
        "--tag", "vrijwilligers", "--participant", "P-017:buurtmoeder", "--participant", "P-018",
        "--at", "2024-03-15 14:30",
      ])
    #expect(added["title"]?.string == "Voedselpunt, vrijdag")
    #expect(added["neighbourhood"]?.string == "Jan van Maijenbuurt")
    #expect(added["initiative"]?.string == "Voedselpunt De Gedeelde Tafel")
    #expect(added["questions"]?.strings == ["RQ3", "RQ1"])
    #expect(added["tags"]?.strings == ["voedsel", "vrijwilligers"])
    #expect(
      added["participants"]
        == .array([
          .object(["pseudonym": .string("P-017"), "role": .string("buurtmoeder")]),
          .object(["pseudonym": .string("P-018"), "role": .null]),
        ]))
    #expect(added["occurred_at"]?.string == "2024-03-15T14:30:00+01:00")
    let id = try #require(added["id"]?.string)
    #expect(try sandbox.show(id) == added)
  }

  @Test("--at is read in Europe/Amsterdam time unless it carries an offset")
  func occurredAtTimeZones() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let cases = [
      ("2024-03-12", "2024-03-12T00:00:00+01:00"),
      ("2024-03-12 14:30", "2024-03-12T14:30:00+01:00"),
      ("2024-07-01T09:15:30", "2024-07-01T09:15:30+02:00"),
      ("2024-03-31 12:00", "2024-03-31T12:00:00+02:00"),
      ("2024-10-27 12:00", "2024-10-27T12:00:00+01:00"),
      ("2024-03-12T14:30:00+05:30", "2024-03-12T14:30:00+05:30"),
      ("2024-12-31T23:59:59Z", "2024-12-31T23:59:59+00:00"),
    ]
    for (typed, stored) in cases {
      let entry = try sandbox.addObservation("Om \(typed)", extra: ["--at", typed])
      #expect(entry["occurred_at"]?.string == stored, "--at \(typed)")
    }
  }

  @Test("a title taken from a body line keeps words that a tab separated apart")
  func derivedTitleKeepsTabSeparatedWordsApart() throws {
    // Given a body whose first line has a tab between two words
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    // When no --title is given
    let entry = try sandbox.addObservation("Koffie\tmet buurtmoeders\nTweede regel")
    // Then the derived title does not glue "Koffie" and "met" together
    let title = try #require(entry["title"]?.string)
    #expect(!title.contains("\t"))
    #expect(!title.contains("Koffiemet"), "title is \(title.debugDescription)")
    #expect(entry["body"]?.string == "Koffie\tmet buurtmoeders\nTweede regel")
  }
}

extension AddEntryTests {
  @Test("a long first line becomes a title of at most 60 characters, cut at a word")
  func longDerivedTitle() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let line =
      "Vandaag schoven de buurtmoeders van Holendrecht aan bij de wijkcoach om samen te praten"
    let entry = try sandbox.addObservation("# " + line + "\nTweede regel")
    let title = try #require(entry["title"]?.string)
    #expect(title == "Vandaag schoven de buurtmoeders van Holendrecht aan bij de…", "\(title)")
    #expect(title.count <= 61)
  }

  @Test("a body file saved as 'UTF-8 with BOM' is stored without the byte order mark")
  func byteOrderMarkInFile() throws {
    // Given a file as Windows editors save it: EF BB BF, then the text
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let file = try sandbox.write(
      "notitie.txt", Data([0xEF, 0xBB, 0xBF]) + Data("Met BOM\nregel 2".utf8))
    // When
    let entry = try sandbox.add(
      "observation",
      ["--file", file.path, "--neighbourhood", "Holendrecht", "--question", "RQ1"])
    // Then neither the body nor the title starts with U+FEFF
    #expect(entry["body"]?.string?.bytes == "Met BOM\nregel 2".bytes, "\(entry["body"] ?? .null)")
    #expect(entry["title"]?.string?.bytes == "Met BOM".bytes, "\(entry["title"] ?? .null)")
  }
}

extension Array where Element == UInt8 {
  /// Every run of `count` consecutive bytes.
  func windows(ofCount count: Int) -> [ArraySlice<UInt8>] {
    guard self.count >= count else { return [] }
    return (0...(self.count - count)).map { self[$0..<($0 + count)] }
  }
}

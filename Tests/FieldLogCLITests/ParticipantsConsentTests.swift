import Foundation
import Testing

/// Helpers for the participant, consent and key-file suites.
enum ConsentFixture {
  /// `participant list --json`, requiring success.
  static func participants(_ sandbox: Sandbox, sourceLocation: SourceLocation = #_sourceLocation)
    throws -> [JSON]
  {
    let result = try sandbox.fieldlog(["participant", "list", "--json"])
    try #require(
      result.status == 0, "participant list failed: \(result)", sourceLocation: sourceLocation)
    return try #require(
      try JSON.parse(result.stdoutData).array, "\(result)", sourceLocation: sourceLocation)
  }

  /// The listed participant with this pseudonym.
  static func participant(
    _ sandbox: Sandbox, _ pseudonym: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> JSON {
    try #require(
      try participants(sandbox, sourceLocation: sourceLocation).first {
        $0["pseudonym"]?.string == pseudonym
      }, "\(pseudonym) is not listed", sourceLocation: sourceLocation)
  }

  /// A participant's consent for one scope as (state, form, date); an absent member counts as null.
  static func consent(_ participant: JSON, _ scope: String) -> (String?, String?, String?) {
    guard let state = participant["consent"]?.array?.first(where: { $0["scope"]?.string == scope })
    else { return (nil, nil, nil) }
    return (state["state"]?.string, state["form"]?.string, state["date"]?.string)
  }

  /// `consent args...`, requiring success.
  static func consent(
    _ sandbox: Sandbox, _ args: [String], sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let result = try sandbox.fieldlog(["consent"] + args)
    try #require(result.status == 0, "consent failed: \(result)", sourceLocation: sourceLocation)
  }

  /// The consent line `show` prints for an entry, if any.
  static func consentLine(
    _ sandbox: Sandbox, _ id: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> String? {
    let show = try sandbox.fieldlog(["show", id])
    try #require(show.status == 0, "show failed: \(show)", sourceLocation: sourceLocation)
    return show.stdout.split(separator: "\n").map(String.init).first {
      $0.hasPrefix("consent:")
    }
  }

  /// The bytes of the journal and its -wal and -shm files, those that exist.
  static func journalBytes(_ sandbox: Sandbox) -> [String: Data] {
    var files: [String: Data] = [:]
    for suffix in ["", "-wal", "-shm", "-journal"] {
      if let data = FileManager.default.contents(atPath: sandbox.journal.path + suffix) {
        files[suffix] = data
      }
    }
    return files
  }

  /// Whether `needle` occurs in `data`, ignoring ASCII case.
  static func contains(_ data: Data, _ needle: String) -> Bool {
    let haystack = [UInt8](data).map(asciiLowercased)
    let pattern = Array(needle.utf8).map(asciiLowercased)
    guard !pattern.isEmpty, haystack.count >= pattern.count else { return false }
    var start = 0
    while let first = haystack[start...].firstIndex(of: pattern[0]) {
      if first + pattern.count > haystack.count { return false }
      if Array(haystack[first..<(first + pattern.count)]) == pattern { return true }
      start = first + 1
    }
    return false
  }

  private static func asciiLowercased(_ byte: UInt8) -> UInt8 {
    (0x41...0x5A).contains(byte) ? byte + 0x20 : byte
  }

  static func mode(_ path: String) throws -> Int? {
    try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
  }
}

@Suite("participants and consent")
struct ParticipantsConsentTests {
  @Test("an unregistered pseudonym on add is refused (65), named, with both ways out in the hint")
  func unregisteredParticipantRefused() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let before = try sandbox.state()
    let result = try sandbox.fieldlog([
      "add", "observation", "--text", "Gesprek", "--neighbourhood", "Holendrecht", "--question",
      "RQ1", "--participant", "P-050:buurtmoeder",
    ])
    #expect(result.status == 65, "\(result)")
    #expect(result.firstErrorLine.hasPrefix("error: "), "\(result)")
    #expect(result.firstErrorLine.contains("'P-050'"), "\(result)")
    #expect(result.stderr.contains("fieldlog participant add P-050"), "\(result)")
    #expect(result.stderr.contains("--new-participant"), "\(result)")
    #expect(try sandbox.state() == before)

    // --new-participant registers and names in one step
    let entry = try sandbox.addObservation(
      "Gesprek", extra: ["--new-participant", "P-050:buurtmoeder"])
    #expect(
      entry["participants"]
        == .array([.object(["pseudonym": .string("P-050"), "role": .string("buurtmoeder")])]))
    #expect(try ConsentFixture.participant(sandbox, "P-050")["pseudonym"]?.string == "P-050")
  }

  @Test("participant add keeps role and neighbourhood; a second time is refused with 65")
  func participantAdd() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let added = try sandbox.fieldlog([
      "participant", "add", "P-040", "--role", "buurtmoeder", "--neighbourhood", "holendrecht",
    ])
    try #require(added.status == 0, "\(added)")
    let person = try ConsentFixture.participant(sandbox, "P-040")
    #expect(person["role"]?.string == "buurtmoeder")
    #expect(person["neighbourhood"]?.string == "Holendrecht")
    #expect(
      try ConsentFixture.participants(sandbox).compactMap { $0["pseudonym"]?.string }
        == ["P-017", "P-018", "P-021", "P-030", "P-031", "P-040"])

    let before = try sandbox.state()
    for args in [
      ["participant", "add", "P-040"], ["participant", "add", "p-040"],
      ["participant", "add", "P-041", "--neighbourhood", "Holendrech"],
      ["participant", "add", "P 041"],
    ] {
      let result = try sandbox.fieldlog(args)
      #expect(result.status == 65, "\(args): \(result)")
      #expect(result.stderr.hasPrefix("error: "), "\(result)")
      #expect(try sandbox.state() == before, "\(args)")
    }
  }

  @Test("participant list --json shows consent per scope: none, then given, then withdrawn")
  func consentPerScope() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let fresh = try ConsentFixture.participant(sandbox, "P-017")
    #expect(
      fresh["consent"]?.array?.compactMap { $0["scope"]?.string } == [
        "recording", "quotation", "archive", "share-consortium", "member-check",
      ])
    for scope in ["recording", "quotation", "archive", "share-consortium", "member-check"] {
      #expect(ConsentFixture.consent(fresh, scope) == ("none", nil, nil), "\(fresh)")
    }

    try ConsentFixture.consent(
      sandbox,
      [
        "P-017", "--given", "written", "--scope", "recording,quotation", "--date",
        "2024-03-01",
      ])
    let given = try ConsentFixture.participant(sandbox, "P-017")
    #expect(ConsentFixture.consent(given, "recording") == ("given", "written", "2024-03-01"))
    #expect(ConsentFixture.consent(given, "quotation") == ("given", "written", "2024-03-01"))
    #expect(ConsentFixture.consent(given, "archive") == ("none", nil, nil))
    // Someone else's consent is not touched
    let other = try ConsentFixture.participant(sandbox, "P-018")
    #expect(ConsentFixture.consent(other, "quotation") == ("none", nil, nil))

    try ConsentFixture.consent(
      sandbox, ["P-017", "--withdraw", "--scope", "quotation", "--date", "2024-05-14"])
    let withdrawn = try ConsentFixture.participant(sandbox, "P-017")
    #expect(ConsentFixture.consent(withdrawn, "recording") == ("given", "written", "2024-03-01"))
    #expect(ConsentFixture.consent(withdrawn, "quotation").0 == "withdrawn", "\(withdrawn)")
    #expect(ConsentFixture.consent(withdrawn, "quotation").2 == "2024-05-14", "\(withdrawn)")
    #expect(ConsentFixture.consent(withdrawn, "archive") == ("none", nil, nil))

    // The table says the same
    let table = try sandbox.fieldlog(["participant", "list"])
    #expect(table.status == 0, "\(table)")
    let row = try #require(
      table.stdout.split(separator: "\n").first { $0.hasPrefix("P-017") }, "\(table)")
    #expect(row.contains("given (written) 2024-03-01"), "\(table)")
    #expect(row.contains("withdrawn 2024-05-14"), "\(table)")
    #expect(row.contains("none"), "\(table)")

    // --withdraw without --scope withdraws every scope
    try ConsentFixture.consent(sandbox, ["p-017", "--withdraw", "--date", "2024-06-01"])
    let none = try ConsentFixture.participant(sandbox, "P-017")
    for scope in ["recording", "quotation", "archive"] {
      #expect(ConsentFixture.consent(none, scope).0 == "withdrawn", "\(none)")
    }
  }

  @Test(
    "show marks an entry without quotation consent, until it is given, and again once withdrawn")
  func showMarksMissingQuotationConsent() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let id = try #require(
      try sandbox.addObservation(
        "Gesprek in de Buurtkamer", extra: ["--participant", "P-017", "--participant", "P-018"])[
          "id"]?.string)
    let alone = try #require(
      try sandbox.addObservation("Zonder deelnemers")["id"]?.string)

    let missingBoth = try #require(try ConsentFixture.consentLine(sandbox, id))
    #expect(missingBoth.contains("no quotation consent for P-017, P-018"), "\(missingBoth)")
    #expect(try ConsentFixture.consentLine(sandbox, alone) == nil)

    // Consent for recording alone is not consent for quotation
    try ConsentFixture.consent(sandbox, ["P-017", "--given", "written", "--scope", "recording"])
    #expect(
      try ConsentFixture.consentLine(sandbox, id)?.contains("P-017, P-018") == true)

    try ConsentFixture.consent(sandbox, ["P-017", "--given", "verbal", "--scope", "quotation"])
    let missingOne = try #require(try ConsentFixture.consentLine(sandbox, id))
    #expect(missingOne.contains("no quotation consent for P-018"), "\(missingOne)")
    #expect(!missingOne.contains("P-017"), "\(missingOne)")

    try ConsentFixture.consent(sandbox, ["P-018", "--given", "verbal", "--scope", "quotation"])
    #expect(try ConsentFixture.consentLine(sandbox, id) == nil)

    try ConsentFixture.consent(sandbox, ["P-017", "--withdraw", "--scope", "quotation"])
    let withdrawn = try #require(try ConsentFixture.consentLine(sandbox, id))
    #expect(withdrawn.contains("no quotation consent for P-017"), "\(withdrawn)")
    #expect(!withdrawn.contains("P-018"), "\(withdrawn)")
  }

  struct BadConsent: Sendable, CustomTestStringConvertible {
    var name: String
    var args: [String]
    var status: Int32
    var mentions: String
    var testDescription: String { name }
  }

  static let badConsent: [BadConsent] = [
    BadConsent(
      name: "an unknown scope",
      args: ["P-017", "--given", "written", "--scope", "quotation,citaat"], status: 65,
      mentions: "citaat"),
    BadConsent(
      name: "an unknown form", args: ["P-017", "--given", "mondeling", "--scope", "quotation"],
      status: 65, mentions: "mondeling"),
    BadConsent(
      name: "an unknown participant", args: ["P-077", "--given", "verbal", "--scope", "quotation"],
      status: 65, mentions: "P-077"),
    BadConsent(
      name: "withdrawing for an unknown participant", args: ["P-077", "--withdraw"], status: 65,
      mentions: "P-077"),
    BadConsent(
      name: "a date that is not a day",
      args: ["P-017", "--given", "verbal", "--scope", "quotation", "--date", "2024-03-12 14:30"],
      status: 65, mentions: "2024-03-12 14:30"),
    BadConsent(
      name: "neither --given nor --withdraw", args: ["P-017", "--scope", "quotation"], status: 64,
      mentions: "--withdraw"),
    BadConsent(
      name: "both --given and --withdraw",
      args: ["P-017", "--given", "verbal", "--withdraw", "--scope", "quotation"], status: 64,
      mentions: "--withdraw"),
    BadConsent(
      name: "--given without --scope", args: ["P-017", "--given", "verbal"], status: 64,
      mentions: "--scope"),
  ]

  @Test("bad consent input is refused and changes nothing", arguments: badConsent)
  func badConsentInput(_ testCase: BadConsent) throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    try ConsentFixture.consent(sandbox, ["P-017", "--given", "written", "--scope", "archive"])
    let before = try sandbox.state()
    let result = try sandbox.fieldlog(["consent"] + testCase.args)
    #expect(result.status == testCase.status, "\(result)")
    #expect(result.firstErrorLine.hasPrefix("error: "), "\(result)")
    #expect(result.firstErrorLine.contains(testCase.mentions), "\(result)")
    #expect(try sandbox.state() == before)
  }
}

@Suite("the key file")
struct KeyFileCLITests {
  static let name = "Fatima el Amrani"
  static let contact = "fatima.elamrani@voorbeeld.nl"

  @Test("keys add writes fieldlog-keys.sqlite next to the journal, mode 0600; keys list shows it")
  func keysAddNextToJournal() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let before = try sandbox.state()
    let keyFile = sandbox.url("fieldlog-keys.sqlite")
    #expect(!FileManager.default.fileExists(atPath: keyFile.path))

    let added = try sandbox.fieldlog([
      "keys", "add", "p-017", "--name", Self.name, "--contact", Self.contact,
    ])
    try #require(added.status == 0, "\(added)")
    #expect(added.stdout.contains(keyFile.path), "\(added)")
    #expect(try ConsentFixture.mode(keyFile.path) == 0o600)
    // The key file holds the name, the journal does not (it only remembers the key file's
    // fingerprint, issue 13.4)
    let keyBytes = try Data(contentsOf: keyFile)
    #expect(ConsentFixture.contains(keyBytes, "el Amrani"), "the key file lacks the name")
    for (suffix, data) in ConsentFixture.journalBytes(sandbox) {
      #expect(!ConsentFixture.contains(data, "Amrani"), "the name is in journal\(suffix)")
      #expect(!ConsentFixture.contains(data, "voorbeeld.nl"), "the contact is in journal\(suffix)")
    }
    let after = try sandbox.state()
    #expect(after.entries == before.entries)
    let new = after.dump.split(separator: "\n").filter { !before.dump.contains($0) }
    #expect(new.count == 1 && new.first?.hasPrefix("INSERT INTO key_file_use") == true, "\(new)")

    let list = try sandbox.fieldlog(["keys", "list"])
    #expect(list.status == 0, "\(list)")
    let row = try #require(
      list.stdout.split(separator: "\n").first { $0.hasPrefix("P-017") }, "\(list)")
    #expect(row.contains(Self.name), "\(list)")
    #expect(row.contains(Self.contact), "\(list)")
    // Reading the key file leaves no side files
    let names = try FileManager.default.contentsOfDirectory(atPath: sandbox.dir.path).sorted()
    #expect(names == ["fieldlog-keys.sqlite", "journal.sqlite"], "\(names)")
  }

  @Test(
    "keys add --keys PATH writes the key file there, mode 0600, and nothing next to the journal")
  func keysAddElsewhere() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let folder = sandbox.url("elders")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
    let keyFile = folder.appendingPathComponent("sleutels.sqlite")
    let added = try sandbox.fieldlog([
      "keys", "add", "P-018", "--name", Self.name, "--keys", keyFile.path,
    ])
    try #require(added.status == 0, "\(added)")
    #expect(try ConsentFixture.mode(keyFile.path) == 0o600)
    #expect(!FileManager.default.fileExists(atPath: sandbox.url("fieldlog-keys.sqlite").path))
    for (suffix, data) in ConsentFixture.journalBytes(sandbox) {
      #expect(!ConsentFixture.contains(data, "Amrani"), "the name is in journal\(suffix)")
    }
    let list = try sandbox.fieldlog(["keys", "list", "--keys", keyFile.path])
    #expect(list.status == 0, "\(list)")
    #expect(list.stdout.contains("P-018"), "\(list)")
    #expect(list.stdout.contains(Self.name), "\(list)")
    // Without --keys there is no key file to list
    let absent = try sandbox.fieldlog(["keys", "list"])
    #expect(absent.status != 0, "\(absent)")
    #expect(!absent.stdout.contains(Self.name), "\(absent)")
  }

  @Test("keys add for an unregistered pseudonym is refused with 65")
  func keysAddUnknown() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let before = try sandbox.state()
    let result = try sandbox.fieldlog(["keys", "add", "P-055", "--name", Self.name])
    #expect(result.status == 65, "\(result)")
    #expect(result.firstErrorLine.contains("P-055"), "\(result)")
    #expect(result.stderr.contains("participant add P-055"), "\(result)")
    #expect(try sandbox.state() == before)
    if let keys = FileManager.default.contents(atPath: sandbox.url("fieldlog-keys.sqlite").path) {
      #expect(!ConsentFixture.contains(keys, "Amrani"))
    }
  }

  @Test("a refused keys add leaves no key file behind")
  func refusedKeysAddCreatesNoFile() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let result = try sandbox.fieldlog(["keys", "add", "P-055", "--name", Self.name])
    #expect(result.status == 65, "\(result)")
    let names = try FileManager.default.contentsOfDirectory(atPath: sandbox.dir.path).sorted()
    #expect(names == ["journal.sqlite"], "a refused command left files behind: \(names)")
  }

  @Test("keys add a second time for the same pseudonym is refused with 65; the first name stays")
  func keysAddTwice() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    try #require(
      try sandbox.fieldlog(["keys", "add", "P-017", "--name", Self.name]).status == 0)
    let keyFile = sandbox.url("fieldlog-keys.sqlite")
    let keysBefore = try Data(contentsOf: keyFile)
    let before = try sandbox.state()
    for pseudonym in ["P-017", "p-017"] {
      let again = try sandbox.fieldlog(["keys", "add", pseudonym, "--name", "Iemand Anders"])
      #expect(again.status == 65, "\(again)")
      #expect(again.firstErrorLine.contains("P-017"), "\(again)")
    }
    #expect(try Data(contentsOf: keyFile) == keysBefore)
    #expect(try sandbox.state() == before)
    let list = try sandbox.fieldlog(["keys", "list"])
    #expect(list.stdout.contains(Self.name), "\(list)")
    #expect(!list.stdout.contains("Iemand Anders"), "\(list)")
  }
}

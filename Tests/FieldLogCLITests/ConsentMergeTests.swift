import Foundation
import Testing

/// Consent recorded in several journals: a withdrawal is never undone by a merge, concurrent changes
/// are listed, and `init --from` carries consent over (issue 13.3, issue 12.15).
@Suite("consent across merges and init --from")
struct ConsentMergeTests {
  let team = TeamworkTests()

  func participants(_ sandbox: Sandbox, _ journal: URL) throws -> JSON {
    try JSON.parse(
      try team.expectOK(sandbox.fieldlog(["participant", "list", "--json"], journal: journal))
        .stdoutData)
  }

  /// The state of one participant's consent for one scope.
  func consent(_ sandbox: Sandbox, _ journal: URL, _ pseudonym: String, _ scope: String) throws
    -> String?
  {
    let person = try participants(sandbox, journal).array?.first {
      $0["pseudonym"]?.string == pseudonym
    }
    return person?["consent"]?.array?.first { $0["scope"]?.string == scope }?["state"]?.string
  }

  @Test(
    "conflicts lists a withdrawal and an older paper form recorded concurrently, as JSON and as text; a new withdrawal settles it"
  )
  func withdrawalWinsWhateverTheMergeOrder() throws {
    // Given Anna's consent for P-017, and her entry that quotes P-017, which Bram merged
    let sandbox = try Sandbox()
    let anna = try team.fieldworker("Anna", in: sandbox)
    let bram = try team.fieldworker("Bram", in: sandbox)
    try team.expectOK(
      sandbox.fieldlog(
        [
          "consent", "P-017", "--given", "written", "--scope", "recording,quotation,archive",
          "--date", "2024-01-10",
        ], journal: anna.journal))
    let quote = "P-017 vertelt over de buurtkamer (citaat-proef)."
    try team.expectOK(
      sandbox.fieldlog(
        [
          "add", "interview", "--text", quote, "--neighbourhood", "Holendrecht", "--question",
          "RQ1", "--participant", "P-017",
        ], journal: anna.journal))
    try team.expectOK(sandbox.fieldlog(["merge", anna.journal.path], journal: bram.journal))

    // When Anna withdraws quotation consent, and Bram, who has not merged since, records an older
    // paper form
    try team.expectOK(
      sandbox.fieldlog(
        ["consent", "P-017", "--withdraw", "--scope", "quotation"], journal: anna.journal))
    try team.expectOK(
      sandbox.fieldlog(
        ["consent", "P-017", "--given", "written", "--scope", "quotation", "--date", "2024-01-15"],
        journal: bram.journal))

    // Then after merging, conflicts lists both changes, with the withdrawal in force, as JSON that
    // keeps its schema and as text (the consent states, the withheld quote and both merge orders
    // are checked in FieldLogCoreTests.ConsentMergeTests)
    let annaFirst = try team.copy(anna.journal, to: "anna-then-bram.sqlite", in: sandbox)
    try team.expectOK(sandbox.fieldlog(["merge", bram.journal.path], journal: annaFirst))
    let raw = try team.expectOK(sandbox.fieldlog(["conflicts", "--json"], journal: annaFirst))
    let valid = try sandbox.validate(raw.stdoutData, schema: Paths.schema("conflicts"))
    #expect(valid.status == 0, "conflicts --json against its schema: \(valid)")
    let listed = try JSON.parse(raw.stdoutData)
    let conflicts = listed["consents"]?.array ?? []
    #expect(conflicts.count == 1, "\(listed)")
    let conflict = try #require(conflicts.first)
    #expect(conflict["participant"]?.string == "P-017")
    #expect(conflict["scope"]?.string == "quotation")
    #expect(conflict["in_force"]?.string == "withdrawn")
    let changes = conflict["changes"]?.array ?? []
    #expect(Set(changes.compactMap { $0["author"]?.string }) == ["Anna", "Bram"], "\(conflict)")
    #expect(Set(changes.compactMap { $0["state"]?.string }) == ["given", "withdrawn"])
    let human = try team.expectOK(sandbox.fieldlog(["conflicts"], journal: annaFirst))
    #expect(human.stdout.contains("consent of P-017 for quotation"), "\(human)")
    #expect(!human.stdout.contains("no conflicts"), "\(human)")

    // When Anna records the withdrawal again, knowing both changes, Then it is settled
    try team.expectOK(
      sandbox.fieldlog(
        ["consent", "P-017", "--withdraw", "--scope", "quotation"], journal: annaFirst))
    let settled = try JSON.parse(
      try team.expectOK(sandbox.fieldlog(["conflicts", "--json"], journal: annaFirst)).stdoutData)
    #expect(settled["consents"]?.array?.isEmpty == true, "\(settled)")
    try team.expectOK(sandbox.fieldlog(["verify"], journal: annaFirst))
  }

  @Test(
    "a journal from before v3-consent-by-date verifies as it is, and its first open replays consent by date"
  )
  func olderJournalIsUpgraded() throws {
    // Given a withdrawal recorded after consent but dated before it, in a journal whose consent
    // table still says what the rule before v3 said (the change recorded last holds)
    let sandbox = try Sandbox()
    let anna = try team.fieldworker("Anna", in: sandbox)
    try team.expectOK(
      sandbox.fieldlog(
        ["consent", "P-030", "--given", "written", "--scope", "archive", "--date", "2024-03-01"],
        journal: anna.journal))
    try team.expectOK(
      sandbox.fieldlog(
        ["consent", "P-030", "--withdraw", "--scope", "archive", "--date", "2024-01-01"],
        journal: anna.journal))
    #expect(try consent(sandbox, anna.journal, "P-030", "archive") == "given")
    _ = try team.sqlite(
      anna.journal,
      """
      UPDATE consent SET state = 'withdrawn', form = NULL, date = '2024-01-01' WHERE scope = 'archive';
      DELETE FROM grdb_migrations WHERE identifier = 'v3-consent-by-date';
      """)

    // When it is verified without being upgraded, Then it is whole
    try team.expectOK(sandbox.fieldlog(["verify"], journal: anna.journal))
    // When this fieldlog opens it, Then the consent is replayed under the rule of today
    #expect(try consent(sandbox, anna.journal, "P-030", "archive") == "given")
    #expect(
      try team.sqlite(
        anna.journal, "SELECT count(*) FROM grdb_migrations WHERE identifier = 'v3-consent-by-date'"
      )
        == "1\n")
    try team.expectOK(sandbox.fieldlog(["verify"], journal: anna.journal))
  }

  @Test(
    "init --from carries participants and their consent (state, form, date); merging the source later adds no conflict"
  )
  func initFromCarriesConsent() throws {
    let sandbox = try Sandbox()
    let anna = try team.fieldworker("Anna", in: sandbox)
    for arguments in [
      ["P-017", "--given", "written", "--scope", "recording,quotation", "--date", "2024-02-01"],
      ["P-021", "--given", "verbal", "--scope", "archive", "--date", "2024-02-03"],
      ["P-017", "--withdraw", "--scope", "recording", "--date", "2024-03-01"],
    ] {
      try team.expectOK(sandbox.fieldlog(["consent"] + arguments, journal: anna.journal))
    }
    try team.expectOK(
      sandbox.fieldlog(["keys", "add", "P-017", "--name", "Fatima Yilmaz"], journal: anna.journal))
    let snapshot = sandbox.url("voor-bram.sqlite")
    try team.expectOK(sandbox.fieldlog(["snapshot", "-o", snapshot.path], journal: anna.journal))
    let bram = try team.fieldworker("Bram", in: sandbox, from: snapshot)

    let expected = try participants(sandbox, anna.journal)
    #expect(try participants(sandbox, bram.journal) == expected)
    #expect(try consent(sandbox, bram.journal, "P-017", "recording") == "withdrawn")
    #expect(try consent(sandbox, bram.journal, "P-017", "quotation") == "given")
    try team.expectOK(sandbox.fieldlog(["verify"], journal: bram.journal))
    // The key file stays where it is: no copy beside the new journal, no name in it.
    #expect(
      !FileManager.default.fileExists(
        atPath: bram.journal.deletingLastPathComponent().appendingPathComponent(
          "fieldlog-keys.sqlite"
        ).path))
    #expect(!(try Data(contentsOf: bram.journal)).contains(Data("Fatima".utf8)))

    try team.expectOK(sandbox.fieldlog(["merge", anna.journal.path], journal: bram.journal))
    try team.expectOK(sandbox.fieldlog(["merge", bram.journal.path], journal: anna.journal))
    for journal in [anna.journal, bram.journal] {
      let listed = try JSON.parse(
        try team.expectOK(sandbox.fieldlog(["conflicts", "--json"], journal: journal)).stdoutData)
      #expect(listed["consents"]?.array?.isEmpty == true, "\(listed)")
      #expect(try participants(sandbox, journal) == expected)
    }
  }
}

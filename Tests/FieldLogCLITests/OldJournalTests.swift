import Foundation
import Testing

/// Journals written by fieldlog 7e73062, the release before the write path was redesigned (issue
/// 14), open, verify, take new entries and merge, with their owners' keys and with today's code.
/// The files are never rewritten: each test works on copies (Fixtures/journals/README.md).
@Suite struct OldJournalTests {
  static let folder = Paths.packageRoot.appendingPathComponent(
    "Tests/FieldLogCLITests/Fixtures/journals")
  static let owner = folder.appendingPathComponent("amsterdam-7e73062.sqlite")
  static let colleague = folder.appendingPathComponent("colleague-7e73062.sqlite")

  /// Copies of both journals in the sandbox, and an environment whose key folder holds their
  /// owners' signing keys, as on the machines that wrote them.
  static func copies(_ sandbox: Sandbox) throws -> (
    owner: URL, colleague: URL, env: [String: String]
  ) {
    let owner = sandbox.url("amsterdam.sqlite")
    let colleague = sandbox.url("colleague.sqlite")
    try FileManager.default.copyItem(at: Self.owner, to: owner)
    try FileManager.default.copyItem(at: Self.colleague, to: colleague)
    let config = sandbox.url("config")
    try FileManager.default.copyItem(at: folder.appendingPathComponent("config"), to: config)
    return (owner, colleague, ["XDG_CONFIG_HOME": config.path])
  }

  @Test("both journals verify as they are, and so says the independent verifier")
  func verifyAsTheyAre() throws {
    let sandbox = try Sandbox()
    let (owner, colleague, env) = try Self.copies(sandbox)
    for journal in [owner, colleague] {
      let verified = try sandbox.fieldlog(["verify", "--json"], env: env, journal: journal)
      #expect(verified.status == 0, "\(verified)")
      let report = try JSON.parse(verified.stdoutData)
      #expect(report["ok"] == .bool(true), "\(verified)")
      let independent = try sandbox.python([Paths.verifyJournal.path, journal.path])
      #expect(independent.status == 0, "\(independent)")
    }
    // What the fixture holds, so a reader of a failure knows what was there.
    let listed = try sandbox.fieldlog(["list", "--json"], env: env, journal: owner)
    #expect(try JSON.parse(listed.stdoutData).array?.count == 8, "\(listed)")
  }

  @Test("the owner records, codes and corrects in the old journal, and it verifies after")
  func ownerWritesOn() throws {
    let sandbox = try Sandbox()
    let (owner, _, env) = try Self.copies(sandbox)
    let added = try sandbox.fieldlog(
      [
        "add", "observation", "--neighbourhood", "Holendrecht", "--question", "RQ1", "--at",
        "2024-06-01 10:00", "--text", "Na de update: de buurtkamer is weer open.", "--json",
      ], env: env, journal: owner)
    #expect(added.status == 0, "\(added)")
    let id = try #require(try JSON.parse(added.stdoutData)["id"]?.string)
    for command in [
      ["code", "apply", id, "informele steun > buurtmoeders", "--quote", "weer open"],
      [
        "amend", id, "--text", "Na de update: de buurtkamer is weer open, ook op vrijdag.",
        "--reason", "dag aangevuld",
      ],
      ["memo", "add", "--about", id, "Open op vrijdag."],
    ] {
      let result = try sandbox.fieldlog(command, env: env, journal: owner)
      #expect(result.status == 0, "\(command): \(result)")
    }
    let verified = try sandbox.fieldlog(["verify"], env: env, journal: owner)
    #expect(verified.status == 0, "\(verified)")
    let independent = try sandbox.python([Paths.verifyJournal.path, owner.path])
    #expect(independent.status == 0, "\(independent)")
    let rebuilt = try sandbox.fieldlog(["rebuild"], env: env, journal: owner)
    #expect(rebuilt.status == 0, "\(rebuilt)")
  }

  @Test("old and new events merge both ways between the old journals, in either order")
  func mergeOldAndNew() throws {
    let sandbox = try Sandbox()
    let (owner, colleague, env) = try Self.copies(sandbox)
    let added = try sandbox.fieldlog(
      [
        "add", "interview", "--neighbourhood", "Jan van Maijenbuurt", "--question", "RQ2", "--at",
        "2024-06-02 11:00", "--text", "Bram spreekt de coördinator na de zomer.",
      ], env: env, journal: colleague)
    #expect(added.status == 0, "\(added)")
    let ownerAdded = try sandbox.fieldlog(
      [
        "add", "observation", "--neighbourhood", "Holendrecht", "--question", "RQ3", "--at",
        "2024-06-03 09:00", "--text", "Sanne ziet de buurtmoeders opnieuw.",
      ], env: env, journal: owner)
    #expect(ownerAdded.status == 0, "\(ownerAdded)")
    let intoOwner = try sandbox.fieldlog(["merge", colleague.path], env: env, journal: owner)
    #expect(intoOwner.status == 0, "\(intoOwner)")
    let intoColleague = try sandbox.fieldlog(["merge", owner.path], env: env, journal: colleague)
    #expect(intoColleague.status == 0, "\(intoColleague)")
    for journal in [owner, colleague] {
      let verified = try sandbox.fieldlog(["verify"], env: env, journal: journal)
      #expect(verified.status == 0, "\(verified)")
    }
    let ownerList = try sandbox.fieldlog(["list", "--json"], env: env, journal: owner)
    let colleagueList = try sandbox.fieldlog(["list", "--json"], env: env, journal: colleague)
    #expect(try JSON.parse(ownerList.stdoutData).array?.count == 10, "\(ownerList)")
    #expect(ownerList.stdout == colleagueList.stdout)
  }

  /// A journal of fieldlog d4afa36 (schema step v7-sharing-consent), made by make-sharing.sh: the
  /// last before v8-par-loop made the entry and consent tables anew.
  static let sharing = folder.appendingPathComponent("sharing-d4afa36.sqlite")

  @Test("a v7 journal verifies unopened, and after v8-par-loop its entries are as they were")
  func sharingJournalCrossesTheActionResearchStep() throws {
    let sandbox = try Sandbox()
    let journal = sandbox.url("sharing.sqlite")
    try FileManager.default.copyItem(at: Self.sharing, to: journal)
    let config = sandbox.url("config")
    try FileManager.default.copyItem(at: Self.folder.appendingPathComponent("config"), to: config)
    let env = ["XDG_CONFIG_HOME": config.path]

    // verify reads it as it is, without taking the new schema step.
    let unopened = try sandbox.fieldlog(["verify"], env: env, journal: journal)
    #expect(unopened.status == 0, "\(unopened)")
    let steps = try sandbox.sqlite("SELECT count(*) FROM grdb_migrations", journal: journal)
    #expect(steps.stdout == "7\n", "verify took no schema step: \(steps)")

    // Opened, it takes the step; every entry, retracted and redacted ones too, reads as that
    // fieldlog listed it, with the same key (the search index's rowid) and codings.
    let listed = try sandbox.fieldlog(
      ["list", "--json", "--include-retracted"], env: env, journal: journal)
    try #require(listed.status == 0, "\(listed)")
    let expected = try JSON.parse(
      Data(contentsOf: Self.folder.appendingPathComponent("sharing-d4afa36.list.json")))
    #expect(try JSON.parse(listed.stdoutData) == expected)
    let searched = try sandbox.fieldlog(["search", "buurtmoeder"], env: env, journal: journal)
    #expect(searched.stdout.contains("Koffieochtend in de buurtkamer"), "\(searched)")
    for command in [["verify"], ["rebuild"], ["verify"]] {
      let result = try sandbox.fieldlog(command, env: env, journal: journal)
      #expect(result.status == 0, "\(command): \(result)")
    }
    let independent = try sandbox.python([Paths.verifyJournal.path, journal.path])
    #expect(independent.status == 0, "\(independent)")

    // Its owner writes on with the new kinds and scopes.
    for command in [
      ["add", "reflection", "--text", "Na de update: terugkijken op de koffieochtend."],
      ["consent", "P-017", "--given", "written", "--scope", "member-check"],
      ["membercheck", "record", "P-017", "--response", "agrees", "--text", "Klopt."],
      ["verify"],
    ] {
      let result = try sandbox.fieldlog(command, env: env, journal: journal)
      #expect(result.status == 0, "\(command): \(result)")
    }
  }

  /// A journal of fieldlog 1c4d6ba (schema step v8-par-loop), made by make-par.sh: cycles,
  /// letters, a reflection, a member check, retention, before v9-networks.
  static let par = folder.appendingPathComponent("par-1c4d6ba.sqlite")

  @Test("a v8 journal verifies unopened; after v9-networks it lists the same and takes a network")
  func parJournalCrossesTheNetworkStep() throws {
    let sandbox = try Sandbox()
    let journal = sandbox.url("par.sqlite")
    try FileManager.default.copyItem(at: Self.par, to: journal)
    let config = sandbox.url("config")
    try FileManager.default.copyItem(at: Self.folder.appendingPathComponent("config"), to: config)
    let env = ["XDG_CONFIG_HOME": config.path]

    let unopened = try sandbox.fieldlog(["verify"], env: env, journal: journal)
    #expect(unopened.status == 0, "\(unopened)")
    let steps = try sandbox.sqlite("SELECT count(*) FROM grdb_migrations", journal: journal)
    #expect(steps.stdout == "8\n", "verify took no schema step: \(steps)")

    let listed = try sandbox.fieldlog(
      ["list", "--json", "--include-retracted", "--include-reflections"], env: env,
      journal: journal)
    try #require(listed.status == 0, "\(listed)")
    let expected = try JSON.parse(
      Data(contentsOf: Self.folder.appendingPathComponent("par-1c4d6ba.list.json")))
    #expect(try JSON.parse(listed.stdoutData) == expected)
    let after = try sandbox.sqlite("SELECT count(*) FROM grdb_migrations", journal: journal)
    #expect(after.stdout == "9\n", "opening took the step v9-networks: \(after)")

    // Its owner records the network of P-017, on the conversation the old fieldlog recorded.
    for command in [
      ["network", "member", "add", "P-017", "P-021", "--role", "family", "--since", "2024-03-01"],
      [
        "network", "tie", "P-017", "P-021", "P-017", "--kind", "support", "--strength", "2",
        "--directed", "--at", "2024-03-20",
      ],
      ["network", "due", "--today", "2024-04-10"],
      ["verify"], ["rebuild"], ["verify"],
    ] {
      let result = try sandbox.fieldlog(command, env: env, journal: journal)
      #expect(result.status == 0, "\(command): \(result)")
      if command.count > 1 && command[1] == "due" {
        #expect(result.stdout.contains("buurvrouw gaat mee naar het voedselpunt"), "\(result)")
      }
    }
    let independent = try sandbox.python([Paths.verifyJournal.path, journal.path])
    #expect(independent.status == 0, "\(independent)")
  }
}

import Foundation
import Testing

@Suite("bad input changes nothing")
struct BadInputTests {
  @Test(
    "control: the snapshot the bad-input tests take does see a change that a good command makes")
  func snapshotSeesChanges() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let before = try sandbox.state()
    let added = try sandbox.fieldlog(
      ["study", "add-question", "RQ9", "--text", "Een vraag die niets in de lijst verandert"])
    try #require(added.status == 0, "\(added)")
    let after = try sandbox.state()
    #expect(after != before)
    #expect(after.dump != before.dump)
  }

  @Test("no journal: exit 66 with a hint to run fieldlog init, and no file is created")
  func noJournal() throws {
    let sandbox = try Sandbox()
    for args in [
      ["list"], ["show", "abcd"], ["verify"], ["rebuild"], ["study", "show"],
      ["add", "observation", "--text", "x", "--neighbourhood", "Holendrecht", "--question", "RQ1"],
    ] {
      let result = try sandbox.fieldlog(args)
      #expect(result.status == 66, "\(args): \(result)")
      #expect(
        result.firstErrorLine == "error: no journal at '\(sandbox.journal.path)'", "\(result)")
      #expect(result.stderr.contains("hint: "), "\(result)")
      #expect(result.stderr.contains("fieldlog init"), "\(result)")
      #expect(!FileManager.default.fileExists(atPath: sandbox.journal.path), "\(args) created it")
    }
    // Also when the path comes from FIELDLOG_JOURNAL
    let viaEnvironment = try sandbox.cli.run(
      ["list"], env: ["FIELDLOG_JOURNAL": sandbox.journal.path], currentDirectory: sandbox.dir)
    #expect(viaEnvironment.status == 66, "\(viaEnvironment)")
    #expect(viaEnvironment.stderr.contains("fieldlog init"), "\(viaEnvironment)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.dir.path).isEmpty)
  }

  @Test(
    "a file that is not a fieldlog journal: exit 65, and the file is left alone",
    arguments: ["text", "empty", "foreign-sqlite"])
  func notAJournal(kind: String) throws {
    let sandbox = try Sandbox()
    switch kind {
    case "text":
      try sandbox.write("journal.sqlite", text: "Dit is geen database.\n")
    case "empty":
      try sandbox.write("journal.sqlite", Data())
    default:
      _ = try sandbox.query("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('hallo');")
    }
    let before = try Data(contentsOf: sandbox.journal)
    for args in [
      ["list"], ["verify"], ["rebuild"],
      ["add", "observation", "--text", "x", "--neighbourhood", "Holendrecht", "--question", "RQ1"],
    ] {
      let result = try sandbox.fieldlog(args)
      #expect(result.status == 65, "\(args): \(result)")
      #expect(
        result.stderr.hasPrefix("error: '\(sandbox.journal.path)' is not a fieldlog journal"),
        "\(result)")
      #expect(try Data(contentsOf: sandbox.journal) == before, "\(args) changed the file")
      #expect(!FileManager.default.fileExists(atPath: sandbox.journal.path + "-wal"))
    }
  }

  @Test("a folder given as the journal: exit 65")
  func folderAsJournal() throws {
    let sandbox = try Sandbox()
    let result = try sandbox.fieldlog(["list"], journal: sandbox.dir)
    #expect(result.status == 65, "\(result)")
    #expect(result.stderr.hasPrefix("error: "), "\(result)")
  }

  @Test("an unknown subcommand or option is a usage error (64)")
  func usageErrors() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    for args in [
      ["lijst"], ["list", "--kleur", "rood"], ["show"], ["study", "add-question", "RQ9"],
    ] {
      let result = try sandbox.fieldlog(args)
      #expect(result.status == 64, "\(args): \(result)")
      #expect(result.stderr.hasPrefix("error: "), "\(args): \(result)")
    }
  }
}

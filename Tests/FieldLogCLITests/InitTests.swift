import Foundation
import Testing

@Suite("init: creating a journal")
struct InitTests {
  @Test("init --study creates a journal readable only by its owner")
  func createsPrivateJournal() throws {
    let sandbox = try Sandbox()
    // When
    let result = try sandbox.initJournal()
    // Then
    #expect(result.stdout.contains(Sandbox.studyName), "\(result)")
    #expect(
      result.stdout.contains("2 neighbourhoods, 5 initiatives, 4 research questions"), "\(result)")
    let attributes = try FileManager.default.attributesOfItem(atPath: sandbox.journal.path)
    let mode = try #require(attributes[.posixPermissions] as? NSNumber).intValue
    #expect(mode & 0o777 == 0o600, "mode is \(String(mode, radix: 8))")
    #expect(try sandbox.list().isEmpty)
    let verify = try sandbox.fieldlog(["verify"])
    #expect(verify.status == 0, "\(verify)")
  }

  @Test("init makes the journal 0600 even under umask 000")
  func privateUnderPermissiveUmask() throws {
    let sandbox = try Sandbox()
    let commandLine = [
      sandbox.cli.binary.path, "init", "--study", Paths.amsterdamStudy.path, "--journal",
      sandbox.journal.path,
    ].map(Processes.shellQuoted).joined(separator: " ")
    let result = try Processes.run(
      URL(fileURLWithPath: "/bin/sh"), ["-c", "umask 000 && exec " + commandLine])
    try #require(result.status == 0, "\(result)")
    let attributes = try FileManager.default.attributesOfItem(atPath: sandbox.journal.path)
    let mode = try #require(attributes[.posixPermissions] as? NSNumber).intValue
    #expect(mode & 0o777 == 0o600, "mode is \(String(mode, radix: 8))")
  }

  @Test("init on an existing journal fails with exit 1 and leaves its bytes alone")
  func refusesToOverwrite() throws {
    // Given a journal with an entry
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    try sandbox.addObservation("Eerste notitie")
    let before = try Data(contentsOf: sandbox.journal)

    for study in [Paths.amsterdamStudy, Paths.geldersevalleiStudy] {
      // When init runs again on the same path
      let again = try sandbox.fieldlog(["init", "--study", study.path])
      // Then it fails and the file is untouched
      #expect(again.status == 1, "\(again)")
      #expect(again.stderr.hasPrefix("error: "), "\(again)")
      #expect(again.stderr.contains(sandbox.journal.path), "\(again)")
      #expect(again.stdout.isEmpty, "\(again)")
      #expect(try Data(contentsOf: sandbox.journal) == before)
      #expect(!FileManager.default.fileExists(atPath: sandbox.journal.path + "-wal"))
    }
    #expect(try sandbox.list().count == 1)
  }

  @Test("init refuses a path that exists as an empty file, and leaves it empty")
  func refusesExistingEmptyFile() throws {
    let sandbox = try Sandbox()
    _ = FileManager.default.createFile(atPath: sandbox.journal.path, contents: Data())
    let result = try sandbox.fieldlog(["init", "--study", Paths.amsterdamStudy.path])
    #expect(result.status == 1, "\(result)")
    #expect(try Data(contentsOf: sandbox.journal).isEmpty)
  }

  @Test("init into a folder that does not exist fails with 66 and creates nothing")
  func missingFolder() throws {
    let sandbox = try Sandbox()
    let journal = sandbox.url("no-such-folder/journal.sqlite")
    let result = try sandbox.fieldlog(
      ["init", "--study", Paths.amsterdamStudy.path], journal: journal)
    #expect(result.status == 66, "\(result)")
    #expect(result.stderr.hasPrefix("error: "), "\(result)")
    #expect(!FileManager.default.fileExists(atPath: sandbox.url("no-such-folder").path))
  }

  @Test("init with a study file that does not exist fails with 66 and creates no journal")
  func missingStudyFile() throws {
    let sandbox = try Sandbox()
    let result = try sandbox.fieldlog(["init", "--study", sandbox.url("missing.yaml").path])
    #expect(result.status == 66, "\(result)")
    #expect(result.stderr.hasPrefix("error: "), "\(result)")
    #expect(result.stderr.contains("missing.yaml"), "\(result)")
    #expect(!FileManager.default.fileExists(atPath: sandbox.journal.path))
  }

  @Test("a journal path with spaces and diacritics works")
  func pathWithSpacesAndDiacritics() throws {
    let sandbox = try Sandbox()
    let journal = sandbox.url("Veldwerk Zuidoost – één.sqlite")
    let created = try sandbox.fieldlog(
      ["init", "--study", Paths.amsterdamStudy.path], journal: journal)
    try #require(created.status == 0, "\(created)")
    let added = try sandbox.fieldlog(
      ["add", "observation", "--text", "x", "--neighbourhood", "Holendrecht", "--question", "RQ1"],
      journal: journal)
    #expect(added.status == 0, "\(added)")
    #expect(try sandbox.fieldlog(["verify"], journal: journal).status == 0)
  }

  @Test("an empty author is refused with 65 and no journal is created")
  func emptyAuthor() throws {
    let sandbox = try Sandbox()
    let result = try sandbox.fieldlog([
      "init", "--study", Paths.amsterdamStudy.path, "--author", "  ",
    ])
    #expect(result.status == 65, "\(result)")
    #expect(result.stderr.hasPrefix("error: "), "\(result)")
    #expect(!FileManager.default.fileExists(atPath: sandbox.journal.path))
  }

  @Test("FIELDLOG_JOURNAL names the journal when --journal is not given")
  func journalFromEnvironment() throws {
    let sandbox = try Sandbox()
    let env = ["FIELDLOG_JOURNAL": sandbox.journal.path]
    let created = try sandbox.cli.run(
      ["init", "--study", Paths.amsterdamStudy.path, "--author", Sandbox.author], env: env,
      currentDirectory: sandbox.dir)
    try #require(created.status == 0, "\(created)")
    #expect(FileManager.default.fileExists(atPath: sandbox.journal.path))
    #expect(!FileManager.default.fileExists(atPath: sandbox.url("fieldlog.sqlite").path))

    let added = try sandbox.cli.run(
      [
        "add", "observation", "--text", "Via de omgeving", "--neighbourhood", "Holendrecht",
        "--question", "RQ1", "--json",
      ], env: env)
    try #require(added.status == 0, "\(added)")
    let entry = try JSON.parse(added.stdoutData)
    #expect(entry["author"]?.string == Sandbox.author)
    #expect(try sandbox.list().map { $0["id"] } == [entry["id"]])
  }
}

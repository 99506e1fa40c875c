import Foundation
import Testing

@Suite("memos name codes by path")
struct MemoPathTests {
  @Test("memo list and memos.csv show a code memo's path, not the code's UUID")
  func memosNameCodesByPath() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let memo = try CodingCLI.run(
      sandbox, ["memo", "add", "--about", "buurtmoeders", "Moeders als brug"]
    ).output
    let codeID = try #require(
      try sandbox.query("SELECT about_id FROM memo").split(separator: "'").first.map(String.init))

    let listed = try CodingCLI.run(sandbox, ["memo", "list"]).stdout
    #expect(listed.contains("about code 'informele steun > buurtmoeders'"), "\(listed)")
    #expect(!listed.contains(codeID.prefix(8)), "\(listed)")
    let json = try #require(try CodingCLI.json(sandbox, ["memo", "list", "--json"]).array?.first)
    #expect(json["about"]?.string == codeID, "the id stays for scripts: \(json)")
    #expect(json["about_path"]?.string == "informele steun > buurtmoeders", "\(json)")

    let csv = try CodingCLI.pythonCSV(
      sandbox, try CodingCLI.run(sandbox, ["export", "memos"]).stdoutData)
    #expect(csv.count == 2, "\(csv)")
    #expect(csv.last?.first == memo)
    #expect(csv.last?.contains("informele steun > buurtmoeders") == true, "\(csv)")
    #expect(csv.last?.contains(codeID) == false, "\(csv)")
  }
}

@Suite("an identical duplicate entry is refused")
struct DuplicateEntryTests {
  static let args = [
    "add", "observation", "--text", "Koffieochtend in de Buurtkamer.", "--neighbourhood",
    "Holendrecht", "--question", "RQ1", "--at", "2024-03-12 10:00",
  ]

  @Test("the same kind, time and body again is refused unless --allow-duplicate")
  func duplicateIsRefused() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let first = try sandbox.fieldlog(Self.args)
    try #require(first.status == 0, "\(first)")

    // When the same command runs again, it is refused, naming the entry there is
    let refused = try CodingCLI.refused(sandbox, Self.args)
    #expect(refused.firstErrorLine.contains("entry \(first.output.prefix(8))"), "\(refused)")
    #expect(refused.stderr.contains("--allow-duplicate"), "\(refused)")
    // Another time, another kind or another body is another entry
    #expect(try sandbox.fieldlog(Self.args.dropLast() + ["2024-03-12 10:01"]).status == 0)
    var otherKind = Self.args
    otherKind[1] = "nabije-kennis"
    #expect(try sandbox.fieldlog(otherKind).status == 0)
    // --allow-duplicate records it all the same
    let allowed = try sandbox.fieldlog(Self.args + ["--allow-duplicate"])
    #expect(allowed.status == 0, "\(allowed)")
    #expect(try sandbox.list().count == 4)
    // A retracted entry does not block its own re-entry
    let again = try sandbox.fieldlog(
      [
        "add", "observation", "--text", "Nieuw.", "--neighbourhood", "Holendrecht", "--question",
        "RQ1", "--at", "2024-05-01",
      ])
    _ = try sandbox.fieldlog(["retract", again.output, "--reason", "fout"])
    #expect(
      try sandbox.fieldlog(
        [
          "add", "observation", "--text", "Nieuw.", "--neighbourhood", "Holendrecht", "--question",
          "RQ1", "--at", "2024-05-01",
        ]).status == 0)
  }
}

@Suite("init without a study file")
struct InitStudyNameTests {
  @Test("without --study or --name and no terminal, init is refused with 64 and creates nothing")
  func refusedWithoutAName() throws {
    let sandbox = try Sandbox()
    let result = try sandbox.fieldlog(["init", "--author", "Bram"])
    #expect(result.status == 64, "\(result)")
    #expect(result.firstErrorLine.contains("--study FILE"), "\(result)")
    #expect(result.firstErrorLine.contains("--name NAME"), "\(result)")
    #expect(!FileManager.default.fileExists(atPath: sandbox.journal.path))
  }

  @Test("--name names the study; a name with a study file is a usage error")
  func nameGiven() throws {
    let sandbox = try Sandbox()
    let result = try sandbox.fieldlog(["init", "--author", "Bram", "--name", "Buurtonderzoek West"])
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout.contains("study add-neighbourhood"), "\(result)")
    let study = try JSON.parse(try sandbox.fieldlog(["study", "show", "--json"]).stdoutData)
    #expect(study["study"]?.string == "Buurtonderzoek West")
    let both = try sandbox.fieldlog(
      ["init", "--name", "X", "--study", Paths.amsterdamStudy.path],
      journal: sandbox.url("other.sqlite"))
    #expect(both.status == 64, "\(both)")
  }

  @Test("on a terminal, init asks for the study's name")
  func asksOnATerminal() throws {
    let sandbox = try Sandbox()
    let script = try #require(Paths.script, "util-linux 'script' is needed")
    let command = [
      sandbox.cli.binary.path, "init", "--author", "Bram", "--journal", sandbox.journal.path,
    ]
    .map(Processes.shellQuoted).joined(separator: " ")
    let result = try Processes.run(
      script, ["-qec", command, "/dev/null"], stdin: Data("Buurtonderzoek Oost\n".utf8))
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout.contains("name of the study"), "\(result)")
    let study = try JSON.parse(try sandbox.fieldlog(["study", "show", "--json"]).stdoutData)
    #expect(study["study"]?.string == "Buurtonderzoek Oost", "\(result)")
  }
}

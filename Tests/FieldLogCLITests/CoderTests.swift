import Foundation
import Testing

/// A study file with a team, written next to the journal of a sandbox.
enum CoderFixture {
  static func studyWithTeam(_ sandbox: Sandbox, team: [String]) throws -> URL {
    var text = try String(contentsOf: Paths.amsterdamStudy, encoding: .utf8)
    text += "\nteam:\n" + team.map { "  - \"\($0)\"\n" }.joined()
    return try sandbox.write("study-with-team.yaml", text: text)
  }

  /// `coder list --json`: name → (source, codings).
  static func coders(_ sandbox: Sandbox, sourceLocation: SourceLocation = #_sourceLocation) throws
    -> [String: (String, Int64)]
  {
    let list = try CodingCLI.json(sandbox, ["coder", "list", "--json"])
    var coders: [String: (String, Int64)] = [:]
    for coder in list.array ?? [] {
      coders[coder["name"]?.string ?? "?"] = (
        coder["source"]?.string ?? "?", coder["codings"]?.int ?? -1
      )
    }
    return coders
  }
}

@Suite("coders: a coder is someone the study knows")
struct CoderTests {
  @Test("an unknown --coder is refused with the known coders, closest first; coder add makes one")
  func unknownCoderIsRefused() throws {
    // Given a journal whose author is Ayşe Test, and a coder Ahmed Bakker added to the team
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    try CodingCLI.run(sandbox, ["coder", "add", "Ahmed Bakker"])
    let id = try CodingCLI.entry(sandbox, "De buurtmoeder belde het wijkteam.")

    // When a misspelt coder codes, it is refused, naming the known coders, the closest first
    let refused = try CodingCLI.refused(
      sandbox, ["code", "apply", id, "buurtmoeders", "--coder", "Ahmad Bakker"])
    #expect(refused.firstErrorLine.contains("unknown coder 'Ahmad Bakker'"), "\(refused)")
    #expect(
      refused.firstErrorLine.contains("known: Ahmed Bakker, \(Sandbox.author)"), "\(refused)")
    #expect(refused.stderr.contains("fieldlog coder add"), "\(refused)")

    // Then a known coder in another case is recorded as the study spells them
    let coding = try CodingCLI.apply(sandbox, id, "buurtmoeders", ["--coder", "ahmed bakker"])
    #expect(coding["coder"]?.string == "Ahmed Bakker")
    // And the journal's author needs no --coder and no registration
    let own = try CodingCLI.apply(sandbox, id, "buurtmoeders")
    #expect(own["coder"]?.string == Sandbox.author)

    // A coder the study knows is not added twice, whatever the case
    try CodingCLI.refused(sandbox, ["coder", "add", "AHMED BAKKER"])
    try CodingCLI.refused(sandbox, ["coder", "add", Sandbox.author.uppercased()])
    let coders = try CoderFixture.coders(sandbox)
    #expect(coders["Ahmed Bakker"]?.0 == "team" && coders["Ahmed Bakker"]?.1 == 1, "\(coders)")
    #expect(coders[Sandbox.author]?.0 == "author" && coders[Sandbox.author]?.1 == 1, "\(coders)")
    #expect(coders.count == 2, "\(coders)")

    // code show --coder and agreement --coders name coders the same way
    let unknownFilter = try CodingCLI.refused(
      sandbox, ["code", "show", "buurtmoeders", "--coder", "Bram"])
    #expect(unknownFilter.firstErrorLine.contains("known: "), "\(unknownFilter)")
  }

  @Test("the study file's team are coders from init on; study show lists them; verify passes")
  func teamFromTheStudyFile() throws {
    let sandbox = try Sandbox()
    let study = try CoderFixture.studyWithTeam(sandbox, team: ["Ahmed Bakker", "Joke de Wit"])
    try sandbox.initJournal(study: study)
    let id = try CodingCLI.entry(sandbox, "Koffie met de buren in de Buurtkamer.")
    let coding = try CodingCLI.apply(sandbox, id, "buurtmoeders", ["--coder", "Joke de Wit"])
    #expect(coding["coder"]?.string == "Joke de Wit")
    let shown = try CodingCLI.json(sandbox, ["study", "show", "--json"])
    #expect(shown["team"]?.strings == ["Ahmed Bakker", "Joke de Wit"], "\(shown)")
    // The study file `study show --json` prints is a valid study file, team included
    let valid = try sandbox.validate(
      try sandbox.fieldlog(["study", "show", "--json"]).stdoutData, schema: Paths.studySchema)
    #expect(valid.status == 0, "\(valid)")
    #expect(try sandbox.fieldlog(["verify"]).status == 0)
    #expect(try sandbox.independentVerify().status == 0)
    // A team member named twice in the file is refused, naming the place
    let twice = try CoderFixture.studyWithTeam(sandbox, team: ["Joke", "joke"])
    let refused = try sandbox.fieldlog(
      ["init", "--study", twice.path, "--author", "T"], journal: sandbox.url("twice.sqlite"))
    #expect(refused.status == 65 && refused.stderr.contains("team[2]"), "\(refused)")
  }

  @Test("the same code on the same segment by the same coder is recorded once; rerun exits 0")
  func sameCodingIsRecordedOnce() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    try CodingCLI.run(sandbox, ["coder", "add", "Ahmed Bakker"])
    let id = try CodingCLI.entry(sandbox, "De buurtmoeder belde het wijkteam.")
    let first = try CodingCLI.apply(sandbox, id, "buurtmoeders", ["--quote", "buurtmoeder"])
    let events = try sandbox.query("SELECT count(*) FROM event")

    // When the same coder applies the same code to the same segment again, by quote or by range
    for target in [["--quote", "buurtmoeder"], ["--range", "3:14"]] {
      let again = try sandbox.fieldlog(["code", "apply", id, "buurtmoeders"] + target)
      // Then it says so, exits 0, prints the coding that was there, and records nothing
      #expect(again.status == 0, "\(again)")
      #expect(again.output == first["id"]?.string.map { String($0.prefix(8)) }, "\(again)")
      #expect(again.stderr.contains("already"), "\(again)")
      #expect(try sandbox.query("SELECT count(*) FROM event") == events)
    }
    let json = try CodingCLI.apply(sandbox, id, "buurtmoeders", ["--quote", "buurtmoeder"])
    #expect(json["already_applied"]?.bool == true && json["id"] == first["id"], "\(json)")

    // Another coder, another segment or the whole entry are other codings
    try CodingCLI.apply(
      sandbox, id, "buurtmoeders", ["--quote", "buurtmoeder", "--coder", "Ahmed Bakker"])
    try CodingCLI.apply(sandbox, id, "buurtmoeders", ["--quote", "wijkteam"])
    try CodingCLI.apply(sandbox, id, "buurtmoeders")
    let whole = try sandbox.fieldlog(["code", "apply", id, "buurtmoeders"])
    #expect(whole.status == 0 && whole.stderr.contains("already"), "\(whole)")
    #expect(try sandbox.query("SELECT count(*) FROM coding") == "4\n")
  }
}

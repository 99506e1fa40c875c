import Foundation
import Testing

/// The JSON fieldlog prints, checked with the real validator (Tests/Tools/validate-json.py).
@Suite("JSON output against the JSON Schemas")
struct SchemaTests {
  static func expectValid(
    _ result: ProcessResult, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(result.status == 0, "\(what) is not valid: \(result)", sourceLocation: sourceLocation)
    #expect(
      result.stdout.hasPrefix("valid: "), "\(what): \(result)", sourceLocation: sourceLocation)
  }

  @Test(
    "add --json and show --json match entry.schema.json, for every kind", arguments: KindCase.all)
  func entryOutput(kindCase: KindCase) throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let add = try sandbox.fieldlog(
      [
        "add", kindCase.kind, "--text", "Één café 👍🏾", "--neighbourhood", "Holendrecht",
        "--initiative",
        "Buurtkamer De Brug", "--question", "RQ1", "--tag", "koffie", "--participant",
        "P-017:client",
        "--json",
      ] + kindCase.fieldArguments)
    try #require(add.status == 0, "\(add)")
    Self.expectValid(try sandbox.validate(add.stdoutData, schema: Paths.entrySchema), "add --json")
    let id = try #require(try JSON.parse(add.stdoutData)["id"]?.string)
    let show = try sandbox.fieldlog(["show", id, "--json"])
    try #require(show.status == 0, "\(show)")
    Self.expectValid(
      try sandbox.validate(show.stdoutData, schema: Paths.entrySchema), "show --json")
  }

  @Test("an interview with a recording matches entry.schema.json")
  func interviewWithRecording() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let recording = try sandbox.write("opname.m4a", Data(repeating: 7, count: 1234))
    let add = try sandbox.fieldlog(
      [
        "add", "interview", "--text", "Interview", "--neighbourhood", "Holendrecht", "--question",
        "RQ1",
        "--field", "recording=\(recording.path)", "--field", "duration-minutes=0", "--json",
      ])
    try #require(add.status == 0, "\(add)")
    Self.expectValid(try sandbox.validate(add.stdoutData, schema: Paths.entrySchema), "add --json")
  }

  @Test("list --json and search --json are arrays of valid entries")
  func listAndSearchOutput() throws {
    let sandbox = try ListFixture.make()
    let list = try sandbox.fieldlog(["list", "--json"])
    try #require(list.status == 0, "\(list)")
    #expect(try JSON.parse(list.stdoutData).array?.count == 4)
    Self.expectValid(
      try sandbox.validate(list.stdoutData, schema: Paths.entrySchema, array: true), "list --json")
    let search = try sandbox.fieldlog(["search", "de", "--json"])
    try #require(search.status == 0, "\(search)")
    #expect(try JSON.parse(search.stdoutData).array?.isEmpty == false)
    Self.expectValid(
      try sandbox.validate(search.stdoutData, schema: Paths.entrySchema, array: true),
      "search --json")
    let empty = try sandbox.fieldlog([
      "list", "--json", "--kind", "interview", "--since", "2025-01-01",
    ])
    Self.expectValid(
      try sandbox.validate(empty.stdoutData, schema: Paths.entrySchema, array: true),
      "an empty list")
  }

  @Test("both example study files match study.schema.json")
  func exampleStudies() throws {
    let sandbox = try Sandbox()
    let result = try sandbox.python(
      [
        Paths.validateJSON.path, Paths.studySchema.path, Paths.amsterdamStudy.path,
        Paths.geldersevalleiStudy.path,
      ])
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout.contains("valid: \(Paths.amsterdamStudy.path)"), "\(result)")
    #expect(result.stdout.contains("valid: \(Paths.geldersevalleiStudy.path)"), "\(result)")
  }

  @Test(
    "study show --json is a study file that matches study.schema.json",
    arguments: [Paths.amsterdamStudy, Paths.geldersevalleiStudy])
  func studyShowOutput(study: URL) throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal(study: study)
    let show = try sandbox.fieldlog(["study", "show", "--json"])
    try #require(show.status == 0, "\(show)")
    Self.expectValid(
      try sandbox.validate(show.stdoutData, schema: Paths.studySchema), "study show --json")

    // And it can start a new journal: init accepts it as a study file
    let copy = try sandbox.write("study-from-journal.json", show.stdoutData)
    let second = sandbox.url("second.sqlite")
    let initAgain = try sandbox.fieldlog(["init", "--study", copy.path], journal: second)
    #expect(initAgain.status == 0, "\(initAgain)")
    let showAgain = try sandbox.fieldlog(["study", "show", "--json"], journal: second)
    #expect(showAgain.stdout == show.stdout)
  }

  @Test("study show --json stays valid after study additions")
  func studyShowAfterAdditions() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    for args in [
      ["study", "add-neighbourhood", "Bijlmer Centrum"],
      [
        "study", "add-initiative", "Buurtkamer Noord", "--neighbourhood", "Bijlmer Centrum",
        "--description", "Nieuw",
      ],
      ["study", "add-question", "RQ5", "--text", "Wat leren de buurtmoeders van elkaar?"],
    ] {
      let result = try sandbox.fieldlog(args)
      try #require(result.status == 0, "\(args): \(result)")
    }
    let show = try sandbox.fieldlog(["study", "show", "--json"])
    Self.expectValid(
      try sandbox.validate(show.stdoutData, schema: Paths.studySchema), "study show --json")
  }
}

import Foundation
import Testing

/// Issues 12.6, 13.4 and 13.5: the real-name guard on every export, as a researcher meets it.
@Suite struct NameGuardExportTests {
  /// A journal with an entry that names P-017's given name alone, and its key file.
  static func make(text: String = "Fatima vertelde over de buurtkamer.") throws -> (Sandbox, String)
  {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let entry = try sandbox.addObservation(text, extra: ["--title", "Koffie"])
    let id = try #require(entry["id"]?.string)
    let added = try sandbox.fieldlog(["keys", "add", "P-017", "--name", "Fatima el Amrani"])
    try #require(added.status == 0, "\(added)")
    return (sandbox, id)
  }

  @Test("a refusal lists every hit: entry id, field, the text around it, the key-file name")
  func refusalListsEveryHit() throws {
    let (sandbox, id) = try Self.make()
    let second = try sandbox.addObservation("Daarna sprak ik mevrouw El-Amrani in de hal.")
    let secondID = try #require(second["id"]?.string)
    let target = sandbox.url("export.csv")
    let refused = try sandbox.fieldlog(["export", "entries", "-o", target.path])
    #expect(refused.status == 65, "\(refused)")
    // The second entry's title is its first line: the surname is found in both fields.
    #expect(refused.stderr.hasPrefix("error: the export holds 3 real names"), "\(refused)")
    #expect(
      refused.stderr.contains(
        "entry \(id.prefix(8)), body: \"[Fatima] vertelde over de buurtkamer.\" matches "
          + "'Fatima el Amrani' (P-017)"), "\(refused)")
    for field in ["title", "body"] {
      #expect(
        refused.stderr.contains(
          "entry \(secondID.prefix(8)), \(field): \"Daarna sprak ik mevrouw El-[Amrani] in"),
        "\(refused)")
    }
    #expect(!FileManager.default.fileExists(atPath: target.path))
  }

  @Test("--allow-word and the study file's allow_words let an ordinary word through")
  func allowWords() throws {
    let (sandbox, _) = try Self.make(text: "De bakker op de hoek gaf brood aan de buurtkamer.")
    #expect(try sandbox.fieldlog(["keys", "add", "P-018", "--name", "Joke Bakker"]).status == 0)
    let refused = try sandbox.fieldlog(["export", "entries"])
    #expect(refused.status == 65, "\(refused)")
    #expect(refused.stderr.contains("[bakker]"), "\(refused)")
    let allowed = try sandbox.fieldlog(["export", "entries", "--allow-word", "Bakker"])
    #expect(allowed.status == 0, "\(allowed)")
    // With a title, the allowed word is a name again.
    _ = try sandbox.addObservation("Meneer Bakker kwam ook.")
    let titled = try sandbox.fieldlog(["export", "entries", "--allow-word", "Bakker"])
    #expect(titled.status == 65, "\(titled)")
    #expect(titled.stderr.contains("[Bakker]"), "\(titled)")

    // A study file's list is remembered by the journal.
    let study = try String(contentsOf: Paths.amsterdamStudy, encoding: .utf8)
    let listed = try sandbox.write("study.yaml", text: study + "\nallow_words: [Bakker]\n")
    let other = sandbox.url("other.sqlite")
    #expect(
      try sandbox.fieldlog(["init", "--study", listed.path, "--author", "A"], journal: other)
        .status == 0)
    #expect(try sandbox.fieldlog(["participant", "add", "P-018"], journal: other).status == 0)
    _ = try sandbox.fieldlog(
      [
        "add", "observation", "--text", "De bakker gaf brood.", "--neighbourhood", "Holendrecht",
        "--question", "RQ1",
      ], journal: other)
    let keys = sandbox.url("other-keys.sqlite").path
    #expect(
      try sandbox.fieldlog(
        ["keys", "add", "P-018", "--name", "Joke Bakker", "--keys", keys], journal: other
      ).status == 0)
    let fromStudy = try sandbox.fieldlog(["export", "entries", "--keys", keys], journal: other)
    #expect(fromStudy.status == 0, "\(fromStudy)")
  }

  @Test("with no key file every export says once that no name guard is active")
  func noKeyFileSaysSo() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    _ = try sandbox.addObservation("Fatima vertelde over de buurtkamer.")
    for table in ["entries", "codings", "memos"] {
      let result = try sandbox.fieldlog(["export", table])
      #expect(result.status == 0, "\(result)")
      let notes = result.stderr.components(separatedBy: "no real-name guard is active").count - 1
      #expect(notes == 1, "\(table): \(result)")
    }
  }

  @Test("a journal used with a key file elsewhere refuses to export without it (66)")
  func rememberedKeyFile() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    _ = try sandbox.addObservation("Fatima vertelde over de buurtkamer.")
    try FileManager.default.createDirectory(
      at: sandbox.url("usb"), withIntermediateDirectories: true)
    let keys = sandbox.url("usb/keys.sqlite").path
    #expect(
      try sandbox.fieldlog(["keys", "add", "P-017", "--name", "Fatima el Amrani", "--keys", keys])
        .status == 0)
    // The journal remembers a fingerprint of the key file, never a name.
    let journalBytes = try Data(contentsOf: sandbox.journal)
    #expect(journalBytes.range(of: Data("Amrani".utf8)) == nil)

    let without = try sandbox.fieldlog(["export", "entries"])
    #expect(without.status == 66, "\(without)")
    #expect(without.stdout.isEmpty)
    #expect(without.stderr.contains("this journal was used with a key file"), "\(without)")
    #expect(without.stderr.contains("--no-name-guard"), "\(without)")

    let misspelt = try sandbox.fieldlog(["export", "entries", "--keys", "usb/kyes.sqlite"])
    #expect(misspelt.status == 66, "\(misspelt)")
    #expect(misspelt.stderr.contains("usb/kyes.sqlite"), "\(misspelt)")

    let guarded = try sandbox.fieldlog(["export", "entries", "--keys", keys])
    #expect(guarded.status == 65, "\(guarded)")

    let unguarded = try sandbox.fieldlog(["export", "entries", "--no-name-guard"])
    #expect(unguarded.status == 0, "\(unguarded)")
    #expect(unguarded.stderr.contains("--no-name-guard"), "\(unguarded)")
    #expect(unguarded.stdout.contains("Fatima"))
  }

  @Test("a misspelt --keys path is an error even for a journal never used with one")
  func misspeltKeysPath() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    for args in [["export", "entries"], ["keys", "list"]] {
      let result = try sandbox.fieldlog(args + ["--keys", sandbox.url("nope.sqlite").path])
      #expect(result.status == 66, "\(args): \(result)")
      #expect(result.stderr.contains("nope.sqlite"), "\(result)")
    }
  }

  @Test("names in .qdpx vocabulary, study, author and coder names are refused too")
  func projectNames() throws {
    let sandbox = try Sandbox()
    let study = try String(contentsOf: Paths.amsterdamStudy, encoding: .utf8)
      .replacingOccurrences(of: "name: Buurtkamer De Brug", with: "name: Buurtkamer van Joke")
    let file = try sandbox.write("study.yaml", text: study)
    try sandbox.initJournal(study: file)
    _ = try sandbox.addObservation("Koffie.", extra: ["--initiative", "Buurtkamer van Joke"])
    #expect(try sandbox.fieldlog(["keys", "add", "P-018", "--name", "Joke Bakker"]).status == 0)
    let target = sandbox.url("project.qdpx")
    let refused = try sandbox.fieldlog(["export", "qdpx", "-o", target.path])
    #expect(refused.status == 65, "\(refused)")
    #expect(refused.stderr.contains("[Joke]"), "\(refused)")
    #expect(refused.stderr.contains("TextValue"), "\(refused)")
    #expect(!FileManager.default.fileExists(atPath: target.path))

    // The author's name in the project's users.
    let other = try Sandbox()
    try other.initJournal()
    _ = try other.addObservation("Koffie.")
    let author = Sandbox.author.split(separator: " ")[0]
    #expect(
      try other.fieldlog(["keys", "add", "P-017", "--name", "\(author) Testbewoner"]).status == 0)
    let users = try other.fieldlog(["export", "qdpx", "-o", other.url("p.qdpx").path])
    #expect(users.status == 65, "\(users)")
    #expect(users.stderr.contains("User name"), "\(users)")
  }

  @Test("retraction reasons in JSON Lines and code names in the matrix go through the guard")
  func everyField() throws {
    let (sandbox, id) = try Self.make(text: "Koffie in de buurtkamer.")
    #expect(
      try sandbox.fieldlog(["retract", id, "--reason", "Fatima wilde dit niet"]).status == 0)
    let plain = try sandbox.fieldlog(["export", "entries", "--format", "jsonl"])
    #expect(plain.status == 0, "\(plain)")
    let retracted = try sandbox.fieldlog([
      "export", "entries", "--format", "jsonl", "--include-retracted",
    ])
    #expect(retracted.status == 65, "\(retracted)")
    #expect(retracted.stderr.contains("[Fatima] wilde dit niet"), "\(retracted)")

    _ = try sandbox.addObservation("Thee in de buurtkamer.")
    #expect(try sandbox.fieldlog(["code", "define", "steun van Fatima"]).status == 0)
    for table in ["matrix", "codebook"] {
      for format in ["csv", "jsonl"] {
        let result = try sandbox.fieldlog(["export", table, "--format", format])
        #expect(result.status == 65, "\(table) \(format): \(result)")
        #expect(result.stderr.contains("steun van [Fatima]"), "\(table) \(format): \(result)")
      }
    }
  }
}

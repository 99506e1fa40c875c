import Foundation
import Testing

/// `fieldlog ARGS`, requiring exit 0.
private func ok(
  _ sandbox: Sandbox, _ args: [String], journal: URL? = nil,
  sourceLocation: SourceLocation = #_sourceLocation
) throws -> ProcessResult {
  let result = try sandbox.fieldlog(args, journal: journal)
  try #require(result.status == 0, "\(args): \(result)", sourceLocation: sourceLocation)
  return result
}

@Suite("unretract")
struct UnretractTests {
  @Test("unretract brings an entry back: list shows it again, history shows both with reasons")
  func unretractBringsBack() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let id = try CorrectionsFixture.entry(in: sandbox)
    _ = try ok(sandbox, ["retract", id, "--reason", "dubbel ingevoerd"])
    #expect(try sandbox.list().isEmpty)
    // When
    let result = try ok(
      sandbox, ["unretract", String(id.prefix(8)), "--reason", "toch niet dubbel"])
    #expect(result.stdout.contains(String(id.prefix(8))), "\(result)")
    // Then
    #expect(try sandbox.list().map { $0["id"]?.string } == [id])
    #expect(try sandbox.show(id)["retracted"] == nil)
    let history = try CorrectionsFixture.history(sandbox, id)
    #expect(history.map { $0["event"]?.string } == ["recorded", "retracted", "unretracted"])
    #expect(history[1]["reason"]?.string == "dubbel ingevoerd")
    #expect(history[2]["reason"]?.string == "toch niet dubbel")
    #expect(history[2]["author"]?.string == Sandbox.author)
    let text = try ok(sandbox, ["history", id]).stdout
    #expect(text.contains("unretracted "), "\(text)")
    #expect(text.contains("reason: toch niet dubbel"), "\(text)")
    // The entry can be amended and retracted again; rebuild and verify agree.
    _ = try ok(sandbox, ["amend", id, "--reason", "aangevuld", "--tag", "terug"])
    _ = try ok(sandbox, ["retract", id, "--reason", "nu echt weg"])
    #expect(try sandbox.list().isEmpty)
    let before = try sandbox.projections()
    _ = try ok(sandbox, ["rebuild"])
    #expect(try sandbox.projections() == before)
    _ = try ok(sandbox, ["verify"])
    let independent = try sandbox.independentVerify()
    #expect(independent.status == 0, "\(independent)")
  }

  @Test("unretract of an entry that is not retracted is refused with 65 and changes nothing")
  func unretractNotRetracted() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let id = try CorrectionsFixture.entry(in: sandbox)
    let before = try sandbox.state()
    let result = try sandbox.fieldlog(["unretract", id, "--reason", "waarom"])
    #expect(result.status == 65, "\(result)")
    #expect(result.stderr.hasPrefix("error: entry \(id.prefix(8)) is not retracted"), "\(result)")
    #expect(try sandbox.state() == before)
    let noReason = try sandbox.fieldlog(["unretract", id])
    #expect(noReason.status == 64, "\(noReason)")
  }

  @Test("an unretraction travels with merge: the colleague's journal shows the entry again")
  func unretractMerges() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let id = try CorrectionsFixture.entry(in: sandbox)
    let bram = sandbox.url("bram.sqlite")
    _ = try ok(
      sandbox, ["init", "--from", sandbox.journal.path, "--author", "Bram"], journal: bram)
    _ = try ok(sandbox, ["retract", id, "--reason", "dubbel"])
    _ = try ok(sandbox, ["unretract", id, "--reason", "niet dubbel"])
    _ = try ok(sandbox, ["merge", sandbox.journal.path], journal: bram)
    let listed = try JSON.parse(ok(sandbox, ["list", "--json"], journal: bram).stdoutData)
    #expect(listed.array?.compactMap { $0["id"]?.string } == [id])
    _ = try ok(sandbox, ["verify"], journal: bram)
  }
}

@Suite("redact: preview and confirmation")
struct RedactPreviewTests {
  /// Two entries naming P-017 (one coded, with a memo) and one that does not.
  static func journal(_ sandbox: Sandbox) throws -> (named: [String], other: String) {
    try sandbox.initJournal()
    let first = try CorrectionsFixture.entry(in: sandbox)
    let second = try #require(
      try sandbox.addObservation("Tweede gesprek", extra: ["--participant", "P-017"])["id"]?.string)
    let other = try #require(try sandbox.addObservation("Zonder P-017")["id"]?.string)
    _ = try ok(sandbox, ["code", "define", "bessen"])
    _ = try ok(sandbox, ["code", "apply", first, "bessen", "--quote", "Zwartkruidbessen"])
    _ = try ok(sandbox, ["memo", "add", "--about", first, "Navragen"])
    _ = try ok(sandbox, ["amend", second, "--reason", "tag", "--tag", "later"])
    return ([first, second], other)
  }

  @Test("--dry-run lists ids, titles and counts, and changes nothing")
  func dryRun() throws {
    let sandbox = try Sandbox()
    let (named, _) = try Self.journal(sandbox)
    let before = try sandbox.state()
    let result = try sandbox.fieldlog(
      ["redact", "--participant", "P-017", "--reason", "AVG", "--dry-run"])
    #expect(result.status == 0, "\(result)")
    #expect(
      result.stdout.contains("would erase 2 entries: 3 versions, 1 coding, 1 memo"), "\(result)")
    #expect(result.stdout.contains("\(named[0].prefix(8))  Koffie in de Buurtkamer"), "\(result)")
    #expect(result.stdout.contains("\(named[1].prefix(8))  Tweede gesprek"), "\(result)")
    #expect(result.stdout.contains("nothing was erased"), "\(result)")
    #expect(try sandbox.state() == before)
    let json = try sandbox.fieldlog(
      ["redact", "--participant", "P-017", "--reason", "AVG", "--dry-run", "--json"])
    let plan = try JSON.parse(json.stdoutData)
    #expect(plan["entries"]?.array?.compactMap { $0["id"]?.string } == named)
    #expect(plan["versions"]?.int == 3)
    #expect(try sandbox.state() == before)
  }

  @Test("without a terminal and without --yes, redact is refused with 64 and erases nothing")
  func noTerminalNeedsYes() throws {
    let sandbox = try Sandbox()
    let (named, _) = try Self.journal(sandbox)
    let before = try sandbox.state()
    for args in [["--participant", "P-017"], [named[0]]] {
      let result = try sandbox.fieldlog(["redact"] + args + ["--reason", "AVG"])
      #expect(result.status == 64, "\(result)")
      #expect(result.stdout.contains("will erase"), "the preview comes first: \(result)")
      #expect(result.stderr.contains("error: redact erases for good"), "\(result)")
      #expect(result.stderr.contains("hint: give --yes"), "\(result)")
      #expect(try sandbox.state() == before)
    }
    // With --yes it erases what it listed
    let erased = try ok(sandbox, ["redact", "--participant", "P-017", "--reason", "AVG", "--yes"])
    #expect(erased.stdout.contains("erased 3 versions of 2 entries"), "\(erased)")
  }

  @Test("on a terminal it asks: no erases nothing, yes erases")
  func terminalAsks() throws {
    let sandbox = try Sandbox()
    let (named, other) = try Self.journal(sandbox)
    let before = try sandbox.state()
    let declined = try sandbox.fieldlogOnTerminal(
      ["redact", "--participant", "P-017", "--reason", "AVG"], typed: "n\n")
    #expect(declined.status == 1, "\(declined)")
    #expect(declined.stdout.contains("Erase this for good? [y/N]"), "\(declined)")
    #expect(declined.stdout.contains("nothing was erased"), "\(declined)")
    #expect(try sandbox.state() == before)
    let confirmed = try sandbox.fieldlogOnTerminal(
      ["redact", "--participant", "P-017", "--reason", "AVG"], typed: "y\n")
    #expect(confirmed.status == 0, "\(confirmed)")
    for id in named { #expect(try sandbox.show(id)["redacted"]?.string == "AVG") }
    #expect(try sandbox.show(other)["redacted"] == nil)
  }
}

@Suite("amend: codings it cannot re-anchor")
struct OrphanedCodingTests {
  /// An entry with three codings: one on text that stays, one on text the amendment removes, one
  /// on the whole entry.
  static func codedEntry(_ sandbox: Sandbox) throws -> (entry: String, kept: String, lost: String) {
    try sandbox.initJournal()
    let id = try CorrectionsFixture.entry(in: sandbox)
    _ = try ok(sandbox, ["code", "define", "bessen"])
    _ = try ok(sandbox, ["code", "define", "thuis"])
    let lost = try JSON.parse(
      ok(sandbox, ["code", "apply", id, "bessen", "--quote", "Zwartkruidbessen", "--json"])
        .stdoutData)
    let kept = try JSON.parse(
      ok(sandbox, ["code", "apply", id, "thuis", "--quote", "naar huis", "--json"]).stdoutData)
    _ = try ok(sandbox, ["code", "apply", id, "thuis"])
    return (
      id, try #require(kept["id"]?.string), try #require(lost["id"]?.string)
    )
  }

  @Test(
    "amend names every coding it orphans, on stderr and in --json; moved ones follow their text")
  func amendReportsOrphans() throws {
    let sandbox = try Sandbox()
    let (id, kept, lost) = try Self.codedEntry(sandbox)
    // When the amendment moves "naar huis" and removes "Zwartkruidbessen"
    let amended = try sandbox.fieldlog(
      [
        "amend", id, "--reason", "bessen", "--text",
        "Eerst even: " + CorrectionsFixture.amendedBody,
      ])
    #expect(amended.status == 0, "\(amended)")
    #expect(amended.output == id, "stdout stays the id: \(amended)")
    #expect(amended.stderr.contains("warning: 1 coding's text is no longer in the entry"))
    #expect(amended.stderr.contains("\(lost.prefix(8))  bessen by \(Sandbox.author)"))
    #expect(amended.stderr.contains("\"Zwartkruidbessen\""), "\(amended)")
    #expect(!amended.stderr.contains(String(kept.prefix(8))), "\(amended)")
    // The moved coding follows its text
    let show = try sandbox.show(id, annotations: true)
    let codings = try #require(show["codings"]?.array)
    let moved = try #require(codings.first { $0["id"]?.string == kept })
    let body = try #require(show["body"]?.string)
    let start = Int(try #require(moved["start"]?.int))
    let end = Int(try #require(moved["end"]?.int))
    let scalars = Array(body.unicodeScalars)[start..<end]
    #expect(String(String.UnicodeScalarView(scalars)) == "naar huis")

    // And --json names the orphan of a second amendment
    let json = try sandbox.fieldlog(
      ["amend", id, "--reason", "weg", "--text", "Alleen koffie.", "--json"])
    try #require(json.status == 0, "\(json)")
    let printed = try JSON.parse(json.stdoutData)
    #expect(printed["id"]?.string == id)
    #expect(
      printed["orphaned_codings"]?.array?.compactMap { $0["id"]?.string } == [kept], "\(json)")
    let valid = try sandbox.validate(json.stdoutData, schema: Paths.entrySchema)
    #expect(valid.status == 0, "\(valid)")
  }

  @Test("code orphans lists them; --reapply anchors one anew, --remove removes one")
  func orphansCommand() throws {
    let sandbox = try Sandbox()
    let (id, kept, lost) = try Self.codedEntry(sandbox)
    #expect(try ok(sandbox, ["code", "orphans"]).stdout.contains("no orphaned codings"))
    _ = try ok(
      sandbox, ["amend", id, "--reason", "bessen", "--text", "Koffie. Aardbeien. Thuis."])
    // Then both segment codings are orphaned, and listed
    let listed = try JSON.parse(ok(sandbox, ["code", "orphans", "--json"]).stdoutData)
    #expect(Set(listed.array?.compactMap { $0["id"]?.string } ?? []) == [kept, lost])
    let text = try ok(sandbox, ["code", "orphans"]).stdout
    #expect(text.contains(String(lost.prefix(8))) && text.contains("Zwartkruidbessen"), "\(text)")
    #expect(text.contains("2 orphaned codings"), "\(text)")
    // --reapply: the same code and coder, on the new text
    let reapplied = try JSON.parse(
      ok(
        sandbox,
        [
          "code", "orphans", "--reapply", String(lost.prefix(8)), "--quote", "Aardbeien",
          "--json",
        ]
      ).stdoutData)
    #expect(reapplied["code"]?.string == "bessen")
    #expect(reapplied["quote"]?.string == "Aardbeien")
    #expect(reapplied["orphaned"]?.bool == false)
    // --remove
    _ = try ok(sandbox, ["code", "orphans", "--remove", String(kept.prefix(8))])
    #expect(try ok(sandbox, ["code", "orphans"]).stdout.contains("no orphaned codings"))
    let codings = try #require(try sandbox.show(id, annotations: true)["codings"]?.array)
    #expect(codings.count == 2, "the whole-entry coding and the reapplied one: \(codings)")
    // A coding that is not orphaned is not reapplied
    let notOrphan = try sandbox.fieldlog(
      ["code", "orphans", "--reapply", try #require(reapplied["id"]?.string), "--quote", "Koffie"])
    #expect(notOrphan.status == 65, "\(notOrphan)")
    #expect(notOrphan.stderr.contains("is not orphaned"), "\(notOrphan)")
    _ = try ok(sandbox, ["verify"])
    let before = try sandbox.projections()
    _ = try ok(sandbox, ["rebuild"])
    #expect(try sandbox.projections() == before)
  }
}

@Suite("history after a merge")
struct HistoryAfterMergeTests {
  @Test("each version is diffed against the version it amended, not the one before it in time")
  func diffAgainstParent() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let id = try #require(
      try sandbox.addObservation("regel een\nregel twee\nregel drie")["id"]?.string)
    let bram = sandbox.url("bram.sqlite")
    _ = try ok(
      sandbox, ["init", "--from", sandbox.journal.path, "--author", "Bram"], journal: bram)
    _ = try ok(sandbox, ["merge", sandbox.journal.path], journal: bram)
    // Both amend version 1, each in their own journal
    _ = try ok(
      sandbox,
      ["amend", id, "--reason", "Ayşe", "--text", "regel een\nregel TWEE\nregel drie"])
    _ = try ok(
      sandbox,
      ["amend", id, "--reason", "Bram", "--text", "regel een\nregel twee\nregel DRIE"],
      journal: bram)
    _ = try ok(sandbox, ["merge", bram.path])
    // Then each amendment shows only its own change to version 1
    let history = try CorrectionsFixture.history(sandbox, id)
    let amendments = history.filter { $0["event"]?.string == "amended" }
    try #require(amendments.count == 2, "\(history)")
    for step in amendments {
      let diff = (step["diff"]?.array ?? []).map {
        "\($0["op"]?.string ?? "") \($0["line"]?.string ?? "")"
      }
      switch step["reason"]?.string {
      case "Ayşe": #expect(diff == ["- regel twee", "+ regel TWEE"], "\(step)")
      case "Bram": #expect(diff == ["- regel drie", "+ regel DRIE"], "\(step)")
      default: Issue.record("unexpected step \(step)")
      }
    }
  }
}

@Suite("show: codings, memos and who made each version")
struct ShowAnnotationsTests {
  @Test("show prints codings (path, segment, coder), memos, and 'recorded … by' per version")
  func showAnnotations() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let id = try CorrectionsFixture.entry(in: sandbox)
    _ = try ok(sandbox, ["code", "define", "eten"])
    _ = try ok(sandbox, ["code", "define", "bessen", "--parent", "eten"])
    let coding = try JSON.parse(
      ok(sandbox, ["code", "apply", id, "bessen", "--quote", "Zwartkruidbessen", "--json"])
        .stdoutData)
    let codingID = try #require(coding["id"]?.string)
    _ = try ok(sandbox, ["coder", "add", "Ahmed"])
    _ = try ok(sandbox, ["code", "apply", id, "eten", "--coder", "Ahmed"])
    _ = try ok(sandbox, ["memo", "add", "--about", id, "Navragen bij de buurtmoeder"])
    _ = try ok(sandbox, ["memo", "add", "--about", String(codingID.prefix(8)), "Welke bessen?"])
    try CorrectionsFixture.becomeColleague(sandbox)
    _ = try ok(sandbox, ["amend", id, "--reason", "tag", "--tag", "koffie"])

    let text = try ok(sandbox, ["show", id]).stdout
    let lines = CorrectionsFixture.trimmedLines(text)
    #expect(
      lines.contains {
        $0.hasPrefix("recorded:") && $0.hasSuffix("by \(Sandbox.author) (version 1)")
      }, "\(text)")
    #expect(
      lines.contains {
        $0.hasPrefix("amended:") && $0.hasSuffix("by \(CorrectionsFixture.colleague) (version 2)")
      }, "\(text)")
    #expect(
      lines.contains {
        $0.hasPrefix(codingID.prefix(8)) && $0.contains("eten > bessen")
          && $0.contains("\"Zwartkruidbessen\"") && $0.hasSuffix("by \(Sandbox.author)")
      }, "\(text)")
    #expect(
      lines.contains { $0.contains("  eten  whole entry  by Ahmed") }, "\(text)")
    #expect(lines.contains("Navragen bij de buurtmoeder"), "\(text)")
    #expect(lines.contains("Welke bessen?"), "\(text)")

    let json = try ok(sandbox, ["show", id, "--json"])
    let shown = try JSON.parse(json.stdoutData)
    #expect(shown["codings"]?.array?.count == 2)
    #expect(
      shown["codings"]?.array?.contains {
        $0["code_path"]?.string == "eten > bessen" && $0["quote"]?.string == "Zwartkruidbessen"
      } == true)
    #expect(
      shown["memos"]?.array?.compactMap { $0["text"]?.string }
        == ["Navragen bij de buurtmoeder", "Welke bessen?"])
    #expect(
      shown["versions"]?.array?.compactMap { $0["author"]?.string }
        == [Sandbox.author, CorrectionsFixture.colleague])
    let valid = try sandbox.validate(json.stdoutData, schema: Paths.entrySchema)
    #expect(valid.status == 0, "\(valid)")
  }
}

import Foundation
import Testing

/// What a signature, a merge and `verify` vouch for, against someone who can write the journal file
/// but holds no key (issue 13: points 1, 7, 8 and 13).
@Suite("trust: signatures, merges and verify")
struct TrustTests {
  let team = TeamworkTests()

  /// A journal of one feed, with an entry, and a forger's tools for it.
  func forgeable(_ sandbox: Sandbox, _ name: String = "Anna") throws -> (
    TeamworkTests.Fieldworker, TamperTableTests.Fixture
  ) {
    let worker = try team.fieldworker(name, in: sandbox)
    let entry = try team.add(
      "Netwerkberaad over de buurtkamer (tamperproef-gamma).", sandbox, worker)
    // The forger works on the sandbox's journal: make it this worker's.
    for suffix in ["", "-wal", "-shm"]
    where FileManager.default.fileExists(atPath: worker.journal.path + suffix) {
      try FileManager.default.moveItem(
        atPath: worker.journal.path + suffix, toPath: sandbox.journal.path + suffix)
    }
    let moved = TeamworkTests.Fieldworker(name: name, journal: sandbox.journal)
    let feed = try team.sqlite(moved.journal, "SELECT value FROM local WHERE key = 'writer_feed'")
      .trimmingCharacters(in: .newlines)
    let fixture = TamperTableTests.Fixture(
      sandbox: sandbox, local: feed, other: feed, checkpoint: sandbox.url("none"),
      observation: entry, interview: entry, conversation: entry)
    return (moved, fixture)
  }

  func signatures(_ journal: URL) throws -> String {
    try team.sqlite(journal, "SELECT count(*) FROM signature").trimmingCharacters(in: .newlines)
  }

  /// The journal's files, byte for byte: the WAL too when it holds anything (a reader may leave an
  /// empty one, which holds nothing).
  func files(_ journal: URL) -> [String: Data] {
    var files: [String: Data] = [:]
    for suffix in ["", "-wal", "-journal"] {
      if let data = FileManager.default.contents(atPath: journal.path + suffix),
        suffix.isEmpty || !data.isEmpty
      {
        files[suffix] = data
      }
    }
    return files
  }

  // MARK: 13.1

  @Test(
    "a forged event whose feed lost its key row and signatures is never signed: verify, list and add leave it unsigned, and a colleague's merge refuses it"
  )
  func forgedFeedIsNeverSigned() throws {
    // Given Anna's journal, to which someone without her key appends an entry, then deletes her
    // feed's key row and every signature, and puts the guards back
    let sandbox = try Sandbox()
    let (anna, forger) = try forgeable(sandbox)
    let bram = try team.fieldworker("Bram", in: sandbox)
    _ = try forger.forgeEntry(signer: .none)
    try forger.tamper(
      "DELETE FROM signature; DELETE FROM feed_key",
      dropping: ["signature_no_delete", "feed_key_no_delete"])
    let forged = files(anna.journal)

    // When Anna verifies, Then the key row's absence is damage, and nothing is written
    let verify = try sandbox.fieldlog(["verify", "--json"], journal: anna.journal)
    #expect(verify.status == 1, "\(verify)")
    let problems = try JSON.parse(verify.stdoutData)["problems"]?.array ?? []
    #expect(
      problems.contains {
        ($0["problem"]?.string ?? "").contains("is missing from the journal although its key file")
      }, "\(verify)")
    #expect(files(anna.journal) == forged, "verify changed the journal")
    #expect(try signatures(anna.journal) == "0")

    // When she reads, Then it opens, and still nothing is signed
    try team.expectOK(sandbox.fieldlog(["list", "--json"], journal: anna.journal))
    #expect(try signatures(anna.journal) == "0")
    #expect(files(anna.journal) == forged, "list changed the journal")

    // When she adds, Then the add is refused and the journal is as it was
    let add = try sandbox.fieldlog(
      ["add", "observation", "--text", "x", "--neighbourhood", "Holendrecht", "--question", "RQ1"],
      journal: anna.journal)
    #expect(add.status == 1, "\(add)")
    #expect(add.stderr.contains("public key of this journal's feed"), "\(add)")
    #expect(files(anna.journal) == forged, "a refused add changed the journal")

    // When Bram merges her journal, Then it is refused and his is as it was
    let before = files(bram.journal)
    let merge = try sandbox.fieldlog(["merge", anna.journal.path], journal: bram.journal)
    #expect(merge.status == 1, "\(merge)")
    #expect(merge.stderr.contains("fails verification"), "\(merge)")
    #expect(files(bram.journal) == before)
  }

  @Test("verify writes nothing: the journal's bytes are the same after verify, whole or damaged")
  func verifyNeverWrites() throws {
    let sandbox = try Sandbox()
    let anna = try team.fieldworker("Anna", in: sandbox)
    _ = try team.add("Een gewone notitie.", sandbox, anna)
    let whole = files(anna.journal)
    try team.expectOK(sandbox.fieldlog(["verify"], journal: anna.journal))
    #expect(files(anna.journal) == whole, "verify changed a whole journal")

    // A journal from before signing is not signed by verify: it says how to sign it.
    let legacy = try team.fieldworker("Oud", in: sandbox)
    _ = try team.sqlite(
      legacy.journal,
      """
      DROP TABLE signature; DROP TABLE feed_key; DROP TABLE entry_conflict; DROP TABLE merged;
      DROP INDEX code_by_sibling_name;
      CREATE UNIQUE INDEX code_sibling_name ON code(ifnull(parent_id, ''), folded);
      DELETE FROM grdb_migrations WHERE identifier <> 'v1-journal';
      """)
    let old = files(legacy.journal)
    let refused = try sandbox.fieldlog(["verify"], journal: legacy.journal)
    #expect(refused.status == 65, "\(refused)")
    #expect(refused.stderr.contains("older fieldlog"), "\(refused)")
    #expect(files(legacy.journal) == old, "verify upgraded an old journal")
  }

  // MARK: 13.13

  @Test(
    "add refuses to append after a head that is unsigned or wrongly signed, and changes nothing")
  func addChecksTheHeadsSignature() throws {
    let add = [
      "add", "observation", "--text", "Na de vervalsing.", "--neighbourhood", "Holendrecht",
      "--question", "RQ1",
    ]
    // An event appended by someone without the key, with a valid hash, unsigned or with a random
    // signature: the next add would cover it with its own signature's chain.
    for (name, signer) in [
      ("unsigned", TamperTableTests.Fixture.Signer.none),
      ("random signature", .bytes(Data((0..<64).map { _ in UInt8.random(in: 0...255) }))),
    ] {
      let sandbox = try Sandbox()
      let (_, forger) = try forgeable(sandbox)
      let seq = try forger.forgeEntry(signer: signer)
      let before = files(sandbox.journal)
      let refused = try sandbox.fieldlog(add)
      #expect(refused.status == 1, "\(name): \(refused)")
      #expect(refused.stderr.contains("seq \(seq)"), "\(name): \(refused)")
      #expect(files(sandbox.journal) == before, "\(name): a refused add changed the journal")
    }
    // An untouched journal takes the add.
    let sandbox = try Sandbox()
    _ = try forgeable(sandbox)
    try team.expectOK(sandbox.fieldlog(add))
    try team.expectOK(sandbox.fieldlog(["verify"]))
  }

  // MARK: 13.7

  @Test("a key planted for a feed without its events is not taken, and the real feed merges later")
  func plantedKeyDoesNotBlock() throws {
    let sandbox = try Sandbox()
    let anna = try team.fieldworker("Anna", in: sandbox)
    let bram = try team.fieldworker("Bram", in: sandbox)
    let cem = try team.fieldworker("Cem", in: sandbox)
    _ = try team.add("Bram ziet de moskee.", sandbox, bram)
    _ = try team.add("Cem ziet de buurtkamer.", sandbox, cem)
    let bramFeed = try team.sqlite(
      bram.journal, "SELECT value FROM local WHERE key = 'writer_feed'"
    )
    .trimmingCharacters(in: .newlines)
    // Cem's journal carries a key for Bram's feed, none of whose events it holds.
    _ = try team.sqlite(
      cem.journal, "INSERT INTO feed_key (feed, public_key) VALUES ('\(bramFeed)', randomblob(32))")
    try team.expectOK(sandbox.fieldlog(["verify"], journal: cem.journal))

    try team.expectOK(sandbox.fieldlog(["merge", cem.journal.path], journal: anna.journal))
    #expect(
      try team.sqlite(anna.journal, "SELECT count(*) FROM feed_key WHERE feed = '\(bramFeed)'")
        == "0\n", "the planted key was taken")
    let real = try sandbox.fieldlog(["merge", bram.journal.path], journal: anna.journal)
    #expect(real.status == 0, "the planted key blocked Bram's real journal: \(real)")
    try team.expectOK(sandbox.fieldlog(["verify"], journal: anna.journal))
  }

  // MARK: 13.8

  @Test(
    "init --from and merge verify their source first: an edited snapshot is refused with exit 1, named, and nothing is created or changed"
  )
  func sourcesAreVerifiedFirst() throws {
    let sandbox = try Sandbox()
    let anna = try team.fieldworker("Anna", in: sandbox)
    _ = try team.add("Voor de collega.", sandbox, anna)
    let snapshot = sandbox.url("voor-bram.sqlite")
    try team.expectOK(sandbox.fieldlog(["snapshot", "-o", snapshot.path], journal: anna.journal))
    // Someone edits a real name into the participant register of the snapshot: the events are
    // whole, the projection is not.
    _ = try team.sqlite(
      snapshot, "UPDATE participant SET pseudonym = 'Fatima Yilmaz' WHERE pseudonym = 'P-017'")

    let target = sandbox.url("bram/journal.sqlite")
    try FileManager.default.createDirectory(
      at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
    // A configuration folder of its own, so that a key made by this init would show there.
    let config = sandbox.url("config")
    let started = try sandbox.fieldlog(
      ["init", "--from", snapshot.path, "--author", "Bram"], env: ["XDG_CONFIG_HOME": config.path],
      journal: target)
    #expect(started.status == 1, "\(started)")
    #expect(started.stderr.contains("fails verification"), "\(started)")
    #expect(started.stderr.contains(snapshot.path), "\(started)")
    #expect(!FileManager.default.fileExists(atPath: target.path), "a journal was created")
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: target.deletingLastPathComponent().path)
        .isEmpty, "files were left behind")
    #expect(
      (try? FileManager.default.contentsOfDirectory(atPath: config.path + "/fieldlog/keys"))?
        .isEmpty ?? true, "a signing key was made")

    let bram = try team.fieldworker("Bram", in: sandbox)
    let before = files(bram.journal)
    let merged = try sandbox.fieldlog(["merge", snapshot.path], journal: bram.journal)
    #expect(merged.status == 1, "\(merged)")
    #expect(merged.stderr.contains("fails verification"), "\(merged)")
    #expect(merged.stderr.contains(snapshot.path), "\(merged)")
    #expect(files(bram.journal) == before, "the target changed")
  }

  // MARK: 12.4

  @Test("8 verifies during 40 adds by another process report no damage")
  func verifyWhileAnotherWrites() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let errors = sandbox.url("adds.err")
    _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
    let writer = Process()
    writer.executableURL = URL(fileURLWithPath: "/bin/sh")
    writer.arguments = [
      "-c",
      """
      i=1; while [ $i -le 40 ]; do
        "$0" add observation --text "Tijdens verify $i" --neighbourhood Holendrecht \\
          --question RQ1 --journal "$1" >/dev/null || echo "add $i failed" >&2
        i=$((i + 1))
      done
      """,
      sandbox.cli.binary.path, sandbox.journal.path,
    ]
    writer.environment = Processes.baseEnvironment
    writer.standardInput = FileHandle.nullDevice
    writer.standardOutput = FileHandle.nullDevice
    writer.standardError = try FileHandle(forWritingTo: errors)
    try writer.run()
    defer {
      if writer.isRunning { kill(-writer.processIdentifier, SIGKILL) }
      writer.waitUntilExit()
    }
    var during = 0
    while during < 8 {
      let verify = try sandbox.fieldlog(["verify"])
      if writer.isRunning { during += 1 }
      #expect(verify.status == 0 || verify.status == 74, "\(verify)")
      #expect(!verify.stdout.contains("damaged"), "\(verify)")
      if verify.status == 74 { #expect(verify.stderr.contains("busy"), "\(verify)") }
      if !writer.isRunning { break }
    }
    writer.waitUntilExit()
    #expect(during == 8, "the adds ended before 8 verifies ran during them (\(during))")
    let message = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
    #expect(writer.terminationStatus == 0 && message.isEmpty, "\(message)")
    #expect(try sandbox.list().count == 40)
    try team.expectOK(sandbox.fieldlog(["verify"]))
  }

  @Test("verify still finds a search index that does not match its rows, without the write lock")
  func damagedSearchIndexIsFound() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    try sandbox.addObservation("Buurtmoeders schenken koffie in de buurtkamer.")
    try sandbox.addObservation("De wijkcoach komt langs.")
    // The index's pages are removed, its rows stay: only the index is wrong.
    _ = try sandbox.query("DELETE FROM entry_fts_data WHERE id > 10")
    let verify = try sandbox.fieldlog(["verify"])
    #expect(verify.status == 1, "\(verify)")
    #expect(verify.stdout.contains("search index"), "\(verify)")
    try team.expectOK(sandbox.fieldlog(["rebuild"]))
    try team.expectOK(sandbox.fieldlog(["verify"]))
  }
}

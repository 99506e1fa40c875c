import Foundation
import Testing

/// Several fieldworkers, one study: each logs in a journal of their own, and the team merges them.
@Suite("teamwork: signed feeds, merge, conflicts, snapshots, checkpoints")
struct TeamworkTests {
  /// One fieldworker's journal in a folder of its own.
  struct Fieldworker {
    var name: String
    var journal: URL
  }

  /// A journal made by `init` from the Amsterdam study in its own folder, with the suites' pseudonyms.
  func fieldworker(
    _ name: String, in sandbox: Sandbox, from colleague: URL? = nil,
    study: URL = Paths.amsterdamStudy
  ) throws -> Fieldworker {
    let folder = sandbox.url(name)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let journal = folder.appendingPathComponent("journal.sqlite")
    let start =
      colleague.map { ["--from", $0.path] } ?? ["--study", study.path]
    try expectOK(sandbox.fieldlog(["init", "--author", name] + start, journal: journal))
    if colleague == nil {
      for pseudonym in Sandbox.participants {
        try expectOK(sandbox.fieldlog(["participant", "add", pseudonym], journal: journal))
      }
    }
    return Fieldworker(name: name, journal: journal)
  }

  @discardableResult
  func expectOK(_ result: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation) throws
    -> ProcessResult
  {
    try #require(result.status == 0, "\(result)", sourceLocation: sourceLocation)
    return result
  }

  func add(_ text: String, _ sandbox: Sandbox, _ worker: Fieldworker, kind: String = "observation")
    throws -> String
  {
    let result = try expectOK(
      sandbox.fieldlog(
        [
          "add", kind, "--text", text, "--neighbourhood", "Holendrecht", "--question", "RQ1",
          "--tag", worker.name.lowercased(), "--json",
        ], journal: worker.journal))
    // The whole id: tests look events up by subject.
    return try #require(try JSON.parse(result.stdoutData)["id"]?.string, "\(result)")
  }

  /// Every projection table, row by row, as sqlite3 prints it: what "identical projections" means.
  func projections(_ journal: URL) throws -> String {
    let tables = [
      "writer", "neighbourhood", "initiative", "question", "code", "participant", "consent",
      "entry", "entry_question", "entry_tag", "entry_participant", "entry_conflict", "coding",
      "memo",
    ]
    var dump = ""
    for table in tables {
      dump += "## \(table)\n" + (try sqlite(journal, "SELECT * FROM \(table) ORDER BY 1, 2"))
    }
    dump += try sqlite(journal, "SELECT rowid, title, body FROM entry_fts ORDER BY rowid")
    return dump
  }

  func sqlite(_ journal: URL, _ sql: String, sourceLocation: SourceLocation = #_sourceLocation)
    throws -> String
  {
    let result = try Processes.run(
      URL(fileURLWithPath: "/usr/bin/sqlite3"), ["-bail", journal.path, sql])
    try #require(result.status == 0, "\(sql): \(result)", sourceLocation: sourceLocation)
    return result.stdout
  }

  func copy(_ journal: URL, to name: String, in sandbox: Sandbox) throws -> URL {
    let target = sandbox.url(name)
    try FileManager.default.copyItem(at: journal, to: target)
    return target
  }

  // That merging is order-free (identical projections and exports in every order, verify, a
  // second merge adding nothing) is checked in FieldLogCoreTests.MergeTests, without spawning
  // fieldlog; here what merge and feeds print.
  @Test("merge --json and feeds --json match their schemas; a second merge adds nothing")
  func mergeAndFeedsJSON() throws {
    let sandbox = try Sandbox()
    let anna = try fieldworker("Anna", in: sandbox)
    let bram = try fieldworker("Bram", in: sandbox)
    _ = try add("Anna ziet buurtmoeders koffie schenken in de buurtkamer.", sandbox, anna)
    let merged = try expectOK(
      sandbox.fieldlog(["merge", "--json", anna.journal.path], journal: bram.journal))
    #expect((try JSON.parse(merged.stdoutData)["added"]?.int ?? 0) > 0, "\(merged)")
    let mergeValid = try sandbox.validate(merged.stdoutData, schema: Paths.schema("merge"))
    #expect(mergeValid.status == 0, "merge --json against merge.schema.json: \(mergeValid)")
    let again = try expectOK(
      sandbox.fieldlog(["merge", "--json", anna.journal.path], journal: bram.journal))
    #expect(try JSON.parse(again.stdoutData)["added"]?.int == 0, "\(again)")
    let verify = try expectOK(sandbox.fieldlog(["verify"], journal: bram.journal))
    #expect(verify.stdout.contains("2 feeds"), "\(verify)")

    // feeds lists every writer with its events and head.
    let feedsRaw = try expectOK(sandbox.fieldlog(["feeds", "--json"], journal: bram.journal))
    let feedsValid = try sandbox.validate(feedsRaw.stdoutData, schema: Paths.schema("feeds"))
    #expect(feedsValid.status == 0, "feeds --json against feeds.schema.json: \(feedsValid)")
    let feeds = try JSON.parse(feedsRaw.stdoutData)
    let authors = feeds.array?.compactMap { $0["author"]?.string }.sorted()
    #expect(authors == ["Anna", "Bram"], "\(feeds)")
    for feed in feeds.array ?? [] {
      #expect(feed["events"]?.int == feed["head_seq"]?.int)
      if feed["own"]?.bool == false { #expect(feed["last_merged"]?.string != nil) }
    }
  }

  @Test("a tampered incoming journal is refused and the target stays byte-identical")
  func tamperedIncomingIsRefused() throws {
    let sandbox = try Sandbox()
    let anna = try fieldworker("Anna", in: sandbox)
    let bram = try fieldworker("Bram", in: sandbox)
    _ = try add("Anna telt twaalf bewoners.", sandbox, anna)
    _ = try add("Bram ziet de moskee.", sandbox, bram)

    let tampers: [(String, String)] = [
      (
        "a payload changed",
        """
        DROP TRIGGER payload_no_update;
        UPDATE payload SET json = replace(json, 'moskee', 'kerk') WHERE json LIKE '%moskee%';
        """
      ),
      (
        "a signature replaced",
        """
        DROP TRIGGER signature_no_update;
        UPDATE signature SET signature = zeroblob(64)
        WHERE hash = (SELECT hash FROM event ORDER BY position DESC LIMIT 1);
        """
      ),
      (
        "an event removed from the middle",
        """
        DROP TRIGGER event_no_delete;
        DELETE FROM event WHERE seq = 3;
        """
      ),
    ]
    for (name, sql) in tampers {
      let incoming = try copy(
        bram.journal, to: "tampered-\(tampers.count)-\(name).sqlite", in: sandbox)
      _ = try sqlite(incoming, sql)
      let before = try Data(contentsOf: anna.journal)
      let merged = try sandbox.fieldlog(["merge", incoming.path], journal: anna.journal)
      #expect(merged.status == 1, "\(name): \(merged)")
      #expect(merged.stderr.contains("fails verification"), "\(name): \(merged)")
      #expect(merged.stderr.contains(incoming.path), "\(name): \(merged)")
      #expect(try Data(contentsOf: anna.journal) == before, "\(name): the target changed")
      let wal = (try? Data(contentsOf: URL(fileURLWithPath: anna.journal.path + "-wal"))) ?? Data()
      #expect(wal.isEmpty, "\(name): a write-ahead log was left behind")
    }
    try expectOK(sandbox.fieldlog(["verify"], journal: anna.journal))
  }

  @Test("a fork (two events at one feed and seq) is reported with both hashes, never resolved")
  func forkIsDetected() throws {
    let sandbox = try Sandbox()
    let anna = try fieldworker("Anna", in: sandbox)
    _ = try add("Gedeeld begin.", sandbox, anna)
    // A copy of the journal file written on as if it were the original: one feed, two histories.
    let copied = try copy(anna.journal, to: "kopie.sqlite", in: sandbox)
    _ = try add("Op de laptop.", sandbox, anna)
    _ = try add("Op de kopie.", sandbox, Fieldworker(name: "Anna", journal: copied))
    let seq = try sqlite(anna.journal, "SELECT max(seq) FROM event").trimmingCharacters(
      in: .newlines)
    let mine = try sqlite(anna.journal, "SELECT hex(hash) FROM event WHERE seq = \(seq)")
      .trimmingCharacters(in: .newlines).lowercased()
    let theirs = try sqlite(copied, "SELECT hex(hash) FROM event WHERE seq = \(seq)")
      .trimmingCharacters(in: .newlines).lowercased()

    let before = try Data(contentsOf: anna.journal)
    let merged = try sandbox.fieldlog(["merge", copied.path], journal: anna.journal)
    #expect(merged.status == 1, "\(merged)")
    #expect(merged.stderr.contains("forked"), "\(merged)")
    #expect(merged.stderr.contains("seq \(seq)"), "\(merged)")
    #expect(merged.stderr.contains(mine) && merged.stderr.contains(theirs), "\(merged)")
    #expect(try Data(contentsOf: anna.journal) == before)
  }

  @Test("concurrent amends of one entry are both kept, listed by conflicts, resolved by an amend")
  func concurrentAmendIsAConflict() throws {
    let sandbox = try Sandbox()
    let anna = try fieldworker("Anna", in: sandbox)
    let bram = try fieldworker("Bram", in: sandbox)
    let entry = try add("Twaalf bewoners bij de koffie.", sandbox, anna)
    try expectOK(sandbox.fieldlog(["merge", anna.journal.path], journal: bram.journal))
    try expectOK(
      sandbox.fieldlog(
        ["amend", entry, "--text", "Dertien bewoners bij de koffie.", "--reason", "geteld"],
        journal: anna.journal))
    try expectOK(
      sandbox.fieldlog(
        ["amend", entry, "--text", "Twaalf bewoners en een wijkcoach.", "--reason", "aangevuld"],
        journal: bram.journal))
    try expectOK(sandbox.fieldlog(["merge", bram.journal.path], journal: anna.journal))

    let listed = try JSON.parse(
      try expectOK(sandbox.fieldlog(["conflicts", "--json"], journal: anna.journal)).stdoutData)
    let conflict = try #require(listed["entries"]?.array?.first, "\(listed)")
    #expect(conflict["id"]?.string?.hasPrefix(entry) == true, "\(conflict)")
    let versions = conflict["versions"]?.array ?? []
    #expect(versions.count == 2)
    #expect(Set(versions.compactMap { $0["author"]?.string }) == ["Anna", "Bram"])
    #expect(versions.filter { $0["shown"]?.bool == true }.count == 1)
    let listedRaw = try expectOK(sandbox.fieldlog(["conflicts", "--json"], journal: anna.journal))
    let valid = try sandbox.validate(listedRaw.stdoutData, schema: Paths.schema("conflicts"))
    #expect(valid.status == 0, "conflicts --json against conflicts.schema.json: \(valid)")
    let human = try expectOK(sandbox.fieldlog(["conflicts"], journal: anna.journal))
    #expect(human.stdout.contains("2 concurrent versions"), "\(human)")

    // An amend that does not name both is refused; one with --resolve settles it.
    let blind = try sandbox.fieldlog(
      ["amend", entry, "--text", "Iets anders.", "--reason", "x"], journal: anna.journal)
    #expect(blind.status == 65, "\(blind)")
    #expect(blind.stderr.contains("concurrent versions"), "\(blind)")
    try expectOK(
      sandbox.fieldlog(
        [
          "amend", entry, "--text", "Dertien bewoners en een wijkcoach.", "--reason",
          "samengevoegd",
          "--resolve",
        ], journal: anna.journal))
    let after = try JSON.parse(
      try expectOK(sandbox.fieldlog(["conflicts", "--json"], journal: anna.journal)).stdoutData)
    #expect(after["entries"]?.array?.isEmpty == true, "\(after)")
    let shown = try JSON.parse(
      try expectOK(sandbox.fieldlog(["show", entry, "--json"], journal: anna.journal)).stdoutData)
    #expect(shown["body"]?.string == "Dertien bewoners en een wijkcoach.")
    #expect(shown["version"]?.int == 3)

    // The resolution travels back: Bram's journal has no conflict left either.
    try expectOK(sandbox.fieldlog(["merge", anna.journal.path], journal: bram.journal))
    let bramAfter = try JSON.parse(
      try expectOK(sandbox.fieldlog(["conflicts", "--json"], journal: bram.journal)).stdoutData)
    #expect(bramAfter["entries"]?.array?.isEmpty == true, "\(bramAfter)")
    #expect(try projections(bram.journal) == projections(anna.journal))
  }

  @Test("two codes with one name but different ids are flagged and settled by code merge")
  func codeNameClash() throws {
    let sandbox = try Sandbox()
    let anna = try fieldworker("Anna", in: sandbox)
    let bram = try fieldworker("Bram", in: sandbox)
    // Anna renames a code to a name Bram then defines afresh: same name, different ids.
    try expectOK(
      sandbox.fieldlog(["code", "rename", "schuring", "wrijving"], journal: anna.journal))
    try expectOK(
      sandbox.fieldlog(
        ["code", "define", "wrijving", "--parent", "samenwerking wijkteam"], journal: bram.journal))
    try expectOK(sandbox.fieldlog(["merge", bram.journal.path], journal: anna.journal))
    let listed = try JSON.parse(
      try expectOK(sandbox.fieldlog(["conflicts", "--json"], journal: anna.journal)).stdoutData)
    let clash = try #require(listed["codes"]?.array?.first, "\(listed)")
    let raw = try expectOK(sandbox.fieldlog(["conflicts", "--json"], journal: anna.journal))
    #expect(try sandbox.validate(raw.stdoutData, schema: Paths.schema("conflicts")).status == 0)
    #expect(clash["name"]?.string == "wrijving")
    let ids = clash["ids"]?.array?.compactMap(\.string) ?? []
    #expect(ids.count == 2)
    try expectOK(
      sandbox.fieldlog(
        ["code", "merge", String(ids[1].prefix(8)), String(ids[0].prefix(8))],
        journal: anna.journal))
    let after = try JSON.parse(
      try expectOK(sandbox.fieldlog(["conflicts", "--json"], journal: anna.journal)).stdoutData)
    #expect(after["codes"]?.array?.isEmpty == true, "\(after)")
  }

  @Test("a redaction travels with a merge, and a redacted payload is never copied in")
  func redactionTravels() throws {
    let sandbox = try Sandbox()
    let anna = try fieldworker("Anna", in: sandbox)
    let bram = try fieldworker("Bram", in: sandbox)
    let secret = "Mevrouw Jansen van nummer 12 vertelt over haar schulden."
    let entry = try add(secret, sandbox, anna)
    try expectOK(sandbox.fieldlog(["merge", anna.journal.path], journal: bram.journal))
    // Bram codes the entry before he hears of the redaction: his coding quotes it.
    try expectOK(
      sandbox.fieldlog(
        ["code", "apply", entry, "schuring", "--quote", "haar schulden"], journal: bram.journal))
    let bramBefore = try copy(bram.journal, to: "bram-before.sqlite", in: sandbox)
    try expectOK(
      sandbox.fieldlog(
        ["redact", entry, "--reason", "herleidbaar", "--yes"], journal: anna.journal))

    try expectOK(sandbox.fieldlog(["merge", anna.journal.path], journal: bram.journal))
    try expectOK(sandbox.fieldlog(["merge", bram.journal.path], journal: anna.journal))
    for journal in [anna.journal, bram.journal] {
      #expect(
        try sqlite(journal, "SELECT count(*) FROM payload WHERE json LIKE '%schulden%'") == "0\n")
      let shown = try JSON.parse(
        try expectOK(sandbox.fieldlog(["show", entry, "--json"], journal: journal)).stdoutData)
      #expect(shown["body"]?.string?.contains("schulden") == false, "\(shown)")
      let verify = try expectOK(sandbox.fieldlog(["verify", "--json"], journal: journal))
      #expect(try JSON.parse(verify.stdoutData)["redacted"]?.array?.isEmpty == false)
      #expect(!(try Data(contentsOf: journal)).contains(Data("schulden".utf8)))
    }

    // Cem first learns of the redaction, then receives Bram's old copy that still holds the text.
    let cem = try fieldworker("Cem", in: sandbox)
    try expectOK(sandbox.fieldlog(["merge", anna.journal.path], journal: cem.journal))
    try expectOK(sandbox.fieldlog(["merge", bramBefore.path], journal: cem.journal))
    #expect(
      try sqlite(cem.journal, "SELECT count(*) FROM payload WHERE json LIKE '%schulden%'") == "0\n")
    #expect(!(try Data(contentsOf: cem.journal)).contains(Data("schulden".utf8)))
    try expectOK(sandbox.fieldlog(["verify"], journal: cem.journal))
  }

  @Test("a checkpoint proves the history is still there and names a truncated or rewritten feed")
  func checkpointCatchesTruncation() throws {
    let sandbox = try Sandbox()
    let anna = try fieldworker("Anna", in: sandbox)
    let bram = try fieldworker("Bram", in: sandbox)
    _ = try add("Eerste notitie.", sandbox, bram)
    _ = try add("Tweede notitie.", sandbox, bram)
    try expectOK(sandbox.fieldlog(["merge", bram.journal.path], journal: anna.journal))
    let file = sandbox.url("checkpoint.txt")
    try expectOK(sandbox.fieldlog(["checkpoint", "-o", file.path], journal: anna.journal))
    let text = try String(contentsOf: file, encoding: .utf8)
    #expect(text.hasPrefix("fieldlog checkpoint 1\nstudy: \(Sandbox.studyName)\n"), "\(text)")
    #expect(text.components(separatedBy: "\nfeed ").count == 3, "\(text)")
    #expect(text.contains("\nroot "))
    let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions]
    #expect((mode as? Int) == 0o600)

    // Later growth is fine: the checkpoint asks for at least that history.
    _ = try add("Na het checkpoint.", sandbox, anna)
    let fine = try sandbox.fieldlog(["verify", "--checkpoint", file.path], journal: anna.journal)
    #expect(fine.status == 0, "\(fine)")
    #expect(fine.stdout.contains("checkpoint: every one of its 2 feeds"), "\(fine)")

    // Someone removes Bram's last event and moves the head back: the chain alone still verifies.
    let bramFeed = try sqlite(bram.journal, "SELECT value FROM local WHERE key = 'writer_feed'")
      .trimmingCharacters(in: .newlines)
    _ = try sqlite(
      anna.journal,
      """
      DROP TRIGGER event_no_delete;
      DELETE FROM event WHERE feed = '\(bramFeed)' AND seq = (SELECT max(seq) FROM event WHERE feed = '\(bramFeed)');
      UPDATE feed SET head_seq = head_seq - 1,
        head_hash = (SELECT hash FROM event WHERE feed = '\(bramFeed)' ORDER BY seq DESC LIMIT 1)
        WHERE id = '\(bramFeed)';
      CREATE TRIGGER event_no_delete BEFORE DELETE ON event
      BEGIN SELECT RAISE(ABORT, 'fieldlog: events are append-only and cannot be deleted'); END;
      """)
    let caught = try sandbox.fieldlog(
      ["verify", "--checkpoint", file.path, "--json"], journal: anna.journal)
    #expect(caught.status == 1, "\(caught)")
    let problems = try JSON.parse(caught.stdoutData)["problems"]?.array ?? []
    #expect(
      problems.contains {
        $0["feed"]?.string == bramFeed && ($0["problem"]?.string ?? "").contains("truncated")
      }, "\(caught)")

    // A checkpoint whose text was edited is refused as such.
    var lines = text.split(separator: "\n").map(String.init)
    lines[3] = String(lines[3].dropLast()) + (lines[3].hasSuffix("0") ? "1" : "0")
    try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
    let edited = try sandbox.fieldlog(["verify", "--checkpoint", file.path], journal: anna.journal)
    #expect(edited.status == 65, "\(edited)")
    #expect(edited.stderr.contains("root does not match"), "\(edited)")
  }

  @Test("snapshot: a consistent 0600 copy with no feed of its own, that init --from starts from")
  func snapshotAndInitFrom() throws {
    let sandbox = try Sandbox()
    let anna = try fieldworker("Anna", in: sandbox)
    let entry = try add("Voor de collega.", sandbox, anna)
    try expectOK(
      sandbox.fieldlog(["code", "rename", "schuring", "wrijving"], journal: anna.journal))
    let snapshot = sandbox.url("voor-bram.sqlite")
    try expectOK(sandbox.fieldlog(["snapshot", "-o", snapshot.path], journal: anna.journal))
    let mode = try FileManager.default.attributesOfItem(atPath: snapshot.path)[.posixPermissions]
    #expect((mode as? Int) == 0o600)
    try expectOK(sandbox.fieldlog(["verify"], journal: snapshot))
    #expect(try sqlite(snapshot, "SELECT count(*) FROM local") == "0\n")
    // Nobody writes into a snapshot: it has no feed of its own.
    let write = try sandbox.fieldlog(
      ["add", "observation", "--text", "x", "--neighbourhood", "Holendrecht", "--question", "RQ1"],
      journal: snapshot)
    #expect(write.status == 65, "\(write)")
    #expect(write.stderr.contains("init --from"), "\(write)")
    // A snapshot never overwrites a file.
    let again = try sandbox.fieldlog(["snapshot", "-o", snapshot.path], journal: anna.journal)
    #expect(again.status == 65, "\(again)")

    let bram = try fieldworker("Bram", in: sandbox, from: snapshot)
    let codes = { (journal: URL) in
      try self.sqlite(journal, "SELECT id, name, parent_id FROM code ORDER BY id")
    }
    #expect(try codes(bram.journal) == codes(anna.journal))
    #expect(try codes(bram.journal).contains("wrijving"))
    #expect(
      try sqlite(bram.journal, "SELECT count(*) FROM entry") == "0\n",
      "init --from takes the study, not the entries")
    let feeds = try sqlite(bram.journal, "SELECT count(*) FROM feed")
    #expect(feeds == "1\n")
    _ = try add("Bram begint.", sandbox, bram)
    try expectOK(sandbox.fieldlog(["merge", snapshot.path], journal: bram.journal))
    try expectOK(sandbox.fieldlog(["merge", bram.journal.path], journal: anna.journal))
    let after = try JSON.parse(
      try expectOK(sandbox.fieldlog(["conflicts", "--json"], journal: anna.journal)).stdoutData)
    #expect(after["codes"]?.array?.isEmpty == true, "same ids, no clash: \(after)")
    #expect(
      try sqlite(anna.journal, "SELECT count(*) FROM entry WHERE id LIKE '\(entry)%'") == "1\n")
    try expectOK(sandbox.fieldlog(["verify"], journal: anna.journal))
  }

  @Test(
    "every transaction's last event is signed with the feed's key, kept 0600 outside the journal")
  func eventsAreSigned() throws {
    let sandbox = try Sandbox()
    let anna = try fieldworker("Anna", in: sandbox)
    _ = try add("Ondertekend.", sandbox, anna)
    let feed = try sqlite(anna.journal, "SELECT value FROM local WHERE key = 'writer_feed'")
      .trimmingCharacters(in: .newlines)
    let key = URL(fileURLWithPath: Processes.configHome)
      .appendingPathComponent("fieldlog/keys/\(feed).key")
    let mode = try FileManager.default.attributesOfItem(atPath: key.path)[.posixPermissions]
    #expect((mode as? Int) == 0o600)
    // init, the five participants and the add: seven transactions, seven signatures, the last on
    // the feed's head.
    #expect(try sqlite(anna.journal, "SELECT count(*) FROM signature") == "7\n")
    #expect(
      try sqlite(
        anna.journal, "SELECT count(*) FROM feed f JOIN signature s ON s.hash = f.head_hash")
        == "1\n")
    #expect(try sqlite(anna.journal, "SELECT count(*) FROM feed_key") == "1\n")

    // Without its key, the journal can be read and verified but not written.
    let moved = sandbox.url("elders.key")
    try FileManager.default.moveItem(at: key, to: moved)
    let refused = try sandbox.fieldlog(
      ["add", "observation", "--text", "x", "--neighbourhood", "Holendrecht", "--question", "RQ1"],
      journal: anna.journal)
    #expect(refused.status == 66, "\(refused)")
    #expect(refused.stderr.contains(key.path), "\(refused)")
    try expectOK(sandbox.fieldlog(["verify"], journal: anna.journal))
    try expectOK(
      sandbox.fieldlog(
        [
          "add", "observation", "--text", "met de sleutel", "--neighbourhood", "Holendrecht",
          "--question", "RQ1", "--signing-key", moved.path,
        ],
        journal: anna.journal))
    // Another journal's key does not sign this one.
    let bram = try fieldworker("Bram", in: sandbox)
    let bramFeed = try sqlite(bram.journal, "SELECT value FROM local WHERE key = 'writer_feed'")
      .trimmingCharacters(in: .newlines)
    let wrong = try sandbox.fieldlog(
      [
        "add", "observation", "--text", "x", "--neighbourhood", "Holendrecht", "--question", "RQ1",
        "--signing-key",
        URL(fileURLWithPath: Processes.configHome).appendingPathComponent(
          "fieldlog/keys/\(bramFeed).key"
        ).path,
      ], journal: anna.journal)
    #expect(wrong.status == 65, "\(wrong)")
    try expectOK(sandbox.fieldlog(["verify"], journal: anna.journal))
  }

  @Test("a journal made before feeds were signed is signed when this fieldlog first opens it")
  func legacyJournalIsSignedOnFirstOpen() throws {
    let sandbox = try Sandbox()
    // The example study as fieldlog 0.1 knew it: without the action-research loop, whose events
    // a journal of then cannot hold.
    let example = try String(contentsOf: Paths.amsterdamStudy, encoding: .utf8)
    let study = try sandbox.write(
      "study-0.1.yaml",
      text: try #require(example.components(separatedBy: "\n# The action-research loop").first))
    let anna = try fieldworker("Anna", in: sandbox, study: study)
    let entry = try add("Van voor de handtekeningen.", sandbox, anna)
    // Take the journal back to schema step v1-journal, as fieldlog 0.1 made it.
    _ = try sqlite(
      anna.journal,
      """
      DROP TABLE signature; DROP TABLE feed_key; DROP TABLE entry_conflict; DROP TABLE merged;
      DROP INDEX code_by_sibling_name;
      CREATE UNIQUE INDEX code_sibling_name ON code(ifnull(parent_id, ''), folded);
      DROP TABLE key_file_use; DROP TABLE allowed_word;
      DROP TABLE coder; DROP TABLE study_profile; DROP TABLE vocabulary_removed;
      DROP TABLE withheld;
      DROP TABLE network_tie; DROP TABLE network_member;
      DROP TABLE member_check; DROP TABLE consent_letter; DROP TABLE letter;
      DROP TABLE data_management; DROP TABLE cycle;
      ALTER TABLE memo RENAME TO memo_v8;
      CREATE TABLE memo (
        id TEXT PRIMARY KEY,
        about_id TEXT NOT NULL,
        about_kind TEXT NOT NULL CHECK (about_kind IN ('entry', 'code', 'coding')),
        text TEXT NOT NULL,
        author TEXT NOT NULL,
        written_at TEXT NOT NULL
      ) STRICT;
      INSERT INTO memo SELECT id, about_id, about_kind, text, author, written_at FROM memo_v8;
      DROP TABLE memo_v8;
      CREATE INDEX memo_by_about ON memo(about_id);
      DELETE FROM grdb_migrations WHERE identifier <> 'v1-journal';
      """)
    let feed = try sqlite(anna.journal, "SELECT value FROM local WHERE key = 'writer_feed'")
      .trimmingCharacters(in: .newlines)
    let key = URL(fileURLWithPath: Processes.configHome)
      .appendingPathComponent("fieldlog/keys/\(feed).key")
    try FileManager.default.removeItem(at: key)

    let listed = try expectOK(sandbox.fieldlog(["list", "--json"], journal: anna.journal))
    #expect(listed.stdout.contains(entry))
    #expect(FileManager.default.fileExists(atPath: key.path), "a key was made for the old feed")
    // Its head signed, which vouches for the whole chain it checked first.
    #expect(try sqlite(anna.journal, "SELECT count(*) FROM signature") == "1\n")
    #expect(
      try sqlite(
        anna.journal, "SELECT count(*) FROM feed f JOIN signature s ON s.hash = f.head_hash")
        == "1\n")
    try expectOK(sandbox.fieldlog(["verify"], journal: anna.journal))
    _ = try add("Na de upgrade.", sandbox, anna)
    try expectOK(sandbox.fieldlog(["verify"], journal: anna.journal))
  }
}

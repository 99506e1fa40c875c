import Foundation
import Testing

/// The independent verifier (Tests/Tools/verify-journal.py, written from docs/journal-format.md alone)
/// run on journals that several fieldworkers made and merged: signatures, merges and checkpoints must
/// mean the same to it as to fieldlog.
@Suite("the independent verifier on merged, signed and checkpointed journals")
struct IndependentVerifierTeamworkTests {
  /// Three journals in folders of their own, merged by snapshots into Anna's, which then holds the
  /// three feeds; returns the sandbox, Anna's journal, and the feed ids of Anna, Bram and Cem.
  static func mergedJournal() throws -> (Sandbox, URL, [String]) {
    let sandbox = try Sandbox()
    var journals: [URL] = []
    for name in ["Anna", "Bram", "Cem"] {
      let folder = sandbox.url(name)
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      let journal = folder.appendingPathComponent("journal.sqlite")
      try ok(
        sandbox.fieldlog(
          ["init", "--study", Paths.amsterdamStudy.path, "--author", name], journal: journal))
      for text in ["\(name) ziet buurtmoeders koffie schenken.", "\(name) spreekt de wijkcoach."] {
        try ok(
          sandbox.fieldlog(
            [
              "add", "observation", "--text", text, "--neighbourhood", "Holendrecht", "--question",
              "RQ1",
            ], journal: journal))
      }
      journals.append(journal)
    }
    let (anna, bram, cem) = (journals[0], journals[1], journals[2])
    // Bram and Cem send snapshots; Anna merges both. Cem then takes Anna's journal (all three
    // feeds), writes after it, and Anna merges Cem once more.
    var snapshots: [String] = []
    for (name, journal) in [("bram", bram), ("cem", cem)] {
      let snapshot = sandbox.url("\(name)-snapshot.sqlite")
      try ok(sandbox.fieldlog(["snapshot", "-o", snapshot.path], journal: journal))
      snapshots.append(snapshot.path)
    }
    try ok(sandbox.fieldlog(["merge"] + snapshots, journal: anna))
    try ok(sandbox.fieldlog(["merge", anna.path], journal: cem))
    try ok(
      sandbox.fieldlog(
        [
          "add", "observation", "--text", "Cem na de samenvoeging.", "--neighbourhood",
          "Holendrecht",
          "--question", "RQ2",
        ], journal: cem))
    try ok(sandbox.fieldlog(["merge", cem.path], journal: anna))
    let feeds = try journals.map { journal in
      try Self.sql(journal, "SELECT value FROM local WHERE key = 'writer_feed'")
        .trimmingCharacters(in: .whitespacesAndNewlines)
    }
    try #require(feeds.allSatisfy { $0.count == 36 }, "feeds: \(feeds)")
    return (sandbox, anna, feeds)
  }

  @discardableResult
  static func ok(_ result: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation) throws
    -> ProcessResult
  {
    try #require(result.status == 0, "\(result)", sourceLocation: sourceLocation)
    return result
  }

  /// `sqlite3 -bail J SQL` in the plain output mode (text unquoted), requiring success.
  static func sql(_ journal: URL, _ sql: String, sourceLocation: SourceLocation = #_sourceLocation)
    throws -> String
  {
    let sqlite3 = try #require(Paths.sqlite3, "the sqlite3 command-line tool is needed")
    let result = try Processes.run(sqlite3, ["-bail", journal.path, sql])
    try #require(result.status == 0, "\(sql): \(result)", sourceLocation: sourceLocation)
    return result.stdout
  }

  /// `python3 Tests/Tools/verify-journal.py J --json EXTRA...`: its exit status and its report.
  static func independent(_ sandbox: Sandbox, _ journal: URL, _ extra: [String] = []) throws
    -> (ProcessResult, JSON)
  {
    let result = try sandbox.python([Paths.verifyJournal.path, journal.path, "--json"] + extra)
    try #require(result.status == 0 || result.status == 1, "\(result)")
    return (result, try JSON.parse(result.stdoutData))
  }

  /// Runs `body` (SQL) with the named triggers dropped, and puts them back exactly as they were
  /// stored, so that nothing but what `body` did is left for a verifier to find.
  static func tamper(_ journal: URL, droppingTriggers names: [String], _ body: String) throws {
    let list = names.map { "'\($0)'" }.joined(separator: ", ")
    let creates = try sql(
      journal, "SELECT sql || ';' FROM sqlite_master WHERE type = 'trigger' AND name IN (\(list))")
    try #require(creates.components(separatedBy: "CREATE TRIGGER").count == names.count + 1)
    let drops = names.map { "DROP TRIGGER \($0);" }.joined(separator: " ")
    _ = try sql(journal, "BEGIN; \(drops) \(body) \(creates) COMMIT;")
  }

  @Test("a journal after a three-way merge verifies clean, every transaction's signature checked")
  func threeWayMergeVerifies() throws {
    let (sandbox, anna, feeds) = try Self.mergedJournal()
    let count = try Self.sql(anna, "SELECT count(*) FROM event")
    let events = try #require(Int(count.trimmingCharacters(in: .newlines)), "\(count)")
    let signed = try Self.sql(anna, "SELECT count(*) FROM signature")
    let signatures = try #require(Int(signed.trimmingCharacters(in: .newlines)), "\(signed)")
    // One signature per transaction: fewer than the events (init alone appends many), one at least
    // per feed.
    #expect(signatures < events && signatures >= 3, "\(signatures) of \(events)")
    let ownFeeds = try Self.sql(anna, "SELECT count(DISTINCT feed) FROM event")
    #expect(ownFeeds == "3\n")
    // fieldlog itself agrees the journal is whole.
    try Self.ok(sandbox.fieldlog(["verify"], journal: anna))

    // With `cryptography` when it is there, and with the pure-Python Ed25519 in any case.
    for extra in [[], ["--pure-ed25519"]] {
      let (result, report) = try Self.independent(sandbox, anna, extra)
      #expect(result.status == 0, "\(result)")
      #expect(report["ok"] == .bool(true), "\(result)")
      #expect(report["feeds"]?.int == 3, "\(result)")
      #expect(report["events"]?.int == Int64(events), "\(result)")
      #expect(report["signatures"]?.int == Int64(signatures), "every signature checked: \(result)")
      #expect(report["problems"] == .array([]), "\(result)")
      if extra == ["--pure-ed25519"] {
        #expect(report["ed25519"]?.string == "pure", "\(result)")
      }
    }
    // And in text, naming the signatures.
    let text = try sandbox.python([Paths.verifyJournal.path, anna.path])
    #expect(text.status == 0, "\(text)")
    #expect(text.stdout.contains("\(signatures) signatures verified"), "\(text)")
    #expect(feeds.count == 3)
  }

  @Test("one signature blob altered (its guard dropped and put back) is reported, by feed and seq")
  func alteredSignatureIsReported() throws {
    let (sandbox, anna, feeds) = try Self.mergedJournal()
    // A signed event of Bram's that reached Anna by the merge: the end of his first transaction
    // (init), not his feed's last.
    let bram = feeds[1]
    let row = try Self.sql(
      anna,
      "SELECT type, hex(hash), hex(signature), seq FROM event JOIN signature USING (hash) "
        + "WHERE feed = '\(bram)' ORDER BY seq LIMIT 1"
    ).trimmingCharacters(in: .newlines).split(separator: "|").map(String.init)
    try #require(row.count == 4, "\(row)")
    let (type, hash, signature) = (row[0], row[1], row[2])
    let seq = try #require(Int64(row[3]))
    // Flip one bit of the signature's S half (hex digit 100 of 128).
    var digits = Array(signature)
    let index = 100
    let flipped = String(Int(String(digits[index]), radix: 16)! ^ 1, radix: 16).uppercased()
    digits[index] = Character(flipped)
    let altered = String(digits)
    #expect(altered != signature)
    try Self.tamper(
      anna, droppingTriggers: ["signature_no_update"],
      "UPDATE signature SET signature = X'\(altered)' WHERE hash = X'\(hash)';")
    #expect(
      try Self.sql(anna, "SELECT hex(signature) FROM signature WHERE hash = X'\(hash)'")
        == altered + "\n")

    for extra in [[], ["--pure-ed25519"]] {
      let (result, report) = try Self.independent(sandbox, anna, extra)
      #expect(result.status == 1, "\(result)")
      let problems = report["problems"]?.array ?? []
      // That one signature, and nothing else: the trigger is back as the schema states it.
      #expect(problems.count == 1, "\(result)")
      #expect(
        problems.contains {
          $0["feed"]?.string == bram && $0["seq"]?.int == seq && $0["type"]?.string == type
            && ($0["problem"]?.string ?? "").contains("bad signature")
        }, "\(result)")
    }
    let text = try sandbox.python([Paths.verifyJournal.path, anna.path])
    #expect(text.status == 1, "\(text)")
    #expect(
      text.stdout.contains("damaged: feed \(bram.prefix(8)) seq \(seq) (\(type)): bad signature"),
      "\(text)")
    // fieldlog agrees that the journal is damaged.
    #expect(try sandbox.fieldlog(["verify"], journal: anna).status == 1)
  }

  @Test(
    "a checkpoint by fieldlog passes --checkpoint; a feed truncated since is named as truncated")
  func checkpointAndTruncation() throws {
    let (sandbox, anna, feeds) = try Self.mergedJournal()
    let file = sandbox.url("checkpoint.txt")
    try Self.ok(sandbox.fieldlog(["checkpoint", "-o", file.path], journal: anna))

    let (held, heldReport) = try Self.independent(sandbox, anna, ["--checkpoint", file.path])
    #expect(held.status == 0, "\(held)")
    #expect(heldReport["checkpoint"]?["feeds"]?.int == 3, "\(held)")
    #expect(heldReport["checkpoint"]?["held"]?.int == 3, "\(held)")
    let heldText = try sandbox.python([
      Paths.verifyJournal.path, anna.path, "--checkpoint", file.path,
    ])
    #expect(heldText.status == 0, "\(heldText)")
    #expect(heldText.stdout.contains("3 of 3 feeds still hold"), "\(heldText)")

    // Someone cuts Bram's last event (with its payload and signature) and moves his head back,
    // putting every trigger back: the journal alone is whole again.
    let bram = feeds[1]
    let last = "(SELECT max(seq) FROM event WHERE feed = '\(bram)')"
    let before = try Self.sql(anna, "SELECT max(seq) FROM event WHERE feed = '\(bram)'")
    try Self.tamper(
      anna,
      droppingTriggers: ["event_no_delete", "signature_no_delete", "payload_delete_only_redacted"],
      """
      DELETE FROM signature WHERE hash = (SELECT hash FROM event WHERE feed = '\(bram)' AND seq = \(last));
      DELETE FROM payload WHERE commitment = (SELECT commitment FROM event WHERE feed = '\(bram)' AND seq = \(last));
      DELETE FROM event WHERE feed = '\(bram)' AND seq = \(last);
      UPDATE feed SET head_seq = head_seq - 1,
        head_hash = (SELECT hash FROM event WHERE feed = '\(bram)' ORDER BY seq DESC LIMIT 1)
        WHERE id = '\(bram)';
      """)
    let after = try Self.sql(anna, "SELECT max(seq) FROM event WHERE feed = '\(bram)'")
    #expect(
      Int(after.trimmingCharacters(in: .newlines))! + 1 == Int(
        before.trimmingCharacters(in: .newlines))!)

    let (alone, _) = try Self.independent(sandbox, anna)
    #expect(alone.status == 0, "without the checkpoint the cut is invisible: \(alone)")

    let (caught, report) = try Self.independent(sandbox, anna, ["--checkpoint", file.path])
    #expect(caught.status == 1, "\(caught)")
    let problems = report["problems"]?.array ?? []
    #expect(problems.count == 1, "\(caught)")
    #expect(
      problems.contains {
        $0["feed"]?.string == bram && ($0["problem"]?.string ?? "").contains("truncated")
      }, "\(caught)")
    #expect(report["checkpoint"]?["held"]?.int == 2, "\(caught)")
    let text = try sandbox.python([Paths.verifyJournal.path, anna.path, "--checkpoint", file.path])
    #expect(text.status == 1, "\(text)")
    #expect(text.stdout.contains("checkpoint feed \(bram.prefix(8)): truncated"), "\(text)")
    // fieldlog agrees on the feed.
    let fieldlog = try sandbox.fieldlog(["verify", "--checkpoint", file.path], journal: anna)
    #expect(fieldlog.status == 1, "\(fieldlog)")
  }

  @Test("a checkpoint whose lines were edited is refused, as fieldlog refuses it")
  func editedCheckpointIsRefused() throws {
    let (sandbox, anna, _) = try Self.mergedJournal()
    let file = sandbox.url("checkpoint.txt")
    try Self.ok(sandbox.fieldlog(["checkpoint", "-o", file.path], journal: anna))
    var lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map(
      String.init)
    let feedLine = try #require(lines.firstIndex { $0.hasPrefix("feed ") })
    // Claim one event less for the first feed: the root no longer matches.
    var parts = lines[feedLine].split(separator: " ").map(String.init)
    parts[2] = String(try #require(Int(parts[2])) - 1)
    lines[feedLine] = parts.joined(separator: " ")
    try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
    let result = try sandbox.python([
      Paths.verifyJournal.path, anna.path, "--checkpoint", file.path,
    ])
    #expect(result.status == 2, "\(result)")
    #expect(result.stderr.contains("root does not match"), "\(result)")
    #expect(
      try sandbox.fieldlog(["verify", "--checkpoint", file.path], journal: anna).status == 65)
  }
}

import Foundation
import Testing

/// Issue 14: each transaction signs its last event, whose hash chains every event before it
/// (docs/journal-format.md, "One signature per transaction"). The tampering table holds the cases
/// that per-event signatures caught; these are the ones that changed.
@Suite struct SignedHeadsTests {
  /// `sqlite3 -bail J SQL` in the plain output mode (text unquoted), requiring success.
  static func plain(_ sandbox: Sandbox, _ sql: String) throws -> String {
    let sqlite3 = try #require(Paths.sqlite3, "the sqlite3 command-line tool is needed")
    let result = try Processes.run(sqlite3, ["-bail", sandbox.journal.path, sql])
    try #require(result.status == 0, "\(sql): \(result)")
    return result.stdout.trimmingCharacters(in: .newlines)
  }

  static func count(_ sandbox: Sandbox, _ sql: String) throws -> Int {
    try #require(Int(try plain(sandbox, sql)))
  }

  @Test("an import of many entries is one transaction with one signature, and verifies")
  func importSignsOnce() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let before = try Self.count(sandbox, "SELECT count(*) FROM signature")
    let lines = (0..<40).map { n in
      #"{"kind":"observation","body":"Notitie \#(n) over de buurtkamer.","neighbourhood":"Holendrecht","questions":["RQ1"]}"#
    }
    let file = try sandbox.write("notes.jsonl", text: lines.joined(separator: "\n") + "\n")
    let imported = try sandbox.fieldlog(["import", file.path])
    #expect(imported.status == 0, "\(imported)")
    #expect(try Self.count(sandbox, "SELECT count(*) FROM signature") == before + 1)
    // The one new signature is on the feed's head.
    #expect(
      try Self.count(
        sandbox,
        "SELECT count(*) FROM feed f JOIN local l ON l.key = 'writer_feed' AND l.value = f.id "
          + "JOIN signature s ON s.hash = f.head_hash") == 1)
    let verified = try sandbox.fieldlog(["verify"])
    #expect(verified.status == 0, "\(verified)")
    let independent = try sandbox.independentVerify()
    #expect(independent.status == 0, "\(independent)")
  }

  @Test("an event changed before a signed one is caught by the chain, though it has no signature")
  func unsignedMiddleEventChanged() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    // init is one transaction: its events before the last carry no signature of their own.
    let seq = try Self.count(
      sandbox,
      "SELECT min(seq) FROM event e WHERE type = 'neighbourhood.added' "
        + "AND NOT EXISTS (SELECT 1 FROM signature s WHERE s.hash = e.hash)")
    let changed = try sandbox.sqlite(
      "DROP TRIGGER event_no_update; UPDATE event SET recorded_at = '2020-01-01T00:00:00.000Z' "
        + "WHERE seq = \(seq);")
    #expect(changed.status == 0, "\(changed)")
    let verified = try sandbox.fieldlog(["verify", "--json"])
    #expect(verified.status == 1, "\(verified)")
    #expect(verified.stdout.contains("its hash does not match its contents"), "\(verified)")
    // Recomputing that hash breaks the next link; recomputing them all breaks the head's signature:
    // the table of tampering cases forges those with sha256sum and openssl.
  }

  @Test("a signature before the head deleted changes nothing; the head's deleted is caught")
  func signaturesBeforeTheHead() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    _ = try sandbox.addObservation("Eerste notitie.")
    _ = try sandbox.addObservation("Tweede notitie.")
    let trigger = try Self.plain(
      sandbox, "SELECT sql FROM sqlite_master WHERE name = 'signature_no_delete'")
    let earlier = try Self.plain(
      sandbox,
      "SELECT hex(s.hash) FROM signature s JOIN event e USING (hash) "
        + "WHERE e.seq < (SELECT max(seq) FROM event WHERE feed = e.feed) ORDER BY e.seq DESC LIMIT 1"
    )
    try #require(earlier.count == 64)
    let deleted = try sandbox.sqlite(
      "BEGIN; DROP TRIGGER signature_no_delete; DELETE FROM signature WHERE hash = X'\(earlier)'; "
        + "\(trigger); COMMIT;")
    #expect(deleted.status == 0, "\(deleted)")
    let verified = try sandbox.fieldlog(["verify"])
    #expect(verified.status == 0, "the chain still carries it to the signed head: \(verified)")
    #expect(try sandbox.independentVerify().status == 0)
    // The owner writes on: the head is still signed.
    _ = try sandbox.addObservation("Derde notitie.")

    let head = try Self.plain(
      sandbox,
      "SELECT hex(head_hash) FROM feed f JOIN local l ON l.key = 'writer_feed' AND l.value = f.id"
    )
    let headless = try sandbox.sqlite(
      "BEGIN; DROP TRIGGER signature_no_delete; DELETE FROM signature WHERE hash = X'\(head)'; "
        + "\(trigger); COMMIT;")
    #expect(headless.status == 0, "\(headless)")
    let caught = try sandbox.fieldlog(["verify"])
    #expect(caught.status == 1, "\(caught)")
    #expect(caught.stdout.contains("is not signed"), "\(caught)")
    #expect(try sandbox.independentVerify().status == 1)
    let refused = try sandbox.fieldlog([
      "add", "observation", "--text", "Na de vervalsing.", "--neighbourhood", "Holendrecht",
      "--question", "RQ1",
    ])
    #expect(refused.status != 0, "no write after an unsigned head: \(refused)")
  }
}

import Foundation
import Testing

/// Someone with the journal file, `sqlite3` and a hex editor changes the record. Every mutation in the
/// table is either *caught* (`verify` exits 1 and names the event; `rebuild` refuses and writes
/// nothing) or, when only a derived table was touched, *healed* (`verify` names the table; `rebuild`
/// restores every projection exactly as it was).
///
/// The forgers here are written from docs/journal-format.md alone: hashes with `sha256sum`, signatures
/// with `openssl`, tables with `sqlite3`. None of fieldlog's own code helps them.
@Suite("tampering, table-driven: caught by verify or healed by rebuild")
struct TamperTableTests {
  enum Outcome: Sendable {
    /// `verify` exits 1 and reports the expected problems; `rebuild` exits 1 and the file stays
    /// byte-identical.
    case caught
    /// The events are whole and signed and the feed ends at its (moved) head, so only `verify
    /// --checkpoint`, with a checkpoint taken before, can tell; docs/journal-format.md says so.
    case caughtByCheckpoint
    /// Only projections (or the search index) changed: `verify` exits 1 naming them, `rebuild` exits
    /// 0, then `verify` exits 0 and every projection table equals its dump from before the mutation.
    case healed
  }

  /// A problem `verify --json` must report: its feed (nil: the journal as a whole), its seq (nil: the
  /// feed as a whole), and a fragment of its message.
  struct Expected: Sendable, CustomStringConvertible {
    var feed: String?
    var seq: Int64?
    var fragment: String

    var description: String {
      "feed \(feed ?? "-") seq \(seq.map(String.init) ?? "-"): \"\(fragment)\""
    }

    func matches(_ problem: JSON) -> Bool {
      problem["feed"]?.string == feed && problem["seq"]?.int == seq
        && (problem["problem"]?.string ?? "").contains(fragment)
    }
  }

  struct Case: CustomTestStringConvertible, Sendable {
    var name: String
    var outcome: Outcome
    /// Fragments no reported problem may contain: a forger who got the hash and the commitment right
    /// must be caught by what they could not make (a signature), not by a slip of their own.
    var absent: [String] = []
    /// Applies the mutation; returns the problems verify must report.
    var mutate: @Sendable (Fixture) throws -> [Expected]
    var testDescription: String { name }
  }

  static let noSlips = [
    "hash does not match", "payload does not match", "payload is missing", "link (prev)",
  ]

  static let cases: [Case] = [
    // MARK: payloads
    Case(name: "payload JSON edited with SQL", outcome: .caught) { f in
      let seq = try f.seq("entry.recorded", subject: f.interview)
      try f.tamper(
        "UPDATE payload SET json = replace(json, 'tamperproef-beta', 'tamperproef-BETA') "
          + "WHERE commitment = \(f.commitmentSQL(f.local, seq))", dropping: ["payload_no_update"])
      return [Expected(feed: f.local, seq: seq, fragment: "payload does not match its commitment")]
    },
    Case(name: "payload byte flipped in the raw file", outcome: .caught) { f in
      let seq = try f.seq("entry.recorded", subject: f.conversation)
      // `"body":"` only stands before the body inside a payload's JSON: the projections hold the
      // body bare, and the search index holds its words.
      try f.flipRawBytes(after: "\"body\":\"" + Fixture.conversationText.prefix(13), offset: 2)
      return [Expected(feed: f.local, seq: seq, fragment: "payload does not match its commitment")]
    },
    Case(name: "payload salt changed", outcome: .caught) { f in
      let seq = try f.seq("memo.added")
      try f.tamper(
        "UPDATE payload SET salt = randomblob(32) WHERE commitment = \(f.commitmentSQL(f.local, seq))",
        dropping: ["payload_no_update"])
      return [Expected(feed: f.local, seq: seq, fragment: "payload does not match its commitment")]
    },
    Case(name: "payload of a merged-in feed edited", outcome: .caught) { f in
      let seq = try f.seq("entry.recorded", feed: f.other)
      try f.tamper(
        "UPDATE payload SET json = replace(json, 'tamperproef-epsilon', 'tamperproef-zeta') "
          + "WHERE commitment = \(f.commitmentSQL(f.other, seq))", dropping: ["payload_no_update"])
      return [Expected(feed: f.other, seq: seq, fragment: "payload does not match its commitment")]
    },
    Case(name: "payload deleted without a redaction", outcome: .caught) { f in
      let seq = try f.seq("entry.recorded", subject: f.interview)
      try f.tamper(
        "DELETE FROM payload WHERE commitment = \(f.commitmentSQL(f.local, seq))",
        dropping: ["payload_delete_only_redacted"])
      return [
        Expected(
          feed: f.local, seq: seq, fragment: "its payload is missing and no redaction names it")
      ]
    },
    Case(name: "orphan payload added", outcome: .caught) { f in
      try f.tamper(
        "INSERT INTO payload (commitment, salt, json) "
          + "VALUES (randomblob(32), randomblob(32), '{\"body\":\"ingevoegd\"}')")
      return [
        Expected(feed: nil, seq: nil, fragment: "1 payload belongs to no event")
      ]
    },

    // MARK: events
    Case(name: "prev flipped", outcome: .caught) { f in
      let seq = try f.seq("coding.applied")
      let prev = try f.blob("SELECT prev FROM event WHERE feed = '\(f.local)' AND seq = \(seq)")
      try f.tamper(
        "UPDATE event SET prev = \(sqlBlob(flipped(prev))) WHERE feed = '\(f.local)' AND seq = \(seq)",
        dropping: ["event_no_update"])
      return [
        Expected(
          feed: f.local, seq: seq,
          fragment: "its link (prev) does not match the hash of the event before it")
      ]
    },
    Case(name: "hash flipped", outcome: .caught) { f in
      // P-017's consent (the interview's consent field registers P-021's too)
      let p017 = try f.text("SELECT id FROM participant WHERE pseudonym = 'P-017'")
      let seq = try f.seq("consent.given", subject: p017)
      let hash = try f.blob("SELECT hash FROM event WHERE feed = '\(f.local)' AND seq = \(seq)")
      try f.tamper(
        "UPDATE event SET hash = \(sqlBlob(flipped(hash))) WHERE feed = '\(f.local)' AND seq = \(seq)",
        dropping: ["event_no_update"])
      return [
        Expected(feed: f.local, seq: seq, fragment: "its hash does not match its contents"),
        Expected(feed: f.local, seq: seq + 1, fragment: "its link (prev) does not match"),
      ]
    },
    Case(name: "event type flipped in the raw file", outcome: .caught) { f in
      let seq = try f.seq("entry.amended")
      // The type is stored once, in the event row; no payload or projection spells it.
      try f.flipRawBytes(after: "entry.amende", offset: 0)
      return [
        Expected(feed: f.local, seq: seq, fragment: "its type 'entry.amendee' is not one"),
        Expected(feed: f.local, seq: seq, fragment: "its hash does not match its contents"),
      ]
    },
    Case(name: "target of an amendment changed", outcome: .caught) { f in
      let seq = try f.seq("entry.amended")
      try f.tamper(
        "UPDATE event SET target = randomblob(32) WHERE feed = '\(f.local)' AND seq = \(seq)",
        dropping: ["event_no_update"])
      return [
        Expected(feed: f.local, seq: seq, fragment: "its hash does not match its contents"),
        Expected(
          feed: f.local, seq: seq, fragment: "it corrects an event that is not in the journal"),
      ]
    },
    Case(name: "middle event deleted with its payload and signature (seq gap)", outcome: .caught) {
      f in
      let seq = try f.seq("entry.recorded", subject: f.conversation)
      let hash = try f.blob("SELECT hash FROM event WHERE feed = '\(f.local)' AND seq = \(seq)")
      try f.tamper(
        """
        DELETE FROM payload WHERE commitment = \(f.commitmentSQL(f.local, seq));
        DELETE FROM signature WHERE hash = \(sqlBlob(hash));
        DELETE FROM event WHERE feed = '\(f.local)' AND seq = \(seq);
        """,
        dropping: ["payload_delete_only_redacted", "signature_no_delete", "event_no_delete"])
      return [
        Expected(feed: f.local, seq: seq + 1, fragment: "event seq \(seq) before it is missing"),
        Expected(feed: f.local, seq: seq + 1, fragment: "its link (prev) does not match"),
      ]
    },
    Case(name: "tail event deleted, head left", outcome: .caught) { f in
      let head = try f.head(f.local)
      try f.tamper(
        """
        DELETE FROM payload WHERE commitment = \(f.commitmentSQL(f.local, head.seq));
        DELETE FROM signature WHERE hash = \(sqlBlob(head.hash));
        DELETE FROM event WHERE feed = '\(f.local)' AND seq = \(head.seq);
        """,
        dropping: ["payload_delete_only_redacted", "signature_no_delete", "event_no_delete"])
      return [
        Expected(
          feed: f.local, seq: nil,
          fragment: "the feed ends at seq \(head.seq - 1) but its recorded head is seq \(head.seq)")
      ]
    },
    // The chain, every signature and the head agree after this, and the projections were rebuilt
    // to match: nothing inside the file can tell. The checkpoint, kept elsewhere, can.
    Case(
      name: "tail event deleted, head moved back, projections rebuilt", outcome: .caughtByCheckpoint
    ) { f in
      let head = try f.head(f.other)
      try f.tamper(
        """
        DELETE FROM payload WHERE commitment = \(f.commitmentSQL(f.other, head.seq));
        DELETE FROM signature WHERE hash = \(sqlBlob(head.hash));
        DELETE FROM event WHERE feed = '\(f.other)' AND seq = \(head.seq);
        UPDATE feed SET head_seq = \(head.seq - 1), head_hash = (SELECT hash FROM event
          WHERE feed = '\(f.other)' AND seq = \(head.seq - 1)) WHERE id = '\(f.other)';
        """,
        dropping: ["payload_delete_only_redacted", "signature_no_delete", "event_no_delete"])
      // fieldlog itself refuses to rebuild over the evidence: the current state still shows the
      // removed event.
      let refused = try f.sandbox.fieldlog(["rebuild"])
      try #require(refused.status == 1, "rebuild erased the evidence: \(refused)")
      let verify = try f.sandbox.fieldlog(["verify"])
      try #require(verify.stdout.contains("events were removed"), "\(verify)")
      // The forger removes that trace by hand, then rebuilds the rest.
      try f.tamper(
        "DELETE FROM entry WHERE event_hash NOT IN (SELECT hash FROM event);", dropping: [])
      let rebuild = try f.sandbox.fieldlog(["rebuild"])
      try #require(rebuild.status == 0, "the forger's rebuild failed: \(rebuild)")
      return [
        Expected(
          feed: f.other, seq: head.seq,
          fragment: "the feed was truncated: it ends at seq \(head.seq - 1), the checkpoint saw it")
      ]
    },
    Case(name: "two events swapped", outcome: .caught) { f in
      let first = try f.seq("entry.recorded", subject: f.interview)
      let second = try f.seq("entry.recorded", subject: f.conversation)
      let where1 = "feed = '\(f.local)' AND seq = \(first)"
      try f.tamper(
        """
        UPDATE event SET seq = 999999 WHERE \(where1);
        UPDATE event SET seq = \(first) WHERE feed = '\(f.local)' AND seq = \(second);
        UPDATE event SET seq = \(second) WHERE feed = '\(f.local)' AND seq = 999999;
        """, dropping: ["event_no_update"])
      return [
        Expected(feed: f.local, seq: first, fragment: "its hash does not match its contents"),
        Expected(feed: f.local, seq: second, fragment: "its hash does not match its contents"),
        Expected(feed: f.local, seq: first, fragment: "its link (prev) does not match"),
      ]
    },
    Case(
      name: "event duplicated under a new seq, its signature copied", outcome: .caught,
      absent: noSlips
    ) { f in
      let original = try f.firstSigned(f.local, type: "entry.recorded")
      let row = try f.row(
        "SELECT type, subject, recorded_at, hex(commitment), "
          + "(SELECT hex(signature) FROM signature s WHERE s.hash = e.hash) "
          + "FROM event e WHERE feed = '\(f.local)' AND seq = \(original)")
      let seq = try f.forge(
        feed: f.local, type: row[0], subject: row[1], target: nil,
        commitment: try hexData(row[3]), recordedAt: row[2], signer: .bytes(try hexData(row[4])))
      return [Expected(feed: f.local, seq: seq, fragment: "its signature does not verify")]
    },
    Case(
      name: "forged event appended with a valid hash and no signature", outcome: .caught,
      absent: noSlips
    ) { f in
      let seq = try f.forgeEntry(signer: .none)
      return [Expected(feed: f.local, seq: seq, fragment: "it is not signed")]
    },
    Case(
      name: "forged event appended with a valid hash and a random signature", outcome: .caught,
      absent: noSlips
    ) { f in
      let seq = try f.forgeEntry(signer: .bytes(randomBytes(64)))
      return [Expected(feed: f.local, seq: seq, fragment: "its signature does not verify")]
    },
    Case(
      name: "forged event signed with another feed's key", outcome: .caught, absent: noSlips
    ) { f in
      let seq = try f.forgeEntry(signer: .key(try f.privateKey(of: f.other)))
      return [Expected(feed: f.local, seq: seq, fragment: "its signature does not verify")]
    },
    Case(
      name: "forged redaction without a signature unlocks a payload delete", outcome: .caught,
      absent: noSlips
    ) { f in
      let victim = try f.seq("entry.recorded", subject: f.conversation)
      let target = try f.blob(
        "SELECT hash FROM event WHERE feed = '\(f.local)' AND seq = \(victim)")
      // A redaction payload as fieldlog writes one (members sorted, no white space).
      let json = try f.text(
        """
        SELECT json_object('author', json_extract(json, '$.author'), 'entry', '\(f.conversation)',
          'kind', json_extract(json, '$.kind'), 'neighbourhood', json_extract(json, '$.neighbourhood'),
          'occurred_at', json_extract(json, '$.occurred_at'),
          'questions', json(json_extract(json, '$.questions')), 'reason', 'vervalst',
          'redacted_by', json_extract(json, '$.author'), 'version', 1)
        FROM payload WHERE commitment = \(f.commitmentSQL(f.local, victim))
        """)
      let seq = try f.forge(
        feed: f.local, type: "redaction", subject: f.conversation, target: target,
        commitment: try f.addPayload(json), signer: .none)
      // The guard lets the payload go: a redaction now names its event. No trigger was dropped.
      try f.tamper("DELETE FROM payload WHERE commitment = \(f.commitmentSQL(f.local, victim))")
      return [Expected(feed: f.local, seq: seq, fragment: "it is not signed")]
    },

    // MARK: signatures and keys
    // Each transaction signs its last event; the feed's last must be signed (journal-format.md,
    // "One signature per transaction"). An earlier signature deleted is left to `OldJournalTests`.
    Case(name: "the head's signature deleted", outcome: .caught) { f in
      let head = try f.head(f.local)
      try f.tamper(
        "DELETE FROM signature WHERE hash = \(sqlBlob(head.hash))",
        dropping: ["signature_no_delete"])
      return [Expected(feed: f.local, seq: head.seq, fragment: "it is not signed")]
    },
    Case(name: "signature replaced by another event's", outcome: .caught) { f in
      let seq = try f.seq("entry.amended")
      let donor = try f.firstSigned(f.local)
      try f.tamper(
        "UPDATE signature SET signature = (SELECT signature FROM signature WHERE hash = "
          + "\(f.hashSQL(f.local, donor))) WHERE hash = \(f.hashSQL(f.local, seq))",
        dropping: ["signature_no_update"])
      return [Expected(feed: f.local, seq: seq, fragment: "its signature does not verify")]
    },
    Case(name: "stray signature added", outcome: .caught) { f in
      try f.tamper(
        "INSERT INTO signature (hash, signature) VALUES (randomblob(32), randomblob(64))")
      return [Expected(feed: nil, seq: nil, fragment: "1 signature belongs to no event")]
    },
    Case(name: "public key replaced by another feed's", outcome: .caught) { f in
      let head = try f.head(f.local)
      try f.tamper(
        "UPDATE feed_key SET public_key = (SELECT public_key FROM feed_key WHERE feed = '\(f.other)') "
          + "WHERE feed = '\(f.local)'", dropping: ["feed_key_no_update"])
      return [
        Expected(
          feed: f.local, seq: try f.firstSigned(f.local), fragment: "its signature does not verify"),
        Expected(feed: f.local, seq: head.seq, fragment: "its signature does not verify"),
      ]
    },
    Case(name: "public key deleted", outcome: .caught) { f in
      try f.tamper(
        "DELETE FROM feed_key WHERE feed = '\(f.other)'", dropping: ["feed_key_no_delete"])
      return [Expected(feed: f.other, seq: 1, fragment: "the feed has no public key")]
    },
    // Issue 13.1: the owner's next command must not take this for a journal from before signing.
    Case(
      name: "forged event appended, then the own feed's public key and signatures deleted",
      outcome: .caught, absent: noSlips
    ) { f in
      _ = try f.forgeEntry(signer: .none)
      try f.tamper(
        "DELETE FROM signature WHERE hash IN (SELECT hash FROM event WHERE feed = '\(f.local)'); "
          + "DELETE FROM feed_key WHERE feed = '\(f.local)'",
        dropping: ["signature_no_delete", "feed_key_no_delete"])
      return [
        Expected(
          feed: f.local, seq: 1, fragment: "is missing from the journal although its key file")
      ]
    },

    // MARK: the guards themselves
    Case(name: "guard trigger dropped, then an event updated", outcome: .caught) { f in
      let seq = try #require(
        Int64(
          f.text(
            "SELECT min(seq) FROM event WHERE feed = '\(f.local)' AND type = 'participant.added'")))
      // Not put back: the missing trigger is part of the damage.
      try f.tamper(
        """
        DROP TRIGGER event_no_update;
        UPDATE event SET recorded_at = '2020-01-01T00:00:00.000Z' WHERE feed = '\(f.local)' AND seq = \(seq);
        """)
      return [
        Expected(feed: nil, seq: nil, fragment: "the guard trigger event_no_update is missing"),
        Expected(feed: f.local, seq: seq, fragment: "its hash does not match its contents"),
      ]
    },
    Case(name: "foreign trigger added", outcome: .caught) { f in
      try f.tamper(
        """
        CREATE TRIGGER event_quietly AFTER INSERT ON event
        BEGIN DELETE FROM signature WHERE hash = NEW.hash; END;
        """)
      return [
        Expected(
          feed: nil, seq: nil,
          fragment: "a trigger event_quietly that fieldlog did not make acts on the table event")
      ]
    },
    Case(name: "file header's freelist count changed in the raw file", outcome: .caught) { f in
      // Bytes 36-39 of an SQLite file: the number of freelist pages.
      try f.editRaw { bytes in bytes[39] ^= 0x03 }
      return [Expected(feed: nil, seq: nil, fragment: "SQLite integrity check")]
    },

    // MARK: projections and the search index: derived, so healed
    Case(name: "search index row changed", outcome: .healed) { f in
      try f.tamper(
        "UPDATE entry_fts SET body = 'vervalste tekst' "
          + "WHERE rowid = (SELECT key FROM entry WHERE id = '\(f.observation)')")
      return [Expected(feed: nil, seq: nil, fragment: "the projection table entry_fts differs")]
    },
    Case(name: "search index shadow content changed", outcome: .healed) { f in
      try f.tamper(
        "UPDATE entry_fts_content SET c1 = 'vervalste tekst' "
          + "WHERE id = (SELECT key FROM entry WHERE id = '\(f.observation)')")
      return [
        Expected(feed: nil, seq: nil, fragment: "the search index does not match its rows"),
        Expected(feed: nil, seq: nil, fragment: "the projection table entry_fts differs"),
      ]
    },
    Case(name: "search index shadow data corrupted", outcome: .healed) { f in
      // The segment that holds the index's terms, zeroed.
      try f.tamper(
        "UPDATE entry_fts_data SET block = zeroblob(length(block)) "
          + "WHERE id = (SELECT max(id) FROM entry_fts_data)")
      return [Expected(feed: nil, seq: nil, fragment: "the search index does not match its rows")]
    },
    Case(name: "entry title changed", outcome: .healed) { f in
      try f.tamper("UPDATE entry SET title = 'Vervalste titel' WHERE id = '\(f.interview)'")
      return [Expected(feed: nil, seq: nil, fragment: "the projection table entry differs")]
    },
    Case(name: "coding row deleted", outcome: .healed) { f in
      try f.tamper("DELETE FROM coding")
      return [Expected(feed: nil, seq: nil, fragment: "the projection table coding differs")]
    },
    Case(name: "code row added", outcome: .healed) { f in
      try f.tamper(
        "INSERT INTO code (id, name, folded) VALUES "
          + "('00000000-0000-4000-8000-00000000c0de', 'Vervalst', 'vervalst')")
      return [Expected(feed: nil, seq: nil, fragment: "the projection table code differs")]
    },
    Case(name: "consent row changed", outcome: .healed) { f in
      try f.tamper("UPDATE consent SET state = 'withdrawn', form = NULL WHERE scope = 'recording'")
      return [Expected(feed: nil, seq: nil, fragment: "the projection table consent differs")]
    },
    Case(name: "entry_tag row deleted", outcome: .healed) { f in
      try f.tamper(
        "DELETE FROM entry_tag WHERE entry_id = '\(f.observation)' AND folded = 'koffie'")
      return [Expected(feed: nil, seq: nil, fragment: "the projection table entry_tag differs")]
    },
    Case(name: "memo text changed", outcome: .healed) { f in
      try f.tamper("UPDATE memo SET text = 'Vervalst memo'")
      return [Expected(feed: nil, seq: nil, fragment: "the projection table memo differs")]
    },
    // The action-research tables (issue 18): a cycle stretched, a consent letter dated earlier,
    // and the key file's day moved into the past, which would make key records look due.
    Case(name: "cycle end moved", outcome: .healed) { f in
      try f.tamper("UPDATE cycle SET ends = '2030-12-31' WHERE code = 'C1'")
      return [Expected(feed: nil, seq: nil, fragment: "the projection table cycle differs")]
    },
    Case(name: "letter date changed", outcome: .healed) { f in
      try f.tamper("UPDATE letter SET date = '2023-01-01'")
      return [Expected(feed: nil, seq: nil, fragment: "the projection table letter differs")]
    },
    Case(name: "key file's day moved into the past", outcome: .healed) { f in
      try f.tamper(
        "UPDATE data_management SET value = '2020-01-01' WHERE field = 'key_file_until'")
      return [
        Expected(feed: nil, seq: nil, fragment: "the projection table data_management differs")
      ]
    },
  ]

  @Test("the table has the cases issue 7 asks for")
  func tableIsLargeEnough() {
    #expect(Self.cases.count >= 24)
    #expect(Set(Self.cases.map(\.name)).count == Self.cases.count, "case names must be unique")
  }

  /// The control for the forged cases: with the feed's own private key the forger's event is
  /// indistinguishable from a real one, so when the table's forgeries are caught, it is for the
  /// signature they lack, not for a hash or commitment the forger got wrong.
  @Test("the forger is exact: an event signed with the feed's own key is taken for a real one")
  func forgerIsExact() throws {
    let fixture = try Fixture.make()
    let seq = try fixture.forgeEntry(signer: .key(try fixture.privateKey(of: fixture.local)))
    let subject = try fixture.text(
      "SELECT subject FROM event WHERE feed = '\(fixture.local)' AND seq = \(seq)")
    let verify = try fixture.sandbox.fieldlog(["verify", "--json"])
    let problems = try JSON.parse(verify.stdoutData)["problems"]?.array ?? []
    // The new entry is in the events but not yet in the projections: nothing else is wrong.
    #expect(!problems.isEmpty, "\(verify)")
    #expect(
      problems.allSatisfy { ($0["problem"]?.string ?? "").contains("run 'fieldlog rebuild'") },
      "\(verify)")
    #expect(try fixture.sandbox.fieldlog(["rebuild"]).status == 0)
    let again = try fixture.sandbox.fieldlog(["verify"])
    #expect(again.status == 0, "\(again)")
    #expect(try fixture.sandbox.show(subject)["body"]?.string?.contains("vervalst") == true)
  }

  @Test(arguments: cases)
  func mutation(_ tamper: Case) throws {
    let fixture = try Fixture.make()
    let sandbox = fixture.sandbox
    let whole = try sandbox.fieldlog(["verify", "--json"])
    try #require(whole.status == 0, "the fixture does not verify before the mutation: \(whole)")
    let before = try fixture.projectionDump()

    let expected = try tamper.mutate(fixture)
    #expect(!expected.isEmpty)

    switch tamper.outcome {
    case .caught:
      let bytes = try fixture.files()
      let problems = try expectReported(
        expected, absent: tamper.absent, verify: ["verify"], fixture)
      #expect(
        !problems.contains { ($0["problem"]?.string ?? "").contains("run 'fieldlog rebuild'") },
        "damaged events must not be passed off as a projection to rebuild: \(problems)")
      let text = try sandbox.fieldlog(["verify"])
      #expect(text.status == 1, "\(text)")
      #expect(
        text.stdout.split(separator: "\n").contains {
          $0.hasPrefix("damaged: ") && $0.contains(expected[0].fragment)
        }, "\(text)")
      #expect(try fixture.files() == bytes, "verify changed the file")
      let rebuild = try sandbox.fieldlog(["rebuild"])
      #expect(rebuild.status == 1, "\(rebuild)")
      #expect(rebuild.stderr.hasPrefix("error: "), "\(rebuild)")
      #expect(try fixture.files() == bytes, "rebuild changed a damaged journal")

    case .caughtByCheckpoint:
      // The premise: the cover-up is complete, so plain verify has nothing to say.
      let plain = try sandbox.fieldlog(["verify"])
      #expect(plain.status == 0, "premise: plain verify was expected to be fooled: \(plain)")
      _ = try expectReported(
        expected, absent: tamper.absent,
        verify: ["verify", "--checkpoint", fixture.checkpoint.path], fixture)
      let text = try sandbox.fieldlog(["verify", "--checkpoint", fixture.checkpoint.path])
      #expect(text.status == 1, "\(text)")
      #expect(text.stdout.contains("feed \(fixture.other.prefix(8))"), "\(text)")

    case .healed:
      let problems = try expectReported(
        expected, absent: tamper.absent, verify: ["verify"], fixture)
      #expect(
        problems.allSatisfy { ($0["problem"]?.string ?? "").contains("run 'fieldlog rebuild'") },
        "only derived tables were touched, yet: \(problems)")
      #expect(problems.count == expected.count, "\(problems)")
      let rebuild = try sandbox.fieldlog(["rebuild"])
      #expect(rebuild.status == 0, "\(rebuild)")
      let again = try sandbox.fieldlog(["verify"])
      #expect(again.status == 0, "verify after rebuild: \(again)")
      let after = try fixture.projectionDump()
      #expect(after == before, "rebuild did not restore the projections:\n\(diff(before, after))")
    }
  }

  /// Runs `verify --json` (with `arguments`), requires exit 1, and checks the problems; returns them.
  @discardableResult
  func expectReported(
    _ expected: [Expected], absent: [String], verify arguments: [String], _ fixture: Fixture,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> [JSON] {
    let result = try fixture.sandbox.fieldlog(arguments + ["--json"])
    #expect(result.status == 1, "\(result)", sourceLocation: sourceLocation)
    let report = try JSON.parse(result.stdoutData)
    #expect(report["ok"] == .bool(false), "\(report)", sourceLocation: sourceLocation)
    let problems = report["problems"]?.array ?? []
    for problem in expected {
      #expect(
        problems.contains { problem.matches($0) },
        "expected \(problem), got:\n\(problems.map(\.description).joined(separator: "\n"))",
        sourceLocation: sourceLocation)
    }
    for fragment in absent {
      #expect(
        !problems.contains { ($0["problem"]?.string ?? "").contains(fragment) },
        "no problem should say \"\(fragment)\": \(problems)", sourceLocation: sourceLocation)
    }
    return problems
  }

  /// The lines of `b` not in `a` and those of `a` not in `b`, for a readable failure.
  func diff(_ a: String, _ b: String) -> String {
    let left = a.split(separator: "\n")
    let right = b.split(separator: "\n")
    return
      (left.filter { !right.contains($0) }.map { "- \($0)" }
      + right.filter { !left.contains($0) }.map { "+ \($0)" }).joined(separator: "\n")
  }
}

// MARK: - The fixture

extension TamperTableTests {
  /// A journal with entries of three kinds, an amendment, a coding, a memo, a consent, a redacted
  /// entry, and a second feed merged in from a colleague's journal; and a checkpoint of it.
  struct Fixture: Sendable {
    let sandbox: Sandbox
    /// The feed this journal writes, and the one merged in.
    let local: String
    let other: String
    let checkpoint: URL
    /// Entry ids: amended, tagged and naming a participant; coded, with a memo; plain.
    let observation: String
    let interview: String
    let conversation: String

    static let observationText = "Buurtmoeders schenken koffie in de buurtkamer (tamperproef-alfa)."
    static let interviewText = "Gesprek met de wijkcoach over warme overdracht (tamperproef-beta)."
    static let conversationText = "Netwerkberaad over de buurtkamer (tamperproef-gamma)."

    static func make() throws -> Fixture {
      let sandbox = try Sandbox()
      try sandbox.initJournal()
      let observation = try #require(
        try sandbox.addObservation(
          observationText,
          extra: ["--tag", "koffie", "--tag", "buurtkamer", "--participant", "P-017"])["id"]?.string
      )
      let interview = try #require(
        try sandbox.add(
          "interview",
          [
            "--text", interviewText, "--neighbourhood", "Jan van Maijenbuurt", "--question", "RQ2",
            "--field", "consent=written", "--participant", "P-021:sleutelfiguur",
          ])["id"]?.string)
      let conversation = try #require(
        try sandbox.add(
          "network-conversation",
          [
            "--text", conversationText, "--neighbourhood", "Holendrecht", "--question", "RQ1",
            "--field", "roles=client,family", "--field", "follow-up=2024-04-02",
          ])["id"]?.string)
      let redacted = try #require(
        try sandbox.addObservation("Herleidbare notitie over P-030 (tamperproef-delta).")["id"]?
          .string)
      try ok(
        sandbox.fieldlog(
          ["amend", observation, "--title", "Koffie in de buurtkamer", "--reason", "titel"]))
      try ok(
        sandbox.fieldlog(
          ["code", "apply", interview, "warme overdracht", "--quote", "warme overdracht"]))
      try ok(sandbox.fieldlog(["memo", "add", "--about", interview, "De wijkcoach als brug."]))
      try ok(
        sandbox.fieldlog(
          ["consent", "P-017", "--given", "written", "--scope", "recording,quotation"]))
      try ok(sandbox.fieldlog(["redact", redacted, "--reason", "herleidbaar", "--yes"]))

      // A colleague's journal, merged in: a second feed with its own key.
      let colleague = sandbox.url("bram.sqlite")
      try ok(
        sandbox.fieldlog(
          ["init", "--study", Paths.amsterdamStudy.path, "--author", "Bram Tweede"],
          journal: colleague))
      try ok(
        sandbox.fieldlog(
          [
            "add", "observation", "--text", "Bram ziet de buurtkamer (tamperproef-epsilon).",
            "--neighbourhood", "Holendrecht", "--question", "RQ1",
          ], journal: colleague))
      try ok(sandbox.fieldlog(["merge", colleague.path]))

      let checkpoint = sandbox.url("checkpoint.txt")
      try ok(sandbox.fieldlog(["checkpoint", "-o", checkpoint.path]))

      let local = try text(sandbox, "SELECT value FROM local WHERE key = 'writer_feed'")
      let other = try text(sandbox, "SELECT id FROM feed WHERE id <> '\(local)'")
      try #require(local.count == 36 && other.count == 36, "feeds: \(local), \(other)")
      return Fixture(
        sandbox: sandbox, local: local, other: other, checkpoint: checkpoint,
        observation: observation, interview: interview, conversation: conversation)
    }

    static func ok(_ result: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation)
      throws
    {
      try #require(result.status == 0, "\(result)", sourceLocation: sourceLocation)
    }

    // MARK: sqlite3

    /// `sqlite3 -bail J SQL` in list mode, requiring success.
    static func plain(_ sandbox: Sandbox, _ sql: String) throws -> String {
      let sqlite3 = try #require(Paths.sqlite3, "the sqlite3 command-line tool is needed")
      let result = try Processes.run(sqlite3, ["-bail", sandbox.journal.path, sql])
      try #require(result.status == 0, "sqlite3 failed on \(sql): \(result)")
      return result.stdout
    }

    /// One value, as text, without the final line break.
    static func text(_ sandbox: Sandbox, _ sql: String) throws -> String {
      var value = try plain(sandbox, sql)
      while value.hasSuffix("\n") { value.removeLast() }
      return value
    }

    func text(_ sql: String) throws -> String { try Self.text(sandbox, sql) }

    /// The columns of one row, read as hex or text: `|`-separated in list mode.
    func row(_ sql: String) throws -> [String] {
      try text(sql).split(separator: "|", omittingEmptySubsequences: false).map(String.init)
    }

    func blob(_ sql: String) throws -> Data {
      try hexData(text("SELECT hex((\(sql)))"))
    }

    /// Runs `sql` with the named guard triggers dropped, then puts them back exactly as the journal
    /// defined them, so that only the mutation itself is left to find.
    func tamper(_ sql: String, dropping triggers: [String] = []) throws {
      var script = ""
      var restore = ""
      for name in triggers {
        let definition = try text(
          "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = '\(name)'")
        try #require(!definition.isEmpty, "no trigger \(name)")
        script += "DROP TRIGGER \(name);\n"
        restore += definition + ";\n"
      }
      _ = try Self.plain(sandbox, script + sql + ";\n" + restore)
      let wal = FileManager.default.contents(atPath: sandbox.journal.path + "-wal") ?? Data()
      try #require(wal.isEmpty, "sqlite3 left a WAL behind")
    }

    /// The seq of the (only) event of this type, and subject when given, in `feed` (default: local).
    func seq(_ type: String, subject: String? = nil, feed: String? = nil) throws -> Int64 {
      let feed = feed ?? local
      let text = try text(
        "SELECT group_concat(seq) FROM event WHERE feed = '\(feed)' AND type = '\(type)'"
          + (subject.map { " AND subject = '\($0)'" } ?? ""))
      return try #require(Int64(text), "not exactly one \(type) event: '\(text)'")
    }

    func commitmentSQL(_ feed: String, _ seq: Int64) -> String {
      "(SELECT commitment FROM event WHERE feed = '\(feed)' AND seq = \(seq))"
    }

    func hashSQL(_ feed: String, _ seq: Int64) -> String {
      "(SELECT hash FROM event WHERE feed = '\(feed)' AND seq = \(seq))"
    }

    /// The first event of a feed that carries a signature (the end of its first transaction), of
    /// any type or of one.
    func firstSigned(_ feed: String, type: String? = nil) throws -> Int64 {
      try #require(
        Int64(
          text(
            "SELECT min(seq) FROM event JOIN signature USING (hash) WHERE feed = '\(feed)'"
              + (type.map { " AND type = '\($0)'" } ?? ""))))
    }

    func head(_ feed: String) throws -> (seq: Int64, hash: Data) {
      let seq = try #require(Int64(text("SELECT head_seq FROM feed WHERE id = '\(feed)'")))
      return (seq, try blob("SELECT head_hash FROM feed WHERE id = '\(feed)'"))
    }

    // MARK: raw bytes

    /// The journal's files as they are on disk; an empty WAL, which a reader (verify) may leave,
    /// holds nothing and counts as none.
    func files() throws -> [String: Data] {
      var files: [String: Data] = [:]
      for suffix in ["", "-wal", "-journal"] {
        if let data = FileManager.default.contents(atPath: sandbox.journal.path + suffix),
          suffix.isEmpty || !data.isEmpty
        {
          files[suffix] = data
        }
      }
      return files
    }

    /// Edits the closed journal file in place.
    func editRaw(_ edit: (inout Data) throws -> Void) throws {
      try #require(
        (FileManager.default.contents(atPath: sandbox.journal.path + "-wal") ?? Data()).isEmpty,
        "the journal has a WAL: its pages are not all in the file")
      var bytes = try Data(contentsOf: sandbox.journal)
      try edit(&bytes)
      try bytes.write(to: sandbox.journal)
    }

    /// Flips bit 0x01 of the byte `offset` bytes after every occurrence of `marker` in the file
    /// (a freed page may hold an old copy; flipping that too does no harm).
    func flipRawBytes<S: StringProtocol>(after marker: S, offset: Int) throws {
      let needle = Data(marker.utf8)
      try editRaw { bytes in
        var found = 0
        var start = bytes.startIndex
        while let range = bytes.range(of: needle, in: start..<bytes.endIndex) {
          bytes[range.upperBound + offset] ^= 0x01
          found += 1
          start = range.upperBound
        }
        try #require(found >= 1, "\(marker) is not in the file")
      }
    }

    // MARK: forging, from docs/journal-format.md

    enum Signer: Sendable {
      case none
      case bytes(Data)
      /// An Ed25519 private key (its 32 raw bytes).
      case key(Data)
    }

    /// Adds a payload row for `json` with a fresh salt; returns its commitment.
    func addPayload(_ json: String) throws -> Data {
      let salt = randomBytes(32)
      let commitment = try sha256(Data("fieldlog.payload.v1".utf8) + [0] + salt + Data(json.utf8))
      let quoted = "'" + json.replacingOccurrences(of: "'", with: "''") + "'"
      try tamper(
        "INSERT INTO payload (commitment, salt, json) VALUES (\(sqlBlob(commitment)), \(sqlBlob(salt)), \(quoted))"
      )
      return commitment
    }

    /// Appends an event to `feed` after its head, with a hash computed as the format states, a
    /// signature as `signer` gives, and the feed's head moved to it; returns its seq.
    @discardableResult
    func forge(
      feed: String, type: String, subject: String, target: Data?, commitment: Data,
      recordedAt: String? = nil, signer: Signer
    ) throws -> Int64 {
      let head = try head(feed)
      let seq = head.seq + 1
      let recordedAt = recordedAt ?? Self.now()
      func field(_ bytes: Data) -> Data {
        let count = UInt32(bytes.count)
        return Data([
          UInt8(count >> 24), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF),
          UInt8(count & 0xFF),
        ])
          + bytes
      }
      var seqBytes = Data()
      for shift in stride(from: 56, through: 0, by: -8) {
        seqBytes.append(UInt8(seq >> shift & 0xFF))
      }
      var preimage = Data("fieldlog.event.v1".utf8) + [0]
      let fields: [Data] = [
        try uuidBytes(feed), seqBytes, head.hash, Data(recordedAt.utf8), Data(type.utf8),
        try uuidBytes(subject), target ?? Data(), commitment,
      ]
      for value in fields { preimage += field(value) }
      let hash = try sha256(preimage)
      var sql = """
        INSERT INTO event (feed, seq, prev, recorded_at, type, subject, target, commitment, hash)
        VALUES ('\(feed)', \(seq), \(sqlBlob(head.hash)), '\(recordedAt)', '\(type)', '\(subject)',
          \(target.map(sqlBlob) ?? "NULL"), \(sqlBlob(commitment)), \(sqlBlob(hash)));
        UPDATE feed SET head_seq = \(seq), head_hash = \(sqlBlob(hash)) WHERE id = '\(feed)';
        """
      switch signer {
      case .none: break
      case .bytes(let signature):
        sql +=
          "INSERT INTO signature (hash, signature) VALUES (\(sqlBlob(hash)), \(sqlBlob(signature)));"
      case .key(let key):
        let signature = try sign(Data("fieldlog.signature.v1".utf8) + [0] + hash, with: key)
        sql +=
          "INSERT INTO signature (hash, signature) VALUES (\(sqlBlob(hash)), \(sqlBlob(signature)));"
      }
      try tamper(sql)
      return seq
    }

    /// A new observation, appended to this journal's own feed.
    func forgeEntry(signer: Signer) throws -> Int64 {
      let template = try text(
        "SELECT json FROM payload WHERE commitment = "
          + commitmentSQL(local, try seq("entry.recorded", subject: conversation)))
      let json = template.replacingOccurrences(of: "tamperproef-gamma", with: "vervalst")
      try #require(json != template)
      return try forge(
        feed: local, type: "entry.recorded", subject: UUID().uuidString.lowercased(), target: nil,
        commitment: try addPayload(json), signer: signer)
    }

    /// The private key of a feed, from its key file (`private <base64>`).
    func privateKey(of feed: String) throws -> Data {
      let file = URL(fileURLWithPath: Processes.configHome)
        .appendingPathComponent("fieldlog/keys/\(feed).key")
      let text = try String(contentsOf: file, encoding: .utf8)
      let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("private ") })
      return try #require(Data(base64Encoded: String(line.dropFirst("private ".count))))
    }

    /// An Ed25519 signature by `openssl pkeyutl`.
    func sign(_ message: Data, with key: Data) throws -> Data {
      let openssl = try #require(
        Processes.which("openssl"), "openssl is needed to sign as a forger would")
      // PKCS #8 for an Ed25519 private key (RFC 8410): a fixed prefix, then the 32 bytes.
      let der = try hexData("302E020100300506032B657004220420") + key
      let keyFile = try sandbox.write("forger.der", der)
      let messageFile = try sandbox.write("message.bin", message)
      let signatureFile = sandbox.url("signature.bin")
      let result = try Processes.run(
        openssl,
        [
          "pkeyutl", "-sign", "-rawin", "-keyform", "DER", "-inkey", keyFile.path, "-in",
          messageFile.path, "-out", signatureFile.path,
        ])
      try #require(result.status == 0, "openssl: \(result)")
      let signature = try Data(contentsOf: signatureFile)
      try #require(signature.count == 64)
      return signature
    }

    func sha256(_ data: Data) throws -> Data {
      let tool = try #require(Paths.sha256sum, "sha256sum is needed")
      let file = try sandbox.write("preimage-\(UUID().uuidString)", data)
      defer { try? FileManager.default.removeItem(at: file) }
      let result = try Processes.run(tool, [file.path])
      try #require(result.status == 0, "\(result)")
      return try hexData(String(result.stdout.prefix(64)))
    }

    static func now() -> String {
      let formatter = ISO8601DateFormatter()
      formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
      formatter.timeZone = TimeZone(identifier: "UTC")
      return formatter.string(from: Date())
    }

    // MARK: projections

    /// Every projection table, every row in a fixed order, as sqlite3 prints it: every table but
    /// the truth tables, the file's bookkeeping and the search index's shadow tables; and the search
    /// index's own rows.
    func projectionDump() throws -> String {
      let notProjections = ["event", "payload", "feed", "feed_key", "signature", "local", "merged"]
      let tables = try text(
        """
        SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE type = 'table'
          AND name NOT IN (\(notProjections.map { "'\($0)'" }.joined(separator: ", ")))
          AND name NOT LIKE 'entry\\_fts%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
          ORDER BY name)
        """
      ).split(separator: " ")
      try #require(tables.contains("entry") && tables.contains("coding"), "\(tables)")
      var dump = ""
      for table in tables {
        let columns = try #require(
          Int(text("SELECT count(*) FROM pragma_table_info('\(table)')")))
        let order = (1...columns).map(String.init).joined(separator: ", ")
        dump += "## \(table)\n" + (try sandbox.query("SELECT * FROM \(table) ORDER BY \(order)"))
      }
      dump +=
        "## entry_fts\n"
        + (try sandbox.query("SELECT rowid, title, body FROM entry_fts ORDER BY rowid"))
      return dump
    }
  }
}

// MARK: - Bytes

private func randomBytes(_ count: Int) -> Data {
  Data((0..<count).map { _ in UInt8.random(in: 0...255) })
}

private func flipped(_ data: Data) -> Data {
  var copy = data
  copy[copy.startIndex] ^= 0x01
  return copy
}

private func sqlBlob(_ data: Data) -> String {
  "X'" + data.map { String(format: "%02X", $0) }.joined() + "'"
}

private func hexData(_ hex: String) throws -> Data {
  let digits = Array(hex.utf8)
  try #require(digits.count % 2 == 0, "odd hex: \(hex)")
  var data = Data()
  for index in stride(from: 0, to: digits.count, by: 2) {
    let pair = String(decoding: digits[index..<index + 2], as: UTF8.self)
    data.append(try #require(UInt8(pair, radix: 16), "not hex: \(hex)"))
  }
  return data
}

private func uuidBytes(_ text: String) throws -> Data {
  let uuid = try #require(UUID(uuidString: text), "not a UUID: \(text)").uuid
  return withUnsafeBytes(of: uuid) { Data($0) }
}

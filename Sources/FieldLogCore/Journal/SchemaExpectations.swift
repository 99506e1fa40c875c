/// What today's code expects of a journal's schema, in one place: `verify` checks a journal
/// against it and `rebuild` empties the projection tables in its order.
///
/// The migrations (`Schema`) are frozen SQL and never read this; `SchemaExpectationsTests` checks
/// that the schema they make satisfies it, so the two cannot drift apart silently.
enum SchemaExpectations {
  /// `PRAGMA application_id` of every journal: the ASCII bytes "FLOG".
  static let applicationID: Int32 = 0x464C_4F47

  /// The tables that carry the truth, with their exact SQL: a table recreated without its checks
  /// is reported.
  static let truthTables: [String: String] = [
    "event": table(
      "event",
      [
        "position INTEGER PRIMARY KEY",
        "feed TEXT NOT NULL CHECK (length(feed) = 36 AND feed = lower(feed))",
        "seq INTEGER NOT NULL CHECK (seq >= 1)",
        "prev BLOB NOT NULL CHECK (length(prev) = 32)",
        "recorded_at TEXT NOT NULL",
        "type TEXT NOT NULL",
        "subject TEXT NOT NULL CHECK (length(subject) = 36 AND subject = lower(subject))",
        "target BLOB CHECK (target IS NULL OR length(target) = 32)",
        "commitment BLOB NOT NULL CHECK (length(commitment) = 32)",
        "hash BLOB NOT NULL CHECK (length(hash) = 32)",
        "UNIQUE (feed, seq)",
      ]),
    "feed": table(
      "feed",
      [
        "id TEXT PRIMARY KEY CHECK (length(id) = 36 AND id = lower(id))",
        "head_seq INTEGER NOT NULL CHECK (head_seq >= 1)",
        "head_hash BLOB NOT NULL CHECK (length(head_hash) = 32)",
      ]),
    "feed_key": table(
      "feed_key",
      [
        "feed TEXT PRIMARY KEY CHECK (length(feed) = 36 AND feed = lower(feed))",
        "public_key BLOB NOT NULL CHECK (length(public_key) = 32)",
      ]),
    "payload": table(
      "payload",
      [
        "commitment BLOB PRIMARY KEY CHECK (length(commitment) = 32)",
        "salt BLOB NOT NULL CHECK (length(salt) = 32)",
        "json TEXT NOT NULL CHECK (json_valid(json))",
      ]),
    "signature": table(
      "signature",
      [
        "hash BLOB PRIMARY KEY CHECK (length(hash) = 32)",
        "signature BLOB NOT NULL CHECK (length(signature) = 64)",
      ]),
  ]

  /// The guard triggers, by name, with their exact SQL; no other trigger may act on a truth table,
  /// since it could silently drop or rewrite what fieldlog writes.
  static let guardTriggers: [String: String] = Dictionary(
    uniqueKeysWithValues: [
      guardTrigger(
        "event_no_update", "UPDATE ON event", "events are append-only and cannot be updated"),
      guardTrigger(
        "event_no_delete", "DELETE ON event", "events are append-only and cannot be deleted"),
      guardTrigger("signature_no_update", "UPDATE ON signature", "signatures cannot be updated"),
      guardTrigger("signature_no_delete", "DELETE ON signature", "signatures cannot be deleted"),
      guardTrigger(
        "feed_key_no_update", "UPDATE ON feed_key", "the public key of a feed cannot be changed"),
      guardTrigger(
        "feed_key_no_delete", "DELETE ON feed_key", "the public key of a feed cannot be deleted"),
      guardTrigger("payload_no_update", "UPDATE ON payload", "payloads cannot be updated"),
      guardTrigger(
        "event_no_replace", "INSERT ON event",
        when:
          "EXISTS (SELECT 1 FROM event WHERE (feed = NEW.feed AND seq = NEW.seq) OR hash = NEW.hash)",
        "an event with this feed and seq or hash exists and cannot be replaced"),
      guardTrigger(
        "signature_no_replace", "INSERT ON signature",
        when: "EXISTS (SELECT 1 FROM signature WHERE hash = NEW.hash)",
        "a signature for this event exists and cannot be replaced"),
      guardTrigger(
        "feed_key_no_replace", "INSERT ON feed_key",
        when: "EXISTS (SELECT 1 FROM feed_key WHERE feed = NEW.feed)",
        "the public key of this feed exists and cannot be replaced"),
      guardTrigger(
        "payload_no_replace", "INSERT ON payload",
        when: "EXISTS (SELECT 1 FROM payload WHERE commitment = NEW.commitment)",
        "a payload with this commitment exists and cannot be replaced"),
      guardTrigger(
        "payload_delete_only_redacted", "DELETE ON payload",
        when: """
          NOT EXISTS (
            SELECT 1 FROM event AS corrected JOIN event AS redaction ON redaction.target = corrected.hash
            WHERE corrected.commitment = OLD.commitment AND redaction.type = 'redaction')
          """,
        "a payload can only be deleted by a redaction event"),
    ])

  /// Projection tables, children before parents: the order in which `rebuild` empties them. They
  /// hold nothing but a replay of the events.
  static let projectionTables = [
    "network_tie", "network_member", "entry_conflict", "memo", "coding", "member_check", "entry_fts", "entry_participant",
    "entry_tag", "entry_question", "entry",
    "consent", "consent_letter",
    "participant", "cycle", "code", "initiative", "question", "neighbourhood", "writer",
    "coder", "study_profile", "vocabulary_removed", "letter", "data_management",
  ]

  /// A STRICT table's SQL as SQLite keeps it, one column or constraint a line.
  private static func table(_ name: String, _ columns: [String]) -> String {
    "CREATE TABLE \(name) (\n  " + columns.joined(separator: ",\n  ") + "\n) STRICT"
  }

  /// A guard's SQL as SQLite keeps it: before `action` (optionally only `when`) it aborts with
  /// `refusal`.
  private static func guardTrigger(
    _ name: String, _ action: String, when condition: String? = nil, _ refusal: String
  ) -> (String, String) {
    let when = condition.map { "WHEN \($0)\n" } ?? ""
    return (
      name,
      "CREATE TRIGGER \(name) BEFORE \(action)\n\(when)"
        + "BEGIN SELECT RAISE(ABORT, 'fieldlog: \(refusal)'); END"
    )
  }
}

import Crypto
import Foundation
import GRDB

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One writer's feed as this journal holds it.
public struct FeedSummary: Encodable, Equatable, Sendable {
  public var feed: String
  public var author: String?
  public var events: Int
  public var headSeq: Int64
  public var headHash: String
  /// Whether this journal writes it.
  public var own: Bool
  /// When events of this feed last came in by a merge, if ever.
  public var lastMerged: String?
  public var mergedFrom: String?

  enum CodingKeys: String, CodingKey {
    case feed, author, events, own
    case headSeq = "head_seq"
    case headHash = "head_hash"
    case lastMerged = "last_merged"
    case mergedFrom = "merged_from"
  }
}

/// What a PI keeps elsewhere to prove later that a journal still holds at least this history: every
/// feed's head, and a Merkle root over them (docs/journal-format.md, "Checkpoints").
public struct Checkpoint: Equatable, Sendable {
  public struct Head: Equatable, Sendable {
    public var feed: String
    public var seq: Int64
    public var hash: Data
  }

  public var study: String
  public var taken: String
  public var heads: [Head]

  static let firstLine = "fieldlog checkpoint 1"

  /// The same checkpoint with its heads in feed order, as its text lists them.
  public var sortedByFeed: Checkpoint {
    var sorted = self
    sorted.heads.sort { $0.feed < $1.feed }
    return sorted
  }

  /// The Merkle tree hash (RFC 6962) over the heads in feed order.
  public var root: Data {
    let leaves = heads.sorted { $0.feed < $1.feed }.map { head -> Data in
      var hasher = SHA256()
      hasher.update(data: [0])
      hasher.update(data: UUID(uuidString: head.feed)?.bytes ?? [])
      hasher.update(data: Hashing.bigEndian(head.seq))
      hasher.update(data: head.hash)
      return Data(hasher.finalize())
    }
    func tree(_ nodes: ArraySlice<Data>) -> Data {
      if nodes.isEmpty { return Data(SHA256.hash(data: Data())) }
      if nodes.count == 1, let only = nodes.first { return only }
      var split = 1
      while split * 2 < nodes.count { split *= 2 }
      var hasher = SHA256()
      hasher.update(data: [1])
      hasher.update(data: tree(nodes.prefix(split)))
      hasher.update(data: tree(nodes.dropFirst(split)))
      return Data(hasher.finalize())
    }
    return tree(leaves[...])
  }

  /// The text to store: one line per fact, the root last.
  public var text: String {
    var lines = [Self.firstLine, "study: \(study)", "taken: \(taken)"]
    for head in heads.sorted(by: { $0.feed < $1.feed }) {
      lines.append("feed \(head.feed) \(head.seq) \(Hashing.hex(head.hash))")
    }
    lines.append("root \(Hashing.hex(root))")
    return lines.joined(separator: "\n") + "\n"
  }

  /// Reads a checkpoint's text; refuses one whose root does not match its heads.
  public static func parse(_ text: String, path: String) throws -> Checkpoint {
    func bad(_ why: String) -> FieldLogError {
      .invalidInput("'\(path)' is not a fieldlog checkpoint: \(why)")
    }
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    guard lines.first == firstLine else { throw bad("its first line is not '\(firstLine)'") }
    guard lines.count >= 4, lines[1].hasPrefix("study: "), lines[2].hasPrefix("taken: "),
      let last = lines.last, last.hasPrefix("root ")
    else { throw bad("it lacks the study, the time or the root") }
    var checkpoint = Checkpoint(
      study: String(lines[1].dropFirst(7)), taken: String(lines[2].dropFirst(7)), heads: [])
    for line in lines[3..<(lines.count - 1)] {
      let parts = line.split(separator: " ").map(String.init)
      guard parts.count == 4, parts[0] == "feed", UUID(uuidString: parts[1]) != nil,
        let seq = Int64(parts[2]), seq >= 1, let hash = Data(hexString: parts[3]), hash.count == 32
      else { throw bad("the line '\(line)' is not 'feed ID SEQ HASH'") }
      checkpoint.heads.append(.init(feed: parts[1].lowercased(), seq: seq, hash: hash))
    }
    guard Hashing.hex(checkpoint.root) == String(last.dropFirst(5)) else {
      throw bad("its root does not match its feeds: the checkpoint itself was changed")
    }
    return checkpoint
  }
}

extension Journal {
  /// Every feed this journal holds, its own first.
  public func feeds() throws -> [FeedSummary] {
    try read { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT f.id, f.head_seq, f.head_hash, w.author, m.merged_at, m.source,
            (SELECT count(*) FROM event e WHERE e.feed = f.id) AS events,
            EXISTS (SELECT 1 FROM local l WHERE l.key = 'writer_feed' AND l.value = f.id) AS own
          FROM feed f LEFT JOIN writer w ON w.feed = f.id LEFT JOIN merged m ON m.feed = f.id
          ORDER BY own DESC, w.author, f.id
          """
      ).map { row in
        FeedSummary(
          feed: row["id"], author: row["author"], events: row["events"], headSeq: row["head_seq"],
          headHash: Hashing.hex(row["head_hash"]), own: row["own"], lastMerged: row["merged_at"],
          mergedFrom: row["source"])
      }
    }
  }

  /// Every feed's head now, for a PI to keep elsewhere.
  public func checkpoint(now: Date = Date()) throws -> Checkpoint {
    let study = try study().name
    return try read { db in
      Checkpoint(
        study: study, taken: FieldTime.recordedAt(now),
        heads: try Row.fetchAll(db, sql: "SELECT id, head_seq, head_hash FROM feed ORDER BY id")
          .map { .init(feed: $0["id"], seq: $0["head_seq"], hash: $0["head_hash"]) })
    }
  }

  /// Whether this journal still holds at least the history a checkpoint saw: one problem per feed
  /// that was removed, truncated or rewritten since.
  public func problems(against checkpoint: Checkpoint) throws -> [VerificationReport.Problem] {
    try read { db in
      try checkpoint.heads.compactMap { head -> VerificationReport.Problem? in
        let last = try Int64.fetchOne(
          db, sql: "SELECT max(seq) FROM event WHERE feed = ?", arguments: [head.feed])
        let found = try Data.fetchOne(
          db, sql: "SELECT hash FROM event WHERE feed = ? AND seq = ?",
          arguments: [head.feed, head.seq])
        let text: String
        if last == nil {
          text = "the feed is gone: the checkpoint saw it up to seq \(head.seq)"
        } else if let last, last < head.seq {
          text =
            "the feed was truncated: it ends at seq \(last), the checkpoint saw it up to seq "
            + "\(head.seq)"
        } else if found != head.hash {
          text =
            "the feed was rewritten: its seq \(head.seq) is not the event the checkpoint saw "
            + "(\(Hashing.hex(head.hash).prefix(16))...)"
        } else {
          return nil
        }
        return .init(feed: head.feed, seq: head.seq, type: nil, subject: nil, problem: text)
      }
    }
  }

  /// Writes a consistent copy of the journal (mode 0600) while others may go on writing, for sending
  /// to a colleague. The copy has no feed of its own: it can be merged, verified and read, and a
  /// colleague starts writing with `init --from`, under a feed of their own.
  /// An existing file is replaced only with `replace`; check the path with `checkOutput` first.
  public func snapshot(to path: String, replace: Bool = false) throws {
    if !replace && FileManager.default.fileExists(atPath: path) { throw Self.existingOutput(path) }
    let linked = try Self.createPrivately(at: path, what: "the snapshot", replace: replace) {
      temporary in
      do {
        try writer.writeWithoutTransaction { db in
          try db.execute(sql: "VACUUM INTO ?", arguments: [temporary])
        }
        let copy = try DatabaseQueue(path: temporary)
        try copy.writeWithoutTransaction { db in
          try db.execute(sql: "DELETE FROM local; DELETE FROM merged")
          try db.execute(sql: "PRAGMA journal_mode = DELETE")
        }
        try copy.close()
      } catch let error as DatabaseError {
        throw Self.map(error, path: path)
      }
    }
    guard linked else { throw Self.existingOutput(path) }
  }
}

extension Journal {
  /// Starts a fieldworker's own journal from a colleague's: the same study, vocabulary, codebook,
  /// participants (pseudonyms only) and their consent, with the same ids, under a new feed and key
  /// of its own. Entries and codings come later by `merge`.
  ///
  /// The colleague's journal is verified first, as `verify` would (its projections too, since
  /// they are what is copied), and refused when it is not whole: the new journal's signatures
  /// would otherwise vouch for whatever was edited into it. Consent is recorded as events of the
  /// new feed: for each participant and scope, the state in force in the colleague's journal,
  /// with its form and date, knowing of (`knew`) the colleague's consent events.
  public static func create(
    at path: String, from source: String, author: String, keys: SigningKeys = .standard(),
    now: Date = Date()
  ) throws -> Journal {
    let colleague = try Journal.openForReading(at: source)
    let (codes, participants, consent) = try colleague.snapshotRead { db in
      try Verifier.requireWhole(db, path: source, outcome: "nothing was created")
      // In this snapshot the replay's temporary tables now shadow the stored ones: what is copied
      // is derived from the verified events (also for a table verify could not compare, such as
      // the consent of a journal not yet upgraded to v3-consent-by-date).
      return (
        try Row.fetchAll(
          db, sql: "SELECT id, name, parent_id, description, color FROM code ORDER BY rowid"),
        try Row.fetchAll(
          db, sql: "SELECT id, pseudonym, role, neighbourhood_id FROM participant ORDER BY rowid"),
        try Row.fetchAll(
          db,
          sql: """
            SELECT c.participant_id, p.pseudonym, c.scope, c.state, c.form, c.date
            FROM consent c JOIN participant p ON p.id = c.participant_id
            ORDER BY p.rowid, c.scope
            """
        ).map { row in
          (
            row: row,
            knew: try ConsentHistory.known(participant: row["participant_id"], in: db)
          )
        }
      )
    }
    var study = try colleague.study()
    // Codes are recorded below with the colleague's ids, which a renamed code does not derive from
    // its name.
    study.codebook = []
    return try create(at: path, study: study, author: author, keys: keys, now: now) { db in
      var defined: Set<String> = []
      var pending = codes
      while !pending.isEmpty {
        let ready = pending.filter { row in
          (row["parent_id"] as String?).map { defined.contains($0) } ?? true
        }
        guard !ready.isEmpty else {
          throw FieldLogError.damaged("the codebook of '\(source)' has a cycle")
        }
        for row in ready {
          guard let id = UUID(uuidString: row["id"]) else { continue }
          try EventLog.append(
            .codeDefined, subject: id,
            payload: Payload.CodeDefined(
              name: row["name"], parent: row["parent_id"], description: row["description"],
              color: row["color"]), in: db, at: now)
          defined.insert(row["id"])
        }
        pending.removeAll { defined.contains($0["id"]) }
      }
      for row in participants {
        guard let id = UUID(uuidString: row["id"]) else { continue }
        try EventLog.append(
          .participantAdded, subject: id,
          payload: Payload.ParticipantAdded(
            pseudonym: row["pseudonym"], role: row["role"], neighbourhood: row["neighbourhood_id"]),
          in: db, at: now)
      }
      for (row, knew) in consent {
        guard let id = UUID(uuidString: row["participant_id"]) else { continue }
        let withdrawn = row["state"] as String == "withdrawn"
        try EventLog.append(
          withdrawn ? .consentWithdrawn : .consentGiven, subject: id,
          payload: Payload.ConsentChanged(
            pseudonym: row["pseudonym"], scopes: [row["scope"]],
            form: withdrawn ? nil : row["form"], date: row["date"], author: author, knew: knew),
          in: db, at: now)
      }
    }
  }
}

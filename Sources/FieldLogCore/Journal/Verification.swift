import Foundation
import GRDB

/// What `verify` found.
public struct VerificationReport: Encodable, Equatable, Sendable {
  /// One damaged event, or a damaged part of the file, and why.
  public struct Problem: Codable, Equatable, Sendable {
    public var feed: String?
    public var seq: Int64?
    public var type: String?
    public var subject: String?
    public var problem: String
  }

  /// An event whose payload was erased by a redaction: reported, not damage.
  public struct Redacted: Codable, Equatable, Sendable {
    public var feed: String
    public var seq: Int64
    public var type: String
  }

  public var ok: Bool { problems.isEmpty }
  public var feeds: Int
  public var events: Int
  public var payloads: Int
  public var redacted: [Redacted]
  /// Events that came without their payload, because their writer did not share it (consent):
  /// reported, not damage.
  public var withheld: [Redacted] = []
  public var problems: [Problem]
  /// With `verify --consent`: entries recorded under a letter version that a participant they
  /// name has not consented on. Not damage, but a finding for the ethics file.
  public var consent: [ConsentFinding]? = nil

  enum CodingKeys: String, CodingKey {
    case ok, feeds, events, payloads, redacted, withheld, problems, consent
  }

  /// `ok` is derived from the problems, so it is written out by hand beside the stored properties.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(ok, forKey: .ok)
    for (key, count) in [(CodingKeys.feeds, feeds), (.events, events), (.payloads, payloads)] {
      try container.encode(count, forKey: key)
    }
    try container.encode(redacted, forKey: .redacted)
    try container.encode(withheld, forKey: .withheld)
    try container.encode(problems, forKey: .problems)
    try container.encodeIfPresent(consent, forKey: .consent)
  }
}

/// An entry that names a participant who has not consented on the letter it was recorded under.
public struct ConsentFinding: Codable, Equatable, Sendable {
  public var entry: String
  public var participant: String
  public var letter: String
}

extension Journal {
  /// Entries recorded under a version of the information letter (the latest declared on or before
  /// the entry's day) that a participant they name has not consented on.
  public func consentFindings() throws -> [ConsentFinding] {
    try read { db in
      try ConsentRow.unconsentedLetters(in: db).map {
        ConsentFinding(entry: $0.entry, participant: $0.pseudonym, letter: $0.letter)
      }
    }
  }
}

extension Journal {
  /// Recomputes every hash, link and payload commitment, and checks the guards and the file itself.
  ///
  /// Also replays the events into temporary tables and reports every projection table that differs:
  /// nothing is written to the journal, and other fieldlogs may go on writing meanwhile.
  ///
  /// Open the journal with `openForReading` to be sure that nothing is written, not even a
  /// signature: `verify` vouches for nothing it checks.
  public func verify(progress: ProgressReport? = nil) throws -> VerificationReport {
    try snapshotRead { db in
      var report = try Verifier.run(db, projections: true, progress: progress)
      // This journal's own feed without a key: say whether its key row vanished or it is legacy.
      if let feed = try String.fetchOne(
        db, sql: "SELECT value FROM local WHERE key = 'writer_feed'"),
        let index = report.problems.firstIndex(where: {
          $0.feed == feed && $0.problem == Verifier.unkeyedFeed
        })
      {
        report.problems[index].problem =
          try Signatures.isLegacy(feed: feed, keys: keys, in: db)
          ? Verifier.unkeyedFeed + "; it was made before feeds were signed: any other fieldlog "
            + "command signs it"
          : try Signatures.missingKey(feed: feed, keys: keys, in: db)
            .replacingOccurrences(of: "; nothing was recorded", with: "")
      }
      return report
    }
  }

  /// Runs `body` in a DEFERRED transaction that is rolled back: a consistent view of the journal in
  /// which temporary tables may be written.
  func snapshotRead<T>(_ body: (Database) throws -> T) throws -> T {
    do {
      var result: T?
      try writer.writeWithoutTransaction { db in
        try db.inTransaction(.deferred) {
          result = try body(db)
          return .rollback
        }
      }
      guard let result else { throw FieldLogError.io("the journal '\(path)' could not be read") }
      return result
    } catch let error as DatabaseError {
      throw Self.map(error, path: path)
    }
  }
}

/// Signature checks spread over the cores.
enum SignatureBatch {
  static let size = 4096

  /// The events whose signature does not verify under the given public key, in their order.
  static func invalid(_ batch: [(StoredEvent, Data, Data)]) -> [StoredEvent] {
    guard !batch.isEmpty else { return [] }
    let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
    let valid = UnsafeMutableBufferPointer<Bool>.allocate(capacity: batch.count)
    defer { valid.deallocate() }
    valid.initialize(repeating: true)
    let results = ResultSlots(valid)
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      for index in stride(from: worker, to: batch.count, by: workers) {
        let (event, signature, key) = batch[index]
        results.set(index, Signatures.isValid(signature, of: event.hash, publicKey: key))
      }
    }
    return batch.indices.filter { !valid[$0] }.map { batch[$0].0 }
  }

  /// Each worker writes only its own slots.
  private struct ResultSlots: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Bool>
    init(_ buffer: UnsafeMutableBufferPointer<Bool>) { self.buffer = buffer }
    func set(_ index: Int, _ value: Bool) { buffer[index] = value }
  }
}

/// The checks of `verify`, one method each, over one snapshot of a journal.
///
/// Each check adds what it finds to the report; `run` calls them in the order in which problems are
/// reported.
struct Verifier {
  /// Refuses a journal that `verify` would refuse: the source of a merge or of `init --from` is
  /// checked whole (events, signatures, guards and projections) before anything is made of it.
  /// `outcome` ends the message ("nothing was merged").
  static func requireWhole(
    _ db: Database, path: String, outcome: String, progress: ProgressReport? = nil
  ) throws {
    let verification = try run(db, projections: true, progress: progress)
    guard verification.ok else {
      let first = verification.problems.first.map { problem in
        [
          problem.feed.map { "feed \($0.prefix(8))" }, problem.seq.map { "seq \($0)" },
          problem.problem,
        ].compactMap { $0 }.joined(separator: ", ")
      }
      throw FieldLogError.damaged(
        "the journal '\(path)' fails verification ("
          + Counted.phrase(verification.problems.count, "problem")
          + (first.map { ", first: \($0)" } ?? "") + "); \(outcome)")
    }
  }

  /// The problem reported once for a feed whose public key the journal does not hold.
  static let unkeyedFeed =
    "the feed has no public key: its events cannot be checked as its writer's"

  /// Runs every check; the projections are replayed only when asked and nothing else is wrong.
  static func run(_ db: Database, projections: Bool, progress: ProgressReport?) throws
    -> VerificationReport
  {
    var verifier = Verifier(db: db, progress: progress)
    try verifier.checkFile()
    try verifier.checkGuardsAndTruthTables()
    try verifier.checkEvents()
    try verifier.checkCorrectionTargets()
    try verifier.checkBelongToEvents(table: "payload", matching: "commitment")
    try verifier.checkBelongToEvents(table: "signature", matching: "hash")
    try verifier.checkVanishedEvents()
    if projections && verifier.report.ok { try verifier.checkProjections() }
    return verifier.report
  }

  private let db: Database
  private let progress: ProgressReport?
  private var report = VerificationReport(
    feeds: 0, events: 0, payloads: 0, redacted: [], problems: [])
  /// Each feed's public key, as the journal holds it.
  private var publicKeys: [String: Data] = [:]
  /// The recorded head of each feed whose events have not been read yet.
  private var heads: [String: (seq: Int64, hash: Data)] = [:]
  /// The feeds already reported as having no public key.
  private var unkeyed: Set<String> = []
  /// Checking a signature is the costliest step: they are checked in batches, on every core.
  private var pendingSignatures: [(StoredEvent, Data, Data)] = []
  /// The feed this journal writes, if it writes one (a snapshot does not).
  private var ownFeed: String?
  /// The last event read of the feed being read, and whether it has a signature.
  private var tail: (event: StoredEvent, signed: Bool)?

  private init(db: Database, progress: ProgressReport?) {
    self.db = db
    self.progress = progress
  }

  private mutating func problem(_ text: String, _ event: StoredEvent? = nil, feed: String? = nil) {
    report.problems.append(
      .init(
        feed: event?.feed ?? feed, seq: event?.seq, type: event?.type, subject: event?.subject,
        problem: text))
  }

  /// SQLite's own check of the file.
  private mutating func checkFile() throws {
    let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
    if integrity != ["ok"] {
      for line in integrity.prefix(20) { problem("SQLite integrity check: \(line)") }
    }
  }

  /// The guards and the truth tables must be exactly fieldlog's (`SchemaExpectations`); any other
  /// trigger on them could silently drop or rewrite what fieldlog writes.
  private mutating func checkGuardsAndTruthTables() throws {
    let tables = SchemaExpectations.truthTables.keys.sorted()
    let schema = try Row.fetchAll(
      db,
      sql: """
        SELECT type, name, tbl_name, ifnull(sql, '') AS sql FROM sqlite_master
        WHERE type IN ('trigger', 'table') AND tbl_name IN (\(databaseQuestionMarks(count: tables.count)))
        """, arguments: StatementArguments(tables))
    let present = Dictionary(
      schema.map { (($0["type"] as String) + " " + ($0["name"] as String), $0["sql"] as String) },
      uniquingKeysWith: { first, _ in first })
    for (name, sql) in SchemaExpectations.guardTriggers.sorted(by: { $0.key < $1.key }) {
      if let found = present["trigger " + name] {
        if found != sql { problem("the guard trigger \(name) was altered") }
      } else {
        problem("the guard trigger \(name) is missing: events or payloads could be edited")
      }
    }
    for (name, sql) in SchemaExpectations.truthTables.sorted(by: { $0.key < $1.key }) {
      if present["table " + name] != sql { problem("the table \(name) was recreated or altered") }
    }
    for row in schema where row["type"] as String == "trigger" {
      let name: String = row["name"]
      if SchemaExpectations.guardTriggers[name] == nil {
        problem(
          "a trigger \(name) that fieldlog did not make acts on the table \(row["tbl_name"] as String)"
        )
      }
    }
  }

  /// Reads every event, feed by feed in seq order, and checks each one; a feed's end is checked
  /// when its last event has been read.
  private mutating func checkEvents() throws {
    for row in try Row.fetchAll(db, sql: "SELECT feed, public_key FROM feed_key") {
      publicKeys[row["feed"]] = row["public_key"]
    }
    for row in try Row.fetchAll(db, sql: "SELECT id, head_seq, head_hash FROM feed") {
      heads[row["id"]] = (row["head_seq"], row["head_hash"])
    }
    let total = progress == nil ? nil : try Int.fetchOne(db, sql: "SELECT count(*) FROM event")
    // A journal from before sharing (read without upgrading it) has no `withheld` table.
    let withheld =
      try db.tableExists("withheld")
      ? "(p.commitment IS NULL AND EXISTS (SELECT 1 FROM withheld w WHERE w.hash = e.hash))"
      : "0"
    ownFeed = try String.fetchOne(db, sql: "SELECT value FROM local WHERE key = 'writer_feed'")
    let events = try Row.fetchCursor(
      db,
      sql: """
        SELECT e.feed, e.seq, e.prev, e.recorded_at, e.type, e.subject, e.target, e.commitment,
          e.hash, p.salt, p.json, s.signature,
          (p.commitment IS NULL AND EXISTS (
            SELECT 1 FROM event r WHERE r.target = e.hash AND r.type = 'redaction')) AS redacted,
          \(withheld) AS withheld
        FROM event e LEFT JOIN payload p ON p.commitment = e.commitment
        LEFT JOIN signature s ON s.hash = e.hash
        ORDER BY e.feed, e.seq
        """)
    while let row = try events.next() {
      let event = StoredEvent(row: row)
      if event.feed != tail?.event.feed { checkFeedEnd() }
      report.events += 1
      if report.events % 256 == 0 {
        progress?(WorkProgress(step: "verifying events", done: report.events, total: total))
      }
      checkChain(event)
      checkType(event)
      checkHash(event)
      let signature = row["signature"] as Data?
      checkSignature(event, signature)
      checkPayload(event, row)
      tail = (event, signature != nil)
    }
    checkFeedEnd()
    checkPendingSignatures()
    for (feed, head) in heads.sorted(by: { $0.key < $1.key }) {
      problem("the feed has a recorded head seq \(head.seq) but no events", feed: feed)
    }
  }

  /// The event follows the one before it in its feed: no seq is skipped, and it links to that
  /// event's hash (the first of a feed to the zero hash).
  private mutating func checkChain(_ event: StoredEvent) {
    let expectedSeq = tail.map { $0.event.seq + 1 } ?? 1
    if event.seq > expectedSeq {
      problem(
        expectedSeq == event.seq - 1
          ? "event seq \(expectedSeq) before it is missing"
          : "events seq \(expectedSeq) to \(event.seq - 1) before it are missing", event)
    }
    if event.prev != (tail?.event.hash ?? EventLog.zeroHash) {
      problem(
        event.seq == 1
          ? "it is the first of its feed but does not start the chain"
          : "its link (prev) does not match the hash of the event before it", event)
    }
  }

  /// The event is of a type fieldlog writes, and feed.opened begins a feed and only that.
  private mutating func checkType(_ event: StoredEvent) {
    if EventType(rawValue: event.type) == nil {
      problem("its type '\(event.type)' is not one fieldlog writes", event)
    } else if (event.seq == 1) != (event.type == EventType.feedOpened.rawValue) {
      problem(
        event.seq == 1
          ? "a feed must begin with feed.opened" : "feed.opened may only begin a feed", event)
    }
  }

  private mutating func checkHash(_ event: StoredEvent) {
    if event.recomputedHash != event.hash {
      problem(
        "its hash does not match its contents: its feed, seq, time, type, subject, target or "
          + "commitment was changed", event)
    }
  }

  /// Every signature there is must verify; which events must have one is checked per feed
  /// (`checkFeedEnd`).
  private mutating func checkSignature(_ event: StoredEvent, _ signature: Data?) {
    if let key = publicKeys[event.feed] {
      if let signature {
        pendingSignatures.append((event, signature, key))
        if pendingSignatures.count == SignatureBatch.size { checkPendingSignatures() }
      }
    } else if unkeyed.insert(event.feed).inserted {
      problem(Self.unkeyedFeed, event)
    }
  }

  private mutating func checkPendingSignatures() {
    for event in SignatureBatch.invalid(pendingSignatures) {
      problem("its signature does not verify with its feed's public key", event)
    }
    pendingSignatures.removeAll(keepingCapacity: true)
  }

  /// The payload matches the event's commitment, or a redaction erased it.
  private mutating func checkPayload(_ event: StoredEvent, _ row: Row) {
    if let salt = row["salt"] as Data?, let json = row["json"] as String? {
      report.payloads += 1
      if Hashing.commitment(salt: salt, json: Data(json.utf8)) != event.commitment {
        problem("its payload does not match its commitment: the content was changed", event)
      }
    } else if row["redacted"] as Bool? == true {
      report.redacted.append(.init(feed: event.feed, seq: event.seq, type: event.type))
    } else if row["withheld"] as Bool? == true, event.feed != ownFeed {
      report.withheld.append(.init(feed: event.feed, seq: event.seq, type: event.type))
    } else if row["withheld"] as Bool? == true {
      problem(
        "its payload is missing and marked as withheld, but this journal wrote it: a writer "
          + "always holds its own payloads", event)
    } else {
      problem("its payload is missing and no redaction names it", event)
    }
  }

  /// The feed just read ends where the journal recorded its head, with a signed event.
  private mutating func checkFeedEnd() {
    guard let (last, lastSigned) = tail else { return }
    tail = nil
    let feed = last.feed
    report.feeds += 1
    // Each transaction's last event is signed, and the feed's last event ends a transaction: its
    // signature covers, through the chain, every event before it. An event put at the end without
    // the key has none.
    if publicKeys[feed] != nil && !lastSigned {
      problem(
        "it is not signed, though it is the last event of its feed: it was added outside fieldlog",
        last)
    }
    guard let head = heads.removeValue(forKey: feed) else {
      problem("feed \(feed.prefix(8)) is not one this journal wrote or received", feed: feed)
      return
    }
    if head.seq > last.seq {
      problem(
        "the feed ends at seq \(last.seq) but its recorded head is seq \(head.seq): "
          + "\(Counted.phrase(Int(head.seq - last.seq), "event")) at the end "
          + (head.seq - last.seq == 1 ? "was" : "were") + " removed", feed: feed)
    } else if head.seq < last.seq {
      problem(
        "the feed goes on past its recorded head seq \(head.seq) to seq \(last.seq): "
          + "events were added outside fieldlog", feed: feed)
    } else if head.hash != last.hash {
      problem("the last event is not the one the journal recorded as the feed's head", last)
    }
  }

  /// Every correction names an event the journal holds.
  private mutating func checkCorrectionTargets() throws {
    for row in try Row.fetchAll(
      db,
      sql: """
        SELECT feed, seq, type, subject FROM event e WHERE target IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM event t WHERE t.hash = e.target) ORDER BY feed, seq
        """)
    {
      report.problems.append(
        .init(
          feed: row["feed"], seq: row["seq"], type: row["type"], subject: row["subject"],
          problem: "it corrects an event that is not in the journal"))
    }
  }

  /// Every row of `table` belongs to an event: the event's `column` equals the row's.
  private mutating func checkBelongToEvents(table: String, matching column: String) throws {
    let strays =
      try Int.fetchOne(
        db,
        sql: """
          SELECT count(*) FROM \(table) x
          WHERE NOT EXISTS (SELECT 1 FROM event e WHERE e.\(column) = x.\(column))
          """) ?? 0
    if strays > 0 {
      problem(
        "\(Counted.phrase(strays, table)) \(strays == 1 ? "belongs" : "belong") to no event: "
          + (strays == 1 ? "it was" : "they were") + " added outside fieldlog")
    }
  }

  /// A projection that shows an event the journal no longer has is evidence that events were
  /// removed (and the feed's head moved back): rebuilding would erase that evidence.
  private mutating func checkVanishedEvents() throws {
    let vanished =
      try Int.fetchOne(
        db,
        sql: """
          SELECT (SELECT count(*) FROM entry WHERE event_hash NOT IN (SELECT hash FROM event))
            + (SELECT count(*) FROM writer WHERE feed NOT IN (SELECT feed FROM event))
          """) ?? 0
    if vanished > 0 {
      problem(
        "\(Counted.phrase(vanished, "row")) of the current state "
          + (vanished == 1 ? "shows " : "show ")
          + "events that are no longer in the journal: "
          + "events were removed; compare with a checkpoint ('verify --checkpoint') before any "
          + "rebuild")
    }
  }

  /// Projections are derived: when the events are whole, a projection that differs from their
  /// replay was changed by hand (or by a bug); `rebuild` puts it right.
  ///
  /// Nothing here needs the write lock, so another fieldlog may write meanwhile; an error that
  /// says the journal is busy is passed on as such, never reported as damage.
  private mutating func checkProjections() throws {
    do {
      let skipped = try Schema.projectionsDerivedDifferently(db)
      let differing = try Replay.differingProjections(db).filter { !skipped.contains($0.table) }
      for (table, rows) in differing {
        problem(
          "the projection table \(table) differs from a replay of the events in \(Counted.phrase(rows, "row")); "
            + "run 'fieldlog rebuild'")
      }
      if !skipped.contains("entry_fts"),
        try Replay.searchIndexDiffers(
          db, rowsDiffer: differing.contains { $0.table == "entry_fts" })
      {
        problem("the search index does not match its rows; run 'fieldlog rebuild'")
      }
    } catch let error as DatabaseError
      where [.SQLITE_BUSY, .SQLITE_LOCKED].contains(error.resultCode)
    {
      throw error
    } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT {
      problem("the search index or a projection is corrupt: \(error.message ?? "")")
    } catch {
      problem("the events cannot be replayed: \(error.localizedDescription)")
    }
  }
}

import Crypto
import FieldLogCore
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// A refusal the hub answers with an HTTP status and a sentence (the CLI prints it).
public struct HubError: Error, CustomStringConvertible, Sendable {
  public var status: Int
  public var message: String

  public init(_ status: Int, _ message: String) {
    self.status = status
    self.message = message
  }

  public var description: String { message }
}

/// Who a token belongs to.
public struct HubMember: Codable, Equatable, Sendable {
  public var study: String
  public var name: String
  public var role: HubRole
  public var expires: Date
  public var revoked: Date?
}

/// The hub's state in PostgreSQL: studies, members, feeds, events and payloads. All SQL of the hub
/// is here.
public struct HubStore: Sendable {
  public let client: PostgresClient
  let logger: Logger

  /// Events in one push at most; a bigger batch is refused with 413. A transaction travels whole,
  /// so this is also the largest import a journal can push (one import is one transaction).
  public static let maxBatchEvents = 100_000

  public init(client: PostgresClient, logger: Logger) {
    self.client = client
    self.logger = logger
  }

  /// Where a `postgres://user:password@host:port/database` URL points.
  struct Place {
    var host: String
    var port: Int
    var user: String
    var password: String?
    var database: String?

    init(url: String) throws {
      guard let parts = URLComponents(string: url),
        parts.scheme == "postgres" || parts.scheme == "postgresql", let host = parts.host,
        let user = parts.user
      else {
        var shown = URLComponents(string: url)
        if shown?.password != nil { shown?.password = "..." }
        throw HubError(
          64,
          "'\(shown?.string ?? "the URL")' is not a PostgreSQL URL: give "
            + "postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
      }
      let database = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
      self.init(
        host: host, port: parts.port ?? 5432, user: user, password: parts.password,
        database: database.isEmpty ? nil : database)
    }

    init(host: String, port: Int, user: String, password: String?, database: String?) {
      self.host = host
      self.port = port
      self.user = user
      self.password = password
      self.database = database
    }
  }

  /// A client for a `postgres://user:password@host:port/database` URL.
  public static func client(url: String, logger: Logger) throws -> PostgresClient {
    let place = try Place(url: url)
    var configuration = PostgresClient.Configuration(
      host: place.host, port: place.port, username: place.user, password: place.password,
      database: place.database, tls: .disable)
    configuration.options.maximumConnections = 8
    return PostgresClient(configuration: configuration, backgroundLogger: logger)
  }

  /// Connects once, at most ten seconds, and says why not in the server's words: the client's
  /// pool would otherwise wait for a connection as long as it takes.
  public static func probe(url: String, logger: Logger) async throws {
    let place = try Place(url: url)
    let configuration = PostgresConnection.Configuration(
      host: place.host, port: place.port, username: place.user, password: place.password,
      database: place.database, tls: .disable)
    let outcome = try await withThrowingTaskGroup(of: String?.self) { attempt in
      attempt.addTask {
        do {
          let connection = try await PostgresConnection.connect(
            configuration: configuration, id: 1, logger: logger)
          try await connection.close()
          return nil
        } catch {
          return reason(error)
        }
      }
      attempt.addTask {
        try await Task.sleep(for: .seconds(10))
        return "no answer within 10 seconds"
      }
      defer { attempt.cancelAll() }
      return try await attempt.next() ?? nil
    }
    if let outcome {
      throw HubError(
        74, "cannot connect to the database at \(place.host):\(place.port): \(outcome)")
    }
  }

  /// A transaction whose refusals come out as the `HubError` thrown inside it, not wrapped.
  private func transaction<T: Sendable>(
    _ body: (PostgresConnection) async throws -> T
  ) async throws -> T {
    do {
      return try await client.withTransaction(logger: logger) { try await body($0) }
    } catch let error as PostgresTransactionError {
      if let refusal = error.closureError as? HubError { throw refusal }
      throw error
    }
  }

  // MARK: Migrations

  /// The versioned schema files, in order.
  static let migrations: [(version: Int, sql: String)] = [
    (1, String(decoding: PackageResources.v1_sql, as: UTF8.self))
  ]

  /// Brings the schema to the newest version; several hubs starting at once take turns.
  @discardableResult
  public func migrate() async throws -> [Int] {
    try await transaction { db in
      try await db.query("SELECT pg_advisory_xact_lock(80890001)", logger: logger)
      try await db.query(
        """
        CREATE TABLE IF NOT EXISTS hub_schema (
          version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
        """, logger: logger)
      var applied: Set<Int> = []
      for try await version in try await db.query(
        "SELECT version FROM hub_schema", logger: logger
      ).decode(Int.self) {
        applied.insert(version)
      }
      var ran: [Int] = []
      for migration in Self.migrations where !applied.contains(migration.version) {
        for statement in Self.statements(migration.sql) {
          try await db.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
        try await db.query(
          "INSERT INTO hub_schema (version) VALUES (\(migration.version))", logger: logger)
        ran.append(migration.version)
      }
      return ran
    }
  }

  /// A migration file's statements: each ends with ';' at the end of a line (the files are ours).
  static func statements(_ sql: String) -> [String] {
    sql.components(separatedBy: ";\n").map {
      $0.split(separator: "\n").filter { !$0.hasPrefix("--") }.joined(separator: "\n")
    }.filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
  }

  /// What the database said, in one line: the server's message, not the query or a dump.
  public static func reason(_ error: any Error) -> String {
    if let error = error as? PostgresTransactionError {
      return reason(error.closureError ?? error.beginError ?? error.commitError ?? error)
    }
    if let error = error as? PSQLError {
      if let message = error.serverInfo?[.message] { return message }
      if let underlying = error.underlying as? IOError {
        return String(cString: strerror(underlying.errnoCode)).lowercased()
      }
      return error.code == .connectionError || error.code == .serverClosedConnection
        ? "the connection failed" : "the database connection failed (\(error.code))"
    }
    return String(describing: error).prefix(200).description
  }

  /// Refuses to serve a database the hub has not migrated to its version.
  public func requireMigrated() async throws {
    let newest = Self.migrations.map(\.version).max() ?? 0
    do {
      var current = 0
      for try await version in try await client.query(
        "SELECT coalesce(max(version), 0) FROM hub_schema", logger: logger
      ).decode(Int.self) {
        current = version
      }
      guard current >= newest else { throw HubError(1, "") }
    } catch {
      throw HubError(
        1, "the database is not at the hub's schema version \(newest): run 'fieldlog-hub migrate'")
    }
  }

  // MARK: Studies and members

  public func addStudy(_ name: String) async throws {
    guard Self.isName(name) else {
      throw HubError(
        65, "'\(name)' is not a study name: use letters, digits, '-', '_' and '.' (1-64)")
    }
    let rows = try await client.query(
      "INSERT INTO study (name) VALUES (\(name)) ON CONFLICT DO NOTHING RETURNING name",
      logger: logger)
    var inserted = false
    for try await _ in rows { inserted = true }
    guard inserted else { throw HubError(65, "the study '\(name)' exists already") }
  }

  public func studies() async throws -> [String] {
    var names: [String] = []
    for try await name in try await client.query(
      "SELECT name FROM study ORDER BY name", logger: logger
    ).decode(String.self) {
      names.append(name)
    }
    return names
  }

  /// Adds a member and returns their new token: 32 random bytes as hex, stored only as SHA-256.
  public func addMember(study: String, name: String, role: HubRole, days: Int) async throws
    -> String
  {
    guard Self.isName(name) else {
      throw HubError(
        65, "'\(name)' is not a member name: use letters, digits, '-', '_' and '.' (1-64)")
    }
    try await requireStudy(study)
    let token = Hashing.hex(Hashing.randomBytes(32))
    let digest = Self.digest(token)
    let expires = Date().addingTimeInterval(Double(days) * 86_400)
    let rows = try await client.query(
      """
      INSERT INTO member (study, name, role, token_sha256, expires)
      VALUES (\(study), \(name), \(role.rawValue), \(digest), \(expires))
      ON CONFLICT DO NOTHING RETURNING name
      """, logger: logger)
    var inserted = false
    for try await _ in rows { inserted = true }
    guard inserted else {
      throw HubError(
        65,
        "'\(name)' is a member of '\(study)' already: 'fieldlog-hub member renew' gives them a "
          + "new token")
    }
    return token
  }

  public func members(study: String) async throws -> [HubMember] {
    try await requireStudy(study)
    var members: [HubMember] = []
    for try await (name, role, expires, revoked) in try await client.query(
      "SELECT name, role, expires, revoked FROM member WHERE study = \(study) ORDER BY name",
      logger: logger
    ).decode((String, String, Date, Date?).self) {
      members.append(
        HubMember(
          study: study, name: name, role: HubRole(rawValue: role) ?? .reader, expires: expires,
          revoked: revoked))
    }
    return members
  }

  /// Gives a member a new token (a lost, expired or revoked one ends): they keep their name, role
  /// and feeds.
  public func renew(study: String, name: String, days: Int) async throws -> String {
    try await requireStudy(study)
    let token = Hashing.hex(Hashing.randomBytes(32))
    let expires = Date().addingTimeInterval(Double(days) * 86_400)
    let rows = try await client.query(
      """
      UPDATE member SET token_sha256 = \(Self.digest(token)), expires = \(expires), revoked = NULL
      WHERE study = \(study) AND name = \(name) RETURNING name
      """, logger: logger)
    var found = false
    for try await _ in rows { found = true }
    guard found else { throw try await notAMember(name, study) }
    return token
  }

  private func notAMember(_ name: String, _ study: String) async throws -> HubError {
    let known = try await members(study: study).map(\.name)
    return HubError(
      65,
      "'\(name)' is not a member of '\(study)'; members: "
        + (known.isEmpty ? "none" : known.joined(separator: ", ")))
  }

  /// Revokes a member's token; their feeds and events stay.
  public func revoke(study: String, name: String) async throws {
    try await requireStudy(study)
    let rows = try await client.query(
      """
      UPDATE member SET revoked = coalesce(revoked, now())
      WHERE study = \(study) AND name = \(name) RETURNING name
      """, logger: logger)
    var found = false
    for try await _ in rows { found = true }
    guard found else { throw try await notAMember(name, study) }
  }

  /// The member a token belongs to, for this study: 401 for an unknown, expired or revoked token,
  /// 403 for a token of another study.
  public func authenticate(token: String?, study: String) async throws -> HubMember {
    guard let token, !token.isEmpty else {
      throw HubError(401, "no token: send 'Authorization: Bearer TOKEN'")
    }
    let digest = Self.digest(token)
    for try await (memberStudy, name, role, expires, revoked) in try await client.query(
      "SELECT study, name, role, expires, revoked FROM member WHERE token_sha256 = \(digest)",
      logger: logger
    ).decode((String, String, String, Date, Date?).self) {
      guard revoked == nil else { throw HubError(401, "this token was revoked") }
      guard expires > Date() else { throw HubError(401, "this token has expired") }
      guard memberStudy == study else {
        throw HubError(403, "this token is for the study '\(memberStudy)', not '\(study)'")
      }
      return HubMember(
        study: study, name: name, role: HubRole(rawValue: role) ?? .reader, expires: expires,
        revoked: nil)
    }
    throw HubError(401, "the token is not known to this hub")
  }

  private func requireStudy(_ study: String) async throws {
    let known = try await studies()
    guard known.contains(study) else {
      throw HubError(
        65,
        "'\(study)' is not a study on this hub; studies: "
          + (known.isEmpty
            ? "none (add one with 'fieldlog-hub study add NAME')"
            : known.joined(separator: ", ")))
    }
  }

  // MARK: Feeds, push and pull

  public func feeds(study: String) async throws -> [HubFeed] {
    var feeds: [HubFeed] = []
    for try await (id, owner, seq, hash, key) in try await client.query(
      """
      SELECT id, owner, head_seq, head_hash, public_key FROM feed
      WHERE study = \(study) ORDER BY id
      """, logger: logger
    ).decode((UUID, String, Int64, Data, Data).self) {
      feeds.append(
        HubFeed(
          feed: id.uuidString.lowercased(), owner: owner, headSeq: seq, headHash: Hashing.hex(hash),
          publicKey: Hashing.hex(key)))
    }
    return feeds
  }

  /// Stores a batch of one feed's whole transactions, all or nothing, with the feed's row locked:
  /// events the hub holds already must be the same (a retry), the rest must follow its head and
  /// verify under the feed's registered key.
  public func push(
    study: String, member: HubMember, feed feedText: String, publicKey: Data?,
    events: [WireEvent], relay: Bool = false, proof: Data? = nil
  ) async throws -> PushResult {
    guard member.role != .reader else {
      throw HubError(403, "'\(member.name)' is a reader in '\(study)': readers only pull")
    }
    guard let feedID = UUID(uuidString: feedText) else {
      throw HubError(422, "'\(feedText)' is not a feed id (a UUID)")
    }
    let feed = feedID.uuidString.lowercased()
    guard events.count <= Self.maxBatchEvents else {
      throw HubError(
        413, "\(events.count) events in one push; the most is \(Self.maxBatchEvents)")
    }
    if let stray = events.first(where: { $0.feed.lowercased() != feed }) {
      throw HubError(422, "an event of feed \(stray.feed.prefix(8)) was pushed to feed \(feed)")
    }
    if member.role == .analyst,
      let other = events.first(where: { HubRole.fieldworkTypes.contains($0.type) })
    {
      throw HubError(
        403,
        "'\(member.name)' is an analyst: their feed holds codes, codings and memos, not "
          + "fieldwork such as '\(other.type)' (seq \(other.seq)); nothing was stored")
    }
    let logger = logger
    return try await transaction { db in
      var head = try await Self.lockFeed(feedID, db, logger)
      if head == nil {
        guard let publicKey, publicKey.count == 32 else {
          throw HubError(422, "feed \(feed.prefix(8)) is new here: send its public_key")
        }
        // A feed becomes the pusher's only with proof that they hold its key; a coordinator may
        // relay one without, for its writer to claim.
        let owns = proof.map {
          OwnershipProof.isValid(
            $0, study: study, member: member.name, feed: feed, publicKey: publicKey)
        }
        guard owns == true || (member.role == .coordinator && relay) else {
          throw HubError(
            403,
            "feed \(feed.prefix(8)) is new here, and '\(member.name)' did not prove to hold its "
              + "key: only its writer registers a feed (a coordinator may relay it)")
        }
        let relayed = relay && member.role == .coordinator && owns != true
        try await db.query(
          """
          INSERT INTO feed (id, study, public_key, owner, head_seq, head_hash, relayed)
          VALUES (\(feedID), \(study), \(publicKey), \(member.name), 0, \(Data(count: 32)),
            \(relayed))
          ON CONFLICT (id) DO NOTHING
          """, logger: logger)
        head = try await Self.lockFeed(feedID, db, logger)
      }
      guard let head else { throw HubError(500, "feed \(feed.prefix(8)) vanished") }
      guard head.study == study else {
        throw HubError(403, "feed \(feed.prefix(8)) belongs to another study on this hub")
      }
      // A feed a coordinator relayed is its writer's to claim, with proof that they hold its key.
      let claims =
        head.relayed && head.owner != member.name && member.role != .coordinator
        && proof.map {
          OwnershipProof.isValid(
            $0, study: study, member: member.name, feed: feed, publicKey: head.key)
        } == true
      guard head.owner == member.name || member.role == .coordinator || claims else {
        throw HubError(
          403,
          "feed \(feed.prefix(8)) is '\(head.owner)'s; '\(member.name)' may push only their own "
            + "feeds")
      }
      if let publicKey, publicKey != head.key {
        throw HubError(
          422, "feed \(feed.prefix(8)) has another public key here: one of the two was forged")
      }
      let sorted = events.sorted { $0.seq < $1.seq }
      let known = sorted.filter { $0.seq <= head.seq }
      let fresh = sorted.filter { $0.seq > head.seq }
      if !known.isEmpty {
        var held: [Int64: Data] = [:]
        for try await (seq, hash) in try await db.query(
          "SELECT seq, hash FROM event WHERE feed = \(feedID) AND seq = ANY(\(known.map(\.seq)))",
          logger: logger
        ).decode((Int64, Data).self) {
          held[seq] = hash
        }
        for event in known where held[event.seq].map(Hashing.hex) != event.hash.lowercased() {
          throw HubError(
            409,
            "fork: feed \(feed.prefix(8)) seq \(event.seq) is "
              + "\(held[event.seq].map(Hashing.hex) ?? "missing") here but \(event.hash) in this "
              + "push; nothing was stored")
        }
      }
      let before = PushResult(
        stored: 0, acknowledged: known.count, headSeq: head.seq, headHash: Hashing.hex(head.hash))
      guard let first = fresh.first else {
        guard head.seq > 0 else {
          throw HubError(422, "feed \(feed.prefix(8)) is new here: push it with its first events")
        }
        return before
      }
      guard first.seq == head.seq + 1 else {
        throw HubError(
          409,
          "gap: feed \(feed.prefix(8)) is at seq \(head.seq) here, and this push starts at seq "
            + "\(first.seq); nothing was stored")
      }
      if let problem = WireCheck.problem(
        of: fresh, after: head.seq == 0 ? nil : (head.seq, head.hash), publicKey: head.key)
      {
        throw HubError(422, problem + "; nothing was stored")
      }
      let erased = try await Self.redactionTargets(of: fresh, study: study, db, logger)
      try await Self.checkContent(fresh, erased: erased, member: member, study: study, db, logger)
      if claims {
        try await db.query(
          "UPDATE feed SET owner = \(member.name), relayed = false WHERE id = \(feedID)",
          logger: logger)
      }
      try await Self.insert(fresh, erased: erased, feed: feedID, study: study, db, logger)
      guard let last = fresh.last, let lastHash = last.bytes?.hash else { return before }
      try await db.query(
        "UPDATE feed SET head_seq = \(last.seq), head_hash = \(lastHash) WHERE id = \(feedID)",
        logger: logger)
      return PushResult(
        stored: fresh.count, acknowledged: known.count, headSeq: last.seq,
        headHash: Hashing.hex(lastHash))
    }
  }

  private struct LockedFeed {
    var study: String
    var owner: String
    var key: Data
    var seq: Int64
    var hash: Data
    var relayed: Bool
  }

  private static func lockFeed(_ id: UUID, _ db: PostgresConnection, _ logger: Logger)
    async throws -> LockedFeed?
  {
    for try await (study, owner, key, seq, hash, relayed) in try await db.query(
      """
      SELECT study, owner, public_key, head_seq, head_hash, relayed FROM feed
      WHERE id = \(id) FOR UPDATE
      """, logger: logger
    ).decode((String, String, Data, Int64, Data, Bool).self) {
      return LockedFeed(
        study: study, owner: owner, key: key, seq: seq, hash: hash, relayed: relayed)
    }
    return nil
  }

  /// What redactions name among these events or their payloads: the hashes that a redaction held
  /// here or in the batch names, and the commitments of every event they name (a payload pushed
  /// again under another event is refused too).
  private static func redactionTargets(
    of events: [WireEvent], study: String, _ db: PostgresConnection, _ logger: Logger
  ) async throws -> (hashes: Set<Data>, commitments: Set<Data>) {
    let hashes = events.compactMap { $0.bytes?.hash }.map(Hashing.hex)
    let commitments = events.compactMap { $0.bytes?.commitment }.map(Hashing.hex)
    let batchTargets = events.filter { $0.type == "redaction" }.compactMap { $0.bytes?.target }
    var named = Set(batchTargets)
    var erasedCommitments = Set(
      events.filter { named.contains($0.bytes?.hash ?? Data()) }.compactMap {
        $0.bytes?.commitment
      })
    for try await (target, commitment) in try await db.query(
      """
      SELECT c.hash, c.commitment FROM event r JOIN feed f ON f.id = r.feed
      JOIN event c ON c.hash = r.target
      WHERE f.study = \(study) AND r.type = 'redaction'
        AND (c.hash = ANY(SELECT decode(h, 'hex') FROM unnest(\(hashes)::text[]) h)
          OR c.commitment = ANY(SELECT decode(h, 'hex') FROM unnest(\(commitments)::text[]) h))
      """, logger: logger
    ).decode((Data, Data).self) {
      named.insert(target)
      erasedCommitments.insert(commitment)
    }
    // A redaction in this batch that names an event held here erases that event's payload.
    for try await commitment in try await db.query(
      """
      SELECT e.commitment FROM event e JOIN feed f ON f.id = e.feed
      WHERE f.study = \(study) AND e.hash = ANY(
        SELECT decode(h, 'hex') FROM unnest(\(batchTargets.map(Hashing.hex))::text[]) h)
      """, logger: logger
    ).decode(Data.self) {
      erasedCommitments.insert(commitment)
    }
    return (named, erasedCommitments)
  }

  /// What the events say, beyond their signatures: a type this hub knows, a payload where one
  /// must be and of its type (every journal that pulled it would refuse it otherwise, and the
  /// hub keeps it for ever), and redactions only of what the pusher may erase: an entry version,
  /// coding or memo of their own feeds (a coordinator: of any).
  private static func checkContent(
    _ events: [WireEvent], erased: (hashes: Set<Data>, commitments: Set<Data>), member: HubMember,
    study: String, _ db: PostgresConnection, _ logger: Logger
  ) async throws {
    var targets: [Data: (type: String, owner: String)] = [:]
    for event in events {
      if let hash = event.bytes?.hash { targets[hash] = (event.type, member.name) }
    }
    let named = events.filter { $0.type == "redaction" }.compactMap { $0.bytes?.target }
    for try await (hash, type, owner) in try await db.query(
      """
      SELECT e.hash, e.type, f.owner FROM event e JOIN feed f ON f.id = e.feed
      WHERE f.study = \(study)
        AND e.hash = ANY(SELECT decode(h, 'hex') FROM unnest(\(named.map(Hashing.hex))::text[]) h)
      """, logger: logger
    ).decode((Data, String, String).self) {
      targets[hash] = (type, owner)
    }
    for event in events {
      let hash = event.bytes?.hash ?? Data()
      if let problem = WireCheck.contentProblem(of: event, erased: erased.hashes.contains(hash)) {
        throw HubError(422, problem + "; nothing was stored")
      }
      guard event.type == "redaction", let target = event.bytes?.target else { continue }
      let name = "feed \(event.feed.prefix(8)) seq \(event.seq)"
      guard let found = targets[target] else {
        guard member.role == .coordinator else {
          throw HubError(
            403,
            "\(name) is a redaction of an event this hub does not hold; only a coordinator "
              + "pushes one ahead of its event; nothing was stored")
        }
        continue
      }
      guard WireCheck.redactable.contains(found.type) else {
        throw HubError(
          422,
          "\(name) is a redaction of a \(found.type) event; a redaction erases an entry version, "
            + "a coding or a memo; nothing was stored")
      }
      guard found.owner == member.name || member.role == .coordinator else {
        throw HubError(
          403,
          "\(name) erases an event of the feed of '\(found.owner)'; only its writer or a "
            + "coordinator erases it on the hub (ask a coordinator to redact it); nothing was "
            + "stored")
      }
    }
  }

  /// Inserts verified events; redactions erase the payloads they name, here and from now on.
  private static func insert(
    _ events: [WireEvent], erased: (hashes: Set<Data>, commitments: Set<Data>), feed: UUID,
    study: String, _ db: PostgresConnection, _ logger: Logger
  ) async throws {
    for chunk in stride(from: 0, to: events.count, by: 1_000).map({
      events[$0..<min($0 + 1_000, events.count)]
    }) {
      var bindings = PostgresBindings()
      var rows: [String] = []
      var payloads: [String] = []
      var payloadBindings = PostgresBindings()
      for event in chunk {
        guard let bytes = event.bytes, let subject = UUID(uuidString: event.subject) else {
          throw HubError(422, "feed \(feed) seq \(event.seq) has a malformed field")
        }
        let base = bindings.count
        try bindings.append(feed)
        try bindings.append(event.seq)
        try bindings.append(bytes.prev)
        try bindings.append(bytes.hash)
        if let signature = bytes.signature {
          try bindings.append(signature)
        } else {
          bindings.appendNull()
        }
        try bindings.append(event.type)
        try bindings.append(subject)
        if let target = bytes.target {
          try bindings.append(target)
        } else {
          bindings.appendNull()
        }
        try bindings.append(bytes.commitment)
        try bindings.append(event.recordedAt)
        rows.append("(" + (1...10).map { "$\(base + $0)" }.joined(separator: ", ") + ")")
        if let salt = bytes.salt, let json = event.payload, !erased.hashes.contains(bytes.hash),
          !erased.commitments.contains(bytes.commitment)
        {
          let at = payloadBindings.count
          try payloadBindings.append(study)
          try payloadBindings.append(bytes.commitment)
          try payloadBindings.append(salt)
          try payloadBindings.append(Data(json.utf8))
          payloads.append("($\(at + 1), $\(at + 2), $\(at + 3), $\(at + 4))")
        }
      }
      try await db.query(
        PostgresQuery(
          unsafeSQL: """
            INSERT INTO event (feed, seq, prev, hash, signature, type, subject, target,
              commitment, recorded_at) VALUES
            """ + rows.joined(separator: ", "), binds: bindings), logger: logger)
      if !payloads.isEmpty {
        try await db.query(
          PostgresQuery(
            unsafeSQL: "INSERT INTO payload (study, commitment, salt, bytes) VALUES "
              + payloads.joined(separator: ", ") + " ON CONFLICT (study, commitment) DO NOTHING",
            binds: payloadBindings), logger: logger)
      }
    }
    // A redaction accepted now erases what it names, leaving no trace of it here.
    if !erased.commitments.isEmpty {
      try await db.query(
        """
        DELETE FROM payload WHERE study = \(study) AND commitment = ANY(
          SELECT decode(h, 'hex') FROM unnest(\(erased.commitments.map(Hashing.hex))::text[]) h)
        """, logger: logger)
    }
  }

  /// The events of the study's feeds after the given heads, in (feed, seq) order, in pages of
  /// about `limit` events that end each feed on a signed event (a whole transaction).
  public func pull(study: String, after heads: [String: Int64], limit: Int) async throws
    -> PullPage
  {
    var page = PullPage(events: [], keys: [:], more: false)
    for feed in try await feeds(study: study) {
      let from = heads[feed.feed] ?? 0
      guard feed.headSeq > from else { continue }
      guard page.events.count < limit, let id = UUID(uuidString: feed.feed) else {
        page.more = true
        break
      }
      // Up to the first signed event at or after the page's room, so a transaction stays whole.
      let room = Int64(limit - page.events.count)
      var upTo = feed.headSeq
      for try await seq in try await client.query(
        """
        SELECT min(seq) FROM event WHERE feed = \(id) AND signature IS NOT NULL
          AND seq >= least(\(from + room), \(feed.headSeq))
        """, logger: logger
      ).decode(Int64?.self) {
        upTo = seq ?? feed.headSeq
      }
      for try await row in try await client.query(
        """
        SELECT e.seq, e.prev, e.recorded_at, e.type, e.subject, e.target, e.commitment, e.hash,
          e.signature, p.salt, p.bytes
        FROM event e LEFT JOIN payload p ON p.study = \(study) AND p.commitment = e.commitment
        WHERE e.feed = \(id) AND e.seq > \(from) AND e.seq <= \(upTo) ORDER BY e.seq
        """, logger: logger
      ).decode(
        (Int64, Data, String, String, UUID, Data?, Data, Data, Data?, Data?, Data?).self)
      {
        page.events.append(
          WireEvent.from(
            feed: feed.feed, seq: row.0, prev: row.1, recordedAt: row.2, type: row.3,
            subject: row.4.uuidString.lowercased(), target: row.5, commitment: row.6, hash: row.7,
            signature: row.8, salt: row.10 == nil ? nil : row.9,
            payload: row.10.map { String(decoding: $0, as: UTF8.self) }))
      }
      page.keys[feed.feed] = feed.publicKey
      if upTo < feed.headSeq { page.more = true }
    }
    return page
  }

  // MARK: Helpers

  static func isName(_ name: String) -> Bool {
    !name.isEmpty && name.count <= 64
      && name.unicodeScalars.allSatisfy {
        CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)
      }
  }

  static func digest(_ token: String) -> Data { Data(SHA256.hash(data: Data(token.utf8))) }
}

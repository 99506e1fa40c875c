import Crypto
import Foundation
import GRDB

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where a journal's private signing keys live: outside the journal, one file per feed, mode 0600.
///
/// The journal records only the public key, so a copy of the journal (a snapshot sent to a colleague,
/// a merge) can be verified by anyone but extended by no one else.
public struct SigningKeys: Sendable, Equatable {
  /// A key file named explicitly (`--signing-key`); used for whichever feed the journal writes.
  public var explicitPath: String?
  /// The folder of per-feed key files, `<feed>.key`.
  public var folder: String

  public init(explicitPath: String? = nil, folder: String) {
    self.explicitPath = explicitPath
    self.folder = folder
  }

  /// `--signing-key` when given, else `$XDG_CONFIG_HOME/fieldlog/keys`, else `~/.config/fieldlog/keys`.
  public static func standard(
    explicitPath: String? = nil,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> SigningKeys {
    let configuration: String
    if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
      configuration = xdg
    } else {
      let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
      configuration = home + "/.config"
    }
    return SigningKeys(
      explicitPath: explicitPath.flatMap { $0.isEmpty ? nil : $0 },
      folder: configuration + "/fieldlog/keys")
  }

  /// The key file of a feed.
  public func path(for feed: String) -> String {
    explicitPath ?? "\(folder)/\(feed).key"
  }

  static let header = "fieldlog signing key v1"

  /// The feed's private key from its key file.
  func load(for feed: String) throws -> Curve25519.Signing.PrivateKey {
    let path = path(for: feed)
    guard let data = FileManager.default.contents(atPath: path) else {
      throw FieldLogError.signingKeyNotFound(path: path, feed: feed)
    }
    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    guard lines.count == 3, lines[0] == Self.header, lines[1] == "feed \(feed)",
      lines[2].hasPrefix("private "),
      let raw = Data(base64Encoded: String(lines[2].dropFirst("private ".count))),
      let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
    else {
      throw FieldLogError.invalidInput(
        "'\(path)' is not the signing key of feed \(feed.prefix(8))",
        hint: "each journal has its own key file; name the right one with --signing-key PATH")
    }
    return key
  }

  /// A new key for a new feed, written to a file only its owner can read; never replaces a file.
  func create(for feed: String) throws -> Curve25519.Signing.PrivateKey {
    let path = path(for: feed)
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    do {
      try FileManager.default.createDirectory(
        atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } catch {
      throw FieldLogError.io(
        "cannot make the folder '\(folder)' for the journal's signing key",
        hint: "name a key file you may write with --signing-key PATH")
    }
    let key = Curve25519.Signing.PrivateKey()
    let text =
      "\(Self.header)\nfeed \(feed)\nprivate \(key.rawRepresentation.base64EncodedString())\n"
    do {
      try PrivateFile.create(at: path, contents: Array(text.utf8), sync: true)
    } catch {
      throw FieldLogError.io(
        "cannot write the signing key '\(path)': \(error.reason)",
        hint: error.exists ? "a key file is there already; it belongs to another journal" : nil)
    }
    return key
  }
}

/// Ed25519 signatures over event hashes (docs/journal-format.md, "Signatures").
enum Signatures {
  static let tag = Array("fieldlog.signature.v1".utf8) + [0]

  static func message(_ hash: Data) -> Data { Data(tag) + hash }

  static func isValid(_ signature: Data, of hash: Data, publicKey: Data) -> Bool {
    guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else {
      return false
    }
    return key.isValidSignature(signature, for: message(hash))
  }

  /// Signs the last event of this journal's own feed that this transaction appended (after `seq`),
  /// and never any other: a signature says "this writer wrote it and all before it", so an event
  /// that someone put into the file without the key must never be covered by one.
  ///
  /// `seq` is nil when the feed was opened in this very transaction (`init`): its key is made now.
  /// The one exception is a journal made before feeds were signed (`isLegacy`): its head is signed
  /// once, by its owner, after its whole chain is checked.
  static func signNewEvents(after seq: Int64?, keys: SigningKeys, in db: Database) throws {
    let feed = try EventLog.writerFeed(db)
    let known = try Data.fetchOne(
      db.cachedStatement(sql: "SELECT public_key FROM feed_key WHERE feed = ?"), arguments: [feed])
    let key: Curve25519.Signing.PrivateKey
    let from: Int64
    switch (seq, known) {
    case (let seq?, let known?):
      key = try keys.load(for: feed)
      guard key.publicKey.rawRepresentation == known else {
        throw FieldLogError.invalidInput(
          "the signing key '\(keys.path(for: feed))' is not the key of this journal's feed "
            + "\(feed.prefix(8)); nothing was recorded")
      }
      if seq > 0 { try requireSignedHead(feed: feed, seq: seq, publicKey: known, in: db) }
      from = seq
    case (nil, nil):
      key = try keys.create(for: feed)
      from = 0
    case (let seq?, nil):
      guard try isLegacy(feed: feed, keys: keys, in: db) else {
        // Nothing appended: nothing to sign, and reading goes on; appending is refused.
        let head = try Int64.fetchOne(
          db, sql: "SELECT head_seq FROM feed WHERE id = ?", arguments: [feed])
        guard (head ?? 0) == seq else {
          throw FieldLogError.damaged(try missingKey(feed: feed, keys: keys, in: db))
        }
        return
      }
      try requireWholeLegacyFeed(feed, in: db)
      key = try keys.create(for: feed)
      from = 0
    case (nil, _?):
      throw FieldLogError.damaged(
        "the new feed \(feed.prefix(8)) already has a public key in the journal; nothing was "
          + "recorded")
    }
    if known == nil {
      try db.execute(
        sql: "INSERT INTO feed_key (feed, public_key) VALUES (?, ?)",
        arguments: [feed, key.publicKey.rawRepresentation])
    }
    // One signature per transaction, on the last event it appended: that event's hash chains every
    // event before it, so the one signature vouches for all of them (docs/journal-format.md,
    // "Signatures").
    guard
      let head = try Data.fetchOne(
        db.cachedStatement(
          sql: "SELECT hash FROM event WHERE feed = ? AND seq > ? ORDER BY seq DESC LIMIT 1"),
        arguments: [feed, from])
    else { return }
    try db.cachedStatement(sql: "INSERT INTO signature (hash, signature) VALUES (?, ?)")
      .execute(arguments: [head, try key.signature(for: message(head))])
  }

  /// Whether the journal's own feed is one made before feeds were signed, which its owner may sign
  /// once: the journal holds no public key and no signature at all (an old journal just upgraded,
  /// or one whose upgrade could not sign), and no key file exists for the feed.
  ///
  /// A feed whose key row vanished from a journal that signed before fails the test: its key file
  /// (outside the journal) is there, or other rows are. Someone who can write the file, deletes
  /// every key and signature of a journal with one feed, and finds no key file where fieldlog looks
  /// (it was kept on a USB stick) can still pass it: docs/journal-format.md ("Threat model") says
  /// what catches that (a colleague's copy of the public key, a checkpoint).
  static func isLegacy(feed: String, keys: SigningKeys, in db: Database) throws -> Bool {
    let signed = try Bool.fetchOne(
      db,
      sql: "SELECT EXISTS (SELECT 1 FROM feed_key) OR EXISTS (SELECT 1 FROM signature)")
    return signed == false && !FileManager.default.fileExists(atPath: keys.path(for: feed))
  }

  /// Why a feed of this journal has no public key though it is no legacy feed.
  static func missingKey(feed: String, keys: SigningKeys, in db: Database) throws -> String {
    let path = keys.path(for: feed)
    let why =
      FileManager.default.fileExists(atPath: path)
      ? "although its key file '\(path)' exists"
      : "although the journal holds other keys or signatures"
    return "the public key of this journal's feed \(feed.prefix(8)) is missing from the journal "
      + "\(why): the file was changed outside fieldlog, and its events are not signed again; "
      + "nothing was recorded"
  }

  /// Refuses to append after a head that this feed's key did not sign: an event put at the end of
  /// the feed by someone without the key would be covered by the next signature's chain.
  static func requireSignedHead(feed: String, seq: Int64, publicKey: Data, in db: Database)
    throws
  {
    let row = try Row.fetchOne(
      db.cachedStatement(
        sql: """
          SELECT e.hash, s.signature FROM event e LEFT JOIN signature s ON s.hash = e.hash
          WHERE e.feed = ? AND e.seq = ?
          """), arguments: [feed, seq])
    guard let row, let hash = row["hash"] as Data? else {
      throw FieldLogError.damaged(
        "the head (seq \(seq)) of this journal's feed \(feed.prefix(8)) is missing; nothing was "
          + "recorded")
    }
    guard let signature = row["signature"] as Data? else {
      throw FieldLogError.damaged(
        "the last event (seq \(seq)) of this journal's feed \(feed.prefix(8)) is not signed: it "
          + "was added outside fieldlog; nothing was recorded")
    }
    guard isValid(signature, of: hash, publicKey: publicKey) else {
      throw FieldLogError.damaged(
        "the signature of the last event (seq \(seq)) of this journal's feed \(feed.prefix(8)) "
          + "does not verify: it was changed outside fieldlog; nothing was recorded")
    }
  }

  /// A journal from before signing is signed only when its events are whole: signing a broken or
  /// edited chain would vouch for it.
  private static func requireWholeLegacyFeed(_ feed: String, in db: Database) throws {
    let problems = try Verifier.run(db, projections: false, progress: nil).problems.filter {
      $0.problem != Verifier.unkeyedFeed
    }
    if let first = problems.first {
      throw FieldLogError.damaged(
        "the journal was made before feeds were signed and its events are damaged "
          + "(\(Counted.phrase(problems.count, "problem")), first: \(first.problem)); they were not signed"
      )
    }
  }
}

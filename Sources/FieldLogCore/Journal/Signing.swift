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
    let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
      let code = errno
      throw FieldLogError.io(
        "cannot write the signing key '\(path)': \(String(cString: strerror(code)))",
        hint: code == EEXIST
          ? "a key file is there already; it belongs to another journal" : nil)
    }
    defer { close(descriptor) }
    let bytes = Array(text.utf8)
    guard fchmod(descriptor, 0o600) == 0, write(descriptor, bytes, bytes.count) == bytes.count,
      fsync(descriptor) == 0
    else {
      let code = errno
      unlink(path)
      throw FieldLogError.io(
        "cannot write the signing key '\(path)': \(String(cString: strerror(code)))")
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

  /// Signs every event of this journal's own feed that has no signature yet: the events a write just
  /// appended (after `seq`), or, for a journal made before feeds were signed, all of them, under a
  /// key made now.
  static func signNewEvents(after seq: Int64?, keys: SigningKeys, in db: Database) throws {
    let feed = try EventLog.writerFeed(db)
    let known = try Data.fetchOne(
      db.cachedStatement(sql: "SELECT public_key FROM feed_key WHERE feed = ?"), arguments: [feed])
    let key: Curve25519.Signing.PrivateKey
    if let known {
      key = try keys.load(for: feed)
      guard key.publicKey.rawRepresentation == known else {
        throw FieldLogError.invalidInput(
          "the signing key '\(keys.path(for: feed))' is not the key of this journal's feed "
            + "\(feed.prefix(8)); nothing was recorded")
      }
    } else {
      // Made before signing existed, or a new journal: its key is made (or was left by an
      // interrupted init) now.
      key =
        FileManager.default.fileExists(atPath: keys.path(for: feed))
        ? try keys.load(for: feed) : try keys.create(for: feed)
      try db.execute(
        sql: "INSERT INTO feed_key (feed, public_key) VALUES (?, ?)",
        arguments: [feed, key.publicKey.rawRepresentation])
    }
    let from = known == nil ? 0 : (seq ?? 0)
    let hashes = try Data.fetchAll(
      db.cachedStatement(sql: "SELECT hash FROM event WHERE feed = ? AND seq > ? ORDER BY seq"),
      arguments: [feed, from])
    let insert = try db.cachedStatement(
      sql: "INSERT INTO signature (hash, signature) VALUES (?, ?)")
    for hash in hashes {
      let signature = try key.signature(for: message(hash))
      try insert.execute(arguments: [hash, signature])
    }
  }
}

import Crypto
import Foundation
import GRDB

/// One event as it travels between a journal and a team hub (docs/hub.md, "The wire"): the columns
/// of `event`, the signature when the writer signed it (the last event of each of its
/// transactions), and the payload unless a redaction erased it. Bytes travel as lowercase hex.
public struct WireEvent: Codable, Equatable, Sendable {
  public var feed: String
  public var seq: Int64
  public var prev: String
  public var recordedAt: String
  public var type: String
  public var subject: String
  public var target: String?
  public var commitment: String
  public var hash: String
  public var signature: String?
  /// The payload's salt and canonical JSON; both absent when it was erased.
  public var salt: String?
  public var payload: String?

  enum CodingKeys: String, CodingKey {
    case feed, seq, prev, type, subject, target, commitment, hash, signature, salt, payload
    case recordedAt = "recorded_at"
  }

  public var isSigned: Bool { signature != nil }
  public var hasPayload: Bool { payload != nil }

  init(_ event: StoredEvent, signature: Data?, salt: Data?, json: String?) {
    self.init(
      feed: event.feed, seq: event.seq, prev: Hashing.hex(event.prev),
      recordedAt: event.recordedAt, type: event.type, subject: event.subject,
      target: event.target.map(Hashing.hex), commitment: Hashing.hex(event.commitment),
      hash: Hashing.hex(event.hash), signature: signature.map(Hashing.hex),
      salt: json == nil ? nil : salt.map(Hashing.hex), payload: json)
  }

  public init(
    feed: String, seq: Int64, prev: String, recordedAt: String, type: String, subject: String,
    target: String?, commitment: String, hash: String, signature: String?, salt: String?,
    payload: String?
  ) {
    self.feed = feed
    self.seq = seq
    self.prev = prev
    self.recordedAt = recordedAt
    self.type = type
    self.subject = subject
    self.target = target
    self.commitment = commitment
    self.hash = hash
    self.signature = signature
    self.salt = salt
    self.payload = payload
  }

  /// The event as stored, or nil when a byte field is not hex of the right length.
  var stored: StoredEvent? {
    guard let prev = Data(hexString: prev), prev.count == 32,
      let commitment = Data(hexString: commitment), commitment.count == 32,
      let hash = Data(hexString: hash), hash.count == 32
    else { return nil }
    var targetBytes: Data?
    if let target {
      guard let bytes = Data(hexString: target), bytes.count == 32 else { return nil }
      targetBytes = bytes
    }
    return StoredEvent(
      feed: feed.lowercased(), seq: seq, prev: prev, recordedAt: recordedAt, type: type,
      subject: subject.lowercased(), target: targetBytes, commitment: commitment, hash: hash)
  }

  /// The bytes of the hex fields, for a store that keeps them as bytes; nil when one is not hex.
  public var bytes:
    (prev: Data, target: Data?, commitment: Data, hash: Data, signature: Data?, salt: Data?)?
  {
    guard let event = stored else { return nil }
    let signatureBytes = signature.flatMap { Data(hexString: $0) }
    let saltBytes = salt.flatMap { Data(hexString: $0) }
    if signature != nil && signatureBytes == nil { return nil }
    if salt != nil && saltBytes == nil { return nil }
    return (event.prev, event.target, event.commitment, event.hash, signatureBytes, saltBytes)
  }

  /// The event back from stored bytes (a hub's rows).
  public static func from(
    feed: String, seq: Int64, prev: Data, recordedAt: String, type: String, subject: String,
    target: Data?, commitment: Data, hash: Data, signature: Data?, salt: Data?, payload: String?
  ) -> WireEvent {
    WireEvent(
      StoredEvent(
        feed: feed, seq: seq, prev: prev, recordedAt: recordedAt, type: type, subject: subject,
        target: target, commitment: commitment, hash: hash), signature: signature, salt: salt,
      json: payload)
  }
}

/// The checks a hub makes on a pushed batch and a journal makes on pulled events, in one place:
/// every event of a feed follows the one before it, hashes to its hash, matches its commitment
/// when it carries its payload, and the batch ends on an event its writer signed, under the feed's
/// registered key (a stolen token cannot forge history).
public enum WireCheck {
  /// The first problem of a run of one feed's events that must follow `head` (nil: the feed is
  /// new, so the run starts at seq 1); nil when the run is whole.
  public static func problem(
    of events: [WireEvent], after head: (seq: Int64, hash: Data)?, publicKey: Data
  ) -> String? {
    var previous = head ?? (0, Data(count: 32))
    for wire in events {
      let name = "feed \(wire.feed.prefix(8)) seq \(wire.seq)"
      guard let event = wire.stored, let bytes = wire.bytes else {
        return "\(name): a hash, commitment, signature or salt is not hex of the right length"
      }
      guard event.seq == previous.seq + 1 else {
        return "\(name) does not follow seq \(previous.seq)"
      }
      guard event.prev == previous.hash else {
        return "\(name): its prev is not the hash of seq \(previous.seq)"
      }
      guard let recomputed = event.recomputedHash, recomputed == event.hash else {
        return "\(name): its hash is not the hash of its fields"
      }
      if let json = wire.payload {
        guard let salt = bytes.salt,
          Hashing.commitment(salt: salt, json: Data(json.utf8)) == event.commitment
        else { return "\(name): its payload does not match its commitment" }
      }
      if let signature = bytes.signature {
        guard Signatures.isValid(signature, of: event.hash, publicKey: publicKey) else {
          return "\(name): its signature does not verify under the feed's key"
        }
      }
      previous = (event.seq, event.hash)
    }
    if let last = events.last, !last.isSigned {
      return "feed \(last.feed.prefix(8)) seq \(last.seq) ends the batch unsigned: a batch is "
        + "whole transactions, each ending on a signed event"
    }
    return nil
  }

  /// The event types whose payload a writer may keep from a hub (entries of participants without
  /// consent to share, and what is about them); any other event comes with its payload.
  public static let withholdable = Set(
    [
      EventType.entryRecorded, .entryAmended, .entryRetracted, .entryUnretracted, .codingApplied,
      .memoAdded, .memberCheckRecorded, .networkMemberAdded, .networkTieRecorded,
    ].map(\.rawValue))

  /// The event types a redaction may name: what `redact` erases.
  public static let redactable = Set(
    [
      EventType.entryRecorded, .entryAmended, .codingApplied, .memoAdded, .networkMemberAdded,
      .networkTieRecorded,
    ].map(\.rawValue))

  /// A problem with what an event says, which its signature cannot catch (its writer signed it):
  /// a type this fieldlog does not know, a payload missing where it may not be, or one that is
  /// not its type's. Every journal that pulls it would refuse it, so a hub refuses it first.
  public static func contentProblem(of wire: WireEvent, erased: Bool) -> String? {
    let name = "feed \(wire.feed.prefix(8)) seq \(wire.seq)"
    guard let type = EventType(rawValue: wire.type) else {
      return "\(name) has the type '\(wire.type)', which this hub does not know"
    }
    guard let json = wire.payload else {
      return erased || withholdable.contains(wire.type)
        ? nil : "\(name) (\(wire.type)) comes without its payload, which only an entry's may"
    }
    func decodes<T: EventPayload>(_ payload: T.Type) -> Bool {
      (try? CanonicalJSON.decode(payload, from: Data(json.utf8))) != nil
    }
    guard decodes(type.payloadType) else {
      return "\(name): its payload is not a \(wire.type) payload"
    }
    if type == .redaction, wire.target == nil {
      return "\(name): a redaction must name the event it erases"
    }
    return nil
  }
}

/// A member's proof that they hold a feed's private key: an Ed25519 signature over
/// "fieldlog.hub.owner.v1" 0x00 study 0x00 member 0x00 feed. A hub gives a feed to a member who is
/// not a coordinator only with it, so a copy of a colleague's journal never makes its feed one's own.
public enum OwnershipProof {
  static func message(study: String, member: String, feed: String) -> Data {
    let parts = ["fieldlog.hub.owner.v1", study, member, feed.lowercased()]
    return Data(parts.joined(separator: "\u{0}").utf8)
  }

  public static func isValid(
    _ proof: Data, study: String, member: String, feed: String, publicKey: Data
  ) -> Bool {
    guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else {
      return false
    }
    return key.isValidSignature(proof, for: message(study: study, member: member, feed: feed))
  }
}

/// The roles of a study's members (docs/hub.md, "Roles").
public enum HubRole: String, CaseIterable, Codable, Sendable {
  /// Adds and revokes members; pushes any feed (relaying a colleague's), pulls.
  case coordinator
  /// Pushes the feeds they opened, pulls.
  case fieldworker
  /// Pushes the coding feed they opened (codes, codings, memos), pulls.
  case analyst
  /// Pulls only.
  case reader

  /// The event types of fieldwork, which an analyst's feed may not hold: entries and their
  /// versions, participants, consent, member checks and redaction. Codes, codings, memos and the study's
  /// vocabulary (which every new journal records) are theirs to push.
  public static let fieldworkTypes = Set(
    [
      EventType.entryRecorded, .entryAmended, .entryRetracted, .entryUnretracted,
      .participantAdded, .consentGiven, .consentWithdrawn, .redaction, .memberCheckRecorded,
      .networkMemberAdded, .networkTieRecorded,
    ].map(\.rawValue))
}

/// A feed as the hub holds it.
public struct HubFeed: Codable, Equatable, Sendable {
  public var feed: String
  public var owner: String
  public var headSeq: Int64
  public var headHash: String
  public var publicKey: String

  public init(feed: String, owner: String, headSeq: Int64, headHash: String, publicKey: String) {
    self.feed = feed
    self.owner = owner
    self.headSeq = headSeq
    self.headHash = headHash
    self.publicKey = publicKey
  }

  enum CodingKeys: String, CodingKey {
    case feed, owner
    case headSeq = "head_seq"
    case headHash = "head_hash"
    case publicKey = "public_key"
  }
}

/// What a push did.
public struct PushResult: Codable, Equatable, Sendable {
  /// Events stored now.
  public var stored: Int
  /// Events the hub held already, with the same hash (a retry).
  public var acknowledged: Int
  public var headSeq: Int64
  public var headHash: String

  public init(stored: Int, acknowledged: Int, headSeq: Int64, headHash: String) {
    self.stored = stored
    self.acknowledged = acknowledged
    self.headSeq = headSeq
    self.headHash = headHash
  }

  enum CodingKeys: String, CodingKey {
    case stored, acknowledged
    case headSeq = "head_seq"
    case headHash = "head_hash"
  }
}

/// A page of a pull.
public struct PullPage: Codable, Equatable, Sendable {
  public var events: [WireEvent]
  /// The public key of every feed in `events`.
  public var keys: [String: String]
  /// Whether more events are waiting: pull again from the new heads.
  public var more: Bool

  public init(events: [WireEvent], keys: [String: String], more: Bool) {
    self.events = events
    self.keys = keys
    self.more = more
  }
}

/// The body of a push: one feed's whole transactions, and its key when the feed is new there.
public struct PushBody: Codable, Sendable {
  public var publicKey: String?
  public var events: [WireEvent]
  /// A coordinator pushes a colleague's feed (from a journal that came by file): its writer may
  /// claim it by pushing it later, with an ownership proof.
  public var relay: Bool?
  /// The pusher's `OwnershipProof` of the feed (hex), when it is their own journal's.
  public var proof: String?

  public init(publicKey: String?, events: [WireEvent], relay: Bool? = nil, proof: String? = nil) {
    self.publicKey = publicKey
    self.events = events
    self.relay = relay
    self.proof = proof
  }

  enum CodingKeys: String, CodingKey {
    case events, relay, proof
    case publicKey = "public_key"
  }
}

/// The body of a pull: the heads this journal holds (a state vector, not a cursor).
public struct PullBody: Codable, Sendable {
  public var feeds: [String: Int64]
  public var limit: Int?

  public init(feeds: [String: Int64], limit: Int? = nil) {
    self.feeds = feeds
    self.limit = limit
  }
}

/// What `GET /v1/studies/S/feeds` answers: who the token is, and every feed's head.
public struct StateReply: Codable, Sendable {
  public var study: String
  public var member: String
  public var role: HubRole
  public var feeds: [HubFeed]

  public init(study: String, member: String, role: HubRole, feeds: [HubFeed]) {
    self.study = study
    self.member = member
    self.role = role
    self.feeds = feeds
  }
}

import Crypto
import Foundation

/// The hashes of docs/journal-format.md: event hashes, payload commitments and derived ids.
public enum Hashing {
  static let eventTag = Array("fieldlog.event.v1".utf8) + [0]
  static let payloadTag = Array("fieldlog.payload.v1".utf8) + [0]
  static let idTag = Array("fieldlog.id.v1".utf8) + [0]

  /// SHA-256("fieldlog.payload.v1" 0x00 || salt || canonical JSON).
  public static func commitment(salt: Data, json: Data) -> Data {
    var hasher = SHA256()
    hasher.update(data: payloadTag)
    hasher.update(data: salt)
    hasher.update(data: json)
    return Data(hasher.finalize())
  }

  /// The event hash over its length-prefixed fields.
  public static func eventHash(
    feed: UUID, seq: Int64, prev: Data, recordedAt: String, type: String, subject: UUID,
    target: Data?, commitment: Data
  ) -> Data {
    var hasher = SHA256()
    hasher.update(data: eventTag)
    func field(_ bytes: some Collection<UInt8>) {
      let count = UInt32(bytes.count)
      hasher.update(data: [
        UInt8(count >> 24), UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF),
        UInt8(count & 0xFF),
      ])
      hasher.update(data: Array(bytes))
    }
    field(feed.bytes)
    field(bigEndian(seq))
    field(prev)
    field(Array(recordedAt.utf8))
    field(Array(type.utf8))
    field(subject.bytes)
    field(target ?? Data())
    field(commitment)
    return Data(hasher.finalize())
  }

  /// A seq as 8 bytes, unsigned big-endian, as the event hash and checkpoint leaves encode it.
  static func bigEndian(_ seq: Int64) -> [UInt8] {
    (0..<8).map { UInt8((UInt64(bitPattern: seq) >> (56 - 8 * UInt64($0))) & 0xFF) }
  }

  /// A version-8 UUID derived from a namespace and a key, so that journals made from one study agree on it.
  public static func derivedID(namespace: String, key: String) -> UUID {
    var hasher = SHA256()
    hasher.update(data: idTag)
    hasher.update(data: Array(namespace.utf8) + [0])
    hasher.update(data: Array(key.utf8))
    var bytes = Array(hasher.finalize().prefix(16))
    bytes[6] = (bytes[6] & 0x0F) | 0x80
    bytes[8] = (bytes[8] & 0x3F) | 0x80
    return UUID(bytes: bytes)
  }

  /// `count` random bytes from the system's secure generator.
  public static func randomBytes(_ count: Int) -> Data {
    var generator = SystemRandomNumberGenerator()
    // Eight bytes a call (one `getrandom` each), not one: a salt was 32 system calls.
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count + 8)
    while bytes.count < count {
      withUnsafeBytes(of: generator.next()) { bytes += $0 }
    }
    return Data(bytes.prefix(count))
  }

  /// Lowercase hex.
  public static func hex(_ data: Data) -> String {
    data.map { String(format: "%02x", $0) }.joined()
  }
}

extension Data {
  /// The bytes of a hex string of even length; nil for anything else.
  public init?(hexString: String) {
    let digits = Array(hexString.utf8)
    guard digits.count % 2 == 0 else { return nil }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(digits.count / 2)
    for index in stride(from: 0, to: digits.count, by: 2) {
      guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else {
        return nil
      }
      bytes.append(high << 4 | low)
    }
    self.init(bytes)
  }

  private static func nibble(_ digit: UInt8) -> UInt8? {
    switch digit {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
    default: return nil
    }
  }
}

extension UUID {
  /// The 16 bytes in RFC 9562 order.
  var bytes: [UInt8] {
    withUnsafeBytes(of: uuid) { Array($0) }
  }

  init(bytes: [UInt8]) {
    precondition(bytes.count == 16)
    self.init(
      uuid: (
        bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
        bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
      ))
  }

  /// The lowercase form fieldlog stores.
  public var lowercased: String { uuidString.lowercased() }
}

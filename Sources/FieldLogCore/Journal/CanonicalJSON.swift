import Foundation

/// A JSON value restricted to what fieldlog payloads hold: no fractions, so every value has one spelling.
public enum JSONValue: Equatable, Sendable {
  case null
  case bool(Bool)
  case integer(Int64)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])
}

extension JSONValue: Codable {
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Int64.self) {
      self = .integer(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([JSONValue].self) {
      self = .array(value)
    } else if let value = try? container.decode([String: JSONValue].self) {
      self = .object(value)
    } else {
      throw DecodingError.dataCorruptedError(
        in: container, debugDescription: "fractional numbers are not part of fieldlog payloads")
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let value): try container.encode(value)
    case .integer(let value): try container.encode(value)
    case .string(let value): try container.encode(value)
    case .array(let value): try container.encode(value)
    case .object(let value): try container.encode(value)
    }
  }
}

/// The canonical JSON encoding of docs/journal-format.md: sorted keys, NFC strings, no white space.
public enum CanonicalJSON {
  /// Encodes any `Encodable` value canonically.
  public static func encode<T: Encodable>(_ value: T) throws -> Data {
    let encoder = JSONEncoder()
    let plain = try encoder.encode(value)
    let tree = try JSONDecoder().decode(JSONValue.self, from: plain)
    return encode(tree)
  }

  /// Encodes a JSON value canonically.
  public static func encode(_ value: JSONValue) -> Data {
    var bytes: [UInt8] = []
    write(value, into: &bytes)
    return Data(bytes)
  }

  /// Decodes a payload into its Swift type.
  public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
    try JSONDecoder().decode(type, from: data)
  }

  private static func write(_ value: JSONValue, into bytes: inout [UInt8]) {
    switch value {
    case .null: bytes += Array("null".utf8)
    case .bool(let flag): bytes += Array((flag ? "true" : "false").utf8)
    case .integer(let number): bytes += Array(String(number).utf8)
    case .string(let string): writeString(string, into: &bytes)
    case .array(let items):
      bytes.append(UInt8(ascii: "["))
      for (index, item) in items.enumerated() {
        if index > 0 { bytes.append(UInt8(ascii: ",")) }
        write(item, into: &bytes)
      }
      bytes.append(UInt8(ascii: "]"))
    case .object(let members):
      bytes.append(UInt8(ascii: "{"))
      let sorted = members.map {
        (Array($0.key.precomposedStringWithCanonicalMapping.utf8), $0.value)
      }
      .sorted { $0.0.lexicographicallyPrecedes($1.0) }
      for (index, member) in sorted.enumerated() {
        if index > 0 { bytes.append(UInt8(ascii: ",")) }
        writeEscaped(member.0, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        write(member.1, into: &bytes)
      }
      bytes.append(UInt8(ascii: "}"))
    }
  }

  private static func writeString(_ string: String, into bytes: inout [UInt8]) {
    writeEscaped(Array(string.precomposedStringWithCanonicalMapping.utf8), into: &bytes)
  }

  private static let hexDigits = Array("0123456789abcdef".utf8)

  private static func writeEscaped(_ utf8: [UInt8], into bytes: inout [UInt8]) {
    bytes.reserveCapacity(bytes.count + utf8.count + 2)
    bytes.append(UInt8(ascii: "\""))
    for byte in utf8 {
      switch byte {
      case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
      case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
      case 0x08: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
      case 0x0C: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
      case 0x0A: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
      case 0x0D: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
      case 0x09: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
      case 0x00..<0x20:
        bytes += Array("\\u00".utf8)
        bytes.append(hexDigits[Int(byte >> 4)])
        bytes.append(hexDigits[Int(byte & 0x0F)])
      default: bytes.append(byte)
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }
}

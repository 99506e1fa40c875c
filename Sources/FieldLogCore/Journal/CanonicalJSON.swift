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
  /// Encodes any `Encodable` value canonically: straight into a JSON value tree (`TreeEncoder`),
  /// then written with sorted keys; no JSON text is written and parsed again on the way.
  public static func encode<T: Encodable>(_ value: T) throws -> Data {
    encode(try TreeEncoder.tree(value))
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
    case .string(let string): writeEscaped(Array(Text.nfc(string).utf8), into: &bytes)
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
        (Array(Text.nfc($0.key).utf8), $0.value)
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

/// An `Encoder` that builds the `JSONValue` tree of a value directly. Its trees are those that
/// `JSONEncoder` followed by a `JSONDecoder` of `JSONValue` gave (the canonical form's earlier
/// route, which every stored payload was written by): absent optionals are left out, `Data` is
/// Base64 text, and a number must be a whole number.
struct TreeEncoder: Encoder {
  /// Where a value's tree grows; containers share it, as `JSONEncoder`'s do.
  final class Node {
    var value: JSONValue?
    var object: [String: Node]?
    var array: [Node]?

    var tree: JSONValue {
      if let object { return .object(object.mapValues(\.tree)) }
      if let array { return .array(array.map(\.tree)) }
      // A value that asked for no container is an empty object, as with JSONEncoder.
      return value ?? .object([:])
    }
  }

  let node: Node
  let codingPath: [any CodingKey]
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  static func tree<T: Encodable>(_ value: T) throws -> JSONValue {
    let root = Node()
    try TreeEncoder(node: root, codingPath: []).encodeValue(value)
    return root.tree
  }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    if node.object == nil { node.object = [:] }
    return KeyedEncodingContainer(Keyed<Key>(node: node, codingPath: codingPath))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    if node.array == nil { node.array = [] }
    return Unkeyed(node: node, codingPath: codingPath)
  }

  func singleValueContainer() -> any SingleValueEncodingContainer {
    Single(node: node, codingPath: codingPath)
  }

  /// Encodes a value into this encoder's node, with the leaves and special types first.
  func encodeValue<T: Encodable>(_ value: T) throws {
    switch value {
    case let json as JSONValue: node.value = json
    case let string as String: node.value = .string(string)
    case let number as Int: node.value = .integer(Int64(number))
    case let flag as Bool: node.value = .bool(flag)
    case let data as Data: node.value = .string(data.base64EncodedString())
    case let url as URL: node.value = .string(url.absoluteString)
    case let date as Date:
      node.value = try Self.whole(date.timeIntervalSinceReferenceDate, codingPath)
    default: try value.encode(to: self)
    }
  }

  static func whole(_ number: Double, _ path: [any CodingKey]) throws -> JSONValue {
    guard number.rounded() == number, let whole = Int64(exactly: number) else {
      throw EncodingError.invalidValue(
        number,
        .init(
          codingPath: path,
          debugDescription: "fractional numbers are not part of fieldlog payloads"))
    }
    return .integer(whole)
  }

  static func integer<T: BinaryInteger>(_ number: T, _ path: [any CodingKey]) throws -> JSONValue {
    guard let value = Int64(exactly: number) else {
      throw EncodingError.invalidValue(
        number, .init(codingPath: path, debugDescription: "the number is too large for a payload"))
    }
    return .integer(value)
  }

  private struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: Node
    let codingPath: [any CodingKey]

    private func child(_ key: Key) -> TreeEncoder {
      let child = Node()
      node.object?[key.stringValue] = child
      return TreeEncoder(node: child, codingPath: codingPath + [key])
    }

    mutating func encodeNil(forKey key: Key) throws { child(key).node.value = .null }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
      try child(key).encodeValue(value)
    }
    mutating func nestedContainer<NestedKey: CodingKey>(
      keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
      child(key).container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
      child(key).unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder {
      let child = Node()
      node.object?["super"] = child
      return TreeEncoder(node: child, codingPath: codingPath)
    }
    mutating func superEncoder(forKey key: Key) -> any Encoder { child(key) }
  }

  private struct Unkeyed: UnkeyedEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]
    var count: Int { node.array?.count ?? 0 }

    private struct Index: CodingKey {
      var stringValue: String { "Index \(intValue ?? 0)" }
      var intValue: Int?
      init(intValue: Int) { self.intValue = intValue }
      init?(stringValue: String) { nil }
    }

    private func next() -> TreeEncoder {
      let child = Node()
      let path = codingPath + [Index(intValue: count)]
      node.array?.append(child)
      return TreeEncoder(node: child, codingPath: path)
    }

    mutating func encodeNil() throws { next().node.value = .null }
    mutating func encode<T: Encodable>(_ value: T) throws { try next().encodeValue(value) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
      -> KeyedEncodingContainer<NestedKey>
    {
      next().container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
      next().unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder { next() }
  }

  private struct Single: SingleValueEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { node.value = .null }
    mutating func encode(_ value: Bool) throws { node.value = .bool(value) }
    mutating func encode(_ value: String) throws { node.value = .string(value) }
    mutating func encode(_ value: Double) throws {
      node.value = try TreeEncoder.whole(value, codingPath)
    }
    mutating func encode(_ value: Float) throws {
      node.value = try TreeEncoder.whole(Double(value), codingPath)
    }
    mutating func encode(_ value: Int) throws { node.value = .integer(Int64(value)) }
    mutating func encode(_ value: Int8) throws { node.value = .integer(Int64(value)) }
    mutating func encode(_ value: Int16) throws { node.value = .integer(Int64(value)) }
    mutating func encode(_ value: Int32) throws { node.value = .integer(Int64(value)) }
    mutating func encode(_ value: Int64) throws { node.value = .integer(value) }
    mutating func encode(_ value: UInt) throws {
      node.value = try TreeEncoder.integer(value, codingPath)
    }
    mutating func encode(_ value: UInt8) throws { node.value = .integer(Int64(value)) }
    mutating func encode(_ value: UInt16) throws { node.value = .integer(Int64(value)) }
    mutating func encode(_ value: UInt32) throws { node.value = .integer(Int64(value)) }
    mutating func encode(_ value: UInt64) throws {
      node.value = try TreeEncoder.integer(value, codingPath)
    }
    mutating func encode<T: Encodable>(_ value: T) throws {
      try TreeEncoder(node: node, codingPath: codingPath).encodeValue(value)
    }
  }
}

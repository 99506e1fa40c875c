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
    var unchanged = true
    return encode(value, unchanged: &unchanged)
  }

  /// Encodes a value canonically, and says whether every string in it was NFC already (no byte
  /// from 0xCC up), so that what the JSON reads back as is the value itself.
  static func encode<T: Encodable>(_ value: T, unchanged: inout Bool) throws -> Data {
    encode(try TreeEncoder.tree(value), unchanged: &unchanged)
  }

  private static func encode(_ value: JSONValue, unchanged: inout Bool) -> Data {
    var bytes: [UInt8] = []
    write(value, into: &bytes, unchanged: &unchanged)
    return Data(bytes)
  }

  /// The string in NFC; `unchanged` becomes false when it may not have been (`Text.nfc`).
  private static func nfc(_ string: String, unchanged: inout Bool) -> [UInt8] {
    if Text.isPlainlyNFC(string) { return Array(string.utf8) }
    unchanged = false
    return Array(Text.nfc(string).utf8)
  }

  /// Decodes a payload into its Swift type.
  public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
    try JSONDecoder().decode(type, from: data)
  }

  private static func write(_ value: JSONValue, into bytes: inout [UInt8], unchanged: inout Bool) {
    switch value {
    case .null: bytes += Array("null".utf8)
    case .bool(let flag): bytes += Array((flag ? "true" : "false").utf8)
    case .integer(let number): bytes += Array(String(number).utf8)
    case .string(let string): writeEscaped(nfc(string, unchanged: &unchanged), into: &bytes)
    case .array(let items):
      bytes.append(UInt8(ascii: "["))
      for (index, item) in items.enumerated() {
        if index > 0 { bytes.append(UInt8(ascii: ",")) }
        write(item, into: &bytes, unchanged: &unchanged)
      }
      bytes.append(UInt8(ascii: "]"))
    case .object(let members):
      bytes.append(UInt8(ascii: "{"))
      let sorted = members.map {
        (nfc($0.key, unchanged: &unchanged), $0.value)
      }
      .sorted { $0.0.lexicographicallyPrecedes($1.0) }
      for (index, member) in sorted.enumerated() {
        if index > 0 { bytes.append(UInt8(ascii: ",")) }
        writeEscaped(member.0, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        write(member.1, into: &bytes, unchanged: &unchanged)
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

extension JSONValue {
  /// Parses JSON text (RFC 8259) into a value, as `JSONDecoder` decoding a `JSONValue` does, but
  /// in one pass over the bytes: a JSON Lines import reads 100,000 lines this way. Numbers must be
  /// whole (an integral `1.0` or `1e3` counts as whole); a repeated key keeps its last value.
  public static func parse(_ text: some StringProtocol) throws -> JSONValue {
    var parser = JSONParser(bytes: Array(text.utf8))
    let value = try parser.value(depth: 0)
    parser.skipSpace()
    guard parser.index == parser.bytes.count else { throw parser.error("text after the value") }
    return value
  }
}

/// The one-pass reader behind `JSONValue.parse`.
private struct JSONParser {
  let bytes: [UInt8]
  var index = 0

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  func error(_ what: String) -> Failure { Failure(description: "\(what) at byte \(index)") }

  mutating func skipSpace() {
    while index < bytes.count,
      bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09
    {
      index += 1
    }
  }

  /// After a member or item: true past the `closing` byte that ends the object or array, false
  /// past the comma before the next one.
  mutating func closes(_ closing: Unicode.Scalar, _ what: String) throws -> Bool {
    skipSpace()
    guard index < bytes.count else { throw error("unfinished \(what)") }
    switch bytes[index] {
    case UInt8(ascii: ","):
      index += 1
      return false
    case UInt8(ascii: closing):
      index += 1
      return true
    default: throw error("',' or '\(closing)' expected")
    }
  }

  mutating func value(depth: Int) throws -> JSONValue {
    guard depth < 512 else { throw error("nesting too deep") }
    skipSpace()
    guard index < bytes.count else { throw error("no value") }
    switch bytes[index] {
    case UInt8(ascii: "{"):
      index += 1
      var members: [String: JSONValue] = [:]
      skipSpace()
      if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
        index += 1
        return .object(members)
      }
      while true {
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
          throw error("a key expected")
        }
        let key = try string()
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
          throw error("':' expected")
        }
        index += 1
        members[key] = try value(depth: depth + 1)
        if try closes("}", "object") { return .object(members) }
      }
    case UInt8(ascii: "["):
      index += 1
      var items: [JSONValue] = []
      skipSpace()
      if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
        index += 1
        return .array(items)
      }
      while true {
        items.append(try value(depth: depth + 1))
        if try closes("]", "array") { return .array(items) }
      }
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): try literal("true"); return .bool(true)
    case UInt8(ascii: "f"): try literal("false"); return .bool(false)
    case UInt8(ascii: "n"): try literal("null"); return .null
    default: return try number()
    }
  }

  mutating func literal(_ word: String) throws {
    let expected = Array(word.utf8)
    guard bytes.count - index >= expected.count,
      bytes[index..<index + expected.count].elementsEqual(expected)
    else { throw error("unknown word") }
    index += expected.count
  }

  mutating func number() throws -> JSONValue {
    let start = index
    if index < bytes.count && bytes[index] == UInt8(ascii: "-") { index += 1 }
    let digits = index
    while index < bytes.count, Self.isNumberByte(bytes[index]) { index += 1 }
    guard index > digits, Self.isDigit(bytes[digits]) else { throw error("not a JSON value") }
    // RFC 8259: no leading zeros; digits after '.' and in the exponent.
    if bytes[digits] == UInt8(ascii: "0"), index > digits + 1, Self.isDigit(bytes[digits + 1]) {
      throw error("a number with a leading zero")
    }
    guard Self.isValidNumber(bytes[digits..<index]) else { throw error("not a JSON number") }
    let text = String(decoding: bytes[start..<index], as: UTF8.self)
    if let integer = Int64(text) { return .integer(integer) }
    guard let double = Double(text), double.rounded() == double,
      let integer = Int64(exactly: double)
    else { throw error("a number that is not whole, or too large") }
    return .integer(integer)
  }

  static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

  static func isNumberByte(_ byte: UInt8) -> Bool {
    isDigit(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e")
      || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
  }

  /// int frac? exp? as RFC 8259 spells it, without the sign.
  static func isValidNumber(_ bytes: ArraySlice<UInt8>) -> Bool {
    var rest = bytes.drop(while: isDigit)
    if rest.first == UInt8(ascii: ".") {
      rest = rest.dropFirst()
      guard let first = rest.first, isDigit(first) else { return false }
      rest = rest.drop(while: isDigit)
    }
    if rest.first == UInt8(ascii: "e") || rest.first == UInt8(ascii: "E") {
      rest = rest.dropFirst()
      if rest.first == UInt8(ascii: "+") || rest.first == UInt8(ascii: "-") {
        rest = rest.dropFirst()
      }
      guard let first = rest.first, isDigit(first) else { return false }
      rest = rest.drop(while: isDigit)
    }
    return rest.isEmpty
  }

  mutating func string() throws -> String {
    index += 1  // the opening quote
    let start = index
    // The common case: no escapes, copied as it stands.
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        defer { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
      }
      if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
      index += 1
    }
    var scalars = String.UnicodeScalarView()
    scalars.append(contentsOf: String(decoding: bytes[start..<index], as: UTF8.self).unicodeScalars)
    var run = index
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        scalars.append(
          contentsOf: String(decoding: bytes[run..<index], as: UTF8.self).unicodeScalars)
        index += 1
        return String(scalars)
      }
      if byte < 0x20 { throw error("a control character in text") }
      guard byte == UInt8(ascii: "\\") else {
        index += 1
        continue
      }
      scalars.append(contentsOf: String(decoding: bytes[run..<index], as: UTF8.self).unicodeScalars)
      index += 1
      guard index < bytes.count else { throw error("unfinished escape") }
      let escaped = bytes[index]
      index += 1
      switch escaped {
      case UInt8(ascii: "\""): scalars.append("\"")
      case UInt8(ascii: "\\"): scalars.append("\\")
      case UInt8(ascii: "/"): scalars.append("/")
      case UInt8(ascii: "b"): scalars.append("\u{8}")
      case UInt8(ascii: "f"): scalars.append("\u{C}")
      case UInt8(ascii: "n"): scalars.append("\n")
      case UInt8(ascii: "r"): scalars.append("\r")
      case UInt8(ascii: "t"): scalars.append("\t")
      case UInt8(ascii: "u"):
        let unit = try hex4()
        if (0xD800...0xDBFF).contains(unit) {
          guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
            bytes[index + 1] == UInt8(ascii: "u")
          else { throw error("a lone surrogate") }
          index += 2
          let low = try hex4()
          guard (0xDC00...0xDFFF).contains(low),
            let scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
          else { throw error("a lone surrogate") }
          scalars.append(scalar)
        } else {
          guard let scalar = Unicode.Scalar(unit) else { throw error("a lone surrogate") }
          scalars.append(scalar)
        }
      default: throw error("an unknown escape")
      }
      run = index
    }
    throw error("unfinished text")
  }

  mutating func hex4() throws -> UInt32 {
    guard index + 4 <= bytes.count else { throw error("unfinished \\u escape") }
    var value: UInt32 = 0
    for byte in bytes[index..<index + 4] {
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw error("a bad \\u escape")
      }
      value = value << 4 | UInt32(digit)
    }
    index += 4
    return value
  }
}

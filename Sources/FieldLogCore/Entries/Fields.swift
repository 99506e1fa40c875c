import Crypto
import Foundation

/// Checks `--field key=value` pairs against the kind's fields and turns them into stored values.
public enum Fields {
  /// Applies `key=value` pairs to the fields of an earlier version: an empty value removes a field,
  /// a value typed as it is shown keeps the stored one (a recording is not hashed again).
  static func merge(_ pairs: [(String, String)], into base: [String: JSONValue], kind: EntryKind)
    throws -> [String: JSONValue]
  {
    var fields = base
    var changed: [(String, String)] = []
    for (rawKey, value) in pairs {
      let key = rawKey.trimmingCharacters(in: .whitespaces).lowercased()
      let trimmed = Text.trimmed(value)
      if let existing = base[key] {
        if trimmed.isEmpty {
          fields.removeValue(forKey: key)
          continue
        }
        if trimmed == text(of: existing) { continue }
        fields.removeValue(forKey: key)
      }
      changed.append((key, value))
    }
    for (key, value) in try validate(changed, kind: kind) { fields[key] = value }
    return fields
  }

  /// A stored field value as a researcher would type it.
  public static func text(of value: JSONValue) -> String {
    switch value {
    case .string(let text): return text
    case .integer(let number): return String(number)
    case .bool(let flag): return flag ? "true" : "false"
    case .array(let items): return items.map(text(of:)).joined(separator: ",")
    case .object(let members): return members["path"].map(text(of:)) ?? ""
    case .null: return ""
    }
  }

  static func validate(_ pairs: [(String, String)], kind: EntryKind) throws -> [String: JSONValue] {
    var result: [String: JSONValue] = [:]
    for (rawKey, rawValue) in pairs {
      let key = rawKey.trimmingCharacters(in: .whitespaces).lowercased()
      guard let spec = kind.fields.first(where: { $0.name == key }) else {
        throw FieldLogError.invalidInput(
          "\(kind.rawValue) has no field '\(rawKey)'",
          hint: "its fields are " + kind.fields.map(\.name).joined(separator: ", "))
      }
      guard result[key] == nil else {
        throw FieldLogError.invalidInput("the field '\(key)' is given twice")
      }
      let value = Text.trimmed(Text.normalize(rawValue))
      guard !value.isEmpty else { throw FieldLogError.invalidInput("the field '\(key)' is empty") }
      result[key] = try convert(value, spec: spec)
    }
    return result
  }

  private static func convert(_ value: String, spec: FieldSpec) throws -> JSONValue {
    switch spec.type {
    case .text:
      if value.utf8.contains(0) {
        throw FieldLogError.invalidInput("the field '\(spec.name)' contains a NUL byte")
      }
      return .string(value)
    case .minutes:
      guard value.allSatisfy({ $0.isASCII && $0.isNumber }), let minutes = Int64(value),
        minutes <= 100_000
      else {
        throw FieldLogError.invalidInput(
          "the field '\(spec.name)' must be a whole number of minutes, not '\(value)'")
      }
      return .integer(minutes)
    case .roles:
      var roles: [String] = []
      for part in value.split(separator: ",") {
        let role = try networkRole(String(part))
        if !roles.contains(role) { roles.append(role) }
      }
      return .array(roles.map(JSONValue.string))
    case .date:
      let time = try FieldTime.parse(value, what: "field '\(spec.name)'")
      guard value.count == 10 else {
        throw FieldLogError.invalidInput(
          "the field '\(spec.name)' must be a date like 2024-03-12, not '\(value)'")
      }
      return .string(time.localDate)
    case .consent:
      let consent = value.lowercased()
      guard ["written", "verbal", "none"].contains(consent) else {
        throw FieldLogError.unknownName(
          kind: "consent", value: value,
          suggestions: Text.suggestions(for: value, among: ["written", "verbal", "none"]),
          known: ["written", "verbal", "none"])
      }
      return .string(consent)
    case .recording:
      return try recording(value)
    case .language:
      let parts = value.split(separator: "-", omittingEmptySubsequences: false)
      let valid =
        parts.count >= 1 && (2...3).contains(parts[0].count)
        && parts[0].unicodeScalars.allSatisfy(\.isASCIILetter)
        && parts.dropFirst().allSatisfy {
          (2...8).contains($0.count)
            && $0.unicodeScalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit }
        }
      guard valid else {
        throw FieldLogError.invalidInput(
          "the language '\(value)' is not a language tag",
          hint: "use a tag such as nl, en, tr or ar-MA")
      }
      return .string(value)
    }
  }

  /// A role in a network conversation, checked against the known roles.
  static func networkRole(_ text: String) throws -> String {
    let role = text.trimmingCharacters(in: .whitespaces).lowercased()
    guard FieldSpec.networkRoles.contains(role) else {
      throw FieldLogError.unknownName(
        kind: "network role", value: text,
        suggestions: Text.suggestions(for: text, among: FieldSpec.networkRoles),
        known: FieldSpec.networkRoles)
    }
    return role
  }

  /// The recording's absolute path, SHA-256 and size; the file itself is never copied.
  private static func recording(_ path: String) throws -> JSONValue {
    let url = URL(fileURLWithPath: path).standardizedFileURL
    try InputFile.check(url.path, what: "recording")
    guard let handle = FileHandle(forReadingAtPath: url.path) else {
      throw FieldLogError.io("cannot read the recording '\(path)'")
    }
    defer { try? handle.close() }
    var hasher = SHA256()
    var size: Int64 = 0
    while true {
      let chunk: Data
      do {
        chunk = try handle.read(upToCount: 1 << 20) ?? Data()
      } catch {
        throw FieldLogError.io("cannot read the recording '\(path)': \(error.localizedDescription)")
      }
      if chunk.isEmpty { break }
      hasher.update(data: chunk)
      size += Int64(chunk.count)
    }
    return .object([
      "path": .string(url.path),
      "sha256": .string(Hashing.hex(Data(hasher.finalize()))),
      "size": .integer(size),
    ])
  }
}

import Foundation

/// Files a researcher names: a study file, a body, a recording. Only regular files are read, so a
/// device or a pipe (`/dev/zero`, a FIFO) is refused instead of hanging.
public enum InputFile {
  /// Refuses a path that does not exist or is not a regular file; `what` names it in messages.
  public static func check(_ path: String, what: String) throws {
    let attributes: [FileAttributeKey: Any]
    do {
      attributes = try FileManager.default.attributesOfItem(atPath: path)
    } catch {
      throw FieldLogError.fileNotFound(path: path)
    }
    guard attributes[.type] as? FileAttributeType == .typeRegular else {
      throw FieldLogError.invalidInput("the \(what) '\(path)' is not a regular file")
    }
  }

  /// The bytes of a regular file, refusing one larger than `limit` bytes.
  public static func read(_ path: String, what: String, limit: Int) throws -> Data {
    try check(path, what: what)
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw FieldLogError.io("cannot read the \(what) '\(path)'", hint: "check its permissions")
    }
    defer { try? handle.close() }
    return try read(handle, source: "the \(what) '\(path)'", limit: limit)
  }

  /// Reads at most `limit` bytes and refuses more, so a huge input is never held whole.
  public static func read(_ handle: FileHandle, source: String, limit: Int) throws -> Data {
    var data = Data()
    do {
      while data.count <= limit,
        let chunk = try handle.read(upToCount: min(1 << 20, limit + 1 - data.count)), !chunk.isEmpty
      {
        data.append(chunk)
      }
    } catch {
      throw FieldLogError.io("cannot read \(source): \(error.localizedDescription)")
    }
    guard data.count <= limit else {
      throw FieldLogError.invalidInput(
        "\(source) is larger than the limit of \(limit) bytes (\(limit / 1_048_576) MiB)")
    }
    return data
  }
}

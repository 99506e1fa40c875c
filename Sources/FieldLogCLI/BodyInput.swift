import FieldLogCore
import Foundation

/// Where a body comes from: a file, standard input, or the researcher's editor.
enum BodyInput {
  static func read(_ path: String) throws -> Data {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw FieldLogError.fileNotFound(path: path)
    }
    guard !isDirectory.boolValue else {
      throw FieldLogError.invalidInput("'\(path)' is a folder, not a file")
    }
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw FieldLogError.io("cannot read '\(path)'", hint: "check the file's permissions")
    }
    defer { try? handle.close() }
    return try readBounded(handle, source: "'\(path)'")
  }

  static func readStandardInput() throws -> Data {
    try readBounded(FileHandle.standardInput, source: "standard input")
  }

  /// Reads at most one byte past the limit, so a huge input is refused without holding it all.
  private static func readBounded(_ handle: FileHandle, source: String) throws -> Data {
    let limit = Text.maximumBodyBytes + 1
    var data = Data()
    do {
      while data.count < limit,
        let chunk = try handle.read(upToCount: min(1 << 20, limit - data.count)),
        !chunk.isEmpty
      {
        data.append(chunk)
      }
    } catch {
      throw FieldLogError.io("cannot read \(source): \(error.localizedDescription)")
    }
    return data
  }

  /// Opens `$VISUAL` or `$EDITOR` on the entry template and returns the text as it was saved.
  static func edit(_ draft: EntryDraft, journal: Journal) throws -> String {
    let environment = ProcessInfo.processInfo.environment
    let editor =
      [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }
      .first { !$0.isEmpty } ?? "vi"
    let template = EntryTemplate.render(draft, study: try journal.study(), now: try FieldTime.now())
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("fieldlog-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(
      at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("entry.md")
    guard
      FileManager.default.createFile(
        atPath: file.path, contents: Data(template.utf8), attributes: [.posixPermissions: 0o600])
    else {
      throw FieldLogError.io("cannot write the entry template in \(folder.path)")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", editor + " \"$1\"", "sh", file.path]
    do {
      try process.run()
    } catch {
      throw FieldLogError.io("cannot start the editor '\(editor)': \(error.localizedDescription)")
    }
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw CommandFailure(
        message:
          "nothing recorded: the editor '\(editor)' exited with status \(process.terminationStatus)",
        hint: nil, exitCode: 1)
    }
    guard let data = FileManager.default.contents(atPath: file.path) else {
      throw FieldLogError.io("cannot read the edited entry back from \(file.path)")
    }
    return try Text.body(from: data, source: "the editor")
  }

  /// Saves edited text that could not be recorded next to the journal (mode 0600); its path, or nil.
  static func keep(_ text: String, near journalPath: String) -> String? {
    let folder = URL(fileURLWithPath: journalPath).deletingLastPathComponent()
    let file = folder.appendingPathComponent(
      "fieldlog-unsaved-\(FieldTime.recordedAt().prefix(19).replacingOccurrences(of: ":", with: "")).md"
    )
    let saved = FileManager.default.createFile(
      atPath: file.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
    return saved ? file.path : nil
  }
}

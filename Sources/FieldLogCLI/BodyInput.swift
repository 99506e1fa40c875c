import FieldLogCore
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where a body comes from: a file, standard input, or the researcher's editor.
enum BodyInput {
  static let readLimit = Text.maximumBodyBytes

  static func read(_ path: String) throws -> Data {
    try InputFile.read(path, what: "body file", limit: readLimit)
  }

  static func readStandardInput() throws -> Data {
    try InputFile.read(FileHandle.standardInput, source: "standard input", limit: readLimit)
  }

  /// Opens the editor on `draft` and records what comes back with `record`. An empty body records
  /// nothing; if recording fails, what the researcher wrote is kept.
  static func editAndRecord(
    _ draft: EntryDraft, journal: Journal, record: (EntryDraft) throws -> EntryRecord
  ) throws -> EntryRecord {
    let edited = try edit(draft, journal: journal)
    do {
      let text = try Text.body(from: edited.data, source: "the editor")
      if let parsed = try EntryTemplate.parse(text, base: draft) { return try record(parsed) }
    } catch {
      keepIfChanged(edited, near: journal.path)
      throw error
    }
    // An empty body is how a researcher aborts, as with an empty commit message.
    throw CommandFailure(
      message: "nothing recorded: the body was left empty", hint: nil, exitCode: 1)
  }

  /// What the researcher saved in the editor, and whether it differs from the template.
  struct Edited {
    var data: Data
    var changed: Bool
  }

  /// Opens `$VISUAL` or `$EDITOR` on the entry template and returns what was saved.
  static func edit(_ draft: EntryDraft, journal: Journal) throws -> Edited {
    let environment = ProcessInfo.processInfo.environment
    let editor =
      [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }
      .first { !$0.isEmpty } ?? "vi"
    let template = Data(
      EntryTemplate.render(draft, study: try journal.study(), now: try FieldTime.now()).utf8)
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("fieldlog-\(UUID().uuidString)")
    do {
      try FileManager.default.createDirectory(
        at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
    } catch {
      throw FieldLogError.io("cannot make a folder for the entry template in \(folder.path)")
    }
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("entry.md")
    guard
      FileManager.default.createFile(
        atPath: file.path, contents: template, attributes: [.posixPermissions: 0o600])
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
    let data =
      (try? InputFile.read(file.path, what: "edited entry", limit: readLimit * 2)) ?? Data()
    let edited = Edited(data: data, changed: !data.isEmpty && data != template)
    guard process.terminationStatus == 0 else {
      keepIfChanged(edited, near: journal.path)
      throw CommandFailure(
        message:
          "nothing recorded: the editor '\(editor)' exited with status \(process.terminationStatus)",
        hint: nil, exitCode: 1)
    }
    return edited
  }

  /// Keeps what the researcher wrote but could not be recorded, private, next to the journal, and
  /// says where. Nothing is kept when they left the template as it was.
  static func keepIfChanged(_ edited: Edited, near journalPath: String) {
    guard edited.changed else { return }
    let folder = URL(fileURLWithPath: journalPath).deletingLastPathComponent()
    let stamp = FieldTime.recordedAt().prefix(19).replacingOccurrences(of: ":", with: "")
    let file = folder.appendingPathComponent(
      "fieldlog-unsaved-\(stamp)-\(UUID().uuidString.prefix(8).lowercased()).md")
    // O_EXCL: never overwrite an earlier unsaved note.
    let descriptor = open(file.path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
      Output.stderr("note: what you wrote could not be kept in \(folder.path)")
      return
    }
    let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    do {
      try handle.write(contentsOf: edited.data)
      Output.stderr("note: what you wrote is kept in \(file.path)")
    } catch {
      Output.stderr("note: what you wrote could not be kept in \(file.path)")
    }
  }
}

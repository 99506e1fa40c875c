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
  ///
  /// A new entry (`asDraft`) is written in a draft next to the journal, which outlives a crash
  /// of fieldlog and is removed only once the entry is recorded or the body was left empty: the
  /// next `add` offers it back. An amendment is written in a private temporary folder.
  static func editAndRecord(
    _ draft: EntryDraft, journal: Journal, asDraft: Bool = false, resuming kept: Draft? = nil,
    record: (EntryDraft) throws -> EntryRecord
  ) throws -> EntryRecord {
    let file: URL
    var template: Data?
    var temporaryFolder: URL?
    if let kept {
      file = kept.url
    } else if asDraft {
      let rendered = Data(
        EntryTemplate.render(
          draft, study: try journal.study(), now: try FieldTime.now(), newEntry: true
        ).utf8)
      file = try Draft.create(rendered, kind: draft.kind, near: journal.path)
      template = rendered
    } else {
      let rendered = Data(
        EntryTemplate.render(draft, study: try journal.study(), now: try FieldTime.now()).utf8)
      let folder = try privateTemporaryFolder()
      temporaryFolder = folder
      file = folder.appendingPathComponent("entry.md")
      do {
        try PrivateFile.create(at: file.path, contents: rendered)
      } catch {
        throw FieldLogError.io("cannot write the entry template in \(folder.path): \(error.reason)")
      }
      template = rendered
    }
    defer { if let temporaryFolder { try? FileManager.default.removeItem(at: temporaryFolder) } }
    let isDraft = temporaryFolder == nil
    // Another `add` must not offer this draft back while this one is still being written.
    let lock = isDraft ? Draft.lock(file) : -1
    defer { if lock >= 0 { close(lock) } }
    let base = kept.map { EntryDraft(kind: $0.kind) } ?? draft

    let edited: Data
    do {
      edited = try edit(file)
    } catch {
      if isDraft {
        keepDraft(file, template: template)
      } else {
        keepIfChanged(file, template, near: journal.path)
      }
      throw error
    }
    do {
      let text = try Text.body(from: edited, source: "the editor")
      if let parsed = try EntryTemplate.parse(text, base: base) {
        let recorded = try record(parsed)
        if isDraft { try? FileManager.default.removeItem(at: file) }
        return recorded
      }
    } catch {
      if isDraft {
        keepDraft(file, template: template)
      } else {
        keepIfChanged(file, template, near: journal.path)
      }
      throw error
    }
    // An empty body is how a researcher aborts, as with an empty commit message.
    if isDraft { try? FileManager.default.removeItem(at: file) }
    throw CommandFailure(
      message: "nothing recorded: the body was left empty", hint: nil, exitCode: 1)
  }

  /// The editor the researcher chose: `$VISUAL`, else `$EDITOR`, else `vi`.
  static var editorCommand: String {
    let environment = ProcessInfo.processInfo.environment
    return [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }
      .first { !$0.isEmpty } ?? "vi"
  }

  /// Opens the editor on `file` and returns what was saved; a failing editor records nothing.
  static func edit(_ file: URL) throws -> Data {
    let editor = editorCommand
    let status = try EditorProcess.run(editor, file: file.path)
    let data =
      (try? InputFile.read(file.path, what: "edited entry", limit: readLimit * 2)) ?? Data()
    guard status == 0 else {
      throw CommandFailure(
        message: "nothing recorded: the editor '\(editor)' exited with status \(status)",
        hint: nil, exitCode: 1)
    }
    return data
  }

  private static func privateTemporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("fieldlog-\(UUID().uuidString)")
    do {
      try FileManager.default.createDirectory(
        at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
    } catch {
      throw FieldLogError.io("cannot make a folder for the entry template in \(folder.path)")
    }
    return folder
  }

  /// Leaves a new entry's draft where it is and says how to take it up again; a draft that is
  /// still the untouched template is removed.
  static func keepDraft(_ file: URL, template: Data?) {
    let data = (try? Data(contentsOf: file)) ?? Data()
    if let template, data.isEmpty || data == template {
      try? FileManager.default.removeItem(at: file)
      return
    }
    Output.stderr("note: what you wrote is kept in \(file.path)")
    Output.stderr("hint: 'fieldlog add --resume' takes it up again")
  }

  /// Keeps what the researcher wrote but could not be recorded, private, next to the journal, and
  /// says where. Nothing is kept when they left the template as it was.
  static func keepIfChanged(_ file: URL, _ template: Data?, near journalPath: String) {
    let data = (try? Data(contentsOf: file)) ?? Data()
    guard !data.isEmpty, data != template else { return }
    let journalFolder = URL(fileURLWithPath: journalPath).deletingLastPathComponent()
    let stamp = FieldTime.recordedAt().prefix(19).replacingOccurrences(of: ":", with: "")
    let kept = journalFolder.appendingPathComponent(
      "fieldlog-unsaved-\(stamp)-\(UUID().uuidString.prefix(8).lowercased()).md")
    // Never over an earlier unsaved note.
    do {
      try PrivateFile.create(at: kept.path, contents: data)
      Output.stderr("note: what you wrote is kept in \(kept.path)")
    } catch {
      Output.stderr("note: what you wrote could not be kept in \(journalFolder.path)")
    }
  }
}

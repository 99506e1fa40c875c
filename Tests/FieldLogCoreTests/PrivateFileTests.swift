import Foundation
import Testing

@testable import FieldLogCore

/// Every private file fieldlog makes (journal, keys, drafts, exports) goes through PrivateFile.
@Suite struct PrivateFileTests {
  @Test("a private file is 0600 whatever the umask, holds what was given, and never replaces one")
  func privateFile() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("fieldlog-private-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("notes.md").path
    let previous = umask(0)
    defer { umask(previous) }
    try PrivateFile.create(at: path, contents: Array("eerste".utf8), sync: true)
    let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    #expect(mode == 0o600)
    #expect(FileManager.default.contents(atPath: path) == Data("eerste".utf8))
    do {
      try PrivateFile.create(at: path, contents: Array("tweede".utf8))
      Issue.record("an existing file was replaced")
    } catch {
      #expect(error.exists, "\(error.reason)")
    }
    #expect(FileManager.default.contents(atPath: path) == Data("eerste".utf8))
    do {
      try PrivateFile.create(at: folder.appendingPathComponent("no/such/folder").path)
      Issue.record("a file was made in a folder that does not exist")
    } catch {
      #expect(!error.exists && !error.reason.isEmpty)
    }
  }
}

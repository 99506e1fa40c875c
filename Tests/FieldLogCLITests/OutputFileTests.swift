import Foundation
import Testing

/// Every `-o FILE` (export, checkpoint, snapshot) goes through one check: an existing file needs
/// `--force`, and not even `--force` writes over the journal, its side files, the key file, a signing
/// key, a folder, a FIFO or a device.
@Suite("-o: an existing file needs --force; the journal and keys never") struct OutputFileTests {
  /// Every command with `-o`, each writing to `file`; the exports name their format, so that the
  /// name's extension does not decide (export refuses a `.sqlite` or `.key` name on its own).
  static func writers(_ file: String) -> [[String]] {
    [
      ["export", "entries", "--format", "csv", "-o", file],
      ["export", "memos", "--format", "jsonl", "-o", file], ["checkpoint", "-o", file],
      ["snapshot", "-o", file],
    ]
  }

  /// A journal with an entry, a code and a key file with a name in it.
  static func make() throws -> Sandbox {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    try sandbox.addObservation("Koffie in de buurtkamer.", extra: ["--participant", "P-017"])
    let keys = try sandbox.fieldlog(["keys", "add", "P-017", "--name", "Fatima el Amrani"])
    try #require(keys.status == 0, "\(keys)")
    return sandbox
  }

  /// The feed's signing key, in the test run's configuration folder.
  static func signingKey(_ sandbox: Sandbox) throws -> URL {
    let feed = try sandbox.query("SELECT value FROM local WHERE key = 'writer_feed'")
      .trimmingCharacters(in: CharacterSet(charactersIn: "'\n"))
    let key = URL(fileURLWithPath: Processes.configHome)
      .appendingPathComponent("fieldlog/keys/\(feed).key")
    try #require(FileManager.default.fileExists(atPath: key.path), "no key at \(key.path)")
    return key
  }

  @Test("an existing file is refused (65) and kept; --force replaces it with a 0600 file")
  func existingNeedsForce() throws {
    let sandbox = try Self.make()
    for (args, name) in [
      (["export", "entries"], "out.csv"),
      (["export", "codings", "--format", "jsonl"], "out.jsonl"),
      (["export", "qdc"], "out.qdc"), (["export", "qdpx"], "out.qdpx"), (["checkpoint"], "out.txt"),
      (["snapshot"], "out.sqlite"),
    ] {
      let file = sandbox.url(name)
      let arguments = args + ["-o", file.path]
      try Data("bestaand\n".utf8).write(to: file)
      let refused = try sandbox.fieldlog(arguments)
      #expect(refused.status == 65, "\(args): \(refused)")
      #expect(refused.stderr.contains("'\(file.path)'") && refused.stderr.contains("--force"))
      #expect(try Data(contentsOf: file) == Data("bestaand\n".utf8), "\(args)")
      let forced = try sandbox.fieldlog(arguments + ["--force"])
      #expect(forced.status == 0, "\(args): \(forced)")
      #expect(try Data(contentsOf: file) != Data("bestaand\n".utf8), "\(args)")
      let mode =
        try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
      #expect(mode == 0o600, "\(args)")
    }
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: sandbox.dir.path)
      .filter { $0.contains(".partial-") || $0.contains(".creating-") }
    #expect(leftovers.isEmpty, "\(leftovers)")
  }

  @Test("--force never writes over the journal, its side files, the key file or a signing key")
  func protectedFiles() throws {
    let sandbox = try Self.make()
    let journal = sandbox.journal.path
    let keyFile = sandbox.url("fieldlog-keys.sqlite").path
    let signingKey = try Self.signingKey(sandbox)
    // Another spelling, a symbolic link, a hard link.
    try FileManager.default.createDirectory(
      at: sandbox.url("sub"), withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      atPath: sandbox.url("link.sqlite").path, withDestinationPath: journal)
    try FileManager.default.linkItem(atPath: journal, toPath: sandbox.url("hard.sqlite").path)
    // A copy of the signing key elsewhere, and an alternative key file named with --keys.
    let copiedKey = sandbox.url("backup.key")
    try FileManager.default.copyItem(at: signingKey, to: copiedKey)
    let otherKeys = sandbox.url("usb-keys.sqlite")
    try FileManager.default.copyItem(atPath: keyFile, toPath: otherKeys.path)
    // The -wal file need not exist to be refused; the -shm one may.
    let cases: [(String, String, [String])] = [
      (journal, "the journal", []),
      (sandbox.dir.path + "/sub/../journal.sqlite", "the journal", []),
      (sandbox.url("link.sqlite").path, "the journal", []),
      (sandbox.url("hard.sqlite").path, "the journal", []),
      (journal + "-wal", "the journal's -wal file", []),
      (journal + "-shm", "the journal's -shm file", []),
      (keyFile, "the key file", []),
      (otherKeys.path, "the key file", ["--keys", otherKeys.path]),
      (signingKey.path, "signing-key folder", []),
      (
        signingKey.deletingLastPathComponent().appendingPathComponent("new-export").path,
        "signing-key folder", []
      ),
      (copiedKey.path, "a fieldlog signing key", []),
    ]
    let state = try sandbox.state()
    let keyBytes = try Data(contentsOf: URL(fileURLWithPath: keyFile))
    let signingBytes = try Data(contentsOf: signingKey)
    for (path, what, extra) in cases {
      for args in Self.writers(path) where extra.isEmpty || args[0] == "export" {
        let result = try sandbox.fieldlog(args + ["--force"] + extra)
        #expect(result.status == 65, "\(args) \(extra): \(result)")
        #expect(
          result.stderr.contains("refusing to write '\(path)'") && result.stderr.contains(what),
          "\(args) \(extra): \(result)")
      }
    }
    #expect(try sandbox.state() == state)
    #expect(try Data(contentsOf: URL(fileURLWithPath: keyFile)) == keyBytes)
    #expect(try Data(contentsOf: signingKey) == signingBytes)
    #expect(try Data(contentsOf: copiedKey) == signingBytes)
    #expect(
      !FileManager.default.fileExists(
        atPath: signingKey.deletingLastPathComponent().appendingPathComponent("new-export").path))
    // The REFI-QDA exports name no format: a journal's or a key's name is refused for its extension.
    for args in [["export", "qdpx"], ["export", "qdc"]] {
      for path in [journal, keyFile, signingKey.path] {
        let result = try sandbox.fieldlog(args + ["-o", path, "--force"])
        #expect(
          result.status == 64 && result.stderr.contains("does not write"), "\(args): \(result)")
      }
    }
    #expect(try sandbox.state() == state)
    #expect(try sandbox.fieldlog(["verify"]).status == 0)
  }

  @Test("-o never replaces a folder, a FIFO or a device, with or without --force")
  func notRegularFiles() throws {
    let sandbox = try Self.make()
    let fifo = sandbox.url("pipe")
    #expect(mkfifo(fifo.path, 0o600) == 0)
    for (path, what) in [
      (sandbox.dir.path, "a folder"), (fifo.path, "a FIFO"), ("/dev/null", "a device"),
    ] {
      for args in Self.writers(path) {
        for force in [[], ["--force"]] {
          let result = try sandbox.fieldlog(args + force)
          #expect(result.status == 65, "\(args) \(force): \(result)")
          #expect(result.stderr.contains(what), "\(args) \(force): \(result)")
        }
      }
    }
    var info = stat()
    #expect(stat(fifo.path, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
    #expect(stat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
  }

  @Test("-o '' is a usage error (64); --force without -o too")
  func emptyName() throws {
    let sandbox = try Self.make()
    for args in Self.writers("") {
      let result = try sandbox.fieldlog(args)
      #expect(result.status == 64, "\(args): \(result)")
      #expect(result.stderr.contains("-o needs a file name"), "\(args): \(result)")
    }
    let force = try sandbox.fieldlog(["export", "entries", "--force"])
    #expect(force.status == 64, "\(force)")
  }
}

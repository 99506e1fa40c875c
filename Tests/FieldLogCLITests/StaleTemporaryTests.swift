import Foundation
import Testing

/// `kill -9` during `export -o`, `snapshot` or `init --from` leaves its hidden temporary file (0600,
/// in the target's folder, named with the process id); the next command that writes a file there
/// removes it, since no process with that id is alive. A temporary of a live process is kept.
@Suite("kill -9 while writing a file: the next write removes the temporary")
struct StaleTemporaryTests {
  /// Entries in the journal: enough that the debug binary takes a moment to export them.
  static let entries = 1_500

  static func make() throws -> Sandbox {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    var text = ""
    for number in 0..<entries {
      let body = (0..<(40 + number % 60)).map { "woord\(($0 * 7 + number) % 97) één" }
        .joined(separator: " ")
      let record: [String: Any] = [
        "id": "5a1e0000-0000-4000-8000-" + String(format: "%012x", number),
        "kind": "observation", "title": "Notitie \(number)", "body": body,
        "neighbourhood": "Holendrecht", "questions": ["RQ1"],
        "occurred_at": String(
          format: "2024-%02d-%02dT10:00:00+01:00", 1 + number % 12, 1 + number % 28),
      ]
      let line = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
      text += String(decoding: line, as: UTF8.self) + "\n"
    }
    let file = try sandbox.write("corpus.jsonl", text: text)
    let imported = try sandbox.fieldlog(["import", file.path])
    try #require(imported.status == 0, "\(imported)")
    return sandbox
  }

  /// The hidden temporaries in `folder`.
  static func temporaries(in folder: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
      .filter { $0.hasPrefix(".") && ($0.contains(".partial-") || $0.contains(".creating-")) }
      .sorted()
  }

  /// Starts `fieldlog args` and kills it with SIGKILL the moment a temporary appears in `folder`.
  /// The temporaries it left, or nil when it ended before one was seen.
  static func killWhileWriting(_ sandbox: Sandbox, _ args: [String], folder: URL) throws
    -> [String]?
  {
    let process = Process()
    process.executableURL = sandbox.cli.binary
    process.arguments = args
    process.environment = Processes.baseEnvironment
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    var seen = false
    while process.isRunning && !seen {
      seen = !temporaries(in: folder).isEmpty
      if !seen { usleep(200) }
    }
    if seen { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    guard seen, process.terminationReason == .uncaughtSignal,
      process.terminationStatus == SIGKILL
    else { return nil }
    let left = temporaries(in: folder)
    return left.isEmpty ? nil : left
  }

  @Test(
    "export -o, snapshot and init --from killed with SIGKILL leave a 0600 temporary that the next write removes"
  )
  func killedWritersLeaveNothingForEver() throws {
    let sandbox = try Self.make()
    let snapshot = sandbox.url("kopie.sqlite")
    #expect(try sandbox.fieldlog(["snapshot", "-o", snapshot.path]).status == 0)
    let out = sandbox.url("out")
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    let journal = ["--journal", sandbox.journal.path]
    let commands: [(String, [String])] = [
      (
        "export",
        ["export", "entries", "-o", out.appendingPathComponent("entries.csv").path] + journal
      ),
      ("snapshot", ["snapshot", "-o", out.appendingPathComponent("snap.sqlite").path] + journal),
      (
        "init --from",
        [
          "init", "--from", snapshot.path, "--author", "Bram", "--journal",
          out.appendingPathComponent("bram.sqlite").path,
        ]
      ),
    ]
    for (name, args) in commands {
      var left: [String]?
      for _ in 0..<20 where left == nil {
        left = try Self.killWhileWriting(sandbox, args, folder: out)
        // A run that ended on its own wrote its file: remove it for the next attempt.
        for file in (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
        where !file.hasPrefix(".") {
          try? FileManager.default.removeItem(at: out.appendingPathComponent(file))
        }
      }
      let temporaries = try #require(left, "\(name) was never caught writing in 20 runs")
      for temporary in temporaries {
        let mode =
          try FileManager.default.attributesOfItem(
            atPath: out.appendingPathComponent(temporary).path)[.posixPermissions] as? Int
        #expect(mode == 0o600, "\(name): \(temporary)")
      }
      // The next command that writes a file in that folder removes what the killed one left.
      let next = try sandbox.fieldlog(
        ["checkpoint", "-o", out.appendingPathComponent("checkpoint.txt").path])
      #expect(next.status == 0, "\(next)")
      #expect(Self.temporaries(in: out).isEmpty, "\(name) left \(Self.temporaries(in: out))")
      try FileManager.default.removeItem(at: out.appendingPathComponent("checkpoint.txt"))
    }
    #expect(try sandbox.fieldlog(["verify"]).status == 0)
  }

  @Test("a temporary whose process is alive is kept; one whose process is gone is removed")
  func onlyDeadProcessesTemporaries() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let ended = Process()
    ended.executableURL = URL(fileURLWithPath: "/bin/true")
    try ended.run()
    ended.waitUntilExit()
    let alive = ".export.csv.partial-\(ProcessInfo.processInfo.processIdentifier)-0badcafe"
    let gone = ".export.csv.partial-\(ended.processIdentifier)-0badcafe"
    let goneWAL = gone + "-wal"
    let unrelated = ".export.csv.partial-notes"
    for name in [alive, gone, goneWAL, unrelated] { try sandbox.write(name, text: "half\n") }
    let result = try sandbox.fieldlog(["export", "entries", "-o", sandbox.url("export.csv").path])
    #expect(result.status == 0, "\(result)")
    let left = Self.temporaries(in: sandbox.dir)
    #expect(left == [alive, unrelated].sorted(), "\(left)")
  }
}

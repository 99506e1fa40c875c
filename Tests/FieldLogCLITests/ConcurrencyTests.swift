import Foundation
import Testing

@Suite("concurrent writers")
struct ConcurrencyTests {
  @Test("adds started at the same time are all recorded, and the chain stays whole")
  func concurrentAdds() throws {
    // Given a journal
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let count = 6
    // When six adds run at once
    var running: [(Process, URL)] = []
    for number in 0..<count {
      let errors = sandbox.url("stderr-\(number)")
      _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
      let process = Process()
      process.executableURL = sandbox.cli.binary
      process.arguments = [
        "add", "observation", "--text", "Gelijktijdig \(number)", "--neighbourhood", "Holendrecht",
        "--question", "RQ1", "--journal", sandbox.journal.path,
      ]
      process.environment = Processes.baseEnvironment
      process.standardInput = FileHandle.nullDevice
      process.standardOutput = FileHandle.nullDevice
      process.standardError = try FileHandle(forWritingTo: errors)
      try process.run()
      running.append((process, errors))
    }
    for (process, errors) in running {
      process.waitUntilExit()
      let message = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
      #expect(process.terminationStatus == 0, "\(message)")
    }
    // Then every entry is there once, and verify finds the chain whole
    let titles = try sandbox.list().compactMap { $0["title"]?.string }
    #expect(Set(titles) == Set((0..<count).map { "Gelijktijdig \($0)" }))
    #expect(titles.count == count)
    let verify = try sandbox.fieldlog(["verify"])
    #expect(verify.status == 0, "\(verify)")
    let independent = try sandbox.independentVerify()
    #expect(independent.status == 0, "\(independent)")
  }

  @Test(
    "4 processes × 100 adds at once: 400 entries, a whole chain, no 'database is locked'; exports meanwhile are consistent"
  )
  func fourHundredAdds() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let binary = sandbox.cli.binary.path
    // Given four writers, each a shell loop of 100 adds, started together
    var writers: [(Process, URL)] = []
    for worker in 1...4 {
      let errors = sandbox.url("writer-\(worker).err")
      _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/bin/sh")
      process.arguments = [
        "-c",
        """
        i=1; while [ $i -le 100 ]; do
          "$0" add observation --text "Schrijver $1 notitie $i" --neighbourhood Holendrecht \\
            --question RQ1 --journal "$2" >/dev/null || echo "add $1/$i failed" >&2
          i=$((i + 1))
        done
        """,
        binary, String(worker), sandbox.journal.path,
      ]
      process.environment = Processes.baseEnvironment
      process.standardInput = FileHandle.nullDevice
      process.standardOutput = FileHandle.nullDevice
      process.standardError = try FileHandle(forWritingTo: errors)
      try process.run()
      writers.append((process, errors))
    }
    // When exports run while they write, Then every export is a whole, consistent snapshot
    var exported: [Int] = []
    while writers.contains(where: { $0.0.isRunning }) {
      let export = try sandbox.fieldlog(["export", "entries", "--format", "jsonl"])
      #expect(export.status == 0, "\(export)")
      let lines = export.stdout.split(separator: "\n")
      let parsed = lines.compactMap { try? JSON.parse(String($0)) }
      #expect(parsed.count == lines.count, "an export held a partial record")
      // Within one snapshot, each writer's notes are a gap-free run from 1: no write is half seen.
      for worker in 1...4 {
        let numbers = parsed.compactMap { $0["body"]?.string }
          .filter { $0.hasPrefix("Schrijver \(worker) ") }
          .compactMap { Int($0.split(separator: " ").last ?? "") }.sorted()
        #expect(
          numbers == Array(stride(from: 1, through: numbers.count, by: 1)),
          "writer \(worker) seen as \(numbers)")
      }
      exported.append(parsed.count)
    }
    for (process, errors) in writers {
      process.waitUntilExit()
      let message = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
      #expect(process.terminationStatus == 0 && message.isEmpty, "\(message)")
      #expect(!message.contains("locked") && !message.contains("busy"), "\(message)")
    }
    #expect(exported == exported.sorted(), "exports went backwards: \(exported)")
    // Then all 400 are there once, and the chain is whole by both verifiers
    let bodies = try sandbox.list().compactMap { $0["body"]?.string }
    #expect(bodies.count == 400)
    #expect(Set(bodies).count == 400)
    #expect(try sandbox.fieldlog(["verify"]).status == 0)
    #expect(try sandbox.independentVerify().status == 0)
  }
}

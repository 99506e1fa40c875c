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
}

import Foundation
import Testing

@testable import FieldLogCore

/// Issue 14: a journal in memory, so that tests of Core need no file and no process.
@Suite struct InMemoryJournalTests {
  @Test(
    "an in-memory journal records, signs and verifies as a file does, and writes no journal file")
  func recordsAndVerifies() throws {
    let folder = try TemporaryFolder()
    let keys = SigningKeys(folder: folder.path("keys"))
    let journal = try Journal.inMemory(study: try Fixture.amsterdam, keys: keys)
    let recorded = try Fixture.record(journal)
    #expect(try journal.entries().count == recorded.count)
    let report = try journal.verify()
    #expect(report.ok, "\(report.problems)")
    #expect(report.feeds == 1 && report.events > recorded.count)
    // Only the signing key went to disk.
    let written = try FileManager.default.contentsOfDirectory(atPath: folder.path("keys"))
    #expect(written.count == 1 && written[0].hasSuffix(".key"), "\(written)")
    let others = try FileManager.default.contentsOfDirectory(atPath: folder.path(""))
    #expect(others == ["keys"], "\(others)")

    // A second one is a journal of its own, with its own feed.
    let other = try Journal.inMemory(study: try Fixture.amsterdam, keys: keys)
    #expect(try other.entries().isEmpty)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path("keys")).count == 2)
  }
}

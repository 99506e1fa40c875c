import Foundation
import Testing

@testable import FieldLogCore

/// What fuzzing the importers found (Tests/Fuzz/findings).
@Suite struct ImportFindingsTests {
  /// A record whose id the journal knows is skipped, however the id is spelled.
  @Test func anIDInUpperCaseIsTheSameEntry() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    let id = "3fa8c2d1-0000-4000-8000-0000000000aa"
    let file = folder.path("entries.jsonl")
    try Data(
      """
      {"id":"\(id)","kind":"observation","body":"Eerste.","neighbourhood":"Holendrecht","questions":["RQ1"]}
      {"id":"\(id.uppercased())","kind":"observation","body":"Tweede.","neighbourhood":"Holendrecht","questions":["RQ1"]}

      """.utf8
    ).write(to: URL(fileURLWithPath: file))
    let first = try journal.importEntries(from: [file], format: nil, addMissing: false)
    #expect(first.imported == 1 && first.skipped == 1)
    let again = try journal.importEntries(from: [file], format: nil, addMissing: false)
    #expect(again.imported == 0 && again.skipped == 2)
    #expect(try journal.history(of: id).count == 1)
    #expect(try journal.entries().map(\.body) == ["Eerste."])
  }

  @Test func aJSONLinesFileWithCRLFLineEndsImportsLineByLine() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    let file = folder.path("windows.jsonl")
    let line =
      #"{"kind":"observation","body":"BODY","neighbourhood":"Holendrecht","questions":["RQ1"]}"#
    let text =
      "\u{FEFF}" + line.replacingOccurrences(of: "BODY", with: "Eerste.") + "\r\n\r\n"
      + line.replacingOccurrences(of: "BODY", with: "Tweede.") + "\r\n"
    try Data(text.utf8).write(to: URL(fileURLWithPath: file))
    let summary = try journal.importEntries(from: [file], format: nil, addMissing: false)
    #expect(summary.imported == 2)
    #expect(try Set(journal.entries().map(\.body)) == ["Eerste.", "Tweede."])
  }
}

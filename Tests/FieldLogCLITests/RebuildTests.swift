import Foundation
import Testing

@Suite("rebuild")
struct RebuildTests {
  @Test("rebuild reproduces every projection table and the search index exactly")
  func reproducesProjections() throws {
    // Given a journal with entries of every kind, tags, participants, initiatives and study additions
    let (sandbox, _) = try VerifyTests.journalWithEntries()
    try sandbox.add(
      "nabije-kennis",
      [
        "--text", "De buurtmoeder weet wie er alleen is.", "--neighbourhood", "Holendrecht",
        "--initiative", "Moedernetwerk Holendrecht", "--question", "RQ1,RQ4", "--tag",
        "buurtmoeders",
        "--tag", "eenzaamheid", "--participant", "P-030:buurtmoeder", "--participant", "P-031",
        "--field", "holder=P-030", "--at", "2024-02-29 16:45",
      ])
    for args in [
      [
        "study", "add-neighbourhood", "Bijlmer Centrum", "--description",
        "Rond het Anton de Komplein",
      ],
      ["study", "add-initiative", "Buurtkamer Noord", "--neighbourhood", "bijlmer centrum"],
      ["study", "add-question", "RQ5", "--text", "Wat leren de buurtmoeders van elkaar?"],
    ] {
      let result = try sandbox.fieldlog(args)
      try #require(result.status == 0, "\(args): \(result)")
    }
    try sandbox.add(
      "observation",
      [
        "--text", "Eerste keer in Bijlmer Centrum.", "--neighbourhood", "Bijlmer Centrum",
        "--initiative",
        "Buurtkamer Noord", "--question", "RQ5",
      ])
    let before = try sandbox.projections()
    let listBefore = try sandbox.fieldlog(["list", "--json"]).stdout
    let searchBefore = try sandbox.fieldlog(["search", "buurtmoeder", "--json"]).stdout
    #expect(before.contains("Bijlmer Centrum"))

    // When
    let rebuild = try sandbox.fieldlog(["rebuild"])
    try #require(rebuild.status == 0, "\(rebuild)")
    // (the interview of journalWithEntries registers consent too: one event more than its entries)
    #expect(rebuild.stdout.contains("from 40 events"), "\(rebuild)")

    // Then every table is identical, and so is what list and search print
    #expect(try sandbox.projections() == before)
    #expect(try sandbox.fieldlog(["list", "--json"]).stdout == listBefore)
    #expect(try sandbox.fieldlog(["search", "buurtmoeder", "--json"]).stdout == searchBefore)
    #expect(try sandbox.fieldlog(["verify"]).status == 0)

    // And a second rebuild changes nothing either
    try #require(try sandbox.fieldlog(["rebuild"]).status == 0)
    #expect(try sandbox.projections() == before)
  }

  @Test("rebuild recreates projections that were wiped with sqlite3")
  func restoresWipedProjections() throws {
    let (sandbox, _) = try VerifyTests.journalWithEntries()
    let before = try sandbox.projections()
    _ = try sandbox.query(
      "DELETE FROM entry_fts; DELETE FROM entry_participant; DELETE FROM entry_tag; "
        + "DELETE FROM entry_question; DELETE FROM entry;")
    #expect(try sandbox.list().isEmpty)
    let rebuild = try sandbox.fieldlog(["rebuild"])
    try #require(rebuild.status == 0, "\(rebuild)")
    #expect(try sandbox.projections() == before)
  }
}

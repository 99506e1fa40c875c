import Foundation
import GRDB
import Testing

@testable import FieldLogCore

/// Several fieldworkers, one study: each logs in a journal file of their own, sharing one folder of
/// signing keys as on one machine, and the team merges them with `Journal.merge`.
enum Team {
  /// A fieldworker's journal of the Amsterdam example, with the participants the suites name.
  static func fieldworker(_ name: String, in folder: TemporaryFolder) throws -> Journal {
    let journal = try Journal.create(
      at: folder.path("\(name).sqlite"), study: try Fixture.amsterdam, author: name,
      keys: keys(folder))
    for pseudonym in ["P-017", "P-018", "P-021", "P-030", "P-031"] {
      _ = try journal.addParticipant(pseudonym)
    }
    return journal
  }

  static func keys(_ folder: TemporaryFolder) -> SigningKeys {
    SigningKeys(folder: folder.path("keys"))
  }

  /// Amends `id` at its current version with `changes`.
  static func amend(_ journal: Journal, _ id: String, _ changes: EntryChanges, reason: String)
    throws
  {
    let current = try journal.currentVersion(of: id)
    _ = try journal.amend(
      id, with: changes.applied(to: current), reason: reason, basedOn: current.version)
  }

  /// The projections as rows, without rowids (they follow the order events arrived in).
  static func projections(_ path: String) throws -> [String: [[String]]] {
    let tables = [
      "writer", "neighbourhood", "initiative", "question", "code", "participant", "consent",
      "entry", "entry_question", "entry_tag", "entry_participant", "entry_conflict", "coding",
      "memo",
    ]
    return try Fixture.raw(path).read { db in
      var dump: [String: [[String]]] = [:]
      for table in tables {
        dump[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1, 2").map {
          $0.databaseValues.map(\.description)
        }
      }
      dump["entry_fts"] = try Row.fetchAll(
        db, sql: "SELECT rowid, title, body FROM entry_fts ORDER BY rowid"
      ).map { $0.databaseValues.map(\.description) }
      return dump
    }
  }

  /// Everything an analyst takes away: the entries, codings and codebook as CSV.
  static func exports(_ journal: Journal) throws -> [Data] {
    try [ExportTable.entries, .codings, .codebook].map { table in
      var data = Data()
      _ = try journal.export(ExportRequest(table: table)) { data.append($0) }
      return data
    }
  }

  /// A copy of the journal file at `path` (closed: no journal holds it open) named `name`.
  static func copy(_ path: String, to name: String, in folder: TemporaryFolder) throws -> String {
    let target = folder.path(name)
    try FileManager.default.copyItem(atPath: path, toPath: target)
    if FileManager.default.fileExists(atPath: path + "-wal") {
      try FileManager.default.copyItem(atPath: path + "-wal", toPath: target + "-wal")
    }
    return target
  }
}

/// Merging is order-free. Moved from the CLI suite (issue 14); the CLI keeps `merge --json` and
/// `feeds --json` against their schemas.
@Suite struct MergeTests {
  /// Three fieldworkers, each with entries, codings and amends, one of them on a colleague's
  /// entry; the paths of their journals, closed.
  static func threeJournals(in folder: TemporaryFolder) throws -> [String] {
    let workers = try ["Anna", "Bram", "Cem"].map { try Team.fieldworker($0, in: folder) }
    for (index, (name, journal)) in zip(["Anna", "Bram", "Cem"], workers).enumerated() {
      func add(_ text: String, kind: EntryKind = .observation) throws -> String {
        try journal.record(
          EntryDraft(
            kind: kind, body: text, neighbourhood: "Holendrecht", questions: ["RQ1"],
            tags: [name.lowercased()])
        ).id
      }
      let first = try add("\(name) ziet buurtmoeders koffie schenken in de buurtkamer.")
      let second = try add(
        "\(name) spreekt met de wijkcoach over warme overdracht.", kind: .interview)
      _ = try journal.applyCode(
        "buurtmoeders", to: first, target: .quote("buurtmoeders", occurrence: nil))
      _ = try journal.applyCode("warme overdracht", to: second, target: .wholeEntry)
      try Team.amend(
        journal, first, EntryChanges(tags: ["koffie"]), reason: "tag \(index) vergeten")
    }
    // Bram codes and amends an entry of Anna's that reached him by a merge.
    let (anna, bram) = (workers[0], workers[1])
    _ = try bram.merge([anna.path])
    var annas = EntryFilter()
    annas.tag = "anna"
    let annasInterview = try #require(try bram.entries(annas).first { $0.kind == .interview }).id
    _ = try bram.applyCode(
      "schuring", to: annasInterview, target: .quote("wijkcoach", occurrence: nil))
    try Team.amend(
      bram, annasInterview, EntryChanges(title: "Gesprek met de wijkcoach"), reason: "titel")
    return workers.map(\.path)
  }

  @Test("journals merged in every order have identical projections and exports, and verify")
  func mergeIsOrderFree() throws {
    let folder = try TemporaryFolder()
    let journals = try Self.threeJournals(in: folder)
    var results: [(String, Journal)] = []
    // A+B+C in every order, each into a copy of the first.
    for (number, order) in [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]
      .enumerated()
    {
      let target = try Journal.open(
        at: try Team.copy(journals[order[0]], to: "order-\(number).sqlite", in: folder),
        keys: Team.keys(folder))
      _ = try target.merge(order.dropFirst().map { journals[$0] })
      results.append(("\(order)", target))
    }
    // (A+B) then C.
    let stepwise = try Journal.open(
      at: try Team.copy(journals[0], to: "stepwise.sqlite", in: folder), keys: Team.keys(folder))
    _ = try stepwise.merge([journals[1]])
    _ = try stepwise.merge([journals[2]])
    results.append(("(A+B) then C", stepwise))

    let reference = try Team.projections(results[0].1.path)
    let referenceExports = try Team.exports(results[0].1)
    let titles = reference["entry"]?.flatMap { $0 } ?? []
    #expect(titles.contains { $0.contains("Gesprek met de wijkcoach") }, "\(titles)")
    #expect(reference["entry"]?.count == 6)
    #expect(reference["coding"]?.count == 7)
    for (name, journal) in results {
      #expect(try Team.projections(journal.path) == reference, "projections differ for \(name)")
      #expect(try Team.exports(journal) == referenceExports, "exports differ for \(name)")
      let report = try journal.verify()
      #expect(report.ok, "verify after \(name): \(report.problems)")
      #expect(report.feeds == 3, "\(name): \(report.feeds) feeds")
    }

    // A second merge adds nothing, and changes nothing.
    #expect(try stepwise.merge(journals).added == 0)
    #expect(try Team.projections(stepwise.path) == reference)

    // The feeds are every writer's, with its events and head.
    let feeds = try stepwise.feeds()
    #expect(feeds.compactMap(\.author).sorted() == ["Anna", "Bram", "Cem"], "\(feeds)")
    for feed in feeds {
      #expect(Int64(feed.events) == feed.headSeq, "\(feed)")
      if !feed.own { #expect(feed.lastMerged != nil, "\(feed)") }
    }
  }
}

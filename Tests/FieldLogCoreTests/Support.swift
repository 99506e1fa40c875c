import Foundation
import GRDB
import Testing

@testable import FieldLogCore

/// A temporary folder that removes itself.
final class TemporaryFolder {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "fieldlog-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: url) }

  func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

enum Fixture {
  /// The repository root, found from this file's path.
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  static func example(_ name: String) -> String {
    root.appendingPathComponent("Examples/\(name)").path
  }

  static func study(_ name: String) throws -> String {
    guard let url = Bundle.module.url(forResource: "Fixtures/studies/\(name)", withExtension: nil)
    else { throw FixtureMissing(name: name) }
    return url.path
  }

  struct FixtureMissing: Error { var name: String }

  /// The Amsterdam example without its action-research loop (cycles, letters, retention), which
  /// came later: these suites name events by their seq in a journal made from it.
  static var amsterdam: Study {
    get throws {
      var study = try Study.load(from: example("werkplaats-amsterdam.yaml"))
      study.cycles = []
      study.letters = []
      study.retention = Study.Retention()
      study.sensitiveData = nil
      return study
    }
  }

  /// A new journal for the Amsterdam example in `folder`.
  static func journal(in folder: TemporaryFolder, name: String = "journal.sqlite") throws -> Journal
  {
    try Journal.create(
      at: folder.path(name), study: try amsterdam, author: "Sanne de Vries",
      keys: SigningKeys(folder: folder.path("keys")))
  }

  /// A small set of entries of every kind.
  @discardableResult
  static func record(_ journal: Journal) throws -> [EntryRecord] {
    [
      try journal.record(
        EntryDraft(
          kind: .observation, title: "Koffieochtend", body: "Twaalf bewoners in het café.",
          neighbourhood: "Holendrecht", initiative: "Buurtkamer De Brug", questions: ["RQ1"],
          tags: ["koffie", "ontmoeting"],
          fields: [("setting", "buurtkamer"), ("duration-minutes", "90")],
          occurredAt: "2024-03-12 10:00")),
      try journal.record(
        EntryDraft(
          kind: .networkConversation, title: "Netwerkgesprek",
          body: "Moeder, buurvrouw en wijkcoach.",
          neighbourhood: "Jan van Maijenbuurt", questions: ["RQ1", "RQ2"],
          newParticipants: ["P-017:client", "P-018:neighbour"],
          fields: [("roles", "client,neighbour"), ("follow-up", "2024-04-02")],
          occurredAt: "2024-03-20T15:00:00+01:00")),
      try journal.record(
        EntryDraft(
          kind: .interview, body: "Interview over de voedselbank.\nTweede regel.",
          neighbourhood: "Jan van Maijenbuurt", questions: ["RQ3"], tags: ["voedsel"],
          fields: [("consent", "none"), ("language", "nl")], occurredAt: "2024-06-01 09:30")),
      try journal.record(
        EntryDraft(
          kind: .nabijeKennis, title: "Wat de imam weet", body: "Zorgen over eenzaamheid.",
          neighbourhood: "Holendrecht", questions: ["RQ2"],
          fields: [("holder", "H-3"), ("holder-role", "imam")], occurredAt: "2024-07-15")),
    ]
  }

  /// Opens the journal file directly, as a researcher with sqlite3 would.
  static func raw(_ path: String) throws -> DatabaseQueue {
    try DatabaseQueue(path: path)
  }

  /// Every projection table's rows (with rowids where the table has them), for comparing dumps.
  static func projectionDump(_ path: String) throws -> [String: [[String]]] {
    let withoutRowID: Set = [
      "entry_question", "entry_tag", "entry_participant", "consent", "entry_conflict",
      "consent_letter",
    ]
    return try raw(path).read { db in
      var dump: [String: [[String]]] = [:]
      for table in SchemaExpectations.projectionTables {
        let columns = withoutRowID.contains(table) ? "*" : "rowid, *"
        let rows = try Row.fetchAll(db, sql: "SELECT \(columns) FROM \(table) ORDER BY 1, 2")
        dump[table] = rows.map { row in row.databaseValues.map(\.description) }
      }
      return dump
    }
  }
}

import FieldLogCore
import FieldLogServer
import Foundation
import HTTPTypes
import Testing

/// Codings whose text is gone, redacted entries, oversized bodies.
@Suite("API: orphans, redactions and limits")
struct EdgeTests {
  /// The koffie entry amended so that "buurtmoeders" is gone: a coding of it is orphaned.
  static func orphaned() throws -> (Harness, CodingRecord) {
    let harness = try Harness()
    let koffie = harness.entries.koffie
    let start = try #require(koffie.body.scalarOffset(of: "buurtmoeders"))
    let coding = try harness.journal.applyCode(
      "buurtmoeders", to: koffie.id, target: .range(start, start + 12), coder: Harness.other)
    _ = try harness.journal.applyCode("samen leren", to: koffie.id, target: .range(0, 6))
    var draft = EntryDraft(
      kind: .observation, title: "Koffieochtend",
      body: "Twaalf bewoners in het café; de vrijwilligers zetten de koffie en thee klaar.",
      neighbourhood: "Holendrecht", initiative: "Buurtkamer De Brug", questions: ["RQ1"],
      tags: ["koffie", "ontmoeting"], occurredAt: "2024-03-12 10:00")
    draft.allowDuplicate = true
    _ = try harness.journal.amend(koffie.id, with: draft, reason: "herschreven", basedOn: 1)
    #expect(try harness.journal.coding(coding.id).orphaned)
    return (harness, coding)
  }

  @Test(
    "an orphaned coding is listed with the entry but cuts no run, and counts as the list counts")
  func orphanedCoding() async throws {
    let (harness, coding) = try Self.orphaned()
    let koffie = harness.entries.koffie
    try await harness.run { client in
      let view = try await client.get("/api/entries/\(koffie.id)").object()
      #expect(view.object("entry")?.int("version") == 2)
      let orphan = try #require(view.objects("codings").first { $0.string("id") == coding.id })
      #expect(orphan.bool("orphaned") == true)
      #expect(view.objects("runs").map { $0.int("o") ?? -1 } == [0, 6])
      let listed = try await client.get("/api/entries").object().objects("entries")
      let summary = try #require(listed.first { $0.string("id") == koffie.id })
      #expect(summary.int("codings") == 1)
      #expect(
        view.object("entry")?.int("codings") == summary.int("codings"),
        "the entry's detail and the list count its codings differently (orphans): \(view)")
    }
  }

  @Test("adopting an orphaned segment coding is refused, not turned into a whole-entry coding")
  func adoptOrphan() async throws {
    let (harness, coding) = try Self.orphaned()
    let koffie = harness.entries.koffie
    let events = try harness.events()
    try await harness.run { client in
      let reply = try await client.post("/api/compare/adopt", ["coding": coding.id])
      #expect(
        reply.status.code >= 400,
        "an orphaned segment coding was adopted, as a whole-entry coding: \(reply)")
    }
    #expect(try harness.events() == events)
    let mine = try harness.journal.codings(ofEntry: koffie.id).filter {
      $0.coder == Harness.author && $0.code == "buurtmoeders"
    }
    #expect(mine.isEmpty, "\(mine)")
  }

  @Test("a redacted entry shows its placeholder, is not codable and takes no codings or memos")
  func redacted() async throws {
    let harness = try Harness()
    let imam = harness.entries.imam
    _ = try harness.journal.redact(entry: imam.id, reason: "op verzoek")
    let events = try harness.events()
    try await harness.run { client in
      let view = try await client.get("/api/entries/\(imam.id)").object()
      #expect(view.object("entry")?.bool("redacted") == true)
      #expect(view.bool("codable") == false)
      #expect(view.objects("runs").first?.string("text")?.hasPrefix("[redacted") == true)
      let whole = try await client.post(
        "/api/codings", ["entry": imam.id, "version": 1, "code": "samen leren"])
      try expectError(whole, .badRequest, exitCode: 65)
      try expectError(
        await client.post("/api/memos", ["about": imam.id, "text": "x"]), .badRequest,
        exitCode: 65)
    }
    #expect(try harness.events() == events)
    try harness.expectVerifies()
  }

  @Test("a body over 1 MiB is refused as JSON, and nothing is written")
  func tooLarge() async throws {
    let harness = try Harness()
    let events = try harness.events()
    let text = String(repeating: "a", count: (1 << 20) + 10)
    try await harness.run { client in
      let reply = try await client.post(
        "/api/memos", try JSON.text(["about": harness.entries.koffie.id, "text": text]))
      try expectError(reply, .contentTooLarge)
    }
    #expect(try harness.events() == events)
  }
}

import FieldLogCore
import FieldLogServer
import Foundation
import HTTPTypes
import Testing

/// The writing routes of the API, each with its refusals; every write leaves a journal that
/// verifies, and every refused one leaves it as it was.
@Suite("API: writing routes")
struct WriteRouteTests {
  @Test("POST /api/codes defines a code (201) and answers with its record")
  func defineCode() async throws {
    let harness = try Harness()
    try await harness.run { client in
      let reply = try await client.post(
        "/api/codes",
        [
          "name": "eenzaamheid", "parent": "sociale participatie",
          "description": "Alleen zijn, en hoe dat voelt.", "color": "#1f77b4",
        ])
      #expect(reply.status == .created, "\(reply)")
      expectSecured(reply)
      let code = try reply.object()
      #expect(code.string("name") == "eenzaamheid")
      #expect(code.string("path") == "sociale participatie > eenzaamheid")
      #expect(code.string("parent") == "sociale participatie")
      #expect(code.string("description") == "Alleen zijn, en hoe dat voelt.")
      #expect(code.string("color")?.uppercased() == "#1F77B4")
      #expect(code.int("depth") == 1)
      #expect(code.int("codings") == 0 && code.int("entries") == 0)
      // At the top, with only a name.
      let top = try await client.post("/api/codes", ["name": "vertrouwen"])
      #expect(top.status == .created, "\(top)")
      #expect(try top.object().string("path") == "vertrouwen")
      #expect(try top.object()["parent"] is NSNull)
      let codes = try await client.get("/api/codes").object().objects("codes")
      #expect(codes.count == 12)
      #expect(codes.contains { $0.string("path") == "sociale participatie > eenzaamheid" })
    }
    try harness.expectVerifies()
    #expect(try harness.journal.codes().contains { $0.path == "vertrouwen" })
  }

  @Test("POST /api/codes refuses a sibling of the same name, a bad colour, a '>' and bad bodies")
  func defineCodeRefusals() async throws {
    let harness = try Harness()
    let events = try harness.events()
    try await harness.run { client in
      try expectError(
        await client.post("/api/codes", ["name": "Buurtmoeders", "parent": "informele steun"]),
        .badRequest, exitCode: 65)
      try expectError(
        await client.post("/api/codes", ["name": "kleur", "color": "groenig"]), .badRequest,
        exitCode: 65)
      try expectError(
        await client.post("/api/codes", ["name": "a > b"]), .badRequest, exitCode: 65)
      try expectError(await client.post("/api/codes", ["name": "  "]), .badRequest, exitCode: 65)
      let missing = try await client.post("/api/codes", ["parent": "informele steun"])
      try expectError(missing, .badRequest)
      #expect(try missing.error().string("message")?.contains("name") == true)
      try expectError(await client.post("/api/codes", "{\"name\": 12}"), .badRequest)
      try expectError(await client.post("/api/codes", "{name: 'x'}"), .badRequest)
      try expectError(await client.post("/api/codes", ""), .badRequest)
      try expectError(await client.post("/api/codes", "[]"), .badRequest)
      // An unknown parent is a 404 naming the known codes.
      let parent = try await client.post("/api/codes", ["name": "x", "parent": "nergens"])
      try expectError(parent, .notFound, exitCode: 65)
    }
    #expect(try harness.events() == events)
    try harness.expectVerifies()
  }

  @Test("POST /api/codes/rename, /move and /merge change the codebook and answer with it")
  func changeCodebook() async throws {
    let harness = try Harness()
    let koffie = harness.entries.koffie
    let coding = try harness.journal.applyCode("schuring", to: koffie.id, target: .wholeEntry)
    try await harness.run { client in
      let renamed = try await client.post(
        "/api/codes/rename", ["code": "schuring", "name": "wrijving"])
      #expect(renamed.status == .ok, "\(renamed)")
      let afterRename = try renamed.object().objects("codes").map { $0.string("path") ?? "" }
      #expect(afterRename.contains("samenwerking wijkteam > wrijving"))
      #expect(!afterRename.contains("samenwerking wijkteam > schuring"))

      let moved = try await client.post(
        "/api/codes/move", ["code": "wrijving", "parent": "toegankelijkheid"])
      #expect(moved.status == .ok, "\(moved)")
      let afterMove = try moved.object().objects("codes")
      let wrijving = try #require(afterMove.first { $0.string("name") == "wrijving" })
      #expect(wrijving.string("path") == "toegankelijkheid > wrijving")
      #expect(wrijving.int("codings") == 1)

      // To the top: parent null, or left out.
      let top = try await client.post(
        "/api/codes/move", "{\"code\": \"wrijving\", \"parent\": null}")
      #expect(top.status == .ok, "\(top)")
      #expect(try top.object().objects("codes").contains { $0.string("path") == "wrijving" })
      let back = try await client.post(
        "/api/codes/move", ["code": "wrijving", "parent": "samenwerking wijkteam"])
      #expect(back.status == .ok, "\(back)")
      let left = try await client.post("/api/codes/move", ["code": "wrijving"])
      #expect(left.status == .ok, "\(left)")
      #expect(try left.object().objects("codes").contains { $0.string("path") == "wrijving" })

      let merged = try await client.post(
        "/api/codes/merge", ["code": "wrijving", "into": "samenwerking wijkteam"])
      #expect(merged.status == .ok, "\(merged)")
      let afterMerge = try merged.object().objects("codes")
      #expect(!afterMerge.contains { $0.string("name") == "wrijving" })
      #expect(
        afterMerge.first { $0.string("path") == "samenwerking wijkteam" }?.int("codings") == 1)
    }
    #expect(try harness.journal.coding(coding.id).codePath == "samenwerking wijkteam")
    try harness.expectVerifies()
  }

  @Test("rename, move and merge refuse what Core refuses, and change nothing then")
  func changeCodebookRefusals() async throws {
    let harness = try Harness()
    let events = try harness.events()
    try await harness.run { client in
      // A sibling's name, an empty name, a missing field.
      try expectError(
        await client.post(
          "/api/codes/rename", ["code": "buurtmoeders", "name": "geloofsgemeenschap"]),
        .badRequest, exitCode: 65)
      try expectError(
        await client.post("/api/codes/rename", ["code": "buurtmoeders", "name": ""]), .badRequest,
        exitCode: 65)
      try expectError(await client.post("/api/codes/rename", ["code": "buurtmoeders"]), .badRequest)
      try expectError(
        await client.post("/api/codes/rename", ["code": "nergens", "name": "x"]), .notFound,
        exitCode: 65)
      // A cycle.
      try expectError(
        await client.post(
          "/api/codes/move", ["code": "informele steun", "parent": "buurtmoeders"]), .badRequest,
        exitCode: 65)
      try expectError(
        await client.post("/api/codes/move", ["code": "nergens", "parent": "buurtmoeders"]),
        .notFound, exitCode: 65)
      try expectError(await client.post("/api/codes/move", ["parent": "x"]), .badRequest)
      // Into itself, into a code below it.
      try expectError(
        await client.post("/api/codes/merge", ["code": "drempels", "into": "drempels"]),
        .badRequest, exitCode: 65)
      try expectError(
        await client.post("/api/codes/merge", ["code": "toegankelijkheid", "into": "drempels"]),
        .badRequest, exitCode: 65)
      try expectError(
        await client.post("/api/codes/merge", ["code": "drempels", "into": "nergens"]), .notFound,
        exitCode: 65)
      try expectError(await client.post("/api/codes/merge", ["code": "drempels"]), .badRequest)
      try expectError(await client.post("/api/codes/merge", "not json"), .badRequest)
    }
    #expect(try harness.events() == events)
    try harness.expectVerifies()
  }

  @Test("POST /api/codings codes a segment (201); the same again is 200 with already_applied")
  func applySegment() async throws {
    let harness = try Harness()
    let koffie = harness.entries.koffie
    let start = try #require(koffie.body.scalarOffset(of: "buurtmoeders"))
    let fields: [String: Any] = [
      "entry": koffie.shortID, "version": 1, "start": start, "end": start + 12,
      "quote": "buurtmoeders", "code": "buurtmoeders", "memo": "Zij schenken.",
    ]
    let request = try JSON.text(fields)
    let theirs = try JSON.text(fields.merging(["code": "drempels"]) { $1 })
    try await harness.run { client in
      let reply = try await client.post("/api/codings", request)
      #expect(reply.status == .created, "\(reply)")
      expectSecured(reply)
      let coding = try reply.object()
      #expect(coding.string("entry") == koffie.id)
      #expect(coding.string("code") == "buurtmoeders")
      #expect(coding.string("code_path") == "informele steun > buurtmoeders")
      #expect(coding.string("coder") == Harness.author)
      #expect(coding.int("start") == start && coding.int("end") == start + 12)
      #expect(coding.string("quote") == "buurtmoeders")
      #expect(coding.string("memo") == "Zij schenken.")
      #expect(coding.bool("orphaned") == false)
      #expect(coding.string("coded_at")?.isEmpty == false)
      #expect(coding["already_applied"] == nil)
      let id = try #require(coding.string("id"))

      let again = try await client.post("/api/codings", request)
      #expect(again.status == .ok, "\(again)")
      #expect(try again.object().bool("already_applied") == true)
      #expect(try again.object().string("id") == id)

      // Another coder's coding of the same segment does not make it applied already.
      _ = try harness.journal.applyCode(
        "drempels", to: koffie.id, target: .range(start, start + 12), coder: Harness.other)
      let mine = try await client.post("/api/codings", theirs)
      #expect(mine.status == .created, "\(mine)")

      let view = try await client.get("/api/entries/\(koffie.id)").object()
      #expect(view.objects("codings").count == 3)
    }
    let stored = try harness.journal.codings(ofEntry: koffie.id)
    #expect(stored.count == 3)
    #expect(stored.allSatisfy { $0.start == start && $0.end == start + 12 })
    try harness.expectVerifies()
  }

  @Test("POST /api/codings codes a whole entry without start, end or quote")
  func applyWholeEntry() async throws {
    let harness = try Harness()
    let imam = harness.entries.imam
    try await harness.run { client in
      let reply = try await client.post(
        "/api/codings", ["entry": imam.id, "version": 1, "code": "geloofsgemeenschap"])
      #expect(reply.status == .created, "\(reply)")
      let coding = try reply.object()
      #expect(coding["start"] is NSNull && coding["end"] is NSNull && coding["quote"] is NSNull)
      #expect(coding["memo"] is NSNull)
      let again = try await client.post(
        "/api/codings", ["entry": imam.id, "version": 1, "code": "geloofsgemeenschap"])
      #expect(again.status == .ok, "\(again)")
      #expect(try again.object().bool("already_applied") == true)
      // By path, and case aside.
      let byPath = try await client.post(
        "/api/codings",
        ["entry": imam.id, "version": 1, "code": "Samenwerking Wijkteam > Warme Overdracht"])
      #expect(byPath.status == .created, "\(byPath)")
      #expect(try byPath.object().string("code_path") == "samenwerking wijkteam > warme overdracht")
    }
    #expect(try harness.journal.codings(ofEntry: imam.id).count == 2)
    try harness.expectVerifies()
  }

  @Test("POST /api/codings: a stale version is a 409 with error.current_version")
  func staleVersion() async throws {
    let harness = try Harness()
    let interview = harness.entries.interview
    var draft = EntryDraft(
      kind: .interview, title: "Voedselbank", body: "Interview over de voedselbank, herzien.",
      neighbourhood: "Jan van Maijenbuurt", questions: ["RQ3"], tags: ["voedsel"])
    draft.fields = [("consent", "none"), ("language", "nl")]
    _ = try harness.journal.amend(interview.id, with: draft, reason: "aangevuld", basedOn: 1)
    let events = try harness.events()
    try await harness.run { client in
      let stale = try await client.post(
        "/api/codings",
        [
          "entry": interview.id, "version": 1, "start": 0, "end": 9, "quote": "Interview",
          "code": "drempels",
        ])
      try expectError(stale, .conflict, exitCode: 65)
      #expect(try stale.error().int("current_version") == 2)
      #expect(try stale.error().string("hint")?.isEmpty == false)
      let whole = try await client.post(
        "/api/codings", ["entry": interview.id, "version": 1, "code": "drempels"])
      try expectError(whole, .conflict, exitCode: 65)
      #expect(try whole.error().int("current_version") == 2)
      #expect(try harness.events() == events)
      // At the current version it is taken.
      let current = try await client.post(
        "/api/codings",
        [
          "entry": interview.id, "version": 2, "start": 0, "end": 9, "quote": "Interview",
          "code": "drempels",
        ])
      #expect(current.status == .created, "\(current)")
    }
    try harness.expectVerifies()
  }

  @Test("POST /api/codings: a quote that is not the text at start..end is a 409")
  func wrongQuote() async throws {
    let harness = try Harness()
    let koffie = harness.entries.koffie
    let events = try harness.events()
    try await harness.run { client in
      let reply = try await client.post(
        "/api/codings",
        [
          "entry": koffie.id, "version": 1, "start": 0, "end": 6, "quote": "Dertig",
          "code": "sociale participatie",
        ])
      try expectError(reply, .conflict, exitCode: 65)
      #expect(try reply.error().int("current_version") == 1)
      #expect(try reply.error().string("message")?.contains("Twaalf") == true)
      // One scalar off is as wrong.
      try expectError(
        await client.post(
          "/api/codings",
          [
            "entry": koffie.id, "version": 1, "start": 1, "end": 7, "quote": "Twaalf",
            "code": "sociale participatie",
          ]), .conflict, exitCode: 65)
    }
    #expect(try harness.events() == events)
    #expect(try harness.journal.codings(ofEntry: koffie.id).isEmpty)
  }

  @Test("POST /api/codings: an unknown code is a 404 that lists the known code names")
  func unknownCode() async throws {
    let harness = try Harness()
    let koffie = harness.entries.koffie
    let events = try harness.events()
    try await harness.run { client in
      let reply = try await client.post(
        "/api/codings", ["entry": koffie.id, "version": 1, "code": "buurtvaders"])
      try expectError(reply, .notFound, exitCode: 65)
      let error = try reply.error()
      #expect(error.string("message")?.contains("buurtvaders") == true)
      let known = error.strings("known") ?? []
      #expect(
        known.contains("buurtmoeders") || known.contains("informele steun > buurtmoeders"),
        "error.known should list the known codes: \(reply)")
      #expect(known.count == 10, "every code of the codebook: \(reply)")
    }
    #expect(try harness.events() == events)
  }

  @Test("POST /api/codings refuses bad requests with 400 and unknown entries with 404")
  func applyRefusals() async throws {
    let harness = try Harness()
    let koffie = harness.entries.koffie
    let events = try harness.events()
    let length = koffie.body.scalarCount
    try await harness.run { client in
      func refused(
        _ body: [String: Any], _ status: HTTPResponse.Status, exitCode: Int? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
      ) async throws {
        try expectError(
          await client.post("/api/codings", body), status, exitCode: exitCode,
          sourceLocation: sourceLocation)
      }
      let base: [String: Any] = ["entry": koffie.id, "version": 1, "code": "sociale participatie"]
      func with(_ changes: [String: Any]) -> [String: Any] {
        base.merging(changes) { $1 }
      }
      // A range without its quote, half a range.
      try await refused(with(["start": 0, "end": 6]), .badRequest)
      try await refused(with(["start": 0, "quote": "Twaalf"]), .badRequest)
      try await refused(with(["end": 6, "quote": "Twaalf"]), .badRequest)
      // Outside the body, empty, backwards.
      try await refused(
        with(["start": length - 2, "end": length + 1, "quote": "x"]), .badRequest, exitCode: 65)
      try await refused(with(["start": 3, "end": 3, "quote": ""]), .badRequest, exitCode: 65)
      try await refused(with(["start": 6, "end": 0, "quote": "Twaalf"]), .badRequest, exitCode: 65)
      try await refused(
        with(["start": -1, "end": 6, "quote": "Twaalf"]), .badRequest, exitCode: 65)
      // Fields missing or of the wrong type.
      try await refused(["entry": koffie.id, "code": "sociale participatie"], .badRequest)
      try await refused(["version": 1, "code": "sociale participatie"], .badRequest)
      try await refused(["entry": koffie.id, "version": 1], .badRequest)
      try await refused(with(["version": "1"]), .badRequest)
      try await refused(with(["start": "0", "end": 6, "quote": "Twaalf"]), .badRequest)
      // Not an entry.
      try await refused(with(["entry": "ffffffff"]), .notFound, exitCode: 65)
      try await refused(with(["entry": "nope"]), .badRequest, exitCode: 65)
      // Not JSON.
      try expectError(await client.post("/api/codings", "{\"entry\": "), .badRequest)
      try expectError(await client.post("/api/codings", "null"), .badRequest)
    }
    #expect(try harness.events() == events)
    try harness.expectVerifies()
  }

  @Test("POST /api/codings: a retracted entry is not coded")
  func retractedEntry() async throws {
    let harness = try Harness()
    let imam = harness.entries.imam
    try harness.journal.retract(imam.id, reason: "dubbel")
    let events = try harness.events()
    try await harness.run { client in
      try expectError(
        await client.post(
          "/api/codings", ["entry": imam.id, "version": 1, "code": "geloofsgemeenschap"]),
        .badRequest, exitCode: 65)
    }
    #expect(try harness.events() == events)
  }

  @Test("DELETE /api/codings/:id removes a coding and answers with it; its history stays")
  func removeCoding() async throws {
    let harness = try Harness()
    let koffie = harness.entries.koffie
    let coding = try harness.journal.applyCode(
      "sociale participatie", to: koffie.id, target: .range(0, 6), memo: "Twaalf")
    try await harness.run { client in
      let reply = try await client.delete("/api/codings/\(coding.shortID)")
      #expect(reply.status == .ok, "\(reply)")
      expectSecured(reply)
      let removed = try reply.object()
      #expect(removed.string("id") == coding.id)
      #expect(removed.string("quote") == "Twaalf")
      #expect(try harness.journal.codings(ofEntry: koffie.id).isEmpty)
      let view = try await client.get("/api/entries/\(koffie.id)").object()
      #expect(view.objects("codings").isEmpty)
      #expect(view.objects("runs").count == 1)
      // Gone now.
      try expectError(
        await client.delete("/api/codings/\(coding.id)"), .notFound, exitCode: 65)
      try expectError(await client.delete("/api/codings/zz"), .badRequest, exitCode: 65)
      try expectError(await client.delete("/api/codings/ffffffff"), .notFound, exitCode: 65)
    }
    try harness.expectVerifies()
  }

  @Test("POST /api/memos adds a memo (201) about an entry, a coding or a code")
  func addMemo() async throws {
    let harness = try Harness()
    let koffie = harness.entries.koffie
    let coding = try harness.journal.applyCode(
      "sociale participatie", to: koffie.id, target: .wholeEntry)
    try await harness.run { client in
      let reply = try await client.post(
        "/api/memos", ["about": koffie.shortID, "text": "De koffie was sterk."])
      #expect(reply.status == .created, "\(reply)")
      expectSecured(reply)
      let memo = try reply.object()
      #expect(memo.string("about") == koffie.id)
      #expect(memo.string("about_kind") == "entry")
      #expect(memo.string("author") == Harness.author)
      #expect(memo.string("text") == "De koffie was sterk.")
      #expect(memo.string("id")?.isEmpty == false)
      #expect(memo.string("time")?.isEmpty == false)

      let onCoding = try await client.post(
        "/api/memos", ["about": coding.id, "text": "Waarom ontmoeting?"])
      #expect(onCoding.status == .created, "\(onCoding)")
      #expect(try onCoding.object().string("about_kind") == "coding")
      let onCode = try await client.post(
        "/api/memos", ["about": "drempels", "text": "Taal, DigiD."])
      #expect(onCode.status == .created, "\(onCode)")
      #expect(try onCode.object().string("about_kind") == "code")
      #expect(try onCode.object().string("about_path") == "toegankelijkheid > drempels")

      let view = try await client.get("/api/entries/\(koffie.id)").object()
      #expect(view.objects("memos").count == 2)
      let listed = try await client.get("/api/memos").object().objects("memos")
      #expect(listed.count == 3)
    }
    #expect(try harness.journal.memos().count == 3)
    try harness.expectVerifies()
  }

  @Test("POST /api/memos refuses an empty memo, an unknown subject and bad bodies")
  func addMemoRefusals() async throws {
    let harness = try Harness()
    let events = try harness.events()
    let koffie = harness.entries.koffie
    try await harness.run { client in
      try expectError(
        await client.post("/api/memos", ["about": koffie.id, "text": "   "]), .badRequest,
        exitCode: 65)
      try expectError(
        await client.post("/api/memos", ["about": "nergens", "text": "x"]), .badRequest,
        exitCode: 65)
      try expectError(await client.post("/api/memos", ["about": koffie.id]), .badRequest)
      try expectError(await client.post("/api/memos", ["text": "x"]), .badRequest)
      try expectError(await client.post("/api/memos", "{"), .badRequest)
    }
    #expect(try harness.events() == events)
  }
}

/// Comparing two coders and adopting the other's coding.
@Suite("API: compare and adopt")
struct CompareRouteTests {
  /// Sanne and Ahmed code the koffie entry, agreeing on one segment; Ahmed alone codes the imam's.
  struct Coded {
    var harness: Harness
    var agreed: (mine: CodingRecord, theirs: CodingRecord)
    var onlyTheirs: CodingRecord
    var onlyMine: CodingRecord
    var start: Int
  }

  static func coded() throws -> Coded {
    let harness = try Harness()
    let journal = harness.journal
    let koffie = harness.entries.koffie
    let start = try #require(koffie.body.scalarOffset(of: "buurtmoeders"))
    let mine = try journal.applyCode(
      "buurtmoeders", to: koffie.id, target: .range(start, start + 12))
    let theirs = try journal.applyCode(
      "buurtmoeders", to: koffie.id, target: .range(start, start + 12), coder: Harness.other)
    let onlyMine = try journal.applyCode(
      "sociale participatie", to: koffie.id, target: .range(0, 6))
    let onlyTheirs = try journal.applyCode(
      "geloofsgemeenschap", to: harness.entries.imam.id, target: .range(0, 6),
      coder: Harness.other)
    return Coded(
      harness: harness, agreed: (mine, theirs), onlyTheirs: onlyTheirs, onlyMine: onlyMine,
      start: start)
  }

  @Test("GET /api/compare: agreement, each coder's codings and the disagreements per entry")
  func compare() async throws {
    let coded = try Self.coded()
    let harness = coded.harness
    try await harness.run { client in
      let reply = try await client.get("/api/compare?a=Sanne%20de%20Vries&b=Ahmed%20Bakkali")
      #expect(reply.status == .ok, "\(reply)")
      expectSecured(reply)
      let view = try reply.object()
      #expect(view.strings("coders") == [Harness.author, Harness.other])
      let agreement = try #require(view.object("agreement"))
      #expect(agreement.strings("coders") == [Harness.author, Harness.other])
      #expect(agreement.string("unit") == "character")
      #expect(agreement.int("entries") == 2)
      #expect(agreement["percent_agreement"] != nil)
      #expect(agreement["cohen_kappa"] != nil)
      #expect(agreement["krippendorff_alpha"] != nil)
      #expect(agreement.objects("per_code").count == 3)
      let entries = view.objects("entries")
      #expect(
        Set(entries.compactMap { $0.object("entry")?.string("id") }) == [
          harness.entries.koffie.id, harness.entries.imam.id,
        ])
      let koffie = try #require(
        entries.first { $0.object("entry")?.string("id") == harness.entries.koffie.id })
      #expect(
        Set(koffie.objects("a").compactMap { $0.string("id") }) == [
          coded.agreed.mine.id, coded.onlyMine.id,
        ])
      #expect(koffie.objects("b").compactMap { $0.string("id") } == [coded.agreed.theirs.id])
      let disagreements = koffie.objects("disagreements")
      #expect(disagreements.count == 1)
      #expect(disagreements.first?.string("only") == "a")
      #expect(disagreements.first?.object("coding")?.string("id") == coded.onlyMine.id)
      let imam = try #require(
        entries.first { $0.object("entry")?.string("id") == harness.entries.imam.id })
      #expect(imam.objects("disagreements").first?.string("only") == "b")

      // By entry, one entry only.
      let entry = try await client.get(
        "/api/compare?a=Sanne%20de%20Vries&b=Ahmed%20Bakkali&entry=\(harness.entries.koffie.shortID)"
      ).object()
      #expect(entry.objects("entries").count == 1)
      #expect(entry.object("agreement")?.int("entries") == 1)
      // Per entry rather than per character.
      let perEntry = try await client.get(
        "/api/compare?a=Sanne%20de%20Vries&b=Ahmed%20Bakkali&unit=entry"
      ).object()
      #expect(perEntry.object("agreement")?.string("unit") == "entry")
      #expect(perEntry.object("agreement")?.int("units") == 6)
      // With the filter bar's filters.
      let filtered = try await client.get(
        "/api/compare?a=Sanne%20de%20Vries&b=Ahmed%20Bakkali&kind=observation"
      ).object()
      #expect(filtered.objects("entries").count == 1)
    }
  }

  @Test("GET /api/compare refuses missing or unknown coders, the same coder twice, a bad unit")
  func compareRefusals() async throws {
    let coded = try Self.coded()
    try await coded.harness.run { client in
      let missing = try await client.get("/api/compare?a=Sanne%20de%20Vries")
      try expectError(missing, .badRequest)
      #expect(try missing.error().strings("known")?.contains(Harness.other) == true)
      try expectError(await client.get("/api/compare?a=&b=x"), .badRequest)
      try expectError(
        await client.get("/api/compare?a=Sanne%20de%20Vries&b=Niemand"), .badRequest, exitCode: 65)
      try expectError(
        await client.get("/api/compare?a=Sanne%20de%20Vries&b=sanne%20de%20vries"), .badRequest,
        exitCode: 65)
      let unit = try await client.get(
        "/api/compare?a=Sanne%20de%20Vries&b=Ahmed%20Bakkali&unit=word")
      try expectError(unit, .notFound, exitCode: 65)
      #expect(try unit.error().strings("known").map(Set.init) == ["entry", "character"])
      try expectError(
        await client.get("/api/compare?a=Sanne%20de%20Vries&b=Ahmed%20Bakkali&entry=ffffffff"),
        .notFound, exitCode: 65)
      try expectError(
        await client.get("/api/compare?a=Sanne%20de%20Vries&b=Ahmed%20Bakkali", token: .none),
        .unauthorized)
    }
  }

  @Test("POST /api/compare/adopt applies the other coder's coding as mine (201), once (200)")
  func adopt() async throws {
    let coded = try Self.coded()
    let harness = coded.harness
    try await harness.run { client in
      let reply = try await client.post("/api/compare/adopt", ["coding": coded.onlyTheirs.shortID])
      #expect(reply.status == .created, "\(reply)")
      expectSecured(reply)
      let adopted = try reply.object()
      #expect(adopted.string("coder") == Harness.author)
      #expect(adopted.string("entry") == harness.entries.imam.id)
      #expect(adopted.string("code_path") == "informele steun > geloofsgemeenschap")
      #expect(adopted.int("start") == 0 && adopted.int("end") == 6)
      #expect(adopted.string("id") != coded.onlyTheirs.id)
      let again = try await client.post("/api/compare/adopt", ["coding": coded.onlyTheirs.id])
      #expect(again.status == .ok, "\(again)")
      #expect(try again.object().bool("already_applied") == true)
      // What both coded is applied already.
      let agreed = try await client.post("/api/compare/adopt", ["coding": coded.agreed.theirs.id])
      #expect(agreed.status == .ok, "\(agreed)")
      #expect(try agreed.object().string("id") == coded.agreed.mine.id)
      // Now they agree on the imam's entry.
      let view = try await client.get(
        "/api/compare?a=Sanne%20de%20Vries&b=Ahmed%20Bakkali&entry=\(harness.entries.imam.id)"
      ).object()
      #expect(view.objects("entries").first?.objects("disagreements").isEmpty == true)

      let events = try harness.events()
      try expectError(
        await client.post("/api/compare/adopt", ["coding": "ffffffff"]), .notFound, exitCode: 65)
      try expectError(
        await client.post("/api/compare/adopt", ["coding": "x"]), .badRequest, exitCode: 65)
      try expectError(await client.post("/api/compare/adopt", [String: Any]()), .badRequest)
      try expectError(
        await client.post("/api/compare/adopt", ["coding": coded.onlyTheirs.id], origin: nil),
        .forbidden)
      #expect(try harness.events() == events)
    }
    let mine = try harness.journal.codings(ofEntry: harness.entries.imam.id).filter {
      $0.coder == Harness.author
    }
    #expect(mine.count == 1 && mine.first?.start == 0 && mine.first?.end == 6)
    try harness.expectVerifies()
  }
}

import FieldLogCore
import FieldLogServer
import Foundation
import HTTPTypes
import Testing

/// The reading routes of the API, in process, each with its refusals.
@Suite("API: reading routes")
struct ReadRouteTests {
  @Test("GET /api/study: the study's vocabularies, the coders and who codes here")
  func study() async throws {
    let harness = try Harness()
    try await harness.run { client in
      let reply = try await client.get("/api/study")
      #expect(reply.status == .ok, "\(reply)")
      #expect(reply.isJSON)
      expectSecured(reply)
      let study = try reply.object()
      #expect(study.string("name") == "Werkplaats Sociaal Domein Amsterdam")
      #expect(study.string("description")?.isEmpty == false)
      #expect(study.strings("neighbourhoods") == ["Holendrecht", "Jan van Maijenbuurt"])
      #expect(study.objects("initiatives").count == 5)
      #expect(
        study.objects("initiatives").contains {
          $0.string("name") == "Buurtkamer De Brug" && $0.string("neighbourhood") == "Holendrecht"
        })
      #expect(
        study.objects("questions").map { $0.string("id") ?? "" } == ["RQ1", "RQ2", "RQ3", "RQ4"])
      #expect(
        study.strings("kinds")
          == ["observation", "network-conversation", "interview", "nabije-kennis", "reflection"])
      #expect(study.strings("authors") == [Harness.author])
      #expect(study.strings("coders")?.contains(Harness.author) == true)
      #expect(study.strings("coders")?.contains(Harness.other) == true)
      #expect(study.string("me") == Harness.author)
      #expect(study.bool("include_withheld") == false)
      #expect(study.bool("name_guard") == false)

      try expectError(await client.get("/api/study", token: .none), .unauthorized)
    }
  }

  @Test("GET /api/changes: a state that stays while nothing is written and changes after a write")
  func changes() async throws {
    let harness = try Harness()
    try await harness.run { client in
      let first = try await client.get("/api/changes")
      #expect(first.status == .ok, "\(first)")
      let state = try #require(try first.object().string("state"))
      #expect(!state.isEmpty)
      _ = try await client.get("/api/entries")
      #expect(try await client.get("/api/changes").object().string("state") == state)

      let memo = try await client.post(
        "/api/memos", ["about": harness.entries.koffie.id, "text": "Een memo."])
      #expect(memo.status == .created, "\(memo)")
      let after = try #require(try await client.get("/api/changes").object().string("state"))
      #expect(after != state)

      // A refused write changes nothing.
      _ = try await client.post(
        "/api/memos", ["about": harness.entries.koffie.id, "text": "Geweigerd."], origin: nil)
      #expect(try await client.get("/api/changes").object().string("state") == after)

      try expectError(await client.get("/api/changes", token: .none), .unauthorized)
    }
    try harness.expectVerifies()
  }

  @Test("GET /api/entries: every entry, newest fieldwork first, with summaries and no bodies")
  func entriesList() async throws {
    let harness = try Harness()
    let entries = harness.entries
    try await harness.run { client in
      let reply = try await client.get("/api/entries")
      #expect(reply.status == .ok, "\(reply)")
      expectSecured(reply)
      let list = try reply.object()
      #expect(list.int("total") == 4)
      #expect(list.int("offset") == 0)
      #expect(list.int("limit") == 100)
      let ids = list.objects("entries").map { $0.string("id") ?? "" }
      #expect(
        ids == [entries.imam.id, entries.interview.id, entries.netwerk.id, entries.koffie.id])
      let koffie = try #require(
        list.objects("entries").first { $0.string("id") == entries.koffie.id })
      #expect(koffie.string("short_id") == entries.koffie.shortID)
      #expect(koffie.string("title") == "Koffieochtend")
      #expect(koffie.string("kind") == "observation")
      #expect(koffie.string("neighbourhood") == "Holendrecht")
      #expect(koffie.string("initiative") == "Buurtkamer De Brug")
      #expect(koffie.string("author") == Harness.author)
      #expect(koffie.int("version") == 1)
      #expect(koffie.int("codings") == 0)
      #expect(koffie.bool("retracted") == false)
      #expect(koffie.bool("redacted") == false)
      #expect(koffie["withheld"] == nil)
      #expect(koffie["body"] == nil)
      // The list has no detail: questions, tags and participants come with one entry.
      #expect(koffie["questions"] == nil && koffie["tags"] == nil && koffie["participants"] == nil)
      // The entry without quotation consent is listed, withheld.
      let netwerk = try #require(
        list.objects("entries").first { $0.string("id") == entries.netwerk.id })
      #expect(netwerk.string("withheld") == "[withheld: no quotation consent for P-017, P-018]")
      #expect(netwerk["snippet"] == nil)

      try expectError(await client.get("/api/entries", token: .none), .unauthorized)
    }
  }

  @Test("GET /api/entries: offset and limit page the list; limit is kept within 1...1000")
  func entriesPaging() async throws {
    let harness = try Harness()
    let entries = harness.entries
    try await harness.run { client in
      let page = try await client.get("/api/entries?offset=1&limit=2").object()
      #expect(page.int("total") == 4)
      #expect(page.int("offset") == 1)
      #expect(page.int("limit") == 2)
      #expect(
        page.objects("entries").map { $0.string("id") ?? "" } == [
          entries.interview.id, entries.netwerk.id,
        ])
      let past = try await client.get("/api/entries?offset=10").object()
      #expect(past.int("total") == 4 && past.objects("entries").isEmpty)
      #expect(try await client.get("/api/entries?limit=0").object().int("limit") == 1)
      #expect(try await client.get("/api/entries?limit=5000").object().int("limit") == 1000)
      #expect(try await client.get("/api/entries?offset=-3").object().int("offset") == 0)
      #expect(try await client.get("/api/entries?limit=abc").object().int("limit") == 100)
    }
  }

  @Test("GET /api/entries: each filter of the filter bar")
  func entriesFilters() async throws {
    let harness = try Harness()
    let entries = harness.entries
    _ = try harness.journal.applyCode(
      "buurtmoeders", to: entries.koffie.id, target: .wholeEntry, coder: Harness.other)
    _ = try harness.journal.applyCode("drempels", to: entries.interview.id, target: .wholeEntry)
    try await harness.run { client in
      func ids(_ query: String) async throws -> [String] {
        let reply = try await client.get("/api/entries?\(query)")
        #expect(reply.status == .ok, "\(reply)")
        return try reply.object().objects("entries").map { $0.string("id") ?? "" }
      }
      #expect(try await ids("neighbourhood=Holendrecht") == [entries.imam.id, entries.koffie.id])
      #expect(
        try await ids("neighbourhood=Jan%20van%20Maijenbuurt") == [
          entries.interview.id, entries.netwerk.id,
        ])
      #expect(try await ids("initiative=Buurtkamer%20De%20Brug") == [entries.koffie.id])
      #expect(
        try await ids("neighbourhood=Holendrecht&initiative=Buurtkamer%20De%20Brug") == [
          entries.koffie.id
        ])
      #expect(try await ids("question=RQ3") == [entries.interview.id])
      #expect(try await ids("question=RQ2") == [entries.imam.id, entries.netwerk.id])
      #expect(try await ids("kind=interview") == [entries.interview.id])
      #expect(try await ids("kind=nabije-kennis") == [entries.imam.id])
      #expect(try await ids("kind=network-conversation") == [entries.netwerk.id])
      #expect(try await ids("author=Sanne%20de%20Vries").count == 4)
      #expect(try await ids("tag=koffie") == [entries.koffie.id])
      #expect(try await ids("tag=voedsel") == [entries.interview.id])
      #expect(try await ids("coder=Ahmed%20Bakkali") == [entries.koffie.id])
      #expect(try await ids("coder=Sanne%20de%20Vries") == [entries.interview.id])
      #expect(try await ids("code=buurtmoeders") == [entries.koffie.id])
      // A code stands for the codes below it too.
      #expect(try await ids("code=informele%20steun") == [entries.koffie.id])
      #expect(try await ids("code=toegankelijkheid") == [entries.interview.id])
      // Full-text search, in the matching form (case and diacritics); it reaches only what the
      // page shows, so the withheld network conversation is not found by its words.
      #expect(try await ids("q=voedselbank") == [entries.interview.id])
      #expect(try await ids("q=EENZAAMHEID") == [entries.imam.id])
      #expect(try await ids("q=cafe") == [entries.koffie.id])
      #expect(try await ids("q=voedselbank&kind=interview") == [entries.interview.id])
      #expect(try await ids("q=%20%20").count == 4, "a blank search is no search")
      // Empty values are no filter.
      #expect(try await ids("neighbourhood=&kind=&q=").count == 4)
      // The filters the page does not show yet: dates, a participant, retracted entries.
      #expect(try await ids("since=2024-06-01") == [entries.imam.id, entries.interview.id])
      #expect(try await ids("until=2024-03-31") == [entries.netwerk.id, entries.koffie.id])
      #expect(try await ids("participant=p-017") == [entries.netwerk.id])
      try harness.journal.retract(entries.imam.id, reason: "dubbel")
      #expect(try await ids("question=RQ2") == [entries.netwerk.id])
      #expect(
        try await ids("question=RQ2&include_retracted=true") == [
          entries.imam.id, entries.netwerk.id,
        ])

      // A snippet shows where the search hit, but never in a withheld body.
      let found = try await client.get("/api/entries?q=voedselbank").object().objects("entries")
      let interview = try #require(found.first { $0.string("id") == entries.interview.id })
      #expect(interview.string("snippet")?.contains("[voedselbank]") == true)
      #expect(!found.contains { $0.string("id") == entries.netwerk.id })
    }
  }

  @Test("GET /api/entries: an unknown neighbourhood is a 404 that lists the known ones")
  func unknownNeighbourhood() async throws {
    let harness = try Harness()
    try await harness.run { client in
      let reply = try await client.get("/api/entries?neighbourhood=Nergenshuizen")
      try expectError(reply, .notFound, exitCode: 65)
      let error = try reply.error()
      #expect(error.strings("known").map { Set($0) } == ["Holendrecht", "Jan van Maijenbuurt"])
      #expect(error.string("message")?.contains("Nergenshuizen") == true)
      // An initiative in a neighbourhood lists that neighbourhood's initiatives.
      let initiative = try await client.get(
        "/api/entries?neighbourhood=Holendrecht&initiative=Nergens")
      try expectError(initiative, .notFound, exitCode: 65)
      #expect(try initiative.error().strings("known")?.contains("Buurtkamer De Brug") == true)
      let question = try await client.get("/api/entries?question=RQ9")
      try expectError(question, .notFound, exitCode: 65)
      #expect(try question.error().strings("known") == ["RQ1", "RQ2", "RQ3", "RQ4"])
      try expectError(await client.get("/api/entries?author=Niemand"), .notFound, exitCode: 65)
      try expectError(await client.get("/api/entries?tag=nergens"), .notFound, exitCode: 65)
      try expectError(await client.get("/api/entries?code=nergens"), .notFound, exitCode: 65)
      // An unknown coder is bad input: the message lists the known coders.
      let coder = try await client.get("/api/entries?coder=Niemand")
      try expectError(coder, .badRequest, exitCode: 65)
      #expect(try coder.error().string("message")?.contains(Harness.other) == true)
      // A search that has no words is bad input.
      try expectError(await client.get("/api/entries?q=AND"), .badRequest, exitCode: 65)
    }
  }

  @Test("GET /api/entries: an unknown kind is a 404 that lists the known kinds")
  func unknownKind() async throws {
    let harness = try Harness()
    try await harness.run { client in
      let reply = try await client.get("/api/entries?kind=gedicht")
      try expectError(reply, .notFound, exitCode: 65)
      let error = try reply.error()
      #expect(error.string("message")?.contains("gedicht") == true)
      #expect(
        error.strings("known").map { Set($0) }
          == ["observation", "network-conversation", "interview", "nabije-kennis", "reflection"],
        "an unknown kind should list the known kinds in error.known: \(reply)")
    }
  }

  @Test("GET /api/entries/:id: the entry's detail, by id or an 8-hex prefix")
  func entryDetail() async throws {
    let harness = try Harness()
    let koffie = harness.entries.koffie
    try await harness.run { client in
      for id in [koffie.id, koffie.shortID, koffie.shortID.uppercased()] {
        let reply = try await client.get("/api/entries/\(id)")
        #expect(reply.status == .ok, "\(reply)")
        expectSecured(reply)
        let view = try reply.object()
        let entry = try #require(view.object("entry"))
        #expect(entry.string("id") == koffie.id)
        #expect(entry.strings("questions") == ["RQ1"])
        #expect(entry.strings("tags") == ["koffie", "ontmoeting"])
        #expect(entry.strings("participants") == [])
        #expect(entry.int("version") == 1)
        #expect(view.bool("codable") == true)
        let runs = view.objects("runs")
        #expect(runs.count == 1)
        #expect(runs.first?.int("o") == 0)
        #expect(runs.first?.string("text")?.sameScalars(koffie.body) == true)
        #expect(view.objects("codings").isEmpty)
        #expect(view.objects("memos").isEmpty)
      }
      try expectError(await client.get("/api/entries/ffffffff"), .notFound, exitCode: 65)
      try expectError(await client.get("/api/entries/xyz"), .badRequest, exitCode: 65)
      try expectError(
        await client.get("/api/entries/\(koffie.shortID)", token: .none), .unauthorized)
    }
  }

  @Test("GET /api/entries/:id: runs break at every coding boundary; codings and memos come along")
  func entryRuns() async throws {
    let harness = try Harness()
    let koffie = harness.entries.koffie
    let body = koffie.body
    let cafe = try #require(body.scalarOffset(of: "café"))
    let moeders = try #require(body.scalarOffset(of: "buurtmoeders"))
    let journal = harness.journal
    let first = try journal.applyCode(
      "sociale participatie", to: koffie.id, target: .range(0, cafe + 4))
    let second = try journal.applyCode(
      "buurtmoeders", to: koffie.id, target: .range(moeders, moeders + 12), coder: Harness.other)
    let whole = try journal.applyCode("samen leren", to: koffie.id, target: .wholeEntry)
    let overlapping = try journal.applyCode(
      "informele steun", to: koffie.id, target: .range(cafe, moeders + 12))
    _ = try journal.addMemo(about: koffie.id, text: "Over de koffie.")
    _ = try journal.addMemo(about: second.id, text: "Over de buurtmoeders.")
    _ = try journal.addMemo(about: "buurtmoeders", text: "Over de code, niet de entry.")
    _ = try journal.addMemo(about: "schuring", text: "Over een code die hier niet staat.")
    try await harness.run { client in
      let view = try await client.get("/api/entries/\(koffie.id)").object()
      let runs = view.objects("runs")
      let offsets = runs.map { $0.int("o") ?? -1 }
      let cuts = Set([0, cafe + 4, moeders, moeders + 12, cafe]).sorted()
      #expect(offsets == cuts, "\(runs)")
      // Together the runs are the body, each starting where the one before ended.
      var position = 0
      var joined = ""
      for run in runs {
        let text = run.string("text") ?? ""
        #expect(run.int("o") == position)
        position += text.scalarCount
        joined += text
      }
      #expect(joined.sameScalars(body))
      #expect(position == body.scalarCount)

      let codings = view.objects("codings")
      #expect(codings.count == 4)
      // Whole-entry codings first, then by where they start.
      #expect(
        codings.map { $0.string("id") ?? "" } == [whole.id, first.id, overlapping.id, second.id])
      let shown = try #require(codings.first { $0.string("id") == second.id })
      #expect(shown.string("code") == "buurtmoeders")
      #expect(shown.string("code_path") == "informele steun > buurtmoeders")
      #expect(shown.string("coder") == Harness.other)
      #expect(shown.int("start") == moeders && shown.int("end") == moeders + 12)
      #expect(shown.string("quote") == "buurtmoeders")
      #expect(shown.bool("orphaned") == false)
      let wholeShown = try #require(codings.first { $0.string("id") == whole.id })
      #expect(wholeShown["start"] is NSNull && wholeShown["quote"] is NSNull)

      // The memo panel: memos about the entry, its codings and the codes applied here; not about
      // a code this entry does not hold.
      let memos = view.objects("memos").map { $0.string("text") ?? "" }
      #expect(
        Set(memos) == ["Over de koffie.", "Over de buurtmoeders.", "Over de code, niet de entry."])
      let entry = try #require(view.object("entry"))
      #expect(entry.int("codings") == 4)
      // The list counts them too.
      let listed = try await client.get("/api/entries").object().objects("entries")
      #expect(listed.first { $0.string("id") == koffie.id }?.int("codings") == 4)
    }
  }

  @Test("GET /api/entries/:id: a retracted entry is not codable; an amended one shows its version")
  func entryStates() async throws {
    let harness = try Harness()
    let journal = harness.journal
    let imam = harness.entries.imam
    try journal.retract(imam.id, reason: "dubbel")
    var draft = EntryDraft(
      kind: .interview, title: "Voedselbank", body: "Interview over de voedselbank, herzien.",
      neighbourhood: "Jan van Maijenbuurt", questions: ["RQ3"], tags: ["voedsel"])
    draft.fields = [("consent", "none"), ("language", "nl")]
    let amended = try journal.amend(
      harness.entries.interview.id, with: draft, reason: "tikfout", basedOn: 1)
    try await harness.run { client in
      let retracted = try await client.get("/api/entries/\(imam.id)").object()
      #expect(retracted.bool("codable") == false)
      #expect(retracted.object("entry")?.bool("retracted") == true)
      #expect(try await client.get("/api/entries").object().int("total") == 3)
      let view = try await client.get("/api/entries/\(amended.id)").object()
      #expect(view.object("entry")?.int("version") == 2)
      #expect(view.objects("runs").first?.string("text") == amended.body)
    }
  }

  @Test("GET /api/codes: the codebook in tree order, with paths, depths and counts")
  func codes() async throws {
    let harness = try Harness()
    _ = try harness.journal.applyCode(
      "buurtmoeders", to: harness.entries.koffie.id, target: .wholeEntry)
    try await harness.run { client in
      let reply = try await client.get("/api/codes")
      #expect(reply.status == .ok, "\(reply)")
      let codes = try reply.object().objects("codes")
      #expect(codes.count == 10)
      #expect(codes.first?.string("path") == "informele steun")
      let moeders = try #require(codes.first { $0.string("name") == "buurtmoeders" })
      #expect(moeders.string("path") == "informele steun > buurtmoeders")
      #expect(moeders.int("depth") == 1)
      #expect(moeders.int("codings") == 1 && moeders.int("entries") == 1)
      #expect(moeders.string("color") == "#66BB6A")
      #expect(moeders.string("parent") == "informele steun")
      #expect(codes.first?["parent"] is NSNull)
      for code in codes {
        #expect(
          Set(code.keys) == [
            "id", "name", "path", "parent", "description", "color", "depth", "codings", "entries",
          ])
      }
      try expectError(await client.get("/api/codes", token: .none), .unauthorized)
    }
  }

  @Test("GET /api/segments?code=X: the segments of a code and the codes below it, with context")
  func segments() async throws {
    let harness = try Harness()
    let koffie = harness.entries.koffie
    let moeders = try #require(koffie.body.scalarOffset(of: "buurtmoeders"))
    let coding = try harness.journal.applyCode(
      "buurtmoeders", to: koffie.id, target: .range(moeders, moeders + 12))
    let other = try harness.journal.applyCode(
      "informele steun", to: harness.entries.imam.id, target: .wholeEntry, coder: Harness.other)
    try await harness.run { client in
      let reply = try await client.get("/api/segments?code=buurtmoeders")
      #expect(reply.status == .ok, "\(reply)")
      let view = try reply.object()
      #expect(view.string("code") == "buurtmoeders")
      let segments = view.objects("segments")
      #expect(segments.map { $0.string("id") ?? "" } == [coding.id])
      #expect(segments.first?.string("quote") == "buurtmoeders")
      #expect(segments.first?.string("context")?.contains("buurtmoeders") == true)
      #expect(segments.first?.string("title") == "Koffieochtend")
      #expect(segments.first?.string("neighbourhood") == "Holendrecht")
      #expect(segments.first?.strings("tags") == ["koffie", "ontmoeting"])
      let parent = try await client.get("/api/segments?code=informele%20steun").object()
      #expect(
        Set(parent.objects("segments").map { $0.string("id") ?? "" }) == [coding.id, other.id])
      let byCoder = try await client.get(
        "/api/segments?code=informele%20steun&coder=Ahmed%20Bakkali"
      ).object()
      #expect(byCoder.objects("segments").map { $0.string("id") ?? "" } == [other.id])
      let filtered = try await client.get(
        "/api/segments?code=informele%20steun&neighbourhood=Holendrecht&kind=observation"
      ).object()
      #expect(filtered.objects("segments").map { $0.string("id") ?? "" } == [coding.id])

      try expectError(await client.get("/api/segments"), .badRequest)
      try expectError(await client.get("/api/segments?code="), .badRequest)
      try expectError(await client.get("/api/segments?code=nergens"), .notFound, exitCode: 65)
      try expectError(
        await client.get("/api/segments?code=buurtmoeders", token: .none), .unauthorized)
    }
  }

  @Test("GET /api/memos: every memo, or those about one entry, coding or code")
  func memos() async throws {
    let harness = try Harness()
    let journal = harness.journal
    let koffie = harness.entries.koffie
    let coding = try journal.applyCode("buurtmoeders", to: koffie.id, target: .wholeEntry)
    let onEntry = try journal.addMemo(about: koffie.id, text: "Over de entry.")
    let onCoding = try journal.addMemo(about: coding.id, text: "Over de codering.")
    let onCode = try journal.addMemo(about: "buurtmoeders", text: "Over de code.")
    try await harness.run { client in
      func ids(_ uri: String) async throws -> [String] {
        let reply = try await client.get(uri)
        #expect(reply.status == .ok, "\(reply)")
        return try reply.object().objects("memos").map { $0.string("id") ?? "" }
      }
      #expect(Set(try await ids("/api/memos")) == [onEntry.id, onCoding.id, onCode.id])
      #expect(try await ids("/api/memos?about=\(koffie.id)") == [onEntry.id])
      #expect(try await ids("/api/memos?about=\(koffie.shortID)") == [onEntry.id])
      #expect(try await ids("/api/memos?about=\(coding.id)") == [onCoding.id])
      #expect(try await ids("/api/memos?about=buurtmoeders") == [onCode.id])
      let code = try await client.get("/api/memos?about=buurtmoeders").object().objects("memos")
      #expect(code.first?.string("about_kind") == "code")
      #expect(code.first?.string("about_path") == "informele steun > buurtmoeders")
      #expect(code.first?.string("author") == Harness.author)
      #expect(code.first?.string("text") == "Over de code.")
      #expect(code.first?.string("time")?.isEmpty == false)
      let entry = try await client.get("/api/memos?about=\(koffie.id)").object().objects("memos")
      #expect(entry.first?.string("about_kind") == "entry")
      #expect(entry.first?["about_path"] == nil)

      try expectError(await client.get("/api/memos?about=nergens"), .badRequest, exitCode: 65)
      try expectError(await client.get("/api/memos", token: .none), .unauthorized)
    }
  }

  @Test("an unknown route under /api is a JSON 404, behind the token like the rest")
  func unknownRoute() async throws {
    let harness = try Harness()
    try await harness.run { client in
      try expectError(await client.get("/api/nergens"), .notFound)
      try expectError(await client.get("/api/nergens", token: .none), .unauthorized)
      // A known path with a method it does not have.
      try expectError(await client.send(.put, "/api/codes", json: "{}"), .notFound)
    }
  }
}

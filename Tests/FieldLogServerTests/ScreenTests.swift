import FieldLogCore
import FieldLogServer
import Foundation
import HTTPTypes
import Testing

/// What consent and the real-name guard keep off the pages, on every route that shows text.
@Suite("API: consent and real names")
struct ScreenTests {
  static let withheld = "[withheld: no quotation consent for P-017, P-018]"

  @Test(
    "an entry without quotation consent shows a placeholder as its only run, and is not codable")
  func withheldEntry() async throws {
    let harness = try Harness()
    let netwerk = harness.entries.netwerk
    // A segment coded through Core (as the CLI would): its quote stays off the pages.
    let moeder = try harness.journal.applyCode(
      "buurtmoeders", to: netwerk.id, target: .range(0, 6), memo: "De moeder.",
      coder: Harness.other)
    try await harness.run { client in
      let reply = try await client.get("/api/entries/\(netwerk.id)")
      #expect(reply.status == .ok, "\(reply)")
      let view = try reply.object()
      let entry = try #require(view.object("entry"))
      #expect(entry.string("withheld") == Self.withheld)
      #expect(entry.string("title") == "Netwerkgesprek")
      #expect(entry.strings("participants") == ["P-017:client", "P-018:neighbour"])
      #expect(view.bool("codable") == false)
      let runs = view.objects("runs")
      #expect(runs.count == 1)
      #expect(runs.first?.int("o") == 0)
      #expect(runs.first?.string("text") == Self.withheld)
      let coding = try #require(view.objects("codings").first)
      #expect(coding.string("quote") == Self.withheld)
      #expect(coding.int("start") == 0 && coding.int("end") == 6)
      #expect(!reply.text.contains("Moeder"), "the body leaked: \(reply)")
      #expect(!reply.text.contains("wijkcoach"), "the body leaked: \(reply)")

      // Nor does it show in segments, compare, or the answer to a removal.
      let segments = try await client.get("/api/segments?code=buurtmoeders")
      #expect(try segments.object().objects("segments").first?.string("quote") == Self.withheld)
      #expect(try segments.object().objects("segments").first?.string("context") == Self.withheld)
      #expect(!segments.text.contains("Moeder"), "\(segments)")
      let compare = try await client.get("/api/compare?a=Sanne%20de%20Vries&b=Ahmed%20Bakkali")
      #expect(compare.status == .ok, "\(compare)")
      #expect(!compare.text.contains("Moeder"), "\(compare)")
      // A search reaches only what the page shows: a withheld body cannot be probed word by word.
      let list = try await client.get("/api/entries?q=wijkcoach")
      #expect(try list.object().int("total") == 0, "\(list)")
      #expect(!list.text.contains("wijkcoach"), "\(list)")

      // Adopting it answers with the quote withheld too.
      let adopted = try await client.post("/api/compare/adopt", ["coding": moeder.id])
      #expect(adopted.status == .created, "\(adopted)")
      #expect(try adopted.object().string("quote") == Self.withheld)
      let removed = try await client.delete("/api/codings/\(moeder.id)")
      #expect(removed.status == .ok, "\(removed)")
      #expect(try removed.object().string("quote") == Self.withheld)
      #expect(!removed.text.contains("Moeder"), "\(removed)")
    }
    try harness.expectVerifies()
  }

  @Test("a segment of a withheld entry cannot be coded through the page (403); the whole entry can")
  func withheldSegmentRefused() async throws {
    let harness = try Harness()
    let netwerk = harness.entries.netwerk
    let events = try harness.events()
    try await harness.run { client in
      let reply = try await client.post(
        "/api/codings",
        [
          "entry": netwerk.id, "version": 1, "start": 0, "end": 6, "quote": "Moeder",
          "code": "buurtmoeders",
        ])
      try expectError(reply, .forbidden)
      #expect(try harness.events() == events)
      #expect(try harness.journal.codings(ofEntry: netwerk.id).isEmpty)
      let whole = try await client.post(
        "/api/codings", ["entry": netwerk.id, "version": 1, "code": "buurtmoeders"])
      #expect(whole.status == .created, "\(whole)")
    }
    try harness.expectVerifies()
  }

  @Test("a derived title is withheld with its body; consent given by all shows the body")
  func consent() async throws {
    let harness = try Harness()
    let journal = harness.journal
    let untitled = try journal.record(
      EntryDraft(
        kind: .networkConversation, body: "Fatma vertelt over de buurtkamer.",
        neighbourhood: "Holendrecht", questions: ["RQ2"], participants: ["P-017"],
        fields: [("roles", "client")]))
    try await harness.run { client in
      let view = try await client.get("/api/entries/\(untitled.id)").object()
      #expect(view.object("entry")?.string("title") == "[withheld]")
      #expect(
        view.object("entry")?.string("withheld") == "[withheld: no quotation consent for P-017]")
      // Consent of one of two: the placeholder names who is missing.
      try journal.recordConsent("P-017", form: .written, scopes: [.quotation], date: "2024-03-01")
      let partial = try await client.get("/api/entries/\(harness.entries.netwerk.id)").object()
      #expect(
        partial.object("entry")?.string("withheld") == "[withheld: no quotation consent for P-018]")
      let shown = try await client.get("/api/entries/\(untitled.id)").object()
      #expect(shown.object("entry")?["withheld"] == nil)
      #expect(shown.object("entry")?.string("title") == untitled.title)
      #expect(shown.objects("runs").first?.string("text") == untitled.body)
      #expect(shown.bool("codable") == true)
      try journal.recordConsent("P-018", form: .verbal, scopes: [.quotation], date: "2024-03-01")
      let netwerk = try await client.get("/api/entries/\(harness.entries.netwerk.id)").object()
      #expect(netwerk.objects("runs").first?.string("text") == harness.entries.netwerk.body)
      // Withdrawn again: withheld again.
      try journal.recordConsent("P-018", form: nil, scopes: [.quotation], date: "2024-04-01")
      let withdrawn = try await client.get("/api/entries/\(harness.entries.netwerk.id)").object()
      #expect(
        withdrawn.object("entry")?.string("withheld")
          == "[withheld: no quotation consent for P-018]")
    }
  }

  @Test("with includeWithheld the body shows, is codable and segments can be coded")
  func includeWithheld() async throws {
    let base = try Harness()
    let harness = Harness(base, screen: PageScreen(includeWithheld: true))
    let netwerk = harness.entries.netwerk
    try await harness.run { client in
      #expect(try await client.get("/api/study").object().bool("include_withheld") == true)
      let view = try await client.get("/api/entries/\(netwerk.id)").object()
      #expect(view.object("entry")?["withheld"] == nil)
      #expect(view.bool("codable") == true)
      #expect(view.objects("runs").first?.string("text") == netwerk.body)
      let reply = try await client.post(
        "/api/codings",
        [
          "entry": netwerk.id, "version": 1, "start": 0, "end": 6, "quote": "Moeder",
          "code": "buurtmoeders",
        ])
      #expect(reply.status == .created, "\(reply)")
      #expect(try reply.object().string("quote") == "Moeder")
      let list = try await client.get("/api/entries?q=wijkcoach").object().objects("entries")
      #expect(list.first?.string("snippet")?.contains("[wijkcoach]") == true)
    }
    try harness.expectVerifies()
  }

  /// A journal whose key file names P-017 "Fatima Yılmaz", with an entry that names her.
  static func named(includeWithheld: Bool = false) throws -> (Harness, EntryRecord, CodingRecord) {
    let base = try Harness()
    let journal = base.journal
    let entry = try journal.record(
      EntryDraft(
        kind: .observation, title: "Bij de buurtkamer",
        body: "Vandaag sprak Fatima Yılmaz over de wachtlijst.\nDaarna koffie.",
        neighbourhood: "Holendrecht", initiative: "Buurtkamer De Brug", questions: ["RQ3"],
        tags: ["wachtlijst"]))
    let coding = try journal.applyCode(
      "drempels", to: entry.id, target: .range(0, 7), memo: "Fatima Yılmaz wacht al lang.",
      coder: Harness.other)
    _ = try journal.addMemo(about: entry.id, text: "Fatima Yılmaz wil teruggebeld worden.")
    _ = try journal.addMemo(about: entry.id, text: "Een memo zonder naam.")
    let keys = try KeyFile.openForWriting(at: base.folder.path("fieldlog-keys.sqlite"))
    try keys.add("P-017", name: "Fatima Yılmaz", contact: nil, journal: journal)
    let guardian = try journal.nameGuard(people: try keys.people())
    let harness = Harness(
      base, screen: PageScreen(includeWithheld: includeWithheld, guardian: guardian))
    return (harness, entry, coding)
  }

  @Test(
    "a body holding a real name from the key file is withheld, and the placeholder names no one")
  func realName() async throws {
    for includeWithheld in [false, true] {
      let (harness, entry, coding) = try Self.named(includeWithheld: includeWithheld)
      let events = try harness.events()
      try await harness.run { client in
        #expect(try await client.get("/api/study").object().bool("name_guard") == true)
        let reply = try await client.get("/api/entries/\(entry.id)")
        #expect(reply.status == .ok, "\(reply)")
        let view = try reply.object()
        let withheld = try #require(view.object("entry")?.string("withheld"))
        #expect(withheld.hasPrefix("[withheld"))
        let runs = view.objects("runs")
        #expect(runs.count == 1 && runs.first?.string("text") == withheld)
        #expect(view.bool("codable") == false)
        #expect(view.object("entry")?.string("title") == "Bij de buurtkamer")
        #expect(view.objects("codings").first?.string("quote") == withheld)
        #expect(view.objects("codings").first?.string("memo")?.hasPrefix("[withheld") == true)
        let memos = view.objects("memos").map { $0.string("text") ?? "" }
        #expect(memos.count == 2 && memos.contains("Een memo zonder naam."))
        for text in [
          reply.text,
          try await client.get("/api/entries?q=wachtlijst").text,
          try await client.get("/api/entries").text,
          try await client.get("/api/memos").text,
          try await client.get("/api/memos?about=\(entry.id)").text,
          try await client.get("/api/segments?code=drempels").text,
          try await client.get("/api/compare?a=Sanne%20de%20Vries&b=Ahmed%20Bakkali").text,
        ] {
          #expect(
            !text.contains("Fatima") && !text.contains("Yılmaz"), "a real name leaked: \(text)")
        }
        // A search does not find it by its withheld words.
        let found = try await client.get("/api/entries?q=wachtlijst").object()
        #expect(found.int("total") == 0)
        // Its segments cannot be coded here.
        try expectError(
          await client.post(
            "/api/codings",
            [
              "entry": entry.id, "version": 1, "start": 0, "end": 7, "quote": "Vandaag",
              "code": "sociale participatie",
            ]), .forbidden)
        #expect(try harness.events() == events)
        // A memo written here with the name is stored, but shown withheld.
        let memo = try await client.post(
          "/api/memos", ["about": entry.id, "text": "Bel Fatima Yılmaz terug."])
        #expect(memo.status == .created, "\(memo)")
        #expect(!memo.text.contains("Yılmaz"), "\(memo)")
        let removed = try await client.delete("/api/codings/\(coding.id)")
        #expect(!removed.text.contains("Yılmaz"), "\(removed)")
      }
      try harness.expectVerifies()
    }
  }

  @Test("the memo of a whole-entry coding that holds a real name is withheld too")
  func wholeEntryCodingMemo() async throws {
    let (harness, entry, _) = try Self.named()
    let other = try harness.journal.record(
      EntryDraft(
        kind: .observation, body: "Geen namen hier.", neighbourhood: "Holendrecht",
        questions: ["RQ1"]))
    let whole = try harness.journal.applyCode(
      "sociale participatie", to: other.id, target: .wholeEntry,
      memo: "Met Fatima Yılmaz besproken.")
    try await harness.run { client in
      let view = try await client.get("/api/entries/\(other.id)")
      #expect(view.status == .ok, "\(view)")
      let coding = try #require(
        try view.object().objects("codings").first { $0.string("id") == whole.id })
      #expect(
        coding.string("memo")?.hasPrefix("[withheld") == true,
        "a coding's memo with a real name must be withheld, also without a quote: \(view)")
      for text in [
        view.text,
        try await client.get("/api/segments?code=ontmoeting").text,
        try await client.get("/api/entries/\(entry.id)").text,
      ] {
        #expect(!text.contains("Yılmaz"), "a real name leaked: \(text)")
      }
    }
  }

  @Test("a code whose description holds a real name does not show it (the exports guard codes)")
  func codeDescription() async throws {
    let (harness, _, _) = try Self.named()
    try harness.journal.defineCode(
      "terugbellen", parent: "informele steun", description: "Zoals Fatima Yılmaz het doet.")
    try await harness.run { client in
      let codes = try await client.get("/api/codes")
      #expect(codes.status == .ok, "\(codes)")
      #expect(!codes.text.contains("Yılmaz"), "a real name leaked through the codebook: \(codes)")
    }
  }

  @Test("segments of a whole-entry coding show a withheld entry's derived title withheld too")
  func wholeEntrySegmentTitle() async throws {
    let harness = try Harness()
    let untitled = try harness.journal.record(
      EntryDraft(
        kind: .networkConversation, body: "Fatma vertelt over haar schulden bij de woningbouw.",
        neighbourhood: "Holendrecht", questions: ["RQ2"], participants: ["P-017"],
        fields: [("roles", "client")]))
    #expect(untitled.hasDerivedTitle)
    _ = try harness.journal.applyCode("drempels", to: untitled.id, target: .wholeEntry)
    _ = try harness.journal.applyCode(
      "schuring", to: untitled.id, target: .range(0, 5), coder: Harness.other)
    try await harness.run { client in
      let view = try await client.get("/api/entries/\(untitled.id)").object()
      #expect(view.object("entry")?.string("title") == "[withheld]")
      for code in ["drempels", "schuring"] {
        let reply = try await client.get("/api/segments?code=\(code)")
        let segment = try #require(try reply.object().objects("segments").first)
        #expect(
          segment.string("title") == "[withheld]",
          "the derived title of a withheld body shows in segments of '\(code)': \(reply)")
        #expect(!reply.text.contains("schulden"), "the body leaked: \(reply)")
      }
    }
  }
}

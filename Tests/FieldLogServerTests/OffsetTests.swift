import FieldLogCore
import FieldLogServer
import Foundation
import HTTPTypes
import Testing

/// Offsets are Unicode scalars from the body's start, on the way in (POST) and out (runs, codings),
/// whatever the body holds: emoji with modifiers, a ZWJ family, astral letters, NFD input, line
/// breaks.
@Suite("API: offsets in Unicode scalars")
struct OffsetTests {
  /// What is typed: NFD é, CRLF and LF, two blank lines; Core stores NFC.
  static let typed =
    "Begin 👍🏾 koffie.\nDe familie 👩‍👩‍👧 kwam.\r\nHet 𝒜-team zat in het cafe\u{301}.\n\nEinde 🇳🇱."

  /// The segments to code, each by its text as Core stored it, with the quote the page sends.
  static let segments: [(text: String, code: String, quote: String)] = [
    ("👍🏾", "sociale participatie", "👍🏾"),
    ("👩‍👩‍👧", "buurtmoeders", "👩‍👩‍👧"),
    ("𝒜", "samen leren", "𝒜"),
    // The page may send the quote in NFD as the selection gave it; the stored one is NFC.
    ("café", "toegankelijkheid", "cafe\u{301}"),
    ("🇳🇱", "drempels", "🇳🇱"),
  ]

  @Test("Core stores the typed body in NFC, so the API counts in that form")
  func storedForm() throws {
    let harness = try Harness()
    let entry = try harness.journal.record(
      EntryDraft(
        kind: .observation, body: Self.typed, neighbourhood: "Holendrecht", questions: ["RQ1"]))
    #expect(entry.body.unicodeScalars.contains("\u{E9}"))
    #expect(!entry.body.unicodeScalars.contains("\u{301}"))
  }

  @Test("POSTed scalar offsets are stored exactly, with their quotes, and the runs break there")
  func codingsKeepTheirOffsets() async throws {
    let harness = try Harness()
    let entry = try harness.journal.record(
      EntryDraft(
        kind: .observation, title: "Unicode", body: Self.typed, neighbourhood: "Holendrecht",
        questions: ["RQ1"]))
    let body = entry.body
    // The line break as stored, and the segment that spans it.
    let kwam = try #require(body.scalarOffset(of: "kwam."))
    let het = try #require(body.scalarOffset(of: "Het"))
    let spanning = body.scalars(kwam..<(het + 3))
    #expect(spanning.hasPrefix("kwam.") && spanning.hasSuffix("Het"))
    let einde = try #require(body.scalarOffset(of: "Einde"))
    var wanted: [(start: Int, end: Int, quote: String, code: String, sent: String)] = []
    for segment in Self.segments {
      let start = try #require(body.scalarOffset(of: segment.text), "\(segment.text)")
      wanted.append(
        (start, start + segment.text.scalarCount, segment.text, segment.code, segment.quote))
    }
    wanted.append((kwam, het + 3, spanning, "schuring", spanning))
    // From the blank line to the end: starts on a line break.
    wanted.append(
      (
        einde - 1, body.scalarCount, body.scalars((einde - 1)..<body.scalarCount), "samen leren",
        body.scalars((einde - 1)..<body.scalarCount)
      ))
    // One scalar in the middle of the family: a range need not end on a grapheme boundary.
    let family = try #require(body.scalarOffset(of: "👩‍👩‍👧"))
    wanted.append((family + 2, family + 3, "👩", "warme overdracht", "👩"))
    // The scalars are not the UTF-16 units nor the characters: the test means something.
    #expect(body.utf16.count != body.scalarCount && body.count != body.scalarCount)
    let cases = wanted

    try await harness.run { client in
      for item in cases {
        let reply = try await client.post(
          "/api/codings",
          [
            "entry": entry.id, "version": 1, "start": item.start, "end": item.end,
            "quote": item.sent, "code": item.code,
          ])
        #expect(reply.status == .created, "\(reply)")
        let coding = try reply.object()
        #expect(coding.int("start") == item.start && coding.int("end") == item.end, "\(reply)")
        #expect(coding.string("quote")?.sameScalars(item.quote) == true, "\(reply)")
      }

      let view = try await client.get("/api/entries/\(entry.id)").object()
      #expect(view.bool("codable") == true)
      let codings = view.objects("codings")
      #expect(codings.count == cases.count)
      for item in cases {
        let found = codings.first {
          $0.int("start") == item.start && $0.int("end") == item.end
            && $0.string("code") == item.code
        }
        #expect(found?.string("quote")?.sameScalars(item.quote) == true, "\(item) in \(codings)")
      }
      // Runs break at every boundary and nowhere else; each run is the body's scalars from its o.
      let runs = view.objects("runs")
      let bounds = Set(cases.flatMap { [$0.start, $0.end] } + [0]).filter { $0 < body.scalarCount }
      #expect(runs.map { $0.int("o") ?? -1 } == bounds.sorted())
      for (index, run) in runs.enumerated() {
        let from = run.int("o") ?? 0
        let to = index + 1 < runs.count ? runs[index + 1].int("o") ?? 0 : body.scalarCount
        #expect(run.string("text")?.sameScalars(body.scalars(from..<to)) == true, "\(run)")
      }
      // Segments list the same offsets.
      let segments = try await client.get("/api/segments?code=informele%20steun").object()
      let family = try #require(
        segments.objects("segments").first { $0.string("code") == "buurtmoeders" })
      #expect(family.string("quote")?.sameScalars("👩‍👩‍👧") == true)
    }

    // Core holds exactly what was posted.
    let stored = try harness.journal.codings(ofEntry: entry.id)
    #expect(stored.count == cases.count)
    for item in cases {
      let found = stored.first {
        $0.start == item.start && $0.end == item.end && $0.code == item.code
      }
      #expect(found?.quote?.sameScalars(item.quote) == true, "\(item)")
      #expect(found?.quote?.sameScalars(body.scalars(item.start..<item.end)) == true)
    }
    try harness.expectVerifies()
  }

  @Test("offsets counted in UTF-16 units or in characters are refused, not stored elsewhere")
  func otherCountsAreRefused() async throws {
    let harness = try Harness()
    let entry = try harness.journal.record(
      EntryDraft(
        kind: .observation, body: Self.typed, neighbourhood: "Holendrecht", questions: ["RQ1"]))
    let body = entry.body
    let a = "𝒜"
    let scalarStart = try #require(body.scalarOffset(of: a))
    let range = try #require(body.range(of: a))
    let utf16Start = body.utf16.distance(from: body.utf16.startIndex, to: range.lowerBound)
    let characterStart = body.distance(from: body.startIndex, to: range.lowerBound)
    #expect(Set([scalarStart, utf16Start, characterStart]).count == 3)
    let events = try harness.events()
    try await harness.run { client in
      for start in [utf16Start, characterStart] {
        let reply = try await client.post(
          "/api/codings",
          [
            "entry": entry.id, "version": 1, "start": start, "end": start + 1, "quote": a,
            "code": "samen leren",
          ])
        try expectError(reply, .conflict, exitCode: 65)
      }
    }
    #expect(try harness.events() == events)
  }
}

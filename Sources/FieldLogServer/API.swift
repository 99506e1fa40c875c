import FieldLogCore
import Foundation
import Hummingbird

/// The JSON API the page uses (Schemas/fieldlog-serve.openapi.yaml documents it). Reads go through
/// the page screen (consent, real names); writes are Core's own methods, one journal transaction
/// each, recorded as the journal's author.
struct API: Sendable {
  let workspace: Workspace
  var journal: Journal { workspace.journal }
  var screen: PageScreen { workspace.screen }

  func add(to api: RouterGroup<BasicRequestContext>) {
    api.get("study") { _, _ in try JSONBody.response(try study()) }
    api.get("networks") { _, _ in try JSONBody.response(try networks()) }
    api.get("changes") { _, _ in try JSONBody.response(try changes()) }
    api.get("entries") { request, _ in try JSONBody.response(try entries(request)) }
    api.get("entries/:id") { _, context in
      try JSONBody.response(try entry(try context.parameters.require("id")))
    }
    api.get("codes") { _, _ in
      try JSONBody.response(CodesView(codes: try journal.codes().map(screen.code)))
    }
    api.post("codes") { request, _ in
      let body = try await JSONBody.decode(NewCode.self, from: request)
      let path = try journal.defineCode(
        body.name, parent: body.parent, description: body.description, color: body.color)
      return try JSONBody.response(try code(path), status: .created)
    }
    api.post("codes/rename") { request, _ in
      let body = try await JSONBody.decode(RenameCode.self, from: request)
      try journal.renameCode(body.code, to: body.name)
      return try JSONBody.response(CodesView(codes: try journal.codes().map(screen.code)))
    }
    api.post("codes/move") { request, _ in
      let body = try await JSONBody.decode(MoveCode.self, from: request)
      try journal.moveCode(body.code, under: body.parent)
      return try JSONBody.response(CodesView(codes: try journal.codes().map(screen.code)))
    }
    api.post("codes/merge") { request, _ in
      let body = try await JSONBody.decode(MergeCode.self, from: request)
      try journal.mergeCode(body.code, into: body.into)
      return try JSONBody.response(CodesView(codes: try journal.codes().map(screen.code)))
    }
    api.get("segments") { request, _ in
      try JSONBody.response(try segments(request))
    }
    api.post("codings") { request, _ in
      let body = try await JSONBody.decode(NewCoding.self, from: request)
      let coding = try applyCoding(body)
      return try JSONBody.response(coding, status: coding.alreadyApplied ? .ok : .created)
    }
    api.delete("codings/:id") { _, context in
      let removed = try journal.removeCoding(try context.parameters.require("id"))
      return try JSONBody.response(try screen.coding(removed, in: journal))
    }
    api.get("memos") { request, _ in
      let about = request.uri.queryParameters.get("about")
      return try JSONBody.response(
        MemosView(memos: try journal.memos(about: about).map(screen.memo)))
    }
    api.post("memos") { request, _ in
      let body = try await JSONBody.decode(NewMemo.self, from: request)
      let memo = try journal.addMemo(about: body.about, text: body.text)
      return try JSONBody.response(screen.memo(memo), status: .created)
    }
    api.get("compare") { request, _ in try JSONBody.response(try compare(request)) }
    api.post("compare/adopt") { request, _ in
      let body = try await JSONBody.decode(Adopt.self, from: request)
      let coding = try adopt(body.coding)
      return try JSONBody.response(coding, status: coding.alreadyApplied ? .ok : .created)
    }
  }

  // MARK: Reading

  /// Every participant's network on the day of its latest change, drawn as an ecogram. Consent
  /// is applied by Core; an ecogram whose text holds a real name of the key file is not drawn.
  func networks() throws -> [NetworkView] {
    try journal.latestNetworks().enumerated().map { index, snapshot in
      let svg = Ecogram.svg([snapshot], idPrefix: "eco-\(index + 1)", standalone: false)
      let named = snapshot.members.contains { screen.holdsName($0.id) }
      return NetworkView(
        network: named ? PageScreen.realName : snapshot.network, date: snapshot.date,
        members: snapshot.members.count - 1, ties: snapshot.ties.count,
        svg: named ? nil : svg)
    }
  }

  func study() throws -> StudyView {
    let study = try journal.study()
    let feeds = try journal.feeds()
    return StudyView(
      name: study.name, description: study.description,
      neighbourhoods: study.neighbourhoods.map(\.name),
      initiatives: study.initiatives.map { .init(name: $0.name, neighbourhood: $0.neighbourhood) },
      questions: study.questions.map { .init(id: $0.id, text: $0.text) },
      kinds: EntryKind.allCases.map(\.rawValue), cycles: study.cycles.map(\.id),
      phases: Phase.allCases.map(\.rawValue),
      authors: Array(Set(feeds.compactMap(\.author))).sorted(),
      coders: try journal.coders().map(\.name),
      me: feeds.first(where: \.own)?.author,
      includeWithheld: screen.includeWithheld, nameGuard: screen.guardian != nil)
  }

  /// A value that changes whenever any feed's head does: the page polls it.
  func changes() throws -> ChangesView {
    ChangesView(state: try journal.checkpoint(now: Date(timeIntervalSince1970: 0)).text)
  }

  /// A search lists its best matches only: a word in every note would otherwise cost a snippet for
  /// each of them.
  static let searchLimit = 2000

  func entries(_ request: Request) throws -> EntryList {
    let query = request.uri.queryParameters
    let filter = try Self.filter(request)
    let limit = min(max(Int(query.get("limit") ?? "") ?? 100, 1), 1000)
    let offset = max(Int(query.get("offset") ?? "") ?? 0, 0)
    let counts = try journal.codingCounts()
    func summaries(_ page: some Sequence<EntryRecord>) throws -> [EntrySummary] {
      try page.map { try screen.summary($0, codings: counts[$0.id] ?? 0, in: journal) }
    }
    let coder = query.get("coder").flatMap { $0.isEmpty ? nil : $0 }
    var found: [EntryRecord]
    if let text = query.get("q"), !text.trimmingCharacters(in: .whitespaces).isEmpty {
      // A search reaches only text the pages may show: a withheld body could otherwise be probed
      // word by word.
      found = try journal.search(text, filter: filter, limit: Self.searchLimit).filter {
        try screen.entry($0, in: journal).withheld == nil
      }
    } else if coder != nil {
      found = try journal.entries(filter)
    } else {
      // The plain list reads one page, not every entry.
      return EntryList(
        entries: try summaries(try journal.entries(filter, limit: limit, offset: offset)),
        total: try journal.countEntries(filter), offset: offset, limit: limit)
    }
    if let coder {
      let coded = try journal.entries(codedBy: coder)
      found = found.filter { coded.contains($0.id) }
    }
    let page = found.dropFirst(offset).prefix(limit)
    return EntryList(entries: try summaries(page), total: found.count, offset: offset, limit: limit)
  }

  func entry(_ id: String) throws -> EntryView {
    let entry = try journal.entry(id: try journal.resolveEntryID(id))
    let shown = try screen.entry(entry, in: journal)
    let codings = try journal.codings(ofEntry: entry.id).map { screen.coding($0, shown: shown) }
    // The memo panel beside the text: memos on the entry, on its codings and on their codes.
    let codes = Array(Set(codings.map(\.codePath))).sorted()
    let memos =
      try journal.memos(about: entry.id)
      + codings.flatMap { try journal.memos(about: $0.id) }
      + codes.flatMap { try journal.memos(about: $0) }
    let bounds = codings.filter { !$0.orphaned }.flatMap { [$0.start, $0.end].compactMap { $0 } }
    return EntryView(
      entry: screen.summary(
        entry, shown: shown, codings: codings.count { !$0.orphaned }, detail: true),
      runs: shown.withheld == nil
        ? Runs.split(entry.body, at: bounds) : [Run(o: 0, text: shown.body)],
      codable: shown.withheld == nil && entry.redacted == nil && entry.retracted == nil,
      codings: codings,
      memos: memos.map(screen.memo).sorted { ($0.time, $0.id) < ($1.time, $1.id) })
  }

  func code(_ path: String) throws -> CodeRecord {
    guard let code = try journal.codes().first(where: { $0.path == path }) else {
      throw APIError(status: .internalServerError, message: "the code '\(path)' was not stored")
    }
    return screen.code(code)
  }

  func segments(_ request: Request) throws -> SegmentsView {
    let uri = request.uri
    guard let code = uri.queryParameters.get("code"), !code.isEmpty else {
      throw APIError(status: .badRequest, message: "name a code: /api/segments?code=NAME")
    }
    let coder = uri.queryParameters.get("coder").flatMap { $0.isEmpty ? nil : $0 }
    let found = try journal.segments(
      coded: code, filter: CodingFilter(entries: try Self.filter(request), coder: coder))
    return SegmentsView(code: code, segments: try found.map { try screen.coding($0, in: journal) })
  }

  // MARK: Writing

  func applyCoding(_ body: NewCoding) throws -> CodingRecord {
    let id = try journal.resolveEntryID(body.entry)
    let target: CodingTarget
    switch (body.start, body.end) {
    case (nil, nil):
      guard body.quote == nil else {
        throw APIError(
          status: .badRequest, message: "a quote needs its start and end; give all three or none")
      }
      target = .wholeEntry
    case (let start?, let end?):
      guard body.quote != nil else {
        throw APIError(
          status: .badRequest, message: "a segment needs the quote that was selected")
      }
      // Text the page did not show cannot have been selected there.
      guard try screen.entry(try journal.entry(id: id), in: journal).withheld == nil else {
        throw APIError(
          status: .forbidden,
          message: "entry \(id.prefix(8))'s text is withheld on these pages; code the whole entry")
      }
      target = .range(start, end)
    default:
      throw APIError(status: .badRequest, message: "give both start and end, or neither")
    }
    return try screen.coding(
      try journal.applyCode(
        body.code, to: id, target: target, memo: body.memo, readVersion: body.version,
        seenQuote: body.quote),
      in: journal)
  }

  func adopt(_ prefix: String) throws -> CodingRecord {
    try screen.coding(try journal.adoptCoding(prefix), in: journal)
  }

  // MARK: Comparing

  func compare(_ request: Request) throws -> CompareView {
    let query = request.uri.queryParameters
    guard let a = query.get("a"), let b = query.get("b"), !a.isEmpty, !b.isEmpty else {
      throw APIError(
        status: .badRequest, message: "name two coders: /api/compare?a=CODER&b=CODER",
        known: try journal.coders().map(\.name))
    }
    let unitName = query.get("unit") ?? "character"
    guard let unit = AgreementUnit(rawValue: unitName) else {
      throw FieldLogError.unknownName(
        kind: "unit", value: unitName, suggestions: [],
        known: AgreementUnit.allCases.map(\.rawValue))
    }
    var ids: [String]
    if let entry = query.get("entry"), !entry.isEmpty {
      ids = [try journal.resolveEntryID(entry)]
    } else {
      let coded = try journal.entries(codedBy: a).union(try journal.entries(codedBy: b))
      ids = try journal.entries(try Self.filter(request)).map(\.id).filter(coded.contains)
    }
    let report = try journal.agreement(coders: [a, b], unit: unit, entries: Set(ids))
    let (first, second) = (report.coders[0], report.coders[1])
    var compared: [ComparedEntry] = []
    for id in ids {
      let entry = try journal.entry(id: id)
      let shown = try screen.entry(entry, in: journal)
      let codings = try journal.codings(ofEntry: id).filter { !$0.orphaned }.map {
        screen.coding($0, shown: shown)
      }
      let mine = codings.filter { $0.coder == first }
      let theirs = codings.filter { $0.coder == second }
      func same(_ x: CodingRecord, _ y: CodingRecord) -> Bool {
        x.codePath == y.codePath && x.start == y.start && x.end == y.end
      }
      let disagreements =
        mine.filter { x in !theirs.contains { same(x, $0) } }.map {
          Disagreement(only: "a", coding: $0)
        }
        + theirs.filter { y in !mine.contains { same(y, $0) } }.map {
          Disagreement(only: "b", coding: $0)
        }
      compared.append(
        ComparedEntry(
          entry: screen.summary(entry, shown: shown, codings: codings.count),
          a: mine, b: theirs,
          disagreements: disagreements.sorted {
            ($0.coding.start ?? -1, $0.coding.codePath) < (
              $1.coding.start ?? -1, $1.coding.codePath
            )
          }))
    }
    return CompareView(coders: [first, second], agreement: report, entries: compared)
  }

  /// The filter bar's values as list's filters; an unknown name is a 404 that lists the known ones.
  static func filter(_ request: Request) throws -> EntryFilter {
    let query = request.uri.queryParameters
    func value(_ name: String) -> String? {
      guard let text = query.get(name), !text.isEmpty else { return nil }
      return text
    }
    return EntryFilter(
      kind: try value("kind").map(EntryKind.parse), neighbourhood: value("neighbourhood"),
      initiative: value("initiative"), question: value("question"), author: value("author"),
      tag: value("tag"), since: value("since"), until: value("until"),
      includeRetracted: value("include_retracted") == "true", code: value("code"),
      participant: value("participant"), cycle: value("cycle"),
      phase: try value("phase").map(Phase.parse))
  }
}

/// A body cut into runs at every coding boundary: each run's start counts Unicode scalars from the
/// body's start, the offsets that codings use.
enum Runs {
  static func split(_ body: String, at boundaries: [Int]) -> [Run] {
    let scalars = Array(body.unicodeScalars)
    let cuts = Set(boundaries.filter { $0 > 0 && $0 < scalars.count } + [0, scalars.count])
      .sorted()
    guard !scalars.isEmpty else { return [] }
    return zip(cuts, cuts.dropFirst()).map { from, to in
      var text = String.UnicodeScalarView()
      text.append(contentsOf: scalars[from..<to])
      return Run(o: from, text: String(text))
    }
  }
}

import Foundation
import GRDB

/// What `export` writes.
public enum ExportTable: String, CaseIterable, Sendable {
  /// One row per entry at its latest version.
  case entries
  /// One row per coding (long format).
  case codings
  /// One row per entry, one column per code with its number of codings (wide format).
  case matrix
  /// One row per code.
  case codebook
  /// One row per memo.
  case memos
}

/// The file format of an export.
public enum ExportFormat: String, CaseIterable, Sendable {
  case csv, jsonl
}

/// How CSV is written: RFC 4180 by default; `excel` is the profile for Dutch Excel.
public struct CSVDialect: Sendable, Equatable {
  public var delimiter: Character
  public var byteOrderMark: Bool
  /// Prefix `'` to cells that Excel would read as a formula (`=`, `+`, `-`, `@`, TAB, CR).
  public var formulaGuard: Bool

  public init(delimiter: Character = ",", byteOrderMark: Bool = false, formulaGuard: Bool = false) {
    self.delimiter = delimiter
    self.byteOrderMark = byteOrderMark
    self.formulaGuard = formulaGuard
  }

  /// `;`, a UTF-8 byte order mark, and the formula-injection guard.
  public static let excel = CSVDialect(delimiter: ";", byteOrderMark: true, formulaGuard: true)

  /// Rows in this dialect, with the byte order mark when asked for.
  public func render(_ rows: [[String]]) -> Data {
    var data = Data(byteOrderMark ? [0xEF, 0xBB, 0xBF] : [])
    for row in rows { data.append(Data(line(row).utf8)) }
    return data
  }

  /// One line, guarded when asked for.
  func line(_ cells: [String]) -> String {
    CSV.write([formulaGuard ? cells.map(Self.guardFormula) : cells], delimiter: delimiter)
  }

  /// A cell Excel would evaluate as a formula gets a leading `'`.
  static func guardFormula(_ cell: String) -> String {
    guard let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else {
      return cell
    }
    return "'" + cell
  }
}

/// Everything an export is asked to do.
public struct ExportRequest: Sendable {
  public var table: ExportTable
  public var format: ExportFormat
  public var dialect: CSVDialect
  public var filter: EntryFilter
  /// Real names from the key file that must not appear in the output (unless `allowNames`).
  public var people: [KeyFile.Person]
  public var allowNames: Bool
  /// Ordinary words that are also names in the key file, let through for this export.
  public var allowWords: [String]
  /// Show bodies of entries whose participants have not given quotation consent.
  public var includeWithheld: Bool

  public init(
    table: ExportTable, format: ExportFormat = .csv, dialect: CSVDialect = CSVDialect(),
    filter: EntryFilter = EntryFilter(), people: [KeyFile.Person] = [], allowNames: Bool = false,
    allowWords: [String] = [], includeWithheld: Bool = false
  ) {
    self.table = table
    self.format = format
    self.dialect = dialect
    self.filter = filter
    self.people = people
    self.allowNames = allowNames
    self.allowWords = allowWords
    self.includeWithheld = includeWithheld
  }
}

/// What an export wrote.
public struct ExportSummary: Equatable, Sendable {
  public var rows: Int
  /// Bodies (and quotes) replaced because quotation consent is missing.
  public var withheld: Int
  /// Coded `.qdpx` sources with characters beyond U+FFFF, where code points and UTF-16 differ.
  public var astralSources = 0
}

extension Journal {
  /// Writes a table row by row to `sink`; nothing is written when the output would hold a real name.
  ///
  /// Both passes (the real-name check, then the writing) read one snapshot of the journal.
  public func export(
    _ request: ExportRequest, progress: ProgressReport? = nil, to sink: (Data) throws -> Void
  ) throws -> ExportSummary {
    try read { db in
      let exporter = try Exporter(request: request, db: db)
      var total: Int?
      var screen = try NameScreen(request, db: db)
      if screen.isActive {
        screen.place = "the header"
        if request.format == .csv {
          exporter.columns.forEach { screen.screen($0, field: "column") }
        }
        var checked = 0
        try exporter.rows(db) { row in
          screen.place = row.place
          switch request.format {
          case .csv:
            for (column, cell) in zip(exporter.columns, row.cells) {
              screen.screen(cell, field: column)
            }
          case .jsonl: screen.screen(try row.json(), field: "")
          }
          checked += 1
          if checked % 64 == 0 {
            progress?(WorkProgress(step: "checking for real names", done: checked, total: nil))
          }
        }
        try screen.enforce()
        total = checked
      }
      var summary = ExportSummary(rows: 0, withheld: 0)
      if request.format == .csv { try sink(request.dialect.render([exporter.columns])) }
      try exporter.rows(db) { row in
        summary.rows += 1
        if summary.rows % 64 == 0 {
          progress?(WorkProgress(step: "exporting rows", done: summary.rows, total: total))
        }
        if row.withheld { summary.withheld += 1 }
        switch request.format {
        case .csv: try sink(Data(request.dialect.line(row.cells).utf8))
        case .jsonl: try sink(try exporter.jsonLine(row))
        }
      }
      return summary
    }
  }

  /// Writes an export to `path` through a temporary file (mode 0600) put in place only on success.
  public func export(
    _ request: ExportRequest, toFile path: String, replace: Bool = false,
    progress: ProgressReport? = nil
  ) throws -> ExportSummary {
    var summary = ExportSummary(rows: 0, withheld: 0)
    try Self.writePrivately(to: path, replace: replace) { handle in
      var buffer = Data()
      summary = try export(request, progress: progress) { chunk in
        buffer.append(chunk)
        if buffer.count >= 1 << 20 {
          try handle.write(contentsOf: buffer)
          buffer.removeAll(keepingCapacity: true)
        }
      }
      try handle.write(contentsOf: buffer)
    }
    return summary
  }

  /// Writes a file only its owner can read, through a temporary name that is put in place only
  /// when `body` succeeded, so a failed export leaves no half file. An existing file is replaced
  /// only with `replace`; check the path with `checkOutput` first.
  public static func writePrivately(
    to path: String, replace: Bool = false, _ body: (FileHandle) throws -> Void
  ) throws {
    let written = try createPrivately(at: path, what: "the file", replace: replace) { temporary in
      do {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
        defer { try? handle.close() }
        try body(handle)
        try handle.synchronize()
      } catch let error as FieldLogError {
        throw error
      } catch {
        throw FieldLogError.io("cannot write '\(path)': \(error.localizedDescription)")
      }
    }
    guard written else { throw existingOutput(path) }
  }

  /// `writePrivately(to:_:)` for bytes already in memory.
  public static func writePrivately(_ data: Data, to path: String, replace: Bool = false) throws {
    try writePrivately(to: path, replace: replace) { try $0.write(contentsOf: data) }
  }
}

/// The one choke point of the real-name guard: every text an export writes passes `screen` before
/// a byte is written, whatever the format: CSV cells and header, JSON Lines keys and values, every
/// XML attribute and element text, the text files of a project. Exporters do not pick fields.
struct NameScreen {
  let guardian: NameGuard?
  private(set) var hits: [NameHit] = []
  /// Where the texts screened next come from, e.g. "entry 1a2b3c4d".
  var place = "the export"

  /// The guard of `request` (none with `--allow-names` or without names).
  init(_ request: ExportRequest, db: Database) throws {
    guard !request.allowNames, !request.people.isEmpty else {
      guardian = nil
      return
    }
    guardian = try NameGuardMemory.nameGuard(
      people: request.people, allowWords: request.allowWords, db: db)
  }

  var isActive: Bool { guardian != nil }

  mutating func screen(_ text: String, field: String) {
    guard let guardian, !text.isEmpty else { return }
    hits += guardian.hits(in: text, place: place, field: field)
  }

  /// Every key and string in a JSON value; `field` is the path of keys to it.
  mutating func screen(_ value: JSONValue, field: String) {
    switch value {
    case .string(let text): screen(text, field: field)
    case .array(let items): for item in items { screen(item, field: field) }
    case .object(let members):
      for (key, member) in members.sorted(by: { $0.key < $1.key }) {
        let path = field.isEmpty ? key : field + "." + key
        screen(key, field: path)
        screen(member, field: path)
      }
    case .null, .bool, .integer: break
    }
  }

  /// Refuses (65) when anything screened held a name, listing every hit (the first 20).
  func enforce() throws {
    guard !hits.isEmpty else { return }
    var lines = hits.prefix(20).map { "  " + $0.description }
    if hits.count > 20 { lines.append("  … and \(hits.count - 20) more") }
    throw FieldLogError.invalidInput(
      "the export holds \(hits.count) real name\(hits.count == 1 ? "" : "s") from the key file; "
        + "nothing was exported:\n" + lines.joined(separator: "\n"),
      hint: "change or redact them; let an ordinary word through with --allow-word WORD (or the "
        + "study file's allow_words); or export with --allow-names")
  }
}

/// One table's columns and rows.
struct Exporter {
  struct Row {
    var entry: String?
    var cells: [String]
    /// Where the row's text comes from when it is not an entry, for the real-name guard's message.
    var label: String? = nil
    var place: String { entry.map { "entry \($0.prefix(8))" } ?? label ?? "a row" }
    var withheld: Bool
    /// The JSON object of this row, made only when JSON Lines are written.
    var json: () throws -> JSONValue
  }

  /// A value as the JSON its Encodable conformance gives.
  static func jsonValue(_ value: some Encodable) throws -> JSONValue {
    try TreeEncoder.tree(value)
  }

  let request: ExportRequest
  let columns: [String]
  let codePaths: [(id: String, path: String)]
  let nodes: [String: Codebook.Node]
  static let fieldNames: [String] = {
    var names: [String] = []
    for kind in EntryKind.allCases {
      for field in kind.fields where !names.contains(field.name) { names.append(field.name) }
    }
    return names
  }()

  init(request: ExportRequest, db: Database) throws {
    self.request = request
    let nodes = try Codebook.nodes(db)
    self.nodes = nodes
    codePaths = nodes.keys.map { ($0, Codebook.path($0, in: nodes)) }.sorted { $0.path < $1.path }
    switch request.table {
    case .entries:
      columns =
        [
          "id", "kind", "occurred_at", "recorded_at", "author", "neighbourhood", "initiative",
          "questions", "tags", "participants", "title", "body", "version",
        ] + Self.fieldNames.map { "field.\($0)" }
        + ["cycle", "phase", "member_check", "consent_letter"]
    case .codings:
      columns = [
        "coding_id", "entry_id", "kind", "neighbourhood", "initiative", "questions", "code",
        "code_path", "coder", "start", "end", "quote", "memo", "coded_at", "orphaned",
      ]
    case .matrix:
      columns =
        ["id", "kind", "occurred_at", "neighbourhood", "initiative", "questions", "tags"]
        + codePaths.map(\.path)
    case .codebook:
      columns = ["code", "path", "parent", "description", "colour", "codings", "entries"]
    case .memos:
      columns = ["id", "about", "author", "time", "text"]
    }
  }

  /// Calls `each` for every row, in a stable order.
  func rows(_ db: Database, _ each: (Row) throws -> Void) throws {
    switch request.table {
    case .entries, .matrix: try entryRows(db, each)
    case .codings: try codingRows(db, each)
    case .codebook: try codebookRows(db, each)
    case .memos: try memoRows(db, each)
    }
  }

  /// The body as it may be exported: redacted and withheld ones say so.
  func exportedBody(_ entry: EntryRecord, db: Database) throws -> (String, Bool) {
    if entry.redacted != nil { return (entry.body, false) }
    guard !request.includeWithheld else { return (entry.body, false) }
    let missing = try ParticipantRegister.lacking(
      .quotation, among: entry.participants.map(\.pseudonym), in: db)
    if let withheld = QuotationConsent.withheldBody(missing: missing) { return (withheld, true) }
    return (entry.body, false)
  }

  private func entryRows(_ db: Database, _ each: (Row) throws -> Void) throws {
    let flags = try ParFlags(db)
    let cursor = try ExchangeQueries.entries(matching: try request.filter.sql(db), in: db)
    let counts = try request.table == .matrix ? CodingRow.countsByEntryAndCode(db) : [:]
    while let entry = try cursor.next() {
      let questions = entry.questions.joined(separator: "|")
      let tags = entry.tags.joined(separator: "|")
      if request.table == .matrix {
        let perCode = codePaths.map { counts[entry.id]?[$0.id] ?? 0 }
        var object: [String: JSONValue] = [
          "id": .string(entry.id), "kind": .string(entry.kind.rawValue),
          "occurred_at": .string(entry.occurredAt),
          "neighbourhood": entry.neighbourhood.map(JSONValue.string) ?? .null,
          "initiative": entry.initiative.map(JSONValue.string) ?? .null,
          "questions": .array(entry.questions.map(JSONValue.string)),
          "tags": .array(entry.tags.map(JSONValue.string)),
        ]
        object["codes"] = .object(
          Dictionary(
            uniqueKeysWithValues: zip(codePaths.map(\.path), perCode.map { .integer(Int64($0)) })))
        try each(
          Row(
            entry: entry.id,
            cells: [
              entry.id, entry.kind.rawValue, entry.occurredAt, entry.neighbourhood ?? "",
              entry.initiative ?? "", questions, tags,
            ] + perCode.map(String.init), withheld: false, json: { .object(object) }))
        continue
      }
      let (body, withheld) = try exportedBody(entry, db: db)
      var record = entry
      record.body = body
      // A title taken from the body's first line quotes the participants just as the body does.
      if withheld && entry.hasDerivedTitle { record.title = Placeholder.withheld }
      try each(
        Row(
          entry: entry.id,
          cells: [
            entry.id, entry.kind.rawValue, entry.occurredAt, entry.recordedAt, entry.author,
            entry.neighbourhood ?? "", entry.initiative ?? "", questions, tags,
            entry.participants.map(\.typed).joined(separator: "|"), record.title, body,
            String(entry.version),
          ] + Self.fieldNames.map { entry.fields[$0].map(Fields.text(of:)) ?? "" }
            + [
              entry.cycle ?? "", entry.phase?.rawValue ?? "", flags.memberCheck(entry),
              flags.consentLetter(entry),
            ],
          withheld: withheld,
          json: { [record] in
            guard case .object(var members) = try Self.jsonValue(record) else {
              return try Self.jsonValue(record)
            }
            // Flags, present only when they flag something, so an unflagged record is the
            // entry as `show --json` prints it.
            let checked = flags.memberCheck(entry)
            let letters = flags.consentLetter(entry)
            if !checked.isEmpty { members["member_check"] = .string(checked) }
            if !letters.isEmpty { members["consent_letter"] = .string(letters) }
            return .object(members)
          }))
    }
  }

  private func codingRows(_ db: Database, _ each: (Row) throws -> Void) throws {
    let filter = try request.filter.sql(db)
    // --code chooses the codings themselves here, not only the entries that hold them.
    let codes = try request.filter.code.map {
      try CodeRow.descendants(of: try Codebook.resolve($0, in: db), in: db)
    }
    let cursor = try ExchangeQueries.codings(matching: filter, codes: codes, in: db)
    var entries: [String: (EntryRecord, withheld: Bool)] = [:]
    while let row = try cursor.next() {
      var coding = Codings.record(row, nodes: nodes)
      if entries[coding.entry] == nil {
        let entry = try EntryQuery.entry(id: coding.entry, in: db)
        entries[coding.entry] = (entry, try exportedBody(entry, db: db).1)
      }
      guard let (entry, withheldEntry) = entries[coding.entry] else { continue }
      // A quote is the entry's own words: it is withheld with the body.
      let withheld = withheldEntry && coding.quote != nil
      if withheld {
        coding.quote = QuotationConsent.withheldBody(
          missing: try ParticipantRegister.lacking(
            .quotation, among: entry.participants.map(\.pseudonym), in: db))
      }
      let json = { [coding] () throws -> JSONValue in
        var members: [String: JSONValue] = [:]
        if case .object(let encoded) = try Self.jsonValue(coding) { members = encoded }
        members["kind"] = .string(entry.kind.rawValue)
        members["neighbourhood"] = entry.neighbourhood.map(JSONValue.string) ?? .null
        members["initiative"] = entry.initiative.map(JSONValue.string) ?? .null
        members["questions"] = .array(entry.questions.map(JSONValue.string))
        return .object(members)
      }
      try each(
        Row(
          entry: entry.id,
          cells: [
            coding.id, entry.id, entry.kind.rawValue, entry.neighbourhood ?? "",
            entry.initiative ?? "",
            entry.questions.joined(separator: "|"), coding.code, coding.codePath, coding.coder,
            coding.start.map(String.init) ?? "", coding.end.map(String.init) ?? "",
            coding.quote ?? "", coding.memo ?? "", coding.codedAt, coding.orphaned ? "1" : "0",
          ], withheld: withheld, json: json))
    }
  }

  private func codebookRows(_ db: Database, _ each: (Row) throws -> Void) throws {
    let usage = try CodeRow.usage(db)
    let codes = try CodeRow.inDefinitionOrder(db).map {
      CodeRecord($0, depth: 0, usage: usage, nodes: nodes)
    }
    for code in codes.sorted(by: { $0.path < $1.path }) {
      try each(
        Row(
          entry: nil,
          cells: [
            code.name, code.path, code.parent ?? "", code.description ?? "", code.color ?? "",
            String(code.codings), String(code.entries),
          ], label: "code '\(code.path)'", withheld: false, json: { try Self.jsonValue(code) }))
    }
  }

  private func memoRows(_ db: Database, _ each: (Row) throws -> Void) throws {
    // Memos about a reflection, or about a coding of one, are the researcher's own too.
    let reflections = try MemoRow.reflectionSubjects(in: db)
    let rows =
      try (request.filter.includeRetracted ? MemoRow.all(db) : MemoRow.notAboutRetracted(db))
      .filter { request.filter.includeReflections || !reflections.contains($0.aboutID) }
    for memo in try Journal.memos(rows, in: db) {
      try each(
        Row(
          entry: memo.aboutKind == "entry" ? memo.about : nil,
          cells: [memo.id, memo.aboutPath ?? memo.about, memo.author, memo.time, memo.text],
          label: "memo \(memo.id.prefix(8))", withheld: false, json: { try Self.jsonValue(memo) }))
    }
  }

  /// One JSON Lines record: stable keys, no white space, a line feed.
  func jsonLine(_ row: Row) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(row.json()) + Data("\n".utf8)
  }
}

/// The action-research flags an entry export carries: what the participants it names said in
/// their member checks, and whom it names without consent on its letter.
struct ParFlags {
  /// Each participant's member checks (by lower-case pseudonym), oldest first.
  let checks: [String: [MemberCheck]]
  let letters: [String: [String]]

  init(_ db: Database) throws {
    checks = Dictionary(
      grouping: try MemberCheckRow.all(participant: nil, in: db),
      by: { $0.participant.lowercased() }
    )
    var letters: [String: [String]] = [:]
    for finding in try ConsentRow.unconsentedLetters(in: db) {
      letters[finding.entry, default: []].append("\(finding.pseudonym) lacks \(finding.letter)")
    }
    self.letters = letters
  }

  /// Per participant the entry names, their latest response about it (or, failing that, about
  /// everything written about them): `P-017 disagrees|P-021 agrees`.
  func memberCheck(_ entry: EntryRecord) -> String {
    entry.peopleNamed.compactMap { pseudonym -> String? in
      let mine = checks[pseudonym.lowercased()] ?? []
      guard
        let latest = mine.last(where: { $0.entry == entry.id })
          ?? mine.last(where: { $0.entry == nil })
      else { return nil }
      return "\(latest.participant) \(latest.response.rawValue)"
    }.joined(separator: "|")
  }

  func consentLetter(_ entry: EntryRecord) -> String {
    (letters[entry.id] ?? []).joined(separator: "|")
  }
}

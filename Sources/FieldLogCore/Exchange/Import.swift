import Foundation
import GRDB

/// The formats `import` reads.
public enum ImportFormat: String, CaseIterable, Sendable {
  case jsonl, csv, markdown
  /// A REFI-QDA codebook, into the codebook.
  case qdc

  /// The format a path implies: a folder or `.md` is Markdown, else the extension.
  public static func guess(_ path: String) -> ImportFormat? {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
      isDirectory.boolValue
    {
      return .markdown
    }
    switch URL(fileURLWithPath: path).pathExtension.lowercased() {
    case "jsonl", "ndjson": return .jsonl
    case "csv": return .csv
    case "md", "markdown": return .markdown
    case "qdc": return .qdc
    default: return nil
    }
  }
}

/// What an import did.
public struct ImportSummary: Equatable, Sendable {
  public var imported: Int
  /// Records whose id the journal knows already.
  public var skipped: Int
  /// Records of redacted entries: there is no text to import.
  public var redacted: Int = 0
  /// Vocabulary and participants `--add-missing` added, as "neighbourhood 'X'".
  public var added: [String]
}

/// One entry to import, as read from a file, and where it came from.
struct ImportRecord {
  var place: String
  var id: String?
  var kind: String
  var title: String?
  var body: String
  var neighbourhood: String?
  var initiative: String?
  var questions: [String]
  var tags: [String]
  var participants: [String]
  var fields: [String: JSONValue]
  var occurredAt: String?
  var recordedAt: String?
  var author: String?
  var version: Int?
  /// The entry was redacted where it came from; it is counted, not imported.
  var redacted = false
  /// The entry was retracted where it came from, and why; it stays retracted.
  var retraction: String? = nil
  /// Its action-research cycle (a code this study knows) and phase.
  var cycle: String? = nil
  var phase: String? = nil
}

extension Journal {
  /// Imports entries from files, all in one transaction: one bad record imports nothing.
  public func importEntries(
    from paths: [String], format: ImportFormat?, addMissing: Bool,
    progress: ProgressReport? = nil
  ) throws -> ImportSummary {
    for path in paths { _ = try Importer.format(of: path, given: format) }
    let total = progress == nil ? nil : Importer.estimatedRecords(paths, format: format)
    let progress = progress.map { report in
      { (done: Int) in report(WorkProgress(step: "importing entries", done: done, total: total)) }
    }
    // Records are read as they are recorded, in the one transaction, so a large file is never held
    // whole: one bad record still rolls everything back.
    return try write { db in
      var recorder = ImportRecorder(addMissing: addMissing, progress: progress)
      for path in paths {
        try Importer.eachRecord(path, format: format) { try recorder.record($0, in: db) }
      }
      return recorder.summary
    }
  }
}

/// Reads the entries of one file format and hands them over one by one, in the file's order;
/// nothing is written.
protocol EntryFileReader {
  static func read(_ path: String, _ each: (ImportRecord) throws -> Void) throws
}

enum Importer {
  static let limit = 512 * 1_048_576

  /// The records of one file, in `format` or the one its path implies; nothing is written.
  static func records(_ path: String, format: ImportFormat?) throws -> [ImportRecord] {
    var records: [ImportRecord] = []
    try eachRecord(path, format: format) { records.append($0) }
    return records
  }

  /// About how many records `paths` hold, for the time left of an import: the lines of JSON Lines
  /// and CSV files, the Markdown files of a folder. Nil when a file cannot be read (the import
  /// itself then says why).
  static func estimatedRecords(_ paths: [String], format: ImportFormat?) -> Int? {
    var total = 0
    for path in paths {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        return nil
      }
      if isDirectory.boolValue {
        let names = FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? []
        total += names.filter { $0.lowercased().hasSuffix(".md") }.count
      } else if (format ?? ImportFormat.guess(path)) == .markdown {
        total += 1
      } else {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        else { return nil }
        total += data.withUnsafeBytes { buffer -> Int in
          guard var cursor = buffer.baseAddress else { return 0 }
          let end = cursor + buffer.count
          var lines = 0
          while cursor < end, let found = memchr(cursor, 0x0A, end - cursor) {
            lines += 1
            cursor = UnsafeRawPointer(found) + 1
          }
          return lines
        }
      }
    }
    return total
  }

  /// The format of a file of entries, or why it cannot be imported with them.
  static func format(of path: String, given format: ImportFormat?) throws -> ImportFormat {
    guard let format = format ?? ImportFormat.guess(path) else {
      throw FieldLogError.invalidInput(
        "cannot tell the format of '\(path)'", hint: "name it with --format jsonl|csv|markdown")
    }
    if format == .qdc {
      throw FieldLogError.invalidInput(
        "'\(path)' is a codebook; import it on its own", hint: "fieldlog import \(path)")
    }
    return format
  }

  /// Hands over the records of one file one by one, read by the reader of its format.
  static func eachRecord(
    _ path: String, format: ImportFormat?, _ body: (ImportRecord) throws -> Void
  ) throws {
    let reader: any EntryFileReader.Type =
      switch try Self.format(of: path, given: format) {
      case .jsonl: JSONLinesReader.self
      case .csv: CSVEntryReader.self
      case .markdown, .qdc: MarkdownReader.self
      }
    try reader.read(path, body)
  }

  /// Records what `records` read, in the caller's transaction: one bad record throws.
  static func importRecords(
    _ records: [ImportRecord], addMissing: Bool, progress: ((Int) -> Void)?, in db: Database
  ) throws -> ImportSummary {
    var recorder = ImportRecorder(addMissing: addMissing, progress: progress)
    for record in records { try recorder.record(record, in: db) }
    return recorder.summary
  }

  /// A whole file as text, without its byte order mark.
  static func text(_ path: String) throws -> String {
    let data = try InputFile.read(path, what: "import file", limit: limit)
    guard let text = String(validating: data, as: UTF8.self) else {
      throw FieldLogError.invalidInput("'\(path)' is not valid UTF-8")
    }
    return Text.droppingByteOrderMark(text)
  }
}

/// Records the entries the readers hand over, in the caller's transaction, and counts them: one
/// bad record throws, and the transaction then records none.
struct ImportRecorder {
  let addMissing: Bool
  let progress: ((Int) -> Void)?
  private(set) var summary = ImportSummary(imported: 0, skipped: 0, added: [])

  init(addMissing: Bool, progress: ((Int) -> Void)?) {
    self.addMissing = addMissing
    self.progress = progress
  }

  /// Records one entry, or counts it as skipped (known already) or redacted.
  mutating func record(_ record: ImportRecord, in db: Database) throws {
    if record.redacted {
      summary.redacted += 1
      return
    }
    // Events name subjects in lower case; an id typed in upper case is the same entry.
    if let id = record.id.map({ UUID(uuidString: $0)?.lowercased ?? $0 }),
      try ExchangeQueries.isSubject(id, in: db)
    {
      summary.skipped += 1
      return
    }
    do {
      if addMissing { summary.added += try Self.addMissing(record, in: db) }
      try Self.recordEntry(record, in: db)
    } catch let error as FieldLogError {
      let message = "\(record.place): \(error.message); nothing was imported"
      switch error {
      // A file or the journal that cannot be read or written is no fault of the record's: such
      // an error keeps its exit code (74, 1), not that of bad input (65).
      case .io(_, let hint): throw FieldLogError.io(message, hint: hint)
      case .damaged: throw FieldLogError.damaged(message)
      default:
        // The recorder's hints speak of 'add' options; for an import, one hint helps.
        let missingName =
          error.message.hasPrefix("unknown neighbourhood")
          || error.message.hasPrefix("unknown initiative")
          || error.message.hasPrefix("unknown research question")
          || error.message.hasPrefix("unknown participant")
        throw FieldLogError.invalidInput(
          message,
          hint: missingName && !addMissing ? "--add-missing adds names the study lacks" : nil)
      }
    }
    summary.imported += 1
    if summary.imported % 64 == 0 { progress?(summary.imported) }
  }

  /// Records an entry exactly as the record says: its id, author, times and version are kept.
  static func recordEntry(_ record: ImportRecord, in db: Database) throws {
    if Placeholder.isPlaceholder(body: record.body) {
      throw FieldLogError.invalidInput(
        "the body is a placeholder ('\(record.body.prefix(30))…'), not the text; export with "
          + "--include-withheld to move entries between journals")
    }
    let kind = try EntryKind.parse(record.kind)
    var pairs: [(String, String)] = []
    var base: [String: JSONValue] = [:]
    for (key, value) in record.fields.sorted(by: { $0.key < $1.key }) {
      if key == "recording", case .string(let path) = value {
        // Only a path (as CSV and Markdown give it): the file is hashed again, as by 'add'.
        pairs.append((key, path))
      } else if key == "recording" {
        guard case .object(let members) = value, case .string? = members["path"],
          case .string(let hash)? = members["sha256"], hash.count == 64,
          case .integer? = members["size"]
        else {
          throw FieldLogError.invalidInput("the field 'recording' must be {path, sha256, size}")
        }
        base[key] = value
      } else {
        pairs.append((key, Fields.text(of: value)))
      }
    }
    var draft = EntryDraft(
      kind: kind, title: record.title, body: record.body, neighbourhood: record.neighbourhood,
      initiative: record.initiative, questions: record.questions, tags: record.tags,
      participants: record.participants, fields: pairs, baseFields: base,
      occurredAt: record.occurredAt)
    draft.cycle = record.cycle
    draft.phase = record.phase
    var payload = try EntryRecorder.payload(for: draft, in: db, now: Date())
    // An export names the cycle an entry's day falls in as its cycle: here too it stays the day's.
    if let cycle = payload.cycle,
      try cycle == ActionResearch.cycleID(ofDay: String(payload.occurredAt.prefix(10)), in: db)
    {
      payload.cycle = nil
    }
    if let author = record.author { payload.author = try Text.line(author, what: "author") }
    if let version = record.version, version > 1 { payload.version = version }
    if let recordedAt = record.recordedAt {
      guard recordedAt.hasSuffix("Z"),
        (try? FieldTime.parse(String(recordedAt.prefix(19)) + "Z")) != nil
      else { throw FieldLogError.invalidInput("recorded_at '\(recordedAt)' is not a UTC time") }
      payload.recordedAt = recordedAt
    }
    payload.importedFrom = record.place
    let id =
      try record.id.map { text -> UUID in
        guard let uuid = UUID(uuidString: text) else {
          throw FieldLogError.invalidInput("the id '\(text)' is not a UUID")
        }
        return uuid
      } ?? UUID()
    let recorded = try EventLog.append(.entryRecorded, subject: id, payload: payload, in: db)
    if let reason = record.retraction {
      try EventLog.append(
        .entryRetracted, subject: id, target: recorded.hash,
        payload: Payload.EntryRetracted(
          reason: reason.isEmpty ? "retracted where it was imported from" : reason,
          author: payload.author),
        in: db)
    }
  }

  /// Adds the names a record uses that the study lacks; returns what was added.
  static func addMissing(_ record: ImportRecord, in db: Database) throws -> [String] {
    var added: [String] = []
    if let name = record.neighbourhood,
      try known({ try Vocabulary.neighbourhood(name, in: db) }) == nil
    {
      try StudyRecorder.addNeighbourhood(name, description: nil, in: db, at: Date())
      added.append("neighbourhood '\(name)'")
    }
    if let name = record.initiative, let place = record.neighbourhood,
      let neighbourhood = try known({ try Vocabulary.neighbourhood(place, in: db) }),
      try known({ try Vocabulary.initiative(name, in: neighbourhood, db: db) }) == nil
    {
      try StudyRecorder.addInitiative(
        name, neighbourhood: place, description: nil, in: db, at: Date())
      added.append("initiative '\(name)' in '\(neighbourhood.name)'")
    }
    for code in record.questions {
      guard try known({ try Vocabulary.question(code, in: db) }) == nil else { continue }
      try StudyRecorder.addQuestion(code, text: "(added by import)", in: db, at: Date())
      added.append("research question '\(code)'")
    }
    for raw in record.participants {
      let participant = try ParticipantRef.parse(raw)
      if try known({ try ParticipantRegister.known(participant.pseudonym, in: db) }) == nil {
        try ParticipantRegister.add(
          participant.pseudonym, role: nil, neighbourhood: nil, in: db, at: Date())
        added.append("participant '\(participant.pseudonym)'")
      }
    }
    return added
  }

  /// What `look` finds, or nil when it refuses the name (unknown, or not where it is looked
  /// for); any other error, as the database's, is thrown.
  private static func known<Found>(_ look: () throws -> Found) throws -> Found? {
    do {
      return try look()
    } catch let error as FieldLogError {
      switch error {
      case .unknownName, .invalidInput: return nil
      default: throw error
      }
    }
  }
}

/// JSON Lines, one entry object a line, as `export entries --format jsonl` writes them: read as
/// they go, so a large file is never held whole.
enum JSONLinesReader: EntryFileReader {

  /// The lines of a file, read a chunk at a time: each as text without its line end (LF or CRLF),
  /// with its number; the byte order mark is dropped.
  static func lines(_ path: String, _ body: (String, Int) throws -> Void) throws {
    try InputFile.check(path, what: "import file")
    let limit = Importer.limit
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    guard size <= limit else {
      throw FieldLogError.invalidInput(
        "the import file '\(path)' is larger than the limit of \(limit) bytes (\(limit / 1_048_576) MiB)"
      )
    }
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw FieldLogError.io("cannot read the import file '\(path)'", hint: "check its permissions")
    }
    defer { try? handle.close() }
    var pending: [UInt8] = []
    var number = 0
    func emit(_ bytes: ArraySlice<UInt8>) throws {
      number += 1
      var bytes = bytes
      if number == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
      if bytes.last == 0x0D { bytes = bytes.dropLast() }
      guard let text = String(validating: bytes, as: UTF8.self) else {
        throw FieldLogError.invalidInput("'\(path)' is not valid UTF-8 (line \(number))")
      }
      try body(text, number)
    }
    while true {
      let chunk: Data?
      do {
        chunk = try handle.read(upToCount: 1 << 20)
      } catch {
        throw FieldLogError.io(
          "cannot read the import file '\(path)': \(error.localizedDescription)")
      }
      guard let chunk, !chunk.isEmpty else { break }
      pending.append(contentsOf: chunk)
      var start = pending.startIndex
      while let end = pending[start...].firstIndex(of: 0x0A) {
        try emit(pending[start..<end])
        start = end + 1
      }
      pending.removeSubrange(..<start)
    }
    if !pending.isEmpty || number == 0 { try emit(pending[...]) }
  }

  /// Hands over the records of a JSON Lines file as it reads them.
  static func read(_ path: String, _ body: (ImportRecord) throws -> Void) throws {
    let name = URL(fileURLWithPath: path).lastPathComponent
    try lines(path) { line, number in
      guard !Text.isBlank(line) else { return }
      let place = "\(name) line \(number)"
      guard
        case .object(let object)? = try? JSONValue.parse(line)
      else {
        throw FieldLogError.invalidInput("\(place): not a JSON object (fractions are not accepted)")
      }
      func string(_ key: String, required: Bool = false) throws -> String? {
        switch object[key] {
        case .string(let value)?: return value
        case .null?, nil:
          if required { throw FieldLogError.invalidInput("\(place): '\(key)' is missing") }
          return nil
        default: throw FieldLogError.invalidInput("\(place): '\(key)' must be text")
        }
      }
      func strings(_ key: String) throws -> [String] {
        guard let value = object[key] else { return [] }
        guard case .array(let items) = value else {
          throw FieldLogError.invalidInput("\(place): '\(key)' must be a list")
        }
        return try items.map {
          guard case .string(let text) = $0 else {
            throw FieldLogError.invalidInput("\(place): '\(key)' must be a list of text")
          }
          return text
        }
      }
      var participants: [String] = []
      if case .array(let items)? = object["participants"] {
        for item in items {
          guard case .object(let person) = item, case .string(let pseudonym)? = person["pseudonym"]
          else {
            throw FieldLogError.invalidInput("\(place): 'participants' must hold {pseudonym, role}")
          }
          if case .string(let role)? = person["role"] {
            participants.append("\(pseudonym):\(role)")
          } else {
            participants.append(pseudonym)
          }
        }
      } else if object["participants"] != nil && object["participants"] != .null {
        throw FieldLogError.invalidInput("\(place): 'participants' must be a list")
      }
      var fields: [String: JSONValue] = [:]
      if let value = object["fields"] {
        guard case .object(let members) = value else {
          throw FieldLogError.invalidInput("\(place): 'fields' must be an object")
        }
        fields = members
      }
      var version: Int?
      if let value = object["version"] {
        guard case .integer(let number) = value, number >= 1 else {
          throw FieldLogError.invalidInput("\(place): 'version' must be a whole number from 1")
        }
        version = Int(number)
      }
      var retraction: String?
      if case .object(let retracted)? = object["retracted"] {
        if case .string(let reason)? = retracted["reason"] {
          retraction = reason
        } else {
          retraction = ""
        }
      }
      try body(
        ImportRecord(
          place: place, id: try string("id"), kind: try string("kind", required: true) ?? "",
          title: try string("title"), body: try string("body", required: true) ?? "",
          neighbourhood: try string("neighbourhood"), initiative: try string("initiative"),
          questions: try strings("questions"), tags: try strings("tags"),
          participants: participants,
          fields: fields, occurredAt: try string("occurred_at"),
          recordedAt: try string("recorded_at"),
          author: try string("author"), version: version,
          redacted: object["redacted"].map { $0 != .null } ?? false, retraction: retraction,
          cycle: try string("cycle"), phase: try string("phase")))
    }
  }

}

/// CSV in the layout `export entries` writes; `,`, `;` or a tab is taken from the header line.
enum CSVEntryReader: EntryFileReader {
  /// Every line is read and checked before the first record is handed over.
  static func read(_ path: String, _ each: (ImportRecord) throws -> Void) throws {
    for record in try records(path) { try each(record) }
  }

  /// Reads the `entries` layout; `,` or `;` is taken from the header line.
  static func records(_ path: String) throws -> [ImportRecord] {
    let name = URL(fileURLWithPath: path).lastPathComponent
    let content = try Importer.text(path)
    let headerLine = content.prefix { $0 != "\n" && $0 != "\r\n" }
    // The delimiter the header line uses most: ',' (RFC 4180), ';' (Dutch Excel) or a tab.
    let delimiter: Character =
      [",", ";", "\t"].max { candidate, other in
        headerLine.filter { $0 == candidate }.count < headerLine.filter { $0 == other }.count
      } ?? ","
    let rows = try CSV.read(content, delimiter: delimiter, source: name)
    guard
      let header = rows.first?.cells.map({ $0.lowercased().trimmingCharacters(in: .whitespaces) })
    else { return [] }
    let known: Set = [
      "id", "kind", "occurred_at", "recorded_at", "author", "neighbourhood", "initiative",
      "questions",
      "tags", "participants", "title", "body", "version", "cycle", "phase",
      // What `export entries` derives for the reader (member checks, consent on the letter):
      // read, and worked out anew in this journal.
      "member_check", "consent_letter",
    ]
    let fieldNames = Set(EntryKind.allCases.flatMap { $0.fields.map(\.name) })
    let unknown = header.filter {
      !known.contains($0)
        && !($0.hasPrefix("field.") && fieldNames.contains(String($0.dropFirst(6))))
    }
    guard unknown.isEmpty else {
      throw FieldLogError.invalidInput(
        "\(name): unknown " + (unknown.count == 1 ? "column " : "columns ")
          + unknown.map { "'\($0)'" }.joined(separator: ", "),
        hint: "the columns are those 'fieldlog export entries' writes")
    }
    for required in ["kind", "body"] where !header.contains(required) {
      throw FieldLogError.invalidInput("\(name): the column '\(required)' is missing")
    }
    return try rows.dropFirst().map { row in
      let place = "\(name) line \(row.line)"
      guard row.cells.count == header.count else {
        throw FieldLogError.invalidInput(
          "\(place): \(row.cells.count) cells where the header has \(header.count)")
      }
      var cells: [String: String] = [:]
      for (column, value) in zip(header, row.cells) {
        // The Dutch Excel profile put a ' before cells Excel would run as a formula.
        let unguarded =
          value.hasPrefix("'") && value.dropFirst().first.map { "=+-@\t\r".contains($0) } == true
          ? String(value.dropFirst()) : value
        cells[column] = unguarded
      }
      func optional(_ key: String) -> String? { cells[key].flatMap { $0.isEmpty ? nil : $0 } }
      func list(_ key: String) -> [String] {
        optional(key)?.split(separator: "|").map(String.init) ?? []
      }
      var fields: [String: JSONValue] = [:]
      for (column, value) in cells where column.hasPrefix("field.") && !value.isEmpty {
        fields[String(column.dropFirst(6))] = .string(value)
      }
      var version: Int?
      if let text = optional("version") {
        guard let number = Int(text), number >= 1 else {
          throw FieldLogError.invalidInput(
            "\(place): 'version' must be a whole number from 1, not '\(text)'")
        }
        version = number
      }
      return ImportRecord(
        place: place, id: optional("id"), kind: cells["kind"] ?? "", title: optional("title"),
        body: cells["body"] ?? "", neighbourhood: optional("neighbourhood"),
        initiative: optional("initiative"), questions: list("questions"), tags: list("tags"),
        participants: list("participants"), fields: fields, occurredAt: optional("occurred_at"),
        recordedAt: optional("recorded_at"), author: optional("author"), version: version,
        // CSV has no column for it: a redacted entry shows as its placeholder.
        redacted: Placeholder.isRedacted(title: cells["title"], body: cells["body"]),
        cycle: optional("cycle"), phase: optional("phase"))
    }
  }

}

/// A folder of notes (or one note) with YAML front matter, as Obsidian and Zettlr keep them.
enum MarkdownReader: EntryFileReader {
  /// Every note is read and checked before the first record is handed over.
  static func read(_ path: String, _ each: (ImportRecord) throws -> Void) throws {
    for record in try records(path) { try each(record) }
  }

  /// The notes of a folder (or one note), by path.
  static func records(_ path: String) throws -> [ImportRecord] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw FieldLogError.fileNotFound(path: path)
    }
    let root = URL(fileURLWithPath: path)
    let files: [URL]
    if isDirectory.boolValue {
      let names = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String]) ?? []
      files = names.filter { $0.lowercased().hasSuffix(".md") && !$0.hasPrefix(".") }.sorted()
        .map { root.appendingPathComponent($0) }
    } else {
      files = [root]
    }
    return try files.map { file in
      let relative =
        isDirectory.boolValue
        ? String(file.path.dropFirst(root.path.count + 1)) : file.lastPathComponent
      let place = relative
      let content = Text.normalize(try Importer.text(file.path))
      var header: [String: Any] = [:]
      var body = content
      if content.hasPrefix("---\n"), let end = content.dropFirst(4).range(of: "\n---") {
        let yaml = String(content.dropFirst(4)[..<end.lowerBound])
        switch YAMLText.header(yaml) {
        case .map(let map): header = map
        case .empty, .notAMap:
          throw FieldLogError.invalidInput("\(place): the front matter is not 'key: value' YAML")
        case .notYAML(let message):
          throw FieldLogError.invalidInput(
            "\(place): the front matter is not 'key: value' YAML: \(message)")
        }
        body = String(content.dropFirst(4)[end.upperBound...]).drop { $0 != "\n" }
          .trimmingCharacters(in: .newlines)
      }
      let known: Set = [
        "kind", "date", "at", "title", "neighbourhood", "initiative", "questions", "tags",
        "participants", "fields", "id", "author",
      ]
      if let key = header.keys.sorted().first(where: { !known.contains($0) }) {
        throw FieldLogError.invalidInput(
          "\(place): the front matter has an unknown key '\(key)'",
          hint: "kind-specific fields go under 'fields:'")
      }
      func scalar(_ key: String) -> String? {
        (header[key] as? String).map { $0.trimmingCharacters(in: .whitespaces) }.flatMap {
          $0.isEmpty ? nil : $0
        }
      }
      func list(_ key: String) -> [String] {
        if let items = header[key] as? [Any] { return items.compactMap { $0 as? String } }
        return scalar(key)?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
          ?? []
      }
      var fields: [String: JSONValue] = [:]
      if let map = header["fields"] as? [String: Any] {
        for (key, value) in map {
          if let text = value as? String { fields[key] = .string(text) }
          if let items = value as? [Any] {
            fields[key] = .string(items.compactMap { $0 as? String }.joined(separator: ","))
          }
        }
      }
      // Title: the front matter's, else the first heading, else the file name.
      let heading = body.split(separator: "\n").first { $0.hasPrefix("# ") }.map {
        String($0.dropFirst(2)).trimmingCharacters(in: .whitespaces)
      }
      let title = scalar("title") ?? heading ?? file.deletingPathExtension().lastPathComponent
      // A note has no id of its own: one derived from its path makes a second import skip it.
      let id =
        scalar("id") ?? Hashing.derivedID(namespace: "markdown-note", key: relative).lowercased
      return ImportRecord(
        place: place, id: id, kind: scalar("kind") ?? "observation", title: title, body: body,
        neighbourhood: scalar("neighbourhood"), initiative: scalar("initiative"),
        questions: list("questions"), tags: list("tags"), participants: list("participants"),
        fields: fields, occurredAt: scalar("date") ?? scalar("at"), recordedAt: nil,
        author: scalar("author"), version: nil)
    }
  }
}

extension CSV {
  /// A parsed CSV line with the line it starts on.
  struct Row {
    var line: Int
    var cells: [String]
  }

  /// Reads RFC 4180 CSV strictly: quoted fields may hold delimiters, quotes ("") and line breaks;
  /// an unbalanced quote is an error naming the line it starts on.
  static func read(_ text: String, delimiter: Character, source: String) throws -> [Row] {
    var rows: [Row] = []
    var cells: [String] = []
    var cell = ""
    var quoted = false
    var line = 1
    var rowLine = 1
    var quoteLine = 1
    var atCellStart = true
    var scalars = Array(text.unicodeScalars)[...]
    let separator = delimiter.unicodeScalars.first ?? ","
    func endRow() {
      cells.append(cell)
      if !(cells.count == 1 && cells[0].isEmpty) { rows.append(Row(line: rowLine, cells: cells)) }
      cells = []
      cell = ""
      atCellStart = true
    }
    while let scalar = scalars.popFirst() {
      if quoted {
        if scalar == "\"" {
          if scalars.first == "\"" {
            cell.unicodeScalars.append("\"")
            scalars.removeFirst()
          } else {
            quoted = false
          }
        } else {
          if scalar == "\n" { line += 1 }
          cell.unicodeScalars.append(scalar)
        }
        continue
      }
      switch scalar {
      case "\"" where atCellStart:
        quoted = true
        quoteLine = line
        atCellStart = false
      case "\"":
        throw FieldLogError.invalidInput(
          "\(source) line \(line): a quote inside an unquoted cell; quote the whole cell")
      case separator:
        cells.append(cell)
        cell = ""
        atCellStart = true
      case "\r" where scalars.first == "\n":
        break
      case "\n":
        endRow()
        line += 1
        rowLine = line
      default:
        cell.unicodeScalars.append(scalar)
        atCellStart = false
      }
    }
    if quoted {
      throw FieldLogError.invalidInput(
        "\(source) line \(quoteLine): a quoted cell is never closed (unbalanced quote)")
    }
    if !cell.isEmpty || !cells.isEmpty { endRow() }
    return rows
  }
}

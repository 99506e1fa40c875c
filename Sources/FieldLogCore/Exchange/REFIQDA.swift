import Foundation
import GRDB
import ZIPFoundation

/// Writes REFI-QDA 1.0: a project (`.qdpx`, a zip with `project.qde` and `sources/<guid>.txt`) for
/// ATLAS.ti, NVivo, MAXQDA and QualCoder, or the codebook alone (`.qdc`).
///
/// GUIDs are the journal's own ids, or derived from them, so exporting twice gives identical bytes.
enum REFIQDA {
  static let projectNamespace = "urn:QDA-XML:project:1.0"
  static let codebookNamespace = "urn:QDA-XML:codebook:1.0"
  /// Zip entries carry this date (the zip epoch), never the clock, for byte-identical exports.
  static let zipDate = Date(timeIntervalSince1970: 315_532_800)

  /// Start and end positions in `unit` for a span of code points (`start..<end`) of `body`.
  ///
  /// Code points are what REFI-QDA counts; UTF-16 units are what QualCoder's editor counts, and
  /// the two differ by one for every character beyond U+FFFF before the position.
  static func positions(_ start: Int, _ end: Int, in body: String, unit: TextOffsets) -> (Int, Int)
  {
    guard unit == .utf16 else { return (start, end) }
    var units = 0
    var startUnits = start
    for (index, scalar) in body.unicodeScalars.enumerated() {
      if index == start { startUnits = units }
      if index == end { return (startUnits, units) }
      units += scalar.utf16.count
    }
    return (start >= body.unicodeScalars.count ? units : startUnits, units)
  }

  /// Whether `text` holds a character beyond U+FFFF (most emoji, some letters), which code points
  /// and UTF-16 units count differently.
  static func hasAstral(_ text: String) -> Bool {
    text.unicodeScalars.contains { $0.value > 0xFFFF }
  }

  static func guid(_ namespace: String, _ key: String) -> String {
    Hashing.derivedID(namespace: "refi-qda." + namespace, key: key).lowercased
  }

  /// The codebook tree as `Code` elements; `notes` adds NoteRefs for memos about codes.
  static func writeCodes(
    _ xml: inout XMLWriter, parent: String?,
    codes: [(
      id: String, name: String, parent: String?,
      description: String?, color: String?
    )], notes: [String: [String]]
  ) {
    for code in codes where code.parent == parent {
      xml.open(
        "Code",
        [("guid", code.id), ("name", code.name), ("isCodable", "true"), ("color", code.color)])
      if let description = code.description, !description.isEmpty {
        xml.element("Description", text: description)
      }
      for note in notes[code.id] ?? [] { xml.empty("NoteRef", [("targetGUID", note)]) }
      writeCodes(&xml, parent: code.id, codes: codes, notes: notes)
      xml.close("Code")
    }
  }

  static func codes(_ db: Database) throws -> [(
    id: String, name: String, parent: String?, description: String?, color: String?
  )] {
    try CodeRow.inNameOrder(db).map { ($0.id, $0.name, $0.parentID, $0.description, $0.color) }
  }
}

/// A small XML writer: escaping, and characters XML 1.0 cannot carry replaced by U+FFFD.
///
/// Every attribute value and element text it writes passes its `screen`, the real-name guard's
/// choke point, except attributes that hold only ids, times, offsets and flags.
struct XMLWriter {
  private(set) var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  private var depth = 0
  var screen: NameScreen?
  static let machineAttributes: Set = [
    "guid", "targetGUID", "creatingUser", "creationDateTime", "plainTextPath", "startPosition",
    "endPosition", "isCodable", "color", "typeOfVariable", "xmlns", "origin",
  ]

  mutating func open(_ name: String, _ attributes: [(String, String?)] = []) {
    let written = self.attributes(attributes, of: name)
    text += indent + "<" + name + written + ">\n"
    depth += 1
  }

  mutating func empty(_ name: String, _ attributes: [(String, String?)] = []) {
    let written = self.attributes(attributes, of: name)
    text += indent + "<" + name + written + "/>\n"
  }

  mutating func close(_ name: String) {
    depth -= 1
    text += indent + "</" + name + ">\n"
  }

  mutating func element(_ name: String, text value: String) {
    screen?.screen(value, field: name)
    text += indent + "<" + name + ">" + Self.escape(value, attribute: false) + "</" + name + ">\n"
  }

  var indent: String { String(repeating: "  ", count: depth) }

  private mutating func attributes(_ pairs: [(String, String?)], of element: String) -> String {
    for case let (name, value?) in pairs where !Self.machineAttributes.contains(name) {
      screen?.screen(value, field: element + " " + name)
    }
    return pairs.compactMap { name, value in
      value.map { " \(name)=\"\(Self.escape($0, attribute: true))\"" }
    }.joined()
  }

  static func escape(_ value: String, attribute: Bool) -> String {
    var out = ""
    out.unicodeScalars.reserveCapacity(value.unicodeScalars.count)
    for scalar in value.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"" where attribute: out += "&quot;"
      // In element text too: `raw` indents every line it nests, which would change the text.
      case "\n": out += "&#10;"
      case "\r": out += "&#13;"
      case "\t" where attribute: out += "&#9;"
      default:
        let allowed =
          scalar == "\t" || scalar == "\n" || (0x20...0xD7FF).contains(scalar.value)
          || (0xE000...0xFFFD).contains(scalar.value) || scalar.value >= 0x10000
        out.unicodeScalars.append(allowed ? scalar : "\u{FFFD}")
      }
    }
    return out
  }
}

/// How a `.qdpx` counts positions in a text: code points as the REFI-QDA standard says, or UTF-16
/// units for tools that count those (QualCoder, whose Qt editor does).
public enum TextOffsets: String, CaseIterable, Sendable {
  case codePoints = "codepoints"
  case utf16
}

extension Journal {
  /// The codebook as a REFI-QDA `.qdc` document.
  public func exportCodebook(people: [KeyFile.Person] = [], allowWords: [String] = []) throws
    -> Data
  {
    try read { db in
      var xml = XMLWriter()
      xml.screen = try NameScreen(
        ExportRequest(table: .codebook, people: people, allowWords: allowWords), db: db)
      xml.screen?.place = "the codebook"
      xml.open("CodeBook", [("xmlns", REFIQDA.codebookNamespace), ("origin", "fieldlog")])
      let codes = try REFIQDA.codes(db)
      xml.open("Codes")
      REFIQDA.writeCodes(&xml, parent: nil, codes: codes, notes: [:])
      xml.close("Codes")
      xml.close("CodeBook")
      guard !codes.isEmpty else {
        throw FieldLogError.invalidInput("the codebook is empty; a .qdc needs at least one code")
      }
      try xml.screen?.enforce()
      return Data(xml.text.utf8)
    }
  }

  /// Writes a REFI-QDA project to `path` (mode 0600, renamed into place only when complete).
  ///
  /// `offsets` chooses how selections count positions; the summary's `astralSources` counts the
  /// coded sources where that choice matters.
  public func exportProject(
    _ request: ExportRequest, offsets: TextOffsets = .codePoints, toFile path: String,
    replace: Bool = false
  ) throws -> ExportSummary {
    let (project, sources, summary) = try read { db in
      try projectDocument(request, offsets: offsets, db: db)
    }
    let archive: Archive
    do {
      archive = try Archive(data: Data(), accessMode: .create)
      for (name, data) in [("project.qde", project)] + sources {
        try archive.addEntry(
          with: name, type: .file, uncompressedSize: Int64(data.count),
          modificationDate: REFIQDA.zipDate, permissions: 0o600, compressionMethod: .deflate,
          provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
      }
    } catch {
      throw FieldLogError.io("cannot build the project archive: \(error.localizedDescription)")
    }
    guard let zipped = archive.data else {
      throw FieldLogError.io("cannot build the project archive")
    }
    try Self.writePrivately(zipped, to: path, replace: replace)
    return summary
  }

  private func projectDocument(_ request: ExportRequest, offsets: TextOffsets, db: Database) throws
    -> (Data, [(String, Data)], ExportSummary)
  {
    let exporter = try Exporter(request: request, db: db)
    let entries = try Array(ExchangeQueries.entries(matching: try request.filter.sql(db), in: db))
    // One screen for the whole project: nothing is written until it has read every text.
    let screen = try NameScreen(request, db: db)
    let nodes = try Codebook.nodes(db)
    let questions = try ExchangeQueries.questions(db)
    let memos = try Journal.memos(try MemoRow.all(db), in: db)
    var memosAbout: [String: [MemoRecord]] = [:]
    for memo in memos { memosAbout[memo.about, default: []].append(memo) }
    var users: [String: String] = [:]
    func user(_ name: String) -> String {
      let id = REFIQDA.guid("user", Text.identityFold(name))
      users[id] = name
      return id
    }

    var summary = ExportSummary(rows: 0, withheld: 0)
    var sourcesXML = XMLWriter()
    sourcesXML.screen = screen
    var files: [(String, Data)] = []
    var cases: [String: (name: String, sources: [String])] = [:]
    var exportedMemoTargets: Set<String> = []
    // What each exported entry and coding is called in the names of notes about it.
    var labels: [String: String] = [:]
    for entry in entries {
      let (body, withheld) = try exporter.exportedBody(entry, db: db)
      let title = withheld && entry.hasDerivedTitle ? Placeholder.withheld : entry.title
      sourcesXML.screen?.place = "entry \(entry.id.prefix(8))"
      sourcesXML.screen?.screen(body, field: "sources/\(entry.id).txt")
      summary.rows += 1
      if withheld { summary.withheld += 1 }
      files.append(("sources/\(entry.id).txt", Data(body.utf8)))
      exportedMemoTargets.insert(entry.id)
      labels[entry.id] = "entry: " + title
      sourcesXML.open(
        "TextSource",
        [
          ("guid", entry.id), ("name", title), ("plainTextPath", "internal://\(entry.id).txt"),
          ("creatingUser", user(entry.author)), ("creationDateTime", entry.recordedAt),
        ])
      // QualCoder reads no Note that a source refers to (it takes such a NoteRef for an
      // annotation), but it reads the source's Description as the file's memo: the memos about
      // the entry go there as well as into Notes.
      if let about = memosAbout[entry.id], !about.isEmpty {
        sourcesXML.element(
          "Description",
          text: about.map { "\($0.text)\n(\($0.author), \($0.time))" }.joined(separator: "\n\n"))
      }
      let length = body.unicodeScalars.count
      let codings = try CodingRow.ofEntryByOffset(entry.id, in: db).map {
        Codings.record($0, nodes: nodes)
      }
      // A segment of a withheld body, or one whose text is gone, has nothing to point at.
      .filter { !$0.orphaned && !(withheld && $0.start != nil) }
      if !codings.isEmpty && REFIQDA.hasAstral(body) { summary.astralSources += 1 }
      for coding in codings {
        exportedMemoTargets.insert(coding.id)
        labels[coding.id] = "coding: \(coding.codePath) in \(title)"
        let (start, end) = REFIQDA.positions(
          coding.start ?? 0, coding.end ?? length, in: body, unit: offsets)
        sourcesXML.open(
          "PlainTextSelection",
          [
            ("guid", REFIQDA.guid("selection", coding.id)),
            ("startPosition", String(start)), ("endPosition", String(end)),
            ("creatingUser", user(coding.coder)), ("creationDateTime", coding.codedAt),
          ])
        // A coding's own memo is the selection's Description: the standard's own example puts a
        // selection's comment there, and QualCoder writes and reads its coding memos there.
        if let memo = coding.memo { sourcesXML.element("Description", text: memo) }
        sourcesXML.open(
          "Coding",
          [
            ("guid", coding.id), ("creatingUser", user(coding.coder)),
            ("creationDateTime", coding.codedAt),
          ])
        sourcesXML.empty("CodeRef", [("targetGUID", coding.codeID)])
        for note in memosAbout[coding.id] ?? [] {
          sourcesXML.empty("NoteRef", [("targetGUID", note.id)])
        }
        sourcesXML.close("Coding")
        sourcesXML.close("PlainTextSelection")
      }
      for note in memosAbout[entry.id] ?? [] {
        sourcesXML.empty("NoteRef", [("targetGUID", note.id)])
      }
      func value(_ variable: String, _ element: String, _ text: String) {
        sourcesXML.open("VariableValue")
        sourcesXML.empty("VariableRef", [("targetGUID", REFIQDA.guid("variable", variable))])
        sourcesXML.element(element, text: text)
        sourcesXML.close("VariableValue")
      }
      value("kind", "TextValue", entry.kind.rawValue)
      value("neighbourhood", "TextValue", entry.neighbourhood ?? "")
      value("initiative", "TextValue", entry.initiative ?? "")
      // QualCoder reads no Case SourceRef; this lets its users find and link a case's sources.
      value(
        "participants", "TextValue", entry.participants.map(\.pseudonym).joined(separator: ", "))
      for question in questions {
        let code = question.code
        value("question " + code, "BooleanValue", entry.questions.contains(code) ? "true" : "false")
      }
      sourcesXML.close("TextSource")
      for participant in entry.participants {
        let id = ParticipantRegister.id(participant.pseudonym).lowercased
        cases[id, default: (participant.pseudonym, [])].sources.append(entry.id)
      }
    }

    var xml = XMLWriter()
    xml.screen = sourcesXML.screen
    xml.screen?.place = "the project"
    let study = try ExchangeQueries.study(db)
    let codes = try REFIQDA.codes(db)
    for memo in memos where memo.aboutKind == "code" { exportedMemoTargets.insert(memo.about) }
    let notes = memos.filter { exportedMemoTargets.contains($0.about) }
    for note in notes { _ = user(note.author) }
    xml.open(
      "Project",
      [
        ("xmlns", REFIQDA.projectNamespace), ("name", study?.name ?? "fieldlog"),
        ("origin", "fieldlog"),
      ])
    if !users.isEmpty {
      xml.open("Users")
      for (id, name) in users.sorted(by: {
        $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key)
      }) {
        xml.empty("User", [("guid", id), ("name", name)])
      }
      xml.close("Users")
    }
    if !codes.isEmpty {
      var codeNotes: [String: [String]] = [:]
      for memo in notes where memo.aboutKind == "code" {
        codeNotes[memo.about, default: []].append(memo.id)
      }
      xml.open("CodeBook")
      xml.open("Codes")
      REFIQDA.writeCodes(&xml, parent: nil, codes: codes, notes: codeNotes)
      xml.close("Codes")
      xml.close("CodeBook")
    }
    xml.open("Variables")
    for (name, type) in [
      ("kind", "Text"), ("neighbourhood", "Text"), ("initiative", "Text"), ("participants", "Text"),
    ] {
      xml.empty(
        "Variable",
        [("guid", REFIQDA.guid("variable", name)), ("name", name), ("typeOfVariable", type)])
    }
    for question in questions {
      let code = question.code
      xml.open(
        "Variable",
        [
          ("guid", REFIQDA.guid("variable", "question " + code)), ("name", code),
          ("typeOfVariable", "Boolean"),
        ])
      xml.element("Description", text: question.text)
      xml.close("Variable")
    }
    xml.close("Variables")
    if !cases.isEmpty {
      xml.open("Cases")
      for (id, found) in cases.sorted(by: { $0.value.name < $1.value.name }) {
        xml.open("Case", [("guid", id), ("name", found.name)])
        for source in found.sources { xml.empty("SourceRef", [("targetGUID", source)]) }
        xml.close("Case")
      }
      xml.close("Cases")
    }
    if !entries.isEmpty {
      xml.open("Sources")
      xml.raw(sourcesXML.body)
      xml.close("Sources")
    }
    if !notes.isEmpty {
      // The text in a file beside the sources, not as PlainTextContent: the standard allows both,
      // NVivo writes this form, and QualCoder reads only this one (as a journal, named by the
      // Note's name, which must be unique: a second journal of the same name stops its import).
      var names: Set<String> = []
      xml.open("Notes")
      for note in notes {
        let about =
          note.aboutKind == "code"
          ? "code: " + Codebook.path(note.about, in: nodes) : labels[note.about] ?? note.aboutKind
        var name = "memo about \(about) · \(note.id.prefix(8))"
        if !names.insert(name).inserted {
          name = "memo about \(about) · \(note.id)"
          names.insert(name)
        }
        xml.screen?.screen(note.text, field: "sources/\(note.id).txt")
        files.append(("sources/\(note.id).txt", Data(note.text.utf8)))
        xml.empty(
          "Note",
          [
            ("guid", note.id), ("name", name), ("plainTextPath", "internal://\(note.id).txt"),
            ("creatingUser", user(note.author)), ("creationDateTime", note.time),
          ])
      }
      xml.close("Notes")
    }
    if let description = study?.description, !description.isEmpty {
      xml.element("Description", text: description)
    }
    xml.close("Project")
    try xml.screen?.enforce()
    return (Data(xml.text.utf8), files, summary)
  }
}

extension XMLWriter {
  /// The elements written so far, without the XML declaration, for nesting in another document.
  var body: String { String(text.drop { $0 != "\n" }.dropFirst()) }

  /// Appends elements written by another writer, indented at the current depth.
  mutating func raw(_ elements: String) {
    for line in elements.split(separator: "\n", omittingEmptySubsequences: true) {
      text += indent + line + "\n"
    }
  }
}

import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Export: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "export",
      abstract:
        "Write entries, codings, a code matrix, the codebook or memos as CSV or JSON Lines.",
      discussion: """
        CSV is RFC 4180 (comma, CRLF, UTF-8 without BOM) unless --excel (for Dutch Excel: ';',
        a BOM, and a leading ' on cells Excel would run as a formula). Retracted entries are left
        out; bodies (and quotes) of entries without quotation consent are withheld; an export that
        would hold a real name from the key file is refused.
        """)

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var filters: FilterOptions
    @OptionGroup var keyFile: KeyFileOptions

    @Argument(
      help: "entries, codings, matrix, codebook, memos; qdpx (REFI-QDA project) or qdc (codebook).")
    var table: String
    @Option(help: "csv (default) or jsonl.")
    var format: String = "csv"
    @Option(name: .shortAndLong, help: "Write to this file (mode 0600) instead of standard output.")
    var output: String?
    @Flag(help: "The profile for Dutch Excel: ';', a UTF-8 BOM, and the formula guard.")
    var excel = false
    @Option(help: "The CSV delimiter, one character (e.g. ';' or a tab).")
    var delimiter: String?
    @Flag(help: "Start the CSV with a UTF-8 byte order mark.")
    var bom = false
    @Flag(
      help: "Export even when the output holds real names from the key file (says so on stderr).")
    var allowNames = false
    @Flag(help: "Show bodies of entries whose participants have not given quotation consent.")
    var includeWithheld = false
    @Option(
      help: """
        qdpx: how selections count positions, codepoints (default, the REFI-QDA standard) or utf16 \
        (for tools that count UTF-16 units, such as QualCoder).
        """)
    var offsets: String?

    func validate() throws {
      if let offsets {
        guard table.lowercased() == "qdpx" else {
          throw ValidationError("--offsets applies to 'export qdpx' only, not to '\(table)'")
        }
        let units = TextOffsets.allCases.map(\.rawValue)
        guard units.contains(offsets.lowercased()) else {
          let closest = Text.suggestions(for: offsets, among: units, limit: units.count)
          throw ValidationError(
            "unknown offsets '\(offsets)'; use "
              + (closest + units.filter { !closest.contains($0) }).joined(separator: " or "))
        }
      }
      if let delimiter {
        let scalar = delimiter == "\\t" ? "\t" : delimiter
        guard scalar.count == 1, !["\"", "\n", "\r"].contains(scalar) else {
          throw ValidationError(
            "the delimiter '\(delimiter)' must be one character other than a quote or line break")
        }
      }
    }

    func run(_ journal: Journal) throws {
      let people =
        try KeyFile.openForReading(at: keyFile.path(journal: journal.path))?.people() ?? []
      if allowNames && !people.isEmpty {
        Output.stderr("warning: --allow-names: real names from the key file are not checked for")
      }
      switch self.table.lowercased() {
      case "qdpx":
        guard let output else {
          throw FieldLogError.invalidInput(
            "a REFI-QDA project is a zip file: name it with -o FILE.qdpx")
        }
        let unit = offsets.flatMap { TextOffsets(rawValue: $0.lowercased()) } ?? .codePoints
        let summary = try journal.exportProject(
          ExportRequest(
            table: .entries, filter: try filters.filter(), people: people, allowNames: allowNames,
            includeWithheld: includeWithheld),
          offsets: unit, toFile: output)
        Output.stderr("wrote \(summary.rows) sources to \(output)")
        report(summary)
        reportAstral(summary.astralSources, unit: unit)
        return
      case "qdc":
        let codebook = try journal.exportCodebook(people: allowNames ? [] : people)
        if let output {
          try Journal.writePrivately(codebook, to: output)
        } else {
          FileHandle.standardOutput.write(codebook)
        }
        return
      default:
        break
      }
      guard let table = ExportTable(rawValue: table.lowercased()) else {
        let known = ExportTable.allCases.map(\.rawValue) + ["qdpx", "qdc"]
        throw FieldLogError.unknownName(
          kind: "table", value: self.table,
          suggestions: Text.suggestions(for: self.table, among: known))
      }
      guard let format = ExportFormat(rawValue: format.lowercased()) else {
        throw FieldLogError.unknownName(
          kind: "format", value: format,
          suggestions: Text.suggestions(for: format, among: ["csv", "jsonl"]))
      }
      var dialect = excel ? CSVDialect.excel : CSVDialect()
      if let delimiter { dialect.delimiter = Character(delimiter == "\\t" ? "\t" : delimiter) }
      if bom { dialect.byteOrderMark = true }
      let request = ExportRequest(
        table: table, format: format, dialect: dialect, filter: try filters.filter(),
        people: people, allowNames: allowNames, includeWithheld: includeWithheld)
      let summary: ExportSummary
      if let output {
        summary = try journal.export(request, toFile: output)
      } else {
        var buffer = Data()
        summary = try journal.export(request) { chunk in
          buffer.append(chunk)
          if buffer.count >= 1 << 16 {
            FileHandle.standardOutput.write(buffer)
            buffer.removeAll(keepingCapacity: true)
          }
        }
        FileHandle.standardOutput.write(buffer)
      }
      if let output { Output.stderr("wrote \(summary.rows) rows to \(output)") }
      report(summary)
    }

    /// Code points and UTF-16 units differ in these sources, so one kind of tool will misplace
    /// their highlights: say which, and how to serve the other.
    private func reportAstral(_ sources: Int, unit: TextOffsets) {
      guard sources > 0 else { return }
      let count = sources == 1 ? "1 coded source holds" : "\(sources) coded sources hold"
      switch unit {
      case .codePoints:
        Output.stderr(
          "warning: \(count) characters beyond U+FFFF (such as emoji); tools that count UTF-16 "
            + "units, such as QualCoder, will highlight the wrong text there "
            + "(--offsets utf16 writes a file for them)")
      case .utf16:
        Output.stderr(
          "warning: \(count) characters beyond U+FFFF (such as emoji); their positions count "
            + "UTF-16 units, so only tools that count those, such as QualCoder, read them right")
      }
    }

    private func report(_ summary: ExportSummary) {
      if summary.withheld > 0 {
        Output.stderr(
          "note: \(summary.withheld) bodies or quotes were withheld for lack of quotation consent "
            + "(--include-withheld shows them)")
      }
    }
  }
}

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
        CSV is RFC 4180 (comma, CRLF, UTF-8 without BOM) unless --excel (for Dutch Excel: ';', \
        a BOM, and a leading ' on cells Excel would run as a formula). Retracted entries are left \
        out; bodies (and quotes) of entries without quotation consent are withheld; an export that \
        would hold a real name from the key file is refused.
        """)

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var filters: FilterOptions
    @OptionGroup var keyFile: KeyFileOptions

    @Argument(
      help: "entries, codings, matrix, codebook, memos; qdpx (REFI-QDA project) or qdc (codebook).",
      completion: .list(ExportTable.allCases.map(\.rawValue) + ["qdpx", "qdc"]))
    var table: String
    @Option(
      help: "csv or jsonl (default: from the -o file's extension, else csv).",
      completion: ExportFormat.completion)
    var format: String?
    @OptionGroup var outputFile: OutputFileOptions
    @Flag(help: "The profile for Dutch Excel: ';', a UTF-8 BOM, and the formula guard.")
    var excel = false
    @Option(help: "The CSV delimiter, one character (e.g. ';' or a tab).")
    var delimiter: String?
    @Flag(help: "Start the CSV with a UTF-8 byte order mark.")
    var bom = false
    @Flag(
      help: "Export even when the output holds real names from the key file (says so on stderr).")
    var allowNames = false
    @Option(
      help: ArgumentHelp(
        "An ordinary word that is also a name in the key file (Bakker, Roos), let through.",
        discussion: "Repeat it for more words; the study file's allow_words are always let through."
      ))
    var allowWord: [String] = []
    @Flag(
      help: "Export without the real-name guard even when the journal was used with a key file.")
    var noNameGuard = false
    @Flag(help: "Show bodies of entries whose participants have not given quotation consent.")
    var includeWithheld = false
    @Option(
      help: """
        qdpx: how selections count positions, codepoints (default, the REFI-QDA standard) or utf16 \
        (for tools that count UTF-16 units, such as QualCoder).
        """, completion: TextOffsets.completion)
    var offsets: String?

    /// The table as typed, in the form every table name is compared in (as `ArgumentEnum` does).
    private var typedTable: String { table.trimmingCharacters(in: .whitespaces).lowercased() }

    func validate() throws {
      try refuseContradictions()
      if let offsets {
        guard typedTable == "qdpx" else {
          throw ValidationError("--offsets applies to 'export qdpx' only, not to '\(table)'")
        }
        if (try? TextOffsets.parse(offsets)) == nil {
          let units = TextOffsets.allCases.map(\.rawValue)
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
      let output = try outputFile.checked(journal, keyFile: keyFile.path(journal: journal.path))
      let (people, unguarded) = try keyFile.guardedPeople(journal, noNameGuard: noNameGuard)
      if allowNames && !people.isEmpty {
        Output.stderr("warning: --allow-names: real names from the key file are not checked for")
      }
      switch typedTable {
      case "qdpx":
        guard let output else {
          throw FieldLogError.invalidInput(
            "a REFI-QDA project is a zip file: name it with -o FILE.qdpx")
        }
        let unit = try offsets.map { try TextOffsets.parse($0) } ?? .codePoints
        let summary = try journal.exportProject(
          ExportRequest(
            table: .entries, filter: try filters.filter(), people: people, allowNames: allowNames,
            allowWords: allowWord, includeWithheld: includeWithheld),
          offsets: unit, toFile: output, replace: outputFile.force)
        Output.stderr("wrote \(Counted.phrase(summary.rows, "source")) to \(output)")
        report(summary)
        reportAstral(summary.astralSources, unit: unit)
        unguarded.map(Output.stderr)
        return
      case "qdc":
        let codebook = try journal.exportCodebook(
          people: allowNames ? [] : people, allowWords: allowWord)
        if let output {
          try Journal.writePrivately(codebook, to: output, replace: outputFile.force)
        } else {
          FileHandle.standardOutput.write(codebook)
        }
        unguarded.map(Output.stderr)
        return
      default:
        break
      }
      let table = try ExportTable.parse(table, alsoKnown: ["qdpx", "qdc"])
      let format = try ExportFormat.parse(self.format ?? output.flatMap(Self.formatOf) ?? "csv")
      var dialect = excel ? CSVDialect.excel : CSVDialect()
      if let delimiter { dialect.delimiter = Character(delimiter == "\\t" ? "\t" : delimiter) }
      if bom { dialect.byteOrderMark = true }
      let request = ExportRequest(
        table: table, format: format, dialect: dialect, filter: try filters.filter(),
        people: people, allowNames: allowNames, allowWords: allowWord,
        includeWithheld: includeWithheld)
      let summary: ExportSummary
      let progress = ProgressLine.forTerminal()
      defer { progress?.finish() }
      if let output {
        summary = try journal.export(
          request, toFile: output, replace: outputFile.force, progress: progress?.report)
      } else {
        var buffer = Data()
        summary = try journal.export(request, progress: progress?.report) { chunk in
          buffer.append(chunk)
          if buffer.count >= 1 << 16 {
            FileHandle.standardOutput.write(buffer)
            buffer.removeAll(keepingCapacity: true)
          }
        }
        FileHandle.standardOutput.write(buffer)
      }
      progress?.finish()
      if let output { Output.stderr("wrote \(Counted.phrase(summary.rows, "row")) to \(output)") }
      report(summary)
      unguarded.map(Output.stderr)
    }

    /// The extensions each kind of export writes, by format; a name without one is taken as given.
    static let extensions: [(format: String, extensions: [String])] = [
      ("csv", ["csv", "tsv", "txt"]), ("jsonl", ["jsonl", "ndjson"]), ("qdpx", ["qdpx"]),
      ("qdc", ["qdc"]),
    ]

    /// The format a file name's extension asks for: nil when it has none or when `export` does not
    /// write it.
    static func formatOf(_ path: String) -> String? {
      let suffix = URL(fileURLWithPath: path).pathExtension.lowercased()
      return extensions.first { $0.extensions.contains(suffix) }?.format
    }

    /// Options that contradict each other or the table are refused, never silently dropped.
    private func refuseContradictions() throws {
      let project = ["qdpx", "qdc"].contains(typedTable)
      let csvOnly = [
        ("--excel", excel), ("--delimiter", delimiter != nil), ("--bom", bom),
      ].filter(\.1).map(\.0)
      if project {
        if let option = ((format == nil ? [] : ["--format"]) + csvOnly).first {
          throw ValidationError(
            "export \(typedTable) writes a REFI-QDA file; \(option) does not apply to it")
        }
      } else if format?.lowercased() == "jsonl", let option = csvOnly.first {
        throw ValidationError("--format jsonl writes JSON Lines; \(option) applies only to CSV")
      }
      guard let output = outputFile.output, !output.isEmpty else { return }
      let suffix = URL(fileURLWithPath: output).pathExtension.lowercased()
      guard !suffix.isEmpty else { return }
      let wanted = project ? typedTable : format?.lowercased()
      let writes = Self.extensions.filter { entry in
        project ? entry.format == wanted : ["csv", "jsonl"].contains(entry.format)
      }
      if project || wanted == nil {
        guard writes.contains(where: { $0.extensions.contains(suffix) }) else {
          let listed = writes.map { entry in
            entry.format + " (" + entry.extensions.map { "." + $0 }.joined(separator: ", ") + ")"
          }
          throw ValidationError(
            "export \(typedTable) does not write '.\(suffix)' files (-o \(output)); it "
              + "writes " + listed.joined(separator: " or ")
              + (project ? "" : "; --format csv or --format jsonl writes under any name"))
        }
      } else if let wanted, ["csv", "jsonl"].contains(wanted), let implied = Self.formatOf(output),
        implied != wanted
      {
        throw ValidationError(
          "--format \(wanted) contradicts -o \(output), whose extension is \(implied)")
      }
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
          "note: \(Counted.phrase(summary.withheld, "body or quote", "bodies or quotes")) "
            + "\(summary.withheld == 1 ? "was" : "were") withheld for lack of quotation consent "
            + "(--include-withheld shows them)")
      }
    }
  }
}

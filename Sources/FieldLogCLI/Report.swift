import ArgumentParser
import FieldLogCore
import Foundation

/// How a report is printed: a table, --json or --csv.
struct ReportOptions: ParsableArguments {
  @Flag(help: "Print JSON: an array of objects.")
  var json = false
  @Flag(help: "Print RFC 4180 CSV with a header line.")
  var csv = false
  @Flag(help: "With --csv: the profile for Dutch Excel (';', a UTF-8 BOM, the formula guard).")
  var excel = false

  func validate() throws {
    if json && csv { throw ValidationError("give --json or --csv, not both") }
    if excel && !csv { throw ValidationError("--excel goes with --csv") }
  }

  func print(_ table: ReportTable) throws {
    if json {
      try Output.json(table)
    } else if csv {
      FileHandle.standardOutput.write(table.csv(excel ? .excel : CSVDialect()))
    } else if table.rows.isEmpty {
      Output.stderr("nothing to report")
    } else {
      if let counting = table.counting { Swift.print("counting: \(counting.note)") }
      Output.table(table.columns.map { $0.uppercased() }, table.rows.map { $0.map(\.text) })
    }
  }
}

extension FieldLog {
  struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "report",
      abstract: "Counts for analysis: codes by group, co-occurrence, timeline, an HTML report.",
      subcommands: [
        ReportCodes.self, ReportCooccurrence.self, ReportTimeline.self, ReportHTML.self,
      ])
  }

  struct ReportCodes: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "codes",
      abstract: "Per code (and group): the entries and segments coded with it.",
      discussion: """
        A segment or entry that several coders coded counts once, unless --coder picks one \
        coder's codings or --by-coder adds a column per coder.
        """)

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var report: ReportOptions
    @OptionGroup var filters: FilterOptions
    @Option(
      help:
        "Group by neighbourhood, initiative, question, kind, author, coder, cycle or phase.",
      completion: ReportGrouping.completion)
    var by: String?
    @Option(help: "Count only this coder's codings.")
    var coder: String?
    @Flag(help: "Add a column per coder with the entries each coded.")
    var byCoder = false

    func validate() throws {
      try filters.validateForReports()
      if coder != nil && byCoder { throw ValidationError("give --coder or --by-coder, not both") }
      if byCoder && by?.lowercased() == "coder" {
        throw ValidationError("--by coder gives a row per coder; --by-coder a column: give one")
      }
    }

    func run(_ journal: Journal) throws {
      let counting: CoderCount = coder.map { .coder($0) } ?? (byCoder ? .byCoder : .anyCoder)
      let filter = try filters.filter()
      guard let by else {
        try report.print(journal.codeFrequencies(by: nil, counting: counting, filter: filter))
        return
      }
      try report.print(
        journal.codeFrequencies(
          by: try ReportGrouping.parse(by), counting: counting, filter: filter))
    }
  }

  struct ReportCooccurrence: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "cooccurrence",
      abstract: "Per pair of codes: entries coded with both, or overlapping segments.")

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var report: ReportOptions
    @OptionGroup var filters: FilterOptions
    @Option(help: "entry or segment.", completion: CooccurrenceUnit.completion)
    var unit: String = "entry"

    func validate() throws { try filters.validateForReports() }

    func run(_ journal: Journal) throws {
      try report.print(
        journal.cooccurrence(
          unit: try CooccurrenceUnit.parse(unit), filter: try filters.filter()))
    }
  }

  struct ReportTimeline: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "timeline", abstract: "Entries per month of fieldwork.")

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var report: ReportOptions
    @OptionGroup var filters: FilterOptions
    @Option(help: "neighbourhood or kind, to count per neighbourhood or kind too (repeatable).")
    var by: [String] = []

    func validate() throws { try filters.validateForReports() }

    func run(_ journal: Journal) throws {
      let groupings = Set(
        try by.map { try ReportGrouping.parse($0, among: [.neighbourhood, .kind]) })
      try report.print(
        journal.timeline(
          byNeighbourhood: groupings.contains(.neighbourhood), byKind: groupings.contains(.kind),
          filter: try filters.filter()))
    }
  }
}

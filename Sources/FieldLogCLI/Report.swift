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
      Output.table(table.columns.map { $0.uppercased() }, table.rows.map { $0.map(\.text) })
    }
  }
}

extension FieldLog {
  struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "report",
      abstract: "Counts for analysis: codes by group, co-occurrence, timeline.",
      subcommands: [ReportCodes.self, ReportCooccurrence.self, ReportTimeline.self])
  }

  struct ReportCodes: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "codes", abstract: "Per code and group: the number of codings and of entries.")

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var report: ReportOptions
    @Option(help: "Group by neighbourhood, initiative, question, kind or author.")
    var by: String

    func run(_ journal: Journal) throws {
      guard let grouping = ReportGrouping(rawValue: by.lowercased()) else {
        throw FieldLogError.unknownName(
          kind: "grouping", value: by,
          suggestions: Text.suggestions(for: by, among: ReportGrouping.allCases.map(\.rawValue)))
      }
      try report.print(journal.codeFrequencies(by: grouping))
    }
  }

  struct ReportCooccurrence: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "cooccurrence",
      abstract: "Per pair of codes: entries coded with both, or overlapping segments.")

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var report: ReportOptions
    @Option(help: "entry or segment.")
    var unit: String = "entry"

    func run(_ journal: Journal) throws {
      guard let unit = CooccurrenceUnit(rawValue: unit.lowercased()) else {
        throw FieldLogError.unknownName(
          kind: "unit", value: unit,
          suggestions: Text.suggestions(for: unit, among: CooccurrenceUnit.allCases.map(\.rawValue))
        )
      }
      try report.print(journal.cooccurrence(unit: unit))
    }
  }

  struct ReportTimeline: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "timeline", abstract: "Entries per month of fieldwork.")

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var report: ReportOptions
    @Option(help: "neighbourhood, to count per neighbourhood too.")
    var by: String?

    func run(_ journal: Journal) throws {
      if let by, by.lowercased() != "neighbourhood" {
        throw FieldLogError.unknownName(
          kind: "grouping", value: by,
          suggestions: Text.suggestions(for: by, among: ["neighbourhood"]))
      }
      try report.print(journal.timeline(byNeighbourhood: by != nil))
    }
  }
}

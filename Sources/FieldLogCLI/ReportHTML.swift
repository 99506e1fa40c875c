import ArgumentParser
import FieldLogCore
import FieldLogWeb
import Foundation

extension FieldLog {
  struct ReportHTML: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "html",
      abstract: "Write one self-contained HTML page of charts, with their data and commands.",
      discussion: """
        Code frequency per neighbourhood, codes × group, co-occurrence, fieldwork over time, \
        agreement between coders and the codebook, as inline SVG with no script and nothing \
        fetched: it opens from an e-mail or an archive and prints to PDF. The same journal and \
        command give the same bytes.
        """)

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var outputFile: OutputFileOptions
    @OptionGroup var filters: FilterOptions
    @Option(help: "The matrix's columns: neighbourhood, initiative, question or kind.")
    var by: String = "question"
    @Option(
      help: "Co-occurrence by entry or by overlapping segment.",
      completion: CooccurrenceUnit.completion)
    var unit: String = "entry"
    @Option(help: "Count only this coder's codings (frequency, matrix, codebook).")
    var coder: String?

    func validate() throws {
      try filters.validateForReports()
      if outputFile.output == nil {
        throw ValidationError("give the file to write: -o report.html")
      }
    }

    func run(_ journal: Journal) throws {
      let groupings: [ReportGrouping] = [
        .neighbourhood, .initiative, .question, .kind, .cycle, .phase,
      ]
      let grouping = try ReportGrouping.parse(by, among: groupings)
      let request = ReportRequest(
        filter: try filters.filter(), filterArguments: filters.arguments, grouping: grouping,
        unit: try CooccurrenceUnit.parse(unit), coder: coder)
      guard let output = try outputFile.checked(journal) else { return }
      let page = try HTMLReport.build(journal, request).html()
      try Journal.writePrivately(Data(page.utf8), to: output, replace: outputFile.force)
      print("wrote the report \(output)")
    }
  }
}

extension FilterOptions {
  /// Reports always leave retracted entries out: counting them would count what was taken back.
  func validateForReports() throws {
    if includeRetracted {
      throw ValidationError("reports leave retracted entries out; --include-retracted is for list")
    }
  }

  /// The filters as they would be typed again, in a fixed order.
  var arguments: [String] {
    let pairs: [(String, String?)] = [
      ("--kind", kind), ("--neighbourhood", neighbourhood), ("--initiative", initiative),
      ("--question", question), ("--author", author), ("--tag", tag), ("--since", since),
      ("--until", until), ("--code", code), ("--participant", participant),
    ]
    return pairs.flatMap { name, value in value.map { [name, $0] } ?? [] }
  }
}

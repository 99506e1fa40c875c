import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Reflections: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "reflections",
      abstract:
        "Read the reflexive journal as a logbook, newest first (--markdown for an appendix).",
      discussion: """
        Record a reflection with 'fieldlog add reflection --cycle C1 --text ...': the \
        researcher's own position, doubts and decisions. Reflections are left out of list, \
        search, reports, exports and agreement unless --include-reflections or --kind \
        reflection asks for them.
        """)

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var outputFile: OutputFileOptions
    @Option(help: "Only the reflections of this cycle, e.g. C1.")
    var cycle: String?
    @Flag(help: "Write Markdown, for an appendix.")
    var markdown = false

    func validate() throws {
      if markdown && output.json { throw ValidationError("give --markdown or --json, not both") }
      if outputFile.output != nil && !markdown {
        throw ValidationError("-o writes the Markdown logbook: give --markdown too")
      }
    }

    func run(_ journal: Journal) throws {
      let reflections = try journal.entries(EntryFilter(kind: .reflection, cycle: cycle))
      if output.json { return try Output.json(reflections) }
      let zone = try journal.timeZone()
      if markdown {
        let text = ReflexiveJournal.markdown(
          reflections, study: try journal.study().name, cycle: cycle, zone: zone)
        if let path = try outputFile.checked(journal) {
          try Journal.writePrivately(Data(text.utf8), to: path, replace: outputFile.force)
          Output.stderr("wrote \(reflections.count) reflections to \(path)")
        } else {
          print(text, terminator: "")
        }
        return
      }
      guard !reflections.isEmpty else {
        Output.stderr(
          "no reflections" + (cycle.map { " in cycle \($0)" } ?? "")
            + "; record one with 'fieldlog add reflection --text ...'")
        return
      }
      for (index, reflection) in reflections.enumerated() {
        if index > 0 { print("") }
        let about = [
          reflection.cycle, reflection.phase?.rawValue, reflection.author,
        ].compactMap { $0 }.joined(separator: "  ")
        print(
          "\(FieldTime.display(reflection.occurredAt, in: zone).prefix(10))  \(about)  "
            + reflection.shortID)
        print("  \(reflection.title)")
        for line in reflection.body.split(separator: "\n", omittingEmptySubsequences: false) {
          print(line.isEmpty ? "" : "  \(line)")
        }
      }
    }
  }
}

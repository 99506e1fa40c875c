import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Rebuild: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "rebuild",
      abstract: "Recreate the current-state tables and the search index from the events alone.")

    @OptionGroup var journalOptions: JournalOptions

    func run(_ journal: Journal) throws {
      let count = try journal.rebuild(progress: Output.progress("replayed events:"))
      if Output.stderrIsTerminal { Output.stderr("") }
      print("rebuilt the projections of \(journal.path) from \(count) events")
    }
  }
}

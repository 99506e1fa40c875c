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
      let progress = ProgressLine.forTerminal()
      let count = try journal.rebuild(progress: progress?.report)
      progress?.finish()
      print("rebuilt the projections of \(journal.path) from \(Counted.phrase(count, "event"))")
    }
  }
}

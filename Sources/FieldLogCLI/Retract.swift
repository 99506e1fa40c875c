import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Retract: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "retract",
      abstract: "Hide an entry from lists, searches, reports and exports; its history keeps it.")

    @OptionGroup var journalOptions: JournalOptions

    @Argument(help: "The entry's id, or at least 4 of its first hex digits.")
    var id: String

    @Option(help: "Why it is retracted (required).")
    var reason: String

    func run(_ journal: Journal) throws {
      let entry = try journal.resolveEntryID(id)
      try journal.retract(entry, reason: reason)
      print("retracted \(entry.prefix(8)); 'fieldlog list --include-retracted' still shows it")
    }
  }
}

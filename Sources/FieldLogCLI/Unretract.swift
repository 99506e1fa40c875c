import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Unretract: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "unretract",
      abstract:
        "Bring a retracted entry back; its history keeps the retraction and why it was undone.")

    @OptionGroup var journalOptions: JournalOptions

    @Argument(help: "The entry's id, or at least 4 of its first hex digits.")
    var id: String

    @Option(help: "Why it is brought back (required).")
    var reason: String

    func run(_ journal: Journal) throws {
      let entry = try journal.resolveEntryID(id)
      try journal.unretract(entry, reason: reason)
      print("brought back \(entry.prefix(8)); 'fieldlog history \(entry.prefix(8))' shows both")
    }
  }
}

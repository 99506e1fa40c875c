import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct CodeRemove: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "remove", abstract: "Remove a coding; its history stays in the journal.")

    @OptionGroup var journalOptions: JournalOptions
    @Argument(help: "The coding's id, or at least 4 of its first hex digits.")
    var coding: String

    func run(_ journal: Journal) throws {
      let removed = try journal.removeCoding(coding)
      print(
        "removed the coding \(removed.shortID) ('\(removed.codePath)' on \(removed.entry.prefix(8)))"
      )
    }
  }
}

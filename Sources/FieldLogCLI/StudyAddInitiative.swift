import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct AddInitiative: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "add-initiative", abstract: "Add an initiative in a neighbourhood.")

    @OptionGroup var journalOptions: JournalOptions
    @Argument(help: "The initiative's name.")
    var name: String
    @Option(help: "The neighbourhood it works in.")
    var neighbourhood: String
    @Option(help: "A short description.")
    var description: String?

    func run(_ journal: Journal) throws {
      try journal.addInitiative(name, neighbourhood: neighbourhood, description: description)
      print("added the initiative '\(name)' in '\(neighbourhood)'")
    }
  }
}

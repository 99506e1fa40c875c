import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct AddNeighbourhood: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "add-neighbourhood", abstract: "Add a neighbourhood to the study.")

    @OptionGroup var journalOptions: JournalOptions
    @Argument(help: "The neighbourhood's name.")
    var name: String
    @Option(help: "A short description.")
    var description: String?

    func run(_ journal: Journal) throws {
      try journal.addNeighbourhood(name, description: description)
      print("added the neighbourhood '\(name)'")
    }
  }
}

import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct RemoveNeighbourhood: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "remove-neighbourhood",
      abstract: "Remove a neighbourhood that no entry, initiative or participant uses.")

    @OptionGroup var journalOptions: JournalOptions
    @Argument(help: "The neighbourhood's name.")
    var name: String

    func run(_ journal: Journal) throws {
      let removed = try journal.removeNeighbourhood(name)
      print("removed the neighbourhood '\(removed)'")
    }
  }
}

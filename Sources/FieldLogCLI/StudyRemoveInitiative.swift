import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct RemoveInitiative: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "remove-initiative", abstract: "Remove an initiative that no entry names.")

    @OptionGroup var journalOptions: JournalOptions
    @Argument(help: "The initiative's name.")
    var name: String
    @Option(help: "Its neighbourhood, when two neighbourhoods have an initiative of this name.")
    var neighbourhood: String?

    func run(_ journal: Journal) throws {
      let removed = try journal.removeInitiative(name, neighbourhood: neighbourhood)
      print("removed the initiative '\(removed.initiative)' in '\(removed.neighbourhood)'")
    }
  }
}

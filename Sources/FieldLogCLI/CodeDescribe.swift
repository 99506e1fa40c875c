import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct CodeDescribe: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "describe", abstract: "Set what a code means.")

    @OptionGroup var journalOptions: JournalOptions
    @Argument(help: "The code, by name or path.")
    var name: String
    @Option(help: "The description.")
    var description: String

    func run(_ journal: Journal) throws {
      try journal.describeCode(name, description: description)
      print("described '\(name)'")
    }
  }
}

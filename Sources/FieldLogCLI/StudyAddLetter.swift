import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct AddLetter: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "add-letter",
      abstract: "Declare a version of the information letter that consent is given on.",
      discussion: """
        From its date on, entries are recorded under this version: 'verify --consent' flags an \
        entry naming a participant who has not consented on it ('consent P --letter v2').
        """)

    @OptionGroup var journalOptions: JournalOptions
    @Argument(help: "The letter's version, e.g. v2.")
    var version: String
    @Option(help: "The day it took effect.")
    var date: String

    func run(_ journal: Journal) throws {
      try journal.addLetter(Study.Letter(version: version, date: date))
      print("declared the information letter \(version)")
    }
  }
}

import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct AddQuestion: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "add-question", abstract: "Add a research question.")

    @OptionGroup var journalOptions: JournalOptions
    @Argument(help: "The question's id, e.g. RQ5.")
    var id: String
    @Option(help: "The question itself.")
    var text: String

    func run(_ journal: Journal) throws {
      try journal.addQuestion(id, text: text)
      print("added the research question \(id)")
    }
  }
}

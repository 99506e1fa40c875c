import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct RemoveQuestion: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "remove-question", abstract: "Remove a research question that no entry has.")

    @OptionGroup var journalOptions: JournalOptions
    @Argument(help: "The question's id, e.g. RQ5.")
    var id: String

    func run(_ journal: Journal) throws {
      let removed = try journal.removeQuestion(id)
      print("removed the research question \(removed)")
    }
  }
}

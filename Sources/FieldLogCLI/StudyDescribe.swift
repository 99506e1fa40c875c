import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct DescribeStudy: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "describe", abstract: "Set the study's description; empty text clears it.")

    @OptionGroup var journalOptions: JournalOptions
    @Argument(help: "The description.")
    var text: String

    func run(_ journal: Journal) throws {
      try journal.describeStudy(text)
      print(
        text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
          ? "cleared the study's description" : "described the study")
    }
  }
}

import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct RenameStudy: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "rename", abstract: "Rename the study (merged journals take the rename too).")

    @OptionGroup var journalOptions: JournalOptions
    @Argument(help: "The study's new name.")
    var name: String

    func run(_ journal: Journal) throws {
      let renamed = try journal.renameStudy(name)
      print("renamed the study to '\(renamed)'")
    }
  }
}

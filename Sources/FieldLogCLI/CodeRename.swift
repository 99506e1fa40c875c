import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct CodeRename: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "rename", abstract: "Give a code a new name; its codings stay.")

    @OptionGroup var journalOptions: JournalOptions
    @Argument(help: "The code, by name or path.")
    var old: String
    @Argument(help: "Its new name.")
    var new: String

    func run(_ journal: Journal) throws {
      try journal.renameCode(old, to: new)
      print("renamed '\(old)' to '\(new)'")
    }
  }
}

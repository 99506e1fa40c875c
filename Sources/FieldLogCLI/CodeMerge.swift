import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct CodeMerge: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "merge",
      abstract: "Move every coding of one code to another, and retire the first.")

    @OptionGroup var journalOptions: JournalOptions
    @Argument(help: "The code to merge away.")
    var from: String
    @Argument(help: "The code that keeps its codings.")
    var into: String

    func run(_ journal: Journal) throws {
      try journal.mergeCode(from, into: into)
      print("merged '\(from)' into '\(into)'")
    }
  }
}

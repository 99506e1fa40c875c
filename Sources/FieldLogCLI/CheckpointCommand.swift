import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct CheckpointCommand: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "checkpoint",
      abstract: "Write every feed's head and their Merkle root, for a PI to keep elsewhere.",
      discussion: """
        Later, 'fieldlog verify --checkpoint FILE' proves that the journal still holds at least \
        that history, and names any feed that was truncated or rewritten.
        """)

    @OptionGroup var journalOptions: JournalOptions

    @OptionGroup var outputFile: OutputFileOptions

    func run(_ journal: Journal) throws {
      let text = try journal.checkpoint().text
      guard let output = try outputFile.checked(journal) else { return print(text, terminator: "") }
      try Journal.writePrivately(Data(text.utf8), to: output, replace: outputFile.force)
      print("wrote the checkpoint \(output)")
    }
  }
}

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

    @Option(name: .shortAndLong, help: "Write it to this file (mode 0600) instead of printing it.")
    var output: String?

    func run(_ journal: Journal) throws {
      let text = try journal.checkpoint().text
      guard let output else { return print(text, terminator: "") }
      try Journal.writePrivately(to: output) { try $0.write(contentsOf: Data(text.utf8)) }
      print("wrote the checkpoint \(output)")
    }
  }
}

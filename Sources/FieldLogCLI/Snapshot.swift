import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Snapshot: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "snapshot",
      abstract: "Write a consistent copy of the journal (mode 0600) to send to a colleague.",
      discussion: """
        Others may go on writing meanwhile. The copy carries no feed of its own: a colleague \
        merges it, or starts a journal from it with 'fieldlog init --from FILE'.
        """)

    @OptionGroup var journalOptions: JournalOptions

    @Option(name: .shortAndLong, help: "The file to write; it must not exist.")
    var output: String

    func run(_ journal: Journal) throws {
      try journal.snapshot(to: output)
      print("wrote the snapshot \(output)")
    }
  }
}

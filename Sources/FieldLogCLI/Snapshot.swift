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

    @OptionGroup var outputFile: OutputFileOptions

    func validate() throws {
      if outputFile.output == nil { throw ValidationError("name the snapshot with -o FILE") }
    }

    func run(_ journal: Journal) throws {
      guard let output = try outputFile.checked(journal) else { return }
      try journal.snapshot(to: output, replace: outputFile.force)
      print("wrote the snapshot \(output)")
    }
  }
}

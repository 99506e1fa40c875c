import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Redact: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "redact",
      abstract:
        "Erase the content of every version of an entry, or of every entry naming a participant.",
      discussion: """
        The erased text is removed from the journal file and its WAL; the events stay, so \
        'fieldlog verify' still proves the record whole and reports them as redacted.
        """)

    @OptionGroup var journalOptions: JournalOptions

    @Argument(help: "The entry's id, or at least 4 of its first hex digits.")
    var id: String?
    @Option(help: "Erase every entry that names this participant.")
    var participant: String?
    @Option(help: "Why (required); it stays in the journal.")
    var reason: String

    func validate() throws {
      if (id == nil) == (participant == nil) {
        throw ValidationError("name either an entry id or --participant (one of the two)")
      }
    }

    func run(_ journal: Journal) throws {
      let result =
        if let participant {
          try journal.redact(participant: participant, reason: reason)
        } else {
          try journal.redact(entry: try journal.resolveEntryID(id ?? ""), reason: reason)
        }
      print(
        "erased \(result.payloads) version(s) of \(result.entries.count) entr"
          + (result.entries.count == 1 ? "y: " : "ies: ")
          + result.entries.map { String($0.prefix(8)) }.joined(separator: ", "))
      if !result.compacted {
        Output.stderr(
          "warning: another program kept the journal busy; the text may stay in unused space "
            + "of the file until the next redaction")
      }
    }
  }
}

import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Merge: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "merge",
      abstract: "Bring in every event of colleagues' journals that this one lacks.",
      discussion: """
        Every incoming journal is verified first, as 'fieldlog verify' does; if any of it fails, or
        two journals hold different events at one feed and seq (a fork), nothing is merged.
        Merging twice adds nothing, and the order of merges does not change the result. Redactions
        come along. Afterwards 'fieldlog conflicts' lists what people need to settle.
        """)

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The journals to merge in (e.g. snapshots from colleagues).")
    var others: [String]

    func run(_ journal: Journal) throws {
      let report = try journal.merge(others)
      if output.json { return try Output.json(report) }
      for source in report.sources {
        print("\(source.path): \(source.events) new event(s) in \(source.feeds) feed(s)")
      }
      if report.redacted > 0 {
        print("\(report.redacted) payload(s) erased by redactions")
      }
      let conflicts = try journal.conflicts()
      print(
        "merged \(report.added) event(s)"
          + (conflicts.isEmpty
            ? ""
            : "; \(conflicts.count) conflict(s): see 'fieldlog conflicts'")
      )
    }
  }
}

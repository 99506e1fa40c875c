import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Conflicts: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "conflicts",
      abstract: "List what merged journals left to settle: concurrent amends and clashing codes.",
      discussion: """
        An entry amended in two journals at once keeps both versions; amend it with --resolve to \
        replace them. Two codes with one name and different ids are settled with 'fieldlog code \
        merge FROM INTO', naming each by its id.
        """)

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions

    func run(_ journal: Journal) throws {
      let report = try journal.conflicts()
      if output.json { return try Output.json(report) }
      if report.isEmpty { return print("no conflicts") }
      let zone = try journal.timeZone()
      for entry in report.entries {
        print(
          "entry \(entry.id.prefix(8)) \"\(entry.title)\": \(entry.versions.count) concurrent versions"
        )
        for version in entry.versions {
          print(
            "  version \(version.version.map(String.init) ?? "?") by \(version.author ?? "?") "
              + "(feed \(version.feed.prefix(8)), \(FieldTime.display(version.recordedAt, in: zone)))"
              + (version.shown ? ", shown now" : ""))
        }
        print("  settle with: fieldlog amend \(entry.id.prefix(8)) --resolve --reason ...")
      }
      for code in report.codes {
        print(
          "code '\(code.name)'" + (code.parent.map { " under '\($0)'" } ?? "")
            + " has \(code.ids.count) ids: "
            + code.ids.map { String($0.prefix(8)) }.joined(separator: ", "))
        print(
          "  settle with: fieldlog code merge \(code.ids[1].prefix(8)) \(code.ids[0].prefix(8))")
      }
    }
  }
}

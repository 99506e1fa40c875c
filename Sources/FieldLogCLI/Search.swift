import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Search: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "search",
      abstract: "Search titles and bodies; diacritics and case do not matter.",
      discussion: """
        Every word must occur; "quoted words" are a phrase, word* matches a prefix, \
        and OR and NOT work between words.
        """)

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var filters: FilterOptions
    @OptionGroup var limit: LimitOptions

    @Argument(help: "What to look for.")
    var query: String

    func run(_ journal: Journal) throws {
      let entries = try journal.search(query, filter: try filters.filter(), limit: limit.limit)
      if output.json {
        try Output.json(entries)
      } else if entries.isEmpty {
        Output.stderr("no entries match '\(query)'")
      } else {
        let zone = try journal.timeZone()
        Output.table(
          ["ID", "WHEN", "KIND", "TITLE", "MATCH"],
          entries.map { entry in
            [
              entry.shortID, FieldTime.display(entry.occurredAt, in: zone), entry.kind.rawValue,
              entry.title,
              (entry.snippet ?? "").replacingOccurrences(of: "\n", with: " "),
            ]
          })
      }
    }
  }
}

import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct List: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "list",
      abstract: "List entries at their latest version, newest fieldwork first.")

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var filters: FilterOptions
    @OptionGroup var limit: LimitOptions

    func run(_ journal: Journal) throws {
      let entries = try journal.entries(try filters.filter(), limit: limit.limit)
      if output.json {
        try Output.json(entries)
      } else if entries.isEmpty {
        Output.stderr("no entries")
      } else {
        Output.entries(entries, zone: try journal.timeZone())
      }
    }
  }
}

import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Feeds: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "feeds",
      abstract: "List every writer's feed in the journal: author, events, head, last merge.")

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions

    func run(_ journal: Journal) throws {
      let feeds = try journal.feeds()
      if output.json { return try Output.json(feeds) }
      let zone = try journal.timeZone()
      Output.table(
        ["feed", "author", "events", "head", "last merged"],
        feeds.map { feed in
          [
            String(feed.feed.prefix(8)) + (feed.own ? " (yours)" : ""), feed.author ?? "?",
            "\(feed.events)", "seq \(feed.headSeq) \(feed.headHash.prefix(12))",
            feed.lastMerged.map {
              "\(FieldTime.display($0, in: zone)) from \(feed.mergedFrom ?? "?")"
            }
              ?? (feed.own ? "" : "never"),
          ]
        })
    }
  }
}

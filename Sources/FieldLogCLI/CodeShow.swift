import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct CodeShow: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "show",
      abstract: "Every segment coded with a code or the codes below it, with its entry and context."
    )

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The code, by name or path.")
    var code: String
    @Option(help: "Only entries of this kind.")
    var kind: String?
    @Option(help: "Only entries in this neighbourhood.")
    var neighbourhood: String?
    @Option(help: "Only entries about this initiative.")
    var initiative: String?
    @Option(help: "Only entries for this research question.")
    var question: String?
    @Option(help: "Only codings by this coder.")
    var coder: String?

    func run(_ journal: Journal) throws {
      let filter = CodingFilter(
        entries: EntryFilter(
          kind: try kind.map(EntryKind.parse), neighbourhood: neighbourhood, initiative: initiative,
          question: question),
        coder: coder)
      let segments = try journal.segments(coded: code, filter: filter)
      if output.json {
        try Output.json(segments)
        return
      }
      if segments.isEmpty { Output.stderr("nothing is coded with '\(code)'") }
      for segment in segments {
        var heading = "\(segment.shortID)  \(segment.codePath)  on \(segment.entry.prefix(8)) "
        heading += "\(segment.title ?? "") [\(segment.kind ?? ""), \(segment.neighbourhood ?? "")]"
        heading += " by \(segment.coder)"
        print(heading)
        if segment.orphaned {
          print(
            "  ORPHANED: \"\(segment.quote ?? "")\" is no longer in the entry's current version")
        } else if let start = segment.start, let end = segment.end {
          print("  \(start):\(end) \"\(segment.quote ?? "")\"")
          if let context = segment.context { print("  …\(context)…") }
        } else {
          print("  (the whole entry)")
        }
        if let memo = segment.memo { print("  memo: \(memo)") }
      }
    }
  }
}

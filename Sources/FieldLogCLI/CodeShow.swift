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
    @Argument(help: "The code, by name or path.", completion: Completions.codes)
    var code: String
    @Option(help: "Only entries of this kind.", completion: Completions.kinds)
    var kind: String?
    @Option(help: "Only entries in this neighbourhood.", completion: Completions.neighbourhoods)
    var neighbourhood: String?
    @Option(help: "Only entries about this initiative.", completion: Completions.initiatives)
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
      // On a terminal (or with COLUMNS) the heading is cut to fit and the text is wrapped.
      let width = Output.terminalWidth
      func text(_ line: String) {
        guard let width else { return print("  " + line) }
        for wrapped in Output.wrap(line, width: width, indent: "  ") { print(wrapped) }
      }
      for segment in segments {
        var heading = "\(segment.shortID)  \(segment.codePath)  on \(segment.entry.prefix(8)) "
        heading += "\(segment.title ?? "") [\(segment.kind ?? ""), \(segment.neighbourhood ?? "")]"
        heading += " by \(segment.coder)"
        Output.fitted(heading)
        if segment.orphaned {
          text("ORPHANED: \"\(segment.quote ?? "")\" is no longer in the entry's current version")
        } else if let start = segment.start, let end = segment.end {
          text("\(start):\(end) \"\(segment.quote ?? "")\"")
          if let context = segment.context { text("…\(context)…") }
        } else {
          text("(the whole entry)")
        }
        if let memo = segment.memo { text("memo: \(memo)") }
      }
    }
  }
}

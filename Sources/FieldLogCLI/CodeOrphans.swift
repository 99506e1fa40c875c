import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct CodeOrphans: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "orphans",
      abstract: "List the codings whose text an amendment removed, and anchor or remove them.",
      discussion: """
        An amendment moves every coded segment to where its text now stands; a segment whose text \
        is gone is orphaned, and 'amend' names it. With --reapply CODING and --quote or --range, \
        the orphan is coded anew on the current text (same code, coder and memo); with --remove \
        CODING it goes. Either way its history stays in the journal.
        """)

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Only the orphans of this entry (id or at least 4 of its first hex digits).")
    var entry: String?
    @Option(help: "Anchor this orphaned coding anew, at --quote or --range.")
    var reapply: String?
    @Option(help: "Remove this orphaned coding.")
    var remove: String?
    @Option(help: "With --reapply: the text the coding now covers.")
    var quote: String?
    @Option(help: "With --reapply and --quote: which occurrence, counting from 1.")
    var occurrence: Int?
    @Option(help: "With --reapply: the segment as START:END.")
    var range: String?

    func validate() throws {
      if reapply != nil && remove != nil {
        throw ValidationError("give --reapply or --remove, not both")
      }
      if reapply != nil {
        if (quote == nil) == (range == nil) {
          throw ValidationError("--reapply needs --quote or --range (one of the two)")
        }
      } else if quote != nil || range != nil || occurrence != nil {
        throw ValidationError("--quote, --occurrence and --range go with --reapply")
      }
      if occurrence != nil && quote == nil {
        throw ValidationError("--occurrence goes with --quote")
      }
    }

    func run(_ journal: Journal) throws {
      if let reapply {
        let target: CodingTarget
        if let quote {
          target = .quote(quote, occurrence: occurrence)
        } else {
          target = try CodeApply.range(range ?? "")
        }
        let coding = try journal.reapplyOrphan(reapply, target: target)
        if output.json {
          try Output.json(coding)
        } else {
          print(
            "coded '\(coding.codePath)' anew on \(coding.entry.prefix(8)) at "
              + "\(coding.start ?? 0):\(coding.end ?? 0) as \(coding.shortID); the orphan is removed"
          )
        }
        return
      }
      if let remove {
        let orphan = try journal.orphanedCodings().first { $0.id.hasPrefix(remove.lowercased()) }
        guard orphan != nil else {
          throw FieldLogError.invalidInput(
            "'\(remove)' names no orphaned coding",
            hint: "'fieldlog code orphans' lists them; 'fieldlog code remove' removes any coding")
        }
        let removed = try journal.removeCoding(remove)
        if output.json {
          try Output.json(removed)
        } else {
          print("removed the orphaned coding \(removed.shortID) ('\(removed.codePath)')")
        }
        return
      }
      let orphans = try journal.orphanedCodings(
        entry: try entry.map { try journal.resolveEntryID($0) })
      if output.json {
        try Output.json(orphans)
        return
      }
      guard !orphans.isEmpty else {
        print("no orphaned codings")
        return
      }
      Output.table(
        ["CODING", "ENTRY", "CODE", "CODER", "QUOTE"],
        orphans.map {
          [$0.shortID, String($0.entry.prefix(8)), $0.codePath, $0.coder, Self.oneLine($0.quote)]
        })
      print("")
      print(
        "\(orphans.count) orphaned coding" + (orphans.count == 1 ? "" : "s")
          + ": 'fieldlog code orphans --reapply CODING --quote TEXT' anchors one anew, "
          + "--remove CODING removes it")
    }

    static func oneLine(_ quote: String?) -> String {
      (quote ?? "").split(whereSeparator: \.isNewline).joined(separator: " ")
    }
  }
}

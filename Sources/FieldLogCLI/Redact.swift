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
        'fieldlog verify' still proves the record whole and reports them as redacted. Erasure \
        cannot be undone: redact first shows what it will erase, and asks on a terminal. Without \
        a terminal it erases only with --yes; --dry-run shows what it would erase and stops.
        """)

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The entry's id, or at least 4 of its first hex digits.")
    var id: String?
    @Option(help: "Erase every entry that names this participant.")
    var participant: String?
    @Option(help: "Why (required); it stays in the journal.")
    var reason: String
    @Flag(help: "Show what would be erased, and erase nothing.")
    var dryRun = false
    @Flag(help: "Erase without asking (needed when standard input is not a terminal).")
    var yes = false

    func validate() throws {
      if (id == nil) == (participant == nil) {
        throw ValidationError("name either an entry id or --participant (one of the two)")
      }
      if dryRun && yes {
        throw ValidationError("--dry-run erases nothing and --yes erases: give one of the two")
      }
    }

    func run(_ journal: Journal) throws {
      // A reason that would be refused is refused before anything is shown or asked.
      _ = try Text.line(reason, what: "reason")
      let entryID = try id.map { try journal.resolveEntryID($0) }
      let plan =
        if let participant {
          try journal.redactionPlan(participant: participant)
        } else {
          try journal.redactionPlan(entry: entryID ?? "")
        }
      if output.json && dryRun {
        try Output.json(plan)
        return
      }
      // With --json the preview goes to stderr, so that stdout holds only the result.
      let toStderr = output.json
      let show = { (line: String) in
        if toStderr { Output.stderr(line) } else { Swift.print(line) }
      }
      Self.describe(plan, dryRun: dryRun).forEach(show)
      if dryRun {
        show("dry run: nothing was erased")
        return
      }
      if !yes {
        guard Output.stdinIsTerminal else {
          throw CommandFailure(
            message: "redact erases for good and asks first, but standard input is not a terminal; "
              + "nothing was erased",
            hint: "give --yes to erase what is listed above, or --dry-run to only list it",
            exitCode: 64)
        }
        FileHandle.standardError.write(Data("Erase this for good? [y/N] ".utf8))
        let answer = (readLine() ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        guard answer == "y" || answer == "yes" else {
          throw CommandFailure(message: "nothing was erased", hint: nil, exitCode: 1)
        }
      }
      let result =
        if let participant {
          try journal.redact(
            participant: participant, reason: reason, expecting: plan.entries.map(\.id))
        } else {
          try journal.redact(entry: entryID ?? "", reason: reason)
        }
      if output.json {
        try Output.json(result)
      } else {
        var parts: [String] = []
        if !result.entries.isEmpty || result.networkEvents == 0 {
          parts.append(
            "\(Counted.phrase(result.payloads, "version")) of "
              + Counted.phrase(result.entries.count, "entry", "entries") + ": "
              + result.entries.map { String($0.prefix(8)) }.joined(separator: ", "))
        }
        if result.networkEvents > 0 {
          parts.append(Counted.phrase(result.networkEvents, "network event"))
        }
        print("erased " + parts.joined(separator: "; "))
      }
      if !result.compacted {
        Output.stderr(
          "warning: another program kept the journal busy; the text may stay in unused space "
            + "of the file until the next redaction")
      }
    }

    /// The preview: one line per entry with its id, title and what goes with it, then the totals.
    static func describe(_ plan: RedactionPlan, dryRun: Bool) -> [String] {
      func count(_ number: Int, _ one: String, _ many: String) -> String {
        "\(number) \(number == 1 ? one : many)"
      }
      var lines = [
        (dryRun ? "would erase " : "will erase ") + count(plan.entries.count, "entry", "entries")
          + ": " + count(plan.versions, "version", "versions") + ", "
          + count(plan.codings, "coding", "codings") + ", " + count(plan.memos, "memo", "memos")
      ]
      if plan.networkEvents > 0 {
        lines.append(
          "  and " + count(plan.networkEvents, "network event", "network events")
            + " (members and ties that name them)")
      }
      for item in plan.entries {
        let shown = item.title.count > 40 ? String(item.title.prefix(39)) + "…" : item.title
        lines.append(
          "  \(item.id.prefix(8))  \(shown)  (" + count(item.versions, "version", "versions") + ", "
            + count(item.codings, "coding", "codings") + ", " + count(item.memos, "memo", "memos")
            + ")")
      }
      return lines
    }
  }
}

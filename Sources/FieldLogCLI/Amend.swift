import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Amend: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "amend",
      abstract: "Record a new version of an entry; the earlier ones stay in its history.",
      discussion: """
        Only what you give changes: --tag, --question and --participant replace those lists, \
        --field key=value sets one field and --field key= removes it. With no changes given on a \
        terminal, $VISUAL or $EDITOR opens on the current version. If someone else amended the \
        entry since the version you started from, nothing is recorded.
        """)

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The entry's id, or at least 4 of its first hex digits.")
    var id: String

    @OptionGroup var entry: EntryOptions

    @Option(help: "Why it is amended (required).")
    var reason: String

    @Option(help: "The version this amendment was made from (default: the current one).")
    var expectVersion: Int?

    @Flag(help: "Replace every concurrent version from merged journals (see 'fieldlog conflicts').")
    var resolve = false

    func run(_ journal: Journal) throws {
      let current = try journal.currentVersion(of: try journal.resolveEntryID(id))
      let basedOn = expectVersion ?? current.version
      let body = try entry.body()
      let changes = entry.changes(body: body)
      let amend = { (draft: EntryDraft) in
        try journal.amend(
          current.id, with: draft, reason: reason, basedOn: basedOn, resolving: resolve)
      }
      if !changes.isEmpty {
        try output.print(amend(changes.applied(to: current)))
      } else if Output.stdinIsTerminal {
        var draft = changes.applied(to: current)
        // A title taken from the first line is left blank, so that it follows the edited body.
        if current.hasDerivedTitle { draft.title = nil }
        // The template shows the stored fields; what comes back unchanged keeps its stored value.
        draft.fields = current.fields.keys.sorted().map {
          ($0, Fields.text(of: current.fields[$0] ?? .null))
        }
        try output.print(BodyInput.editAndRecord(draft, journal: journal, record: amend))
      } else {
        throw CommandFailure(
          message:
            "nothing to amend: give what changes (--text, --tag, --field ...) or run on a terminal",
          hint: "see 'fieldlog amend --help'", exitCode: 64)
      }
    }
  }
}

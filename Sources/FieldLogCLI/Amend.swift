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
      let orphanedBefore = Set(try journal.orphanedCodings(entry: current.id).map(\.id))
      let recorded: EntryRecord
      if !changes.isEmpty {
        recorded = try amend(changes.applied(to: current))
      } else if Output.stdinIsTerminal {
        var draft = changes.applied(to: current)
        // A title taken from the first line is left blank, so that it follows the edited body.
        if current.hasDerivedTitle { draft.title = nil }
        // The template shows the stored fields; what comes back unchanged keeps its stored value.
        draft.fields = current.fields.keys.sorted().map {
          ($0, Fields.text(of: current.fields[$0] ?? .null))
        }
        recorded = try BodyInput.editAndRecord(draft, journal: journal, record: amend)
      } else {
        throw CommandFailure(
          message:
            "nothing to amend: give what changes (--text, --tag, --field ...) or run on a terminal",
          hint: "see 'fieldlog amend --help'", exitCode: 64)
      }
      // Nothing is orphaned silently: every coding whose text this version removed is named.
      let orphaned = try journal.orphanedCodings(entry: current.id)
        .filter { !orphanedBefore.contains($0.id) }
      if output.json {
        try Output.json(Amended(entry: recorded, orphanedCodings: orphaned))
        return
      }
      print(recorded.id)
      guard !orphaned.isEmpty else { return }
      Output.stderr(
        "warning: \(orphaned.count) coding" + (orphaned.count == 1 ? "'s text is" : "s' text is")
          + " no longer in the entry; they are orphaned:")
      for coding in orphaned {
        Output.stderr(
          "  \(coding.shortID)  \(coding.codePath) by \(coding.coder): \""
            + CodeOrphans.oneLine(coding.quote) + "\"")
      }
      Output.stderr(
        "hint: 'fieldlog code orphans --reapply CODING --quote TEXT' anchors one anew; "
          + "--remove CODING removes it")
    }

    /// `amend --json`: the new version, and the codings it left without their text.
    struct Amended: Encodable {
      var entry: EntryRecord
      var orphanedCodings: [CodingRecord]

      enum CodingKeys: String, CodingKey { case orphanedCodings = "orphaned_codings" }

      func encode(to encoder: any Encoder) throws {
        try entry.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(orphanedCodings, forKey: .orphanedCodings)
      }
    }
  }
}

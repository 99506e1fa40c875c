import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Add: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "add",
      abstract: "Record an entry: observation, network-conversation, interview or nabije-kennis.",
      discussion: """
        The body comes from --text, --file PATH, standard input ('-'), or, on a terminal,
        $VISUAL or $EDITOR on a template that lists the entry's fields.
        """)

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions

    @Argument(
      help:
        "The kind: observation, network-conversation, interview, nabije-kennis (alias proximate-knowledge)."
    )
    var kind: String

    @Argument(help: "'-' to read the body from standard input.")
    var stdin: String?

    @Option(help: "A short title (default: the body's first line).")
    var title: String?
    @Option(help: "The body text.")
    var text: String?
    @Option(help: "Read the body from this UTF-8 file.")
    var file: String?
    @Option(help: "When it happened: 2024-03-12, '2024-03-12 14:30', RFC 3339, today, yesterday.")
    var at: String?
    @Option(help: "The neighbourhood.")
    var neighbourhood: String?
    @Option(help: "The initiative, in that neighbourhood.")
    var initiative: String?
    @Option(help: "A research question id, e.g. RQ1 (repeatable).")
    var question: [String] = []
    @Option(help: "A tag (repeatable).")
    var tag: [String] = []
    @Option(help: "A participant's pseudonym, P-017 or P-017:role (repeatable).")
    var participant: [String] = []
    @Option(help: "A kind-specific field, key=value (repeatable).")
    var field: [String] = []

    func validate() throws {
      if let stdin, stdin != "-" {
        throw ValidationError(
          "unexpected argument '\(stdin)'; give '-' to read the body from standard input")
      }
      let sources = [text != nil, file != nil, stdin != nil].filter { $0 }.count
      if sources > 1 {
        throw ValidationError("give the body one way: --text, --file or '-'")
      }
      for pair in field where !pair.contains("=") {
        throw ValidationError("the field '\(pair)' needs the form key=value")
      }
    }

    func run(_ journal: Journal) throws {
      var draft = EntryDraft(
        kind: try EntryKind.parse(kind), title: title, neighbourhood: neighbourhood,
        initiative: initiative, questions: question, tags: tag, participants: participant,
        fields: field.map { pair in
          let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
          return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }, occurredAt: at)
      if let text {
        draft.body = try Text.body(text, source: "--text")
      } else if let file {
        draft.body = try Text.body(from: try BodyInput.read(file), source: "'\(file)'")
      } else if stdin != nil {
        draft.body = try Text.body(
          from: try BodyInput.readStandardInput(), source: "standard input")
      } else if Output.stdinIsTerminal {
        try print(recordEdited(draft, in: journal))
        return
      } else {
        throw CommandFailure(
          message: "no body: give --text, --file PATH or '-' for standard input",
          hint:
            "the editor opens only when standard input is a terminal; see 'fieldlog add --help'",
          exitCode: 64)
      }
      try print(journal.record(draft))
    }

    /// Records what the researcher wrote in the editor; if nothing is recorded, their text is kept.
    private func recordEdited(_ draft: EntryDraft, in journal: Journal) throws -> EntryRecord {
      let edited = try BodyInput.edit(draft, journal: journal)
      let parsed: EntryDraft?
      do {
        let text = try Text.body(from: edited.data, source: "the editor")
        parsed = try EntryTemplate.parse(text, base: draft)
        if let parsed { return try journal.record(parsed) }
      } catch {
        BodyInput.keepIfChanged(edited, near: journal.path)
        throw error
      }
      // An empty body is how a researcher aborts, as with an empty commit message.
      throw CommandFailure(
        message: "nothing recorded: the body was left empty", hint: nil, exitCode: 1)
    }

    private func print(_ entry: EntryRecord) throws {
      if output.json {
        try Output.json(entry)
      } else {
        Swift.print(entry.id)
      }
    }
  }
}

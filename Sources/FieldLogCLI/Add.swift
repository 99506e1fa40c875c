import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Add: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "add",
      abstract:
        "Record an entry: observation, network-conversation, interview, nabije-kennis or reflection.",
      discussion: """
        The body comes from --text, --file PATH, standard input ('-'), or, on a terminal, \
        $VISUAL or $EDITOR on a template that lists the entry's fields. What is written there \
        stays in a private draft next to the journal until it is recorded; if the editor fails \
        or fieldlog is stopped, the next 'add' on a terminal offers it back, and \
        'add --resume' takes it up.

        Fields by kind (--field key=value):
        """ + "\n" + fieldsByKind)

    /// "observation: setting, duration-minutes, present.", one line per kind, as the README's table.
    static var fieldsByKind: String {
      EntryKind.allCases.map { kind in
        let fields = kind.fields.map { field in
          switch field.type {
          case .roles: return "\(field.name) (\(FieldSpec.networkRoles.joined(separator: ", ")))"
          case .consent: return "\(field.name) (\(field.help))"
          default: return field.name
          }
        }
        return "\(kind.rawValue): "
          + (fields.isEmpty
            ? "no fields, and no neighbourhood or question needed."
            : fields.joined(separator: ", ") + ".")
      }.joined(separator: "\n")
    }

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions

    @Argument(
      help:
        "The kind: observation, network-conversation, interview, nabije-kennis (alias proximate-knowledge), reflection.",
      completion: Completions.kinds)
    var kind: String?

    @OptionGroup var entry: EntryOptions

    @Flag(
      help:
        "Take up the newest draft kept next to the journal: in the editor on a terminal, else as it is."
    )
    var resume = false

    func validate() throws {
      if resume {
        if kind != nil || !entry.changes(body: nil).isEmpty || entry.text != nil
          || entry.file != nil || entry.stdin != nil || !tie.isEmpty || network != nil
        {
          throw ValidationError(
            "--resume takes the draft as it was kept: give no kind, body or entry options with it")
        }
      } else if kind == nil {
        throw ValidationError(
          "give the kind: observation, network-conversation, interview, nabije-kennis or reflection"
        )
      } else if !tie.isEmpty || network != nil,
        let kind, let parsed = try? EntryKind.parse(kind), parsed != .networkConversation
      {
        // Refused before the editor opens, so that no draft is kept without them.
        throw ValidationError(
          "--tie and --network go with a network-conversation, not a \(parsed.rawValue)")
      }
    }
    @Flag(help: "Record it even when an entry of this kind, time and text exists already.")
    var allowDuplicate = false
    @Option(
      help: ArgumentHelp(
        "A tie of the network, on a network-conversation: A>B:kind:strength (A to B), A<>B "
          + "(both ways), A~B (no direction); :end ends it (repeatable).",
        valueName: "tie"))
    var tie: [String] = []
    @Option(help: "Whose network the ties are in (default: the entry's one participant).")
    var network: String?

    func run(_ journal: Journal) throws {
      if resume {
        guard let kept = Draft.kept(near: journal.path).first else {
          throw CommandFailure(
            message:
              "no draft is kept next to the journal \(journal.path); there is nothing to resume",
            hint: nil, exitCode: 66)
        }
        try output.print(resumed(kept, journal: journal))
        return
      }
      var draft = EntryDraft(
        kind: try EntryKind.parse(kind ?? ""), title: entry.title,
        neighbourhood: entry.neighbourhood,
        initiative: entry.initiative, questions: entry.question, tags: entry.tag,
        participants: entry.participant, newParticipants: entry.newParticipant,
        fields: entry.fieldPairs, occurredAt: entry.at)
      draft.allowDuplicate = allowDuplicate
      draft.cycle = entry.cycle
      draft.phase = entry.phase
      draft.ties = tie
      draft.network = network
      if let body = try entry.body() {
        draft.body = body
        try output.print(journal.record(draft))
      } else if Output.stdinIsTerminal {
        if let kept = Draft.kept(near: journal.path).first, Self.offer(kept) {
          try output.print(resumed(kept, journal: journal))
          return
        }
        // The ties are in the template, so a draft kept after a refused tie keeps them.
        try output.print(
          BodyInput.editAndRecord(draft, journal: journal, asDraft: true) {
            try journal.record($0)
          })
      } else {
        throw EntryOptions.noBody()
      }
    }

    /// Records a kept draft: through the editor on a terminal, else as it was saved.
    private func resumed(_ kept: Draft, journal: Journal) throws -> EntryRecord {
      if Output.stdinIsTerminal {
        return try BodyInput.editAndRecord(
          EntryDraft(kind: kept.kind), journal: journal, asDraft: true, resuming: kept
        ) { try journal.record($0) }
      }
      let text = try Text.body(
        from: try InputFile.read(kept.url.path, what: "draft", limit: BodyInput.readLimit * 2),
        source: "'\(kept.url.path)'")
      guard let draft = try EntryTemplate.parse(text, base: EntryDraft(kind: kept.kind)) else {
        throw CommandFailure(
          message: "nothing recorded: the draft \(kept.url.path) has an empty body", hint: nil,
          exitCode: 1)
      }
      let recorded = try journal.record(draft)
      try? FileManager.default.removeItem(at: kept.url)
      return recorded
    }

    /// Asks whether to take up a kept draft; anything but no means yes, as the prompt says.
    static func offer(_ kept: Draft) -> Bool {
      let when = ISO8601DateFormatter.string(
        from: kept.modified, timeZone: .current,
        formatOptions: [
          .withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime,
        ])
      Output.stderr(
        "a draft (\(kept.kind.rawValue)) that was not recorded is kept: \(kept.url.path)")
      FileHandle.standardError.write(Data("saved \(when); resume it? [Y/n] ".utf8))
      let answer = (readLine() ?? "").trimmingCharacters(in: .whitespaces).lowercased()
      let resume = !(answer.hasPrefix("n"))
      if !resume {
        Output.stderr("the draft stays where it is; remove it to stop this question")
      }
      return resume
    }
  }
}

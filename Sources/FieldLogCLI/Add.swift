import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Add: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "add",
      abstract: "Record an entry: observation, network-conversation, interview or nabije-kennis.",
      discussion: """
        The body comes from --text, --file PATH, standard input ('-'), or, on a terminal, \
        $VISUAL or $EDITOR on a template that lists the entry's fields.

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
        return "\(kind.rawValue): " + fields.joined(separator: ", ") + "."
      }.joined(separator: "\n")
    }

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions

    @Argument(
      help:
        "The kind: observation, network-conversation, interview, nabije-kennis (alias proximate-knowledge).",
      completion: Completions.kinds)
    var kind: String

    @OptionGroup var entry: EntryOptions

    func run(_ journal: Journal) throws {
      var draft = EntryDraft(
        kind: try EntryKind.parse(kind), title: entry.title, neighbourhood: entry.neighbourhood,
        initiative: entry.initiative, questions: entry.question, tags: entry.tag,
        participants: entry.participant, newParticipants: entry.newParticipant,
        fields: entry.fieldPairs, occurredAt: entry.at)
      if let body = try entry.body() {
        draft.body = body
        try output.print(journal.record(draft))
      } else if Output.stdinIsTerminal {
        try output.print(
          BodyInput.editAndRecord(draft, journal: journal) { try journal.record($0) })
      } else {
        throw EntryOptions.noBody()
      }
    }
  }
}

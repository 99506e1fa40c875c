import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Participant: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "participant",
      abstract: "The study's register of participants, by pseudonym only.",
      subcommands: [ParticipantAdd.self, ParticipantList.self])
  }

  struct ParticipantAdd: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "add",
      abstract: "Register a participant by pseudonym (real names go in the key file).")

    @OptionGroup var journalOptions: JournalOptions

    @Argument(help: "The pseudonym, e.g. P-017.")
    var pseudonym: String
    @Option(help: "Their role, e.g. client, buurtmoeder.")
    var role: String?
    @Option(help: "The neighbourhood they live or work in.")
    var neighbourhood: String?

    func run(_ journal: Journal) throws {
      let added = try journal.addParticipant(pseudonym, role: role, neighbourhood: neighbourhood)
      print("registered the participant \(added)")
    }
  }

  struct ParticipantList: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List participants with their consent per scope.")

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions

    func run(_ journal: Journal) throws {
      let participants = try journal.participants()
      if output.json {
        try Output.json(participants)
      } else if participants.isEmpty {
        Output.stderr("no participants")
      } else {
        Output.table(
          ["PSEUDONYM", "ROLE", "NEIGHBOURHOOD"]
            + ConsentScope.allCases.map { $0.rawValue.uppercased() },
          participants.map { person in
            [person.pseudonym, person.role ?? "", person.neighbourhood ?? ""]
              + person.consent.map { state in
                switch state.state {
                case "given": return "given (\(state.form ?? "")) \(state.date ?? "")"
                case "withdrawn": return "withdrawn \(state.date ?? "")"
                default: return "none"
                }
              }
          })
      }
    }
  }
}

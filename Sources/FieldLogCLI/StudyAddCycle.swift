import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct AddCycle: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "add-cycle",
      abstract: "Add a cycle of the action research (plan, act, observe, reflect).",
      discussion: """
        An entry dated inside exactly one cycle belongs to it unless given another with --cycle.
        """)

    @OptionGroup var journalOptions: JournalOptions
    @Argument(help: "The cycle's id, e.g. C2.")
    var id: String
    @Option(help: "What the cycle is about.")
    var name: String
    @Option(help: "Its first day, e.g. 2024-09-01.")
    var from: String
    @Option(help: "Its last day, e.g. 2024-12-20.")
    var to: String
    @Option(
      help: "The neighbourhood it belongs to, if one.", completion: Completions.neighbourhoods)
    var neighbourhood: String?
    @Option(help: "The initiative it belongs to, in that neighbourhood.")
    var initiative: String?

    func run(_ journal: Journal) throws {
      try journal.addCycle(
        Study.Cycle(
          id: id, name: name, from: from, to: to, neighbourhood: neighbourhood,
          initiative: initiative))
      print("added the cycle \(id)")
    }
  }
}

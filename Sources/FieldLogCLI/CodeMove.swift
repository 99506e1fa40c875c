import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct CodeMove: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "move", abstract: "Move a code under another code, or to the top with --root.")

    @OptionGroup var journalOptions: JournalOptions
    @Argument(help: "The code, by name or path.")
    var name: String
    @Option(help: "The new parent code.")
    var parent: String?
    @Flag(help: "Move it to the top of the codebook.")
    var root = false

    func validate() throws {
      if (parent == nil) == !root { throw ValidationError("give either --parent NAME or --root") }
    }

    func run(_ journal: Journal) throws {
      try journal.moveCode(name, under: parent)
      print("moved '\(name)' " + (parent.map { "under '\($0)'" } ?? "to the top"))
    }
  }
}

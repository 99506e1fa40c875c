import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Coder: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "coder",
      abstract: "The study's coders: who 'code apply --coder' may name.",
      discussion: """
        The study knows the team of its study file, everyone added here, and the author of every \
        journal merged in.
        """,
      subcommands: [CoderAdd.self, CoderList.self])
  }

  struct CoderAdd: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "add", abstract: "Add a coder to the study's team.")

    @OptionGroup var journalOptions: JournalOptions
    @Argument(help: "The coder's name, as it will be recorded on codings.")
    var name: String

    func run(_ journal: Journal) throws {
      print("added the coder '\(try journal.addCoder(name))'")
    }
  }

  struct CoderList: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List the coders the study knows, with their codings.")

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions

    func run(_ journal: Journal) throws {
      let coders = try journal.coders()
      if output.json {
        try Output.json(coders)
      } else {
        Output.table(
          ["CODER", "KNOWN AS", "CODINGS"],
          coders.map { [$0.name, $0.source, String($0.codings)] })
      }
    }
  }
}

import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct CodeList: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "list",
      abstract: "Show the codebook as a tree, with codings and entries per code.")

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions

    func run(_ journal: Journal) throws {
      let codes = try journal.codes()
      if output.json {
        try Output.json(codes)
      } else if codes.isEmpty {
        Output.stderr("the codebook is empty; add a code with 'fieldlog code define NAME'")
      } else {
        Output.table(
          ["CODINGS", "ENTRIES", "CODE"],
          codes.map {
            [
              String($0.codings), String($0.entries),
              String(repeating: "  ", count: $0.depth) + $0.path,
            ]
          })
      }
    }
  }
}

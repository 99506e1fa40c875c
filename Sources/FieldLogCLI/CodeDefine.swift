import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct CodeDefine: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "define", abstract: "Add a code to the codebook.")

    @OptionGroup var journalOptions: JournalOptions
    @Argument(help: "The code's name (unique among its siblings).")
    var name: String
    @Option(help: "The parent code, by name or path 'parent > child'.")
    var parent: String?
    @Option(help: "What the code means.")
    var description: String?
    @Option(help: "A colour, #RRGGBB.")
    var color: String?

    func run(_ journal: Journal) throws {
      let path = try journal.defineCode(
        name, parent: parent, description: description, color: color)
      print("defined the code '\(path)'")
    }
  }
}

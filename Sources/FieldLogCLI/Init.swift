import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "init",
      abstract: "Create a new journal, optionally for the study a study file declares.")

    @OptionGroup var journalOptions: JournalOptions

    @Option(help: "A YAML study file with neighbourhoods, initiatives, questions and a codebook.")
    var study: String?

    @Option(help: "Your name as it is recorded on every entry (default: $USER).")
    var author: String?

    static func count(_ codes: [Study.Code]) -> Int {
      codes.reduce(0) { $0 + 1 + count($1.children ?? []) }
    }

    func run() throws {
      let path = journalOptions.path
      let study =
        try self.study.map(Study.load)
        ?? Study(
          name: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent)
      let environment = ProcessInfo.processInfo.environment
      let author = self.author ?? environment["USER"] ?? environment["LOGNAME"] ?? "unknown"
      let journal = try Journal.create(at: path, study: study, author: author)
      print("created the journal \(journal.path) for '\(study.name)'")
      print(
        "\(study.neighbourhoods.count) neighbourhoods, \(study.initiatives.count) initiatives, "
          + "\(study.questions.count) research questions, "
          + "\(Self.count(study.codebook)) codes")
    }
  }
}

import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "init",
      abstract: "Create a new journal, optionally for the study a study file declares.")

    @OptionGroup var journalOptions: JournalOptions

    @Option(
      help: "A YAML study file with neighbourhoods, initiatives, questions and a codebook.",
      completion: .file(extensions: ["yaml", "yml", "json"]))
    var study: String?

    @Option(help: "Your name as it is recorded on every entry (default: $USER).")
    var author: String?

    @Option(
      help:
        "Start from a colleague's journal: its study, codebook and participants, with a feed of your own."
    )
    var from: String?

    func validate() throws {
      if study != nil && from != nil {
        throw ValidationError("give either --study or --from, not both")
      }
    }

    static func count(_ codes: [Study.Code]) -> Int {
      codes.reduce(0) { $0 + 1 + count($1.children ?? []) }
    }

    func run() throws {
      let path = journalOptions.path
      let environment = ProcessInfo.processInfo.environment
      let author = self.author ?? environment["USER"] ?? environment["LOGNAME"] ?? "unknown"
      let journal: Journal
      if let from {
        journal = try Journal.create(
          at: path, from: from, author: author, keys: journalOptions.keys)
      } else {
        let study =
          try self.study.map(Study.load)
          ?? Study(
            name: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent)
        journal = try Journal.create(
          at: path, study: study, author: author, keys: journalOptions.keys)
      }
      let study = try journal.study()
      print("created the journal \(journal.path) for '\(study.name)'")
      print(
        "\(study.neighbourhoods.count) neighbourhoods, \(study.initiatives.count) initiatives, "
          + "\(study.questions.count) research questions, "
          + "\(Self.count(study.codebook)) codes")
      if let own = try journal.feeds().first(where: \.own) {
        print(
          "your feed \(own.feed.prefix(8)) is signed with \(journalOptions.keys.path(for: own.feed))"
        )
      }
    }
  }
}

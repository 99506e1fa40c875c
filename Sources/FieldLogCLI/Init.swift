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

    @Option(help: "The study's name, for a journal started without a study file.")
    var name: String?

    @Option(help: "Your name as it is recorded on every entry (default: $USER).")
    var author: String?

    @Option(
      help:
        "Start from a colleague's journal, verified first: its study, codebook, participants and consent, with a feed of your own."
    )
    var from: String?

    func validate() throws {
      if study != nil && from != nil {
        throw ValidationError("give either --study or --from, not both")
      }
      if name != nil && (study != nil || from != nil) {
        throw ValidationError(
          "--name is for a journal without a study file; the study file or journal names the study")
      }
    }

    /// The study's name for a journal without a study file: --name, else asked for on a terminal.
    /// A name taken from the file name would be recorded on every feed and export, unseen.
    func studyName() throws -> String {
      if let name { return try Text.line(name, what: "study name") }
      guard Output.stdinIsTerminal else {
        throw CommandFailure(
          message: "name the study: give --study FILE (a study file) or --name NAME",
          hint: "Examples/werkplaats-amsterdam.yaml shows a study file", exitCode: 64)
      }
      FileHandle.standardError.write(Data("name of the study: ".utf8))
      let typed = readLine(strippingNewline: true) ?? ""
      guard !typed.trimmingCharacters(in: .whitespaces).isEmpty else {
        throw CommandFailure(
          message: "no study name was given; no journal was created",
          hint: "give --name NAME or --study FILE", exitCode: 64)
      }
      return try Text.line(typed, what: "study name")
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
        let study = try self.study.map(Study.load) ?? Study(name: try studyName())
        journal = try Journal.create(
          at: path, study: study, author: author, keys: journalOptions.keys)
      }
      let study = try journal.study()
      print("created the journal \(journal.path) for '\(study.name)'")
      print(
        "\(study.neighbourhoods.count) neighbourhoods, \(study.initiatives.count) initiatives, "
          + "\(study.questions.count) research questions, "
          + "\(Self.count(study.codebook)) codes")
      if study.neighbourhoods.isEmpty || study.questions.isEmpty {
        print(
          "next: add the study's neighbourhoods and research questions with "
            + "'fieldlog study add-neighbourhood NAME' and "
            + "'fieldlog study add-question RQ1 --text ...'"
        )
      }
      if let own = try journal.feeds().first(where: \.own) {
        print(
          "your feed \(own.feed.prefix(8)) is signed with \(journalOptions.keys.path(for: own.feed))"
        )
      }
    }
  }
}

import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "study",
      abstract: "Show the study's vocabularies, or add to them.",
      subcommands: [ShowStudy.self, AddNeighbourhood.self, AddInitiative.self, AddQuestion.self],
      defaultSubcommand: ShowStudy.self)
  }

  struct ShowStudy: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "show",
      abstract:
        "List neighbourhoods, initiatives, research questions and codes (--json: a study file).")

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions

    func run(_ journal: Journal) throws {
      let study = try journal.study()
      if output.json {
        try Output.json(study)
        return
      }
      print("study: \(study.name)")
      print("\nneighbourhoods and initiatives:")
      for place in study.neighbourhoods {
        print("  \(place.name)")
        for initiative in study.initiatives where initiative.neighbourhood == place.name {
          print("    - \(initiative.name)")
        }
      }
      print("\nresearch questions:")
      for question in study.questions { print("  \(question.id)  \(question.text)") }
      if !study.codebook.isEmpty {
        print("\ncodebook:")
        func show(_ codes: [Study.Code], depth: Int) {
          for code in codes {
            print(String(repeating: "  ", count: depth + 1) + code.name)
            show(code.children ?? [], depth: depth + 1)
          }
        }
        show(study.codebook, depth: 0)
      }
    }
  }

  struct AddNeighbourhood: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "add-neighbourhood", abstract: "Add a neighbourhood to the study.")

    @OptionGroup var journalOptions: JournalOptions
    @Argument(help: "The neighbourhood's name.")
    var name: String
    @Option(help: "A short description.")
    var description: String?

    func run(_ journal: Journal) throws {
      try journal.addNeighbourhood(name, description: description)
      print("added the neighbourhood '\(name)'")
    }
  }

  struct AddInitiative: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "add-initiative", abstract: "Add an initiative in a neighbourhood.")

    @OptionGroup var journalOptions: JournalOptions
    @Argument(help: "The initiative's name.")
    var name: String
    @Option(help: "The neighbourhood it works in.")
    var neighbourhood: String
    @Option(help: "A short description.")
    var description: String?

    func run(_ journal: Journal) throws {
      try journal.addInitiative(name, neighbourhood: neighbourhood, description: description)
      print("added the initiative '\(name)' in '\(neighbourhood)'")
    }
  }

  struct AddQuestion: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "add-question", abstract: "Add a research question.")

    @OptionGroup var journalOptions: JournalOptions
    @Argument(help: "The question's id, e.g. RQ5.")
    var id: String
    @Option(help: "The question itself.")
    var text: String

    func run(_ journal: Journal) throws {
      try journal.addQuestion(id, text: text)
      print("added the research question \(id)")
    }
  }
}

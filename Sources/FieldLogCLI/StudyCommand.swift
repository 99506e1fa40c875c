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
}

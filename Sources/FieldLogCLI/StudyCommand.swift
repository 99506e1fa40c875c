import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "study",
      abstract: "Show the study's vocabularies, add to them, or edit the study.",
      subcommands: [
        ShowStudy.self, AddNeighbourhood.self, AddInitiative.self, AddQuestion.self,
        RenameStudy.self, DescribeStudy.self, RemoveNeighbourhood.self, RemoveInitiative.self,
        RemoveQuestion.self, AddCycle.self, AddLetter.self, SetRetention.self,
      ],
      defaultSubcommand: ShowStudy.self)
  }
}

import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Code: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "code",
      abstract: "The codebook, and coding entries and segments with it.",
      subcommands: [
        CodeDefine.self, CodeList.self, CodeRename.self, CodeMove.self, CodeMerge.self,
        CodeDescribe.self, CodeApply.self, CodeRemove.self, CodeShow.self, CodeOrphans.self,
      ])
  }
}

import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct History: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "history",
      abstract: "Show every version of an entry: who, when, why, and what changed.")

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The entry's id, or at least 4 of its first hex digits.")
    var id: String

    func run(_ journal: Journal) throws {
      let steps = try journal.history(of: try journal.resolveEntryID(id))
      if output.json {
        try Output.json(steps)
        return
      }
      for step in steps {
        var heading = step.version.map { "version \($0) \(step.event)" } ?? step.event
        heading += " \(step.at) by \(step.author)"
        print(heading)
        if let reason = step.reason { print("  reason: \(reason)") }
        if let source = step.importedFrom { print("  imported from \(source)") }
        if step.erased { print("  [content erased by redaction]") }
        if step.event == "recorded", let title = step.title { print("  title: \(title)") }
        for change in step.changes {
          switch (change.from, change.to) {
          case (nil, let to?): print("  + \(change.what): \(to)")
          case (let from?, nil): print("  - \(change.what): \(from)")
          default: print("  \(change.what): \(change.from ?? "") → \(change.to ?? "")")
          }
        }
        if !step.diff.isEmpty {
          print("  body:")
          for line in step.diff { print("    \(line.op) \(line.line)") }
        }
        print("")
      }
    }
  }
}

import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Memo: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "memo", abstract: "Analytic memos about entries, codes and codings.",
      subcommands: [MemoAdd.self, MemoList.self])
  }

  struct MemoAdd: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "add", abstract: "Write a memo about an entry, a code or a coding.")

    @OptionGroup var journalOptions: JournalOptions
    @Option(help: "What it is about: an entry or coding id, or a code's name.")
    var about: String
    @Argument(help: "The memo.")
    var text: String
    @Option(help: "The action-research cycle it belongs to, e.g. C2.")
    var cycle: String?
    @Option(help: "The phase of the cycle: plan, act, observe or reflect.")
    var phase: String?
    @Flag(help: "Share it with the participants it concerns, in their member-check document.")
    var share = false

    func run(_ journal: Journal) throws {
      let memo = try journal.addMemo(
        about: about, text: text, cycle: cycle, phase: phase, shared: share)
      print(memo.id)
    }
  }

  struct MemoList: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List memos, oldest first.")

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Only memos about this entry, coding or code.")
    var about: String?

    func run(_ journal: Journal) throws {
      let memos = try journal.memos(about: about)
      if output.json {
        try Output.json(memos)
      } else if memos.isEmpty {
        Output.stderr("no memos")
      } else {
        for memo in memos {
          let about = memo.aboutPath.map { "'\($0)'" } ?? String(memo.about.prefix(8))
          let marks = [memo.cycle, memo.phase, memo.shared ? "shared" : nil].compactMap { $0 }
          print(
            "\(memo.id.prefix(8))  \(memo.time)  \(memo.author)  about \(memo.aboutKind) \(about)"
              + (marks.isEmpty ? "" : "  [" + marks.joined(separator: ", ") + "]"))
          print(
            "  "
              + memo.text.split(separator: "\n", omittingEmptySubsequences: false).joined(
                separator: "\n  "))
        }
      }
    }
  }
}

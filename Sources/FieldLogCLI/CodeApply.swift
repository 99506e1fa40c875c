import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct CodeApply: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "apply",
      abstract: "Code a whole entry, or a segment of it found by --quote or given by --range.",
      discussion: """
        --quote finds the text exactly, else ignoring differences in white space and line breaks. \
        Offsets are Unicode scalar offsets, zero-based, end-exclusive (as in REFI-QDA).
        """)

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The entry's id, or at least 4 of its first hex digits.")
    var entry: String
    @Argument(help: "The code, by name or path.", completion: Completions.codes)
    var code: String
    @Option(help: "The text to code.")
    var quote: String?
    @Option(help: "Which occurrence of the quote, counting from 1.")
    var occurrence: Int?
    @Option(help: "The segment as START:END.")
    var range: String?
    @Option(help: "A memo on this coding.")
    var memo: String?
    @Option(help: "Who codes (default: the journal's author).")
    var coder: String?

    func validate() throws {
      if quote != nil && range != nil { throw ValidationError("give --quote or --range, not both") }
      if occurrence != nil && quote == nil {
        throw ValidationError("--occurrence goes with --quote")
      }
    }

    func run(_ journal: Journal) throws {
      let target: CodingTarget
      if let quote {
        target = .quote(quote, occurrence: occurrence)
      } else if let range {
        target = try Self.range(range)
      } else {
        target = .wholeEntry
      }
      let coding = try journal.applyCode(
        code, to: try journal.resolveEntryID(entry), target: target, memo: memo, coder: coder)
      if coding.alreadyApplied {
        let segment = coding.start.map { "\($0):\(coding.end ?? $0)" } ?? "the whole entry"
        Output.stderr(
          "\(coding.coder) coded \(segment) with '\(coding.codePath)' already (coding "
            + "\(coding.shortID)); nothing was recorded"
            + (memo == nil
              ? "" : "; add the memo with 'fieldlog memo add --about \(coding.shortID)'"))
      }
      if output.json { try Output.json(coding) } else { print(coding.shortID) }
    }

    /// START:END as `code apply --range` takes it.
    static func range(_ text: String) throws -> CodingTarget {
      let parts = text.split(separator: ":", omittingEmptySubsequences: false)
      guard parts.count == 2, let start = Int(parts[0]), let end = Int(parts[1]) else {
        throw FieldLogError.invalidInput("the range '\(text)' is not START:END, like 120:185")
      }
      return .range(start, end)
    }
  }
}

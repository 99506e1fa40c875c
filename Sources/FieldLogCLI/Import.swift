import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Import: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "import",
      abstract:
        "Import entries (JSON Lines, CSV, a folder of Markdown notes) or a REFI-QDA codebook (.qdc).",
      discussion: """
        The format comes from the extension (.jsonl, .csv, .md) or a folder (Markdown), or \
        --format. \
        One bad record imports nothing, and the error names the file, the line and the problem. \
        Entries whose id the journal knows are skipped, so importing twice adds nothing.
        """)

    @OptionGroup var journalOptions: JournalOptions

    @Argument(help: "Files or folders to import.", completion: .file())
    var paths: [String]
    @Option(
      help: "jsonl, csv, markdown or qdc (default: from each path).",
      completion: ImportFormat.completion)
    var format: String?
    @Flag(
      help:
        "Add neighbourhoods, initiatives, questions and participants the study lacks, and list them."
    )
    var addMissing = false

    func validate() throws {
      if paths.isEmpty { throw ValidationError("name at least one file or folder to import") }
    }

    func run(_ journal: Journal) throws {
      let format = try self.format.map { try ImportFormat.parse($0) }
      if paths.count == 1, (format ?? ImportFormat.guess(paths[0])) == .qdc {
        let summary = try journal.importCodebook(from: paths[0])
        for added in summary.added { print("added \(added)") }
        print(
          "imported \(Counted.phrase(summary.imported, "code")); skipped \(summary.skipped) "
            + "already in the codebook")
        return
      }
      let progress = ProgressLine.forTerminal()
      let summary = try journal.importEntries(
        from: paths, format: format, addMissing: addMissing, progress: progress?.report)
      progress?.finish()
      for added in summary.added { print("added \(added)") }
      print(
        "imported \(Counted.phrase(summary.imported, "entry", "entries")); "
          + "skipped \(summary.skipped) already in the journal")
      if summary.redacted > 0 {
        print(
          "skipped \(Counted.phrase(summary.redacted, "redacted entry", "redacted entries")): "
            + "there is no text to import")
      }
    }
  }
}

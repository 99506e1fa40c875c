import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct MemberCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "membercheck",
      abstract: "Member checking: show participants what was written about them, and record "
        + "what they said.",
      subcommands: [MemberCheckExport.self, MemberCheckRecord.self, MemberCheckStatus.self])
  }

  struct MemberCheckRecord: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "record", abstract: "Record a participant's response to their member check.",
      discussion: """
        An 'amends' response names the entry it amends (--entry): amend the entry first \
        ('fieldlog amend ID'), then record the response, which links to that version. Entries \
        whose participant disagreed are flagged in exports (column member_check).
        """)

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The participant's pseudonym.")
    var pseudonym: String
    @Option(help: "agrees, amends, disagrees or no-response.")
    var response: String
    @Option(help: "What they said, in their words or yours.")
    var text: String = ""
    @Option(help: "The entry the response is about.")
    var entry: String?
    @Option(help: "The cycle of the member check (default: its entry's, else its day's).")
    var cycle: String?
    @Option(help: "The day they responded (default: today).")
    var date: String?

    func run(_ journal: Journal) throws {
      let check = try journal.recordMemberCheck(
        pseudonym, response: try MemberCheckResponse.parse(response), text: text, entry: entry,
        cycle: cycle, date: date)
      if output.json { return try Output.json(check) }
      print(
        "recorded: \(check.participant) \(check.response.rawValue)"
          + (check.entry.map { " on entry \($0.prefix(8)) (version \(check.version ?? 1))" } ?? ""))
    }
  }

  struct MemberCheckExport: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "export",
      abstract: "Write one participant's member-check document, as HTML and Markdown.",
      discussion: """
        The document holds the participant's quotes (only with quotation consent of everyone \
        the entry names), the codes on them, and the memos shared with 'memo add --share', with \
        a plain-language explanation in Dutch. The participant must have consented to be \
        contacted again (scope member-check). The real-name guard of the key file applies.
        """)

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var keyFile: KeyFileOptions
    @Argument(help: "The participant's pseudonym.")
    var pseudonym: String
    @Option(name: .shortAndLong, help: "The folder to write P.html and P.md into (mode 0700).")
    var output: String
    @Flag(help: "Replace the participant's files in that folder.")
    var force = false
    @Option(help: "An ordinary word the real-name guard lets through (repeatable).")
    var allowWord: [String] = []

    func run(_ journal: Journal) throws {
      let (people, unguarded) = try keyFile.guardedPeople(journal, noNameGuard: false)
      let document = try journal.memberCheckDocument(
        for: pseudonym, people: people, allowWords: allowWord)
      var isFolder: ObjCBool = false
      if FileManager.default.fileExists(atPath: output, isDirectory: &isFolder) {
        guard isFolder.boolValue else {
          throw FieldLogError.invalidInput(
            "'\(output)' is a file; -o names the folder the documents go into")
        }
      } else {
        do {
          try FileManager.default.createDirectory(
            atPath: output, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        } catch {
          throw FieldLogError.io(
            "cannot make the folder '\(output)': \(error.localizedDescription)")
        }
      }
      let base = URL(fileURLWithPath: output).appendingPathComponent(document.participant).path
      for (path, _) in [(base + ".html", 0), (base + ".md", 0)] {
        try journal.checkOutput(path, replace: force, keyFile: keyFile.path(journal: journal.path))
      }
      try Journal.writePrivately(Data(document.html().utf8), to: base + ".html", replace: force)
      try Journal.writePrivately(Data(document.markdown().utf8), to: base + ".md", replace: force)
      if let unguarded { Output.stderr(unguarded) }
      let quotes = document.items.reduce(0) { $0 + $1.quotes.count }
      print(
        "wrote \(base).html and \(base).md: \(Counted.phrase(document.items.count, "entry", "entries")), "
          + Counted.phrase(quotes, "quote"))
    }
  }

  struct MemberCheckStatus: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "status",
      abstract: "Member-check status per participant, or per cycle (--by cycle).")

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "participant or cycle.")
    var by: String = "participant"

    func run(_ journal: Journal) throws {
      let grouping = try MemberCheckStatusReport.Grouping.parse(by)
      let report = try journal.memberCheckStatus(by: grouping)
      if output.json { return try Output.json(report) }
      Output.table(
        [grouping == .cycle ? "CYCLE" : "PARTICIPANT"] + MemberCheckStatusReport.columns,
        report.rows.map { [$0.group] + $0.cells })
    }
  }
}

import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Verify: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "verify",
      abstract: "Prove the journal is whole: every hash, link, payload and guard is checked.")

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions

    @Option(
      help: "A checkpoint file: also prove the journal still holds at least the history it saw.")
    var checkpoint: String?

    @Flag(
      help:
        "Also flag entries recorded under an information letter a participant did not consent on.")
    var consent = false

    /// Opened to read only: `verify` never writes, not even a schema upgrade or a signature.
    func run() throws {
      try run(try Journal.openForReading(at: journalOptions.path, keys: journalOptions.keys))
    }

    func run(_ journal: Journal) throws {
      let saw = try checkpoint.map { path in
        try Checkpoint.parse(
          String(decoding: InputFile.read(path, what: "checkpoint", limit: 1 << 20), as: UTF8.self),
          path: path)
      }
      let progress = ProgressLine.forTerminal()
      var report = try journal.verify(progress: progress?.report)
      progress?.finish()
      if let saw { report.problems += try journal.problems(against: saw) }
      if consent { report.consent = try journal.consentFindings() }
      let consentFlagged = !(report.consent ?? []).isEmpty
      if output.json {
        try Output.json(report)
      } else {
        for redacted in report.redacted {
          print("redacted: feed \(redacted.feed.prefix(8)) seq \(redacted.seq) (\(redacted.type))")
        }
        for problem in report.problems {
          var place = problem.feed.map { "feed \($0.prefix(8))" } ?? "journal"
          if let seq = problem.seq { place += " seq \(seq)" }
          if let type = problem.type {
            place += " (\(type)" + (problem.subject.map { " \($0.prefix(8))" } ?? "") + ")"
          }
          print("damaged: \(place): \(problem.problem)")
        }
        let summary =
          "\(Counted.phrase(report.feeds, "feed")), \(Counted.phrase(report.events, "event")), "
          + "\(Counted.phrase(report.payloads, "payload")) verified, "
          + "\(report.redacted.count) redacted"
          + (report.withheld.isEmpty
            ? ""
            : ", \(report.withheld.count) withheld by their writers (not shared: consent)")
        if let saw, report.ok {
          print(
            "checkpoint: "
              + (saw.heads.count == 1
                ? "its one feed" : "every one of its \(saw.heads.count) feeds")
              + " still holds the history it saw "
              + "at \(saw.taken)")
        }
        for finding in report.consent ?? [] {
          print(
            "consent: entry \(finding.entry.prefix(8)) names \(finding.participant), recorded under "
              + "letter \(finding.letter), on which \(finding.participant) has not consented")
        }
        if consent && !consentFlagged {
          print("consent: every entry names only participants who consented on its letter")
        }
        print(
          report.ok
            ? "ok: \(journal.path) is whole: \(summary)"
            : "damaged: \(Counted.phrase(report.problems.count, "problem")) in \(journal.path); "
              + summary)
      }
      if !report.ok || consentFlagged {
        throw ExitCode(1)
      }
    }
  }
}

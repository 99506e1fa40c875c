import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Retention: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "retention",
      abstract: "List what the study's retention makes due: key records, withdrawn archiving.",
      discussion: """
        Retention never deletes research data by itself. Key records are purged with 'fieldlog \
        keys purge --due'; entries are erased with 'fieldlog redact'. Declare retention in the \
        study file ('retention:') or with 'fieldlog study set-retention'.
        """)

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var keyFile: KeyFileOptions
    @Option(help: "Count from this day instead of today (YYYY-MM-DD).")
    var today: String?

    func run(_ journal: Journal) throws {
      let records = try keyFile.openForReading(journal: journal)?.people().map(\.pseudonym) ?? []
      let report = try journal.retention(keyRecords: records, today: today)
      if output.json { return try Output.json(report) }
      print("retention on \(report.today):")
      if let until = report.researchDataUntil {
        print(
          report.researchDataDue
            ? "  research data: past its retention (kept until \(until)); decide on archiving or "
              + "erasure ('fieldlog redact')"
            : "  research data: kept until \(until)")
      } else {
        print("  research data: no retention declared ('fieldlog study set-retention')")
      }
      print(
        "  key file: "
          + (report.keyFileUntil.map { "kept until \($0)" } ?? "no retention declared"))
      if report.keyRecordsDue.isEmpty {
        print("no key records are due")
      } else {
        print("key records due (purge them with 'fieldlog keys purge --due'):")
        for record in report.keyRecordsDue { print("  \(record.pseudonym): \(record.reason)") }
      }
      if !report.archiveWithdrawn.isEmpty {
        print("participants who withdrew consent to archiving, with entries that name them:")
        for person in report.archiveWithdrawn {
          print(
            "  \(person.pseudonym) (withdrawn \(person.withdrawn)): "
              + person.entries.map { String($0.prefix(8)) }.joined(separator: ", "))
        }
      }
    }
  }
}

import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Conflicts: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "conflicts",
      abstract:
        "List what merged journals left to settle: concurrent amends and consent, clashing codes.",
      discussion: """
        An entry amended in two journals at once keeps both versions; amend it with --resolve to \
        replace them. Two codes with one name and different ids are settled with 'fieldlog code \
        merge FROM INTO', naming each by its id. Consent changed in two journals at once is listed \
        when the changes disagree; the one dated last is in force (on one day, a withdrawal), and a \
        new 'fieldlog consent' settles it.
        """)

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions

    func run(_ journal: Journal) throws {
      let report = try journal.conflicts()
      if output.json { return try Output.json(report) }
      if report.isEmpty { return print("no conflicts") }
      let zone = try journal.timeZone()
      for entry in report.entries {
        print(
          "entry \(entry.id.prefix(8)) \"\(entry.title)\": \(entry.versions.count) concurrent versions"
        )
        for version in entry.versions {
          print(
            "  version \(version.version.map(String.init) ?? "?") by \(version.author ?? "?") "
              + "(feed \(version.feed.prefix(8)), \(FieldTime.display(version.recordedAt, in: zone)))"
              + (version.shown ? ", shown now" : ""))
        }
        print("  settle with: fieldlog amend \(entry.id.prefix(8)) --resolve --reason ...")
      }
      for code in report.codes {
        print(
          "code '\(code.name)'" + (code.parent.map { " under '\($0)'" } ?? "")
            + " has \(code.ids.count) ids: "
            + code.ids.map { String($0.prefix(8)) }.joined(separator: ", "))
        print(
          "  settle with: fieldlog code merge \(code.ids[1].prefix(8)) \(code.ids[0].prefix(8))")
      }
      for consent in report.consents {
        print(
          "consent of \(consent.participant) for \(consent.scope): \(consent.changes.count) "
            + "concurrent changes, \(consent.inForce) in force")
        for change in consent.changes {
          print(
            "  \(change.state)" + (change.form.map { " (\($0))" } ?? "")
              + " dated \(change.date) by \(change.author) (feed \(change.feed.prefix(8)), "
              + "\(FieldTime.display(change.recordedAt, in: zone)))")
        }
        print(
          "  settle with: fieldlog consent \(consent.participant) --given FORM --scope "
            + "\(consent.scope), or --withdraw --scope \(consent.scope)")
      }
    }
  }
}

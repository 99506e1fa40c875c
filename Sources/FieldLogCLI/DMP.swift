import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct DMP: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "dmp",
      abstract: "Write a data management plan fragment from the journal's facts.",
      discussion: """
        --json writes an RDA DMP Common Standard (maDMP 1.2) document, for DMP tools such as \
        DMPonline or the Data Stewardship Wizard; --markdown the same as prose for a funder's \
        template (ZonMw, NWO).
        """)

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var outputFile: OutputFileOptions
    @Flag(help: "Write the maDMP 1.2 JSON document.")
    var json = false
    @Flag(help: "Write Markdown prose.")
    var markdown = false
    @Option(help: "The DMP's contact (default: the journal's author).")
    var contactName: String?
    @Option(help: "The contact's e-mail address, which the standard asks for.")
    var contactEmail: String?

    func validate() throws {
      if json == markdown { throw ValidationError("give --json or --markdown") }
    }

    func run(_ journal: Journal) throws {
      let plan = try journal.dataManagementPlan(
        contactName: contactName, contactEmail: contactEmail)
      let text =
        json
        ? String(decoding: try Output.prettyJSON(plan.document), as: UTF8.self) + "\n"
        : plan.markdown
      if let path = try outputFile.checked(journal) {
        try Journal.writePrivately(Data(text.utf8), to: path, replace: outputFile.force)
        print("wrote the data management plan fragment to \(path)")
      } else {
        print(text, terminator: "")
      }
      if json && contactEmail == nil {
        Output.stderr("note: no --contact-email: the contact's mbox is empty; fill it in")
      }
    }
  }
}

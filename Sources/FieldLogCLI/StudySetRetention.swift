import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct SetRetention: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "set-retention",
      abstract: "Declare how long research data and the key file are kept.",
      discussion: """
        Changes what is given and keeps the rest of what the study file or an earlier \
        set-retention declared (a day to keep research data until and years after the end \
        replace each other). Retention never \
        deletes research data: 'fieldlog retention' lists what is due, and erasure stays with \
        'redact'.
        """)

    @OptionGroup var journalOptions: JournalOptions
    @Option(help: "The last day of the study.")
    var studyEnd: String?
    @Option(help: "Keep research data until this day.")
    var researchDataUntil: String?
    @Option(help: "Keep research data this many years after the study's end.")
    var researchDataYears: Int?
    @Option(help: "Keep the key file's records until this day.")
    var keyFileUntil: String?
    @Option(help: "Whether the study holds special categories of personal data: yes, no, unknown.")
    var sensitiveData: String?

    func validate() throws {
      if researchDataUntil != nil && researchDataYears != nil {
        throw ValidationError("give --research-data-until or --research-data-years, not both")
      }
      if [studyEnd, researchDataUntil, keyFileUntil, sensitiveData].allSatisfy({ $0 == nil })
        && researchDataYears == nil
      {
        throw ValidationError(
          "give what to declare: --study-end, --research-data-until, --research-data-years, "
            + "--key-file-until or --sensitive-data")
      }
    }

    func run(_ journal: Journal) throws {
      try journal.declareDataManagement(
        Study.Retention(
          studyEnd: studyEnd, researchDataUntil: researchDataUntil,
          researchDataYears: researchDataYears, keyFileUntil: keyFileUntil),
        sensitiveData: sensitiveData)
      print("declared the study's retention")
    }
  }
}

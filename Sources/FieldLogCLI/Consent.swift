import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Consent: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "consent",
      abstract: "Record consent given or withdrawn by a participant, per scope.",
      discussion: """
        Without quotation consent, an entry's body is withheld from exports. \
        --withdraw without --scope withdraws every scope.
        """)

    @OptionGroup var journalOptions: JournalOptions

    @Argument(help: "The participant's pseudonym.")
    var pseudonym: String
    @Option(help: "How consent was given: written or verbal.")
    var given: String?
    @Flag(help: "Withdraw consent.")
    var withdraw = false
    @Option(help: "Scopes, comma-separated: recording, quotation, archive, share-consortium.")
    var scope: [String] = []
    @Option(help: "The day it was given or withdrawn (default: today).")
    var date: String?

    func validate() throws {
      if (given != nil) == withdraw {
        throw ValidationError("give either --given written|verbal or --withdraw")
      }
      if given != nil && scope.isEmpty {
        throw ValidationError("name the scopes with --scope recording,quotation,archive,share-consortium")
      }
    }

    func run(_ journal: Journal) throws {
      let form = try given.map(ConsentForm.parse)
      let scopes = try ConsentScope.parse(scope)
      let registered = try journal.recordConsent(pseudonym, form: form, scopes: scopes, date: date)
      let named = scopes.isEmpty ? "every scope" : scopes.map(\.rawValue).joined(separator: ", ")
      print("recorded: \(registered) \(form == nil ? "withdrew" : "gave") consent for \(named)")
    }
  }
}

import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Consent: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "consent",
      abstract:
        "Record consent given or withdrawn by a participant, per scope, or show its history.",
      discussion: """
        Without quotation consent, an entry's body is withheld from exports. \
        --withdraw without --scope withdraws every scope. With neither --given nor --withdraw, \
        prints the participant's full consent history.
        """)

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The participant's pseudonym.")
    var pseudonym: String
    @Option(help: "How consent was given: written or verbal.")
    var given: String?
    @Flag(help: "Withdraw consent.")
    var withdraw = false
    @Option(help: "Scopes, comma-separated: \(scopeList).")
    var scope: [String] = []
    @Option(help: "The day it was given or withdrawn (default: today).")
    var date: String?
    @Option(
      help:
        "The version of the information letter it was given on, e.g. v2 (default: the one in force on its day)."
    )
    var letter: String?

    static let scopeList = ConsentScope.allCases.map(\.rawValue).joined(separator: ", ")

    func validate() throws {
      if given != nil && withdraw {
        throw ValidationError("give either --given written|verbal or --withdraw, not both")
      }
      if given != nil && scope.isEmpty {
        throw ValidationError(
          "name the scopes with --scope \(Self.scopeList.replacingOccurrences(of: ", ", with: ","))"
        )
      }
      if given == nil && !withdraw && (!scope.isEmpty || date != nil || letter != nil) {
        throw ValidationError(
          "give --given written|verbal or --withdraw with --scope, --date or --letter")
      }
    }

    func run(_ journal: Journal) throws {
      guard given != nil || withdraw else { return try history(journal) }
      let form = try given.map(ConsentForm.parse)
      let scopes = try ConsentScope.parse(scope)
      let registered = try journal.recordConsent(
        pseudonym, form: form, scopes: scopes, date: date, letter: letter)
      let named = scopes.isEmpty ? "every scope" : scopes.map(\.rawValue).joined(separator: ", ")
      print(
        "recorded: \(registered) \(form == nil ? "withdrew" : "gave") consent for \(named)"
          + (letter.map { " (letter \($0))" } ?? ""))
    }

    private func history(_ journal: Journal) throws {
      let (registered, changes) = try journal.consentHistory(pseudonym)
      if output.json {
        try Output.json(changes)
        return
      }
      guard !changes.isEmpty else {
        print("\(registered): no consent recorded")
        return
      }
      print("consent of \(registered), oldest first:")
      for change in changes {
        let how = [change.form, change.letter.map { "letter \($0)" }].compactMap { $0 }
        print(
          "  \(change.date)  \(change.state.padding(toLength: 9, withPad: " ", startingAt: 0))  "
            + change.scopes.joined(separator: ", ")
            + (how.isEmpty ? "" : " (" + how.joined(separator: ", ") + ")")
            + "  by \(change.author)")
      }
    }
  }
}

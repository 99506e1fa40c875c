import ArgumentParser
import FieldLogCore
import Foundation

/// Where the key file is: --keys PATH, else fieldlog-keys.sqlite next to the journal.
struct KeyFileOptions: ParsableArguments {
  @Option(help: "The key file with real names (default: fieldlog-keys.sqlite next to the journal).")
  var keys: String?

  func path(journal: String) -> String {
    keys ?? KeyFile.defaultPath(nextTo: journal)
  }
}

extension FieldLog {
  struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "keys",
      abstract:
        "The key file: real names behind pseudonyms, kept apart from the journal (mode 0600).",
      subcommands: [KeysAdd.self, KeysList.self])
  }

  struct KeysAdd: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "add", abstract: "Write a participant's real name into the key file.")

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var keyFile: KeyFileOptions

    @Argument(help: "The participant's pseudonym.")
    var pseudonym: String
    @Option(help: "Their real name.")
    var name: String
    @Option(help: "How to reach them.")
    var contact: String?

    func run(_ journal: Journal) throws {
      // Check the pseudonym before the key file is created, so a refusal leaves nothing behind.
      _ = try journal.registeredPseudonym(pseudonym)
      let keys = try KeyFile.openForWriting(at: keyFile.path(journal: journal.path))
      try keys.add(pseudonym, name: name, contact: contact, journal: journal)
      print(
        "wrote the name behind \(pseudonym) to \(keys.path); the journal holds only the pseudonym")
    }
  }

  struct KeysList: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List the key file: pseudonym, real name, contact.")

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var keyFile: KeyFileOptions

    func run(_ journal: Journal) throws {
      let path = keyFile.path(journal: journal.path)
      guard let keys = try KeyFile.openForReading(at: path) else {
        throw FieldLogError.fileNotFound(path: path)
      }
      Output.table(
        ["PSEUDONYM", "NAME", "CONTACT"],
        try keys.people().map { [$0.pseudonym, $0.name, $0.contact ?? ""] })
    }
  }
}

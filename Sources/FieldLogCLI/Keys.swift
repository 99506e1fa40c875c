import ArgumentParser
import FieldLogCore
import Foundation

/// Where the key file is: --keys PATH, else fieldlog-keys.sqlite next to the journal.
public struct KeyFileOptions: ParsableArguments {
  @Option(help: "The key file with real names (default: fieldlog-keys.sqlite next to the journal).")
  var keys: String?

  public init() {}

  public func path(journal: String) -> String {
    keys ?? KeyFile.defaultPath(nextTo: journal)
  }

  /// The key file to read, nil when there is none at the default place; a path given with --keys
  /// that holds no file is an error (66), never a silent "no key file".
  public func openForReading(journal: Journal) throws -> KeyFile? {
    let path = path(journal: journal.path)
    guard let keyFile = try KeyFile.openForReading(at: path) else {
      if keys != nil { throw FieldLogError.keyFileNotFound(path: path, usedBefore: false) }
      return nil
    }
    return keyFile
  }

  /// Opens the key file to change it, creating it when it does not exist.
  func openForWriting(journal: Journal) throws -> KeyFile {
    try KeyFile.openForWriting(at: path(journal: journal.path))
  }

  /// Opens a key file that exists, to correct it: none is created for a correction (66).
  func openExisting(journal: Journal) throws -> KeyFile {
    let path = path(journal: journal.path)
    guard FileManager.default.fileExists(atPath: path) else {
      throw FieldLogError.keyFileNotFound(path: path, usedBefore: false)
    }
    return try KeyFile.openForWriting(at: path)
  }

  /// Lets the journal remember that it is used with this key file (by fingerprint, no names), once
  /// the change to the key file succeeded, so a refused change leaves the journal as it was.
  func remember(_ keyFile: KeyFile, journal: Journal) throws {
    try journal.rememberKeyFile(fingerprint: try keyFile.fingerprint())
  }
}

extension FieldLog {
  struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "keys",
      abstract:
        "The key file: real names behind pseudonyms, kept apart from the journal (mode 0600).",
      subcommands: [KeysAdd.self, KeysList.self, KeysSet.self, KeysRemove.self])
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
      let keys = try keyFile.openForWriting(journal: journal)
      try keys.add(pseudonym, name: name, contact: contact, journal: journal)
      try keyFile.remember(keys, journal: journal)
      print(
        "wrote the name behind \(pseudonym) to \(keys.path); the journal holds only the pseudonym")
    }
  }

  struct KeysSet: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "set", abstract: "Correct the real name (or contact) behind a pseudonym.")

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var keyFile: KeyFileOptions

    @Argument(help: "The participant's pseudonym.")
    var pseudonym: String
    @Option(help: "Their real name, as it should be.")
    var name: String
    @Option(help: "How to reach them (kept as it was when not given).")
    var contact: String?
    @Option(help: "Why the name is corrected (kept in the key file).")
    var reason: String

    func run(_ journal: Journal) throws {
      let keys = try keyFile.openExisting(journal: journal)
      try keys.set(pseudonym, name: name, contact: contact, reason: reason)
      try keyFile.remember(keys, journal: journal)
      print("corrected the name behind \(pseudonym) in \(keys.path)")
    }
  }

  struct KeysRemove: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "remove",
      abstract: "Remove the real name behind a pseudonym from the key file (the reason is kept).")

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var keyFile: KeyFileOptions

    @Argument(help: "The participant's pseudonym.")
    var pseudonym: String
    @Option(help: "Why the name is removed (kept in the key file).")
    var reason: String

    func run(_ journal: Journal) throws {
      let keys = try keyFile.openExisting(journal: journal)
      try keys.remove(pseudonym, reason: reason)
      try keyFile.remember(keys, journal: journal)
      print(
        "removed the name behind \(pseudonym) from \(keys.path); the export guard no longer knows it"
      )
    }
  }

  struct KeysList: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List the key file: pseudonym, real name, contact.")

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var keyFile: KeyFileOptions

    func run(_ journal: Journal) throws {
      guard let keys = try keyFile.openForReading(journal: journal) else {
        throw FieldLogError.keyFileNotFound(
          path: keyFile.path(journal: journal.path), usedBefore: false)
      }
      Output.table(
        ["PSEUDONYM", "NAME", "CONTACT"],
        try keys.people().map { [$0.pseudonym, $0.name, $0.contact ?? ""] })
    }
  }
}

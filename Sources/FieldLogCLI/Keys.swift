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

  /// The names the guard looks for, and the note that no guard is active when there is no key
  /// file (said once, after the export, so a refusal's stderr starts with its error). A journal
  /// that was used with a key file refuses to export without it (66) unless --no-name-guard.
  func guardedPeople(_ journal: Journal, noNameGuard: Bool) throws -> (
    [KeyFile.Person], String?
  ) {
    if noNameGuard {
      Output.stderr("warning: --no-name-guard: no real-name guard is active for this export")
      return ([], nil)
    }
    guard let keys = try openForReading(journal: journal) else {
      let path = path(journal: journal.path)
      if try !journal.keyFileFingerprints().isEmpty {
        throw FieldLogError.keyFileNotFound(path: path, usedBefore: true)
      }
      return ([], "note: no key file at '\(path)': no real-name guard is active")
    }
    if try journal.rememberKeyFile(fingerprint: try keys.fingerprint()) {
      Output.stderr(
        "note: '\(keys.path)' is not the key file this journal was used with before; "
          + "it is remembered now")
    }
    return (try keys.people(), nil)
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
      subcommands: [KeysAdd.self, KeysList.self, KeysSet.self, KeysRemove.self, KeysPurge.self])
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

  struct KeysPurge: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "purge",
      abstract: "Remove the key records the study's retention makes due (with a preview).",
      discussion: """
        --due purges every record 'fieldlog retention' lists as due; naming pseudonyms purges \
        those, each of which must be due. The preview comes first; on a terminal you confirm \
        it, elsewhere --yes does. Research data is never touched: erasure stays with 'redact'.
        """)

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var keyFile: KeyFileOptions
    @Argument(help: "Pseudonyms whose records to purge (each must be due).")
    var pseudonyms: [String] = []
    @Flag(help: "Purge every key record that is due.")
    var due = false
    @Flag(help: "Show what would be purged, and purge nothing.")
    var dryRun = false
    @Flag(help: "Purge without asking.")
    var yes = false

    func validate() throws {
      if due == !pseudonyms.isEmpty {
        throw ValidationError("give --due, or the pseudonyms whose key records to purge")
      }
    }

    func run(_ journal: Journal) throws {
      let keys = try keyFile.openExisting(journal: journal)
      let records = try keys.people().map(\.pseudonym)
      // What is due comes from the journal's tables; a purge cannot be undone, so it trusts them
      // only once the journal verifies (a table edited by hand could make a record look due).
      let verified = try journal.verify()
      guard verified.ok else {
        throw CommandFailure(
          message:
            "the journal does not verify (\(Counted.phrase(verified.problems.count, "problem"))), "
            + "so what is due cannot be trusted; nothing was purged",
          hint: "see 'fieldlog verify'; 'fieldlog rebuild' heals tables that were edited",
          exitCode: 1)
      }
      let report = try journal.retention(keyRecords: records)
      var chosen = report.keyRecordsDue
      if !due {
        chosen = try pseudonyms.map { typed in
          let folded = typed.lowercased()
          if let record = report.keyRecordsDue.first(where: { $0.pseudonym.lowercased() == folded })
          {
            return record
          }
          if let kept = report.keyRecordsKept.first(where: { $0.pseudonym.lowercased() == folded })
          {
            throw FieldLogError.invalidInput(
              "the key record of \(kept.pseudonym) is not due: \(kept.reason); nothing was purged",
              hint: "'fieldlog retention' lists what is due; to correct a name, use 'keys remove'")
          }
          throw FieldLogError.unknownName(
            kind: "key record", value: typed,
            suggestions: Text.suggestions(for: typed, among: records), known: records)
        }
      }
      guard !chosen.isEmpty else { return print("no key records are due; nothing was purged") }
      print("key records to purge from \(keys.path):")
      for record in chosen { print("  \(record.pseudonym): \(record.reason)") }
      if dryRun { return print("dry run: nothing was purged") }
      if !yes {
        guard Output.stdinIsTerminal else {
          throw CommandFailure(
            message: "confirm the purge with --yes (or run it on a terminal); nothing was purged",
            hint: nil, exitCode: 64)
        }
        FileHandle.standardError.write(Data("purge \(chosen.count) key records? [y/N] ".utf8))
        let answer = (readLine() ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        guard answer == "y" || answer == "yes" else { return print("nothing was purged") }
      }
      for record in chosen {
        try keys.remove(record.pseudonym, reason: "retention: \(record.reason)")
      }
      print("purged \(chosen.count) key record\(chosen.count == 1 ? "" : "s")")
    }
  }
}

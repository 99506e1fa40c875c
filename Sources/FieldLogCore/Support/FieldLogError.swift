import Foundation

/// Every failure fieldlog reports, with a message that names the offending value.
///
/// Messages are lower case and complete; the CLI prints them after `error: `, followed by the hint
/// when there is an obvious next step.
public enum FieldLogError: Error, Equatable, Sendable {
  /// The journal file does not exist.
  case journalNotFound(path: String)
  /// `init` was asked to create a journal where a file already exists.
  case journalExists(path: String)
  /// The file exists but is not a fieldlog journal.
  case notAJournal(path: String, reason: String)
  /// The journal was written by a newer fieldlog; it is left untouched.
  case newerJournal(path: String, unknownMigrations: [String])
  /// An input file (study file, body file, recording) does not exist.
  case fileNotFound(path: String)
  /// The key file is not where it was named, or not where a journal used with one expects it.
  case keyFileNotFound(path: String, usedBefore: Bool)
  /// The private signing key of the journal's feed is not where it should be.
  case signingKeyNotFound(path: String, feed: String)
  /// A value given by the user is not acceptable.
  case invalidInput(String, hint: String? = nil)
  /// A name that must be known (neighbourhood, initiative, question, kind ...) is not; `known`,
  /// when given, is every valid value, so the message can list them closest first.
  case unknownName(kind: String, value: String, suggestions: [String], known: [String] = [])
  /// An id prefix matches nothing.
  case unknownID(kind: String, prefix: String)
  /// An id prefix matches more than one thing.
  case ambiguousID(kind: String, prefix: String, candidates: [String])
  /// Reading or writing a file failed, or the journal cannot be written.
  case io(String, hint: String? = nil)
  /// An operation found the journal damaged (verify, rebuild, append on a broken chain).
  case damaged(String)
  /// A change was made against a version of an entry that is no longer its current one, or against
  /// text that is not at the offsets given: nothing was recorded.
  case conflict(String, currentVersion: Int)
}

extension FieldLogError: LocalizedError {
  public var errorDescription: String? { message }

  /// The message, without the `error: ` prefix.
  public var message: String {
    switch self {
    case .journalNotFound(let path):
      return "no journal at '\(path)'"
    case .journalExists(let path):
      return "a file already exists at '\(path)'; fieldlog never overwrites a journal"
    case .notAJournal(let path, let reason):
      return "'\(path)' is not a fieldlog journal: \(reason)"
    case .newerJournal(let path, let unknown):
      return "the journal '\(path)' was written by a newer fieldlog (schema steps "
        + unknown.sorted().joined(separator: ", ") + "); it was left untouched"
    case .fileNotFound(let path):
      return "no file at '\(path)'"
    case .keyFileNotFound(let path, let usedBefore):
      return usedBefore
        ? "this journal was used with a key file, but there is none at '\(path)'; nothing was "
          + "exported, since the real-name guard needs it"
        : "no key file at '\(path)'"
    case .signingKeyNotFound(let path, let feed):
      return
        "no signing key for the journal's feed \(feed.prefix(8)) at '\(path)'; nothing was recorded"
    case .invalidInput(let message, _):
      return message
    case .unknownName(let kind, let value, let suggestions, let known):
      var text = "unknown \(kind) '\(value)'"
      if !suggestions.isEmpty {
        text += "; did you mean " + suggestions.map { "'\($0)'" }.joined(separator: " or ") + "?"
      }
      if !known.isEmpty {
        let ranked = Text.closestFirst(to: value, among: known)
        let shown = ranked.prefix(Self.knownListed).joined(separator: ", ")
        let more =
          ranked.count > Self.knownListed ? " and \(ranked.count - Self.knownListed) more" : ""
        text += (suggestions.isEmpty ? "; " : " ") + "known: \(shown)\(more)"
      }
      return text
    case .unknownID(let kind, let prefix):
      return "no \(kind) with id '\(prefix)'"
    case .ambiguousID(let kind, let prefix, let candidates):
      return "the id '\(prefix)' is ambiguous; it starts \(candidates.count) \(kind) ids: "
        + candidates.joined(separator: ", ")
    case .io(let message, _):
      return message
    case .damaged(let message), .conflict(let message, _):
      return message
    }
  }

  /// How many valid values an unknown-name message lists at most, closest first.
  static let knownListed = 12

  /// A suggested next step, when there is an obvious one.
  public var hint: String? {
    switch self {
    case .journalNotFound:
      return "create one with 'fieldlog init --study FILE', or name another with --journal PATH"
    case .journalExists:
      return "name another path with --journal PATH"
    case .newerJournal:
      return "update fieldlog to open this journal"
    case .ambiguousID:
      return "give more characters of the id"
    case .keyFileNotFound(_, let usedBefore):
      return usedBefore
        ? "name it with --keys PATH, or export without the guard with --no-name-guard"
        : "check the path given with --keys"
    case .signingKeyNotFound:
      return "name the journal's key file with --signing-key PATH; a copy of a colleague's journal "
        + "cannot be written to: start your own with 'fieldlog init --from JOURNAL'"
    case .invalidInput(_, let hint), .io(_, let hint):
      return hint
    case .damaged:
      return "run 'fieldlog verify' to see every damaged event"
    case .conflict:
      return "show the entry again (its current version) and code it there"
    default:
      return nil
    }
  }

  /// The process exit code the CLI uses for this error (sysexits-style, documented in README).
  public var exitCode: Int32 {
    switch self {
    case .journalNotFound, .fileNotFound, .signingKeyNotFound, .keyFileNotFound: return 66
    case .journalExists, .damaged: return 1
    case .notAJournal, .newerJournal, .invalidInput, .unknownName, .unknownID, .ambiguousID,
      .conflict:
      return 65
    case .io: return 74
    }
  }
}

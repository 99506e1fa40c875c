import ArgumentParser
import FieldLogCore
import Foundation

/// What the shell completions (`--generate-completion-script`) offer for an argument.
///
/// Names come from the journal the command line names (`--journal`, else `$FIELDLOG_JOURNAL`, else
/// ./fieldlog.sqlite), opened only to read; with no journal there, nothing is offered and nothing
/// is printed, as a shell expects of a completion.
enum Completions {
  static let kinds = CompletionKind.list(
    EntryKind.allCases.map(\.rawValue) + ["proximate-knowledge"])
  static let neighbourhoods = CompletionKind.custom { words, _, prefix in
    names(words, prefix) { try $0.study().neighbourhoods.map(\.name) }
  }
  static let initiatives = CompletionKind.custom { words, _, prefix in
    names(words, prefix) { try $0.study().initiatives.map(\.name) }
  }
  static let codes = CompletionKind.custom { words, _, prefix in
    names(words, prefix) { try $0.codes().map(\.path) }
  }

  /// The names `read` finds in the command line's journal that start like `prefix` (ignoring case,
  /// diacritics and an opening quote); none when there is no journal or it cannot be read.
  static func names(_ words: [String], _ prefix: String, _ read: (Journal) throws -> [String])
    -> [String]
  {
    guard let journal = try? Journal.openForReading(at: journalPath(words)),
      let names = try? read(journal)
    else { return [] }
    let typed = Text.matchFold(String(prefix.drop { $0 == "\"" || $0 == "'" }))
    return names.filter { Text.matchFold($0).hasPrefix(typed) }
  }

  /// The journal a command line names, as `JournalOptions` would resolve it.
  static func journalPath(_ words: [String]) -> String {
    var explicit: String?
    for (index, word) in words.enumerated() {
      if word == "--journal", index + 1 < words.count {
        explicit = words[index + 1]
      } else if word.hasPrefix("--journal=") {
        explicit = String(word.dropFirst("--journal=".count))
      }
    }
    return Journal.resolvePath(explicit, environment: ProcessInfo.processInfo.environment)
  }
}

import ArgumentParser
import FieldLogCore
import Foundation

/// The journal every command works on (and fieldlog-serve, which takes the same options).
public struct JournalOptions: ParsableArguments {
  @Option(
    name: .long, help: "The journal file (default: $FIELDLOG_JOURNAL, else ./fieldlog.sqlite).",
    completion: .file())
  var journal: String?

  @Option(
    name: .long,
    help:
      "The private key that signs this journal's events (default: ~/.config/fieldlog/keys/<feed>.key).",
    completion: .file())
  var signingKey: String?

  public init() {}

  public var path: String {
    Journal.resolvePath(journal, environment: ProcessInfo.processInfo.environment)
  }

  public var keys: SigningKeys { .standard(explicitPath: signingKey) }
}

/// Output format for reading commands.
struct OutputOptions: ParsableArguments {
  @Flag(name: .long, help: "Print stable machine-readable JSON.")
  var json = false

  /// An entry just recorded: its id, or the whole record with --json.
  func print(_ entry: EntryRecord) throws {
    if json {
      try Output.json(entry)
    } else {
      Swift.print(entry.shortID)
    }
  }
}

/// The filters `list` and `search` share.
struct FilterOptions: ParsableArguments {
  @Option(help: "Only entries of this kind.", completion: Completions.kinds)
  var kind: String?
  @Option(help: "Only entries in this neighbourhood.", completion: Completions.neighbourhoods)
  var neighbourhood: String?
  @Option(help: "Only entries about this initiative.", completion: Completions.initiatives)
  var initiative: String?
  @Option(help: "Only entries for this research question (e.g. RQ1).")
  var question: String?
  @Option(help: "Only entries by this author.")
  var author: String?
  @Option(help: "Only entries with this tag.")
  var tag: String?
  @Option(help: "Only fieldwork on or after this date or time.")
  var since: String?
  @Option(help: "Only fieldwork on or before this date or time.")
  var until: String?
  @Flag(help: "Show retracted entries too.")
  var includeRetracted = false
  @Option(
    help: "Only entries coded with this code or a code below it.", completion: Completions.codes)
  var code: String?
  @Option(help: "Only entries that name this participant (a pseudonym; case does not matter).")
  var participant: String?
  @Option(help: "Only entries of this action-research cycle, e.g. C2 (given or by their day).")
  var cycle: String?
  @Option(help: "Only entries of this phase: plan, act, observe or reflect.")
  var phase: String?
  @Flag(help: "Count the researchers' reflections among the entries too.")
  var includeReflections = false

  func filter() throws -> EntryFilter {
    EntryFilter(
      kind: try kind.map(EntryKind.parse), neighbourhood: neighbourhood, initiative: initiative,
      question: question, author: author, tag: tag, since: since, until: until,
      includeRetracted: includeRetracted, code: code, participant: participant, cycle: cycle,
      phase: try phase.map(Phase.parse), includeReflections: includeReflections)
  }
}

/// How many entries `list` and `search` show at most (not `export`, which writes every match).
struct LimitOptions: ParsableArguments {
  @Option(help: "Show at most this many entries.")
  var limit: Int?

  func validate() throws {
    if let limit, limit < 1 {
      throw ValidationError("--limit must be 1 or more, not \(limit)")
    }
  }
}

/// A command that works on an existing journal: it is opened once, here, and handed to `run(_:)`.
protocol JournalCommand: ParsableCommand {
  var journalOptions: JournalOptions { get }
  func run(_ journal: Journal) throws
}

extension JournalCommand {
  func run() throws {
    try run(try Journal.open(at: journalOptions.path, keys: journalOptions.keys))
  }
}

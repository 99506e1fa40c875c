import ArgumentParser
import FieldLogCore
import Foundation

/// One HTTP exchange with a hub. `fieldlog-sync` plugs in Foundation's client; `fieldlog` has none
/// and runs `fieldlog-sync` instead, so that `add` does not load an HTTP stack.
public protocol HubTransport: Sendable {
  /// Sends a request and returns the status and body of the answer; throws when nothing answered.
  func send(method: String, url: URL, token: String, body: Data?) throws -> (
    status: Int, body: Data
  )
}

/// Where the hub commands find their transport.
public enum HubLink {
  nonisolated(unsafe) public static var transport: (any HubTransport)?
}

/// What `push`, `pull` and `sync` share: the hub, the study, the journal and the token.
struct HubOptions: ParsableArguments {
  @Option(help: "The hub's URL, as http://127.0.0.1:8089 (TLS in front of it: https://...).")
  var hub: String

  @Option(help: "The study on the hub.")
  var study: String

  @Option(
    help: ArgumentHelp(
      "A file holding the token, readable by you alone (mode 0600).",
      discussion:
        "Default: $FIELDLOG_HUB_TOKEN when set, else ~/.config/fieldlog/hub-token. The token "
        + "is never taken as an option: it would show in the process list."),
    completion: .file())
  var tokenFile: String?

  @Flag(name: .long, help: "Print stable machine-readable JSON.")
  var json = false

  /// The client, with the token read.
  func client() throws -> HubClient {
    guard let base = URL(string: hub), let scheme = base.scheme?.lowercased(),
      scheme == "http" || scheme == "https", base.host != nil
    else {
      throw FieldLogError.invalidInput(
        "--hub '\(hub)' is not a hub URL: give http://HOST:PORT or https://HOST")
    }
    guard let transport = HubLink.transport else {
      throw CommandFailure(message: "this program has no HTTP client", hint: nil, exitCode: 1)
    }
    return HubClient(base: base, study: study, token: try token(), transport: transport)
  }

  private func token() throws -> String {
    let environment = ProcessInfo.processInfo.environment
    if tokenFile == nil, let token = environment["FIELDLOG_HUB_TOKEN"], !token.isEmpty {
      return token.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    let path = tokenFile ?? Self.defaultTokenFile(environment)
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
      let data = FileManager.default.contents(atPath: path)
    else {
      throw CommandFailure(
        message: "no hub token: FIELDLOG_HUB_TOKEN is not set and '\(path)' cannot be read",
        hint: "put the token that 'fieldlog-hub member add' printed in that file (chmod 600), "
          + "or name another with --token-file", exitCode: 66)
    }
    let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0
    guard mode & 0o077 == 0 else {
      throw FieldLogError.invalidInput(
        "the token file '\(path)' can be read by others (mode \(String(mode, radix: 8))); it "
          + "was not used", hint: "chmod 600 '\(path)'")
    }
    let token = String(decoding: data, as: UTF8.self).trimmingCharacters(
      in: .whitespacesAndNewlines)
    guard !token.isEmpty else {
      throw FieldLogError.invalidInput("the token file '\(path)' is empty")
    }
    return token
  }

  static func defaultTokenFile(_ environment: [String: String]) -> String {
    let configuration =
      environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
      ?? ((environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory())
        + "/.config")
    return configuration + "/fieldlog/hub-token"
  }
}

/// The hub's API as this journal uses it (docs/hub.md, "The API").
struct HubClient {
  var base: URL
  var study: String
  var token: String
  var transport: any HubTransport

  /// Events in one push, about: whole transactions, so a big import goes as one.
  static let batchEvents = 500

  private func call<Reply: Decodable>(
    _ method: String, _ path: String, _ body: (some Encodable)?, as: Reply.Type
  ) throws -> Reply {
    let url = base.appendingPathComponent("v1/studies/\(study)/" + path)
    let data = try body.map { try JSONEncoder().encode($0) }
    var answer: (status: Int, body: Data)?
    // A request that got no answer is sent again, twice at most: the hub acknowledges what it
    // holds already, so a push that arrived before its reply was lost does no harm.
    for attempt in 0..<3 where answer == nil {
      do {
        answer = try transport.send(method: method, url: url, token: token, body: data)
      } catch {
        guard attempt < 2 else {
          throw FieldLogError.io(
            "cannot reach the hub at \(base.absoluteString): \(error)",
            hint: "check the URL, and that fieldlog-hub serve runs there; run the command again "
              + "when it does: nothing is sent twice")
        }
        Thread.sleep(forTimeInterval: Double(attempt + 1))
      }
    }
    guard let answer else { throw FieldLogError.io("no answer from the hub") }
    guard answer.status == 200 else {
      let said =
        (try? JSONDecoder().decode([String: String].self, from: answer.body))?["error"]
        ?? String(decoding: answer.body.prefix(300), as: UTF8.self)
      let hint: String? =
        switch answer.status {
        case 401:
          "check FIELDLOG_HUB_TOKEN or the token file; the study's coordinator can give a new token"
        case 403: "the study's coordinator decides who may do what (docs/hub.md, \"Roles\")"
        case 409 where said.hasPrefix("fork"):
          "two journals wrote as one feed: keep both files and ask for help (docs/hub.md)"
        default: nil
        }
      throw CommandFailure(
        message: "the hub refused (HTTP \(answer.status)): \(said)", hint: hint,
        exitCode: [413, 422].contains(answer.status) ? 65 : answer.status >= 500 ? 74 : 1)
    }
    do {
      return try JSONDecoder().decode(Reply.self, from: answer.body)
    } catch {
      throw FieldLogError.io("the hub at \(base.absoluteString) answered something not its API")
    }
  }

  func state() throws -> StateReply {
    try call("GET", "feeds", String?.none, as: StateReply.self)
  }

  /// Pushes what the hub lacks of the feeds this member may push; returns events stored per feed.
  func push(_ journal: Journal) throws -> (stored: Int, feeds: Int, withheld: Int) {
    let state = try state()
    guard state.role != .reader else {
      throw CommandFailure(
        message: "'\(state.member)' is a reader in '\(study)': readers pull, and push nothing",
        hint: nil, exitCode: 1)
    }
    let there = Dictionary(uniqueKeysWithValues: state.feeds.map { ($0.feed, $0) })
    var stored = 0
    var feeds = 0
    var withheld = 0
    let unshared = try journal.unsharedHashes()
    let locals = try journal.localFeeds()
    // Proof of holding this journal's own key: the hub gives a new (or relayed) feed only to it.
    let proof =
      locals.contains(where: \.own)
      ? try journal.ownershipProof(study: study, member: state.member) : nil
    for local in locals {
      let hub = there[local.feed]
      // One's own feed, a feed the hub lists as one's own, or (a coordinator) any feed.
      guard local.own || hub?.owner == state.member || state.role == .coordinator else { continue }
      guard let key = local.publicKey else { continue }
      let from = hub?.headSeq ?? 0
      // Level with the hub and the same head: nothing to send. Behind it: a pull brings the rest
      // (and refuses a fork). Otherwise the push starts with the hub's head event itself, which
      // the hub acknowledges when it is the same and refuses as a fork, naming both, when not.
      if local.headSeq < from { continue }
      if local.headSeq == from, hub.map({ $0.headHash == Hashing.hex(local.headHash) }) ?? true {
        continue
      }
      var pushedHere = 0
      let after = max(0, from - 1)
      for batch in try journal.outgoing(
        feed: local.feed, after: after, batch: Self.batchEvents, withholding: unshared)
      {
        let result = try call(
          "POST", "feeds/\(local.feed)/events",
          PushBody(
            publicKey: hub == nil ? Hashing.hex(key) : nil, events: batch,
            relay: hub == nil && !local.own ? true : nil,
            proof: local.own ? proof.map(Hashing.hex) : nil),
          as: PushResult.self)
        pushedHere += result.stored
        withheld += batch.filter { unshared.contains($0.hash) && $0.seq > from }.count
      }
      if pushedHere > 0 {
        stored += pushedHere
        feeds += 1
      }
    }
    return (stored, feeds, withheld)
  }

  /// Pulls what this journal lacks, page by page, and brings it in all at once.
  func pull(_ journal: Journal) throws -> MergeReport {
    var heads = Dictionary(
      uniqueKeysWithValues: try journal.localFeeds().map { ($0.feed, $0.headSeq) })
    var events: [WireEvent] = []
    var keys: [String: Data] = [:]
    while true {
      let page = try call("POST", "pull", PullBody(feeds: heads), as: PullPage.self)
      for (feed, hex) in page.keys {
        guard let key = Data(hexString: hex), key.count == 32 else {
          throw FieldLogError.damaged("the hub sent a public key that is not 32 bytes of hex")
        }
        keys[feed] = key
      }
      for event in page.events { heads[event.feed] = max(heads[event.feed] ?? 0, event.seq) }
      events += page.events
      guard page.more, !page.events.isEmpty else { break }
    }
    return try journal.applyPulled(events, keys: keys, source: "the hub \(base.absoluteString)")
  }
}

/// The lines `push`, `pull` and `sync` print.
private struct HubSummary: Encodable {
  var pushed: Int?
  var pushedFeeds: Int?
  /// Pushed without their payload: no consent to share.
  var withheld: Int?
  var pulled: Int?
  var pulledFeeds: Int?
  var redacted: Int?

  enum CodingKeys: String, CodingKey {
    case pushed, pulled, redacted, withheld
    case pushedFeeds = "pushed_feeds"
    case pulledFeeds = "pulled_feeds"
  }

  func print(json: Bool, hub: HubOptions) throws {
    if json { return try Output.json(self) }
    if let pushed, let pushedFeeds {
      Swift.print(
        pushed == 0
          ? "nothing to push: '\(hub.study)' at \(hub.hub) holds everything of yours"
          : "pushed \(Counted.phrase(pushed, "event")) of \(Counted.phrase(pushedFeeds, "feed")) "
            + "to '\(hub.study)' at \(hub.hub)"
            + ((withheld ?? 0) > 0
              ? "; \(withheld ?? 0) of them without their text, as their participants have not "
                + "given consent to share (share-consortium)" : ""))
    }
    if let pulled, let pulledFeeds {
      Swift.print(
        pulled == 0
          ? "nothing to pull: this journal holds everything '\(hub.study)' has"
          : "pulled \(Counted.phrase(pulled, "event")) of \(Counted.phrase(pulledFeeds, "feed")) "
            + "from '\(hub.study)' at \(hub.hub)"
            + ((redacted ?? 0) > 0 ? "; \(redacted ?? 0) redacted payloads erased here" : ""))
    }
  }
}

/// Runs a hub command here when this program has a transport, else in `fieldlog-sync`.
private func runHubCommand(_ body: () throws -> Void) throws {
  guard HubLink.transport != nil else {
    return try Sibling.exec("fieldlog-sync", Array(CommandLine.arguments.dropFirst()))
  }
  try body()
}

extension FieldLog {
  struct Push: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "push",
      abstract: "Send this journal's new events to the team hub.",
      discussion: """
        Sends your own feed (a coordinator: every feed) from where the hub's copy ends, in whole \
        transactions; a push that is cut off is simply run again. Runs fieldlog-sync, which lies \
        beside fieldlog. docs/hub.md tells more.
        """)
    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var hub: HubOptions

    func run() throws {
      try runHubCommand {
        let journal = try Journal.open(at: journalOptions.path, keys: journalOptions.keys)
        let pushed = try hub.client().push(journal)
        try HubSummary(
          pushed: pushed.stored, pushedFeeds: pushed.feeds, withheld: pushed.withheld
        ).print(json: hub.json, hub: hub)
      }
    }
  }

  struct Pull: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "pull",
      abstract: "Bring in what the team hub holds and this journal lacks.",
      discussion: """
        Everything is verified (chains, commitments, signatures under each feed's key) before \
        anything is written, and brought in all at once, as 'merge' does; a fork refuses it all.
        """)
    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var hub: HubOptions

    func run() throws {
      try runHubCommand {
        let journal = try Journal.open(at: journalOptions.path, keys: journalOptions.keys)
        let report = try hub.client().pull(journal)
        try HubSummary(
          pulled: report.added, pulledFeeds: report.sources.first?.feeds ?? 0,
          redacted: report.redacted
        ).print(json: hub.json, hub: hub)
      }
    }
  }

  struct Sync: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "sync",
      abstract: "Push, then pull: the team hub and this journal end with the same events.")
    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var hub: HubOptions

    func run() throws {
      try runHubCommand {
        let journal = try Journal.open(at: journalOptions.path, keys: journalOptions.keys)
        let client = try hub.client()
        let pushed = try client.push(journal)
        let report = try client.pull(journal)
        try HubSummary(
          pushed: pushed.stored, pushedFeeds: pushed.feeds, withheld: pushed.withheld,
          pulled: report.added,
          pulledFeeds: report.sources.first?.feeds ?? 0, redacted: report.redacted
        ).print(json: hub.json, hub: hub)
      }
    }
  }
}

import Foundation
import GRDB

/// What a network looks like on one day, in the measures network research uses.
public struct NetworkMeasures: Codable, Sendable, Equatable {
  public var date: String
  /// Members other than the focal participant.
  public var size: Int
  public var informal, formal: Int
  /// informal / size; nil for an empty network.
  public var informalShare: Double?
  public var ties: Int
  /// Pairs of members other than the focal participant that have a tie, as a share of the pairs
  /// they could form (ego-network density); nil with fewer than two such members.
  public var density: Double?
  /// Of the ties whose direction is known, the share that run both ways; nil when none is known.
  public var reciprocity: Double?

  static func of(_ snapshot: NetworkSnapshot) -> NetworkMeasures {
    let alters = snapshot.members.filter { !$0.focal }
    let informal = alters.filter { !$0.formal }.count
    let focal = snapshot.members.first(where: \.focal)?.id
    let pairs = Set(
      snapshot.ties.filter { $0.from != focal && $0.to != focal }.map {
        [$0.from, $0.to].sorted().joined(separator: "\n")
      })
    let possible = alters.count * (alters.count - 1) / 2
    let directed = snapshot.ties.filter { $0.direction != "none" }
    return NetworkMeasures(
      date: snapshot.date, size: alters.count, informal: informal,
      formal: alters.count - informal,
      informalShare: alters.isEmpty ? nil : Double(informal) / Double(alters.count),
      ties: snapshot.ties.count,
      density: possible == 0 ? nil : Double(pairs.count) / Double(possible),
      reciprocity: directed.isEmpty
        ? nil
        : Double(directed.filter { $0.direction == "mutual" }.count) / Double(directed.count))
  }
}

/// A network compared between two days: `network report P --from D --to D`.
public struct NetworkReport: Codable, Sendable, Equatable {
  public struct Change: Codable, Sendable, Equatable {
    public var from, to, kind: String
    public var before, after: Int?
    /// For a changed tie whose direction changed: how it ran before and after (`A>B`, `A<>B`,
    /// `A~B`).
    public var directionBefore, directionAfter: String?
  }

  /// A network conversation between the two days, its intervention and the ties recorded on it.
  public struct Intervention: Codable, Sendable, Equatable {
    public var entry, date, title: String
    public var intervention, followUp: String?
    public var ties: [String]
  }

  public var network: String
  public var before, after: NetworkMeasures
  public var gained, lost, changed: [Change]
  public var interventions: [Intervention]
}

/// Networks grouped by their participant's neighbourhood or by the initiatives of members.
public struct NetworkGroupReport: Codable, Sendable, Equatable {
  public enum Grouping: String, CaseIterable, Sendable, TypedName {
    case neighbourhood, initiative

    public static let what = "grouping"
  }

  public struct Row: Codable, Sendable, Equatable {
    public var group: String
    public var networks, members, informal, ties: Int
    public var meanSize: Double
    public var meanDensity: Double?
  }

  public var by: String
  public var date: String
  public var rows: [Row]

  public static let columns = ["NETWORKS", "MEMBERS", "INFORMAL", "TIES", "MEAN SIZE", "DENSITY"]
}

/// A follow-up of a network conversation whose day has passed with no later conversation.
public struct NetworkFollowUp: Codable, Sendable, Equatable {
  public var participant, entry, title, date, followUp: String
  public var intervention: String?
  public var ties: [String]
}

extension Journal {
  /// Compares a network between two days (default: the day of its first member or tie, and
  /// today), with the ties gained, lost and changed and the interventions between them.
  public func networkReport(_ typed: String, from: String? = nil, to: String? = nil) throws
    -> NetworkReport
  {
    try read { db in
      let loaded = try Networks.load(typed, in: db)
      let first = (loaded.members.map(\.since) + loaded.ties.map(\.date)).min()!
      let start = try from.map { try ActionResearch.day($0, what: "--from day") } ?? first
      let end =
        try to.map { try ActionResearch.day($0, what: "--to day") }
        ?? FieldTime.now().localDate
      guard start <= end else {
        throw FieldLogError.invalidInput("--to (\(end)) comes before --from (\(start))")
      }
      let before = Networks.snapshot(loaded, on: start)
      let after = Networks.snapshot(loaded, on: end)
      func key(_ tie: NetworkSnapshot.Tie) -> String {
        [tie.from, tie.to].sorted().joined(separator: "\n") + "\n" + tie.kind
      }
      let old = Dictionary(before.ties.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
      let new = Dictionary(after.ties.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
      func change(_ tie: NetworkSnapshot.Tie, _ was: Int?, _ now: Int?) -> NetworkReport.Change {
        .init(from: tie.from, to: tie.to, kind: tie.kind, before: was, after: now)
      }
      let gained = after.ties.filter { old[key($0)] == nil }.map { change($0, nil, $0.strength) }
      let lost = before.ties.filter { new[key($0)] == nil }.map { change($0, $0.strength, nil) }
      func form(_ tie: NetworkSnapshot.Tie) -> String { tie.from + tie.mark + tie.to }
      let changed = after.ties.compactMap { tie -> NetworkReport.Change? in
        guard let was = old[key(tie)], was.strength != tie.strength || form(was) != form(tie)
        else { return nil }
        var changed = change(tie, was.strength, tie.strength)
        if form(was) != form(tie) {
          (changed.directionBefore, changed.directionAfter) = (form(was), form(tie))
        }
        return changed
      }
      let interventions = try NetworkFollowUps.conversations(of: loaded, in: db).filter {
        start < $0.date && $0.date <= end
      }
      return NetworkReport(
        network: before.network, before: .of(before), after: .of(after), gained: gained,
        lost: lost, changed: changed, interventions: interventions)
    }
  }

  /// Every network on `day` (default today), grouped.
  public func networkGroups(by grouping: NetworkGroupReport.Grouping, on day: String? = nil)
    throws -> NetworkGroupReport
  {
    let all = try networks(on: day)
    var groups: [String: [NetworkSnapshot]] = [:]
    for (snapshot, place) in all {
      switch grouping {
      case .neighbourhood:
        groups[place ?? "(no neighbourhood)", default: []].append(snapshot)
      case .initiative:
        let initiatives = Set(snapshot.members.compactMap(\.initiative))
        for name in initiatives.isEmpty ? ["(no initiative)"] : initiatives.sorted() {
          groups[name, default: []].append(snapshot)
        }
      }
    }
    let rows = groups.sorted { $0.key < $1.key }.map { group, snapshots in
      let measures = snapshots.map(NetworkMeasures.of)
      let densities = measures.compactMap(\.density)
      return NetworkGroupReport.Row(
        group: group, networks: snapshots.count, members: measures.reduce(0) { $0 + $1.size },
        informal: measures.reduce(0) { $0 + $1.informal },
        ties: measures.reduce(0) { $0 + $1.ties },
        meanSize: Double(measures.reduce(0) { $0 + $1.size }) / Double(measures.count),
        meanDensity: densities.isEmpty
          ? nil : densities.reduce(0, +) / Double(densities.count))
    }
    let date =
      try all.first?.snapshot.date
      ?? day.map { try ActionResearch.day($0, what: "--to day") } ?? FieldTime.now().localDate
    return NetworkGroupReport(by: grouping.rawValue, date: date, rows: rows)
  }

  /// Network conversations whose follow-up day is before `today` and after which the network
  /// had no later network conversation. A conversation concerns the networks of its participants
  /// who have one (so a sister who came along is not listed as a network of her own); one whose
  /// participants have none concerns each of them.
  public func networkFollowUpsDue(today: String? = nil) throws -> [NetworkFollowUp] {
    try read { db in
      let today =
        try today.map { try ActionResearch.day($0, what: "--today day") }
        ?? FieldTime.now().localDate
      let networks = Set(try NetworkRows.networks(in: db).map { Text.identityFold($0.pseudonym) })
      let recorded = try NetworkRows.conversations(in: db)
      // Follow-ups about someone without consent to recording are left out, like their network.
      let lacking = Set(
        try ParticipantRegister.lacking(
          .recording, among: recorded.flatMap { $0.participants + $0.networks }, in: db
        ).map(Text.identityFold))
      let conversations = recorded.map { conversation in
        // The networks its ties are in, and those of its participants who have one.
        var withNetwork = conversation.networks
        for person in conversation.participants
        where networks.contains(Text.identityFold(person))
          && !withNetwork.contains(where: { Text.identityFold($0) == Text.identityFold(person) })
        {
          withNetwork.append(person)
        }
        let concerns = withNetwork.isEmpty ? conversation.participants : withNetwork
        return (
          conversation, concerns: concerns.filter { !lacking.contains(Text.identityFold($0)) }
        )
      }
      var latest: [String: Int] = [:]
      for (index, (conversation, _)) in conversations.enumerated() {
        for person in conversation.participants + conversation.networks {
          latest[Text.identityFold(person)] = index
        }
      }
      var due: [NetworkFollowUp] = []
      for (index, (conversation, concerns)) in conversations.enumerated() {
        let fields = NetworkFollowUps.fields(conversation.fields)
        guard let followUp = fields["follow-up"], followUp < today else { continue }
        for person in concerns.sorted()
        where latest[Text.identityFold(person)] == index {
          let ties = try NetworkFollowUps.ties(onEntry: conversation.id, of: person, in: db)
          due.append(
            NetworkFollowUp(
              participant: person, entry: conversation.id, title: conversation.title,
              date: conversation.day, followUp: followUp, intervention: fields["intervention"],
              ties: ties))
        }
      }
      return due.sorted { ($0.followUp, $0.participant) < ($1.followUp, $1.participant) }
    }
  }
}

enum NetworkFollowUps {
  static func fields(_ json: String) -> [String: String] {
    let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any]
    return (object ?? [:]).compactMapValues { $0 as? String }
  }

  /// The ties recorded on one entry in a network, as `A>B support 3`.
  static func ties(onEntry entry: String, of participant: String, in db: Database) throws
    -> [String]
  {
    guard
      let loaded = try? Networks.load(participant, in: db)
    else { return [] }
    return describe(loaded.ties.filter { $0.entry == entry }, loaded)
  }

  static func describe(_ rows: [NetworkTieRow], _ loaded: Networks.Loaded) -> [String] {
    rows.map { row in
      let a = loaded.shown[row.a] ?? row.a
      let b = loaded.shown[row.b] ?? row.b
      let pair =
        switch row.direction {
        case "a>b": "\(a)>\(b)"
        case "b>a": "\(b)>\(a)"
        case "mutual": "\(a)<>\(b)"
        default: "\(a)~\(b)"
        }
      return "\(pair) \(row.kind) " + (row.ended ? "ended" : "\(row.strength ?? 0)")
    }
  }

  /// The network conversations that name the network's participant, with their ties on it.
  static func conversations(of loaded: Networks.Loaded, in db: Database) throws
    -> [NetworkReport.Intervention]
  {
    try NetworkRows.conversations(in: db).filter {
      ($0.participants + $0.networks).contains { Text.identityFold($0) == loaded.focalFolded }
    }.map { conversation in
      let fields = fields(conversation.fields)
      return NetworkReport.Intervention(
        entry: conversation.id, date: conversation.day, title: conversation.title,
        intervention: fields["intervention"], followUp: fields["follow-up"],
        ties: describe(loaded.ties.filter { $0.entry == conversation.id }, loaded))
    }
  }
}

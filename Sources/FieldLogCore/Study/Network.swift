import Foundation
import GRDB

/// The role of a member of a network.
public enum NetworkRole: String, CaseIterable, Sendable, Codable, TypedName {
  case client, family, friend, neighbour, volunteer, professional
  case faithCommunity = "faith-community"
  case other

  public static let what = "network role"

  /// Professionals are formal support unless said otherwise; everyone else informal.
  public var isFormalByDefault: Bool { self == .professional }
}

/// What a tie between two members is.
public enum TieKind: String, CaseIterable, Sendable, Codable, TypedName {
  case support, contact, conflict, referral

  public static let what = "tie kind"
}

/// A tie as a researcher records it: `network tie P A B ...` or `add --tie "A>B:support:3"`.
public struct TieRecord: Sendable, Equatable {
  /// How the tie runs between `from` and `to`.
  public enum Direction: String, Sendable, Codable {
    /// No direction known (contact, say).
    case none
    /// From `from` to `to`: who supports, refers or is in conflict with whom.
    case forward
    /// Both ways.
    case mutual
  }

  public var from, to: String
  public var kind: TieKind
  /// 1 to 3; nil only for a tie that is ended.
  public var strength: Int?
  public var direction: Direction
  public var end: Bool

  public init(
    from: String, to: String, kind: TieKind, strength: Int?, direction: Direction = .none,
    end: Bool = false
  ) {
    self.from = from
    self.to = to
    self.kind = kind
    self.strength = strength
    self.direction = direction
    self.end = end
  }

  /// `A>B:support:3` (A to B), `A<>B:support:3` (both ways), `A~B:contact:2` (no direction),
  /// `A<B:...` (B to A); `:end` in place of the strength ends the tie.
  public static func parse(_ text: String) throws -> TieRecord {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    let form = "write a tie as A>B:kind:strength (A to B), A<>B (both ways) or A~B (no direction)"
    guard parts.count == 3 else {
      throw FieldLogError.invalidInput("the tie '\(text)' is not understood: \(form)")
    }
    let pair = parts[0]
    var ends: [String] = []
    var direction = Direction.none
    var swap = false
    for (mark, meaning, swapped) in [
      ("<>", Direction.mutual, false), (">", .forward, false), ("<", .forward, true),
      ("~", .none, false),
    ] where ends.isEmpty {
      let pieces = pair.components(separatedBy: mark)
      if pieces.count == 2 {
        ends = pieces.map { $0.trimmingCharacters(in: .whitespaces) }
        direction = meaning
        swap = swapped
      }
    }
    guard ends.count == 2, !ends[0].isEmpty, !ends[1].isEmpty else {
      throw FieldLogError.invalidInput("the tie '\(text)' names no two members: \(form)")
    }
    let kind = try TieKind.parse(parts[1])
    let end = Text.identityFold(parts[2]) == "end"
    let strength = end ? nil : try strength(parts[2])
    return TieRecord(
      from: swap ? ends[1] : ends[0], to: swap ? ends[0] : ends[1], kind: kind,
      strength: strength, direction: direction, end: end)
  }

  /// A strength as typed: 1, 2 or 3.
  public static func strength(_ text: String) throws -> Int {
    guard let value = Int(text), (1...3).contains(value) else {
      throw FieldLogError.invalidInput(
        "the strength '\(text)' is not one of 1, 2, 3 (1 weak, 3 strong)")
    }
    return value
  }
}

/// A network as it stood on one day: its members and the ties between them. Members who are
/// participants without consent to recording appear as "member without consent" with their role.
public struct NetworkSnapshot: Codable, Sendable, Equatable {
  public struct Member: Codable, Sendable, Equatable {
    /// The alias, or the pseudonym of a participant; "member without consent N" when withheld.
    public var id: String
    public var role: String
    public var formal: Bool
    public var initiative: String?
    public var since: String?
    public var note: String?
    /// The network's own participant, in the centre.
    public var focal: Bool
    /// A participant of the study (not a network-only alias).
    public var participant: Bool
    /// Whether it is withheld for want of consent to recording.
    public var withheld: Bool
  }

  public struct Tie: Codable, Sendable, Equatable {
    public var from, to, kind: String
    public var strength: Int
    /// `none`, `forward` (from to to) or `mutual`.
    public var direction: String
    /// The day this state of the tie took effect, and the day the tie was first recorded.
    public var since, first: String
    /// The network conversation it was last recorded on.
    public var entry: String?

    /// How it runs between `from` and `to`: `>`, `<>`, or `~` without a direction.
    public var mark: String { direction == "mutual" ? "<>" : direction == "forward" ? ">" : "~" }
  }

  /// The focal participant, as shown (withheld like any member).
  public var network: String
  public var date: String
  public var members: [Member]
  public var ties: [Tie]
}

/// One state of a tie over a stretch of days: what exports hand to Gephi's timeline.
public struct NetworkTiePeriod: Sendable, Equatable {
  public var tie: String
  public var from, to, kind, direction: String
  public var strength: Int
  /// The first day of this state, and the day after its last (nil while it lasts).
  public var start: String
  public var end: String?
}

/// A network's whole history: every member and every state of every tie.
public struct NetworkHistory: Sendable, Equatable {
  public var network: String
  public var members: [NetworkSnapshot.Member]
  public var periods: [NetworkTiePeriod]
}

/// Records and reads networks (docs/networks.md).
enum Networks {
  static func memberID(network: String, member: String) -> UUID {
    Hashing.derivedID(
      namespace: "network-member",
      key: Text.identityFold(network) + "\n" + Text.identityFold(member))
  }

  static func tieID(network: String, _ a: String, _ b: String, kind: TieKind) -> UUID {
    let ends = [Text.identityFold(a), Text.identityFold(b)].sorted()
    return Hashing.derivedID(
      namespace: "network-tie",
      key: ([Text.identityFold(network)] + ends + [kind.rawValue]).joined(separator: "\n"))
  }

  /// The network's participant as registered.
  static func focal(_ typed: String, in db: Database) throws -> String {
    try ParticipantRegister.known(typed, in: db)
  }

  /// The network's participant, who must consent to recording before their network is recorded.
  static func consentingFocal(_ typed: String, in db: Database) throws -> String {
    let network = try focal(typed, in: db)
    guard try ParticipantRegister.lacking(.recording, among: [network], in: db).isEmpty else {
      throw FieldLogError.invalidInput(
        "\(network) has not consented to recording; their network is not recorded",
        hint: "record their consent first: fieldlog consent \(network) --given written "
          + "--scope recording --date DAY")
    }
    return network
  }

  /// Refuses an alias or a note that holds a real name of the key file.
  static func screen(_ text: String, what: String, guardian: NameGuard?) throws {
    guard let guardian, let pseudonym = guardian.nameFound(in: text) else { return }
    throw FieldLogError.invalidInput(
      "the \(what) holds the real name of \(pseudonym) in the key file; nothing was recorded",
      hint: "the journal holds pseudonyms only: use an alias like N-017-dochter")
  }

  @discardableResult
  static func addMember(
    network typed: String, member alias: String, role: NetworkRole, formal: Bool?,
    initiative: String?, since: String?, note: String?, guardian: NameGuard?, in db: Database,
    at date: Date
  ) throws -> String {
    let network = try consentingFocal(typed, in: db)
    let member = try ParticipantRef.parse(alias).pseudonym
    guard ParticipantRef.isValidPseudonym(alias.trimmingCharacters(in: .whitespaces)) else {
      throw FieldLogError.invalidInput(
        "'\(alias)' is not an alias: an alias is up to 64 letters (a-z), digits, '-', '_' or '.', "
          + "beginning with a letter or digit, like N-017-dochter")
    }
    try screen(member, what: "alias", guardian: guardian)
    let note = try note.map { try Text.line($0, what: "note") }
    if let note { try screen(note, what: "note", guardian: guardian) }
    // A participant of the study keeps the spelling of the register.
    let registered = try ParticipantRow.pseudonym(folded: Text.identityFold(member), in: db)
    let name = registered ?? member
    if Text.identityFold(name) == Text.identityFold(network) {
      throw FieldLogError.invalidInput(
        "\(network) is the centre of their own network; add the people around them")
    }
    let networkID = ParticipantRegister.id(network).lowercased
    if let existing = try NetworkRows.members(network: networkID, in: db).first(where: {
      $0.folded == Text.identityFold(name)
    }) {
      throw FieldLogError.invalidInput(
        "\(existing.member) is a member of the network of \(network) already (\(existing.role))",
        hint: existing.participant == nil
          ? "a member is not changed; to record them anew, erase them and their ties first: "
            + "fieldlog redact --participant \(existing.member) --reason REASON" : nil)
    }
    let day =
      try since.map { try ActionResearch.day($0, what: "day they joined") }
      ?? FieldTime.now().localDate
    let initiativeID = try initiative.map {
      try self.initiative($0, networkID: networkID, in: db)
    }
    try EventLog.append(
      .networkMemberAdded, subject: memberID(network: network, member: name),
      payload: Payload.NetworkMemberAdded(
        network: network, member: name, role: role.rawValue,
        formal: formal ?? role.isFormalByDefault, initiative: initiativeID, since: day,
        note: note, author: try EventLog.author(db)), in: db, at: date)
    return name
  }

  /// An initiative by name: the one of the participant's neighbourhood, else the only one so named.
  static func initiative(_ typed: String, networkID: String, in db: Database) throws -> String {
    let found = try NetworkRows.initiatives(folded: Text.identityFold(typed), in: db)
    let home = try NetworkRows.neighbourhood(ofParticipant: networkID, in: db)
    if let mine = found.first(where: { $0.neighbourhood == home }) { return mine.id }
    if found.count == 1 { return found[0].id }
    let names = try InitiativeRow.currentNames(in: db)
    throw FieldLogError.invalidInput(
      found.isEmpty
        ? FieldLogError.unknownName(
          kind: "initiative", value: typed, suggestions: Text.suggestions(for: typed, among: names),
          known: names
        ).message
        : "several neighbourhoods have an initiative '\(typed)' ("
          + found.map(\.place).joined(separator: ", ")
          + "); give the participant a neighbourhood to choose")
  }

  /// Records a tie (new, changed or ended) on `day`.
  static func recordTie(
    network typed: String, _ tie: TieRecord, day: String, entry: String?, in db: Database,
    at date: Date
  ) throws {
    let network = try consentingFocal(typed, in: db)
    let networkID = ParticipantRegister.id(network).lowercased
    let members = try NetworkRows.members(network: networkID, in: db)
    // A tie dated before a member's day makes them a member from the tie's day (see `load`).
    func resolve(_ alias: String) throws -> String {
      let folded = Text.identityFold(alias)
      if folded == Text.identityFold(network) { return network }
      if let member = members.first(where: { $0.folded == folded }) { return member.member }
      let known = [network] + members.map(\.member)
      let suggestions = Text.suggestions(for: alias, among: known)
      throw FieldLogError.invalidInput(
        FieldLogError.unknownName(
          kind: "member of the network of \(network)", value: alias, suggestions: suggestions,
          known: known
        ).message,
        hint: suggestions.isEmpty
          ? "add them first: fieldlog network member add \(network) \(alias) --role ROLE" : nil)
    }
    let from = try resolve(tie.from)
    let to = try resolve(tie.to)
    guard from != to else {
      throw FieldLogError.invalidInput(
        "a tie needs two members; '\(tie.from)' and '\(tie.to)' are the same")
    }
    let id = tieID(network: network, from, to, kind: tie.kind)
    let ties = try NetworkRows.ties(network: networkID, in: db)
    let history = ties.filter { $0.tieID == id.lowercased }
    if tie.end {
      let current = history.last(where: { $0.date <= day })
      guard let current, !current.ended else {
        let pair = [Text.identityFold(from), Text.identityFold(to)].sorted()
        let kinds = Dictionary(
          grouping: ties.filter { [$0.a, $0.b] == pair && $0.date <= day }, by: \.kind
        ).compactMap { kind, rows in rows.last!.ended ? nil : kind }.sorted()
        throw FieldLogError.invalidInput(
          "there is no \(tie.kind.rawValue) tie between \(from) and \(to) on \(day) "
            + "to end; "
            + (kinds.isEmpty
              ? "they have no tie on that day"
              : "their ties then: " + kinds.joined(separator: ", ")))
      }
    } else {
      guard let strength = tie.strength, (1...3).contains(strength) else {
        throw FieldLogError.invalidInput(
          "the strength \(tie.strength.map(String.init) ?? "(none)") is not one of 1, 2, 3")
      }
    }
    try EventLog.append(
      .networkTieRecorded, subject: id,
      payload: Payload.NetworkTieRecorded(
        network: network, from: from, to: to, kind: tie.kind.rawValue,
        strength: tie.end ? nil : tie.strength, direction: tie.direction.rawValue, date: day,
        ended: tie.end ? true : nil, entry: entry, author: try EventLog.author(db)),
      in: db, at: date)
  }

  // MARK: reading

  /// The members and tie history of a network, with consent applied to what is shown.
  struct Loaded {
    var network: String
    var members: [NetworkMemberRow]
    var ties: [NetworkTieRow]
    /// Display names by folded alias (the focal participant's included).
    var shown: [String: String]
    var withheld: Set<String>
    var focalFolded: String
  }

  /// The participants whose networks may be shown: those with a network who consent to
  /// recording. The others' networks are kept out of every view and export (`withheld` counts
  /// them).
  static func shown(in db: Database) throws -> (
    networks: [(id: String, pseudonym: String, place: String?)], withheld: Int
  ) {
    let all = try NetworkRows.networks(in: db)
    let lacking = Set(
      try ParticipantRegister.lacking(.recording, among: all.map(\.pseudonym), in: db))
    return (all.filter { !lacking.contains($0.pseudonym) }, lacking.count)
  }

  static func load(_ typed: String, in db: Database) throws -> Loaded {
    let network = try focal(typed, in: db)
    let id = ParticipantRegister.id(network).lowercased
    let ties = try NetworkRows.ties(network: id, in: db)
    // A member belongs to the network from their day, or from their first tie if that is
    // earlier: a member added without --since (today) keeps the ties recorded about the past.
    var firstTie: [String: String] = [:]
    for tie in ties {
      for end in [tie.a, tie.b] where firstTie[end].map({ tie.date < $0 }) ?? true {
        firstTie[end] = tie.date
      }
    }
    let members = try NetworkRows.members(network: id, in: db).map { row in
      var member = row
      if let first = firstTie[row.folded], first < row.since { member.since = first }
      return member
    }
    guard !members.isEmpty || !ties.isEmpty else {
      throw FieldLogError.invalidInput(
        "\(network) has no network yet",
        hint: "add a member: fieldlog network member add \(network) ALIAS --role ROLE")
    }
    guard try ParticipantRegister.lacking(.recording, among: [network], in: db).isEmpty else {
      throw FieldLogError.invalidInput(
        "\(network) has not consented to recording (any more); their network is kept out of "
          + "every view and export",
        hint: "once they consent: fieldlog consent \(network) --given written --scope recording")
    }
    let participants = [network] + members.compactMap(\.participant)
    let lacking = Set(
      try ParticipantRegister.lacking(.recording, among: participants, in: db).map(
        Text.identityFold))
    var shown: [String: String] = [:]
    var count = 0
    for (folded, name) in [(Text.identityFold(network), network)]
      + members.map({ ($0.folded, $0.participant ?? $0.member) })
    {
      if lacking.contains(folded) {
        count += 1
        shown[folded] = "member without consent \(count)"
      } else {
        shown[folded] = name
      }
    }
    return Loaded(
      network: network, members: members, ties: ties, shown: shown, withheld: lacking,
      focalFolded: Text.identityFold(network))
  }

  static func snapshot(_ loaded: Loaded, on day: String) -> NetworkSnapshot {
    let focal = NetworkSnapshot.Member(
      id: loaded.shown[loaded.focalFolded] ?? loaded.network, role: NetworkRole.client.rawValue,
      formal: false, initiative: nil, since: nil, note: nil, focal: true, participant: true,
      withheld: loaded.withheld.contains(loaded.focalFolded))
    let members = loaded.members.filter { $0.since <= day }.map { row in
      let withheld = loaded.withheld.contains(row.folded)
      return NetworkSnapshot.Member(
        id: loaded.shown[row.folded] ?? row.member, role: row.role, formal: row.formal,
        initiative: withheld ? nil : row.initiative, since: row.since,
        note: withheld ? nil : row.note,
        focal: false, participant: row.participant != nil, withheld: withheld)
    }
    var ties: [NetworkSnapshot.Tie] = []
    for history in Dictionary(grouping: loaded.ties, by: \.tieID).values {
      let states = states(history)
      guard let current = states.last(where: { $0.date <= day }), !current.ended,
        let strength = current.strength
      else { continue }
      let first = states[0].date
      ties.append(tie(current, strength: strength, first: first, loaded))
    }
    ties.sort { ($0.from, $0.to, $0.kind) < ($1.from, $1.to, $1.kind) }
    return NetworkSnapshot(
      network: focal.id, date: day, members: [focal] + members.sorted { $0.id < $1.id },
      ties: ties)
  }

  /// A tie row as shown: its ends named, `b>a` turned round so that `from` gives to `to`.
  private static func tie(
    _ row: NetworkTieRow, strength: Int, first: String, _ loaded: Loaded
  ) -> NetworkSnapshot.Tie {
    let a = loaded.shown[row.a] ?? row.a
    let b = loaded.shown[row.b] ?? row.b
    let (from, to, direction): (String, String, String) =
      switch row.direction {
      case "a>b": (a, b, "forward")
      case "b>a": (b, a, "forward")
      case "mutual": (a, b, "mutual")
      default: (a, b, "none")
      }
    return NetworkSnapshot.Tie(
      from: from, to: to, kind: row.kind, strength: strength, direction: direction,
      since: row.date, first: first, entry: row.entry)
  }

  /// A tie's recordings (in the order they take effect) as the states it went through: the last
  /// recording of a day is that day's state, and one that repeats the state before it is no
  /// change.
  static func states(_ history: [NetworkTieRow]) -> [NetworkTieRow] {
    var days: [NetworkTieRow] = []
    for row in history {
      if days.last?.date == row.date { days.removeLast() }
      if let last = days.last, last.strength == row.strength, last.direction == row.direction,
        last.ended == row.ended
      {
        continue
      }
      days.append(row)
    }
    return days
  }

  static func history(_ loaded: Loaded) -> NetworkHistory {
    let snapshot = snapshot(loaded, on: "9999-12-31")
    var periods: [NetworkTiePeriod] = []
    for history in Dictionary(grouping: loaded.ties, by: \.tieID).values {
      let days = states(history)
      for (index, row) in days.enumerated() where !row.ended {
        guard let strength = row.strength else { continue }
        let shown = tie(row, strength: strength, first: days[0].date, loaded)
        // The tie's name in an export is made of what is shown: its stored id is a hash of the
        // pseudonyms, and would give away who a member without consent is.
        let name = [shown.from, shown.to].sorted().joined(separator: " – ") + " " + shown.kind
        periods.append(
          NetworkTiePeriod(
            tie: name, from: shown.from, to: shown.to, kind: shown.kind,
            direction: shown.direction, strength: strength, start: row.date,
            end: index + 1 < days.count ? days[index + 1].date : nil))
      }
    }
    periods.sort { ($0.start, $0.from, $0.to, $0.kind) < ($1.start, $1.from, $1.to, $1.kind) }
    return NetworkHistory(network: snapshot.network, members: snapshot.members, periods: periods)
  }
}

extension Journal {
  /// Adds a member to a participant's network; returns the member as recorded.
  @discardableResult
  public func addNetworkMember(
    _ network: String, member: String, role: NetworkRole, formal: Bool? = nil,
    initiative: String? = nil, since: String? = nil, note: String? = nil,
    guardian: NameGuard? = nil
  ) throws -> String {
    try write { db in
      try Networks.addMember(
        network: network, member: member, role: role, formal: formal, initiative: initiative,
        since: since, note: note, guardian: guardian, in: db, at: Date())
    }
  }

  /// Records a tie of a participant's network, from `day` (default: the day of the network
  /// conversation `entry`, else today).
  public func recordTie(
    _ network: String, _ tie: TieRecord, day: String? = nil, entry: String? = nil
  )
    throws
  {
    try write { db in
      var conversationDay: String?
      let entryID = try entry.map { typed in
        let id = try EntryQuery.resolveID(typed, in: db)
        guard let found = try NetworkRows.entryKindAndDay(id, in: db) else {
          throw FieldLogError.invalidInput(
            "entry \(typed) is retracted; a tie cannot be recorded on it")
        }
        guard found.kind == EntryKind.networkConversation.rawValue else {
          throw FieldLogError.invalidInput(
            "entry \(typed) is not a network-conversation (its kind is \(found.kind)); ties are "
              + "recorded on a network-conversation")
        }
        conversationDay = found.day
        return id
      }
      let day =
        try day.map { try ActionResearch.day($0, what: "day of the tie") }
        ?? conversationDay ?? FieldTime.now().localDate
      try Networks.recordTie(network: network, tie, day: day, entry: entryID, in: db, at: Date())
    }
  }

  /// A network as it stood on `day` (default today).
  public func network(_ network: String, on day: String? = nil) throws -> NetworkSnapshot {
    try read { db in
      let day =
        try day.map { try ActionResearch.day($0, what: "day") }
        ?? FieldTime.now().localDate
      return Networks.snapshot(try Networks.load(network, in: db), on: day)
    }
  }

  /// Every member and every state of every tie of a network (or of all, for `--all`).
  public func networkHistories(_ network: String?) throws -> [NetworkHistory] {
    try read { db in
      let shown = try Networks.shown(in: db)
      let names = network.map { [$0] } ?? shown.networks.map(\.pseudonym)
      guard !names.isEmpty else {
        throw FieldLogError.invalidInput(
          shown.withheld > 0
            ? "the study's networks are all of participants without consent to recording"
            : "the study has no networks yet",
          hint: "add a member: fieldlog network member add P ALIAS --role ROLE")
      }
      return try names.map { Networks.history(try Networks.load($0, in: db)) }
    }
  }

  /// Every network on the day of its latest recorded change (a member joining, a tie recorded):
  /// what the journal holds, whatever day it is read on.
  public func latestNetworks() throws -> [NetworkSnapshot] {
    try read { db in
      try Networks.shown(in: db).networks.map {
        let loaded = try Networks.load($0.pseudonym, in: db)
        let last = (loaded.members.map(\.since) + loaded.ties.map(\.date)).max() ?? "0000-01-01"
        return Networks.snapshot(loaded, on: last)
      }
    }
  }

  /// Every network as it stood on `day`, with the neighbourhood of its participant.
  public func networks(on day: String? = nil) throws -> [(
    snapshot: NetworkSnapshot, neighbourhood: String?
  )] {
    try read { db in
      let day =
        try day.map { try ActionResearch.day($0, what: "day") }
        ?? FieldTime.now().localDate
      return try Networks.shown(in: db).networks.map {
        (
          snapshot: Networks.snapshot(try Networks.load($0.pseudonym, in: db), on: day),
          neighbourhood: $0.place
        )
      }
    }
  }

  /// How many networks are kept out of the study-wide views because their participant has not
  /// consented to recording.
  public func networksWithheld() throws -> Int {
    try read { db in try Networks.shown(in: db).withheld }
  }
}

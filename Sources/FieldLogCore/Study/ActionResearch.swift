import Foundation
import GRDB

/// A phase of an action-research cycle. Never guessed: only a researcher says which it was.
public enum Phase: String, CaseIterable, Sendable, Codable, TypedName {
  case plan, act, observe, reflect

  public static let what = "phase"
}

/// What a participant said when they read what was written about them.
public enum MemberCheckResponse: String, CaseIterable, Sendable, Codable, TypedName {
  case agrees, amends, disagrees
  case noResponse = "no-response"

  public static let what = "response"
}

extension Study {
  /// One cycle of the action research (plan, act, observe, reflect), with its first and last day.
  public struct Cycle: Sendable, Equatable, Codable {
    /// Its code, like `C1`.
    public var id: String
    public var name: String
    public var from: String
    public var to: String
    public var neighbourhood: String?
    public var initiative: String?

    public init(
      id: String, name: String, from: String, to: String, neighbourhood: String? = nil,
      initiative: String? = nil
    ) {
      self.id = id
      self.name = name
      self.from = from
      self.to = to
      self.neighbourhood = neighbourhood
      self.initiative = initiative
    }
  }

  /// A version of the information letter participants consent on, and the day it took effect.
  public struct Letter: Sendable, Equatable, Codable {
    public var version: String
    public var date: String

    public init(version: String, date: String) {
      self.version = version
      self.date = date
    }
  }

  /// How long the study keeps what: research data until a day or for some years after the
  /// study's end, and the key file (real names) until a day.
  public struct Retention: Sendable, Equatable, Codable {
    public var studyEnd: String?
    public var researchDataUntil: String?
    public var researchDataYears: Int?
    public var keyFileUntil: String?

    public init(
      studyEnd: String? = nil, researchDataUntil: String? = nil, researchDataYears: Int? = nil,
      keyFileUntil: String? = nil
    ) {
      self.studyEnd = studyEnd
      self.researchDataUntil = researchDataUntil
      self.researchDataYears = researchDataYears
      self.keyFileUntil = keyFileUntil
    }

    enum CodingKeys: String, CodingKey {
      case studyEnd = "study_end"
      case researchDataUntil = "research_data_until"
      case researchDataYears = "research_data_years"
      case keyFileUntil = "key_file_until"
    }

    /// The last day research data is kept: the day given, or the study's end plus the years.
    public var researchDataDue: String? {
      if let researchDataUntil { return researchDataUntil }
      guard let studyEnd, let years = researchDataYears, let year = Int(studyEnd.prefix(4)) else {
        return nil
      }
      // 29 February of a year that has none is the 28th.
      let day = String(studyEnd.dropFirst(4))
      let target = year + years
      let leap = FieldTime.daysIn(month: 2, year: target) == 29
      let kept = day == "-02-29" && !leap ? "-02-28" : day
      return String(format: "%04d", target) + kept
    }

    public var isEmpty: Bool { self == Retention() }
  }

  /// The answers a study file may give about sensitive (special-category) personal data.
  public static let sensitiveDataAnswers = ["yes", "no", "unknown"]
}

/// Records and reads the action-research loop: cycles, letters, member checks, retention.
enum ActionResearch {
  static func cycleID(_ code: String) -> UUID {
    Hashing.derivedID(namespace: "cycle", key: Text.identityFold(code))
  }

  static func letterID(_ version: String) -> UUID {
    Hashing.derivedID(namespace: "letter", key: Text.identityFold(version))
  }

  /// A day as typed (`2024-03-12`, `today`), as `YYYY-MM-DD`; `what` names it in the message.
  static func day(_ text: String, what: String) throws -> String {
    guard FieldTime.isWholeDay(text) else {
      throw FieldLogError.invalidInput("the \(what) '\(text)' must be a day, like 2024-03-12")
    }
    return try FieldTime.parse(text, what: what).localDate
  }

  /// The id of the one cycle whose days hold `day` (`YYYY-MM-DD`), nil when none or several do.
  static func cycleID(ofDay day: String, in db: Database) throws -> String? {
    let holding = try CycleRow.all(in: db).filter { $0.starts <= day && day <= $0.ends }
    return holding.count == 1 ? holding[0].id : nil
  }

  @discardableResult
  static func addCycle(_ cycle: Study.Cycle, in db: Database, at date: Date) throws -> String {
    let code = cycle.id.trimmingCharacters(in: .whitespaces)
    guard Study.isValidQuestionID(code) else {
      throw FieldLogError.invalidInput(
        "'\(code)' is not a cycle id: use a letter, then letters, digits, '.', '_' or '-' (like C2)"
      )
    }
    if let existing = try CycleRow.find(folded: Text.identityFold(code), in: db) {
      throw FieldLogError.invalidInput("the cycle '\(existing.code)' exists already")
    }
    let name = try Text.line(cycle.name, what: "name of cycle \(code)")
    let from = try day(cycle.from, what: "first day of cycle \(code)")
    let to = try day(cycle.to, what: "last day of cycle \(code)")
    guard from <= to else {
      throw FieldLogError.invalidInput(
        "cycle \(code) ends (\(to)) before it begins (\(from)); nothing was recorded")
    }
    let place = try cycle.neighbourhood.map { try Vocabulary.neighbourhood($0, in: db) }
    let initiative = try cycle.initiative.map { name -> Vocabulary.Item in
      guard let place else {
        throw FieldLogError.invalidInput(
          "name the neighbourhood of the initiative '\(name)' of cycle \(code) too")
      }
      return try Vocabulary.initiative(name, in: place, db: db)
    }
    let id = cycleID(code)
    try EventLog.append(
      .cycleAdded, subject: id,
      payload: Payload.CycleAdded(
        code: code, name: name, from: from, to: to, neighbourhood: place?.id,
        initiative: initiative?.id), in: db, at: date)
    return id.lowercased
  }

  /// The cycle whose code is `typed`, or an error listing the study's cycles.
  static func cycle(_ typed: String, in db: Database) throws -> CycleRow {
    if let found = try CycleRow.find(folded: Text.identityFold(typed), in: db) { return found }
    let codes = try CycleRow.all(in: db).map(\.code)
    throw FieldLogError.invalidInput(
      FieldLogError.unknownName(
        kind: "cycle", value: typed, suggestions: Text.suggestions(for: typed, among: codes),
        known: codes
      ).message,
      hint: codes.isEmpty
        ? "the study has no cycles yet: add one with 'fieldlog study add-cycle C1 --name ... "
          + "--from DAY --to DAY'" : "'fieldlog study show' lists the cycles")
  }

  static func addLetter(_ letter: Study.Letter, in db: Database, at date: Date) throws {
    let version = try Text.line(letter.version, what: "letter version")
    guard version.count <= 32, ParticipantRef.isValidPseudonym(version) else {
      throw FieldLogError.invalidInput(
        "the letter version '\(version)' must be a short name like v2: letters, digits, '.', '_' "
          + "or '-'")
    }
    if let existing = try LetterRow.find(folded: Text.identityFold(version), in: db) {
      throw FieldLogError.invalidInput("the letter version '\(existing.version)' exists already")
    }
    let day = try day(letter.date, what: "date of letter \(version)")
    try EventLog.append(
      .letterAdded, subject: letterID(version),
      payload: Payload.LetterAdded(version: version, date: day), in: db, at: date)
  }

  /// The declared letter version `typed`, or an error listing the declared ones.
  static func letter(_ typed: String, in db: Database) throws -> LetterRow {
    if let found = try LetterRow.find(folded: Text.identityFold(typed), in: db) { return found }
    let versions = try LetterRow.all(in: db).map(\.version)
    throw FieldLogError.invalidInput(
      FieldLogError.unknownName(
        kind: "letter version", value: typed,
        suggestions: Text.suggestions(for: typed, among: versions), known: versions
      ).message,
      hint: "declare it first with 'fieldlog study add-letter \(typed) --date DAY'")
  }

  /// Declares the fields of `retention` and `sensitiveData` that are given; the others stay as
  /// they were. What results must hold together: years after the end need the end.
  static func declare(
    _ retention: Study.Retention, sensitiveData: String?, in db: Database, at date: Date
  ) throws {
    func checked(_ text: String?, _ what: String) throws -> String? {
      try text.map { try day($0, what: what) }
    }
    var declared = retention
    declared.studyEnd = try checked(retention.studyEnd, "end of the study")
    declared.researchDataUntil = try checked(retention.researchDataUntil, "retention day")
    declared.keyFileUntil = try checked(retention.keyFileUntil, "key file retention day")
    if declared.researchDataUntil != nil && declared.researchDataYears != nil {
      throw FieldLogError.invalidInput(
        "give research data a day to keep it until, or years after the end, not both")
    }
    if let years = retention.researchDataYears {
      guard (1...100).contains(years) else {
        throw FieldLogError.invalidInput(
          "research data kept for \(years) years: give a number of years from 1 to 100")
      }
      let end = try declared.studyEnd ?? DataManagementRow.current(in: db).retention.studyEnd
      guard end != nil else {
        throw FieldLogError.invalidInput(
          "research data kept \(years) years after the end needs the study's end day",
          hint: "give the end of the study too (study_end, or --study-end)")
      }
    }
    let sensitive = try sensitiveData.map { text -> String in
      let folded = Text.identityFold(text)
      guard Study.sensitiveDataAnswers.contains(folded) else {
        throw FieldLogError.unknownName(
          kind: "answer for sensitive data", value: text, suggestions: [],
          known: Study.sensitiveDataAnswers)
      }
      return folded
    }
    guard !declared.isEmpty || sensitive != nil else {
      throw FieldLogError.invalidInput("nothing to declare; nothing was recorded")
    }
    try EventLog.append(
      .dataManagementDeclared, subject: StudyRecorder.studyID,
      payload: Payload.DataManagementDeclared(
        studyEnd: declared.studyEnd, researchDataUntil: declared.researchDataUntil,
        researchDataYears: declared.researchDataYears, keyFileUntil: declared.keyFileUntil,
        sensitiveData: sensitive), in: db, at: date)
  }
}

/// A member check as reports and documents show it.
public struct MemberCheck: Sendable, Equatable, Encodable {
  public var id: String
  public var participant: String
  public var response: MemberCheckResponse
  public var text: String
  public var entry: String?
  public var version: Int?
  /// The cycle it was given, else its entry's, else the one its day falls in.
  public var cycle: String?
  public var date: String
  public var author: String
}

/// One consent event of a participant, as `fieldlog consent P` lists the history.
public struct ConsentChange: Sendable, Equatable, Encodable {
  public var date: String
  public var state: String
  public var scopes: [String]
  public var form: String?
  public var letter: String?
  public var author: String
  public var recordedAt: String

  enum CodingKeys: String, CodingKey {
    case date, state, scopes, form, letter, author
    case recordedAt = "recorded_at"
  }
}

/// The study's declarations about keeping data, as the journal knows them.
public struct DataManagement: Sendable, Equatable {
  public var retention: Study.Retention
  public var sensitiveData: String?
}

extension Journal {
  /// Adds an action-research cycle.
  public func addCycle(_ cycle: Study.Cycle) throws {
    try write { db in try ActionResearch.addCycle(cycle, in: db, at: Date()) }
  }

  /// Declares a version of the information letter.
  public func addLetter(_ letter: Study.Letter) throws {
    try write { db in try ActionResearch.addLetter(letter, in: db, at: Date()) }
  }

  /// Declares the study's retention and sensitive data: the fields given change, the others stay.
  public func declareDataManagement(_ retention: Study.Retention, sensitiveData: String?) throws {
    try write { db in
      try ActionResearch.declare(retention, sensitiveData: sensitiveData, in: db, at: Date())
    }
  }

  /// What the study declared about keeping its data.
  public func dataManagement() throws -> DataManagement {
    try read { db in try DataManagementRow.current(in: db) }
  }

  /// The study's cycles, in the order of their first day.
  public func cycles() throws -> [Study.Cycle] {
    try read { db in try CycleRow.all(in: db).map(\.cycle) }
  }

  /// The declared letter versions, oldest first.
  public func letters() throws -> [Study.Letter] {
    try read { db in try LetterRow.all(in: db).map { .init(version: $0.version, date: $0.date) } }
  }

  /// Records a member check: what `pseudonym` said about what was written about them.
  @discardableResult
  public func recordMemberCheck(
    _ pseudonym: String, response: MemberCheckResponse, text: String, entry: String? = nil,
    cycle: String? = nil, date: String? = nil, now: Date = Date()
  ) throws -> MemberCheck {
    try write { db in
      let registered = try ParticipantRegister.known(pseudonym, in: db)
      let text = try Text.body(text, source: "the member check")
      guard !Text.isBlank(text) || response == .noResponse else {
        throw FieldLogError.invalidInput(
          "say what \(registered) answered with --text; nothing was recorded")
      }
      var entryID: String?
      var version: Int?
      if let entry {
        let found = try EntryQuery.entry(id: EntryQuery.resolveID(entry, in: db), in: db)
        let folded = Text.identityFold(registered)
        guard found.peopleNamed.contains(where: { Text.identityFold($0) == folded }) else {
          throw FieldLogError.invalidInput(
            "entry \(found.shortID) does not name \(registered); a member check is about what "
              + "was written about them")
        }
        entryID = found.id
        version = found.version
      }
      guard response != .amends || entryID != nil else {
        throw FieldLogError.invalidInput(
          "an 'amends' response needs the entry it amends: give --entry ID",
          hint: "amend the entry first ('fieldlog amend ID'), then record the member check")
      }
      let cycleID = try cycle.map { try ActionResearch.cycle($0, in: db).id }
      let day =
        try date.map { try ActionResearch.day($0, what: "date") }
        ?? FieldTime.now(now).localDate
      let id = UUID()
      try EventLog.append(
        .memberCheckRecorded, subject: id,
        payload: Payload.MemberCheckRecorded(
          participant: registered, response: response.rawValue, text: text, date: day,
          author: try EventLog.author(db), entry: entryID, version: version, cycle: cycleID),
        in: db, at: now)
      guard
        let recorded = try MemberCheckRow.all(participant: registered, in: db).first(where: {
          $0.id == id.lowercased
        })
      else {
        throw FieldLogError.damaged("the member check was not stored; nothing was recorded")
      }
      return recorded
    }
  }

  /// The member checks, of one participant or of all, oldest first.
  public func memberChecks(participant: String? = nil) throws -> [MemberCheck] {
    try read { db in
      let registered = try participant.map { try ParticipantRegister.known($0, in: db) }
      return try MemberCheckRow.all(participant: registered, in: db)
    }
  }

  /// Every consent change of a participant, in the order of its day.
  public func consentHistory(_ pseudonym: String) throws -> (String, [ConsentChange]) {
    try read { db in
      let registered = try ParticipantRegister.known(pseudonym, in: db)
      let changes = try ConsentHistory.changes(
        participant: ParticipantRegister.id(registered).lowercased, in: db)
      return (registered, changes)
    }
  }
}

/// How far member checking has come: per participant or per cycle, the entries and the responses.
public struct MemberCheckStatusReport: Sendable, Equatable, Encodable {
  public enum Grouping: String, CaseIterable, Sendable, TypedName {
    case participant, cycle

    public static let what = "grouping"
  }

  public struct Row: Sendable, Equatable, Encodable {
    public var group: String
    /// In the order of `columns`.
    public var counts: [Int]
    /// The latest response, if any.
    public var latest: String?
  }

  public static let columns =
    ["ENTRIES", "CHECKS"]
    + MemberCheckResponse.allCases.map {
      $0.rawValue.uppercased()
    } + ["LATEST"]

  public var grouping: String
  public var rows: [Row]
}

extension MemberCheckStatusReport.Row {
  /// The cells after the group: the counts, then the latest response.
  public var cells: [String] { counts.map(String.init) + [latest ?? "-"] }
}

extension Journal {
  /// Per participant (every one registered) or per cycle (and entries of none): how many entries
  /// name them, and what their member checks said.
  public func memberCheckStatus(by grouping: MemberCheckStatusReport.Grouping) throws
    -> MemberCheckStatusReport
  {
    try read { db in
      let checks = try MemberCheckRow.all(participant: nil, in: db)
      func row(_ group: String, entries: Int, _ mine: [MemberCheck]) -> MemberCheckStatusReport.Row
      {
        .init(
          group: group,
          counts: [entries, mine.count]
            + MemberCheckResponse.allCases.map { response in
              mine.filter { $0.response == response }.count
            },
          latest: mine.last.map { "\($0.date) \($0.response.rawValue)" })
      }
      var rows: [MemberCheckStatusReport.Row] = []
      switch grouping {
      case .participant:
        for pseudonym in try ParticipantRow.pseudonyms(in: db) {
          let entries = try EntryRow.count(EntryFilter(participant: pseudonym), in: db)
          rows.append(
            row(pseudonym, entries: entries, checks.filter { $0.participant == pseudonym }))
        }
      case .cycle:
        for cycle in try CycleRow.all(in: db) {
          let entries = try EntryRow.count(EntryFilter(cycle: cycle.code), in: db)
          rows.append(row(cycle.code, entries: entries, checks.filter { $0.cycle == cycle.code }))
        }
        let outside = checks.filter { $0.cycle == nil }
        if !outside.isEmpty { rows.append(row("(no cycle)", entries: 0, outside)) }
      }
      return MemberCheckStatusReport(grouping: grouping.rawValue, rows: rows)
    }
  }
}

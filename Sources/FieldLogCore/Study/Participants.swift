import Foundation
import GRDB

/// A participant as the journal knows them: a pseudonym, never a real name.
public struct ParticipantRecord: Encodable, Equatable, Sendable {
  /// Consent for one scope, as it now stands.
  public struct ConsentState: Encodable, Equatable, Sendable {
    public var scope: String
    /// `given`, `withdrawn`, or `none` when nothing was ever recorded.
    public var state: String
    public var form: String?
    public var date: String?

    public func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(scope, forKey: .scope)
      try container.encode(state, forKey: .state)
      try container.encode(form, forKey: .form)
      try container.encode(date, forKey: .date)
    }

    enum CodingKeys: String, CodingKey { case scope, state, form, date }
  }

  public var pseudonym: String
  public var role: String?
  public var neighbourhood: String?
  public var consent: [ConsentState]

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(pseudonym, forKey: .pseudonym)
    try container.encode(role, forKey: .role)
    try container.encode(neighbourhood, forKey: .neighbourhood)
    try container.encode(consent, forKey: .consent)
  }

  enum CodingKeys: String, CodingKey { case pseudonym, role, neighbourhood, consent }
}

/// The scopes consent is given or withdrawn for.
public enum ConsentScope: String, CaseIterable, Sendable {
  case recording, quotation, archive
  /// May be shared within the consortium: with partner institutions and through a team hub. An
  /// entry naming a participant without it goes to a hub without its text (docs/hub.md).
  case shareConsortium = "share-consortium"
  /// May be contacted again, to check what was written about them (member checking).
  case memberCheck = "member-check"

  /// Parses `recording,quotation` into scopes, refusing unknown ones.
  public static func parse(_ list: [String]) throws -> [ConsentScope] {
    var scopes: [ConsentScope] = []
    for name in list.flatMap({ $0.split(separator: ",") }) {
      let text = name.trimmingCharacters(in: .whitespaces).lowercased()
      guard let scope = ConsentScope(rawValue: text) else {
        throw FieldLogError.unknownName(
          kind: "consent scope", value: String(name),
          suggestions: Text.suggestions(for: String(name), among: allCases.map(\.rawValue)),
          known: allCases.map(\.rawValue))
      }
      if !scopes.contains(scope) { scopes.append(scope) }
    }
    return scopes
  }
}

/// How consent was given.
public enum ConsentForm: String, CaseIterable, Sendable {
  case written, verbal

  /// Parses `written` or `verbal` in any case, refusing anything else with the valid forms.
  public static func parse(_ text: String) throws -> ConsentForm {
    guard let form = ConsentForm(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased())
    else {
      throw FieldLogError.unknownName(
        kind: "form of consent", value: text,
        suggestions: Text.suggestions(for: text, among: allCases.map(\.rawValue)),
        known: allCases.map(\.rawValue))
    }
    return form
  }
}

/// The study's register of participants, by pseudonym.
enum ParticipantRegister {
  static func id(_ pseudonym: String) -> UUID {
    Hashing.derivedID(namespace: "participant", key: Text.identityFold(pseudonym))
  }

  /// Adds a participant; refuses one that is known already.
  @discardableResult
  static func add(
    _ pseudonym: String, role: String?, neighbourhood: String?, in db: Database, at date: Date
  ) throws -> String {
    let participant = try ParticipantRef.parse(pseudonym)
    if let existing = try ParticipantRow.pseudonym(
      folded: Text.identityFold(participant.pseudonym), in: db)
    {
      throw FieldLogError.invalidInput(
        "the participant '\(existing)' is known already",
        hint: "name them with --participant \(existing)")
    }
    let role = try role.map { try Text.line($0, what: "role of \(participant.pseudonym)") }
    let place = try neighbourhood.map { try Vocabulary.neighbourhood($0, in: db).id }
    try EventLog.append(
      .participantAdded, subject: id(participant.pseudonym),
      payload: Payload.ParticipantAdded(
        pseudonym: participant.pseudonym, role: role, neighbourhood: place),
      in: db, at: date)
    return participant.pseudonym
  }

  /// The pseudonym as registered, or an error naming the closest known ones.
  /// A registered participant's pseudonym as registered; `entry` says the caller records an
  /// entry, which can register them with --new-participant.
  static func known(_ pseudonym: String, in db: Database, entry: Bool = false) throws -> String {
    if let registered = try ParticipantRow.pseudonym(folded: Text.identityFold(pseudonym), in: db) {
      return registered
    }
    let all = try ParticipantRow.pseudonyms(in: db)
    let suggestions = Text.suggestions(for: pseudonym, among: all)
    throw FieldLogError.invalidInput(
      FieldLogError.unknownName(
        kind: "participant", value: pseudonym, suggestions: suggestions, known: all
      ).message,
      hint: "add them first with 'fieldlog participant add \(pseudonym)'"
        + (entry ? ", or use --new-participant" : ""))
  }

  /// Appends a consent event for a registered participant; refuses a day after today, since a
  /// consent not yet given must not count as given (and dates order consent against withdrawals).
  static func recordConsent(
    _ registered: String, form: ConsentForm?, scopes: [ConsentScope], day: String,
    letter: String? = nil, in db: Database
  ) throws {
    let today = try FieldTime.now().localDate
    guard day <= today else {
      throw FieldLogError.invalidInput(
        "the consent of \(registered) is dated \(day), after today (\(today)); "
          + "nothing was recorded",
        hint: "record consent on or after the day it was given")
    }
    let subject = id(registered)
    try EventLog.append(
      form == nil ? .consentWithdrawn : .consentGiven, subject: subject,
      payload: Payload.ConsentChanged(
        pseudonym: registered, scopes: scopes.map(\.rawValue), form: form?.rawValue, date: day,
        author: try EventLog.author(db),
        knew: try ConsentHistory.known(participant: subject.lowercased, in: db), letter: letter),
      in: db)
  }

  /// The scopes an interview's consent field stands for: being recorded and being quoted, which
  /// is what an interview consent form covers. Archiving is asked for separately
  /// (`fieldlog consent P --given written --scope archive`).
  static let interviewScopes: [ConsentScope] = [.recording, .quotation]

  /// Registers what an interview's `consent` field says, for its interviewee: the `interviewee`
  /// field, else the entry's one participant. `written` or `verbal` is recorded as consent given on
  /// the day of the interview. `none` records nothing, but is refused while the register holds
  /// consent that the interviewee (or, with no interviewee field, a participant) gave: only
  /// `fieldlog consent --withdraw` takes that back.
  static func interviewConsent(
    _ value: String, interviewee: String?, participants: [String], day: String, in db: Database
  ) throws {
    var whose = participants
    if let interviewee {
      do {
        whose = [try known(interviewee, in: db)]
      } catch FieldLogError.invalidInput(let message, let hint) {
        throw FieldLogError.invalidInput(
          "the consent field registers the consent of the interviewee: " + message, hint: hint)
      }
    }
    let scopes = interviewScopes.map(\.rawValue)
    func given(_ pseudonym: String) throws -> [(scope: String, form: String?)] {
      try ConsentRow.given(folded: Text.identityFold(pseudonym), in: db).filter {
        scopes.contains($0.scope)
      }
    }
    guard let form = ConsentForm(rawValue: value) else {
      for pseudonym in whose {
        let named = try given(pseudonym).map(\.scope).sorted()
          .joined(separator: ",")
        guard named.isEmpty else {
          throw FieldLogError.invalidInput(
            "the interview says consent=none, but \(pseudonym) has given consent for \(named); "
              + "nothing was recorded",
            hint: "withdraw it with 'fieldlog consent \(pseudonym) --withdraw --scope \(named)', "
              + "or correct the field")
        }
      }
      return
    }
    guard whose.count == 1, let pseudonym = whose.first else {
      throw FieldLogError.invalidInput(
        "the consent field must say whose consent it is, and this interview names "
          + (whose.isEmpty ? "no participant" : "\(whose.count) participants")
          + " and no interviewee; nothing was recorded",
        hint: "give --field interviewee=P-030 (a registered participant), or leave the field out "
          + "and record consent with 'fieldlog consent P-030 --given written --scope "
          + "recording,quotation'")
    }
    // Consent the register already holds in this form is not recorded twice.
    let current = try given(pseudonym)
    guard
      current.count < scopes.count
        || current.contains(where: { $0.form != form.rawValue })
    else { return }
    try recordConsent(pseudonym, form: form, scopes: interviewScopes, day: day, in: db)
  }

  /// Pseudonyms among `pseudonyms` without current consent for `scope`.
  static func lacking(_ scope: ConsentScope, among pseudonyms: [String], in db: Database) throws
    -> [String]
  {
    try pseudonyms.filter { pseudonym in
      let state = try ConsentRow.state(
        folded: Text.identityFold(pseudonym), scope: scope.rawValue, in: db)
      return state != "given"
    }
  }
}

extension Journal {
  /// Adds a participant to the study's register.
  public func addParticipant(_ pseudonym: String, role: String? = nil, neighbourhood: String? = nil)
    throws -> String
  {
    try write { db in
      try ParticipantRegister.add(
        pseudonym, role: role, neighbourhood: neighbourhood, in: db, at: Date())
    }
  }

  /// Every participant, with their consent per scope.
  public func participants() throws -> [ParticipantRecord] {
    try read { db in
      return try ParticipantRow.all(in: db).map { participant in
        let states = try ConsentRow.of(participantID: participant.id, in: db)
        let consent = ConsentScope.allCases.map { scope -> ParticipantRecord.ConsentState in
          guard let found = states.first(where: { $0.scope == scope.rawValue }) else {
            return .init(scope: scope.rawValue, state: "none", form: nil, date: nil)
          }
          return .init(
            scope: scope.rawValue, state: found.state, form: found.form, date: found.date)
        }
        return ParticipantRecord(
          pseudonym: participant.pseudonym, role: participant.role,
          neighbourhood: participant.neighbourhood, consent: consent)
      }
    }
  }

  /// Records consent given (`form` set) or withdrawn (`form` nil) for some scopes, on a date;
  /// returns the pseudonym as registered.
  @discardableResult
  public func recordConsent(
    _ pseudonym: String, form: ConsentForm?, scopes: [ConsentScope], date: String? = nil,
    letter: String? = nil
  ) throws -> String {
    try write { db in
      let registered = try ParticipantRegister.known(pseudonym, in: db)
      if letter != nil && form == nil {
        throw FieldLogError.invalidInput(
          "--letter names the letter consent is given on; a withdrawal needs none")
      }
      let version = try letter.map { try ActionResearch.letter($0, in: db).version }
      let scopes = scopes.isEmpty ? (form == nil ? ConsentScope.allCases : []) : scopes
      guard !scopes.isEmpty else {
        throw FieldLogError.invalidInput(
          "name the scopes consent is given for with --scope ("
            + ConsentScope.allCases.map(\.rawValue).joined(separator: ", ") + ")")
      }
      let day =
        try date.map { text -> String in
          guard FieldTime.isWholeDay(text) else {
            throw FieldLogError.invalidInput("the date '\(text)' must be a day, like 2024-03-12")
          }
          return try FieldTime.parse(text, what: "date").localDate
        } ?? FieldTime.now().localDate
      try ParticipantRegister.recordConsent(
        registered, form: form, scopes: scopes, day: day, letter: version, in: db)
      return registered
    }
  }

  /// The participants of an entry who have not given, or have withdrawn, quotation consent.
  public func missingQuotationConsent(_ entry: EntryRecord) throws -> [String] {
    try read { db in
      try ParticipantRegister.lacking(
        .quotation, among: entry.participants.map(\.pseudonym), in: db)
    }
  }
}

/// What an export shows instead of a body whose participants did not consent to quotation.
public enum QuotationConsent {
  /// `[withheld: no quotation consent for P-017]`, or nil when everyone consented.
  public static func withheldBody(missing: [String]) -> String? {
    Placeholder.withheld(noQuotationConsentFor: missing)
  }
}

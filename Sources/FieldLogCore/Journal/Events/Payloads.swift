import Foundation

/// The payload of each event type, as canonical JSON (docs/journal-format.md lists them).
/// Optional members are omitted when empty.
enum Payload {
  struct FeedOpened: Codable {
    var author, study: String
    var description: String?
    var format: Int
    /// The study's time zone when its study file names one; absent (not null) otherwise, so the
    /// feeds opened before it existed hash as they always did.
    var timeZone: String?

    enum CodingKeys: String, CodingKey {
      case author, study, description, format
      case timeZone = "time_zone"
    }
  }

  struct NeighbourhoodAdded: Codable {
    var name: String
    var description: String?
  }

  struct InitiativeAdded: Codable {
    var name, neighbourhood: String
    var description: String?
  }

  struct QuestionAdded: Codable {
    var code, text: String
  }

  struct CodeDefined: Codable {
    var name: String
    var parent, description, color: String?
  }

  /// One version of an entry: `entry.recorded` (version 1, no reason) and `entry.amended`.
  struct EntryVersion: Codable {
    var kind, title, body: String
    /// The neighbourhood's id; absent only for a reflection, which belongs to no neighbourhood.
    var neighbourhood: String?
    var initiative: String?
    var questions, tags: [String]
    var participants: [ParticipantRef]
    var fields: [String: JSONValue]
    var occurredAt, author: String
    /// Why it was amended; absent for the first version.
    var reason: String?
    /// The version number; absent for the first version.
    var version: Int?
    /// For an imported entry: when it was first recorded, in the journal it came from.
    var recordedAt: String?
    /// For an imported entry: the file and record it came from.
    var importedFrom: String?
    /// The hashes (hex) of concurrent versions this one replaces besides the one it was made from.
    var resolves: [String]?
    /// The id of the action-research cycle it was given (`--cycle`); absent when none was, and
    /// then readers take the one cycle its date falls in, if there is exactly one.
    var cycle: String? = nil
    /// The phase of the cycle (`Phase`); never guessed.
    var phase: String? = nil

    enum CodingKeys: String, CodingKey {
      case kind, title, body, neighbourhood, initiative, questions, tags, participants, fields
      case occurredAt = "occurred_at"
      case author, reason, version
      case recordedAt = "recorded_at"
      case importedFrom = "imported_from"
      case resolves, cycle, phase
    }
  }

  /// `code.renamed`: the code's new name; its id, and so its codings, stay.
  struct CodeRenamed: Codable { var name: String }

  /// `code.moved`: the id of its new parent code, or none for the top level.
  struct CodeMoved: Codable { var parent: String? }

  /// `code.described`: what the code means, for coders who apply it.
  struct CodeDescribed: Codable { var description: String }

  /// `code.merged`: the id of the code that takes over the merged code's codings, child codes
  /// and memos; the merged code goes.
  struct CodeMerged: Codable { var into: String }

  /// A code applied to a whole entry (no offsets) or to a segment of the version it names.
  struct CodingApplied: Codable {
    var entry, code: String
    var start, end: Int?
    var quote, memo: String?
    var coder: String
    var version: Int
  }

  struct CodingRemoved: Codable { var coder: String }

  struct MemoAdded: Codable {
    var about, aboutKind, text, author: String
    /// The cycle and phase it belongs to, when given.
    var cycle: String? = nil
    var phase: String? = nil
    /// Whether the team chose to show it to the participants it concerns (`memo --share`); absent
    /// when not.
    var shared: Bool? = nil

    enum CodingKeys: String, CodingKey {
      case about
      case aboutKind = "about_kind"
      case text, author, cycle, phase, shared
    }
  }

  /// `entry.retracted`, and `entry.unretracted` (which has the same members).
  struct EntryRetracted: Codable {
    var reason, author: String
  }

  struct ParticipantAdded: Codable {
    var pseudonym: String
    var role, neighbourhood: String?
  }

  /// `consent.given` (with a form) and `consent.withdrawn` (without).
  struct ConsentChanged: Codable {
    var pseudonym: String
    var scopes: [String]
    var form: String?
    var date, author: String
    /// The hashes (hex) of this participant's consent events the writer's journal held: changes
    /// it knew of, and so is not concurrent with (`conflicts`). Absent in events before it existed.
    var knew: [String]? = nil
    /// The version of the information letter consent was given on (`--letter v2`), as declared.
    var letter: String? = nil
  }

  /// A coder the study knows: `coder.added`.
  struct CoderAdded: Codable { var name: String }

  /// `study.renamed`: the study's name as pages and exports show it from now on; the feed's
  /// `feed.opened` keeps the name it began with.
  struct StudyRenamed: Codable { var name: String }

  /// `study.described`; no description clears it.
  struct StudyDescribed: Codable { var description: String? }

  /// `neighbourhood.removed`, `initiative.removed` and `question.removed`: the name (a question's
  /// id) it had, so the event reads without the projection.
  struct VocabularyRemoved: Codable { var name: String }

  /// What stays of an entry version once its payload is erased: nothing that identifies anyone.
  /// A redaction of a network event keeps only its reason and who redacted: the entry's members
  /// are absent then.
  struct Redaction: Codable {
    var reason: String
    /// Who redacted.
    var redactedBy: String
    /// The author of the entry's latest version, which the placeholder keeps.
    var author, entry, kind: String?
    /// Absent for a reflection, as in the version it erases.
    var neighbourhood: String?
    var initiative: String?
    var questions: [String]?
    var occurredAt: String?
    var version: Int?

    enum CodingKeys: String, CodingKey {
      case reason
      case redactedBy = "redacted_by"
      case author, entry, kind, neighbourhood, initiative, questions
      case occurredAt = "occurred_at"
      case version
    }
  }

  /// `cycle.added`: one cycle of the action research. Its id is derived from its code, so two
  /// journals that add the same cycle agree on it.
  struct CycleAdded: Codable {
    var code, name: String
    /// The first and last day, `YYYY-MM-DD`, both included.
    var from, to: String
    var neighbourhood, initiative: String?
  }

  /// `letter.added`: a version of the information letter, and the day it took effect.
  struct LetterAdded: Codable {
    var version, date: String
  }

  /// `member-check.recorded`: what a participant said about what was written about them.
  struct MemberCheckRecorded: Codable {
    var participant, response, text, date, author: String
    /// The entry it is about, and the version of it the participant saw or that holds their
    /// amendment.
    var entry: String?
    var version: Int?
    var cycle: String?
  }

  /// `data-management.declared`: the study's retention and sensitivity, as its study file or
  /// `study set-retention` gives them; each declaration sets the fields it names.
  struct DataManagementDeclared: Codable {
    var studyEnd, researchDataUntil: String?
    var researchDataYears: Int?
    var keyFileUntil, sensitiveData: String?

    enum CodingKeys: String, CodingKey {
      case studyEnd = "study_end"
      case researchDataUntil = "research_data_until"
      case researchDataYears = "research_data_years"
      case keyFileUntil = "key_file_until"
      case sensitiveData = "sensitive_data"
    }
  }

  /// `network.member-added`: someone around the focal participant of a network (`network`, a
  /// pseudonym): a participant or a network-only alias like `N-017-dochter`, never a real name.
  struct NetworkMemberAdded: Codable {
    var network, member, role: String
    var formal: Bool
    /// The initiative's id.
    var initiative: String?
    /// The day from which they belong to the network, `YYYY-MM-DD`.
    var since: String
    var note: String?
    var author: String
  }

  /// `network.tie-recorded`: a tie between two members (`from`, `to`, as typed) of `kind` from
  /// `date` on; recorded again it changes, and `ended` ends it. `direction` is `none`, `forward`
  /// (from gives to to) or `mutual`.
  struct NetworkTieRecorded: Codable {
    var network, from, to, kind: String
    var strength: Int?
    var direction: String
    var date: String
    var ended: Bool?
    /// The network conversation the tie was recorded on, whose intervention aimed at it.
    var entry: String?
    var author: String
  }
}

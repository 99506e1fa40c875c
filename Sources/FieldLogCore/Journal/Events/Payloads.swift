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
    var kind, title, body, neighbourhood: String
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

    enum CodingKeys: String, CodingKey {
      case kind, title, body, neighbourhood, initiative, questions, tags, participants, fields
      case occurredAt = "occurred_at"
      case author, reason, version
      case recordedAt = "recorded_at"
      case importedFrom = "imported_from"
      case resolves
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

    enum CodingKeys: String, CodingKey {
      case about
      case aboutKind = "about_kind"
      case text, author
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
  struct Redaction: Codable {
    var reason: String
    /// Who redacted.
    var redactedBy: String
    /// The author of the entry's latest version, which the placeholder keeps.
    var author, entry, kind, neighbourhood: String
    var initiative: String?
    var questions: [String]
    var occurredAt: String
    var version: Int

    enum CodingKeys: String, CodingKey {
      case reason
      case redactedBy = "redacted_by"
      case author, entry, kind, neighbourhood, initiative, questions
      case occurredAt = "occurred_at"
      case version
    }
  }
}

import Foundation
import GRDB

/// What kind of change an event records. The raw values are part of the journal format.
public enum EventType: String, Sendable, CaseIterable {
  case feedOpened = "feed.opened"
  case neighbourhoodAdded = "neighbourhood.added"
  case initiativeAdded = "initiative.added"
  case questionAdded = "question.added"
  case codeDefined = "code.defined"
  case codeRenamed = "code.renamed"
  case codeMoved = "code.moved"
  case codeDescribed = "code.described"
  case codeMerged = "code.merged"
  case codingApplied = "coding.applied"
  case codingRemoved = "coding.removed"
  case memoAdded = "memo.added"
  case entryRecorded = "entry.recorded"
  case entryAmended = "entry.amended"
  case entryRetracted = "entry.retracted"
  /// Brings a retracted entry back; its `target` is the retraction it undoes.
  case entryUnretracted = "entry.unretracted"
  case participantAdded = "participant.added"
  case consentGiven = "consent.given"
  case consentWithdrawn = "consent.withdrawn"
  case coderAdded = "coder.added"
  case studyRenamed = "study.renamed"
  case studyDescribed = "study.described"
  case neighbourhoodRemoved = "neighbourhood.removed"
  case initiativeRemoved = "initiative.removed"
  case questionRemoved = "question.removed"
  /// Erases the payload of the event it targets; carries only what identifies nobody.
  case redaction
  /// A cycle of the action research (plan, act, observe, reflect), with its dates.
  case cycleAdded = "cycle.added"
  /// A version of the information letter that consent refers to, with the date it took effect.
  case letterAdded = "letter.added"
  /// A participant's response to what was written about them (member checking).
  case memberCheckRecorded = "member-check.recorded"
  /// The study's retention periods and whether it holds special categories of personal data.
  case dataManagementDeclared = "data-management.declared"
  /// A member of a participant's network: a participant or a network-only alias, with a role.
  case networkMemberAdded = "network.member-added"
  /// A tie between two members of a network as it stood from a day: recorded, changed or ended.
  case networkTieRecorded = "network.tie-recorded"
}

/// What an event of one type carries: the members of its canonical JSON (docs/journal-format.md),
/// and what applying it does to the projections (`project`, in Projector.swift).
///
/// `EventType.payloadType` ties each event type to exactly one payload type; a payload type serves
/// several event types only where their members are the same (`entry.recorded` and
/// `entry.amended`, say).
protocol EventPayload: Codable {
  /// Applies an event of `type` carrying this payload to the projection tables.
  func project(_ event: StoredEvent, as type: EventType, in db: Database) throws
}

extension EventType {
  /// The one payload type of this event type.
  var payloadType: any EventPayload.Type {
    switch self {
    case .feedOpened: Payload.FeedOpened.self
    case .neighbourhoodAdded: Payload.NeighbourhoodAdded.self
    case .initiativeAdded: Payload.InitiativeAdded.self
    case .questionAdded: Payload.QuestionAdded.self
    case .codeDefined: Payload.CodeDefined.self
    case .codeRenamed: Payload.CodeRenamed.self
    case .codeMoved: Payload.CodeMoved.self
    case .codeDescribed: Payload.CodeDescribed.self
    case .codeMerged: Payload.CodeMerged.self
    case .codingApplied: Payload.CodingApplied.self
    case .codingRemoved: Payload.CodingRemoved.self
    case .memoAdded: Payload.MemoAdded.self
    case .entryRecorded, .entryAmended: Payload.EntryVersion.self
    case .entryRetracted, .entryUnretracted: Payload.EntryRetracted.self
    case .participantAdded: Payload.ParticipantAdded.self
    case .consentGiven, .consentWithdrawn: Payload.ConsentChanged.self
    case .coderAdded: Payload.CoderAdded.self
    case .studyRenamed: Payload.StudyRenamed.self
    case .studyDescribed: Payload.StudyDescribed.self
    case .neighbourhoodRemoved, .initiativeRemoved, .questionRemoved: Payload.VocabularyRemoved.self
    case .redaction: Payload.Redaction.self
    case .cycleAdded: Payload.CycleAdded.self
    case .letterAdded: Payload.LetterAdded.self
    case .memberCheckRecorded: Payload.MemberCheckRecorded.self
    case .dataManagementDeclared: Payload.DataManagementDeclared.self
    case .networkMemberAdded: Payload.NetworkMemberAdded.self
    case .networkTieRecorded: Payload.NetworkTieRecorded.self
    }
  }
}

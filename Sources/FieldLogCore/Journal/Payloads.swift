import Foundation

/// The payload of each event type, as canonical JSON (docs/journal-format.md lists them).
/// Optional members are omitted when empty.
enum Payload {
  struct FeedOpened: Codable {
    var author: String
    var study: String
    var description: String?
    var format: Int
  }

  struct NeighbourhoodAdded: Codable {
    var name: String
    var description: String?
  }

  struct InitiativeAdded: Codable {
    var name: String
    var neighbourhood: String
    var description: String?
  }

  struct QuestionAdded: Codable {
    var code: String
    var text: String
  }

  struct CodeDefined: Codable {
    var name: String
    var parent: String?
    var description: String?
    var color: String?
  }

  struct EntryRecorded: Codable {
    var kind: String
    var title: String
    var body: String
    var neighbourhood: String
    var initiative: String?
    var questions: [String]
    var tags: [String]
    var participants: [ParticipantRef]
    var fields: [String: JSONValue]
    var occurredAt: String
    var author: String

    enum CodingKeys: String, CodingKey {
      case kind, title, body, neighbourhood, initiative, questions, tags, participants, fields
      case occurredAt = "occurred_at"
      case author
    }
  }
}

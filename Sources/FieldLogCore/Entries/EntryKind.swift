import Foundation

/// The kinds of entry a researcher records: four of fieldwork, and the researcher's reflections.
public enum EntryKind: String, CaseIterable, Sendable, Codable {
  /// Field notes of something seen or taken part in.
  case observation
  /// A social worker meeting a client with the client's informal network (systeemgerichte benadering).
  case networkConversation = "network-conversation"
  /// An interview.
  case interview
  /// "Nabije kennis": the proximate knowledge of people close to residents (alias `proximate-knowledge`).
  case nabijeKennis = "nabije-kennis"
  /// The researcher's own position, doubts and decisions (the reflexive journal): needs no
  /// neighbourhood or research question, and is left out of coding counts unless asked for.
  case reflection

  /// Parses a kind as typed, accepting the English alias `proximate-knowledge`.
  public static func parse(_ text: String) throws -> EntryKind {
    let folded = Text.identityFold(text).replacingOccurrences(of: "_", with: "-")
      .replacingOccurrences(of: " ", with: "-")
    if folded == "proximate-knowledge" { return .nabijeKennis }
    if let kind = EntryKind(rawValue: folded) { return kind }
    throw FieldLogError.unknownName(
      kind: "kind", value: text,
      suggestions: Text.suggestions(
        for: text, among: EntryKind.allCases.map(\.rawValue) + ["proximate-knowledge"]),
      known: EntryKind.allCases.map(\.rawValue))
  }

  /// The fields this kind has, in the order templates list them.
  /// The kinds of fieldwork: every kind but the reflection.
  public static let fieldwork = allCases.filter { $0 != .reflection }

  public var fields: [FieldSpec] {
    switch self {
    case .observation:
      return [
        .init("setting", .text, "where it happened (a place, a meeting)"),
        .init("duration-minutes", .minutes, "how long, in whole minutes"),
        .init("present", .text, "who was present"),
      ]
    case .networkConversation:
      return [
        .init("roles", .roles, "roles present: " + FieldSpec.networkRoles.joined(separator: ", ")),
        .init("facilitator", .text, "who led the conversation"),
        .init("intervention", .text, "what was done"),
        .init("agreements", .text, "what was agreed"),
        .init("follow-up", .date, "date of the follow-up, YYYY-MM-DD"),
      ]
    case .interview:
      return [
        .init("interviewee", .text, "the interviewee's pseudonym"),
        .init("role", .text, "the interviewee's role"),
        .init("consent", .consent, "written, verbal or none"),
        .init(
          "recording", .recording,
          "path of the recording; fieldlog stores its SHA-256, not the file"),
        .init("duration-minutes", .minutes, "how long, in whole minutes"),
        .init("language", .language, "a language tag such as nl, en, tr or ar-MA"),
      ]
    case .nabijeKennis:
      return [
        .init("holder", .text, "whose knowledge this is (a pseudonym)"),
        .init("holder-role", .text, "their role, e.g. buurtmoeder, imam, sleutelfiguur"),
        .init("context", .text, "how the knowledge came about"),
      ]
    case .reflection:
      return []
    }
  }
}

/// A kind-specific field and how its value is checked.
public struct FieldSpec: Sendable, Equatable {
  /// How a field's value is checked and stored.
  public enum ValueType: Sendable, Equatable {
    case text, minutes, roles, date, consent, recording, language
  }

  /// The roles a person can have in a network conversation.
  public static let networkRoles = [
    "client", "family", "friend", "neighbour", "volunteer", "professional", "faith-community",
    "other",
  ]

  public let name: String
  public let type: ValueType
  public let help: String

  init(_ name: String, _ type: ValueType, _ help: String) {
    self.name = name
    self.type = type
    self.help = help
  }
}

import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct Show: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "Show one entry in full.")

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The entry's id, or at least 4 of its first hex digits.")
    var id: String

    func run(_ journal: Journal) throws {
      let entry = try journal.entry(id: try journal.resolveEntryID(id))
      if output.json {
        try Output.json(entry)
        return
      }
      var lines = [
        "\(entry.title)",
        "id:            \(entry.id)",
        "kind:          \(entry.kind.rawValue)",
        "occurred:      \(entry.occurredAt)",
        "recorded:      \(entry.recordedAt) by \(entry.author)",
        "version:       \(entry.version)"
          + (entry.version > 1 ? " ('fieldlog history \(entry.shortID)' shows the others)" : ""),
        "neighbourhood: \(entry.neighbourhood)",
      ]
      if let initiative = entry.initiative { lines.append("initiative:    \(initiative)") }
      lines.append("questions:     " + entry.questions.joined(separator: ", "))
      if !entry.tags.isEmpty {
        lines.append("tags:          " + entry.tags.joined(separator: ", "))
      }
      if !entry.participants.isEmpty {
        lines.append(
          "participants:  "
            + entry.participants.map { person in
              person.role.map { "\(person.pseudonym) (\($0))" } ?? person.pseudonym
            }.joined(separator: ", "))
      }
      for key in entry.fields.keys.sorted() {
        lines.append(
          "\(key):" + String(repeating: " ", count: max(1, 15 - key.count - 1))
            + Self.describe(entry.fields[key]))
      }
      if let retraction = entry.retracted {
        lines.append("retracted:     \(retraction.at): \(retraction.reason)")
      }
      if let reason = entry.redacted { lines.append("redacted:      \(reason)") }
      let missing = try journal.missingQuotationConsent(entry)
      if !missing.isEmpty {
        lines.append(
          "consent:       no quotation consent for \(missing.joined(separator: ", ")); "
            + "the body is withheld from exports")
      }
      print(lines.joined(separator: "\n"))
      print("")
      print(entry.body)
    }

    static func describe(_ value: JSONValue?) -> String {
      switch value {
      case .string(let text): return text
      case .integer(let number): return String(number)
      case .bool(let flag): return flag ? "yes" : "no"
      case .array(let items): return items.map { describe($0) }.joined(separator: ", ")
      case .object(let members):
        return members.keys.sorted().map { "\($0) \(describe(members[$0]))" }.joined(
          separator: ", ")
      case .null, .none: return ""
      }
    }
  }
}

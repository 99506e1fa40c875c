import Foundation

/// The text a researcher edits in `$EDITOR`: a YAML header with the entry's tags and fields, then the body.
public enum EntryTemplate {
  /// The template for a draft, pre-filled with what was given on the command line. A new entry's
  /// template (`newEntry`) also holds its cycle and phase and, for a network conversation, its
  /// ties, so that a kept draft resumed later records them too.
  public static func render(
    _ draft: EntryDraft, study: Study, now: FieldTime, newEntry: Bool = false
  ) -> String {
    func quoted(_ text: String?) -> String {
      String(decoding: CanonicalJSON.encode(.string(text ?? "")), as: UTF8.self)
    }
    func list(_ items: [String]) -> String {
      "[" + items.map { quoted($0) }.joined(separator: ", ") + "]"
    }
    let neighbourhood =
      draft.neighbourhood ?? (study.neighbourhoods.count == 1 ? study.neighbourhoods[0].name : nil)
    var lines = [
      "---",
      "# fieldlog: a new \(draft.kind.rawValue). Fill in what you know; text after '#' is a comment.",
      "# Write the body below the second '---'. Save and close to record it;",
      "# leave the body empty to record nothing.",
      "title: \(quoted(draft.title))",
      "at: \(quoted(draft.occurredAt ?? now.localMinute))  # \(FieldTime.fieldworkTimeZoneID) unless you give an offset",
      "neighbourhood: \(quoted(neighbourhood))  # "
        + study.neighbourhoods.map(\.name).joined(separator: ", "),
      "initiative: \(quoted(draft.initiative))  # optional",
      "questions: \(list(draft.questions))  # one or more of "
        + study.questions.map(\.id).joined(separator: ", "),
      "tags: \(list(draft.tags))",
      "participants: \(list(draft.participants))  # pseudonyms: P-017 or P-017:role",
    ]
    if newEntry {
      lines.append(
        "cycle: \(quoted(draft.cycle))  # optional; by its day unless given"
          + (study.cycles.isEmpty ? "" : ": " + study.cycles.map(\.id).joined(separator: ", ")))
      lines.append(
        "phase: \(quoted(draft.phase))  # optional: "
          + Phase.allCases.map(\.rawValue).joined(separator: ", "))
      if draft.kind == .networkConversation {
        lines.append(
          "ties: \(list(draft.ties))  # A>B:kind:strength (A to B), A<>B, A~B; :end ends a tie")
        lines.append(
          "network: \(quoted(draft.network))  # whose network (default: the one participant)")
      }
    }
    lines.append("fields:")
    let given = Dictionary(draft.fields, uniquingKeysWith: { first, _ in first })
    for spec in draft.kind.fields {
      lines.append("  \(spec.name): \(quoted(given[spec.name]))  # \(spec.help)")
    }
    lines.append("---")
    lines.append("")
    return lines.joined(separator: "\n") + "\n" + draft.body
  }

  /// Reads an edited template back; nil when the body was left empty (nothing is to be recorded).
  public static func parse(_ text: String, base: EntryDraft) throws -> EntryDraft? {
    let normalized = Text.normalize(Text.droppingByteOrderMark(text))
    var draft = base
    var body = normalized
    if normalized.hasPrefix("---\n") {
      let afterOpening = normalized.dropFirst(4)
      guard let closing = afterOpening.range(of: "\n---\n") ?? closingAtEnd(afterOpening) else {
        throw FieldLogError.invalidInput(
          "the edited entry has no closing '---' after its header; nothing was recorded")
      }
      let header = String(afterOpening[..<closing.lowerBound])
      body = String(afterOpening[closing.upperBound...])
      try apply(header: header, to: &draft)
    }
    draft.body = body.trimmingCharacters(in: .newlines)
    if Text.isBlank(draft.body) { return nil }
    return draft
  }

  private static func closingAtEnd(_ text: Substring) -> Range<Substring.Index>? {
    text.hasSuffix("\n---") ? text.index(text.endIndex, offsetBy: -4)..<text.endIndex : nil
  }

  private static func apply(header: String, to draft: inout EntryDraft) throws {
    let map: [String: Any]
    switch YAMLText.header(header) {
    case .map(let header): map = header
    case .empty: return
    case .notAMap:
      throw FieldLogError.invalidInput("the header of the edited entry must be 'key: value' lines")
    case .notYAML:
      throw FieldLogError.invalidInput(
        "the header of the edited entry is not valid YAML; nothing was recorded")
    }
    let known: Set = [
      "title", "at", "neighbourhood", "initiative", "questions", "tags", "participants", "fields",
      "cycle", "phase", "ties", "network",
    ]
    if let unknown = map.keys.sorted().first(where: { !known.contains($0) }) {
      throw FieldLogError.invalidInput(
        "the header of the edited entry has an unknown key '\(unknown)'",
        hint: "kind-specific fields go under 'fields:'")
    }
    func scalar(_ value: Any?) -> String? {
      guard let value, !(value is NSNull) else { return nil }
      let text = Text.trimmed("\(value)")
      return text.isEmpty ? nil : text
    }
    func strings(_ value: Any?) -> [String] {
      if let items = value as? [Any] { return items.compactMap(scalar) }
      return scalar(value).map {
        $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      } ?? []
    }
    draft.title = scalar(map["title"])
    draft.occurredAt = scalar(map["at"])
    draft.neighbourhood = scalar(map["neighbourhood"])
    draft.initiative = scalar(map["initiative"])
    draft.questions = strings(map["questions"])
    draft.tags = strings(map["tags"])
    draft.participants = strings(map["participants"])
    // Only a new entry's template holds these; an amendment's leaves the draft's as they are.
    if map.keys.contains("cycle") { draft.cycle = scalar(map["cycle"]) }
    if map.keys.contains("phase") { draft.phase = scalar(map["phase"]) }
    if map.keys.contains("ties") { draft.ties = strings(map["ties"]) }
    if map.keys.contains("network") { draft.network = scalar(map["network"]) }
    var fields: [(String, String)] = []
    if let given = map["fields"], !(given is NSNull) {
      guard let fieldMap = given as? [String: Any] else {
        throw FieldLogError.invalidInput(
          "'fields:' in the edited entry must hold 'name: value' lines")
      }
      for key in fieldMap.keys.sorted() {
        let value = fieldMap[key]
        let text =
          (value as? [Any]).map { $0.compactMap(scalar).joined(separator: ",") } ?? scalar(value)
        if let text, !text.isEmpty {
          fields.append((key, text))
        } else if draft.baseFields[key] != nil {
          // Blanking a stored field while amending removes it.
          fields.append((key, ""))
        }
      }
    }
    draft.fields = fields
  }
}

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
      let codings = try journal.codings(ofEntry: entry.id)
      let memos = try journal.memos(ofEntry: entry.id)
      let versions = try journal.history(of: entry.id).filter { $0.version != nil }
      if output.json {
        try Output.json(
          Shown(
            entry: entry, codings: codings, memos: memos,
            versions: versions.map {
              .init(version: $0.version ?? 0, at: $0.at, author: $0.author, reason: $0.reason)
            }))
        return
      }
      let zone = try journal.timeZone()
      func shown(_ stored: String) -> String { FieldTime.display(stored, in: zone) }
      var lines = [
        "\(entry.title)",
        "id:            \(entry.id)",
        "kind:          \(entry.kind.rawValue)",
        "occurred:      \(shown(entry.occurredAt))",
        "version:       \(entry.version)"
          + (entry.version > 1 ? " ('fieldlog history \(entry.shortID)' shows the others)" : ""),
        "neighbourhood: \(entry.neighbourhood ?? "-")",
      ]
      if entry.cycle != nil || entry.phase != nil {
        lines.append(
          "cycle:         "
            + [
              entry.cycle.map { $0 + (entry.cycleByDate ? " (from its date)" : "") },
              entry.phase.map { "phase \($0.rawValue)" },
            ].compactMap { $0 }.joined(separator: ", "))
      }
      if let initiative = entry.initiative { lines.append("initiative:    \(initiative)") }
      if !entry.questions.isEmpty {
        lines.append("questions:     " + entry.questions.joined(separator: ", "))
      }
      if !entry.tags.isEmpty {
        lines.append("tags:          " + entry.tags.joined(separator: ", "))
      }
      // Who wrote each version: the entry is the work of everyone who amended it.
      if versions.isEmpty {
        lines.insert("recorded:      \(shown(entry.recordedAt)) by \(entry.author)", at: 4)
      }
      for (index, step) in versions.enumerated() {
        let label = step.event == "recorded" ? "recorded:" : "amended:"
        lines.insert(
          label.padding(toLength: 15, withPad: " ", startingAt: 0)
            + "\(shown(step.at)) by \(step.author)"
            + (versions.count > 1 ? " (version \(step.version ?? 0))" : ""),
          at: 4 + index)
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
        lines.append("retracted:     \(shown(retraction.at)): \(retraction.reason)")
      }
      if let reason = entry.redacted { lines.append("redacted:      \(reason)") }
      let missing = try journal.missingQuotationConsent(entry)
      if !missing.isEmpty {
        lines.append(
          "consent:       no quotation consent for \(missing.joined(separator: ", ")); "
            + "the body is withheld from exports")
      }
      // On a terminal (or with COLUMNS) the header and body wrap at its width; a file gets them whole.
      let width = Output.terminalWidth
      /// `text` after `prefix` (a label, an indent), wrapped at the width under its first word.
      func printWrapped(_ prefix: String, _ text: String) {
        guard let width else { return print(prefix + text) }
        let hanging = String(repeating: " ", count: Output.displayWidth(prefix))
        let parts = Output.wrap(text, width: max(20, width - hanging.count))
        for (index, part) in parts.enumerated() { print((index == 0 ? prefix : hanging) + part) }
      }
      printWrapped("", lines[0])
      for line in lines.dropFirst() {
        // "label:   value": the value wraps under itself.
        let label = line.prefix { $0 != ":" }.count + 1
        let padding = line.dropFirst(label).prefix { $0 == " " }.count
        printWrapped(String(line.prefix(label + padding)), String(line.dropFirst(label + padding)))
      }
      print("")
      if let width {
        Output.wrap(entry.body, width: width).forEach { print($0) }
      } else {
        print(entry.body)
      }
      if !codings.isEmpty {
        print("")
        print("codings:")
        for coding in codings {
          printWrapped(
            "  \(coding.shortID)  ",
            "\(coding.codePath)  \(Self.segment(coding))  by \(coding.coder)")
          if let memo = coding.memo { printWrapped("    memo: ", Self.oneLine(memo)) }
        }
      }
      if !memos.isEmpty {
        print("")
        print("memos:")
        for memo in memos {
          let about = memo.aboutKind == "coding" ? " on coding \(memo.about.prefix(8))" : ""
          print("  \(shown(memo.time)) by \(memo.author)\(about):")
          let text = memo.text
          for line in width.map({ Output.wrap(text, width: $0, indent: "    ") })
            ?? text.split(separator: "\n", omittingEmptySubsequences: false).map({ "    " + $0 })
          {
            print(line)
          }
        }
      }
    }

    /// Where a coding applies, as a reader finds it: the whole entry, or the offsets and the text.
    static func segment(_ coding: CodingRecord) -> String {
      let quote = coding.quote.map { text in
        let line = oneLine(text)
        return "\"" + (line.count > 40 ? String(line.prefix(39)) + "…" : line) + "\""
      }
      if coding.orphaned { return "orphaned " + (quote ?? "") }
      guard let start = coding.start, let end = coding.end else { return "whole entry" }
      return "\(start):\(end) " + (quote ?? "")
    }

    static func oneLine(_ text: String) -> String {
      text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// `show --json`: the entry, its codings and memos, and who made each version.
    struct Shown: Encodable {
      struct Version: Encodable {
        var version: Int
        var at: String
        var author: String
        var reason: String?

        func encode(to encoder: any Encoder) throws {
          var container = encoder.container(keyedBy: CodingKeys.self)
          try container.encode(version, forKey: .version)
          try container.encode(at, forKey: .at)
          try container.encode(author, forKey: .author)
          try container.encode(reason, forKey: .reason)
        }

        enum CodingKeys: String, CodingKey { case version, at, author, reason }
      }

      var entry: EntryRecord
      var codings: [CodingRecord]
      var memos: [MemoRecord]
      var versions: [Version]

      enum CodingKeys: String, CodingKey { case codings, memos, versions }

      func encode(to encoder: any Encoder) throws {
        try entry.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(codings, forKey: .codings)
        try container.encode(memos, forKey: .memos)
        try container.encode(versions, forKey: .versions)
      }
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

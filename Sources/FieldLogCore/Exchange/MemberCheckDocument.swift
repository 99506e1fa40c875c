import Foundation
import GRDB

/// What one participant is shown to check: the entries that name them, the quotes the team took
/// from those entries with the codes on them, and the memos the team chose to share, with a
/// plain-language explanation in Dutch. Written as Markdown and as a self-contained HTML page.
public struct MemberCheckDocument: Sendable, Equatable {
  /// One entry that names the participant.
  public struct Item: Sendable, Equatable {
    public var entry: String
    public var day: String
    public var kind: String
    public var cycle: String?
    /// The quoted segments and the codes on each; empty when quotes are withheld.
    public var quotes: [(text: String, codes: [String])]
    /// The codes on the entry as a whole, and on segments whose quote is withheld.
    public var codes: [String]
    public var memos: [String]
    /// Whether quotes were left out: for want of quotation consent, or because the entry names
    /// others too.
    public var quotesWithheld: Bool
    /// Whether the entry names other people too.
    public var others = false

    /// Why no quotes are shown.
    var withheldNote: String {
      others
        ? "Dit verslag gaat ook over anderen: daarom citeren wij hier niets, alleen de onderwerpen."
        : "Wij citeren hier niets: daarvoor is (nog) geen toestemming gegeven."
    }

    public static func == (lhs: Item, rhs: Item) -> Bool {
      lhs.entry == rhs.entry && lhs.day == rhs.day && lhs.codes == rhs.codes
        && lhs.memos == rhs.memos && lhs.quotes.map(\.text) == rhs.quotes.map(\.text)
        && lhs.quotes.map(\.codes) == rhs.quotes.map(\.codes)
    }
  }

  public var participant: String
  public var study: String
  public var items: [Item]
  /// The participant's earlier responses.
  public var responses: [MemberCheck]

  static let explanation = [
    "Beste deelnemer,",
    "U hebt meegedaan aan het onderzoek \u{201C}%@\u{201D}. In dit document staat wat wij over u "
      + "hebben opgeschreven. Uw naam staat er niet in: wij noemen u %@.",
    "Bij elk gesprek of elke ontmoeting ziet u de zinnen die wij willen citeren, en de "
      + "onderwerpen (codes) die wij erbij hebben gezet. Soms staat er ook een korte "
      + "toelichting van het onderzoeksteam.",
    "Wilt u ons laten weten of het klopt? U kunt zeggen: \u{201C}het klopt\u{201D}, \u{201C}ik "
      + "wil iets veranderen\u{201D} of \u{201C}ik ben het er niet mee eens\u{201D}. U hoeft niet "
      + "te reageren. Wat u zegt, schrijven wij op. Wij veranderen niets zonder het u te vertellen.",
  ]

  func paragraphs() -> [String] {
    Self.explanation.map {
      $0.replacingOccurrences(of: "%@", with: study, options: [], range: $0.range(of: "%@"))
        .replacingOccurrences(of: "%@", with: participant)
    }
  }

  static let responseWords: [MemberCheckResponse: String] = [
    .agrees: "het klopt", .amends: "wil iets veranderen", .disagrees: "niet mee eens",
    .noResponse: "geen reactie",
  ]

  public func markdown() -> String {
    var lines = ["# Wat wij over u schreven: \(participant)", "", "*\(study)*", ""]
    lines += paragraphs().flatMap { [$0, ""] }
    if items.isEmpty { lines += ["Er staat nog niets over u in het onderzoek.", ""] }
    for item in items {
      lines += [
        "## \(item.day): \(kindName(item.kind))" + (item.cycle.map { " (\($0))" } ?? ""), "",
      ]
      if item.quotesWithheld {
        lines += [item.withheldNote, ""]
      } else if item.quotes.isEmpty {
        lines += ["Uit dit verslag citeren wij (nog) niets.", ""]
      }
      for quote in item.quotes {
        lines += [
          "> "
            + quote.text.split(separator: "\n", omittingEmptySubsequences: false)
            .joined(separator: "\n> "), "",
        ]
        if !quote.codes.isEmpty {
          lines += ["Onderwerpen: " + quote.codes.joined(separator: "; "), ""]
        }
      }
      if !item.codes.isEmpty {
        lines += ["Onderwerpen van het hele verslag: " + item.codes.joined(separator: "; "), ""]
      }
      for memo in item.memos { lines += ["Toelichting van het team: " + memo, ""] }
    }
    if !responses.isEmpty {
      lines += ["## Uw eerdere reacties", ""]
      for response in responses {
        lines.append(
          "- \(response.date): \(Self.responseWords[response.response] ?? response.response.rawValue)"
            + (response.text.isEmpty ? "" : ": " + response.text))
      }
      lines.append("")
    }
    return lines.joined(separator: "\n")
  }

  public func html() -> String {
    func e(_ text: String) -> String {
      text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
    var body = [
      "<h1>Wat wij over u schreven: \(e(participant))</h1>", "<p class=\"study\">\(e(study))</p>",
    ]
    body += paragraphs().map { "<p>\(e($0))</p>" }
    if items.isEmpty { body.append("<p>Er staat nog niets over u in het onderzoek.</p>") }
    for item in items {
      body.append("<section>")
      body.append(
        "<h2>\(e(item.day)): \(e(kindName(item.kind)))"
          + (item.cycle.map { " (\(e($0)))" } ?? "") + "</h2>")
      if item.quotesWithheld {
        body.append("<p>\(e(item.withheldNote))</p>")
      } else if item.quotes.isEmpty {
        body.append("<p>Uit dit verslag citeren wij (nog) niets.</p>")
      }
      for quote in item.quotes {
        body.append(
          "<blockquote>\(e(quote.text).replacingOccurrences(of: "\n", with: "<br>"))</blockquote>")
        if !quote.codes.isEmpty {
          body.append(
            "<p class=\"codes\">Onderwerpen: \(e(quote.codes.joined(separator: "; ")))</p>")
        }
      }
      if !item.codes.isEmpty {
        body.append(
          "<p class=\"codes\">Onderwerpen van het hele verslag: "
            + "\(e(item.codes.joined(separator: "; ")))</p>")
      }
      for memo in item.memos {
        body.append("<p class=\"memo\">Toelichting van het team: \(e(memo))</p>")
      }
      body.append("</section>")
    }
    if !responses.isEmpty {
      body.append("<h2>Uw eerdere reacties</h2><ul>")
      for response in responses {
        let words = Self.responseWords[response.response] ?? response.response.rawValue
        body.append(
          "<li>\(e(response.date)): \(e(words))"
            + (response.text.isEmpty ? "" : ": \(e(response.text))") + "</li>")
      }
      body.append("</ul>")
    }
    return """
      <!DOCTYPE html>
      <html lang="nl">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>Wat wij over u schreven: \(e(participant))</title>
      <style>
      body { font: 18px/1.6 system-ui, sans-serif; max-width: 40em; margin: 2em auto; padding: 0 1em; color: #222; }
      .study { color: #555; font-style: italic; }
      blockquote { margin: 1em 0; padding: .5em 1em; border-left: 4px solid #2E7D32; background: #F1F8E9; }
      .codes { color: #1565C0; }
      .memo { background: #FFF8E1; padding: .5em 1em; }
      section { border-top: 1px solid #ddd; margin-top: 1.5em; }
      </style>
      </head>
      <body>
      \(body.joined(separator: "\n"))
      </body>
      </html>

      """
  }

  func kindName(_ kind: String) -> String {
    switch kind {
    case EntryKind.observation.rawValue: "observatie"
    case EntryKind.networkConversation.rawValue: "netwerkgesprek"
    case EntryKind.interview.rawValue: "interview"
    case EntryKind.nabijeKennis.rawValue: "nabije kennis"
    default: kind
    }
  }

  /// Every text the document shows, with where it comes from, for the real-name guard.
  var texts: [(place: String, field: String, text: String)] {
    var all: [(String, String, String)] = [("the document", "study", study)]
    for item in items {
      let place = "entry \(item.entry.prefix(8))"
      for quote in item.quotes {
        all.append((place, "quote", quote.text))
        all += quote.codes.map { (place, "code", $0) }
      }
      all += item.codes.map { (place, "code", $0) }
      all += item.memos.map { (place, "memo", $0) }
    }
    all += responses.map { ("member check \($0.date)", "response", $0.text) }
    return all
  }
}

extension Journal {
  /// The member-check document of one participant. Quotes come only from entries whose every
  /// participant gave quotation consent; the participant must have agreed to be contacted again
  /// (`member-check`). Every text passes the real-name guard of `people`: a hit refuses it all.
  public func memberCheckDocument(
    for pseudonym: String, people: [KeyFile.Person] = [], allowWords: [String] = []
  ) throws -> MemberCheckDocument {
    try read { db in
      let registered = try ParticipantRegister.known(pseudonym, in: db)
      guard try ParticipantRegister.lacking(.memberCheck, among: [registered], in: db).isEmpty
      else {
        throw FieldLogError.invalidInput(
          "\(registered) has not consented to be contacted again (member-check); nothing was "
            + "written",
          hint: "record it first: 'fieldlog consent \(registered) --given written --scope "
            + "member-check'")
      }
      let zone = try StudyTimeZone.zone(in: db)
      let nodes = try Codebook.nodes(db)
      let entries = try EntryRow.list(
        EntryFilter(participant: registered), limit: nil, offset: 0, in: db
      ).filter { $0.redacted == nil }.reversed()
      var items: [MemberCheckDocument.Item] = []
      for entry in entries {
        // Quotes only from an entry about this participant alone, with their quotation consent:
        // in an entry that names others too, a quote may be someone else's words, which this
        // participant could tell apart.
        let others = entry.peopleNamed.contains {
          Text.identityFold($0) != Text.identityFold(registered)
        }
        let withheld =
          try others
          || !ParticipantRegister.lacking(.quotation, among: [registered], in: db).isEmpty
        let codings = try CodingRow.ofEntry(entry.id, in: db).map {
          Codings.record($0, nodes: nodes)
        }.filter { !$0.orphaned }
        var quotes: [(text: String, codes: [String])] = []
        var codes: [String] = []
        for coding in codings.sorted(by: {
          ($0.start ?? -1, $0.codePath) < ($1.start ?? -1, $1.codePath)
        }) {
          if !withheld, let quote = coding.quote, coding.start != nil {
            if let index = quotes.firstIndex(where: { $0.text == quote }) {
              if !quotes[index].codes.contains(coding.codePath) {
                quotes[index].codes.append(coding.codePath)
              }
            } else {
              quotes.append((quote, [coding.codePath]))
            }
          } else if !codes.contains(coding.codePath) {
            codes.append(coding.codePath)
          }
        }
        let memos = try MemoRow.shared(aboutEntries: [entry.id], in: db).map(\.text)
        items.append(
          .init(
            entry: entry.id,
            day: String(FieldTime.display(entry.occurredAt, in: zone).prefix(10)),
            kind: entry.kind.rawValue, cycle: entry.cycle, quotes: quotes, codes: codes,
            memos: memos, quotesWithheld: withheld && codings.contains { $0.quote != nil },
            others: others))
      }
      let document = MemberCheckDocument(
        participant: registered, study: try StudyRecorder.currentProfile(db).name, items: items,
        responses: try MemberCheckRow.all(participant: registered, in: db))
      if !people.isEmpty {
        let guardian = try NameGuardMemory.nameGuard(
          people: people, allowWords: allowWords, db: db)
        let hits = document.texts.flatMap {
          guardian.hits(in: $0.text, place: $0.place, field: $0.field)
        }
        if !hits.isEmpty {
          throw FieldLogError.invalidInput(
            "the member-check document holds \(hits.count) real name"
              + "\(hits.count == 1 ? "" : "s") from the key file; nothing was written:\n"
              + hits.prefix(20).map { "  " + $0.description }.joined(separator: "\n"),
            hint: "change or redact them, or let an ordinary word through with --allow-word WORD")
        }
      }
      return document
    }
  }
}

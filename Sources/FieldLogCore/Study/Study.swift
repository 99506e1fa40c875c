import Foundation

/// A study as declared in a study file: its places, initiatives, research questions and codebook.
public struct Study: Sendable, Equatable, Encodable {
  /// A neighbourhood (wijk or buurt) where fieldwork happens.
  public struct Neighbourhood: Sendable, Equatable, Codable {
    public var name: String
    public var description: String?
  }

  /// An initiative (formal or informal) in one neighbourhood.
  public struct Initiative: Sendable, Equatable, Codable {
    public var name: String
    public var neighbourhood: String
    public var description: String?
  }

  /// A research question of the study, with the id the study gives it (`RQ1`).
  public struct ResearchQuestion: Sendable, Equatable, Codable {
    public var id: String
    public var text: String
  }

  /// A code of the codebook, with its children.
  public struct Code: Sendable, Equatable, Codable {
    public var name: String
    public var description: String?
    public var color: String?
    public var children: [Code]?
  }

  public var name: String
  public var description: String?
  /// The IANA time zone the study's times are shown in and read in when typed without an offset;
  /// nil means Europe/Amsterdam.
  public var timeZone: String?
  public var neighbourhoods: [Neighbourhood]

  enum CodingKeys: String, CodingKey {
    case name = "study"
    case timeZone = "timezone"
    case description, neighbourhoods, initiatives, questions, codebook, team, cycles, letters
    case retention
    case sensitiveData = "sensitive_data"
  }

  public var initiatives: [Initiative]
  public var questions: [ResearchQuestion]
  public var codebook: [Code]
  /// Ordinary words that are also names in the key file (Bakker, Roos, Visser, Mark), which the
  /// real-name guard lets through unless a title stands next to them. Kept by `init` in the
  /// journal's own `allowed_word` table, not in events (NameGuardMemory says why).
  public var allowWords: [String] = []
  /// The coders the study knows besides each journal's author (`team:` in a study file).
  public var team: [String]
  /// The cycles of the action research (`cycles:`).
  public var cycles: [Cycle] = []
  /// The versions of the information letter (`letters:`).
  public var letters: [Letter] = []
  /// How long data is kept (`retention:`).
  public var retention = Retention()
  /// Whether the study holds special categories of personal data: yes, no or unknown.
  public var sensitiveData: String?

  public init(
    name: String, description: String? = nil, neighbourhoods: [Neighbourhood] = [],
    initiatives: [Initiative] = [], questions: [ResearchQuestion] = [], codebook: [Code] = [],
    team: [String] = []
  ) {
    self.name = name
    self.description = description
    self.neighbourhoods = neighbourhoods
    self.initiatives = initiatives
    self.questions = questions
    self.codebook = codebook
    self.team = team
  }

  /// As a study file: `team` only when there is one, so a study without stays as it was written.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(name, forKey: .name)
    try container.encodeIfPresent(description, forKey: .description)
    try container.encodeIfPresent(timeZone, forKey: .timeZone)
    try container.encode(neighbourhoods, forKey: .neighbourhoods)
    try container.encode(initiatives, forKey: .initiatives)
    try container.encode(questions, forKey: .questions)
    try container.encode(codebook, forKey: .codebook)
    if !team.isEmpty { try container.encode(team, forKey: .team) }
    if !cycles.isEmpty { try container.encode(cycles, forKey: .cycles) }
    if !letters.isEmpty { try container.encode(letters, forKey: .letters) }
    if !retention.isEmpty { try container.encode(retention, forKey: .retention) }
    try container.encodeIfPresent(sensitiveData, forKey: .sensitiveData)
  }

  /// The pattern a research question id follows: a letter, then up to 31 letters, digits, `.`, `_`, `-`.
  /// What a research question id must look like, for the messages that refuse one.
  static let questionIDRule = "use a letter, then letters, digits, '.', '_' or '-' (like RQ1)"

  public static func isValidQuestionID(_ id: String) -> Bool {
    guard let first = id.unicodeScalars.first, id.unicodeScalars.count <= 32, first.isASCIILetter
    else { return false }
    return id.unicodeScalars.allSatisfy {
      $0.isASCIILetter || $0.isASCIIDigit || "._-".unicodeScalars.contains($0)
    }
  }

  /// Reads and checks a study file.
  public static func load(from path: String) throws -> Study {
    let data = try InputFile.read(path, what: "study file", limit: 1_048_576)
    guard let text = String(validating: data, as: UTF8.self) else {
      throw FieldLogError.invalidInput("the study file '\(path)' is not valid UTF-8")
    }
    return try parse(yaml: text, source: path)
  }

  /// Parses and checks study-file YAML; `source` names it in messages.
  public static func parse(yaml: String, source: String) throws -> Study {
    let document: Any?
    do {
      document = try YAMLText.load(yaml)
    } catch {
      throw FieldLogError.invalidInput(
        "the study file '\(source)' is not valid YAML: \(YAMLText.message(error))")
    }
    var reader = StudyReader(source: source)
    return try reader.study(document)
  }

}

extension Unicode.Scalar {
  var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
  var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

/// Walks the untyped YAML tree of a study file, naming the exact place of every problem.
private struct StudyReader {
  let source: String

  func fail(_ place: String, _ problem: String) -> FieldLogError {
    .invalidInput("the study file '\(source)': \(place) \(problem)")
  }

  /// Where `key` of the mapping at `place` is (`'neighbourhoods'` at the top level).
  func path(_ place: String, _ key: String) -> String {
    place == "the top level" ? "'\(key)'" : "\(place).\(key)"
  }

  func mapping(_ value: Any?, at place: String, allowed: Set<String>) throws -> [String: Any] {
    guard let map = value as? [String: Any] else {
      throw fail(place, "must be a mapping of keys to values")
    }
    for key in map.keys.sorted() where !allowed.contains(key) {
      throw fail(
        place, "has an unknown key '\(key)' (known: \(allowed.sorted().joined(separator: ", ")))")
    }
    return map
  }

  func text(_ map: [String: Any], _ key: String, at place: String, required: Bool) throws -> String?
  {
    guard let value = map[key], !(value is NSNull) else {
      if required { throw fail(place, "needs '\(key)'") }
      return nil
    }
    guard let string = value as? String else {
      throw fail(path(place, key), "must be text; put '\(value)' in quotes")
    }
    let line = Text.trimmed(Text.normalize(string))
    if line.isEmpty {
      if required { throw fail(path(place, key), "is empty") }
      return nil
    }
    return line
  }

  func list(_ map: [String: Any], _ key: String, at place: String, required: Bool) throws -> [Any] {
    guard let value = map[key], !(value is NSNull) else {
      if required { throw fail(place, "needs a list '\(key)'") }
      return []
    }
    guard let items = value as? [Any] else { throw fail(path(place, key), "must be a list") }
    if required && items.isEmpty { throw fail(path(place, key), "is empty") }
    return items
  }

  mutating func study(_ document: Any?) throws -> Study {
    let root = try mapping(
      document, at: "the top level",
      allowed: [
        "study", "description", "timezone", "neighbourhoods", "initiatives", "questions",
        "codebook", "allow_words", "team", "cycles", "letters", "retention", "sensitive_data",
      ])
    var study = Study(name: try text(root, "study", at: "the top level", required: true) ?? "")
    study.description = try text(root, "description", at: "the top level", required: false)
    if let zone = try text(root, "timezone", at: "the top level", required: false) {
      guard TimeZone(identifier: zone) != nil else {
        let suggestions = Text.suggestions(for: zone, among: TimeZone.knownTimeZoneIdentifiers)
        throw fail(
          "'timezone'",
          "names an unknown time zone '\(zone)'"
            + (suggestions.isEmpty
              ? "; use an IANA name such as Europe/Amsterdam"
              : "; did you mean " + suggestions.map { "'\($0)'" }.joined(separator: " or ") + "?"))
      }
      study.timeZone = zone
    }

    var seen: [String: String] = [:]
    for (index, item) in try list(root, "neighbourhoods", at: "the top level", required: true)
      .enumerated()
    {
      let place = "neighbourhoods[\(index + 1)]"
      let map = try mapping(item, at: place, allowed: ["name", "description"])
      let name = try text(map, "name", at: place, required: true) ?? ""
      if let earlier = seen[Text.identityFold(name)] {
        throw fail(place, "repeats the neighbourhood '\(earlier)'")
      }
      seen[Text.identityFold(name)] = name
      study.neighbourhoods.append(
        .init(name: name, description: try text(map, "description", at: place, required: false)))
    }

    var seenInitiatives: Set<String> = []
    for (index, item) in try list(root, "initiatives", at: "the top level", required: false)
      .enumerated()
    {
      let place = "initiatives[\(index + 1)]"
      let map = try mapping(item, at: place, allowed: ["name", "neighbourhood", "description"])
      let name = try text(map, "name", at: place, required: true) ?? ""
      let neighbourhood = try text(map, "neighbourhood", at: place, required: true) ?? ""
      guard let known = seen[Text.identityFold(neighbourhood)] else {
        let suggestions = Text.suggestions(for: neighbourhood, among: Array(seen.values))
        throw fail(
          "\(place).neighbourhood",
          "names an unknown neighbourhood '\(neighbourhood)'"
            + (suggestions.isEmpty ? "" : "; did you mean '\(suggestions[0])'?"))
      }
      guard
        seenInitiatives.insert(Text.identityFold(known) + "/" + Text.identityFold(name)).inserted
      else {
        throw fail(place, "repeats the initiative '\(name)' in '\(known)'")
      }
      study.initiatives.append(
        .init(
          name: name, neighbourhood: known,
          description: try text(map, "description", at: place, required: false)))
    }

    var seenQuestions: Set<String> = []
    for (index, item) in try list(root, "questions", at: "the top level", required: true)
      .enumerated()
    {
      let place = "questions[\(index + 1)]"
      let map = try mapping(item, at: place, allowed: ["id", "text"])
      let id = try text(map, "id", at: place, required: true) ?? ""
      guard Study.isValidQuestionID(id) else {
        throw fail(
          "\(place).id",
          "'\(id)' is not a question id: \(Study.questionIDRule)"
        )
      }
      guard seenQuestions.insert(Text.identityFold(id)).inserted else {
        throw fail(place, "repeats the question id '\(id)'")
      }
      study.questions.append(
        .init(id: id, text: try text(map, "text", at: place, required: true) ?? ""))
    }

    study.codebook = try codes(
      try list(root, "codebook", at: "the top level", required: false), at: "codebook")
    for (index, item) in try list(root, "allow_words", at: "the top level", required: false)
      .enumerated()
    {
      let place = "allow_words[\(index + 1)]"
      guard let word = item as? String else { throw fail(place, "must be text") }
      guard Text.matchWords(word).count == 1 else {
        throw fail(place, "'\(word)' must be one word")
      }
      study.allowWords.append(try Text.line(word, what: "allowed word"))
    }

    var seenCoders: Set<String> = []
    for (index, item) in try list(root, "team", at: "the top level", required: false).enumerated() {
      let place = "team[\(index + 1)]"
      guard let name = item as? String else {
        throw fail(place, "must be a name, like 'Sanne de Vries'")
      }
      guard let coder = try? Text.line(name, what: "coder") else {
        throw fail(place, "is empty or holds a control character")
      }
      guard seenCoders.insert(Text.matchFold(coder)).inserted else {
        throw fail(place, "repeats the coder '\(coder)'")
      }
      study.team.append(coder)
    }
    try actionResearch(root, into: &study, neighbourhoods: seen)
    return study
  }

  /// A day as written in the study file, `YYYY-MM-DD`.
  func day(_ map: [String: Any], _ key: String, at place: String, required: Bool) throws
    -> String?
  {
    guard let text = try text(map, key, at: place, required: required) else { return nil }
    guard text.count == 10, (try? ActionResearch.day(text, what: key)) == text else {
      throw fail(path(place, key), "'\(text)' is not a day like 2024-03-12")
    }
    return text
  }

  /// `cycles`, `letters`, `retention` and `sensitive_data` (docs/par.md).
  func actionResearch(
    _ root: [String: Any], into study: inout Study, neighbourhoods: [String: String]
  ) throws {
    var seenCycles: Set<String> = []
    for (index, item) in try list(root, "cycles", at: "the top level", required: false)
      .enumerated()
    {
      let place = "cycles[\(index + 1)]"
      let map = try mapping(
        item, at: place, allowed: ["id", "name", "from", "to", "neighbourhood", "initiative"])
      let id = try text(map, "id", at: place, required: true) ?? ""
      guard Study.isValidQuestionID(id) else {
        throw fail(
          "\(place).id",
          "'\(id)' is not a cycle id: use a letter, then letters, digits, '.', '_' or '-' (like C1)"
        )
      }
      guard seenCycles.insert(Text.identityFold(id)).inserted else {
        throw fail(place, "repeats the cycle id '\(id)'")
      }
      let from = try day(map, "from", at: place, required: true) ?? ""
      let to = try day(map, "to", at: place, required: true) ?? ""
      guard from <= to else { throw fail(place, "ends (\(to)) before it begins (\(from))") }
      var neighbourhood = try text(map, "neighbourhood", at: place, required: false)
      if let given = neighbourhood {
        guard let known = neighbourhoods[Text.identityFold(given)] else {
          throw fail(
            "\(place).neighbourhood",
            "names an unknown neighbourhood '\(given)' (known: "
              + neighbourhoods.values.sorted().joined(separator: ", ") + ")")
        }
        neighbourhood = known
      }
      let initiative = try text(map, "initiative", at: place, required: false)
      if let initiative {
        guard
          study.initiatives.contains(where: {
            Text.identityFold($0.name) == Text.identityFold(initiative)
              && (neighbourhood == nil || $0.neighbourhood == neighbourhood)
          })
        else {
          throw fail("\(place).initiative", "names an unknown initiative '\(initiative)'")
        }
        guard neighbourhood != nil else {
          throw fail(place, "names an initiative without its neighbourhood")
        }
      }
      study.cycles.append(
        .init(
          id: id, name: try text(map, "name", at: place, required: true) ?? "", from: from, to: to,
          neighbourhood: neighbourhood, initiative: initiative))
    }
    var seenLetters: Set<String> = []
    for (index, item) in try list(root, "letters", at: "the top level", required: false)
      .enumerated()
    {
      let place = "letters[\(index + 1)]"
      let map = try mapping(item, at: place, allowed: ["version", "date"])
      let version = try text(map, "version", at: place, required: true) ?? ""
      guard seenLetters.insert(Text.identityFold(version)).inserted else {
        throw fail(place, "repeats the letter version '\(version)'")
      }
      study.letters.append(
        .init(version: version, date: try day(map, "date", at: place, required: true) ?? ""))
    }
    if root["retention"] != nil {
      let place = "'retention'"
      let map = try mapping(
        root["retention"], at: place,
        allowed: ["study_end", "research_data_until", "research_data_years", "key_file_until"])
      var retention = Study.Retention(
        studyEnd: try day(map, "study_end", at: place, required: false),
        researchDataUntil: try day(map, "research_data_until", at: place, required: false),
        keyFileUntil: try day(map, "key_file_until", at: place, required: false))
      if let years = map["research_data_years"] {
        guard let number = (years as? String).flatMap({ Int($0) }), (1...100).contains(number)
        else {
          throw fail("\(place).research_data_years", "must be a number of years from 1 to 100")
        }
        guard retention.studyEnd != nil else {
          throw fail(place, "gives research_data_years without study_end, the day it counts from")
        }
        retention.researchDataYears = number
      }
      if retention.researchDataUntil != nil && retention.researchDataYears != nil {
        throw fail(place, "gives both research_data_until and research_data_years; keep one")
      }
      study.retention = retention
    }
    if let answer = root["sensitive_data"] {
      let text = answer as? String ?? ""
      guard Study.sensitiveDataAnswers.contains(Text.identityFold(text)) else {
        throw fail(
          "'sensitive_data'",
          "must be one of " + Study.sensitiveDataAnswers.joined(separator: ", "))
      }
      study.sensitiveData = Text.identityFold(text)
    }
  }

  func codes(_ items: [Any], at place: String) throws -> [Study.Code] {
    var siblings: Set<String> = []
    return try items.enumerated().map { index, item in
      let here = "\(place)[\(index + 1)]"
      let map = try mapping(item, at: here, allowed: ["name", "description", "color", "children"])
      let name = try text(map, "name", at: here, required: true) ?? ""
      guard siblings.insert(Text.identityFold(name)).inserted else {
        throw fail(here, "repeats the code '\(name)' among its siblings")
      }
      var color = try text(map, "color", at: here, required: false)
      if let given = color {
        guard let normalized = Study.normalizeColor(given) else {
          throw fail("\(here).color", "'\(given)' is not a colour like #1F77B4")
        }
        color = normalized
      }
      let children = try codes(
        try list(map, "children", at: here, required: false), at: "\(here).children")
      return Study.Code(
        name: name, description: try text(map, "description", at: here, required: false),
        color: color, children: children.isEmpty ? nil : children)
    }
  }
}

extension Study {
  /// `#RRGGBB` in upper case, or nil when `text` is not such a colour.
  public static func normalizeColor(_ text: String) -> String? {
    let scalars = Array(text.unicodeScalars)
    guard scalars.count == 7, scalars[0] == "#",
      scalars.dropFirst().allSatisfy({
        $0.isASCIIDigit || ("a"..."f").contains($0) || ("A"..."F").contains($0)
      })
    else { return nil }
    return text.uppercased()
  }
}

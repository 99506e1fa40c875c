import Foundation
import GRDB
import Testing

@testable import FieldLogCore

/// Issue 14: canonical JSON is written straight from the payload structs, and NFC and folding take
/// fast paths; every stored payload must come out byte for byte as before, or old journals' derived
/// ids and content checks would change.
@Suite struct CanonicalEncodingTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("FieldLogCLITests/Fixtures/journals")
  static let journals = [
    "amsterdam-7e73062.sqlite", "colleague-7e73062.sqlite", "turkish-389f9cc.sqlite",
  ]

  /// The canonical form's earlier route, which wrote every payload stored before issue 14: text
  /// JSON from `JSONEncoder`, parsed back into a tree, then written canonically.
  static func earlierRoute<T: Encodable>(_ value: T) throws -> Data {
    let text = try JSONEncoder().encode(value)
    return CanonicalJSON.encode(try JSONDecoder().decode(JSONValue.self, from: text))
  }

  /// A stored payload decoded into its type and encoded again, by today's encoder and the earlier
  /// route.
  static func reencoded(_ type: EventType, _ json: Data) throws -> (today: Data, earlier: Data) {
    func again<T: Codable>(_ payloadType: T.Type) throws -> (Data, Data) {
      let value = try CanonicalJSON.decode(payloadType, from: json)
      return (try CanonicalJSON.encode(value), try earlierRoute(value))
    }
    switch type {
    case .feedOpened: return try again(Payload.FeedOpened.self)
    case .neighbourhoodAdded: return try again(Payload.NeighbourhoodAdded.self)
    case .initiativeAdded: return try again(Payload.InitiativeAdded.self)
    case .questionAdded: return try again(Payload.QuestionAdded.self)
    case .codeDefined: return try again(Payload.CodeDefined.self)
    case .codeRenamed: return try again(Payload.CodeRenamed.self)
    case .codeMoved: return try again(Payload.CodeMoved.self)
    case .codeDescribed: return try again(Payload.CodeDescribed.self)
    case .codeMerged: return try again(Payload.CodeMerged.self)
    case .codingApplied: return try again(Payload.CodingApplied.self)
    case .codingRemoved: return try again(Payload.CodingRemoved.self)
    case .memoAdded: return try again(Payload.MemoAdded.self)
    case .entryRecorded, .entryAmended: return try again(Payload.EntryVersion.self)
    case .entryRetracted, .entryUnretracted: return try again(Payload.EntryRetracted.self)
    case .participantAdded: return try again(Payload.ParticipantAdded.self)
    case .consentGiven, .consentWithdrawn: return try again(Payload.ConsentChanged.self)
    case .coderAdded: return try again(Payload.CoderAdded.self)
    case .studyRenamed: return try again(Payload.StudyRenamed.self)
    case .studyDescribed: return try again(Payload.StudyDescribed.self)
    case .neighbourhoodRemoved, .initiativeRemoved, .questionRemoved:
      return try again(Payload.VocabularyRemoved.self)
    case .redaction: return try again(Payload.Redaction.self)
    case .cycleAdded: return try again(Payload.CycleAdded.self)
    case .letterAdded: return try again(Payload.LetterAdded.self)
    case .memberCheckRecorded: return try again(Payload.MemberCheckRecorded.self)
    case .dataManagementDeclared: return try again(Payload.DataManagementDeclared.self)
    case .networkMemberAdded: return try again(Payload.NetworkMemberAdded.self)
    case .networkTieRecorded: return try again(Payload.NetworkTieRecorded.self)
    }
  }

  @Test(
    "every payload of the old fixture journals is encoded again byte for byte", arguments: journals)
  func storedPayloadsAgain(name: String) throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("fieldlog-canonical-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let copy = folder.appendingPathComponent(name)
    try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent(name), to: copy)
    let rows = try DatabaseQueue(path: copy.path).read { db in
      try Row.fetchAll(
        db,
        sql: "SELECT e.type, p.json FROM event e JOIN payload p ON p.commitment = e.commitment")
    }
    #expect(rows.count > 10, "the fixture \(name) holds payloads")
    var types: Set<String> = []
    for row in rows {
      let typeName: String = row["type"]
      let stored = Data((row["json"] as String).utf8)
      let type = try #require(EventType(rawValue: typeName))
      types.insert(typeName)
      let (today, earlier) = try Self.reencoded(type, stored)
      #expect(today == stored, "\(typeName): \(String(decoding: today, as: UTF8.self))")
      #expect(earlier == stored, "\(typeName): the earlier route disagrees with what it stored")
    }
    if name.hasPrefix("amsterdam") {
      // The fixture was made to hold these; a remade fixture that lost one would test less.
      #expect(types.count >= 18, "\(types.sorted())")
    }
  }

  /// Values the stored journals may not hold: decomposed and astral text, control characters,
  /// every JSON value in `fields`, absent and present optionals, empty lists.
  static let samples: [Payload.EntryVersion] = [
    Payload.EntryVersion(
      kind: "observation", title: "Cafe\u{301} en ﬁets",
      body: "e\u{301}e\u{301}n 👩🏽‍🍳\r\n\t\u{1}\u{1F}\"\\/",
      neighbourhood: "Holendrecht", initiative: nil, questions: [], tags: ["a", "A\u{30A}"],
      participants: [],
      fields: [
        "n": .integer(-9_007_199_254_740_993), "b": .bool(false), "x": .null,
        "l": .array([.string("Å"), .object(["z": .integer(0), "ä": .string("")])]),
        "A\u{30A}": .string("nfd key"),
      ],
      occurredAt: "2024-03-12T10:00:00+01:00", author: "Ayşe", reason: nil, version: nil,
      recordedAt: nil, importedFrom: nil, resolves: nil),
    Payload.EntryVersion(
      kind: "interview", title: "",
      body: String(repeating: "Ω\u{2126}ḱ\u{1E31}ᄀ\u{1161}", count: 40),
      neighbourhood: "Jan van Maijenbuurt", initiative: "Voedselpunt", questions: ["RQ1", "RQ2"],
      tags: [], participants: [], fields: [:], occurredAt: "2024-03-12T10:00:00+01:00",
      author: "B", reason: "r", version: 3, recordedAt: "2024-03-12T10:00:00.000Z",
      importedFrom: "notes.jsonl:4", resolves: []),
  ]

  @Test("today's encoder writes what the earlier route wrote", arguments: samples.indices)
  func sameAsEarlierRoute(index: Int) throws {
    let sample = Self.samples[index]
    #expect(try CanonicalJSON.encode(sample) == Self.earlierRoute(sample))
  }

  @Test("a fractional number is refused, as the earlier route refused it")
  func fractionsRefused() {
    struct Odd: Encodable { var share = 0.5 }
    #expect(throws: EncodingError.self) { try CanonicalJSON.encode(Odd()) }
    #expect(throws: (any Error).self) { try Self.earlierRoute(Odd()) }
  }

  @Test("the NFC fast path gives Foundation's NFC for every scalar up to U+3000 and after a mark")
  func nfcFastPath() {
    for value in UInt32(0)...0x3000 {
      guard let scalar = Unicode.Scalar(value) else { continue }
      for text in ["\(scalar)", "a\(scalar)", "\(scalar)\u{301}", "\(scalar)\u{327}\u{301}x"] {
        #expect(Text.nfc(text) == text.precomposedStringWithCanonicalMapping, "U+\(value)")
        #expect(
          Array(Text.nfc(text).utf8) == Array(text.precomposedStringWithCanonicalMapping.utf8))
      }
    }
  }

  @Test("trimming gives Foundation's trimming for every scalar at either end")
  func trimmedAsFoundation() {
    for value in UInt32(0)...0x10FFFF where value < 0x3100 || value % 97 == 0 {
      guard let scalar = Unicode.Scalar(value) else { continue }
      for text in [
        "\(scalar)", "\(scalar)a \(scalar)", " \(scalar)\n", "a\(scalar)", "\(scalar)\u{301}",
      ] {
        let foundation = text.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Text.trimmed(text) == foundation, "U+\(value)")
        #expect(Text.isBlank(text) == foundation.isEmpty, "U+\(value)")
      }
    }
  }

  /// The identity fold as it was written before its ASCII path: it must not change (it is frozen).
  static func identityFoldReference(_ string: String) -> String {
    var marksDropped = String.UnicodeScalarView()
    for scalar in string.decomposedStringWithCanonicalMapping.unicodeScalars
    where scalar.properties.generalCategory != .nonspacingMark {
      marksDropped.append(scalar)
    }
    let folded = String(marksDropped).lowercased().precomposedStringWithCanonicalMapping
    return folded.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
  }

  /// The matching fold as it was written before its ASCII path: one scalar at a time.
  static func matchFoldReference(_ string: String) -> String {
    var out = ""
    var pendingSpace = false
    for scalar in string.unicodeScalars {
      if scalar.properties.isWhitespace {
        pendingSpace = !out.isEmpty
        continue
      }
      let folded = Text.matchFold(scalar)
      guard !folded.isEmpty else { continue }
      if pendingSpace { out.append(" ") }
      pendingSpace = false
      out.append(folded)
    }
    return out
  }

  /// The words of a text as they were found before their ASCII path: one scalar at a time.
  static func matchWordsReference(_ text: String) -> [String] {
    var words: [String] = []
    var current = ""
    var start = 0
    var end = 0
    var gap = ""
    for (offset, scalar) in text.unicodeScalars.enumerated() {
      let folded =
        scalar.properties.isWhitespace ? String(Character(scalar)) : Text.matchFold(scalar)
      for part in folded.unicodeScalars {
        if part.properties.isAlphabetic || part.properties.numericType != nil {
          if current.isEmpty { start = offset }
          current.unicodeScalars.append(part)
          end = offset + 1
        } else {
          if !current.isEmpty {
            words.append("\(current)|\(start)..<\(end)|\(gap)")
            current = ""
            gap = ""
          }
          gap.unicodeScalars.append(part)
        }
      }
    }
    if !current.isEmpty { words.append("\(current)|\(start)..<\(end)|\(gap)") }
    return words
  }

  @Test("the folds' fast paths give what the scalar-by-scalar folds gave")
  func foldFastPaths() {
    let pieces = [
      "A", "z", " ", "  ", "\t", "\n", "\r\n", "\u{B}", "\u{C}", "\u{1F}", "\u{7F}", "~", "Q", "7",
      "'", "-", "Fatima's", "½", "٣",
      "é", "e\u{301}", "İ", "ı", "ß", "Ĳ", "\u{200B}", "\u{A0}", "\u{2003}", "Ω", "ﬁ", "😀",
      "a\u{30A}",
    ]
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<3000 {
      let text = (0..<Int.random(in: 0...12, using: &generator)).map { _ in
        pieces.randomElement(using: &generator) ?? ""
      }.joined()
      #expect(
        Text.identityFold(text) == Self.identityFoldReference(text), "\(text.debugDescription)")
      #expect(Text.matchFold(text) == Self.matchFoldReference(text), "\(text.debugDescription)")
      #expect(
        Text.matchWords(text).map { "\($0.word)|\($0.range)|\($0.gap)" }
          == Self.matchWordsReference(text), "\(text.debugDescription)")
    }
  }

  // MARK: Reading JSON Lines

  /// A random value of the shapes import records hold.
  static func randomValue(depth: Int, _ generator: inout SystemRandomNumberGenerator) -> JSONValue {
    let texts = [
      "", "a", "Café \"De Buurt\"\n", "e\u{301}", "👩🏽‍🍳", "\u{1}\u{1F}\t\\/", "ß İ ı", "\u{2028}",
      "𝐘", "\u{FEFF}x",
    ]
    switch Int.random(in: 0..<(depth > 2 ? 4 : 6), using: &generator) {
    case 0: return .string(texts.randomElement(using: &generator) ?? "")
    case 1: return .integer(Int64.random(in: Int64.min...Int64.max, using: &generator))
    case 2: return [.null, .bool(true), .bool(false)].randomElement(using: &generator) ?? .null
    case 3: return .integer(Int64.random(in: -1000...1000, using: &generator))
    case 4:
      return .array(
        (0..<Int.random(in: 0...3, using: &generator)).map { _ in
          randomValue(depth: depth + 1, &generator)
        })
    default:
      var members: [String: JSONValue] = [:]
      for _ in 0..<Int.random(in: 0...3, using: &generator) {
        members[texts.randomElement(using: &generator) ?? ""] = randomValue(
          depth: depth + 1, &generator)
      }
      return .object(members)
    }
  }

  /// JSON text with every non-ASCII scalar escaped as \uXXXX (surrogate pairs above U+FFFF), the
  /// way Python's json.dumps writes it by default.
  static func asciiEscaped(_ data: Data) -> String {
    var out = ""
    for scalar in String(decoding: data, as: UTF8.self).unicodeScalars {
      if scalar.isASCII {
        out.unicodeScalars.append(scalar)
      } else {
        for unit in String(scalar).utf16 { out += "\\u" + String(format: "%04x", unit) }
      }
    }
    return out
  }

  @Test("JSON Lines are read as JSONDecoder read them, whatever the escaping")
  func parsedAsJSONDecoder() throws {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<2000 {
      let value = Self.randomValue(depth: 0, &generator)
      let canonical = CanonicalJSON.encode(value)
      let foundation = try JSONEncoder().encode(value)
      for text in [
        String(decoding: canonical, as: UTF8.self), String(decoding: foundation, as: UTF8.self),
        Self.asciiEscaped(canonical), " \t" + String(decoding: foundation, as: UTF8.self) + "\r\n ",
      ] {
        let parsed = try JSONValue.parse(text)
        #expect(
          parsed == (try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))), "\(text)")
        #expect(CanonicalJSON.encode(parsed) == canonical, "\(text)")
      }
    }
    #expect(
      try JSONValue.parse("[1.0, 1e3, -0, 2E+1]")
        == .array([.integer(1), .integer(1000), .integer(0), .integer(20)]))
    #expect(try JSONValue.parse(#"{"a":1,"a":2}"#) == .object(["a": .integer(2)]))
  }

  @Test(
    "malformed JSON Lines are refused",
    arguments: [
      "", " ", "{", "}", #"{"a":}"#, #"{"a" 1}"#, #"{a:1}"#, "[1,]", "[1 2]", "01", "-", "1.", ".5",
      "1e", "1.5", "-2.25e-1", "99999999999999999999", #""\x""#, #""\ud800""#, #""\ud800\u0041""#,
      #""\udc00""#, #""\u12""#, "\"a\u{1}\"", "\"open", "tru", "nul", "True", #"{"a":1}x"#, "[] []",
      "NaN", "Infinity", "+1",
    ])
  func malformedRefused(text: String) {
    #expect(throws: (any Error).self, "\(text.debugDescription)") { try JSONValue.parse(text) }
  }
}

import Foundation
import GRDB

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The key file: real names and contact details per pseudonym, kept apart from the journal.
///
/// It is its own SQLite file (mode 0600, rollback journal, so reading it leaves no side files).
/// Nothing in it is ever written to the journal or to an export.
public struct KeyFile: Sendable {
  /// A real name behind a pseudonym.
  public struct Person: Equatable, Sendable {
    public var pseudonym: String
    public var name: String
    public var contact: String?
  }

  public let path: String
  private let writer: any DatabaseWriter

  /// `fieldlog-keys.sqlite` next to the journal.
  public static func defaultPath(nextTo journalPath: String) -> String {
    URL(fileURLWithPath: journalPath).deletingLastPathComponent()
      .appendingPathComponent("fieldlog-keys.sqlite").path
  }

  private init(path: String, writer: any DatabaseWriter) {
    self.path = path
    self.writer = writer
  }

  /// Opens the key file to read it; nil when there is none. It is never written through this.
  public static func openForReading(at path: String) throws -> KeyFile? {
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    var configuration = Configuration()
    configuration.readonly = true
    do {
      return KeyFile(
        path: path, writer: try DatabaseQueue(path: path, configuration: configuration))
    } catch let error as DatabaseError {
      throw Journal.map(error, path: path, what: "the key file")
    }
  }

  /// Opens the key file to add to it, creating it (mode 0600) when it does not exist.
  public static func openForWriting(at path: String) throws -> KeyFile {
    if !FileManager.default.fileExists(atPath: path) {
      do {
        try PrivateFile.create(at: path)
      } catch {
        throw FieldLogError.io("cannot create the key file '\(path)': \(error.reason)")
      }
    }
    do {
      var configuration = Configuration()
      // A corrected or removed name is overwritten on disk, not left in a free page.
      configuration.prepareDatabase { db in try KeyFileStore.overwriteDeletions(db) }
      let queue = try DatabaseQueue(path: path, configuration: configuration)
      try queue.write { db in try KeyFileStore.createTables(db) }
      return KeyFile(path: path, writer: queue)
    } catch let error as DatabaseError {
      throw Journal.map(error, path: path, what: "the key file")
    }
  }

  /// Adds the real name behind a pseudonym the journal knows.
  public func add(_ pseudonym: String, name: String, contact: String?, journal: Journal) throws {
    let registered = try journal.registeredPseudonym(pseudonym)
    let name = try Text.line(name, what: "name of \(registered)")
    let contact = try contact.map { try Text.line($0, what: "contact of \(registered)") }
    do {
      try writer.write { db in
        if try KeyFileStore.hasPerson(folded: Text.identityFold(registered), in: db) {
          throw FieldLogError.invalidInput("the key file holds a name for '\(registered)' already")
        }
        try KeyFileStore.insertPerson(
          pseudonym: registered, folded: Text.identityFold(registered), name: name,
          contact: contact, addedAt: FieldTime.recordedAt(), in: db)
      }
    } catch let error as DatabaseError {
      throw Journal.map(error, path: path, what: "the key file")
    }
  }

  /// Corrects the real name (and contact, when given) behind a pseudonym, saying why.
  public func set(_ pseudonym: String, name: String, contact: String?, reason: String) throws {
    let name = try Text.line(name, what: "name of \(pseudonym)")
    let contact = try contact.map { try Text.line($0, what: "contact of \(pseudonym)") }
    let reason = try Text.line(reason, what: "reason")
    try correct(pseudonym, change: "set", reason: reason) { db, registered in
      try KeyFileStore.updatePerson(pseudonym: registered, name: name, contact: contact, in: db)
    }
  }

  /// Removes the real name behind a pseudonym, saying why; the reason is kept, the name is not.
  public func remove(_ pseudonym: String, reason: String) throws {
    let reason = try Text.line(reason, what: "reason")
    try correct(pseudonym, change: "remove", reason: reason) { db, registered in
      try KeyFileStore.deletePerson(pseudonym: registered, in: db)
    }
  }

  /// Runs a correction of the person filed under `pseudonym` and logs it, in one transaction.
  private func correct(
    _ pseudonym: String, change: String, reason: String,
    _ body: (Database, String) throws -> Void
  ) throws {
    do {
      try writer.write { db in
        let known = try KeyFileStore.pseudonyms(in: db)
        guard
          let registered = known.first(where: {
            Text.identityFold($0) == Text.identityFold(pseudonym)
          })
        else {
          throw FieldLogError.unknownName(
            kind: "pseudonym in the key file '\(path)'", value: pseudonym,
            suggestions: Text.suggestions(for: pseudonym, among: known))
        }
        try body(db, registered)
        try KeyFileStore.insertCorrection(
          pseudonym: registered, change: change, reason: reason,
          correctedAt: FieldTime.recordedAt(), in: db)
      }
    } catch let error as DatabaseError {
      throw Journal.map(error, path: path)
    }
  }

  /// What identifies this key file to a journal without saying anything about its names: a hash
  /// of the random id it was given when made (key files from before that share one fingerprint).
  public func fingerprint() throws -> String {
    do {
      let id = try writer.read { db -> String in
        guard try db.tableExists("meta") else { return "" }
        return try KeyFileStore.fileID(in: db) ?? ""
      }
      return NameGuardMemory.fingerprint(keyFileID: id)
    } catch let error as DatabaseError {
      throw Journal.map(error, path: path)
    }
  }

  /// Everyone in the key file.
  public func people() throws -> [Person] {
    do {
      return try writer.read { db in
        guard try db.tableExists("person") else { return [] }
        return try KeyFileStore.people(in: db)
      }
    } catch let error as DatabaseError {
      throw Journal.map(error, path: path, what: "the key file")
    }
  }
}

extension Journal {
  /// The pseudonym as the study's register has it, or an error naming the closest.
  public func registeredPseudonym(_ pseudonym: String) throws -> String {
    try read { db in try ParticipantRegister.known(pseudonym, in: db) }
  }
}

/// A real name from the key file found in text that is about to leave the journal.
public struct NameHit: Sendable, Equatable {
  /// Where: "entry 1a2b3c4d", "code 'x'", "the header", "the project".
  public var place: String
  /// Which field of it: a column, a JSON key, an XML element or attribute.
  public var field: String
  /// The text around the match on one line, the match in [brackets].
  public var context: String
  /// The name in the key file it matched, and whose it is.
  public var name: String
  public var pseudonym: String

  /// One line of a refusal.
  public var description: String {
    "\(place), \(field): \"\(context)\" matches '\(name)' (\(pseudonym)) in the key file"
  }
}

/// Finds real names from the key file in text, as people write them.
///
/// Text is compared in its matching form (`Text.matchFold`: case, diacritics, Turkish ı/İ,
/// invisible characters and look-alike letters folded) word by word, so a line break or a
/// possessive ("Fatima's") does not hide a name. It finds:
/// - the full name as a run of words ("Fatima el Amrani");
/// - any one word of the name on its own ("Fatima vertelde", "mevrouw Yilmaz"), except particles
///   (de, van, el, ben, ait ...) and single letters;
/// - a word hyphenated across a line break ("Yıl-\nmaz").
/// A name word that is also an ordinary word (Bakker, Roos, Visser, Mark) is let through when the
/// study allows it (`allowWords`), unless a title stands next to it ("meneer Bakker", "Ayşe hanım").
/// Name words inside a place name of the study ("Jan" in "Jan van Maijenbuurt") are part of that
/// name, not a person's (`vocabulary`).
public struct NameGuard: Sendable {
  struct Name: Sendable {
    var pseudonym: String
    var name: String
    /// The folded words of the full name.
    var words: [String]
  }

  private let names: [Name]
  /// Folded word → the names that have it as a word that may stand alone.
  private let singles: [String: [Int]]
  private let allowed: Set<String>
  private let phrases: [[String]]

  /// Words that never identify anyone alone: Dutch, Arabic, Berber and other name particles.
  static let particles: Set<String> = [
    "de", "der", "den", "van", "von", "het", "t", "te", "ter", "ten", "in", "op", "la", "le",
    "du", "da", "di", "del", "dos", "das", "el", "al", "ul", "bin", "ben", "ibn", "bint", "ait",
    "ou", "abu", "oulad", "uit",
  ]

  /// Words that make the word next to them a name even when it is an allowed ordinary word.
  static let titles: Set<String> = [
    "mevrouw", "mevr", "mw", "mvr", "meneer", "mijnheer", "heer", "dhr", "hr", "mr", "mrs", "ms",
    "dr", "dokter", "juf", "juffrouw", "meester", "buurvrouw", "buurman", "tante", "oom", "ome",
    "opa", "oma", "zus", "zuster", "broer", "moeder", "vader", "mama", "papa", "nicht", "neef",
    "hoca", "abla", "abi", "teyze", "amca", "hanim", "bey", "lalla", "sidi", "hadj", "haj",
    "hajja", "familie", "fam",
  ]

  public init(people: [KeyFile.Person], allowWords: [String] = [], vocabulary: [String] = []) {
    names = people.map { Name(pseudonym: $0.pseudonym, name: $0.name, words: Self.words($0.name)) }
      .filter { !$0.words.isEmpty }
    var singles: [String: [Int]] = [:]
    for (index, name) in names.enumerated() {
      for word in Set(name.words) where word.count >= 2 && !Self.particles.contains(word) {
        singles[word, default: []].append(index)
      }
    }
    self.singles = singles
    allowed = Set(allowWords.flatMap(Self.words))
    phrases = vocabulary.map(Self.words).filter { !$0.isEmpty }
  }

  /// Whether there is any name to look for.
  public var isEmpty: Bool { names.isEmpty }

  /// The pseudonym whose real name occurs in `text`, if any.
  public func nameFound(in text: String) -> String? {
    matches(in: text).first.map { names[$0.name].pseudonym }
  }

  /// Every name in `text`, as hits at `place` and `field`.
  public func hits(in text: String, place: String, field: String) -> [NameHit] {
    matches(in: text).map { match in
      NameHit(
        place: place, field: field, context: Self.context(text, match.range),
        name: names[match.name].name, pseudonym: names[match.name].pseudonym)
    }
  }

  /// A word of text: its matching form and the scalar range it came from.
  struct Token {
    var word: String
    var range: Range<Int>
    /// It ends in a hyphen at the end of a line, so the next token may continue it.
    var hyphenatedAtLineEnd = false
  }

  /// The name matches in `text`: scalar ranges and the index of the name.
  func matches(in text: String) -> [(range: Range<Int>, name: Int)] {
    guard !names.isEmpty else { return [] }
    let tokens = Self.tokens(text)
    guard !tokens.isEmpty else { return [] }
    var found: [(range: Range<Int>, name: Int)] = []
    var covered = Set<Int>()
    /// The scalars a run of tokens covers in `text`.
    func span(_ run: Range<Int>) -> Range<Int> {
      tokens[run.lowerBound].range.lowerBound..<tokens[run.upperBound - 1].range.upperBound
    }
    // Full names first: they hold even where their words are allowed on their own.
    for (index, name) in names.enumerated()
    where name.words.count >= 2 && name.words.count <= tokens.count {
      for start in 0...(tokens.count - name.words.count) where tokens[start].word == name.words[0] {
        let run = start..<(start + name.words.count)
        guard zip(tokens[run], name.words).allSatisfy({ $0.word == $1 }) else { continue }
        found.append((span(run), index))
        covered.formUnion(run)
      }
    }
    var inPhrase = Set<Int>()
    for phrase in phrases where phrase.count <= tokens.count {
      for start in 0...(tokens.count - phrase.count)
      where zip(tokens[start..<(start + phrase.count)], phrase).allSatisfy({ $0.word == $1 }) {
        inPhrase.formUnion(start..<(start + phrase.count))
      }
    }
    func titled(_ index: Int) -> Bool {
      (index > 0 && Self.titles.contains(tokens[index - 1].word))
        || (index + 1 < tokens.count && Self.titles.contains(tokens[index + 1].word))
    }
    for (index, token) in tokens.enumerated() where !covered.contains(index) {
      var candidates = [(token.word, index..<(index + 1))]
      if token.hyphenatedAtLineEnd, index + 1 < tokens.count {
        candidates.append((token.word + tokens[index + 1].word, index..<(index + 2)))
      }
      for (word, run) in candidates {
        guard let owners = singles[word], !inPhrase.contains(index) else { continue }
        if allowed.contains(word) && !titled(index) { continue }
        found.append(contentsOf: owners.map { (range: span(run), name: $0) })
      }
    }
    return found.sorted { $0.range.lowerBound < $1.range.lowerBound }
  }

  /// The words of `text` in their matching form, with where they stand.
  static func tokens(_ text: String) -> [Token] {
    var tokens: [Token] = []
    for word in Text.matchWords(text) {
      // "Yıl-" at a line end and "maz" on the next line are one word.
      if !tokens.isEmpty, word.gap.hasPrefix("-"), word.gap.contains("\n"),
        word.gap.dropFirst().allSatisfy(\.isWhitespace)
      {
        tokens[tokens.count - 1].hyphenatedAtLineEnd = true
      }
      tokens.append(Token(word: word.word, range: word.range))
    }
    return tokens
  }

  static func words(_ text: String) -> [String] { tokens(text).map(\.word) }

  /// Up to 30 characters either side of a match, on one line, the match in [brackets].
  static func context(_ text: String, _ range: Range<Int>) -> String {
    let scalars = Array(text.unicodeScalars)
    func piece(_ part: Range<Int>) -> String {
      var view = String.UnicodeScalarView()
      view.append(contentsOf: scalars[part])
      return String(view).split(whereSeparator: \.isNewline).joined(separator: " ")
    }
    let from = max(0, range.lowerBound - 30)
    let to = min(scalars.count, range.upperBound + 30)
    return (from > 0 ? "…" : "") + piece(from..<range.lowerBound) + "[" + piece(range) + "]"
      + piece(range.upperBound..<to) + (to < scalars.count ? "…" : "")
  }
}

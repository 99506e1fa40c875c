import FieldLogCore
import Foundation

/// What the pages may show of an entry, a coding or a memo: the rules of the exports. A body whose
/// participants have not all given quotation consent is withheld (unless the workspace was started
/// with --include-withheld), and so are its quotes; text that holds a real name from the key file
/// is withheld too, and the placeholder does not say which name.
public struct PageScreen: Sendable {
  public var includeWithheld: Bool
  public var guardian: NameGuard?

  public init(includeWithheld: Bool = false, guardian: NameGuard? = nil) {
    self.includeWithheld = includeWithheld
    self.guardian = guardian
  }

  /// The placeholder for text that holds a real name.
  static let realName = "[withheld: holds a real name from the key file]"

  func holdsName(_ text: String?) -> Bool {
    guard let guardian, let text, !text.isEmpty else { return false }
    return !guardian.hits(in: text, place: "", field: "").isEmpty
  }

  /// What a page may show of an entry: its title and body, and why they are withheld if they are.
  struct Shown {
    var title: String
    var body: String
    var withheld: String?
  }

  /// The entry's title and body as a page may show them, and why they are withheld if they are.
  func entry(_ entry: EntryRecord, in journal: Journal) throws -> Shown {
    if entry.redacted != nil { return Shown(title: entry.title, body: entry.body) }
    // Consent is a participant's: an entry that names none has nothing to withhold for it.
    if !includeWithheld, !entry.participants.isEmpty,
      let withheld = Placeholder.withheld(
        noQuotationConsentFor: try journal.missingQuotationConsent(entry))
    {
      return Shown(
        title: entry.hasDerivedTitle ? Placeholder.withheld : entry.title, body: withheld,
        withheld: withheld)
    }
    let titleHoldsName = holdsName(entry.title)
    if titleHoldsName || holdsName(entry.body) {
      return Shown(
        title: titleHoldsName ? Placeholder.withheld : entry.title, body: Self.realName,
        withheld: Self.realName)
    }
    return Shown(title: entry.title, body: entry.body)
  }

  func summary(_ entry: EntryRecord, codings: Int, in journal: Journal) throws -> EntrySummary {
    summary(entry, shown: try self.entry(entry, in: journal), codings: codings)
  }

  /// The entry as a list or the reader shows it, once it is screened; `detail` adds its
  /// questions, tags and participants.
  func summary(_ entry: EntryRecord, shown: Shown, codings: Int, detail: Bool = false)
    -> EntrySummary
  {
    EntrySummary(
      id: entry.id, shortId: entry.shortID, title: shown.title, kind: entry.kind.rawValue,
      neighbourhood: entry.neighbourhood ?? "", initiative: entry.initiative,
      occurredAt: entry.occurredAt, author: entry.author, version: entry.version,
      codings: codings, withheld: shown.withheld,
      snippet: shown.withheld == nil && !holdsName(entry.snippet) ? entry.snippet : nil,
      retracted: entry.retracted != nil, redacted: entry.redacted != nil,
      questions: detail ? entry.questions : nil, tags: detail ? entry.tags : nil,
      participants: detail ? entry.participants.map(\.typed) : nil)
  }

  /// A coding with its quote (and context) withheld where its entry's text is; the entry is read
  /// and screened only when the coding carries text of it.
  func coding(_ coding: CodingRecord, in journal: Journal) throws -> CodingRecord {
    guard coding.quote != nil || coding.context != nil || coding.title != nil else {
      return self.coding(coding, shown: nil)
    }
    return self.coding(
      coding, shown: try entry(try journal.entry(id: coding.entry), in: journal))
  }

  /// A coding of an entry already screened (`shown`).
  func coding(_ coding: CodingRecord, shown: Shown?) -> CodingRecord {
    var coding = coding
    if holdsName(coding.memo) { coding.memo = Self.realName }
    guard let shown else { return coding }
    if let withheld = shown.withheld {
      coding.quote = coding.quote.map { _ in withheld }
      coding.context = coding.context.map { _ in withheld }
    }
    if coding.title != nil { coding.title = shown.title }
    return coding
  }

  /// A code whose description holds a real name shows the placeholder there instead.
  func code(_ code: CodeRecord) -> CodeRecord {
    var code = code
    if holdsName(code.description) { code.description = Self.realName }
    return code
  }

  func memo(_ memo: MemoRecord) -> MemoRecord {
    var memo = memo
    if holdsName(memo.text) { memo.text = Self.realName }
    return memo
  }
}

struct EntrySummary: Encodable {
  var id: String
  var shortId: String
  var title: String
  var kind: String
  var neighbourhood: String
  var initiative: String?
  var occurredAt: String
  var author: String
  var version: Int
  var codings: Int
  /// Why the body is not shown (consent or a real name), or nil when it is.
  var withheld: String?
  var snippet: String?
  var retracted: Bool
  var redacted: Bool
  var questions: [String]?
  var tags: [String]?
  var participants: [String]?
}

struct Run: Encodable, Equatable {
  /// Where the run starts, in Unicode scalars from the start of the body.
  var o: Int
  var text: String
}

struct EntryList: Encodable {
  var entries: [EntrySummary]
  var total: Int
  var offset: Int
  var limit: Int
}

struct EntryView: Encodable {
  var entry: EntrySummary
  var runs: [Run]
  /// Whether segments can be coded here (not withheld, redacted or retracted).
  var codable: Bool
  var codings: [CodingRecord]
  var memos: [MemoRecord]
}

struct StudyView: Encodable {
  struct Initiative: Encodable {
    var name: String
    var neighbourhood: String
  }
  struct Question: Encodable {
    var id: String
    var text: String
  }
  var name: String
  var description: String?
  var neighbourhoods: [String]
  var initiatives: [Initiative]
  var questions: [Question]
  var kinds: [String]
  /// The action-research cycles (their ids) and the phases, for the filters.
  var cycles: [String]
  var phases: [String]
  var authors: [String]
  var coders: [String]
  /// The journal's author: whoever codes here codes as them.
  var me: String?
  var includeWithheld: Bool
  var nameGuard: Bool
}

struct ChangesView: Encodable {
  var state: String
}

struct CodesView: Encodable {
  var codes: [CodeRecord]
}

struct SegmentsView: Encodable {
  var code: String
  var segments: [CodingRecord]
}

struct MemosView: Encodable {
  var memos: [MemoRecord]
}

struct Disagreement: Encodable {
  /// Which coder alone coded this: "a" or "b".
  var only: String
  var coding: CodingRecord
}

struct ComparedEntry: Encodable {
  var entry: EntrySummary
  var a: [CodingRecord]
  var b: [CodingRecord]
  var disagreements: [Disagreement]
}

struct CompareView: Encodable {
  var coders: [String]
  var agreement: AgreementReport
  var entries: [ComparedEntry]
}

struct NewCode: Decodable {
  var name: String
  var parent: String?
  var description: String?
  var color: String?
}

struct RenameCode: Decodable {
  var code: String
  var name: String
}

struct MoveCode: Decodable {
  var code: String
  var parent: String?
}

struct MergeCode: Decodable {
  var code: String
  var into: String
}

struct NewCoding: Decodable {
  var entry: String
  var version: Int
  var start: Int?
  var end: Int?
  var quote: String?
  var code: String
  var memo: String?
}

struct NewMemo: Decodable {
  var about: String
  var text: String
}

struct Adopt: Decodable {
  var coding: String
}

/// A participant's network as the Networks view shows it: its ecogram, an SVG that Core wrote.
struct NetworkView: Encodable {
  var network, date: String
  /// Members around the participant, and ties.
  var members, ties: Int
  /// Nil when the drawing would show a real name of the key file.
  var svg: String?
}

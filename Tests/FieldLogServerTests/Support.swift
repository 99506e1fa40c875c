import FieldLogCore
import FieldLogServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// A temporary folder that removes itself (for the signing key and the key file).
final class TemporaryFolder: Sendable {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "fieldlog-server-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: url) }

  func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

enum Paths {
  /// The repository root, found from this file's path.
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  static func example(_ name: String) -> String {
    root.appendingPathComponent("Examples/\(name)").path
  }

  static let openAPI = root.appendingPathComponent("Schemas/fieldlog-serve.openapi.yaml").path
  static let apiSource = root.appendingPathComponent("Sources/FieldLogServer/API.swift").path
}

/// The entries every test starts from, by what they are for.
struct Entries: Sendable {
  /// An observation in Holendrecht at Buurtkamer De Brug, RQ1, tag koffie.
  var koffie: EntryRecord
  /// A network conversation naming P-017 and P-018, neither with quotation consent: withheld.
  var netwerk: EntryRecord
  /// An interview in the Jan van Maijenbuurt, RQ3, tag voedsel, two lines.
  var interview: EntryRecord
  /// Proximate knowledge in Holendrecht, RQ2.
  var imam: EntryRecord
}

/// A journal in memory with the Amsterdam example, four entries, a second coder and a workspace
/// over it.
struct Harness: Sendable {
  static let author = "Sanne de Vries"
  static let other = "Ahmed Bakkali"
  static let origin = "http://127.0.0.1"

  let folder: TemporaryFolder
  let journal: Journal
  let token: String
  let workspace: Workspace
  let entries: Entries

  init(screen: PageScreen = PageScreen(), port: BoundPort = BoundPort()) throws {
    folder = try TemporaryFolder()
    journal = try Journal.inMemory(
      study: try Study.load(from: Paths.example("werkplaats-amsterdam.yaml")),
      author: Self.author, keys: SigningKeys(folder: folder.path("keys")))
    token = Workspace.newToken()
    entries = try Self.record(journal)
    try journal.addCoder(Self.other)
    workspace = Workspace(journal: journal, token: token, screen: screen, port: port)
  }

  /// The same journal seen through another screen or port.
  init(_ other: Harness, screen: PageScreen, port: BoundPort = BoundPort()) {
    folder = other.folder
    journal = other.journal
    token = other.token
    entries = other.entries
    workspace = Workspace(journal: journal, token: token, screen: screen, port: port)
  }

  static func record(_ journal: Journal) throws -> Entries {
    Entries(
      koffie: try journal.record(
        EntryDraft(
          kind: .observation, title: "Koffieochtend",
          body: "Twaalf bewoners in het café; de buurtmoeders schenken koffie.",
          neighbourhood: "Holendrecht", initiative: "Buurtkamer De Brug", questions: ["RQ1"],
          tags: ["koffie", "ontmoeting"], occurredAt: "2024-03-12 10:00")),
      netwerk: try journal.record(
        EntryDraft(
          kind: .networkConversation, title: "Netwerkgesprek",
          body: "Moeder, buurvrouw en wijkcoach praten over de voedselbank.",
          neighbourhood: "Jan van Maijenbuurt", questions: ["RQ1", "RQ2"],
          newParticipants: ["P-017:client", "P-018:neighbour"],
          fields: [("roles", "client,neighbour")], occurredAt: "2024-03-20T15:00:00+01:00")),
      interview: try journal.record(
        EntryDraft(
          kind: .interview, title: "Voedselbank",
          body: "Interview over de voedselbank.\nTweede regel.",
          neighbourhood: "Jan van Maijenbuurt", questions: ["RQ3"], tags: ["voedsel"],
          fields: [("consent", "none"), ("language", "nl")], occurredAt: "2024-06-01 09:30")),
      imam: try journal.record(
        EntryDraft(
          kind: .nabijeKennis, title: "Wat de imam weet", body: "Zorgen over eenzaamheid.",
          neighbourhood: "Holendrecht", questions: ["RQ2"],
          fields: [("holder", "H-3"), ("holder-role", "imam")], occurredAt: "2024-07-15")))
  }

  /// Runs `body` with a client of the workspace's router, in process.
  func run<Value: Sendable>(_ body: @Sendable (Client) async throws -> Value) async throws -> Value
  {
    let app = Application(router: workspace.router())
    let token = token
    return try await app.test(.router) { client in
      try await body(Client(client: client, token: token))
    }
  }

  /// The journal verifies (every write through the API must leave it so).
  func expectVerifies(sourceLocation: SourceLocation = #_sourceLocation) throws {
    let report = try journal.verify()
    #expect(report.ok, "\(report.problems)", sourceLocation: sourceLocation)
  }

  /// How many events the journal holds: unchanged after a refused write.
  func events() throws -> Int { try journal.verify().events }
}

/// What a request carries for its token.
enum Token: Sendable {
  /// The workspace's own, as `Authorization: Bearer`.
  case right
  case none
  /// Any `Authorization` header value.
  case header(String)
}

/// A client that sends what the page sends, unless told otherwise.
struct Client: Sendable {
  let client: any TestClientProtocol
  let token: String

  func send(
    _ method: HTTPRequest.Method, _ uri: String, json: String? = nil, token: Token = .right,
    origin: String? = Harness.origin, host: String? = nil, headers extra: HTTPFields = [:]
  ) async throws -> Reply {
    var headers = extra
    switch token {
    case .right: headers[.authorization] = "Bearer \(self.token)"
    case .none: break
    case .header(let value): headers[.authorization] = value
    }
    if let origin, method != .get { headers[.origin] = origin }
    if let host, let name = HTTPField.Name("Host") { headers[name] = host }
    if json != nil { headers[.contentType] = "application/json" }
    let response = try await client.execute(
      uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    return Reply(
      method: method, uri: uri, status: response.status, headers: response.headers,
      body: Data(response.body.readableBytesView), sent: json)
  }

  func get(
    _ uri: String, token: Token = .right, host: String? = nil, headers: HTTPFields = [:]
  ) async throws -> Reply {
    try await send(.get, uri, token: token, host: host, headers: headers)
  }

  func post(
    _ uri: String, _ json: String, token: Token = .right, origin: String? = Harness.origin,
    host: String? = nil
  ) async throws -> Reply {
    try await send(.post, uri, json: json, token: token, origin: origin, host: host)
  }

  func post(_ uri: String, _ object: [String: Any], origin: String? = Harness.origin) async throws
    -> Reply
  {
    try await post(uri, try JSON.text(object), origin: origin)
  }

  func delete(_ uri: String, origin: String? = Harness.origin) async throws -> Reply {
    try await send(.delete, uri, origin: origin)
  }
}

/// A response, with its body as JSON on demand.
struct Reply: Sendable, CustomStringConvertible {
  var method: HTTPRequest.Method
  var uri: String
  var status: HTTPResponse.Status
  var headers: HTTPFields
  var body: Data
  /// The JSON body the request carried.
  var sent: String? = nil

  var text: String { String(decoding: body, as: UTF8.self) }

  var description: String { "\(method) \(uri) → \(status.code): \(text)" }

  /// The body as a JSON object.
  func object() throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
      throw JSON.NotAnObject(text: text)
    }
    return object
  }

  /// The body's `error` object (every error the API answers has one).
  func error() throws -> [String: Any] {
    guard let error = try object()["error"] as? [String: Any] else {
      throw JSON.NotAnObject(text: text)
    }
    return error
  }

  var isJSON: Bool { headers[.contentType]?.hasPrefix("application/json") == true }
}

enum JSON {
  struct NotAnObject: Error, CustomStringConvertible {
    var text: String
    var description: String { "not the JSON object expected: \(text)" }
  }

  static func text(_ object: Any) throws -> String {
    String(
      decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]),
      as: UTF8.self)
  }
}

extension [String: Any] {
  func string(_ key: String) -> String? { self[key] as? String }
  func int(_ key: String) -> Int? { (self[key] as? NSNumber)?.intValue }
  func bool(_ key: String) -> Bool? { (self[key] as? NSNumber)?.boolValue }
  func objects(_ key: String) -> [[String: Any]] { self[key] as? [[String: Any]] ?? [] }
  func object(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
  func strings(_ key: String) -> [String]? { self[key] as? [String] }
}

/// Checks every error body the API gives: `{"error": {"message": ...}}` with JSON's content type,
/// and the CLI's exit code when one is expected.
func expectError(
  _ reply: Reply, _ status: HTTPResponse.Status, exitCode: Int? = nil,
  sourceLocation: SourceLocation = #_sourceLocation
) throws {
  #expect(reply.status == status, "\(reply)", sourceLocation: sourceLocation)
  #expect(reply.isJSON, "\(reply.headers)", sourceLocation: sourceLocation)
  let object = try reply.object()
  #expect(object.keys.sorted() == ["error"], "\(reply)", sourceLocation: sourceLocation)
  let error = try reply.error()
  let message = error.string("message") ?? ""
  #expect(!message.isEmpty, "\(reply)", sourceLocation: sourceLocation)
  if let exitCode {
    #expect(error.int("exit_code") == exitCode, "\(reply)", sourceLocation: sourceLocation)
  }
  #expect(
    reply.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true,
    "\(reply.headers)", sourceLocation: sourceLocation)
}

/// The security headers every response carries.
func expectSecured(_ reply: Reply, sourceLocation: SourceLocation = #_sourceLocation) {
  #expect(
    reply.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true,
    "\(reply.method) \(reply.uri): \(reply.headers)", sourceLocation: sourceLocation)
  #expect(reply.headers[.xContentTypeOptions] == "nosniff", sourceLocation: sourceLocation)
  #expect(reply.headers[.cacheControl] == "no-store", sourceLocation: sourceLocation)
}

/// Unicode scalar offsets and text, as the API counts them.
extension String {
  var scalarCount: Int { unicodeScalars.count }

  /// The scalar offset of the first occurrence of `needle` (compared scalar by scalar).
  func scalarOffset(of needle: String) -> Int? {
    let haystack = Array(unicodeScalars)
    let wanted = Array(needle.unicodeScalars)
    guard !wanted.isEmpty, wanted.count <= haystack.count else { return nil }
    for start in 0...(haystack.count - wanted.count)
    where Array(haystack[start..<(start + wanted.count)]) == wanted {
      return start
    }
    return nil
  }

  func scalars(_ range: Range<Int>) -> String {
    var view = String.UnicodeScalarView()
    view.append(contentsOf: Array(unicodeScalars)[range])
    return String(view)
  }

  /// Scalar-exact equality (String's == compares canonical equivalence).
  func sameScalars(_ other: String) -> Bool {
    Array(unicodeScalars) == Array(other.unicodeScalars)
  }
}

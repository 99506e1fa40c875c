import FieldLogCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// What every request passes, in this order:
/// - its Host names this machine (127.0.0.1 or localhost), else 403: a page of another site that
///   a DNS name was turned to 127.0.0.1 for (DNS rebinding) is refused;
/// - an API request carries `Authorization: Bearer TOKEN`, else 401; the token is never read from
///   a query string;
/// - a write (anything but GET and HEAD) comes with the Origin of the workspace's own page, else 403.
/// Every response carries the security headers, and every error is JSON (`APIError`).
struct Gate: RouterMiddleware {
  typealias Context = BasicRequestContext
  let token: String
  let port: BoundPort

  static let localHosts: Set<String> = ["127.0.0.1", "localhost"]
  /// What a browser may fetch without the token: the page (which holds no study data) and its files.
  static let openPaths: Set<String> = ["/", "/app.js", "/app.css", "/favicon.ico"]

  func handle(
    _ request: Request, context: Context, next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    var response: Response
    do {
      try check(request)
      response = try await next(request, context)
    } catch {
      response = APIError(error).response()
    }
    Self.secure(&response.headers)
    return response
  }

  private func check(_ request: Request) throws {
    // HTTP/1's Host header arrives as the request's authority.
    let host = request.headers[HTTPField.Name("Host")!] ?? request.head.authority ?? ""
    guard Self.localHosts.contains(Self.hostName(host)) else {
      throw APIError(
        status: .forbidden, message: "the Host '\(host)' is not this machine; use the printed link")
    }
    let reading = request.method == .get || request.method == .head
    // Only the page and its files are open; every other path, however it is spelt ("//api/…"),
    // needs the token.
    if reading, Self.openPaths.contains(request.uri.path) { return }
    let given = request.headers[.authorization] ?? ""
    guard given.hasPrefix("Bearer "), Self.same(String(given.dropFirst(7)), token) else {
      throw APIError(
        status: .unauthorized,
        message: given.isEmpty
          ? "no token: open the link that 'fieldlog serve' printed"
          : "the token is not this server's: open the link that 'fieldlog serve' printed last")
    }
    guard !reading else { return }
    let origin = request.headers[.origin] ?? ""
    guard allowedOrigins.contains(origin) else {
      throw APIError(
        status: .forbidden,
        message: origin.isEmpty
          ? "a change must come from the workspace's page (no Origin was sent)"
          : "a change must come from the workspace's page, not from '\(origin)'")
    }
  }

  /// The page's own origins: the bound port once it is known.
  private var allowedOrigins: Set<String> {
    guard let port = port.port else { return Set(Self.localHosts.map { "http://\($0)" }) }
    return Set(Self.localHosts.map { "http://\($0):\(port)" })
  }

  /// `127.0.0.1:8123` → `127.0.0.1`; `[::1]:80` → `[::1]`.
  static func hostName(_ host: String) -> String {
    if host.hasPrefix("[") { return String(host.prefix { $0 != "]" }) + "]" }
    return String(host.prefix { $0 != ":" }).lowercased()
  }

  /// Compares in time that does not depend on where the two first differ.
  static func same(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    guard x.count == y.count else { return false }
    return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
  }

  /// No script but the workspace's own file, nothing framed, nothing cached, no referrer.
  static func secure(_ headers: inout HTTPFields) {
    headers[.contentSecurityPolicy] =
      "default-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    headers[.xContentTypeOptions] = "nosniff"
    headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
    headers[.cacheControl] = "no-store"
    headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
  }
}

/// An error as the API answers it: `{"error": {"message", "hint", "exit_code", ...}}`, with the
/// message and exit code that the CLI gives for the same error.
struct APIError: Error {
  var status: HTTPResponse.Status
  var message: String
  var hint: String? = nil
  var exitCode: Int32? = nil
  var known: [String]? = nil
  var currentVersion: Int? = nil

  init(
    status: HTTPResponse.Status, message: String, hint: String? = nil, known: [String]? = nil
  ) {
    self.status = status
    self.message = message
    self.hint = hint
    self.known = known
  }

  init(_ error: any Error) {
    switch error {
    case let error as APIError:
      self = error
    case let error as FieldLogError:
      self.init(status: Self.status(of: error), message: error.message, hint: error.hint)
      exitCode = error.exitCode
      if case .unknownName(_, _, _, let known) = error, !known.isEmpty { self.known = known }
      if case .conflict(_, let version) = error { currentVersion = version }
    case let error as HTTPError:
      self.init(
        status: error.status,
        message: error.body
          ?? (error.status == .notFound ? "no such page or route" : "\(error.status)"))
    default:
      self.init(status: .internalServerError, message: "\(error)")
    }
  }

  static func status(of error: FieldLogError) -> HTTPResponse.Status {
    switch error {
    case .unknownName, .unknownID, .journalNotFound, .fileNotFound: return .notFound
    case .conflict, .journalExists: return .conflict
    case .invalidInput, .ambiguousID: return .badRequest
    case .notAJournal, .newerJournal, .keyFileNotFound, .signingKeyNotFound, .io, .damaged:
      return .internalServerError
    }
  }

  struct Body: Encodable {
    struct Detail: Encodable {
      var message: String
      var hint: String?
      var exitCode: Int32?
      var known: [String]?
      var currentVersion: Int?
    }
    var error: Detail
  }

  func response() -> Response {
    let body = Body(
      error: .init(
        message: message, hint: hint, exitCode: exitCode, known: known,
        currentVersion: currentVersion))
    var response = (try? JSONBody.response(body, status: status)) ?? Response(status: status)
    if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
    return response
  }
}

/// JSON as the API writes it: snake_case keys, sorted, UTF-8.
enum JSONBody {
  static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws
    -> Response
  {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    var headers = HTTPFields()
    headers[.contentType] = "application/json; charset=utf-8"
    return Response(
      status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
  }

  /// A request's JSON body (at most 1 MiB) as `T`; a body that is not one is a 400 naming why.
  static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
    var request = request
    let buffer: ByteBuffer
    do {
      buffer = try await request.collectBody(upTo: 1 << 20)
    } catch is NIOTooManyBytesError {
      throw APIError(status: .contentTooLarge, message: "the request's body is over 1 MiB")
    }
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    do {
      return try decoder.decode(T.self, from: Data(buffer.readableBytesView))
    } catch let DecodingError.keyNotFound(key, _) {
      throw APIError(status: .badRequest, message: "the request lacks '\(key.stringValue)'")
    } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context)
    {
      let path = context.codingPath.map(\.stringValue).joined(separator: ".")
      throw APIError(status: .badRequest, message: "'\(path)' has the wrong type in the request")
    } catch {
      throw APIError(status: .badRequest, message: "the request's body is not JSON")
    }
  }
}

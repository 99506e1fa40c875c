import AsyncHTTPClient
import FieldLogCLI
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// `fieldlog push`, `pull` and `sync` run this program (it lies beside `fieldlog`): the same
/// commands, with an HTTP client plugged in.
struct NIOTransport: HubTransport {
  /// One client for the process: it keeps the connection to the hub open between requests.
  static let client: HTTPClient = {
    var configuration = HTTPClient.Configuration(
      redirectConfiguration: .disallow,
      // A first push may take minutes on a slow line; a hub that is down is said at once.
      timeout: .init(connect: .seconds(20), read: .seconds(300)))
    // The commands send a request again themselves; a refused connection is an answer.
    configuration.connectionPool.retryConnectionEstablishment = false
    return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
  }()

  /// Why a request got no answer, in words.
  struct Unanswered: Error, CustomStringConvertible {
    var description: String
  }

  func send(method: String, url: URL, token: String, body: Data?) throws -> (
    status: Int, body: Data
  ) {
    var headers = HTTPHeaders()
    headers.add(name: "Authorization", value: "Bearer \(token)")
    if body != nil { headers.add(name: "Content-Type", value: "application/json") }
    let request = try HTTPClient.Request(
      url: url, method: HTTPMethod(rawValue: method), headers: headers,
      body: body.map { .bytes($0) })
    do {
      let response = try Self.client.execute(request: request).wait()
      return (Int(response.status.code), response.body.map { Data($0.readableBytesView) } ?? Data())
    } catch {
      throw Unanswered(description: Self.reason(error))
    }
  }

  static func reason(_ error: any Error) -> String {
    switch error {
    case let error as IOError:
      String(cString: strerror(error.errnoCode)).lowercased()
    case is NIOConnectionError:
      "cannot resolve or connect to its host"
    case let error as NIOSSLError:
      "the TLS connection failed (\(error))"
    case let error as HTTPClientError where error == .connectTimeout:
      "no connection within 20 seconds"
    case let error as HTTPClientError where error == .readTimeout:
      "no answer within 5 minutes"
    default:
      String(describing: error)
    }
  }
}

HubLink.transport = NIOTransport()
FieldLog.runMain()

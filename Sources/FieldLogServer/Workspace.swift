import FieldLogCore
import Foundation
import Hummingbird
import Logging
import NIOCore

/// The local coding workspace: a browser page over one journal, on 127.0.0.1 only, for whoever
/// holds the token that `fieldlog serve` printed. Every write is an ordinary journal event made
/// through Core, so it verifies, merges and exports like everything else.
public struct Workspace: Sendable {
  public let journal: Journal
  /// The bearer token the page must send with every API request.
  public let token: String
  /// What consent and the real-name guard keep off the pages.
  public let screen: PageScreen
  /// The port the server listens on, once it is known: writes must come from a page of this origin.
  public let port: BoundPort

  public init(journal: Journal, token: String, screen: PageScreen, port: BoundPort = BoundPort()) {
    self.journal = journal
    self.token = token
    self.screen = screen
    self.port = port
  }

  /// A token of 32 random bytes, as hex.
  public static func newToken() -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator))
    }
    .joined()
  }

  /// The routes: the page and its two files without a token, the API with one.
  public func router() -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: Gate(token: token, port: port))
    Pages.add(to: router)
    API(workspace: self).add(to: router.group("api"))
    return router
  }

  /// Runs the server until it is stopped; `started` gets the link to open, once the port is bound.
  public func run(port wanted: Int?, started: @escaping @Sendable (String) -> Void) async throws {
    let port = self.port
    let token = token
    let app = Application(
      router: router(),
      configuration: .init(
        address: .hostname("127.0.0.1", port: wanted ?? 0), serverName: nil, reuseAddress: false),
      onServerRunning: { channel in
        let bound = channel.localAddress?.port ?? wanted ?? 0
        port.set(bound)
        started("http://127.0.0.1:\(bound)/#token=\(token)")
      },
      // Requests are not logged: a path names entries, and nothing of a study goes to a log.
      logger: Logger(label: "fieldlog-serve", factory: { _ in SwiftLogNoOpLogHandler() })
    )
    try await app.runService()
  }
}

/// The port the server is bound to, set once it is known (a random free one by default).
public final class BoundPort: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Int?

  public init(_ value: Int? = nil) { self.value = value }

  public func set(_ port: Int) { lock.withLock { value = port } }
  public var port: Int? { lock.withLock { value } }
}

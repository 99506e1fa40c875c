import FieldLogCore
import Foundation
import Testing

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// One test's hub: a database of its own on the PostgreSQL that `.ci/run` started (named by
/// `FIELDLOG_HUB_TEST_DATABASE_URL`), migrated, and a `fieldlog-hub serve` on a free loopback port.
final class HubFixture: @unchecked Sendable {
  let sandbox: Sandbox
  let databaseURL: String
  private let adminURL: String
  private let name: String
  private var server: Process?
  private(set) var url = ""

  /// The server's URL for tests, or nil (with a skip message, or a failure on CI) when there is
  /// no PostgreSQL to test against.
  static func adminURL(sourceLocation: SourceLocation = #_sourceLocation) -> String? {
    let environment = ProcessInfo.processInfo.environment
    if let url = environment["FIELDLOG_HUB_TEST_DATABASE_URL"], !url.isEmpty,
      Processes.which("psql") != nil
    {
      return url
    }
    let message =
      "no PostgreSQL for the hub tests: set FIELDLOG_HUB_TEST_DATABASE_URL to a server's URL "
      + "(postgres://USER@127.0.0.1:PORT/postgres; .ci/run starts one) and install psql"
    if environment["CI"] != nil {
      Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
    } else {
      print("hub test skipped: \(message)")
    }
    return nil
  }

  init(sandbox: Sandbox, adminURL: String, migrated: Bool = true) throws {
    self.sandbox = sandbox
    self.adminURL = adminURL
    name = "fieldlog_hub_test_" + UUID().uuidString.prefix(8).lowercased()
    var parts = try #require(URLComponents(string: adminURL))
    parts.path = "/" + name
    databaseURL = try #require(parts.string)
    let made = try psql(adminURL, "CREATE DATABASE \(name)")
    try #require(made.status == 0, "cannot make the test database: \(made)")
    if migrated {
      let result = try hub(["migrate"])
      try #require(result.status == 0, "migrate failed: \(result)")
    }
  }

  deinit {
    stop()
    _ = try? psql(adminURL, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
  }

  static var binary: URL {
    CLI.located.map { $0.binary.deletingLastPathComponent().appendingPathComponent("fieldlog-hub") }
      .get(or: URL(fileURLWithPath: "/nonexistent"))
  }

  /// `fieldlog-hub args...` against this test's database.
  func hub(_ arguments: [String]) throws -> ProcessResult {
    try Processes.run(
      Self.binary, arguments, env: ["FIELDLOG_HUB_DATABASE_URL": databaseURL])
  }

  /// A query on this test's database, its rows as `a|b` lines.
  func sql(_ query: String) throws -> String {
    let result = try psql(databaseURL, query)
    try #require(result.status == 0, "psql failed: \(result)")
    return result.output
  }

  private func psql(_ url: String, _ query: String) throws -> ProcessResult {
    try Processes.run(
      try #require(Processes.which("psql")), [url, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", query])
  }

  /// Adds a member; returns their token file (mode 0600) in the sandbox.
  @discardableResult
  func member(_ name: String, role: String, study: String = "amsterdam") throws -> URL {
    let added = try hub(["member", "add", "--study", study, "--name", name, "--role", role])
    try #require(added.status == 0, "member add failed: \(added)")
    let token = try #require(added.output.split(separator: "\n").last.map(String.init))
    let file = sandbox.url("\(study)-\(name).token")
    try PrivateFileForTests.write(token + "\n", to: file)
    return file
  }

  func token(_ file: URL) throws -> String {
    String(decoding: try Data(contentsOf: file), as: UTF8.self)
      .trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Starts `fieldlog-hub serve` on a free port and waits until it listens.
  func start() throws {
    let process = Process()
    process.executableURL = Self.binary
    process.arguments = ["serve", "--listen", "127.0.0.1:0"]
    var environment = Processes.baseEnvironment
    environment["FIELDLOG_HUB_DATABASE_URL"] = databaseURL
    process.environment = environment
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    server = process
    var seen = ""
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline, !seen.contains("\n") {
      let data = output.fileHandleForReading.availableData
      if data.isEmpty { break }
      seen += String(decoding: data, as: UTF8.self)
    }
    let line = seen.split(separator: "\n").first.map(String.init) ?? ""
    guard let range = line.range(of: "http://") else {
      throw HubTestError("fieldlog-hub serve did not start: '\(seen)'")
    }
    url = String(line[range.lowerBound...])
  }

  /// A loopback port that is free now.
  static func freePort() throws -> Int {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
      }
    }
    guard bound else { throw HubTestError("no free port") }
    return Int(UInt16(bigEndian: address.sin_port))
  }

  /// Kills the server at once (SIGKILL), as a crash or a power cut would.
  func kill9() {
    guard let server else { return }
    kill(server.processIdentifier, SIGKILL)
    server.waitUntilExit()
    self.server = nil
  }

  func stop() {
    guard let server else { return }
    server.terminate()
    server.waitUntilExit()
    self.server = nil
  }

  /// `fieldlog VERB --hub URL --study S --token-file T --journal J`.
  func fieldlog(
    _ verb: String, journal: URL, token: URL, study: String = "amsterdam", extra: [String] = []
  ) throws -> ProcessResult {
    try sandbox.fieldlog(
      [verb, "--hub", url, "--study", study, "--token-file", token.path] + extra, journal: journal)
  }

  /// A raw request to the API, as a client that is not fieldlog would send it.
  func request(_ method: String, _ path: String, token: String, body: Data?) throws -> (
    status: Int, body: String
  ) {
    var request = URLRequest(url: try #require(URL(string: url + path)), timeoutInterval: 120)
    request.httpMethod = method
    request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
    request.httpBody = body
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var outcome: (Int, Data)?
    URLSession.shared.dataTask(with: request) { data, response, _ in
      outcome = ((response as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data())
      done.signal()
    }.resume()
    done.wait()
    let (status, data) = try #require(outcome)
    return (status, String(decoding: data, as: UTF8.self))
  }

  /// Pushes `events` of `feed` as a raw request.
  func push(
    _ events: [WireEvent], feed: String, key: Data?, token: String, study: String = "amsterdam",
    proof: Data? = nil
  ) throws -> (status: Int, body: String) {
    let body = try JSONEncoder().encode(
      PushBody(publicKey: key.map(Hashing.hex), events: events, proof: proof.map(Hashing.hex)))
    return try request(
      "POST", "/v1/studies/\(study)/feeds/\(feed)/events", token: token, body: body)
  }

  /// Everything the hub holds of a study, pulled page by page as a raw client.
  func pullAll(token: String, study: String = "amsterdam") throws -> [WireEvent] {
    var heads: [String: Int64] = [:]
    var events: [WireEvent] = []
    while true {
      let answer = try request(
        "POST", "/v1/studies/\(study)/pull", token: token,
        body: try JSONEncoder().encode(PullBody(feeds: heads, limit: 100)))
      try #require(answer.status == 200, "pull: \(answer)")
      let page = try JSONDecoder().decode(PullPage.self, from: Data(answer.body.utf8))
      for event in page.events { heads[event.feed] = event.seq }
      events += page.events
      if !page.more || page.events.isEmpty { return events }
    }
  }
}

struct HubTestError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

enum PrivateFileForTests {
  /// Writes a file only its owner may read (a token file).
  static func write(_ text: String, to url: URL) throws {
    try Data(text.utf8).write(to: url)
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
  }
}

extension Result {
  func get(or fallback: Success) -> Success {
    (try? get()) ?? fallback
  }
}

/// A small seeded generator (SplitMix64), so that a failing run can be repeated from its seed.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

import FieldLogCore
import FieldLogServer
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The workspace as `fieldlog serve` runs it, on a real port of 127.0.0.1, spoken to in raw HTTP/1.1:
/// there the Host header arrives as the request's authority, and the path is what was sent.
@Suite("API: over a real socket", .timeLimit(.minutes(1)))
struct LiveTests {
  /// One request as bytes, its response as text (the connection is closed after it).
  struct RawReply: CustomStringConvertible {
    var status: Int
    var head: String
    var body: String
    var description: String { "\(head)\n\n\(body)" }

    func header(_ name: String) -> String? {
      head.split(separator: "\r\n").dropFirst().first {
        $0.lowercased().hasPrefix(name.lowercased() + ":")
      }.map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
    }
  }

  struct SocketError: Error, CustomStringConvertible {
    var description: String
  }

  /// Sends `request` on a thread of its own (a blocking read must not hold a task's thread while
  /// the server needs one).
  static func send(port: Int, _ request: String) async throws -> RawReply {
    try await withCheckedThrowingContinuation { continuation in
      Thread { continuation.resume(with: Result { try blockingSend(port: port, request) }) }
        .start()
    }
  }

  static func blockingSend(port: Int, _ request: String) throws -> RawReply {
    #if canImport(Glibc)
      let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
      let descriptor = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard descriptor >= 0 else { throw SocketError(description: "no socket") }
    defer { close(descriptor) }
    var timeout = timeval(tv_sec: 20, tv_usec: 0)
    setsockopt(
      descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard connected == 0 else { throw SocketError(description: "cannot connect to \(port)") }
    let bytes = Array(request.utf8)
    var sent = 0
    while sent < bytes.count {
      let written = bytes[sent...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
      guard written > 0 else { throw SocketError(description: "cannot write") }
      sent += written
    }
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = read(descriptor, &buffer, buffer.count)
      if count <= 0 { break }
      received += buffer[0..<count]
    }
    let text = String(decoding: received, as: UTF8.self)
    guard let split = text.range(of: "\r\n\r\n") else {
      throw SocketError(description: "no HTTP response: \(text)")
    }
    let head = String(text[..<split.lowerBound])
    let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    return RawReply(status: status, head: head, body: String(text[split.upperBound...]))
  }

  /// Runs the workspace on a free port for `body`, then stops it.
  static func serving(
    _ harness: Harness, _ body: @Sendable (Int) async throws -> Void
  ) async throws {
    let port = BoundPort()
    let workspace = Workspace(
      journal: harness.journal, token: harness.token, screen: harness.workspace.screen, port: port)
    let (links, continuation) = AsyncStream.makeStream(of: String.self)
    let server = Task {
      try await workspace.run(port: nil) { link in continuation.yield(link) }
    }
    defer { server.cancel() }
    var iterator = links.makeAsyncIterator()
    let link = try #require(await iterator.next())
    let bound = try #require(port.port)
    #expect(link == "http://127.0.0.1:\(bound)/#token=\(harness.token)")
    try await body(bound)
    server.cancel()
    _ = await server.result
  }

  static func request(
    _ method: String, _ path: String, host: String, token: String?, origin: String? = nil,
    json: String? = nil
  ) -> String {
    var lines = ["\(method) \(path) HTTP/1.1", "Host: \(host)", "Connection: close"]
    if let token { lines.append("Authorization: Bearer \(token)") }
    if let origin { lines.append("Origin: \(origin)") }
    if let json {
      lines.append("Content-Type: application/json")
      lines.append("Content-Length: \(json.utf8.count)")
    }
    return lines.joined(separator: "\r\n") + "\r\n\r\n" + (json ?? "")
  }

  @Test("the Host, the token and the Origin are checked as a browser sends them")
  func gate() async throws {
    let harness = try Harness()
    let token = harness.token
    let events = try harness.events()
    let memo = #"{"about": "\#(harness.entries.koffie.id)", "text": "live"}"#
    try await Self.serving(harness) { port in
      let here = "127.0.0.1:\(port)"
      let study = try await Self.send(
        port: port, Self.request("GET", "/api/study", host: here, token: token))
      #expect(study.status == 200, "\(study)")
      #expect(study.header("Content-Security-Policy")?.contains("default-src 'self'") == true)
      #expect(study.body.contains("Werkplaats"))
      let local = try await Self.send(
        port: port, Self.request("GET", "/api/study", host: "localhost:\(port)", token: token))
      #expect(local.status == 200, "\(local)")

      let foreign = try await Self.send(
        port: port, Self.request("GET", "/api/study", host: "evil.example:\(port)", token: token))
      #expect(foreign.status == 403, "\(foreign)")
      #expect(foreign.header("Content-Security-Policy")?.contains("default-src 'self'") == true)
      let page = try await Self.send(
        port: port, Self.request("GET", "/", host: "evil.example:\(port)", token: nil))
      #expect(page.status == 403, "\(page)")

      let none = try await Self.send(
        port: port, Self.request("GET", "/api/study", host: here, token: nil))
      #expect(none.status == 401, "\(none)")
      #expect(!none.body.contains("Werkplaats"))
      let query = try await Self.send(
        port: port, Self.request("GET", "/api/study?token=\(token)", host: here, token: nil))
      #expect(query.status == 401, "\(query)")

      // Writes: only from this port's page, now that the port is known.
      let unbound = try await Self.send(
        port: port,
        Self.request(
          "POST", "/api/memos", host: here, token: token, origin: "http://127.0.0.1", json: memo))
      #expect(unbound.status == 403, "\(unbound)")
      let missing = try await Self.send(
        port: port, Self.request("POST", "/api/memos", host: here, token: token, json: memo))
      #expect(missing.status == 403, "\(missing)")
      #expect(try harness.events() == events)
      let written = try await Self.send(
        port: port,
        Self.request(
          "POST", "/api/memos", host: here, token: token, origin: "http://\(here)", json: memo))
      #expect(written.status == 201, "\(written)")
    }
    #expect(try harness.events() == events + 1)
    try harness.expectVerifies()
  }

  @Test("over a real socket too, a doubled slash does not skip the token or the Origin")
  func doubledSlash() async throws {
    let harness = try Harness()
    let events = try harness.events()
    let memo = #"{"about": "\#(harness.entries.koffie.id)", "text": "zonder token"}"#
    try await Self.serving(harness) { port in
      let here = "127.0.0.1:\(port)"
      let read = try await Self.send(
        port: port, Self.request("GET", "//api/study", host: here, token: nil))
      #expect(read.status != 200, "the study was read without a token: \(read)")
      #expect(!read.body.contains("Werkplaats"), "\(read)")
      let write = try await Self.send(
        port: port, Self.request("POST", "//api/memos", host: here, token: nil, json: memo))
      #expect(write.status != 201, "a memo was written without token or Origin: \(write)")
    }
    #expect(try harness.events() == events, "a request without a token changed the journal")
  }
}

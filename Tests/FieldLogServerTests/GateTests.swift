import FieldLogCore
import FieldLogServer
import Foundation
import HTTPTypes
import Testing

/// One request of every route the API has, as the page would send it.
struct Route: Sendable, CustomStringConvertible {
  var method: HTTPRequest.Method
  var path: String
  var json: String?

  var description: String { "\(method) \(path)" }

  static func all(_ entries: Entries, coding: String) -> [Route] {
    let koffie = entries.koffie.id
    return [
      Route(method: .get, path: "/api/study"),
      Route(method: .get, path: "/api/changes"),
      Route(method: .get, path: "/api/networks"),
      Route(method: .get, path: "/api/entries"),
      Route(method: .get, path: "/api/entries/\(koffie)"),
      Route(method: .get, path: "/api/codes"),
      Route(method: .post, path: "/api/codes", json: #"{"name": "nieuw"}"#),
      Route(
        method: .post, path: "/api/codes/rename", json: #"{"code": "nieuw", "name": "nieuwer"}"#),
      Route(
        method: .post, path: "/api/codes/move",
        json: #"{"code": "nieuwer", "parent": "samen leren"}"#),
      Route(
        method: .post, path: "/api/codes/merge", json: #"{"code": "nieuwer", "into": "schuring"}"#),
      Route(method: .get, path: "/api/segments?code=buurtmoeders"),
      Route(
        method: .post, path: "/api/codings",
        json: #"{"entry": "\#(koffie)", "version": 1, "code": "samen leren"}"#),
      Route(method: .get, path: "/api/memos?about=\(koffie)"),
      Route(method: .post, path: "/api/memos", json: #"{"about": "\#(koffie)", "text": "memo"}"#),
      Route(method: .get, path: "/api/compare?a=Sanne%20de%20Vries&b=Ahmed%20Bakkali"),
      Route(method: .post, path: "/api/compare/adopt", json: #"{"coding": "\#(coding)"}"#),
      // Last: the other routes use the coding.
      Route(method: .delete, path: "/api/codings/\(coding)"),
    ]
  }

  var writes: Bool { method != .get && method != .head }
}

/// The gate: the Host allowlist, the token and the Origin check, and the headers every response
/// carries.
@Suite("API: the gate's refusals")
struct GateTests {
  /// A harness with one coding by the other coder (for DELETE and adopt).
  static func harness(port: BoundPort = BoundPort()) throws -> (Harness, String) {
    let harness = try Harness(port: port)
    let coding = try harness.journal.applyCode(
      "buurtmoeders", to: harness.entries.koffie.id, target: .wholeEntry, coder: Harness.other)
    return (harness, coding.id)
  }

  @Test("every route answers the page's own request, with the security headers")
  func everyRouteAnswers() async throws {
    let (harness, coding) = try Self.harness()
    let routes = Route.all(harness.entries, coding: coding)
    try await harness.run { client in
      for route in routes {
        let reply = try await client.send(route.method, route.path, json: route.json)
        #expect([.ok, .created].contains(reply.status), "\(reply)")
        #expect(reply.isJSON, "\(reply)")
        expectSecured(reply)
        #expect(reply.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
      }
    }
    try harness.expectVerifies()
  }

  @Test("a missing or wrong token is a 401 on every route, and nothing is written")
  func token() async throws {
    let (harness, coding) = try Self.harness()
    let routes = Route.all(harness.entries, coding: coding)
    let events = try harness.events()
    let token = harness.token
    let wrong: [Token] = [
      .none, .header("Bearer "), .header("Bearer nope"), .header("Bearer \(token)x"),
      .header("Bearer \(token.dropLast())"), .header("bearer \(token)"),
      .header("Basic \(token)"), .header(token), .header("Bearer  \(token)"),
      .header("Bearer \(token.uppercased())"),
    ]
    try await harness.run { client in
      for route in routes {
        for given in wrong {
          let reply = try await client.send(
            route.method, route.path, json: route.json, token: given)
          try expectError(reply, .unauthorized)
          #expect(reply.headers[.wwwAuthenticate] == "Bearer", "\(reply)")
        }
      }
      // The token is never read from a query string.
      for route in routes {
        let separator = route.path.contains("?") ? "&" : "?"
        let reply = try await client.send(
          route.method, route.path + separator + "token=\(token)", json: route.json, token: .none)
        try expectError(reply, .unauthorized)
      }
      let asQuery = try await client.get("/api/entries?access_token=\(token)", token: .none)
      try expectError(asQuery, .unauthorized)
      // Its message says what to do.
      let missing = try await client.get("/api/entries", token: .none)
      #expect(try missing.error().string("message")?.contains("no token") == true)
      let other = try await client.get("/api/entries", token: .header("Bearer nope"))
      #expect(try other.error().string("message")?.contains("not this server's") == true)
    }
    #expect(try harness.events() == events)
  }

  @Test("a path with a doubled slash does not slip past the token or the Origin check")
  func doubledSlash() async throws {
    let (harness, coding) = try Self.harness()
    let events = try harness.events()
    let routes = Route.all(harness.entries, coding: coding)
    try await harness.run { client in
      for route in routes {
        let path = "/" + route.path
        let reply = try await client.send(route.method, path, json: route.json, token: .none)
        #expect(
          [.unauthorized, .notFound].contains(reply.status),
          "\(route.method) \(path) without a token must be refused, not answered: \(reply)")
      }
      let write = try await client.send(
        .post, "//api/memos",
        json: #"{"about": "\#(harness.entries.koffie.id)", "text": "langs de poort"}"#,
        token: .none, origin: nil)
      #expect(write.status != .created, "a write without token or Origin was taken: \(write)")
    }
    #expect(try harness.events() == events, "a request without a token changed the journal")
  }

  @Test("a foreign Host is a 403 on every route and on the page, even with the token")
  func foreignHost() async throws {
    let (harness, coding) = try Self.harness()
    let routes = Route.all(harness.entries, coding: coding)
    let events = try harness.events()
    try await harness.run { client in
      for host in [
        "evil.example:8123", "evil.example", "127.0.0.1.evil.example", "localhost.evil.example:80",
        "[::1]:8123", "127.0.0.2", "",
      ] {
        for route in routes {
          let reply = try await client.send(route.method, route.path, json: route.json, host: host)
          try expectError(reply, .forbidden)
        }
        for page in ["/", "/app.js", "/app.css"] {
          try expectError(await client.get(page, token: .none, host: host), .forbidden)
        }
      }
      // This machine's names, with or without a port, in any case.
      for host in ["127.0.0.1:8123", "localhost:8123", "LOCALHOST", "127.0.0.1"] {
        let reply = try await client.get("/api/study", host: host)
        #expect(reply.status == .ok, "\(host): \(reply)")
      }
    }
    #expect(try harness.events() == events)
  }

  @Test("a write with a foreign or missing Origin is a 403, and the journal is unchanged")
  func origin() async throws {
    let (harness, coding) = try Self.harness()
    let routes = Route.all(harness.entries, coding: coding).filter(\.writes)
    #expect(routes.count == 8)
    let events = try harness.events()
    let codes = try harness.journal.codes()
    try await harness.run { client in
      for origin in [
        nil, "", "null", "http://evil.example", "http://127.0.0.1.evil.example",
        "https://127.0.0.1", "http://127.0.0.1:9999", "http://localhost:8123", "http://127.0.0.1/",
      ] as [String?] {
        for route in routes {
          let reply = try await client.send(
            route.method, route.path, json: route.json, origin: origin)
          try expectError(reply, .forbidden)
        }
      }
      // Reads need none.
      #expect(try await client.get("/api/codes").status == .ok)
      // The page's own origins are taken.
      for origin in ["http://127.0.0.1", "http://localhost"] {
        let reply = try await client.post(
          "/api/memos", #"{"about": "\#(harness.entries.koffie.id)", "text": "\#(origin)"}"#,
          origin: origin)
        #expect(reply.status == .created, "\(reply)")
      }
    }
    #expect(try harness.events() == events + 2)
    #expect(try harness.journal.codes() == codes)
    #expect(try harness.journal.codings(ofEntry: harness.entries.koffie.id).count == 1)
    try harness.expectVerifies()
  }

  @Test("once the port is bound, only that port's origins may write")
  func boundPort() async throws {
    let (harness, coding) = try Self.harness(port: BoundPort(8123))
    let routes = Route.all(harness.entries, coding: coding).filter(\.writes)
    let events = try harness.events()
    let koffie = harness.entries.koffie.id
    try await harness.run { client in
      for origin in ["http://127.0.0.1", "http://localhost", "http://127.0.0.1:8124"] {
        for route in routes {
          try expectError(
            await client.send(route.method, route.path, json: route.json, origin: origin),
            .forbidden)
        }
      }
      for origin in ["http://127.0.0.1:8123", "http://localhost:8123"] {
        let reply = try await client.post(
          "/api/memos", #"{"about": "\#(koffie)", "text": "via \#(origin)"}"#, origin: origin)
        #expect(reply.status == .created, "\(reply)")
      }
    }
    #expect(try harness.events() == events + 2)
    try harness.expectVerifies()
  }

  @Test("the page and its files need no token, carry the security headers and no study data")
  func pages() async throws {
    let harness = try Harness()
    try await harness.run { client in
      let page = try await client.get("/", token: .none)
      #expect(page.status == .ok)
      #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
      expectSecured(page)
      #expect(!page.text.contains("Holendrecht"))
      #expect(!page.text.contains(harness.token))
      for file in ["/app.js", "/app.css"] {
        let reply = try await client.get(file, token: .none)
        #expect(reply.status == .ok, "\(reply)")
        expectSecured(reply)
      }
      // Any other path needs the token, whether a route or not: nothing is told without it.
      try expectError(await client.get("/nergens", token: .none), .unauthorized)
      try expectError(await client.get("/nergens"), .notFound)
    }
  }
}

import FieldLogCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import Logging
import NIOCore

/// The hub's HTTP API (docs/hub.md, "The API"). Every route needs `Authorization: Bearer TOKEN` of
/// a member of the study it names; every refusal is JSON `{"error": "..."}` with its status.
public struct HubServer: Sendable {
  public let store: HubStore

  /// The largest request body (a push of whole transactions); a bigger one gets 413.
  public static let maxBody = 128 * 1024 * 1024
  /// Events in one pull page, about (whole transactions may make it more).
  public static let pageEvents = 2_000

  public init(store: HubStore) { self.store = store }

  public func router() -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    let studies = router.group("v1/studies/:study")
    studies.get("feeds") { request, context in
      try await answer {
        let (study, member) = try await authenticate(request, context)
        return try json(
          StateReply(
            study: study, member: member.name, role: member.role,
            feeds: try await store.feeds(study: study)))
      }
    }
    studies.post("feeds/:feed/events") { request, context in
      try await answer {
        let (study, member) = try await authenticate(request, context)
        let body = try await decode(PushBody.self, request)
        let feed = context.parameters.get("feed") ?? ""
        var key: Data?
        if let hex = body.publicKey {
          guard let bytes = Data(hexString: hex), bytes.count == 32 else {
            throw HubError(422, "public_key is not 32 bytes of hex")
          }
          key = bytes
        }
        return try json(
          try await store.push(
            study: study, member: member, feed: feed, publicKey: key, events: body.events,
            relay: body.relay == true, proof: body.proof.flatMap { Data(hexString: $0) }))
      }
    }
    studies.post("pull") { request, context in
      try await answer {
        let (study, _) = try await authenticate(request, context)
        let body = try await decode(PullBody.self, request)
        let limit = min(max(body.limit ?? Self.pageEvents, 1), HubStore.maxBatchEvents)
        return try json(
          try await store.pull(
            study: study,
            after: body.feeds.reduce(into: [:]) { $0[$1.key.lowercased()] = $1.value },
            limit: limit))
      }
    }
    return router
  }

  private func authenticate(_ request: Request, _ context: BasicRequestContext) async throws
    -> (String, HubMember)
  {
    let study = context.parameters.get("study") ?? ""
    return (study, try await store.authenticate(token: request.headers.bearer?.token, study: study))
  }

  private func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
    var request = request
    let buffer: ByteBuffer
    do {
      buffer = try await request.collectBody(upTo: Self.maxBody)
    } catch {
      throw HubError(413, "the request is larger than \(Self.maxBody / 1024 / 1024) MiB")
    }
    do {
      return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
    } catch {
      throw HubError(422, "the request body is not the JSON this route takes: \(error)")
    }
  }
}

/// Runs a route, turning a refusal into its JSON answer.
private func answer(_ body: () async throws -> Response) async throws -> Response {
  do {
    return try await body()
  } catch let error as HubError {
    return (try? json(["error": error.message], status: .init(code: error.status)))
      ?? Response(status: .internalServerError)
  } catch {
    return
      (try? json(
        ["error": "the hub failed: \(HubStore.reason(error))"], status: .internalServerError))
      ?? Response(status: .internalServerError)
  }
}

private func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.sortedKeys]
  let data = try encoder.encode(value)
  return Response(
    status: status, headers: [.contentType: "application/json; charset=utf-8"],
    body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

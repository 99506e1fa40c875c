import FieldLogCLI
import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// `fieldlog push`, `pull` and `sync` run this program (it lies beside `fieldlog`): the same
/// commands, with an HTTP client plugged in.
struct FoundationTransport: HubTransport {
  /// A first push may take minutes on a slow line: allow five for a request (URLSession's default
  /// on Linux is one minute, whatever the request says).
  static let session: URLSession = {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = 300
    configuration.timeoutIntervalForResource = 3600
    return URLSession(configuration: configuration)
  }()

  func send(method: String, url: URL, token: String, body: Data?) throws -> (
    status: Int, body: Data
  ) {
    var request = URLRequest(url: url, timeoutInterval: 300)
    request.httpMethod = method
    request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
    if let body {
      request.httpBody = body
      request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    }
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var outcome: Result<(Int, Data), any Error> = .failure(URLError(.unknown))
    Self.session.dataTask(with: request) { data, response, error in
      if let error {
        outcome = .failure(error)
      } else {
        outcome = .success(((response as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data()))
      }
      done.signal()
    }.resume()
    done.wait()
    let (status, data) = try outcome.get()
    return (status, data)
  }
}

HubLink.transport = FoundationTransport()
FieldLog.runMain()

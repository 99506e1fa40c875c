import Foundation
import Testing

/// `fieldlog serve` end to end: the real binaries, a real socket, a real browser.
@Suite(.serialized) struct WorkspaceTests {
  /// A running `fieldlog serve` and the link it printed.
  final class Server {
    let process = Process()
    let link: String
    let port: Int
    let token: String

    init(_ sandbox: Sandbox, _ arguments: [String] = []) throws {
      let cli = try CLI.require()
      let output = sandbox.url("serve.out")
      FileManager.default.createFile(atPath: output.path, contents: nil)
      process.executableURL = cli.binary
      process.arguments = ["serve", "--journal", sandbox.journal.path] + arguments
      process.environment = Processes.baseEnvironment
      process.standardOutput = try FileHandle(forWritingTo: output)
      process.standardError = FileHandle(forWritingAtPath: "/dev/null")
      try process.run()
      var printed = ""
      for _ in 0..<200 where !printed.contains("\n") {
        Thread.sleep(forTimeInterval: 0.05)
        printed = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
      }
      link = printed.trimmingCharacters(in: .whitespacesAndNewlines)
      let parts = link.wholeMatch(of: /http:\/\/127\.0\.0\.1:(\d+)\/#token=([0-9a-f]{64})/)
      guard let parts, let port = Int(parts.1) else {
        process.terminate()
        throw CommandFailureInTest("fieldlog serve printed no link: '\(printed)'")
      }
      self.port = port
      token = String(parts.2)
    }

    /// Ctrl-C, as a person stops it; returns the exit status, or nil when it did not stop
    /// within ten seconds (it is then killed).
    func interrupt() -> Int32? {
      kill(process.processIdentifier, SIGINT)
      for _ in 0..<200 where process.isRunning { Thread.sleep(forTimeInterval: 0.05) }
      guard !process.isRunning else {
        kill(process.processIdentifier, SIGKILL)
        return nil
      }
      return process.terminationStatus
    }

    deinit { if process.isRunning { process.terminate() } }
  }

  struct CommandFailureInTest: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
  }

  /// An HTTP request through Python's urllib: status, headers (lower-case names) and body.
  static func request(
    _ url: String, method: String = "GET", headers: [String: String] = [:], body: String? = nil
  ) throws -> (status: Int, headers: [String: String], body: String) {
    let python = try #require(Paths.python3, "python3 is needed")
    let script = """
      import json, sys, urllib.request, urllib.error
      spec = json.load(sys.stdin)
      data = spec["body"].encode() if spec["body"] is not None else None
      request = urllib.request.Request(spec["url"], data=data, method=spec["method"], headers=spec["headers"])
      try:
          response = urllib.request.urlopen(request, timeout=10)
      except urllib.error.HTTPError as error:
          response = error
      print(json.dumps({"status": response.status, "headers": {k.lower(): v for k, v in response.headers.items()}, "body": response.read().decode()}))
      """
    let spec = try JSONSerialization.data(withJSONObject: [
      "url": url, "method": method, "headers": headers, "body": body as Any? ?? NSNull(),
    ])
    let result = try Processes.run(python, ["-c", script], stdin: spec)
    try #require(result.status == 0, "\(result)")
    let json = try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any]
    return (
      json?["status"] as? Int ?? 0, json?["headers"] as? [String: String] ?? [:],
      json?["body"] as? String ?? ""
    )
  }

  @Test(
    "fieldlog serve runs fieldlog-serve: it prints a link with a token, listens on 127.0.0.1 only, and the API needs the token"
  )
  func serveFromTheCLI() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let id = try #require(
      try sandbox.addObservation("Een buurvrouw brengt een tas langs 👩‍👩‍👧.")["id"]?.string)
    let server = try Server(sandbox)
    let base = "http://127.0.0.1:\(server.port)"

    // The socket is bound to the loopback address, not to every address.
    let table = try String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)
    var listening: [String] = []
    for line in table.split(separator: "\n") {
      let columns = line.split(separator: " ").map(String.init)
      if columns.count > 3, columns[3] == "0A" { listening.append(columns[1]) }
    }
    let hexPort = String(format: "%04X", server.port)
    #expect(listening.contains("0100007F:\(hexPort)"), "\(listening)")
    #expect(!listening.contains("00000000:\(hexPort)"), "listens on every address")

    let page = try Self.request(base + "/")
    #expect(page.status == 200)
    #expect(page.headers["content-security-policy"]?.contains("default-src 'self'") == true)
    #expect(!page.body.contains("Een buurvrouw"), "the page itself holds no study data")

    let refused = try Self.request(base + "/api/entries")
    #expect(refused.status == 401, "\(refused)")
    #expect(!refused.body.contains("buurvrouw"))
    let inQuery = try Self.request(base + "/api/entries?token=\(server.token)")
    #expect(inQuery.status == 401, "a token in the query string is not taken")

    let entries = try Self.request(
      base + "/api/entries", headers: ["Authorization": "Bearer \(server.token)"])
    #expect(entries.status == 200, "\(entries)")
    #expect(entries.body.contains(id))

    let rebinding = try Self.request(
      base + "/api/entries",
      headers: [
        "Authorization": "Bearer \(server.token)", "Host": "attacker.example:\(server.port)",
      ])
    #expect(rebinding.status == 403, "\(rebinding)")

    // Ctrl-C stops it cleanly, and the journal is as it was.
    #expect(server.interrupt() == 0)
    let verified = try sandbox.fieldlog(["verify"])
    #expect(verified.status == 0, "\(verified)")
  }

  @Test("fieldlog serve --help shows fieldlog-serve's options; a bad port is refused with exit 64")
  func help() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let help = try sandbox.fieldlog(["serve", "--help"])
    #expect(help.status == 0, "\(help)")
    for option in ["--journal", "--port", "--open", "--include-withheld", "--keys"] {
      #expect(help.stdout.contains(option), "\(option) missing from:\n\(help.stdout)")
    }
    let bad = try sandbox.fieldlog(["serve", "--port", "70000"])
    #expect(bad.status == 64, "\(bad)")
    #expect(bad.stderr.contains("70000") && bad.stderr.contains("1-65535"), "\(bad.stderr)")
    // (sandbox.fieldlog would add its own --journal after this one.)
    let missing = try sandbox.cli.run(["serve", "--journal", sandbox.url("none.sqlite").path])
    #expect(missing.status == 66, "\(missing)")
    #expect(missing.stderr.contains("no journal at"), "\(missing.stderr)")
  }

  /// Tests/Browser/workspace_test.py in headless Chromium: highlighting and coding with real mouse
  /// and keyboard actions, checked with `fieldlog show --json`.
  @Test("the workspace in real headless Chromium (Tests/Browser/workspace_test.py)")
  func browser() throws {
    let cli = try CLI.require()
    let python = try #require(Paths.python3, "python3 is needed")
    var missing: [String] = []
    if Processes.which("chromium") == nil { missing.append("chromium (apt-get install chromium)") }
    if Processes.which("chromedriver") == nil {
      missing.append("chromedriver (apt-get install chromium-driver)")
    }
    if try Processes.run(python, ["-c", "import selenium"]).status != 0 {
      missing.append("selenium (pip install selenium==4.35.0)")
    }
    guard missing.isEmpty else {
      let message = "the browser test needs " + missing.joined(separator: ", ")
      // CI installs them (.ci/run): there, their absence is a failure, not a skip.
      if ProcessInfo.processInfo.environment["CI"] != nil {
        Issue.record(Comment(rawValue: message))
      } else {
        print("workspace browser test skipped: \(message)")
      }
      return
    }
    let sandbox = try Sandbox()
    let shots = sandbox.url("screenshots")
    try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
    let result = try Processes.run(
      python,
      [
        Paths.packageRoot.appendingPathComponent("Tests/Browser/workspace_test.py").path,
        cli.binary.deletingLastPathComponent().path, shots.path,
      ])
    #expect(result.status == 0, "\(result)")
  }
}

import Foundation
import Testing

/// What a finished child process left behind.
struct ProcessResult: Sendable, CustomStringConvertible {
  var status: Int32
  var stdoutData: Data
  var stderrData: Data

  var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
  var stderr: String { String(decoding: stderrData, as: UTF8.self) }
  /// Standard output without the final line break.
  var output: String {
    var text = stdout
    while text.hasSuffix("\n") { text.removeLast() }
    return text
  }

  var description: String {
    "exit \(status)\n--- stdout ---\n\(stdout)\n--- stderr ---\n\(stderr)"
  }
}

/// Runs programs with their output captured in files (never pipes, so a chatty child cannot deadlock
/// against a full pipe buffer, and no pipe end can leak into a concurrently started child).
enum Processes {
  /// The environment every child gets: the test runner's, without anything that would make fieldlog
  /// pick a journal or an editor on its own, in a UTF-8 locale.
  static var baseEnvironment: [String: String] {
    var environment = ProcessInfo.processInfo.environment
    for key in ["FIELDLOG_JOURNAL", "VISUAL", "EDITOR"] { environment.removeValue(forKey: key) }
    environment["LANG"] = "C.UTF-8"
    environment["LC_ALL"] = "C.UTF-8"
    environment["PYTHONIOENCODING"] = "utf-8"
    environment["SHELL"] = "/bin/sh"
    // Signing keys go to a folder of this test run, never to the user's ~/.config.
    environment["XDG_CONFIG_HOME"] = configHome
    return environment
  }

  /// One configuration folder for the whole test run: keys are per feed, so journals never share one.
  static let configHome: String = {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("fieldlog-test-config-\(ProcessInfo.processInfo.processIdentifier)")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.path
  }()

  static func run(
    _ executable: URL, _ arguments: [String], stdin: Data? = nil, env: [String: String] = [:],
    currentDirectory: URL? = nil
  ) throws -> ProcessResult {
    let scratch = FileManager.default.temporaryDirectory
      .appendingPathComponent("fieldlog-cli-io-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }

    let outURL = scratch.appendingPathComponent("stdout")
    let errURL = scratch.appendingPathComponent("stderr")
    let inURL = scratch.appendingPathComponent("stdin")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let outHandle = try FileHandle(forWritingTo: outURL)
    let errHandle = try FileHandle(forWritingTo: errURL)
    var inHandle: FileHandle?
    if let stdin {
      try stdin.write(to: inURL)
      inHandle = try FileHandle(forReadingFrom: inURL)
    }
    defer {
      try? outHandle.close()
      try? errHandle.close()
      try? inHandle?.close()
    }

    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    var environment = baseEnvironment
    environment.merge(env) { _, new in new }
    process.environment = environment
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
    process.standardOutput = outHandle
    process.standardError = errHandle
    // Never the test runner's own stdin: on a terminal that would open a real editor.
    process.standardInput = inHandle ?? FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()

    return ProcessResult(
      status: process.terminationStatus,
      stdoutData: (try? Data(contentsOf: outURL)) ?? Data(),
      stderrData: (try? Data(contentsOf: errURL)) ?? Data())
  }

  /// `value` quoted for /bin/sh.
  static func shellQuoted(_ value: String) -> String {
    "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  /// The first executable called `name` on PATH (or in the usual places).
  static func which(_ name: String) -> URL? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let folders =
      path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin", "/bin"]
    for folder in folders where !folder.isEmpty {
      let candidate = URL(fileURLWithPath: folder).appendingPathComponent(name)
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
  }
}

/// Where things are: the package, its examples, schemas and tools, and the external programs.
enum Paths {
  /// The package root: the nearest folder above this file that holds Package.swift.
  static let packageRoot: URL = {
    var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while folder.path != "/" {
      if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path)
      {
        return folder
      }
      folder.deleteLastPathComponent()
    }
    // Tests/FieldLogCLITests/Support/CLI.swift: three folders up.
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
  }()

  static let amsterdamStudy = packageRoot.appendingPathComponent(
    "Examples/werkplaats-amsterdam.yaml")
  static let geldersevalleiStudy = packageRoot.appendingPathComponent(
    "Examples/gelderse-vallei.yaml")
  static let entrySchema = packageRoot.appendingPathComponent("Schemas/entry.schema.json")
  static let studySchema = packageRoot.appendingPathComponent("Schemas/study.schema.json")
  static func schema(_ name: String) -> URL {
    packageRoot.appendingPathComponent("Schemas/\(name).schema.json")
  }
  static let validateJSON = packageRoot.appendingPathComponent("Tests/Tools/validate-json.py")
  static let verifyJournal = packageRoot.appendingPathComponent("Tests/Tools/verify-journal.py")
  /// The RDA maDMP 1.2 JSON Schema the project wrote from the standard's field list.
  static let madmpSchema = packageRoot.appendingPathComponent(
    "Tests/FieldLogCLITests/Fixtures/madmp/maDMP-schema-1.2.json")

  static let sqlite3 = executable("sqlite3", preferred: "/usr/bin/sqlite3")
  static let script = executable("script", preferred: "/usr/bin/script")
  static let python3 = executable("python3", preferred: nil)
  static let sha256sum = executable("sha256sum", preferred: "/usr/bin/sha256sum")

  private static func executable(_ name: String, preferred: String?) -> URL? {
    if let preferred, FileManager.default.isExecutableFile(atPath: preferred) {
      return URL(fileURLWithPath: preferred)
    }
    return Processes.which(name)
  }
}

/// The `fieldlog` binary under test.
struct CLI: Sendable {
  let binary: URL

  /// The binary `swift test` built next to the test bundle, found once.
  static let located: Result<CLI, LocateError> = locate()

  struct LocateError: Error, CustomStringConvertible {
    var searched: [String]
    var description: String {
      "the fieldlog binary was not found; run 'swift build' first (or set FIELDLOG_BINARY). "
        + "Looked in: " + searched.joined(separator: ", ")
    }
  }

  /// Finds the binary: $FIELDLOG_BINARY; else next to the running test executable (on Linux
  /// `swift test` runs `.build/<triple>/debug/fieldlogPackageTests.xctest`, whose folder also holds
  /// `fieldlog`; on macOS the `.xctest` bundle sits in that folder, so its ancestors are searched too);
  /// else `.build/debug/fieldlog` under the package root found from #filePath.
  static func locate() -> Result<CLI, LocateError> {
    var searched: [String] = []
    func usable(_ url: URL) -> Bool {
      var isDirectory: ObjCBool = false
      searched.append(url.path)
      return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
        && !isDirectory.boolValue && FileManager.default.isExecutableFile(atPath: url.path)
    }
    if let explicit = ProcessInfo.processInfo.environment["FIELDLOG_BINARY"], !explicit.isEmpty {
      let url = URL(fileURLWithPath: explicit)
      if usable(url) { return .success(CLI(binary: url)) }
    }
    var starts: [URL] = []
    if let executable = Bundle.main.executableURL { starts.append(executable) }
    if let first = CommandLine.arguments.first, first.hasPrefix("/") {
      starts.append(URL(fileURLWithPath: first))
    }
    starts.append(Bundle.main.bundleURL.appendingPathComponent("placeholder"))
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
      starts.append(bundle.bundleURL)
    }
    for start in starts {
      // The executable's own folder, then up to four folders above it (.xctest/Contents/MacOS/...).
      var folder = start.deletingLastPathComponent()
      for _ in 0..<5 {
        let candidate = folder.appendingPathComponent("fieldlog")
        if usable(candidate) { return .success(CLI(binary: candidate)) }
        if folder.path == "/" { break }
        folder.deleteLastPathComponent()
      }
    }
    for relative in [".build/debug/fieldlog", ".build/release/fieldlog"] {
      let candidate = Paths.packageRoot.appendingPathComponent(relative)
      if usable(candidate) { return .success(CLI(binary: candidate)) }
    }
    return .failure(LocateError(searched: searched))
  }

  /// The located binary, or a test failure that says where it was looked for.
  static func require(sourceLocation: SourceLocation = #_sourceLocation) throws -> CLI {
    switch located {
    case .success(let cli): return cli
    case .failure(let error):
      Issue.record(Comment(rawValue: error.description), sourceLocation: sourceLocation)
      throw error
    }
  }

  /// Runs `fieldlog args...`; stdin is /dev/null unless given.
  func run(
    _ args: [String], stdin: Data? = nil, env: [String: String] = [:], currentDirectory: URL? = nil
  ) throws -> ProcessResult {
    try Processes.run(binary, args, stdin: stdin, env: env, currentDirectory: currentDirectory)
  }

  /// Runs `fieldlog args...` on a pseudo-terminal (util-linux `script`), so that stdin is a terminal and
  /// the editor path is taken. stdout and stderr arrive merged, with CRLF line ends (the terminal's).
  /// `typed` is typed at the terminal, for fieldlog or its editor to read; `columns` sets the
  /// terminal's width first (`stty cols`), as a narrow terminal window would.
  func runOnTerminal(
    _ args: [String], env: [String: String] = [:], typed: String? = nil, columns: Int? = nil
  ) throws
    -> ProcessResult
  {
    let script = try #require(
      Paths.script, "util-linux 'script' is needed to run fieldlog on a pseudo-terminal")
    let commandLine =
      (columns.map { "stty cols \($0) rows 24 && " } ?? "")
      + ([binary.path] + args).map(Processes.shellQuoted).joined(separator: " ")
    var result = try Processes.run(
      script, ["-qec", commandLine, "/dev/null"], stdin: typed.map { Data($0.utf8) }, env: env)
    result.stdoutData = Data(
      result.stdout.replacingOccurrences(of: "\r\n", with: "\n").utf8)
    return result
  }
}

import ArgumentParser
import FieldLogCore
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension FieldLog {
  /// `fieldlog serve`: runs `fieldlog-serve`, which lies beside `fieldlog`, the way git runs its
  /// sub-programs; the HTTP server lives there so that `fieldlog` (and `add`'s start) stays lean.
  struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "serve",
      abstract: "Read, code and compare coders in the browser (the coding workspace).",
      discussion: """
        Runs fieldlog-serve from the folder fieldlog is in, with these arguments: \
        [--journal J] [--port N] [--open] [--keys K] [--include-withheld] [--allow-word W]. \
        It listens on 127.0.0.1 only and prints the link to open (http://127.0.0.1:PORT/#token=...). \
        'fieldlog serve --help' shows its own help.
        """)

    @Argument(parsing: .captureForPassthrough, help: "The options of fieldlog-serve.")
    var arguments: [String] = []

    func run() throws {
      try Sibling.exec("fieldlog-serve", arguments)
    }
  }
}

/// The programs that lie beside `fieldlog` and that it runs the way git runs its sub-programs, so
/// that heavy dependencies (an HTTP server, an HTTP client) stay out of `fieldlog` and `add`'s start.
enum Sibling {
  /// Replaces this process with the sibling `name`, passing `arguments`; returns only by throwing.
  static func exec(_ name: String, _ arguments: [String]) throws {
    let program = path(name)
    guard FileManager.default.isExecutableFile(atPath: program) else {
      throw CommandFailure(
        message: "\(name) is not beside fieldlog (looked for '\(program)')",
        hint: "it is built with fieldlog ('swift build' builds both); install it in the same "
          + "folder as fieldlog", exitCode: 66)
    }
    fflush(nil)
    let argv = ([program] + arguments).map { strdup($0) } + [nil]
    execv(program, argv)
    throw FieldLogError.io(
      "cannot run '\(program)': \(String(cString: strerror(errno)))")
  }

  /// `name` in the folder of this executable (symbolic links resolved).
  static func path(_ name: String) -> String {
    let me =
      Bundle.main.executableURL?.resolvingSymlinksInPath()
      ?? URL(fileURLWithPath: CommandLine.arguments[0])
    return me.deletingLastPathComponent().appendingPathComponent(name).path
  }
}

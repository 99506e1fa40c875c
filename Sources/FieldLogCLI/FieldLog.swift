import ArgumentParser
import FieldLogCore
import Foundation

/// The `fieldlog` command: a fieldwork logger for participatory action research.
public struct FieldLog: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "fieldlog",
    abstract:
      "Log, find and verify participatory action-research fieldwork in an append-only journal.",
    discussion: """
      The journal is one SQLite file: --journal PATH, else $FIELDLOG_JOURNAL, else \
      ./fieldlog.sqlite.

      Exit codes: 0 ok, 1 failure (e.g. verify found damage), 64 usage, 65 bad input data, \
      66 journal or file not found, 74 I/O error.
      """,
    version: "0.1.0",
    subcommands: [
      Init.self, Add.self, List.self, Show.self, Search.self, Amend.self, Retract.self,
      Unretract.self, History.self, Redact.self, Participant.self, Consent.self, Keys.self,
      Code.self, Memo.self,
      Report.self, AgreementCommand.self, Export.self, Import.self, Verify.self, Rebuild.self,
      StudyCommand.self, Feeds.self, Merge.self, Conflicts.self, Snapshot.self,
      CheckpointCommand.self, Coder.self, Serve.self, Push.self, Pull.self, Sync.self,
      Reflections.self, MemberCheckCommand.self, Retention.self, DMP.self, NetworkCommand.self,
    ]
  )

  public init() {}

  /// Parses the arguments, runs the command, prints any error as `error: ...` and exits with its code.
  public static func runMain(_ arguments: [String]? = nil) -> Never {
    do {
      if arguments == nil { try refuseInvalidUTF8(CommandLine.unsafeArgv, count: CommandLine.argc) }
      if let failure = unknownCommand(in: arguments ?? Array(CommandLine.arguments.dropFirst())) {
        throw failure
      }
      var command = try parseAdd(arguments) ?? parseAsRoot(arguments)
      try command.run()
      Foundation.exit(0)
    } catch let error as FieldLogError {
      Output.error(error.message, hint: error.hint)
      Foundation.exit(error.exitCode)
    } catch let error as CommandFailure {
      Output.error(error.message, hint: error.hint)
      Foundation.exit(error.exitCode)
    } catch {
      let code = exitCode(for: error)
      let text = fullMessage(for: error)
      if code == .success {
        print(text)
      } else if text.hasPrefix("Error: ") {
        Output.stderr("error: " + text.dropFirst("Error: ".count))
      } else if !text.isEmpty {
        Output.stderr(text)
      }
      Foundation.exit(code.rawValue)
    }
  }
}

extension FieldLog {
  /// `add`, run once per note, parsed on its own: parsing from the root builds the argument sets
  /// of every command, and the Swift runtime's first look-ups of their conformances were a quarter
  /// of an `add` (docs/performance.md). Anything `add` alone does not parse (help, a mistake) is
  /// parsed again from the root, so every message stays as it was. Parsing reads nothing.
  private static func parseAdd(_ arguments: [String]?) -> (any ParsableCommand)? {
    let arguments = arguments ?? Array(CommandLine.arguments.dropFirst())
    guard arguments.first == Add.configuration.commandName else { return nil }
    return try? Add.parse(Array(arguments.dropFirst()))
  }

  /// Refuses an argument whose bytes are not UTF-8 (exit 65), naming its option.
  ///
  /// On Linux `CommandLine.arguments` has already replaced such bytes with U+FFFD, which would be
  /// stored as if typed; the raw `argv` still holds them, as a file's bytes would be checked.
  static func refuseInvalidUTF8(
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, count: Int32
  ) throws {
    var previous: String?
    for index in 1..<max(1, Int(count)) {
      guard let raw = argv[index] else { continue }
      guard let argument = String(validatingCString: raw) else {
        let lossy = String(cString: raw)
        let place: String
        if lossy.hasPrefix("--"), let equals = lossy.firstIndex(of: "=") {
          place = "the value of \(lossy[..<equals])"
        } else if lossy.hasPrefix("-") {
          place = "the option '\(lossy)'"
        } else if let previous, previous.hasPrefix("-"), previous != "-", previous != "--" {
          place = "the value of \(previous)"
        } else {
          place = "argument \(index) ('\(lossy)')"
        }
        throw FieldLogError.invalidInput(
          "\(place) is not valid UTF-8; nothing was recorded",
          hint: "fieldlog takes text as UTF-8: convert it (e.g. with iconv -f latin1 -t utf-8), "
            + "or check the terminal's character encoding")
      }
      previous = argument
    }
  }
}

/// A failure the CLI itself detects (an aborted edit, damage found by verify), with its exit code.
struct CommandFailure: Error {
  var message: String
  var hint: String?
  var exitCode: Int32
}

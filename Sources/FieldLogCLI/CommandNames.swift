import ArgumentParser
import FieldLogCore

extension FieldLog {
  /// The refusal of a command name that does not exist (`fieldlog serch`, `fieldlog code aply`,
  /// `fieldlog help nonexist`): a usage error that names it and the closest command, or nil when
  /// every command name in `arguments` is known.
  ///
  /// argument-parser would report "unexpected argument" for a misspelt command, and `help` with an
  /// unknown name prints the root's help and succeeds; a researcher who mistyped deserves better.
  static func unknownCommand(in arguments: [String]) -> CommandFailure? {
    var command: any ParsableCommand.Type = FieldLog.self
    var words = arguments[...]
    while let word = words.first, !word.hasPrefix("-") {
      if word == "help" {
        words = words.dropFirst()
        continue
      }
      let subcommands = command.configuration.subcommands
      guard !subcommands.isEmpty, command.configuration.defaultSubcommand == nil else { return nil }
      if let next = subcommands.first(where: { names(of: $0).contains(word) }) {
        command = next
        words = words.dropFirst()
        continue
      }
      let known = subcommands.map { $0._commandName }
      let path = ([FieldLog._commandName] + arguments.prefix(arguments.count - words.count))
        .filter { $0 != "help" }.joined(separator: " ")
      return CommandFailure(
        message: FieldLogError.unknownName(
          kind: "command", value: word, suggestions: Text.suggestions(for: word, among: known)
        ).message,
        hint: "the commands of '\(path)' are: " + known.joined(separator: ", "),
        exitCode: ExitCode.validationFailure.rawValue)
    }
    return nil
  }

  private static func names(of command: any ParsableCommand.Type) -> [String] {
    [command._commandName] + command.configuration.aliases
  }
}

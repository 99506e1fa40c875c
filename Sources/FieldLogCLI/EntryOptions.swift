import ArgumentParser
import FieldLogCore
import Foundation

/// The inputs `add` and `amend` share: the body's source, the tags and the kind's fields.
struct EntryOptions: ParsableArguments {
  @Argument(help: "'-' to read the body from standard input.")
  var stdin: String?

  @Option(help: "A short title (default: the body's first line).")
  var title: String?
  @Option(help: "The body text.")
  var text: String?
  @Option(help: "Read the body from this UTF-8 file.", completion: .file())
  var file: String?
  @Option(help: "When it happened: 2024-03-12, '2024-03-12 14:30', RFC 3339, today, yesterday.")
  var at: String?
  @Option(help: "The neighbourhood.", completion: Completions.neighbourhoods)
  var neighbourhood: String?
  @Option(help: "The initiative, in that neighbourhood.", completion: Completions.initiatives)
  var initiative: String?
  @Option(help: "A research question id, e.g. RQ1 (repeatable).")
  var question: [String] = []
  @Option(help: "A tag (repeatable).")
  var tag: [String] = []
  @Option(help: "A registered participant's pseudonym, P-017 or P-017:role (repeatable).")
  var participant: [String] = []
  @Option(help: "A participant to register and name, P-018 or P-018:role (repeatable).")
  var newParticipant: [String] = []
  @Option(help: "A kind-specific field, key=value (repeatable).")
  var field: [String] = []
  @Option(help: "The action-research cycle, e.g. C2 (default: the one cycle its day falls in).")
  var cycle: String?
  @Option(help: "The phase of the cycle: plan, act, observe or reflect.")
  var phase: String?

  func validate() throws {
    if let stdin, stdin != "-" {
      throw ValidationError(
        "unexpected argument '\(stdin)'; give '-' to read the body from standard input")
    }
    if [text != nil, file != nil, stdin != nil].filter({ $0 }).count > 1 {
      throw ValidationError("give the body one way: --text, --file or '-'")
    }
    for pair in field where !pair.contains("=") {
      throw ValidationError("the field '\(pair)' needs the form key=value")
    }
  }

  /// The fields as `(key, value)` pairs, in the order given.
  var fieldPairs: [(String, String)] {
    field.map { pair in
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
    }
  }

  /// The body from --text, --file or standard input; nil when none of them was given.
  func body() throws -> String? {
    if let text { return try Text.body(text, source: "--text") }
    if let file { return try Text.body(from: try BodyInput.read(file), source: "'\(file)'") }
    if stdin != nil {
      return try Text.body(from: try BodyInput.readStandardInput(), source: "standard input")
    }
    return nil
  }

  /// What this amends: only what was given changes.
  func changes(body: String?) -> EntryChanges {
    EntryChanges(
      title: title, body: body, neighbourhood: neighbourhood, initiative: initiative,
      questions: question.isEmpty ? nil : question, tags: tag.isEmpty ? nil : tag,
      // --participant replaces the list; --new-participant alone adds to it.
      participants: participant.isEmpty ? nil : participant,
      newParticipants: newParticipant, fields: fieldPairs, occurredAt: at, cycle: cycle,
      phase: phase)
  }

  /// The body is to be written in the editor: none was given and a person is at the terminal.
  static func noBody() -> CommandFailure {
    CommandFailure(
      message: "no body: give --text, --file PATH or '-' for standard input",
      hint: "the editor opens only when standard input is a terminal", exitCode: 64)
  }
}

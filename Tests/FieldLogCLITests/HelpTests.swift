import Foundation
import Testing

@Suite("help")
struct HelpTests {
  static let subcommands = ["init", "add", "list", "show", "search", "verify", "rebuild", "study"]

  @Test("fieldlog --help exits 0 and lists every subcommand")
  func rootHelp() throws {
    let cli = try CLI.require()
    let result = try cli.run(["--help"])
    #expect(result.status == 0, "\(result)")
    let lines = result.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    for name in Self.subcommands {
      #expect(
        lines.contains { $0.hasPrefix(name + " ") }, "\(name) is not listed:\n\(result.stdout)")
    }
    #expect(result.stdout.contains("--journal") || result.stdout.contains("FIELDLOG_JOURNAL"))
  }

  @Test(
    "every subcommand has help, exit 0",
    arguments: subcommands + [
      "study add-neighbourhood",
      "study add-initiative", "study add-question", "study show",
    ])
  func subcommandHelp(command: String) throws {
    let cli = try CLI.require()
    let result = try cli.run(command.split(separator: " ").map(String.init) + ["--help"])
    #expect(result.status == 0, "\(result)")
    #expect(result.stdout.contains("USAGE:"), "\(result)")
  }

  @Test("study --help lists its subcommands; add --help lists the body sources")
  func nestedHelp() throws {
    let cli = try CLI.require()
    let study = try cli.run(["study", "--help"])
    for name in ["show", "add-neighbourhood", "add-initiative", "add-question"] {
      #expect(study.stdout.contains(name), "\(name) missing:\n\(study.stdout)")
    }
    let add = try cli.run(["add", "--help"])
    for option in [
      "--text", "--file", "--field", "--at", "--neighbourhood", "--question", "proximate-knowledge",
    ] {
      #expect(add.stdout.contains(option), "\(option) missing:\n\(add.stdout)")
    }
  }

  @Test("fieldlog --version exits 0")
  func version() throws {
    let result = try CLI.require().run(["--version"])
    #expect(result.status == 0, "\(result)")
    #expect(!result.output.isEmpty)
  }
}

@Suite("unknown commands and help text")
struct CommandNameTests {
  @Test(
    "an unknown command is a usage error (64) that names it and the closest command",
    arguments: [
      (["serch", "koffie"], "serch", "search"), (["lst"], "lst", "list"),
      (["code", "aply", "abcd", "x"], "aply", "apply"), (["help", "verfy"], "verfy", "verify"),
    ])
  func unknownCommand(arguments: [String], typed: String, closest: String) throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let before = try sandbox.state()
    let result = try sandbox.fieldlog(arguments)
    #expect(result.status == 64, "\(result)")
    #expect(result.firstErrorLine.hasPrefix("error: unknown command '\(typed)'"), "\(result)")
    #expect(result.firstErrorLine.contains("did you mean '\(closest)'"), "\(result)")
    #expect(result.stderr.contains("hint: the commands of"), "\(result)")
    #expect(try sandbox.state() == before)
  }

  @Test("'help nonexist' exits 64; 'help list' and 'help code apply' print that help")
  func helpNonexistent() throws {
    let cli = try CLI.require()
    let unknown = try cli.run(["help", "nonexist"])
    #expect(unknown.status == 64, "\(unknown)")
    #expect(unknown.stderr.contains("unknown command 'nonexist'"), "\(unknown)")
    for path in [["list"], ["code", "apply"]] {
      let known = try cli.run(["help"] + path)
      #expect(known.status == 0, "\(known)")
      #expect(known.stdout.contains("USAGE: fieldlog \(path.joined(separator: " "))"), "\(known)")
    }
  }

  /// Every command path, found by reading the SUBCOMMANDS section of each help text.
  static func allCommands(_ cli: CLI) throws -> [[String]] {
    var found: [[String]] = []
    var queue: [[String]] = [[]]
    while let path = queue.first {
      queue.removeFirst()
      found.append(path)
      let help = try cli.run(path + ["--help"]).stdout
      guard let section = help.range(of: "SUBCOMMANDS:\n") else { continue }
      for line in help[section.upperBound...].split(
        separator: "\n", omittingEmptySubsequences: false)
      {
        guard line.hasPrefix("  ") else { break }
        if line.hasPrefix("   ") { continue }  // a wrapped abstract
        let name = line.split(separator: " ").first.map(String.init) ?? ""
        if name != "help" { queue.append(path + [name]) }
      }
    }
    return found
  }

  @Test("help text has no hard line breaks inside a paragraph and no repeated defaults")
  func helpTextFlows() throws {
    let cli = try CLI.require()
    let commands = try Self.allCommands(cli)
    try #require(commands.count > 30, "only \(commands.count) commands found")
    let width = 80
    for path in commands {
      let result = try cli.run(path + ["--help"], env: ["COLUMNS": "\(width)"])
      try #require(result.status == 0, "\(path): \(result)")
      let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        .map(String.init)
      for (line, next) in zip(lines, lines.dropFirst()) {
        let text = line.trimmingCharacters(in: .whitespaces)
        let following = next.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, !following.isEmpty, !following.hasPrefix("-"),
          !text.hasSuffix(":"), !text.hasSuffix("."), !line.hasPrefix("USAGE")
        else { continue }
        // Where `line`'s text continues: after a name column ("  --tag <tag>   A tag."), or its
        // own indentation.
        let indent = line.prefix { $0 == " " }.count
        var continuation = indent
        let nameColumn = #/^\s+\S+(?: <[^>]+>)?(?:, \S+(?: <[^>]+>)?)?\s{2,}(?=\S)/#
        if let match = line.firstMatch(of: nameColumn) {
          continuation = match.output.count
        }
        guard next.prefix(while: { $0 == " " }).count == continuation else { continue }
        let word = following.split(separator: " ").first.map(String.init) ?? ""
        // argument-parser keeps lines shorter than the width: a word that would have made the
        // line `width` long or longer was rightly moved on
        let command = path.joined(separator: " ")
        #expect(
          line.count + 1 + word.count >= width,
          "a hard line break in 'fieldlog \(command) --help':\n\(line)\n\(next)")
      }
      // One "(default ...)" per option at most
      var block = ""
      for line in lines + ["  -"] {
        if line.trimmingCharacters(in: .whitespaces).hasPrefix("-") || line.isEmpty {
          #expect(
            block.components(separatedBy: "default").count <= 2,
            "a repeated default in 'fieldlog \(path.joined(separator: " ")) --help':\n\(block)")
          block = ""
        }
        block += line + "\n"
      }
    }
  }

  @Test("add --help lists each kind's fields, as the README's table does")
  func addHelpListsFields() throws {
    let readme = try String(
      contentsOf: Paths.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let rows = readme.split(separator: "\n").filter {
      $0.trimmingCharacters(in: .whitespaces).hasPrefix("| ")
    }
    let help = try CLI.require().run(["add", "--help"])
    try #require(help.status == 0, "\(help)")
    // The help as one line, so a wrapped list reads as one
    let flat = help.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
      .joined(separator: " ")
    var kinds = 0
    for row in rows {
      let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty }
      guard cells.count >= 2,
        ["observation", "network-conversation", "interview", "nabije-kennis"].contains(cells[0])
      else { continue }
      kinds += 1
      // The field names are the README's `code` words outside parentheses
      let names = cells[1].replacing(#/\([^)]*\)/#, with: "")
      let fields = names.matches(of: #/`([a-z-]+)`/#).map { String($0.output.1) }
      try #require(!fields.isEmpty, "\(row)")
      let start = try #require(
        flat.range(of: " \(cells[0]): "), "\(cells[0]) missing:\n\(help.stdout)")
      let line = flat[start.upperBound...].prefix { $0 != "." }
      for field in fields {
        #expect(line.contains(field), "\(cells[0]) lacks \(field): \(line)")
      }
    }
    #expect(kinds == 4, "the README's table of kinds was not found")
  }
}

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

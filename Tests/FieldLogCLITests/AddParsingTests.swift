import Foundation
import Testing

/// `add` is parsed on its own, without the rest of the command tree (docs/performance.md); what it
/// cannot parse so is parsed from the root again, so its messages are those of every other command.
@Suite struct AddParsingTests {
  @Test(
    "a mistake in add's arguments is reported as from the root: the usage names fieldlog add",
    arguments: [
      ["add", "--resume", "observation"], ["add", "observation", "--kleur", "rood", "--text", "x"],
      ["add"], ["add", "observation", "--text", "x", "--file", "y"],
    ])
  func mistakes(arguments: [String]) throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let before = try sandbox.state()
    let result = try sandbox.fieldlog(arguments)
    #expect(result.status == 64, "\(result)")
    #expect(result.stderr.hasPrefix("error: "), "\(result)")
    #expect(result.stderr.contains("Usage: fieldlog add"), "\(result)")
    #expect(try sandbox.state() == before)
  }

  @Test("add --help and --version answer as before")
  func helpAndVersion() throws {
    let sandbox = try Sandbox()
    let help = try sandbox.cli.run(["add", "--help"])
    #expect(help.status == 0, "\(help)")
    #expect(help.stdout.contains("USAGE: fieldlog add"), "\(help)")
    let version = try sandbox.cli.run(["--version"])
    #expect(version.status == 0 && version.stdout.contains("0.1.0"), "\(version)")
  }
}

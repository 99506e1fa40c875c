import Foundation
import Testing

/// Arguments reach fieldlog as bytes; bytes that are not UTF-8 are refused (65) naming the option,
/// as the same bytes in a file are, instead of being stored as U+FFFD.
@Suite("arguments that are not UTF-8 are refused") struct ArgumentBytesTests {
  /// Runs `fieldlog args... --journal J` with every `@BAD@` in an argument replaced by the Latin-1
  /// byte 0xE9 (Python passes the bytes on with execv; Foundation's Process takes only strings).
  static func run(_ sandbox: Sandbox, _ args: [String]) throws -> ProcessResult {
    let script = """
      import os, sys
      args = [a.encode().replace(b'@BAD@', b'\\xe9') for a in sys.argv[1:]]
      os.execv(args[0], args)
      """
    return try sandbox.python(
      ["-c", script, sandbox.cli.binary.path] + args + ["--journal", sandbox.journal.path])
  }

  static let place = ["--neighbourhood", "Holendrecht", "--question", "RQ1"]

  @Test("each option and argument that carries text names itself; nothing is recorded")
  func refusedNamingTheOption() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let entry = try sandbox.addObservation("Koffie in de buurtkamer.")
    let id = try #require(entry["id"]?.string)
    let cases: [([String], String)] = [
      (["add", "observation", "--text", "Caf@BAD@"] + Self.place, "the value of --text"),
      (["add", "observation", "--text=Caf@BAD@"] + Self.place, "the value of --text"),
      (["add", "observation", "--text", "x", "--title", "Caf@BAD@"] + Self.place, "--title"),
      (["add", "observation", "--text", "x", "--tag", "caf@BAD@"] + Self.place, "--tag"),
      (
        ["add", "observation", "--text", "x", "--field", "setting=caf@BAD@"] + Self.place, "--field"
      ),
      (["amend", id, "--reason", "r@BAD@", "--text", "Nieuw."], "--reason"),
      (["code", "define", "caf@BAD@"], "argument 3"),
      (["code", "apply", id, "caf@BAD@"], "argument 4"),
      (["memo", "add", "--about", id, "memo @BAD@"], "argument 5"),
      (["keys", "add", "P-017", "--name", "Ren@BAD@e"], "--name"),
      (
        ["keys", "add", "P-017", "--name", "Renee", "--keys", sandbox.dir.path + "/k@BAD@.sqlite"],
        "--keys"
      ),
    ]
    let before = try sandbox.state()
    for (args, named) in cases {
      let result = try Self.run(sandbox, args)
      #expect(result.status == 65, "\(args): \(result)")
      #expect(
        result.stderr.hasPrefix("error: ") && result.stderr.contains(named)
          && result.stderr.contains("not valid UTF-8"), "\(args): \(result)")
    }
    #expect(try sandbox.state() == before)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: sandbox.dir.path)
      .filter { $0.hasPrefix("k") && $0.hasSuffix(".sqlite") }
    #expect(leftovers.isEmpty, "\(leftovers)")
  }

  @Test("the same arguments in UTF-8 are recorded as typed")
  func utf8PassesUnchanged() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let result = try Self.run(
      sandbox, ["add", "observation", "--text", "Café één", "--json"] + Self.place)
    #expect(result.status == 0, "\(result)")
    #expect(try JSON.parse(result.stdoutData)["body"]?.string == "Café één")
  }
}

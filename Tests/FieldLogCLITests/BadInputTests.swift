import Foundation
import Testing

/// A command that must be refused without changing the journal.
struct BadInput: Sendable, CustomTestStringConvertible {
  /// Content for a file the case needs, written into the test's folder.
  enum Content: Sendable {
    case bytes([UInt8])
    case repeated(UInt8, count: Int)

    var data: Data {
      switch self {
      case .bytes(let bytes): return Data(bytes)
      case .repeated(let byte, let count): return Data(repeating: byte, count: count)
      }
    }
  }

  var name: String
  /// Arguments; `{dir}` stands for the test's folder.
  var args: [String]
  var files: [String: Content] = [:]
  var stdin: Content?
  var status: Int32
  /// Text the error output must contain (it names the offending value); `{dir}` as above.
  var mentions: [String]
  /// The exact first line of stderr, when it is specified.
  var firstLine: String?

  var testDescription: String { name }

  static let limit = 10 * 1024 * 1024

  static func add(_ extra: [String], kind: String = "observation") -> [String] {
    ["add", kind, "--neighbourhood", "Holendrecht", "--question", "RQ1"] + extra
  }

  static let all: [BadInput] = [
    BadInput(
      name: "unknown neighbourhood",
      args: [
        "add", "observation", "--text", "x", "--neighbourhood", "Holendrech", "--question", "RQ1",
      ],
      status: 65, mentions: ["'Holendrech'"],
      firstLine: "error: unknown neighbourhood 'Holendrech'; did you mean 'Holendrecht'?"),
    BadInput(
      name: "unknown research question",
      args: [
        "add", "observation", "--text", "x", "--neighbourhood", "Holendrecht", "--question", "RQ9",
      ],
      status: 65, mentions: ["'RQ9'"]),
    BadInput(
      name: "unknown kind",
      args: [
        "add", "observatoin", "--text", "x", "--neighbourhood", "Holendrecht",
        "--question", "RQ1",
      ],
      status: 65, mentions: ["'observatoin'", "'observation'"]),
    BadInput(
      name: "impossible date", args: add(["--text", "x", "--at", "2024-02-30"]), status: 65,
      mentions: ["'2024-02-30'"]),
    BadInput(
      name: "not a time", args: add(["--text", "x", "--at", "gisteren"]), status: 65,
      mentions: ["'gisteren'"]),
    BadInput(
      name: "invalid UTF-8 file", args: add(["--file", "{dir}/latin1.txt"]),
      files: ["latin1.txt": .bytes([0x43, 0x61, 0x66, 0xFF, 0xFE])], status: 65,
      mentions: ["{dir}/latin1.txt", "UTF-8"]),
    BadInput(
      name: "invalid UTF-8 on stdin", args: add(["-"]), stdin: .bytes([0xFF, 0xFE]), status: 65,
      mentions: ["standard input", "UTF-8"]),
    BadInput(
      name: "file with a NUL byte", args: add(["--file", "{dir}/nul.txt"]),
      files: ["nul.txt": .bytes([0x61, 0x00, 0x62])], status: 65,
      mentions: ["{dir}/nul.txt", "NUL"]),
    BadInput(
      name: "stdin with a NUL byte", args: add(["-"]), stdin: .bytes([0x61, 0x00, 0x62]),
      status: 65,
      mentions: ["standard input", "NUL"]),
    BadInput(
      name: "file over 10 MiB", args: add(["--file", "{dir}/big.txt"]),
      files: ["big.txt": .repeated(0x61, count: limit + 1)], status: 65,
      mentions: ["{dir}/big.txt", "10485760"]),
    BadInput(
      name: "stdin over 10 MiB", args: add(["-"]), stdin: .repeated(0x61, count: limit + 1),
      status: 65,
      mentions: ["standard input", "10485760"]),
    BadInput(
      name: "unknown field for the kind", args: add(["--text", "x", "--field", "mood=good"]),
      status: 65,
      mentions: ["'mood'"]),
    BadInput(
      name: "a field of another kind",
      args: add(["--text", "x", "--field", "holder=P-001"], kind: "interview"), status: 65,
      mentions: ["'holder'"]),
    BadInput(
      name: "non-numeric duration-minutes",
      args: add(["--text", "x", "--field", "duration-minutes=drie kwartier"]), status: 65,
      mentions: ["'drie kwartier'"]),
    BadInput(
      name: "negative duration-minutes",
      args: add(["--text", "x", "--field", "duration-minutes=-5"]),
      status: 65, mentions: ["'-5'"]),
    BadInput(
      name: "unknown consent",
      args: add(["--text", "x", "--field", "consent=misschien"], kind: "interview"),
      status: 65, mentions: ["'misschien'"]),
    BadInput(
      name: "unknown network role",
      args: add(["--text", "x", "--field", "roles=client,cousin"], kind: "network-conversation"),
      status: 65, mentions: ["'cousin'"]),
    BadInput(
      name: "follow-up that is not a date",
      args: add(["--text", "x", "--field", "follow-up=2024-13-01"], kind: "network-conversation"),
      status: 65, mentions: ["'2024-13-01'"]),
    BadInput(
      name: "language that is not a tag",
      args: add(["--text", "x", "--field", "language=Nederlands"], kind: "interview"), status: 65,
      mentions: ["'Nederlands'"]),
    BadInput(
      name: "initiative of another neighbourhood",
      args: add(["--text", "x", "--initiative", "Voedselpunt De Gedeelde Tafel"]), status: 65,
      mentions: ["'Voedselpunt De Gedeelde Tafel'", "'Jan van Maijenbuurt'"]),
    BadInput(
      name: "unknown initiative", args: add(["--text", "x", "--initiative", "Buurtkamer De Brg"]),
      status: 65, mentions: ["'Buurtkamer De Brg'"]),
    BadInput(
      name: "a real name as participant",
      args: add(["--text", "x", "--participant", "Jan Jansen"]),
      status: 65, mentions: ["'Jan Jansen'"]),
    BadInput(
      name: "a title with a line break", args: add(["--text", "x", "--title", "twee\nregels"]),
      status: 65, mentions: ["title"]),
    BadInput(
      name: "a title over 200 characters",
      args: add(["--text", "x", "--title", String(repeating: "é", count: 201)]),
      status: 65, mentions: ["201"]),
    BadInput(
      name: "a tag with '|'", args: add(["--text", "x", "--tag", "koffie|thee"]), status: 65,
      mentions: ["'koffie|thee'"]),
    BadInput(
      name: "a participant named twice",
      args: add(["--text", "x", "--participant", "P-017", "--participant", "P-017:buurtmoeder"]),
      status: 65,
      mentions: ["'P-017'"]),
    BadInput(
      name: "an unknown role in a network conversation",
      args: add(["--text", "x", "--participant", "P-017:oom"], kind: "network-conversation"),
      status: 65,
      mentions: ["'oom'"]),
    BadInput(
      name: "a field given twice",
      args: add(["--text", "x", "--field", "setting=a", "--field", "Setting=b"]),
      status: 65, mentions: ["'setting'"]),
    BadInput(
      name: "an empty field", args: add(["--text", "x", "--field", "setting= "]), status: 65,
      mentions: ["'setting'"]),
    BadInput(
      name: "empty --text", args: add(["--text", ""]), status: 65, mentions: ["body is empty"]),
    BadInput(
      name: "blank stdin", args: add(["-"]), stdin: .bytes(Array(" \n\t\r\n".utf8)), status: 65,
      mentions: ["body is empty"]),
    BadInput(
      name: "empty file", args: add(["--file", "{dir}/empty.txt"]),
      files: ["empty.txt": .bytes([])],
      status: 65, mentions: ["body is empty"]),
    BadInput(
      name: "missing body file", args: add(["--file", "{dir}/missing.txt"]), status: 66,
      mentions: ["{dir}/missing.txt"]),
    BadInput(
      name: "a folder as body file", args: add(["--file", "{dir}"]), status: 65, mentions: ["{dir}"]
    ),
    BadInput(
      name: "usage: two body sources", args: add(["--text", "a", "--file", "b"]), status: 64,
      mentions: ["--text"]),
    BadInput(
      name: "usage: --text and stdin", args: add(["--text", "a", "-"]),
      stdin: .bytes(Array("b".utf8)),
      status: 64, mentions: ["--text"]),
    BadInput(
      name: "usage: --field without =", args: add(["--text", "a", "--field", "setting"]),
      status: 64,
      mentions: ["'setting'"]),
    BadInput(
      name: "usage: a stray argument", args: add(["--text", "a", "extra"]), status: 64,
      mentions: ["'extra'"]),
  ]
}

@Suite("bad input changes nothing")
struct BadInputTests {
  @Test("refused with the right exit code and a message naming the value", arguments: BadInput.all)
  func refused(_ bad: BadInput) throws {
    // Given a journal with one entry
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    try sandbox.addObservation("Een eerdere notitie")
    for (name, content) in bad.files {
      try sandbox.write(name, content.data)
    }
    let before = try sandbox.state()
    let dir = sandbox.dir.path

    // When the bad command runs
    let result = try sandbox.fieldlog(
      bad.args.map { $0.replacingOccurrences(of: "{dir}", with: dir) }, stdin: bad.stdin?.data)

    // Then it is refused with its exit code and a message naming the value
    #expect(result.status == bad.status, "\(result)")
    #expect(result.stderr.hasPrefix("error: "), "\(result)")
    for text in bad.mentions {
      let expected = text.replacingOccurrences(of: "{dir}", with: dir)
      #expect(result.stderr.contains(expected), "stderr does not mention \(expected): \(result)")
    }
    if let firstLine = bad.firstLine {
      #expect(result.firstErrorLine == firstLine)
    }
    #expect(result.stdout.isEmpty, "\(result)")
    // And the journal is exactly as it was
    #expect(try sandbox.state() == before)
  }

  @Test("control: the snapshot used above does see a change that a good command makes")
  func snapshotSeesChanges() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let before = try sandbox.state()
    let added = try sandbox.fieldlog(
      ["study", "add-question", "RQ9", "--text", "Een vraag die niets in de lijst verandert"])
    try #require(added.status == 0, "\(added)")
    let after = try sandbox.state()
    #expect(after != before)
    #expect(after.dump != before.dump)
  }

  @Test("no journal: exit 66 with a hint to run fieldlog init, and no file is created")
  func noJournal() throws {
    let sandbox = try Sandbox()
    for args in [
      ["list"], ["show", "abcd"], ["verify"], ["rebuild"], ["study", "show"],
      ["add", "observation", "--text", "x", "--neighbourhood", "Holendrecht", "--question", "RQ1"],
    ] {
      let result = try sandbox.fieldlog(args)
      #expect(result.status == 66, "\(args): \(result)")
      #expect(
        result.firstErrorLine == "error: no journal at '\(sandbox.journal.path)'", "\(result)")
      #expect(result.stderr.contains("hint: "), "\(result)")
      #expect(result.stderr.contains("fieldlog init"), "\(result)")
      #expect(!FileManager.default.fileExists(atPath: sandbox.journal.path), "\(args) created it")
    }
    // Also when the path comes from FIELDLOG_JOURNAL
    let viaEnvironment = try sandbox.cli.run(
      ["list"], env: ["FIELDLOG_JOURNAL": sandbox.journal.path], currentDirectory: sandbox.dir)
    #expect(viaEnvironment.status == 66, "\(viaEnvironment)")
    #expect(viaEnvironment.stderr.contains("fieldlog init"), "\(viaEnvironment)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: sandbox.dir.path).isEmpty)
  }

  @Test(
    "a file that is not a fieldlog journal: exit 65, and the file is left alone",
    arguments: ["text", "empty", "foreign-sqlite"])
  func notAJournal(kind: String) throws {
    let sandbox = try Sandbox()
    switch kind {
    case "text":
      try sandbox.write("journal.sqlite", text: "Dit is geen database.\n")
    case "empty":
      try sandbox.write("journal.sqlite", Data())
    default:
      _ = try sandbox.query("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('hallo');")
    }
    let before = try Data(contentsOf: sandbox.journal)
    for args in [
      ["list"], ["verify"], ["rebuild"],
      ["add", "observation", "--text", "x", "--neighbourhood", "Holendrecht", "--question", "RQ1"],
    ] {
      let result = try sandbox.fieldlog(args)
      #expect(result.status == 65, "\(args): \(result)")
      #expect(
        result.stderr.hasPrefix("error: '\(sandbox.journal.path)' is not a fieldlog journal"),
        "\(result)")
      #expect(try Data(contentsOf: sandbox.journal) == before, "\(args) changed the file")
      #expect(!FileManager.default.fileExists(atPath: sandbox.journal.path + "-wal"))
    }
  }

  @Test("a folder given as the journal: exit 65")
  func folderAsJournal() throws {
    let sandbox = try Sandbox()
    let result = try sandbox.fieldlog(["list"], journal: sandbox.dir)
    #expect(result.status == 65, "\(result)")
    #expect(result.stderr.hasPrefix("error: "), "\(result)")
  }

  @Test("an unknown subcommand or option is a usage error (64)")
  func usageErrors() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    for args in [
      ["lijst"], ["list", "--kleur", "rood"], ["show"], ["study", "add-question", "RQ9"],
    ] {
      let result = try sandbox.fieldlog(args)
      #expect(result.status == 64, "\(args): \(result)")
      #expect(result.stderr.hasPrefix("error: "), "\(args): \(result)")
    }
  }
}

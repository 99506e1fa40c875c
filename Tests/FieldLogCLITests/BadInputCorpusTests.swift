import Foundation
import Testing

/// One case of the bad-input corpus, `Tests/Fixtures/bad-input/NAME.case`; that folder's README.md
/// describes the format.
struct CorpusCase: Sendable {
  /// Bytes for a file or standard input.
  enum Source: Sendable, Equatable {
    /// A data file next to the case.
    case sibling(String)
    /// `count` copies of one byte, made when the case runs (nothing that large is committed).
    case repeated(UInt8, count: Int)
    /// Bytes written in the case itself.
    case literal([UInt8])

    func data(in folder: URL) throws -> Data {
      switch self {
      case .sibling(let name): return try Data(contentsOf: folder.appendingPathComponent(name))
      case .repeated(let byte, let count): return Data(repeating: byte, count: count)
      case .literal(let bytes): return Data(bytes)
      }
    }
  }

  /// The journal a case starts from.
  enum Start: Sendable, Equatable {
    /// `init` from the Amsterdam example study, its usual participants, and one observation.
    case seeded
    /// No journal at all.
    case none
    /// This file in place of the journal.
    case file(Source)
  }

  var name: String
  var args: [String] = []
  var status: Int32 = 0
  var mentions: [String] = []
  var firstLine: String?
  var stdin: Source?
  var files: [(path: String, source: Source)] = []
  var start: Start = .seeded
  var before: [[String]] = []
  var sql: [String] = []
  var readOnly: [String] = []
  /// Bytes left free on the small file system the sandbox then lives on.
  var diskFree: Int?

  /// The data files this case names.
  var siblings: [String] {
    var names: [String] = []
    for source in [stdin].compactMap({ $0 }) + files.map(\.source) {
      if case .sibling(let name) = source { names.append(name) }
    }
    if case .file(.sibling(let name)) = start { names.append(name) }
    return names
  }

  struct FormatError: Error, CustomStringConvertible {
    var description: String
  }

  static let documentedStatuses: Set<Int32> = [1, 64, 65, 66, 74]

  /// Parses a case file; a mistake in it is an error naming the file and line, never a skip.
  static func parse(_ text: String, name: String) throws -> CorpusCase {
    var result = CorpusCase(name: name)
    var seen: Set<String> = []
    for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false)
      .enumerated()
    {
      let place = "\(name).case line \(index + 1)"
      func fail(_ problem: String) -> FormatError {
        FormatError(description: "\(place): \(problem)")
      }
      let line = rawLine.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      guard let colon = line.firstIndex(of: ":") else { throw fail("not 'key: value'") }
      let key = String(line[..<colon])
      let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      let repeatable: Set = ["mentions", "file", "before", "sql", "read-only"]
      guard seen.insert(key).inserted || repeatable.contains(key) else {
        throw fail("'\(key)' given twice")
      }
      func words() throws -> [String] {
        try Words.split(value).map { bytes in
          guard let string = String(bytes: bytes, encoding: .utf8) else {
            throw fail("an argument must be valid UTF-8 (put such bytes in a file or stdin)")
          }
          return string
        }
      }
      func one() throws -> String {
        let list = try words()
        guard list.count == 1 else { throw fail("'\(key)' takes one value, not \(list.count)") }
        return list[0]
      }
      do {
        switch key {
        case "args": result.args = try words()
        case "status":
          guard let status = Int32(value), documentedStatuses.contains(status) else {
            throw fail("the status '\(value)' is not a documented exit code")
          }
          result.status = status
        case "mentions": result.mentions.append(try one())
        case "first-line": result.firstLine = try one()
        case "stdin": result.stdin = try source(value)
        case "file":
          guard let equals = value.firstIndex(of: "=") else { throw fail("not 'PATH = SOURCE'") }
          let path = value[..<equals].trimmingCharacters(in: .whitespaces)
          guard !path.isEmpty, !path.hasPrefix("/"), !path.split(separator: "/").contains("..")
          else { throw fail("the path '\(path)' must stay inside the sandbox") }
          result.files.append(
            (
              path,
              try source(value[value.index(after: equals)...].trimmingCharacters(in: .whitespaces))
            ))
        case "journal":
          switch value {
          case "seeded": result.start = .seeded
          case "none": result.start = .none
          default: result.start = .file(try source(value))
          }
        case "before": result.before.append(try words())
        case "sql": result.sql.append(value)
        case "read-only":
          let path = try one()
          guard !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
            throw fail("the path '\(path)' must stay inside the sandbox")
          }
          result.readOnly.append(path)
        case "disk-free": result.diskFree = try size(value)
        default: throw fail("unknown key '\(key)'")
        }
      } catch let error as Words.QuoteError {
        throw fail(error.description)
      } catch let error as FormatError where !error.description.hasPrefix(place) {
        throw fail(error.description)
      }
    }
    let place = "\(name).case"
    if result.args.isEmpty { throw FormatError(description: "\(place): 'args' is missing") }
    if result.status == 0 { throw FormatError(description: "\(place): 'status' is missing") }
    if result.mentions.isEmpty {
      throw FormatError(description: "\(place): give at least one 'mentions' (the value named)")
    }
    if result.diskFree != nil && result.start != .seeded {
      throw FormatError(description: "\(place): 'disk-free' needs the seeded journal")
    }
    return result
  }

  /// `@NAME`, `repeat SIZE BYTE` or a quoted string.
  static func source(_ text: String) throws -> Source {
    if text.hasPrefix("@") {
      let name = String(text.dropFirst())
      guard !name.isEmpty, !name.contains("/") else {
        throw FormatError(description: "'\(text)' must name a file next to the case")
      }
      return .sibling(name)
    }
    if text.hasPrefix("repeat ") {
      let parts = text.split(separator: " ")
      guard parts.count >= 3, let last = parts.last, last.hasPrefix("0x"),
        let byte = UInt8(last.dropFirst(2), radix: 16)
      else { throw FormatError(description: "'\(text)' is not 'repeat SIZE 0xHH'") }
      return .repeated(byte, count: try size(parts.dropFirst().dropLast().joined(separator: " ")))
    }
    let words = try Words.split(text)
    guard words.count == 1, let first = text.first, first == "\"" || first == "'" else {
      throw FormatError(
        description: "'\(text)' is not @FILE, 'repeat SIZE 0xHH' or a quoted string")
    }
    return .literal(words[0])
  }

  /// `N`, `N KiB` or `N MiB`.
  static func size(_ text: String) throws -> Int {
    let parts = text.split(separator: " ")
    let units = ["": 1, "KiB": 1024, "MiB": 1024 * 1024]
    guard (1...2).contains(parts.count), let number = Int(parts[0]), number >= 0,
      let unit = units[parts.count == 2 ? String(parts[1]) : ""]
    else { throw FormatError(description: "'\(text)' is not a size like 20 MiB") }
    return number * unit
  }
}

/// Splits a line into words as /bin/sh does for simple quoting: white space separates words, '...'
/// is literal, "..." knows the escapes \" \\ \n \t \r \0 and \xHH (any byte).
enum Words {
  struct QuoteError: Error, CustomStringConvertible {
    var description: String
  }

  static func split(_ text: String) throws -> [[UInt8]] {
    var words: [[UInt8]] = []
    var word: [UInt8] = []
    var inWord = false
    var scalars = text.unicodeScalars[...]
    func append(_ scalar: Unicode.Scalar) { word.append(contentsOf: Array(String(scalar).utf8)) }
    while let scalar = scalars.popFirst() {
      switch scalar {
      case " ", "\t":
        if inWord { words.append(word) }
        word = []
        inWord = false
      case "'":
        inWord = true
        guard let end = scalars.firstIndex(of: "'") else {
          throw QuoteError(description: "a ' is never closed")
        }
        word.append(contentsOf: Array(String(String.UnicodeScalarView(scalars[..<end])).utf8))
        scalars = scalars[scalars.index(after: end)...]
      case "\"":
        inWord = true
        var closed = false
        while let inner = scalars.popFirst() {
          if inner == "\"" {
            closed = true
            break
          }
          guard inner == "\\" else {
            append(inner)
            continue
          }
          switch scalars.popFirst() {
          case "\""?: word.append(UInt8(ascii: "\""))
          case "\\"?: word.append(UInt8(ascii: "\\"))
          case "n"?: word.append(0x0A)
          case "t"?: word.append(0x09)
          case "r"?: word.append(0x0D)
          case "0"?: word.append(0x00)
          case "x"?:
            let digits = String(String.UnicodeScalarView(scalars.prefix(2)))
            guard digits.count == 2, let byte = UInt8(digits, radix: 16) else {
              throw QuoteError(description: "\\x needs two hex digits")
            }
            word.append(byte)
            scalars = scalars.dropFirst(2)
          case let other:
            throw QuoteError(description: "unknown escape \\\(other.map(String.init) ?? "")")
          }
        }
        guard closed else { throw QuoteError(description: "a \" is never closed") }
      default:
        inWord = true
        append(scalar)
      }
    }
    if inWord { words.append(word) }
    return words
  }
}

/// The corpus folder and its cases.
enum Corpus {
  static let folder = Paths.packageRoot.appendingPathComponent("Tests/Fixtures/bad-input")

  /// The case names (file names without `.case`), sorted; found when the tests are listed.
  static let names: [String] = {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return files.filter { $0.hasSuffix(".case") }.map { String($0.dropLast(".case".count)) }
      .sorted()
  }()

  static func load(_ name: String) throws -> CorpusCase {
    let url = folder.appendingPathComponent(name + ".case")
    return try CorpusCase.parse(String(contentsOf: url, encoding: .utf8), name: name)
  }
}

/// Runs a program the tests need for a special environment; a failure is a failed test, not a skip.
private func require(
  _ program: String, _ arguments: [String], for purpose: String,
  sourceLocation: SourceLocation = #_sourceLocation
) throws {
  let url = try #require(
    Processes.which(program), "'\(program)' is needed for \(purpose)",
    sourceLocation: sourceLocation)
  let result = try Processes.run(url, arguments)
  let command = ([program] + arguments).joined(separator: " ")
  let why = "(the corpus runs as root, as CI does)"
  try #require(
    result.status == 0, "\(command) failed, so \(purpose) cannot be set up \(why): \(result)",
    sourceLocation: sourceLocation)
}

/// What the journal is, as far as a command could change it.
///
/// The bytes of the journal file and of its -wal and -journal files (a missing -wal equals an empty
/// one: neither holds a frame), read first, before anything else opens the journal; then a full
/// `sqlite3 .dump` and what `fieldlog list --json` shows (or the error each gives); and the names
/// of the files in the sandbox, so that a stray temporary or partial output file is seen too. The
/// -shm file is left out: it is an index of the -wal, rebuilt by whoever opens the journal next.
private struct Snapshot: Equatable {
  var journal: Data?
  var wal: Data
  var rollback: Data
  var files: [String]
  var dump: String
  var list: String

  init(_ sandbox: Sandbox) throws {
    let path = sandbox.journal.path
    journal = FileManager.default.contents(atPath: path)
    wal = FileManager.default.contents(atPath: path + "-wal") ?? Data()
    rollback = FileManager.default.contents(atPath: path + "-journal") ?? Data()
    let shared = [
      sandbox.journal.lastPathComponent + "-shm", sandbox.journal.lastPathComponent + "-wal",
    ]
    var listing: [String] = []
    if let walker = FileManager.default.enumerator(atPath: sandbox.dir.path) {
      for case let name as String in walker where !shared.contains(name) { listing.append(name) }
    }
    files = listing.sorted()
    // sqlite3 would create a missing file: only an existing journal is dumped.
    dump = journal == nil ? "no journal" : try sandbox.sqlite(".dump").description
    list = try sandbox.fieldlog(["list", "--json"]).description
  }

  /// What differs, for the failure message.
  func differences(from other: Snapshot) -> String {
    var parts: [String] = []
    if journal != other.journal {
      parts.append("the journal's bytes (\(journal?.count ?? -1) -> \(other.journal?.count ?? -1))")
    }
    if wal != other.wal { parts.append("the -wal (\(wal.count) -> \(other.wal.count) bytes)") }
    if rollback != other.rollback { parts.append("the -journal file") }
    if files != other.files { parts.append("the files: \(files) -> \(other.files)") }
    if dump != other.dump { parts.append("the SQL dump") }
    if list != other.list { parts.append("list --json: \(list) -> \(other.list)") }
    return parts.joined(separator: "; ")
  }
}

@Suite("bad-input corpus (Tests/Fixtures/bad-input)")
struct BadInputCorpusTests {
  @Test("the corpus is there, every case parses, and every data file belongs to a case")
  func corpusIsWhole() throws {
    #expect(Corpus.names.count >= 50, "only \(Corpus.names.count) cases in \(Corpus.folder.path)")
    var named: Set<String> = ["README.md"]
    for name in Corpus.names {
      let corpusCase = try Corpus.load(name)
      for sibling in corpusCase.siblings {
        #expect(
          FileManager.default.fileExists(
            atPath: Corpus.folder.appendingPathComponent(sibling).path),
          "\(name).case names @\(sibling), which is not there")
        named.insert(sibling)
      }
    }
    let present = try FileManager.default.contentsOfDirectory(atPath: Corpus.folder.path)
    let orphans = present.filter { !$0.hasSuffix(".case") && !named.contains($0) }
    #expect(orphans.isEmpty, "data files no case names: \(orphans.sorted())")
  }

  @Test("the case format: quoting, escapes, sizes and sources")
  func format() throws {
    #expect(
      try Words.split(#"a 'b c' "d\"e" "\xff\0" f"g h"i"#)
        == [
          Array("a".utf8), Array("b c".utf8), Array("d\"e".utf8), [0xFF, 0], Array("fg hi".utf8),
        ])
    #expect(throws: Words.QuoteError.self) { try Words.split("'open") }
    #expect(try CorpusCase.size("20 MiB") == 20 * 1024 * 1024)
    #expect(try CorpusCase.source("repeat 3 KiB 0x61") == .repeated(0x61, count: 3072))
    #expect(try CorpusCase.source("@x.bin") == .sibling("x.bin"))
    let parsed = try CorpusCase.parse(
      "# comment\nargs: list --tag 'a b'\nstatus: 65\nmentions: \"'a b'\"\n", name: "t")
    #expect(parsed.args == ["list", "--tag", "a b"])
    #expect(parsed.mentions == ["'a b'"])
    for broken in [
      "args: list\nstatus: 3\nmentions: x", "args: list\nstatus: 65", "status: 65\nmentions: x",
      "args: list\nstatus: 65\nmentions: x\nsetup: other",
      "args: list\nargs: list\nstatus: 65\nmentions: x",
    ] {
      #expect(throws: CorpusCase.FormatError.self, "\(broken)") {
        try CorpusCase.parse(broken, name: "t")
      }
    }
  }

  @Test("control: the snapshot sees what a good command or a stray file changes")
  func snapshotSeesChanges() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let before = try Snapshot(sandbox)
    #expect(try Snapshot(sandbox) == before, "two snapshots of an unchanged journal differ")
    try sandbox.addObservation("Een goede notitie")
    let added = try Snapshot(sandbox)
    #expect(added.journal != before.journal)
    #expect(added.dump != before.dump)
    #expect(added.list != before.list)
    try sandbox.write("entries.csv.partial", text: "id,kind\n")
    #expect(try Snapshot(sandbox).files != added.files)
  }

  @Test(
    "refused with its exit code, an error naming the value, no crash, and the journal unchanged",
    arguments: Corpus.names)
  func refused(_ name: String) throws {
    let bad = try Corpus.load(name)
    let sandbox = try Sandbox()
    let dir = sandbox.dir.path
    var mounted = false
    var immutable: [String] = []
    var filler: String?
    // Whatever happens, the sandbox is left removable (this also keeps it alive until then).
    defer {
      for path in immutable.reversed() { _ = try? require("chattr", ["-i", path], for: "cleanup") }
      if let filler { try? FileManager.default.removeItem(atPath: filler) }
      if mounted { _ = try? require("umount", [sandbox.dir.path], for: "cleanup") }
    }

    // Given the journal the case starts from
    if bad.diskFree != nil {
      try require(
        "mount", ["-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", dir],
        for: "a small file system that fills up")
      mounted = true
    }
    var entry = ""
    switch bad.start {
    case .seeded:
      try sandbox.initJournal()
      entry = try #require(
        try sandbox.addObservation("Twaalf bewoners bij de koffieochtend in de buurtkamer.")["id"]?
          .string)
    case .none:
      break
    case .file(let source):
      try sandbox.write(sandbox.journal.lastPathComponent, source.data(in: Corpus.folder))
    }
    func expand(_ text: String) -> String {
      text.replacingOccurrences(of: "{dir}", with: dir)
        .replacingOccurrences(of: "{journal}", with: sandbox.journal.path)
        .replacingOccurrences(of: "{entry}", with: entry)
    }
    for command in bad.before {
      let result = try sandbox.fieldlog(command.map(expand))
      try #require(result.status == 0, "before: \(command) failed: \(result)")
    }
    for statement in bad.sql { _ = try sandbox.query(expand(statement)) }
    for (path, source) in bad.files {
      let url = sandbox.url(path)
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try source.data(in: Corpus.folder).write(to: url)
    }
    for path in bad.readOnly where path.hasSuffix("/") {
      try FileManager.default.createDirectory(
        at: sandbox.url(path), withIntermediateDirectories: true)
    }
    let stdin = try bad.stdin?.data(in: Corpus.folder)
    let before = try Snapshot(sandbox)

    // And the environment it needs
    for path in bad.readOnly {
      let url = path == "." ? sandbox.dir : sandbox.url(path)
      try require("chattr", ["+i", url.path], for: "a read-only '\(path)'")
      immutable.append(url.path)
    }
    if let free = bad.diskFree {
      let available = try #require(
        try FileManager.default.attributesOfFileSystem(forPath: dir)[.systemFreeSize] as? Int)
      try #require(available > free, "the small file system has only \(available) bytes free")
      let path = sandbox.url("filler").path
      filler = path
      // Written after the first snapshot and removed before the second.
      try #require(
        FileManager.default.createFile(atPath: path, contents: Data(count: available - free)),
        "could not fill the small file system")
      let left = try #require(
        try FileManager.default.attributesOfFileSystem(forPath: dir)[.systemFreeSize] as? Int)
      try #require(abs(left - free) <= 4096, "the file system has \(left) bytes free, not \(free)")
    }

    // When the bad command runs
    let result = try sandbox.fieldlog(bad.args.map(expand), stdin: stdin)

    for path in immutable.reversed() { try require("chattr", ["-i", path], for: "cleanup") }
    immutable = []
    if let path = filler {
      try FileManager.default.removeItem(atPath: path)
      filler = nil
    }

    // Then it is refused with its exit code and a clear message naming the value, without a crash
    #expect(result.status == bad.status, "\(result)")
    #expect(result.stderr.hasPrefix("error: "), "\(result)")
    for text in bad.mentions.map(expand) {
      #expect(result.stderr.contains(text), "stderr does not mention \(text): \(result)")
    }
    if let firstLine = bad.firstLine.map(expand) {
      #expect(result.firstErrorLine == firstLine, "\(result)")
    }
    for crash in ["Fatal error", "Stack dump", "stack trace", "Backtrace", "Program crashed"] {
      #expect(!result.stderr.contains(crash), "\(result)")
    }
    #expect(result.stdout.isEmpty, "\(result)")
    // And the journal, and the folder it is in, are exactly as they were
    let after = try Snapshot(sandbox)
    #expect(after == before, "changed: \(before.differences(from: after))")
  }
}

import Foundation
import Testing

/// `export` says what it cannot do instead of doing something else: a file name with an extension
/// it does not write, and options that contradict each other or the table, are usage errors (64).
@Suite("export: file extensions and contradicting options") struct ExportOptionsTests {
  static func make() throws -> Sandbox {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    try sandbox.addObservation("Koffie in de buurtkamer.")
    return sandbox
  }

  @Test("an extension export does not write is refused listing the formats it writes")
  func unknownExtension() throws {
    let sandbox = try Self.make()
    let before = try sandbox.state()
    for (args, name, writes) in [
      (
        ["export", "entries"], "entries.xlsx",
        ["csv (.csv, .tsv, .txt)", "jsonl (.jsonl, .ndjson)"]
      ),
      (["export", "codings"], "codings.json", ["csv (.csv", "jsonl (.jsonl"]),
      (["export", "qdpx"], "project.zip", ["qdpx (.qdpx)"]),
      (["export", "qdc"], "codes.xml", ["qdc (.qdc)"]),
    ] {
      let file = sandbox.url(name)
      let result = try sandbox.fieldlog(args + ["-o", file.path])
      #expect(result.status == 64, "\(args): \(result)")
      let suffix = "." + file.pathExtension
      #expect(result.stderr.contains("does not write '\(suffix)' files"), "\(args): \(result)")
      for format in writes { #expect(result.stderr.contains(format), "\(args): \(result)") }
      #expect(!FileManager.default.fileExists(atPath: file.path))
    }
    #expect(try sandbox.state() == before)
  }

  @Test("the extension chooses the format unless --format says otherwise")
  func extensionAndFormat() throws {
    let sandbox = try Self.make()
    // .jsonl alone means JSON Lines.
    let lines = sandbox.url("entries.jsonl")
    #expect(try sandbox.fieldlog(["export", "entries", "-o", lines.path]).status == 0)
    let text = try String(contentsOf: lines, encoding: .utf8)
    #expect(text.hasPrefix("{"))
    #expect(try JSON.parse(Data(text.utf8))["kind"] == .string("observation"))
    // --format names the format of a name export would not guess.
    let sheet = sandbox.url("entries.xlsx")
    let forced = try sandbox.fieldlog(["export", "entries", "--format", "csv", "-o", sheet.path])
    #expect(forced.status == 0, "\(forced)")
    #expect(try String(contentsOf: sheet, encoding: .utf8).hasPrefix("id,kind,"))
    // A name whose extension is the other format contradicts --format.
    let wrong = try sandbox.fieldlog(
      ["export", "entries", "--format", "jsonl", "-o", sandbox.url("e.csv").path])
    #expect(wrong.status == 64, "\(wrong)")
    #expect(wrong.stderr.contains("--format jsonl") && wrong.stderr.contains("-o"), "\(wrong)")
    #expect(!FileManager.default.fileExists(atPath: sandbox.url("e.csv").path))
  }

  @Test("a table name is read alike for every table: case and spaces around it do not matter")
  func tableNamesReadAlike() throws {
    let sandbox = try Self.make()
    let entries = try sandbox.fieldlog(["export", " Entries "])
    #expect(entries.status == 0 && entries.stdout.hasPrefix("id,kind,"), "\(entries)")
    let codebook = try sandbox.fieldlog(["export", " QDC "])
    #expect(codebook.status == 0 && codebook.stdout.contains("<CodeBook"), "\(codebook)")
    let project = sandbox.url("p.qdpx")
    let written = try sandbox.fieldlog(["export", "QDPX ", "-o", project.path])
    #expect(written.status == 0, "\(written)")
    #expect(FileManager.default.fileExists(atPath: project.path))
  }

  @Test("options that contradict the table or each other are refused naming both")
  func contradictions() throws {
    let sandbox = try Self.make()
    let before = try sandbox.state()
    let project = sandbox.url("p.qdpx").path
    let codebook = sandbox.url("c.qdc").path
    for (args, named) in [
      (["export", "qdpx", "--format", "jsonl", "-o", project], ["qdpx", "--format"]),
      (["export", "qdpx", "--excel", "-o", project], ["qdpx", "--excel"]),
      (["export", "qdc", "--format", "csv", "-o", codebook], ["qdc", "--format"]),
      (["export", "qdc", "--delimiter", ";"], ["qdc", "--delimiter"]),
      (["export", "entries", "--format", "jsonl", "--excel"], ["--format jsonl", "--excel"]),
      (["export", "codings", "--format", "jsonl", "--bom"], ["--format jsonl", "--bom"]),
      (
        ["export", "memos", "--format", "JSONL", "--delimiter", "\\t"],
        ["--format jsonl", "--delimiter"]
      ),
    ] {
      let result = try sandbox.fieldlog(args)
      #expect(result.status == 64, "\(args): \(result)")
      for name in named { #expect(result.stderr.contains(name), "\(args): \(result)") }
      #expect(result.stdout.isEmpty, "\(args): \(result)")
    }
    #expect(!FileManager.default.fileExists(atPath: project))
    #expect(!FileManager.default.fileExists(atPath: codebook))
    #expect(try sandbox.state() == before)
  }
}

import Foundation
import Testing

/// A `.qdpx` in the forms that QualCoder reads as well as ATLAS.ti, NVivo and MAXQDA: memos as
/// Notes with their text in a file, coding memos as selection descriptions, a participants
/// variable beside the cases, and `--offsets utf16` for tools that count UTF-16 units.
@Suite("export qdpx for QualCoder") struct REFIQDAQualCoderTests {
  /// Reads a `.qdpx` with Python's zipfile and ElementTree: every selection's text under both
  /// counts, the notes with their files, descriptions, NoteRefs and variable values.
  static let reader = """
    import json, sys, zipfile
    import xml.etree.ElementTree as ET
    ns = {'q': 'urn:QDA-XML:project:1.0'}
    z = zipfile.ZipFile(sys.argv[1])
    open(sys.argv[2], 'wb').write(z.read('project.qde'))
    root = ET.fromstring(z.read('project.qde'))
    files = {n[len('sources/'):]: z.read(n).decode('utf-8') for n in z.namelist()}
    variables = {v.get('guid'): v.get('name') for v in root.iterfind('.//q:Variable', ns)}
    out = {'selections': [], 'sources': {}, 'notes': [], 'noterefs': [], 'cases': {}}
    for source in root.iterfind('.//q:Sources/q:TextSource', ns):
        body = files[source.get('plainTextPath')[len('internal://'):]]
        units = body.encode('utf-16-le')
        description = source.find('q:Description', ns)
        values = {}
        for value in source.iterfind('q:VariableValue', ns):
            ref = value.find('q:VariableRef', ns).get('targetGUID')
            values[variables[ref]] = value[1].text or ''
        out['sources'][source.get('guid')] = {
            'description': None if description is None else description.text, 'values': values}
        for s in source.iterfind('q:PlainTextSelection', ns):
            start, end = int(s.get('startPosition')), int(s.get('endPosition'))
            memo = s.find('q:Description', ns)
            out['selections'].append({
                'codepoints': body[start:end],
                'utf16': units[2 * start:2 * end].decode('utf-16-le', errors='replace'),
                'memo': None if memo is None else memo.text})
    for note in root.iterfind('.//q:Notes/q:Note', ns):
        path = note.get('plainTextPath') or ''
        out['notes'].append({'guid': note.get('guid'), 'name': note.get('name'),
            'text': files.get(path[len('internal://'):]),
            'content': note.find('q:PlainTextContent', ns) is not None})
    out['noterefs'] = [r.get('targetGUID') for r in root.iterfind('.//q:NoteRef', ns)]
    for case in root.iterfind('.//q:Cases/q:Case', ns):
        out['cases'][case.get('name')] = [
            r.get('targetGUID') for r in case.iterfind('q:SourceRef', ns)]
    print(json.dumps(out))
    """

  /// Exports the project of `REFIQDATests.make()` with `args`, checks that it is well-formed (and,
  /// where the official XSDs are here, valid: "the project and the codebook validate against the
  /// official REFI-QDA XSDs" reports when they are not), and returns what the reader found and the
  /// export's result.
  static func export(_ sandbox: Sandbox, _ args: [String] = []) throws -> (JSON, ProcessResult) {
    let file = sandbox.url("project\(args.joined()).qdpx")
    let result = try sandbox.fieldlog(["export", "qdpx", "-o", file.path] + args)
    try #require(result.status == 0, "\(result)")
    let qde = sandbox.url("project\(args.joined()).qde")
    let read = try sandbox.python(["-c", reader, file.path, qde.path])
    try #require(read.status == 0, "\(read)")
    let formed = try REFIQDATests.wellFormed(qde)
    #expect(formed.status == 0, "\(formed)")
    if REFIQDATests.schemas != nil {
      let lint = try REFIQDATests.xmllint(qde, schema: "Project-mrt2019.xsd")
      #expect(lint.status == 0, "\(lint)")
    }
    return (try JSON.parse(read.stdoutData), result)
  }

  @Test("--offsets utf16 counts UTF-16 units where an emoji comes before the segment")
  func utf16Offsets() throws {
    let (sandbox, _) = try REFIQDATests.make()
    let (standard, warned) = try Self.export(sandbox)
    let (utf16, noted) = try Self.export(sandbox, ["--offsets", "utf16"])
    let segment = "buurtmoeder helpt"
    // Code points by default, as the standard says; UTF-16 units on request. Each reading of the
    // other file misses the text by the two astral characters of 👍🏾.
    let standardSegments = standard["selections"]?.array?.map { $0["codepoints"] }
    #expect(standardSegments?.contains(.string(segment)) == true, "\(standard)")
    let utf16Segments = utf16["selections"]?.array?.map { $0["utf16"] }
    #expect(utf16Segments?.contains(.string(segment)) == true, "\(utf16)")
    #expect(
      utf16["selections"]?.array?.map { $0["codepoints"] }.contains(.string(segment)) == false)
    #expect(standard["selections"]?.array?.map { $0["utf16"] }.contains(.string(segment)) == false)
    // The whole-entry coding of the other source (no emoji) is the same under both counts.
    #expect(utf16Segments?.contains(.string("Gesprek over de moskee.")) == true)
    // One coded source holds characters beyond U+FFFF: each export says what that means.
    #expect(warned.stderr.contains("1 coded source holds characters beyond U+FFFF"), "\(warned)")
    #expect(warned.stderr.contains("--offsets utf16"))
    #expect(warned.stderr.contains("QualCoder"))
    #expect(noted.stderr.contains("1 coded source holds characters beyond U+FFFF"), "\(noted)")
    #expect(noted.stderr.contains("UTF-16 units"))
  }

  @Test("no warning when no coded source holds characters beyond U+FFFF")
  func noAstralNoWarning() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let entry = try sandbox.add(
      "observation",
      [
        "--text", "Koffie met buren 👍 erbij.", "--neighbourhood", "Holendrecht", "--question",
        "RQ1",
      ])
    let uncoded = try sandbox.fieldlog(["export", "qdpx", "-o", sandbox.url("a.qdpx").path])
    #expect(uncoded.status == 0 && !uncoded.stderr.contains("U+FFFF"), "\(uncoded)")
    let id = try #require(entry["id"]?.string)
    #expect(try sandbox.fieldlog(["code", "apply", id, "samen leren"]).status == 0)
    let coded = try sandbox.fieldlog(["export", "qdpx", "-o", sandbox.url("b.qdpx").path])
    #expect(coded.stderr.contains("1 coded source holds characters beyond U+FFFF"), "\(coded)")
  }

  @Test("a bad --offsets, or --offsets outside qdpx, is a usage error that writes nothing")
  func badOffsets() throws {
    let (sandbox, _) = try REFIQDATests.make()
    let file = sandbox.url("p.qdpx")
    let unknown = try sandbox.fieldlog(["export", "qdpx", "-o", file.path, "--offsets", "utf-8"])
    #expect(unknown.status == 64, "\(unknown)")
    #expect(
      unknown.stderr.contains("unknown offsets 'utf-8'; use utf16 or codepoints"), "\(unknown)")
    let elsewhere = try sandbox.fieldlog(["export", "codings", "--offsets", "utf16"])
    #expect(elsewhere.status == 64, "\(elsewhere)")
    #expect(elsewhere.stderr.contains("--offsets applies to 'export qdpx' only"), "\(elsewhere)")
    #expect(!FileManager.default.fileExists(atPath: file.path))
    let help = try sandbox.fieldlog(["export", "--help"])
    #expect(help.stdout.contains("--offsets") && help.stdout.contains("QualCoder"), "\(help)")
  }

  @Test("memos are Notes in files with unique names; coding memos describe their selections")
  func notes() throws {
    let (sandbox, ids) = try REFIQDATests.make()
    let (found, _) = try Self.export(sandbox)
    let notes = try #require(found["notes"]?.array)
    // make() writes a memo about an entry and one about a code; the coding memo is no Note.
    #expect(notes.count == 2, "\(notes)")
    #expect(
      Set(notes.compactMap { $0["text"]?.string }) == [
        "memo over het verslag", "memo over de code",
      ])
    #expect(notes.allSatisfy { $0["content"] == .bool(false) })
    let names = notes.compactMap { $0["name"]?.string }
    #expect(Set(names).count == notes.count)
    #expect(names.contains { $0.hasPrefix("memo about code: informele steun · ") }, "\(names)")
    #expect(names.contains { $0.hasPrefix("memo about entry: Één & \"café\" <buurt> · ") })
    let guids = Set(notes.compactMap { $0["guid"]?.string })
    let refs = try #require(found["noterefs"]?.array).compactMap(\.string)
    #expect(Set(refs) == guids, "every NoteRef names a Note, and every Note is referred to")
    let memos = try #require(found["selections"]?.array).compactMap { $0["memo"]?.string }
    #expect(memos == ["memo <bij> codering"])
    // The memo about the first entry is also its Description, which QualCoder reads.
    let description = found["sources"]?[ids[0]]?["description"]?.string ?? ""
    #expect(description.hasPrefix("memo over het verslag\n("), "\(found)")
    #expect(found["sources"]?[ids[1]]?["description"] == .null)
  }

  @Test("cases keep their SourceRefs, and each source names its participants in a variable")
  func cases() throws {
    let (sandbox, ids) = try REFIQDATests.make()
    let (found, _) = try Self.export(sandbox)
    #expect(found["cases"]?["P-017"] == .array([.string(ids[0])]), "\(found)")
    #expect(found["sources"]?[ids[0]]?["values"]?["participants"] == .string("P-017"))
    #expect(found["sources"]?[ids[1]]?["values"]?["participants"] == .string(""))
  }
}

import Foundation
import GRDB

@testable import FieldLogCore

/// What every fuzz target shares: a scratch folder and one journal per process, and the checks of
/// the invariant (no crash, no hang, every error a `FieldLogError` a user can act on).
public enum Fuzz {
  /// This process's scratch folder, under `$TMPDIR` (the `run` script sets one of its own).
  public static let folder: String = {
    var template = Array(
      (FileManager.default.temporaryDirectory.path + "/fieldlog-fuzz.XXXXXX").utf8CString)
    guard let made = mkdtemp(&template) else { fatalError("fuzz: cannot make a scratch folder") }
    let path = String(cString: made)
    // Journals may keep keys under $XDG_CONFIG_HOME: never the user's.
    setenv("XDG_CONFIG_HOME", path + "/config", 1)
    return path
  }()

  /// A journal made once per process from the Amsterdam example study; imports into it are
  /// rolled back, so every input meets the same journal.
  public static let journal: Journal = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../../..").standardized
    let studyPath = root.appendingPathComponent("Examples/werkplaats-amsterdam.yaml").path
    do {
      let study = try Study.load(from: studyPath)
      return try Journal.create(at: folder + "/journal.sqlite", study: study, author: "Fuzz")
    } catch {
      fatalError("fuzz: cannot make the journal from \(studyPath): \(error)")
    }
  }()

  private struct RolledBack: Error {}

  /// With `FIELDLOG_FUZZ_TRACE` set, what each input came to, on standard error.
  static let tracing = ProcessInfo.processInfo.environment["FIELDLOG_FUZZ_TRACE"] != nil

  static func trace(_ message: @autoclosure () -> String) {
    if tracing { FileHandle.standardError.write(Data(("fuzz: " + message() + "\n").utf8)) }
  }

  /// Reads `data` as an import file of `format`, then records its entries in a transaction that is
  /// rolled back. Names the study lacks are added when the input's length is even. An input that
  /// imports must import alike with a byte order mark and CRLF line ends, as Windows editors save it.
  public static func importing(_ data: Data, format: ImportFormat, fileName: String) {
    let addMissing = data.count % 2 == 0
    guard let summary = attempt(data, format: format, fileName: fileName, addMissing: addMissing)
    else { return }
    let mark = Data([0xEF, 0xBB, 0xBF])
    var windows = data.starts(with: mark) ? Data() : mark
    var previous: UInt8 = 0
    for byte in data {
      if byte == 0x0A && previous != 0x0D { windows.append(0x0D) }
      windows.append(byte)
      previous = byte
    }
    let again = attempt(windows, format: format, fileName: fileName, addMissing: addMissing)
    check(again == summary, "with a BOM and CRLF: \(String(describing: again)), not \(summary)")
  }

  /// What importing `data` comes to; nil when it was refused (as it may be).
  static func attempt(_ data: Data, format: ImportFormat, fileName: String, addMissing: Bool)
    -> ImportSummary?
  {
    let path = folder + "/" + fileName
    guard FileManager.default.createFile(atPath: path, contents: data) else {
      fatalError("fuzz: cannot write \(path)")
    }
    let records: [ImportRecord]
    do {
      records = try Importer.records(path, format: format)
    } catch {
      trace("refused while reading: \(error)")
      expectRefusal(error, while: "reading the \(format) file")
      return nil
    }
    var summary: ImportSummary?
    do {
      try journal.write { db in
        let imported = try Importer.importRecords(
          records, addMissing: addMissing, progress: nil, in: db)
        trace("imported: \(imported)")
        check(
          imported.imported + imported.skipped + imported.redacted == records.count,
          "\(records.count) records came to \(imported)")
        // An entry is recorded once; importing it again skips it.
        let twice = try String.fetchAll(
          db,
          sql: """
            SELECT subject FROM event WHERE type = 'entry.recorded'
            GROUP BY subject HAVING count(*) > 1
            """)
        check(twice.isEmpty, "entries recorded twice: \(twice)")
        summary = imported
        throw RolledBack()
      }
    } catch is RolledBack {
    } catch {
      trace("refused while importing: \(error)")
      expectRefusal(error, while: "importing \(records.count) record(s)")
    }
    return summary
  }

  /// Stops the run unless `error` is a refusal of bad input: a `FieldLogError` that blames the
  /// input (exit 65), not the journal (`damaged`, `io`) nor some other module's error.
  public static func expectRefusal(_ error: any Error, while doing: String) {
    guard let error = error as? FieldLogError else {
      fatalError("fuzz: \(doing) threw a \(type(of: error)), not a FieldLogError: \(error)")
    }
    switch error {
    case .invalidInput, .unknownName, .unknownID, .ambiguousID:
      guard !error.message.isEmpty, error.exitCode == 65 else {
        fatalError("fuzz: \(doing): an empty message or exit code \(error.exitCode): \(error)")
      }
    default:
      fatalError("fuzz: \(doing) blamed the journal or a file, not the input: \(error.message)")
    }
  }

  /// Stops the run with `message` when `condition` is false.
  public static func check(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String
  ) {
    if !condition() { fatalError("fuzz: \(message())") }
  }
}

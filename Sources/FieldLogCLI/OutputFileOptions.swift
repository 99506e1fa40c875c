import ArgumentParser
import FieldLogCore
import Foundation

/// `-o FILE` and `--force`, for every command that writes a file: one check before any work.
struct OutputFileOptions: ParsableArguments {
  @Option(name: .shortAndLong, help: "Write to this file (mode 0600).", completion: .file())
  var output: String?

  @Flag(
    help:
      "Replace an existing file (never the journal, the key file, a signing key or a folder).")
  var force = false

  func validate() throws {
    if output?.isEmpty == true {
      throw ValidationError("-o needs a file name; '' names none")
    }
    if force && output == nil {
      throw ValidationError("--force replaces the file of -o FILE; give -o FILE too")
    }
  }

  /// The file to write, once `checkOutput` has found it may be written; nil for standard output.
  func checked(_ journal: Journal, keyFile: String? = nil) throws -> String? {
    guard let output else { return nil }
    try journal.checkOutput(output, replace: force, keyFile: keyFile)
    return output
  }
}

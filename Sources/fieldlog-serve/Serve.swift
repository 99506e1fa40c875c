import ArgumentParser
import FieldLogCLI
import FieldLogCore
import FieldLogServer
import Foundation

/// `fieldlog serve` runs this program (it lies beside `fieldlog`): the coding workspace for one
/// journal, on 127.0.0.1, until Ctrl-C.
@main
struct Serve: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fieldlog serve",
    abstract: "Read, code and compare coders in the browser, over this journal.",
    discussion: """
      Listens on 127.0.0.1 only and prints the link to open, with a token that is new at every \
      start (in the link's #fragment, never in a request's URL). Pages follow the exports' rules: \
      bodies without quotation consent and text holding a real name from the key file are withheld. \
      Every change is an ordinary journal event by the journal's author. Stop it with Ctrl-C.
      """)

  @OptionGroup var journalOptions: JournalOptions

  @OptionGroup var keyFile: KeyFileOptions

  @Option(help: "The port to listen on (default: a free one, chosen at random).")
  var port: Int?

  @Flag(help: "Open the link in the default browser (xdg-open, or open on macOS).")
  var open = false

  @Flag(help: "Show bodies whose participants have not given quotation consent.")
  var includeWithheld = false

  @Option(
    help: "An ordinary word that is also a name in the key file (Bakker, Roos), let through.")
  var allowWord: [String] = []

  func validate() throws {
    if let port, !(0...65535).contains(port) {
      throw ValidationError(
        "--port \(port) is not a port: give 1-65535, or leave it out for a free one")
    }
  }

  func run() async throws {
    // A parent that blocked Ctrl-C and SIGTERM (a test runner, some process managers) passes its
    // signal mask on: unblock them, so the server always stops cleanly when asked.
    var stopSignals = sigset_t()
    sigemptyset(&stopSignals)
    sigaddset(&stopSignals, SIGINT)
    sigaddset(&stopSignals, SIGTERM)
    pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
    do {
      let opened = try Journal.open(at: journalOptions.path, keys: journalOptions.keys)
      let screen = try PageScreen(
        includeWithheld: includeWithheld, guardian: guardian(opened))
      let workspace = Workspace(journal: opened, token: Workspace.newToken(), screen: screen)
      let open = self.open
      try await workspace.run(port: port) { link in
        print(link)
        fflush(nil)
        if open { Self.openInBrowser(link) }
      }
    } catch let error as FieldLogError {
      FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
      // The workspace has no unguarded mode: the only way on is the key file itself.
      let hint =
        if case .keyFileNotFound = error { "name the key file with --keys PATH" } else {
          error.hint
        }
      if let hint { FileHandle.standardError.write(Data("hint: \(hint)\n".utf8)) }
      throw ExitCode(error.exitCode)
    } catch let error as ExitCode {
      throw error
    } catch {
      FileHandle.standardError.write(
        Data("error: the workspace could not start: \(error)\n".utf8))
      throw ExitCode(74)
    }
  }

  /// The real-name guard, as the exports have it: none without a key file, unless the journal was
  /// used with one before (then nothing starts without it).
  func guardian(_ journal: Journal) throws -> NameGuard? {
    guard let keys = try keyFile.openForReading(journal: journal) else {
      if try !journal.keyFileFingerprints().isEmpty {
        throw FieldLogError.keyFileNotFound(
          path: keyFile.path(journal: journal.path), usedBefore: true)
      }
      return nil
    }
    return try journal.nameGuard(people: try keys.people(), allowWords: allowWord)
  }

  static func openInBrowser(_ link: String) {
    #if os(macOS)
      let opener = "/usr/bin/open"
    #else
      let opener = "/usr/bin/xdg-open"
    #endif
    let process = Process()
    process.executableURL = URL(fileURLWithPath: opener)
    process.arguments = [link]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      FileHandle.standardError.write(
        Data("note: could not start \(opener); open the link above yourself\n".utf8))
    }
  }
}

import FieldLogCore
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs the researcher's editor so that it owns the terminal.
///
/// Foundation's `Process` starts a child in a process group of its own, which is not the
/// terminal's foreground group: the terminal then stops the editor (SIGTTIN) the moment it reads a
/// key, and `fieldlog add` hangs. The editor runs in fieldlog's own group instead, made the
/// foreground group for as long as the editor runs; the terminal's modes and foreground group are
/// restored afterwards, as they were, even when the editor crashed in raw mode.
enum EditorProcess {
  /// Runs `editor "$file"` through `/bin/sh` and returns its exit status (128 + signal when killed).
  static func run(_ editor: String, file: String) throws -> Int32 {
    let terminal = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
    defer { if terminal >= 0 { close(terminal) } }
    var modes = termios()
    let hasTerminal = terminal >= 0 && tcgetattr(terminal, &modes) == 0
    let previousForeground = hasTerminal ? tcgetpgrp(terminal) : -1
    // Like system(3): Ctrl-C and Ctrl-\ are the editor's while it runs, not fieldlog's. SIGTTOU is
    // ignored so that a group not in the foreground may still hand the terminal over and back.
    let previousInterrupt = signal(SIGINT, SIG_IGN)
    let previousQuit = signal(SIGQUIT, SIG_IGN)
    let previousTTOU = signal(SIGTTOU, SIG_IGN)
    defer {
      if hasTerminal {
        tcsetattr(terminal, TCSADRAIN, &modes)
        if previousForeground > 0, tcgetpgrp(terminal) != previousForeground {
          tcsetpgrp(terminal, previousForeground)
        }
      }
      signal(SIGINT, previousInterrupt)
      signal(SIGQUIT, previousQuit)
      signal(SIGTTOU, previousTTOU)
    }
    if hasTerminal, previousForeground != getpgrp() {
      tcsetpgrp(terminal, getpgrp())
    }

    let pid = try spawn(["/bin/sh", "-c", editor + " \"$1\"", "sh", file], editor: editor)
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
      guard errno == EINTR else {
        throw FieldLogError.io("cannot wait for the editor '\(editor)': errno \(errno)")
      }
    }
    // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as macros.
    let signalNumber = status & 0x7f
    return signalNumber == 0 ? (status >> 8) & 0xff : 128 + signalNumber
  }

  /// Starts the editor in fieldlog's process group, with the default action for the signals that
  /// fieldlog ignores meanwhile.
  private static func spawn(_ arguments: [String], editor: String) throws -> pid_t {
    #if canImport(Glibc)
      var attributes = posix_spawnattr_t()
    #else
      var attributes: posix_spawnattr_t?
    #endif
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for number in [SIGINT, SIGQUIT, SIGTTOU, SIGTTIN, SIGTSTP] { sigaddset(&defaults, number) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var noMask = sigset_t()
    sigemptyset(&noMask)
    posix_spawnattr_setsigmask(&attributes, &noMask)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid: pid_t = 0
    let result = argv.withUnsafeBufferPointer { buffer -> Int32 in
      guard let arguments = buffer.baseAddress else { return EINVAL }
      return posix_spawn(&pid, "/bin/sh", nil, &attributes, arguments, environ)
    }
    guard result == 0 else {
      throw FieldLogError.io(
        "cannot start the editor '\(editor)': \(String(cString: strerror(result)))")
    }
    return pid
  }
}

/// A new entry's text, kept private next to the journal from the moment the editor opens until
/// the entry is recorded: it outlives an editor quit with an error and a crash of fieldlog.
struct Draft {
  var url: URL
  var kind: EntryKind
  var modified: Date

  static let prefix = "fieldlog-draft-"

  /// Creates a draft holding `template` (mode 0600, never over an existing file).
  static func create(_ template: Data, kind: EntryKind, near journalPath: String) throws -> URL {
    let folder = URL(fileURLWithPath: journalPath).deletingLastPathComponent()
    let stamp = FieldTime.recordedAt().prefix(19).replacingOccurrences(of: ":", with: "")
    let file = folder.appendingPathComponent(
      "\(prefix)\(kind.rawValue)-\(stamp)-\(UUID().uuidString.prefix(8).lowercased()).md")
    do {
      try PrivateFile.create(at: file.path, contents: template)
    } catch {
      throw FieldLogError.io("cannot write the entry's draft in \(folder.path): \(error.reason)")
    }
    return file
  }

  /// Whether a draft reads as a template whose body was left empty; one that cannot be read at
  /// all is not empty: the researcher will want to see it.
  private static func isEmpty(_ data: Data, kind: EntryKind) -> Bool {
    do {
      let text = try Text.body(from: data, source: "the draft")
      return try EntryTemplate.parse(text, base: EntryDraft(kind: kind)) == nil
    } catch {
      return false
    }
  }

  /// Holds a lock on a draft while fieldlog works on it; the descriptor closes with fieldlog, so
  /// a crash leaves the draft free to be offered back.
  static func lock(_ url: URL) -> Int32 {
    let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
    if descriptor >= 0 { _ = flock(descriptor, LOCK_EX | LOCK_NB) }
    return descriptor
  }

  /// Whether another fieldlog works on the draft right now.
  static func isLocked(_ url: URL) -> Bool {
    let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    return flock(descriptor, LOCK_EX | LOCK_NB) != 0
  }

  /// The drafts kept next to the journal that hold a body, newest first. A draft whose body is
  /// empty holds nothing to record (that is how the template says to record nothing): it goes.
  static func kept(near journalPath: String) -> [Draft] {
    let folder = URL(fileURLWithPath: journalPath).deletingLastPathComponent()
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    var drafts: [Draft] = []
    for name in names where name.hasPrefix(prefix) && name.hasSuffix(".md") {
      let rest = name.dropFirst(prefix.count)
      guard let kind = EntryKind.allCases.first(where: { rest.hasPrefix($0.rawValue + "-") })
      else { continue }
      let url = folder.appendingPathComponent(name)
      guard !isLocked(url),
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
        let data = try? Data(contentsOf: url)
      else { continue }
      if isEmpty(data, kind: kind) {
        try? FileManager.default.removeItem(at: url)
        continue
      }
      drafts.append(
        Draft(
          url: url, kind: kind,
          modified: attributes[.modificationDate] as? Date ?? Date(timeIntervalSince1970: 0)))
    }
    return drafts.sorted { $0.modified > $1.modified }
  }
}

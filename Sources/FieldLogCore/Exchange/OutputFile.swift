import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension Journal {
  /// Refuses an output path (`-o FILE`) before any work is done, naming what is there.
  ///
  /// A file that exists is refused unless `replace` (`--force`). Never written, even with it: the
  /// journal and its SQLite side files, the key file (next to the journal, and `keyFile`) and its
  /// side files, the signing key, anything in the signing-key folder, a file that holds a fieldlog
  /// signing key, a folder, a FIFO, a device or a socket. Files are compared by device and inode
  /// (for a name that does not exist yet: its folder's device and inode and the name), so another
  /// spelling of a path, a hard link or a symbolic link is caught too.
  public func checkOutput(_ path: String, replace: Bool, keyFile: String? = nil) throws {
    func refuse(_ what: String) -> FieldLogError {
      .invalidInput(
        "refusing to write '\(path)': it is \(what)", hint: "name another file with -o FILE")
    }
    var info = stat()
    let exists = stat(path, &info) == 0
    if exists {
      switch info.st_mode & S_IFMT {
      case S_IFREG: break
      case S_IFDIR: throw refuse("a folder")
      case S_IFIFO: throw refuse("a FIFO (named pipe)")
      case S_IFCHR, S_IFBLK: throw refuse("a device")
      case S_IFSOCK: throw refuse("a socket")
      default: throw refuse("not a regular file")
      }
    }
    let target = OutputIdentity(path)
    var protected: [(String, String)] = []
    for suffix in ["", "-wal", "-shm", "-journal"] {
      protected.append(
        (self.path + suffix, suffix.isEmpty ? "the journal" : "the journal's \(suffix) file"))
    }
    for file in Set([KeyFile.defaultPath(nextTo: self.path)] + (keyFile.map { [$0] } ?? [])) {
      for suffix in ["", "-wal", "-shm", "-journal"] {
        protected.append(
          (file + suffix, suffix.isEmpty ? "the key file" : "the key file's \(suffix) file"))
      }
    }
    if let explicit = keys.explicitPath {
      protected.append((explicit, "the journal's signing key"))
    }
    for (file, what) in protected where target.matches(OutputIdentity(file)) {
      throw refuse(what)
    }
    if let folder = realFolder(keys.folder), let resolved = target.resolvedPath,
      resolved.hasPrefix(folder + "/")
    {
      throw refuse("in the signing-key folder '\(keys.folder)'")
    }
    guard exists else { return }
    if Self.holdsSigningKey(path) { throw refuse("a fieldlog signing key") }
    if !replace { throw Self.existingOutput(path) }
  }

  /// The refusal of an output file that exists, when `--force` was not given.
  static func existingOutput(_ path: String) -> FieldLogError {
    .invalidInput(
      "a file already exists at '\(path)'; it is not replaced without --force",
      hint: "name another file with -o FILE, or give --force to replace it")
  }

  /// Whether the file starts as a fieldlog signing key does, wherever it is kept.
  private static func holdsSigningKey(_ path: String) -> Bool {
    guard let handle = FileHandle(forReadingAtPath: path) else { return false }
    defer { try? handle.close() }
    let header = Data(SigningKeys.header.utf8)
    return (try? handle.read(upToCount: header.count)) == header
  }

  private func realFolder(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }
}

/// Which file a path names: its device and inode when it exists, else its folder's and its name.
struct OutputIdentity {
  var device: UInt64
  var inode: UInt64
  /// The last path component when the file does not exist (its folder's identity is above).
  var name: String?
  /// The path with every symbolic link resolved, when its folder exists.
  var resolvedPath: String?

  init(_ path: String) {
    var info = stat()
    if stat(path, &info) == 0 {
      device = UInt64(info.st_dev)
      inode = UInt64(info.st_ino)
      name = nil
      resolvedPath = Self.resolve(path)
      return
    }
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent().path
    name = url.lastPathComponent
    if stat(folder, &info) == 0 {
      device = UInt64(info.st_dev)
      inode = UInt64(info.st_ino)
      resolvedPath = Self.resolve(folder).map { $0 + "/" + url.lastPathComponent }
    } else {
      device = 0
      inode = 0
      resolvedPath = nil
    }
  }

  func matches(_ other: OutputIdentity) -> Bool {
    device != 0 && device == other.device && inode == other.inode && name == other.name
  }

  private static func resolve(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }
}

/// Temporary files that `Journal.createPrivately` leaves when its process is killed.
///
/// They are named `.<target>.partial-<pid>-<random>` (SQLite may add `-wal`, `-shm` or `-journal`) in
/// the target's folder. One is stale when no process with its pid is alive: a process that is alive
/// (even one that merely reuses the pid) keeps its file, so a running export is never disturbed.
/// Files of the earlier naming (no pid) are stale when untouched for a day.
enum StaleTemporaries {
  static let marker = ".partial-"

  /// The temporary name for `target`, carrying this process's id.
  static func name(for target: String) -> String {
    ".\(target)\(marker)\(getpid())-\(UUID().uuidString.prefix(8))"
  }

  /// Removes this user's stale temporaries in `folder`; errors are ignored, it is housekeeping.
  static func remove(in folder: String) {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
    for name in names where name.hasPrefix(".") && isStale(name, in: folder) {
      unlink(folder + "/" + name)
    }
  }

  static func isStale(_ name: String, in folder: String) -> Bool {
    let marker: String
    if name.contains(Self.marker) {
      marker = Self.marker
    } else if name.contains(".creating-") {
      marker = ".creating-"
    } else {
      return false
    }
    var info = stat()
    guard lstat(folder + "/" + name, &info) == 0, info.st_mode & S_IFMT == S_IFREG,
      info.st_uid == getuid(),
      let range = name.range(of: marker, options: .backwards)
    else { return false }
    let tail = name[range.upperBound...]
    let parts = tail.split(separator: "-", maxSplits: 1)
    if marker == Self.marker, parts.count == 2, let pid = Int32(parts[0]), pid > 0,
      parts[1].prefix(8).allSatisfy(\.isHexDigit)
    {
      if pid == getpid() { return false }
      return kill(pid, 0) != 0 && errno == ESRCH
    }
    // The earlier names: `.partial-` and 8 hex digits, `.creating-` and a UUID.
    let legacy =
      (marker == Self.marker && tail.prefix(8).count == 8
        && tail.prefix(8).allSatisfy(\.isHexDigit))
      || (marker == ".creating-" && UUID(uuidString: String(tail.prefix(36))) != nil)
    let modified =
      (try? FileManager.default.attributesOfItem(atPath: folder + "/" + name))?[.modificationDate]
      as? Date
    return legacy && modified.map { Date().timeIntervalSince($0) > 86_400 } == true
  }
}

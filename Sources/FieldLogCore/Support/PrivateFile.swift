import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Files only their owner may read and write: the journal, its key files, drafts, exports. Made
/// here and nowhere else, so none is ever created with the umask's mode or over another file.
public enum PrivateFile {
  /// Why a file could not be made: the system's error number.
  public struct Failure: Error, Sendable {
    public let code: Int32
    /// The system's words for it ("File exists").
    public var reason: String { String(cString: strerror(code)) }
    /// Whether a file was at the path already.
    public var exists: Bool { code == EEXIST }
  }

  /// Creates the file at `path` with mode 0600 whatever the umask, never over an existing file,
  /// and writes `contents`, flushed to the disk with `sync`. Nothing is left behind on failure.
  public static func create(
    at path: String, contents: some Collection<UInt8> = [], sync: Bool = false
  )
    throws(Failure)
  {
    let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { throw Failure(code: errno) }
    var failure: Int32?
    if fchmod(descriptor, 0o600) != 0 { failure = errno }
    let bytes = Array(contents)
    var written = 0
    while failure == nil && written < bytes.count {
      let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno != EINTR { failure = errno }
      } else {
        written += count
      }
    }
    if failure == nil && sync && fsync(descriptor) != 0 { failure = errno }
    close(descriptor)
    if let failure {
      unlink(path)
      throw Failure(code: failure)
    }
  }
}

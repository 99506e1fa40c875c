import FieldLogCore
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A progress line on stderr for long work: count, rate and time left.
///
/// It shows only when stderr is a terminal and the work has taken over a second, so a quick
/// command, a script or a redirected stderr sees nothing; `finish()` clears it again.
final class ProgressLine: @unchecked Sendable {
  private let start = Date()
  private let delay: TimeInterval
  private var lastDrawn: Date?
  private var shown = false

  /// The delay before the line first appears; `FIELDLOG_PROGRESS_DELAY` (seconds) changes it.
  private init(delay: TimeInterval) {
    self.delay = delay
  }

  /// A progress line for this command, or nil when nobody is watching stderr.
  static func forTerminal() -> ProgressLine? {
    guard Output.stderrIsTerminal else { return nil }
    let delay = ProcessInfo.processInfo.environment["FIELDLOG_PROGRESS_DELAY"].flatMap(Double.init)
    return ProgressLine(delay: delay ?? 1)
  }

  /// The callback to hand to Core.
  var report: ProgressReport { { [self] progress in self.update(progress) } }

  private func update(_ progress: WorkProgress) {
    let now = Date()
    let elapsed = now.timeIntervalSince(start)
    guard elapsed >= delay else { return }
    // Ten times a second is enough for a person, and keeps the terminal out of the hot loop.
    if let lastDrawn, now.timeIntervalSince(lastDrawn) < 0.1, progress.done != progress.total {
      return
    }
    lastDrawn = now
    shown = true
    write("\r\u{1B}[K" + Self.describe(progress, elapsed: elapsed))
  }

  /// "verifying events: 12000 of 50000 (24%), 8100/s, about 5 s left".
  static func describe(_ progress: WorkProgress, elapsed: TimeInterval) -> String {
    let rate = elapsed > 0 ? Double(progress.done) / elapsed : 0
    var text = "\(progress.step): \(progress.done)"
    if let total = progress.total, total > 0 {
      text += " of \(total) (\(min(100, progress.done * 100 / total))%)"
    }
    text += ", \(Int(rate.rounded()))/s"
    if let total = progress.total, rate > 0, total > progress.done {
      text += ", about \(duration(Double(total - progress.done) / rate)) left"
    }
    return text
  }

  /// "5 s", "3 min", "2 h 5 min".
  static func duration(_ seconds: Double) -> String {
    let whole = Int(seconds.rounded(.up))
    if whole < 60 { return "\(whole) s" }
    if whole < 3600 { return "\((whole + 30) / 60) min" }
    return "\(whole / 3600) h \(whole % 3600 / 60) min"
  }

  /// Clears the line, so what the command prints next starts on a clean one.
  func finish() {
    if shown { write("\r\u{1B}[K") }
    shown = false
  }

  private func write(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }
}

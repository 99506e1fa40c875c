import Foundation

/// How far a long piece of work (import, export, verify, rebuild, merge) has come.
///
/// Core never prints: it hands these to a callback, and only the CLI decides whether a person sees
/// them.
public struct WorkProgress: Sendable, Equatable {
  /// What is being done, in a few words: "verifying events", "importing entries".
  public var step: String
  /// Items done so far in this step.
  public var done: Int
  /// Items in this step, when known beforehand; the basis for "time left".
  public var total: Int?

  public init(step: String, done: Int, total: Int?) {
    self.step = step
    self.done = done
    self.total = total
  }
}

/// The callback long work reports its progress to; it is called often, so it must be cheap.
public typealias ProgressReport = (WorkProgress) -> Void

/// A count with its noun in the right number, for every message that counts: "1 entry",
/// "2 entries", "0 events".
public enum Counted {
  /// `plural` defaults to `singular` + "s".
  public static func phrase(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(count) " + (count == 1 ? singular : plural ?? singular + "s")
  }
}

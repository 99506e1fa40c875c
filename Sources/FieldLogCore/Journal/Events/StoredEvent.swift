import Foundation
import GRDB

/// One row of `event`, as stored: the record every reader of the log (replay, verify, merge,
/// conflicts) fetches, and what `FeedWriter` appends.
struct StoredEvent: Sendable {
  var feed: String
  var seq: Int64
  var prev: Data
  var recordedAt, type, subject: String
  var target: Data?
  var commitment, hash: Data

  /// The hash recomputed from the other columns; nil when an id is not a UUID.
  var recomputedHash: Data? {
    guard let feedID = UUID(uuidString: feed), let subjectID = UUID(uuidString: subject) else {
      return nil
    }
    return Hashing.eventHash(
      feed: feedID, seq: seq, prev: prev, recordedAt: recordedAt, type: type, subject: subjectID,
      target: target, commitment: commitment)
  }
}

extension StoredEvent: FetchableRecord {
  /// Reads the event's columns by name, so a query may select more (the payload, say) beside them.
  init(row: Row) {
    self.init(
      feed: row["feed"], seq: row["seq"], prev: row["prev"], recordedAt: row["recorded_at"],
      type: row["type"], subject: row["subject"], target: row["target"],
      commitment: row["commitment"], hash: row["hash"])
  }
}

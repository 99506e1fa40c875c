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

extension StoredEvent {
  /// Every event with its payload's salt and JSON and its signature, where it has them: what a
  /// merge reads of its source and a push sends. Callers add their WHERE and ORDER BY.
  static let withPayloadAndSignature = """
    SELECT e.*, p.salt, p.json, s.signature FROM event e
    LEFT JOIN payload p ON p.commitment = e.commitment
    LEFT JOIN signature s ON s.hash = e.hash
    """
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

import Foundation
import Testing

@testable import FieldLogCore

/// Issue 17: what a hub checks of an event beyond its signature, and what a journal sends it.
@Suite struct HubWireTests {
  /// A journal's own feed as it would be pushed, in one list.
  static func pushed() throws -> (Journal, [WireEvent], TemporaryFolder) {
    let folder = try TemporaryFolder()
    let journal = try Journal.inMemory(
      study: try Fixture.amsterdam, keys: SigningKeys(folder: folder.path("keys")))
    _ = try Fixture.record(journal)
    let own = try #require(try journal.localFeeds().first { $0.own })
    // The folder goes with them: its key file is removed with it.
    return (
      journal, try journal.outgoing(feed: own.feed, after: 0, batch: 5).flatMap { $0 }, folder
    )
  }

  @Test("every event a journal writes passes the hub's content check, and its batches end signed")
  func ownEventsPass() throws {
    let (journal, events, folder) = try Self.pushed()
    defer { withExtendedLifetime(folder) {} }
    #expect(!events.isEmpty)
    for event in events {
      #expect(WireCheck.contentProblem(of: event, erased: false) == nil, "\(event.type)")
    }
    let own = try #require(try journal.localFeeds().first { $0.own })
    for batch in try journal.outgoing(feed: own.feed, after: 0, batch: 5) {
      #expect(batch.last?.isSigned == true)
    }
    #expect(
      WireCheck.problem(of: events, after: nil, publicKey: try #require(own.publicKey)) == nil)
  }

  @Test("an unknown type, a payload missing where it may not be, or one of another type: refused")
  func contentRefusals() throws {
    let (_, events, _) = try Self.pushed()
    let opened = try #require(events.first { $0.type == "feed.opened" })
    var unknown = opened
    unknown.type = "entry.deleted"
    #expect(WireCheck.contentProblem(of: unknown, erased: false)?.contains("does not know") == true)
    var bare = opened
    bare.payload = nil
    bare.salt = nil
    #expect(
      WireCheck.contentProblem(of: bare, erased: false)?.contains("without its payload") == true)
    // Erased by a redaction, any payload may be gone; an entry's may be withheld.
    #expect(WireCheck.contentProblem(of: bare, erased: true) == nil)
    var entry = try #require(events.first { $0.type == "entry.recorded" })
    entry.payload = nil
    entry.salt = nil
    #expect(WireCheck.contentProblem(of: entry, erased: false) == nil)
    var mismatched = opened
    mismatched.payload = #"{"whatever":1}"#
    #expect(WireCheck.contentProblem(of: mismatched, erased: false)?.contains("not a") == true)
  }

  @Test("the ownership proof verifies only for its study, member and feed, under the feed's key")
  func ownershipProof() throws {
    let (journal, _, folder) = try Self.pushed()
    defer { withExtendedLifetime(folder) {} }
    let own = try #require(try journal.localFeeds().first { $0.own })
    let key = try #require(own.publicKey)
    let proof = try journal.ownershipProof(study: "amsterdam", member: "anna")
    #expect(
      OwnershipProof.isValid(
        proof, study: "amsterdam", member: "anna", feed: own.feed, publicKey: key))
    #expect(
      !OwnershipProof.isValid(
        proof, study: "amsterdam", member: "bram", feed: own.feed, publicKey: key))
    #expect(
      !OwnershipProof.isValid(
        proof, study: "gelderland", member: "anna", feed: own.feed, publicKey: key))
    let other = Data(repeating: 7, count: 32)
    #expect(
      !OwnershipProof.isValid(
        proof, study: "amsterdam", member: "anna", feed: own.feed, publicKey: other))
  }
}

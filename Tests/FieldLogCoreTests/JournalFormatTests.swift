import Crypto
import Foundation
import Testing

@testable import FieldLogCore

/// The known-answer vectors of docs/journal-format.md, computed independently in Python.
@Suite struct JournalFormatTests {
  static let salt = Data((0..<32).map { UInt8($0) })
  static let value = JSONValue.object([
    "naam": .string("Café \"De Buurt\"\n"),
    "b": .array([.integer(1), .integer(-2), .bool(true), .null]),
  ])

  @Test func canonicalJSONVector() {
    let json = CanonicalJSON.encode(Self.value)
    #expect(
      String(decoding: json, as: UTF8.self)
        == #"{"b":[1,-2,true,null],"naam":"Café \"De Buurt\"\n"}"#)
  }

  @Test func payloadVector() {
    let commitment = Hashing.commitment(salt: Self.salt, json: CanonicalJSON.encode(Self.value))
    #expect(
      Hashing.hex(commitment) == "206da3325654bb614557ef0e254e27e065c6fd350de6d1245cadd3878c54c632")
  }

  @Test func eventVector() throws {
    let commitment = Hashing.commitment(salt: Self.salt, json: CanonicalJSON.encode(Self.value))
    let hash = Hashing.eventHash(
      feed: try #require(UUID(uuidString: "00000000-0000-4000-8000-000000000001")), seq: 1,
      prev: Data(count: 32), recordedAt: "2024-03-12T13:30:00.000Z", type: "entry.recorded",
      subject: try #require(UUID(uuidString: "00000000-0000-4000-8000-0000000000aa")), target: nil,
      commitment: commitment)
    #expect(Hashing.hex(hash) == "129ac164757aada02dc73465f2fd09997aaf6dfd5206851b49f72774289ce019")
  }

  @Test func signatureVector() throws {
    let key = try Curve25519.Signing.PrivateKey(rawRepresentation: Data((0..<32).map { UInt8($0) }))
    #expect(
      Hashing.hex(key.publicKey.rawRepresentation)
        == "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8")
    let hash = try #require(
      Data(hexString: "129ac164757aada02dc73465f2fd09997aaf6dfd5206851b49f72774289ce019"))
    let expected = try #require(Data(hexString: Self.signature))
    // Ed25519 is deterministic: the same key and message give the same signature.
    #expect(try key.signature(for: Signatures.message(hash)) == expected)
    #expect(
      Signatures.isValid(expected, of: hash, publicKey: key.publicKey.rawRepresentation))
    var flipped = hash
    flipped[0] ^= 1
    #expect(!Signatures.isValid(expected, of: flipped, publicKey: key.publicKey.rawRepresentation))
  }

  static let signature =
    "dcbac1d8014e14407c284ac024a3c3a48d5c57ba95252da4dbcdc5d3441f6fe4"
    + "0354334e895a527781f1886a5d7e62a354a51bb09b4b0742be251be3a4ecd506"

  @Test func checkpointRootVector() throws {
    let checkpoint = Checkpoint(
      study: "x", taken: "2024-03-12T13:30:00.000Z",
      heads: [
        .init(
          feed: "00000000-0000-4000-8000-000000000003", seq: 2, hash: Data(count: 32)),
        .init(
          feed: "00000000-0000-4000-8000-000000000001", seq: 1,
          hash: try #require(
            Data(hexString: "129ac164757aada02dc73465f2fd09997aaf6dfd5206851b49f72774289ce019"))),
        .init(
          feed: "00000000-0000-4000-8000-000000000002", seq: 7,
          hash: Data(repeating: 0xFF, count: 32)),
      ])
    #expect(
      Hashing.hex(checkpoint.root)
        == "f58551cd7ffba8c5f73160149c06c84f6bf296be00b02e0a47192f549e372704")
    #expect(try Checkpoint.parse(checkpoint.text, path: "c") == checkpoint.sortedByFeed)
  }

  @Test func derivedIDVector() {
    let id = Vocabulary.neighbourhoodID("Holendrecht")
    #expect(id.lowercased == "d7232aa4-7a79-8ce8-973e-9cb11337b4bd")
    // The same neighbourhood typed differently is the same id: journals from one study agree.
    #expect(Vocabulary.neighbourhoodID("  HOLENDRECHT ") == id)
  }

  @Test func theDocumentStatesTheVectors() throws {
    let document = try String(
      contentsOf: Fixture.root.appendingPathComponent("docs/journal-format.md"), encoding: .utf8)
    for vector in [
      "206da3325654bb614557ef0e254e27e065c6fd350de6d1245cadd3878c54c632",
      "129ac164757aada02dc73465f2fd09997aaf6dfd5206851b49f72774289ce019",
      "d7232aa4-7a79-8ce8-973e-9cb11337b4bd",
      "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8",
      Self.signature,
      "f58551cd7ffba8c5f73160149c06c84f6bf296be00b02e0a47192f549e372704",
    ] {
      #expect(document.contains(vector))
    }
  }

  @Test func theIndependentVerifierAgreesWithTheVectors() throws {
    let script = Fixture.root.appendingPathComponent("Tests/Tools/verify-journal.py").path
    let result = try Shell.run(["python3", script, "--self-test"])
    #expect(result.status == 0, "\(result.output)")
  }

  @Test func theIndependentVerifierAcceptsAJournalAndCatchesTampering() throws {
    let folder = try TemporaryFolder()
    let journal = try Fixture.journal(in: folder)
    try Fixture.record(journal)
    let script = Fixture.root.appendingPathComponent("Tests/Tools/verify-journal.py").path
    let whole = try Shell.run(["python3", script, journal.path])
    #expect(whole.status == 0, "\(whole.output)")
    try Fixture.raw(journal.path).write { db in
      try db.execute(sql: "DROP TRIGGER payload_no_update")
      try db.execute(sql: "UPDATE payload SET json = replace(json, 'Twaalf', 'Dertien')")
    }
    let damaged = try Shell.run(["python3", script, journal.path])
    #expect(damaged.status == 1, "\(damaged.output)")
  }
}

@Suite struct CanonicalJSONTests {
  @Test func keysSortByUTF8BytesAndStringsAreNFC() {
    let decomposed = "cafe\u{301}"
    let json = CanonicalJSON.encode(
      .object(["é": .integer(1), "z": .integer(2), "a": .string(decomposed), "B": .null]))
    #expect(String(decoding: json, as: UTF8.self) == "{\"B\":null,\"a\":\"café\",\"z\":2,\"é\":1}")
    #expect(Array(json).contains(0xC3))  // é precomposed, not e + U+0301
  }

  @Test func controlCharactersAreEscapedAndNothingElse() {
    let json = CanonicalJSON.encode(.string("a/b\u{1}\t\u{7F}\u{2028}👍🏾\\"))
    #expect(String(decoding: json, as: UTF8.self) == "\"a/b\\u0001\\t\u{7F}\u{2028}👍🏾\\\\\"")
  }

  @Test func encodableValuesRoundTrip() throws {
    struct Sample: Codable, Equatable {
      var title: String
      var minutes: Int
      var tags: [String]
    }
    let sample = Sample(title: "Één café", minutes: 90, tags: ["koffie"])
    let json = try CanonicalJSON.encode(sample)
    #expect(
      String(decoding: json, as: UTF8.self)
        == #"{"minutes":90,"tags":["koffie"],"title":"Één café"}"#)
    #expect(try CanonicalJSON.decode(Sample.self, from: json) == sample)
  }

  @Test func fractionsAreRefused() {
    #expect(throws: (any Error).self) {
      try JSONDecoder().decode(JSONValue.self, from: Data("1.5".utf8))
    }
  }
}

/// Runs a program and collects its combined output.
enum Shell {
  static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }
}

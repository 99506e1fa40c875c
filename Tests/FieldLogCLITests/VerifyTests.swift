import Foundation
import Testing

@Suite("verify, and the independent verifier")
struct VerifyTests {
  /// A journal with a few entries of different kinds, including text that tests canonical JSON.
  static func journalWithEntries() throws -> (Sandbox, [String]) {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    var ids: [String] = []
    ids.append(try #require(try sandbox.addObservation("Één café in Holendrecht 👍🏾")["id"]?.string))
    ids.append(
      try #require(
        try sandbox.add(
          "interview",
          [
            "--text", "Tab\tquote \" backslash \\ slash / \u{1} \u{1F} \u{7F} \u{2028} 👩🏾‍🤝‍👩🏻\nregel 2",
            "--neighbourhood", "Jan van Maijenbuurt", "--question", "RQ2", "--field",
            "consent=written",
            "--participant", "P-021:sleutelfiguur", "--tag", "Één",
          ])["id"]?.string))
    ids.append(
      try #require(
        try sandbox.add(
          "network-conversation",
          [
            "--text", "Netwerkberaad", "--neighbourhood", "Holendrecht", "--question", "RQ1",
            "--field", "roles=client,family", "--field", "follow-up=2024-04-02",
          ])["id"]?.string))
    return (sandbox, ids)
  }

  @Test("verify exits 0 on a fresh journal, and the independent verifier agrees")
  func freshJournalIsWhole() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let verify = try sandbox.fieldlog(["verify"])
    #expect(verify.status == 0, "\(verify)")
    #expect(verify.stdout.hasPrefix("ok: "), "\(verify)")
    let independent = try sandbox.independentVerify()
    #expect(independent.status == 0, "\(independent)")
  }

  @Test("verify exits 0 on a journal with entries; --json says ok; the independent verifier agrees")
  func journalWithEntriesIsWhole() throws {
    let (sandbox, _) = try Self.journalWithEntries()
    let verify = try sandbox.fieldlog(["verify"])
    #expect(verify.status == 0, "\(verify)")
    let json = try sandbox.fieldlog(["verify", "--json"])
    #expect(json.status == 0, "\(json)")
    let report = try JSON.parse(json.stdoutData)
    #expect(report["ok"] == .bool(true))
    #expect(report["problems"] == .array([]))
    // 1 feed.opened + 2 neighbourhoods + 5 initiatives + 4 questions + 10 codes + 2 cycles
    // + 1 letter + 1 retention declaration + 5 participants + 3 entries + the consent the
    // interview's consent field registered
    #expect(report["events"]?.int == 35, "\(report)")
    let independent = try sandbox.independentVerify()
    #expect(independent.status == 0, "\(independent)")
  }

  @Test("tampering with an event is found: exit 1, the seq is named, in text and --json")
  func tamperedEvent() throws {
    // Given a journal whose guards were dropped and one event's time changed
    let (sandbox, ids) = try Self.journalWithEntries()
    let seq = try sandbox.seq(ofEntry: ids[1])
    _ = try sandbox.query(
      Sandbox.dropGuards
        + " UPDATE event SET recorded_at = '2020-01-01T00:00:00.000Z' WHERE seq = \(seq);")
    // When / Then
    let verify = try sandbox.fieldlog(["verify"])
    #expect(verify.status == 1, "\(verify)")
    let damaged = verify.stdout.split(separator: "\n").filter { $0.hasPrefix("damaged: ") }
    #expect(damaged.contains { $0.contains("seq \(seq) ") }, "seq \(seq) not named: \(verify)")
    for name in Sandbox.guardTriggers {
      #expect(verify.stdout.contains(name), "the missing trigger \(name) is not named: \(verify)")
    }

    let json = try sandbox.fieldlog(["verify", "--json"])
    #expect(json.status == 1, "\(json)")
    let report = try JSON.parse(json.stdoutData)
    #expect(report["ok"] == .bool(false))
    let problems = try #require(report["problems"]?.array)
    #expect(
      problems.contains { $0["seq"]?.int == Int64(seq) && $0["subject"]?.string == ids[1] },
      "\(report)")

    let independent = try sandbox.independentVerify()
    #expect(independent.status == 1, "\(independent)")
    #expect(independent.stdout.contains("seq \(seq)"), "\(independent)")
  }

  @Test("tampering with a payload is found and names the event's seq")
  func tamperedPayload() throws {
    let (sandbox, ids) = try Self.journalWithEntries()
    let seq = try sandbox.seq(ofEntry: ids[0])
    _ = try sandbox.query(
      Sandbox.dropGuards
        + " UPDATE payload SET json = replace(json, 'café', 'koffiehuis')"
        + " WHERE commitment = (SELECT commitment FROM event WHERE seq = \(seq));")
    // The projection still shows the old text: verify must not trust it.
    let verify = try sandbox.fieldlog(["verify"])
    #expect(verify.status == 1, "\(verify)")
    #expect(
      verify.stdout.split(separator: "\n").contains {
        $0.contains("seq \(seq) ") && $0.contains("payload")
      },
      "\(verify)")
    let json = try JSON.parse(try sandbox.fieldlog(["verify", "--json"]).stdoutData)
    #expect(json["ok"] == .bool(false))
    #expect(json["problems"]?.array?.contains { $0["seq"]?.int == Int64(seq) } == true, "\(json)")
    let independent = try sandbox.independentVerify()
    #expect(independent.status == 1, "\(independent)")
  }

  @Test("removing the last event is found (the chain ends before its recorded head)")
  func truncatedFeed() throws {
    let (sandbox, _) = try Self.journalWithEntries()
    _ = try sandbox.query(
      Sandbox.dropGuards
        + " DELETE FROM payload WHERE commitment = (SELECT commitment FROM event ORDER BY seq DESC LIMIT 1);"
        + " DELETE FROM event WHERE seq = (SELECT max(seq) FROM event);")
    let verify = try sandbox.fieldlog(["verify", "--json"])
    let report = try JSON.parse(verify.stdoutData)
    #expect(verify.status == 1, "\(verify)")
    #expect(
      report["problems"]?.array?.contains { $0["problem"]?.string?.contains("removed") == true }
        == true,
      "\(report)")
    let independent = try sandbox.independentVerify()
    #expect(independent.status == 1, "\(independent)")
  }

  @Test("dropping only the guard triggers is damage too")
  func droppedGuards() throws {
    let (sandbox, _) = try Self.journalWithEntries()
    _ = try sandbox.query(Sandbox.dropGuards)
    let verify = try sandbox.fieldlog(["verify", "--json"])
    #expect(verify.status == 1, "\(verify)")
    let report = try JSON.parse(verify.stdoutData)
    #expect(report["ok"] == .bool(false))
    #expect(report["problems"]?.array?.count == Sandbox.guardTriggers.count, "\(report)")
    let independent = try sandbox.independentVerify()
    #expect(independent.status == 1, "\(independent)")
  }

  @Test("rebuild refuses a damaged journal and leaves the projections alone")
  func rebuildRefusesDamage() throws {
    let (sandbox, ids) = try Self.journalWithEntries()
    let seq = try sandbox.seq(ofEntry: ids[2])
    _ = try sandbox.query(
      Sandbox.dropGuards + " UPDATE event SET type = 'entry.deleted' WHERE seq = \(seq);")
    let before = try sandbox.projections()
    let rebuild = try sandbox.fieldlog(["rebuild"])
    #expect(rebuild.status == 1, "\(rebuild)")
    #expect(rebuild.stderr.hasPrefix("error: "), "\(rebuild)")
    #expect(try sandbox.projections() == before)
  }
}

import FieldLogCore
import Foundation
import Testing

/// The team hub against a real PostgreSQL (`.ci/run` starts one on loopback): the real binaries,
/// `fieldlog-hub serve` and `fieldlog push/pull/sync`, and raw requests where a test plays a
/// client that is not fieldlog.
@Suite("Team hub", .serialized)
struct HubTests {
  /// A team: each person's journal, made from the Amsterdam study, and their token file.
  struct Person {
    var name: String
    var role: String
    var journal: URL
    var token: URL
  }

  /// A hub with the study 'amsterdam', started, and a journal and token per person.
  func team(_ sandbox: Sandbox, _ hub: HubFixture, _ people: [(String, String)]) throws -> [Person]
  {
    let study = try hub.hub(["study", "add", "amsterdam"])
    try #require(study.status == 0, "\(study)")
    try hub.start()
    return try people.map { name, role in
      let journal = sandbox.url("\(name).sqlite")
      let made = try sandbox.fieldlog(
        ["init", "--study", Paths.amsterdamStudy.path, "--author", name], journal: journal)
      try #require(made.status == 0, "\(made)")
      return Person(
        name: name, role: role, journal: journal, token: try hub.member(name, role: role))
    }
  }

  func add(
    _ sandbox: Sandbox, _ person: Person, _ text: String, at: String = "2024-05-01 10:00",
    participant: String? = nil
  ) throws -> String {
    let added = try sandbox.fieldlog(
      [
        "add", "observation", "--at", at, "--neighbourhood", "Holendrecht", "--question", "RQ1",
        "--text", text,
      ] + (participant.map { ["--participant", $0] } ?? []), journal: person.journal)
    try #require(added.status == 0, "\(added)")
    return added.output
  }

  /// Every event of a journal: feed, seq and hash, in order.
  func events(_ sandbox: Sandbox, _ journal: URL) throws -> String {
    try sandbox.sqlite(
      "SELECT feed, seq, hex(hash) FROM event ORDER BY feed, seq", journal: journal
    ).output
  }

  func requireWhole(
    _ sandbox: Sandbox, _ journal: URL, sourceLocation: SourceLocation = #_sourceLocation
  )
    throws
  {
    let verified = try sandbox.fieldlog(["verify"], journal: journal)
    #expect(verified.status == 0, "\(verified)", sourceLocation: sourceLocation)
  }

  @Test("two people sync through the hub: each ends with the other's entries, verified")
  func twoPeopleSync() throws {
    guard let admin = HubFixture.adminURL() else { return }
    let sandbox = try Sandbox()
    let hub = try HubFixture(sandbox: sandbox, adminURL: admin)
    let team = try team(sandbox, hub, [("anna", "fieldworker"), ("bram", "fieldworker")])
    let (anna, bram) = (team[0], team[1])
    _ = try add(sandbox, anna, "Anna ziet de koffieochtend in de buurtkamer.")
    _ = try add(sandbox, bram, "Bram spreekt de wijkcoach bij het voedselpunt.")
    let first = try hub.fieldlog("sync", journal: anna.journal, token: anna.token)
    #expect(first.status == 0, "\(first)")
    #expect(first.stdout.hasPrefix("pushed "), "\(first)")
    #expect(first.stdout.contains("nothing to pull"), "\(first)")
    let second = try hub.fieldlog("sync", journal: bram.journal, token: bram.token)
    #expect(second.status == 0, "\(second)")
    #expect(second.stdout.contains("pulled "), "\(second)")
    let third = try hub.fieldlog("pull", journal: anna.journal, token: anna.token)
    #expect(third.status == 0, "\(third)")
    for person in team {
      let listed = try sandbox.fieldlog(["search", "koffieochtend"], journal: person.journal)
      #expect(listed.stdout.contains("Anna ziet"), "\(person.name): \(listed)")
      let other = try sandbox.fieldlog(["search", "voedselpunt"], journal: person.journal)
      #expect(other.stdout.contains("Bram spreekt"), "\(person.name): \(other)")
      try requireWhole(sandbox, person.journal)
    }
    #expect(try events(sandbox, anna.journal) == events(sandbox, bram.journal))
    // Nothing more to do: a second sync moves nothing.
    let again = try hub.fieldlog(
      "sync", journal: bram.journal, token: bram.token, extra: ["--json"])
    #expect(again.status == 0, "\(again)")
    let summary = try JSON.parse(again.stdoutData)
    #expect(summary["pushed"]?.int == 0 && summary["pulled"]?.int == 0, "\(again)")
  }

  @Test("three fieldworkers and an analyst push and pull in a random order and end identical")
  func teamConverges() throws {
    guard let admin = HubFixture.adminURL() else { return }
    let sandbox = try Sandbox()
    let hub = try HubFixture(sandbox: sandbox, adminURL: admin)
    let team = try team(
      sandbox, hub,
      [
        ("anna", "fieldworker"), ("bram", "fieldworker"), ("chris", "fieldworker"),
        ("dana", "analyst"),
      ])
    var random = SplitMix64(seed: 2026)
    var added = 0
    var coded = 0
    for step in 0..<28 {
      let person = team[Int.random(in: 0..<team.count, using: &random)]
      let action = Int.random(in: 0..<4, using: &random)
      let result: ProcessResult
      switch action {
      case 0 where person.role == "fieldworker":
        _ = try add(sandbox, person, "Notitie \(step) van \(person.name) over de buurtkamer.")
        added += 1
        continue
      case 0:
        // The analyst codes an entry they hold, if any yet.
        let listed = try sandbox.fieldlog(["list", "--json"], journal: person.journal)
        guard let entry = try JSON.parse(listed.stdoutData)[0]?["id"]?.string else {
          continue
        }
        result = try sandbox.fieldlog(
          ["code", "apply", entry, "informele steun > buurtmoeders"], journal: person.journal)
        if result.status == 0 { coded += 1 }
      case 1: result = try hub.fieldlog("push", journal: person.journal, token: person.token)
      case 2: result = try hub.fieldlog("pull", journal: person.journal, token: person.token)
      default: result = try hub.fieldlog("sync", journal: person.journal, token: person.token)
      }
      #expect(result.status == 0, "step \(step) (\(person.name), action \(action)): \(result)")
    }
    for _ in 0..<2 {
      for person in team {
        let synced = try hub.fieldlog("sync", journal: person.journal, token: person.token)
        #expect(synced.status == 0, "\(person.name): \(synced)")
      }
    }
    #expect(added > 3 && coded > 0, "the random walk added \(added) entries, coded \(coded)")
    let reference = try events(sandbox, team[0].journal)
    for person in team {
      #expect(try events(sandbox, person.journal) == reference, "\(person.name) differs")
      try requireWhole(sandbox, person.journal)
      let listed = try sandbox.fieldlog(["list", "--json"], journal: person.journal)
      #expect(try JSON.parse(listed.stdoutData).array?.count == added, "\(person.name)")
    }
    // The hub holds each event once: as many rows as the journals hold events.
    #expect(
      try hub.sql("SELECT count(*) FROM event")
        == String(reference.split(separator: "\n").count))
  }

  @Test("a hub killed with SIGKILL during a push loses nothing; the retry converges, nothing twice")
  func killDuringPush() throws {
    guard let admin = HubFixture.adminURL() else { return }
    let sandbox = try Sandbox()
    let hub = try HubFixture(sandbox: sandbox, adminURL: admin)
    let team = try team(sandbox, hub, [("anna", "fieldworker"), ("bram", "reader")])
    let (anna, bram) = (team[0], team[1])
    // One import is one transaction: thousands of events in one push, a wide window to kill in.
    let lines = (0..<4000).map {
      #"{"kind":"observation","body":"Notitie \#($0) uit de buurtkamer, met koffie en zorgen.","neighbourhood":"Holendrecht","questions":["RQ1"]}"#
    }
    let corpus = try sandbox.write("notes.jsonl", text: lines.joined(separator: "\n") + "\n")
    let imported = try sandbox.fieldlog(["import", corpus.path], journal: anna.journal)
    try #require(imported.status == 0, "\(imported)")

    let push = Process()
    push.executableURL = sandbox.cli.binary
    push.arguments = [
      "push", "--hub", hub.url, "--study", "amsterdam", "--token-file", anna.token.path,
      "--journal", anna.journal.path,
    ]
    push.environment = Processes.baseEnvironment
    push.standardOutput = FileHandle.nullDevice
    push.standardError = FileHandle.nullDevice
    try push.run()
    // Kill the hub once its transaction has started writing the batch.
    let deadline = Date().addingTimeInterval(60)
    var writing = false
    while Date() < deadline, push.isRunning, !writing {
      writing =
        try hub.sql(
          """
          SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
            AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
            AND query ~ '(FOR UPDATE|INSERT INTO event|SELECT seq, hash)'
          """) != "0"
    }
    hub.kill9()
    push.waitUntilExit()
    #expect(writing, "the push ended before its transaction was seen: nothing was killed")
    #expect(push.terminationStatus != 0, "the push survived the hub's death?")
    // Nothing of the cut-off transaction is there.
    #expect(try hub.sql("SELECT count(*) FROM event") == "0")

    try hub.start()
    let retry = try hub.fieldlog("push", journal: anna.journal, token: anna.token)
    #expect(retry.status == 0, "\(retry)")
    let head = try sandbox.sqlite(
      "SELECT head_seq FROM feed f JOIN local l ON l.key = 'writer_feed' AND l.value = f.id",
      journal: anna.journal
    ).output
    #expect(
      try hub.sql("SELECT count(*), count(DISTINCT seq), max(seq) FROM event")
        == "\(head)|\(head)|\(head)")
    let again = try hub.fieldlog("push", journal: anna.journal, token: anna.token)
    #expect(again.stdout.hasPrefix("nothing to push"), "\(again)")
    let pulled = try hub.fieldlog("pull", journal: bram.journal, token: bram.token)
    #expect(pulled.status == 0, "\(pulled)")
    let own =
      "SELECT seq, hex(hash) FROM event WHERE feed = (SELECT value FROM local "
      + "WHERE key = 'writer_feed') ORDER BY seq"
    // sqlite3 prints in quote mode here: 'text'.
    let feed = try sandbox.sqlite(
      "SELECT value FROM local WHERE key = 'writer_feed'", journal: anna.journal
    ).output.trimmingCharacters(in: CharacterSet(charactersIn: "'"))
    let there = try sandbox.sqlite(
      "SELECT seq, hex(hash) FROM event WHERE feed = '\(feed)' ORDER BY seq", journal: bram.journal
    ).output
    let here = try sandbox.sqlite(own, journal: anna.journal).output
    #expect(!here.isEmpty && there == here, "bram holds another history of anna's feed")
    try requireWhole(sandbox, bram.journal)
  }

  @Test(
    "batches pushed duplicated and shuffled leave the hub in the one state an ordered push does")
  func shuffledBatches() throws {
    guard let admin = HubFixture.adminURL() else { return }
    let sandbox = try Sandbox()
    let hub = try HubFixture(sandbox: sandbox, adminURL: admin)
    let anna = try team(sandbox, hub, [("anna", "fieldworker")])[0]
    for index in 0..<10 { _ = try add(sandbox, anna, "Notitie \(index) over de markt.") }
    let journal = try Journal.open(
      at: anna.journal.path,
      keys: .standard(environment: ["XDG_CONFIG_HOME": Processes.configHome]))
    let local = try #require(try journal.localFeeds().first { $0.own })
    let batches = try journal.outgoing(feed: local.feed, after: 0, batch: 1)
    #expect(batches.count == 11, "one batch per transaction: init and ten adds")
    let expected = batches.flatMap { $0 }
    let token = try hub.token(anna.token)
    let proof = try journal.ownershipProof(study: "amsterdam", member: "anna")
    for seed in UInt64(1)...6 {
      _ = try hub.sql("TRUNCATE event, payload, feed")
      var random = SplitMix64(seed: seed)
      var deliveries = batches.flatMap { batch in
        Array(repeating: batch, count: Int.random(in: 1...3, using: &random))
      }
      deliveries.shuffle(using: &random)
      var statuses: Set<Int> = []
      var rounds = 0
      while rounds < 20 {
        rounds += 1
        var progress = false
        for batch in deliveries {
          let answer = try hub.push(
            batch, feed: local.feed, key: local.publicKey, token: token, proof: proof)
          statuses.insert(answer.status)
          #expect(!answer.body.contains("fork"), "seed \(seed): \(answer)")
          if answer.status == 200, answer.body.contains("\"stored\":0") == false { progress = true }
        }
        if !progress { break }
      }
      #expect(statuses.isSubset(of: [200, 409]), "seed \(seed): \(statuses)")
      #expect(try hub.pullAll(token: token) == expected, "seed \(seed)")
      #expect(
        try hub.sql("SELECT head_seq FROM feed") == "\(local.headSeq)", "seed \(seed)")
    }
  }

  @Test(
    "two copies of one journal push different events: one wins, the other gets a fork, nothing lost"
  )
  func fork() throws {
    guard let admin = HubFixture.adminURL() else { return }
    let sandbox = try Sandbox()
    let hub = try HubFixture(sandbox: sandbox, adminURL: admin)
    let anna = try team(sandbox, hub, [("anna", "fieldworker")])[0]
    let copy = sandbox.url("anna-laptop.sqlite")
    try FileManager.default.copyItem(at: anna.journal, to: copy)
    _ = try add(sandbox, anna, "Op de pc: de buurtmoeder belt.")
    var laptop = anna
    laptop.journal = copy
    _ = try add(sandbox, laptop, "Op de laptop: de wijkcoach komt langs.")
    let won = try hub.fieldlog("push", journal: anna.journal, token: anna.token)
    #expect(won.status == 0, "\(won)")
    let before = try sandbox.state(of: copy)
    let lost = try hub.fieldlog("push", journal: copy, token: anna.token)
    #expect(lost.status == 1, "\(lost)")
    #expect(lost.stderr.contains("HTTP 409"), "\(lost)")
    #expect(lost.stderr.contains("fork: feed"), "\(lost)")
    // Both hashes are named.
    let hashes = try sandbox.sqlite(
      "SELECT lower(hex(hash)) FROM event ORDER BY feed, seq DESC LIMIT 1", journal: copy
    ).output.trimmingCharacters(in: CharacterSet(charactersIn: "'"))
    #expect(lost.stderr.contains(hashes), "\(lost)")
    #expect(try sandbox.state(of: copy) == before, "the losing journal must stay as it was")
    let mine = try sandbox.fieldlog(["search", "laptop"], journal: copy)
    #expect(mine.stdout.contains("wijkcoach"), "\(mine)")
    #expect(
      try hub.sql("SELECT count(*) FROM payload WHERE convert_from(bytes, 'UTF8') LIKE '%laptop%'")
        == "0")
  }

  @Test("refusals: a wrong token 401, the wrong role 403, forged or broken events 422, too big 413")
  func refusals() throws {
    guard let admin = HubFixture.adminURL() else { return }
    let sandbox = try Sandbox()
    let hub = try HubFixture(sandbox: sandbox, adminURL: admin)
    let team = try team(
      sandbox, hub,
      [
        ("anna", "fieldworker"), ("bram", "fieldworker"), ("rita", "reader"),
        ("dana", "analyst"),
      ])
    let (anna, bram, rita, dana) = (team[0], team[1], team[2], team[3])
    _ = try add(sandbox, anna, "Een notitie om te pushen.")
    let pushed = try hub.fieldlog("push", journal: anna.journal, token: anna.token)
    try #require(pushed.status == 0, "\(pushed)")
    _ = try add(sandbox, anna, "Een tweede notitie.")
    let journal = try Journal.open(
      at: anna.journal.path,
      keys: .standard(environment: ["XDG_CONFIG_HOME": Processes.configHome]))
    let feed = try #require(try journal.localFeeds().first { $0.own })
    let hubHead = try hub.sql("SELECT head_seq FROM feed")
    let next = try #require(
      try journal.outgoing(feed: feed.feed, after: Int64(hubHead) ?? 0, batch: 100).first)
    let annaToken = try hub.token(anna.token)

    // 401: no token, an unknown one, a revoked one; the CLI says what to do.
    #expect(
      try hub.request("GET", "/v1/studies/amsterdam/feeds", token: "", body: nil).status == 401)
    #expect(
      try hub.request(
        "GET", "/v1/studies/amsterdam/feeds", token: String(repeating: "0", count: 64), body: nil
      ).status == 401)
    let wrong = try sandbox.write("wrong.token", text: String(repeating: "ab", count: 32))
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: wrong.path)
    let refused = try hub.fieldlog("push", journal: anna.journal, token: wrong)
    #expect(refused.status == 1, "\(refused)")
    #expect(refused.stderr.contains("HTTP 401"), "\(refused)")
    #expect(refused.stderr.contains("hint:"), "\(refused)")

    // 403: a reader pushes, a fieldworker pushes another's feed, an analyst pushes fieldwork.
    #expect(
      try hub.push(next, feed: feed.feed, key: nil, token: try hub.token(rita.token)).status == 403)
    let other = try hub.push(next, feed: feed.feed, key: nil, token: try hub.token(bram.token))
    #expect(other.status == 403 && other.body.contains("anna"), "\(other)")
    let analystPush = try hub.fieldlog("push", journal: dana.journal, token: dana.token)
    #expect(
      analystPush.status == 0, "an analyst's own new journal holds no fieldwork: \(analystPush)")
    let danaJournal = try Journal.open(
      at: dana.journal.path,
      keys: .standard(environment: ["XDG_CONFIG_HOME": Processes.configHome]))
    let danaFeed = try #require(try danaJournal.localFeeds().first { $0.own })
    _ = try sandbox.fieldlog(["participant", "add", "P-017"], journal: dana.journal)
    let fieldwork = try #require(
      try danaJournal.outgoing(feed: danaFeed.feed, after: danaFeed.headSeq, batch: 10).first)
    let analyst = try hub.push(
      fieldwork, feed: danaFeed.feed, key: nil, token: try hub.token(dana.token))
    #expect(analyst.status == 403 && analyst.body.contains("participant.added"), "\(analyst)")
    let cli = try hub.fieldlog("push", journal: rita.journal, token: rita.token)
    #expect(cli.status == 1 && cli.stderr.contains("reader"), "\(cli)")

    // 422: a forged signature, a bad prev, a payload that is not its commitment's.
    var forged = next
    let last = forged.count - 1
    var signature = Array(try #require(forged[last].signature))
    signature[0] = signature[0] == "0" ? "1" : "0"
    forged[last].signature = String(signature)
    let forgedAnswer = try hub.push(forged, feed: feed.feed, key: nil, token: annaToken)
    #expect(
      forgedAnswer.status == 422 && forgedAnswer.body.contains("signature"), "\(forgedAnswer)")
    var badPrev = next
    badPrev[0].prev = String(repeating: "0", count: 64)
    let prevAnswer = try hub.push(badPrev, feed: feed.feed, key: nil, token: annaToken)
    #expect(prevAnswer.status == 422 && prevAnswer.body.contains("prev"), "\(prevAnswer)")
    var badPayload = next
    let index = try #require(badPayload.firstIndex { $0.payload != nil })
    badPayload[index].payload = badPayload[index].payload?.replacingOccurrences(
      of: "tweede", with: "derde")
    let payloadAnswer = try hub.push(badPayload, feed: feed.feed, key: nil, token: annaToken)
    #expect(
      payloadAnswer.status == 422 && payloadAnswer.body.contains("commitment"), "\(payloadAnswer)")

    // 413: more events than a batch may hold (100,000), and a body larger than the hub takes
    // (128 MiB).
    var small = next[0]
    small.payload = nil
    small.salt = nil
    let many = Array(repeating: small, count: 100_001)
    #expect(try hub.push(many, feed: feed.feed, key: nil, token: annaToken).status == 413)
    let huge = Data(repeating: UInt8(ascii: " "), count: 129 * 1024 * 1024)
    #expect(
      try hub.request(
        "POST", "/v1/studies/amsterdam/feeds/\(feed.feed)/events", token: annaToken, body: huge
      ).status == 413)

    // None of it changed the hub; the honest push still goes through.
    #expect(try hub.sql("SELECT head_seq FROM feed WHERE owner = 'anna'") == hubHead)
    let honest = try hub.fieldlog("push", journal: anna.journal, token: anna.token)
    #expect(honest.status == 0 && honest.stdout.hasPrefix("pushed"), "\(honest)")

    // A revoked token is refused from then on.
    #expect(
      try hub.hub(["member", "revoke", "--study", "amsterdam", "--name", "anna"]).status == 0)
    let revoked = try hub.fieldlog("pull", journal: anna.journal, token: anna.token)
    #expect(revoked.status == 1 && revoked.stderr.contains("revoked"), "\(revoked)")
    // A new token keeps her name, role and feed: she pushes on.
    let renewed = try hub.hub(["member", "renew", "--study", "amsterdam", "--name", "anna"])
    #expect(renewed.status == 0, "\(renewed)")
    let fresh = try #require(renewed.output.split(separator: "\n").last.map(String.init))
    try PrivateFileForTests.write(fresh + "\n", to: anna.token)
    _ = try add(sandbox, anna, "Na de nieuwe sleutel.")
    let after = try hub.fieldlog("push", journal: anna.journal, token: anna.token)
    #expect(after.status == 0 && after.stdout.hasPrefix("pushed 1 event"), "\(after)")
  }

  @Test(
    "a redaction accepted by the hub erases the payload there, and a payload it names is refused later"
  )
  func redactionOnTheHub() throws {
    guard let admin = HubFixture.adminURL() else { return }
    let sandbox = try Sandbox()
    let hub = try HubFixture(sandbox: sandbox, adminURL: admin)
    let team = try team(
      sandbox, hub,
      [("anna", "fieldworker"), ("bram", "fieldworker"), ("sanne", "coordinator")])
    let (anna, bram, sanne) = (team[0], team[1], team[2])
    let secret = try add(sandbox, anna, "Mevrouw Jansen vertelt over haar schulden.")
    #expect(try hub.fieldlog("sync", journal: anna.journal, token: anna.token).status == 0)
    #expect(try hub.fieldlog("sync", journal: bram.journal, token: bram.token).status == 0)
    let stored = "SELECT count(*) FROM payload WHERE convert_from(bytes, 'UTF8') LIKE '%schulden%'"
    #expect(try hub.sql(stored) == "1")
    let redacted = try sandbox.fieldlog(
      ["redact", secret, "--reason", "ingetrokken toestemming", "--yes"], journal: anna.journal)
    try #require(redacted.status == 0, "\(redacted)")
    #expect(try hub.fieldlog("push", journal: anna.journal, token: anna.token).status == 0)
    #expect(try hub.sql(stored) == "0", "the hub still holds the redacted text")
    let pulled = try hub.fieldlog("pull", journal: bram.journal, token: bram.token)
    #expect(pulled.status == 0, "\(pulled)")
    let found = try sandbox.fieldlog(["search", "schulden"], journal: bram.journal)
    #expect(!found.stdout.contains("Jansen"), "\(found)")
    try requireWhole(sandbox, bram.journal)

    // Bram may not erase Anna's entry on the hub: only its writer or a coordinator may.
    let own = try add(sandbox, anna, "Een notitie van Anna die Bram wil wissen.")
    #expect(try hub.fieldlog("push", journal: anna.journal, token: anna.token).status == 0)
    #expect(try hub.fieldlog("pull", journal: bram.journal, token: bram.token).status == 0)
    let bramsCopy = sandbox.url("bram-copy.sqlite")
    try FileManager.default.copyItem(at: bram.journal, to: bramsCopy)
    #expect(
      try sandbox.fieldlog(["redact", own, "--reason", "x", "--yes"], journal: bramsCopy).status
        == 0)
    let refused = try hub.fieldlog("push", journal: bramsCopy, token: bram.token)
    #expect(refused.status == 1 && refused.stderr.contains("HTTP 403"), "\(refused)")
    #expect(refused.stderr.contains("only its writer or a coordinator"), "\(refused)")
    // A coordinator looks at Bram's journal and pushes his feed for him; Bram goes on from there.
    let sent = sandbox.url("bram-to-sanne.sqlite")
    #expect(try sandbox.fieldlog(["snapshot", "-o", sent.path], journal: bramsCopy).status == 0)
    #expect(try sandbox.fieldlog(["merge", sent.path], journal: sanne.journal).status == 0)
    let forBram = try hub.fieldlog("push", journal: sanne.journal, token: sanne.token)
    #expect(forBram.status == 0, "\(forBram)")
    var bramAgain = bram
    bramAgain.journal = bramsCopy
    _ = try add(sandbox, bramAgain, "Bram gaat verder.")
    let onward = try hub.fieldlog("push", journal: bramsCopy, token: bram.token)
    #expect(onward.status == 0 && onward.stdout.hasPrefix("pushed 1 event"), "\(onward)")

    // Sanne, a coordinator, redacts an entry of Anna's that reached her by a file, before Anna
    // pushed it: when Anna's event arrives, the hub keeps it without its payload.
    let late = try add(sandbox, anna, "Meneer De Wit noemt zijn diagnose.")
    let snapshot = sandbox.url("anna-copy.sqlite")
    #expect(
      try sandbox.fieldlog(["snapshot", "-o", snapshot.path], journal: anna.journal).status == 0)
    #expect(try sandbox.fieldlog(["merge", snapshot.path], journal: sanne.journal).status == 0)
    let erased = try sandbox.fieldlog(
      ["redact", late, "--reason", "geen toestemming", "--yes"], journal: sanne.journal)
    try #require(erased.status == 0, "\(erased)")
    #expect(try hub.fieldlog("push", journal: sanne.journal, token: sanne.token).status == 0)
    #expect(try hub.fieldlog("push", journal: anna.journal, token: anna.token).status == 0)
    #expect(
      try hub.sql(
        "SELECT count(*) FROM payload WHERE convert_from(bytes, 'UTF8') LIKE '%diagnose%'")
        == "0")
    #expect(try hub.fieldlog("pull", journal: anna.journal, token: anna.token).status == 0)
    let gone = try sandbox.fieldlog(["search", "diagnose"], journal: anna.journal)
    #expect(!gone.stdout.contains("De Wit"), "\(gone)")
    try requireWhole(sandbox, anna.journal)
  }

  @Test("the token comes from FIELDLOG_HUB_TOKEN or a file only its owner reads, never a flag")
  func tokenSources() throws {
    guard let admin = HubFixture.adminURL() else { return }
    let sandbox = try Sandbox()
    let hub = try HubFixture(sandbox: sandbox, adminURL: admin)
    let anna = try team(sandbox, hub, [("anna", "fieldworker")])[0]
    try FileManager.default.setAttributes(
      [.posixPermissions: 0o644], ofItemAtPath: anna.token.path)
    let open = try hub.fieldlog("push", journal: anna.journal, token: anna.token)
    #expect(open.status == 65, "\(open)")
    #expect(open.stderr.contains("can be read by others (mode 644)"), "\(open)")
    #expect(open.stderr.contains("chmod 600"), "\(open)")
    let viaEnvironment = try sandbox.fieldlog(
      ["push", "--hub", hub.url, "--study", "amsterdam"],
      env: ["FIELDLOG_HUB_TOKEN": try hub.token(anna.token)],
      journal: anna.journal)
    #expect(viaEnvironment.status == 0, "\(viaEnvironment)")
    let none = try sandbox.fieldlog(
      ["pull", "--hub", hub.url, "--study", "amsterdam"], journal: anna.journal)
    #expect(none.status == 66 && none.stderr.contains("no hub token"), "\(none)")
    let flag = try sandbox.fieldlog(
      ["pull", "--hub", hub.url, "--study", "amsterdam", "--token", "abc"], journal: anna.journal)
    #expect(flag.status == 64, "\(flag)")
    let badURL = try sandbox.fieldlog(
      ["pull", "--hub", "ftp://x", "--study", "amsterdam"], journal: anna.journal)
    #expect(
      badURL.status == 65 && badURL.stderr.contains("'ftp://x' is not a hub URL"), "\(badURL)")
    hub.stop()
    let down = try sandbox.fieldlog(
      ["pull", "--hub", hub.url, "--study", "amsterdam"],
      env: ["FIELDLOG_HUB_TOKEN": try hub.token(anna.token)], journal: anna.journal)
    #expect(down.status == 74 && down.stderr.contains("cannot reach the hub"), "\(down)")
  }

  @Test("the README's five commands sync two people through a hub, as written")
  func readmeSync() throws {
    guard let admin = HubFixture.adminURL() else { return }
    let sandbox = try Sandbox()
    let hub = try HubFixture(sandbox: sandbox, adminURL: admin, migrated: false)
    let readme = try String(
      contentsOf: Paths.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let section = try #require(readme.components(separatedBy: "### Through a team hub").last)
    let block = try #require(
      section.components(separatedBy: "```sh\n").dropFirst().first?
        .components(separatedBy: "```").first)
    #expect(block.split(separator: "\n").count == 5, "five commands: \(block)")
    for (name, text) in [("anna", "Anna ziet de koffieochtend."), ("bram", "Bram ziet de markt.")] {
      let journal = sandbox.url("\(name).sqlite")
      let made = try sandbox.fieldlog(
        ["init", "--study", Paths.amsterdamStudy.path, "--author", name], journal: journal)
      try #require(made.status == 0, "\(made)")
      _ = try add(sandbox, Person(name: name, role: "", journal: journal, token: journal), text)
    }
    // The same commands, on a free port (8089 may be taken here), with this build's programs.
    let port = try HubFixture.freePort()
    let script =
      "set -e\ncd '\(sandbox.dir.path)'\n"
      + block.replacingOccurrences(of: "8089", with: "\(port)")
      .replacingOccurrences(
        of: "fieldlog-hub serve &",
        // A person types the next command after the server started; a script waits for it.
        with: "fieldlog-hub serve --listen 127.0.0.1:\(port) &\n"
          + "until (echo > /dev/tcp/127.0.0.1/\(port)) 2>/dev/null; do sleep 0.1; done")
      + "kill $!\n"
    let folder = sandbox.cli.binary.deletingLastPathComponent().path
    let ran = try Processes.run(
      URL(fileURLWithPath: "/bin/bash"), ["-c", script],
      env: [
        "FIELDLOG_HUB_DATABASE_URL": hub.databaseURL,
        "PATH": folder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
      ])
    #expect(ran.status == 0, "\(ran)")
    for name in ["anna", "bram"] {
      let journal = sandbox.url("\(name).sqlite")
      let listed = try sandbox.fieldlog(["list"], journal: journal)
      #expect(
        listed.stdout.contains("Anna ziet") && listed.stdout.contains("Bram ziet"),
        "\(name): \(listed)")
      try requireWhole(sandbox, journal)
      let mode =
        try FileManager.default.attributesOfItem(
          atPath: sandbox.url("\(name).token").path)[.posixPermissions] as? NSNumber
      #expect(mode?.intValue == 0o600)
    }
  }

  @Test(
    "an entry of a participant without consent to share goes up without its text; the chain still verifies"
  )
  func consentToShare() throws {
    guard let admin = HubFixture.adminURL() else { return }
    let sandbox = try Sandbox()
    let hub = try HubFixture(sandbox: sandbox, adminURL: admin)
    let team = try team(sandbox, hub, [("anna", "fieldworker"), ("bram", "fieldworker")])
    let (anna, bram) = (team[0], team[1])
    #expect(
      try sandbox.fieldlog(["participant", "add", "P-017"], journal: anna.journal).status == 0)
    let secret = try add(
      sandbox, anna, "P-017 vertelt over haar schulden bij de buurtmoeder.", participant: "P-017")
    _ = try add(sandbox, anna, "De markt is druk op zaterdag.")
    let coded = try sandbox.fieldlog(
      ["code", "apply", secret, "informele steun > buurtmoeders", "--quote", "schulden"],
      journal: anna.journal)
    #expect(coded.status == 0, "\(coded)")
    let pushed = try hub.fieldlog("push", journal: anna.journal, token: anna.token)
    #expect(pushed.status == 0, "\(pushed)")
    #expect(
      pushed.stdout.contains("2 of them without their text")
        && pushed.stdout.contains("share-consortium"), "\(pushed)")
    // The hub holds neither the note nor the quote, and its chain is whole.
    #expect(
      try hub.sql(
        "SELECT count(*) FROM payload WHERE convert_from(bytes, 'UTF8') LIKE '%schulden%'")
        == "0")
    #expect(try hub.sql("SELECT count(*) FROM event WHERE type = 'entry.recorded'") == "2")
    let pulled = try hub.fieldlog("pull", journal: bram.journal, token: bram.token)
    #expect(pulled.status == 0, "\(pulled)")
    let verified = try sandbox.fieldlog(["verify"], journal: bram.journal)
    #expect(verified.status == 0, "\(verified)")
    #expect(verified.stdout.contains("2 withheld by their writers"), "\(verified)")
    let listed = try sandbox.fieldlog(["list"], journal: bram.journal)
    #expect(listed.stdout.contains("De markt") && !listed.stdout.contains("schulden"), "\(listed)")
    #expect(try sandbox.fieldlog(["rebuild"], journal: bram.journal).status == 0)
    #expect(try sandbox.fieldlog(["verify"], journal: bram.journal).status == 0)
    // Passed on by a file, it stays withheld, and verified.
    let relay = sandbox.url("bram-copy.sqlite")
    #expect(
      try sandbox.fieldlog(["snapshot", "-o", relay.path], journal: bram.journal).status == 0)
    let clara = sandbox.url("clara.sqlite")
    #expect(
      try sandbox.fieldlog(
        ["init", "--study", Paths.amsterdamStudy.path, "--author", "clara"], journal: clara
      ).status == 0)
    #expect(try sandbox.fieldlog(["merge", relay.path], journal: clara).status == 0)
    let relayed = try sandbox.fieldlog(["verify"], journal: clara)
    #expect(
      relayed.status == 0 && relayed.stdout.contains("2 withheld by their writers"), "\(relayed)")
    // With consent given, a later entry goes whole; a journal that gets the text from its writer
    // (a merge) holds it from then on, and nothing is withheld any more.
    #expect(
      try sandbox.fieldlog(
        ["consent", "P-017", "--given", "written", "--scope", "share-consortium"],
        journal: anna.journal
      ).status == 0)
    _ = try add(
      sandbox, anna, "P-017 gaat mee naar de markt.", at: "2024-05-02 10:00", participant: "P-017")
    let second = try hub.fieldlog("push", journal: anna.journal, token: anna.token)
    #expect(second.status == 0 && !second.stdout.contains("without their text"), "\(second)")
    let snapshot = sandbox.url("anna-copy.sqlite")
    #expect(
      try sandbox.fieldlog(["snapshot", "-o", snapshot.path], journal: anna.journal).status == 0)
    #expect(try sandbox.fieldlog(["merge", snapshot.path], journal: bram.journal).status == 0)
    let whole = try sandbox.fieldlog(["verify"], journal: bram.journal)
    #expect(whole.status == 0 && !whole.stdout.contains("withheld"), "\(whole)")
    let found = try sandbox.fieldlog(["search", "schulden"], journal: bram.journal)
    #expect(found.stdout.contains("buurtmoeder"), "\(found)")
    // A journal never marks its own events withheld: that would hide a payload deleted by hand.
    let own = try sandbox.sqlite(
      "SELECT hex(hash) FROM event WHERE type = 'entry.recorded' AND feed = "
        + "(SELECT value FROM local WHERE key = 'writer_feed') LIMIT 1", journal: anna.journal
    ).output.trimmingCharacters(in: CharacterSet(charactersIn: "'"))
    let tampered = try sandbox.sqlite(
      "PRAGMA foreign_keys = OFF; DROP TRIGGER payload_delete_only_redacted; "
        + "DELETE FROM payload WHERE commitment = (SELECT commitment FROM event WHERE hash = X'\(own)'); "
        + "INSERT INTO withheld VALUES (X'\(own)', 'forged');", journal: anna.journal)
    #expect(tampered.status == 0, "\(tampered)")
    let caught = try sandbox.fieldlog(["verify"], journal: anna.journal)
    #expect(caught.status == 1 && caught.stdout.contains("marked as withheld"), "\(caught)")
  }

  @Test(
    "fieldlog-hub's bad input: each error names the value and, where there are some, the valid ones"
  )
  func hubBadInput() throws {
    guard let admin = HubFixture.adminURL() else { return }
    let sandbox = try Sandbox()
    let hub = try HubFixture(sandbox: sandbox, adminURL: admin)
    #expect(try hub.hub(["study", "add", "amsterdam"]).status == 0)
    try hub.member("anna", role: "fieldworker")
    let cases: [([String], Int32, String)] = [
      (["study", "add", "amsterdam"], 65, "the study 'amsterdam' exists already"),
      (["study", "add", "a b"], 65, "'a b' is not a study name"),
      (
        ["member", "add", "--study", "amsterdam", "--name", "x", "--role", "boss"], 65,
        "'boss' is not a role; roles: coordinator, fieldworker, analyst, reader"
      ),
      (
        ["member", "add", "--study", "gelderland", "--name", "x", "--role", "reader"], 65,
        "'gelderland' is not a study on this hub; studies: amsterdam"
      ),
      (
        ["member", "add", "--study", "amsterdam", "--name", "anna", "--role", "reader"], 65,
        "'anna' is a member of 'amsterdam' already"
      ),
      (
        ["member", "revoke", "--study", "amsterdam", "--name", "bram"], 65,
        "'bram' is not a member of 'amsterdam'; members: anna"
      ),
      (["serve", "--listen", "nowhere"], 64, "--listen 'nowhere' is not HOST:PORT"),
      (
        ["study", "list", "--database-url", "mysql://x"], 64,
        "'mysql://x' is not a PostgreSQL URL"
      ),
      (
        ["study", "list", "--database-url", "postgres://x@127.0.0.1:1/db"], 74,
        "cannot connect to the database at 127.0.0.1:1"
      ),
    ]
    for (arguments, status, message) in cases {
      let result = try hub.hub(arguments)
      #expect(result.status == status, "\(arguments): \(result)")
      #expect(result.stderr.contains(message), "\(arguments): \(result)")
      #expect(!result.stderr.contains("PSQLError") && !result.stderr.contains("Fatal"), "\(result)")
    }
    let missing = try Processes.run(HubFixture.binary, ["study", "list"])
    #expect(
      missing.status == 64 && missing.stderr.contains("FIELDLOG_HUB_DATABASE_URL"), "\(missing)")
    #expect(
      try hub.hub(["member", "list", "--study", "amsterdam"]).output.hasPrefix(
        "anna\tfieldworker\texpires "))
  }

  @Test(
    "a coordinator relays a colleague's journal that came by file; its writer pushes on from there")
  func coordinatorRelays() throws {
    guard let admin = HubFixture.adminURL() else { return }
    let sandbox = try Sandbox()
    let hub = try HubFixture(sandbox: sandbox, adminURL: admin)
    let team = try team(
      sandbox, hub,
      [("sanne", "coordinator"), ("anna", "fieldworker"), ("bram", "fieldworker")])
    let (sanne, anna, bram) = (team[0], team[1], team[2])
    _ = try add(sandbox, anna, "Anna schrijft offline, op het platteland.")
    let file = sandbox.url("anna-usb.sqlite")
    #expect(try sandbox.fieldlog(["snapshot", "-o", file.path], journal: anna.journal).status == 0)
    #expect(try sandbox.fieldlog(["merge", file.path], journal: sanne.journal).status == 0)
    // A copy of Anna's journal does not make her feed Bram's: registering it takes her key.
    let usb = try Journal.openForReading(at: file.path)
    let first = try #require(try usb.localFeeds().first)
    let early = try hub.push(
      try #require(try usb.outgoing(feed: first.feed, after: 0, batch: 1000).first),
      feed: first.feed, key: first.publicKey, token: try hub.token(bram.token))
    #expect(early.status == 403 && early.body.contains("did not prove"), "\(early)")
    let relayed = try hub.fieldlog("push", journal: sanne.journal, token: sanne.token)
    #expect(relayed.status == 0 && relayed.stdout.contains("of 2 feeds"), "\(relayed)")
    // Bram cannot take Anna's feed; Anna, back online, pushes on, and it is hers from then on.
    _ = try add(sandbox, anna, "Anna is terug in de stad.")
    let copy = sandbox.url("bram-has-anna.sqlite")
    #expect(try sandbox.fieldlog(["snapshot", "-o", copy.path], journal: anna.journal).status == 0)
    let journal = try Journal.openForReading(at: copy.path)
    let annaFeed = try #require(
      try journal.localFeeds().first { $0.headSeq > 0 && !$0.own })
    let hubHead = Int64(try hub.sql("SELECT head_seq FROM feed WHERE id = '\(annaFeed.feed)'")) ?? 0
    let next = try #require(
      try journal.outgoing(feed: annaFeed.feed, after: hubHead, batch: 10).first)
    let taken = try hub.push(next, feed: annaFeed.feed, key: nil, token: try hub.token(bram.token))
    #expect(taken.status == 403, "\(taken)")
    let back = try hub.fieldlog("sync", journal: anna.journal, token: anna.token)
    #expect(back.status == 0 && back.stdout.hasPrefix("pushed 1 event"), "\(back)")
    #expect(
      try hub.sql("SELECT owner, relayed FROM feed WHERE id = '\(annaFeed.feed)'") == "anna|f")
    #expect(try hub.fieldlog("sync", journal: bram.journal, token: bram.token).status == 0)
    let listed = try sandbox.fieldlog(["search", "stad"], journal: bram.journal)
    #expect(listed.stdout.contains("Anna is terug"), "\(listed)")
  }
}

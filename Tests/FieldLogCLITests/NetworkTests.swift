import Foundation
import Testing

/// Issue 19, networks, as a practitioner meets them on the command line: members and ties over
/// time, ties recorded on a network conversation, follow-ups due, the report, the exports read
/// back by networkx and pandas, the ecogram read by xmllint, consent, redaction and merge.
///
/// Every test runs the real binary on a journal of its own made from the Amsterdam example study,
/// with P-017 (whose network it is), P-021 and the suites' other participants registered.
@Suite struct NetworkTests {
  // MARK: helpers

  func makeSandbox(consented: [String] = ["P-017", "P-021"]) throws -> Sandbox {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    for pseudonym in consented {
      try ok(
        sandbox.fieldlog([
          "consent", pseudonym, "--given", "written", "--scope", "recording", "--date",
          "2024-01-10",
        ]))
    }
    return sandbox
  }

  @discardableResult
  func ok(
    _ result: ProcessResult, journal: URL? = nil, sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> ProcessResult {
    try #require(result.status == 0, "\(result)", sourceLocation: sourceLocation)
    return result
  }

  func json(
    _ sandbox: Sandbox, _ args: [String], journal: URL? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> JSON {
    let result = try sandbox.fieldlog(args + ["--json"], journal: journal)
    try #require(result.status == 0, "\(args): \(result)", sourceLocation: sourceLocation)
    return try JSON.parse(result.stdoutData)
  }

  func member(
    _ sandbox: Sandbox, _ alias: String, role: String, since: String = "2024-03-01",
    _ extra: [String] = [], journal: URL? = nil, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    try ok(
      sandbox.fieldlog(
        ["network", "member", "add", "P-017", alias, "--role", role, "--since", since] + extra,
        journal: journal), sourceLocation: sourceLocation)
  }

  func tie(
    _ sandbox: Sandbox, _ a: String, _ b: String, _ extra: [String], journal: URL? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    try ok(
      sandbox.fieldlog(["network", "tie", "P-017", a, b] + extra, journal: journal),
      sourceLocation: sourceLocation)
  }

  /// The ties of `network show P-017 --at DAY --json` as "from>to kind strength" (">" forward,
  /// "<>" mutual, "~" none).
  func ties(_ sandbox: Sandbox, on day: String, journal: URL? = nil) throws -> [String] {
    let shown = try json(sandbox, ["network", "show", "P-017", "--at", day], journal: journal)
    return (shown["ties"]?.array ?? []).map { tie in
      let mark =
        switch tie["direction"]?.string {
        case "forward": ">"
        case "mutual": "<>"
        default: "~"
        }
      return "\(tie["from"]?.string ?? "?")\(mark)\(tie["to"]?.string ?? "?") "
        + "\(tie["kind"]?.string ?? "?") \(tie["strength"]?.int.map(String.init) ?? "?")"
    }
  }

  // MARK: ties over time

  @Test("a tie recorded, changed and ended: the network on each day is what was true that day")
  func tiesOverTime() throws {
    let sandbox = try makeSandbox()
    try member(sandbox, "N-017-dochter", role: "family")
    try member(sandbox, "N-017-wijkcoach", role: "professional")
    // As the issue writes it: one member named, the tie is with the participant.
    try ok(
      sandbox.fieldlog([
        "network", "tie", "P-017", "N-017-dochter", "--kind", "support", "--strength", "2",
        "--at", "2024-03-05",
      ]))
    try tie(
      sandbox, "N-017-dochter", "P-017",
      ["--kind", "support", "--strength", "3", "--directed", "--at", "2024-04-10"])
    try ok(
      sandbox.fieldlog([
        "network", "tie", "P-017", "N-017-dochter", "--kind", "support", "--end", "--at",
        "2024-05-20",
      ]))
    try tie(
      sandbox, "N-017-wijkcoach", "P-017",
      ["--kind", "referral", "--strength", "1", "--at", "2024-04-01"])

    #expect(try ties(sandbox, on: "2024-03-04") == [])
    #expect(try ties(sandbox, on: "2024-03-05") == ["N-017-dochter~P-017 support 2"])
    #expect(
      try ties(sandbox, on: "2024-04-10") == [
        "N-017-dochter>P-017 support 3", "N-017-wijkcoach~P-017 referral 1",
      ])
    #expect(try ties(sandbox, on: "2024-05-20") == ["N-017-wijkcoach~P-017 referral 1"])

    // The JSON has members and ties; a member belongs from their day on.
    let before = try json(sandbox, ["network", "show", "P-017", "--at", "2024-02-01"])
    #expect(before["members"]?.array?.compactMap { $0["id"]?.string } == ["P-017"], "\(before)")
    let after = try json(sandbox, ["network", "show", "P-017", "--at", "2024-04-10"])
    let members = after["members"]?.array ?? []
    #expect(
      members.compactMap { $0["id"]?.string } == ["P-017", "N-017-dochter", "N-017-wijkcoach"])
    #expect(members.first?["focal"]?.bool == true)
    #expect(members.last?["formal"]?.bool == true, "a professional is formal by default")

    // The report between two days: what was gained, lost and changed.
    let report = try json(
      sandbox, ["network", "report", "P-017", "--from", "2024-03-05", "--to", "2024-04-10"])
    #expect(report["before"]?["size"]?.int == 2 && report["after"]?["ties"]?.int == 2, "\(report)")
    #expect(report["gained"]?.array?.count == 1 && report["lost"]?.array?.isEmpty == true)
    #expect(report["changed"]?.array?.first?["after"]?.int == 3, "\(report)")
    #expect(report["after"]?["reciprocity"] == .int(0), "one directed tie, not mutual: \(report)")

    // Ending a tie that is not there, on a day it is not, is refused.
    let again = try sandbox.fieldlog(
      [
        "network", "tie", "P-017", "P-017", "N-017-dochter", "--kind", "support", "--end", "--at",
        "2024-06-01",
      ])
    #expect(again.status != 0 && again.stderr.contains("no support tie"), "\(again)")

    // Everything verifies, by fieldlog and by the independent verifier, and rebuilds the same.
    try ok(sandbox.fieldlog(["verify"]))
    let independent = try sandbox.independentVerify()
    #expect(independent.status == 0, "\(independent)")
    let projections = try sandbox.query("SELECT * FROM network_tie ORDER BY event_hash")
    try ok(sandbox.fieldlog(["rebuild"]))
    #expect(try sandbox.query("SELECT * FROM network_tie ORDER BY event_hash") == projections)
  }

  @Test(
    "a member added today keeps a tie recorded about the past; recording a tie again unchanged is no change"
  )
  func pastTiesAndRepeats() throws {
    let sandbox = try makeSandbox()
    // Added without --since (today), then a tie from March 2024, as a practitioner catching up.
    try ok(
      sandbox.fieldlog(["network", "member", "add", "P-017", "N-017-imam", "--role", "other"]))
    try ok(
      sandbox.fieldlog([
        "network", "tie", "P-017", "N-017-imam", "--kind", "contact", "--strength", "2", "--at",
        "2024-03-01",
      ]))
    let march = try json(sandbox, ["network", "show", "P-017", "--at", "2024-03-01"])
    let members = march["members"]?.array ?? []
    #expect(
      members.map { $0["id"]?.string } == ["P-017", "N-017-imam"]
        && members.last?["since"]?.string == "2024-03-01", "\(march)")
    // The same tie recorded again on a later day changes nothing: it stays one state, since March.
    try ok(
      sandbox.fieldlog([
        "network", "tie", "P-017", "N-017-imam", "--kind", "contact", "--strength", "2", "--at",
        "2024-04-02",
      ]))
    let april = try json(sandbox, ["network", "show", "P-017", "--at", "2024-05-01"])
    #expect(april["ties"]?.array?.first?["since"]?.string == "2024-03-01", "\(april)")
    let csv = sandbox.url("imam.csv")
    let exported = try ok(
      sandbox.fieldlog(["network", "export", "P-017", "--format", "csv", "-o", csv.path]))
    #expect(exported.stdout.hasSuffix(": 2 nodes, 1 edge\n"), "\(exported)")
    let report = try json(
      sandbox, ["network", "report", "P-017", "--from", "2024-03-15", "--to", "2024-05-01"])
    #expect(report["changed"]?.array?.isEmpty == true, "\(report)")
    // A change of direction alone is a change.
    try ok(
      sandbox.fieldlog([
        "network", "tie", "P-017", "N-017-imam", "P-017", "--kind", "contact", "--strength", "2",
        "--directed", "--at", "2024-04-20",
      ]))
    let turned = try json(
      sandbox, ["network", "report", "P-017", "--from", "2024-03-15", "--to", "2024-05-01"])
    let change = turned["changed"]?.array?.first
    #expect(
      change?["directionBefore"]?.string == "N-017-imam~P-017"
        && change?["directionAfter"]?.string == "N-017-imam>P-017", "\(turned)")
  }

  // MARK: on a network conversation

  @Test("--tie on a network conversation records the ties on its day, linked to it; due follow-ups")
  func tiesOnConversation() throws {
    let sandbox = try makeSandbox()
    try member(sandbox, "N-017-buurman", role: "neighbour")
    let entry = try sandbox.add(
      "network-conversation",
      [
        "--text", "Gesprek met P-017 en de buurman.", "--at", "2024-03-20 15:00",
        "--neighbourhood", "Jan van Maijenbuurt", "--question", "RQ1", "--participant", "P-017",
        "--participant", "P-021", "--network", "P-017", "--field", "follow-up=2024-04-02",
        "--field",
        "intervention=buurman kookt op maandag",
        "--tie", "N-017-buurman>P-017:support:2",
      ])
    let id = try #require(entry["id"]?.string)
    let shown = try json(sandbox, ["network", "show", "P-017", "--at", "2024-03-20"])
    let tie = try #require(shown["ties"]?.array?.first, "\(shown)")
    #expect(tie["entry"]?.string == id && tie["since"]?.string == "2024-03-20", "\(shown)")

    // The follow-up is due once its day has passed with no later conversation. It is listed
    // once, for the network it concerns, not for P-021, who has no network of her own.
    let due = try json(sandbox, ["network", "due", "--today", "2024-04-10"])
    #expect(due.array?.count == 1, "\(due)")
    #expect(due.array?.first?["participant"]?.string == "P-017", "\(due)")
    #expect(due.array?.first?["entry"]?.string == id)
    #expect(due.array?.first?["ties"]?.strings == ["N-017-buurman>P-017 support 2"], "\(due)")
    let notYet = try json(sandbox, ["network", "due", "--today", "2024-04-01"])
    #expect(notYet.array?.isEmpty == true, "\(notYet)")
    _ = try sandbox.add(
      "network-conversation",
      [
        "--text", "Tweede gesprek.", "--at", "2024-04-08 10:00", "--neighbourhood",
        "Jan van Maijenbuurt", "--question", "RQ1", "--participant", "P-017",
      ])
    let done = try json(sandbox, ["network", "due", "--today", "2024-04-10"])
    #expect(done.array?.isEmpty == true, "a later conversation took the follow-up up: \(done)")
    // A conversation about P-017's network with only her sister there concerns P-017's network.
    let sister = try sandbox.add(
      "network-conversation",
      [
        "--text", "Gesprek met de zus.", "--at", "2024-04-20 10:00", "--neighbourhood",
        "Jan van Maijenbuurt", "--question", "RQ1", "--participant", "P-021", "--network", "P-017",
        "--tie", "N-017-buurman>P-017:support:3", "--field", "follow-up=2024-05-01",
      ])
    let dueAgain = try json(sandbox, ["network", "due", "--today", "2024-05-10"])
    #expect(
      dueAgain.array?.map { $0["participant"]?.string } == ["P-017"]
        && dueAgain.array?.first?["entry"] == sister["id"], "\(dueAgain)")

    // A tie that is refused leaves the entry unrecorded too: the journal stays as it was.
    let state = try sandbox.state()
    let refused = try sandbox.fieldlog([
      "add", "network-conversation", "--text", "Nog een gesprek.", "--neighbourhood",
      "Jan van Maijenbuurt", "--question", "RQ1", "--participant", "P-017", "--tie",
      "N-017-onbekend>P-017:support:2",
    ])
    #expect(refused.status != 0 && refused.stderr.contains("N-017-onbekend"), "\(refused)")
    #expect(try sandbox.state() == state)
    // --tie belongs to network conversations.
    let wrongKind = try sandbox.fieldlog([
      "add", "observation", "--text", "Koffie.", "--neighbourhood", "Holendrecht", "--question",
      "RQ1", "--participant", "P-017", "--tie", "N-017-buurman>P-017:support:2",
    ])
    #expect(wrongKind.status != 0 && wrongKind.stderr.contains("network-conversation"))
    #expect(try sandbox.state() == state)
  }

  // MARK: bad input

  @Test(
    "bad input is refused with a message that names the value (and the valid ones); the journal is unchanged",
    arguments: [
      (
        ["network", "tie", "P-017", "P-017", "N-017-zus", "--kind", "support", "--strength", "2"],
        ["N-017-zus", "N-017-dochter"]
      ),
      (
        [
          "network", "tie", "P-017", "P-017", "N-017-dochter", "--kind", "support", "--strength",
          "4",
        ],
        ["'4'", "1, 2, 3"]
      ),
      (
        [
          "network", "tie", "P-017", "N-017-dochter", "n-017-DOCHTER", "--kind", "contact",
          "--strength", "1",
        ],
        ["two members"]
      ),
      (
        ["network", "tie", "P-017", "P-017", "N-017-dochter", "--kind", "hulp", "--strength", "1"],
        ["'hulp'", "support", "contact", "conflict", "referral"]
      ),
      (
        ["network", "member", "add", "P-017", "N-017-oom", "--role", "oom"],
        ["'oom'", "faith-community"]
      ),
      (["network", "member", "add", "P-017", "Fatma", "--role", "family"], ["real name of P-021"]),
      (
        [
          "network", "member", "add", "P-017", "N-017-x", "--role", "friend", "--note",
          "vriendin Fatma",
        ],
        ["note holds the real name of P-021"]
      ),
      (["network", "member", "add", "P-099", "N-099-x", "--role", "friend"], ["P-099"]),
      (["network", "member", "add", "P-017", "N 017 zus", "--role", "family"], ["'N 017 zus'"]),
      (["network", "member", "add", "P-017", "N-017-dochter", "--role", "family"], ["already"]),
      (
        ["network", "tie", "P-017", "N-017-dochter", "--kind", "support", "--end"],
        ["no support tie between P-017 and N-017-dochter", "they have no tie"]
      ),
      (
        ["network", "member", "add", "P-030", "N-030-zus", "--role", "family"],
        ["P-030 has not consented to recording", "fieldlog consent P-030"]
      ),
      (["network", "report", "P-017", "--by", "neighbourhood"], ["not both"]),
      (["network", "show", "P-017", "--at", "gisteren-ish"], ["gisteren-ish"]),
      (
        ["network", "export", "P-017", "--format", "pajek", "-o", "x.net"], ["'pajek'", "graphml"]
      ),
      (["network", "report", "--by", "wijk"], ["'wijk'", "neighbourhood", "initiative"]),
      (
        [
          "add", "network-conversation", "--text", "x", "--neighbourhood", "Holendrecht",
          "--question", "RQ1", "--participant", "P-017", "--tie", "P-017=>N-017-dochter",
        ],
        ["P-017=>N-017-dochter", "A>B:kind:strength"]
      ),
    ] as [([String], [String])])
  func badInput(arguments: [String], mentions: [String]) throws {
    let sandbox = try makeSandbox()
    try member(sandbox, "N-017-dochter", role: "family")
    try ok(sandbox.fieldlog(["keys", "add", "P-021", "--name", "Fatma Yılmaz"]))
    let state = try sandbox.state()
    let result = try sandbox.fieldlog(arguments)
    #expect(result.status != 0, "\(result)")
    for text in mentions { #expect(result.stderr.contains(text), "\(text): \(result)") }
    #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack"), "\(result)")
    #expect(try sandbox.state() == state, "the journal changed")
  }

  // MARK: exports

  @Test(
    "GraphML read back by networkx, GEXF by xmllint, CSV by pandas: counts and attributes agree")
  func exportsReadBack() throws {
    let sandbox = try makeSandbox()
    try member(sandbox, "N-017-dochter", role: "family")
    try member(sandbox, "N-017-huisarts", role: "professional")
    try member(sandbox, "P-021", role: "family", since: "2024-03-10")
    try tie(
      sandbox, "P-017", "N-017-dochter",
      ["--kind", "support", "--strength", "2", "--at", "2024-03-05"])
    try tie(
      sandbox, "P-017", "N-017-dochter",
      ["--kind", "support", "--strength", "3", "--at", "2024-04-05"])
    try tie(
      sandbox, "P-017", "N-017-dochter",
      ["--kind", "conflict", "--strength", "1", "--mutual", "--at", "2024-03-05"])
    try tie(
      sandbox, "N-017-huisarts", "P-017",
      ["--kind", "referral", "--strength", "2", "--directed", "--at", "2024-03-06"])
    try tie(
      sandbox, "P-021", "N-017-dochter",
      ["--kind", "contact", "--strength", "1", "--at", "2024-03-12"])
    try tie(
      sandbox, "P-021", "N-017-dochter", ["--kind", "contact", "--end", "--at", "2024-05-01"])

    let graphml = sandbox.url("p017.graphml")
    try ok(
      sandbox.fieldlog(["network", "export", "P-017", "--format", "graphml", "-o", graphml.path]))
    let mode =
      try FileManager.default.attributesOfItem(atPath: graphml.path)[.posixPermissions] as? Int
    #expect(mode == 0o600)
    let script = """
      import json, sys
      import networkx as nx
      g = nx.read_graphml(sys.argv[1])
      edges = sorted((d["kind"], d["strength"], d["direction"], d["start"], d.get("end", ""))
                     for _, _, d in g.edges(data=True))
      roles = sorted(d["role"] for _, d in g.nodes(data=True))
      print(json.dumps({"nodes": g.number_of_nodes(), "edges": g.number_of_edges(),
        "directed": g.is_directed(), "edgeList": [list(e) for e in edges], "roles": roles,
        "nodeKeys": sorted({k for _, d in g.nodes(data=True) for k in d})}))
      """
    let read = try sandbox.python(["-c", script, graphml.path])
    try #require(read.status == 0, "networkx: \(read)")
    let graph = try JSON.parse(read.stdoutData)
    #expect(graph["nodes"]?.int == 4, "\(graph)")
    #expect(graph["edges"]?.int == 5, "\(graph)")
    #expect(graph["directed"]?.bool == true)
    #expect(graph["roles"]?.strings == ["client", "family", "family", "professional"], "\(graph)")
    #expect(
      graph["edgeList"]
        == (try JSON.parse(
          """
          [["conflict",1,"mutual","2024-03-05",""],["contact",1,"none","2024-03-12","2024-05-01"],
           ["referral",2,"forward","2024-03-06",""],["support",2,"none","2024-03-05","2024-04-05"],
           ["support",3,"none","2024-04-05",""]]
          """)),
      "\(graph)")
    #expect(
      graph["nodeKeys"]?.strings == [
        "focal", "formal", "member", "network", "role", "since", "withheld",
      ], "\(graph)")

    let gexf = sandbox.url("p017.gexf")
    try ok(sandbox.fieldlog(["network", "export", "--all", "--format", "gexf", "-o", gexf.path]))
    let lint = try Processes.run(
      try #require(Processes.which("xmllint")), ["--noout", gexf.path])
    #expect(lint.status == 0, "\(lint)")
    let gexfText = try String(contentsOf: gexf, encoding: .utf8)
    #expect(gexfText.components(separatedBy: "<edge ").count - 1 == 5)
    #expect(gexfText.contains("endopen=\"2024-05-01\""))
    // networkx reads the GEXF too: a mutual tie is an edge each way, the others one edge.
    let readGEXF = try sandbox.python([
      "-c",
      """
      import sys, networkx as nx
      g = nx.read_gexf(sys.argv[1])
      print(g.number_of_nodes(), g.number_of_edges(), g.is_directed(),
            sorted(d["kind"] for _, _, d in g.edges(data=True)))
      """, gexf.path,
    ])
    #expect(
      readGEXF.stdout
        == "4 6 True ['conflict', 'conflict', 'contact', 'referral', 'support', 'support']\n",
      "networkx: \(readGEXF)")

    let csv = sandbox.url("p017.csv")
    try ok(sandbox.fieldlog(["network", "export", "P-017", "--format", "csv", "-o", csv.path]))
    let counted = try sandbox.python([
      "-c",
      """
      import sys, pandas as pd
      e = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
      n = pd.read_csv(sys.argv[2], dtype=str, keep_default_na=False)
      print(len(n), len(e), ",".join(sorted(set(e["kind"]))), int(set(e["source"]) <= set(n["id"])))
      """, csv.path, sandbox.url("p017-nodes.csv").path,
    ])
    #expect(counted.stdout == "4 5 conflict,contact,referral,support 1\n", "\(counted)")
  }

  // MARK: privacy

  @Test("a member without consent to recording is only a role; redact --participant takes them out")
  func consentAndRedaction() throws {
    let sandbox = try makeSandbox(consented: ["P-017"])
    try member(sandbox, "P-021", role: "family")
    try member(sandbox, "N-017-dochter", role: "family", ["--note", "woont in Almere"])
    try tie(
      sandbox, "P-021", "P-017", ["--kind", "support", "--strength", "2", "--at", "2024-03-05"])
    try tie(
      sandbox, "P-021", "N-017-dochter",
      ["--kind", "contact", "--strength", "1", "--at", "2024-03-05"])
    try tie(
      sandbox, "N-017-dochter", "P-017",
      ["--kind", "support", "--strength", "3", "--at", "2024-03-05"])

    // P-021 has not consented to recording: shown, drawn and exported only by role.
    let shown = try json(sandbox, ["network", "show", "P-017", "--at", "2024-04-01"])
    let ids = shown["members"]?.array?.compactMap { $0["id"]?.string } ?? []
    #expect(ids == ["P-017", "N-017-dochter", "member without consent 1"], "\(shown)")
    let svg = sandbox.url("eco.svg")
    try ok(sandbox.fieldlog(["network", "draw", "P-017", "--at", "2024-04-01", "-o", svg.path]))
    let graphml = sandbox.url("n.graphml")
    try ok(
      sandbox.fieldlog(["network", "export", "--all", "--format", "graphml", "-o", graphml.path]))
    for file in [svg, graphml] {
      let text = try String(contentsOf: file, encoding: .utf8)
      #expect(!text.contains("P-021"), "\(file.lastPathComponent) names P-021")
      #expect(text.contains("member without consent 1"))
    }
    let text = try ok(sandbox.fieldlog(["network", "show", "P-017", "--at", "2024-04-01"])).stdout
    #expect(!text.contains("P-021"), "\(text)")

    // Consent given: P-021 appears by pseudonym.
    try ok(sandbox.fieldlog(["consent", "P-021", "--given", "verbal", "--scope", "recording"]))
    #expect(try ties(sandbox, on: "2024-04-01").contains("P-017~P-021 support 2"))

    // Redacting P-021 erases the member and every tie naming them; verify still passes.
    let dry = try ok(
      sandbox.fieldlog(["redact", "--participant", "P-021", "--reason", "verzoek", "--dry-run"]))
    #expect(dry.stdout.contains("3 network events"), "\(dry)")
    try ok(sandbox.fieldlog(["redact", "--participant", "P-021", "--reason", "verzoek", "--yes"]))
    #expect(try ties(sandbox, on: "2024-04-01") == ["N-017-dochter~P-017 support 3"])
    let members = try json(sandbox, ["network", "show", "P-017", "--at", "2024-04-01"])["members"]
    #expect(members?.array?.count == 2, "\(String(describing: members))")
    let payloads = try sandbox.query(
      "SELECT count(*) FROM payload WHERE json LIKE '%P-021%' AND json LIKE '%network%'")
    #expect(payloads == "0\n", "a network payload still names P-021")
    try ok(sandbox.fieldlog(["verify"]))
    let independent = try sandbox.independentVerify()
    #expect(independent.status == 0, "\(independent)")
    try ok(sandbox.fieldlog(["rebuild"]))
    #expect(try ties(sandbox, on: "2024-04-01") == ["N-017-dochter~P-017 support 3"])

    // A network-only member goes the same way, with their note and ties.
    try ok(
      sandbox.fieldlog([
        "redact", "--participant", "N-017-dochter", "--reason", "verzoek", "--yes",
      ]))
    let gone = try sandbox.fieldlog(["network", "show", "P-017"])
    #expect(gone.status != 0 && gone.stderr.contains("P-017 has no network"), "\(gone)")
    let notes = try sandbox.query("SELECT count(*) FROM payload WHERE json LIKE '%Almere%'")
    #expect(notes == "0\n", "the member's note is still in the journal")
    try ok(sandbox.fieldlog(["verify"]))
  }

  @Test(
    "nothing gives a member without consent away: not a tie's name in an export, not their initiative"
  )
  func withheldMemberLeavesNoTrace() throws {
    let sandbox = try makeSandbox(consented: ["P-017"])
    try member(
      sandbox, "P-021", role: "faith-community",
      ["--initiative", "Steungroep Pinkstergemeente Nieuw Leven"])
    try member(sandbox, "N-017-dochter", role: "family")
    try tie(
      sandbox, "P-021", "P-017", ["--kind", "support", "--strength", "2", "--at", "2024-03-05"])
    try tie(
      sandbox, "N-017-dochter", "P-017",
      ["--kind", "contact", "--strength", "1", "--at", "2024-03-05"])

    // The stored id of a tie is a hash of the pseudonyms: an export that carried it would let
    // anyone try P-000 to P-999 and find who 'member without consent 1' is. Exports name a tie by
    // what they show, and no export, page or view holds the initiative of a withheld member.
    let edges = sandbox.url("n.csv")
    try ok(sandbox.fieldlog(["network", "export", "P-017", "--format", "csv", "-o", edges.path]))
    let names = try sandbox.python([
      "-c",
      """
      import sys, pandas as pd
      e = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
      print("|".join(sorted(e["tie"])))
      """, edges.path,
    ])
    #expect(
      names.stdout == "N-017-dochter – P-017 contact|P-017 – member without consent 1 support\n",
      "\(names)")
    let uuid = try Regex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}")
    var texts: [(String, String)] = []
    for format in ["graphml", "gexf", "csv"] {
      let file = sandbox.url("n-all.\(format)")
      try ok(sandbox.fieldlog(["network", "export", "--all", "--format", format, "-o", file.path]))
      texts.append((format, try String(contentsOf: file, encoding: .utf8)))
    }
    texts.append(
      ("nodes", try String(contentsOf: sandbox.url("n-all-nodes.csv"), encoding: .utf8)))
    texts.append(
      ("show", try ok(sandbox.fieldlog(["network", "show", "P-017", "--at", "2024-04-01"])).stdout))
    texts.append(
      (
        "show --json",
        try ok(sandbox.fieldlog(["network", "show", "P-017", "--at", "2024-04-01", "--json"]))
          .stdout
      ))
    texts.append(
      (
        "report --by initiative",
        try ok(sandbox.fieldlog(["network", "report", "--by", "initiative", "--to", "2024-04-01"]))
          .stdout
      ))
    for (what, text) in texts {
      #expect(!text.contains("P-021"), "\(what) names P-021")
      #expect(!text.contains("Pinkstergemeente"), "\(what) gives P-021's initiative away: \(text)")
      #expect(text.firstMatch(of: uuid) == nil, "\(what) holds a tie's stored id: \(text)")
    }
  }

  @Test(
    "a network is recorded only with its participant's consent to recording, and kept out once it is withdrawn"
  )
  func networkWithoutConsentIsKeptOut() throws {
    let sandbox = try makeSandbox()
    try member(sandbox, "N-017-dochter", role: "family")
    try ok(
      sandbox.fieldlog([
        "network", "tie", "P-017", "N-017-dochter", "--kind", "support", "--strength", "2", "--at",
        "2024-03-05",
      ]))
    // P-030 gave no consent to recording: their network is not recorded.
    let state = try sandbox.state()
    for command in [
      ["network", "member", "add", "P-030", "N-030-zoon", "--role", "family"],
      ["network", "tie", "P-030", "N-030-zoon", "--kind", "support", "--strength", "2"],
    ] {
      let refused = try sandbox.fieldlog(command)
      #expect(
        refused.status == 65 && refused.stderr.contains("P-030 has not consented to recording")
          && refused.stderr.contains("fieldlog consent P-030"), "\(command): \(refused)")
    }
    #expect(try sandbox.state() == state)
    // Once they consent it is; when they withdraw, it is kept out of every view.
    try ok(
      sandbox.fieldlog([
        "consent", "P-030", "--given", "written", "--scope", "recording", "--date", "2024-02-01",
      ]))
    try ok(
      sandbox.fieldlog([
        "network", "member", "add", "P-030", "N-030-zoon", "--role", "family", "--since",
        "2024-03-01",
      ]))
    try ok(
      sandbox.fieldlog([
        "consent", "P-030", "--withdraw", "--scope", "recording", "--date", "2024-05-01",
      ]))
    for command in [
      ["network", "show", "P-030"], ["network", "report", "P-030"],
      ["network", "draw", "P-030", "-o", sandbox.url("p030.svg").path],
      ["network", "export", "P-030", "--format", "csv", "-o", sandbox.url("p030.csv").path],
    ] {
      let refused = try sandbox.fieldlog(command)
      #expect(
        refused.status != 0 && refused.stderr.contains("P-030 has not consented to recording"),
        "\(command): \(refused)")
    }
    #expect(!FileManager.default.fileExists(atPath: sandbox.url("p030.svg").path))
    // The study-wide views leave it out and say so.
    let graphml = sandbox.url("all.graphml")
    let all = try ok(
      sandbox.fieldlog(["network", "export", "--all", "--format", "graphml", "-o", graphml.path]))
    #expect(all.stderr.contains("left out 1 network"), "\(all)")
    let exported = try String(contentsOf: graphml, encoding: .utf8)
    #expect(!exported.contains("P-030") && !exported.contains("N-030"), "\(exported)")
    let byPlace = try ok(sandbox.fieldlog(["network", "report", "--by", "neighbourhood"]))
    #expect(byPlace.stderr.contains("left out 1 network"), "\(byPlace)")
    let page = try ReportHTML.page(sandbox)
    #expect(!page.contains("P-030") && !page.contains("N-030"), "the report shows P-030's network")
    #expect(page.contains("The network of P-017"))
    // Once P-030 consents again, their network is there.
    try ok(sandbox.fieldlog(["consent", "P-030", "--given", "written", "--scope", "recording"]))
    let shown = try json(sandbox, ["network", "show", "P-030", "--at", "2024-04-01"])
    #expect(shown["members"]?.array?.count == 2, "\(shown)")
  }

  @Test("a tie recorded on a conversation takes its day; a retracted conversation takes its ties")
  func tiesFollowTheirConversation() throws {
    let sandbox = try makeSandbox()
    try member(sandbox, "N-017-buurman", role: "neighbour")
    let entry = try sandbox.add(
      "network-conversation",
      [
        "--text", "Gesprek met P-017.", "--at", "2024-03-20 15:00", "--neighbourhood",
        "Jan van Maijenbuurt", "--question", "RQ1", "--participant", "P-017",
      ])
    let id = try #require(entry["id"]?.string)
    // --entry without --at: the tie takes the day of the conversation, not today.
    try ok(
      sandbox.fieldlog([
        "network", "tie", "P-017", "N-017-buurman", "--kind", "support", "--strength", "2",
        "--entry", String(id.prefix(8)),
      ]))
    #expect(try ties(sandbox, on: "2024-03-20") == ["N-017-buurman~P-017 support 2"])
    #expect(try ties(sandbox, on: "2024-03-19") == [])
    // Ties go on a network conversation only.
    let observation = try sandbox.addObservation("Koffie in de buurtkamer.")
    let state = try sandbox.state()
    let wrong = try sandbox.fieldlog([
      "network", "tie", "P-017", "N-017-buurman", "--kind", "contact", "--strength", "1",
      "--entry", try #require(observation["id"]?.string),
    ])
    #expect(
      wrong.status != 0
        && wrong.stderr.contains("not a network-conversation (its kind is observation)"),
      "\(wrong)")
    #expect(try sandbox.state() == state)
    // Retracting the conversation takes its ties with it, in every view.
    try ok(sandbox.fieldlog(["retract", String(id.prefix(8)), "--reason", "verkeerde bewoner"]))
    #expect(try ties(sandbox, on: "2024-04-01") == [])
    let report = try json(
      sandbox, ["network", "report", "P-017", "--from", "2024-03-01", "--to", "2024-04-01"])
    #expect(report["gained"]?.array?.isEmpty == true, "\(report)")
    try ok(sandbox.fieldlog(["verify"]))
  }

  // MARK: the HTML report

  @Test("report html shows each network's ecogram and ties, consent applied; every SVG is valid")
  func htmlReport() throws {
    let sandbox = try makeSandbox(consented: ["P-017"])
    _ = try sandbox.addObservation("Koffieochtend in de buurtkamer.")
    let without = try ReportHTML.page(sandbox, name: "before.html")
    #expect(!without.contains("id=\"network-1\""), "a study without networks has no network chart")

    try member(sandbox, "P-021", role: "family")
    try member(sandbox, "N-017-wijkcoach", role: "professional")
    try tie(
      sandbox, "P-021", "P-017",
      ["--kind", "support", "--strength", "3", "--directed", "--at", "2024-03-05"])
    try tie(
      sandbox, "N-017-wijkcoach", "P-017",
      ["--kind", "referral", "--strength", "1", "--at", "2024-03-09"])
    let page = try ReportHTML.page(sandbox)
    let section = ReportHTML.section("network-1", in: page)
    #expect(section.contains("The network of P-017 on 2024-03-09"), "\(section)")
    #expect(section.contains("<svg "), "no ecogram in \(section)")
    #expect(
      ReportHTML.command("network-1", in: page) == "fieldlog network show P-017 --at 2024-03-09")
    #expect(
      ReportHTML.table("network-1", in: page) == [
        ["from", "to", "kind", "strength", "direction", "since"],
        ["N-017-wijkcoach", "P-017", "referral", "1", "none", "2024-03-09"],
        ["member without consent 1", "P-017", "support", "3", "forward", "2024-03-05"],
      ], "\(ReportHTML.table("network-1", in: page))")
    #expect(!page.contains("P-021"), "the report names P-021, who did not consent to recording")
    try ReportHTML.expectWellFormed(sandbox, page)
  }

  // MARK: merge

  @Test("two practitioners' network events merge both ways into the same network; both verify")
  func mergeOfTwoPractitioners() throws {
    let sandbox = try makeSandbox()
    try member(sandbox, "N-017-dochter", role: "family")
    let bram = sandbox.url("bram.sqlite")
    try ok(
      sandbox.fieldlog(["init", "--from", sandbox.journal.path, "--author", "Bram"], journal: bram))
    try ok(sandbox.fieldlog(["merge", sandbox.journal.path], journal: bram))

    // Anna records a tie; Bram, on his own journal, a member and a change to a tie of hers later.
    try tie(
      sandbox, "P-017", "N-017-dochter",
      ["--kind", "support", "--strength", "2", "--at", "2024-03-05"])
    try member(sandbox, "N-017-imam", role: "faith-community", journal: bram)
    try tie(
      sandbox, "N-017-imam", "P-017",
      ["--kind", "contact", "--strength", "1", "--at", "2024-03-07"], journal: bram)
    try tie(
      sandbox, "P-017", "N-017-dochter",
      ["--kind", "support", "--strength", "1", "--at", "2024-04-01"], journal: bram)

    try ok(sandbox.fieldlog(["merge", bram.path]))
    try ok(sandbox.fieldlog(["merge", sandbox.journal.path], journal: bram))
    let anna = try json(sandbox, ["network", "show", "P-017", "--at", "2024-04-02"])
    let his = try json(sandbox, ["network", "show", "P-017", "--at", "2024-04-02"], journal: bram)
    #expect(anna == his, "the two journals disagree:\n\(anna)\n\(his)")
    #expect(
      try ties(sandbox, on: "2024-04-02") == [
        "N-017-dochter~P-017 support 1", "N-017-imam~P-017 contact 1",
      ])
    #expect(try ties(sandbox, on: "2024-03-10").contains("N-017-dochter~P-017 support 2"))
    try ok(sandbox.fieldlog(["verify"]))
    try ok(sandbox.fieldlog(["verify"], journal: bram))
  }
}

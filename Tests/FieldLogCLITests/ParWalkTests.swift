import Foundation
import Testing

/// docs/par.md walks one action-research cycle of the example study; its shell blocks must run as
/// written, in order, from the repository's folder, with this build's fieldlog on the PATH.
@Suite struct ParWalkTests {
  /// The `sh` blocks of docs/par.md, in order.
  static func walk() throws -> [String] {
    let page = try String(
      contentsOf: Paths.packageRoot.appendingPathComponent("docs/par.md"), encoding: .utf8)
    return page.components(separatedBy: "```sh\n").dropFirst().compactMap {
      $0.components(separatedBy: "```").first
    }
  }

  @Test("docs/par.md runs as written: plan, act, observe, reflect, member check, retention, DMP")
  func walkRunsAsWritten() throws {
    let sandbox = try Sandbox()
    let blocks = try Self.walk()
    #expect(blocks.count >= 8, "the walk has its steps: \(blocks.count) blocks")
    let temporary = sandbox.url("tmp")
    try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
    let folder = sandbox.cli.binary.deletingLastPathComponent().path
    let ran = try Processes.run(
      URL(fileURLWithPath: "/bin/bash"),
      ["-c", "set -euo pipefail\n" + blocks.joined(separator: "\n")],
      env: [
        "TMPDIR": temporary.path,
        "PATH": folder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
      ], currentDirectory: Paths.packageRoot)
    try #require(ran.status == 0, "\(ran)")

    // What a researcher reads on the way.
    for line in [
      "C1  2024-03-01 to 2024-06-30  Verkennen: wie helpt wie in de buurt?",
      "cycle:         C1 (from its date), phase act",
      "recorded: P-017 amends on entry",
      "names P-017, recorded under letter v2, on which P-017 has not consented",
      "verify --consent flagged entries (exit 1)",
      "consent: every entry names only participants who consented on its letter",
      "P-017: the key file was kept until 2027-06-30",
      "2024-06-12  given      recording, quotation, archive, member-check (written, letter v2)",
    ] {
      #expect(ran.stdout.contains(line), "missing: \(line)\n\(ran.stdout)")
    }
    let work = try #require(
      try FileManager.default.contentsOfDirectory(at: temporary, includingPropertiesForKeys: nil)
        .first, "the walk's folder")
    let journal = work.appendingPathComponent("werkplaats.sqlite")

    // The member-check document holds the quote and the shared memo, never the team's own memo
    // or the real name from the key file.
    let document = try String(
      contentsOf: work.appendingPathComponent("membercheck/P-017.md"), encoding: .utf8)
    #expect(document.contains("> Ik vraag liever de buurvrouw dan het wijkteam, die kent me."))
    #expect(document.contains("hulp van de buurvrouw voelt vertrouwder"))
    #expect(!document.contains("Vergelijk met de buurtmoeders"))
    #expect(!document.contains("Mirjam"))
    for name in ["membercheck/P-017.html", "membercheck/P-017.md", "dmp.json"] {
      let mode =
        try FileManager.default.attributesOfItem(
          atPath: work.appendingPathComponent(name).path)[.posixPermissions] as? Int
      #expect(mode == 0o600, "\(name) is \(String(mode ?? 0, radix: 8))")
    }

    // The DMP is a maDMP 1.2 document.
    let dmp = try Data(contentsOf: work.appendingPathComponent("dmp.json"))
    let valid = try sandbox.validate(dmp, schema: Paths.madmpSchema)
    #expect(valid.status == 0, "\(valid)")

    // The reflections are the logbook's, the journal verifies, and an independent reader agrees.
    let logbook = try String(
      contentsOf: work.appendingPathComponent("reflexief-logboek-C1.md"), encoding: .utf8)
    #expect(logbook.contains("## 2024-06-28: Terugblik C1"))
    #expect(logbook.contains("## 2024-03-04: Wat willen we in C1 leren?"))
    let verified = try sandbox.fieldlog(["verify"], journal: journal)
    #expect(verified.status == 0, "\(verified)")
    let rebuilt = try sandbox.fieldlog(["rebuild"], journal: journal)
    #expect(rebuilt.status == 0, "\(rebuilt)")
    let checked = try sandbox.python([Paths.verifyJournal.path, journal.path])
    #expect(checked.status == 0, "\(checked)")
  }
}

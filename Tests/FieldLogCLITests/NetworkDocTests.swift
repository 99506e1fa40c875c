import Foundation
import Testing

/// docs/networks.md and its two ecograms are written by Examples/networks.sh from the Amsterdam
/// example study with this build's fieldlog: what is committed must be what it writes, byte for byte
/// (the golden files), and the ecograms must be well-formed SVG for xmllint.
/// `FIELDLOG_UPDATE_GOLDEN=1 swift test --filter NetworkDocTests` writes them anew.
@Suite struct NetworkDocTests {
  static let files = [
    "networks.md", "networks/P-017-2024-03-01.svg", "networks/P-017-2024-07-01.svg",
  ]

  @Test(
    "docs/networks.md and its ecograms are what Examples/networks.sh writes; the SVGs are valid")
  func pageIsGenerated() throws {
    let sandbox = try Sandbox()
    let out = sandbox.url("docs")
    let temporary = sandbox.url("tmp")
    try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
    let ran = try Processes.run(
      URL(fileURLWithPath: "/bin/bash"),
      [
        Paths.packageRoot.appendingPathComponent("Examples/networks.sh").path, "--bin",
        sandbox.cli.binary.path, "--out", out.path,
      ], env: ["TMPDIR": temporary.path], currentDirectory: Paths.packageRoot)
    try #require(ran.status == 0, "\(ran)")

    let docs = Paths.packageRoot.appendingPathComponent("docs")
    let update = ProcessInfo.processInfo.environment["FIELDLOG_UPDATE_GOLDEN"] == "1"
    for name in Self.files {
      let written = try Data(contentsOf: out.appendingPathComponent(name))
      let golden = docs.appendingPathComponent(name)
      if update {
        try FileManager.default.createDirectory(
          at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
        try written.write(to: golden)
      }
      let committed = try Data(contentsOf: golden)
      #expect(
        written == committed,
        "docs/\(name) is not what Examples/networks.sh writes; run it (or FIELDLOG_UPDATE_GOLDEN=1)"
      )
    }

    let xmllint = try #require(Processes.which("xmllint"), "xmllint (libxml2-utils) is needed")
    for name in Self.files where name.hasSuffix(".svg") {
      let file = docs.appendingPathComponent(name)
      let lint = try Processes.run(xmllint, ["--noout", file.path])
      #expect(lint.status == 0, "\(name): \(lint)")
      let svg = try String(contentsOf: file, encoding: .utf8)
      #expect(svg.contains("<title id=\"eco-title\">P-017: ecogram on"), "\(name)")
      #expect(!svg.contains("P-022"), "\(name) names P-022, who did not consent to recording")
    }

    // What the page tells a reader, generated from the journal.
    let page = try String(contentsOf: docs.appendingPathComponent("networks.md"), encoding: .utf8)
    for line in [
      "size            6           7",
      "  N-017-zoon – P-017 conflict (was 2)",
      "    intervention: buurvrouw gaat mee naar het voedselpunt; zus belt wekelijks",
      "![The network of P-017 on 2024-03-01](networks/P-017-2024-03-01.svg)",
      "![The network of P-017 on 2024-07-01](networks/P-017-2024-07-01.svg)",
      "8 12",
    ] {
      #expect(page.contains(line), "docs/networks.md lacks: \(line)")
    }
    // P-022 did not consent to recording: the commands name her, what fieldlog prints does not.
    var inBlock = false
    for line in page.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("```") { inBlock.toggle() }
      let typed = line.hasPrefix("$ ") || line.hasPrefix("    ")
      #expect(!(inBlock && !typed && line.contains("P-022")), "fieldlog printed P-022: \(line)")
    }
  }
}

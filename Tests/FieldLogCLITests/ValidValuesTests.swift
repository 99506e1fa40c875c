import Foundation
import Testing

@Suite("refusals of a value name the valid values, closest first")
struct ValidValuesTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var args: [String]
    /// The valid values, in the order the message must list them.
    var listed: String
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(
      name: "a form of consent",
      args: [
        "consent", "P-017", "--given", "schriftelijk", "--scope",
        "quotation",
      ], listed: "known: written, verbal"),
    Case(
      name: "a consent scope",
      args: ["consent", "P-017", "--given", "written", "--scope", "citaat"],
      listed: "known: archive, quotation, recording"),
    Case(
      name: "a network role",
      args: [
        "add", "network-conversation", "--text", "x", "--neighbourhood", "Holendrecht",
        "--question", "RQ1", "--field", "roles=client,buurvrouw",
      ], listed: "known: neighbour, "),
    Case(
      name: "a role on a participant of a network conversation",
      args: [
        "add", "network-conversation", "--text", "x", "--neighbourhood", "Holendrecht",
        "--question", "RQ1", "--participant", "P-017:famliy",
      ], listed: "did you mean 'family'? known: family, "),
    Case(
      name: "a --by dimension", args: ["report", "codes", "--by", "wijk"],
      listed: "known: kind, coder, cycle, phase, author, "),
    Case(
      name: "an initiative",
      args: [
        "add", "observation", "--text", "x", "--neighbourhood", "Holendrecht", "--question", "RQ1",
        "--initiative", "De Brug",
      ],
      listed:
        "known: Buurtkamer De Brug, Moedernetwerk Holendrecht, "
        + "Steungroep Pinkstergemeente Nieuw Leven"),
    Case(
      name: "a research question",
      args: [
        "add", "observation", "--text", "x", "--neighbourhood", "Holendrecht", "--question", "RQ9",
      ], listed: "did you mean 'RQ1' or 'RQ2'? known: RQ1, RQ2, RQ3, RQ4"),
    Case(
      name: "a consent field",
      args: [
        "add", "interview", "--text", "x", "--neighbourhood", "Holendrecht", "--question", "RQ1",
        "--field", "consent=ja",
      ], listed: "known: none, verbal, written"),
  ]

  @Test("the refusal lists the valid values, changes nothing and exits 65", arguments: cases)
  func refusalListsValidValues(_ testCase: Case) throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let before = try sandbox.state()
    let result = try sandbox.fieldlog(testCase.args)
    #expect(result.status == 65, "\(result)")
    #expect(result.firstErrorLine.hasPrefix("error: unknown "), "\(result)")
    #expect(result.firstErrorLine.contains(testCase.listed), "\(result)")
    #expect(try sandbox.state() == before)
  }

  @Test("participant ids match regardless of case: p-017 finds P-017")
  func participantIDsIgnoreCase() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let consent = try sandbox.fieldlog(
      ["consent", "p-017", "--given", "written", "--scope", "quotation"])
    #expect(consent.status == 0, "\(consent)")
    #expect(consent.output == "recorded: P-017 gave consent for quotation", "\(consent)")
    let entry = try sandbox.addObservation("Bij de buurtkamer.", extra: ["--participant", "p-017"])
    #expect(entry["participants"]?.array?.first?["pseudonym"]?.string == "P-017", "\(entry)")
    let again = try sandbox.fieldlog(["participant", "add", "p-017"])
    #expect(again.status == 65 && again.stderr.contains("'P-017' is known already"), "\(again)")
    let keys = try sandbox.fieldlog(["keys", "add", "p-018", "--name", "Joke de Wit"])
    #expect(keys.status == 0, "\(keys)")
    #expect(try sandbox.fieldlog(["keys", "list"]).stdout.contains("P-018"))
  }
}

import Foundation
import Testing

@Suite("an interview's consent field is consent the register knows")
struct ConsentFieldTests {
  static func interview(_ extra: [String]) -> [String] {
    [
      "add", "interview", "--text", "Gesprek over de voedselbank.", "--neighbourhood",
      "Holendrecht", "--question", "RQ2", "--at", "2024-04-05 11:00",
    ] + extra
  }

  @Test("consent=written registers the interviewee's consent for recording and quotation")
  func consentFieldRegistersConsent() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    // When an interview with P-030 (typed in another case) says consent=written
    let added = try sandbox.fieldlog(
      Self.interview([
        "--participant", "P-030", "--field", "interviewee=p-030", "--field", "consent=written",
        "--json",
      ]))
    try #require(added.status == 0, "\(added)")
    // Then the register holds it, dated the day of the interview, for recording and quotation
    let person = try ConsentFixture.participant(sandbox, "P-030")
    for scope in ["recording", "quotation"] {
      #expect(ConsentFixture.consent(person, scope) == ("given", "written", "2024-04-05"))
    }
    #expect(ConsentFixture.consent(person, "archive").0 == "none")
    // And the export, which withholds bodies without quotation consent, quotes the interview
    let id = try #require(try JSON.parse(added.stdoutData)["id"]?.string)
    let export = try sandbox.fieldlog(["export", "entries", "--format", "jsonl"])
    #expect(export.stdout.contains("Gesprek over de voedselbank."), "\(export)")
    let show = try sandbox.fieldlog(["show", id])
    #expect(!show.stdout.contains("no quotation consent"), "\(show)")
    // With no interviewee, the entry's one participant is the one who consented (verbal)
    let verbal = try sandbox.fieldlog(
      Self.interview(["--participant", "P-031", "--field", "consent=verbal", "--title", "Tweede"])
        .map { $0 == "Gesprek over de voedselbank." ? "Tweede gesprek." : $0 })
    #expect(verbal.status == 0, "\(verbal)")
    let other = try ConsentFixture.participant(sandbox, "P-031")
    #expect(ConsentFixture.consent(other, "quotation") == ("given", "verbal", "2024-04-05"))
    #expect(try sandbox.fieldlog(["verify"]).status == 0)
  }

  @Test(
    "a consent field that cannot be registered is refused, pointing to 'fieldlog consent'",
    arguments: [
      (["--field", "consent=written"], "no participant"),
      (
        ["--participant", "P-017", "--participant", "P-018", "--field", "consent=written"],
        "2 participants"
      ),
      (["--field", "interviewee=P-099", "--field", "consent=written"], "P-099"),
    ])
  func unregistrableConsentIsRefused(extra: [String], mentions: String) throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let before = try sandbox.state()
    let result = try sandbox.fieldlog(Self.interview(extra))
    #expect(result.status == 65, "\(result)")
    #expect(result.firstErrorLine.contains(mentions), "\(result)")
    #expect(result.stderr.contains("consent"), "\(result)")
    #expect(try sandbox.state() == before)
  }

  @Test("consent=none is refused while the register holds the interviewee's consent")
  func noneContradictingTheRegisterIsRefused() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    try ConsentFixture.consent(sandbox, ["P-030", "--given", "written", "--scope", "quotation"])
    let before = try sandbox.state()
    let result = try sandbox.fieldlog(
      Self.interview(["--field", "interviewee=P-030", "--field", "consent=none"]))
    #expect(result.status == 65, "\(result)")
    #expect(result.stderr.contains("fieldlog consent P-030 --withdraw"), "\(result)")
    #expect(try sandbox.state() == before)
    // Without consent in the register, none agrees with it and is recorded as a field
    let agreeing = try sandbox.fieldlog(
      Self.interview(["--field", "interviewee=P-031", "--field", "consent=none"]))
    #expect(agreeing.status == 0, "\(agreeing)")
  }

  @Test("--new-participant keeps the role and the entry's neighbourhood in the register")
  func newParticipantKeepsRoleAndPlace() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    try sandbox.add(
      "observation",
      [
        "--text", "Op de galerij.", "--neighbourhood", "jan van maijenbuurt", "--question", "RQ1",
        "--new-participant", "P-040:buurvrouw",
      ])
    try sandbox.add(
      "network-conversation",
      [
        "--text", "Netwerkberaad.", "--neighbourhood", "Holendrecht", "--question", "RQ1",
        "--new-participant", "P-041:Neighbour",
      ])
    let p40 = try ConsentFixture.participant(sandbox, "P-040")
    #expect(
      p40["role"]?.string == "buurvrouw" && p40["neighbourhood"]?.string == "Jan van Maijenbuurt")
    let p41 = try ConsentFixture.participant(sandbox, "P-041")
    #expect(p41["role"]?.string == "neighbour" && p41["neighbourhood"]?.string == "Holendrecht")
  }

  @Test("consent dated after today is refused, naming the date and today; nothing changes")
  func futureConsentIsRefused() throws {
    let sandbox = try Sandbox()
    try sandbox.initJournal()
    let before = try sandbox.state()
    let result = try sandbox.fieldlog([
      "consent", "P-017", "--given", "written", "--scope", "quotation", "--date", "2999-01-01",
    ])
    #expect(result.status == 65, "\(result)")
    #expect(result.firstErrorLine.contains("2999-01-01"), "\(result)")
    let today = try #require(
      result.firstErrorLine.firstMatch(of: #/today \((\d{4}-\d{2}-\d{2})\)/#)?.1, "\(result)")
    #expect(abs(try #require(Self.day(String(today))).timeIntervalSinceNow) < 2 * 86_400)
    #expect(try sandbox.state() == before)
    // An interview in the future cannot carry consent given on its day either
    let interview = try sandbox.fieldlog([
      "add", "interview", "--text", "Later.", "--neighbourhood", "Holendrecht", "--question",
      "RQ2", "--at", "2999-01-01", "--field", "interviewee=P-017", "--field", "consent=written",
    ])
    #expect(interview.status == 65 && interview.stderr.contains("2999-01-01"), "\(interview)")
    #expect(try sandbox.state() == before)
    // Today itself is fine
    try ConsentFixture.consent(sandbox, ["P-017", "--given", "written", "--scope", "quotation"])
  }

  static func day(_ text: String) -> Date? {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "Europe/Amsterdam")
    formatter.dateFormat = "yyyy-MM-dd"
    return formatter.date(from: text)
  }
}

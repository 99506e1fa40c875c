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

  // What a consent field registers, and what --new-participant keeps, is checked in
  // FieldLogCoreTests.ConsentFieldTests, on an in-memory journal; here the refusals.

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

import Foundation
import Testing

@testable import FieldLogCore

/// Issue 12.6 and 13.6: the real-name guard catches names as people write them.
@Suite struct NameGuardTests {
  static let people: [KeyFile.Person] = [
    .init(pseudonym: "P-017", name: "Fatima el Amrani", contact: nil),
    .init(pseudonym: "P-018", name: "Pieter de Vries", contact: nil),
    .init(pseudonym: "P-021", name: "Ayşe Yılmaz", contact: nil),
    .init(pseudonym: "P-030", name: "Joke Bakker", contact: nil),
    .init(pseudonym: "P-031", name: "Yıldız Kaya", contact: nil),
    .init(pseudonym: "P-032", name: "Jan Roos", contact: nil),
  ]

  static let guardian = NameGuard(
    people: people, allowWords: ["Bakker", "roos"],
    vocabulary: ["Jan van Maijenbuurt", "Holendrecht"])

  @Test(
    "a given name alone, a surname with a title, any case, with or without diacritics",
    arguments: [
      ("Fatima vertelde over haar buren.", "P-017"),
      ("Mevrouw Yilmaz schonk thee.", "P-021"),
      ("meneer De Vries was er ook", "P-018"),
      ("buurvrouw Joke kwam later", "P-030"),
      ("AYŞE zei niets", "P-021"),
      ("ayse zei niets", "P-021"),
      ("Gesprek met Fátima el Amraní.", "P-017"),
    ])
  func namesAsPeopleWriteThem(text: String, pseudonym: String) {
    #expect(Self.guardian.nameFound(in: text) == pseudonym, "\(text)")
  }

  @Test(
    "a name split across a line break, hyphenated, or with a possessive",
    arguments: [
      ("Gesprek met Fatima\nel Amrani", "P-017"),
      ("We spraken mevrouw Yıl-\nmaz in de hal", "P-021"),
      ("Fatima's dochter kwam mee", "P-017"),
      ("Fatima’s dochter kwam mee", "P-017"),
    ])
  func namesAcrossLinesAndPossessives(text: String, pseudonym: String) {
    #expect(Self.guardian.nameFound(in: text) == pseudonym, "\(text)")
  }

  @Test(
    "spellings that passed before: Turkish capitals, invisible characters, look-alikes",
    arguments: [
      "YILDIZ KAYA", "Yildiz Kaya", "yıldız kaya", "Yıl\u{200B}dız", "Yıl\u{00AD}dız Ka\u{200D}ya",
      "ＹＩＬＤＩＺ", "𝐘𝐢𝐥𝐝𝐢𝐳", "Yildiz K\u{0430}y\u{0430}",
    ])
  func spellingsThatPassedBefore(text: String) {
    #expect(Self.guardian.nameFound(in: text) == "P-031", "\(text.debugDescription)")
  }

  @Test("ordinary words on the allowlist pass, but not with a title or in the full name")
  func allowlist() {
    #expect(Self.guardian.nameFound(in: "De bakker op de hoek bakt brood.") == nil)
    #expect(Self.guardian.nameFound(in: "Een roos in de vensterbank.") == nil)
    #expect(Self.guardian.nameFound(in: "Meneer Bakker deed open.") == "P-030")
    #expect(Self.guardian.nameFound(in: "Joke Bakker deed open.") == "P-030")
    let unguarded = NameGuard(people: Self.people)
    #expect(unguarded.nameFound(in: "De bakker op de hoek bakt brood.") == "P-030")
  }

  @Test("a name word inside a place of the study is part of the place, not a person")
  func placeNames() {
    #expect(Self.guardian.nameFound(in: "In de Jan van Maijenbuurt is een markt.") == nil)
    #expect(Self.guardian.nameFound(in: "Jan kwam uit de Jan van Maijenbuurt.") == "P-032")
    #expect(
      NameGuard(people: Self.people).nameFound(in: "In de Jan van Maijenbuurt is een markt.")
        == "P-032")
  }

  @Test("particles and parts of words are not names")
  func noFalsePositives() {
    #expect(Self.guardian.nameFound(in: "Het huis van de buurman en el-bar ter plekke") == nil)
    #expect(Self.guardian.nameFound(in: "Fatimah en Kayak zijn andere woorden") == nil)
  }

  @Test("a hit says where, which field, the text around it, and the name it matched")
  func hitsCarryContext() throws {
    let hits = Self.guardian.hits(
      in: "Op dinsdag vertelde mevrouw Yilmaz over de buurt.", place: "entry 1a2b3c4d",
      field: "body")
    #expect(hits.count == 1)
    let hit = try #require(hits.first)
    #expect(hit.place == "entry 1a2b3c4d")
    #expect(hit.field == "body")
    #expect(hit.context == "Op dinsdag vertelde mevrouw [Yilmaz] over de buurt.")
    #expect(hit.name == "Ayşe Yılmaz")
    #expect(hit.pseudonym == "P-021")
  }
}

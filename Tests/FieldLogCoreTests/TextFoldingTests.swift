import Foundation
import Testing

@testable import FieldLogCore

/// Issue 12.5 and 13.6: one folding for matching, and the frozen folding of identities beside it.
@Suite struct TextFoldingTests {
  @Test("the identity folding keeps its results: derived ids and stored columns depend on them")
  func identityFoldIsFrozen() {
    // Known answers of the folding that derived ids hash (docs/journal-format.md).
    #expect(Text.identityFold("  Yıldız   KAYA ") == "yıldız kaya")
    #expect(Text.identityFold("Straße") == "straße")
    #expect(Text.identityFold("Ĳsselmonde Café") == "ĳsselmonde cafe")
    #expect(Text.identityFold("İstanbul") == "istanbul")
    #expect(Text.identityFold("Fa\u{200B}tima") == "fa\u{200B}tima")
  }

  @Test("Turkish dotted and dotless i fold to i in every case")
  func turkish() {
    for spelling in ["Yıldız Kaya", "YILDIZ KAYA", "Yildiz Kaya", "YİLDİZ KAYA", "yıldız  kaya"] {
      #expect(Text.matchFold(spelling) == "yildiz kaya", "\(spelling)")
    }
    #expect(Text.matchFold("Şükrü Gümüşçü Öğüt") == "sukru gumuscu ogut")
  }

  @Test("Dutch ĳ, ß, Ł Ø Æ and diacritics fold to plain Latin letters")
  func latinLetters() {
    #expect(Text.matchFold("Ĳsbrand ĲZERMAN") == "ijsbrand ijzerman")
    #expect(Text.matchFold("Straße") == "strasse")
    #expect(Text.matchFold("Łukasz Øster Ærø") == "lukasz oster aero")
    #expect(Text.matchFold("Aïcha Noël Zoë") == "aicha noel zoe")
  }

  @Test("Arabic and Berber names in Latin script fold their transliteration marks away")
  func arabicAndBerber() {
    #expect(Text.matchFold("Saʿid Ḥassan") == "said hassan")
    #expect(Text.matchFold("Aït Ouʾbarka") == "ait oubarka")
    #expect(Text.matchFold("Ɛli Ɣaliya") == "eli ghaliya")
  }

  @Test("invisible characters, fullwidth, mathematical and look-alike letters fold away")
  func confusables() {
    #expect(Text.matchFold("Fa\u{200B}ti\u{00AD}ma\u{200D}") == "fatima")
    #expect(Text.matchFold("\u{FEFF}Fa\u{2060}tima") == "fatima")
    #expect(Text.matchFold("ＦＡＴＩＭＡ") == "fatima")
    #expect(Text.matchFold("𝐅𝐚𝐭𝐢𝐦𝐚") == "fatima")
    // Cyrillic а and о, Greek Α and ο, in otherwise Latin names.
    #expect(Text.matchFold("F\u{0430}tim\u{0430} K\u{043E}\u{0441}") == "fatima koc")
    #expect(Text.matchFold("\u{0391}hmed Y\u{03BF}ussef") == "ahmed youssef")
  }

  @Test("words keep the place of the text they came from")
  func words() {
    let words = Text.matchWords("Ayşe's ＴＥＳＴ\nYıl-\nmaz")
    #expect(words.map(\.word) == ["ayse", "s", "test", "yil", "maz"])
    #expect(words.map(\.range) == [0..<4, 5..<6, 7..<11, 12..<15, 17..<20])
    #expect(words[4].gap == "-\n")
  }
}

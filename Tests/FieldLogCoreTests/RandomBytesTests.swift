import Foundation
import Testing

@testable import FieldLogCore

/// Salts and tokens: exactly as many bytes as asked, and never the same twice.
@Suite struct RandomBytesTests {
  @Test(
    "randomBytes gives the count asked, eight bytes a call or not",
    arguments: [0, 1, 7, 8, 9, 32, 33])
  func count(_ count: Int) {
    #expect(Hashing.randomBytes(count).count == count)
  }

  @Test("two salts differ, and a salt's bytes are not all alike")
  func salts() {
    let salts = (0..<64).map { _ in Hashing.randomBytes(32) }
    #expect(Set(salts).count == salts.count)
    // Every byte value would be the same one with a chance of 2^-248 per salt.
    #expect(salts.allSatisfy { Set($0).count > 8 })
  }
}

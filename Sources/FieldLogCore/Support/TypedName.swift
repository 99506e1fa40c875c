/// A closed set of names a researcher types (a phase, a network role, a tie kind, a grouping):
/// matched whatever the case, with a space or '_' taken as '-', and refused with the valid names.
public protocol TypedName: RawRepresentable, CaseIterable where RawValue == String {
  /// What the name is, for the error: "phase", "tie kind".
  static var what: String { get }
}

extension TypedName {
  public static func parse(_ text: String) throws -> Self {
    let folded = Text.identityFold(text).replacingOccurrences(of: " ", with: "-")
      .replacingOccurrences(of: "_", with: "-")
    if let value = Self(rawValue: folded) { return value }
    let names = allCases.map(\.rawValue)
    throw FieldLogError.unknownName(
      kind: what, value: text, suggestions: Text.suggestions(for: text, among: names),
      known: names)
  }
}

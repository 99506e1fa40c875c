import ArgumentParser
import FieldLogCore
import Foundation

/// An option or argument whose value names one case of an enum, in any case.
///
/// The option stays a `String` and `run` parses it here, rather than the enum conforming to
/// `ExpressibleByArgument`: ArgumentParser would refuse an unknown value itself, as a usage error
/// (exit 64) in its own words, where fieldlog's bad input is exit 65 with an `unknownName` message
/// that names the value, a close match and the valid values. `completion` still offers the values.
protocol ArgumentEnum: CaseIterable, RawRepresentable where RawValue == String {
  /// What a value is called in the error message: "unit", "format".
  static var argumentKind: String { get }
}

extension ArgumentEnum {
  /// The values the shell completions offer.
  static var completion: CompletionKind { .list(allCases.map(\.rawValue)) }

  /// The case among `allowed` that `text` names (ignoring case and surrounding spaces), or an
  /// error naming `text`, the closest values and all valid ones; `alsoKnown` are values the caller
  /// handles itself before parsing, listed as valid too.
  static func parse(
    _ text: String, among allowed: [Self] = Array(allCases), alsoKnown: [String] = []
  ) throws -> Self {
    let typed = text.trimmingCharacters(in: .whitespaces).lowercased()
    if let value = allowed.first(where: { $0.rawValue == typed }) { return value }
    let names = allowed.map(\.rawValue) + alsoKnown
    throw FieldLogError.unknownName(
      kind: argumentKind, value: text, suggestions: Text.suggestions(for: text, among: names),
      known: names)
  }
}

extension ReportGrouping: ArgumentEnum { static let argumentKind = "grouping" }
extension CooccurrenceUnit: ArgumentEnum { static let argumentKind = "unit" }
extension AgreementUnit: ArgumentEnum { static let argumentKind = "unit" }
extension ImportFormat: ArgumentEnum { static let argumentKind = "format" }
extension ExportTable: ArgumentEnum { static let argumentKind = "table" }
extension ExportFormat: ArgumentEnum { static let argumentKind = "format" }
extension TextOffsets: ArgumentEnum { static let argumentKind = "offsets" }

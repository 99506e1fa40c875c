/// What fieldlog shows in place of text that a redaction erased or that consent keeps out: spelled
/// in one place, so the projections, exports, imports and pages agree on it, and an import can tell
/// a placeholder from a note.
public enum Placeholder {
  /// The title of a redacted entry, and the author of an erased version.
  public static let redacted = "[redacted]"

  /// The body of a redacted entry.
  public static func redacted(reason: String) -> String { "[redacted: \(reason)]" }

  /// A derived title left out of an export along with its body.
  public static let withheld = "[withheld]"

  /// `[withheld: no quotation consent for P-017]`, or nil when everyone consented.
  public static func withheld(noQuotationConsentFor missing: [String]) -> String? {
    missing.isEmpty
      ? nil : "[withheld: no quotation consent for \(missing.joined(separator: ", "))]"
  }

  /// Whether a body is a placeholder, not a note: an export made without the withheld text, or a
  /// redacted entry.
  public static func isPlaceholder(body: String) -> Bool {
    body.hasPrefix("[withheld: ") || body.hasPrefix("[redacted")
  }

  /// Whether a row (of a CSV export, which has no column for it) shows a redacted entry.
  public static func isRedacted(title: String?, body: String?) -> Bool {
    title == redacted && (body ?? "").hasPrefix("[redacted: ")
  }
}

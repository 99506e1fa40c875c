import Foundation

/// The reflexive journal as a logbook: the researchers' reflections, newest first.
public enum ReflexiveJournal {
  /// Markdown for a thesis or report appendix: a heading per reflection with its day, cycle,
  /// phase and author, and its text as written.
  public static func markdown(
    _ reflections: [EntryRecord], study: String, cycle: String?, zone: TimeZone
  ) -> String {
    var lines = [
      "# Reflexive journal: \(study)" + (cycle.map { ", cycle \($0)" } ?? ""), "",
      reflections.isEmpty
        ? "No reflections were recorded."
        : "\(reflections.count) reflection\(reflections.count == 1 ? "" : "s"), newest first.",
    ]
    for reflection in reflections {
      let day = String(FieldTime.display(reflection.occurredAt, in: zone).prefix(10))
      lines += ["", "## \(day): \(reflection.title)", ""]
      let about = [
        reflection.cycle.map { "cycle \($0)" }, reflection.phase.map { "phase \($0.rawValue)" },
        reflection.neighbourhood, "by \(reflection.author)",
        reflection.version > 1 ? "version \(reflection.version)" : nil,
      ].compactMap { $0 }
      lines += ["*" + about.joined(separator: " · ") + "*", "", reflection.body]
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct AgreementCommand: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "agreement",
      abstract: "Agreement between coders: percent agreement, Cohen's kappa, Krippendorff's alpha.",
      discussion: """
        Computed over the entries any of the coders coded. --unit entry: a code present or absent \
        per entry; --unit character: per character of the body. Undefined values are null, with a \
        reason, never NaN.
        """)

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "The coders, comma-separated: A,B[,C...].")
    var coders: String
    @Option(help: "Only this code.")
    var code: String?
    @Option(help: "entry or character.", completion: AgreementUnit.completion)
    var unit: String = "entry"
    @Flag(help: "Count codings of the researchers' reflections too.")
    var includeReflections = false

    func run(_ journal: Journal) throws {
      let unit = try AgreementUnit.parse(unit)
      let names = coders.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      let report = try journal.agreement(
        coders: names, code: code, unit: unit, includeReflections: includeReflections)
      if output.json {
        try Output.json(report)
        return
      }
      func show(_ statistic: Agreement.Statistic) -> String {
        statistic.value.map { String(format: "%.3f", $0) } ?? "n/a (\(statistic.reason ?? ""))"
      }
      print(
        "coders: \(report.coders.joined(separator: ", ")); unit: \(report.unit.rawValue); "
          + "\(report.entries) entries, \(report.units) units")
      print(
        "overall: agreement \(show(report.percentAgreement)), kappa \(show(report.cohenKappa)), "
          + "alpha \(show(report.krippendorffAlpha))")
      Output.table(
        ["CODE", "UNITS", "AGREEMENT", "KAPPA", "ALPHA"],
        report.perCode.map {
          [
            $0.code, String($0.units), show($0.percentAgreement), show($0.cohenKappa),
            show($0.krippendorffAlpha),
          ]
        })
    }
  }
}

import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct ShowStudy: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "show",
      abstract:
        "List neighbourhoods, initiatives, research questions and codes (--json: a study file).")

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions

    func run(_ journal: Journal) throws {
      let study = try journal.study()
      if output.json {
        try Output.json(study)
        return
      }
      print("study: \(study.name)")
      if let description = study.description { print(description) }
      if !study.team.isEmpty { print("team: " + study.team.joined(separator: ", ")) }
      print("\nneighbourhoods and initiatives:")
      for place in study.neighbourhoods {
        print("  \(place.name)")
        for initiative in study.initiatives where initiative.neighbourhood == place.name {
          print("    - \(initiative.name)")
        }
      }
      print("\nresearch questions:")
      for question in study.questions { print("  \(question.id)  \(question.text)") }
      if !study.codebook.isEmpty {
        print("\ncodebook:")
        func show(_ codes: [Study.Code], depth: Int) {
          for code in codes {
            print(String(repeating: "  ", count: depth + 1) + code.name)
            show(code.children ?? [], depth: depth + 1)
          }
        }
        show(study.codebook, depth: 0)
      }
      if !study.cycles.isEmpty {
        print("\ncycles:")
        for cycle in study.cycles {
          let place = [cycle.neighbourhood, cycle.initiative].compactMap { $0 }
          print(
            "  \(cycle.id)  \(cycle.from) to \(cycle.to)  \(cycle.name)"
              + (place.isEmpty ? "" : " (" + place.joined(separator: ", ") + ")"))
        }
      }
      if !study.letters.isEmpty {
        print("\ninformation letters:")
        for letter in study.letters { print("  \(letter.version)  from \(letter.date)") }
      }
      let retention = study.retention
      if !retention.isEmpty || study.sensitiveData != nil {
        print("\ndata management:")
        if let end = retention.studyEnd { print("  study ends:        \(end)") }
        if let due = retention.researchDataDue {
          let years = retention.researchDataYears.map { " (\($0) years after the end)" } ?? ""
          print("  research data:     kept until \(due)\(years)")
        }
        if let keys = retention.keyFileUntil { print("  key file:          kept until \(keys)") }
        if let sensitive = study.sensitiveData { print("  sensitive data:    \(sensitive)") }
      }
    }
  }
}

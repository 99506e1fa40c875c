import ArgumentParser
import FieldLogCore
import Foundation

extension FieldLog {
  struct NetworkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "network",
      abstract: "A participant's network: members, ties over time, reports, exports, ecograms.",
      discussion: "docs/networks.md walks one resident's network before and after an intervention.",
      subcommands: [
        NetworkMember.self, NetworkTie.self, NetworkShow.self, NetworkReportCommand.self,
        NetworkExportCommand.self, NetworkDraw.self, NetworkDue.self,
      ])
  }

  struct NetworkMember: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "member", abstract: "Members of a network.", subcommands: [NetworkMemberAdd.self]
    )
  }

  struct NetworkMemberAdd: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "add",
      abstract: "Add someone to a participant's network: a participant, or an alias such as "
        + "N-017-dochter.",
      discussion: """
        An alias is a pseudonym that holds no real name: the key file's names are refused in \
        it and in the note. A member who is a participant of the study is shown only while \
        they consent to recording; otherwise as 'member without consent' with their role.
        """)

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var keyFile: KeyFileOptions
    @Argument(help: "The participant whose network it is (e.g. P-017).")
    var network: String
    @Argument(help: "The member: a participant's pseudonym or a network-only alias.")
    var member: String
    @Option(
      help: ArgumentHelp(
        "client, family, friend, neighbour, volunteer, professional, faith-community or other."))
    var role: String
    @Flag(help: "Formal support (default for professional).")
    var formal = false
    @Flag(help: "Informal support (default for every other role).")
    var informal = false
    @Option(help: "The initiative they belong to.", completion: Completions.initiatives)
    var initiative: String?
    @Option(help: "The day from which they belong to the network (default: today).")
    var since: String?
    @Option(help: "A short note (no real names).")
    var note: String?

    func validate() throws {
      if formal && informal { throw ValidationError("give --formal or --informal, not both") }
    }

    func run(_ journal: Journal) throws {
      let role = try NetworkRole.parse(role)
      let guardian = try keyFile.openForReading(journal: journal).map {
        try journal.nameGuard(people: try $0.people())
      }
      let added = try journal.addNetworkMember(
        network, member: member, role: role, formal: formal ? true : (informal ? false : nil),
        initiative: initiative, since: since, note: note, guardian: guardian)
      print("added \(added) (\(role.rawValue)) to the network of \(network)")
    }
  }

  struct NetworkTie: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "tie",
      abstract:
        "Record a tie between two members of a network; again to change it, --end to end it.",
      discussion: """
        With one member named, the tie is between the participant and that member \
        ('network tie P-017 N-017-dochter'); with two, between those two \
        ('network tie P-017 N-017-dochter N-017-zoon'). A tie has no direction unless \
        --directed (the first gives to the second) or --mutual. On a network conversation, \
        'fieldlog add network-conversation --tie "P-017>N-017-dochter:support:3"' records the \
        same with the entry.
        """)

    @OptionGroup var journalOptions: JournalOptions
    @Argument(help: "The participant whose network it is.")
    var network: String
    @Argument(help: "A member; alone, the tie is between the participant and this member.")
    var first: String
    @Argument(help: "The other member, for a tie between two members.")
    var second: String?
    @Option(help: "support, contact, conflict or referral.")
    var kind: String
    @Option(help: "1 (weak) to 3 (strong).")
    var strength: String?
    @Flag(help: "The tie runs from the first member to the second.")
    var directed = false
    @Flag(help: "The tie runs both ways.")
    var mutual = false
    @Option(help: "The day it took this form (default: today).")
    var at: String?
    @Option(help: "The network conversation it was recorded on.")
    var entry: String?
    @Flag(help: "The tie ended on that day.")
    var end = false

    func validate() throws {
      if directed && mutual { throw ValidationError("give --directed or --mutual, not both") }
      if end && strength != nil { throw ValidationError("an ended tie has no --strength") }
      if !end && strength == nil {
        throw ValidationError("give --strength 1, 2 or 3 (or --end to end the tie)")
      }
    }

    func run(_ journal: Journal) throws {
      let (first, second) = second.map { (self.first, $0) } ?? (network, self.first)
      let tie = TieRecord(
        from: first, to: second, kind: try TieKind.parse(kind),
        strength: try strength.map(TieRecord.strength),
        direction: mutual ? .mutual : (directed ? .forward : .none), end: end)
      try journal.recordTie(network, tie, day: at, entry: entry)
      print(
        end
          ? "ended the \(tie.kind.rawValue) tie between \(first) and \(second)"
          : "recorded: \(first) \(mutual ? "<>" : directed ? ">" : "~") \(second) "
            + "\(tie.kind.rawValue) \(tie.strength ?? 0)")
    }
  }

  struct NetworkShow: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "A network's members and ties on a day (default today).")

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The participant whose network it is.")
    var network: String
    @Option(help: "The day (default: today).")
    var at: String?

    func run(_ journal: Journal) throws {
      let snapshot = try journal.network(network, on: at)
      if output.json { return try Output.json(snapshot) }
      print("network of \(snapshot.network) on \(snapshot.date)")
      print("")
      Output.table(
        ["MEMBER", "ROLE", "SUPPORT", "INITIATIVE", "SINCE"],
        snapshot.members.map {
          [
            $0.focal ? $0.id + " (centre)" : $0.id, $0.role, $0.formal ? "formal" : "informal",
            $0.initiative ?? "", $0.since ?? "",
          ]
        }, whole: [0])
      print("")
      if snapshot.ties.isEmpty {
        print("no ties on \(snapshot.date)")
      } else {
        // One column for the tie, so that names stay whole at 80 columns.
        Output.table(
          ["TIE", "KIND", "STRENGTH", "SINCE"],
          snapshot.ties.map {
            ["\($0.from) \($0.mark) \($0.to)", $0.kind, String($0.strength), $0.since]
          }, whole: [0])
      }
    }
  }

  struct NetworkReportCommand: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "report",
      abstract: "A network compared between two days, or all networks by neighbourhood or "
        + "initiative.",
      discussion: """
        Size counts the members around the participant; density is the share of pairs of them \
        with a tie (the participant's own ties left out); reciprocity is the share of ties \
        with a direction that run both ways.
        """)

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The participant whose network it is (not with --by).")
    var network: String?
    @Option(help: "The first day (default: the network's first).")
    var from: String?
    @Option(help: "The second day (default: today).")
    var to: String?
    @Option(help: "Across the study: neighbourhood or initiative.")
    var by: String?

    func validate() throws {
      if network != nil && by != nil {
        throw ValidationError(
          "give a participant's network or --by \(by!), not both: --by reports every network")
      }
      if network == nil && by == nil {
        throw ValidationError("name a participant's network, or give --by neighbourhood|initiative")
      }
      if by != nil && from != nil { throw ValidationError("--by reports one day: give --to") }
    }

    func run(_ journal: Journal) throws {
      if let by {
        let report = try journal.networkGroups(
          by: try NetworkGroupReport.Grouping.parse(by), on: to)
        try NetworkText.noteWithheld(journal)
        if output.json { return try Output.json(report) }
        print("networks by \(report.by) on \(report.date)")
        print("")
        Output.table(
          [report.by.uppercased()] + NetworkGroupReport.columns,
          report.rows.map {
            [
              $0.group, String($0.networks), String($0.members), String($0.informal),
              String($0.ties), String(format: "%.1f", $0.meanSize),
              $0.meanDensity.map { String(format: "%.2f", $0) } ?? "-",
            ]
          })
        return
      }
      let report = try journal.networkReport(network!, from: from, to: to)
      if output.json { return try Output.json(report) }
      print(NetworkText.report(report), terminator: "")
    }
  }

  struct NetworkExportCommand: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "export",
      abstract: "Write a network (or all, --all) as GraphML, GEXF or CSV for Gephi, igraph, "
        + "networkx or a spreadsheet.",
      discussion: """
        Each state of a tie is one edge with its start day and, once changed or ended, its end \
        day, so Gephi's timeline plays the change. CSV writes the edge list to -o FILE and the \
        node list beside it (FILE with -nodes before .csv). Members without consent to \
        recording are exported only as 'member without consent' with their role.
        """)

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var outputFile: OutputFileOptions
    @Argument(help: "The participant whose network it is (or --all).")
    var network: String?
    @Flag(help: "Every network of the study.")
    var all = false
    @Option(help: "graphml, gexf or csv.")
    var format: String

    func validate() throws {
      if (network == nil) == !all {
        throw ValidationError("name a participant's network, or give --all")
      }
      if outputFile.output == nil { throw ValidationError("give -o FILE to write to") }
    }

    func run(_ journal: Journal) throws {
      let format = try NetworkExport.Format.parse(format)
      let histories = try journal.networkHistories(all ? nil : network)
      if all { try NetworkText.noteWithheld(journal) }
      guard let path = try outputFile.checked(journal) else { return }
      var files: [(String, String)] = []
      switch format {
      case .graphml: files = [(path, NetworkExport.graphML(histories))]
      case .gexf:
        files = [(path, NetworkExport.gexf(histories, study: try journal.study().name))]
      case .csv:
        let (nodes, edges) = NetworkExport.csv(histories)
        let url = URL(fileURLWithPath: path)
        let stem = url.deletingPathExtension().lastPathComponent
        let nodePath = url.deletingLastPathComponent().appendingPathComponent(
          stem + "-nodes." + (url.pathExtension.isEmpty ? "csv" : url.pathExtension)
        ).path
        try journal.checkOutput(nodePath, replace: outputFile.force, keyFile: nil)
        files = [(path, edges), (nodePath, nodes)]
      }
      for (file, text) in files {
        try Journal.writePrivately(Data(text.utf8), to: file, replace: outputFile.force)
      }
      let nodes = histories.reduce(0) { $0 + $1.members.count }
      let edges = histories.reduce(0) { $0 + $1.periods.count }
      print(
        "wrote " + files.map(\.0).joined(separator: " and ") + ": "
          + Counted.phrase(nodes, "node") + ", " + Counted.phrase(edges, "edge"))
    }
  }

  struct NetworkDraw: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "draw",
      abstract: "Draw a network's ecogram as SVG; two --at days side by side.",
      discussion: """
        The participant is in the centre, with rings for family, other informal support and \
        formal support; support is a solid line, contact dotted, conflict dashed red, referral \
        dash-dot; a line is as wide as the tie is strong, with arrows where it has a direction.
        """)

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var outputFile: OutputFileOptions
    @Argument(help: "The participant whose network it is.")
    var network: String
    @Option(help: "A day to draw (default: today); give it twice for two side by side.")
    var at: [String] = []

    func validate() throws {
      if at.count > 2 { throw ValidationError("give --at at most twice (two days side by side)") }
      if outputFile.output == nil { throw ValidationError("give -o FILE.svg to write to") }
    }

    func run(_ journal: Journal) throws {
      let days: [String?] = at.isEmpty ? [nil] : at
      let snapshots = try days.map { try journal.network(network, on: $0) }
      guard let path = try outputFile.checked(journal) else { return }
      try Journal.writePrivately(
        Data(Ecogram.svg(snapshots).utf8), to: path, replace: outputFile.force)
      print(
        "wrote \(path): the network of \(snapshots[0].network) on "
          + snapshots.map(\.date).joined(separator: " and "))
    }
  }

  struct NetworkDue: JournalCommand {
    static let configuration = CommandConfiguration(
      commandName: "due",
      abstract: "Follow-ups of network conversations whose day has passed without a later "
        + "conversation.",
      discussion: """
        A conversation's follow-up is listed for the networks of its participants who have one, \
        else for each participant; never for a participant without consent to recording.
        """)

    @OptionGroup var journalOptions: JournalOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "The day to compare with (default: today).")
    var today: String?

    func run(_ journal: Journal) throws {
      let due = try journal.networkFollowUpsDue(today: today)
      if output.json { return try Output.json(due) }
      guard !due.isEmpty else { return print("no follow-up is due") }
      Output.table(
        ["PARTICIPANT", "FOLLOW-UP", "ENTRY", "DATE", "INTERVENTION"],
        due.map {
          [$0.participant, $0.followUp, String($0.entry.prefix(8)), $0.date, $0.intervention ?? ""]
        }, whole: [2])
    }
  }
}

/// The report as text: two days' measures side by side, then what changed.
enum NetworkText {
  /// Says on stderr how many networks a study-wide view left out for want of consent.
  static func noteWithheld(_ journal: Journal) throws {
    let withheld = try journal.networksWithheld()
    guard withheld > 0 else { return }
    Output.stderr(
      "note: left out " + Counted.phrase(withheld, "network")
        + " of participants without consent to recording")
  }

  static func report(_ report: NetworkReport) -> String {
    func share(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "-" }
    let (a, b) = (report.before, report.after)
    let rows: [(String, String, String)] = [
      ("size", String(a.size), String(b.size)),
      ("informal", String(a.informal), String(b.informal)),
      ("formal", String(a.formal), String(b.formal)),
      ("informal share", share(a.informalShare), share(b.informalShare)),
      ("ties", String(a.ties), String(b.ties)),
      ("density", share(a.density), share(b.density)),
      ("reciprocity", share(a.reciprocity), share(b.reciprocity)),
    ]
    func pad(_ text: String, _ width: Int) -> String {
      text + String(repeating: " ", count: max(0, width - text.count))
    }
    var out = "network of \(report.network): \(a.date) to \(b.date)\n\n"
    out += pad("", 16) + pad(a.date, 12) + b.date + "\n"
    for (name, before, after) in rows { out += pad(name, 16) + pad(before, 12) + after + "\n" }
    func tie(_ change: NetworkReport.Change) -> String {
      "\(change.from) – \(change.to) \(change.kind)"
    }
    let sections: [(String, [String])] = [
      ("ties gained", report.gained.map { tie($0) + " \($0.after ?? 0)" }),
      ("ties lost", report.lost.map { tie($0) + " (was \($0.before ?? 0))" }),
      (
        "ties changed",
        report.changed.map { change -> String in
          var line = tie(change) + " \(change.before ?? 0) → \(change.after ?? 0)"
          if let before = change.directionBefore, let after = change.directionAfter {
            line += ", \(before) → \(after)"
          }
          return line
        }
      ),
    ]
    for (title, lines) in sections {
      out += "\n\(title):" + (lines.isEmpty ? " none\n" : "\n")
      for line in lines { out += "  \(line)\n" }
    }
    out += "\ninterventions:" + (report.interventions.isEmpty ? " none\n" : "\n")
    for item in report.interventions {
      out += "  \(item.date) \(item.entry.prefix(8)) \(item.title)\n"
      if let intervention = item.intervention { out += "    intervention: \(intervention)\n" }
      if let followUp = item.followUp { out += "    follow-up: \(followUp)\n" }
      for tie in item.ties { out += "    tie: \(tie)\n" }
    }
    return out
  }
}

import Foundation
import GRDB

/// A fragment of a data management plan in the RDA DMP Common Standard (maDMP 1.2), made from
/// what the journal knows: its kinds and counts, personal and sensitive data, the key file kept
/// apart, the formats fieldlog writes, retention, consent scopes and the checkpoint.
public struct DataManagementPlan: Sendable {
  public var document: JSONValue
  public var markdown: String
}

extension Journal {
  /// The DMP fragment; `contactName` and `contactEmail` fill in the contact the standard requires
  /// (the journal's author, and an empty address to fill in, without them).
  public func dataManagementPlan(
    contactName: String? = nil, contactEmail: String? = nil, now: Date = Date()
  ) throws -> DataManagementPlan {
    let checkpoint = try checkpoint(now: now)
    let declared = try dataManagement()
    let participants = try participants()
    return try read { db in
      let study = try StudyRecorder.currentProfile(db)
      let author = try EventLog.author(db)
      let kinds = try EntryRow.countsByKind(in: db)
      let entries = kinds.values.reduce(0, +)
      let created = try EventLog.firstRecordedAt(db) ?? FieldTime.recordedAt(now)
      let modified = FieldTime.recordedAt(now)
      let retention = declared.retention
      let sensitive = declared.sensitiveData ?? "unknown"
      let scopes = ConsentScope.allCases.map { scope -> (String, Int) in
        (
          scope.rawValue,
          participants.filter { person in
            person.consent.contains { $0.scope == scope.rawValue && $0.state == "given" }
          }.count
        )
      }
      let root = Hashing.hex(checkpoint.root)
      let kindList = EntryKind.allCases.compactMap { kind -> String? in
        kinds[kind.rawValue].map { "\($0) \(kind.rawValue)" }
      }.joined(separator: ", ")
      let consentText =
        "Consent is recorded per participant and scope in the journal ("
        + scopes.map {
          "\($0.0): \($0.1) of \(participants.count)"
        }.joined(separator: "; ") + "). Entries naming a participant without quotation consent "
        + "are exported without their text."
      let preservation =
        (retention.researchDataDue.map { "Research data is kept until \($0)" }
          ?? "No retention period for research data is declared yet")
        + (retention.researchDataYears.map { " (\($0) years after the study ends)" } ?? "")
        + ". "
        + (retention.keyFileUntil.map {
          "The key file with real names is kept until \($0), then purged with "
            + "'fieldlog keys purge --due'. "
        } ?? "")
        + "Retention never deletes research data by itself; erasure is a signed redaction."
      func text(_ value: String) -> JSONValue { .string(value) }
      let journalID: JSONValue = .object([
        "identifier": text("urn:fieldlog:checkpoint:sha256:\(root)"), "type": text("other"),
      ])
      var journalDataset: [String: JSONValue] = [
        "title": text("\(study.name): fieldwork journal"),
        "description": text(
          "An append-only, hash-chained and signed SQLite journal of "
            + Counted.phrase(entries, "entry", "entries") + " "
            + "(\(kindList.isEmpty ? "none yet" : kindList)) about "
            + Counted.phrase(participants.count, "pseudonymous participant")
            + ", with their qualitative coding. Checkpoint "
            + "\(checkpoint.taken): Merkle root \(root) over \(checkpoint.heads.count) feeds."),
        "dataset_id": journalID,
        "type": text("qualitative field notes, interviews and coding"),
        "personal_data": text("yes"),
        "sensitive_data": text(sensitive),
        "preservation_statement": text(preservation),
        "keyword": .array(
          ["participatory action research", "field notes", "qualitative coding"].map(text)),
        "security_and_privacy": .array([
          .object([
            "title": text("Pseudonyms, and a key file kept apart"),
            "description": text(
              "The journal holds pseudonyms only. Real names are in a separate key file (mode "
                + "0600) that is never exported; exports are checked for its names (the "
                + "real-name guard) unless a researcher turns that off for one export."),
          ]),
          .object(["title": text("Consent per scope"), "description": text(consentText)]),
          .object([
            "title": text("Integrity"),
            "description": text(
              "Every event is hash-chained and signed (Ed25519); 'fieldlog verify' checks the "
                + "journal and 'fieldlog checkpoint' keeps its heads for later proof."),
          ]),
        ]),
        "distribution": .array([
          distribution("SQLite journal", "application/vnd.sqlite3", retention.researchDataDue),
          distribution("CSV export", "text/csv", retention.researchDataDue),
          distribution("REFI-QDA project (.qdpx)", "application/zip", retention.researchDataDue),
        ]),
        "metadata": .array([
          .object([
            "description": text("REFI-QDA Project Exchange standard, for QDA software"),
            "language": text("eng"),
            "metadata_standard_id": .object([
              "identifier": text("https://www.qdasoftware.org/"), "type": text("url"),
            ]),
          ])
        ]),
      ]
      if let description = study.description {
        journalDataset["description"] = text(
          description + "\n\n"
            + (journalDataset["description"].flatMap {
              if case .string(let value) = $0 { return value } else { return nil }
            } ?? ""))
      }
      let keyFile: [String: JSONValue] = [
        "title": text("\(study.name): key file of real names"),
        "description": text(
          "The real names and contact details behind the pseudonyms: a separate SQLite file, "
            + "kept apart from the journal and never shared."),
        "dataset_id": .object([
          "identifier": text("urn:fieldlog:key-file:\(root)"), "type": text("other"),
        ]),
        "personal_data": text("yes"),
        "sensitive_data": text(sensitive),
        "preservation_statement": text(
          retention.keyFileUntil.map { "Kept until \($0), then purged." }
            ?? "No retention period for the key file is declared yet."),
      ]
      let document: JSONValue = .object([
        "dmp": .object([
          "title": text("Data management plan fragment: \(study.name)"),
          "description": text(
            "Generated by fieldlog from the study's journal on \(modified.prefix(10))."),
          "language": text("eng"),
          "created": text(created),
          "modified": text(modified),
          "dmp_id": .object([
            "identifier": text("urn:fieldlog:dmp:\(root)"), "type": text("other"),
          ]),
          "contact": .object([
            "name": text(contactName ?? author),
            "mbox": text(contactEmail ?? ""),
            "contact_id": .object([
              "identifier": text(contactName ?? author), "type": text("other"),
            ]),
          ]),
          "ethical_issues_exist": text("yes"),
          "ethical_issues_description": text(
            "Fieldwork with residents about care and informal support: personal data of "
              + "participants, recorded under informed consent per scope ("
              + scopes.map(\.0)
              .joined(separator: ", ") + ")."),
          "dataset": .array([.object(journalDataset), .object(keyFile)]),
        ])
      ])
      let markdown = [
        "# Data management: \(study.name)", "",
        "## Data", "",
        "- A fieldwork journal of \(Counted.phrase(entries, "entry", "entries")) "
          + "(\(kindList.isEmpty ? "none yet" : kindList)) about "
          + Counted.phrase(participants.count, "pseudonymous participant") + ", with their coding.",
        "- Personal data: yes. Special categories (sensitive data): \(sensitive).",
        "- Formats: SQLite (the journal), CSV and REFI-QDA (.qdpx) exports.", "",
        "## Privacy and consent", "",
        "The journal holds pseudonyms only; the real names are in a separate key file (mode 0600) "
          + "that is never exported, and exports are checked for its names unless a researcher turns "
          + "that off for one export. " + consentText, "",
        "## Retention", "", preservation, "",
        "## Integrity", "",
        "Every event is hash-chained and signed. Checkpoint of \(checkpoint.taken): Merkle root "
          + "`\(root)` over \(checkpoint.heads.count) feeds.", "",
      ].joined(separator: "\n")
      return DataManagementPlan(document: document, markdown: markdown)
    }
  }
}

private func distribution(_ title: String, _ format: String, _ until: String?) -> JSONValue {
  var members: [String: JSONValue] = [
    "title": .string(title), "format": .array([.string(format)]), "data_access": .string("closed"),
  ]
  if let until { members["available_until"] = .string(until) }
  return .object(members)
}

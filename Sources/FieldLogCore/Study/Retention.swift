import Foundation
import GRDB

/// What the study's retention makes due today. Nothing here deletes research data: key records
/// are purged with `keys purge --due`, and erasure stays with `redact`.
public struct RetentionReport: Sendable, Equatable, Encodable {
  /// A key record (a real name behind a pseudonym) that may be purged, and why.
  public struct KeyRecord: Sendable, Equatable, Encodable {
    public var pseudonym: String
    public var reason: String
  }

  /// A participant who withdrew consent to archiving, with the entries that still name them.
  public struct ArchiveWithdrawn: Sendable, Equatable, Encodable {
    public var pseudonym: String
    public var withdrawn: String
    public var entries: [String]
  }

  public var today: String
  public var researchDataUntil: String?
  public var researchDataDue: Bool
  public var keyFileUntil: String?
  public var keyRecordsDue: [KeyRecord]
  /// Key records that stay, with why (for `keys purge` of a named pseudonym).
  public var keyRecordsKept: [KeyRecord]
  public var archiveWithdrawn: [ArchiveWithdrawn]

  enum CodingKeys: String, CodingKey {
    case today
    case researchDataUntil = "research_data_until"
    case researchDataDue = "research_data_due"
    case keyFileUntil = "key_file_until"
    case keyRecordsDue = "key_records_due"
    case archiveWithdrawn = "archive_withdrawn"
  }

  /// Whether nothing is due.
  public var isEmpty: Bool {
    !researchDataDue && keyRecordsDue.isEmpty && archiveWithdrawn.isEmpty
  }
}

extension Journal {
  /// What is due on `today` (`YYYY-MM-DD`, default the study's today), given the pseudonyms the
  /// key file holds a record for.
  ///
  /// A key record is due once the key file's retention day has passed, or once its participant
  /// has withdrawn every consent they gave and no entry (but redacted ones) names them any more:
  /// they have left the study and nothing needs their name.
  public func retention(keyRecords: [String], today: String? = nil) throws -> RetentionReport {
    try read { db in
      let today = try today ?? FieldTime.now(zone: StudyTimeZone.zone(in: db)).localDate
      let declared = try DataManagementRow.current(in: db).retention
      let keyFileDue = declared.keyFileUntil.map { $0 < today } ?? false
      var due: [RetentionReport.KeyRecord] = []
      var kept: [RetentionReport.KeyRecord] = []
      for pseudonym in keyRecords {
        if keyFileDue, let until = declared.keyFileUntil {
          due.append(.init(pseudonym: pseudonym, reason: "the key file was kept until \(until)"))
          continue
        }
        let entries = try EntryRow.count(
          EntryFilter(includeRetracted: true, participant: pseudonym, includeReflections: true),
          in: db)
        let redacted = try EntryRow.list(
          EntryFilter(includeRetracted: true, participant: pseudonym, includeReflections: true),
          limit: nil, offset: 0, in: db
        ).filter { $0.redacted != nil }.count
        let consent = try ConsentRow.states(folded: Text.identityFold(pseudonym), in: db)
        let left = !consent.isEmpty && consent.allSatisfy { $0 == "withdrawn" }
        if left && entries == redacted {
          due.append(
            .init(
              pseudonym: pseudonym,
              reason: "withdrew all consent and no entry names them any more"))
        } else {
          var why: [String] = []
          if entries > redacted {
            why.append(
              "\(entries - redacted) entr\(entries - redacted == 1 ? "y names" : "ies name") them")
          }
          if !left { why.append("their consent is not withdrawn") }
          why.append(
            declared.keyFileUntil.map { "the key file is kept until \($0)" }
              ?? "the study declares no retention for the key file")
          kept.append(.init(pseudonym: pseudonym, reason: why.joined(separator: ", ")))
        }
      }
      var withdrawn: [RetentionReport.ArchiveWithdrawn] = []
      for row in try ConsentRow.withdrawn(scope: ConsentScope.archive.rawValue, in: db) {
        let entries = try EntryRow.list(
          EntryFilter(participant: row.pseudonym, includeReflections: true), limit: nil,
          offset: 0, in: db
        ).filter { $0.redacted == nil }.map(\.id)
        if !entries.isEmpty {
          withdrawn.append(.init(pseudonym: row.pseudonym, withdrawn: row.date, entries: entries))
        }
      }
      let until = declared.researchDataDue
      return RetentionReport(
        today: today, researchDataUntil: until, researchDataDue: until.map { $0 < today } ?? false,
        keyFileUntil: declared.keyFileUntil, keyRecordsDue: due, keyRecordsKept: kept,
        archiveWithdrawn: withdrawn)
    }
  }
}

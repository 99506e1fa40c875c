import Foundation
import GRDB

/// The entries a report counts, as SQL: the same filters as `list`, so `report ... --neighbourhood X`
/// and `list --neighbourhood X` speak of the same entries. Retracted entries stay out of every
/// report whatever the filter says.
struct ReportScope {
  /// ` AND e.id IN (...)`, or the empty string when nothing is filtered.
  var clause: String
  var arguments: StatementArguments

  /// The scope of `filter` (nil: every entry), with every name in it checked against the study.
  init(_ filter: EntryFilter?, in db: Database) throws {
    let (where_, arguments) = try (filter ?? EntryFilter()).sql(db)
    // The inner alias is `e` too: EntryFilter's clauses are written against it.
    clause = " AND e.id IN (SELECT e.id FROM entry e WHERE \(where_))"
    self.arguments = arguments
  }
}

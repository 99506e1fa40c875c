import Foundation
import GRDB

/// Applies events to the projection tables. Live writes and `rebuild` both go through `apply`, which is
/// why a rebuild reproduces the projections exactly.
enum Projector {
  static func apply(_ event: StoredEvent, json: Data, in db: Database) throws {
    guard let type = EventType(rawValue: event.type) else {
      throw FieldLogError.damaged(
        "event \(event.seq) of feed \(event.feed.prefix(8)) has an unknown type '\(event.type)'")
    }
    switch type {
    case .feedOpened:
      let payload = try decode(Payload.FeedOpened.self, json, event)
      try db.execute(
        sql: """
          INSERT INTO writer (feed, author, study, description, opened_at) VALUES (?, ?, ?, ?, ?)
          """,
        arguments: [
          event.feed, payload.author, payload.study, payload.description, event.recordedAt,
        ])
    case .neighbourhoodAdded:
      let payload = try decode(Payload.NeighbourhoodAdded.self, json, event)
      try db.execute(
        sql: "INSERT INTO neighbourhood (id, name, folded, description) VALUES (?, ?, ?, ?)",
        arguments: [event.subject, payload.name, Text.fold(payload.name), payload.description])
    case .initiativeAdded:
      let payload = try decode(Payload.InitiativeAdded.self, json, event)
      try db.execute(
        sql: """
          INSERT INTO initiative (id, name, folded, neighbourhood_id, description)
          VALUES (?, ?, ?, ?, ?)
          """,
        arguments: [
          event.subject, payload.name, Text.fold(payload.name), payload.neighbourhood,
          payload.description,
        ])
    case .questionAdded:
      let payload = try decode(Payload.QuestionAdded.self, json, event)
      try db.execute(
        sql: "INSERT INTO question (id, code, folded, text) VALUES (?, ?, ?, ?)",
        arguments: [event.subject, payload.code, Text.fold(payload.code), payload.text])
    case .codeDefined:
      let payload = try decode(Payload.CodeDefined.self, json, event)
      try db.execute(
        sql: """
          INSERT INTO code (id, name, folded, parent_id, description, color)
          VALUES (?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          event.subject, payload.name, Text.fold(payload.name), payload.parent, payload.description,
          payload.color,
        ])
    case .entryRecorded:
      let payload = try decode(Payload.EntryRecorded.self, json, event)
      try insertEntry(payload, id: event.subject, version: 1, event: event, in: db)
    }
  }

  private static func insertEntry(
    _ entry: Payload.EntryRecorded, id: String, version: Int, event: StoredEvent, in db: Database
  ) throws {
    let occurred = try FieldTime.parse(entry.occurredAt, what: "recorded time of the fieldwork")
    let fields = String(decoding: CanonicalJSON.encode(.object(entry.fields)), as: UTF8.self)
    try db.execute(
      sql: """
        INSERT INTO entry (id, kind, title, body, neighbourhood_id, initiative_id, fields,
          occurred_at, occurred_utc, recorded_at, author, version, event_hash)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        id, entry.kind, entry.title, entry.body, entry.neighbourhood, entry.initiative, fields,
        entry.occurredAt, occurred.utc, event.recordedAt, entry.author, version, event.hash,
      ])
    let key = db.lastInsertedRowID
    for (position, question) in entry.questions.enumerated() {
      try db.execute(
        sql: "INSERT INTO entry_question (entry_id, question_id, position) VALUES (?, ?, ?)",
        arguments: [id, question, position])
    }
    for (position, tag) in entry.tags.enumerated() {
      try db.execute(
        sql: "INSERT INTO entry_tag (entry_id, tag, folded, position) VALUES (?, ?, ?, ?)",
        arguments: [id, tag, Text.fold(tag), position])
    }
    for (position, participant) in entry.participants.enumerated() {
      try db.execute(
        sql: """
          INSERT INTO entry_participant (entry_id, pseudonym, role, position) VALUES (?, ?, ?, ?)
          """,
        arguments: [id, participant.pseudonym, participant.role, position])
    }
    try db.execute(
      sql: "INSERT INTO entry_fts (rowid, title, body) VALUES (?, ?, ?)",
      arguments: [key, entry.title, entry.body])
  }

  private static func decode<T: Decodable>(_ type: T.Type, _ json: Data, _ event: StoredEvent)
    throws -> T
  {
    do {
      return try CanonicalJSON.decode(type, from: json)
    } catch {
      throw FieldLogError.damaged(
        "the payload of event \(event.seq) of feed \(event.feed.prefix(8)) (\(event.type)) "
          + "cannot be read")
    }
  }
}

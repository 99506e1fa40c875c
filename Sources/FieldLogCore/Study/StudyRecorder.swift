import Foundation
import GRDB

/// Records a study's vocabularies as events: at `init`, and one by one with `study add-...`.
enum StudyRecorder {
  static func recordNewStudy(_ study: Study, author: String, in db: Database, at date: Date) throws
  {
    let feed = try EventLog.writerFeed(db)
    guard let feedID = UUID(uuidString: feed) else {
      throw FieldLogError.damaged("the journal's writer feed '\(feed)' is not a UUID")
    }
    try EventLog.append(
      .feedOpened, subject: feedID,
      payload: Payload.FeedOpened(
        author: author, study: study.name, description: study.description, format: 1,
        timeZone: study.timeZone), in: db,
      at: date)
    for place in study.neighbourhoods {
      try addNeighbourhood(place.name, description: place.description, in: db, at: date)
    }
    for initiative in study.initiatives {
      try addInitiative(
        initiative.name, neighbourhood: initiative.neighbourhood,
        description: initiative.description, in: db, at: date)
    }
    for question in study.questions {
      try addQuestion(question.id, text: question.text, in: db, at: date)
    }
    try defineCodes(study.codebook, parentID: nil, in: db, at: date)
  }

  @discardableResult
  static func addNeighbourhood(_ name: String, description: String?, in db: Database, at date: Date)
    throws -> String
  {
    let name = try Text.line(name, what: "neighbourhood name")
    if let existing = try String.fetchOne(
      db, sql: "SELECT name FROM neighbourhood WHERE folded = ?", arguments: [Text.fold(name)])
    {
      throw FieldLogError.invalidInput("the neighbourhood '\(existing)' exists already")
    }
    let id = Vocabulary.neighbourhoodID(name)
    try EventLog.append(
      .neighbourhoodAdded, subject: id,
      payload: Payload.NeighbourhoodAdded(name: name, description: description), in: db, at: date)
    return id.lowercased
  }

  @discardableResult
  static func addInitiative(
    _ name: String, neighbourhood: String, description: String?, in db: Database, at date: Date
  ) throws -> String {
    let name = try Text.line(name, what: "initiative name")
    let place = try Vocabulary.neighbourhood(neighbourhood, in: db)
    if let existing = try String.fetchOne(
      db, sql: "SELECT name FROM initiative WHERE neighbourhood_id = ? AND folded = ?",
      arguments: [place.id, Text.fold(name)])
    {
      throw FieldLogError.invalidInput(
        "the initiative '\(existing)' exists already in '\(place.name)'")
    }
    let id = Vocabulary.initiativeID(name, neighbourhoodID: place.id)
    try EventLog.append(
      .initiativeAdded, subject: id,
      payload: Payload.InitiativeAdded(
        name: name, neighbourhood: place.id, description: description),
      in: db, at: date)
    return id.lowercased
  }

  @discardableResult
  static func addQuestion(_ code: String, text: String, in db: Database, at date: Date) throws
    -> String
  {
    let code = code.trimmingCharacters(in: .whitespaces)
    guard Study.isValidQuestionID(code) else {
      throw FieldLogError.invalidInput(
        "'\(code)' is not a question id: \(Study.questionIDRule)"
      )
    }
    let text = try Text.line(text, what: "text of question \(code)")
    if let existing = try String.fetchOne(
      db, sql: "SELECT code FROM question WHERE folded = ?", arguments: [Text.fold(code)])
    {
      throw FieldLogError.invalidInput("the research question '\(existing)' exists already")
    }
    let id = Vocabulary.questionID(code)
    try EventLog.append(
      .questionAdded, subject: id, payload: Payload.QuestionAdded(code: code, text: text), in: db,
      at: date)
    return id.lowercased
  }

  static func defineCodes(_ codes: [Study.Code], parentID: String?, in db: Database, at date: Date)
    throws
  {
    for code in codes {
      let id = Vocabulary.codeID(code.name, parentID: parentID)
      try EventLog.append(
        .codeDefined, subject: id,
        payload: Payload.CodeDefined(
          name: code.name, parent: parentID, description: code.description, color: code.color),
        in: db, at: date)
      try defineCodes(code.children ?? [], parentID: id.lowercased, in: db, at: date)
    }
  }
}

extension Journal {
  /// Adds a neighbourhood to the study.
  public func addNeighbourhood(_ name: String, description: String? = nil) throws {
    try write { db in
      try StudyRecorder.addNeighbourhood(name, description: description, in: db, at: Date())
    }
  }

  /// Adds an initiative in a known neighbourhood.
  public func addInitiative(_ name: String, neighbourhood: String, description: String? = nil)
    throws
  {
    try write { db in
      try StudyRecorder.addInitiative(
        name, neighbourhood: neighbourhood, description: description, in: db, at: Date())
    }
  }

  /// Adds a research question with its id (`RQ5`) and text.
  public func addQuestion(_ code: String, text: String) throws {
    try write { db in try StudyRecorder.addQuestion(code, text: text, in: db, at: Date()) }
  }

  /// The study as the journal now knows it, in the shape of a study file.
  public func study() throws -> Study {
    try read { db in
      let writer = try Row.fetchOne(
        db,
        sql: """
          SELECT w.study, w.description FROM writer w
          LEFT JOIN local l ON l.key = 'writer_feed' AND l.value = w.feed
          ORDER BY l.value IS NULL, w.opened_at, w.feed LIMIT 1
          """)
      // Vocabularies are listed in the order they were added: the study file's order.
      var study = Study(name: writer?["study"] ?? "", description: writer?["description"])
      study.timeZone = try StudyTimeZone.declared(in: db)
      for row in try Row.fetchAll(
        db, sql: "SELECT name, description FROM neighbourhood ORDER BY rowid")
      {
        study.neighbourhoods.append(.init(name: row["name"], description: row["description"]))
      }
      for row in try Row.fetchAll(
        db,
        sql: """
          SELECT i.name, n.name AS neighbourhood, i.description FROM initiative i
          JOIN neighbourhood n ON n.id = i.neighbourhood_id ORDER BY n.rowid, i.rowid
          """)
      {
        study.initiatives.append(
          .init(
            name: row["name"], neighbourhood: row["neighbourhood"], description: row["description"])
        )
      }
      for row in try Row.fetchAll(db, sql: "SELECT code, text FROM question ORDER BY rowid") {
        study.questions.append(.init(id: row["code"], text: row["text"]))
      }
      let codes = try Row.fetchAll(
        db, sql: "SELECT id, name, parent_id, description, color FROM code ORDER BY rowid")
      func children(of parent: String?) -> [Study.Code] {
        codes.filter { ($0["parent_id"] as String?) == parent }.map { row in
          let nested = children(of: row["id"])
          return Study.Code(
            name: row["name"], description: row["description"], color: row["color"],
            children: nested.isEmpty ? nil : nested)
        }
      }
      study.codebook = children(of: nil)
      return study
    }
  }
}

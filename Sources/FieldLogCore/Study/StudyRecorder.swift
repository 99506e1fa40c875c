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
    for coder in study.team {
      try Coders.register(coder, in: db, at: date)
    }
    for cycle in study.cycles {
      try ActionResearch.addCycle(cycle, in: db, at: date)
    }
    for letter in study.letters {
      try ActionResearch.addLetter(letter, in: db, at: date)
    }
    if !study.retention.isEmpty || study.sensitiveData != nil {
      try ActionResearch.declare(
        study.retention, sensitiveData: study.sensitiveData, in: db, at: date)
    }
  }

  @discardableResult
  static func addNeighbourhood(_ name: String, description: String?, in db: Database, at date: Date)
    throws -> String
  {
    let name = try Text.line(name, what: "neighbourhood name")
    if let existing = try NeighbourhoodRow.current(folded: Text.identityFold(name), in: db)?.name {
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
    if let existing = try InitiativeRow.current(
      folded: Text.identityFold(name), neighbourhoodID: place.id, in: db)?.name
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
    if let existing = try QuestionRow.current(folded: Text.identityFold(code), in: db)?.name {
      throw FieldLogError.invalidInput("the research question '\(existing)' exists already")
    }
    let id = Vocabulary.questionID(code)
    try EventLog.append(
      .questionAdded, subject: id, payload: Payload.QuestionAdded(code: code, text: text), in: db,
      at: date)
    return id.lowercased
  }

  /// The subject of `study.renamed` and `study.described`: the study has one, derived, id.
  static let studyID = Hashing.derivedID(namespace: "study", key: "")

  static func rename(to name: String, in db: Database) throws -> String {
    let name = try Text.line(name, what: "study name")
    let current = try currentProfile(db).name
    guard name != current else {
      throw FieldLogError.invalidInput(
        "the study is called '\(name)' already; nothing was recorded")
    }
    try EventLog.append(
      .studyRenamed, subject: studyID, payload: Payload.StudyRenamed(name: name), in: db)
    return name
  }

  /// Sets the study's description; an empty one clears it.
  static func describe(_ text: String, in db: Database) throws {
    let description = Text.trimmed(Text.normalize(text))
    if description.utf8.contains(0) {
      throw FieldLogError.invalidInput("the study's description contains a NUL byte")
    }
    let given = description.isEmpty ? nil : description
    guard given != (try currentProfile(db).description) else {
      throw FieldLogError.invalidInput(
        given == nil
          ? "the study has no description; nothing was recorded"
          : "the study has this description already; nothing was recorded")
    }
    try EventLog.append(
      .studyDescribed, subject: studyID, payload: Payload.StudyDescribed(description: given),
      in: db)
  }

  /// The study's name and description: as last edited, else as this journal's study file gave them.
  static func currentProfile(_ db: Database) throws -> (name: String, description: String?) {
    let writer = try StudyProfileRow.writerProfile(in: db)
    var name = writer?.study ?? ""
    var description = writer?.description
    // A journal opened read-only by an older fieldlog's colleague may lack the table.
    guard try db.tableExists("study_profile") else { return (name, description) }
    for (field, value) in try StudyProfileRow.fields(in: db) {
      if field == "name", let value { name = value }
      if field == "description" { description = value }
    }
    return (name, description)
  }

  /// Removes a neighbourhood that nothing uses: no entry, initiative or participant.
  static func removeNeighbourhood(_ name: String, in db: Database) throws -> String {
    let place = try Vocabulary.neighbourhood(name, in: db)
    var uses = entriesUsing(try EntryRow.ids(inNeighbourhood: place.id, in: db))
    uses += try InitiativeRow.current(neighbourhoodID: place.id, in: db).map {
      "the initiative '\($0.name)'"
    }
    uses += try ParticipantRow.pseudonyms(neighbourhoodID: place.id, in: db).map {
      "the participant \($0)"
    }
    try refuseIfUsed("the neighbourhood '\(place.name)'", uses)
    try record(.neighbourhoodRemoved, place, db)
    return place.name
  }

  /// Removes an initiative that no entry names; `neighbourhood` is needed only when two
  /// neighbourhoods have an initiative of that name.
  static func removeInitiative(_ name: String, neighbourhood: String?, in db: Database) throws
    -> (initiative: String, neighbourhood: String)
  {
    let place: Vocabulary.Item
    if let neighbourhood {
      place = try Vocabulary.neighbourhood(neighbourhood, in: db)
    } else {
      let places = try InitiativeRow.neighbourhoods(folded: Text.identityFold(name), in: db)
      guard places.count <= 1 else {
        throw FieldLogError.invalidInput(
          "the initiative '\(name)' exists in "
            + places.map { "'\($0.name)'" }.joined(separator: " and "),
          hint: "name its neighbourhood with --neighbourhood")
      }
      guard let only = places.first else {
        let names = try InitiativeRow.currentNames(in: db)
        throw FieldLogError.unknownName(
          kind: "initiative", value: name, suggestions: Text.suggestions(for: name, among: names),
          known: names)
      }
      place = only
    }
    let initiative = try Vocabulary.initiative(name, in: place, db: db)
    try refuseIfUsed(
      "the initiative '\(initiative.name)'",
      entriesUsing(try EntryRow.ids(withInitiative: initiative.id, in: db)))
    try record(.initiativeRemoved, initiative, db)
    return (initiative.name, place.name)
  }

  /// Removes a research question that no entry is tagged with.
  static func removeQuestion(_ code: String, in db: Database) throws -> String {
    let question = try Vocabulary.question(code, in: db)
    try refuseIfUsed(
      "the research question '\(question.name)'",
      entriesUsing(try EntryRow.ids(withQuestion: question.id, in: db)))
    try record(.questionRemoved, question, db)
    return question.name
  }

  /// "3 entries (3fa8c2d1, …)": the entries that use an item, by short id.
  private static func entriesUsing(_ ids: [String]) -> [String] {
    guard !ids.isEmpty else { return [] }
    let shown = ids.prefix(5).map { String($0.prefix(8)) }.joined(separator: ", ")
    let more = ids.count > 5 ? ", …" : ""
    return ["\(ids.count) \(ids.count == 1 ? "entry" : "entries") (\(shown)\(more))"]
  }

  private static func refuseIfUsed(_ what: String, _ uses: [String]) throws {
    guard !uses.isEmpty else { return }
    throw FieldLogError.invalidInput(
      "\(what) is used by \(uses.joined(separator: ", ")); it cannot be removed",
      hint: "only what nothing uses can be removed; retracted entries still use what they name")
  }

  private static func record(_ type: EventType, _ item: Vocabulary.Item, _ db: Database) throws {
    guard let subject = UUID(uuidString: item.id) else {
      throw FieldLogError.damaged("the id '\(item.id)' of '\(item.name)' is not a UUID")
    }
    try EventLog.append(
      type, subject: subject, payload: Payload.VocabularyRemoved(name: item.name), in: db)
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

  /// Renames the study.
  @discardableResult
  public func renameStudy(_ name: String) throws -> String {
    try write { db in try StudyRecorder.rename(to: name, in: db) }
  }

  /// Sets (or, with empty text, clears) the study's description.
  public func describeStudy(_ text: String) throws {
    try write { db in try StudyRecorder.describe(text, in: db) }
  }

  /// Removes a neighbourhood that no entry, initiative or participant uses; returns its name.
  @discardableResult
  public func removeNeighbourhood(_ name: String) throws -> String {
    try write { db in try StudyRecorder.removeNeighbourhood(name, in: db) }
  }

  /// Removes an initiative that no entry names; returns its name and neighbourhood.
  @discardableResult
  public func removeInitiative(_ name: String, neighbourhood: String? = nil) throws
    -> (initiative: String, neighbourhood: String)
  {
    try write { db in
      try StudyRecorder.removeInitiative(name, neighbourhood: neighbourhood, in: db)
    }
  }

  /// Removes a research question that no entry is tagged with; returns its id.
  @discardableResult
  public func removeQuestion(_ code: String) throws -> String {
    try write { db in try StudyRecorder.removeQuestion(code, in: db) }
  }

  /// The study as the journal now knows it, in the shape of a study file.
  public func study() throws -> Study {
    try read { db in
      let profile = try StudyRecorder.currentProfile(db)
      // A journal of an older fieldlog, read without upgrading it, knows no removals or coders.
      let edits = try db.tableExists("vocabulary_removed")
      // Vocabularies are listed in the order they were added: the study file's order.
      var study = Study(name: profile.name, description: profile.description)
      study.timeZone = try StudyTimeZone.declared(in: db)
      study.neighbourhoods = try NeighbourhoodRow.inStudyOrder(removals: edits, in: db).map {
        .init(name: $0.name, description: $0.description)
      }
      study.initiatives = try InitiativeRow.inStudyOrder(removals: edits, in: db).map {
        .init(name: $0.name, neighbourhood: $0.neighbourhood, description: $0.description)
      }
      study.questions = try QuestionRow.inStudyOrder(removals: edits, in: db).map {
        .init(id: $0.code, text: $0.text)
      }
      if edits {
        study.team = try CoderRow.team(in: db)
      }
      let codes = try StudyCodeRow.inStudyOrder(in: db)
      func children(of parent: String?) -> [Study.Code] {
        codes.filter { $0.parentID == parent }.map { code in
          let nested = children(of: code.id)
          return Study.Code(
            name: code.name, description: code.description, color: code.color,
            children: nested.isEmpty ? nil : nested)
        }
      }
      study.codebook = children(of: nil)
      study.cycles = try CycleRow.all(in: db).map(\.cycle)
      study.letters = try LetterRow.all(in: db).map { .init(version: $0.version, date: $0.date) }
      let declared = try DataManagementRow.current(in: db)
      study.retention = declared.retention
      study.sensitiveData = declared.sensitiveData
      return study
    }
  }
}

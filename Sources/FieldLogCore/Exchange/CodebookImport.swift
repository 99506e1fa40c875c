import Foundation
import GRDB

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Reads the codes of a REFI-QDA codebook (`.qdc`): names, colours, descriptions and nesting.
final class CodebookReader: NSObject, XMLParserDelegate {
  struct Code {
    var path: [String]
    var color: String?
    var description: String?
  }

  private(set) var codes: [Code] = []
  private var stack: [Int] = []
  private var text = ""
  private var inDescription = false
  /// Every open element: this parser lets a mismatched end tag pass, so the reader checks.
  private var open: [String] = []
  private var malformed: (line: Int, problem: String)?

  static func read(_ data: Data, source: String) throws -> [Code] {
    let reader = CodebookReader()
    let parser = XMLParser(data: data)
    parser.delegate = reader
    let parsed = parser.parse()
    if let malformed = reader.malformed {
      throw FieldLogError.invalidInput(
        "\(source) line \(malformed.line): not a well-formed codebook: \(malformed.problem)")
    }
    guard parsed, reader.open.isEmpty else {
      let problem = reader.open.last.map { "<\($0)> is never closed" } ?? "it cannot be read"
      throw FieldLogError.invalidInput(
        "\(source) line \(parser.lineNumber): not a well-formed codebook: \(problem)")
    }
    guard !reader.codes.isEmpty else {
      throw FieldLogError.invalidInput("\(source): no <Code> elements in it")
    }
    return reader.codes
  }

  func parser(
    _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
    qualifiedName qName: String?, attributes: [String: String] = [:]
  ) {
    open.append(elementName)
    switch elementName {
    case "Code":
      let parent = stack.last.map { codes[$0].path } ?? []
      codes.append(
        Code(
          path: parent + [attributes["name"] ?? ""], color: attributes["color"], description: nil))
      stack.append(codes.count - 1)
    case "Description" where !stack.isEmpty:
      inDescription = true
      text = ""
    default:
      break
    }
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) {
    if inDescription { text += string }
  }

  func parser(
    _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
    qualifiedName qName: String?
  ) {
    guard open.popLast() == elementName else {
      malformed = (parser.lineNumber, "</\(elementName)> closes an element it did not open")
      parser.abortParsing()
      return
    }
    switch elementName {
    case "Code": _ = stack.popLast()
    case "Description" where inDescription:
      if let index = stack.last { codes[index].description = text }
      inDescription = false
    default: break
    }
  }
}

extension Journal {
  /// Adds the codes of a `.qdc` codebook that the codebook lacks; one transaction.
  ///
  /// A code is matched by its whole path from the top, name by name as `Text.fold` compares them.
  /// The codebook is read once into a map of each code's children, which grows as codes are added,
  /// so the import takes time in proportion to the number of codes (resolving each path through
  /// `Codebook.resolve`, which reads every code, made it quadratic).
  public func importCodebook(from path: String) throws -> ImportSummary {
    let name = URL(fileURLWithPath: path).lastPathComponent
    let codes = try CodebookReader.read(
      try InputFile.read(path, what: "codebook", limit: 64 * 1_048_576), source: name)
    return try write { db in
      var summary = ImportSummary(imported: 0, skipped: 0, added: [])
      // Children by parent id ("" for the top), each by folded name.
      var children: [String: [String: String]] = [:]
      for code in try CodeRow.all(db) {
        children[code.parentID ?? "", default: [:]][code.folded] = code.id
      }
      for code in codes {
        let names = try code.path.map { try Codebook.name($0) }
        let full = names.joined(separator: " > ")
        var parent: String?
        for (depth, ancestor) in names.dropLast().enumerated() {
          guard let id = children[parent ?? ""]?[Text.identityFold(ancestor)] else {
            throw FieldLogError.invalidInput(
              "\(name): code '\(full)' is below '\(names[...depth].joined(separator: " > "))', "
                + "which neither the codebook nor the file defines")
          }
          parent = id
        }
        let last = names.last ?? ""
        if children[parent ?? ""]?[Text.identityFold(last)] != nil {
          summary.skipped += 1
          continue
        }
        let color = try code.color.map { given -> String in
          guard let normalized = Study.normalizeColor(given) else {
            throw FieldLogError.invalidInput(
              "\(name): '\(given)' on code '\(full)' is not a colour like #1F77B4")
          }
          return normalized
        }
        var id = Vocabulary.codeID(last, parentID: parent)
        if try ExchangeQueries.isSubject(id.lowercased, in: db) { id = UUID() }
        try EventLog.append(
          .codeDefined, subject: id,
          payload: Payload.CodeDefined(
            name: last, parent: parent, description: code.description, color: color),
          in: db)
        children[parent ?? "", default: [:]][Text.identityFold(last)] = id.lowercased
        summary.imported += 1
        summary.added.append("code '\(full)'")
      }
      return summary
    }
  }
}

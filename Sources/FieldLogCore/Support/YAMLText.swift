import Yams

/// Loads YAML keeping every scalar as the text that was typed.
///
/// YAML's default schema would turn `no` into false, `3.10` into 3.1 and an unquoted
/// `2024-03-12 14:30` into a UTC timestamp; researchers mean the text. Only null stays null.
enum YAMLText {
  static let resolver = Resolver.basic.appending(.null)

  /// The most values a document may hold once its aliases are followed. A study file holds some
  /// hundreds; aliases of aliases ("a billion laughs") would otherwise take minutes and gigabytes
  /// from a few hundred bytes.
  static let valueLimit = 100_000

  /// A document over `valueLimit`.
  struct TooLarge: Error, CustomStringConvertible {
    var description: String {
      "it holds more than \(YAMLText.valueLimit) values once its aliases (*name) are followed"
    }
  }

  /// What a header of 'key: value' lines holds: the editor's template, a Markdown file's front
  /// matter.
  enum Header {
    case map([String: Any])
    case empty
    case notAMap
    /// Not YAML at all, with the parser's message.
    case notYAML(String)
  }

  static func header(_ text: String) -> Header {
    let loaded: Any?
    do {
      loaded = try load(text)
    } catch {
      return .notYAML(message(error))
    }
    if let map = loaded as? [String: Any] { return .map(map) }
    return loaded == nil ? .empty : .notAMap
  }

  /// The document as nested `[String: Any]`, `[Any]`, `String` and `NSNull`.
  static func load(_ text: String) throws -> Any? {
    guard let root = try Yams.compose(yaml: text, resolver) else { return nil }
    // An alias is the node it names, so counting the tree counts what building it would make.
    var pending = [root]
    var count = 0
    while let node = pending.popLast() {
      count += 1
      if count > valueLimit { throw TooLarge() }
      switch node {
      case .mapping(let mapping):
        for (key, value) in mapping { pending += [key, value] }
      case .sequence(let sequence):
        pending += sequence
      case .scalar, .alias:
        break
      }
    }
    return root.any
  }

  /// The first line of a Yams error, for a message that names the problem without a dump.
  static func message(_ error: any Error) -> String {
    if let yamlError = error as? YamlError {
      return yamlError.description.split(separator: "\n").first.map(String.init) ?? "\(yamlError)"
    }
    return "\(error)"
  }
}

import Yams

/// Loads YAML keeping every scalar as the text that was typed.
///
/// YAML's default schema would turn `no` into false, `3.10` into 3.1 and an unquoted
/// `2024-03-12 14:30` into a UTC timestamp; researchers mean the text. Only null stays null.
enum YAMLText {
  static let resolver = Resolver.basic.appending(.null)

  /// The document as nested `[String: Any]`, `[Any]`, `String` and `NSNull`.
  static func load(_ text: String) throws -> Any? {
    try Yams.load(yaml: text, resolver)
  }

  /// The first line of a Yams error, for a message that names the problem without a dump.
  static func message(_ error: any Error) -> String {
    if let yamlError = error as? YamlError {
      return yamlError.description.split(separator: "\n").first.map(String.init) ?? "\(yamlError)"
    }
    return "\(error)"
  }
}

enum WorkspaceStyle {
  static let source = ""
}

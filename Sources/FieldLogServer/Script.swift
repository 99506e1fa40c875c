enum WorkspaceScript {
  static let source = ""
}

import Foundation
import Testing

/// The README's install step: shell completions come from the binary itself.
@Suite("install: shell completions")
struct InstallTests {
  @Test(
    "--generate-completion-script writes a script for each shell that names the commands",
    arguments: [
      ("bash", "complete"), ("zsh", "#compdef fieldlog"), ("fish", "complete -c 'fieldlog'"),
    ]
  )
  func completionScript(shell: String, marker: String) throws {
    let cli = try CLI.require()
    let result = try cli.run(["--generate-completion-script", shell])
    try #require(result.status == 0, "\(result)")
    #expect(result.stdout.contains(marker), "\(result.stdout.prefix(400))")
    for command in ["add", "amend", "unretract", "redact", "orphans"] {
      #expect(result.stdout.contains(command), "\(shell) completion lacks '\(command)'")
    }
  }

  @Test("the bash completion script loads in bash and completes fieldlog")
  func bashLoadsCompletion() throws {
    let cli = try CLI.require()
    let bash = try #require(Processes.which("bash"), "bash is needed to load the script")
    let script = try cli.run(["--generate-completion-script", "bash"])
    try #require(script.status == 0, "\(script)")
    let sandbox = try Sandbox()
    let file = try sandbox.write("fieldlog.bash", script.stdoutData)
    let loaded = try Processes.run(
      bash, ["-c", "source \(Processes.shellQuoted(file.path)) && complete -p fieldlog"])
    #expect(loaded.status == 0, "\(loaded)")
    #expect(loaded.stdout.contains("fieldlog"), "\(loaded)")
  }
}

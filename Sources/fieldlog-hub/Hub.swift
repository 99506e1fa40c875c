import ArgumentParser
import FieldLogCore
import FieldLogHub
import Foundation
import Hummingbird
import Logging
import PostgresNIO

#if canImport(Glibc)
  import Glibc
#endif

/// `fieldlog-hub`: the team server a consortium's journals push to and pull from, on PostgreSQL.
@main
struct Hub: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fieldlog-hub",
    abstract: "The team hub: journals push to it and pull from it (PostgreSQL holds everything).",
    discussion: """
      The database is named by FIELDLOG_HUB_DATABASE_URL or --database-url \
      (postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE). Set up with 'migrate', 'study add' and \
      'member add'; run with 'serve'. docs/hub.md tells how to deploy it.
      """,
    subcommands: [Migrate.self, ServeHub.self, StudyCommand.self, MemberCommand.self])
}

struct DatabaseOptions: ParsableArguments {
  @Option(
    name: .customLong("database-url"),
    help: "The PostgreSQL URL (default: $FIELDLOG_HUB_DATABASE_URL).")
  var url: String?

  /// Runs `body` with a running client and a store; prints a refusal as `error: ...`.
  func withStore<T: Sendable>(_ body: @Sendable (HubStore) async throws -> T) async throws -> T {
    guard
      let url = url ?? ProcessInfo.processInfo.environment["FIELDLOG_HUB_DATABASE_URL"],
      !url.isEmpty
    else {
      throw Failure(
        "no database: set FIELDLOG_HUB_DATABASE_URL or give --database-url postgres://...", 64)
    }
    let logger = Logger(label: "fieldlog-hub", factory: { _ in SwiftLogNoOpLogHandler() })
    let client: PostgresClient
    do {
      client = try HubStore.client(url: url, logger: logger)
    } catch let error as HubError {
      throw Failure(error.message, Int32(error.status))
    }
    let store = HubStore(client: client, logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask { await client.run() }
      defer { group.cancelAll() }
      do {
        try await HubStore.probe(url: url, logger: logger)
        return try await body(store)
      } catch let error as HubError {
        throw Failure(error.message, error.status < 100 ? Int32(error.status) : 1)
      } catch let failure as Failure {
        throw failure
      } catch {
        throw Failure("the database refused: \(HubStore.reason(error))", 74)
      }
    }
  }
}

/// An error printed as `error: ...`, with its exit code.
struct Failure: Error, CustomStringConvertible {
  var message: String
  var code: Int32
  init(_ message: String, _ code: Int32) {
    self.message = message
    self.code = code
  }
  var description: String { message }
}

extension ParsableCommand {
  /// Runs a command body, turning a `Failure` into its message and exit code.
  func reporting(_ body: () async throws -> Void) async throws {
    do {
      try await body()
    } catch let failure as Failure {
      FileHandle.standardError.write(Data("error: \(failure.message)\n".utf8))
      throw ExitCode(failure.code)
    }
  }
}

struct Migrate: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Create or update the hub's tables (safe to run again).")
  @OptionGroup var database: DatabaseOptions

  func run() async throws {
    try await reporting {
      let ran = try await database.withStore { try await $0.migrate() }
      print(
        ran.isEmpty
          ? "the database is up to date"
          : "applied migration" + (ran.count == 1 ? " " : "s ")
            + ran.map { "v\($0)" }.joined(separator: ", "))
    }
  }
}

struct ServeHub: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Serve the hub's API over plain HTTP until stopped (put TLS in front: docs/hub.md).")
  @OptionGroup var database: DatabaseOptions

  @Option(help: "HOST:PORT to listen on.")
  var listen = "127.0.0.1:8089"

  func run() async throws {
    var stopSignals = sigset_t()
    sigemptyset(&stopSignals)
    sigaddset(&stopSignals, SIGINT)
    sigaddset(&stopSignals, SIGTERM)
    pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
    guard let colon = listen.lastIndex(of: ":"),
      let port = Int(listen[listen.index(after: colon)...]),
      (0...65535).contains(port), colon > listen.startIndex
    else {
      throw ValidationError("--listen '\(listen)' is not HOST:PORT (as 127.0.0.1:8089)")
    }
    let host = String(listen[..<colon])
    try await reporting {
      try await database.withStore { store in
        try await store.requireMigrated()
        let logger = Logger(label: "fieldlog-hub", factory: { _ in SwiftLogNoOpLogHandler() })
        let app = Application(
          router: HubServer(store: store).router(),
          configuration: .init(address: .hostname(host, port: port), serverName: nil),
          onServerRunning: { channel in
            let bound = channel.localAddress?.port ?? port
            print("fieldlog-hub listening on http://\(host):\(bound)")
            fflush(nil)
          },
          // Requests are not logged: paths name studies and feeds.
          logger: logger)
        do {
          try await app.runService()
        } catch {
          throw Failure("cannot listen on \(listen): \(error)", 74)
        }
      }
    }
  }
}

struct StudyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "study", abstract: "The studies this hub holds.",
    subcommands: [Add.self, List.self])

  struct Add: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Add a study.")
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "Its name (letters, digits, '-', '_', '.').") var name: String

    func run() async throws {
      try await reporting {
        let name = self.name
        try await database.withStore { try await $0.addStudy(name) }
        print("added the study '\(name)'")
      }
    }
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the studies.")
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
      try await reporting {
        for name in try await database.withStore({ try await $0.studies() }) { print(name) }
      }
    }
  }
}

struct MemberCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "member", abstract: "A study's members and their tokens.",
    subcommands: [Add.self, List.self, Renew.self, Revoke.self])

  struct StudyOption: ParsableArguments {
    @Option(help: "The study.") var study: String
  }

  struct Add: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Add a member; their new token is the last line printed (shown only once).")
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var study: StudyOption
    @Option(help: "Their name.") var name: String
    @Option(
      help: "coordinator, fieldworker, analyst or reader.",
      completion: .list(HubRole.allCases.map(\.rawValue)))
    var role: String
    @Option(help: "Days until the token expires.") var days = 365

    func run() async throws {
      guard let role = HubRole(rawValue: role.lowercased()) else {
        FileHandle.standardError.write(
          Data(
            ("error: '\(self.role)' is not a role; roles: "
              + HubRole.allCases.map(\.rawValue).joined(separator: ", ") + "\n").utf8))
        throw ExitCode(65)
      }
      guard (1...3650).contains(days) else {
        throw ValidationError("--days \(days) is out of range: give 1-3650")
      }
      try await reporting {
        let (study, name, days) = (study.study, self.name, self.days)
        let token = try await database.withStore {
          try await $0.addMember(study: study, name: name, role: role, days: days)
        }
        print("added \(name) to '\(study)' as \(role.rawValue); their token (keep it secret):")
        print(token)
      }
    }
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List a study's members.")
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var study: StudyOption

    func run() async throws {
      try await reporting {
        let study = self.study.study
        let members = try await database.withStore { try await $0.members(study: study) }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        for member in members {
          let state =
            member.revoked.map { "revoked \(day.string(from: $0))" }
            ?? (member.expires < Date()
              ? "expired \(day.string(from: member.expires))"
              : "expires \(day.string(from: member.expires))")
          print("\(member.name)\t\(member.role.rawValue)\t\(state)")
        }
      }
    }
  }

  struct Renew: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Give a member a new token (the old one ends); it is the last line printed, shown once.")
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var study: StudyOption
    @Option(help: "Their name.") var name: String
    @Option(help: "Days until the token expires.") var days = 365

    func run() async throws {
      guard (1...3650).contains(days) else {
        throw ValidationError("--days \(days) is out of range: give 1-3650")
      }
      try await reporting {
        let (study, name, days) = (study.study, self.name, self.days)
        let token = try await database.withStore {
          try await $0.renew(study: study, name: name, days: days)
        }
        print("a new token for \(name) in '\(study)' (the old one no longer works):")
        print(token)
      }
    }
  }

  struct Revoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Revoke a member's token; what they pushed stays.")
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var study: StudyOption
    @Option(help: "Their name.") var name: String

    func run() async throws {
      try await reporting {
        let (study, name) = (study.study, self.name)
        try await database.withStore { try await $0.revoke(study: study, name: name) }
        print("revoked the token of \(name) in '\(study)'")
      }
    }
  }
}

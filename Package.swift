// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "fieldlog",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "fieldlog", targets: ["fieldlog"]),
    .executable(name: "fieldlog-serve", targets: ["fieldlog-serve"]),
    .executable(name: "fieldlog-hub", targets: ["fieldlog-hub"]),
    .executable(name: "fieldlog-sync", targets: ["fieldlog-sync"]),
    .library(name: "FieldLogCore", targets: ["FieldLogCore"]),
  ],
  dependencies: [
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
    .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
  ],
  targets: [
    .target(
      name: "FieldLogCore",
      dependencies: [
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "Yams", package: "Yams"),
        .product(name: "ZIPFoundation", package: "ZIPFoundation"),
      ]
    ),
    // SVG charts and pages (the HTML report now, the web workspace later): templates are Swift
    // string literals, not resources, so the static binary stays one file.
    .target(
      name: "FieldLogWeb",
      dependencies: [
        "FieldLogCore",
        .product(name: "Mustache", package: "swift-mustache"),
      ]
    ),
    .target(
      name: "FieldLogCLI",
      dependencies: [
        "FieldLogCore",
        "FieldLogWeb",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "fieldlog",
      dependencies: ["FieldLogCLI"],
      linkerSettings: [
        // `add` is run once per note: packed relative relocations (DT_RELR) shorten every start.
        .unsafeFlags(
          ["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"],
          .when(platforms: [.linux], configuration: .release))
      ]
    ),
    // The local coding workspace: its own executable, so that `fieldlog` (and `add`'s start) does
    // not carry an HTTP stack. `fieldlog serve` runs it.
    .target(
      name: "FieldLogServer",
      dependencies: [
        "FieldLogCore",
        "FieldLogWeb",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "Mustache", package: "swift-mustache"),
      ],
      // The page's script and stylesheet, compiled into the binary as bytes: nothing to install
      // beside it, and the files stay plain JavaScript and CSS that node --check can read.
      resources: [.embedInCode("Assets/app.js"), .embedInCode("Assets/app.css")]
    ),
    .executableTarget(
      name: "fieldlog-serve",
      dependencies: [
        "FieldLogServer",
        "FieldLogCLI",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // The team hub: a server on PostgreSQL that journals push to and pull from (docs/hub.md).
    .target(
      name: "FieldLogHub",
      dependencies: [
        "FieldLogCore",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
        .product(name: "PostgresNIO", package: "postgres-nio"),
        .product(name: "Logging", package: "swift-log"),
      ],
      // Versioned SQL files, compiled in: the hub is one file to install.
      resources: [.embedInCode("Migrations/v1.sql")]
    ),
    .executableTarget(
      name: "fieldlog-hub",
      dependencies: [
        "FieldLogCore", "FieldLogHub",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // `fieldlog push`, `pull` and `sync` run this program beside `fieldlog`: the HTTP client
    // (AsyncHTTPClient, with TLS) stays out of `fieldlog`, so `add` starts as fast as before.
    // Foundation's URLSession was tried first: on Linux it spun the CPU while a reply was pending
    // (docs/performance.md, "Team hub").
    .executableTarget(
      name: "fieldlog-sync",
      dependencies: [
        "FieldLogCLI",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
      ]
    ),
    .testTarget(
      name: "FieldLogCoreTests",
      dependencies: ["FieldLogCore"],
      resources: [.copy("Fixtures")]
    ),
    .testTarget(
      name: "FieldLogCLITests",
      dependencies: [
        "FieldLogCore", "fieldlog", "fieldlog-serve", "fieldlog-hub", "fieldlog-sync",
      ],
      // Data the tests read by path, not as bundle resources.
      exclude: ["Fixtures"]
    ),
    // The charts' layout, in process, on made-up tables of any size; the CLI tests run the binary.
    .testTarget(
      name: "FieldLogWebTests",
      dependencies: ["FieldLogCore", "FieldLogWeb"]
    ),
    // Every route of the workspace's API in process, with its refusals.
    .testTarget(
      name: "FieldLogServerTests",
      dependencies: [
        "FieldLogCore", "FieldLogServer",
        .product(name: "HummingbirdTesting", package: "hummingbird"),
      ]
    ),
  ],
  swiftLanguageModes: [.v6]
)

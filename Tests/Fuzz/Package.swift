// swift-tools-version: 6.0
// libFuzzer targets for fieldlog's importers and quote location; see README.md. Built only with
// `swift build -c debug -Xswiftc -sanitize=fuzzer,address` (the `run` script does it), which links
// libFuzzer; `@testable import FieldLogCore` needs the debug build's testability.
import PackageDescription

let package = Package(
  name: "fieldlog-fuzz",
  platforms: [.macOS(.v13)],
  dependencies: [
    .package(name: "fieldlog", path: "../.."),
    // The version the root package resolves; named here for the product FuzzSupport uses.
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
  ],
  targets: [
    .target(
      name: "FuzzSupport",
      dependencies: [
        .product(name: "FieldLogCore", package: "fieldlog"),
        // The journal's own SQLite access, to check what an import recorded before it is rolled back.
        .product(name: "GRDB", package: "GRDB.swift"),
      ]),
    // Declares libFuzzer's driver, which each target's main.swift calls.
    .target(name: "CLibFuzzer"),
    .executableTarget(name: "fuzz-jsonl", dependencies: ["FuzzSupport", "CLibFuzzer"]),
    .executableTarget(name: "fuzz-csv", dependencies: ["FuzzSupport", "CLibFuzzer"]),
    .executableTarget(name: "fuzz-markdown", dependencies: ["FuzzSupport", "CLibFuzzer"]),
    .executableTarget(name: "fuzz-anchor", dependencies: ["FuzzSupport", "CLibFuzzer"]),
  ],
  swiftLanguageModes: [.v6]
)

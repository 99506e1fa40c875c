// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "fieldlog",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "fieldlog", targets: ["fieldlog"]),
    .library(name: "FieldLogCore", targets: ["FieldLogCore"]),
  ],
  dependencies: [
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
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
    .testTarget(
      name: "FieldLogCoreTests",
      dependencies: ["FieldLogCore"],
      resources: [.copy("Fixtures")]
    ),
    .testTarget(
      name: "FieldLogCLITests",
      dependencies: ["FieldLogCore", "fieldlog"],
      // Data the tests read by path, not as bundle resources.
      exclude: ["Fixtures"]
    ),
    // The charts' layout, in process, on made-up tables of any size; the CLI tests run the binary.
    .testTarget(
      name: "FieldLogWebTests",
      dependencies: ["FieldLogCore", "FieldLogWeb"]
    ),
  ],
  swiftLanguageModes: [.v6]
)

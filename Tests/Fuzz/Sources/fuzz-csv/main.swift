import CLibFuzzer
import FieldLogCore
import Foundation
import FuzzSupport

/// One input is one CSV import file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  Fuzz.importing(Data(bytes: data, count: size), format: .csv, fileName: "entries.csv")
  return 0
}

// SwiftPM links this file's `main`, not libFuzzer's: hand the run over to libFuzzer's driver.
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(
  LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    // An empty input may come without a pointer.
    guard let data else { return withUnsafePointer(to: UInt8(0)) { fuzz($0, 0) } }
    return fuzz(data, size)
  })

import CLibFuzzer
import Foundation
import FuzzSupport

/// One input is an occurrence, a previous segment, a body and a quote (see `Fuzz.locatingQuote`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  Fuzz.locatingQuote(Data(bytes: data, count: size))
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

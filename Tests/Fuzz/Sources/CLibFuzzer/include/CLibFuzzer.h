#include <stddef.h>
#include <stdint.h>

// libFuzzer's driver (in the runtime `-sanitize=fuzzer` links). SwiftPM gives every executable its
// own `main`, so libFuzzer's `main` is never used: the targets' main.swift calls this instead.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

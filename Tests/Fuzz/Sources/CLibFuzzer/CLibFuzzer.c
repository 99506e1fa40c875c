// Only the header matters: the driver itself is in libFuzzer.
#include "CLibFuzzer.h"

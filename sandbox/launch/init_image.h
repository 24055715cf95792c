// The sandbox-init program (sandbox/init/sandbox-init.c), built without a C library and
// embedded at build time; pid 1 execs it once COMMAND has started (init.cc).
#pragma once

namespace sb::launch {

extern const unsigned char kInitImage[];
extern const unsigned long kInitImageSize;

}  // namespace sb::launch

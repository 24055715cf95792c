// Dropping privilege before COMMAND runs.
#pragma once

#include <cstdint>

#include "sys/error.h"

namespace sb::security {

// Leaves only the capabilities in `keep` (bit N = capability N), in every set: effective,
// permitted, inheritable, ambient and bounding. An empty `keep` leaves every set empty.
Result<void> drop_capabilities(uint64_t keep);

// For a process about to exec a program that must start with nothing: empties the bounding,
// effective, inheritable and ambient sets, so the exec grants no capability even to uid 0, and
// keeps the permitted set as it is until then. A process that holds capabilities COMMAND lacks
// cannot be ptraced by COMMAND (the kernel requires the tracee's permitted set to be a subset
// of the tracer's), and with no effective capability it reads no file its ids cannot.
Result<void> keep_permitted_only();

// no_new_privs: execve can never grant privilege again (setuid bits, file capabilities).
Result<void> set_no_new_privs();

}  // namespace sb::security

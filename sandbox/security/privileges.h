// Dropping privilege before COMMAND runs.
#pragma once

#include <cstdint>

#include "sys/error.h"

namespace sb::security {

// Leaves only the capabilities in `keep` (bit N = capability N), in every set: effective,
// permitted, inheritable, ambient and bounding. An empty `keep` leaves every set empty.
Result<void> drop_capabilities(uint64_t keep);

// no_new_privs: execve can never grant privilege again (setuid bits, file capabilities).
Result<void> set_no_new_privs();

}  // namespace sb::security

// --seccomp / --add-seccomp-fd: compiled classic BPF programs from the caller.
#pragma once

#include <string>
#include <vector>

#include "spec.h"
#include "sys/error.h"

namespace sb::security {

// Reads every program, in order; each must be a whole number of 8-byte instructions.
Result<std::vector<std::string>> read_seccomp_programs(const Spec& spec);

// Installs them in order (the kernel then runs the last one first). Needs no_new_privs.
Result<void> apply_seccomp(const std::vector<std::string>& programs);

}  // namespace sb::security

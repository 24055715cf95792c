// --seccomp / --add-seccomp-fd: compiled classic BPF programs from the caller.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "spec.h"
#include "sys/error.h"
#include "sys/fd.h"

namespace sb::security {

// Reads every program, in order; each must be a whole number of 8-byte instructions. `owned`
// are the descriptors' owners (launch/handed.h), each closed once read.
Result<std::vector<std::string>> read_seccomp_programs(const Spec& spec, std::vector<unique_fd>& owned);

// The built-in rule (Spec::block_tty_injection): ioctl TIOCSTI and TIOCLINUX fail with EPERM, on the
// caller's terminal too (CVE-2017-5226). Only the low 32 bits of the request are compared,
// as the kernel does, so a request with high bits set cannot slip past (CVE-2019-10063).
std::string tty_injection_filter();

// Installs them in order (the kernel then runs the last one first). Needs no_new_privs.
// `bwrap_words`: a refusal is reported in bubblewrap's words.
Result<void> apply_seccomp(std::span<const std::string> programs, bool bwrap_words = false);

}  // namespace sb::security

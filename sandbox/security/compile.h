// A SyscallPolicy compiled by libseccomp into one classic-BPF program for every ABI of the
// machine, and what the monitor needs to read the program's verdicts back (--log-denials).
#pragma once

#include <linux/audit.h>
#include <linux/seccomp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "security/policy.h"
#include "sys/error.h"

namespace sb::security {

struct Compiled {
  std::string bpf;                    // sock_filter instructions
  std::vector<std::string> warnings;  // names skipped: not a system call of this machine
};

// Every name must be one libseccomp knows; one it knows that this machine has not (an ARM or
// s390 call, say) is skipped with a warning, as runc does. Errors name the rule's `where`.
Result<Compiled> compile_policy(const SyscallPolicy& policy);

// The same program with every "fail with errno" verdict turned into "ask the listener": the
// monitor then answers each such call with the errno `run_filter` finds in the original.
std::string notify_variant(const std::string& bpf);

// Runs a program the way the kernel does, on one call; returns its SECCOMP_RET_* verdict.
// A program it cannot read to the end gives SECCOMP_RET_ERRNO | EPERM.
uint32_t run_filter(const std::string& bpf, const seccomp_data& call);
// The same, nullopt for a program it cannot read to the end (an instruction it does not know).
std::optional<uint32_t> try_run_filter(const std::string& bpf, const seccomp_data& call);
// This machine's own ABI, as seccomp_data.arch names it.
#if defined(__x86_64__)
constexpr uint32_t kNativeAuditArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr uint32_t kNativeAuditArch = AUDIT_ARCH_AARCH64;
#else
#error "name this architecture's AUDIT_ARCH"
#endif

// The verdict of programs stacked in this order (the last loaded last), as the kernel combines
// them; nullopt when one of them cannot be read to the end.
std::optional<uint32_t> run_filters(const std::vector<std::string>& programs, const seccomp_data& call);

// The call's name as libseccomp knows it for that AUDIT_ARCH, or its number.
std::string syscall_name(uint32_t audit_arch, int nr);

}  // namespace sb::security

// A syscall policy as plain data: what a profile (the built-in `default`, or a JSON file in the
// OCI / Docker format) says, before libseccomp compiles it (security/compile.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sys/error.h"

namespace sb::security {

enum class SysAction : unsigned char { allow, errno_ret, kill_process, kill_thread, trap, log };

enum class CmpOp : unsigned char { ne, lt, le, eq, ge, gt, masked_eq };

// A comparison of one argument of the call: `arg[index] OP value` (masked_eq: `arg & value ==
// value_two`).
struct ArgCmp {
  unsigned index = 0;
  uint64_t value = 0, value_two = 0;
  CmpOp op = CmpOp::eq;
  bool operator==(const ArgCmp&) const = default;
};

struct SyscallRule {
  std::vector<std::string> names;
  SysAction action = SysAction::errno_ret;
  int errno_ret = 1;           // for errno_ret
  std::vector<ArgCmp> args;    // all must hold
  std::string where;           // for messages: "FILE: syscalls[3]", "--seccomp-deny mkdir"
  bool operator==(const SyscallRule&) const = default;
};

// x86-64, x32 and i386 share this kernel (AUDIT_ARCH values via libseccomp's SCMP_ARCH_*).
enum class Abi : unsigned char { x86_64, x32, x86, aarch64, arm };

struct SyscallPolicy {
  SysAction default_action = SysAction::allow;
  int default_errno = 1;
  std::vector<Abi> abis;  // empty: every ABI of this machine
  std::vector<SyscallRule> rules;
  // Names an option gave (--seccomp-allow of a name no rule holds adds no rule): each must be
  // one libseccomp knows, else the option is named in the error. {name, option}
  std::vector<std::pair<std::string, std::string>> named;
  bool operator==(const SyscallPolicy&) const = default;
};

// The `default` profile (CLI.md, "Syscall policy"): everything allowed but what a sandboxed
// program has no business doing, which fails with EPERM on every ABI of the machine.
SyscallPolicy default_policy();

// The names `default` denies, in order, for --dry-run and the man page.
std::vector<std::string> default_denied_names();

// --seccomp-deny NAME[:ERRNO] and --seccomp-allow NAME applied to `policy`, in order. Either
// first takes NAME out of every rule of the profile, so nothing the profile says about NAME
// is left to argue with it; a denial then adds an unconditional rule, and an allowance adds
// one only where the profile's default would deny.
struct Adjustment {
  std::string name;
  bool deny = true;
  int err = 1;           // EPERM
  std::string option;    // "--seccomp-deny keyctl:EACCES", for messages
  bool operator==(const Adjustment&) const = default;
};
void adjust(SyscallPolicy& policy, const std::vector<Adjustment>& adjustments);

// "EACCES" -> 13; nullopt for a name that is no errno.
std::optional<int> errno_by_name(std::string_view name);
// 13 -> "EACCES"; the number as text when it has no name.
std::string errno_name(int err);

// Parses the value of --seccomp-deny: "SYSCALL[:ERRNO]".
Result<Adjustment> parse_deny(std::string_view value);

}  // namespace sb::security

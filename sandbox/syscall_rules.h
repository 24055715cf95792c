// A syscall policy as plain data, as the user means it: the rules of a profile and the
// --seccomp-deny/--seccomp-allow adjustments. Spec holds them; security/policy.h builds the
// `default` profile and applies the adjustments, security/compile.h compiles a policy.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

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

// --seccomp-deny NAME[:ERRNO] (deny) or --seccomp-allow NAME.
struct Adjustment {
  std::string name;
  bool deny = true;
  int err = 1;           // EPERM
  std::string option;    // "--seccomp-deny keyctl:EACCES", for messages
  bool operator==(const Adjustment&) const = default;
};

}  // namespace sb::security

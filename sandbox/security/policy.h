// The `default` syscall profile and the adjustments of the command line, on the plain data of
// syscall_rules.h, before libseccomp compiles a policy (security/compile.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "syscall_rules.h"
#include "sys/error.h"

namespace sb::security {

// The `default` profile (CLI.md, "Syscall policy"): everything allowed but what a sandboxed
// program has no business doing, which fails with EPERM on every ABI of the machine.
SyscallPolicy default_policy();

// With --allow-tcp-connect/--allow-tcp-bind, whose Landlock rules cover IPPROTO_TCP sockets
// only, the other ways to a TCP stream: MPTCP sockets (EPROTONOSUPPORT, as where the kernel has
// none), i386's socketcall, whose arguments a filter cannot read (ENOSYS: the direct calls
// remain), and io_uring, which makes sockets without the socket call (EPERM). Every ABI.
SyscallPolicy tcp_streams_policy();

// --seccomp-deny NAME[:ERRNO] and --seccomp-allow NAME applied to `policy`, in order. Either
// first takes NAME out of every rule of the profile, so nothing the profile says about NAME
// is left to argue with it; a denial then adds an unconditional rule, and an allowance adds
// one only where the profile's default would deny.
void adjust(SyscallPolicy& policy, const std::vector<Adjustment>& adjustments);

// "EACCES" -> 13; nullopt for a name that is no errno.
std::optional<int> errno_by_name(std::string_view name);
// 13 -> "EACCES"; the number as text when it has no name.
std::string errno_name(int err);

// Parses the value of --seccomp-deny: "SYSCALL[:ERRNO]".
Result<Adjustment> parse_deny(std::string_view value);

}  // namespace sb::security

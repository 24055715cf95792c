#include "security/policy.h"

#include <sys/ioctl.h>

#include <algorithm>
#include <cstring>

namespace sb::security {

namespace {

// CLI.md's list: loading kernel code, replacing or stopping the kernel, swap, accounting and
// quotas, kernel subsystems with a long record of privilege escalation reachable from a user
// namespace, the keyring, and file handles that walk around mount-namespace confinement.
constexpr const char* kDenied[] = {
    "init_module", "finit_module", "delete_module", "create_module", "query_module", "get_kernel_syms",
    "kexec_load", "kexec_file_load", "reboot", "swapon", "swapoff", "acct", "quotactl", "quotactl_fd",
    "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "open_by_handle_at", "name_to_handle_at", "lookup_dcookie", "uselib",
};

constexpr uint64_t kLow32 = 0xffffffffu;

}  // namespace

SyscallPolicy default_policy() {
  SyscallPolicy p;
  p.default_action = SysAction::allow;
  p.abis = {Abi::x86_64, Abi::x32, Abi::x86};
  SyscallRule deny{{std::begin(kDenied), std::end(kDenied)}, SysAction::errno_ret, EPERM, {}, "default"};
  p.rules.push_back(deny);

  // personality(): the kernel reads an unsigned int, so only the low 32 bits count. Allowed are
  // 0 (PER_LINUX), 8 (PER_LINUX32), 0x20000 (UNAME26), 0x20008, and 0xffffffff (only asks).
  // libseccomp takes one comparison per argument and rule, so the denials are spelled as
  // masked comparisons: x is denied exactly when its 30 other bits are neither all clear nor
  // all set (then some bit of them is set and the next one, cyclically, is clear), or when they
  // are all set and bit 3 or bit 17 is clear.
  constexpr uint32_t kKept = 0x20008;
  std::vector<unsigned> other;
  for (unsigned b = 0; b < 32; ++b)
    if (!((kKept >> b) & 1)) other.push_back(b);
  uint64_t all_other = kLow32 & ~uint64_t{kKept};
  auto personality = [&](uint64_t mask, uint64_t value) {
    p.rules.push_back({{"personality"}, SysAction::errno_ret, EPERM, {{0, mask, value, CmpOp::masked_eq}}, "default"});
  };
  for (size_t i = 0; i < other.size(); ++i) {
    uint64_t set = uint64_t{1} << other[i], clear = uint64_t{1} << other[(i + 1) % other.size()];
    personality(set | clear, set);
  }
  personality(all_other | 0x8, all_other);
  personality(all_other | 0x20000, all_other);

  // Terminal injection (CVE-2017-5226), compared on the request's low 32 bits as the kernel
  // reads it, so a request with high bits set cannot slip past (CVE-2019-10063).
  for (unsigned long request : {static_cast<unsigned long>(TIOCSTI), static_cast<unsigned long>(TIOCLINUX)})
    p.rules.push_back({{"ioctl"}, SysAction::errno_ret, EPERM, {{1, kLow32, request, CmpOp::masked_eq}}, "default"});
  return p;
}

SyscallPolicy tcp_streams_policy() {
  constexpr uint64_t kMptcp = 262;  // IPPROTO_MPTCP; the kernel reads an int
  const std::string where = "--allow-tcp-connect/--allow-tcp-bind";
  SyscallPolicy p;
  p.default_action = SysAction::allow;
  p.abis = default_policy().abis;
  p.rules.push_back({{"socket"}, SysAction::errno_ret, EPROTONOSUPPORT, {{2, kLow32, kMptcp, CmpOp::masked_eq}}, where});
  p.rules.push_back({{"socketcall"}, SysAction::errno_ret, ENOSYS, {}, where});
  p.rules.push_back({{"io_uring_setup", "io_uring_enter", "io_uring_register"}, SysAction::errno_ret, EPERM, {}, where});
  return p;
}

void adjust(SyscallPolicy& policy, const std::vector<Adjustment>& adjustments) {
  for (const auto& a : adjustments) {
    policy.named.emplace_back(a.name, a.option);
    for (auto& r : policy.rules) std::erase(r.names, a.name);
    std::erase_if(policy.rules, [](const SyscallRule& r) { return r.names.empty(); });
    if (a.deny)
      policy.rules.push_back({{a.name}, SysAction::errno_ret, a.err, {}, a.option});
    else if (policy.default_action != SysAction::allow && policy.default_action != SysAction::log)
      policy.rules.push_back({{a.name}, SysAction::allow, 0, {}, a.option});
  }
}

std::optional<int> errno_by_name(std::string_view name) {
  if (name.empty()) return std::nullopt;
  for (int e = 1; e < 4096; ++e) {
    const char* n = ::strerrorname_np(e);
    if (n && name == n) return e;
  }
  return std::nullopt;
}

std::string errno_name(int err) {
  const char* n = ::strerrorname_np(err);
  return n ? n : std::to_string(err);
}

Result<Adjustment> parse_deny(std::string_view value) {
  Adjustment a;
  a.option = "--seccomp-deny " + std::string(value);
  auto colon = value.find(':');
  a.name = std::string(value.substr(0, colon));
  if (a.name.empty()) return fail(a.option + ": no system call named", EINVAL);
  if (colon != std::string_view::npos) {
    auto err = errno_by_name(value.substr(colon + 1));
    if (!err) return fail(a.option + ": '" + std::string(value.substr(colon + 1)) + "' is not an errno name such as EPERM", EINVAL);
    a.err = *err;
  }
  return a;
}

}  // namespace sb::security

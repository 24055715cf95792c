#include "security/compile.h"

#include <linux/filter.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>

#include "sys/fd.h"
#include "sys/io.h"

namespace sb::security {

namespace {

uint32_t scmp_action(SysAction a, int err) {
  switch (a) {
    case SysAction::allow: return SCMP_ACT_ALLOW;
    case SysAction::errno_ret: return SCMP_ACT_ERRNO(static_cast<uint16_t>(err));
    case SysAction::kill_process: return SCMP_ACT_KILL_PROCESS;
    case SysAction::kill_thread: return SCMP_ACT_KILL_THREAD;
    case SysAction::trap: return SCMP_ACT_TRAP;
    case SysAction::log: return SCMP_ACT_LOG;
  }
  return SCMP_ACT_KILL_PROCESS;
}

scmp_compare scmp_op(CmpOp op) {
  switch (op) {
    case CmpOp::ne: return SCMP_CMP_NE;
    case CmpOp::lt: return SCMP_CMP_LT;
    case CmpOp::le: return SCMP_CMP_LE;
    case CmpOp::eq: return SCMP_CMP_EQ;
    case CmpOp::ge: return SCMP_CMP_GE;
    case CmpOp::gt: return SCMP_CMP_GT;
    case CmpOp::masked_eq: return SCMP_CMP_MASKED_EQ;
  }
  return SCMP_CMP_EQ;
}

uint32_t scmp_arch(Abi abi) {
  switch (abi) {
    case Abi::x86_64: return SCMP_ARCH_X86_64;
    case Abi::x32: return SCMP_ARCH_X32;
    case Abi::x86: return SCMP_ARCH_X86;
    case Abi::aarch64: return SCMP_ARCH_AARCH64;
    case Abi::arm: return SCMP_ARCH_ARM;
  }
  return SCMP_ARCH_NATIVE;
}

// The ABIs this build's kernel runs: on x86-64, also x32 and i386 programs.
std::vector<Abi> machine_abis() {
#if defined(__x86_64__)
  return {Abi::x86_64, Abi::x32, Abi::x86};
#elif defined(__aarch64__)
  return {Abi::aarch64, Abi::arm};
#else
#error "name this machine's ABIs"
#endif
}

struct CtxDeleter {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};

std::string msg(int rc) { return std::strerror(-rc); }

}  // namespace

Result<Compiled> compile_policy(const SyscallPolicy& policy) {
  Compiled out;
  std::unique_ptr<void, CtxDeleter> ctx(seccomp_init(scmp_action(policy.default_action, policy.default_errno)));
  if (!ctx) return fail("libseccomp: can't make a filter", ENOMEM);
  // Calls of an ABI the profile leaves out are refused, not let through unfiltered.
  if (int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS); rc < 0)
    return fail("libseccomp: " + msg(rc), -rc);
  // A sorted tree rather than a list: a call looks at a few instructions, not hundreds.
  (void)seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2);
  // The context starts with the native ABI; the profile's (or every one of the machine's) join it.
  std::vector<Abi> machine = machine_abis();
  std::vector<Abi> wanted;
  for (Abi a : policy.abis.empty() ? machine : policy.abis)
    if (std::find(machine.begin(), machine.end(), a) != machine.end()) wanted.push_back(a);
  if (std::find(wanted.begin(), wanted.end(), machine.front()) == wanted.end())
    return fail("seccomp profile: it names none of this machine's architectures", EINVAL);
  for (Abi a : wanted) {
    if (a == machine.front()) continue;
    if (int rc = seccomp_arch_add(ctx.get(), scmp_arch(a)); rc < 0 && rc != -EEXIST)
      return fail("libseccomp: can't add an architecture: " + msg(rc), -rc);
  }

  for (const auto& [name, option] : policy.named)
    if (seccomp_syscall_resolve_name(name.c_str()) == __NR_SCMP_ERROR)
      return fail(option + ": unknown system call '" + name + "'", EINVAL);
  for (const auto& rule : policy.rules) {
    uint32_t action = scmp_action(rule.action, rule.errno_ret);
    // A rule whose action is the default changes nothing; libseccomp refuses it.
    if (action == scmp_action(policy.default_action, policy.default_errno)) continue;
    std::vector<scmp_arg_cmp> cmps;
    for (const auto& a : rule.args)
      cmps.push_back(scmp_arg_cmp{a.index, scmp_op(a.op), a.value, a.value_two});
    std::string skipped;
    for (const auto& name : rule.names) {
      int nr = seccomp_syscall_resolve_name(name.c_str());
      if (nr == __NR_SCMP_ERROR) return fail(rule.where + ": unknown system call '" + name + "'", EINVAL);
      // The calls of the socketcall and ipc multiplexers have no number of their own on i386:
      // libseccomp filters them through the multiplexer, which "rewrite" resolves to.
      bool here = false;
      for (Abi a : wanted) here = here || seccomp_syscall_resolve_name_rewrite(scmp_arch(a), name.c_str()) >= 0;
      if (!here) {
        skipped += (skipped.empty() ? "" : ", ") + name;
        continue;
      }
      int rc = seccomp_rule_add_array(ctx.get(), action, nr, static_cast<unsigned>(cmps.size()), cmps.data());
      if (rc < 0) return fail(rule.where + ": libseccomp refused the rule for '" + name + "': " + msg(rc), -rc);
    }
    if (!skipped.empty()) out.warnings.push_back(rule.where + ": not system calls of this machine, skipped: " + skipped);
  }

  // libseccomp 2.5 exports to a descriptor only.
  unique_fd mem(static_cast<int>(::memfd_create("seccomp-bpf", MFD_CLOEXEC)));
  if (!mem) return fail_errno("Can't make a memory file for the seccomp program");
  if (int rc = seccomp_export_bpf(ctx.get(), mem.get()); rc < 0) return fail("libseccomp: can't export the program: " + msg(rc), -rc);
  if (::lseek(mem.get(), 0, SEEK_SET) < 0) return fail_errno("lseek");
  auto bpf = sys::read_to_end(mem.get(), size_t{BPF_MAXINSNS} * sizeof(sock_filter));
  if (!bpf && bpf.error().err == E2BIG)
    return fail("seccomp profile: the program is longer than " + std::to_string(BPF_MAXINSNS) + " instructions", E2BIG);
  if (!bpf) return fail("Can't read the compiled seccomp program", bpf.error().err);
  out.bpf = std::move(*bpf);
  return out;
}

std::string notify_variant(const std::string& bpf) {
  std::string out = bpf;
  for (size_t off = 0; off + sizeof(sock_filter) <= out.size(); off += sizeof(sock_filter)) {
    sock_filter f;
    std::memcpy(&f, out.data() + off, sizeof f);
    if (f.code == (BPF_RET | BPF_K) && (f.k & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO) {
      f.k = SECCOMP_RET_USER_NOTIF;
      std::memcpy(out.data() + off, &f, sizeof f);
    }
  }
  return out;
}

uint32_t run_filter(const std::string& bpf, const seccomp_data& call) {
  return try_run_filter(bpf, call).value_or(SECCOMP_RET_ERRNO | EPERM);
}

std::optional<uint32_t> run_filters(const std::vector<std::string>& programs, const seccomp_data& call) {
  // As the kernel: every program runs, the most recent first, and the verdict whose action
  // takes precedence (the lowest SECCOMP_RET_ACTION_FULL value, compared signed) wins; of equal
  // ones, the most recent.
  std::optional<uint32_t> verdict;
  for (auto it = programs.rbegin(); it != programs.rend(); ++it) {
    auto v = try_run_filter(*it, call);
    if (!v) return std::nullopt;
    auto action = [](uint32_t r) { return static_cast<int32_t>(r & SECCOMP_RET_ACTION_FULL); };
    if (!verdict || action(*v) < action(*verdict)) verdict = v;
  }
  return verdict.value_or(SECCOMP_RET_ALLOW);
}

std::optional<uint32_t> try_run_filter(const std::string& bpf, const seccomp_data& call) {
  constexpr std::nullopt_t kRefuse = std::nullopt;
  size_t n = bpf.size() / sizeof(sock_filter);
  if (n == 0) return kRefuse;
  std::vector<sock_filter> prog(n);
  std::memcpy(prog.data(), bpf.data(), n * sizeof(sock_filter));
  unsigned char data[sizeof(seccomp_data)];
  std::memcpy(data, &call, sizeof data);
  uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {};
  for (size_t pc = 0; pc < n; ++pc) {
    const sock_filter& f = prog[pc];
    auto jump = [&](bool cond) { pc += cond ? f.jt : f.jf; };
    switch (f.code) {
      case BPF_LD | BPF_W | BPF_ABS:
        if (f.k % 4 || f.k + 4 > sizeof data) return kRefuse;
        std::memcpy(&a, data + f.k, 4);
        break;
      case BPF_LD | BPF_IMM: a = f.k; break;
      case BPF_LDX | BPF_IMM: x = f.k; break;
      case BPF_LD | BPF_MEM: if (f.k >= BPF_MEMWORDS) return kRefuse; a = mem[f.k]; break;
      case BPF_LDX | BPF_MEM: if (f.k >= BPF_MEMWORDS) return kRefuse; x = mem[f.k]; break;
      case BPF_ST: if (f.k >= BPF_MEMWORDS) return kRefuse; mem[f.k] = a; break;
      case BPF_STX: if (f.k >= BPF_MEMWORDS) return kRefuse; mem[f.k] = x; break;
      case BPF_MISC | BPF_TAX: x = a; break;
      case BPF_MISC | BPF_TXA: a = x; break;
      case BPF_ALU | BPF_AND | BPF_K: a &= f.k; break;
      case BPF_ALU | BPF_OR | BPF_K: a |= f.k; break;
      case BPF_ALU | BPF_ADD | BPF_K: a += f.k; break;
      case BPF_ALU | BPF_SUB | BPF_K: a -= f.k; break;
      case BPF_ALU | BPF_RSH | BPF_K: a = f.k < 32 ? a >> f.k : 0; break;
      case BPF_ALU | BPF_LSH | BPF_K: a = f.k < 32 ? a << f.k : 0; break;
      case BPF_JMP | BPF_JA: pc += f.k; break;
      case BPF_JMP | BPF_JEQ | BPF_K: jump(a == f.k); break;
      case BPF_JMP | BPF_JGT | BPF_K: jump(a > f.k); break;
      case BPF_JMP | BPF_JGE | BPF_K: jump(a >= f.k); break;
      case BPF_JMP | BPF_JSET | BPF_K: jump((a & f.k) != 0); break;
      case BPF_JMP | BPF_JEQ | BPF_X: jump(a == x); break;
      case BPF_JMP | BPF_JGT | BPF_X: jump(a > x); break;
      case BPF_JMP | BPF_JGE | BPF_X: jump(a >= x); break;
      case BPF_JMP | BPF_JSET | BPF_X: jump((a & x) != 0); break;
      case BPF_RET | BPF_K: return f.k;
      case BPF_RET | BPF_A: return a;
      default: return kRefuse;
    }
  }
  return kRefuse;
}

std::string syscall_name(uint32_t audit_arch, int nr) {
  // x32 shares x86-64's AUDIT_ARCH; its numbers carry bit 30.
  constexpr int kX32Bit = 0x40000000;
  if (audit_arch == SCMP_ARCH_X86_64 && (nr & kX32Bit)) audit_arch = SCMP_ARCH_X32;
  char* name = seccomp_syscall_resolve_num_arch(audit_arch, nr);
  if (!name) return std::to_string(nr);
  std::string s = name;
  ::free(name);
  return s;
}

}  // namespace sb::security

// The syscall policy: the `default` profile as data and as compiled, libseccomp's program read
// back, the JSON reader, and the --seccomp-deny/--seccomp-allow adjustments. No privilege.
#include <gtest/gtest.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>

#include <string>
#include <vector>

#include "launch/denials.h"
#include "security/compile.h"
#include "security/default_profile.h"
#include "security/policy.h"
#include "security/profile_json.h"

namespace sb::security {
namespace {

constexpr uint32_t kX32 = 0x40000000;

std::string embedded() {
  return std::string(reinterpret_cast<const char*>(kDefaultProfileBpf), kDefaultProfileBpfSize);
}

seccomp_data call(uint32_t arch, int nr, std::vector<uint64_t> args = {}) {
  seccomp_data d{};
  d.arch = arch;
  d.nr = nr;
  for (size_t i = 0; i < args.size() && i < 6; ++i) d.args[i] = args[i];
  return d;
}

uint32_t verdict(const std::string& bpf, uint32_t arch, int nr, std::vector<uint64_t> args = {}) {
  return run_filter(bpf, call(arch, nr, std::move(args)));
}

constexpr uint32_t kEperm = SECCOMP_RET_ERRNO | EPERM;

TEST(DefaultProfile, TheEmbeddedProgramIsTheProfileCompiled) {
  auto compiled = compile_policy(default_policy());
  ASSERT_TRUE(compiled) << compiled.error().message();
  EXPECT_TRUE(compiled->warnings.empty());
  EXPECT_EQ(compiled->bpf, embedded());
  EXPECT_LE(compiled->bpf.size() / sizeof(sock_filter), size_t{BPF_MAXINSNS});
}

TEST(DefaultProfile, DeniesOnEveryAbiAndAllowsTheRest) {
  std::string bpf = embedded();
  // keyctl, bpf, perf_event_open, userfaultfd, io_uring_setup: x86-64, x32 (same numbers with
  // bit 30), i386.
  struct Nr {
    int x64, i386;
  };
  for (Nr n : {Nr{250, 288}, Nr{321, 357}, Nr{298, 336}, Nr{323, 374}, Nr{425, 425}, Nr{169, 88} /* reboot */}) {
    EXPECT_EQ(verdict(bpf, AUDIT_ARCH_X86_64, n.x64), kEperm) << n.x64;
    EXPECT_EQ(verdict(bpf, AUDIT_ARCH_X86_64, n.x64 | kX32), kEperm) << n.x64;
    EXPECT_EQ(verdict(bpf, AUDIT_ARCH_I386, n.i386), kEperm) << n.i386;
  }
  // getpid, mkdir, openat: allowed.
  for (int nr : {39, 83, 257}) {
    EXPECT_EQ(verdict(bpf, AUDIT_ARCH_X86_64, nr), SECCOMP_RET_ALLOW) << nr;
    EXPECT_EQ(verdict(bpf, AUDIT_ARCH_X86_64, nr | kX32), SECCOMP_RET_ALLOW) << nr;
  }
  EXPECT_EQ(verdict(bpf, AUDIT_ARCH_I386, 39 /* i386 mkdir */), SECCOMP_RET_ALLOW);
  // Another machine's ABI has no business here.
  EXPECT_EQ(verdict(bpf, AUDIT_ARCH_AARCH64, 39) & SECCOMP_RET_ACTION_FULL, SECCOMP_RET_KILL_PROCESS);
}

TEST(DefaultProfile, TerminalInjectionOnItsLow32Bits) {
  std::string bpf = embedded();
  for (uint64_t high : {uint64_t{0}, uint64_t{1} << 32, ~uint64_t{0} << 32}) {
    EXPECT_EQ(verdict(bpf, AUDIT_ARCH_X86_64, 16, {0, high | TIOCSTI}), kEperm);
    EXPECT_EQ(verdict(bpf, AUDIT_ARCH_X86_64, 16, {0, high | TIOCLINUX}), kEperm);
    EXPECT_EQ(verdict(bpf, AUDIT_ARCH_X86_64, 16, {0, high | TCGETS}), SECCOMP_RET_ALLOW);
  }
  EXPECT_EQ(verdict(bpf, AUDIT_ARCH_I386, 54, {0, TIOCSTI}), kEperm);
  EXPECT_EQ(verdict(bpf, AUDIT_ARCH_X86_64, 514 | kX32, {0, TIOCSTI}), kEperm);  // x32's own ioctl
}

TEST(DefaultProfile, PersonalityOnlyItsHarmlessValues) {
  std::string bpf = embedded();
  auto allowed = [](uint32_t v) { return v == 0 || v == 8 || v == 0x20000 || v == 0x20008 || v == 0xffffffff; };
  std::vector<uint32_t> values = {0, 8, 0x20000, 0x20008, 0xffffffff, 1, 7, 9, 0x40000, 0x400000, 0x0040008,
                                  0x20009, 0xfffffff7, 0xfffdffff, 0xfffdfff7, 0x7fffffff, 0x80000000, 0xfffffffe};
  for (uint32_t b = 0; b < 32; ++b) {
    values.push_back(uint32_t{1} << b);
    values.push_back(~(uint32_t{1} << b));
    values.push_back((uint32_t{1} << b) | 0x20008);
  }
  uint32_t x = 2463534242u;  // a fixed xorshift sequence: the same values on every run
  for (int i = 0; i < 20000; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    values.push_back(x);
  }
  for (uint32_t v : values) {
    uint32_t want = allowed(v) ? SECCOMP_RET_ALLOW : kEperm;
    EXPECT_EQ(verdict(bpf, AUDIT_ARCH_X86_64, 135, {v}), want) << std::hex << v;
    // The kernel reads an unsigned int: high bits change nothing.
    EXPECT_EQ(verdict(bpf, AUDIT_ARCH_X86_64, 135, {uint64_t{0xdead} << 32 | v}), want) << std::hex << v;
    EXPECT_EQ(verdict(bpf, AUDIT_ARCH_I386, 136, {v}), want) << std::hex << v;
  }
}

TEST(NotifyVariant, OnlyErrnoVerdictsAskTheListener) {
  std::string bpf = embedded(), notify = notify_variant(bpf);
  EXPECT_EQ(notify.size(), bpf.size());
  EXPECT_EQ(verdict(notify, AUDIT_ARCH_X86_64, 250), SECCOMP_RET_USER_NOTIF);
  EXPECT_EQ(verdict(notify, AUDIT_ARCH_X86_64, 39), SECCOMP_RET_ALLOW);
  EXPECT_EQ(verdict(notify, AUDIT_ARCH_AARCH64, 39) & SECCOMP_RET_ACTION_FULL, SECCOMP_RET_KILL_PROCESS);
}

TEST(RunFilter, RefusesWhatItCannotRead) {
  EXPECT_EQ(run_filter("", call(AUDIT_ARCH_X86_64, 39)), kEperm);
  sock_filter odd[] = {{BPF_LD | BPF_W | BPF_ABS, 0, 0, 2}, {BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW}};
  EXPECT_EQ(run_filter(std::string(reinterpret_cast<const char*>(odd), sizeof odd), call(AUDIT_ARCH_X86_64, 39)), kEperm);
  sock_filter unknown[] = {{0xffff, 0, 0, 0}, {BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW}};
  EXPECT_EQ(run_filter(std::string(reinterpret_cast<const char*>(unknown), sizeof unknown), call(AUDIT_ARCH_X86_64, 39)), kEperm);
}

TEST(RunFilters, StackedAsTheKernelStacksThem) {
  auto prog = [](std::initializer_list<sock_filter> f) { return std::string(reinterpret_cast<const char*>(f.begin()), f.size() * sizeof(sock_filter)); };
  std::string allow = prog({{BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW}});
  std::string enosys = prog({{BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | ENOSYS}});
  std::string eperm = prog({{BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | EPERM}});
  std::string kill = prog({{BPF_RET | BPF_K, 0, 0, SECCOMP_RET_KILL_PROCESS}});
  std::string log = prog({{BPF_RET | BPF_K, 0, 0, SECCOMP_RET_LOG}});
  auto c = call(AUDIT_ARCH_X86_64, 61);
  EXPECT_EQ(run_filters({}, c), SECCOMP_RET_ALLOW);
  EXPECT_EQ(run_filters({allow, log}, c), SECCOMP_RET_LOG);
  // Of equal actions, the last loaded wins; a stronger action wins whatever the order.
  EXPECT_EQ(run_filters({enosys, eperm}, c), SECCOMP_RET_ERRNO | EPERM);
  EXPECT_EQ(run_filters({eperm, enosys}, c), SECCOMP_RET_ERRNO | ENOSYS);
  EXPECT_EQ(run_filters({kill, enosys}, c), SECCOMP_RET_KILL_PROCESS);
  // One it cannot read: no verdict rather than a guess.
  sock_filter unknown[] = {{0xffff, 0, 0, 0}, {BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW}};
  EXPECT_FALSE(run_filters({allow, std::string(reinterpret_cast<const char*>(unknown), sizeof unknown)}, c));
}

TEST(TcpStreams, MptcpSocketcallAndIoUringOnEveryAbi) {
  auto compiled = compile_policy(tcp_streams_policy());
  ASSERT_TRUE(compiled) << compiled.error().message();
  const std::string& bpf = compiled->bpf;
  // socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP): x86-64 41, i386 359, x32 41 | bit 30.
  EXPECT_EQ(verdict(bpf, AUDIT_ARCH_X86_64, 41, {2, 1, 262}), SECCOMP_RET_ERRNO | EPROTONOSUPPORT);
  EXPECT_EQ(verdict(bpf, AUDIT_ARCH_X86_64, 41, {2, 1, uint64_t{1} << 32 | 262}), SECCOMP_RET_ERRNO | EPROTONOSUPPORT);
  EXPECT_EQ(verdict(bpf, AUDIT_ARCH_I386, 359, {2, 1, 262}), SECCOMP_RET_ERRNO | EPROTONOSUPPORT);
  EXPECT_EQ(verdict(bpf, AUDIT_ARCH_X86_64, 0x40000000 | 41, {2, 1, 262}), SECCOMP_RET_ERRNO | EPROTONOSUPPORT);
  // TCP itself (protocol 0 or 6) is Landlock's to judge.
  EXPECT_EQ(verdict(bpf, AUDIT_ARCH_X86_64, 41, {2, 1, 0}), SECCOMP_RET_ALLOW);
  EXPECT_EQ(verdict(bpf, AUDIT_ARCH_X86_64, 41, {2, 1, 6}), SECCOMP_RET_ALLOW);
  EXPECT_EQ(verdict(bpf, AUDIT_ARCH_I386, 102, {1}), SECCOMP_RET_ERRNO | ENOSYS);  // socketcall
  EXPECT_EQ(verdict(bpf, AUDIT_ARCH_X86_64, 425, {}), SECCOMP_RET_ERRNO | EPERM);  // io_uring_setup
  EXPECT_EQ(verdict(bpf, AUDIT_ARCH_X86_64, 42, {}), SECCOMP_RET_ALLOW);           // connect
}

TEST(Adjust, DenyAndAllowTakeTheNameOutOfTheProfileFirst) {
  SyscallPolicy p = default_policy();
  auto deny = parse_deny("keyctl:EACCES");
  ASSERT_TRUE(deny);
  adjust(p, {*deny, {"bpf", false, 0, "--seccomp-allow bpf"}});
  auto compiled = compile_policy(p);
  ASSERT_TRUE(compiled) << compiled.error().message();
  EXPECT_EQ(verdict(compiled->bpf, AUDIT_ARCH_X86_64, 250), SECCOMP_RET_ERRNO | EACCES);
  EXPECT_EQ(verdict(compiled->bpf, AUDIT_ARCH_I386, 288), SECCOMP_RET_ERRNO | EACCES);
  EXPECT_EQ(verdict(compiled->bpf, AUDIT_ARCH_X86_64, 321), SECCOMP_RET_ALLOW);
  EXPECT_EQ(verdict(compiled->bpf, AUDIT_ARCH_X86_64, 298), kEperm);  // perf_event_open still denied

  // A profile that denies by default gets an allowance of its own.
  SyscallPolicy strict;
  strict.default_action = SysAction::errno_ret;
  strict.default_errno = ENOSYS;
  adjust(strict, {{"getpid", false, 0, "--seccomp-allow getpid"}});
  ASSERT_EQ(strict.rules.size(), 1u);
  auto c = compile_policy(strict);
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(verdict(c->bpf, AUDIT_ARCH_X86_64, 39), SECCOMP_RET_ALLOW);
  EXPECT_EQ(verdict(c->bpf, AUDIT_ARCH_X86_64, 83), SECCOMP_RET_ERRNO | ENOSYS);
}

TEST(Adjust, ParseDeny) {
  auto plain = parse_deny("mkdir");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->name, "mkdir");
  EXPECT_EQ(plain->err, EPERM);
  auto bad = parse_deny("mkdir:EFOO");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().context, "--seccomp-deny mkdir:EFOO: 'EFOO' is not an errno name such as EPERM");
  EXPECT_FALSE(parse_deny(":EPERM"));
  EXPECT_FALSE(parse_deny("mkdir:13"));
  EXPECT_EQ(errno_by_name("ENOTUNIQ"), ENOTUNIQ);
  EXPECT_EQ(errno_name(EACCES), "EACCES");
}

ProfileHost plain_host() { return {0, "6.18.0"}; }

Result<SyscallPolicy> json(const std::string& text, ProfileHost h = plain_host()) {
  return read_json_profile(text, "p.json", h);
}

TEST(JsonProfile, TheOciFormat) {
  auto p = json(R"({"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
    "syscalls": [
      {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18},
      {"names": ["personality"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_NE"}]},
      {"names": ["getppid"], "action": "SCMP_ACT_KILL_PROCESS"}]})");
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->abis, (std::vector<Abi>{Abi::x86_64, Abi::x86}));
  ASSERT_EQ(p->rules.size(), 3u);
  EXPECT_EQ(p->rules[0].errno_ret, 18);
  EXPECT_EQ(p->rules[1].errno_ret, EPERM);
  EXPECT_EQ(p->rules[1].args, (std::vector<ArgCmp>{{0, 8, 0, CmpOp::ne}}));
  EXPECT_EQ(p->rules[0].where, "p.json: syscalls[0]");
  auto c = compile_policy(*p);
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(verdict(c->bpf, AUDIT_ARCH_X86_64, 83), SECCOMP_RET_ERRNO | 18);
  EXPECT_EQ(verdict(c->bpf, AUDIT_ARCH_I386, 39), SECCOMP_RET_ERRNO | 18);
  EXPECT_EQ(verdict(c->bpf, AUDIT_ARCH_X86_64, 135, {8}), SECCOMP_RET_ALLOW);
  EXPECT_EQ(verdict(c->bpf, AUDIT_ARCH_X86_64, 135, {9}), kEperm);
  EXPECT_EQ(verdict(c->bpf, AUDIT_ARCH_X86_64, 110), SECCOMP_RET_KILL_PROCESS);
  // x32 was not named: refused as an unknown ABI.
  EXPECT_EQ(verdict(c->bpf, AUDIT_ARCH_X86_64, 83 | kX32) & SECCOMP_RET_ACTION_FULL, SECCOMP_RET_KILL_PROCESS);
}

TEST(JsonProfile, DockersIncludesAndExcludes) {
  std::string text = R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
    "archMap": [{"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]},
                {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]}],
    "syscalls": [
      {"names": ["getpid"], "action": "SCMP_ACT_ALLOW"},
      {"names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64", "x32"]}},
      {"names": ["cacheflush"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["arm", "arm64"]}},
      {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
      {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38, "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
      {"names": ["ptrace"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "7.1"}},
      {"names": ["kcmp"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "4.8"}, "comment": "ignored"}]})";
  auto p = json(text);
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->abis, (std::vector<Abi>{Abi::x86_64, Abi::x86, Abi::x32}));
  std::vector<std::string> names;
  for (const auto& r : p->rules) names.push_back(r.names[0]);
  EXPECT_EQ(names, (std::vector<std::string>{"getpid", "arch_prctl", "clone3", "kcmp"}));
  ProfileHost admin = plain_host();
  admin.caps = uint64_t{1} << 21;  // CAP_SYS_ADMIN
  auto q = json(text, admin);
  ASSERT_TRUE(q);
  names.clear();
  for (const auto& r : q->rules) names.push_back(r.names[0]);
  EXPECT_EQ(names, (std::vector<std::string>{"getpid", "arch_prctl", "mount", "kcmp"}));
}

TEST(JsonProfile, ErrorsNameTheFileAndTheEntry) {
  struct Case {
    std::string text, message;
  };
  const Case cases[] = {
      {"{", "p.json: not JSON: parse error at line 1, column 2: syntax error while parsing object key - unexpected end of input; expected string literal"},
      {"[]", "p.json: a profile is a JSON object"},
      // Found by the fuzzer: the JSON library refuses such a number by throwing.
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "defaultErrnoRet": 5E0000000143646781262761})",
       "p.json: not JSON: number overflow parsing '5E0000000143646781262761'"},
      {"{}", "p.json: no defaultAction"},
      {R"({"defaultAction": "SCMP_ACT_FOO"})", "p.json: defaultAction: unknown action 'SCMP_ACT_FOO'"},
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO"}, {"names": ["b"], "action": "SCMP_ACT_NOPE"}]})",
       "p.json: syscalls[1]: unknown action 'SCMP_ACT_NOPE'"},
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_ABOUT"}]}]})",
       "p.json: syscalls[0].args[0]: unknown op 'SCMP_CMP_ABOUT'"},
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 6, "op": "SCMP_CMP_EQ"}]}]})",
       "p.json: syscalls[0].args[0]: index must be 0 to 5"},
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": [], "action": "SCMP_ACT_ERRNO"}]})",
       "p.json: syscalls[0]: names must be a non-empty array of strings"},
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO", "errnoRet": -1}]})",
       "p.json: syscalls[0]: errnoRet must be a number from 0 to 4095"},
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["x86_64"]})",
       "p.json: architectures[0]: unknown architecture 'x86_64'"},
      {R"({"defaultAction": "SCMP_ACT_NOTIFY"})",
       "p.json: defaultAction: action 'SCMP_ACT_NOTIFY' is not supported (no tracer or listener is attached)"},
  };
  for (const auto& c : cases) {
    auto p = json(c.text);
    ASSERT_FALSE(p) << c.text;
    EXPECT_EQ(p.error().context, c.message);
  }
}

TEST(JsonProfile, UnknownNamesFailAndOtherMachinesNamesAreSkipped) {
  auto p = json(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["mkdir", "s390_runtime_instr", "cacheflush"], "action": "SCMP_ACT_ERRNO"}]})");
  ASSERT_TRUE(p);
  auto c = compile_policy(*p);
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->warnings, (std::vector<std::string>{"p.json: syscalls[0]: not system calls of this machine, skipped: s390_runtime_instr, cacheflush"}));
  EXPECT_EQ(verdict(c->bpf, AUDIT_ARCH_X86_64, 83), kEperm);

  auto typo = json(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}, {"names": ["getpid", "mkdri"], "action": "SCMP_ACT_ERRNO"}]})");
  ASSERT_TRUE(typo);
  auto bad = compile_policy(*typo);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().context, "p.json: syscalls[1]: unknown system call 'mkdri'");
}

TEST(DenialLine, TheFormatOfTheLog) {
  seccomp_data d = call(AUDIT_ARCH_X86_64, 83, {0x1000, 0755});
  std::string line = launch::denial_line(42, "a\"b", d, EACCES);
  // {"time": "2026-11-30T11:07:44.585Z", ...}
  ASSERT_GT(line.size(), 40u);
  EXPECT_EQ(line.substr(0, 10), "{\"time\": \"");
  EXPECT_EQ(line.substr(33, 3), "Z\",");
  EXPECT_EQ(line.substr(37),
            "\"pid\": 42, \"comm\": \"a\\\"b\", \"syscall\": \"mkdir\", \"args\": [\"0x1000\", \"0x1ed\", \"0x0\", "
            "\"0x0\", \"0x0\", \"0x0\"], \"errno\": \"EACCES\"}\n");
  EXPECT_NE(launch::denial_line(1, "x", call(AUDIT_ARCH_I386, 39), EPERM).find(", \"syscall\": \"mkdir\", "),
            std::string::npos);
}

}  // namespace
}  // namespace sb::security

// libFuzzer harness for JSON syscall profiles (--seccomp-profile FILE): the reader and, when
// it accepts the input, libseccomp's compiler behind it. Neither may crash; every refusal is
// one line; what compiles is a whole program the kernel would take, whose verdicts can be read
// back. The first byte picks the capabilities Docker's includes/excludes are decided against.
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "security/compile.h"
#include "security/profile_json.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

bool one_line(const sb::Error& e) { return !e.context.empty() && e.message().find('\n') == std::string::npos; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  sb::security::ProfileHost host;
  host.caps = data[0] & 1 ? ~uint64_t{0} : 0;
  host.kernel_release = "6.18.0";
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto policy = sb::security::read_json_profile(text, "fuzz.json", host);
  if (!policy) {
    check(one_line(policy.error()));
    check(policy.error().context.starts_with("fuzz.json: "));
    return 0;
  }
  auto again = sb::security::read_json_profile(text, "fuzz.json", host);
  check(again && *again == *policy);
  auto compiled = sb::security::compile_policy(*policy);
  if (!compiled) {
    check(one_line(compiled.error()));
    return 0;
  }
  check(!compiled->bpf.empty() && compiled->bpf.size() % sizeof(sock_filter) == 0);
  check(compiled->bpf.size() / sizeof(sock_filter) <= BPF_MAXINSNS);
  for (uint32_t arch : {uint32_t{AUDIT_ARCH_X86_64}, uint32_t{AUDIT_ARCH_I386}, uint32_t{AUDIT_ARCH_AARCH64}})
    for (int nr : {0, 2, 39, 83, 250, 0x40000000 | 83}) {
      seccomp_data call{};
      call.arch = arch;
      call.nr = nr;
      (void)sb::security::run_filter(compiled->bpf, call);
    }
  return 0;
}

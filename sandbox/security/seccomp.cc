#include "security/seccomp.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sys/io.h"

namespace sb::security {

namespace {

// bubblewrap's checks and words: only the size is looked at here; a program the kernel
// refuses (an empty one, say) is reported when it is loaded.
Result<std::vector<std::string>> read_seccomp_programs_as_bwrap(const Spec& spec, std::vector<unique_fd>& owned) {
  std::vector<std::string> programs;
  for (size_t i = 0; i < spec.seccomp_fds.size(); ++i) {
    auto data = sys::read_to_end(spec.seccomp_fds[i], size_t{1} << 20);
    if (!data) return fail("Can't read seccomp data", data.error().err);
    if (i < owned.size()) owned[i].reset();
    if (data->size() % sizeof(sock_filter) != 0) return fail("Invalid seccomp data, must be multiple of 8");
    programs.push_back(std::move(*data));
  }
  return programs;
}

}  // namespace

Result<std::vector<std::string>> read_seccomp_programs(const Spec& spec, std::vector<unique_fd>& owned) {
  if (spec.wording == Wording::bwrap) return read_seccomp_programs_as_bwrap(spec, owned);
  std::vector<std::string> programs;
  const char* option = spec.seccomp_exclusive ? "--seccomp" : "--add-seccomp-fd";
  for (size_t i = 0; i < spec.seccomp_fds.size(); ++i) {
    int fd = spec.seccomp_fds[i];
    std::string what = std::string(option) + " " + std::to_string(fd);
    auto read = sys::read_to_end(fd, BPF_MAXINSNS * sizeof(sock_filter));
    if (!read && read.error().err == E2BIG)
      return fail(what + ": program longer than " + std::to_string(BPF_MAXINSNS) + " instructions", EINVAL);
    if (!read) return fail("Can't read " + what, read.error().err);
    std::string data = std::move(*read);
    if (data.empty() || data.size() % sizeof(sock_filter) != 0)
      return fail(what + ": program size " + std::to_string(data.size()) +
                      " is not a non-zero multiple of 8 bytes",
                  EINVAL);
    programs.push_back(std::move(data));
    if (i < owned.size()) owned[i].reset();
  }
  return programs;
}

std::string tty_injection_filter() {
  constexpr uint32_t kArch = offsetof(seccomp_data, arch);
  constexpr uint32_t kNr = offsetof(seccomp_data, nr);
  // The request's low word: little-endian hosts keep it first.
  constexpr uint32_t kRequest = offsetof(seccomp_data, args) + sizeof(uint64_t) * 1 +
                                (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? 0 : sizeof(uint32_t));
  auto stmt = [](uint16_t code, uint32_t k) { return sock_filter{code, 0, 0, k}; };
  auto jeq = [](uint32_t k, uint8_t jt, uint8_t jf) {
    return sock_filter{BPF_JMP | BPF_JEQ | BPF_K, jt, jf, k};
  };
  std::vector<sock_filter> f;
  f.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, kArch));
#if defined(__x86_64__)
  // Three ABIs reach this kernel: x86-64, x32 (same arch, numbers with bit 30) and i386.
  f.push_back(jeq(AUDIT_ARCH_X86_64, 0, 3));
  f.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, kNr));
  f.push_back(jeq(__NR_ioctl, 4, 0));
  f.push_back(jeq(0x40000000u | 514u, 3, 7));  // x32 ioctl
  f.push_back(jeq(AUDIT_ARCH_I386, 0, 6));
  f.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, kNr));
  f.push_back(jeq(54, 0, 4));  // i386 ioctl
#elif defined(__aarch64__)
  f.push_back(jeq(AUDIT_ARCH_AARCH64, 0, 6));
  f.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, kNr));
  f.push_back(jeq(__NR_ioctl, 0, 4));
#else
#error "tty_injection_filter: name this architecture's AUDIT_ARCH and ioctl number"
#endif
  f.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, kRequest));
  f.push_back(jeq(TIOCSTI, 1, 0));
  f.push_back(jeq(TIOCLINUX, 0, 1));
  f.push_back(stmt(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM));
  f.push_back(stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  return std::string(reinterpret_cast<const char*>(f.data()), f.size() * sizeof(sock_filter));
}

Result<void> apply_seccomp(std::span<const std::string> programs, bool bwrap_words) {
  for (const auto& p : programs) {
    sock_fprog prog{};
    prog.len = static_cast<unsigned short>(std::min<size_t>(p.size() / sizeof(sock_filter), USHRT_MAX));
    prog.filter = reinterpret_cast<sock_filter*>(const_cast<char*>(p.data()));
    if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0) continue;
    if (!bwrap_words) return fail_errno("Can't load seccomp program");
    if (errno == EINVAL)
      return fail("Unable to set up system call filtering as requested: prctl(PR_SET_SECCOMP) reported "
                  "EINVAL. (Hint: this requires a kernel configured with CONFIG_SECCOMP and "
                  "CONFIG_SECCOMP_FILTER.)");
    return fail_errno("prctl(PR_SET_SECCOMP)");
  }
  return {};
}

}  // namespace sb::security

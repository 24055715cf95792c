#include "security/seccomp.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace sb::security {

Result<std::vector<std::string>> read_seccomp_programs(const Spec& spec) {
  std::vector<std::string> programs;
  const char* option = spec.seccomp_exclusive ? "--seccomp" : "--add-seccomp-fd";
  for (int fd : spec.seccomp_fds) {
    std::string what = std::string(option) + " " + std::to_string(fd);
    std::string data;
    char buf[8192];
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail_errno("Can't read " + what);
      if (n == 0) break;
      data.append(buf, static_cast<size_t>(n));
      if (data.size() > BPF_MAXINSNS * sizeof(sock_filter))
        return fail(what + ": program longer than " + std::to_string(BPF_MAXINSNS) + " instructions", EINVAL);
    }
    if (data.empty() || data.size() % sizeof(sock_filter) != 0)
      return fail(what + ": program size " + std::to_string(data.size()) +
                      " is not a non-zero multiple of 8 bytes",
                  EINVAL);
    programs.push_back(std::move(data));
    ::close(fd);
  }
  return programs;
}

Result<void> apply_seccomp(const std::vector<std::string>& programs) {
  for (const auto& p : programs) {
    sock_fprog prog{};
    prog.len = static_cast<unsigned short>(p.size() / sizeof(sock_filter));
    prog.filter = reinterpret_cast<sock_filter*>(const_cast<char*>(p.data()));
    if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
      return fail_errno("Can't load seccomp program");
  }
  return {};
}

}  // namespace sb::security

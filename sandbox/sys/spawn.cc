#include "sys/spawn.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>

#include "sys/io.h"
#include "sys/syscalls.h"

namespace sb::sys {

Result<Helper> spawn_helper(const std::vector<std::string>& args, int keep) {
  const std::string what = args.empty() ? "helper" : args[0];
  unique_fd log(::memfd_create(what.c_str(), MFD_CLOEXEC));
  if (!log) return fail_errno("memfd_create for " + what);
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_t monitor = ::getpid();
  auto clone = sys::clone3(0, true);
  if (!clone) return std::unexpected(std::move(clone).error().wrap("can't start " + what));
  if (clone->pid == 0) {
    // It ends with the monitor, as everything of the sandbox does.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (::getppid() != monitor) ::_exit(127);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    ::dup2(log.get(), 1);
    ::dup2(log.get(), 2);
    // Nothing of the monitor's (the caller's --sync-fd, a status descriptor) but `keep`.
    ::syscall(SYS_close_range, 3u, ~0u, CLOSE_RANGE_CLOEXEC);
    if (keep >= 0) ::fcntl(keep, F_SETFD, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execvp(argv[0], argv.data());
    ::dprintf(2, "exec: %d\n", errno);
    ::_exit(127);
  }
  return Helper{Process(clone->pid, std::move(clone->pidfd)), std::move(log)};
}

std::string helper_log(int log) {
  if (::lseek(log, 0, SEEK_SET) < 0) return "";
  return sys::read_to_end(log).value_or("");
}

int exec_errno(const std::string& log) {
  if (!log.starts_with("exec: ")) return 0;
  return std::atoi(log.c_str() + 6);
}

}  // namespace sb::sys

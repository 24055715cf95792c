// A process the monitor started, held by its pidfd. It reaps itself: one that is still there
// when its handle goes (an early return on an error path) is killed and waited for, so the
// monitor leaves no process behind.
#pragma once

#include <signal.h>
#include <sys/wait.h>

#include <utility>

#include "sys/fd.h"
#include "sys/syscalls.h"

namespace sb::sys {

class Process {
 public:
  Process(pid_t id, unique_fd fd) : pid(id), pidfd(std::move(fd)) {}
  Process(Process&&) = default;
  Process& operator=(Process&&) = default;
  ~Process() {
    if (pidfd && !reaped_) {
      kill();
      (void)wait();
    }
  }

  pid_t pid = -1;
  unique_fd pidfd;

  void kill() const { (void)sys::pidfd_send_signal(pidfd.get(), SIGKILL); }
  // Reaps it; its exit status as a shell reports it (128+N when killed by signal N).
  int wait() {
    siginfo_t info{};
    while (::waitid(P_PIDFD, static_cast<id_t>(pidfd.get()), &info, WEXITED) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    if (info.si_code == CLD_EXITED) return info.si_status;
    return 128 + info.si_status;
  }

 private:
  bool reaped_ = false;
};

}  // namespace sb::sys

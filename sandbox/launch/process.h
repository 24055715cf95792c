// A process the monitor started, held by its pidfd.
#pragma once

#include <signal.h>
#include <sys/wait.h>

#include "sys/fd.h"
#include "sys/syscalls.h"

namespace sb::launch {

struct Process {
  pid_t pid = -1;
  unique_fd pidfd;

  void kill() const { (void)sys::pidfd_send_signal(pidfd.get(), SIGKILL); }
  // Reaps it; its exit status as a shell reports it (128+N when killed by signal N).
  int wait() const {
    siginfo_t info{};
    while (::waitid(P_PIDFD, static_cast<id_t>(pidfd.get()), &info, WEXITED) < 0 && errno == EINTR) {
    }
    if (info.si_code == CLD_EXITED) return info.si_status;
    return 128 + info.si_status;
  }
};

}  // namespace sb::launch

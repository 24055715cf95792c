// The `sandbox` process outside the namespaces.
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>

#include "launch/child.h"
#include "launch/launch.h"
#include "launch/signals.h"
#include "sys/syscalls.h"

namespace sb::launch {

namespace {

uint64_t clone_flags(const Spec& spec) {
  uint64_t flags = CLONE_NEWUSER | CLONE_NEWNS;
  if (spec.ns.pid) flags |= CLONE_NEWPID;
  if (spec.ns.ipc) flags |= CLONE_NEWIPC;
  if (spec.ns.uts) flags |= CLONE_NEWUTS;
  if (spec.ns.net) flags |= CLONE_NEWNET;
  if (spec.ns.cgroup) flags |= CLONE_NEWCGROUP;
  return flags;
}

Result<void> monitor_check_keep_fds(const Spec& spec) {
  for (int fd : spec.keep_fds)
    if (::fcntl(fd, F_GETFD) < 0) return fail_errno("--keep-fd " + std::to_string(fd));
  return {};
}

// One id inside maps onto the caller's; setgroups is denied, so the caller's supplementary
// groups can never be dropped to get around a negative permission.
Result<void> monitor_write_id_maps(pid_t pid, const Spec& spec) {
  std::string proc = "/proc/" + std::to_string(pid) + "/";
  bool native = spec.personality == Personality::native;
  uid_t uid = spec.uid.value_or(native ? 0 : spec.caller.uid);
  gid_t gid = spec.gid.value_or(native ? 0 : spec.caller.gid);
  auto line = [](unsigned inside, unsigned outside) {
    return std::to_string(inside) + " " + std::to_string(outside) + " 1\n";
  };
  auto write = [&](const std::string& file, const std::string& data) -> Result<void> {
    if (auto r = sys::write_file(proc + file, data); !r)
      return fail("Can't write " + proc + file, r.error().err);
    return {};
  };
  TRY(write("uid_map", line(uid, spec.caller.uid)));
  TRY(write("setgroups", "deny"));
  TRY(write("gid_map", line(gid, spec.caller.gid)));
  return {};
}

struct Child {
  pid_t pid;
  unique_fd pidfd;

  void kill() const { (void)sys::pidfd_send_signal(pidfd.get(), SIGKILL); }
  int wait() const {
    siginfo_t info{};
    while (::waitid(P_PIDFD, static_cast<id_t>(pidfd.get()), &info, WEXITED) < 0 && errno == EINTR) {
    }
    if (info.si_code == CLD_EXITED) return info.si_status;
    return 128 + info.si_status;
  }
};

// Waits for the outcome: an error record from inside, or the child's exit status.
Result<int> monitor_wait(Child& child, Channel& channel, int sigfd) {
  bool channel_open = true;
  std::optional<Error> reported;
  // Takes one record if one is waiting; false when there is none (now or ever).
  auto read_channel = [&]() -> bool {
    auto rec = channel.monitor_receive();
    if (!rec || !*rec) {
      if (rec || rec.error().err != EAGAIN) channel_open = false;  // EOF: COMMAND was exec'd
      return false;
    }
    if (!reported) {
      reported = std::move(**rec);
      child.kill();  // whatever else runs inside has lost its reason to
    }
    return true;
  };

  for (;;) {
    pollfd fds[3] = {{channel_open ? channel.fd() : -1, POLLIN, 0},
                     {child.pidfd.get(), POLLIN, 0},
                     {sigfd, POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      child.kill();
      return fail_errno("poll");
    }
    if (fds[0].revents) read_channel();
    if (fds[2].revents & POLLIN) {
      signalfd_siginfo si;
      if (::read(sigfd, &si, sizeof si) == sizeof si)
        (void)sys::pidfd_send_signal(child.pidfd.get(), static_cast<int>(si.ssi_signo));
    }
    if (fds[1].revents) {
      while (channel_open && read_channel()) {  // a record sent just before the exit
      }
      int code = child.wait();
      if (reported) return std::unexpected(std::move(*reported));
      return code;
    }
  }
}

}  // namespace

Result<int> monitor_run(const Spec& spec) {
  TRY(monitor_check_keep_fds(spec));
  if (spec.die_with_parent) {
    pid_t parent = ::getppid();
    ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (::getppid() != parent) ::raise(SIGKILL);  // it died before the request took effect
  }

  // Blocked before the clone, so a signal that arrives during setup is forwarded, not lost.
  sigset_t set = forwarded_set();
  sigset_t old;
  ::sigprocmask(SIG_BLOCK, &set, &old);
  unique_fd sigfd(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!sigfd) return fail_errno("signalfd");

  TRY_ASSIGN(auto channels, Channel::make());
  auto& [monitor_end, child_end] = channels;

  TRY_ASSIGN(sys::CloneResult cloned, sys::clone3(clone_flags(spec), true));
  if (cloned.pid == 0) {
    sigfd.reset();
    monitor_end.close();
    child_main(spec, std::move(child_end));
  }
  child_end.close();
  Child child{cloned.pid, std::move(cloned.pidfd)};

  auto started = monitor_write_id_maps(child.pid, spec);
  if (started) started = monitor_end.monitor_send_go();
  if (!started) {
    child.kill();
    child.wait();
    return std::unexpected(started.error());
  }
  return monitor_wait(child, monitor_end, sigfd.get());
}

}  // namespace sb::launch

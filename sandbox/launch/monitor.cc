// The `sandbox` process outside the namespaces.
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>

#include "launch/child.h"
#include "launch/deadline.h"
#include "launch/denials.h"
#include "launch/join.h"
#include "launch/launch.h"
#include "launch/netns.h"
#include "sys/process.h"
#include "launch/signals.h"
#include "launch/status.h"
#include "limits/cgroup.h"
#include "limits/limits.h"
#include "limits/sysctl.h"
#include "net/pasta.h"
#include "security/idmap.h"
#include "security/userns.h"
#include "sys/io.h"
#include "sys/syscalls.h"

namespace sb::launch {

namespace {

// Every descriptor the command line names must be open now, before anything starts.
Result<void> monitor_check_fds(const Spec& spec) {
  std::vector<std::pair<const char*, int>> named;
  for (int fd : spec.keep_fds) named.emplace_back("--keep-fd", fd);
  auto add = [&](const char* option, const std::optional<int>& fd) {
    if (fd) named.emplace_back(option, *fd);
  };
  add("--info-fd", spec.info_fd);
  add("--json-status-fd", spec.json_status_fd);
  add("--block-fd", spec.block_fd);
  add("--userns-block-fd", spec.userns_block_fd);
  add("--sync-fd", spec.sync_fd);
  add("--userns", spec.userns_fd);
  add("--userns2", spec.userns2_fd);
  add("--pidns", spec.pidns_fd);
  for (int fd : spec.seccomp_fds) {
    // bubblewrap reads the program at once and says so when it cannot.
    if (spec.wording == Wording::bwrap) {
      if (::fcntl(fd, F_GETFD) < 0) return fail_errno("Can't read seccomp data");
    } else {
      named.emplace_back(spec.seccomp_exclusive ? "--seccomp" : "--add-seccomp-fd", fd);
    }
  }
  std::vector<std::string> origins;  // the options of the mounts below, kept alive for `named`
  origins.reserve(spec.mounts.size());
  for (size_t i = 0; i < spec.mounts.size(); ++i) {
    const char* option = origins.emplace_back(spec.mount_origin(i).option).c_str();
    if (const auto* b = std::get_if<BindOp>(&spec.mounts[i]); b && b->src_fd) named.emplace_back(option, *b->src_fd);
    if (const auto* d = std::get_if<DataOp>(&spec.mounts[i])) named.emplace_back(option, d->fd);
  }
  for (auto [option, fd] : named)
    if (::fcntl(fd, F_GETFD) < 0) return fail_errno(std::string(option) + " " + std::to_string(fd));
  return {};
}

// --userns, --pidns and --netns: the monitor joins them, so the child is created inside.
// Returns whether it joined the user namespace that owns --netns.
Result<bool> monitor_join_namespaces(const Spec& spec) {
  if (spec.userns_fd && ::setns(*spec.userns_fd, CLONE_NEWUSER) < 0)
    return fail_errno("Can't join --userns " + std::to_string(*spec.userns_fd));
  if (spec.pidns_fd && ::setns(*spec.pidns_fd, CLONE_NEWPID) < 0)
    return fail_errno("Can't join --pidns " + std::to_string(*spec.pidns_fd));
  for (const auto& [type, path] : spec.namespace_paths) {
    const std::string what = "config.json linux.namespaces: " + path;
    TRY_ASSIGN(unique_fd ns, sys::open_namespace_file(path, type, what));
    if (::setns(ns.get(), type) < 0) return fail_errno(what + ": can't join it");
  }
  if (!spec.netns_path) return false;
  TRY_ASSIGN(bool joined_owner, net::monitor_join_netns(*spec.netns_path));
  // Its settings are written from here, in it and in the user namespace that owns it: the
  // child's own user namespace has no privilege over a network namespace it did not make.
  if (!spec.sysctls.empty()) {
    unique_fd procsys(::open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!procsys) return fail_errno("Can't open /proc/sys for the sysctl settings");
    TRY(limits::write_sysctls(procsys.get(), spec.sysctls, limits::SysctlNamespace::net));
  }
  return joined_owner;
}

// One id inside maps onto the caller's (security/idmap.h), as the plan has them. In the user
// namespace that owns --netns, the caller's ids are what that namespace maps them to.
Result<void> monitor_write_id_maps(pid_t pid, const Plan& plan, bool in_netns_owner) {
  if (!plan.id_maps->newuidmap.empty()) return security::write_id_maps_with_helpers(pid, *plan.id_maps);
  std::string proc = "/proc/" + std::to_string(pid) + "/";
  TRY_ASSIGN(unique_fd dir, sys::open(proc, O_PATH | O_DIRECTORY));
  security::IdMaps maps = *plan.id_maps;
  if (in_netns_owner) maps = {security::id_map_line(plan.uid, ::geteuid()), security::id_map_line(plan.gid, ::getegid())};
  auto written = security::write_id_maps(dir.get(), maps);
  if (!written) {
    const std::string& file = written.error().context;
    // Since Linux 5.12, mapping the parent's uid 0 takes CAP_SETFCAP in the parent: the
    // usual failure of a sandbox started as root inside another sandbox.
    bool root_map = file != "setgroups" && (file == "uid_map" ? plan.host.uid : plan.host.gid) == 0;
    std::string hint = written.error().err == EPERM && root_map
                           ? " (mapping uid 0 of this namespace needs CAP_SETFCAP)" : "";
    return fail("Can't write " + proc + file + hint, written.error().err);
  }
  return {};
}

// Waits for the outcome: an error record from inside, or the child's exit status. The
// network namespace helper is reaped as soon as it is done, not left a zombie beside the
// sandbox for its whole life.
// With --log-denials, the listener COMMAND's process sends is answered here too (denials.h).
Result<int> monitor_wait(Process& child, Channel& channel, int sigfd, std::optional<Process>& helper,
                         std::optional<DenialLog>& denials, Deadline& deadline, std::optional<JoinService>& join) {
  bool channel_open = true;
  std::optional<Error> reported;
  auto report = [&](Error e) {
    if (reported) return;
    reported = std::move(e);
    child.kill();  // whatever else runs inside has lost its reason to
  };
  // Takes one record if one is waiting; false when there is none (now or ever).
  auto read_channel = [&]() -> bool {
    auto rec = channel.monitor_receive();
    if (!rec || !*rec) {
      if (rec || rec.error().err != EAGAIN) channel_open = false;  // EOF: COMMAND was exec'd
      return false;
    }
    if ((*rec)->fd) {
      auto attached = denials ? denials->attach(std::move((*rec)->fd))
                              : Result<void>(fail("a descriptor came from the sandbox unasked", EPROTO));
      if (!attached) report(std::move(attached).error());
    } else {
      report(std::move(*(*rec)->error));
    }
    return true;
  };

  for (;;) {
    int listener = denials ? denials->listener() : -1;
    pollfd fds[8] = {{channel_open ? channel.fd() : -1, POLLIN, 0},
                     {child.pidfd.get(), POLLIN, 0},
                     {sigfd, POLLIN, 0},
                     {helper ? helper->pidfd.get() : -1, POLLIN, 0},
                     {listener, POLLIN, 0},
                     {denials && denials->has_pending() ? denials->out() : -1, POLLOUT, 0},
                     {deadline.fd(), POLLIN, 0},
                     {join ? join->listener() : -1, POLLIN, 0}};
    if (::poll(fds, 8, -1) < 0) {
      if (errno == EINTR) continue;
      child.kill();
      return fail_errno("poll");
    }
    if (fds[0].revents) read_channel();
    if (fds[4].revents & POLLIN) denials->on_notification();
    if (fds[5].revents) denials->on_writable();
    if (fds[6].revents & POLLIN) {
      int sig = deadline.on_expiry();
      if (sig == SIGKILL) child.kill();
      else if (sig) (void)sys::pidfd_send_signal(child.pidfd.get(), sig);
    }
    if (fds[2].revents & POLLIN) {
      signalfd_siginfo si;
      if (::read(sigfd, &si, sizeof si) == sizeof si)
        (void)sys::pidfd_send_signal(child.pidfd.get(), static_cast<int>(si.ssi_signo));
    }
    if (fds[3].revents) {
      helper->wait();
      helper.reset();
    }
    if (fds[7].revents & POLLIN) join->on_connection();
    if (fds[1].revents) {
      while (channel_open && read_channel()) {  // a record sent just before the exit
      }
      int code = child.wait();
      if (reported) return std::unexpected(std::move(*reported));
      return code;
    }
  }
}

// While the monitor waits for room in a status descriptor, a signal that would end COMMAND
// ends the run (there may be no reader ever); USR1 and USR2 are passed on and held for it.
bool ends_the_run(int sig) { return sig != SIGUSR1 && sig != SIGUSR2; }

}  // namespace

// The first status: child pid and namespaces, on --info-fd (then closed) and --json-status-fd.
// Returns 0, or the signal that ended the run while the monitor waited to write.
Result<int> monitor_report_start(const Spec& spec, const Plan& plan, HandedFds& handed, const Process& child,
                                 int sigfd) {
  auto write = [&](int fd, const std::string& data, const std::string& what) -> Result<int> {
    for (;;) {
      TRY_ASSIGN(int sig, write_status(fd, data, what, sigfd));
      if (sig == 0 || ends_the_run(sig)) return sig;
      (void)sys::pidfd_send_signal(child.pidfd.get(), sig);  // held inside until COMMAND runs
    }
  };
  if (spec.info_fd) {
    TRY_ASSIGN(std::string info, status_json(child.pid, plan.made_namespaces, true));
    TRY_ASSIGN(int sig, write(*spec.info_fd, info, "--info-fd " + std::to_string(*spec.info_fd)));
    handed.info.reset();
    if (sig) return sig;
  }
  if (spec.json_status_fd) {
    TRY_ASSIGN(std::string line, status_json(child.pid, plan.made_namespaces, false));
    return write(*spec.json_status_fd, line, "--json-status-fd " + std::to_string(*spec.json_status_fd));
  }
  return 0;
}

namespace {

// The sockets of one run: monitor <-> child, and, when a helper makes the network namespace,
// helper -> child (netns.h).
// With --name, monitor -> init as well, for --join requests (join.h).
struct Links {
  Channel monitor_end, child_end;
  std::optional<std::pair<Channel, Channel>> netns;  // {helper end, child end}
  unique_fd join_monitor_end, join_init_end;
};

Result<Links> monitor_make_links(const Spec& spec, const Plan& plan) {
  TRY_ASSIGN(auto channels, Channel::make());
  Links links{std::move(channels.first), std::move(channels.second), std::nullopt, {}, {}};
  if (plan.net_by_helper) {
    TRY_ASSIGN(auto link, Channel::make());
    links.netns.emplace(std::move(link));
  }
  if (spec.name) {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0) return fail_errno("--name: socketpair");
    links.join_monitor_end.reset(pair[0]);
    links.join_init_end.reset(pair[1]);
  }
  return links;
}

// --die-with-parent: the monitor too dies with the process that started it, which is the
// parent main saw first (a launcher may exit while the command line is read).
void monitor_die_with_parent(const Spec& spec, pid_t parent) {
  if (!spec.die_with_parent) return;
  ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (::getppid() != parent) ::raise(SIGKILL);  // it died before the request took effect
}

// Blocked before the clone, so a signal that arrives during setup is forwarded, not lost.
Result<unique_fd> monitor_hold_signals() {
  sigset_t set = forwarded_set();
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
  unique_fd sigfd(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!sigfd) return fail_errno("signalfd");
  return sigfd;
}

// Clones the child into the plan's namespaces; the child goes on in child_main and never
// comes back here.
Result<Process> monitor_clone_child(const Spec& spec, const Plan& plan, HandedFds& handed, Links& links,
                                    unique_fd& sigfd, int cgroup_fd) {
  auto clone = sys::clone3(plan.clone_flags, true, cgroup_fd);
  if (!clone) {
    int err = clone.error().err;
    // ENOSPC: the user namespace limit is reached, or set to 0 (--disable-userns one level up).
    Error e{err, err == ENOSPC && !spec.userns_fd ? "Can't create a user namespace: creating them is not allowed here"
                                                  : "Can't create the sandbox's namespaces"};
    if (!spec.userns_fd) e.hint = security::userns_refusal_hint(err, true);
    return std::unexpected(std::move(e));
  }
  if (clone->pid == 0) {
    sigfd.reset();
    links.monitor_end.close();
    std::optional<Channel> netns_end;
    if (links.netns) {
      links.netns->first.close();
      netns_end.emplace(std::move(links.netns->second));
    }
    links.join_monitor_end.reset();
    child_main(spec, plan, handed, std::move(links.child_end), std::move(netns_end), std::move(links.join_init_end));
  }
  links.child_end.close();
  links.join_init_end.reset();
  if (links.netns) links.netns->second.close();
  return Process(clone->pid, std::move(clone->pidfd));
}

// How the start went: failed, ended by a signal while the monitor waited to write the start
// status, or under way (with the network helper or pasta, if there is one).
struct Start {
  Result<void> ok;
  int ended_by = 0;
  std::optional<Process> helper;
  std::optional<Process> pasta;
};

// The child's id maps (with --userns the namespace exists already; with --userns-block-fd a
// helper of the caller maps it), the start status, "go", and the network helper.
Start monitor_start_child(const Spec& spec, const Plan& plan, HandedFds& handed, const Process& child,
                          Links& links, int sigfd, bool in_netns_owner) {
  Start s;
  if (plan.id_maps) s.ok = monitor_write_id_maps(child.pid, plan, in_netns_owner);
  // The child starts its setup only once its network is configured (net/pasta.h).
  if (s.ok && spec.pasta) {
    auto pasta = net::monitor_start_pasta(spec, child.pid);
    if (pasta) s.pasta.emplace(std::move(*pasta));
    else s.ok = std::unexpected(std::move(pasta).error());
  }
  if (s.ok) {
    if (auto sig = monitor_report_start(spec, plan, handed, child, sigfd); !sig) s.ok = std::unexpected(sig.error());
    else s.ended_by = *sig;
  }
  if (s.ok && !s.ended_by) s.ok = links.monitor_end.monitor_send_go();
  if (s.ok && !s.ended_by && links.netns) {
    auto h = monitor_start_netns_helper(spec, child, std::move(links.netns->first));
    if (h) s.helper.emplace(std::move(*h));
    else s.ok = std::unexpected(std::move(h).error());
  }
  return s;
}

// The exit-code line, only for COMMAND's own status, as bubblewrap: none when setup or the
// exec failed (the failure is on stderr), none after a run that ended because this descriptor
// had no room; and a signal while it has none now gives up the line rather than the exit.
void monitor_report_exit(const Spec& spec, HandedFds& handed, const Result<int>& outcome, const Start& start,
                         int sigfd) {
  if (!spec.json_status_fd) return;
  if (outcome && !start.ended_by)
    (void)write_status(*spec.json_status_fd, exit_code_line(*outcome), "--json-status-fd", sigfd);
  handed.json_status.reset();
}

}  // namespace

Result<Ended> monitor_run_child(const Spec& spec, const Plan& plan, HandedFds& handed,
                                std::optional<DenialLog>& denials, std::optional<Registration>& registration);

// The monitor's side of a run, in order.
Result<Ended> run_plan(const Spec& spec, const Plan& plan) {
  HandedFds handed = hand_over(plan.handed);
  return monitor_run(spec, plan, handed);
}

Result<Ended> monitor_run(const Spec& spec, const Plan& plan, HandedFds& handed) {
  TRY(monitor_check_fds(spec));
  TRY(limits::check_rlimits(spec));
  monitor_die_with_parent(spec, plan.host.parent);
  // Opened as the caller, before anything starts.
  std::optional<DenialLog> denials;
  if (plan.log_denials && !plan.builtin_seccomp.empty()) {
    TRY_ASSIGN(DenialLog log, DenialLog::open(*plan.log_denials, plan.builtin_seccomp.front()));
    denials.emplace(std::move(log));
  }
  // The name is claimed before anything starts: a clash is a setup failure like any other.
  std::optional<Registration> registration;
  if (spec.name) {
    TRY_ASSIGN(Registration r, Registration::claim(*spec.name));
    registration.emplace(std::move(r));
  }
  auto outcome = monitor_run_child(spec, plan, handed, denials, registration);
  // Under AppArmor's restriction the namespace is made without capabilities, and the first
  // step that needs one fails: the one failure whose cause is a setting outside.
  if (!outcome && outcome.error().hint.empty() && outcome.error().kind == Failure::setup && !spec.userns_fd)
    outcome.error().hint = security::userns_refusal_hint(outcome.error().err, false);
  if (denials) {
    denials->finish();
    // Setup failed, or the exec: COMMAND never ran, and an empty file of this run goes.
    if (!outcome) denials->discard_if_unused();
  }
  return outcome;
}

// The child's life: clone, start, wait, report.
Result<Ended> monitor_run_child(const Spec& spec, const Plan& plan, HandedFds& handed,
                                std::optional<DenialLog>& denials, std::optional<Registration>& registration) {
  TRY_ASSIGN(bool in_netns_owner, monitor_join_namespaces(spec));
  // The registry's checks compare peers with the caller's own user namespace, which a monitor
  // inside another one is not in.
  if (in_netns_owner && spec.name)
    return fail("--name cannot be combined with --netns " + *spec.netns_path +
                ", which another user namespace owns", EINVAL);
  TRY_ASSIGN(unique_fd sigfd, monitor_hold_signals());
  TRY_ASSIGN(Links links, monitor_make_links(spec, plan));
  // Made before the child, which starts in it, and removed after it is reaped.
  std::optional<limits::RunCgroup> cgroup;
  if (spec.cgroup.any()) {
    TRY_ASSIGN(limits::RunCgroup made, limits::make_run_cgroup(spec.cgroup, ::getpid()));
    cgroup.emplace(std::move(made));
  }
  TRY_ASSIGN(Process child, monitor_clone_child(spec, plan, handed, links, sigfd, cgroup ? cgroup->fd() : -1));
  Start start = monitor_start_child(spec, plan, handed, child, links, sigfd.get(), in_netns_owner);
  TRY_ASSIGN(Deadline deadline, Deadline::start(spec));
  std::optional<JoinService> join;
  if (registration) {
    join.emplace(std::move(*registration), std::move(links.join_monitor_end), spec.command);
    join->started(child.pid);
  }
  Result<int> outcome = !start.ok       ? Result<int>(std::unexpected(start.ok.error()))
                        : start.ended_by ? Result<int>(128 + start.ended_by)
                                         : monitor_wait(child, links.monitor_end, sigfd.get(), start.helper, denials,
                                                        deadline, join);
  if (!start.ok || start.ended_by) {
    child.kill();
    child.wait();
  }
  // Done long ago unless the child failed first.
  if (start.helper) {
    start.helper->kill();
    start.helper->wait();
  }
  if (start.pasta) {  // the network goes with the sandbox
    start.pasta->kill();
    start.pasta->wait();
  }
  // As timeout(1): 124 once the time is up, whatever COMMAND then did.
  if (outcome && deadline.expired()) outcome = 124;
  // A process the memory controller killed: the run ends as killed (SIGKILL), and says why.
  bool oom = outcome && !deadline.expired() && cgroup && cgroup->oom_kills() > 0;
  if (oom) outcome = 128 + SIGKILL;
  monitor_report_exit(spec, handed, outcome, start, sigfd.get());
  if (!outcome) return std::unexpected(std::move(outcome).error());
  return Ended{*outcome, deadline.expired(), oom};
}

}  // namespace sb::launch

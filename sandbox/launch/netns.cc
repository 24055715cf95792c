#include "launch/netns.h"

#include <linux/sockios.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>


namespace sb::launch {

namespace {

// Runs in the helper; its result goes to the child. Nothing here goes through /proc: the
// child is named by its pidfd, and the namespace made is reached through a socket in it.
Result<unique_fd> helper_make_netns(const Spec& spec, int child_pidfd) {
  // With --userns the monitor is in the sandbox's user namespace already.
  if (!spec.userns_fd && ::setns(child_pidfd, CLONE_NEWUSER) < 0)
    return fail_errno("Can't join the sandbox's user namespace");
  if (::unshare(CLONE_NEWNET) < 0) return fail_errno("Can't create the network namespace");
  TRY_ASSIGN(unique_fd sock, netns_socket());
  TRY(loopback_up(sock.get()));
  unique_fd ns(::ioctl(sock.get(), SIOCGSKNS));
  if (!ns) return fail_errno("Can't open the network namespace");
  return ns;
}

}  // namespace

Result<unique_fd> netns_socket() {
  unique_fd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!sock) return fail_errno("Can't set up loopback: socket");
  return sock;
}

Result<void> loopback_up(int sock) {
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  if (::ioctl(sock, SIOCGIFFLAGS, &ifr) < 0) return fail_errno("Can't set up loopback: lo");
  ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
  if (::ioctl(sock, SIOCSIFFLAGS, &ifr) < 0) return fail_errno("Can't set up loopback: lo");
  return {};
}

Result<Process> monitor_start_netns_helper(const Spec& spec, const Process& child, Channel link) {
  pid_t monitor = ::getpid();
  auto clone = sys::clone3(0, true);
  if (!clone) return std::unexpected(std::move(clone).error().wrap("Can't start the network namespace helper"));
  if (clone->pid == 0) {
    // The monitor's death ends it, as it ends the child. It holds every capability in the
    // sandbox's user namespace for a moment: nothing inside may attach to it meanwhile.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (::getppid() != monitor) ::_exit(1);
    auto ns = helper_make_netns(spec, child.pidfd.get());
    if (ns) (void)link.send_fd(ns->get());
    else link.send_error(ns.error());
    ::_exit(ns ? 0 : 1);
  }
  return Process(clone->pid, std::move(clone->pidfd));
}

Result<void> child_enter_netns(Channel& link) {
  auto ns = link.receive_fd();
  if (!ns) {
    // The helper's own failures say what failed; an end without a word needs saying here.
    if (ns.error().err == EPIPE) return std::unexpected(std::move(ns).error().wrap("Can't create the network namespace"));
    return std::unexpected(std::move(ns).error());
  }
  if (::setns(ns->get(), CLONE_NEWNET) < 0) return fail_errno("Can't enter the network namespace");
  link.close();
  return {};
}

}  // namespace sb::launch

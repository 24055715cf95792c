#include "launch/child.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "launch/signals.h"
#include "mount/assemble.h"
#include "security/privileges.h"
#include "sys/fd.h"

namespace sb::launch {

namespace {

constexpr const char* kDefaultHostname = "sandbox";

Result<void> child_reset_signals() {
  sigset_t none;
  sigemptyset(&none);
  if (::sigprocmask(SIG_SETMASK, &none, nullptr) < 0) return fail_errno("sigprocmask");
  return {};
}

Result<void> child_set_hostname(const Spec& spec) {
  if (!spec.ns.uts) return {};
  std::string name = spec.hostname.value_or(
      spec.personality == Personality::native ? kDefaultHostname : "");
  if (name.empty()) return {};
  if (::sethostname(name.data(), name.size()) < 0)
    return fail_errno("Can't set hostname " + name);
  return {};
}

// A new network namespace has only `lo`, and it is down; up, the kernel gives it 127.0.0.1/8.
Result<void> child_loopback_up(const Spec& spec) {
  if (!spec.ns.net) return {};
  unique_fd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!sock) return fail_errno("Can't set up loopback: socket");
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  if (::ioctl(sock.get(), SIOCGIFFLAGS, &ifr) < 0) return fail_errno("Can't set up loopback: lo");
  ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
  if (::ioctl(sock.get(), SIOCSIFFLAGS, &ifr) < 0) return fail_errno("Can't set up loopback: lo");
  return {};
}

// The hardening order. Each step needs the ones before it; the comments say why it is here.
Result<void> child_setup(const Spec& spec, Channel& channel) {
  TRY(child_reset_signals());
  // Until the id maps exist this process has no usable identity inside.
  TRY(channel.child_wait_go());
  // Mounts need CAP_SYS_ADMIN in the new user namespace, and proc must be mounted by a member
  // of the new pid namespace.
  TRY(mount::child_assemble_root(spec));
  TRY(child_set_hostname(spec));
  TRY(child_loopback_up(spec));
  // Last: everything above needs the capabilities this takes away.
  TRY(security::drop_capabilities(spec.caps));
  TRY(security::set_no_new_privs());
  return {};
}

}  // namespace

void child_fail(Channel& channel, const Error& error) {
  channel.child_send_error(error);
  switch (error.kind) {
    case Failure::not_found: ::_exit(127);
    case Failure::not_executable: ::_exit(126);
    case Failure::setup: break;
  }
  ::_exit(125);
}

void child_main(const Spec& spec, Channel channel) {
  // The monitor's death ends the sandbox: init's death kills every process in its pid
  // namespace. Set before waiting for "go", so a monitor that died already is seen as EOF.
  if (spec.personality == Personality::native || spec.die_with_parent)
    ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (auto r = child_setup(spec, channel); !r) child_fail(channel, r.error());
  if (spec.as_pid_1) child_fail(channel, child_exec_command(spec));
  child_run_init(spec, channel);
}

}  // namespace sb::launch

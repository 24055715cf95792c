#include "desktop/dbus.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "sys/spawn.h"

namespace sb::desktop {

namespace {

constexpr int kReadyMs = 10000;

void remove_dir(const std::string& dir) {
  if (dir.empty()) return;
  ::unlink((dir + "/bus").c_str());
  ::unlink((dir + "/system_bus").c_str());
  ::rmdir(dir.c_str());
}

}  // namespace

BusProxy::~BusProxy() {
  if (!process_.pidfd) return;  // moved from
  // Letting go of its descriptor is what ends it; it is waited for, so nothing is left.
  hold_.reset();
  (void)process_.wait();
  remove_dir(dir_);
}

std::vector<std::string> proxy_argv(int ready_fd, const std::string& dir, const std::optional<Spec::Bus>& session,
                                    const std::optional<Spec::Bus>& system) {
  std::vector<std::string> argv{"xdg-dbus-proxy", "--fd=" + std::to_string(ready_fd)};
  auto add = [&](const Spec::Bus& bus, const char* socket) {
    argv.insert(argv.end(), {bus.address, dir + "/" + socket, "--filter"});
    argv.insert(argv.end(), bus.rules.begin(), bus.rules.end());
  };
  if (session) add(*session, "bus");
  if (system) add(*system, "system_bus");
  return argv;
}

Result<BusProxy> start_bus_proxy(const std::optional<Spec::Bus>& session, const std::optional<Spec::Bus>& system) {
  const char* what = session ? "--dbus-talk" : "--dbus-system-talk";
  const char* base = std::getenv("XDG_RUNTIME_DIR");
  std::string dir = std::string(base && base[0] == '/' ? base : "/tmp") + "/sandbox-dbus.XXXXXX";
  if (!::mkdtemp(dir.data())) return fail_errno(std::string(what) + ": making " + dir);
  int ready[2];
  if (::pipe2(ready, O_CLOEXEC) < 0) {
    remove_dir(dir);
    return fail_errno(std::string(what) + ": pipe");
  }
  unique_fd ready_read(ready[0]), ready_write(ready[1]);
  auto started = sys::spawn_helper(proxy_argv(ready_write.get(), dir, session, system), ready_write.get());
  ready_write.reset();
  if (!started) {
    remove_dir(dir);
    return std::unexpected(std::move(started).error().wrap(what));
  }
  // One byte once it listens; end of file when it gave up.
  char byte = 0;
  ssize_t n = -1;
  for (;;) {
    pollfd p{ready_read.get(), POLLIN, 0};
    int r = ::poll(&p, 1, kReadyMs);
    if (r < 0 && errno == EINTR) continue;
    if (r > 0) n = ::read(ready_read.get(), &byte, 1);
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  if (n == 1) return BusProxy(std::move(started->process), std::move(ready_read), dir);
  started->process.kill();
  (void)started->process.wait();
  remove_dir(dir);
  std::string said = sys::helper_log(started->log.get());
  while (!said.empty() && said.back() == '\n') said.pop_back();
  if (auto nl = said.rfind('\n'); nl != std::string::npos) said = said.substr(nl + 1);
  if (int err = sys::exec_errno(said)) {
    Error e{err, std::string(what) + ": can't run xdg-dbus-proxy"};
    if (err == ENOENT) e.hint = "install it (Debian: apt install xdg-dbus-proxy)";
    return std::unexpected(std::move(e));
  }
  return fail(std::string(what) + ": xdg-dbus-proxy did not start" + (said.empty() ? "" : ": " + said),
              n == 0 ? 0 : ETIMEDOUT);
}

}  // namespace sb::desktop

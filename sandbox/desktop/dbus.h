// --dbus-*: the session (and system) bus through xdg-dbus-proxy, the filter Flatpak uses. The
// monitor starts it as the caller before the sandbox; it listens on sockets in a private
// directory, which the sandbox gets as its only buses, and lets through only what the rules
// name (names the sandbox may see, talk to, own, methods it may call). It ends when the
// monitor lets go of its descriptor (at the end of the sandbox, or when the monitor dies).
#pragma once

#include <optional>
#include <string>

#include "spec.h"
#include "sys/error.h"
#include "sys/fd.h"
#include "sys/process.h"

namespace sb::desktop {

class BusProxy {
 public:
  BusProxy(sys::Process process, unique_fd hold, std::string dir)
      : process_(std::move(process)), hold_(std::move(hold)), dir_(std::move(dir)) {}
  BusProxy(BusProxy&&) = default;
  BusProxy& operator=(BusProxy&&) = default;
  ~BusProxy();

  // The filtered buses' sockets outside, to bind into the sandbox.
  std::string session_socket() const { return dir_ + "/bus"; }
  std::string system_socket() const { return dir_ + "/system_bus"; }

 private:
  sys::Process process_;
  unique_fd hold_;
  std::string dir_;
};

// The proxy's command line for the buses given (pure): the readiness descriptor, then for
// each bus its address, the socket to listen on in `dir`, --filter and its rules.
std::vector<std::string> proxy_argv(int ready_fd, const std::string& dir, const std::optional<Spec::Bus>& session,
                                    const std::optional<Spec::Bus>& system);

// Starts the proxy and waits until it listens. `option` names the options in errors.
Result<BusProxy> start_bus_proxy(const std::optional<Spec::Bus>& session, const std::optional<Spec::Bus>& system);

}  // namespace sb::desktop

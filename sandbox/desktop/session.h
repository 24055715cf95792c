// What main does for a desktop app as the caller, between parse and plan: the files and
// helpers the options of cli/host_options.h asked for, made now that the ids are known.
//   --share-display: the cookies (an untrusted one of the sandbox's own, desktop/x11.h, or
//     with =trusted the caller's) into the DataOp waiting for them;
//   --as-user: /etc/passwd and /etc/group (desktop/identity.h);
//   --dbus-*: the filtering proxy (desktop/dbus.h), its socket the only bus inside;
//   the session's sockets (Wayland, sound, bus) into /run/user/UID, XDG_RUNTIME_DIR inside.
#pragma once

#include <optional>

#include "desktop/dbus.h"
#include "host.h"
#include "spec.h"
#include "sys/error.h"
#include "sys/fd.h"

namespace sb::desktop {

// What stays alive while the sandbox runs, and ends with it.
struct Session {
  unique_fd x11_held;             // the connection that keeps the untrusted cookie valid
  std::optional<BusProxy> proxy;  // the bus filter
};

// With `dry_run`, nothing is started or asked of the X server: the plan shows where things go.
Result<Session> prepare_session(Spec& spec, const HostFacts& host, bool dry_run);

// Where the shared sockets go inside, pure: a tmpfs at /run/user/UID (0700) with each socket
// bound read-only beneath it, XDG_RUNTIME_DIR and the bus addresses set. `session_bus` and
// `system_bus` are the proxy's sockets outside ("" when there is none).
void place_runtime(Spec& spec, uid_t uid_inside, const std::string& session_bus, const std::string& system_bus);

}  // namespace sb::desktop

#include "desktop/session.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "config/display.h"
#include "desktop/identity.h"
#include "desktop/x11.h"
#include "sys/io.h"

namespace sb::desktop {

namespace {

void fill(Spec& spec, int pending, unique_fd fd) {
  for (auto& op : spec.mounts)
    if (auto* d = std::get_if<DataOp>(&op); d && d->fd == pending) {
      d->fd = fd.release();
      return;
    }
}

// The socket a unix:path= address names, where it is missing ("" otherwise): a bus asked
// for by profiles alone is then left out, one asked for on the command line refused.
std::string missing_socket(const std::optional<Spec::Bus>& bus) {
  if (!bus || !bus->address.starts_with("unix:path=")) return "";
  std::string path = bus->address.substr(10);
  path = path.substr(0, path.find(','));
  struct stat st {};
  return ::stat(path.c_str(), &st) < 0 ? path : "";
}

Result<void> check_bus(std::optional<Spec::Bus>& bus, bool system) {
  std::string path = missing_socket(bus);
  if (path.empty()) return {};
  if (bus->optional) {
    bus.reset();
    return {};
  }
  return fail(bus->option + (system ? ": the system bus" : ": the session bus") + " is not there: " + path, ENOENT);
}

}  // namespace

void place_runtime(Spec& spec, uid_t uid_inside, const std::string& session_bus, const std::string& system_bus) {
  if (!system_bus.empty()) {
    spec.add_mount(BindOp{system_bus, "/run/dbus/system_bus_socket", BindKind::ro, false, std::nullopt}, "--dbus-system-talk");
    spec.env.push_back({EnvOp::Kind::set, "DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/run/dbus/system_bus_socket"});
  }
  if (spec.runtime_sockets.empty() && !spec.as_user) return;
  const std::string runtime = "/run/user/" + std::to_string(uid_inside);
  spec.add_mount(TmpfsOp{runtime, std::nullopt, 0700}, spec.as_user ? "--as-user" : spec.runtime_sockets.front().option);
  for (const auto& s : spec.runtime_sockets) {
    std::string host = s.name == "bus" && s.host_path.empty() ? session_bus : s.host_path;
    if (host.empty()) continue;  // the bus, left out
    // A socket is reached through a read-only mount all the same: connect() needs no write
    // access to the filesystem, only to the socket.
    spec.add_mount(BindOp{host, runtime + "/" + s.name, BindKind::ro, s.optional, std::nullopt}, s.option);
    if (s.name == "bus") spec.env.push_back({EnvOp::Kind::set, "DBUS_SESSION_BUS_ADDRESS", "unix:path=" + runtime + "/bus"});
  }
  spec.env.push_back({EnvOp::Kind::set, "XDG_RUNTIME_DIR", runtime});
}

Result<Session> prepare_session(Spec& spec, const HostFacts& host, bool dry_run) {
  Session session;
  const uid_t uid = spec.uid.value_or(spec.ids_are_callers ? host.uid : 0);
  const gid_t gid = spec.gid.value_or(spec.ids_are_callers ? host.gid : 0);
  if (spec.as_user) {
    Account account = caller_account(host.uid, host.gid, sys::environment("HOME"), sys::environment("USER"));
    TRY_ASSIGN(IdentityFiles files, identity_files(account, uid, gid));
    auto passwd = sys::sealed_memfd("passwd", files.passwd);
    auto group = sys::sealed_memfd("group", files.group);
    if (!passwd || !group) return fail("--as-user: memfd", (passwd ? group : passwd).error().err);
    fill(spec, kDataPendingPasswd, std::move(*passwd));
    fill(spec, kDataPendingGroup, std::move(*group));
  }
  if (spec.xauthority && !dry_run) {
    if (spec.xauthority->trusted) {
      TRY_ASSIGN(unique_fd copy, config::read_xauthority(spec.xauthority->path, spec.xauthority->display));
      fill(spec, kDataPendingXauthority, std::move(copy));
    } else {
      TRY_ASSIGN(X11Grant grant, grant_untrusted(spec.xauthority->display, spec.xauthority->path));
      fill(spec, kDataPendingXauthority, std::move(grant.xauthority));
      session.x11_held = std::move(grant.held);
    }
  }
  TRY(check_bus(spec.session_bus, false));
  TRY(check_bus(spec.system_bus, true));
  // A bus knows its clients by the uid the kernel reports for them, which the proxy's is: a
  // client that says it is another one (root inside) is turned away.
  if ((spec.session_bus || spec.system_bus) && uid != host.uid) {
    Error e{0, (spec.session_bus ? spec.session_bus : spec.system_bus)->option + ": a bus takes its clients for the caller (uid " +
                   std::to_string(host.uid) + "), and COMMAND would be uid " + std::to_string(uid) + " inside"};
    e.hint = "add --as-user";
    return std::unexpected(std::move(e));
  }
  std::string session_bus, system_bus;
  if (spec.session_bus || spec.system_bus) {
    if (dry_run) {
      session_bus = spec.session_bus ? "(xdg-dbus-proxy)/bus" : "";
      system_bus = spec.system_bus ? "(xdg-dbus-proxy)/system_bus" : "";
    } else {
      TRY_ASSIGN(BusProxy proxy, start_bus_proxy(spec.session_bus, spec.system_bus));
      if (spec.session_bus) session_bus = proxy.session_socket();
      if (spec.system_bus) system_bus = proxy.system_socket();
      session.proxy.emplace(std::move(proxy));
    }
  }
  place_runtime(spec, uid, session_bus, system_bus);
  return session;
}

}  // namespace sb::desktop

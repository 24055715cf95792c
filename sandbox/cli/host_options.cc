#include "cli/host_options.h"

#include <algorithm>
#include <cstdlib>

#include "config/display.h"
#include "sys/io.h"

namespace sb::cli {

namespace {

using Values = std::span<const std::string>;

// A variable that is set to something: an empty DISPLAY is no display.
std::optional<std::string> nonempty(const ParseState& st, const char* name) {
  auto v = st.env ? st.env(name) : std::nullopt;
  if (v && v->empty()) return std::nullopt;
  return v;
}

void set_env(ParseState& st, const std::string& name, const std::string& value) {
  st.spec.env.push_back({EnvOp::Kind::set, name, value});
}

bool good_home_name(const std::string& name) {
  if (name.empty() || name.size() > 255 || name[0] == '.') return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
      return false;
  return true;
}

}  // namespace

std::optional<std::string> caller_environment(const std::string& name) { return sys::environment(name); }

Result<void> keep_env(ParseState& st, Values v) {
  const std::string& name = v[0];
  if (name.empty() || name.find('=') != std::string::npos)
    return fail("--keep-env: invalid variable name '" + name + "'", EINVAL);
  auto value = st.env ? st.env(name) : std::nullopt;
  if (value) st.spec.env.push_back({EnvOp::Kind::set, name, *value});
  else st.spec.env.push_back({EnvOp::Kind::unset, name, {}});
  return {};
}

Result<void> share_display(ParseState& st, Values v) {
  if (!v.empty() && v[0] != "trusted")
    return fail("--share-display=" + v[0] + ": the only value it takes is =trusted", EINVAL);
  const bool trusted = !v.empty();
  const char* option = trusted ? "--share-display=trusted" : "--share-display";
  auto display = nonempty(st, "DISPLAY"), wayland = nonempty(st, "WAYLAND_DISPLAY");
  auto runtime = nonempty(st, "XDG_RUNTIME_DIR");
  if (!display && !wayland) return fail(std::string(option) + ": neither DISPLAY nor WAYLAND_DISPLAY is set", EINVAL);
  if (display) {
    auto number = config::x11_display_number(*display);
    // An X11 display that is not shared (Wayland is) need not be one that could be.
    if (!number && (trusted || !wayland)) return std::unexpected(std::move(number).error());
  }
  if (wayland && (*wayland)[0] != '/' && (!runtime || (*runtime)[0] != '/'))
    return fail(std::string(option) + ": WAYLAND_DISPLAY=" + *wayland + " names a socket in XDG_RUNTIME_DIR, which is not set", EINVAL);
  // What is shared is settled once the whole command line is read (finish_session): a later
  // =trusted widens an earlier plain one, and what comes after cannot hide the sockets.
  st.spec.share_display = true;
  st.display_trusted = st.display_trusted || trusted;
  if (trusted)
    st.warnings.push_back("--share-display=trusted: COMMAND can read and drive every window on the X11 display (" +
                          display.value_or("none") + ")");
  return {};
}

Result<void> share_sound(ParseState& st, Values) {
  auto runtime = nonempty(st, "XDG_RUNTIME_DIR");
  if (!runtime || (*runtime)[0] != '/') {
    // A profile shares sound where there is a server; asked for on the command line, its
    // absence is worth a line.
    if (!st.in_profile)
      st.warnings.push_back("--share-sound: XDG_RUNTIME_DIR is not set, so there is no sound server to share");
    return {};
  }
  // PulseAudio's socket, and PipeWire's (which also serves PulseAudio clients), where present.
  for (const char* name : {"pulse/native", "pipewire-0"}) {
    Spec::RuntimeSocket socket{*runtime + "/" + name, name, true, "--share-sound"};
    if (std::find(st.spec.runtime_sockets.begin(), st.spec.runtime_sockets.end(), socket) == st.spec.runtime_sockets.end())
      st.spec.runtime_sockets.push_back(std::move(socket));
  }
  return {};
}

Result<void> as_user(ParseState& st, Values) {
  st.spec.as_user = true;
  st.spec.ids_are_callers = true;
  return {};
}

Result<void> no_as_user(ParseState& st, Values) {
  // Native only: there, ids default to root inside.
  st.spec.as_user = false;
  st.spec.ids_are_callers = false;
  return {};
}

namespace {

// A bus name as xdg-dbus-proxy takes it: dot-separated elements of [A-Za-z0-9_-], at least
// two, optionally ending in ".*" for the name and everything beneath it.
bool good_bus_name(std::string_view name) {
  if (name.ends_with(".*")) name.remove_suffix(2);
  if (name.empty() || name.size() > 255) return false;
  size_t elements = 1, length = 0;
  for (char c : name) {
    if (c == '.') {
      if (length == 0) return false;
      ++elements;
      length = 0;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
      ++length;
    } else {
      return false;
    }
  }
  return length > 0 && elements >= 2;
}

}  // namespace

Result<void> dbus_rule(ParseState& st, std::string_view option, std::string_view rule, const std::string& value,
                       bool system) {
  const std::string what = std::string(option) + " " + value;
  std::string name = value;
  if (option == "--dbus-call") {
    auto eq = value.find('=');
    if (eq == std::string::npos || eq + 1 == value.size())
      return fail(what + ": takes NAME=RULE, RULE being [METHOD][@PATH] such as org.example.Iface.Method@/org/example", EINVAL);
    name = value.substr(0, eq);
    for (char c : value.substr(eq + 1))
      if (c <= ' ' || c == 0x7f) return fail(what + ": the rule has a space or a control character", EINVAL);
  }
  if (!good_bus_name(name))
    return fail(what + ": not a bus name (dot-separated letters, digits, '_' and '-', at least two parts, "
                       "optionally ending in .*)", EINVAL);
  auto& bus = system ? st.spec.system_bus : st.spec.session_bus;
  if (!bus) {
    std::optional<std::string> address = nonempty(st, system ? "DBUS_SYSTEM_BUS_ADDRESS" : "DBUS_SESSION_BUS_ADDRESS");
    if (!address && system) address = "unix:path=/run/dbus/system_bus_socket";
    if (!address) {
      // libdbus's default where the variable is unset: the bus in XDG_RUNTIME_DIR.
      auto runtime = nonempty(st, "XDG_RUNTIME_DIR");
      if (runtime && (*runtime)[0] == '/') address = "unix:path=" + *runtime + "/bus";
    }
    if (!address) {
      // A profile filters the bus where there is one; the command line asks for one.
      if (st.in_profile) return {};
      return fail(what + ": DBUS_SESSION_BUS_ADDRESS is not set, so there is no session bus to filter", EINVAL);
    }
    bus = Spec::Bus{*address, {}, false, std::string(option)};
    st.bus_from_command_line[system] = false;
  }
  st.bus_from_command_line[system] = st.bus_from_command_line[system] || !st.in_profile;
  bus->rules.push_back("--" + std::string(rule) + "=" + value);
  return {};
}

void finish_session(ParseState& st) {
  Spec& spec = st.spec;
  if (spec.share_display) {
    const char* option = st.display_trusted ? "--share-display=trusted" : "--share-display";
    auto display = nonempty(st, "DISPLAY"), wayland = nonempty(st, "WAYLAND_DISPLAY");
    if (wayland) {
      // Wayland clients cannot see or drive each other's windows: where there is a Wayland
      // display, that is the one shared, and X11 only when asked for with =trusted.
      std::string name = (*wayland)[0] == '/' ? "wayland-0" : *wayland;
      std::string host = (*wayland)[0] == '/' ? *wayland : *nonempty(st, "XDG_RUNTIME_DIR") + "/" + *wayland;
      spec.runtime_sockets.push_back({host, name, false, option});
      set_env(st, "WAYLAND_DISPLAY", name);
    }
    auto number = display ? config::x11_display_number(*display) : Result<std::string>(std::unexpected(Error{}));
    if (number && (!wayland || st.display_trusted)) {
      // A socket is reached through a read-only mount all the same: connect() needs no write
      // access to the filesystem, only to the socket.
      spec.add_mount(BindOp{config::x11_socket(*number), config::x11_socket(*number), BindKind::ro, false, std::nullopt}, option);
      // The cookies go to a place of their own, outside HOME (which --home may cover), copied
      // so that they hold under the sandbox's hostname (config/display.h).
      std::string auth = nonempty(st, "XAUTHORITY").value_or("");
      if (auth.empty())
        if (auto h = nonempty(st, "HOME")) auth = *h + "/.Xauthority";
      spec.add_mount(DataOp{kDataPendingXauthority, config::kXauthorityInside, true, true, std::nullopt}, option);
      spec.xauthority = Spec::Xauthority{auth, *number, st.display_trusted};
      set_env(st, "DISPLAY", *display);
      set_env(st, "XAUTHORITY", config::kXauthorityInside);
    } else {
      spec.env.push_back({EnvOp::Kind::unset, "DISPLAY", {}});
      spec.env.push_back({EnvOp::Kind::unset, "XAUTHORITY", {}});
    }
  }
  if (spec.as_user) {
    spec.add_mount(DataOp{kDataPendingPasswd, "/etc/passwd", true, true, std::nullopt}, "--as-user");
    spec.add_mount(DataOp{kDataPendingGroup, "/etc/group", true, true, std::nullopt}, "--as-user");
  }
  for (bool system : {false, true}) {
    auto& bus = system ? spec.system_bus : spec.session_bus;
    if (!bus) continue;
    bus->optional = !st.bus_from_command_line[system];
    if (!system) spec.runtime_sockets.push_back({"", "bus", false, bus->option});
  }
}

Result<void> home(ParseState& st, Values v) {
  auto home_dir = nonempty(st, "HOME");
  if (!home_dir || (*home_dir)[0] != '/') return fail("--home " + v[0] + ": HOME is not set to an absolute path", EINVAL);
  if (home_dir->find_first_not_of('/') == std::string::npos)
    return fail("--home " + v[0] + ": HOME is /, which would be the whole new root", EINVAL);
  MountOp op;
  if (v[0] == "tmpfs") {
    op = TmpfsOp{*home_dir, std::nullopt, 0700};
    st.spec.home_store.reset();
  } else {
    if (!good_home_name(v[0]))
      return fail("--home " + v[0] + ": takes tmpfs, or a NAME of letters, digits, '.', '_' and '-' not starting with '.'", EINVAL);
    auto data = nonempty(st, "XDG_DATA_HOME");
    std::string base = data && (*data)[0] == '/' ? *data : *home_dir + "/.local/share";
    std::string store = base + "/sandbox/home/" + v[0];
    op = BindOp{store, *home_dir, BindKind::rw, false, std::nullopt};
    st.spec.home_store = store;
  }
  // Single-valued, and in place: a later --home (the command line's after a profile's) takes
  // the first one's position, beneath what was mounted into HOME after it.
  if (st.home_op) {
    st.spec.mounts[*st.home_op] = std::move(op);
    st.replaced_mount = st.home_op;
  } else {
    st.home_op = st.spec.mounts.size();
    st.spec.mounts.push_back(std::move(op));
  }
  return {};
}

}  // namespace sb::cli

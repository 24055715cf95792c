#include "cli/host_options.h"

#include <cstdlib>

#include "config/display.h"

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

void bind_socket(ParseState& st, const std::string& path, bool optional) {
  // A socket is reached through a read-only mount all the same: connect() needs no write
  // access to the filesystem, only to the socket.
  st.spec.mounts.emplace_back(BindOp{path, path, BindKind::ro, optional, std::nullopt});
}

bool good_home_name(const std::string& name) {
  if (name.empty() || name.size() > 255 || name[0] == '.') return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
      return false;
  return true;
}

}  // namespace

std::optional<std::string> caller_environment(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

Result<void> keep_env(ParseState& st, Values v) {
  const std::string& name = v[0];
  if (name.empty() || name.find('=') != std::string::npos)
    return fail("--keep-env: invalid variable name '" + name + "'", EINVAL);
  auto value = st.env ? st.env(name) : std::nullopt;
  if (value) st.spec.env.push_back({EnvOp::Kind::set, name, *value});
  else st.spec.env.push_back({EnvOp::Kind::unset, name, {}});
  return {};
}

Result<void> share_display(ParseState& st, Values) {
  if (st.spec.share_display) return {};
  auto display = nonempty(st, "DISPLAY"), wayland = nonempty(st, "WAYLAND_DISPLAY");
  auto runtime = nonempty(st, "XDG_RUNTIME_DIR");
  if (!display && !wayland) return fail("--share-display: neither DISPLAY nor WAYLAND_DISPLAY is set", EINVAL);
  if (display) {
    TRY_ASSIGN(std::string number, config::x11_display_number(*display));
    bind_socket(st, config::x11_socket(number), false);
    // The cookies go to a place of their own, outside HOME (which --home may cover), copied
    // so that they hold under the sandbox's hostname (config/display.h).
    std::string auth = nonempty(st, "XAUTHORITY").value_or("");
    if (auth.empty())
      if (auto h = nonempty(st, "HOME")) auth = *h + "/.Xauthority";
    st.spec.mounts.emplace_back(DataOp{kDataPendingXauthority, config::kXauthorityInside, true, true, std::nullopt});
    st.spec.xauthority = Spec::Xauthority{auth, number};
    set_env(st, "DISPLAY", *display);
    set_env(st, "XAUTHORITY", config::kXauthorityInside);
  }
  if (wayland) {
    if ((*wayland)[0] != '/' && (!runtime || (*runtime)[0] != '/'))
      return fail("--share-display: WAYLAND_DISPLAY=" + *wayland + " names a socket in XDG_RUNTIME_DIR, which is not set", EINVAL);
    bind_socket(st, (*wayland)[0] == '/' ? *wayland : *runtime + "/" + *wayland, false);
    set_env(st, "WAYLAND_DISPLAY", *wayland);
    if (runtime) set_env(st, "XDG_RUNTIME_DIR", *runtime);
  }
  st.spec.share_display = true;
  return {};
}

Result<void> share_sound(ParseState& st, Values) {
  auto runtime = nonempty(st, "XDG_RUNTIME_DIR");
  if (!runtime || (*runtime)[0] != '/') {
    st.warnings.push_back("--share-sound: XDG_RUNTIME_DIR is not set, so there is no sound server to share");
    return {};
  }
  // PulseAudio's socket, and PipeWire's (which also serves PulseAudio clients), where present.
  bind_socket(st, *runtime + "/pulse/native", true);
  bind_socket(st, *runtime + "/pipewire-0", true);
  set_env(st, "XDG_RUNTIME_DIR", *runtime);
  return {};
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

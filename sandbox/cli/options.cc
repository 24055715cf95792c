#include "cli/options.h"

#include <cap-ng.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "cli/numbers.h"

namespace sb::cli {

namespace {

using Values = std::span<const std::string>;

constexpr uint64_t kMaxId = 4294967294u;  // (uid_t)-1 is "no id" for the kernel
constexpr uint64_t kMaxMode = 07777;

Result<uint32_t> parse_id(std::string_view option, const std::string& v) {
  auto id = parse_decimal(v, kMaxId);
  if (!id) return fail(std::string(option) + ": invalid id '" + v + "'", 0);
  return static_cast<uint32_t>(*id);
}

Result<mode_t> parse_mode(std::string_view option, const std::string& v) {
  auto m = parse_octal(v, kMaxMode);
  if (!m)
    return fail(std::string(option) + ": invalid mode '" + v + "': takes an octal number <= 07777");
  return static_cast<mode_t>(*m);
}

Result<int> parse_cap(std::string_view option, const std::string& v) {
  if (v == "ALL" || v == "all") return -1;
  std::string name = v;
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (name.starts_with("cap_")) name.erase(0, 4);
  int cap = name.empty() ? -1 : capng_name_to_capability(name.c_str());
  if (cap < 0 || cap > 63) return fail(std::string(option) + ": unknown capability '" + v + "'");
  return cap;
}

Result<void> set_uid(ParseState& st, Values v) {
  TRY_ASSIGN(st.spec.uid, parse_id("--uid", v[0]));
  return {};
}
Result<void> set_gid(ParseState& st, Values v) {
  TRY_ASSIGN(st.spec.gid, parse_id("--gid", v[0]));
  return {};
}
Result<void> set_hostname(ParseState& st, Values v) {
  st.spec.hostname = v[0];
  return {};
}

template <bool Namespaces::*Field>
Result<void> share(ParseState& st, Values) {
  st.spec.ns.*Field = false;
  return {};
}

template <BindKind Kind, bool Optional>
Result<void> bind(ParseState& st, Values v) {
  st.spec.mounts.emplace_back(BindOp{v[0], v[1], Kind, Optional});
  return {};
}

Result<void> proc(ParseState& st, Values v) {
  st.spec.mounts.emplace_back(ProcOp{v[0]});
  return {};
}
Result<void> dev(ParseState& st, Values v) {
  st.spec.mounts.emplace_back(DevOp{v[0]});
  return {};
}
Result<void> tmpfs(ParseState& st, Values v) {
  st.spec.mounts.emplace_back(TmpfsOp{v[0], std::exchange(st.pending_size, std::nullopt),
                                      std::exchange(st.pending_perms, std::nullopt)});
  return {};
}
Result<void> dir(ParseState& st, Values v) {
  st.spec.mounts.emplace_back(DirOp{v[0], std::exchange(st.pending_perms, std::nullopt)});
  return {};
}
Result<void> symlink(ParseState& st, Values v) {
  st.spec.mounts.emplace_back(SymlinkOp{v[0], v[1]});
  return {};
}
Result<void> remount_ro(ParseState& st, Values v) {
  st.spec.mounts.emplace_back(RemountRoOp{v[0]});
  return {};
}
Result<void> chmod(ParseState& st, Values v) {
  TRY_ASSIGN(mode_t mode, parse_mode("--chmod", v[0]));
  st.spec.mounts.emplace_back(ChmodOp{mode, v[1]});
  return {};
}
Result<void> perms(ParseState& st, Values v) {
  TRY_ASSIGN(st.pending_perms, parse_mode("--perms", v[0]));
  return {};
}
Result<void> size(ParseState& st, Values v) {
  auto bytes = parse_decimal(v[0], UINT64_MAX);
  if (!bytes || *bytes == 0)
    return fail("--size: invalid size '" + v[0] + "': takes a non-zero number of bytes");
  st.pending_size = *bytes;
  return {};
}

Result<void> setenv(ParseState& st, Values v) {
  st.spec.env.push_back({EnvOp::Kind::set, v[0], v[1]});
  return {};
}
Result<void> unsetenv(ParseState& st, Values v) {
  st.spec.env.push_back({EnvOp::Kind::unset, v[0], {}});
  return {};
}
Result<void> clearenv(ParseState& st, Values) {
  st.spec.env.push_back({EnvOp::Kind::clear, {}, {}});
  return {};
}
Result<void> chdir(ParseState& st, Values v) {
  st.spec.chdir = v[0];
  return {};
}
Result<void> argv0(ParseState& st, Values v) {
  st.spec.argv0 = v[0];
  return {};
}

template <bool Spec::*Field>
Result<void> flag(ParseState& st, Values) {
  st.spec.*Field = true;
  return {};
}

template <bool Add>
Result<void> cap(ParseState& st, Values v) {
  TRY_ASSIGN(int c, parse_cap(Add ? "--cap-add" : "--cap-drop", v[0]));
  uint64_t bits = c < 0 ? ~uint64_t{0} : uint64_t{1} << c;
  st.spec.caps = Add ? (st.spec.caps | bits) : (st.spec.caps & ~bits);
  return {};
}

Result<void> keep_fd(ParseState& st, Values v) {
  auto fd = parse_fd(v[0]);
  if (!fd) return fail("Invalid fd: " + v[0]);
  st.spec.keep_fds.push_back(*fd);
  return {};
}

Result<void> help(ParseState& st, Values) {
  st.spec.action = Action::help;
  return {};
}
Result<void> version(ParseState& st, Values) {
  st.spec.action = Action::version;
  return {};
}

using G = Group;

// clang-format off
const std::array kOptions = {
  OptionDef{"--help", "", 0, G::general, kBoth, 0, "Print this help and exit", help},
  OptionDef{"--version", "", 0, G::general, kBoth, 0, "Print the version and exit", version},

  OptionDef{"--share-net", "", 0, G::namespaces, kBoth, 0, "Keep the caller's network namespace", share<&Namespaces::net>},
  OptionDef{"--share-pid", "", 0, G::namespaces, kNative, 0, "Keep the caller's pid namespace", share<&Namespaces::pid>},
  OptionDef{"--share-ipc", "", 0, G::namespaces, kNative, 0, "Keep the caller's ipc namespace", share<&Namespaces::ipc>},
  OptionDef{"--share-uts", "", 0, G::namespaces, kNative, 0, "Keep the caller's uts namespace (hostname)", share<&Namespaces::uts>},
  OptionDef{"--share-cgroup", "", 0, G::namespaces, kNative, 0, "Keep the caller's cgroup namespace", share<&Namespaces::cgroup>},
  OptionDef{"--uid", "ID", 1, G::namespaces, kBoth, kSingle, "User id inside the sandbox (default 0)", set_uid},
  OptionDef{"--gid", "ID", 1, G::namespaces, kBoth, kSingle, "Group id inside the sandbox (default 0)", set_gid},
  OptionDef{"--hostname", "NAME", 1, G::namespaces, kBoth, kSingle, "Hostname inside the sandbox (needs a new uts namespace)", set_hostname},

  OptionDef{"--bind", "SRC DEST", 2, G::filesystem, kBoth, 0, "Bind the host path SRC on DEST, writable", bind<BindKind::rw, false>},
  OptionDef{"--bind-try", "SRC DEST", 2, G::filesystem, kBoth, 0, "Like --bind, skipped when SRC is missing", bind<BindKind::rw, true>},
  OptionDef{"--ro-bind", "SRC DEST", 2, G::filesystem, kBoth, 0, "Bind the host path SRC on DEST, read-only", bind<BindKind::ro, false>},
  OptionDef{"--ro-bind-try", "SRC DEST", 2, G::filesystem, kBoth, 0, "Like --ro-bind, skipped when SRC is missing", bind<BindKind::ro, true>},
  OptionDef{"--dev-bind", "SRC DEST", 2, G::filesystem, kBoth, 0, "Bind the host path SRC on DEST, devices usable", bind<BindKind::dev, false>},
  OptionDef{"--dev-bind-try", "SRC DEST", 2, G::filesystem, kBoth, 0, "Like --dev-bind, skipped when SRC is missing", bind<BindKind::dev, true>},
  OptionDef{"--remount-ro", "DEST", 1, G::filesystem, kBoth, 0, "Make the mount at DEST read-only", remount_ro},
  OptionDef{"--proc", "DEST", 1, G::filesystem, kBoth, 0, "Mount a new procfs on DEST", proc},
  OptionDef{"--dev", "DEST", 1, G::filesystem, kBoth, 0, "Mount a minimal /dev on DEST", dev},
  OptionDef{"--tmpfs", "DEST", 1, G::filesystem, kBoth, kTakesPerms | kTakesSize, "Mount a new tmpfs on DEST", tmpfs},
  OptionDef{"--dir", "DEST", 1, G::filesystem, kBoth, kTakesPerms, "Create the directory DEST", dir},
  OptionDef{"--symlink", "TARGET DEST", 2, G::filesystem, kBoth, 0, "Create a symlink at DEST pointing to TARGET", symlink},
  OptionDef{"--chmod", "OCTAL PATH", 2, G::filesystem, kBoth, 0, "Change the permissions of PATH (must exist)", chmod},
  OptionDef{"--perms", "OCTAL", 1, G::filesystem, kBoth, kModifier, "Permissions of the next --tmpfs or --dir", perms},
  OptionDef{"--size", "BYTES", 1, G::filesystem, kBoth, kModifier, "Size in bytes of the next --tmpfs", size},

  OptionDef{"--chdir", "DIR", 1, G::process, kBoth, kSingle, "Working directory of COMMAND", chdir},
  OptionDef{"--setenv", "VAR VALUE", 2, G::process, kBoth, 0, "Set an environment variable", setenv},
  OptionDef{"--unsetenv", "VAR", 1, G::process, kBoth, 0, "Unset an environment variable", unsetenv},
  OptionDef{"--clearenv", "", 0, G::process, kBoth, 0, "Unset every environment variable but PWD", clearenv},
  OptionDef{"--argv0", "VALUE", 1, G::process, kBoth, kSingle, "Pass VALUE as argv[0] of COMMAND", argv0},
  OptionDef{"--die-with-parent", "", 0, G::process, kBoth, 0, "Kill the sandbox when the process that started it dies", flag<&Spec::die_with_parent>},
  OptionDef{"--new-session", "", 0, G::process, kBoth, 0, "Run COMMAND in a new terminal session", flag<&Spec::new_session>},
  OptionDef{"--as-pid-1", "", 0, G::process, kBoth, 0, "Run COMMAND as pid 1, without an init process", flag<&Spec::as_pid_1>},
  OptionDef{"--cap-add", "CAP", 1, G::process, kBoth, 0, "Keep capability CAP (or ALL) for COMMAND", cap<true>},
  OptionDef{"--cap-drop", "CAP", 1, G::process, kBoth, 0, "Drop capability CAP (or ALL)", cap<false>},
  OptionDef{"--keep-fd", "FD", 1, G::process, kNative, 0, "Pass the inherited descriptor FD to COMMAND", keep_fd},
};
// clang-format on

}  // namespace

std::span<const OptionDef> option_table() { return kOptions; }

const OptionDef* find_option(std::string_view name) {
  for (const auto& o : kOptions)
    if (o.name == name) return &o;
  return nullptr;
}

std::string_view group_title(Group g) {
  switch (g) {
    case Group::general: return "General";
    case Group::namespaces: return "Namespaces and identity";
    case Group::filesystem: return "Filesystem";
    case Group::process: return "Process";
  }
  return "";
}

}  // namespace sb::cli

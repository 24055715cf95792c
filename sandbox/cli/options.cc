#include "cli/options.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>

#include "cli/host_options.h"
#include "sys/numbers.h"
#include "limits/limits.h"
#include "net/publish.h"
#include "security/capabilities.h"
#include "security/deny.h"
#include "security/policy.h"

namespace sb::cli {

using sys::parse_c_number;
using sys::parse_decimal;
using sys::parse_fd;
using sys::parse_octal;

namespace {

using Values = std::span<const std::string>;

constexpr uint64_t kMaxId = 4294967293u;  // (uid_t)-1 and -2 are no ids: the kernel's "unset"
constexpr uint64_t kMaxBwrapId = INT32_MAX;  // bubblewrap reads ids into an int
constexpr uint64_t kMaxMode = 07777;
constexpr uint64_t kMaxTmpfsBytes = INT64_MAX;  // bubblewrap's limit: half the address space

bool bwrap(const ParseState& st) { return st.spec.personality == Personality::bwrap; }

Result<uint32_t> parse_id(const ParseState& st, std::string_view option, const std::string& v) {
  if (bwrap(st)) {  // bubblewrap's words, which name the kind of id and the value
    auto id = parse_decimal(v, kMaxBwrapId);
    if (!id) return fail(std::string(option == "--uid" ? "Invalid uid: " : "Invalid gid: ") + v);
    return static_cast<uint32_t>(*id);
  }
  auto id = parse_decimal(v, kMaxId);
  if (!id) return fail(std::string(option) + ": invalid id '" + v + "'", 0);
  return static_cast<uint32_t>(*id);
}

Result<mode_t> parse_mode(const ParseState& st, std::string_view option, const std::string& v) {
  auto m = parse_octal(v, kMaxMode);
  if (m) return static_cast<mode_t>(*m);
  if (bwrap(st)) return fail(std::string(option) + " takes an octal argument <= 07777");
  return fail(std::string(option) + ": invalid mode '" + v + "': takes an octal number <= 07777");
}

Result<int> parse_cap(std::string_view option, const std::string& v) {
  if (v == "ALL" || v == "all") return -1;
  auto cap = security::capability_number(v);
  if (!cap) return fail(std::string(option) + ": unknown capability '" + v + "'");
  return *cap;
}

Result<int> parse_cap(const ParseState& st, std::string_view option, const std::string& v) {
  auto cap = parse_cap(option, v);
  if (!cap && bwrap(st)) return fail("unknown cap: " + v);
  return cap;
}

Result<void> set_uid(ParseState& st, Values v) {
  TRY_ASSIGN(st.spec.uid, parse_id(st, "--uid", v[0]));
  return {};
}
Result<void> set_gid(ParseState& st, Values v) {
  TRY_ASSIGN(st.spec.gid, parse_id(st, "--gid", v[0]));
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
  st.spec.mounts.emplace_back(BindOp{v[0], v[1], Kind, Optional, std::nullopt});
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
  TRY_ASSIGN(mode_t mode, parse_mode(st, "--chmod", v[0]));
  st.spec.mounts.emplace_back(ChmodOp{mode, v[1]});
  return {};
}
Result<void> perms(ParseState& st, Values v) {
  if (st.pending_perms) return fail("--perms given twice for the same action");
  TRY_ASSIGN(st.pending_perms, parse_mode(st, "--perms", v[0]));
  return {};
}
Result<void> size(ParseState& st, Values v) {
  if (st.pending_size) return fail("--size given twice for the same action");
  // bubblewrap reads it as C's strtoull does (0x and 0 prefixes); natively it is decimal.
  auto bytes = bwrap(st) && !v[0].empty() && v[0][0] >= '0' && v[0][0] <= '9'
                   ? parse_c_number(v[0], UINT64_MAX)
                   : parse_decimal(v[0], UINT64_MAX);
  if (!bytes || *bytes == 0)
    return fail(bwrap(st) ? std::string("--size takes a non-zero number of bytes")
                          : "--size: invalid size '" + v[0] + "': takes a non-zero number of bytes");
  if (*bytes > kMaxTmpfsBytes)
    return fail(bwrap(st) ? "--size (for tmpfs) is limited to " + std::to_string(kMaxTmpfsBytes)
                          : "--size: " + v[0] + " bytes is more than the limit, " +
                                std::to_string(kMaxTmpfsBytes));
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
// The --no- form, which turns off what an earlier option (a profile's, say) turned on.
template <bool Spec::*Field>
Result<void> unflag(ParseState& st, Values) {
  st.spec.*Field = false;
  return {};
}

enum class Rule { talk, own, see, call, system_talk };
template <Rule R>
Result<void> dbus(ParseState& st, Values v) {
  switch (R) {
    case Rule::talk: return dbus_rule(st, "--dbus-talk", "talk", v[0], false);
    case Rule::own: return dbus_rule(st, "--dbus-own", "own", v[0], false);
    case Rule::see: return dbus_rule(st, "--dbus-see", "see", v[0], false);
    case Rule::call: return dbus_rule(st, "--dbus-call", "call", v[0], false);
    case Rule::system_talk: return dbus_rule(st, "--dbus-system-talk", "talk", v[0], true);
  }
  return {};
}

template <bool Add>
Result<void> cap(ParseState& st, Values v) {
  TRY_ASSIGN(int c, parse_cap(st, Add ? "--cap-add" : "--cap-drop", v[0]));
  uint64_t bits = c < 0 ? ~uint64_t{0} : uint64_t{1} << c;
  st.spec.caps = Add ? (st.spec.caps | bits) : (st.spec.caps & ~bits);
  return {};
}

Result<int> fd_value(const std::string& v) {
  auto fd = parse_fd(v);
  if (!fd) return fail("Invalid fd: " + v);
  return *fd;
}

Result<void> keep_fd(ParseState& st, Values v) {
  TRY_ASSIGN(int fd, fd_value(v[0]));
  st.spec.keep_fds.push_back(fd);
  return {};
}

template <std::optional<int> Spec::*Field>
Result<void> status_fd(ParseState& st, Values v) {
  TRY_ASSIGN(st.spec.*Field, fd_value(v[0]));
  return {};
}

Result<void> lock_file(ParseState& st, Values v) {
  st.spec.lock_files.push_back(v[0]);
  return {};
}

template <bool Ro>
Result<void> bind_fd(ParseState& st, Values v) {
  TRY_ASSIGN(int fd, fd_value(v[0]));
  st.spec.mounts.emplace_back(BindOp{"", v[1], Ro ? BindKind::ro : BindKind::rw, false, fd});
  return {};
}

template <bool Bind, bool Ro>
Result<void> data(ParseState& st, Values v) {
  TRY_ASSIGN(int fd, fd_value(v[0]));
  st.spec.mounts.emplace_back(DataOp{fd, v[1], Bind, Ro, std::exchange(st.pending_perms, std::nullopt)});
  return {};
}

Result<void> mqueue(ParseState& st, Values v) {
  st.spec.mounts.emplace_back(MqueueOp{v[0]});
  return {};
}

Result<void> overlay_src(ParseState& st, Values v) {
  st.overlay_sources.push_back(v[0]);
  return {};
}

template <OverlayKind Kind>
Result<void> overlay(ParseState& st, Values v) {
  const char* name = Kind == OverlayKind::rw ? "--overlay" : Kind == OverlayKind::tmp ? "--tmp-overlay" : "--ro-overlay";
  size_t needed = Kind == OverlayKind::ro ? 2 : 1;
  if (st.overlay_sources.size() < needed)
    return fail(std::string(name) + " requires at least " + (needed == 2 ? "two" : "one") + " --overlay-src");
  OverlayOp op{Kind, std::exchange(st.overlay_sources, {}), "", "", v.back()};
  if (Kind == OverlayKind::rw) {
    op.upper = v[0];
    op.work = v[1];
  }
  st.spec.mounts.emplace_back(std::move(op));
  return {};
}

template <bool Exclusive>
Result<void> seccomp(ParseState& st, Values v) {
  TRY_ASSIGN(int fd, fd_value(v[0]));
  if (Exclusive) {
    if (!st.spec.seccomp_fds.empty() && !st.spec.seccomp_exclusive)
      return fail("--seccomp cannot be combined with --add-seccomp-fd");
    st.spec.seccomp_fds = {fd};  // given twice, the last wins
    st.spec.seccomp_exclusive = true;
  } else {
    if (st.spec.seccomp_exclusive) return fail("--add-seccomp-fd cannot be combined with --seccomp");
    st.spec.seccomp_fds.push_back(fd);
  }
  return {};
}

Result<void> seccomp_profile(ParseState& st, Values v) {
  if (v[0].empty()) return fail("--seccomp-profile: takes default, none or the path of a JSON profile", EINVAL);
  st.spec.seccomp_profile = v[0];
  return {};
}

Result<void> seccomp_deny(ParseState& st, Values v) {
  TRY_ASSIGN(auto a, security::parse_deny(v[0]));
  st.spec.seccomp_adjustments.push_back(std::move(a));
  return {};
}

Result<void> seccomp_allow(ParseState& st, Values v) {
  if (v[0].empty()) return fail("--seccomp-allow: no system call named", EINVAL);
  st.spec.seccomp_adjustments.push_back({v[0], false, 0, "--seccomp-allow " + v[0]});
  return {};
}

// PORT or FIRST-LAST, each 0 to 65535.
template <std::vector<PortRange> Spec::*Field>
Result<void> tcp_ports(ParseState& st, Values v) {
  std::string_view option = Field == &Spec::tcp_connect ? "--allow-tcp-connect" : "--allow-tcp-bind";
  std::string what = std::string(option) + " " + v[0];
  std::string_view text = v[0];
  auto dash = text.find('-');
  auto first = parse_decimal(text.substr(0, dash), 65535);
  auto last = dash == std::string_view::npos ? first : parse_decimal(text.substr(dash + 1), 65535);
  if (!first || !last) return fail(what + ": takes a port, or a range FIRST-LAST, from 0 to 65535", EINVAL);
  if (*last < *first) return fail(what + ": the range ends before it starts", EINVAL);
  (st.spec.*Field).push_back({static_cast<uint16_t>(*first), static_cast<uint16_t>(*last), what});
  return {};
}

Result<void> deny(ParseState& st, Values v) {
  TRY(security::split_deny_pattern(v[0]));
  st.spec.denies.push_back({v[0], Origin{"--deny", static_cast<unsigned>(st.spec.denies.size() + 1)}});
  return {};
}

Result<void> rlimit(ParseState& st, Values v) {
  TRY_ASSIGN(RlimitOp op, limits::parse_rlimit(v[0]));
  std::erase_if(st.spec.rlimits, [&](const RlimitOp& o) { return o.resource == op.resource; });
  st.spec.rlimits.push_back(std::move(op));
  return {};
}

Result<void> timeout(ParseState& st, Values v) {
  TRY_ASSIGN(st.spec.timeout_ms, limits::parse_duration("--timeout", v[0]));
  st.spec.timeout_text = v[0];
  if (!v[0].empty() && v[0].back() >= '0' && v[0].back() <= '9') st.spec.timeout_text += "s";
  return {};
}

Result<void> kill_after(ParseState& st, Values v) {
  TRY_ASSIGN(st.spec.kill_after_ms, limits::parse_duration("--kill-after", v[0]));
  return {};
}

Result<void> time_offset(ParseState& st, Values v) {
  TRY_ASSIGN(TimeOffset t, limits::parse_time_offset(v[0]));
  std::erase_if(st.spec.time_offsets, [&](const TimeOffset& o) { return o.clock == t.clock; });
  st.spec.time_offsets.push_back(std::move(t));
  return {};
}

Result<void> cgroup_limit(ParseState& st, std::string_view option, Values v) {
  return limits::parse_cgroup_limit(option, v[0], st.spec.cgroup);
}
Result<void> memory(ParseState& st, Values v) { return cgroup_limit(st, "--memory", v); }
Result<void> pids(ParseState& st, Values v) { return cgroup_limit(st, "--pids", v); }
Result<void> cpus(ParseState& st, Values v) { return cgroup_limit(st, "--cpus", v); }

Result<void> network(ParseState& st, Values v) {
  if (v[0] != "none" && v[0] != "host" && v[0] != "pasta")
    return fail("--network: '" + v[0] + "' is not none, host or pasta", EINVAL);
  st.spec.ns.net = v[0] != "host";
  st.spec.pasta = v[0] == "pasta";
  return {};
}

Result<void> publish(ParseState& st, Values v) {
  TRY_ASSIGN(Publish p, net::parse_publish(v[0]));
  st.spec.publish.push_back(std::move(p));
  return {};
}

Result<void> netns(ParseState& st, Values v) {
  if (v[0].empty()) return fail("--netns: takes the path of a network namespace", EINVAL);
  st.spec.netns_path = v[0];
  st.spec.ns.net = false;  // joined, not made
  return {};
}

// A name is a file name in the caller's registry: no slash, no leading dot, printable.
Result<void> name(ParseState& st, Values v) {
  const std::string& n = v[0];
  bool ok = !n.empty() && n.size() <= 64 && n[0] != '.' && n[0] != '-';
  for (char c : n) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-');
  if (!ok) return fail("--name: '" + n + "' is not a name (1 to 64 of A-Z a-z 0-9 . _ -, not starting with . or -)", EINVAL);
  st.spec.name = n;
  return {};
}

Result<void> profiles(ParseState& st, Values) {
  st.spec.action = Action::profiles;
  return {};
}

Result<void> list(ParseState& st, Values) {
  st.spec.action = Action::list;
  return {};
}

Result<void> join(ParseState& st, Values v) {
  if (v[0].empty()) return fail("--join: takes a NAME or a PID", EINVAL);
  st.spec.action = Action::join;
  st.spec.join_target = v[0];
  return {};
}

Result<void> no_auto_dev(ParseState& st, Values) {
  st.spec.auto_dev = false;
  return {};
}

Result<void> no_landlock(ParseState& st, Values) {
  st.spec.landlock_off = true;
  return {};
}

Result<void> log_denials(ParseState& st, Values v) {
  if (v[0].empty()) return fail("--log-denials: takes a file, or - for standard error", EINVAL);
  st.spec.log_denials = v[0];
  return {};
}

template <std::optional<std::string> Spec::*Field>
Result<void> label(ParseState& st, Values v) {
  st.spec.*Field = v[0];
  return {};
}

template <std::optional<int> Spec::*Field>
Result<void> ns_fd(ParseState& st, Values v) {
  TRY_ASSIGN(st.spec.*Field, fd_value(v[0]));
  return {};
}

// --unshare-*: the drop-in personality starts with only user and mount namespaces.
template <bool Namespaces::*Field>
Result<void> unshare(ParseState& st, Values) {
  st.spec.ns.*Field = true;
  return {};
}
Result<void> unshare_user(ParseState& st, Values) {  // user: always new anyway
  st.spec.ns.user_asked = true;
  return {};
}
Result<void> unshare_user_try(ParseState& st, Values) {
  st.spec.ns.user_try_asked = true;
  return {};
}
Result<void> unshare_cgroup(ParseState& st, Values) {
  st.spec.ns.cgroup = true;
  st.spec.ns.cgroup_try = false;
  return {};
}
Result<void> unshare_cgroup_try(ParseState& st, Values) {
  st.spec.ns.cgroup = true;
  st.spec.ns.cgroup_try = true;
  return {};
}
Result<void> unshare_all(ParseState& st, Values) {
  auto& ns = st.spec.ns;
  ns.ipc = ns.pid = ns.net = ns.uts = true;
  ns.user_try_asked = true;
  if (!ns.cgroup) ns.cgroup_try = true;
  ns.cgroup = true;
  return {};
}

Result<void> no_op(ParseState&, Values) { return {}; }  // --args: the parser splices it

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
  OptionDef{"--args", "FD", 1, G::general, kBoth, kArgs, "Read NUL-separated arguments from FD and splice them in here", no_op},
  OptionDef{"--profile", "NAME|PATH", 1, G::general, kBoth, kProfile, "Read options from a profile, spliced in here (repeatable)", no_op},
  OptionDef{"--level-prefix", "", 0, G::general, kBoth, 0, "Start each diagnostic with a syslog level (<3> error, <4> warning)", flag<&Spec::level_prefix>},
  OptionDef{"--dry-run", "", 0, G::general, kBoth, 0, "Print what would be done, in order, and exit without doing it", flag<&Spec::dry_run>},

  OptionDef{"--share-net", "", 0, G::namespaces, kBoth, 0, "Keep the caller's network namespace", share<&Namespaces::net>},
  OptionDef{"--network", "MODE", 1, G::network, kBoth, kSingle, "none (lo only, the default), host (the caller's) or pasta (outbound access)", network},
  OptionDef{"--publish", "[ADDR:]HOSTPORT:PORT[/tcp|/udp]", 1, G::network, kBoth, 0, "With --network pasta: HOSTPORT on the host reaches PORT inside (repeatable)", publish},
  OptionDef{"--netns", "PATH", 1, G::network, kBoth, kSingle, "Join the network namespace PATH (e.g. /proc/PID/ns/net) instead of making one", netns},
  OptionDef{"--name", "NAME", 1, G::network, kBoth, kSingle, "Register the running sandbox as NAME, for --list and --join", name},
  OptionDef{"--profiles", "", 0, G::general, kNative, 0, "List the profiles --profile NAME finds, and where each is", profiles},
  OptionDef{"--list", "", 0, G::network, kBoth, 0, "List the caller's running sandboxes: NAME PID UPTIME COMMAND", list},
  OptionDef{"--join", "NAME|PID", 1, G::network, kBoth, kSingle, "Run COMMAND (default $SHELL) inside that running sandbox, confined as it is", join},
  OptionDef{"--share-pid", "", 0, G::namespaces, kNative, 0, "Keep the caller's pid namespace", share<&Namespaces::pid>},
  OptionDef{"--share-ipc", "", 0, G::namespaces, kNative, 0, "Keep the caller's ipc namespace", share<&Namespaces::ipc>},
  OptionDef{"--share-uts", "", 0, G::namespaces, kNative, 0, "Keep the caller's uts namespace (hostname)", share<&Namespaces::uts>},
  OptionDef{"--share-cgroup", "", 0, G::namespaces, kNative, 0, "Keep the caller's cgroup namespace", share<&Namespaces::cgroup>},
  OptionDef{"--unshare-all", "", 0, G::namespaces, kBoth, 0, "New ipc, pid, net, uts and (where possible) cgroup namespaces", unshare_all},
  OptionDef{"--unshare-user", "", 0, G::namespaces, kBoth, 0, "New user namespace (always the case)", unshare_user},
  OptionDef{"--unshare-user-try", "", 0, G::namespaces, kBoth, 0, "New user namespace if possible (always the case)", unshare_user_try},
  OptionDef{"--unshare-ipc", "", 0, G::namespaces, kBoth, 0, "New ipc namespace", unshare<&Namespaces::ipc>},
  OptionDef{"--unshare-pid", "", 0, G::namespaces, kBoth, 0, "New pid namespace", unshare<&Namespaces::pid>},
  OptionDef{"--unshare-net", "", 0, G::namespaces, kBoth, 0, "New network namespace with only lo, up", unshare<&Namespaces::net>},
  OptionDef{"--unshare-uts", "", 0, G::namespaces, kBoth, 0, "New uts namespace", unshare<&Namespaces::uts>},
  OptionDef{"--unshare-cgroup", "", 0, G::namespaces, kBoth, 0, "New cgroup namespace", unshare_cgroup},
  OptionDef{"--unshare-cgroup-try", "", 0, G::namespaces, kBoth, 0, "New cgroup namespace where the kernel has them", unshare_cgroup_try},
  OptionDef{"--userns", "FD", 1, G::namespaces, kBoth, kSingle, "Join the user namespace FD instead of making one", ns_fd<&Spec::userns_fd>},
  OptionDef{"--userns2", "FD", 1, G::namespaces, kBoth, kSingle, "After setup, switch to the user namespace FD (a descendant)", ns_fd<&Spec::userns2_fd>},
  OptionDef{"--pidns", "FD", 1, G::namespaces, kBoth, kSingle, "Use the pid namespace FD (as parent with --unshare-pid)", ns_fd<&Spec::pidns_fd>},
  OptionDef{"--disable-userns", "", 0, G::namespaces, kBoth, 0, "The sandbox cannot create further user namespaces", flag<&Spec::disable_userns>},
  OptionDef{"--assert-userns-disabled", "", 0, G::namespaces, kBoth, 0, "Fail unless creating user namespaces is already impossible", flag<&Spec::assert_userns_disabled>},
  OptionDef{"--uid", "ID", 1, G::namespaces, kBoth, kSingle, "User id inside the sandbox (default 0)", set_uid},
  OptionDef{"--gid", "ID", 1, G::namespaces, kBoth, kSingle, "Group id inside the sandbox (default 0)", set_gid},
  OptionDef{"--hostname", "NAME", 1, G::namespaces, kBoth, kSingle, "Hostname inside the sandbox (needs a new uts namespace)", set_hostname},

  OptionDef{"--bind", "SRC DEST", 2, G::filesystem, kBoth, 0, "Bind the host path SRC on DEST, writable", bind<BindKind::rw, false>},
  OptionDef{"--bind-try", "SRC DEST", 2, G::filesystem, kBoth, 0, "Like --bind, skipped when SRC is missing", bind<BindKind::rw, true>},
  OptionDef{"--ro-bind", "SRC DEST", 2, G::filesystem, kBoth, 0, "Bind the host path SRC on DEST, read-only", bind<BindKind::ro, false>},
  OptionDef{"--ro-bind-try", "SRC DEST", 2, G::filesystem, kBoth, 0, "Like --ro-bind, skipped when SRC is missing", bind<BindKind::ro, true>},
  OptionDef{"--dev-bind", "SRC DEST", 2, G::filesystem, kBoth, 0, "Bind the host path SRC on DEST, devices usable", bind<BindKind::dev, false>},
  OptionDef{"--dev-bind-try", "SRC DEST", 2, G::filesystem, kBoth, 0, "Like --dev-bind, skipped when SRC is missing", bind<BindKind::dev, true>},
  OptionDef{"--bind-fd", "FD DEST", 2, G::filesystem, kBoth, 0, "Bind the directory or O_PATH descriptor FD on DEST", bind_fd<false>},
  OptionDef{"--ro-bind-fd", "FD DEST", 2, G::filesystem, kBoth, 0, "Like --bind-fd, read-only", bind_fd<true>},
  OptionDef{"--remount-ro", "DEST", 1, G::filesystem, kBoth, 0, "Make the mount at DEST read-only", remount_ro},
  OptionDef{"--proc", "DEST", 1, G::filesystem, kBoth, 0, "Mount a new procfs on DEST", proc},
  OptionDef{"--dev", "DEST", 1, G::filesystem, kBoth, 0, "Mount a minimal /dev on DEST", dev},
  OptionDef{"--no-auto-dev", "", 0, G::filesystem, kNative, 0, "No minimal /dev where nothing is mounted on /dev", no_auto_dev},
  OptionDef{"--tmpfs", "DEST", 1, G::filesystem, kBoth, kTakesPerms | kTakesSize, "Mount a new tmpfs on DEST", tmpfs},
  OptionDef{"--mqueue", "DEST", 1, G::filesystem, kBoth, 0, "Mount a new mqueue filesystem on DEST", mqueue},
  OptionDef{"--dir", "DEST", 1, G::filesystem, kBoth, kTakesPerms, "Create the directory DEST", dir},
  OptionDef{"--symlink", "TARGET DEST", 2, G::filesystem, kBoth, 0, "Create a symlink at DEST pointing to TARGET", symlink},
  OptionDef{"--file", "FD DEST", 2, G::filesystem, kBoth, kTakesPerms, "Copy the data of FD into a new file DEST", data<false, false>},
  OptionDef{"--bind-data", "FD DEST", 2, G::filesystem, kBoth, kTakesPerms, "Bind a private copy of the data of FD on DEST", data<true, false>},
  OptionDef{"--ro-bind-data", "FD DEST", 2, G::filesystem, kBoth, kTakesPerms, "Like --bind-data, read-only", data<true, true>},
  OptionDef{"--overlay-src", "SRC", 1, G::filesystem, kBoth, kOverlaySource, "A lower layer for the next overlay (repeatable)", overlay_src},
  OptionDef{"--overlay", "RWSRC WORKDIR DEST", 3, G::filesystem, kBoth, kTakesOverlay, "Mount an overlay on DEST; writes go to RWSRC", overlay<OverlayKind::rw>},
  OptionDef{"--tmp-overlay", "DEST", 1, G::filesystem, kBoth, kTakesOverlay, "Mount an overlay on DEST; writes go to an invisible tmpfs", overlay<OverlayKind::tmp>},
  OptionDef{"--ro-overlay", "DEST", 1, G::filesystem, kBoth, kTakesOverlay, "Mount a read-only overlay on DEST", overlay<OverlayKind::ro>},
  OptionDef{"--chmod", "OCTAL PATH", 2, G::filesystem, kBoth, 0, "Change the permissions of PATH (must exist)", chmod},
  OptionDef{"--perms", "OCTAL", 1, G::filesystem, kBoth, kModifier, "Permissions of the next --tmpfs, --dir, --file or --bind-data", perms},
  OptionDef{"--size", "BYTES", 1, G::filesystem, kBoth, kModifier, "Size in bytes of the next --tmpfs", size},

  OptionDef{"--chdir", "DIR", 1, G::process, kBoth, kSingle, "Working directory of COMMAND", chdir},
  OptionDef{"--setenv", "VAR VALUE", 2, G::process, kBoth, 0, "Set an environment variable", setenv},
  OptionDef{"--unsetenv", "VAR", 1, G::process, kBoth, 0, "Unset an environment variable", unsetenv},
  OptionDef{"--clearenv", "", 0, G::process, kBoth, 0, "Unset every environment variable but PWD", clearenv},
  OptionDef{"--keep-env", "VAR", 1, G::process, kBoth, 0, "Give VAR the caller's value (or none) here, e.g. after --clearenv", keep_env},
  OptionDef{"--home", "tmpfs|NAME", 1, G::filesystem, kBoth, kSingle, "HOME inside is a new tmpfs, or NAME's own directory, kept across runs", home},
  OptionDef{"--share-display", "[=trusted]", 0, G::filesystem, kBoth, kEqualsForm, "Share the caller's display: Wayland where there is one, else X11 as a client that cannot read or drive others; =trusted: X11 with full access", share_display},
  OptionDef{"--as-user", "", 0, G::namespaces, kBoth, 0, "COMMAND is the caller (ids 1:1), with the caller and root in /etc/passwd and /etc/group", as_user},
  OptionDef{"--no-as-user", "", 0, G::namespaces, kNative, 0, "Turn off an earlier --as-user (a profile's): root inside again", no_as_user},
  OptionDef{"--dbus-talk", "NAME", 1, G::filesystem, kBoth, 0, "Filtered session bus: talk to NAME (NAME.* for a name and those beneath it)", dbus<Rule::talk>},
  OptionDef{"--dbus-own", "NAME", 1, G::filesystem, kBoth, 0, "Filtered session bus: own NAME and talk to it", dbus<Rule::own>},
  OptionDef{"--dbus-see", "NAME", 1, G::filesystem, kBoth, 0, "Filtered session bus: NAME is listed, but not talked to", dbus<Rule::see>},
  OptionDef{"--dbus-call", "NAME=RULE", 1, G::filesystem, kBoth, 0, "Filtered session bus: call NAME's methods that RULE ([METHOD][@PATH]) matches", dbus<Rule::call>},
  OptionDef{"--dbus-system-talk", "NAME", 1, G::filesystem, kBoth, 0, "Filtered system bus: talk to NAME", dbus<Rule::system_talk>},
  OptionDef{"--share-sound", "", 0, G::filesystem, kBoth, 0, "Share the caller's PulseAudio and PipeWire sockets, where present", share_sound},
  OptionDef{"--argv0", "VALUE", 1, G::process, kBoth, kSingle, "Pass VALUE as argv[0] of COMMAND", argv0},
  OptionDef{"--die-with-parent", "", 0, G::process, kBoth, 0, "Kill the sandbox when the process that started it dies", flag<&Spec::die_with_parent>},
  OptionDef{"--no-die-with-parent", "", 0, G::process, kNative, 0, "Turn off an earlier --die-with-parent (a profile's)", unflag<&Spec::die_with_parent>},
  OptionDef{"--new-session", "", 0, G::process, kBoth, 0, "Run COMMAND in a new terminal session", flag<&Spec::new_session>},
  OptionDef{"--as-pid-1", "", 0, G::process, kBoth, 0, "Run COMMAND as pid 1, without an init process", flag<&Spec::as_pid_1>},
  OptionDef{"--cap-add", "CAP", 1, G::process, kBoth, 0, "Keep capability CAP (or ALL) for COMMAND", cap<true>},
  OptionDef{"--cap-drop", "CAP", 1, G::process, kBoth, 0, "Drop capability CAP (or ALL)", cap<false>},
  OptionDef{"--keep-fd", "FD", 1, G::process, kNative, 0, "Pass the inherited descriptor FD to COMMAND", keep_fd},
  OptionDef{"--seccomp", "FD", 1, G::syscalls, kBoth, 0, "Load one compiled seccomp (classic BPF) program from FD", seccomp<true>},
  OptionDef{"--add-seccomp-fd", "FD", 1, G::syscalls, kBoth, 0, "Add a compiled seccomp program from FD (repeatable, in order)", seccomp<false>},
  OptionDef{"--seccomp-profile", "PROFILE", 1, G::syscalls, kBoth, kSingle, "Syscall profile: default, none, or a JSON file (OCI/Docker format)", seccomp_profile},
  OptionDef{"--seccomp-deny", "SYSCALL[:ERRNO]", 1, G::syscalls, kBoth, 0, "Make SYSCALL fail with ERRNO (default EPERM) (repeatable)", seccomp_deny},
  OptionDef{"--seccomp-allow", "SYSCALL", 1, G::syscalls, kBoth, 0, "Take SYSCALL out of the profile's denials (repeatable)", seccomp_allow},
  OptionDef{"--log-denials", "FILE", 1, G::syscalls, kBoth, kSingle, "Append a JSON line to FILE (- for stderr) for every denied call", log_denials},
  OptionDef{"--deny", "PATH", 1, G::syscalls, kBoth, 0, "Make PATH (globs: * ? [...] **) unreadable and unwritable, existing or not (repeatable)", deny},
  OptionDef{"--no-landlock", "", 0, G::syscalls, kBoth, 0, "No Landlock layer (native runs have one where the kernel does)", no_landlock},
  OptionDef{"--allow-tcp-connect", "PORT[-PORT]", 1, G::syscalls, kBoth, 0, "With either of these, TCP connect only to these ports (repeatable)", tcp_ports<&Spec::tcp_connect>},
  OptionDef{"--allow-tcp-bind", "PORT[-PORT]", 1, G::syscalls, kBoth, 0, "With either of these, TCP bind only to these ports (repeatable)", tcp_ports<&Spec::tcp_bind>},
  OptionDef{"--rlimit", "NAME=SOFT[:HARD]", 1, G::limits, kBoth, 0, "Resource limit for init and COMMAND (repeatable; HARD defaults to SOFT)", rlimit},
  OptionDef{"--timeout", "DURATION", 1, G::limits, kBoth, kSingle, "SIGTERM to COMMAND after DURATION (30, 30s, 1.5m, 2h), then exit 124", timeout},
  OptionDef{"--kill-after", "DURATION", 1, G::limits, kBoth, kSingle, "SIGKILL to the whole sandbox this long after --timeout (default 5s)", kill_after},
  OptionDef{"--time-offset", "CLOCK=SECONDS", 1, G::limits, kBoth, 0, "A time namespace: move monotonic or boottime by SECONDS (repeatable)", time_offset},
  OptionDef{"--memory", "BYTES", 1, G::limits, kBoth, kSingle, "Memory limit of the whole sandbox (cgroup v2; K M G suffixes)", memory},
  OptionDef{"--pids", "N", 1, G::limits, kBoth, kSingle, "Process limit of the whole sandbox (cgroup v2)", pids},
  OptionDef{"--cpus", "FLOAT", 1, G::limits, kBoth, kSingle, "CPU time limit of the whole sandbox, in CPUs (cgroup v2)", cpus},
  OptionDef{"--subids", "", 0, G::limits, kBoth, 0, "Map 1..N inside to the caller's ranges in /etc/subuid and /etc/subgid", flag<&Spec::subids>},
  OptionDef{"--exec-label", "LABEL", 1, G::process, kBoth, kSingle, "SELinux label for COMMAND (ignored without SELinux)", label<&Spec::exec_label>},
  OptionDef{"--file-label", "LABEL", 1, G::process, kBoth, kSingle, "SELinux label for new files (ignored without SELinux)", label<&Spec::file_label>},

  OptionDef{"--info-fd", "FD", 1, G::status, kBoth, kSingle, "Write the child pid and namespace ids to FD as JSON", status_fd<&Spec::info_fd>},
  OptionDef{"--json-status-fd", "FD", 1, G::status, kBoth, kSingle, "Write JSON status lines to FD: start, then exit code", status_fd<&Spec::json_status_fd>},
  OptionDef{"--block-fd", "FD", 1, G::status, kBoth, kSingle, "Wait for data on FD just before running COMMAND", status_fd<&Spec::block_fd>},
  OptionDef{"--userns-block-fd", "FD", 1, G::status, kBoth, kSingle, "Wait for data on FD once the user namespace exists (with --info-fd)", status_fd<&Spec::userns_block_fd>},
  OptionDef{"--sync-fd", "FD", 1, G::status, kBoth, kSingle, "Keep FD open while the sandbox runs", status_fd<&Spec::sync_fd>},
  OptionDef{"--lock-file", "DEST", 1, G::status, kBoth, 0, "Hold a read lock on DEST while the sandbox runs", lock_file},
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
    case Group::syscalls: return "Syscall and Landlock policy";
    case Group::limits: return "Limits and time";
    case Group::network: return "Network and joining";
    case Group::status: return "Synchronisation and status";
  }
  return "";
}

}  // namespace sb::cli

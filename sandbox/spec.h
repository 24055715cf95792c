// Spec: the user's intent as plain data. A front end (the parser) fills it, writing its
// personality's defaults into explicit fields; plan() turns it and the host's facts into what
// launch/ does. Nothing past the front end asks which personality it was.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "syscall_rules.h"

namespace sb {

enum class Personality : unsigned char { native, bwrap };

// --- Mount operations, applied in command-line order ---------------------------------------

enum class BindKind : unsigned char { rw, ro, dev };

struct BindOp {
  std::string src, dest;
  BindKind kind = BindKind::rw;
  bool optional = false;       // the -try forms: skip a missing source
  std::optional<int> src_fd;   // --bind-fd / --ro-bind-fd: the source is this descriptor
  bool noexec = false;         // OCI's "noexec" mount option
  bool operator==(const BindOp&) const = default;
};
struct ProcOp {
  std::string dest;
  bool operator==(const ProcOp&) const = default;
};
struct DevOp {
  std::string dest;
  // Made by the front end where nothing mounts on /dev (native): left out, rather than
  // failing, where /dev cannot be made (a read-only root without one).
  bool automatic = false;
  bool operator==(const DevOp&) const = default;
};
struct TmpfsOp {
  std::string dest;
  std::optional<uint64_t> size;  // bytes
  std::optional<mode_t> perms;
  bool noexec = false;  // OCI's "noexec" mount option
  bool operator==(const TmpfsOp&) const = default;
};
struct DirOp {
  std::string dest;
  std::optional<mode_t> perms;
  bool operator==(const DirOp&) const = default;
};
struct SymlinkOp {
  std::string target, dest;
  bool operator==(const SymlinkOp&) const = default;
};
struct RemountRoOp {
  std::string dest;
  // OCI's readonlyPaths: DEST is first bound onto itself, so that it need not be a mount of
  // its own, and skipped where it does not exist.
  bool bind_self = false;
  bool operator==(const RemountRoOp&) const = default;
};
struct ChmodOp {
  mode_t mode = 0;
  std::string path;
  bool operator==(const ChmodOp&) const = default;
};

// Data that main fills in before plan(), as the caller: the cookies --share-display makes or
// copies, and the /etc/passwd and /etc/group that --as-user writes (desktop/session.h).
constexpr int kDataPendingXauthority = -2;
constexpr int kDataPendingPasswd = -3;
constexpr int kDataPendingGroup = -4;

// --file (bind = false) and --bind-data / --ro-bind-data: a file made from FD's data.
struct DataOp {
  // The descriptor; a kDataPending* value until main fills it in.
  int fd = -1;
  std::string dest;
  bool bind = false;
  bool ro = false;
  std::optional<mode_t> perms;
  bool operator==(const DataOp&) const = default;
};
struct MqueueOp {
  std::string dest;
  bool operator==(const MqueueOp&) const = default;
};
enum class OverlayKind : unsigned char { rw, tmp, ro };
struct OverlayOp {
  OverlayKind kind = OverlayKind::rw;
  std::vector<std::string> lower;  // --overlay-src, in the order given
  std::string upper, work;         // --overlay only
  std::string dest;
  bool operator==(const OverlayOp&) const = default;
};

using MountOp = std::variant<BindOp, ProcOp, DevOp, TmpfsOp, DirOp, SymlinkOp, RemountRoOp,
                             ChmodOp, DataOp, MqueueOp, OverlayOp>;

// --- Process environment --------------------------------------------------------------------

struct EnvOp {
  enum class Kind : unsigned char { set, unset, clear } kind;
  std::string name, value;
  bool operator==(const EnvOp&) const = default;
};

struct Namespaces {
  bool user = true, mount = true;
  bool pid = true, ipc = true, uts = true, net = true, cgroup = true;
  bool cgroup_try = false;  // --unshare-cgroup-try: only where the kernel has cgroup namespaces
  bool user_asked = false;  // --unshare-user given (bubblewrap checks for it by name)
  bool user_try_asked = false;  // --unshare-user-try, or --unshare-all, given
  bool operator==(const Namespaces&) const = default;
};

// run: a sandbox; list and join: the caller's running sandboxes (launch/registry.h).
enum class Action : unsigned char { run, help, version, list, join, profiles };

// --allow-tcp-connect / --allow-tcp-bind: PORT or FIRST-LAST, and the option as written.
struct PortRange {
  uint16_t first = 0, last = 0;
  std::string option;  // "--allow-tcp-connect 8000-8080"
  bool operator==(const PortRange&) const = default;
};

// --publish [ADDR:]HOSTPORT:PORT[/tcp|/udp] (net/pasta.h).
struct Publish {
  std::string address;  // where pasta listens on the host; empty: every address
  uint16_t host_port = 0, port = 0;
  bool udp = false;
  std::string text;  // as written, for messages
  bool operator==(const Publish&) const = default;
};

// Where an item of the Spec came from, for the messages and the plan that name it: the option
// and which of its kind it was ("--ro-bind #3"); later a profile's FILE:LINE.
struct Origin {
  std::string option;
  unsigned ordinal = 0;  // 1 for the first of its kind; 0 for one of a kind ("the new root")
  std::string str() const { return ordinal ? option + " #" + std::to_string(ordinal) : option; }
  bool operator==(const Origin&) const = default;
};

// --rlimit NAME=SOFT[:HARD] (limits/limits.h); RLIM_INFINITY for unlimited.
struct RlimitOp {
  int resource = 0;
  uint64_t soft = 0, hard = 0;
  std::string option;  // "--rlimit nproc=64"
  bool operator==(const RlimitOp&) const = default;
};

// --time-offset CLOCK=SECONDS.
struct TimeOffset {
  int clock = 0;  // CLOCK_MONOTONIC or CLOCK_BOOTTIME
  int64_t seconds = 0;
  std::string option;
  bool operator==(const TimeOffset&) const = default;
};

// --memory, --pids, --cpus: the limits of a cgroup v2 of the sandbox's own (limits/cgroup.h).
struct CgroupLimits {
  std::optional<uint64_t> memory;  // bytes
  std::optional<uint64_t> pids;
  std::optional<double> cpus;
  std::string option;       // the first of them, as written, for messages
  std::string memory_text, cpus_text;  // as written, for messages
  // What asked for each, for messages: the options, or a config's entries (oci/config.h).
  std::string memory_option = "--memory", pids_option = "--pids", cpus_option = "--cpus";
  bool any() const { return memory || pids || cpus; }
  bool operator==(const CgroupLimits&) const = default;
};

// A kernel setting of one of the sandbox's own namespaces (OCI's linux.sysctl; limits/sysctl.h).
struct Sysctl {
  std::string name, value;  // net.ipv4.ping_group_range, "0 0"
  bool operator==(const Sysctl&) const = default;
};

// --deny PATH: a pattern inside the sandbox (security/deny.h).
struct DenyPath {
  std::string pattern;
  Origin origin;
  // OCI's maskedPaths: covered where it exists, left alone where not (no Landlock for it).
  bool if_present = false;
  bool operator==(const DenyPath&) const = default;
};

// How diagnostics are worded where bubblewrap has its own sentence for them.
enum class Wording : unsigned char { own, bwrap };

// Where an operation makes or changes something inside the new root.
struct DestinationOf {
  const std::string& operator()(const ChmodOp& o) const { return o.path; }
  const std::string& operator()(const auto& o) const { return o.dest; }
};
inline const std::string& destination_of(const MountOp& op) { return std::visit(DestinationOf{}, op); }

struct Spec {
  Action action = Action::run;
  Personality personality = Personality::native;

  Namespaces ns;
  std::optional<uid_t> uid;  // ids inside; default 0 (native)
  std::optional<gid_t> gid;
  std::optional<std::string> hostname;

  std::vector<MountOp> mounts;
  std::vector<Origin> mount_origins;  // one per mount, same order
  // Where mounts[i] came from (one made by hand, in a test, is "operation #N").
  Origin mount_origin(size_t i) const {
    return i < mount_origins.size() ? mount_origins[i] : Origin{"operation", static_cast<unsigned>(i + 1)};
  }
  // Appends a mount made for the caller by what `option` names (one of a kind: no ordinal),
  // its origin kept beside it while the origins are kept one to one.
  void add_mount(MountOp op, const std::string& option) {
    mounts.push_back(std::move(op));
    if (mount_origins.size() + 1 == mounts.size()) mount_origins.push_back(Origin{option, 0});
  }

  std::vector<EnvOp> env;
  std::optional<std::string> chdir;
  std::optional<std::string> argv0;  // argv[0] given to COMMAND
  bool die_with_parent = false;
  bool new_session = false;
  bool as_pid_1 = false;
  uint64_t caps = 0;  // capabilities COMMAND keeps (bit N = capability N)
  std::vector<int> keep_fds;
  bool level_prefix = false;  // diagnostics start with a syslog level
  std::vector<int> args_fds;  // --args: read by the parser, closed before COMMAND

  // Personality defaults, written by the front end
  bool ids_are_callers = false;   // uid/gid inside default to the caller's, not 0
  std::optional<std::string> default_hostname = "sandbox";  // with a uts namespace and no --hostname
  bool close_inherited_fds = true;   // COMMAND gets only what an option names (--keep-fd)
  bool block_tty_injection = true;   // the built-in seccomp rule against TIOCSTI/TIOCLINUX
  bool die_with_monitor = true;      // the sandbox ends when `sandbox` dies, --die-with-parent or not
  // No init where none is needed (no pid namespace, lock or --sync-fd to hold): the sandbox's
  // first process execs COMMAND, which carries the caller's seccomp programs alone and, with
  // --new-session, makes the session itself and leads it, as bubblewrap's COMMAND does.
  bool init_only_where_needed = false;
  bool no_init_needed() const {
    return init_only_where_needed && !ns.pid && !pidns_fd && !as_pid_1 && lock_files.empty() && !sync_fd;
  }
  Wording wording = Wording::own;
  bool host_propagation = false;  // mounts the host makes later appear inside (slave, not private)
  bool auto_dev = true;  // a minimal /dev where no operation mounts on /dev (--no-auto-dev: none)
  bool own_keyring = true;        // a new session keyring, so the caller's is out of reach
  // Missing parents of a destination are narrowed by the permissions the operation has
  // unasked, as bubblewrap's are (0700 under a bind, a symlink or a mount), not only by --perms.
  bool narrow_parents_by_default_perms = false;
  // A destination that climbs above the new root ("/..") is outside it, where the operation
  // has no visible effect, as in bubblewrap; natively ".." stops at the root.
  bool dest_above_root_is_outside = false;

  // Synchronisation and status
  std::optional<int> info_fd, json_status_fd, block_fd, sync_fd, userns_block_fd;
  std::vector<std::string> lock_files;

  // Seccomp: compiled classic BPF programs, applied in order
  std::vector<int> seccomp_fds;
  bool seccomp_exclusive = false;  // came from --seccomp, which allows only one
  std::optional<std::string> exec_label, file_label;

  // Syscall policy by name (security/policy.h), loaded before the programs above.
  std::string seccomp_profile = "default";  // "default", "none" or a JSON file; bwrap: "none"
  std::vector<security::Adjustment> seccomp_adjustments;  // --seccomp-deny/--seccomp-allow, in order
  std::optional<security::SyscallPolicy> seccomp_json;   // the JSON profile's contents, once read
  std::optional<std::string> log_denials;                 // --log-denials FILE ("-": stderr)

  // Landlock (security/landlock.h): the layer natively, where the kernel has one; TCP ports
  // by --allow-tcp-connect/--allow-tcp-bind, in both personalities.
  bool landlock = true;  // bwrap: false
  bool landlock_off = false;  // --no-landlock
  std::vector<PortRange> tcp_connect, tcp_bind;
  std::vector<DenyPath> denies;  // --deny, in order

  // Limits and time (limits/limits.h)
  std::vector<RlimitOp> rlimits;            // in order; a later one of a resource wins
  std::optional<uint64_t> timeout_ms;        // --timeout
  std::string timeout_text;                  // as written, for the message
  uint64_t kill_after_ms = 5000;             // --kill-after
  std::vector<TimeOffset> time_offsets;      // one per clock
  std::vector<Sysctl> sysctls;               // of namespaced settings only (limits/sysctl.h)
  CgroupLimits cgroup;
  bool subids = false;  // --subids: 1..N inside are the caller's subordinate ids
  // The OCI personality, for a config without a user namespace, run by the root of its own:
  // the new namespace maps every id of the caller's 1:1 (uid_map and gid_map lines), so the
  // container has the ids and the files it would have without one of its own.
  std::optional<std::pair<std::string, std::string>> identity_id_maps;
  // process.user's additionalGids (taken with the ids, where they are mapped 1:1) and umask.
  std::vector<gid_t> groups;
  std::optional<mode_t> umask;
  // The OCI personality's --console-socket: a connected unix socket to which COMMAND's process,
  // inside, sends the master of a terminal it opens from the sandbox's /dev/ptmx, whose other
  // end becomes its controlling terminal and standard streams; and the terminal's size.
  std::optional<int> console_socket_fd;
  unsigned short console_rows = 0, console_columns = 0;

  // Network (net/): pasta gives the sandbox's own network namespace outbound access; --netns
  // joins an existing one instead of making one (then ns.net is false).
  bool pasta = false;                      // --network pasta
  std::vector<Publish> publish;            // --publish, in order
  std::optional<std::string> netns_path;   // --netns PATH
  // OCI's linux.namespaces with a path, of the IPC, UTS or cgroup type (CLONE_NEW*): joined by
  // the monitor before the clone, so the sandbox is made in them rather than in new ones.
  std::vector<std::pair<int, std::string>> namespace_paths;

  // The caller's desktop (config/display.h). --share-display: the Xauthority whose cookies for
  // the display main copies into the DataOp waiting for them; --home NAME: the directory kept
  // for it, made (0700) just before the sandbox starts.
  struct Xauthority {
    std::string path, display;
    // --share-display=trusted: the caller's own cookies; otherwise an untrusted one the X
    // server makes for this sandbox alone (desktop/x11.h).
    bool trusted = false;
    bool operator==(const Xauthority&) const = default;
  };
  bool share_display = false;
  std::optional<Xauthority> xauthority;
  std::optional<std::string> home_store;
  // Sockets of the caller's session (Wayland, sound, the filtered bus), shared into the
  // XDG_RUNTIME_DIR inside: /run/user/UID, which main makes once UID inside is known.
  struct RuntimeSocket {
    std::string host_path;  // "" for the bus proxy's, which exists once the proxy runs
    std::string name;       // beneath XDG_RUNTIME_DIR inside
    bool optional = false;
    std::string option;     // the option that asked for it
    bool operator==(const RuntimeSocket&) const = default;
  };
  std::vector<RuntimeSocket> runtime_sockets;
  // --dbus-*: a bus filtered by xdg-dbus-proxy, its address outside and the proxy's rules
  // (--talk=NAME, --call=NAME=RULE, ...) in the order given (desktop/dbus.h).
  struct Bus {
    std::string address;
    std::vector<std::string> rules;
    bool optional = false;  // asked by profiles only: skipped where the bus's socket is missing
    std::string option = {};  // the option that asked for it first (--dbus-own), for messages
    bool operator==(const Bus&) const = default;
  };
  std::optional<Bus> session_bus, system_bus;
  // --as-user: COMMAND is the caller, ids mapped 1:1, with the caller and root in the
  // /etc/passwd and /etc/group inside.
  bool as_user = false;

  // The registry of running sandboxes (launch/registry.h)
  std::optional<std::string> name;  // --name NAME
  std::string join_target;          // --join NAME|PID

  // Existing namespaces and nested user namespaces
  std::optional<int> userns_fd, userns2_fd, pidns_fd;
  bool disable_userns = false;
  bool assert_userns_disabled = false;

  std::vector<std::string> command;
  bool dry_run = false;  // --dry-run: print the plan, make nothing
  bool operator==(const Spec&) const = default;
};

}  // namespace sb

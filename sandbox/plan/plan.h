// plan(): the user's intent (Spec) and the host's facts turned into what launch/ does, as
// plain data, with no system call. --dry-run prints it; the unit tests check it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "host.h"
#include "security/idmap.h"
#include "security/landlock.h"
#include "spec.h"
#include "sys/error.h"

namespace sb {

// One mount step, in the order they are made, as --dry-run shows it.
struct PlannedMount {
  std::string dest, kind, source, flags;
  Origin origin;

  PlannedMount() = default;
  PlannedMount(std::string d, std::string k, std::string s, std::string f, Origin o = {})
      : dest(std::move(d)), kind(std::move(k)), source(std::move(s)), flags(std::move(f)), origin(std::move(o)) {}
  bool operator==(const PlannedMount&) const = default;
};

// The descriptors the caller hands over by option, one slot each, in the shape launch/ owns
// them (launch/handed.h): the plan has their numbers (-1: none, or a number an earlier slot
// already has), launch/ a unique_fd per slot. A number is owned once so it is closed once.
template <typename Slot>
struct Handed {
  static Slot none() {
    if constexpr (std::is_same_v<Slot, int>) return -1;
    else return Slot{};
  }
  Slot info = none(), json_status = none(), block = none(), sync = none(), userns_block = none(),
       userns = none(), userns2 = none(), pidns = none();
  std::vector<Slot> args;     // --args streams, read by the parser already
  std::vector<Slot> seccomp;  // in Spec::seccomp_fds order
  std::vector<Slot> mounts;   // per Spec::mounts index: a --bind-fd source or a data fd
};

// Whether dest, read as text, goes above the directory it starts from ("/..", "/a/../../b").
bool climbs_above_root(std::string_view dest);

struct Plan {
  HostFacts host;

  // Which namespaces are made where. The monitor's clone3 must make the child's user and pid
  // namespaces: the child is inside the one from its first instruction and pid 1 of the other.
  // The rest cost the kernel more than anything else in a start (bench/README.md), and until
  // the root is assembled the child needs none of them but the mount namespace. So, when
  // nothing outside may look at the child's namespaces while it is set up (no --info-fd,
  // --json-status-fd or --pidns), they are made off the monitor's path: once its id maps exist
  // the child unshares the mount, IPC and UTS namespaces itself, and meanwhile a helper of the
  // monitor makes the network namespace (launch/netns.h). Otherwise clone makes them all.
  bool cgroup = false;         // a new cgroup namespace (--unshare-cgroup-try resolved)
  uint64_t clone_flags = 0;    // CLONE_NEW* of the monitor's clone3
  int unshare_flags = 0;       // CLONE_NEW* the child unshares once its id maps exist
  bool net_by_helper = false;  // a helper of the monitor makes the network namespace
  std::vector<const char*> made_namespaces;  // as --info-fd names them: cgroup ipc mnt net pid uts

  // Identity
  uid_t uid = 0;  // inside
  gid_t gid = 0;
  std::optional<security::IdMaps> id_maps;  // none with --userns or --userns-block-fd
  std::optional<std::string> hostname;

  // Security: the seccomp programs of the sandbox's own, loaded before the caller's (which are
  // read from their descriptors inside, then loaded in order), in init and in COMMAND. The
  // syscall profile's program comes first: `default` as compiled when the tool was built, or
  // what compile_seccomp() makes of `syscall_policy`; then the terminal rule, where the
  // profile is not the built-in one that has it.
  std::vector<std::string> builtin_seccomp;
  std::string seccomp_profile;                          // "default", "none" or the JSON file
  bool embedded_default = false;                        // builtin_seccomp[0] is `default` as built
  std::optional<security::SyscallPolicy> syscall_policy;  // to compile before the run
  bool tty_rule = false;                                // the terminal rule is a program of its own
  bool tcp_streams_rule = false;  // TCP port rules given: other ways to a TCP stream refused (compile_seccomp)
  std::optional<std::string> log_denials;               // builtin_seccomp[0]'s denials go there
  std::optional<security::LandlockPlan> landlock;       // entered before init and COMMAND part
  std::optional<security::InitFence> init_fence;        // COMMAND's and joined processes' (landlock.h)

  // Descriptors: which slot owns each number the options name, closed at its last use.
  Handed<int> handed;

  // Filesystem
  bool own_procfs = true;  // --proc mounts a new procfs; without a pid namespace, binds the caller's
  // Per Spec::mounts index: the destination lies outside the new root and the step is left out
  // (under bwrap, "/.."). Empty when there is none.
  std::vector<bool> outside;
  bool left_out(size_t i) const { return i < outside.size() && outside[i]; }
};

Result<Plan> plan(const Spec& spec, const HostFacts& host);

// Which slot owns each descriptor the Spec names (part of plan(); no system call).
Handed<int> plan_handed(const Spec& spec);

// Compiles the plan's syscall policy with libseccomp, where it is not the built-in `default`
// (which was compiled with the tool), and puts it first in builtin_seccomp; with TCP port
// rules, appends the program that keeps them the only way to a TCP stream. Returns warnings
// (names skipped as not this machine's). The one step of planning that needs a system call: a
// memory file for libseccomp to export the program into.
Result<std::vector<std::string>> compile_seccomp(Plan& plan);

// The mount steps as text, for --dry-run and the tests: made only when asked, not on every start.
std::vector<PlannedMount> planned_mounts(const Plan& plan, const Spec& spec);

// --dry-run's text: the mounts, one a line (DEST  KIND  SOURCE  FLAGS  (from ORIGIN)), then the
// namespaces, ids, environment, capabilities, seccomp, Landlock, limits and network.
// `directory`: where COMMAND would start, as --dry-run resolved it ("" when not resolved).
std::string describe(const Plan& plan, const Spec& spec, const std::string& directory = "");

}  // namespace sb

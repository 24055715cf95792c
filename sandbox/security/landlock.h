// The Landlock layer: what COMMAND, init and everything they start may do beyond what the
// mounts let them see. Best effort by the kernel's ABI, except for rules only Landlock can keep
// (TCP ports), which are a setup failure without it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "security/landlock_fs.h"
#include "spec.h"
#include "sys/error.h"

namespace sb::security {

// The kernel's words for what a domain handles (linux/landlock.h; the header of the build
// machine may predate ABI 4 and 6).
inline constexpr uint64_t kLandlockTcpBind = 1u << 0;     // LANDLOCK_ACCESS_NET_BIND_TCP (ABI 4)
inline constexpr uint64_t kLandlockTcpConnect = 1u << 1;  // LANDLOCK_ACCESS_NET_CONNECT_TCP (ABI 4)
inline constexpr uint64_t kLandlockScopeAbstractUnix = 1u << 0;  // LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (ABI 6)
inline constexpr uint64_t kLandlockScopeSignal = 1u << 1;        // LANDLOCK_SCOPE_SIGNAL (ABI 6)

// One port range a right is granted for.
struct PortRule {
  uint64_t access = 0;  // kLandlockTcpBind or kLandlockTcpConnect
  uint16_t first = 0, last = 0;
  bool operator==(const PortRule&) const = default;
};

struct LandlockPlan {
  int abi = 0;
  uint64_t handled_fs = 0;      // filesystem rights restricted to the rules of fs_steps
  std::vector<FsStep> fs_steps;  // the mount steps they are derived from (landlock_fs.h)
  uint64_t handled_net = 0;    // rights restricted to the ports below
  uint64_t scoped = 0;         // IPC scoped to the sandbox
  std::vector<PortRule> ports;  // merged, in order
  bool operator==(const LandlockPlan&) const = default;
};

// From the options and the kernel's ABI: nullopt when there is nothing to do (off, or no
// Landlock and nothing asked of it); an error naming the option when a rule only Landlock can
// keep cannot be kept. `outside`: the mount steps the plan leaves out.
Result<std::optional<LandlockPlan>> plan_landlock(const Spec& spec, int abi, const std::vector<bool>& outside = {});

// --dry-run's line.
std::string describe_landlock(const std::optional<LandlockPlan>& plan, const Spec& spec, int abi);

// What the run found while it built the root, that the filesystem rules need.
struct AssembledRoot {
  std::vector<bool> skipped;         // per mount step: did nothing (a -try bind's missing source)
  std::vector<std::string> missing;  // --deny paths without wildcards that do not exist
  std::vector<Origin> missing_origins;
};

// A --deny path that does not exist can only be kept from being made by Landlock: without the
// filesystem layer, a setup failure naming it.
Result<void> check_denies_kept(const std::optional<LandlockPlan>& plan, const Spec& spec, const AssembledRoot& root);

// Makes the domain and enters it, in the final root. Needs no_new_privs.
Result<void> apply_landlock(const LandlockPlan& plan, const AssembledRoot& root = {});

// The fence between init and the rest of the sandbox. COMMAND and each joined process enter a
// Landlock domain nested inside init's; the kernel then refuses them ptrace access to init
// (/proc/1/mem, environ, fd, process_vm_readv, pidfd_getfd) whatever init's dumpability, so
// init may be dumpable and its /proc files the caller's to read, as bubblewrap's pid 1 is
// (flatpak enter reads its environment and directory). The domain is chosen to restrict
// little: a filesystem right no unprivileged process has (making block devices) where the
// sandbox's own layer already handles filesystem rights (and so already refuses mounts, as
// any such domain does); else (ABI 6) the abstract-socket scope, which leaves mounts and
// signals alone and, natively, repeats what the layer scopes already. What it does restrict:
// COMMAND and joined processes, in sibling domains, cannot trace or look into each other's
// /proc either; under bwrap, COMMAND cannot connect to abstract sockets bound outside it (an
// X11 client then falls back to the socket's path). nullopt where there is no init of a pid
// namespace of the sandbox's own to fence, no Landlock, --no-landlock, or an ABI below 6
// without the filesystem layer: init then stays non-dumpable, as before.
struct InitFence {
  uint64_t handled_fs = 0;
  uint64_t scoped = 0;
  bool operator==(const InitFence&) const = default;
};
std::optional<InitFence> plan_init_fence(const Spec& spec, const std::optional<LandlockPlan>& layer, int abi);

// Makes the fence's domain and enters it. Needs no_new_privs.
Result<void> enter_init_fence(const InitFence& fence);

}  // namespace sb::security

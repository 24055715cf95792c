// The Landlock layer: what COMMAND, init and everything they start may do beyond what the
// mounts let them see. Best effort by the kernel's ABI, except for rules only Landlock can keep
// (TCP ports), which are a setup failure without it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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
  uint64_t handled_net = 0;    // rights restricted to the ports below
  uint64_t scoped = 0;         // IPC scoped to the sandbox
  std::vector<PortRule> ports;  // merged, in order
  bool operator==(const LandlockPlan&) const = default;
};

// From the options and the kernel's ABI: nullopt when there is nothing to do (off, or no
// Landlock and nothing asked of it); an error naming the option when a rule only Landlock can
// keep cannot be kept.
Result<std::optional<LandlockPlan>> plan_landlock(const Spec& spec, int abi);

// --dry-run's line.
std::string describe_landlock(const std::optional<LandlockPlan>& plan, const Spec& spec, int abi);

// Makes the domain and enters it. Needs no_new_privs.
Result<void> apply_landlock(const LandlockPlan& plan);

}  // namespace sb::security

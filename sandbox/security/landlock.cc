#include "security/landlock.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <optional>

#include "sys/fd.h"

namespace sb::security {

namespace {

constexpr int kCapSysAdmin = 21;  // CAP_SYS_ADMIN

// struct landlock_ruleset_attr as of ABI 6; the kernel takes a shorter one from older headers.
struct RulesetAttr {
  uint64_t handled_access_fs = 0;
  uint64_t handled_access_net = 0;
  uint64_t scoped = 0;
};

// struct landlock_net_port_attr (ABI 4).
struct NetPortAttr {
  uint64_t allowed_access = 0;
  uint64_t port = 0;
} __attribute__((packed));

constexpr int kRuleNetPort = 2;  // LANDLOCK_RULE_NET_PORT

// The ranges of one option, sorted and merged.
std::vector<PortRule> merged(const std::vector<PortRange>& ranges, uint64_t access) {
  std::vector<PortRule> rules;
  for (const auto& r : ranges) rules.push_back({access, r.first, r.last});
  std::sort(rules.begin(), rules.end(), [](const PortRule& a, const PortRule& b) { return a.first < b.first; });
  std::vector<PortRule> out;
  for (const auto& r : rules) {
    if (!out.empty() && r.first <= uint32_t{out.back().last} + 1) out.back().last = std::max(out.back().last, r.last);
    else out.push_back(r);
  }
  return out;
}

std::string ports_text(const std::vector<PortRule>& rules, uint64_t access) {
  std::string out;
  for (const auto& r : rules) {
    if (r.access != access) continue;
    if (!out.empty()) out += ", ";
    out += std::to_string(r.first);
    if (r.last != r.first) out += "-" + std::to_string(r.last);
  }
  return out.empty() ? "none" : out;
}

}  // namespace

Result<std::optional<LandlockPlan>> plan_landlock(const Spec& spec, int abi, const std::vector<bool>& outside) {
  const bool ports = !spec.tcp_connect.empty() || !spec.tcp_bind.empty();
  const PortRange* first = !spec.tcp_connect.empty() ? &spec.tcp_connect.front()
                           : !spec.tcp_bind.empty()  ? &spec.tcp_bind.front()
                                                     : nullptr;
  if (ports && spec.landlock_off)
    return fail(first->option + ": TCP port rules are kept by Landlock, which --no-landlock turns off", EINVAL);
  if (ports && abi < 4)
    return fail(first->option + ": TCP port rules need Landlock ABI 4 (Linux 6.7); this kernel has " +
                    (abi ? "ABI " + std::to_string(abi) : std::string("no Landlock")),
                EOPNOTSUPP);
  LandlockPlan p;
  p.abi = abi;
  if (ports) {
    // Either option restricts both: a port not named for connect (or bind) is refused.
    p.handled_net = kLandlockTcpBind | kLandlockTcpConnect;
    for (auto [ranges, access] : {std::pair{&spec.tcp_connect, kLandlockTcpConnect}, std::pair{&spec.tcp_bind, kLandlockTcpBind}}) {
      auto rules = merged(*ranges, access);
      // Every port: nothing to restrict for that right.
      if (rules.size() == 1 && rules[0].first == 0 && rules[0].last == 65535) {
        p.handled_net &= ~access;
        continue;
      }
      p.ports.insert(p.ports.end(), rules.begin(), rules.end());
    }
  }
  // IPC scoped to the sandbox: abstract unix sockets and signals of processes outside it are
  // out of reach, even with --share-net or --share-pid.
  if (spec.landlock && !spec.landlock_off && abi >= 6) p.scoped = kLandlockScopeAbstractUnix | kLandlockScopeSignal;
  // The filesystem rules: natively, and wherever --deny may need them. A domain with them
  // forbids every mount, so they are left out when COMMAND keeps CAP_SYS_ADMIN to mount with,
  // unless --deny needs them: that capability could unmount the covers of denied paths.
  const bool keeps_sys_admin = spec.caps & (uint64_t{1} << kCapSysAdmin);
  // Masks (OCI's maskedPaths) are covers alone, as runc's are; --deny may need Landlock.
  const bool denies = std::any_of(spec.denies.begin(), spec.denies.end(), [](const DenyPath& d) { return !d.if_present; });
  const bool fs_possible = !spec.landlock_off && abi >= 1;
  if (denies && keeps_sys_admin && !fs_possible)
    return fail("--deny " + spec.denies.front().pattern +
                    ": COMMAND keeps CAP_SYS_ADMIN, with which it could unmount what covers the path; only Landlock "
                    "can forbid that, and " +
                    (spec.landlock_off ? std::string("--no-landlock turns it off") : "this kernel has no Landlock"),
                EOPNOTSUPP);
  if (fs_possible && ((spec.landlock && !keeps_sys_admin) || denies)) {
    p.handled_fs = fs_rights_of_abi(abi);
    p.fs_steps = plan_fs_steps(spec, outside);
  }
  if (!p.handled_fs && !p.handled_net && !p.scoped) return std::optional<LandlockPlan>();
  return std::optional<LandlockPlan>(std::move(p));
}

namespace {

// The --deny paths: covered by mounts where they exist, whatever Landlock does.
std::string denied_text(const Spec& spec) {
  std::string out;
  for (const auto& d : spec.denies) out += "; denied: " + d.pattern + " (" + d.origin.str() + ")";
  return out;
}

}  // namespace

std::string describe_landlock(const std::optional<LandlockPlan>& plan, const Spec& spec, int abi) {
  if (spec.landlock_off) return "landlock: off (--no-landlock)" + denied_text(spec);
  if (!plan) {
    if (!abi) return "landlock: none (this kernel has no Landlock)" + denied_text(spec);
    if (!spec.landlock) return "landlock: none (ABI " + std::to_string(abi) + " here; the drop-in adds none unless asked)";
    return "landlock: none (ABI " + std::to_string(abi) +
           ": nothing scoped before ABI 6, and no filesystem rules while COMMAND keeps CAP_SYS_ADMIN)";
  }
  std::string out = "landlock: ABI " + std::to_string(plan->abi);
  if (!plan->handled_fs && spec.landlock) out += "; no filesystem rules (COMMAND keeps CAP_SYS_ADMIN to mount with)";
  if (plan->handled_fs) {
    out += "; files:";
    bool first = true;
    for (const auto& [path, grant] : fs_grants(plan->fs_steps)) {
      out += std::string(first ? " " : ", ") + fs_rights_text(grant.access) + " " + path + " (" + grant.origin.str() + ")";
      first = false;
    }
  }
  out += denied_text(spec);
  if (plan->scoped) out += "; abstract unix sockets and signals scoped to the sandbox";
  if (plan->handled_net) {
    out += "; TCP connect: " + (plan->handled_net & kLandlockTcpConnect ? ports_text(plan->ports, kLandlockTcpConnect) : "any");
    out += "; TCP bind: " + (plan->handled_net & kLandlockTcpBind ? ports_text(plan->ports, kLandlockTcpBind) : "any");
  }
  return out + "; in init and COMMAND";
}

Result<void> check_denies_kept(const std::optional<LandlockPlan>& plan, const Spec& spec, const AssembledRoot& root) {
  if (root.missing.empty() || (plan && plan->handled_fs)) return {};
  const Origin& origin = root.missing_origins.front();
  const std::string& path = root.missing.front();
  std::string pattern = origin.ordinal >= 1 && origin.ordinal <= spec.denies.size() ? spec.denies[origin.ordinal - 1].pattern : path;
  std::string why = spec.landlock_off ? "--no-landlock turns it off" : "this kernel has no Landlock";
  return fail("--deny " + pattern + ": " + path + " does not exist, and only Landlock can keep it from being made; " + why,
              EOPNOTSUPP);
}

std::optional<InitFence> plan_init_fence(const Spec& spec, const std::optional<LandlockPlan>& layer, int abi) {
  if (!spec.ns.pid || spec.pidns_fd || spec.as_pid_1 || abi <= 0 || spec.landlock_off) return std::nullopt;
  if (layer && layer->handled_fs) return InitFence{kFsMakeBlock, 0};
  if (abi < 6) return std::nullopt;
  return InitFence{0, kLandlockScopeAbstractUnix};
}

namespace {

Result<unique_fd> make_ruleset(const RulesetAttr& attr, const char* what) {
  // The kernel reads as much of the struct as its ABI knows; trailing zeros are fine.
  size_t size = attr.scoped ? sizeof attr : 2 * sizeof(uint64_t);
  unique_fd ruleset(static_cast<int>(::syscall(SYS_landlock_create_ruleset, &attr, size, 0)));
  if (!ruleset) return fail_errno(std::string("Can't make ") + what);
  return ruleset;
}

Result<void> restrict_self(int ruleset, const char* what) {
  if (::syscall(SYS_landlock_restrict_self, ruleset, 0) < 0) return fail_errno(std::string("Can't enter ") + what);
  return {};
}

}  // namespace

Result<void> enter_init_fence(const InitFence& fence) {
  constexpr const char* kWhat = "the Landlock domain that fences init off";
  TRY_ASSIGN(unique_fd ruleset, make_ruleset({fence.handled_fs, 0, fence.scoped}, kWhat));
  return restrict_self(ruleset.get(), kWhat);
}

Result<void> apply_landlock(const LandlockPlan& plan, const AssembledRoot& root) {
  TRY_ASSIGN(unique_fd ruleset, make_ruleset({plan.handled_fs, plan.handled_net, plan.scoped}, "the Landlock ruleset"));
  if (plan.handled_fs) {
    std::vector<std::string> no_create;
    for (const auto& path : root.missing)
      if (std::string dir = deepest_existing_dir(path); !dir.empty()) no_create.push_back(std::move(dir));
    TRY(add_fs_rules(ruleset.get(), plan.handled_fs, fs_grants(plan.fs_steps, root.skipped), no_create));
  }
  for (const auto& r : plan.ports)
    for (uint32_t port = r.first; port <= r.last; ++port) {
      NetPortAttr rule{r.access, port};
      if (::syscall(SYS_landlock_add_rule, ruleset.get(), kRuleNetPort, &rule, 0) < 0)
        return fail_errno("Can't add the Landlock rule for TCP port " + std::to_string(port));
    }
  return restrict_self(ruleset.get(), "the Landlock domain");
}

}  // namespace sb::security

#include "plan/plan.h"

#include <sched.h>

#include <cstdio>
#include <set>

#include "security/compile.h"
#include "security/default_profile.h"
#include "security/seccomp.h"
#include "sys/paths.h"

namespace sb {

namespace {

std::string octal(mode_t mode) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode));
  return buf;
}

const char* bind_kind(BindKind k) {
  switch (k) {
    case BindKind::rw: return "bind";
    case BindKind::ro: return "ro-bind";
    case BindKind::dev: return "dev-bind";
  }
  return "bind";
}

std::string bind_flags(BindKind k) {
  std::string f = k == BindKind::ro ? "ro,nosuid,nodev" : k == BindKind::dev ? "nosuid" : "nosuid,nodev";
  return f + ",recursive";
}

constexpr const char* kProcCovers = "; sys sysrq-trigger irq bus read-only";

// What one operation does, for the plan's list.
struct Describe {
  const Plan& plan;

  PlannedMount operator()(const BindOp& b) const {
    std::string source = b.src_fd ? "fd " + std::to_string(*b.src_fd) : b.src;
    return {b.dest, bind_kind(b.kind), source, bind_flags(b.kind) + (b.optional ? ",skipped if missing" : "")};
  }
  PlannedMount operator()(const ProcOp& o) const {
    if (plan.own_procfs) return {o.dest, "proc", "proc", std::string("nosuid,nodev,noexec") + kProcCovers};
    return {o.dest, "bind", "/proc", std::string("nosuid,nodev,recursive") + kProcCovers};
  }
  PlannedMount operator()(const DevOp& o) const {
    return {o.dest, "dev", "tmpfs", "nosuid,nodev,mode=0755; null zero full random urandom tty, pts, shm"};
  }
  PlannedMount operator()(const TmpfsOp& o) const {
    std::string f = "nosuid,nodev,mode=" + octal(o.perms.value_or(0755));
    if (o.size) f += ",size=" + std::to_string(*o.size);
    return {o.dest, "tmpfs", "tmpfs", f};
  }
  PlannedMount operator()(const DirOp& o) const { return {o.dest, "dir", "-", "mode=" + octal(o.perms.value_or(0755))}; }
  PlannedMount operator()(const SymlinkOp& o) const { return {o.dest, "symlink", o.target, "-"}; }
  PlannedMount operator()(const RemountRoOp& o) const { return {o.dest, "remount", "-", "ro"}; }
  PlannedMount operator()(const ChmodOp& o) const { return {o.path, "chmod", "-", "mode=" + octal(o.mode)}; }
  PlannedMount operator()(const DataOp& o) const {
    const char* kind = !o.bind ? "file" : o.ro ? "ro-bind-data" : "bind-data";
    mode_t mode = o.perms.value_or(o.bind ? 0600 : 0666);
    // --dry-run asks nothing of the X server: the cookie --share-display would get is made at start.
    std::string source = o.fd == kDataPendingXauthority ? "(the X11 cookie, made at start)" : "fd " + std::to_string(o.fd);
    return {o.dest, kind, source, "mode=" + octal(mode) + (o.ro ? ",ro" : "")};
  }
  PlannedMount operator()(const MqueueOp& o) const { return {o.dest, "mqueue", "mqueue", "nosuid,nodev,noexec"}; }
  PlannedMount operator()(const OverlayOp& o) const {
    std::string lower;
    for (auto it = o.lower.rbegin(); it != o.lower.rend(); ++it) lower += (lower.empty() ? "" : ":") + *it;
    switch (o.kind) {
      case OverlayKind::rw: return {o.dest, "overlay", lower, "nosuid,nodev,upper=" + o.upper + ",work=" + o.work};
      case OverlayKind::tmp: return {o.dest, "tmp-overlay", lower, "nosuid,nodev,upper in a hidden tmpfs"};
      case OverlayKind::ro: return {o.dest, "ro-overlay", lower, "ro,nosuid,nodev"};
    }
    return {};
  }
};

// --subids: uid and gid 0 are the caller's, 1..N the caller's subordinate ranges.
Result<void> plan_subids(const Spec& spec, const HostFacts& host, Plan& p) {
  if (!p.id_maps) return fail("--subids: the user namespace is not this sandbox's to map (--userns, --userns-block-fd)", EINVAL);
  // Ids that default to the caller's (--as-user, bwrap) are 0 only for root.
  const bool callers_are_root = host.uid == 0 && host.gid == 0;
  if (spec.uid.value_or(0) != 0 || spec.gid.value_or(0) != 0 || (spec.ids_are_callers && !callers_are_root))
    return fail(std::string("--subids: COMMAND runs as uid and gid 0, which are the caller's; ") +
                    (spec.as_user ? "--as-user" : "--uid and --gid") + " cannot be combined with it",
                EINVAL);
  if (!host.subids) return fail("--subids: the caller's subordinate ids were not read", EINVAL);
  const auto& ids = *host.subids;
  std::string who = ids.user.empty() ? "uid " + std::to_string(host.uid) : ids.user;
  if (!ids.uid_count) return fail("--subids: " + who + " has no range in /etc/subuid", ENOENT);
  if (!ids.gid_count) return fail("--subids: " + who + " has no range in /etc/subgid", ENOENT);
  if (ids.newuidmap.empty() || ids.newgidmap.empty())
    return fail(std::string("--subids: ") + (ids.newuidmap.empty() ? "newuidmap" : "newgidmap") +
                    " is not installed (Debian package uidmap)",
                ENOENT);
  auto line = [](uint64_t inside, uint64_t outside, uint64_t count) {
    return std::to_string(inside) + " " + std::to_string(outside) + " " + std::to_string(count) + "\n";
  };
  p.uid = p.gid = 0;
  p.id_maps->uid_map = line(0, host.uid, 1) + line(1, ids.uid_start, ids.uid_count);
  p.id_maps->gid_map = line(0, host.gid, 1) + line(1, ids.gid_start, ids.gid_count);
  p.id_maps->newuidmap = ids.newuidmap;
  p.id_maps->newgidmap = ids.newgidmap;
  return {};
}

}  // namespace

bool climbs_above_root(std::string_view dest) {
  int depth = 0;
  for (std::string_view c : sys::path_components(dest)) {
    if (c == ".") continue;
    depth += c == ".." ? -1 : 1;
    if (depth < 0) return true;
  }
  return false;
}

Result<Plan> plan(const Spec& spec, const HostFacts& host) {
  Plan p;
  p.host = host;
  const auto& ns = spec.ns;

  // Namespaces
  if (ns.cgroup && !host.cgroup_namespaces && !ns.cgroup_try)
    return fail("Cannot create new cgroup namespace because the kernel does not support it");
  p.cgroup = ns.cgroup && host.cgroup_namespaces;
  const bool unobserved = !spec.info_fd && !spec.json_status_fd && !spec.pidns_fd;
  p.clone_flags = spec.userns_fd ? 0 : CLONE_NEWUSER;
  // After joining --pidns the kernel refuses CLONE_NEWPID here; the child makes it instead.
  if (ns.pid && !spec.pidns_fd) p.clone_flags |= CLONE_NEWPID;
  if (p.cgroup) p.clone_flags |= CLONE_NEWCGROUP;
  // pasta joins the network namespace by the child's pid, so the child is in it from the start.
  if (spec.pasta) p.clone_flags |= CLONE_NEWNET;
  if (unobserved) {
    p.unshare_flags = CLONE_NEWNS | (ns.ipc ? CLONE_NEWIPC : 0) | (ns.uts ? CLONE_NEWUTS : 0);
    p.net_by_helper = ns.net && !spec.pasta;
  } else {
    p.clone_flags |= CLONE_NEWNS | (ns.ipc ? CLONE_NEWIPC : 0u) | (ns.uts ? CLONE_NEWUTS : 0u) |
                     (ns.net ? CLONE_NEWNET : 0u);
  }
  if (spec.netns_path && spec.subids)
    return fail("--netns cannot be combined with --subids: the sandbox's ids are mapped in the namespace's owner", EINVAL);
  struct Made {
    const char* name;
    bool made;
  };
  for (const Made& m : {Made{"cgroup", p.cgroup}, Made{"ipc", ns.ipc}, Made{"mnt", true}, Made{"net", ns.net},
                        Made{"pid", ns.pid}, Made{"uts", ns.uts}})
    if (m.made) p.made_namespaces.push_back(m.name);

  // Identity: one id inside onto the caller's.
  p.uid = spec.uid.value_or(spec.ids_are_callers ? host.uid : 0);
  p.gid = spec.gid.value_or(spec.ids_are_callers ? host.gid : 0);
  if (!spec.userns_fd && !spec.userns_block_fd)
    p.id_maps = security::IdMaps{security::id_map_line(p.uid, host.uid), security::id_map_line(p.gid, host.gid)};
  if (spec.subids) TRY(plan_subids(spec, host, p));
  if (spec.identity_id_maps && p.id_maps) {
    p.id_maps->uid_map = spec.identity_id_maps->first;
    p.id_maps->gid_map = spec.identity_id_maps->second;
    p.id_maps->allow_setgroups = true;
  }
  if (ns.uts) p.hostname = spec.hostname ? spec.hostname : spec.default_hostname;
  if (p.hostname && p.hostname->empty()) p.hostname.reset();

  // The syscall profile, then no terminal injection, with --new-session or without
  // (CVE-2017-5226): `default` has that rule in it; any other profile gets it as a program of
  // its own, which --seccomp-allow cannot take out.
  p.seccomp_profile = spec.seccomp_profile;
  const bool adjusted = !spec.seccomp_adjustments.empty();
  if (spec.seccomp_profile == "default" && !adjusted) {
    p.embedded_default = true;
    p.builtin_seccomp.emplace_back(reinterpret_cast<const char*>(security::kDefaultProfileBpf),
                                   security::kDefaultProfileBpfSize);
  } else if (spec.seccomp_profile == "default" || spec.seccomp_profile == "none" || spec.seccomp_json) {
    // --seccomp-deny without a profile: everything else allowed.
    if (spec.seccomp_profile == "default") p.syscall_policy = security::default_policy();
    else if (spec.seccomp_json) p.syscall_policy = *spec.seccomp_json;
    else if (adjusted) p.syscall_policy = security::SyscallPolicy{};
    if (p.syscall_policy) security::adjust(*p.syscall_policy, spec.seccomp_adjustments);
  } else {
    return fail("--seccomp-profile " + spec.seccomp_profile + ": the profile was not read", EINVAL);
  }
  p.tty_rule = spec.block_tty_injection && !p.embedded_default;
  if (p.tty_rule && !p.syscall_policy) p.builtin_seccomp.push_back(security::tty_injection_filter());
  if (spec.log_denials) {
    if (!p.embedded_default && !p.syscall_policy)
      return fail("--log-denials: there is no syscall profile whose denials it could log (--seccomp-profile none)", EINVAL);
    p.log_denials = spec.log_denials;
  }

  p.handed = plan_handed(spec);

  // Filesystem, in order.
  p.own_procfs = ns.pid || spec.pidns_fd;
  // bubblewrap builds the new root in a directory of a scratch tmpfs: a destination that
  // climbs above it lands in that tmpfs, where nothing inside sees it.
  if (spec.dest_above_root_is_outside)
    for (size_t i = 0; i < spec.mounts.size(); ++i)
      if (climbs_above_root(destination_of(spec.mounts[i]))) {
        p.outside.resize(spec.mounts.size());
        p.outside[i] = true;
      }
  // Landlock's filesystem rules are derived from the mount steps that remain.
  TRY_ASSIGN(p.landlock, security::plan_landlock(spec, host.landlock_abi, p.outside));
  p.init_fence = security::plan_init_fence(spec, p.landlock, host.landlock_abi);
  // Landlock's port rules hold for IPPROTO_TCP sockets alone.
  p.tcp_streams_rule = p.landlock && p.landlock->handled_net;
  return p;
}

Handed<int> plan_handed(const Spec& spec) {
  // A number named twice is owned by its first slot only: closing it twice could close a
  // descriptor of ours that took the number in between. The later option then finds it
  // closed, as in bubblewrap.
  std::set<int> owned;
  auto own_int = [&](int fd) { return owned.insert(fd).second ? fd : -1; };
  auto own = [&](const std::optional<int>& fd) { return fd ? own_int(*fd) : -1; };
  Handed<int> h;
  h.info = own(spec.info_fd);
  h.json_status = own(spec.json_status_fd);
  h.block = own(spec.block_fd);
  h.sync = own(spec.sync_fd);
  h.userns_block = own(spec.userns_block_fd);
  h.userns = own(spec.userns_fd);
  h.userns2 = own(spec.userns2_fd);
  h.pidns = own(spec.pidns_fd);
  for (int fd : spec.args_fds) h.args.push_back(own_int(fd));
  for (int fd : spec.seccomp_fds) h.seccomp.push_back(own_int(fd));
  for (const auto& op : spec.mounts) {
    if (const auto* b = std::get_if<BindOp>(&op); b && b->src_fd) h.mounts.push_back(own_int(*b->src_fd));
    else if (const auto* d = std::get_if<DataOp>(&op)) h.mounts.push_back(own_int(d->fd));
    else h.mounts.push_back(-1);
  }
  return h;
}

Result<std::vector<std::string>> compile_seccomp(Plan& p) {
  std::vector<std::string> warnings;
  if (p.syscall_policy) {
    // Errors name the rule's origin: the JSON file and entry, or the option that added it.
    TRY_ASSIGN(auto compiled, security::compile_policy(*p.syscall_policy));
    p.builtin_seccomp.insert(p.builtin_seccomp.begin(), std::move(compiled.bpf));
    if (p.tty_rule) p.builtin_seccomp.push_back(security::tty_injection_filter());
    warnings = std::move(compiled.warnings);
  }
  if (p.tcp_streams_rule) {
    TRY_ASSIGN(auto compiled, security::compile_policy(security::tcp_streams_policy()));
    p.builtin_seccomp.push_back(std::move(compiled.bpf));
  }
  return warnings;
}

std::vector<PlannedMount> planned_mounts(const Plan& p, const Spec& spec) {
  std::vector<PlannedMount> out;
  for (size_t i = 0; i < spec.mounts.size(); ++i) {
    PlannedMount m = std::visit(Describe{p}, spec.mounts[i]);
    m.origin = spec.mount_origin(i);
    if (p.left_out(i)) m.flags = "outside the new root: no effect";
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace sb

// plan(): the decisions a run makes, checked as plain data, without privilege.
#include "plan/plan.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <map>
#include <string>
#include <vector>

#include "cli/parse.h"
#include "security/default_profile.h"
#include "security/deny.h"
#include "security/landlock_fs.h"
#include "security/seccomp.h"

namespace sb {
namespace {

HostFacts host(uid_t uid = 1000, gid_t gid = 100) {
  HostFacts h;
  h.uid = uid;
  h.gid = gid;
  h.cwd = "/home/u";
  return h;
}

// Without the automatic /dev, which the plans below are not about (Plan.AutomaticDev is).
Spec spec_of(std::vector<std::string> args, std::string argv0 = "sandbox") {
  if (argv0 == "sandbox") args.insert(args.begin(), "--no-auto-dev");
  auto r = cli::parse(args, argv0);
  EXPECT_TRUE(r) << (r ? "" : r.error().message());
  return r ? r->spec : Spec{};
}

Plan plan_of(std::vector<std::string> args, std::string argv0 = "sandbox", HostFacts h = host()) {
  auto p = plan(spec_of(std::move(args), std::move(argv0)), h);
  EXPECT_TRUE(p) << (p ? "" : p.error().message());
  return p ? *p : Plan{};
}

std::vector<std::string> names(const std::vector<const char*>& v) { return {v.begin(), v.end()}; }

TEST(Plan, NativeDefaults) {
  Plan p = plan_of({"true"});
  EXPECT_EQ(p.uid, 0u);
  EXPECT_EQ(p.gid, 0u);
  ASSERT_TRUE(p.id_maps);
  EXPECT_EQ(*p.id_maps, (security::IdMaps{"0 1000 1\n", "0 100 1\n"}));
  EXPECT_EQ(p.hostname, "sandbox");
  // Unobserved setup: clone makes only what must exist from the start.
  EXPECT_EQ(p.clone_flags, uint64_t{CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWCGROUP});
  EXPECT_EQ(p.unshare_flags, CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS);
  EXPECT_TRUE(p.net_by_helper);
  EXPECT_EQ(names(p.made_namespaces), (std::vector<std::string>{"cgroup", "ipc", "mnt", "net", "pid", "uts"}));
  EXPECT_TRUE(p.own_procfs);
  // The `default` syscall profile as compiled with the tool, the terminal rule in it.
  ASSERT_EQ(p.builtin_seccomp.size(), 1u);
  EXPECT_TRUE(p.embedded_default);
  EXPECT_EQ(p.builtin_seccomp[0], std::string(reinterpret_cast<const char*>(security::kDefaultProfileBpf),
                                              security::kDefaultProfileBpfSize));
  EXPECT_FALSE(p.tty_rule);
}

TEST(Plan, BwrapDefaults) {
  Plan p = plan_of({"--ro-bind", "/", "/", "true"}, "bwrap");
  EXPECT_EQ(p.uid, 1000u);
  EXPECT_EQ(p.gid, 100u);
  EXPECT_EQ(*p.id_maps, (security::IdMaps{"1000 1000 1\n", "100 100 1\n"}));
  EXPECT_FALSE(p.hostname);
  EXPECT_EQ(p.clone_flags, uint64_t{CLONE_NEWUSER});
  EXPECT_EQ(p.unshare_flags, CLONE_NEWNS);
  EXPECT_FALSE(p.net_by_helper);
  EXPECT_EQ(names(p.made_namespaces), (std::vector<std::string>{"mnt"}));
  EXPECT_FALSE(p.own_procfs);  // no pid namespace: --proc binds the caller's
  EXPECT_TRUE(p.builtin_seccomp.empty());     // as bubblewrap: only --new-session protects the terminal
  Plan all = plan_of({"--unshare-all", "--hostname", "h", "true"}, "bwrap");
  EXPECT_EQ(all.hostname, "h");
  EXPECT_EQ(names(all.made_namespaces), (std::vector<std::string>{"cgroup", "ipc", "mnt", "net", "pid", "uts"}));
}

TEST(Plan, ObservedSetupClonesEverything) {
  for (std::vector<std::string> args : {std::vector<std::string>{"--info-fd", "3", "true"},
                                        std::vector<std::string>{"--json-status-fd", "3", "true"}}) {
    Plan p = plan_of(args);
    EXPECT_EQ(p.clone_flags, uint64_t{CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWCGROUP | CLONE_NEWNS | CLONE_NEWIPC |
                                      CLONE_NEWUTS | CLONE_NEWNET});
    EXPECT_EQ(p.unshare_flags, 0);
    EXPECT_FALSE(p.net_by_helper);
  }
  // After joining --pidns the pid namespace is the child's to make, and so is everything else.
  Plan pidns = plan_of({"--pidns", "3", "true"});
  EXPECT_FALSE(pidns.clone_flags & CLONE_NEWPID);
  EXPECT_TRUE(pidns.clone_flags & CLONE_NEWNS);
  EXPECT_TRUE(pidns.own_procfs);
}

// The plan says which slot owns each descriptor an option names; a number named twice is
// owned by its first slot, so it is closed once. The plan holds numbers only: making it
// closes nothing of this process.
TEST(Plan, InitFence) {
  HostFacts abi7 = host(), abi5 = host(), none = host();
  abi7.landlock_abi = 7;
  abi5.landlock_abi = 5;
  none.landlock_abi = 0;
  // Natively the layer handles files already: the fence handles one right nobody has.
  auto native = plan_of({"true"}, "sandbox", abi7).init_fence;
  ASSERT_TRUE(native);
  EXPECT_EQ(*native, (security::InitFence{security::kFsMakeBlock, 0}));
  EXPECT_EQ(plan_of({"true"}, "sandbox", abi5).init_fence, native);
  // Without file rules of its own (bwrap; CAP_SYS_ADMIN kept), a scope, which leaves mounts be.
  auto scoped = security::InitFence{0, security::kLandlockScopeAbstractUnix};
  EXPECT_EQ(plan_of({"--unshare-pid", "--ro-bind", "/", "/", "true"}, "bwrap", abi7).init_fence, scoped);
  EXPECT_EQ(plan_of({"--cap-add", "CAP_SYS_ADMIN", "true"}, "sandbox", abi7).init_fence, scoped);
  // None where that would restrict something, where init is not a pid namespace's own, or
  // where there is no Landlock: init then stays non-dumpable.
  EXPECT_FALSE(plan_of({"--unshare-pid", "--ro-bind", "/", "/", "true"}, "bwrap", abi5).init_fence);
  EXPECT_FALSE(plan_of({"--ro-bind", "/", "/", "--lock-file", "/x", "true"}, "bwrap", abi7).init_fence);
  EXPECT_FALSE(plan_of({"--share-pid", "true"}, "sandbox", abi7).init_fence);
  EXPECT_FALSE(plan_of({"--as-pid-1", "true"}, "sandbox", abi7).init_fence);
  EXPECT_FALSE(plan_of({"--no-landlock", "true"}, "sandbox", abi7).init_fence);
  EXPECT_FALSE(plan_of({"true"}, "sandbox", none).init_fence);
}

TEST(Plan, DescriptorsHaveOneOwnerEach) {
  int fd[4];
  for (int& f : fd) ASSERT_GE(f = open("/dev/null", O_RDONLY | O_CLOEXEC), 0);
  auto n = [&](int i) { return std::to_string(fd[i]); };
  Plan p = plan_of({"--info-fd", n(0), "--json-status-fd", n(0), "--tmpfs", "/t", "--file", n(1), "/t/f",
                    "--bind-fd", n(2), "/b", "--add-seccomp-fd", n(3), "--add-seccomp-fd", n(3), "--sync-fd", n(1),
                    "true"},
                   "bwrap");
  EXPECT_EQ(p.handed.info, fd[0]);
  EXPECT_EQ(p.handed.json_status, -1);
  // --file's number is also --sync-fd's, whose slot comes first: --file finds it closed.
  EXPECT_EQ(p.handed.sync, fd[1]);
  EXPECT_EQ(p.handed.mounts, (std::vector<int>{-1, -1, fd[2]}));
  EXPECT_EQ(p.handed.seccomp, (std::vector<int>{fd[3], -1}));
  EXPECT_EQ(p.handed.block, -1);
  EXPECT_TRUE(p.handed.args.empty());
  for (int f : fd) {
    EXPECT_NE(fcntl(f, F_GETFD), -1) << f;
    close(f);
  }
}

// Landlock's filesystem rights follow the mount steps: read beneath every mount, write beneath
// the writable ones; a later mount hides what was beneath it; --dir and --file on the new
// root are writable, on a read-only bind they are not; --remount-ro takes the write away.
TEST(Plan, LandlockFileRightsFollowTheMounts) {
  using namespace security;
  auto grants = [](std::vector<std::string> args, std::vector<bool> skipped = {}) {
    Spec spec = spec_of(std::move(args));
    std::map<std::string, uint64_t> out;
    for (const auto& [path, g] : fs_grants(plan_fs_steps(spec, {}), skipped)) out[path] = g.access;
    return out;
  };
  using G = std::map<std::string, uint64_t>;
  EXPECT_EQ(grants({"--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp/", "true"}),
            (G{{"/", kFsRead}, {"/usr", kFsRead}, {"/proc", kFsProc}, {"/dev", kFsDevices}, {"/tmp", kFsWrite}}));
  EXPECT_EQ(grants({"--dir", "/work", "--ro-bind", "/usr", "/usr", "--dir", "/usr/x", "--dev-bind", "/dev", "/dev", "true"}),
            (G{{"/", kFsRead}, {"/work", kFsWrite}, {"/usr", kFsRead}, {"/dev", kFsDevices}}));
  // A root bound writable, then a tmpfs over a bind, then a read-only remount.
  EXPECT_EQ(grants({"--bind", "/srv/root", "/", "--ro-bind", "/a", "/x/y", "--tmpfs", "/x", "--tmpfs", "/z",
                    "--remount-ro", "/z", "true"}),
            (G{{"/", kFsWrite}, {"/x", kFsWrite}, {"/z", kFsRead}}));
  // Files: a file's rights only; --ro-bind-data read.
  auto files = grants({"--file", "5", "/etc/passwd", "--ro-bind-data", "6", "/etc/group", "true"});
  EXPECT_EQ(files["/etc/passwd"], kFsWrite & kFsFileRights);
  EXPECT_EQ(files["/etc/group"], kFsRead & kFsFileRights);
  // A -try bind whose source was missing did nothing: what was there stays.
  EXPECT_EQ(grants({"--tmpfs", "/t", "--bind-try", "/nope", "/t", "true"}, {false, true}),
            (G{{"/", kFsRead}, {"/t", kFsWrite}}));
  // The rights each ABI knows.
  EXPECT_EQ(fs_rights_of_abi(0), 0u);
  EXPECT_EQ(fs_rights_of_abi(1) & kFsRefer, 0u);
  EXPECT_NE(fs_rights_of_abi(2) & kFsRefer, 0u);
  EXPECT_EQ(fs_rights_of_abi(2) & kFsTruncate, 0u);
  EXPECT_EQ(fs_rights_of_abi(4) & kFsIoctlDev, 0u);
  EXPECT_EQ(fs_rights_of_abi(7), kFsDevices);
  EXPECT_EQ(fs_rights_text(kFsRead), "read");
  EXPECT_EQ(fs_rights_text(kFsDevices), "read, write, devices");
  EXPECT_EQ(fs_rights_text(kFsProc), "read, write files");
}

TEST(Plan, DenyPatterns) {
  using security::split_deny_pattern;
  EXPECT_EQ(*split_deny_pattern("/a//b/./c/"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(*split_deny_pattern("/src/**/.env"), (std::vector<std::string>{"src", "**", ".env"}));
  EXPECT_TRUE(split_deny_pattern("/a/[]x]/[!]]"));
  EXPECT_TRUE(split_deny_pattern("/a/\\[x"));
  for (const char* bad : {"a/b", "", "/", "/a/../b", "/a/b**", "/a/[bc", "/a/[!"})
    EXPECT_FALSE(split_deny_pattern(bad)) << bad;
  EXPECT_TRUE(security::has_wildcard("*.key"));
  EXPECT_TRUE(security::has_wildcard("q?"));
  EXPECT_FALSE(security::has_wildcard(".env"));
}

TEST(Plan, JoinedUserNamespaceHasNoMaps) {
  Plan p = plan_of({"--userns", "3", "true"});
  EXPECT_FALSE(p.clone_flags & CLONE_NEWUSER);
  EXPECT_FALSE(p.id_maps);
  Plan blocked = plan_of({"--unshare-user", "--info-fd", "3", "--userns-block-fd", "4", "true"}, "bwrap");
  EXPECT_FALSE(blocked.id_maps);
}

TEST(Plan, CgroupNamespaceFollowsTheKernel) {
  HostFacts old = host();
  old.cgroup_namespaces = false;
  Plan tried = plan_of({"--unshare-cgroup-try", "true"}, "bwrap", old);
  EXPECT_FALSE(tried.cgroup);
  EXPECT_FALSE(tried.clone_flags & CLONE_NEWCGROUP);
  auto refused = plan(spec_of({"--unshare-cgroup", "true"}, "bwrap"), old);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message(), "Cannot create new cgroup namespace because the kernel does not support it");
  // Natively the cgroup namespace is asked for by default: a kernel without them is refused.
  EXPECT_FALSE(plan(spec_of({"true"}), old));
  EXPECT_TRUE(plan_of({"true"}).cgroup);
  EXPECT_FALSE(plan_of({"--share-cgroup", "true"}).cgroup);
}

TEST(Plan, IdsAndHostname) {
  Plan p = plan_of({"--uid", "5", "--gid", "6", "--hostname", "box", "true"});
  EXPECT_EQ(*p.id_maps, (security::IdMaps{"5 1000 1\n", "6 100 1\n"}));
  EXPECT_EQ(p.hostname, "box");
  EXPECT_FALSE(plan_of({"--share-uts", "true"}).hostname);
  // As root outside.
  EXPECT_EQ(plan_of({"true"}, "bwrap", host(0, 0)).id_maps->uid_map, "0 0 1\n");
}

TEST(Plan, MountsInOrderWithOrigins) {
  Spec s = spec_of({"--ro-bind", "/usr", "/usr", "--tmpfs", "/tmp", "--ro-bind-try", "/opt", "/opt", "--perms",
                    "01777", "--size", "4096", "--tmpfs", "/t", "--symlink", "usr/bin", "/bin", "--proc", "/proc",
                    "--bind", "/src", "/src", "true"});
  auto p = planned_mounts(*plan(s, host()), s);
  std::vector<PlannedMount> want = {
      {"/usr", "ro-bind", "/usr", "ro,nosuid,nodev,recursive", {"--ro-bind", 1}},
      {"/tmp", "tmpfs", "tmpfs", "nosuid,nodev,mode=0755", {"--tmpfs", 1}},
      {"/opt", "ro-bind", "/opt", "ro,nosuid,nodev,recursive,skipped if missing", {"--ro-bind-try", 1}},
      {"/t", "tmpfs", "tmpfs", "nosuid,nodev,mode=1777,size=4096", {"--tmpfs", 2}},
      {"/bin", "symlink", "usr/bin", "-", {"--symlink", 1}},
      {"/proc", "proc", "proc", "nosuid,nodev,noexec; sys sysrq-trigger irq bus read-only", {"--proc", 1}},
      {"/src", "bind", "/src", "nosuid,nodev,recursive", {"--bind", 1}},
  };
  EXPECT_EQ(p, want);
  EXPECT_EQ(p[3].origin.str(), "--tmpfs #2");
  // Options from an --args stream count the same.
  auto streamed = cli::parse(std::vector<std::string>{"--tmpfs", "/a", "--args", "3", "true"}, "sandbox",
                             [](int) -> Result<std::string> { return std::string("--tmpfs\0/b\0", 11); });
  ASSERT_TRUE(streamed);
  auto sp = plan(streamed->spec, host());
  ASSERT_TRUE(sp);
  EXPECT_EQ(planned_mounts(*sp, streamed->spec)[2].origin.str(), "--tmpfs #2");  // after the automatic /dev
}

// The automatic /dev is a step like --dev /dev, with its own origin.
TEST(Plan, AutomaticDev) {
  auto parsed = cli::parse(std::vector<std::string>{"--ro-bind", "/usr", "/usr", "true"}, "sandbox");
  ASSERT_TRUE(parsed);
  auto p = plan(parsed->spec, host());
  ASSERT_TRUE(p);
  auto steps = planned_mounts(*p, parsed->spec);
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].dest, "/dev");
  EXPECT_EQ(steps[0].kind, "dev");
  EXPECT_EQ(steps[0].origin.str(), "the automatic --dev /dev");
  EXPECT_EQ(steps[0].flags, "nosuid,nodev,mode=0755; null zero full random urandom tty, pts, shm");
}

TEST(Plan, ProcWithoutPidNamespaceAndOutsideDestinations) {
  Spec shared_spec = spec_of({"--share-pid", "--proc", "/proc", "true"});
  EXPECT_EQ(planned_mounts(*plan(shared_spec, host()), shared_spec)[0], (PlannedMount{"/proc", "bind", "/proc",
                                            "nosuid,nodev,recursive; sys sysrq-trigger irq bus read-only",
                                            {"--proc", 1}}));
  Spec above_spec = spec_of({"--tmpfs", "/tmp", "--tmpfs", "/../x", "true"}, "bwrap");
  Plan above = *plan(above_spec, host());
  EXPECT_FALSE(above.left_out(0));
  EXPECT_TRUE(above.left_out(1));
  EXPECT_EQ(planned_mounts(above, above_spec)[1].flags, "outside the new root: no effect");
  // Natively ".." stops at the root: nothing is left out.
  Plan native = plan_of({"--tmpfs", "/../x", "true"});
  EXPECT_TRUE(native.outside.empty());
  EXPECT_FALSE(native.left_out(0));
}

TEST(ClimbsAboveRoot, ReadAsText) {
  for (const char* above : {"/..", "..", "/../usr", "/a/../..", "/a/./../../b", "//..//x"})
    EXPECT_TRUE(climbs_above_root(above)) << above;
  for (const char* inside : {"/", "", "/a/..", "/a/b/../..", "/a/../b", "a/./..", "/..a", "/a..", "/.../x"})
    EXPECT_FALSE(climbs_above_root(inside)) << inside;
}

TEST(Plan, SyscallProfileChoices) {
  // none: only the terminal rule, natively; nothing under bwrap, as bubblewrap.
  Plan none = plan_of({"--seccomp-profile", "none", "true"});
  ASSERT_EQ(none.builtin_seccomp.size(), 1u);
  EXPECT_EQ(none.builtin_seccomp[0], security::tty_injection_filter());
  EXPECT_FALSE(none.syscall_policy);
  EXPECT_TRUE(plan_of({"true"}, "bwrap").builtin_seccomp.empty());
  // Asked for under bwrap, it is there.
  EXPECT_TRUE(plan_of({"--seccomp-profile", "default", "true"}, "bwrap").embedded_default);

  // Adjusted, `default` is compiled at start: the profile first, then the terminal rule, which
  // --seccomp-allow ioctl cannot take out.
  Plan adjusted = plan_of({"--seccomp-deny", "mkdir:EACCES", "--seccomp-allow", "ioctl", "true"});
  EXPECT_FALSE(adjusted.embedded_default);
  ASSERT_TRUE(adjusted.syscall_policy);
  EXPECT_TRUE(adjusted.builtin_seccomp.empty());
  auto warnings = compile_seccomp(adjusted);
  ASSERT_TRUE(warnings) << warnings.error().message();
  EXPECT_TRUE(warnings->empty());
  ASSERT_EQ(adjusted.builtin_seccomp.size(), 2u);
  EXPECT_EQ(adjusted.builtin_seccomp[1], security::tty_injection_filter());
  EXPECT_EQ(adjusted.builtin_seccomp[0].size() % 8, 0u);

  // --seccomp-deny with no profile: everything else allowed.
  Plan only = plan_of({"--seccomp-profile", "none", "--seccomp-deny", "mkdir", "true"});
  ASSERT_TRUE(only.syscall_policy);
  EXPECT_EQ(only.syscall_policy->default_action, security::SysAction::allow);
  ASSERT_EQ(only.syscall_policy->rules.size(), 1u);

  // Nothing to log without a profile; an unknown name is named with its option.
  auto nolog = plan(spec_of({"--seccomp-profile", "none", "--log-denials", "-", "true"}), host());
  ASSERT_FALSE(nolog);
  EXPECT_EQ(nolog.error().context, "--log-denials: there is no syscall profile whose denials it could log (--seccomp-profile none)");
  Plan unknown = plan_of({"--seccomp-deny", "mkdri", "true"});
  auto bad = compile_seccomp(unknown);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), "--seccomp-deny mkdri: unknown system call 'mkdri': Invalid argument");
}

TEST(Plan, LandlockByAbi) {
  using security::kLandlockScopeAbstractUnix, security::kLandlockScopeSignal, security::kLandlockTcpBind,
      security::kLandlockTcpConnect;
  auto with_abi = [](int abi) {
    HostFacts h = host();
    h.landlock_abi = abi;
    return h;
  };
  // ABI 6 and later: IPC scoped natively; nothing before, and no error.
  Plan seven = plan_of({"true"}, "sandbox", with_abi(7));
  ASSERT_TRUE(seven.landlock);
  EXPECT_EQ(seven.landlock->scoped, kLandlockScopeAbstractUnix | kLandlockScopeSignal);
  EXPECT_EQ(seven.landlock->handled_net, 0u);
  // Before ABI 6 there is nothing to scope, but there are the filesystem rules (ABI 1).
  Plan five = plan_of({"true"}, "sandbox", with_abi(5));
  ASSERT_TRUE(five.landlock);
  EXPECT_EQ(five.landlock->scoped, 0u);
  EXPECT_EQ(five.landlock->handled_fs, security::fs_rights_of_abi(5));
  EXPECT_FALSE(plan_of({"true"}, "sandbox", with_abi(0)).landlock);
  EXPECT_FALSE(plan_of({"--no-landlock", "true"}, "sandbox", with_abi(7)).landlock);
  EXPECT_FALSE(plan_of({"true"}, "bwrap", with_abi(7)).landlock);
  // The drop-in makes the filesystem rules for --deny only.
  Plan denied = plan_of({"--tmpfs", "/w", "--deny", "/w/x", "true"}, "bwrap", with_abi(7));
  ASSERT_TRUE(denied.landlock);
  EXPECT_EQ(denied.landlock->handled_fs, security::fs_rights_of_abi(7));
  EXPECT_EQ(denied.landlock->scoped, 0u);
  // COMMAND keeping CAP_SYS_ADMIN, to mount with: no filesystem rules, unless --deny needs
  // them; without Landlock at all, --deny is refused (the capability could unmount a cover).
  EXPECT_EQ(plan_of({"--cap-add", "CAP_SYS_ADMIN", "true"}, "sandbox", with_abi(7)).landlock->handled_fs, 0u);
  EXPECT_NE(plan_of({"--cap-add", "CAP_SYS_ADMIN", "--deny", "/x", "true"}, "sandbox", with_abi(7)).landlock->handled_fs, 0u);
  auto admin = plan(spec_of({"--cap-add", "CAP_SYS_ADMIN", "--deny", "/x", "true"}), with_abi(0));
  ASSERT_FALSE(admin);
  EXPECT_EQ(admin.error().message(),
            "--deny /x: COMMAND keeps CAP_SYS_ADMIN, with which it could unmount what covers the path; only Landlock "
            "can forbid that, and this kernel has no Landlock: Operation not supported");

  // Ports: merged per right; either option restricts both; all ports of a right restrict none.
  Plan ports = plan_of({"--allow-tcp-connect", "81-90", "--allow-tcp-connect", "80", "--allow-tcp-connect", "85",
                        "--allow-tcp-bind", "0", "true"},
                       "sandbox", with_abi(4));
  ASSERT_TRUE(ports.landlock);
  EXPECT_EQ(ports.landlock->scoped, 0u);
  EXPECT_EQ(ports.landlock->handled_net, kLandlockTcpBind | kLandlockTcpConnect);
  EXPECT_EQ(ports.landlock->ports, (std::vector<security::PortRule>{{kLandlockTcpConnect, 80, 90}, {kLandlockTcpBind, 0, 0}}));
  Plan any_connect = plan_of({"--allow-tcp-connect", "0-100", "--allow-tcp-connect", "101-65535", "true"}, "sandbox", with_abi(7));
  ASSERT_TRUE(any_connect.landlock);
  EXPECT_EQ(any_connect.landlock->handled_net, kLandlockTcpBind);
  EXPECT_TRUE(any_connect.landlock->ports.empty());

  // A rule only Landlock can keep, without it: refused, naming the option.
  auto old = plan(spec_of({"--allow-tcp-bind", "8080", "true"}), with_abi(3));
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().message(),
            "--allow-tcp-bind 8080: TCP port rules need Landlock ABI 4 (Linux 6.7); this kernel has ABI 3: Operation not supported");
  auto off = plan(spec_of({"--no-landlock", "--allow-tcp-connect", "1-2", "true"}), with_abi(7));
  ASSERT_FALSE(off);
  EXPECT_EQ(off.error().context, "--allow-tcp-connect 1-2: TCP port rules are kept by Landlock, which --no-landlock turns off");
}

TEST(Plan, DescribeReadsInOrder) {
  Spec s = spec_of({"--ro-bind", "/usr", "/usr", "--setenv", "A", "b c", "--cap-add", "CAP_NET_ADMIN", "sh", "-c",
                    "echo 'hi'"});
  auto p = plan(s, host());
  ASSERT_TRUE(p);
  EXPECT_EQ(describe(*p, s),
            "/usr  ro-bind  /usr  ro,nosuid,nodev,recursive  (from --ro-bind #1)\n"
            "namespaces: user cgroup ipc mnt net pid uts (clone: user pid cgroup; the child: mnt ipc uts; a helper: net)\n"
            "ids: uid 0 (outside 1000), gid 0 (outside 100)\n"
            "hostname: sandbox\n"
            "environment: the caller's, then set 'A=b c'\n"
            "directory: the caller's, else $HOME, else /\n"
            "capabilities: CAP_NET_ADMIN; no_new_privs\n"
            "seccomp: profile default (as built: " + std::to_string(security::kDefaultProfileBpfSize / 8) +
                " instructions, the TIOCSTI/TIOCLINUX rule in it); in init and COMMAND\n"
            "landlock: none (this kernel has no Landlock)\n"
            "limits: none\n"
            "network: none (lo only)\n"
            "command: sh -c 'echo '\\''hi'\\'''\n");
}

}  // namespace
}  // namespace sb

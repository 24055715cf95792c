// Points 3 and 4: the new root, mount operations in order, flags, and the pivot.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>

#include "harness.h"

namespace sbtest {
namespace {

class Mounts : public MountApiTest {};

struct MountEntry {
  std::string id, parent, root, point, options, fstype, super_options;
};

std::vector<MountEntry> parse_mountinfo(const std::string& text) {
  std::vector<MountEntry> out;
  for (const auto& l : lines(text)) {
    std::istringstream in(l);
    std::string id, parent, devno, root, point, options, field;
    in >> id >> parent >> devno >> root >> point >> options;
    while (in >> field && field != "-") {
    }
    MountEntry e{id, parent, root, point, options, "", ""};
    std::string source;
    in >> e.fstype >> source >> e.super_options;
    out.push_back(e);
  }
  return out;
}

bool has_option(const std::string& options, const std::string& opt) {
  std::istringstream in(options);
  for (std::string o; std::getline(in, o, ',');)
    if (o == opt) return true;
  return false;
}

std::vector<MountEntry> mountinfo_of(std::vector<std::string> args) {
  args.insert(args.end(), {"cat", "/proc/self/mountinfo"});
  auto r = run(args);
  EXPECT_EQ(r.status, 0) << r.err;
  return parse_mountinfo(r.out);
}

TEST_P(Mounts, OldRootLeavesNoTrace) {
  // The form of the quick start: a rootfs folder bound on /.
  auto m = mountinfo_of(sandbox({"--bind", rootfs(), "/", "--proc", "/proc"}));
  std::vector<std::string> points;
  for (auto& e : m) points.push_back(e.point);
  // Only what was asked for: the root bind and procfs with its read-only covers, and the
  // automatic /dev with what it holds.
  std::vector<std::string> allowed = {"/", "/proc", "/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus"};
  for (auto& p : points)
    EXPECT_TRUE(std::find(allowed.begin(), allowed.end(), p) != allowed.end() || p == "/dev" || p.starts_with("/dev/"))
        << p;
  EXPECT_EQ(std::count(points.begin(), points.end(), "/dev"), 1);
  auto root = std::find_if(m.begin(), m.end(), [](auto& e) { return e.point == "/"; });
  ASSERT_NE(root, m.end());
  EXPECT_EQ(std::count_if(m.begin(), m.end(), [](auto& e) { return e.point == "/"; }), 1);
  EXPECT_TRUE(rootfs().ends_with(root->root)) << root->root;
  // The host's other mounts are not reachable by any path.
  auto r = run(sandbox({"--bind", rootfs(), "/", "--proc", "/proc", "sh", "-c",
                        "ls -A /tmp | wc -l; ls /home | wc -l; test -e /oldroot || echo no-oldroot"}));
  EXPECT_EQ(r.out, "0\n0\nno-oldroot\n") << r.err;
}

// The quick start's command line, as written, behaves like a shell: background jobs and
// redirections find /dev/null (the automatic /dev), and nothing is said on standard error.
TEST_P(Mounts, TheHeadlineCommandHasADev) {
  auto r = run(sandbox({"--bind", rootfs(), "/", "--proc", "/proc", "sh", "-c",
                        "sleep 0 & wait; echo discarded > /dev/null; head -c 4 /dev/zero | wc -c; tty >/dev/null; "
                        "echo done"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "4\ndone\n");
  EXPECT_EQ(r.err, "");
  // Without it, the stumble it saves.
  auto bare = run(sandbox({"--no-auto-dev", "--bind", rootfs(), "/", "--proc", "/proc", "sh", "-c", "sleep 0 & wait"}));
  EXPECT_NE(bare.err.find("/dev/null"), std::string::npos) << bare.err;
}

TEST_P(Mounts, EmptyTmpfsRootWithoutBinds) {
  // Nothing but what the command line puts there: the root is an empty tmpfs.
  auto r = run(sandbox({"--ro-bind", rootfs() + "/bin", "/bin", "--proc", "/proc", "sh", "-c",
                        "ls -A /; grep ' / / ' /proc/self/mountinfo"}));
  ASSERT_EQ(r.status, 0) << r.err;
  auto l = lines(r.out);
  ASSERT_EQ(l.size(), 4u) << r.out;
  EXPECT_EQ(l[0], "bin");
  EXPECT_EQ(l[1], "dev");  // the automatic /dev
  EXPECT_EQ(l[2], "proc");
  EXPECT_NE(l[3].find(" - tmpfs "), std::string::npos) << l[3];
  // Without it, nothing at all.
  auto bare = run(sandbox({"--no-auto-dev", "--ro-bind", rootfs() + "/bin", "/bin", "--proc", "/proc", "ls", "-A", "/"}));
  EXPECT_EQ(bare.out, "bin\nproc\n") << bare.err;
}

TEST_P(Mounts, HostPathsOutsideBindsAreInvisible) {
  TempDir d;
  write_file(d / "secret", "s");
  auto r = run(in_usr({"sh", "-c", "ls /etc /home /root /tmp 2>&1; cat " + (d / "secret") + " 2>&1; ls / | tr '\\n' ' '"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("passwd"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("No such file"), std::string::npos) << r.out;
  EXPECT_EQ(lines(r.out).back(), "bin dev lib lib64 proc sbin usr ");
}

TEST_P(Mounts, BindOfRootShowsTheHostsTmp) {
  // The new root is built on a directory of the caller's (/tmp here); a bind whose source
  // contains it must still show what the caller sees there, not the new root.
  TempDir d;
  auto r = run(sandbox({"--ro-bind", "/", "/", "ls", "-d", d.path()}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, d.path() + "\n");
}

TEST_P(Mounts, RoBindIsNotWritableBindIs) {
  TempDir d;
  write_file(d / "f", "old");
  auto ro = run(in_busybox({"--ro-bind", d.path(), "/data", "sh", "-c", "echo new > /data/f || echo refused; touch /data/g || echo refused"}));
  EXPECT_EQ(ro.out, "refused\nrefused\n") << ro.err;
  EXPECT_EQ(read_file(d / "f"), "old");
  EXPECT_FALSE(exists(d / "g"));
  auto rw = run(in_busybox({"--bind", d.path(), "/data", "sh", "-c", "echo new > /data/f && touch /data/g"}));
  EXPECT_EQ(rw.status, 0) << rw.err;
  EXPECT_EQ(read_file(d / "f"), "new\n");
  EXPECT_TRUE(exists(d / "g"));
}

TEST_P(Mounts, RoBindIsReadOnlyOnEverySubmount) {
  // The host root has many submounts (/proc, /dev, /sys, ...): each must be read-only inside.
  auto m = mountinfo_of(sandbox({"--ro-bind", "/", "/host", "--ro-bind", rootfs() + "/bin", "/bin", "--proc", "/proc"}));
  int under_host = 0;
  for (auto& e : m) {
    if (!e.point.starts_with("/host")) continue;
    // mount(2) reaches a mount by its path only, so one the host stacked another on at the same
    // point keeps its flags on the legacy path. The kernel locks such a stack in a namespace of
    // lesser privilege: it can be neither reached nor uncovered inside.
    bool covered = std::any_of(m.begin(), m.end(), [&](auto& o) { return o.parent == e.id && o.point == e.point; });
    if (legacy() && covered) continue;
    ++under_host;
    EXPECT_TRUE(has_option(e.options, "ro")) << e.point << " " << e.options;
    EXPECT_TRUE(has_option(e.options, "nosuid")) << e.point;
    EXPECT_TRUE(has_option(e.options, "nodev")) << e.point;
  }
  EXPECT_GT(under_host, 2);
}

TEST_P(Mounts, BindFlags) {
  TempDir d;
  auto m = mountinfo_of(in_busybox({"--bind", d.path(), "/rw", "--ro-bind", d.path(), "/ro", "--dev-bind", "/dev", "/hostdev"}));
  bool rw = false, ro = false, dev = false;
  for (auto& e : m) {
    if (e.point == "/rw") {
      rw = true;
      EXPECT_TRUE(has_option(e.options, "rw") && has_option(e.options, "nosuid") && has_option(e.options, "nodev")) << e.options;
    }
    if (e.point == "/ro") {
      ro = true;
      EXPECT_TRUE(has_option(e.options, "ro") && has_option(e.options, "nosuid") && has_option(e.options, "nodev")) << e.options;
    }
    if (e.point == "/hostdev") {
      dev = true;
      EXPECT_TRUE(has_option(e.options, "nosuid")) << e.options;
      EXPECT_FALSE(has_option(e.options, "nodev")) << e.options;
    }
  }
  EXPECT_TRUE(rw && ro && dev);
  auto root = std::find_if(m.begin(), m.end(), [](auto& e) { return e.point == "/"; });
  ASSERT_NE(root, m.end());
  EXPECT_EQ(root->fstype, "tmpfs");
  EXPECT_TRUE(has_option(root->options, "nosuid") && has_option(root->options, "nodev"));
}

TEST_P(Mounts, DevBindKeepsDevicesUsableBindDoesNot) {
  auto dev = run(in_busybox({"--dev-bind", "/dev", "/hostdev", "sh", "-c", "echo x > /hostdev/null && echo ok"}));
  EXPECT_EQ(dev.out, "ok\n") << dev.err;
  auto nodev = run(in_busybox({"--bind", "/dev", "/hostdev", "sh", "-c", "echo x > /hostdev/null || echo refused"}));
  EXPECT_EQ(nodev.out, "refused\n") << nodev.err;
}

TEST_P(Mounts, DevHasExactlyTheListedEntries) {
  auto r = run(in_busybox({"--dev", "/dev", "sh", "-c", "ls -A /dev | tr '\\n' ' '; echo; ls -A /dev/pts | tr '\\n' ' '; echo; for l in fd stdin stdout stderr core ptmx; do readlink /dev/$l; done; echo x > /dev/null && head -c 4 /dev/zero | wc -c && head -c 4 /dev/urandom | wc -c"}));
  ASSERT_EQ(r.status, 0) << r.err;
  auto l = lines(r.out);
  ASSERT_GE(l.size(), 10u) << r.out;
  EXPECT_EQ(l[0], "core fd full null ptmx pts random shm stderr stdin stdout tty urandom zero ");
  EXPECT_EQ(l[1], "ptmx ");
  EXPECT_EQ(std::vector<std::string>(l.begin() + 2, l.begin() + 8),
            (std::vector<std::string>{"/proc/self/fd", "/proc/self/fd/0", "/proc/self/fd/1",
                                      "/proc/self/fd/2", "/proc/kcore", "pts/ptmx"}));
  EXPECT_EQ(l[8], "4");
  EXPECT_EQ(l[9], "4");
}

TEST_P(Mounts, DevPtsIsPrivateInstance) {
  auto m = mountinfo_of(in_busybox({"--dev", "/dev"}));
  auto it = std::find_if(m.begin(), m.end(), [](auto& e) { return e.point == "/dev/pts"; });
  ASSERT_NE(it, m.end());
  EXPECT_EQ(it->fstype, "devpts");
  EXPECT_TRUE(has_option(it->super_options, "ptmxmode=666")) << it->super_options;
}

TEST_P(Mounts, ProcKernelSwitchesAreReadOnly) {
  auto m = mountinfo_of(in_busybox({}));
  std::vector<std::string> covered = {"/proc/sys", "/proc/irq", "/proc/bus"};
  if (exists("/proc/sysrq-trigger")) covered.push_back("/proc/sysrq-trigger");
  for (auto& want : covered) {
    auto it = std::find_if(m.begin(), m.end(), [&](auto& e) { return e.point == want; });
    ASSERT_NE(it, m.end()) << want;
    EXPECT_TRUE(has_option(it->options, "ro")) << want;
  }
  auto w = run(in_busybox({"sh", "-c", "echo 1 > /proc/sys/kernel/ns_last_pid || echo refused"}));
  EXPECT_EQ(w.out, "refused\n");
  auto p = mountinfo_of(in_busybox({}));
  auto proc = std::find_if(p.begin(), p.end(), [](auto& e) { return e.point == "/proc"; });
  ASSERT_NE(proc, p.end());
  EXPECT_EQ(proc->fstype, "proc");
  EXPECT_TRUE(has_option(proc->options, "nosuid") && has_option(proc->options, "nodev") &&
              has_option(proc->options, "noexec"));
}

// Without a pid namespace of the sandbox's own no procfs can be made (the kernel wants a
// member of a pid namespace of this user namespace): --proc binds the caller's, as bubblewrap
// does, with the same read-only covers.
TEST_P(Mounts, ProcWithSharedPidNamespaceIsTheCallers) {
  const std::string me = std::to_string(getpid());
  std::vector<std::vector<std::string>> runs = {
      in_usr({"--share-pid", "--proc", "/proc", "sh", "-c",
              "test -d /proc/" + me + " && echo sees-caller; cat /proc/self/mountinfo"}),
      as_bwrap({"--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
                "--symlink", "usr/lib64", "/lib64", "--proc", "/proc", "sh", "-c",
                "test -d /proc/" + me + " && echo sees-caller; cat /proc/self/mountinfo"}),
  };
  for (const auto& argv : runs) {
    auto r = run(argv);
    ASSERT_EQ(r.status, 0) << r.err;
    ASSERT_TRUE(r.out.starts_with("sees-caller\n")) << r.out;
    auto m = parse_mountinfo(r.out.substr(r.out.find('\n') + 1));
    auto proc = std::find_if(m.begin(), m.end(), [](auto& e) { return e.point == "/proc"; });
    ASSERT_NE(proc, m.end());
    EXPECT_EQ(proc->fstype, "proc");
    EXPECT_TRUE(has_option(proc->options, "nosuid") && has_option(proc->options, "nodev")) << proc->options;
    for (std::string want : {"/proc/sys", "/proc/irq", "/proc/bus"}) {
      auto it = std::find_if(m.begin(), m.end(), [&](auto& e) { return e.point == want; });
      ASSERT_NE(it, m.end()) << want;
      EXPECT_TRUE(has_option(it->options, "ro")) << want;
    }
  }
  // With a pid namespace of its own, still a new instance: the caller is not in it.
  auto own = run(in_usr({"--proc", "/proc", "sh", "-c", "test -d /proc/" + me + " || echo own"}));
  EXPECT_EQ(own.out, "own\n") << own.err;
}

// Natively ".." stops at the new root, so a destination that leads to it ("/..", "/bin/..")
// covers the root as "/" does. (Under bwrap "/.." is outside: the differential suite.)
TEST_P(Mounts, DestinationLeadingToTheRootCoversIt) {
  for (std::string dest : {"/..", "/bin/..", "/./"}) {
    auto r = run(sandbox({"--ro-bind", rootfs() + "/bin", "/bin", "--bind", rootfs(), dest, "sh", "-c",
                          "test -d /etc && echo covered"}));
    EXPECT_EQ(r.out, "covered\n") << dest << ": " << r.err;
  }
  // A bind through "dir/.." whose source has no such dir: the path no longer leads anywhere.
  auto gone = run(sandbox({"--ro-bind", rootfs() + "/bin", "/bin", "--tmpfs", "/t", "--bind", rootfs() + "/etc",
                           "/t/..", "true"}));
  EXPECT_EQ(gone.status, 125);
  EXPECT_EQ(gone.err, "sandbox: Can't bind mount " + rootfs() + "/etc on /t/..: No such file or directory (from --bind #1)\n");
}

TEST_P(Mounts, TmpfsSizeAndPerms) {
  auto r = run(in_busybox({"--perms", "0700", "--size", "1048576", "--tmpfs", "/t", "--tmpfs", "/u",
                           "sh", "-c", "stat -c %a /t /u; grep ' /t ' /proc/self/mountinfo"}));
  ASSERT_EQ(r.status, 0) << r.err;
  auto l = lines(r.out);
  ASSERT_EQ(l.size(), 3u) << r.out;
  EXPECT_EQ(l[0], "700");
  EXPECT_EQ(l[1], "755");
  auto e = parse_mountinfo(l[2]);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].fstype, "tmpfs");
  EXPECT_TRUE(has_option(e[0].super_options, "size=1024k")) << e[0].super_options;
  EXPECT_TRUE(has_option(e[0].options, "nosuid") && has_option(e[0].options, "nodev"));
  // The size is enforced.
  auto full = run(in_busybox({"--size", "65536", "--tmpfs", "/t", "sh", "-c", "head -c 200000 /dev/zero > /t/f || echo full"}));
  EXPECT_NE(full.out.find("full"), std::string::npos) << full.err;
}

TEST_P(Mounts, DirSymlinkChmodInOrder) {
  auto r = run(in_busybox({"--tmpfs", "/w", "--perms", "0750", "--dir", "/w/a/b", "--dir", "/w/c",
                           "--symlink", "a/b", "/w/link", "--symlink", "a/b", "/w/link",
                           "--chmod", "0711", "/w/c", "sh", "-c",
                           "stat -c %a /w/a /w/a/b /w/c; readlink /w/link"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(lines(r.out), (std::vector<std::string>{"750", "750", "711", "a/b"}));
}

TEST_P(Mounts, DifferentSymlinkAtSamePlaceFails) {
  auto r = run(in_busybox({"--tmpfs", "/w", "--symlink", "a", "/w/l", "--symlink", "b", "/w/l", "true"}));
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err, "sandbox: Can't make symlink at /w/l: existing destination is a (from --symlink #2)\n");
  auto dir = run(in_busybox({"--tmpfs", "/w", "--dir", "/w/d", "--symlink", "a", "/w/d", "true"}));
  EXPECT_EQ(dir.status, 125);
  EXPECT_EQ(dir.err, "sandbox: Can't make symlink at /w/d: destination exists and is not a symlink (from --symlink #1)\n");
  // bubblewrap's sentences, under bwrap.
  auto b = run(as_bwrap({"--ro-bind", "/", "/", "--tmpfs", "/tmp", "--symlink", "x/y", "/tmp/l", "--symlink",
                         "x/z", "/tmp/l", "true"}));
  EXPECT_EQ(b.status, 1);
  EXPECT_EQ(b.err, "bwrap: Can't make symlink at /tmp/l: existing destination is x/y\n");
}

TEST_P(Mounts, RemountRo) {
  auto r = run(in_busybox({"--tmpfs", "/t", "--remount-ro", "/t", "sh", "-c", "touch /t/x || echo refused"}));
  EXPECT_EQ(r.out, "refused\n") << r.err;
  auto bad = run(in_busybox({"--tmpfs", "/t", "--dir", "/t/d", "--remount-ro", "/t/d", "true"}));
  EXPECT_EQ(bad.status, 125);
  EXPECT_EQ(bad.err, "sandbox: Can't remount readonly on /t/d: Unable to find destination in mount table (from --remount-ro #1)\n");
}

TEST_P(Mounts, MissingParentsAreCreatedInsideNotOnHost) {
  TempDir d;
  write_file(d / "f", "data");
  auto r = run(sandbox({"--ro-bind", rootfs() + "/bin", "/bin", "--ro-bind", d / "f", "/x/y/z/f",
                        "--ro-bind", d.path(), "/dir/sub", "sh", "-c", "cat /x/y/z/f; stat -c %a /x/y"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "data755\n");
  EXPECT_FALSE(exists("/x"));
  EXPECT_FALSE(exists("/dir"));
  EXPECT_FALSE(exists(rootfs() + "/x"));
  EXPECT_FALSE(exists(d / "sub"));
}

// Modes are what the operations say, whatever the caller's umask; COMMAND still gets it.
TEST_P(Mounts, ModesIgnoreTheCallersUmask) {
  int data = data_fd("x");
  RunOptions o;
  o.umask = 077;
  o.fds = {{5, data}};
  auto r = run(in_busybox({"--tmpfs", "/w", "--dir", "/w/a/b", "--perms", "0777", "--dir", "/w/p",
                           "--perms", "1777", "--dir", "/w/t", "--file", "5", "/w/f/g", "--symlink", "x",
                           "/w/s/l", "--perms", "0750", "--tmpfs", "/w/u/v", "sh", "-c",
                           "stat -c '%a %n' /w/a /w/a/b /w/p /w/t /w/f /w/f/g /w/s /w/u /w/u/v; umask"}),
               o);
  close(data);
  ASSERT_EQ(r.status, 0) << r.err;
  // Missing parents are 0755, narrowed only by a --perms (CLI.md); --file is 0666.
  EXPECT_EQ(lines(r.out), (std::vector<std::string>{"755 /w/a", "755 /w/a/b", "777 /w/p", "1777 /w/t",
                                                     "755 /w/f", "666 /w/f/g", "755 /w/s", "750 /w/u",
                                                     "750 /w/u/v", "0077"}));
}

TEST_P(Mounts, LaterOperationsSeeEarlierOnes) {
  // A tmpfs over part of a bind hides it; a bind on / replaces the empty root.
  TempDir d;
  write_file(d / "f", "x");
  auto r = run(in_busybox({"--bind", d.path(), "/data", "--tmpfs", "/data", "ls", "-A", "/data"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(exists(d / "f"));
}

TEST_P(Mounts, SymlinkInDestinationResolvesInsideNewRoot) {
  // /w/esc points at /etc and /w/up far above the root: both resolve inside the new root.
  TempDir d;
  write_file(d / "f", "mine");
  auto r = run(sandbox({"--ro-bind", rootfs() + "/bin", "/bin", "--dir", "/etc", "--dir", "/w",
                        "--symlink", "/etc", "/w/esc", "--symlink", "../../../../..", "/w/up",
                        "--ro-bind", d / "f", "/w/esc/planted", "--dir", "/w/up/made-here",
                        "sh", "-c", "cat /etc/planted; ls -d /made-here"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "mine/made-here\n");
  EXPECT_FALSE(exists("/etc/planted"));
  EXPECT_FALSE(exists("/made-here"));
}

TEST_P(Mounts, ReadOnlyUsrView) {
  auto r = run(in_usr({"sh", "-c", "id -u; touch /usr/x 2>/dev/null || echo refused; ls /usr/bin/env"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(lines(r.out), (std::vector<std::string>{"0", "refused", "/usr/bin/env"}));
}

TEST_P(Mounts, UsrViewIsNosuid) {
  auto m = mountinfo_of(in_usr({}));
  auto usr = std::find_if(m.begin(), m.end(), [](auto& e) { return e.point == "/usr"; });
  ASSERT_NE(usr, m.end());
  EXPECT_TRUE(has_option(usr->options, "nosuid"));
}

SANDBOX_BOTH_MOUNT_APIS(Mounts);

}  // namespace
}  // namespace sbtest

namespace sbtest {
namespace {

// How the way of making mounts is chosen: by the kernel, or forced with SANDBOX_MOUNT_API.
class MountApiChoice : public SandboxTest {
 protected:
  void TearDown() override {
    unsetenv("SANDBOX_MOUNT_API");
    SandboxTest::TearDown();
  }
  std::vector<std::string> probe() {
    return in_busybox({"--ro-bind", rootfs() + "/bin", "/deep/bin", "--tmpfs", "/t", "sh", "-c",
                       "touch /deep/bin/x 2>&1 | grep -c Read-only; touch /t/x && echo rw"});
  }
};

TEST_F(MountApiChoice, AnOldKernelIsNoticedWithoutBeingTold) {
  auto argv = probe();
  argv.insert(argv.begin(), old_kernel_bin());
  auto r = run(argv);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "1\nrw\n");
}

TEST_F(MountApiChoice, InsistingOnTheNewApiWhereItIsMissingFailsInOneLine) {
  setenv("SANDBOX_MOUNT_API", "new", 1);
  auto argv = probe();
  argv.insert(argv.begin(), old_kernel_bin());
  auto r = run(argv);
  EXPECT_EQ(r.status, 125);
  ASSERT_EQ(lines(r.err).size(), 1u) << r.err;
  EXPECT_NE(r.err.find("Function not implemented"), std::string::npos) << r.err;
}

TEST_F(MountApiChoice, LegacyCanBeForcedOnANewKernel) {
  setenv("SANDBOX_MOUNT_API", "legacy", 1);
  auto r = run(probe());
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "1\nrw\n");
  // The staging area, with the caller's root beneath it, is gone with the pivot.
  r = run(in_busybox({"--proc", "/proc", "cat", "/proc/self/mountinfo"}));
  EXPECT_EQ(r.out.find("oldroot"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(".stage"), std::string::npos) << r.out;
}

TEST_F(MountApiChoice, AnUnknownValueIsRefused) {
  setenv("SANDBOX_MOUNT_API", "fast", 1);
  auto r = run(in_busybox({"true"}));
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err, "sandbox: SANDBOX_MOUNT_API: 'fast' is not one of auto, new, legacy: Invalid argument\n");
}

}  // namespace
}  // namespace sbtest

// Joining namespaces (--userns, --pidns, --userns2), --disable-userns,
// --assert-userns-disabled, and a sandbox inside a sandbox.
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <memory>
#include <regex>

#include "harness.h"

namespace sbtest {
namespace {

class Userns : public SandboxTest {};

TEST_F(Userns, JoinUserAndPidNamespaces) {
  pid_t child = -1;
  auto first = start_waiting({}, &child);
  ASSERT_GT(child, 0);
  std::string proc = "/proc/" + std::to_string(child) + "/ns/";
  int user = open((proc + "user").c_str(), O_RDONLY);
  int pid = open((proc + "pid").c_str(), O_RDONLY);
  ASSERT_GE(user, 0);
  ASSERT_GE(pid, 0);
  RunOptions o;
  o.fds = {{6, user}, {7, pid}};
  // Same user namespace, no new map: still uid 0 inside.
  auto u = run(in_busybox({"--userns", "6", "sh", "-c", "readlink /proc/self/ns/user; id -u"}), o);
  EXPECT_EQ(u.out, read_link(proc + "user") + "\n0\n") << u.err;
  // The first sandbox's pid namespace, as is: its processes are visible.
  auto shared = run(without_leak_check(sandbox({"--userns", "6", "--pidns", "7", "--share-pid", "--ro-bind", rootfs() + "/bin", "/bin",
                             "--ro-bind", "/proc", "/proc", "sh", "-c", "readlink /proc/self/ns/pid"})),
                    o);
  EXPECT_EQ(shared.out, read_link(proc + "pid") + "\n") << shared.err;
  // A new pid namespace inside it: the command is pid 2 there, under its own init.
  auto nested = run(without_leak_check(in_busybox({"--userns", "6", "--pidns", "7", "sh", "-c", "echo $$; echo /proc/[0-9]*"})), o);
  EXPECT_EQ(nested.out, "2\n/proc/1 /proc/2\n") << nested.err;
  EXPECT_EQ(nested.status, 0);
  close(user);
  close(pid);
}

TEST_F(Userns, DisableUserns) {
  auto r = run(in_busybox({"--disable-userns", "--cap-add", "ALL", "unshare", "-U", "true"}));
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
  // Without it, the same command works.
  EXPECT_EQ(run(in_busybox({"unshare", "-U", "true"})).status, 0);
  // Even with every capability the limit one level up cannot be raised.
  auto raise = run(in_busybox({"--disable-userns", "--cap-add", "ALL", "sh", "-c",
                               "echo 100 > /proc/sys/user/max_user_namespaces; unshare -U true || echo still-refused"}));
  EXPECT_NE(raise.out.find("still-refused"), std::string::npos) << raise.out << raise.err;
}

TEST_F(Userns, AssertUsernsDisabled) {
  EXPECT_EQ(run(in_busybox({"--disable-userns", "--assert-userns-disabled", "true"})).status, 0);
  auto r = run(in_busybox({"--assert-userns-disabled", "true"}));
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err, "sandbox: --assert-userns-disabled: creating a user namespace is still allowed\n");
}

TEST_F(Userns, Userns2JoinsTheDisabledInnerNamespace) {
  // The first sandbox runs in an inner user namespace (--disable-userns); a second one joins
  // its outer namespace, then switches to the inner one, where user namespaces stay disabled.
  pid_t child = -1;
  auto first = start_waiting({"--disable-userns"}, &child);
  ASSERT_GT(child, 0);
  std::string proc = "/proc/" + std::to_string(child) + "/ns/";
  int inner = open((proc + "user").c_str(), O_RDONLY);
  ASSERT_GE(inner, 0);
  int outer = ioctl(inner, NS_GET_PARENT);
  ASSERT_GE(outer, 0);
  RunOptions o;
  o.fds = {{6, outer}, {7, inner}};
  auto r = run(in_busybox({"--userns", "6", "--userns2", "7", "--assert-userns-disabled", "readlink", "/proc/self/ns/user"}), o);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, read_link(proc + "user") + "\n");
  close(inner);
  close(outer);
}

// The inner sandbox binds the outer /proc: a new procfs cannot be mounted under the outer
// one's read-only covers (the kernel requires a fully visible procfs for that).
const std::string kInner =
    " --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64"
    " --ro-bind /proc /proc sh -c 'echo inner $(id -u) $(readlink /proc/self/ns/user)'";

// The kernel lets a namespace map the uid 0 of its parent only with CAP_SETFCAP there, which
// a sandboxed command never has; so the outer sandbox runs its command as uid 1000. Landlock's
// filesystem rules forbid every mount, so the outer one runs without them (see below).
TEST_F(Userns, NestedThroughBoundBinaryAndProcExe) {
  const std::string& inner = kInner;
  std::string outer_user = run(in_usr({"readlink", "/proc/self/ns/user"})).out;
  auto bound = run(in_usr({"--no-landlock", "--uid", "1000", "--gid", "1000", "--ro-bind", sandbox_bin(), "/opt/sandbox",
                           "sh", "-c", "readlink /proc/self/ns/user; /opt/sandbox" + inner}));
  auto l = lines(bound.out);
  ASSERT_EQ(l.size(), 2u) << bound.out << bound.err;
  EXPECT_TRUE(l[1].starts_with("inner 0 user:[")) << l[1];
  EXPECT_NE(l[1].substr(8), l[0]);  // a user namespace of its own, inside the outer one
  // pid 1 of the outer sandbox is sandbox-init, which nothing inside may look into: its
  // executable is not a way to the sandbox binary.
  auto exe = run(in_usr({"--no-landlock", "--uid", "1000", "--gid", "1000", "sh", "-c",
                         "/proc/1/exe" + inner + " || echo refused"}));
  EXPECT_EQ(exe.out, "refused\n") << exe.err;
  // bwrap inside the drop-in: both keep the outer ids.
  auto drop = run(as_bwrap({"--uid", "1000", "--gid", "1000", "--unshare-pid", "--ro-bind", "/", "/",
                            "--proc", "/proc", "--tmpfs", "/tmp",
                            "--ro-bind", bwrap_bin(), "/tmp/bwrap", "sh", "-c", "/tmp/bwrap --ro-bind / / id -u"}));
  EXPECT_EQ(drop.out, "1000\n") << drop.err;
}

TEST_F(Userns, NestedAsRootExplainsCapSetfcap) {
  auto r = run(in_usr({"--ro-bind", sandbox_bin(), "/opt/sandbox", "sh", "-c", "/opt/sandbox --ro-bind /usr /usr true"}));
  EXPECT_EQ(r.status, 125);
  EXPECT_TRUE(std::regex_match(r.err, std::regex("sandbox: Can't write /proc/[0-9]+/uid_map \\(mapping uid 0 of this "
                                                  "namespace needs CAP_SETFCAP\\): Operation not permitted\n")))
      << r.err;
  // With that capability kept for the command, it works.
  auto ok = run(in_usr({"--no-landlock", "--cap-add", "CAP_SETFCAP", "--ro-bind", sandbox_bin(), "/opt/sandbox", "sh",
                        "-c", "/opt/sandbox" + kInner}));
  EXPECT_TRUE(ok.out.starts_with("inner 0 user:[")) << ok.out << ok.err;
}

// With Landlock's filesystem rules nothing inside can mount, so no sandbox starts inside one;
// the inner one says why and what to do.
TEST_F(Userns, NestedUnderLandlockSaysWhy) {
  auto r = run(in_usr({"--uid", "1000", "--gid", "1000", "--ro-bind", sandbox_bin(), "/opt/sandbox", "sh", "-c",
                       "/opt/sandbox" + kInner}));
  EXPECT_EQ(r.status, 125) << r.out;
  EXPECT_EQ(r.err, "sandbox: Can't make / a private mount: Operation not permitted\n"
                   "sandbox: hint: a sandbox around this one forbids mounting (its Landlock rules: run it with "
                   "--no-landlock; or its syscall profile)\n");
}

TEST_F(Userns, NestedFailsClearlyAfterDisableUserns) {
  auto r = run(in_usr({"--disable-userns", "--ro-bind", sandbox_bin(), "/opt/sandbox", "sh", "-c",
                       "/opt/sandbox --ro-bind /usr /usr true"}));
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err, "sandbox: Can't create a user namespace: creating them is not allowed here: No space left on device\n"
                   "sandbox: hint: the number of user namespaces allowed is used up, here or in a namespace around "
                   "this one (a sandbox started with --disable-userns allows none)\n");
}

// Inside a sandbox (as inside a container) parts of /proc are covered, and the kernel then
// refuses a new procfs: the inner sandbox says so, and --share-pid, which it names, works.
TEST_F(Userns, NestedProcUnderCoversSaysWhatToDo) {
  const std::string inner = "/opt/sandbox --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib "
                            "--symlink usr/lib64 /lib64 --proc /proc ";
  auto r = run(in_usr({"--no-landlock", "--uid", "1000", "--gid", "1000", "--ro-bind", sandbox_bin(), "/opt/sandbox",
                       "sh", "-c", inner + "true; " + inner + "--share-pid sh -c 'test -r /proc/self/status && echo shared'"}));
  EXPECT_EQ(r.out, "shared\n");
  EXPECT_EQ(r.err, "sandbox: Can't mount proc on /proc: fsmount: Operation not permitted (from --proc #1)\n"
                   "sandbox: hint: the /proc here has parts covered (as in a container), so the kernel refuses a new "
                   "one; --share-pid binds this /proc instead\n");
}

}  // namespace
}  // namespace sbtest

// --dry-run prints the plan and makes nothing: no namespace, no process, no mount, no file,
// no descriptor read. Checked from inside a sandbox whose seccomp programs fail every call
// that would make one.
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>

#include "harness.h"

namespace sbtest {
namespace {

class DryRun : public SandboxTest {};

// Everything that makes a process, a namespace or a mount fails with EPERM.
std::string deny_making() {
  return seccomp_deny({SYS_clone, SYS_clone3, SYS_fork, SYS_vfork, SYS_unshare, SYS_setns, SYS_mount,
                       SYS_fsopen, SYS_fsmount, SYS_open_tree, SYS_move_mount, SYS_mount_setattr, SYS_pivot_root,
                       SYS_memfd_create},
                      EPERM);
}

TEST_F(DryRun, PrintsThePlanAndMakesNothing) {
  TempDir d;
  write_file(d / "src", "x");
  int deny = data_fd(deny_making());
  int data = data_fd("payload");
  int info[2];
  ASSERT_EQ(pipe2(info, O_CLOEXEC), 0);
  RunOptions o;
  o.fds = {{5, deny}, {6, data}, {7, info[1]}};
  // The binary runs inside a sandbox whose programs deny making anything; its descriptors
  // 6 and 7 are the test's own, shared, so a read or a write would show here.
  auto r = run(without_leak_check(in_usr(
                   {"--ro-bind", dir_of(sandbox_bin()), dir_of(sandbox_bin()), "--bind", d.path(), d.path(),
                    "--keep-fd", "6", "--keep-fd", "7", "--add-seccomp-fd", "5", sandbox_bin(), "--dry-run",
                    "--ro-bind", d / "src", "/a/b", "--tmpfs", "/tmp", "--bind-data", "6", "/tmp/data",
                    "--info-fd", "7", "--lock-file", d / "lock", "--hostname", "box", "--", "sh", "-c", "exit 3"})),
               o);
  close(info[1]);
  close(deny);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  auto l = lines(r.out);
  ASSERT_GE(l.size(), 5u) << r.out;
  EXPECT_EQ(l[0], "/dev  dev  tmpfs  nosuid,nodev,mode=0755; null zero full random urandom tty, pts, shm  "
                  "(from the automatic --dev /dev)");
  EXPECT_EQ(l[1], "/a/b  ro-bind  " + (d / "src") + "  ro,nosuid,nodev,recursive  (from --ro-bind #1)");
  EXPECT_EQ(l[2], "/tmp  tmpfs  tmpfs  nosuid,nodev,mode=0755  (from --tmpfs #1)");
  EXPECT_EQ(l[3], "/tmp/data  bind-data  fd 6  mode=0600  (from --bind-data #1)");
  EXPECT_EQ(l[4], "namespaces: user cgroup ipc mnt net pid uts (clone: user pid cgroup mnt ipc uts net)");
  EXPECT_NE(r.out.find("\nhostname: box\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\ncommand: sh -c 'exit 3'\n"), std::string::npos) << r.out;
  // Nothing read, nothing written, nothing made on the host.
  EXPECT_EQ(lseek(data, 0, SEEK_CUR), 0);
  EXPECT_EQ(read_all(info[0]), "");
  close(info[0]);
  close(data);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(d.path()), std::filesystem::directory_iterator{}), 1);
  EXPECT_TRUE(leftover_processes().empty());
}

// The same command line without --dry-run really fails under those programs: the test above
// would see it if a dry run made anything.
TEST_F(DryRun, TheDenialIsReal) {
  int deny = data_fd(deny_making());
  RunOptions o;
  o.fds = {{5, deny}};
  auto r = run(without_leak_check(in_usr({"--ro-bind", dir_of(sandbox_bin()), dir_of(sandbox_bin()),
                                               "--add-seccomp-fd", "5", sandbox_bin(), "--tmpfs", "/tmp", "true"})),
               o);
  close(deny);
  EXPECT_EQ(r.status, 125) << r.err;
  EXPECT_NE(r.err.find("sandbox: "), std::string::npos) << r.err;
}

// Bad input is still refused, as without --dry-run, and under bwrap too.
TEST_F(DryRun, StillChecksTheCommandLine) {
  auto bad = run(sandbox({"--dry-run", "--perms", "0700", "--perms", "0700", "--dir", "/x", "true"}));
  EXPECT_EQ(bad.status, 125);
  EXPECT_EQ(bad.err, "sandbox: --perms given twice for the same action\n");
  EXPECT_EQ(bad.out, "");
  auto b = run(as_bwrap({"--dry-run", "--ro-bind", "/", "/", "--tmpfs", "/../x", "true"}));
  ASSERT_EQ(b.status, 0) << b.err;
  EXPECT_NE(b.out.find("/../x  tmpfs  tmpfs  outside the new root: no effect  (from --tmpfs #1)\n"),
            std::string::npos)
      << b.out;
  EXPECT_NE(b.out.find("namespaces: user mnt (clone: user; the child: mnt)\n"), std::string::npos) << b.out;
}

}  // namespace
}  // namespace sbtest

// Files from descriptors, descriptor binds, mqueue, overlays and --args.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

namespace sbtest {
namespace {

class Data : public MountApiTest {};

TEST_P(Data, FileCopiesDataWithMode) {
  int a = data_fd("first\n"), b = data_fd("second\n");
  RunOptions o;
  o.fds = {{5, a}, {6, b}};
  auto r = run(in_busybox({"--file", "5", "/etc2/one", "--perms", "0640", "--file", "6", "/etc2/two",
                           "sh", "-c", "cat /etc2/one /etc2/two; stat -c %a /etc2/one /etc2/two; touch /etc2/one && echo writable; grep etc2 /proc/self/mountinfo | wc -l"}),
               o);
  ASSERT_EQ(r.status, 0) << r.err;
  // 0666 whatever the umask, as bubblewrap makes it; else exactly --perms.
  EXPECT_EQ(lines(r.out), (std::vector<std::string>{"first", "second", "666", "640", "writable", "0"}));
  close(a);
  close(b);
}

TEST_P(Data, BindDataIsAPrivateCopy) {
  int a = data_fd("rw data\n"), b = data_fd("ro data\n");
  RunOptions o;
  o.fds = {{5, a}, {6, b}};
  auto r = run(in_busybox({"--bind-data", "5", "/d/rw", "--ro-bind-data", "6", "/d/ro", "sh", "-c",
                           "cat /d/rw /d/ro; stat -c %a /d/rw /d/ro; echo more >> /d/rw && cat /d/rw; echo x >> /d/ro || echo refused; grep ' /d/r' /proc/self/mountinfo | wc -l"}),
               o);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(lines(r.out), (std::vector<std::string>{"rw data", "ro data", "600", "600", "rw data", "more", "refused", "2"}));
  close(a);
  close(b);
}

TEST_P(Data, BindDataPerms) {
  int a = data_fd("x");
  RunOptions o;
  o.fds = {{5, a}};
  auto r = run(in_busybox({"--perms", "0444", "--ro-bind-data", "5", "/x", "stat", "-c", "%a", "/x"}), o);
  EXPECT_EQ(r.out, "444\n") << r.err;
  close(a);
}

TEST_P(Data, BindFd) {
  TempDir d;
  write_file(d / "f", "via fd\n");
  int dir = open(d.path().c_str(), O_PATH | O_DIRECTORY);
  RunOptions o;
  o.fds = {{5, dir}};
  auto r = run(in_busybox({"--bind-fd", "5", "/rw", "--ro-bind-fd", "5", "/ro", "sh", "-c",
                           "cat /rw/f; touch /rw/new && echo wrote; touch /ro/other || echo refused"}),
               o);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "via fd\nwrote\nrefused\n");
  EXPECT_TRUE(exists(d / "new"));
  EXPECT_FALSE(exists(d / "other"));
  close(dir);
}

TEST_P(Data, BindFdWhosePathNowNamesSomethingElse) {
  // In a mount namespace of its own, the caller opens a directory, then covers it with a
  // tmpfs: the descriptor's path now leads to the tmpfs, which must not be bound instead.
  TempDir d;
  mkdir((d / "x").c_str(), 0755);
  std::string script = "exec 5< " + (d / "x") + " && mount -t tmpfs none " + (d / "x") + " && exec " +
                       sandbox_bin() + " --ro-bind " + rootfs() + "/bin /bin --bind-fd 5 /x true";
  auto r = run({"unshare", "-rm", "sh", "-c", script});
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err, "sandbox: --bind-fd 5: " + (d / "x") +
                       " no longer names the descriptor's file: Invalid cross-device link (from --bind-fd #1)\n");

  // A deleted directory has no path at all.
  mkdir((d / "gone").c_str(), 0755);
  int gone = open((d / "gone").c_str(), O_PATH | O_DIRECTORY);
  rmdir((d / "gone").c_str());
  RunOptions o;
  o.fds = {{5, gone}};
  auto deleted = run(in_busybox({"--bind-fd", "5", "/x", "true"}), o);
  EXPECT_EQ(deleted.status, 125);
  EXPECT_EQ(deleted.err, "sandbox: --bind-fd 5: " + (d / "gone") + " (deleted): No such file or directory (from --bind-fd #1)\n");
  close(gone);
}

TEST_P(Data, ClosedDescriptorIsRefused) {
  auto r = run(in_busybox({"--file", "61", "/x", "true"}));
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err, "sandbox: --file 61: Bad file descriptor\n");
  EXPECT_EQ(run(in_busybox({"--bind-fd", "x", "/x", "true"})).err, "sandbox: Invalid fd: x\n");
}

TEST_P(Data, Mqueue) {
  auto r = run(in_busybox({"--mqueue", "/dev/mqueue", "grep", " /dev/mqueue ", "/proc/self/mountinfo"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find(" - mqueue "), std::string::npos) << r.out;
  // A message queue filesystem belongs to an ipc namespace: with the caller's, it is refused.
  auto shared = run(in_busybox({"--share-ipc", "--mqueue", "/dev/mqueue", "true"}));
  EXPECT_EQ(shared.status, 125);
  EXPECT_TRUE(shared.err.starts_with("sandbox: Can't mount mqueue on /dev/mqueue")) << shared.err;
}

class Overlay : public MountApiTest {
 protected:
  TempDir d;
  void SetUp() override {
    MountApiTest::SetUp();
    for (auto dir : {"lower1", "lower2", "upper", "work"}) mkdir((d / dir).c_str(), 0755);
    write_file(d / "lower1/shared", "from lower1\n");
    write_file(d / "lower2/shared", "from lower2\n");
    write_file(d / "lower1/only1", "only in lower1\n");
  }
};

TEST_P(Overlay, TmpOverlayWritesVanish) {
  auto r = run(in_busybox({"--overlay-src", d / "lower1", "--overlay-src", d / "lower2", "--tmp-overlay", "/o",
                           "sh", "-c", "cat /o/shared /o/only1; echo new > /o/new && cat /o/new; rm /o/only1 && ls /o"}));
  ASSERT_EQ(r.status, 0) << r.err;
  // The last --overlay-src is the top layer.
  EXPECT_EQ(lines(r.out), (std::vector<std::string>{"from lower2", "only in lower1", "new", "new", "shared"}));
  EXPECT_FALSE(exists(d / "lower1/new"));
  EXPECT_FALSE(exists(d / "lower2/new"));
  EXPECT_TRUE(exists(d / "lower1/only1"));
}

TEST_P(Overlay, OverlayWritesToRwsrc) {
  auto r = run(in_busybox({"--overlay-src", d / "lower1", "--overlay", d / "upper", d / "work", "/o",
                           "sh", "-c", "echo changed > /o/shared && echo added > /o/added"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(read_file(d / "upper/shared"), "changed\n");
  EXPECT_EQ(read_file(d / "upper/added"), "added\n");
  EXPECT_EQ(read_file(d / "lower1/shared"), "from lower1\n");
}

TEST_P(Overlay, RoOverlay) {
  auto r = run(in_busybox({"--overlay-src", d / "lower1", "--overlay-src", d / "lower2", "--ro-overlay", "/o",
                           "sh", "-c", "cat /o/shared; touch /o/x || echo refused"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "from lower2\nrefused\n");
}

TEST_P(Overlay, Diagnostics) {
  auto one = run(in_busybox({"--overlay", d / "upper", d / "work", "/o", "true"}));
  EXPECT_EQ(one.err, "sandbox: --overlay requires at least one --overlay-src\n");
  EXPECT_EQ(one.status, 125);
  EXPECT_EQ(run(in_busybox({"--tmp-overlay", "/o", "true"})).err,
            "sandbox: --tmp-overlay requires at least one --overlay-src\n");
  EXPECT_EQ(run(in_busybox({"--overlay-src", d / "lower1", "--ro-overlay", "/o", "true"})).err,
            "sandbox: --ro-overlay requires at least two --overlay-src\n");
  EXPECT_EQ(run(in_busybox({"--overlay-src", d / "lower1", "--tmpfs", "/o", "true"})).err,
            "sandbox: --overlay-src must be followed by another --overlay-src or one of --overlay, "
            "--tmp-overlay, or --ro-overlay\n");
  EXPECT_EQ(run(in_busybox({"--overlay-src", d / "lower1", "true"})).err,
            "sandbox: --overlay-src must be followed by another --overlay-src or one of --overlay, "
            "--tmp-overlay, or --ro-overlay\n");
  auto missing = run(in_busybox({"--overlay-src", d / "nope", "--tmp-overlay", "/o", "true"}));
  EXPECT_EQ(missing.err, "sandbox: Can't find source path " + (d / "nope") + ": No such file or directory (from --tmp-overlay #1)\n");
}

TEST_P(Data, ArgsSplicesArgumentsInPlace) {
  std::string stream = nul_terminated({"--setenv", "FROM", "file", "--chdir", "/etc"});
  int fd = data_fd(stream);
  RunOptions o;
  o.fds = {{5, fd}};
  auto r = run(in_busybox({"--setenv", "FROM", "command line", "--args", "5", "sh", "-c", "echo $FROM; pwd"}), o);
  EXPECT_EQ(r.out, "file\n/etc\n") << r.err;
  close(fd);
  // The command itself may come from the stream.
  int cmd = data_fd(nul_terminated({"echo", "from the stream"}));
  o.fds = {{5, cmd}};
  EXPECT_EQ(run(in_busybox({"--args", "5"}), o).out, "from the stream\n");
  close(cmd);
}

TEST_P(Data, ArgsErrors) {
  int unterminated = data_fd(std::string("--chdir\0/", 9));
  RunOptions o;
  o.fds = {{5, unterminated}};
  auto r = run(in_busybox({"--args", "5", "true"}), o);
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err, "sandbox: --args 5: the last argument is not terminated by NUL: Invalid argument\n");
  close(unterminated);

  int nested = data_fd(nul_terminated({"--args", "5"}));
  o.fds = {{5, nested}};
  EXPECT_EQ(run(in_busybox({"--args", "5", "true"}), o).err,
            "sandbox: --args is not allowed inside an --args stream\n");
  close(nested);

  std::string many;
  for (int i = 0; i < 9001; ++i) many += nul_terminated({"--clearenv"});  // one past the cap
  int big = data_fd(many);
  o.fds = {{5, big}};
  auto over = run(in_busybox({"--args", "5", "true"}), o);
  EXPECT_EQ(over.status, 125);
  EXPECT_EQ(over.err, "sandbox: --args 5: too many arguments: at most 9000: Argument list too long\n");
  close(big);

  EXPECT_EQ(run(in_busybox({"--args", "-1", "true"})).err, "sandbox: Invalid fd: -1\n");
  EXPECT_EQ(run(in_busybox({"--args", "59", "true"})).err, "sandbox: Can't read --args 59: Bad file descriptor\n");
}

SANDBOX_BOTH_MOUNT_APIS(Data);
SANDBOX_BOTH_MOUNT_APIS(Overlay);

}  // namespace
}  // namespace sbtest

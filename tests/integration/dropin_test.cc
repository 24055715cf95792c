// The bwrap personality: bubblewrap's defaults, --unshare-*, --level-prefix.
#include <fcntl.h>
#include <unistd.h>

#include "harness.h"

namespace sbtest {
namespace {

class DropIn : public SandboxTest {};

TEST_F(DropIn, CallersIdsAndOnlyUserAndMountNamespaces) {
  auto r = run(as_bwrap({"--ro-bind", "/", "/", "sh", "-c",
                         "id -u; id -g; for n in net pid ipc uts cgroup; do readlink /proc/self/ns/$n; done"}));
  ASSERT_EQ(r.status, 0) << r.err;
  auto l = lines(r.out);
  ASSERT_EQ(l.size(), 7u) << r.out;
  EXPECT_EQ(l[0], std::to_string(getuid()));
  EXPECT_EQ(l[1], std::to_string(getgid()));
  const char* kinds[] = {"net", "pid", "ipc", "uts", "cgroup"};
  for (int i = 0; i < 5; ++i) EXPECT_EQ(l[2 + i], read_link(std::string("/proc/self/ns/") + kinds[i])) << kinds[i];
  auto user = run(as_bwrap({"--ro-bind", "/", "/", "readlink", "/proc/self/ns/user"}));
  EXPECT_NE(user.out, read_link("/proc/self/ns/user") + "\n");
}

TEST_F(DropIn, UnshareOptions) {
  struct Case {
    const char* option;
    const char* kind;
  } cases[] = {{"--unshare-net", "net"}, {"--unshare-ipc", "ipc"}, {"--unshare-uts", "uts"},
               {"--unshare-cgroup", "cgroup"}, {"--unshare-cgroup-try", "cgroup"}};
  for (auto c : cases) {
    auto r = run(as_bwrap({c.option, "--ro-bind", "/", "/", "readlink", std::string("/proc/self/ns/") + c.kind}));
    ASSERT_EQ(r.status, 0) << c.option << r.err;
    EXPECT_NE(r.out, read_link(std::string("/proc/self/ns/") + c.kind) + "\n") << c.option;
  }
  auto pid = run(as_bwrap({"--unshare-pid", "--ro-bind", "/", "/", "--proc", "/proc", "sh", "-c", "echo $$"}));
  EXPECT_EQ(pid.out, "2\n") << pid.err;
  auto all = run(as_bwrap({"--unshare-all", "--ro-bind", "/", "/", "--proc", "/proc", "sh", "-c",
                           "for n in net pid ipc uts cgroup; do readlink /proc/self/ns/$n; done"}));
  ASSERT_EQ(all.status, 0) << all.err;
  const char* kinds[] = {"net", "pid", "ipc", "uts", "cgroup"};
  auto l = lines(all.out);
  ASSERT_EQ(l.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_NE(l[i], read_link(std::string("/proc/self/ns/") + kinds[i])) << kinds[i];
  // --share-net after --unshare-all keeps the caller's network.
  auto shared = run(as_bwrap({"--unshare-all", "--share-net", "--ro-bind", "/", "/", "readlink", "/proc/self/ns/net"}));
  EXPECT_EQ(shared.out, read_link("/proc/self/ns/net") + "\n");
  // --unshare-user(-try) are accepted: there always is one.
  EXPECT_EQ(run(as_bwrap({"--unshare-user", "--unshare-user-try", "--ro-bind", "/", "/", "true"})).status, 0);
  // In the native personality they change nothing.
  EXPECT_EQ(run(sandbox({"--unshare-all", "--unshare-net", "--ro-bind", "/", "/", "true"})).status, 0);
}

TEST_F(DropIn, UnsharedNetworkHasLoopbackUp) {
  auto r = run(as_bwrap({"--unshare-net", "--ro-bind", "/", "/", "sh", "-c", "cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' '; cat /proc/net/if_inet6 | wc -l"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(lines(r.out).at(0), "lo");
  EXPECT_EQ(lines(r.out).size(), 2u);
}

TEST_F(DropIn, DescriptorsArePassedThrough) {
  int fd = open("/dev/null", O_RDONLY);
  RunOptions o;
  o.fds = {{7, fd}};
  auto r = run(as_bwrap({"--ro-bind", "/", "/", "sh", "-c", "test -e /proc/self/fd/7 && echo kept"}), o);
  EXPECT_EQ(r.out, "kept\n") << r.err;
  auto native = run(sandbox({"--ro-bind", "/", "/", "--proc", "/proc", "sh", "-c", "test -e /proc/self/fd/7 || echo closed"}), o);
  EXPECT_EQ(native.out, "closed\n") << native.err;
  close(fd);
}

TEST_F(DropIn, MessagesAndExitCodes) {
  auto unknown = run(as_bwrap({"--frobnicate", "true"}));
  EXPECT_EQ(unknown.status, 1);
  EXPECT_EQ(unknown.err, "bwrap: Unknown option --frobnicate\n");
  // PATH set: a caller's PATH may hold folders this user cannot search, which execvp reports.
  auto missing = run(as_bwrap({"--setenv", "PATH", "/usr/bin:/bin", "--ro-bind", "/", "/", "no-such-command"}));
  EXPECT_EQ(missing.status, 1);
  EXPECT_EQ(missing.err, "bwrap: execvp no-such-command: No such file or directory\n");
  auto source = run(as_bwrap({"--ro-bind", "/nonexistent-src", "/x", "true"}));
  EXPECT_EQ(source.status, 1);
  EXPECT_EQ(source.err, "bwrap: Can't find source path /nonexistent-src: No such file or directory\n");
  auto host = run(as_bwrap({"--hostname", "x", "--ro-bind", "/", "/", "true"}));
  EXPECT_EQ(host.err, "bwrap: Specifying --hostname requires --unshare-uts\n");
  // The command's own status still passes through.
  EXPECT_EQ(run(as_bwrap({"--ro-bind", "/", "/", "sh", "-c", "exit 125"})).status, 125);
  auto help = run(as_bwrap({"--help"}));
  EXPECT_TRUE(help.out.starts_with("usage: " + bwrap_bin() + " [OPTIONS...]")) << help.out;
  EXPECT_EQ(help.out.find("--share-pid"), std::string::npos);
}

TEST_F(DropIn, NoDefaultHostname) {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  EXPECT_EQ(run(as_bwrap({"--unshare-uts", "--ro-bind", "/", "/", "hostname"})).out, std::string(host) + "\n");
  EXPECT_EQ(run(as_bwrap({"--unshare-uts", "--hostname", "named", "--ro-bind", "/", "/", "hostname"})).out, "named\n");
}

TEST_F(DropIn, LevelPrefix) {
  auto err = run(as_bwrap({"--level-prefix", "--frobnicate"}));
  EXPECT_EQ(err.err, "<3>bwrap: Unknown option --frobnicate\n");
  auto warn = run(sandbox({"--level-prefix", "--chdir", "/", "--chdir", "/", "--ro-bind", "/", "/", "true"}));
  EXPECT_EQ(warn.status, 0);
  EXPECT_EQ(warn.err, "<4>sandbox: Only the last --chdir option will take effect\n");
  // It holds for the whole run, even for a failure in an option before it.
  auto before = run(sandbox({"--frob", "--level-prefix"}));
  EXPECT_EQ(before.err, "<3>sandbox: Unknown option --frob\n");
}

TEST_F(DropIn, UidGidChoice) {
  auto r = run(as_bwrap({"--unshare-user", "--uid", "0", "--gid", "0", "--ro-bind", "/", "/", "sh", "-c", "id -u; id -g"}));
  EXPECT_EQ(r.out, "0\n0\n") << r.err;
}

}  // namespace
}  // namespace sbtest

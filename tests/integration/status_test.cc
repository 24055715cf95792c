// Synchronisation and status: --info-fd, --json-status-fd, --block-fd, --userns-block-fd,
// --sync-fd, --lock-file.
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <thread>

#include "harness.h"

namespace sbtest {
namespace {

class Status : public SandboxTest {};

std::string ns_inode(pid_t pid, const char* kind) {
  std::string link = read_link("/proc/" + std::to_string(pid) + "/ns/" + kind);
  return link.substr(link.find('[') + 1, link.find(']') - link.find('[') - 1);
}

TEST_F(Status, InfoFdNamesChildAndCreatedNamespaces) {
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  RunOptions o;
  o.fds = {{5, p[1]}};
  // The command waits until the test has looked at the child, so its namespaces still exist.
  int go[2];
  ASSERT_EQ(pipe2(go, O_CLOEXEC), 0);
  o.fds.push_back({6, go[0]});
  Background bg(as_bwrap({"--unshare-net", "--unshare-uts", "--ro-bind", "/", "/", "--info-fd", "5",
                          "--block-fd", "6", "true"}),
                o);
  close(p[1]);
  close(go[0]);
  std::string info = read_all(p[0]);  // EOF: the info fd was closed after writing
  close(p[0]);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(info, m, std::regex("\"child-pid\": ([0-9]+)"))) << info;
  pid_t child = std::stoi(m[1]);
  std::string want = "{\n    \"child-pid\": " + std::to_string(child) +
                     ",\n    \"mnt-namespace\": " + ns_inode(child, "mnt") +
                     ",\n    \"net-namespace\": " + ns_inode(child, "net") +
                     ",\n    \"uts-namespace\": " + ns_inode(child, "uts") + "\n}\n";
  EXPECT_EQ(info, want);
  close(go[1]);
  EXPECT_EQ(bg.finish().status, 0);
}

TEST_F(Status, JsonStatusFdHasStartAndExitLines) {
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  RunOptions o;
  o.fds = {{5, p[1]}};
  Background bg(in_busybox({"--json-status-fd", "5", "sh", "-c", "exit 3"}), o);
  close(p[1]);
  std::string status = read_all(p[0]);
  close(p[0]);
  EXPECT_EQ(bg.finish().status, 3);
  auto l = lines(status);
  ASSERT_EQ(l.size(), 2u) << status;
  // Native: every namespace is new.
  EXPECT_TRUE(std::regex_match(l[0], std::regex(R"(\{ "child-pid": [0-9]+, "cgroup-namespace": [0-9]+, "ipc-namespace": [0-9]+, "mnt-namespace": [0-9]+, "net-namespace": [0-9]+, "pid-namespace": [0-9]+, "uts-namespace": [0-9]+ \})"))) << l[0];
  EXPECT_EQ(l[1], "{ \"exit-code\": 3 }");
  // Death by signal is reported the shell's way.
  int q[2];
  ASSERT_EQ(pipe2(q, O_CLOEXEC), 0);
  o.fds = {{5, q[1]}};
  Background killed(in_busybox({"--json-status-fd", "5", "sh", "-c", "kill -9 $$"}), o);
  close(q[1]);
  std::string s2 = read_all(q[0]);
  close(q[0]);
  EXPECT_EQ(killed.finish().status, 137);
  EXPECT_EQ(lines(s2).at(1), "{ \"exit-code\": 137 }");
}

// As bubblewrap: the exit-code line is COMMAND's. When setup fails or the exec does, the
// failure is on stderr and the status ends with the start line (or with nothing).
TEST_F(Status, NoExitCodeWhenCommandNeverRan) {
  struct Case {
    std::vector<std::string> argv;
    size_t lines;  // the start line is written before setup goes on
  };
  const Case cases[] = {
      {in_busybox({"--json-status-fd", "5", "/no-such-command"}), 1},
      {in_busybox({"--json-status-fd", "5", "--ro-bind", "/no-such-source", "/x", "true"}), 1},
      {as_bwrap({"--ro-bind", "/", "/", "--json-status-fd", "5", "/no-such-command"}), 1},
      {as_bwrap({"--ro-bind", "/", "/", "--json-status-fd", "5", "--ro-bind", "/no-such-source", "/x", "true"}), 1},
      {as_bwrap({"--ro-bind", "/", "/", "--json-status-fd", "5", "/etc"}), 1},
  };
  for (const auto& c : cases) {
    int p[2];
    ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
    RunOptions o;
    o.fds = {{5, p[1]}};
    Background bg(c.argv, o);
    close(p[1]);
    std::string status = read_all(p[0]);
    close(p[0]);
    RunResult r = bg.finish();
    EXPECT_NE(r.status, 0) << r.err;
    EXPECT_EQ(lines(status).size(), c.lines) << status << r.err;
    EXPECT_EQ(status.find("exit-code"), std::string::npos) << status;
  }
}

TEST_F(Status, StatusFdsDoNotReachCommand) {
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  RunOptions o;
  o.fds = {{5, p[1]}, {6, p[1]}};
  auto r = run(as_bwrap({"--ro-bind", "/", "/", "--info-fd", "5", "--json-status-fd", "6", "sh", "-c",
                         "test -e /proc/self/fd/5 || test -e /proc/self/fd/6 || echo gone"}),
               o);
  close(p[1]);
  close(p[0]);
  EXPECT_EQ(r.out, "gone\n") << r.err;
}

// A sandbox whose COMMAND, `touch /out/ran`, waits at --block-fd for the pipe `release` writes.
struct HeldAtBlockFd {
  TempDir out;
  int release = -1;
  std::unique_ptr<Background> sandbox;

  HeldAtBlockFd() {
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) std::abort();
    chmod(out.path().c_str(), 0777);
    RunOptions o;
    o.fds = {{5, p[0]}};
    sandbox = std::make_unique<Background>(
        in_busybox({"--bind", out.path(), "/out", "--block-fd", "5", "touch", "/out/ran"}), o);
    close(p[0]);
    release = p[1];
  }
  ~HeldAtBlockFd() {
    if (release >= 0) close(release);
  }
  bool ran() const { return exists(out / "ran"); }
};

TEST_F(Status, BlockFdHoldsCommandUntilData) {
  HeldAtBlockFd h;
  // Nothing runs while the descriptor is empty: give it every chance to, then check.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_FALSE(h.ran());
  ASSERT_EQ(write(h.release, "x", 1), 1);
  EXPECT_EQ(h.sandbox->finish().status, 0);
  EXPECT_TRUE(h.ran());
}

// While COMMAND's process waits at --block-fd, init must be free to pass a signal on to it.
TEST_F(Status, SignalReachesCommandHeldAtBlockFd) {
  HeldAtBlockFd h;
  // Inside, pid 1 and COMMAND's process before its exec show only "sandbox-init" (pid 1
  // overwrites its arguments at once, then execs it): both there is the state waited for.
  // Only this sandbox's own processes are counted, whatever else the machine runs.
  auto held = [&] {
    int n = 0;
    for (const auto& cmd : descendants_of(h.sandbox->pid())) n += cmd.starts_with("sandbox-init");
    return n == 2;
  };
  bool reached = false;
  for (int i = 0; i < 2400 && !(reached = held()); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(reached);
  kill(h.sandbox->pid(), SIGTERM);
  EXPECT_EQ(h.sandbox->finish(30).status, 128 + SIGTERM);
  EXPECT_FALSE(h.ran());
}

TEST_F(Status, SyncFdStaysOpenWhileSandboxRuns) {
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  RunOptions o;
  o.fds = {{5, p[1]}};
  Background bg(in_busybox({"--sync-fd", "5", "sh", "-c", "echo ready; exec sleep 1000"}), o);
  close(p[1]);
  ASSERT_TRUE(bg.wait_for_line("ready"));
  pollfd pfd{p[0], POLLIN, 0};
  EXPECT_EQ(poll(&pfd, 1, 200), 0);  // still open inside: no EOF yet
  kill(bg.pid(), SIGTERM);
  bg.finish();
  EXPECT_EQ(poll(&pfd, 1, 10000), 1);  // closed once the sandbox ended
  EXPECT_EQ(read(p[0], nullptr, 0), 0);
  close(p[0]);
}

TEST_F(Status, UsernsBlockFdLetsAHelperWriteTheMaps) {
  int info[2], block[2];
  ASSERT_EQ(pipe2(info, O_CLOEXEC), 0);
  ASSERT_EQ(pipe2(block, O_CLOEXEC), 0);
  RunOptions o;
  o.fds = {{5, info[1]}, {6, block[0]}};
  Background bg(as_bwrap({"--unshare-user", "--info-fd", "5", "--userns-block-fd", "6", "--ro-bind", "/", "/",
                          "cat", "/proc/self/uid_map"}),
                o);
  close(info[1]);
  close(block[0]);
  std::string text = read_all(info[0]);
  close(info[0]);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(text, m, std::regex("\"child-pid\": ([0-9]+)"))) << text;
  std::string proc = "/proc/" + std::string(m[1]);
  // The helper: this test, mapping 1234 inside onto its own uid.
  write_file(proc + "/setgroups", "deny");
  std::ofstream(proc + "/uid_map") << "1234 " << getuid() << " 1\n";
  std::ofstream(proc + "/gid_map") << "1234 " << getgid() << " 1\n";
  ASSERT_EQ(write(block[1], "x", 1), 1);
  close(block[1]);
  auto r = bg.finish();
  EXPECT_EQ(r.status, 0) << r.err;
  auto f = lines(r.out);
  ASSERT_EQ(f.size(), 1u) << r.out;
  std::istringstream in(f[0]);
  std::string a, b;
  in >> a >> b;
  EXPECT_EQ(a, "1234");
  EXPECT_EQ(b, std::to_string(getuid()));
}

TEST_F(Status, UsernsBlockFdNeedsInfoFd) {
  auto r = run(as_bwrap({"--unshare-user", "--userns-block-fd", "0", "--ro-bind", "/", "/", "true"}));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "bwrap: --userns-block-fd requires --info-fd\n");
}

TEST_F(Status, LockFileIsHeldWhileSandboxRuns) {
  TempDir d;
  write_file(d / "lock", "");
  Background bg(in_busybox({"--ro-bind", d.path(), "/state", "--lock-file", "/state/lock", "sh", "-c",
                            "echo ready; exec sleep 1000"}));
  ASSERT_TRUE(bg.wait_for_line("ready"));
  int fd = open((d / "lock").c_str(), O_RDWR);
  struct flock probe{};
  probe.l_type = F_WRLCK;
  probe.l_whence = SEEK_SET;
  ASSERT_EQ(fcntl(fd, F_GETLK, &probe), 0);
  EXPECT_EQ(probe.l_type, F_RDLCK);  // someone holds a read lock
  kill(bg.pid(), SIGTERM);
  bg.finish();
  struct flock after{};
  after.l_type = F_WRLCK;
  after.l_whence = SEEK_SET;
  ASSERT_EQ(fcntl(fd, F_GETLK, &after), 0);
  EXPECT_EQ(after.l_type, F_UNLCK);
  close(fd);
}

TEST_F(Status, LockFileErrors) {
  auto r = run(in_busybox({"--lock-file", "/nonexistent", "true"}));
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err, "sandbox: Unable to open lock file /nonexistent: No such file or directory\n");
  auto pid1 = run(in_busybox({"--as-pid-1", "--lock-file", "/etc/passwd", "true"}));
  EXPECT_EQ(pid1.status, 125);
  EXPECT_EQ(pid1.err, "sandbox: --lock-file needs the init process: it cannot be combined with --as-pid-1\n");
}

TEST_F(Status, ClosedStatusFdIsRefused) {
  auto r = run(in_busybox({"--info-fd", "63", "true"}));
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err, "sandbox: --info-fd 63: Bad file descriptor\n");
}

}  // namespace
}  // namespace sbtest

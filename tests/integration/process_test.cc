// Points 5-7: process model, exit status, signals, environment, privileges, descriptors.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "harness.h"

namespace sbtest {
namespace {

class Process : public SandboxTest {};

TEST_F(Process, ExitStatusIsTheCommands) {
  EXPECT_EQ(run(in_busybox({"true"})).status, 0);
  EXPECT_EQ(run(in_busybox({"sh", "-c", "exit 3"})).status, 3);
  EXPECT_EQ(run(in_busybox({"sh", "-c", "exit 125"})).status, 125);
  EXPECT_EQ(run(in_busybox({"--as-pid-1", "sh", "-c", "exit 42"})).status, 42);
}

TEST_F(Process, DeathBySignalIs128PlusN) {
  auto r = run(in_busybox({"sh", "-c", "kill -KILL $$"}));
  EXPECT_EQ(r.status, 128 + SIGKILL);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(run(in_busybox({"sh", "-c", "kill -SEGV $$"})).status, 128 + SIGSEGV);
  // As pid 1 the command can only die of a signal sent from outside its namespace.
  EXPECT_EQ(run(in_busybox({"--as-pid-1", "sh", "-c", "kill -TERM $$; exit 3"})).status, 3);
}

TEST_F(Process, InitReapsOrphans) {
  // The orphan's parent exits at once; init must collect it, or it would stay a zombie.
  auto r = run(in_busybox({"sh", "-c", "(sh -c 'sleep 0.2' &) ; sleep 0.6; grep -l '^State:.*Z' /proc/[0-9]*/status | wc -l"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "0\n");
}

TEST_F(Process, SignalsAreForwardedToTheCommand) {
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2}) {
    std::string name = sigabbrev_np(sig);
    Background bg(in_busybox({"sh", "-c", "trap 'echo got " + name + "; exit 7' " + name +
                                              "; echo ready; while :; do sleep 0.05; done"}));
    ASSERT_TRUE(bg.wait_for_line("ready")) << name;
    kill(bg.pid(), sig);
    auto r = bg.finish(30);
    EXPECT_EQ(r.out, "ready\ngot " + name + "\n") << name << r.err;
    EXPECT_EQ(r.status, 7) << name;
  }
}

TEST_F(Process, UnhandledTermKillsTheCommand) {
  Background bg(in_busybox({"sh", "-c", "echo ready; exec sleep 1000"}));
  ASSERT_TRUE(bg.wait_for_line("ready"));
  kill(bg.pid(), SIGTERM);
  EXPECT_EQ(bg.finish(30).status, 128 + SIGTERM);
}

TEST_F(Process, DieWithParent) {
  // An intermediate shell starts the sandbox and is then killed; everything inside must go.
  std::string marker = "dwp-marker-" + std::to_string(getpid());
  std::string inner = "echo ready; sleep 1000; : " + marker;
  std::string cmd;
  for (auto& a : in_busybox({"--die-with-parent", "sh", "-c", inner})) cmd += "'" + a + "' ";
  Background parent({"/bin/sh", "-c", cmd + "& wait"});
  ASSERT_TRUE(parent.wait_for_line("ready"));
  ASSERT_TRUE(process_with(marker));
  kill(parent.pid(), SIGKILL);  // only the shell: the sandbox is its child
  EXPECT_TRUE(gone_within(marker, 20));
}

TEST_F(Process, KillingTheMonitorEndsTheSandbox) {
  std::string marker = "kill-marker-" + std::to_string(getpid());
  Background bg(in_busybox({"sh", "-c", "echo ready; sleep 1000; : " + marker}));
  ASSERT_TRUE(bg.wait_for_line("ready"));
  ASSERT_TRUE(process_with(marker));
  kill(bg.pid(), SIGKILL);
  EXPECT_TRUE(gone_within(marker, 20));
}

TEST_F(Process, NewSession) {
  const char* script = "read -r pid comm state ppid pgrp sid rest < /proc/$$/stat; echo $sid";
  auto same = run(in_busybox({"sh", "-c", script}));
  EXPECT_EQ(same.out, "0\n") << same.err;  // the caller's session leader is outside
  // The session is made before init exists: init (pid 1) leads it, and holds no terminal.
  auto fresh = run(in_busybox({"--new-session", "sh", "-c", script}));
  EXPECT_EQ(fresh.out, "1\n") << fresh.err;
}

TEST_F(Process, WorkingDirectory) {
  EXPECT_EQ(run(in_busybox({"--chdir", "/bin", "sh", "-c", "pwd; echo $PWD"})).out, "/bin\n/bin\n");
  // Default: the caller's directory when it exists inside...
  RunOptions in_etc;
  in_etc.cwd = "/etc";
  EXPECT_EQ(run(in_busybox({"pwd"}), in_etc).out, "/etc\n");
  // ...else $HOME, else /.
  TempDir d;
  RunOptions elsewhere;
  elsewhere.cwd = d.path();
  EXPECT_EQ(run(in_busybox({"--setenv", "HOME", "/root", "pwd"}), elsewhere).out, "/root\n");
  EXPECT_EQ(run(in_busybox({"--setenv", "HOME", "/nope", "pwd"}), elsewhere).out, "/\n");
}

TEST_F(Process, Environment) {
  setenv("SANDBOX_TEST_INHERITED", "yes", 1);
  auto r = run(in_busybox({"--setenv", "A", "1", "--setenv", "B", "two words", "--unsetenv",
                           "SANDBOX_TEST_INHERITED", "sh", "-c",
                           "echo \"$A|$B|${SANDBOX_TEST_INHERITED-unset}\""}));
  EXPECT_EQ(r.out, "1|two words|unset\n") << r.err;
  auto kept = run(in_busybox({"sh", "-c", "echo $SANDBOX_TEST_INHERITED"}));
  EXPECT_EQ(kept.out, "yes\n");
  auto clear = run(in_busybox({"--clearenv", "--setenv", "ONLY", "me", "/bin/env"}));
  auto l = lines(clear.out);
  std::sort(l.begin(), l.end());
  EXPECT_EQ(l, (std::vector<std::string>{"ONLY=me", "PWD=/"})) << clear.out;
}

TEST_F(Process, Argv0) {
  // busybox picks its applet from argv[0].
  auto r = run(in_busybox({"--argv0", "echo", "/bin/busybox", "hello"}));
  EXPECT_EQ(r.out, "hello\n") << r.err;
  auto shell = run(in_usr({"--argv0", "custom-name", "/bin/sh", "-c", "echo $0"}));
  EXPECT_EQ(shell.out, "custom-name\n") << shell.err;
}

std::string caps_and_nnp(const RunResult& r) {
  std::string out;
  for (auto& l : lines(r.out))
    if (l.starts_with("Cap") || l.starts_with("NoNewPrivs")) out += l + "\n";
  return out;
}

TEST_F(Process, NoCapabilitiesAndNoNewPrivs) {
  auto r = run(in_busybox({"cat", "/proc/self/status"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(caps_and_nnp(r),
            "CapInh:\t0000000000000000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\n"
            "CapBnd:\t0000000000000000\nCapAmb:\t0000000000000000\nNoNewPrivs:\t1\n");
  // And so, though uid 0, the command can do nothing privileged.
  auto m = run(in_busybox({"sh", "-c", "mount -t tmpfs none /tmp || echo refused; hostname x || echo refused"}));
  EXPECT_EQ(m.out, "refused\nrefused\n");
}

TEST_F(Process, InitHoldsNoCapabilities) {
  auto r = run(in_busybox({"cat", "/proc/1/status"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(caps_and_nnp(r).find("CapEff:\t0000000000000000\nCapBnd:\t0000000000000000"),
            std::string::npos);
}

TEST_F(Process, CapAddAndDrop) {
  auto one = run(in_busybox({"--cap-add", "CAP_NET_ADMIN", "grep", "^CapEff", "/proc/self/status"}));
  EXPECT_EQ(one.out, "CapEff:\t0000000000001000\n") << one.err;
  auto all = run(in_busybox({"--cap-add", "ALL", "--cap-drop", "CAP_SYS_ADMIN", "grep", "^CapBnd", "/proc/self/status"}));
  uint64_t mask = std::stoull(lines(all.out).at(0).substr(8), nullptr, 16);
  EXPECT_EQ(mask & (uint64_t{1} << 21), 0u);
  EXPECT_NE(mask & (uint64_t{1} << 12), 0u);
  // A kept capability works: CAP_SYS_ADMIN lets the command mount.
  auto mount = run(in_busybox({"--cap-add", "CAP_SYS_ADMIN", "sh", "-c", "mount -t tmpfs none /tmp && echo mounted"}));
  EXPECT_EQ(mount.out, "mounted\n") << mount.err;
}

TEST_F(Process, DescriptorsAboveTwoAreClosed) {
  int fd = open("/dev/null", O_RDONLY);  // not close-on-exec: the sandbox inherits it
  ASSERT_GE(fd, 0);
  RunOptions o;
  o.fds = {{5, fd}, {9, fd}};
  auto r = run(in_busybox({"ls", "/proc/self/fd"}), o);
  EXPECT_EQ(lines(r.out), (std::vector<std::string>{"0", "1", "2", "3"})) << r.err;  // 3: ls's own
  auto kept = run(in_busybox({"--keep-fd", "9", "ls", "/proc/self/fd"}), o);
  EXPECT_EQ(lines(kept.out), (std::vector<std::string>{"0", "1", "2", "3", "9"})) << kept.err;
  close(fd);
}

TEST_F(Process, KeptDescriptorIsUsable) {
  TempDir d;
  write_file(d / "in", "through fd 7\n");
  int fd = open((d / "in").c_str(), O_RDONLY);
  RunOptions o;
  o.fds = {{7, fd}};
  auto r = run(in_busybox({"--keep-fd", "7", "sh", "-c", "cat <&7"}), o);
  EXPECT_EQ(r.out, "through fd 7\n") << r.err;
  close(fd);
}

}  // namespace
}  // namespace sbtest

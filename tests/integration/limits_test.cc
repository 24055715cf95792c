// Limits and time as a user of them would check: a fork bomb and a memory hog stopped, a
// command that outlives its time (ignoring SIGTERM, forking, as pid 1), clocks moved inside
// and not outside, and bad values refused in one line.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "harness.h"

namespace sbtest {
namespace {

class Limits : public SandboxTest {};

TEST_F(Limits, ResourceLimitsHoldForInitAndCommand) {
  auto r = run(in_busybox({"--rlimit", "nofile=64", "--rlimit", "core=0", "--rlimit", "nproc=50:60", "sh", "-c",
                           "ulimit -n; ulimit -Hn; ulimit -c; ulimit -u; ulimit -Hu; grep 'open files' /proc/1/limits"}));
  EXPECT_EQ(r.out, "64\n64\n0\n50\n60\nMax open files            64                   64                   files     \n")
      << r.err;
  // A soft limit alone is the hard one too: COMMAND cannot raise it again.
  auto raise = run(in_busybox({"--rlimit", "nofile=64", "sh", "-c", "ulimit -n 65 2>&1 || echo refused"}));
  EXPECT_NE(raise.out.find("refused"), std::string::npos) << raise.out;
}

TEST_F(Limits, AForkBombIsBoundedByNproc) {
  // RLIMIT_NPROC counts the processes of COMMAND's uid in the sandbox's user namespace (and
  // those beneath it). A hundred attempts: the subshell stops at the limit (ash gives up when
  // fork fails), and everything ends with COMMAND.
  // Counted by the shell itself, which could not fork a counter at the limit.
  const std::string attempts = "(i=0; while [ $i -lt 100 ]; do sleep 60 & i=$((i+1)); done) 2>/dev/null; "
                               "set -- /proc/[0-9]*; echo $#";
  auto r = run(in_busybox({"--dev", "/dev", "--rlimit", "nproc=20", "sh", "-c", attempts}));
  ASSERT_EQ(r.status, 0) << r.err;
  int count = std::stoi(r.out);
  if (getuid() == 0) {
    // What it does not bound: the kernel exempts the host's root from RLIMIT_NPROC, also in a
    // user namespace of its own. init, sh and a hundred sleeps.
    EXPECT_EQ(count, 102) << r.out;
  } else {
    EXPECT_GE(count, 15) << r.out;  // it did fork up to the limit
    EXPECT_LE(count, 20) << r.out;  // and no further
    // A real bomb meets the limit (each shell that cannot fork gives up, so it collapses by
    // itself; --timeout is only a guard), and nothing of it is left.
    auto bomb = run(in_busybox({"--dev", "/dev", "--rlimit", "nproc=30", "--timeout", "20", "sh", "-c",
                                "b() { b & b & wait; }; b"}));
    EXPECT_NE(bomb.err.find("can't fork: Resource temporarily unavailable"), std::string::npos) << bomb.err;
  }
  EXPECT_TRUE(leftover_processes().empty());
  // Nor does it count the caller's processes outside, since the count is per user namespace:
  // thirty here leave the sandbox its twenty.
  std::vector<pid_t> outside;
  for (int i = 0; i < 30; ++i) {
    pid_t p = fork();
    if (p == 0) {
      pause();
      _exit(0);
    }
    outside.push_back(p);
  }
  auto again = run(in_busybox({"--dev", "/dev", "--rlimit", "nproc=20", "sh", "-c",
                               "for i in 1 2 3 4 5 6 7 8 9 10; do sleep 60 & done; set -- /proc/[0-9]*; echo $#"}));
  EXPECT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(again.out, "12\n") << again.err;  // init, sh and ten sleeps
  for (pid_t p : outside) {
    kill(p, SIGKILL);
    waitpid(p, nullptr, 0);
  }
}

TEST_F(Limits, AMemoryHogIsStoppedByAs) {
  const std::string hog = "dd if=/dev/zero of=/dev/null bs=256M count=1 2>/dev/null && echo allocated || echo refused";
  EXPECT_EQ(run(in_busybox({"--dev", "/dev", "--rlimit", "as=64M", "sh", "-c", hog})).out, "refused\n");
  EXPECT_EQ(run(in_busybox({"--dev", "/dev", "sh", "-c", hog})).out, "allocated\n");
}

TEST_F(Limits, RaisingAHardLimitIsRefused) {
  rlimit mine;
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &mine), 0);
  std::string above = std::to_string(mine.rlim_max + 1);
  expect_setup_refusal({"--rlimit", "nofile=10:" + above},
                       "--rlimit nofile=10:" + above + ": the hard limit " + above + " is above the caller's (" +
                           std::to_string(mine.rlim_max) + "), which only privilege can raise: Operation not permitted");
}

TEST_F(Limits, TimeoutTermsThenKills) {
  // A command that ends on SIGTERM: 124 and one line.
  auto plain = run(in_busybox({"--timeout", "0.3", "sleep", "30"}));
  EXPECT_EQ(plain.status, 124);
  EXPECT_EQ(plain.err, "sandbox: sleep timed out after 0.3s\n");
  // One that ignores SIGTERM and leaves children running: SIGKILL to the whole sandbox.
  auto stubborn = run(in_busybox({"--dev", "/dev", "--timeout", "0.3", "--kill-after", "0.5", "sh", "-c",
                                  "trap '' TERM; sleep 60 & sleep 60 & sleep 60"}));
  EXPECT_EQ(stubborn.status, 124);
  EXPECT_EQ(stubborn.err, "sandbox: sh timed out after 0.3s\n");
  EXPECT_TRUE(leftover_processes().empty());
  // As pid 1, COMMAND gets SIGTERM only if it handles it (the kernel's rule for a namespace's
  // init), so --kill-after ends it.
  auto pid1 = run(in_busybox({"--as-pid-1", "--timeout", "0.2", "--kill-after", "0.3", "sleep", "30"}));
  EXPECT_EQ(pid1.status, 124);
  EXPECT_EQ(pid1.err, "sandbox: sleep timed out after 0.2s\n");
  // One that finishes in time is not touched.
  auto quick = run(in_busybox({"--timeout", "30", "sh", "-c", "exit 3"}));
  EXPECT_EQ(quick.status, 3);
  EXPECT_EQ(quick.err, "");
}

TEST_F(Limits, TimeOffsetsMoveTheClocksInsideOnly) {
  timespec host_boot;
  clock_gettime(CLOCK_BOOTTIME, &host_boot);
  auto r = run(syscall_probing({"--time-offset", "boottime=86400", "--time-offset", "monotonic=-1"},
                               {"64", "clock", "boottime"}));
  ASSERT_EQ(r.status, 0) << r.err;
  long inside = std::stol(r.out);
  EXPECT_GE(inside, host_boot.tv_sec + 86400) << r.out;
  EXPECT_LE(inside, host_boot.tv_sec + 86400 + 60) << r.out;
  // /proc/uptime inside moves with boottime; the host's does not.
  auto uptime = run(in_busybox({"--time-offset", "boottime=86400", "cat", "/proc/uptime"}));
  EXPECT_GE(std::stod(uptime.out), static_cast<double>(host_boot.tv_sec + 86400)) << uptime.out;
  timespec after;
  clock_gettime(CLOCK_BOOTTIME, &after);
  EXPECT_LT(after.tv_sec, host_boot.tv_sec + 60);
  // The monotonic clock too.
  timespec host_mono;
  clock_gettime(CLOCK_MONOTONIC, &host_mono);
  auto mono = run(syscall_probing({"--time-offset", "monotonic=3600"}, {"64", "clock", "monotonic"}));
  long moved = std::stol(mono.out);
  EXPECT_GE(moved, host_mono.tv_sec + 3600) << mono.out;
  EXPECT_LE(moved, host_mono.tv_sec + 3600 + 60) << mono.out;
  // Without the option, no time namespace of its own.
  auto same = run(in_busybox({"sh", "-c", "readlink /proc/self/ns/time"}));
  char host_ns[64] = {};
  ASSERT_GT(readlink("/proc/self/ns/time", host_ns, sizeof host_ns - 1), 0);
  EXPECT_EQ(same.out, std::string(host_ns) + "\n");
  auto own = run(in_busybox({"--time-offset", "boottime=1", "sh", "-c", "readlink /proc/self/ns/time"}));
  EXPECT_NE(own.out, std::string(host_ns) + "\n");
}

// This machine has no delegated cgroup v2 (a hybrid layout whose v2 hierarchy has no
// controllers; as an unprivileged user, not even a writable one): the limits are refused
// before anything starts, with the hint, and no cgroup is made.
TEST_F(Limits, CgroupLimitsWithoutADelegatedCgroupAreRefused) {
  for (std::vector<std::string> o : {std::vector<std::string>{"--memory", "64M"}, {"--pids", "10"}, {"--cpus", "0.5"}}) {
    std::string what = o[0] + " " + o[1];
    auto args = in_busybox({});
    args.insert(args.end(), o.begin(), o.end());
    args.insert(args.end(), {"sh", "-c", "echo ran"});
    auto r = run(args);
    EXPECT_EQ(r.status, 125) << what;
    EXPECT_EQ(r.out, "");
    std::regex line("sandbox: " + o[0] + " " + std::regex_replace(o[1], std::regex("\\."), "\\.") +
                    ": (the caller's cgroup /[^ ]* (has no (memory|pids|cpu) controller|is not delegated to the caller)|"
                    "the (memory|pids|cpu) controller is not enabled for the children of /[^ ]*|"
                    "this system has no cgroup v2 for this process): [A-Za-z ]+\n"
                    "sandbox: hint: run it in a cgroup delegated to you, for example: systemd-run --user --scope -p "
                    "Delegate=yes sandbox \\.\\.\\.\n");
    EXPECT_TRUE(std::regex_match(r.err, line)) << r.err;
    EXPECT_TRUE(leftover_processes().empty());
  }
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/sys/fs/cgroup/unified", ec))
    EXPECT_FALSE(e.path().filename().string().starts_with("sandbox-")) << e.path();
}

// The setup gives the users who run the tests subordinate ranges (quickstart).
TEST_F(Limits, SubidsGiveSeveralIdsInside) {
  auto r = run(in_busybox({"--subids", "--cap-add", "CAP_CHOWN", "--tmpfs", "/t", "sh", "-c",
                           "touch /t/f; chown 1000:1000 /t/f && stat -c '%u %g' /t/f; id -u; "
                           "cat /proc/self/uid_map /proc/self/gid_map | wc -l"}));
  EXPECT_EQ(r.out, "1000 1000\n0\n4\n") << r.err;
  // Without it one id exists inside: the same chown fails.
  auto one = run(in_busybox({"--dev", "/dev", "--cap-add", "CAP_CHOWN", "--tmpfs", "/t", "sh", "-c",
                             "touch /t/f; chown 1000:1000 /t/f 2>/dev/null || echo refused"}));
  EXPECT_EQ(one.out, "refused\n") << one.err;
  expect_setup_refusal({"--subids", "--uid", "5"},
                       "--subids: COMMAND runs as uid and gid 0, which are the caller's; --uid and --gid cannot be "
                       "combined with it: Invalid argument");
  // --as-user is the caller's uid inside: 0 only for root, where the two agree.
  auto as_user = run(in_busybox({"--as-user", "--subids", "id", "-u"}));
  if (getuid() == 0) {
    EXPECT_EQ(as_user.out, "0\n") << as_user.err;
  } else {
    EXPECT_EQ(as_user.err, "sandbox: --subids: COMMAND runs as uid and gid 0, which are the caller's; --as-user cannot be "
                           "combined with it: Invalid argument\n");
  }
  auto helpers = run({"/usr/bin/env", "PATH=/nonexistent", sandbox_bin(), "--subids", "true"});
  EXPECT_EQ(helpers.status, 125);
  EXPECT_EQ(helpers.err, "sandbox: --subids: newuidmap is not installed (Debian package uidmap): No such file or "
                         "directory\n");
}

TEST_F(Limits, BadValuesAreOneLine) {
  const Refusal cases[] = {
      {{"--rlimit", "nofile"}, "--rlimit nofile: takes NAME=SOFT[:HARD]: Invalid argument"},
      {{"--rlimit", "files=10"},
       "--rlimit files=10: unknown resource 'files' (as core cpu data fsize locks memlock msgqueue nice nofile nproc "
       "rtprio sigpending stack): Invalid argument"},
      {{"--rlimit", "nofile=10M"}, "--rlimit nofile=10M: takes a number or unlimited: Invalid argument"},
      {{"--rlimit", "as=1X"}, "--rlimit as=1X: takes a number (K, M, G, T allowed) or unlimited: Invalid argument"},
      {{"--rlimit", "nofile=20:10"}, "--rlimit nofile=20:10: the soft limit is above the hard one: Invalid argument"},
      {{"--timeout", "soon"}, "--timeout soon: takes a duration such as 30, 30s, 1.5m, 2h or 1d: Invalid argument"},
      {{"--timeout", "0"}, "--timeout 0: must be at least a millisecond: Invalid argument"},
      {{"--kill-after", "1.s"}, "--kill-after 1.s: takes a duration such as 30, 30s, 1.5m, 2h or 1d: Invalid argument"},
      {{"--time-offset", "realtime=5"}, "--time-offset realtime=5: takes monotonic=SECONDS or boottime=SECONDS: Invalid argument"},
      {{"--memory", "lots"}, "--memory lots: takes a size in bytes (K, M, G, T allowed): Invalid argument"},
      {{"--pids", "0"}, "--pids 0: takes a number of processes, more than 0: Invalid argument"},
      {{"--cpus", "all"}, "--cpus all: takes a number of CPUs, such as 0.5 or 2: Invalid argument"},
      {{"--time-offset", "boottime=1.5"},
       "--time-offset boottime=1.5: takes a whole number of seconds, which may be negative: Invalid argument"},
  };
  for (const auto& c : cases) expect_setup_refusal(c.options, c.line);
}

}  // namespace
}  // namespace sbtest

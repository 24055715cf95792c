// No process inside weaker than COMMAND, nothing of the caller's reachable through them, no
// descriptor of the sandbox's own inside, no signal lost, no zombie kept: tried from inside,
// against init and the helpers as well as COMMAND, in both personalities.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <map>
#include <thread>

#include "harness.h"

namespace sbtest {
namespace {


// The escape probe, bound at /probe inside.
std::vector<std::string> probe_bind() { return {"--ro-bind", dir_of(escape_probe_bin()), "/probe"}; }
std::string probe() { return "/probe/" + base_of(escape_probe_bin()); }

// in_busybox's root, for the drop-in, in a pid namespace of its own.
std::vector<std::string> bwrap_busybox(std::initializer_list<std::string> options) {
  std::vector<std::string> v = in_busybox(options);
  v[0] = bwrap_bin();
  v.insert(v.begin() + 1, "--unshare-pid");
  return v;
}

// The same without a pid namespace, with the host's /proc bound.
std::vector<std::string> bwrap_busybox_sharing_pids() {
  std::vector<std::string> v = in_busybox({});
  v[0] = bwrap_bin();
  auto proc = std::find(v.begin(), v.end(), "--proc");
  *proc = "--ro-bind";
  v.insert(proc + 1, "/proc");
  return v;
}

std::vector<std::string> then(std::vector<std::string> v, const std::vector<std::string>& more) {
  v.insert(v.end(), more.begin(), more.end());
  return v;
}

// The personalities and ways of running init that every item below is tried in; each
// entry's options come before the busybox root's.
struct Mode {
  const char* name;
  bool bwrap;
  std::vector<std::string> options;
  bool share_pids = false;
};
const std::vector<Mode>& modes() {
  static const std::vector<Mode> m = {
      {"native", false, {}},
      {"native --new-session", false, {"--new-session"}},
      {"native --cap-add ALL", false, {"--cap-add", "ALL"}},
      {"bwrap --unshare-pid", true, {}},
      {"bwrap --unshare-pid --new-session", true, {"--new-session"}},
      // Without a pid namespace bubblewrap runs an init only to hold a lock or --sync-fd.
      {"bwrap without a pid namespace", true, {"--lock-file", "/etc/passwd"}, true},
      {"bwrap without a pid namespace, --new-session", true, {"--lock-file", "/etc/passwd", "--new-session"}, true},
  };
  return m;
}

std::vector<std::string> in_mode(const Mode& m, const std::vector<std::string>& more) {
  std::vector<std::string> v = m.share_pids ? bwrap_busybox_sharing_pids() : m.bwrap ? bwrap_busybox({}) : in_busybox({});
  v.insert(v.end(), m.options.begin(), m.options.end());
  return then(v, more);
}

class Trust : public SandboxTest {};

// init is COMMAND's parent in every mode (pid 1, or the subreaper without a pid namespace).
TEST_F(Trust, InitIsAsConfinedAsCommand) {
  for (const auto& m : modes()) {
    std::string seccomp = m.bwrap ? "0" : "2";  // the drop-in loads no program unless asked
    // COMMAND execs once init is sandbox-init, which loads its programs just after: wait for
    // them, a while at most.
    std::string ready = "grep -q '^Name:.sandbox-init$' /proc/$PPID/status && grep -q '^Seccomp:." + seccomp +
                        "$' /proc/$PPID/status";
    auto r = run(in_mode(m, {"sh", "-c",
                             "i=0; until " + ready + " || [ $i = 500 ]; do sleep 0.01; i=$((i+1)); done;"
                             "grep -E '^(Name|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' "
                             "/proc/$PPID/status; tr '\\0' ' ' < /proc/$PPID/cmdline; echo"}));
    ASSERT_EQ(r.status, 0) << m.name << r.err;
    EXPECT_EQ(r.out, "Name:\tsandbox-init\nCapInh:\t0000000000000000\nCapPrm:\t0000000000000000\n"
                     "CapEff:\t0000000000000000\nCapBnd:\t0000000000000000\nCapAmb:\t0000000000000000\n"
                     "NoNewPrivs:\t1\nSeccomp:\t" + seccomp + "\nsandbox-init \n")
        << m.name;
  }
  // The caller's programs are loaded by init too, in the drop-in as in bubblewrap.
  RunOptions o;
  o.fds = {{5, data_fd(seccomp_deny_mkdir(EROFS))}};
  auto r = run(then(bwrap_busybox({"--add-seccomp-fd", "5"}),
                    {"sh", "-c",
                     "i=0; until grep -q '^Seccomp_filters:.1$' /proc/1/status || [ $i = 500 ]; do sleep 0.01; i=$((i+1)); done;"
                     "grep -E '^Seccomp_filters:' /proc/1/status /proc/self/status"}),
               o);
  EXPECT_EQ(r.out, "/proc/1/status:Seccomp_filters:\t1\n/proc/self/status:Seccomp_filters:\t1\n") << r.err;
  close(o.fds[0].second);
}

// Without a pid namespace, a lock or --sync-fd, the drop-in runs no init, as bubblewrap:
// COMMAND's parent is the monitor outside, and no process inside carries a program COMMAND
// does not.
TEST_F(Trust, NoInitWhereBubblewrapRunsNone) {
  auto r = run(then(bwrap_busybox_sharing_pids(),
                    {"sh", "-c", "grep '^Name:' /proc/$PPID/status"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "Name:\tbwrap\n") << r.err;
}

// The attack of the trust issue: ptrace init, which has the caller's terminal, and make it
// inject keystrokes. Every way of acting through init is refused, with or without capabilities
// left to COMMAND (as long as they are not all of them in a pid namespace of its own).
TEST_F(Trust, InitCannotBeSteered) {
  const std::string refused = "ptrace EPERM\nprocess_vm_readv EPERM\nmem EACCES\nenviron EACCES\npidfd_getfd EPERM\n";
  for (const auto& m : modes()) {
    if (m.options.size() == 2 && m.options[0] == "--cap-add") continue;  // CAP_SYS_PTRACE: by choice
    auto r = run(then(in_mode(m, probe_bind()), {probe(), "steer"}));
    EXPECT_EQ(r.out, refused) << m.name << r.err;
  }
  // On a kernel without Landlock (no fence: init stays non-dumpable), the same.
  for (bool bwrap : {false, true}) {
    auto argv = then({old_kernel_bin(), "--deny", "444:38"}, bwrap ? bwrap_busybox({}) : in_busybox({}));
    auto r = run(then(argv, then(probe_bind(), {probe(), "steer"})));
    EXPECT_EQ(r.out, refused) << (bwrap ? "bwrap" : "native") << " without Landlock" << r.err;
  }
  // With some capabilities but not CAP_SYS_PTRACE, still refused.
  auto r = run(then(in_busybox({"--cap-add", "CAP_NET_ADMIN", "--cap-add", "CAP_SYS_ADMIN"}),
                    then(probe_bind(), {probe(), "steer"})));
  EXPECT_EQ(r.out, refused) << r.err;
}

// As bubblewrap's pid 1, init is readable by the caller outside: its environment is COMMAND's
// and it sits in COMMAND's directory (flatpak enter reads both, as root does not own them),
// in both personalities; from inside it stays closed (InitCannotBeSteered), to a joined
// process too. Where the kernel has no Landlock to fence it with, it stays non-dumpable.
TEST_F(Trust, InitIsReadableByTheCallerAsBubblewrapsIs) {
  TempDir d;
  chmod(d.path().c_str(), 0777);
  auto fifo = d / "ready";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0666), 0);
  struct Case {
    const char* name;
    std::vector<std::string> argv;
    bool readable;
  };
  const std::vector<std::string> inside = {"--bind", d.path(), "/d", "--setenv", "FLATPAK_ID", "org.example.App",
                                           "--tmpfs", "/work", "--chdir", "/work", "sh", "-c",
                                           "echo up > /d/ready; exec sleep 1000"};
  const std::vector<Case> cases = {
      {"native", then(in_busybox({}), inside), true},
      {"bwrap --unshare-pid", then(bwrap_busybox({}), inside), true},
      {"bwrap --unshare-pid, no Landlock", then(then({old_kernel_bin(), "--deny", "444:38"}, bwrap_busybox({})), inside),
       false},
  };
  for (const auto& c : cases) {
    Background box(c.argv);
    int f = open(fifo.c_str(), O_RDONLY | O_CLOEXEC);  // returns once the sandbox opens it
    ASSERT_GE(f, 0);
    // Read to the end before closing: a reader gone before the shell's write kills the shell
    // with SIGPIPE, and the sandbox with it (what a busy machine showed).
    EXPECT_EQ(read_all(f), "up\n") << c.name;
    close(f);
    // pid 1: the sandbox process's child (or, under old-kernel, its grandchild).
    pid_t init_pid = init_below(box.pid());
    ASSERT_GT(init_pid, 0) << c.name;
    std::string init = std::to_string(init_pid);
    std::string environ = read_file("/proc/" + init + "/environ");
    if (c.readable) {
      EXPECT_NE(environ.find(std::string("FLATPAK_ID=org.example.App") + '\0'), std::string::npos) << c.name;
      EXPECT_EQ(environ.find("SANDBOX_INIT_"), std::string::npos) << c.name;  // its own are not there
      EXPECT_EQ(read_link("/proc/" + init + "/cwd"), "/work") << c.name;
      // Its command line says only what it is.
      EXPECT_EQ(read_file("/proc/" + init + "/cmdline"), std::string("sandbox-init\0", 13)) << c.name;
    } else if (getuid() != 0) {
      EXPECT_EQ(environ, "") << c.name;  // root's (unmapped inside), not the caller's
    }
    kill(box.pid(), SIGTERM);
    box.finish();
  }
}

// Neither the dropped variables nor the caller's command line can be read anywhere inside.
TEST_F(Trust, CallerEnvironmentAndArgumentsStayOutside) {
  // The pattern is written so that grep's own command line does not match it. Without a pid
  // namespace the monitor and the caller's processes are in view, as they are to anything
  // of the caller's: init and COMMAND are looked at there.
  for (const auto& m : modes()) {
    std::string which = m.share_pids ? "/proc/$PPID/environ /proc/$PPID/cmdline /proc/$$/environ"
                                     : "/proc/[0-9]*/environ /proc/[0-9]*/cmdline";
    std::vector<std::string> look = {
        "sh", "-c", "cat " + which + " 2>/dev/null | tr '\\0' '\\n' | grep -c 'top[s]ecret'"};
    std::vector<std::string> argv = {"env", "SANDBOX_PROBE=topsecret"};
    auto inner = in_mode(m, {"--dev", "/dev", "--clearenv", "--tmpfs", "/topsecret"});
    argv.insert(argv.end(), inner.begin(), inner.end());
    argv.insert(argv.end(), look.begin(), look.end());
    auto r = run(argv);
    EXPECT_EQ(r.out, "0\n") << m.name << r.err;
  }
}

// The caller's session keyring: out of reach natively; the drop-in leaves it as bubblewrap does.
TEST_F(Trust, CallerKeyringOutOfReach) {
  auto wrapped = [](std::vector<std::string> argv) {
    argv.insert(argv.begin(), {escape_probe_bin(), "keyring-wrap"});
    return argv;
  };
  // The `default` syscall profile refuses the keyring calls outright; without it, the
  // sandbox's own session keyring has no such key.
  auto native = run(wrapped(then(in_busybox({}), then(probe_bind(), {probe(), "keyring-read"}))));
  EXPECT_EQ(native.out, "EPERM\n") << native.err;
  auto unfiltered = run(wrapped(then(in_busybox({"--seccomp-profile", "none"}), then(probe_bind(), {probe(), "keyring-read"}))));
  EXPECT_EQ(unfiltered.out, "ENOKEY\n") << unfiltered.err;
  auto dropin = run(wrapped(then(bwrap_busybox({}), then(probe_bind(), {probe(), "keyring-read"}))));
  EXPECT_EQ(dropin.out, "read topsecret\n") << dropin.err;
  // The probe itself can read it, outside: the key is there to be found.
  EXPECT_EQ(run(wrapped({escape_probe_bin(), "keyring-read"})).out, "read topsecret\n");
}

// A signal sent at any moment of setup reaches COMMAND, or ends the monitor before it has
// started anything; never lost, so never a hang.
TEST_F(Trust, SignalsDuringSetupAreNotLost) {
  for (int variant = 0; variant < 3; ++variant) {
    for (int us = 0; us < 3000; us += 150) {
      std::vector<std::string> argv =
          variant == 0 ? in_busybox({"sleep", "60"})
          : variant == 1 ? bwrap_busybox({"sleep", "60"})
                         : in_busybox({"--share-net", "--info-fd", "1", "sleep", "60"});
      Background bg(argv);
      std::this_thread::sleep_for(std::chrono::microseconds(us));
      kill(bg.pid(), SIGTERM);
      auto r = bg.finish(30);
      ASSERT_FALSE(r.timed_out) << "variant " << variant << " signalled after " << us << " us";
      EXPECT_EQ(r.status, 128 + SIGTERM) << "variant " << variant << " after " << us << " us: " << r.err;
    }
  }
  EXPECT_TRUE(leftover_processes().empty());
}

std::vector<std::string> children_of(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  std::vector<std::string> out;
  for (std::string c; f >> c;) out.push_back(c);
  return out;
}

// The network namespace helper is gone once its work is done: no zombie beside the sandbox.
TEST_F(Trust, NetworkHelperIsReapedAtOnce) {
  Background bg(in_busybox({"sh", "-c", "echo ready; exec sleep 60"}));
  ASSERT_TRUE(bg.wait_for_line("ready"));
  auto children = children_of(bg.pid());
  EXPECT_EQ(children.size(), 1u);  // the sandbox's init alone
  kill(bg.pid(), SIGTERM);
  bg.finish();
}

// A status reader that never reads does not keep the monitor from its signals.
TEST_F(Trust, FullStatusPipeDoesNotHoldTheMonitor) {
  for (const char* option : {"--json-status-fd", "--info-fd"}) {
    int p[2];
    ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    std::string fill(65536, 'x');
    while (write(p[1], fill.data(), fill.size()) > 0) {
    }
    fcntl(p[1], F_SETFL, 0);
    RunOptions o;
    o.fds = {{5, p[1]}};
    Background bg(in_busybox({option, "5", "sh", "-c", "echo started; sleep 60"}), o);
    // Once the child exists the monitor is past its clone, and blocked on the pipe soon after.
    for (int i = 0; i < 200 && children_of(bg.pid()).empty(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    kill(bg.pid(), SIGTERM);
    auto r = bg.finish(20);
    EXPECT_FALSE(r.timed_out) << option;
    EXPECT_EQ(r.status, 128 + SIGTERM) << option << r.err;
    EXPECT_EQ(r.out, "") << option;  // COMMAND never started
    close(p[0]);
    close(p[1]);
  }
  EXPECT_TRUE(leftover_processes().empty());
}

// Later host mounts under a bind's source: none reach a native sandbox (private mounts); the
// drop-in receives them, as bubblewrap's slave mounts do. Shown in a user and mount namespace
// of the test's own, where it may mount and make a tree shared, as systemd makes the host's.
TEST_F(Trust, LaterHostMountsDoNotReachNativeSandboxes) {
  TempDir d;
  chmod(d.path().c_str(), 0755);
  for (bool bwrap : {false, true}) {
    std::string sandbox = bwrap ? bwrap_bin() + " --unshare-pid" : sandbox_bin();
    // COMMAND says it runs; only then is the later mount made, and COMMAND told of it.
    std::string script =
        "set -e; mount -t tmpfs src " + d.path() + "; mount --make-shared " + d.path() + "; mkdir " + d.path() +
        "/sub; " + sandbox + " --ro-bind " + rootfs() + "/bin /bin --proc /proc --dev /dev --ro-bind " + d.path() +
        " /x sh -c 'echo ready; while [ ! -e /x/mounted ]; do sleep 0.05; done; ls /x/sub; "
        "touch /x/sub/inside 2>/dev/null && echo writable || echo read-only' | "
        "{ read ready; mount -t tmpfs later " + d.path() + "/sub; touch " + d.path() + "/sub/later " + d.path() +
        "/mounted; cat; }";
    auto r = run({"unshare", "-Urm", "--propagation", "unchanged", "sh", "-c", script});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, bwrap ? "later\nwritable\n" : "read-only\n") << (bwrap ? "bwrap" : "native") << r.err;
  }
}


// Which descriptors COMMAND holds, for every option that names one: natively only what
// --keep-fd names; in the drop-in the inherited descriptors no option names (9 here), as in
// bubblewrap, and --sync-fd only where COMMAND is pid 1.
TEST_F(Trust, DescriptorsReachingCommand) {
  TempDir d;
  struct FdCase {
    std::vector<std::string> options;
    std::function<int()> make;  // descriptor 5, or none
    std::string native = "0 1 2", bwrap = "0 1 2 9";
  };
  auto dir = [&] { return open(d.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC); };
  std::vector<int> ends;  // other ends of pipes, kept open until the end
  auto pipe_end = [&](bool write_end, bool with_data) {
    return [&, write_end, with_data] {
      int p[2];
      if (pipe2(p, O_CLOEXEC) < 0) return -1;
      if (with_data && write(p[1], "x", 1) != 1) return -1;
      ends.push_back(p[write_end ? 0 : 1]);
      return p[write_end ? 1 : 0];
    };
  };
  auto data = [](std::string text) { return [text] { return data_fd(text); }; };
  std::vector<FdCase> cases = {
      {{"--bind-fd", "5", "/d"}, dir},
      {{"--ro-bind-fd", "5", "/d"}, dir},
      {{"--sync-fd", "5"}, pipe_end(true, false)},
      {{"--sync-fd", "5", "--as-pid-1"}, pipe_end(true, false), "0 1 2", "0 1 2 5 9"},
      {{"--block-fd", "5"}, pipe_end(false, true)},
      {{"--info-fd", "5"}, pipe_end(true, false)},
      {{"--json-status-fd", "5"}, pipe_end(true, false)},
      {{"--seccomp", "5"}, data(seccomp_deny_mkdir(EROFS))},
      {{"--add-seccomp-fd", "5"}, data(seccomp_deny_mkdir(EROFS))},
      {{"--file", "5", "/f"}, data("x")},
      {{"--bind-data", "5", "/f"}, data("x")},
      {{"--ro-bind-data", "5", "/f"}, data("x")},
      {{"--args", "5"}, data(nul_terminated({"--dir", "/from-args"}))},
      {{"--lock-file", "/bin/busybox"}, nullptr},
      {{"--keep-fd", "5"}, data("x"), "0 1 2 5", ""},
  };
  for (const auto& c : cases) {
    for (bool bwrap : {false, true}) {
      std::string expected = bwrap ? c.bwrap : c.native;
      if (expected.empty()) continue;  // a native option
      std::vector<std::string> argv = bwrap ? bwrap_busybox({}) : in_busybox({});
      argv = then(then(then(argv, c.options), probe_bind()), {probe(), "fds"});
      RunOptions o;
      int five = c.make ? c.make() : -1;
      int nine = open("/dev/null", O_RDONLY | O_CLOEXEC);
      if (five >= 0) o.fds.push_back({5, five});
      o.fds.push_back({9, nine});
      auto r = run(argv, o);
      std::string what = std::string(bwrap ? "bwrap " : "native ") + c.options[0];
      EXPECT_EQ(r.status, 0) << what << r.err;
      EXPECT_EQ(r.out, expected + "\n") << what;
      if (five >= 0) close(five);
      close(nine);
    }
  }
  for (int fd : ends) close(fd);
}

// The same for the options that join namespaces or wait for id maps: their descriptors are
// closed before COMMAND in both personalities.
TEST_F(Trust, DescriptorsOfJoinedNamespacesAreClosed) {
  // A sandbox to join, and one whose user namespace has a parent to join first (--userns2).
  pid_t child = -1, nested = -1;
  auto first = start_waiting({}, &child);
  auto second = start_waiting({"--disable-userns"}, &nested);
  ASSERT_GT(child, 0);
  ASSERT_GT(nested, 0);
  std::string ns = "/proc/" + std::to_string(child) + "/ns/";
  int user = open((ns + "user").c_str(), O_RDONLY | O_CLOEXEC);
  int pid = open((ns + "pid").c_str(), O_RDONLY | O_CLOEXEC);
  int inner = open(("/proc/" + std::to_string(nested) + "/ns/user").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(user, 0);
  ASSERT_GE(pid, 0);
  ASSERT_GE(inner, 0);
  int outer = ioctl(inner, NS_GET_PARENT);
  ASSERT_GE(outer, 0);
  struct Join {
    std::vector<std::string> options;
    std::vector<std::pair<int, int>> fds;
  };
  const std::vector<Join> joins = {
      {{"--userns", "5"}, {{5, user}}},
      {{"--userns", "5", "--pidns", "6"}, {{5, user}, {6, pid}}},
      {{"--userns", "5", "--userns2", "6"}, {{5, outer}, {6, inner}}},
  };
  for (const auto& j : joins) {
    for (bool bwrap : {false, true}) {
      std::vector<std::string> argv = bwrap ? bwrap_busybox({}) : in_busybox({});
      argv = then(then(then(argv, j.options), probe_bind()), {probe(), "fds"});
      RunOptions o;
      o.fds = j.fds;
      int nine = open("/dev/null", O_RDONLY | O_CLOEXEC);
      o.fds.push_back({9, nine});
      auto r = run(without_leak_check(argv), o);
      std::string what = std::string(bwrap ? "bwrap " : "native ") + j.options[j.options.size() - 2];
      EXPECT_EQ(r.status, 0) << what << r.err;
      EXPECT_EQ(r.out, bwrap ? "0 1 2 9\n" : "0 1 2\n") << what;
      close(nine);
    }
  }
  for (int fd : {user, pid, inner, outer}) close(fd);

  // --userns-block-fd: the test writes the id maps, as the helper it stands for would.
  for (bool bwrap : {false, true}) {
    int info[2], block[2];
    ASSERT_EQ(pipe2(info, O_CLOEXEC), 0);
    ASSERT_EQ(pipe2(block, O_CLOEXEC), 0);
    std::vector<std::string> argv = bwrap ? bwrap_busybox({"--unshare-user"}) : in_busybox({});
    argv = then(then(then(argv, {"--info-fd", "6", "--userns-block-fd", "5"}), probe_bind()), {probe(), "fds"});
    RunOptions o;
    int nine = open("/dev/null", O_RDONLY | O_CLOEXEC);
    o.fds = {{5, block[0]}, {6, info[1]}, {9, nine}};
    Background bg(argv, o);
    close(block[0]);
    close(info[1]);
    pid_t c = child_pid_in(read_all(info[0]));
    ASSERT_GT(c, 0) << bg.finish().err;
    std::string proc = "/proc/" + std::to_string(c) + "/";
    std::string inside = bwrap ? std::to_string(getuid()) : "0";
    write_file(proc + "uid_map", inside + " " + std::to_string(getuid()) + " 1\n");
    write_file(proc + "setgroups", "deny");
    write_file(proc + "gid_map", (bwrap ? std::to_string(getgid()) : "0") + " " + std::to_string(getgid()) + " 1\n");
    ASSERT_EQ(write(block[1], "x", 1), 1);
    auto r = bg.finish();
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, bwrap ? "0 1 2 9\n" : "0 1 2\n") << (bwrap ? "bwrap" : "native");
    close(block[1]);
    close(info[0]);
    close(nine);
  }
}

// Where the kernel refuses to execute a memory file, init stays the setup process: it is then
// non-dumpable, without capabilities and under the same programs, and still closed to COMMAND.
TEST_F(Trust, InitWithoutSandboxInitIsStillClosed) {
  auto under_old_kernel = [](const std::vector<std::string>& inner) {
    std::vector<std::string> argv = {old_kernel_bin(), "--deny", std::to_string(SYS_memfd_create) + ":1"};
    argv.insert(argv.end(), inner.begin(), inner.end());
    return argv;
  };
  // The probe is COMMAND, so init is its parent.
  auto steer = run(under_old_kernel(then(in_busybox({}), then(probe_bind(), {probe(), "steer"}))));
  EXPECT_EQ(steer.out, "ptrace EPERM\nprocess_vm_readv EPERM\nmem EACCES\nenviron EACCES\npidfd_getfd EPERM\n")
      << steer.err;
  auto status = run(under_old_kernel(in_busybox(
      {"grep", "-E", "^(Name|CapPrm|CapEff|CapBnd|NoNewPrivs|Seccomp_filters):", "/proc/1/status"})));
  // The filters: old-kernel's own, the built-in terminal rule.
  // init keeps the binary's name (at most 15 characters, as the kernel keeps it).
  EXPECT_EQ(status.out, "Name:\t" + base_of(sandbox_bin()).substr(0, 15) + "\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\n"
                        "CapBnd:\t0000000000000000\nNoNewPrivs:\t1\nSeccomp_filters:\t2\n")
      << status.err;
}

// Flatpak passes O_PATH descriptors of directories beneath ~/.var/app: a descriptor left open
// inside would lead out of the bind to its parent and the rest of the caller's files.
class BindFdEscape : public MountApiTest {};

TEST_P(BindFdEscape, SourceDescriptorDoesNotLeadOut) {
  TempDir d;
  write_file(d / "secret", "secret\n");
  mkdir((d / "app").c_str(), 0755);
  write_file(d / "app" + "/inside", "inside\n");
  for (const char* option : {"--ro-bind-fd", "--bind-fd"}) {
    for (bool bwrap : {false, true}) {
      int fd = open((d / "app").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
      RunOptions o;
      o.fds = {{5, fd}};
      std::vector<std::string> argv = bwrap ? bwrap_busybox({}) : in_busybox({});
      argv = then(argv, {"--dev", "/dev", option, "5", "/app", "sh", "-c",
                         "cat /app/inside; cat /proc/self/fd/5/../secret 2>/dev/null || echo no-way-out;"
                         "ls /proc/self/fd/5 2>/dev/null || echo closed"});
      auto r = run(argv, o);
      EXPECT_EQ(r.out, "inside\nno-way-out\nclosed\n") << option << (bwrap ? " bwrap" : " native") << r.err;
      close(fd);
    }
  }
}
SANDBOX_BOTH_MOUNT_APIS(BindFdEscape);

// Many sandboxes at once, some killed at any moment of their setup: afterwards nothing is left
// running, mounted, open or written.
TEST_F(Trust, LoadLeavesNothingBehind) {
  auto count_fds = [] {
    int n = 0;
    for (int fd = 0; fd < 4096; ++fd) n += fcntl(fd, F_GETFD) >= 0;
    return n;
  };
  // The one name the tool may make in /tmp is its registry's fallback; the new root is built
  // on /tmp only in the sandbox's own mount namespace. Other programs' files are no concern.
  const std::string registry = "/tmp/sandbox-" + std::to_string(getuid());
  const bool registry_before = exists(registry);
  TempDir src;
  const std::vector<std::vector<std::string>> kinds = {
      in_busybox({"true"}),
      in_busybox({"--ro-bind", src.path(), "/src", "--tmpfs", "/t", "true"}),
      in_busybox({"--dev", "/dev", "--die-with-parent", "sh", "-c", "exit 3"}),
      in_busybox({"--share-net", "--bind", src.path(), "/src", "sleep", "0.05"}),
      bwrap_busybox({"--unshare-all", "--unshare-net", "true"}),
  };
  std::string mounts_before = read_file("/proc/self/mountinfo");
  int fds_before = count_fds();
  const int total = 2000, parallel = 8;
  unsigned seed = 12345;
  auto next = [&seed] { return seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff; };
  std::vector<std::unique_ptr<Background>> running;
  int started = 0, killed = 0;
  while (started < total || !running.empty()) {
    while (started < total && static_cast<int>(running.size()) < parallel) {
      running.push_back(std::make_unique<Background>(kinds[next() % kinds.size()]));
      ++started;
      if (next() % 4 == 0) {  // a quarter are killed somewhere in their first 3 ms
        std::this_thread::sleep_for(std::chrono::microseconds(next() % 3000));
        kill(running.back()->pid(), next() % 2 ? SIGKILL : SIGTERM);
        ++killed;
      }
    }
    auto r = running.front()->finish(60);
    ASSERT_FALSE(r.timed_out);
    running.erase(running.begin());
  }
  EXPECT_GT(killed, 0);
  EXPECT_TRUE(leftover_processes().empty());
  EXPECT_EQ(read_file("/proc/self/mountinfo"), mounts_before);
  EXPECT_EQ(exists(registry), registry_before);
  // Nothing written through the source the sandboxes shared.
  EXPECT_TRUE(std::filesystem::is_empty(src.path()));
  EXPECT_EQ(count_fds(), fds_before);
}

}  // namespace
}  // namespace sbtest

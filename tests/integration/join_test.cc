// --name, --list and --join as a user of them, and an attacker inside, would check: the joined
// process is in the sandbox and confined exactly as its COMMAND, it lives and dies with the
// sandbox and with the joiner, and the registry answers no one but the caller outside.
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <regex>
#include <string>
#include <vector>

#include "harness.h"

namespace sbtest {
namespace {

// Each test has a registry of its own, in a scratch directory given as $XDG_RUNTIME_DIR.
class Join : public SandboxTest {
 protected:
  void SetUp() override {
    SandboxTest::SetUp();
    runtime_ = std::make_unique<TempDir>();
    chmod(runtime_->path().c_str(), 0700);
    const char* old = std::getenv("XDG_RUNTIME_DIR");
    if (old) saved_ = old;
    setenv("XDG_RUNTIME_DIR", runtime_->path().c_str(), 1);
  }
  void TearDown() override {
    if (saved_) setenv("XDG_RUNTIME_DIR", saved_->c_str(), 1);
    else unsetenv("XDG_RUNTIME_DIR");
    SandboxTest::TearDown();
  }
  std::string registry() const { return runtime_->path() + "/sandbox"; }

  // A named busybox sandbox running `script` after printing "ready"; ready when it returns.
  std::unique_ptr<Background> start_named(const std::string& name, std::initializer_list<std::string> options,
                                          const std::string& script = "sleep 1000") {
    std::vector<std::string> argv = in_busybox({"--name", name, "--dev", "/dev", "--tmpfs", "/tmp"});
    argv.insert(argv.end(), options);
    argv.insert(argv.end(), {"sh", "-c", "echo ready; " + script});
    auto bg = std::make_unique<Background>(argv);
    EXPECT_TRUE(bg->wait_for_line("ready"));
    return bg;
  }
  static void stop(std::unique_ptr<Background>& bg) {
    kill(bg->pid(), SIGTERM);
    bg->finish();
  }

 private:
  std::unique_ptr<TempDir> runtime_;
  std::optional<std::string> saved_;
};

RunOptions with_input(const std::string& input) {
  RunOptions o;
  o.input = input;
  return o;
}

std::string field(const std::string& status, const std::string& name) {
  std::smatch m;
  if (std::regex_search(status, m, std::regex("(^|\n)" + name + ":\\s*([^\n]*)"))) return m[2];
  return "";
}

TEST_F(Join, TheJoinedProcessIsInTheSandboxAndConfinedAsItsCommand) {
  auto box = start_named("web", {"--hostname", "boxed", "--setenv", "GREETING", "hi", "--chdir", "/tmp"},
                         "echo marker > /tmp/marker; exec sleep 1000");
  auto command = run(sandbox({"--join", "web", "cat", "/proc/1/status"}));
  auto self = run(sandbox({"--join", "web", "cat", "/proc/self/status"}));
  ASSERT_EQ(self.status, 0) << self.err;
  // Confined: no capability, no_new_privs, a seccomp filter, as the sandbox's processes are.
  EXPECT_EQ(field(self.out, "CapEff"), "0000000000000000");
  EXPECT_EQ(field(self.out, "CapPrm"), "0000000000000000");
  EXPECT_EQ(field(self.out, "CapBnd"), field(command.out, "CapBnd"));
  EXPECT_EQ(field(self.out, "NoNewPrivs"), "1");
  EXPECT_EQ(field(self.out, "Seccomp"), "2");
  EXPECT_EQ(field(self.out, "Seccomp_filters"), field(command.out, "Seccomp_filters"));
  EXPECT_EQ(field(self.out, "Uid"), "0\t0\t0\t0");
  // In the sandbox: its files, processes, hostname, namespaces, COMMAND's directory and
  // environment; the joined process is init's child.
  // (Its namespaces are compared from outside: COMMAND's processes and a joined one are in
  // sibling Landlock domains, and cannot look into each other's /proc.)
  auto inside = run(sandbox({"--join", "web", "sh", "-c",
                             "cat /tmp/marker; hostname; pwd; echo $GREETING; ps -o pid,ppid,args; "
                             "for ns in pid net mnt user uts ipc; do readlink /proc/self/ns/$ns; done; "
                             "readlink /proc/$(pidof sleep)/ns/pid || echo sibling-refused"}));
  ASSERT_EQ(inside.status, 0) << inside.err;
  auto l = lines(inside.out);
  ASSERT_GE(l.size(), 16u) << inside.out;
  EXPECT_EQ(l[0], "marker");
  EXPECT_EQ(l[1], "boxed");
  EXPECT_EQ(l[2], "/tmp");
  EXPECT_EQ(l[3], "hi");
  EXPECT_NE(inside.out.find("sleep 1000"), std::string::npos) << inside.out;
  EXPECT_TRUE(std::regex_search(inside.out, std::regex("\n +[0-9]+ +1 sh -c cat /tmp/marker"))) << inside.out;
  EXPECT_EQ(l.back(), "sibling-refused");
  const char* kinds[] = {"pid", "net", "mnt", "user", "uts", "ipc"};
  pid_t init_pid = init_below(box->pid());
  ASSERT_GT(init_pid, 0);
  std::string init = std::to_string(init_pid);
  for (size_t i = 0; i < 6; ++i)
    EXPECT_EQ(l[l.size() - 7 + i], read_link("/proc/" + init + "/ns/" + kinds[i]))
        << inside.out;
  // The same Landlock domain: the root's own tmpfs is read-only to both alike.
  auto write = run(sandbox({"--join", "web", "sh", "-c", "{ echo x > /new; } 2>&1; mkdir /tmp/ok && echo made"}));
  EXPECT_NE(write.out.find("Permission denied"), std::string::npos) << write.out;
  EXPECT_NE(write.out.find("made"), std::string::npos) << write.out;
  // Nor may it trace init, or COMMAND's process, any more than COMMAND may.
  auto trace = run(sandbox({"--join", "web", "sh", "-c", "cat /proc/1/environ >/dev/null 2>&1 || echo refused"}));
  EXPECT_EQ(trace.out, "refused\n");
  stop(box);
  EXPECT_TRUE(leftover_processes().empty());
}

TEST_F(Join, ExitStatusAndStreamsComeBack) {
  auto box = start_named("job", {});
  auto r = run(sandbox({"--join", "job", "--", "sh", "-c", "read x; echo got $x; echo to-err >&2; exit 7"}),
               with_input("hello\n"));
  EXPECT_EQ(r.status, 7);
  EXPECT_EQ(r.out, "got hello\n");
  EXPECT_EQ(r.err, "to-err\n");
  auto missing = run(sandbox({"--join", "job", "no-such-command"}));
  EXPECT_EQ(missing.status, 127);
  EXPECT_EQ(missing.err, "sandbox: --join job: execvp no-such-command: No such file or directory\n");
  // No COMMAND: the sandbox's shell, reading the joiner's standard input.
  auto shell = run(sandbox({"--join", "job"}), with_input("echo from the shell; exit 3\n"));
  EXPECT_EQ(shell.status, 3);
  EXPECT_EQ(shell.out, "from the shell\n");
  // Killed by a signal: 128+N, as for a run.
  auto killed = run(sandbox({"--join", "job", "sh", "-c", "kill -9 $$"}));
  EXPECT_EQ(killed.status, 137);
  stop(box);
}

TEST_F(Join, ListShowsRunningSandboxesAndJoinTakesTheirPids) {
  auto empty = run(sandbox({"--list"}));
  EXPECT_EQ(empty.status, 0);
  EXPECT_EQ(empty.out, "NAME                      PID     UPTIME COMMAND\n");
  auto a = start_named("alpha", {});
  auto b = start_named("beta", {}, "exec sleep 999");
  auto list = run(sandbox({"--list"}));
  auto l = lines(list.out);
  ASSERT_EQ(l.size(), 3u) << list.out;
  std::smatch m;
  ASSERT_TRUE(std::regex_match(l[1], m, std::regex("alpha +([0-9]+) +0:0[0-9] sh -c echo ready; sleep 1000")))
      << l[1];
  ASSERT_TRUE(std::regex_match(l[2], std::regex("beta +[0-9]+ +0:0[0-9] sh -c echo ready; exec sleep 999"))) << l[2];
  // PID is the sandbox's first process: its namespaces are the sandbox's.
  std::string pid = m[1];
  auto ns = run(sandbox({"--join", "alpha", "readlink", "/proc/self/ns/pid"}));
  EXPECT_EQ(ns.out, read_link("/proc/" + pid + "/ns/pid_for_children") + "\n");
  // --join takes that pid, and the monitor's.
  EXPECT_EQ(run(sandbox({"--join", pid, "hostname"})).out, "sandbox\n");
  EXPECT_EQ(run(sandbox({"--join", std::to_string(a->pid()), "true"})).status, 0);
  auto unknown = run(sandbox({"--join", "1", "true"}));
  EXPECT_EQ(unknown.status, 125);
  EXPECT_EQ(unknown.err, "sandbox: --join 1: no sandbox of yours has that pid (see sandbox --list)\n");
  stop(a);
  stop(b);
  EXPECT_EQ(run(sandbox({"--list"})).out, "NAME                      PID     UPTIME COMMAND\n");
  // Each entry went with its sandbox.
  EXPECT_FALSE(exists(registry() + "/alpha"));
  EXPECT_FALSE(exists(registry() + "/beta"));
}

TEST_F(Join, NamesAreOneLiveSandboxEachAndDeadOnesAreCleaned) {
  auto first = start_named("dup", {});
  auto second = run(in_busybox({"--name", "dup", "sh", "-c", "echo ran"}));
  EXPECT_EQ(second.status, 125);
  EXPECT_EQ(second.out, "");
  EXPECT_TRUE(std::regex_match(second.err, std::regex("sandbox: --name dup: a sandbox of that name is running "
                                                      "\\(pid [0-9]+\\)\n")))
      << second.err;
  // Killed outright, its monitor leaves its entry: the next one to look removes it.
  kill(first->pid(), SIGKILL);
  first->finish();
  EXPECT_TRUE(exists(registry() + "/dup"));
  auto join = run(sandbox({"--join", "dup", "true"}));
  EXPECT_EQ(join.status, 125);
  EXPECT_EQ(join.err, "sandbox: --join dup: no running sandbox of yours has that name (see sandbox --list)\n");
  EXPECT_FALSE(exists(registry() + "/dup"));
  auto again = start_named("dup", {});
  EXPECT_EQ(run(sandbox({"--join", "dup", "echo", "second life"})).out, "second life\n");
  stop(again);
  EXPECT_TRUE(leftover_processes().empty());
}

TEST_F(Join, TheJoinedProcessDiesWithTheSandboxAndWithTheJoiner) {
  auto box = start_named("short", {});
  Background joined(sandbox({"--join", "short", "sh", "-c", "echo in; exec sleep 4242"}));
  ASSERT_TRUE(joined.wait_for_line("in"));
  EXPECT_TRUE(process_with("sleep 4242"));
  stop(box);  // COMMAND ends, and with it the sandbox
  auto r = joined.finish();
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err, "sandbox: --join short: the sandbox ended before the joined COMMAND did: No child processes\n");
  EXPECT_TRUE(gone_within("sleep 4242", 30));

  auto again = start_named("long", {});
  Background joiner(sandbox({"--join", "long", "sh", "-c", "sleep 4344 & echo in; exec sleep 4343"}));
  ASSERT_TRUE(joiner.wait_for_line("in"));
  kill(joiner.pid(), SIGKILL);
  joiner.finish();
  EXPECT_TRUE(gone_within("sleep 4343", 30));
  EXPECT_TRUE(gone_within("sleep 4344", 30));  // what it started, too
  // A signal to the joiner is passed on to the joined COMMAND.
  Background term(sandbox({"--join", "long", "sh", "-c", "trap 'echo got TERM; exit 5' TERM; echo in; "
                                                          "while :; do sleep 0.1; done"}));
  ASSERT_TRUE(term.wait_for_line("in"));
  kill(term.pid(), SIGTERM);
  auto t = term.finish();
  EXPECT_EQ(t.out, "in\ngot TERM\n");
  EXPECT_EQ(t.status, 5);
  stop(again);
  EXPECT_TRUE(leftover_processes().empty());
}

// Without a pid namespace of its own nothing could end a joined process (nor what it starts)
// with the sandbox: such a sandbox cannot be named, and nothing is registered for it.
TEST_F(Join, ASandboxWithoutItsOwnPidNamespaceCannotBeNamed) {
  expect_setup_refusal({"--name", "shared", "--share-pid"},
                       "--name needs a pid namespace of the sandbox's own, so that joined processes end with it: "
                       "drop --share-pid");
  auto dropin = run(as_bwrap({"--name", "shared", "--ro-bind", "/", "/", "true"}));
  EXPECT_EQ(dropin.status, 1);
  EXPECT_EQ(dropin.err, "bwrap: --name needs a pid namespace of the sandbox's own, so that joined processes end "
                        "with it: add --unshare-pid\n");
  EXPECT_FALSE(exists(registry() + "/shared"));
  // With its own, a joined process and what it started end with the sandbox, every one.
  auto box = start_named("own", {});
  Background joined(sandbox({"--join", "own", "sh", "-c", "sleep 4811 & echo in; exec sleep 4812"}));
  ASSERT_TRUE(joined.wait_for_line("in"));
  stop(box);
  joined.finish();
  EXPECT_TRUE(gone_within("sleep 4811", 30));
  EXPECT_TRUE(gone_within("sleep 4812", 30));
}

TEST_F(Join, TheTimeNamespaceAndLimitsAreTheSandboxs) {
  auto box = start_named("clock", {"--time-offset", "boottime=86400", "--rlimit", "nofile=77"});
  auto r = run(sandbox({"--join", "clock", "sh", "-c", "cut -d. -f1 /proc/uptime; ulimit -n"}));
  ASSERT_EQ(r.status, 0) << r.err;
  auto l = lines(r.out);
  ASSERT_EQ(l.size(), 2u) << r.out;
  EXPECT_GE(std::stol(l[0]), 86400);
  EXPECT_EQ(l[1], "77");
  stop(box);
}

TEST_F(Join, TheRegistryAnswersNoOneInsideASandbox) {
  auto box = start_named("target", {});
  // A sandbox into which the registry is bound, writable: asking and joining get nothing.
  auto probe = run(in_busybox({"--bind", registry(), "/registry", "--ro-bind", escape_probe_bin(), "/probe",
                               "/probe", "registry", "/registry/target"}));
  EXPECT_EQ(probe.out, "info: no answer\njoin: no answer\n") << probe.err;
  // Nor can it plant an entry that the caller would then trust.
  Background fake(in_busybox({"--bind", registry(), "/registry", "--ro-bind", escape_probe_bin(), "/probe",
                              "/probe", "fake-entry", "/registry/planted"}));
  ASSERT_TRUE(fake.wait_for_line("listening"));
  auto join = run(sandbox({"--join", "planted", "true"}));
  EXPECT_EQ(join.status, 125);
  EXPECT_EQ(join.err, "sandbox: --join planted: " + registry() +
                          "/planted: the other end is not a process of yours outside any sandbox: "
                          "Operation not permitted\n");
  auto list = run(sandbox({"--list"}));
  EXPECT_EQ(list.out.find("planted"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("target"), std::string::npos) << list.out;
  kill(fake.pid(), SIGTERM);
  fake.finish();
  stop(box);
}

TEST_F(Join, AnotherUsersRegistryIsRefused) {
  // A registry directory that is not the caller's (or that others may write) is not used.
  TempDir other;
  chmod(other.path().c_str(), 0755);
  mkdir((other / "sandbox").c_str(), 0777);
  chmod((other / "sandbox").c_str(), 0777);
  setenv("XDG_RUNTIME_DIR", other.path().c_str(), 1);
  std::string line = "sandbox: the registry " + other.path() + "/sandbox is not a directory of yours with mode 0700: "
                     "Operation not permitted\n";
  EXPECT_EQ(run(sandbox({"--list"})).err, line);
  EXPECT_EQ(run(sandbox({"--join", "x", "true"})).err, line);
  auto named = run(in_busybox({"--name", "x", "sh", "-c", "echo ran"}));
  EXPECT_EQ(named.status, 125);
  EXPECT_EQ(named.err, line);
  if (getuid() == 0) {
    // Owned by another user, mode 0700.
    chmod((other / "sandbox").c_str(), 0700);
    ASSERT_EQ(chown((other / "sandbox").c_str(), 65534, 65534), 0);
    EXPECT_EQ(run(sandbox({"--list"})).err, "sandbox: the registry " + other.path() +
                                                "/sandbox is not a directory of yours with mode 0700 (it belongs to "
                                                "uid 65534): Operation not permitted\n");
  }
}

// A sandbox that has the registry bound writable renames its own entry over a real
// sandbox's name, and the real one to a dot-name: --join lands nowhere, --list says so.
TEST_F(Join, AnEntryRenamedFromInsideIsFoundOut) {
  auto vault = start_named("vault", {}, "echo secret > /tmp/s; sleep 1000");
  auto evil = start_named("evil", {"--bind", registry(), "/registry"},
                          "mv /registry/vault /registry/.vault && mv /registry/evil /registry/vault && echo swapped; "
                          "sleep 1000");
  // The swap happens after "ready"; wait for its word.
  ASSERT_TRUE(evil->wait_for_line("swapped"));
  auto join = run(sandbox({"--join", "vault", "cat", "/tmp/s"}));
  EXPECT_EQ(join.status, 125);
  EXPECT_EQ(join.out, "");
  EXPECT_TRUE(std::regex_match(join.err, std::regex("sandbox: --join vault: the entry vault answers as evil \\(pid "
                                                    "[0-9]+\\): renamed by something that can write " +
                                                    registry() + "; not joined: Operation not permitted\n")))
      << join.err;
  auto list = run(sandbox({"--list"}));
  EXPECT_EQ(list.status, 0);
  // Neither is listed under a name it does not answer to, and both are said.
  EXPECT_EQ(list.out, "NAME                      PID     UPTIME COMMAND\n");
  auto warnings = lines(list.err);
  ASSERT_EQ(warnings.size(), 2u) << list.err;
  EXPECT_TRUE(std::regex_match(warnings[0], std::regex("sandbox: warning: the entry \\.vault answers as vault \\(pid "
                                                       "[0-9]+\\): renamed by something that can write " +
                                                       registry() + "; left out")))
      << warnings[0];
  EXPECT_TRUE(std::regex_match(warnings[1], std::regex("sandbox: warning: the entry vault answers as evil \\(pid "
                                                       "[0-9]+\\): renamed by something that can write " +
                                                       registry() + "; left out, and --join vault refuses it")))
      << warnings[1];
  // Anything else in the registry is said too, not passed over.
  write_file(registry() + "/stray", "");
  auto again = run(sandbox({"--list"}));
  EXPECT_NE(again.err.find("sandbox: warning: " + registry() + "/stray is not a sandbox's entry; left out\n"),
            std::string::npos)
      << again.err;
  // The name is the real sandbox's again once its owner takes it back.
  stop(evil);
  ASSERT_EQ(rename((registry() + "/.vault").c_str(), (registry() + "/vault").c_str()), 0);
  EXPECT_EQ(run(sandbox({"--join", "vault", "cat", "/tmp/s"})).out, "secret\n");
  stop(vault);
  EXPECT_TRUE(leftover_processes().empty());
}

TEST_F(Join, NamesBeginningWithADotAreRefused) {
  auto r = run(in_busybox({"--name", ".hidden", "true"}));
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err, "sandbox: --name: '.hidden' is not a name (1 to 64 of A-Z a-z 0-9 . _ -, not starting with . or -): "
                   "Invalid argument\n");
  EXPECT_EQ(run(sandbox({"--join", ".hidden", "true"})).err, "sandbox: --join .hidden: not a sandbox name: Invalid argument\n");
}

// An entry whose queue is full (a stopped monitor, or a flooded one) and one that never
// answers: --list and --join say so within seconds, and wait on neither.
TEST_F(Join, AStuckOrSilentEntryIsReportedNotWaitedOn) {
  mkdir(registry().c_str(), 0700);
  auto listen_at = [&](const std::string& name, int backlog) {
    int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::string path = registry() + "/" + name;
    path.copy(a.sun_path, sizeof a.sun_path - 1);
    EXPECT_EQ(bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(listen(s, backlog), 0);
    return std::make_pair(s, a);
  };
  auto [stuck, at] = listen_at("stuck", 0);
  // Fill its queue: connects that are never accepted, until the kernel refuses one.
  std::vector<int> fillers;
  for (int i = 0; i < 64; ++i) {
    int c = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    fillers.push_back(c);
    if (connect(c, reinterpret_cast<sockaddr*>(&at), sizeof at) < 0) {
      ASSERT_EQ(errno, EAGAIN);
      break;
    }
  }
  auto [silent, unused] = listen_at("silent", 16);
  RunOptions o;
  o.timeout_seconds = 30;
  auto list = run(sandbox({"--list"}), o);
  EXPECT_FALSE(list.timed_out);
  EXPECT_EQ(list.status, 0);
  EXPECT_EQ(list.out, "NAME                      PID     UPTIME COMMAND\n");
  EXPECT_EQ(list.err, "sandbox: warning: " + registry() + "/silent: no answer from the sandbox: Connection timed out; left out\n"
                      "sandbox: warning: " + registry() + "/stuck: it takes no connections (its queue is full): "
                      "Resource temporarily unavailable; left out\n");
  auto join = run(sandbox({"--join", "stuck", "true"}), o);
  EXPECT_FALSE(join.timed_out);
  EXPECT_EQ(join.status, 125);
  EXPECT_EQ(join.err, "sandbox: --join stuck: " + registry() + "/stuck: it takes no connections (its queue is full): "
                      "Resource temporarily unavailable\n");
  auto mute = run(sandbox({"--join", "silent", "true"}), o);
  EXPECT_FALSE(mute.timed_out);
  EXPECT_EQ(mute.err, "sandbox: --join silent: " + registry() + "/silent: no answer from the sandbox: Connection timed out\n");
  for (int c : fillers) close(c);
  close(stuck);
  close(silent);
}

// With no XDG_RUNTIME_DIR the registry is /tmp/sandbox-UID, which another user may make
// first: refused as before, with the way to a registry of one's own.
TEST_F(Join, ASquattedTmpRegistrySaysHowToGetOne) {
  unsetenv("XDG_RUNTIME_DIR");
  std::string dir = "/tmp/sandbox-" + std::to_string(getuid());
  // The caller's own from an earlier run is set aside meanwhile, and put back.
  TempDir aside;
  bool had = rename(dir.c_str(), (aside / "kept").c_str()) == 0;
  // A squatter's directory, as another user would leave it: mode 0777 (anyone may make one).
  ASSERT_EQ(mkdir(dir.c_str(), 0777), 0);
  chmod(dir.c_str(), 0777);
  auto r = run(sandbox({"--list"}));
  rmdir(dir.c_str());
  if (had) {
    ASSERT_EQ(rename((aside / "kept").c_str(), dir.c_str()), 0);
  }
  EXPECT_EQ(r.status, 125);
  auto l = lines(r.err);
  ASSERT_EQ(l.size(), 2u) << r.err;
  EXPECT_EQ(l[0], "sandbox: the registry " + dir + " is not a directory of yours with mode 0700: Operation not permitted");
  EXPECT_TRUE(l[1].starts_with("sandbox: hint: XDG_RUNTIME_DIR is not set; ")) << l[1];
  EXPECT_NE(l[1].find("export XDG_RUNTIME_DIR="), std::string::npos) << l[1];
}

TEST_F(Join, NetnsSharedWithANamedSandbox) {
  // The second sandbox joins the first's network, found by name through --list.
  auto first = start_named("net", {}, "httpd -f -p 127.0.0.1:8080 -h /etc");
  auto list = lines(run(sandbox({"--list"})).out);
  ASSERT_EQ(list.size(), 2u);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(list[1], m, std::regex("net +([0-9]+)")));
  auto r = run(in_busybox({"--netns", "/proc/" + m[1].str() + "/ns/net", "--dev", "/dev", "sh", "-c",
                           "i=0; until wget -q -O- http://127.0.0.1:8080/passwd >/dev/null; do i=$((i+1)); "
                           "[ $i -lt 50 ] || exit 1; sleep 0.1; done; echo reached"}));
  EXPECT_EQ(r.out, "reached\n") << r.err;
  stop(first);
}

}  // namespace
}  // namespace sbtest

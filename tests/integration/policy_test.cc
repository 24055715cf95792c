// Syscall policy by name: the `default` profile on every ABI, Docker's own profile, JSON
// profiles, --seccomp-deny/--seccomp-allow and --log-denials, as an attacker inside would try
// them.
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "harness.h"

namespace sbtest {
namespace {

class Policy : public SandboxTest {};

std::vector<std::string> probing(const std::vector<std::string>& options, const std::vector<std::string>& call) {
  return syscall_probing(options, call);
}

std::string probe(const std::vector<std::string>& options, const std::vector<std::string>& call) {
  return syscall_probe(options, call);
}

const char* const kAbis[] = {"64", "32", "x32"};

// Arguments no kernel accepts, so that without the policy each call fails its own way.
struct Call {
  std::vector<std::string> words;
  const char* unfiltered;  // what the kernel says without a policy (x86-64 and i386)
};
const Call kDenied[] = {
    {{"keyctl", "0x7fff"}, "EOPNOTSUPP"},
    {{"bpf", "0x7fff"}, "EINVAL"},
    {{"io_uring_setup", "0", "0"}, "EFAULT"},
    {{"userfaultfd", "0x7fff"}, "EINVAL"},
    {{"perf_event_open", "0"}, "EFAULT"},
};

TEST_F(Policy, DefaultDeniesOnEveryAbi) {
  for (const char* abi : kAbis)
    for (const auto& c : kDenied) {
      std::vector<std::string> call = {abi};
      call.insert(call.end(), c.words.begin(), c.words.end());
      EXPECT_EQ(probe({}, call), "EPERM") << abi << " " << c.words[0];
      // The same call without the policy: the kernel's own answer (x32 programs: this kernel
      // runs none, ENOSYS; the policy above caught their numbers all the same).
      std::string plain = probe({"--seccomp-profile", "none"}, call);
      EXPECT_EQ(plain, std::string(abi) == "x32" ? "ENOSYS" : c.unfiltered) << abi << " " << c.words[0];
    }
}

TEST_F(Policy, DenyAndAllowOnEveryAbi) {
  for (const char* abi : kAbis) {
    EXPECT_EQ(probe({"--tmpfs", "/w", "--seccomp-deny", "mkdir:ENOTUNIQ"}, {abi, "mkdir", "@/w/d", "0755"}), "ENOTUNIQ")
        << abi;
    EXPECT_EQ(probe({"--seccomp-profile", "none", "--seccomp-deny", "mkdir:EXDEV"}, {abi, "mkdir", "@/w", "0755"}), "EXDEV")
        << abi;
  }
  // Allowed again: the kernel's answer comes back.
  EXPECT_EQ(probe({"--seccomp-allow", "keyctl"}, {"64", "keyctl", "0x7fff"}), "EOPNOTSUPP");
  EXPECT_EQ(probe({"--seccomp-allow", "keyctl"}, {"32", "keyctl", "0x7fff"}), "EOPNOTSUPP");
  // The last word on a name wins.
  EXPECT_EQ(probe({"--seccomp-allow", "keyctl", "--seccomp-deny", "keyctl:EACCES"}, {"32", "keyctl", "0"}), "EACCES");
}

TEST_F(Policy, PersonalityKeepsItsHarmlessValuesOnly) {
  EXPECT_EQ(probe({}, {"64", "personality", "0xffffffff"}), "ok 0");
  EXPECT_EQ(probe({}, {"64", "personality", "8"}), "ok 0");
  EXPECT_EQ(probe({}, {"32", "personality", "0x20008"}), "ok 0");
  for (const char* abi : kAbis) {
    EXPECT_EQ(probe({}, {abi, "personality", "0x0040000"}), "EPERM") << abi;  // ADDR_NO_RANDOMIZE
    EXPECT_EQ(probe({}, {abi, "personality", "0x0400000"}), "EPERM") << abi;  // READ_IMPLIES_EXEC
  }
  EXPECT_EQ(probe({"--seccomp-profile", "none"}, {"64", "personality", "0x0040000"}), "ok 0");
}

TEST_F(Policy, DefaultRunsAnOrdinarySession) {
  auto r = run(in_busybox({"--tmpfs", "/w", "--dev", "/dev", "sh", "-c",
                           "mkdir -p /w/a/b && echo hi > /w/a/f && cat /w/a/f && ls /w/a && ln -s f /w/a/l && "
                           "mv /w/a/f /w/g && rm -r /w/a && ps >/dev/null && wc -c < /w/g && "
                           "(sleep 0; echo sub) | cat && uname -s && id -u"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "hi\nb\nf\n3\nsub\nLinux\n0\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(Policy, DefaultBuildsACProgram) {
  // The host's compiler, its headers and libraries read-only, a C file built and run.
  TempDir d;
  write_file(d / "t.c", "#include <stdio.h>\nint main(void) { printf(\"built %d\\n\", 6 * 7); return 0; }\n");
  chmod(d.path().c_str(), 0777);
  auto r = run(in_usr({"--bind", d.path(), "/src", "--tmpfs", "/tmp", "--chdir", "/src", "--", "sh", "-c",
                       "gcc -O2 -o /tmp/t t.c && /tmp/t"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "built 42\n");
}

TEST_F(Policy, TheDropInLoadsNoProfileUnlessAsked) {
  auto bwrap = [](std::vector<std::string> extra) {
    std::vector<std::string> v = as_bwrap({"--ro-bind", rootfs() + "/bin", "/bin", "--ro-bind", syscall_probe_bin(), "/probe"});
    v.insert(v.end(), extra.begin(), extra.end());
    v.insert(v.end(), {"/probe", "64", "keyctl", "0x7fff"});
    return run(v);
  };
  EXPECT_EQ(bwrap({}).out, "EOPNOTSUPP\n");
  EXPECT_EQ(bwrap({"--seccomp-profile", "default"}).out, "EPERM\n");
}

TEST_F(Policy, DockersOwnProfileLoadsAndDenies) {
  std::vector<std::string> docker = {"--seccomp-profile", docker_profile()};
  auto session = run(plus(in_busybox({"--tmpfs", "/w", "--seccomp-profile", docker_profile().c_str()}),
                          {"sh", "-c", "mkdir /w/a && echo x > /w/a/f && cat /w/a/f && ls /w && echo done"}));
  EXPECT_EQ(session.status, 0) << session.err;
  EXPECT_EQ(session.out, "x\na\ndone\n");
  EXPECT_EQ(session.err, "");  // every name in it is known: no warning
  // What it denies by default (keyctl is on no list of it), on every ABI of its archMap.
  for (const char* abi : kAbis) EXPECT_EQ(probe(docker, {abi, "keyctl", "0x7fff"}), "EPERM") << abi;
  // bpf and mount only with CAP_SYS_ADMIN, which COMMAND has not; personality by value.
  EXPECT_EQ(probe(docker, {"64", "bpf", "0x7fff"}), "EPERM");
  EXPECT_EQ(probe(docker, {"64", "personality", "0x0040000"}), "EPERM");
  EXPECT_EQ(probe(docker, {"64", "personality", "0xffffffff"}), "ok 0");
  EXPECT_EQ(probe(docker, {"64", "getpid"}).substr(0, 3), "ok ");
}

TEST_F(Policy, BadProfilesAreOneLineAndMakeNothing) {
  TempDir d;
  write_file(d / "bad.json", R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"},
      {"names": ["getpid", "mkdri"], "action": "SCMP_ACT_ERRNO"}]})");
  write_file(d / "op.json", R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_ABOUT"}]}]})");
  write_file(d / "action.json", R"({"defaultAction": "SCMP_ACT_MAYBE"})");
  struct Case {
    std::vector<std::string> options;
    std::string line;
  };
  const Case cases[] = {
      {{"--seccomp-profile", d / "bad.json"}, d / "bad.json" + ": syscalls[1]: unknown system call 'mkdri': Invalid argument"},
      {{"--seccomp-profile", d / "op.json"}, d / "op.json" + ": syscalls[0].args[0]: unknown op 'SCMP_CMP_ABOUT': Invalid argument"},
      {{"--seccomp-profile", d / "action.json"}, d / "action.json" + ": defaultAction: unknown action 'SCMP_ACT_MAYBE': Invalid argument"},
      {{"--seccomp-profile", d / "none.json"}, "Can't open seccomp profile " + (d / "none.json") + ": No such file or directory"},
      {{"--seccomp-deny", "mkdri"}, "--seccomp-deny mkdri: unknown system call 'mkdri': Invalid argument"},
      {{"--seccomp-deny", "mkdir:EWHAT"}, "--seccomp-deny mkdir:EWHAT: 'EWHAT' is not an errno name such as EPERM: Invalid argument"},
      {{"--seccomp-allow", "nosuchcall"}, "--seccomp-allow nosuchcall: unknown system call 'nosuchcall': Invalid argument"},
      {{"--seccomp-profile", "none", "--log-denials", d / "log"},
       "--log-denials: there is no syscall profile whose denials it could log (--seccomp-profile none): Invalid argument"},
  };
  for (const auto& c : cases) expect_setup_refusal(c.options, c.line);
  EXPECT_FALSE(exists(d / "log"));
  // A name of another machine is skipped, with a warning, and the run goes on.
  write_file(d / "arm.json", R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["mkdir", "cacheflush"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18}]})");
  auto arm = run(probing({"--tmpfs", "/w", "--seccomp-profile", d / "arm.json"}, {"64", "mkdir", "@/w/d", "0755"}));
  EXPECT_EQ(arm.out, "EXDEV\n");
  EXPECT_EQ(arm.err, "sandbox: warning: " + (d / "arm.json") + ": syscalls[0]: not system calls of this machine, skipped: cacheflush\n");
}

TEST_F(Policy, ProfileFirstCallersProgramsAfter) {
  // Both fail mkdir with an errno: the caller's program, loaded later, is the one seen.
  int fd = data_fd(seccomp_deny_mkdir(ENOTTY));
  RunOptions o;
  o.fds = {{5, fd}};
  auto r = run(probing({"--tmpfs", "/w", "--seccomp-deny", "mkdir:EXDEV", "--add-seccomp-fd", "5"}, {"64", "mkdir", "@/w/d", "0"}), o);
  close(fd);
  EXPECT_EQ(r.out, "ENOTTY\n") << r.err;
  // init carries the same programs as COMMAND: as many filters.
  auto l = init_and_command_filters({"--seccomp-deny", "mkdir"});
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0], l[1]);
  EXPECT_NE(l[0], "\t0");
}

// An allow-list without wait4 (as bubblewrap's tests and Flatpak-style callers write them):
// init could not reap, so the run is refused before anything starts, saying why; as pid 1,
// COMMAND alone carries it and runs.
TEST_F(Policy, AnAllowListInitCannotLiveWithIsRefusedBeforeTheStart) {
  int fd = data_fd(seccomp_allow_only(bwrap_test_allowlist(), ENOSYS));
  RunOptions o;
  o.fds = {{5, fd}};
  auto r = run(probing({"--seccomp", "5"}, {"64", "chmod", "1", "0"}), o);
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "sandbox: the seccomp programs refuse wait4, with which init reaps COMMAND and its orphans: "
                   "Function not implemented\n"
                   "sandbox: hint: let the programs allow wait4 (and rt_sigtimedwait), or run COMMAND as pid 1 with "
                   "--as-pid-1\n");
  lseek(fd, 0, SEEK_SET);
  auto alone = run(probing({"--as-pid-1", "--seccomp", "5"}, {"64", "chmod", "1", "0"}), o);
  EXPECT_EQ(alone.status, 0) << alone.err;
  EXPECT_EQ(alone.out, "EFAULT\n");
  // With wait4 (and nothing else init needs) allowed, init lives under it as COMMAND does.
  auto names = bwrap_test_allowlist();
  names.push_back("wait4");
  int with_wait = data_fd(seccomp_allow_only(names, ENOSYS));
  o.fds = {{5, with_wait}};
  auto reaped = run(probing({"--seccomp", "5"}, {"64", "chroot", "1"}), o);
  EXPECT_EQ(reaped.status, 0) << reaped.err;
  EXPECT_EQ(reaped.out, "ENOSYS\n");
  close(fd);
  close(with_wait);
  EXPECT_TRUE(leftover_processes().empty());
}

std::vector<std::string> log_lines(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& l : lines(text))
    if (l.find("\"syscall\"") != std::string::npos) out.push_back(l);
  return out;
}

TEST_F(Policy, LogDenialsWritesWhatWasDenied) {
  TempDir d;
  std::string log = d / "denials.log";
  auto r = run(probing({"--tmpfs", "/w", "--seccomp-deny", "mkdir:EACCES", "--log-denials", log},
                       {"32", "mkdir", "@/w/d", "0755"}));
  EXPECT_EQ(r.out, "EACCES\n") << r.err;
  struct stat st{};
  ASSERT_EQ(stat(log.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  auto l = log_lines(read_file(log));
  ASSERT_EQ(l.size(), 1u) << read_file(log);
  EXPECT_EQ(l[0].substr(0, 10), "{\"time\": \"");
  EXPECT_NE(l[0].find(", \"comm\": \"probe\", \"syscall\": \"mkdir\", \"args\": [\"0x10000000\", \"0x1ed\", "),
            std::string::npos) << l[0];
  EXPECT_NE(l[0].find("], \"errno\": \"EACCES\"}"), std::string::npos) << l[0];
  // Appended to, run after run; the default profile's own denials too.
  auto again = run(probing({"--log-denials", log}, {"64", "keyctl", "0x7fff"}));
  EXPECT_EQ(again.out, "EPERM\n");
  l = log_lines(read_file(log));
  ASSERT_EQ(l.size(), 2u);
  EXPECT_NE(l[1].find("\"syscall\": \"keyctl\", \"args\": [\"0x7fff\""), std::string::npos) << l[1];
  // "-" is standard error; COMMAND's own output is untouched.
  auto err = run(probing({"--log-denials", "-"}, {"64", "bpf", "0"}));
  EXPECT_EQ(err.out, "EPERM\n");
  EXPECT_NE(err.err.find("\"syscall\": \"bpf\""), std::string::npos) << err.err;
}

TEST_F(Policy, LogDenialsIsNoWayOut) {
  TempDir d;
  chmod(d.path().c_str(), 0777);
  std::string log = d / "log";
  // Denied calls are answered, never made: no directory appears on the writable bind.
  auto r = run(in_busybox({"--bind", d.path(), "/d", "--dev", "/dev", "--seccomp-deny", "mkdir", "--log-denials", log, "sh", "-c",
                           "mkdir /d/made 2>/dev/null; echo $?; "
                           // No process inside holds the listener.
                           "ls -l /proc/[0-9]*/fd/ 2>/dev/null | grep -c 'seccomp notify'"}));
  EXPECT_EQ(r.out, "1\n0\n") << r.err;
  EXPECT_FALSE(exists(d / "made"));
  EXPECT_EQ(log_lines(read_file(log)).size(), 1u);
  // A setup that fails leaves no log file of its own behind.
  auto bad = run(in_busybox({"--ro-bind", d / "missing", "/x", "--log-denials", d / "new.log", "true"}));
  EXPECT_EQ(bad.status, 125);
  EXPECT_FALSE(exists(d / "new.log"));
}

TEST_F(Policy, AFloodOfDenialsDoesNotStallTheSandbox) {
  // The log is a pipe no one reads until COMMAND is done: 3000 denied calls all return, the
  // lines that do not fit are counted, and the count comes out once the pipe drains.
  TempDir d;
  chmod(d.path().c_str(), 0777);
  ASSERT_EQ(mkfifo((d / "go").c_str(), 0666), 0);
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  RunOptions o;
  o.fds = {{5, p[1]}};
  // "-", standard error, is the one log that may be a pipe: sandbox's stderr is p[1].
  std::vector<std::string> argv = in_busybox({"--ro-bind", syscall_probe_bin(), "/probe", "--bind", d.path(), "/d",
                                              "--tmpfs", "/w", "--seccomp-deny", "mkdir:EXDEV", "--log-denials",
                                              "-", "--setenv", "SYSCALL_PROBE_REPEAT", "3000", "sh", "-c",
                                              "/probe 64 mkdir @/w/d 0; read x < /d/go"});
  argv.insert(argv.begin(), {"sh", "-c", "exec \"$0\" \"$@\" 2>&5"});
  Background b(argv, o);
  close(p[1]);
  ASSERT_TRUE(b.wait_for_line("EXDEV", 120));
  // Now read the log while the sandbox still runs.
  std::string text;
  unsigned long long logged = 0, dropped = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (logged + dropped < 3000 && std::chrono::steady_clock::now() < deadline) {
    pollfd pf{p[0], POLLIN, 0};
    if (poll(&pf, 1, 1000) <= 0) continue;
    char buf[65536];
    ssize_t n = read(p[0], buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
    logged = 0;
    dropped = 0;
    for (const auto& l : lines(text)) {
      if (l.find("\"syscall\": \"mkdir\"") != std::string::npos && l.find("\"errno\": \"EXDEV\"") != std::string::npos) ++logged;
      auto at = l.find("\"dropped\": ");
      if (at != std::string::npos) dropped += std::stoull(l.substr(at + 11));
    }
  }
  int go = open((d / "go").c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(go, 0);
  ASSERT_EQ(write(go, "\n", 1), 1);
  close(go);
  auto r = b.finish();
  close(p[0]);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(logged + dropped, 3000u) << logged << " logged, " << dropped << " dropped";
  EXPECT_GT(dropped, 0u);
  EXPECT_GE(logged, 256u);
  EXPECT_NE(text.find("more dropped\"}"), std::string::npos);
}

// What an attacker who can write the directory of the log (or root's careless choice of
// one) would try: a link to another file, a FIFO that blocks, a file of someone else's, a
// second name of another file. Each is one line and 125, and nothing is written anywhere.
TEST_F(Policy, LogDenialsOpensOnlyARegularFileOfTheCallers) {
  TempDir d;
  write_file(d / "target", "precious\n");
  ASSERT_EQ(symlink((d / "target").c_str(), (d / "link").c_str()), 0);
  ASSERT_EQ(mkfifo((d / "fifo").c_str(), 0600), 0);
  ASSERT_EQ(link((d / "target").c_str(), (d / "hard").c_str()), 0);
  mkdir((d / "dir").c_str(), 0700);
  struct Case {
    std::string file, reason;
  };
  std::vector<Case> cases = {
      {d / "link", d / "link is a symbolic link; name the file itself: Too many levels of symbolic links"},
      {d / "fifo", d / "fifo is not a regular file: Invalid argument"},
      {d / "dir", d / "dir is not a regular file: Invalid argument"},
      {d / "hard", d / "hard has other names (hard links): Operation not permitted"},
      {"/dev/null", "/dev/null is not a regular file: Invalid argument"},
  };
  if (getuid() == 0) {
    write_file(d / "theirs", "");
    ASSERT_EQ(chown((d / "theirs").c_str(), 65534, 65534), 0);
    cases.push_back({d / "theirs", d / "theirs belongs to uid 65534, not to you: Operation not permitted"});
  } else {
    cases.push_back({"/etc/hostname", "/etc/hostname belongs to uid 0, not to you: Operation not permitted"});
  }
  for (const auto& c : cases) {
    // Each run would log a denial at once, were it to start.
    Background b(probing({"--log-denials", c.file}, {"64", "bpf", "0"}));
    auto r = b.finish(30);
    EXPECT_FALSE(r.timed_out) << c.file;  // never blocked on the FIFO
    EXPECT_EQ(r.status, 125) << c.file;
    EXPECT_EQ(r.out, "") << c.file;
    EXPECT_EQ(r.err, "sandbox: --log-denials: " + c.reason + "\n") << c.file;
  }
  EXPECT_EQ(read_file(d / "target"), "precious\n");
  EXPECT_TRUE(leftover_processes().empty());
}

TEST_F(Policy, LogDenialsEscapesWhatTheSandboxNamesItself) {
  // A process names itself: escape sequences for the terminal of whoever reads the log, a
  // newline to forge a line of its own, DEL and a C1 control.
  TempDir d;
  std::string log = d / "log";
  auto r = run(probing({"--log-denials", log, "--setenv", "SYSCALL_PROBE_COMM", "\x1b]0;o\x07\n{\"\x7f\xc2\x9b"},
                       {"64", "bpf", "0"}));
  ASSERT_EQ(r.out, "EPERM\n") << r.err;
  std::string text = read_file(log);
  auto l = lines(text);
  ASSERT_EQ(l.size(), 1u) << text;
  for (unsigned char c : text) EXPECT_TRUE(c == '\n' || (c >= 0x20 && c < 0x7f)) << "byte " << int(c) << " in " << text;
  EXPECT_NE(text.find("\"comm\": \"\\u001b]0;o\\u0007\\n{\\\"\\u007f\\u009b\""), std::string::npos) << text;
}

TEST_F(Policy, LogDenialsWritesAtMost16MiBARun) {
  // 120000 denials at about 190 bytes a line: more than the bound. What is past it is
  // counted, once, at the end; nothing of it is written.
  TempDir d;
  std::string log = d / "log";
  auto r = run(probing({"--tmpfs", "/w", "--seccomp-deny", "mkdir:EXDEV", "--log-denials", log, "--setenv",
                        "SYSCALL_PROBE_REPEAT", "120000"},
                       {"64", "mkdir", "@/w/d", "0"}),
               [] {
                 RunOptions o;
                 o.timeout_seconds = 300;
                 return o;
               }());
  ASSERT_EQ(r.status, 0) << r.err;
  struct stat st{};
  ASSERT_EQ(stat(log.c_str(), &st), 0);
  EXPECT_LE(st.st_size, 16 * 1024 * 1024 + 200);
  EXPECT_GT(st.st_size, 15 * 1024 * 1024);
  std::string text = read_file(log);
  unsigned long long logged = 0, dropped = 0, records = 0;
  for (const auto& l : lines(text)) {
    if (l.find("\"syscall\": \"mkdir\"") != std::string::npos) ++logged;
    auto at = l.find("\"dropped\": ");
    if (at != std::string::npos) {
      dropped += std::stoull(l.substr(at + 11));
      ++records;
    }
  }
  EXPECT_EQ(records, 1u);
  EXPECT_EQ(logged + dropped, 120000u) << logged << " logged, " << dropped << " dropped";
  EXPECT_NE(lines(text).back().find("\"dropped\""), std::string::npos);
}

}  // namespace
}  // namespace sbtest

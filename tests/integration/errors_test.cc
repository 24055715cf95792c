// Point 8: every failure is one line, the right exit code, nothing left behind.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>

#include <chrono>
#include <thread>

#include <regex>

#include "harness.h"

namespace sbtest {
namespace {

class Errors : public SandboxTest {};

void expect_one_line(const RunResult& r, const std::string& line, int status) {
  EXPECT_EQ(r.status, status) << r.err;
  EXPECT_EQ(r.err, "sandbox: " + line + "\n");
  EXPECT_EQ(r.out, "");
  // The monitor waited for everything it started: no process of the run is left.
  auto left = leftover_processes();
  EXPECT_TRUE(left.empty()) << left.front();
}

TEST_F(Errors, MissingSource) {
  TempDir d;
  auto r = run(in_busybox({"--ro-bind", d / "missing", "/x", "true"}));
  expect_one_line(r, "Can't find source path " + (d / "missing") + ": No such file or directory (from --ro-bind #3)",
                  125);
  EXPECT_FALSE(exists(d / "missing"));
  EXPECT_FALSE(exists(rootfs() + "/x"));
}

TEST_F(Errors, TryFormsSkipMissingSources) {
  TempDir d;
  auto r = run(in_busybox({"--bind-try", d / "no", "/a", "--ro-bind-try", d / "no", "/b",
                           "--dev-bind-try", d / "no", "/c", "sh", "-c", "ls -d /a /b /c 2>&1 | wc -l; echo ok"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "3\nok\n");
  EXPECT_FALSE(exists(rootfs() + "/a"));
}

TEST_F(Errors, CommandNotFound) {
  expect_one_line(run(in_busybox({"no-such-command"})),
                  "execvp no-such-command: No such file or directory", 127);
  expect_one_line(run(in_busybox({"--as-pid-1", "/bin/nope"})), "execvp /bin/nope: No such file or directory", 127);
}

TEST_F(Errors, CommandNotExecutable) {
  TempDir d;
  write_file(d / "script", "#!/bin/sh\necho hi\n", 0644);
  expect_one_line(run(in_busybox({"--ro-bind", d.path(), "/d", "/d/script"})),
                  "execvp /d/script: Permission denied", 126);
  expect_one_line(run(in_busybox({"/etc"})), "execvp /etc: Permission denied", 126);
}

TEST_F(Errors, ParseErrors) {
  expect_one_line(run(sandbox({"--frobnicate", "true"})), "Unknown option --frobnicate", 125);
  expect_one_line(run(sandbox({"--bind", "/a"})), "--bind takes two arguments", 125);
  expect_one_line(run(sandbox({"--uid", "12ab", "true"})), "--uid: invalid id '12ab'", 125);
  expect_one_line(run(sandbox({"--keep-fd", "x", "true"})), "Invalid fd: x", 125);
  expect_one_line(run(sandbox({"--size", "0", "--tmpfs", "/t", "true"})),
                  "--size: invalid size '0': takes a non-zero number of bytes", 125);
  expect_one_line(run(sandbox({"--share-uts", "--hostname", "h", "true"})),
                  "--hostname needs a new uts namespace: drop --share-uts", 125);
  expect_one_line(run(sandbox({"--chdir", "/"})), "No command specified", 125);
  expect_one_line(run(sandbox({"--cap-add", "CAP_NOPE", "true"})), "--cap-add: unknown capability 'CAP_NOPE'", 125);
}

TEST_F(Errors, ClosedKeepFd) {
  expect_one_line(run(in_busybox({"--keep-fd", "57", "true"})), "--keep-fd 57: Bad file descriptor", 125);
}

TEST_F(Errors, FailureInsideIsReportedOnce) {
  expect_one_line(run(in_busybox({"--chdir", "/nonexistent", "true"})),
                  "Can't chdir to /nonexistent: No such file or directory", 125);
  expect_one_line(run(in_busybox({"--as-pid-1", "--chdir", "/nonexistent", "true"})),
                  "Can't chdir to /nonexistent: No such file or directory", 125);
  expect_one_line(run(in_busybox({"--chmod", "0755", "/nonexistent", "true"})),
                  "Can't chmod 0755 /nonexistent: No such file or directory (from --chmod #1)", 125);
  expect_one_line(run(sandbox({"--ro-bind", rootfs(), "/", "--dir", "/newdir", "true"})),
                  "Can't mkdir /newdir: Read-only file system (from --dir #1)", 125);
  EXPECT_FALSE(exists(rootfs() + "/newdir"));
  // A data descriptor is read once; a second use finds it spent, as in bubblewrap.
  int data = data_fd("x");
  RunOptions o;
  o.fds = {{5, data}};
  expect_one_line(run(in_busybox({"--tmpfs", "/t", "--file", "5", "/t/a", "--bind-data", "5", "/t/b", "true"}), o),
                  "Can't write data to file /t/b: Bad file descriptor (from --bind-data #1)", 125);
  close(data);
}

// "No such file or directory" about a file that is there: its interpreter is missing inside.
// A second line says which, and the bind that brings it; the bind it names does.
TEST_F(Errors, MissingInterpreterIsNamed) {
  std::vector<std::string> base = {sandbox_bin(), "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib"};
  std::vector<std::string> argv = base;
  argv.push_back("/usr/bin/true");
  auto r = run(argv);
  EXPECT_EQ(r.status, 127);
  EXPECT_EQ(r.err,
            "sandbox: execvp /usr/bin/true: No such file or directory\n"
            "sandbox: hint: /usr/bin/true is there, but its interpreter /lib64/ld-linux-x86-64.so.2 is not in the "
            "sandbox; --ro-bind /lib64 /lib64 would bring it\n");
  argv = base;
  argv.insert(argv.end(), {"--ro-bind", "/lib64", "/lib64", "/usr/bin/true"});
  auto fixed = run(argv);
  EXPECT_EQ(fixed.status, 0) << fixed.err;
  // A command that is not there at all gets no hint; nor does bwrap, which says one line.
  auto absent = run(in_busybox({"/no-such-command"}));
  EXPECT_EQ(absent.err, "sandbox: execvp /no-such-command: No such file or directory\n");
  auto b = run(as_bwrap({"--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib", "/usr/bin/true"}));
  EXPECT_EQ(b.status, 1);
  EXPECT_EQ(b.err, "bwrap: execvp /usr/bin/true: No such file or directory\n");
}

TEST_F(Errors, WarningForRepeatedSingleOption) {
  auto r = run(in_busybox({"--chdir", "/etc", "--chdir", "/bin", "pwd"}));
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "/bin\n");
  EXPECT_EQ(r.err, "sandbox: Only the last --chdir option will take effect\n");
}

TEST_F(Errors, HelpAndVersion) {
  auto h = run(sandbox({"--help"}));
  EXPECT_EQ(h.status, 0);
  EXPECT_TRUE(h.out.starts_with("usage: " + sandbox_bin() + " [OPTIONS...] [--] COMMAND [ARGS...]\n")) << h.out;
  EXPECT_NE(h.out.find("  --ro-bind SRC DEST"), std::string::npos);
  EXPECT_EQ(h.err, "");
  auto v = run(sandbox({"--version"}));
  EXPECT_EQ(v.status, 0);
  EXPECT_TRUE(std::regex_match(v.out, std::regex("sandbox [0-9]+\\.[0-9]+\\.[0-9]+\n"))) << v.out;
  // Under bwrap: the bubblewrap release it matches, in bubblewrap's form, then its own.
  auto b = run(as_bwrap({"--version"}));
  EXPECT_EQ(b.status, 0);
  EXPECT_EQ(b.out, "bubblewrap 0.11.1 (" + v.out.substr(0, v.out.size() - 1) + ")\n");
  EXPECT_EQ(b.err, "");
  // A script's usual check: the first two words.
  EXPECT_TRUE(std::regex_search(b.out, std::regex("^bubblewrap 0\\.11\\.1 "))) << b.out;
}

}  // namespace
}  // namespace sbtest

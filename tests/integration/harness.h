// Runs the built sandbox binary as whoever runs the tests (an unprivileged user in CI).
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sbtest {

struct RunResult {
  int status = -1;  // exit code, or 128+N after signal N (as a shell reports it)
  std::string out, err;
  bool timed_out = false;
};

struct RunOptions {
  std::string input;                       // written to stdin, then closed
  std::vector<std::pair<int, int>> fds;    // {fd in the child, fd here} given to the child
  std::string cwd;                         // empty: the test's own
  std::optional<mode_t> umask;             // unset: the test's own
  int timeout_seconds = 60;
};

RunResult run(const std::vector<std::string>& argv, const RunOptions& opts = {});

// A process started in the background, with its output on pipes.
class Background {
 public:
  Background(const std::vector<std::string>& argv, const RunOptions& opts = {});
  ~Background();
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  pid_t pid() const { return pid_; }
  // Reads stdout until a line equal to `line` arrives; false on EOF or after the timeout.
  bool wait_for_line(const std::string& line, int timeout_seconds = 30);
  // Waits for the exit and collects the rest of the output.
  RunResult finish(int timeout_seconds = 60);

 private:
  pid_t pid_ = -1;
  int out_ = -1, err_ = -1;
  std::string out_buf_, err_buf_;
  bool reaped_ = false;
};

// A native sandbox (in_busybox with `options`) running until killed, and, in *child, its
// init's pid as --info-fd gives it; ready once it returns.
std::unique_ptr<Background> start_waiting(std::initializer_list<std::string> options, pid_t* child);
// The child pid an --info-fd or --json-status-fd record names, or -1.
pid_t child_pid_in(const std::string& status);

std::string sandbox_bin();
std::string rootfs();
// {sandbox, busybox's /bin and /etc read-only on a tmpfs root, --proc /proc, args...}
std::vector<std::string> in_busybox(std::initializer_list<std::string> args);
// {sandbox, args...}
std::vector<std::string> sandbox(std::initializer_list<std::string> args);
// {sandbox, a read-only view of the host's /usr with its /bin, /lib, /lib64 links, args...}
std::vector<std::string> in_usr(std::initializer_list<std::string> args);

// The binary under the name bwrap (a symlink made once per test process), for the drop-in.
std::string bwrap_bin();
// {bwrap link, args...}
std::vector<std::string> as_bwrap(std::initializer_list<std::string> args);
// A memfd holding `data`, positioned at its start; the caller closes it.
int data_fd(const std::string& data);
// Processes this test started that are still alive: the test process is a child subreaper,
// so anything that outlived its parent was reparented to it; a monitor is also found by its
// argv[0]. Waits up to two seconds for stragglers to go.
std::vector<std::string> leftover_processes();

// The command lines (arguments joined by NULs) of every live descendant of `pid`, from
// /proc/PID/task/*/children: processes this test started, never another program's.
std::vector<std::string> descendants_of(pid_t pid);

// The sandbox's init (comm "sandbox-init") among the first children down from `pid` (the
// `sandbox` process, or a wrapper of it); -1 when there is none.
pid_t init_below(pid_t pid);

// How many live processes have `marker` in their command line; whether one has.
int processes_with(const std::string& marker);
bool process_with(const std::string& marker);
// Waits until no live process has `marker` in its command line; false after `seconds`.
bool gone_within(const std::string& marker, int seconds);

// Everything readable from fd, until end of file.
std::string read_all(int fd);
// Each argument followed by a NUL, as --args reads them.
std::string nul_terminated(std::initializer_list<std::string> args);
std::string nul_terminated(const std::vector<std::string>& args);
// A classic BPF seccomp program failing mkdir and mkdirat with `err`, allowing the rest.
std::string seccomp_deny_mkdir(int err);
// The same for the x86-64 system calls `syscalls` (at most a few dozen).
std::string seccomp_deny(const std::vector<int>& syscalls, int err);
// The Seccomp_filters counts of init and of COMMAND in a busybox sandbox with `options`, read
// once init has as many as COMMAND (it loads its programs just after COMMAND may exec); fewer
// than two lines when it never does within the run's time.
std::vector<std::string> init_and_command_filters(const std::vector<std::string>& options);
// A program, compiled by libseccomp for x86-64 and i386, that fails every call but `allowed`
// with `err`: an allow-list as Flatpak and bubblewrap's own tests make them.
std::string seccomp_allow_only(const std::vector<std::string>& allowed, int err);
// bubblewrap's test allow-list (systemd's @default, @basic-io and @filesystem-io sets, and
// what a program's start needs): no wait4, no rt_sigtimedwait.
std::vector<std::string> bwrap_test_allowlist();
// `argv` run with LeakSanitizer's exit check off: a monitor that joined another pid namespace
// (--pidns) would have its checker born there, unable to stop the monitor, and spin forever.
// Without sanitizers it changes nothing.
std::vector<std::string> without_leak_check(std::vector<std::string> argv);
// `argv` with `more` appended.
std::vector<std::string> plus(std::vector<std::string> argv, std::initializer_list<std::string> more);

std::vector<std::string> lines(const std::string& text);
// A path's folder and its last component.
std::string dir_of(const std::string& path);
std::string base_of(const std::string& path);
std::string read_link(const std::string& path);
bool exists(const std::string& path);

// A scratch directory on the host, removed at the end of the test.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void write_file(const std::string& path, const std::string& data, mode_t mode = 0644);
std::string read_file(const std::string& path);

// Every test that starts a sandbox derives from this: it skips (or, with
// SANDBOX_REQUIRE_USERNS=1, fails) when the kernel refuses unprivileged user namespaces.
class SandboxTest : public ::testing::Test {
 protected:
  void SetUp() override;
  // Collects the orphans this process (a child subreaper) inherited during the test.
  void TearDown() override;
};

// tests/helpers/old_kernel.c: runs a command where the new mount API and openat2 answer ENOSYS.
std::string old_kernel_bin();
// tests/helpers/escape_probe.c: tries, from inside, what an attacker would.
std::string escape_probe_bin();
// tests/helpers/netlab.c: runs a command in a network of the test's own (pasta's tests).
std::string netlab_bin();
// The source tree (its profiles/, examples/ and what building it needs), as SANDBOX_SOURCE names it.
std::string source_dir();
// tests/helpers/syscall_probe.c, and Docker's default seccomp profile (fetch-docker-profile.sh).
std::string syscall_probe_bin();
std::string docker_profile();
// {sandbox, busybox's /bin and /etc, the syscall probe at /probe, options..., /probe call...}
std::vector<std::string> syscall_probing(const std::vector<std::string>& options, const std::vector<std::string>& call);
// A TCP socket listening on 127.0.0.1 of the test's network namespace, on a port the kernel
// picks (in *port); aborts the test run when it cannot be made.
int loopback_server(int* port);
// A unix socket listening on the abstract address @NAME, in the test's network namespace;
// aborts the test run when it cannot be made.
int abstract_listener(const std::string& name);
// A busybox sandbox with `options` and a COMMAND that would say "ran": refused at setup with
// exactly `line` (after "sandbox: "), exit 125, nothing run, no process left.
void expect_setup_refusal(const std::vector<std::string>& options, const std::string& line);
// One such command line's options and the line they must be refused with, for tables of them.
struct Refusal {
  std::vector<std::string> options;
  std::string line;
};
// The probe's one line of output (its error output if it printed none); the run must succeed.
std::string syscall_probe(const std::vector<std::string>& options, const std::vector<std::string>& call);

// The same tests on both ways of making mounts: with "new" every sandbox the test starts is
// told to use the new mount API; with "legacy" it runs under old_kernel_bin() and must find
// out by itself that only mount(2) is there.
class MountApiTest : public SandboxTest, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;
  bool legacy() const { return GetParam() == "legacy"; }
};

// Instantiates a MountApiTest suite for both ways, named by them.
std::string mount_api_name(const ::testing::TestParamInfo<std::string>& param);
#define SANDBOX_BOTH_MOUNT_APIS(suite) \
  INSTANTIATE_TEST_SUITE_P(Api, suite, ::testing::Values("new", "legacy"), mount_api_name)

}  // namespace sbtest

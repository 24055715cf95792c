#include "harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstddef>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

namespace sbtest {

namespace {

std::string env_or_die(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) {
    std::fprintf(stderr, "integration tests need %s\n", name);
    std::abort();
  }
  return v;
}

int status_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Set by MountApiTest: a program every sandbox the test starts runs under.
std::string g_wrapper;

pid_t spawn(const std::vector<std::string>& argv_in, const RunOptions& opts, int* in_w, int* out_r,
            int* err_r) {
  std::vector<std::string> argv = argv_in;
  if (!g_wrapper.empty() && !argv.empty() && (argv[0] == sandbox_bin() || argv[0] == bwrap_bin()))
    argv.insert(argv.begin(), g_wrapper);
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) std::abort();
  pid_t pid = fork();
  if (pid < 0) std::abort();
  if (pid == 0) {
    // Own process group, so a test can kill the whole tree it started.
    setpgid(0, 0);
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    // Copy every source out of the way first, so no dup2 overwrites a source still needed.
    std::vector<int> copies;
    for (auto [child_fd, here] : opts.fds) copies.push_back(fcntl(here, F_DUPFD_CLOEXEC, 200));
    for (size_t i = 0; i < opts.fds.size(); ++i)
      dup2(copies[i], opts.fds[i].first);  // dup2 clears close-on-exec on the new descriptor
    // Nothing else this process inherited reaches the command: the drop-in passes inherited
    // descriptors through, and tests count them.
    std::vector<unsigned> given;
    for (auto [child_fd, here] : opts.fds) given.push_back(static_cast<unsigned>(child_fd));
    std::sort(given.begin(), given.end());
    unsigned from = 3;
    for (unsigned fd : given) {
      if (fd > from) syscall(SYS_close_range, from, fd - 1, CLOSE_RANGE_CLOEXEC);
      from = std::max(from, fd + 1);
    }
    syscall(SYS_close_range, from, ~0u, CLOSE_RANGE_CLOEXEC);
    if (!opts.cwd.empty() && chdir(opts.cwd.c_str()) < 0) _exit(121);
    if (opts.umask) ::umask(*opts.umask);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(122);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  *in_w = in[1];
  *out_r = out[0];
  *err_r = err[0];
  return pid;
}

// Reads from the two pipes until both are closed or the deadline passes.
bool drain(int& out, int& err, std::string& out_buf, std::string& err_buf,
           std::chrono::steady_clock::time_point deadline, const std::string* until_line = nullptr) {
  char buf[4096];
  while (out >= 0 || err >= 0) {
    if (until_line && (out_buf.find(*until_line + "\n") != std::string::npos)) return true;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) return false;
    pollfd fds[2] = {{out, POLLIN, 0}, {err, POLLIN, 0}};
    int n = poll(fds, 2, static_cast<int>(left));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    for (int i = 0; i < 2; ++i) {
      if (!fds[i].revents) continue;
      int& fd = i == 0 ? out : err;
      ssize_t r = read(fd, buf, sizeof buf);
      if (r <= 0) {
        close(fd);
        fd = -1;
      } else {
        (i == 0 ? out_buf : err_buf).append(buf, static_cast<size_t>(r));
      }
    }
  }
  return until_line ? out_buf.find(*until_line + "\n") != std::string::npos : true;
}

void feed(int in_w, const std::string& input) {
  if (!input.empty()) {
    signal(SIGPIPE, SIG_IGN);
    (void)!write(in_w, input.data(), input.size());
  }
  close(in_w);
}

}  // namespace

RunResult run(const std::vector<std::string>& argv, const RunOptions& opts) {
  Background bg(argv, opts);
  return bg.finish(opts.timeout_seconds);
}

Background::Background(const std::vector<std::string>& argv, const RunOptions& opts) {
  int in_w;
  pid_ = spawn(argv, opts, &in_w, &out_, &err_);
  feed(in_w, opts.input);
}

Background::~Background() {
  if (!reaped_ && pid_ > 0) {
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (out_ >= 0) close(out_);
  if (err_ >= 0) close(err_);
}

bool Background::wait_for_line(const std::string& line, int timeout_seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  return drain(out_, err_, out_buf_, err_buf_, deadline, &line);
}

RunResult Background::finish(int timeout_seconds) {
  RunResult r;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  if (!drain(out_, err_, out_buf_, err_buf_, deadline)) {
    r.timed_out = true;
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);
  }
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
  r.status = status_code(status);
  r.out = out_buf_;
  r.err = err_buf_;
  return r;
}

std::string sandbox_bin() { return env_or_die("SANDBOX_BIN"); }
std::string rootfs() { return env_or_die("SANDBOX_ROOTFS"); }

std::vector<std::string> sandbox(std::initializer_list<std::string> args) {
  std::vector<std::string> v{sandbox_bin()};
  v.insert(v.end(), args);
  return v;
}

std::vector<std::string> in_busybox(std::initializer_list<std::string> args) {
  // The rootfs is shared by every test, so it is bound read-only, piece by piece, and mount
  // points are made in the sandbox's own tmpfs root.
  std::string r = rootfs();
  std::vector<std::string> v{sandbox_bin(), "--ro-bind", r + "/bin", "/bin", "--ro-bind", r + "/etc",
                             "/etc", "--dir", "/tmp", "--dir", "/root", "--proc", "/proc"};
  v.insert(v.end(), args);
  return v;
}

std::vector<std::string> in_usr(std::initializer_list<std::string> args) {
  std::vector<std::string> v{sandbox_bin(), "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin",
                             "/bin", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64",
                             "/lib64", "--symlink", "usr/sbin", "/sbin", "--proc", "/proc", "--dev",
                             "/dev"};
  v.insert(v.end(), args);
  return v;
}

std::string bwrap_bin() {
  static std::string path = [] {
    static TempDir dir;  // lives as long as the test process
    std::string link = dir / "bwrap";
    if (symlink(sandbox_bin().c_str(), link.c_str()) < 0) std::abort();
    chmod(dir.path().c_str(), 0755);
    return link;
  }();
  return path;
}

std::vector<std::string> as_bwrap(std::initializer_list<std::string> args) {
  std::vector<std::string> v{bwrap_bin()};
  v.insert(v.end(), args);
  return v;
}

int data_fd(const std::string& data) {
  int fd = memfd_create("sandbox-test", MFD_CLOEXEC);
  if (fd < 0 || write(fd, data.data(), data.size()) != static_cast<ssize_t>(data.size())) std::abort();
  lseek(fd, 0, SEEK_SET);
  return fd;
}

static std::vector<std::string> leftover_processes_now() {
  while (waitpid(-1, nullptr, WNOHANG) > 0) {  // collect what has already exited
  }
  std::vector<std::string> out;
  DIR* d = opendir("/proc");
  while (auto* e = readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::string base = std::string("/proc/") + e->d_name;
    std::string stat = read_file(base + "/stat");
    auto close_paren = stat.rfind(')');
    if (close_paren == std::string::npos) continue;
    std::istringstream rest(stat.substr(close_paren + 2));
    std::string state;
    pid_t ppid = 0;
    rest >> state >> ppid;
    std::string cmd = read_file(base + "/cmdline");
    bool is_sandbox = cmd.starts_with(sandbox_bin() + std::string(1, '\0'));
    if (ppid == getpid() || is_sandbox) out.push_back(std::string(e->d_name) + " " + cmd);
  }
  closedir(d);
  return out;
}

std::vector<std::string> leftover_processes() {
  std::vector<std::string> left;
  for (int i = 0; i < 40; ++i) {
    left = leftover_processes_now();
    if (left.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return left;
}

std::vector<std::string> descendants_of(pid_t pid) {
  std::vector<std::string> out;
  std::vector<std::string> todo{std::to_string(pid)};
  while (!todo.empty()) {
    std::string p = todo.back();
    todo.pop_back();
    DIR* d = opendir(("/proc/" + p + "/task").c_str());
    if (!d) continue;
    while (auto* e = readdir(d)) {
      if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
      std::istringstream children(read_file("/proc/" + p + "/task/" + e->d_name + "/children"));
      for (std::string c; children >> c;) {
        out.push_back(read_file("/proc/" + c + "/cmdline"));
        todo.push_back(c);
      }
    }
    closedir(d);
  }
  return out;
}

pid_t init_below(pid_t pid) {
  for (std::string at = std::to_string(pid);;) {
    std::string kids = read_file("/proc/" + at + "/task/" + at + "/children");
    if (kids.empty()) return -1;
    at = kids.substr(0, kids.find(' '));
    if (read_file("/proc/" + at + "/comm") == "sandbox-init\n") return static_cast<pid_t>(std::stol(at));
  }
}

int processes_with(const std::string& marker) {
  int found = 0;
  DIR* d = opendir("/proc");
  while (auto* e = readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    if (read_file(std::string("/proc/") + e->d_name + "/cmdline").find(marker) != std::string::npos) ++found;
  }
  closedir(d);
  return found;
}

bool process_with(const std::string& marker) { return processes_with(marker) > 0; }

bool gone_within(const std::string& marker, int seconds) {
  for (int i = 0; i < seconds * 20; ++i) {
    if (!process_with(marker)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

std::string nul_terminated(const std::vector<std::string>& args) {
  std::string out;
  for (const auto& a : args) out += a + std::string(1, '\0');
  return out;
}

std::string nul_terminated(std::initializer_list<std::string> args) {
  return nul_terminated(std::vector<std::string>(args));
}

std::string seccomp_deny_mkdir(int err) {
  sock_filter f[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mkdir, 1, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mkdirat, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | static_cast<unsigned>(err)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  return std::string(reinterpret_cast<const char*>(f), sizeof f);
}

std::vector<std::string> init_and_command_filters(const std::vector<std::string>& options) {
  std::vector<std::string> argv = in_busybox({});
  argv.insert(argv.end(), options.begin(), options.end());
  argv.insert(argv.end(), {"sh", "-c",
                           "S=$(grep Seccomp_filters /proc/self/status); "
                           "until [ \"$(grep Seccomp_filters /proc/1/status)\" = \"$S\" ]; do sleep 0.01; done; "
                           "grep Seccomp_filters /proc/1/status /proc/self/status | sed 's/.*://'"});
  return lines(run(argv).out);
}

std::string seccomp_allow_only(const std::vector<std::string>& allowed, int err) {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(static_cast<uint32_t>(err)));
  if (!ctx || seccomp_arch_add(ctx, SCMP_ARCH_X86) < 0) std::abort();
  for (const auto& name : allowed) {
    int nr = seccomp_syscall_resolve_name(name.c_str());
    if (nr != __NR_SCMP_ERROR) (void)seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
  }
  int fd = memfd_create("allowlist", MFD_CLOEXEC);
  if (fd < 0 || seccomp_export_bpf(ctx, fd) < 0 || lseek(fd, 0, SEEK_SET) < 0) std::abort();
  seccomp_release(ctx);
  std::string out = read_all(fd);
  close(fd);
  return out;
}

std::vector<std::string> bwrap_test_allowlist() {
  std::vector<std::string> names;
  std::istringstream words(
      // @default
      "brk cacheflush clock_getres clock_getres_time64 clock_gettime clock_gettime64 clock_nanosleep "
      "clock_nanosleep_time64 execve exit exit_group futex futex_time64 get_robust_list get_thread_area getegid "
      "getegid32 geteuid geteuid32 getgid getgid32 getgroups getgroups32 getpgid getpgrp getpid getppid getrandom "
      "getresgid getresgid32 getresuid getresuid32 getrlimit getsid gettid gettimeofday getuid getuid32 membarrier "
      "mmap mmap2 munmap nanosleep pause prlimit64 restart_syscall rseq rt_sigreturn sched_getaffinity sched_yield "
      "set_robust_list set_thread_area set_tid_address set_tls sigreturn time ugetrlimit "
      // @basic-io
      "_llseek close close_range dup dup2 dup3 lseek pread64 preadv preadv2 pwrite64 pwritev pwritev2 read readv "
      "write writev "
      // @filesystem-io
      "access chdir chmod creat faccessat faccessat2 fallocate fchdir fchmod fchmodat fcntl fcntl64 fgetxattr "
      "flistxattr fremovexattr fsetxattr fstat fstat64 fstatat64 fstatfs fstatfs64 ftruncate ftruncate64 futimesat "
      "getcwd getdents getdents64 getxattr inotify_add_watch inotify_init inotify_init1 inotify_rm_watch lgetxattr "
      "link linkat listxattr llistxattr lremovexattr lsetxattr lstat lstat64 mkdir mkdirat mknod mknodat newfstatat "
      "oldfstat oldlstat oldstat open openat openat2 readlink readlinkat removexattr rename renameat renameat2 rmdir "
      "setxattr stat stat64 statfs statfs64 statx symlink symlinkat truncate truncate64 unlink unlinkat utime "
      "utimensat utimensat_time64 utimes "
      // a start
      "arch_prctl ioctl madvise mprotect mremap prctl readdir umask");
  for (std::string w; words >> w;) names.push_back(w);
  return names;
}

std::string seccomp_deny(const std::vector<int>& syscalls, int err) {
  std::vector<sock_filter> f = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
  };
  const auto n = static_cast<unsigned char>(syscalls.size());
  for (unsigned char i = 0; i < n; ++i)
    f.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<unsigned>(syscalls[i]),
                         static_cast<unsigned char>(n - i), 0));
  f.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  f.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | static_cast<unsigned>(err)));
  return std::string(reinterpret_cast<const char*>(f.data()), f.size() * sizeof(sock_filter));
}

std::vector<std::string> plus(std::vector<std::string> argv, std::initializer_list<std::string> more) {
  argv.insert(argv.end(), more);
  return argv;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::string read_link(const std::string& path) {
  char buf[4096];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf);
  return n < 0 ? "" : std::string(buf, static_cast<size_t>(n));
}

bool exists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

TempDir::TempDir() {
  std::string tmpl = "/tmp/sandbox-test-XXXXXX";
  if (!mkdtemp(tmpl.data())) std::abort();
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  // Entries the sandbox made read-only for the caller still belong to the caller.
  for (auto& e : std::filesystem::recursive_directory_iterator(path_, ec))
    std::filesystem::permissions(e.path(), std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
  std::filesystem::remove_all(path_, ec);
}

void write_file(const std::string& path, const std::string& data, mode_t mode) {
  std::ofstream(path) << data;
  chmod(path.c_str(), mode);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void SandboxTest::SetUp() {
  static int usable = -1;
  if (usable < 0) {
    pid_t pid = fork();
    if (pid == 0) _exit(unshare(CLONE_NEWUSER) == 0 ? 0 : 1);
    int status = 0;
    waitpid(pid, &status, 0);
    usable = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  if (usable) return;
  const char* require = std::getenv("SANDBOX_REQUIRE_USERNS");
  if (require && std::string(require) == "1")
    FAIL() << "unprivileged user namespaces are refused by this kernel";
  GTEST_SKIP() << "unprivileged user namespaces are refused by this kernel";
}

void SandboxTest::TearDown() {
  while (waitpid(-1, nullptr, WNOHANG) > 0) {
  }
}

std::string mount_api_name(const ::testing::TestParamInfo<std::string>& param) { return param.param; }

std::string old_kernel_bin() {
  const char* p = std::getenv("SANDBOX_OLD_KERNEL");
  return p ? p : "old-kernel";
}

pid_t child_pid_in(const std::string& status) {
  std::smatch m;
  if (std::regex_search(status, m, std::regex("\"child-pid\": ([0-9]+)"))) return std::stoi(m[1]);
  return -1;
}

std::unique_ptr<Background> start_waiting(std::initializer_list<std::string> options, pid_t* child) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) return nullptr;
  RunOptions o;
  o.fds = {{5, p[1]}};
  std::vector<std::string> args = in_busybox(options);
  args.insert(args.end(), {"--info-fd", "5", "sh", "-c", "echo ready; exec sleep 1000"});
  auto bg = std::make_unique<Background>(args, o);
  close(p[1]);
  *child = child_pid_in(read_all(p[0]));
  close(p[0]);
  EXPECT_TRUE(bg->wait_for_line("ready"));
  return bg;
}

std::vector<std::string> without_leak_check(std::vector<std::string> argv) {
  argv.insert(argv.begin(), {"env", "ASAN_OPTIONS=detect_leaks=0"});
  return argv;
}

std::string dir_of(const std::string& path) { return path.substr(0, path.rfind('/')); }
std::string base_of(const std::string& path) { return path.substr(path.rfind('/') + 1); }

std::string escape_probe_bin() {
  const char* p = std::getenv("SANDBOX_ESCAPE_PROBE");
  return p ? p : "escape-probe";
}

std::string syscall_probe_bin() { return env_or_die("SANDBOX_SYSCALL_PROBE"); }
std::string netlab_bin() { return env_or_die("SANDBOX_NETLAB"); }
std::string source_dir() { return env_or_die("SANDBOX_SOURCE"); }
std::string docker_profile() { return env_or_die("SANDBOX_DOCKER_PROFILE"); }

std::vector<std::string> syscall_probing(const std::vector<std::string>& options, const std::vector<std::string>& call) {
  std::vector<std::string> v = in_busybox({"--ro-bind", syscall_probe_bin(), "/probe"});
  v.insert(v.end(), options.begin(), options.end());
  v.push_back("/probe");
  v.insert(v.end(), call.begin(), call.end());
  return v;
}

int loopback_server(int* port) {
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (s < 0 || bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0 || listen(s, 16) < 0 ||
      getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) < 0)
    std::abort();
  *port = ntohs(a.sin_port);
  return s;
}

int abstract_listener(const std::string& name) {
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (s < 0 || name.size() + 1 > sizeof addr.sun_path) std::abort();
  std::memcpy(addr.sun_path + 1, name.data(), name.size());
  auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
  if (bind(s, reinterpret_cast<sockaddr*>(&addr), len) < 0 || listen(s, 16) < 0) std::abort();
  return s;
}

void expect_setup_refusal(const std::vector<std::string>& options, const std::string& line) {
  std::vector<std::string> argv = in_busybox({"--tmpfs", "/w"});
  argv.insert(argv.end(), options.begin(), options.end());
  argv.insert(argv.end(), {"sh", "-c", "echo ran"});
  auto r = run(argv);
  EXPECT_EQ(r.status, 125) << line;
  EXPECT_EQ(r.err, "sandbox: " + line + "\n");
  EXPECT_EQ(r.out, "");
  auto left = leftover_processes();
  EXPECT_TRUE(left.empty()) << left.front();
}

std::string syscall_probe(const std::vector<std::string>& options, const std::vector<std::string>& call) {
  auto r = run(syscall_probing(options, call));
  EXPECT_EQ(r.status, 0) << r.err;
  return r.out.empty() ? r.err : r.out.substr(0, r.out.size() - 1);
}

void MountApiTest::SetUp() {
  SandboxTest::SetUp();
  // "legacy" runs on a kernel made to look older than the new mount API, and the sandbox has
  // to notice by itself; "new" insists on the new API, so it cannot fall back unseen.
  if (legacy()) g_wrapper = old_kernel_bin();
  else setenv("SANDBOX_MOUNT_API", "new", 1);
}

void MountApiTest::TearDown() {
  g_wrapper.clear();
  unsetenv("SANDBOX_MOUNT_API");
  SandboxTest::TearDown();
}

}  // namespace sbtest

// Skips count as failures when SANDBOX_NO_SKIP=1 (CI sets it).
int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  // Orphans of the processes a test starts are reparented here, where tests can see them.
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  int rc = RUN_ALL_TESTS();
  const char* no_skip = std::getenv("SANDBOX_NO_SKIP");
  int skipped = ::testing::UnitTest::GetInstance()->skipped_test_count();
  if (rc == 0 && no_skip && std::string(no_skip) == "1" && skipped > 0) {
    std::fprintf(stderr, "%d test(s) skipped; SANDBOX_NO_SKIP=1 counts that as a failure\n", skipped);
    return 1;
  }
  return rc;
}

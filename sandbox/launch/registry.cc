#include "launch/registry.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <dirent.h>

#include "sys/io.h"
#include "sys/numbers.h"
#include "sys/syscalls.h"

namespace sb::launch {

namespace {

constexpr int kSoPeerPidfd = 77;  // SO_PEERPIDFD (Linux 6.5); older headers lack it
constexpr size_t kMaxInfo = 4096;

bool same_file(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

Result<sockaddr_un> address_of(const std::string& path) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  if (path.size() >= sizeof a.sun_path) return fail("the registry path " + path + " is too long for a socket", ENAMETOOLONG);
  path.copy(a.sun_path, path.size());
  return a;
}

Result<unique_fd> connect_to(const std::string& path) {
  TRY_ASSIGN(sockaddr_un a, address_of(path));
  unique_fd sock(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  if (!sock) return fail_errno("socket");
  if (::connect(sock.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) < 0) return fail_errno(path);
  return sock;
}

// Waits up to a second for the answer, one message: a monitor answers at once.
Result<std::string> read_answer(int sock) {
  for (;;) {
    pollfd p{sock, POLLIN, 0};
    int n = ::poll(&p, 1, 1000);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("no answer from the sandbox", ETIMEDOUT);
    std::string out(kMaxInfo, '\0');
    ssize_t got = ::recv(sock, out.data(), out.size(), 0);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return fail_errno("reading the sandbox's answer");
    out.resize(static_cast<size_t>(got));
    return out;
  }
}

// The entry's description, from a monitor checked to be the caller's; nullopt for a dead one.
Result<std::optional<Listed>> ask(const std::string& dir, const std::string& name, const struct stat& userns) {
  std::string path = dir + "/" + name;
  auto sock = connect_to(path);
  if (!sock) {
    int err = sock.error().err;
    // Nothing listens: its monitor died without removing it.
    if (err == ECONNREFUSED) (void)::unlink(path.c_str());
    if (err == ECONNREFUSED || err == ENOENT) return std::optional<Listed>{};
    return std::unexpected(std::move(sock).error());
  }
  TRY(check_peer(sock->get(), userns, path));
  if (::write(sock->get(), &kAskInfo, 1) != 1) return fail_errno("asking " + path);
  TRY_ASSIGN(std::string text, read_answer(sock->get()));
  TRY_ASSIGN(Listed l, parse_entry(name, text, boottime_ms()));
  return std::optional<Listed>(std::move(l));
}

bool valid_name(const std::string& n) { return !n.empty() && n[0] != '.' && n.find('/') == std::string::npos; }

}  // namespace

long long boottime_ms() {
  timespec t{};
  ::clock_gettime(CLOCK_BOOTTIME, &t);
  return static_cast<long long>(t.tv_sec) * 1000 + t.tv_nsec / 1000000;
}

Result<std::string> registry_dir(bool create) {
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  std::string dir = runtime && runtime[0] == '/' ? std::string(runtime) + "/sandbox"
                                                 : "/tmp/sandbox-" + std::to_string(::getuid());
  if (create && ::mkdir(dir.c_str(), 0700) < 0 && errno != EEXIST) return fail_errno("Can't make the registry " + dir);
  struct stat st{};
  if (::lstat(dir.c_str(), &st) < 0) {
    if (errno == ENOENT && !create) return dir;  // nothing registered yet
    return fail_errno("the registry " + dir);
  }
  // A directory someone else made where ours belongs is not trusted, nor one others may write.
  if (!S_ISDIR(st.st_mode) || st.st_uid != ::getuid() || (st.st_mode & 077))
    return fail("the registry " + dir + " is not a directory of yours with mode 0700", EPERM);
  return dir;
}

Result<struct stat> own_user_namespace() {
  struct stat st{};
  if (::stat("/proc/self/ns/user", &st) < 0) return fail_errno("Can't read /proc/self/ns/user");
  return st;
}

Result<void> check_peer(int sock, const struct stat& userns, const std::string& what) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) return fail_errno(what + ": peer credentials");
  if (cred.uid != ::getuid()) return fail(what + ": it belongs to another user (uid " + std::to_string(cred.uid) + ")", EPERM);
  // The pidfd pins the process, so the pid is still its own after the namespace is looked up.
  int pidfd = -1;
  len = sizeof pidfd;
  unique_fd pinned;
  if (::getsockopt(sock, SOL_SOCKET, kSoPeerPidfd, &pidfd, &len) == 0) pinned.reset(pidfd);
  struct stat theirs{};
  std::string ns = "/proc/" + std::to_string(cred.pid) + "/ns/user";
  bool ok = ::stat(ns.c_str(), &theirs) == 0 && same_file(theirs, userns);
  if (ok && pinned && !sys::pidfd_send_signal(pinned.get(), 0)) ok = false;
  if (!ok) return fail(what + ": the other end is not a process of yours outside any sandbox", EPERM);
  return {};
}

Result<Registration> Registration::claim(const std::string& name) {
  TRY_ASSIGN(std::string dir, registry_dir(true));
  Registration r;
  TRY_ASSIGN(r.userns_, own_user_namespace());
  r.path_ = dir + "/" + name;
  TRY_ASSIGN(sockaddr_un a, address_of(r.path_));
  // One claim at a time: checking a name and taking it are one step.
  unique_fd lock(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!lock || ::flock(lock.get(), LOCK_EX) < 0) return fail_errno("Can't lock the registry " + dir);
  r.listener_.reset(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!r.listener_) return fail_errno("--name " + name + ": socket");
  for (int attempt = 0;; ++attempt) {
    if (::bind(r.listener_.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) break;
    if (errno != EADDRINUSE || attempt > 0) return fail_errno("--name " + name + ": Can't register " + r.path_);
    auto live = ask(dir, name, r.userns_);
    if (live && *live)
      return fail("--name " + name + ": a sandbox of that name is running (pid " + std::to_string((*live)->pid) + ")");
    // One that is there but does not answer may be a busy monitor: its name is not taken over.
    if (!live && live.error().err != EPERM)
      return std::unexpected(std::move(live).error().wrap("--name " + name + ": " + r.path_ + " is there"));
    // Dead, or not the caller's (a socket planted by a sandbox): the name is free again.
    if (::unlink(r.path_.c_str()) < 0 && errno != ENOENT) return fail_errno("--name " + name + ": Can't remove " + r.path_);
  }
  if (::lstat(r.path_.c_str(), &r.bound_) < 0 || ::listen(r.listener_.get(), 16) < 0)
    return fail_errno("--name " + name + ": Can't register " + r.path_);
  return r;
}

Registration::Registration(Registration&& o) noexcept
    : path_(std::move(o.path_)), listener_(std::move(o.listener_)), bound_(o.bound_), userns_(o.userns_) {
  o.path_.clear();
}

Registration::~Registration() {
  if (path_.empty()) return;
  struct stat now{};
  if (::lstat(path_.c_str(), &now) == 0 && same_file(now, bound_)) ::unlink(path_.c_str());
}

std::string describe_entry(pid_t pid, pid_t monitor, long long started_ms, const std::vector<std::string>& command) {
  std::string out = std::to_string(pid) + " " + std::to_string(monitor) + " " + std::to_string(started_ms) + "\n";
  for (const auto& a : command) {
    if (&a != &command.front()) out += ' ';
    for (char c : a) out += (c == '\n' || c == '\0') ? ' ' : c;
  }
  return out.substr(0, kMaxInfo);
}

Result<Listed> parse_entry(const std::string& name, const std::string& text, long long now_ms) {
  Listed l;
  l.name = name;
  size_t nl = text.find('\n');
  std::string head = text.substr(0, nl);
  l.command = nl == std::string::npos ? "" : text.substr(nl + 1);
  size_t a = head.find(' '), b = a == std::string::npos ? a : head.find(' ', a + 1);
  if (b == std::string::npos) return fail(name + ": an answer that is not a sandbox's", EPROTO);
  auto pid = sys::parse_decimal(head.substr(0, a), INT32_MAX);
  auto monitor = sys::parse_decimal(head.substr(a + 1, b - a - 1), INT32_MAX);
  auto started = sys::parse_decimal(head.substr(b + 1), INT64_MAX);
  if (!pid || !monitor || !started) return fail(name + ": an answer that is not a sandbox's", EPROTO);
  l.pid = static_cast<pid_t>(*pid);
  l.monitor = static_cast<pid_t>(*monitor);
  l.uptime = static_cast<double>(std::max(0LL, now_ms - static_cast<long long>(*started))) / 1000.0;
  return l;
}

Result<std::vector<Listed>> list_sandboxes() {
  TRY_ASSIGN(std::string dir, registry_dir(false));
  TRY_ASSIGN(struct stat userns, own_user_namespace());
  std::vector<Listed> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    if (errno == ENOENT) return out;
    return fail_errno("the registry " + dir);
  }
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d))
    if (valid_name(e->d_name) && e->d_type == DT_SOCK) names.emplace_back(e->d_name);
  ::closedir(d);
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    auto l = ask(dir, n, userns);
    if (l && *l) out.push_back(std::move(**l));
    // One that is not the caller's, or does not answer, is left out, not trusted.
  }
  return out;
}

Result<unique_fd> connect_sandbox(const std::string& target, std::string& name) {
  TRY_ASSIGN(std::string dir, registry_dir(false));
  TRY_ASSIGN(struct stat userns, own_user_namespace());
  if (auto pid = sys::parse_decimal(target, INT32_MAX)) {
    TRY_ASSIGN(auto all, list_sandboxes());
    auto it = std::find_if(all.begin(), all.end(), [&](const Listed& l) {
      return l.pid == static_cast<pid_t>(*pid) || l.monitor == static_cast<pid_t>(*pid);
    });
    if (it == all.end()) return fail("--join " + target + ": no sandbox of yours has that pid (see sandbox --list)");
    name = it->name;
  } else {
    if (!valid_name(target)) return fail("--join " + target + ": not a sandbox name", EINVAL);
    name = target;
  }
  std::string path = dir + "/" + name;
  auto sock = connect_to(path);
  if (!sock) {
    if (sock.error().err == ECONNREFUSED) (void)::unlink(path.c_str());
    if (sock.error().err == ECONNREFUSED || sock.error().err == ENOENT)
      return fail("--join " + target + ": no running sandbox of yours has that name (see sandbox --list)");
    return std::unexpected(std::move(sock).error().wrap("--join " + target));
  }
  TRY(check_peer(sock->get(), userns, "--join " + target));
  return sock;
}

}  // namespace sb::launch

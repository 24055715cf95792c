#include "launch/registry.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>

#include "sys/fdpass.h"
#include "sys/io.h"
#include "sys/numbers.h"
#include "sys/syscalls.h"

namespace sb::launch {

namespace {

constexpr int kSoPeerPidfd = 77;  // SO_PEERPIDFD (Linux 6.5); older headers lack it
constexpr size_t kMaxInfo = 4096;
constexpr int kConnectTries = 20;  // 50 ms apart

bool same_file(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

Result<sockaddr_un> address_of(const std::string& path) {
  auto a = sys::unix_address(path);
  if (!a) return fail("the registry path " + path + " is too long for a socket", ENAMETOOLONG);
  return *a;
}

// Non-blocking: a monitor whose queue is full (stopped, or flooded) refuses at once with
// EAGAIN instead of keeping the caller waiting for room; it gets a second to make some.
Result<unique_fd> connect_to(const std::string& path) {
  TRY_ASSIGN(sockaddr_un a, address_of(path));
  unique_fd sock(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!sock) return fail_errno("socket");
  for (int tries = 0;; ++tries) {
    if (::connect(sock.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) break;
    if (errno == EINTR) continue;
    if (errno != EAGAIN) return fail_errno(path);
    if (tries == kConnectTries) return fail(path + ": it takes no connections (its queue is full)", EAGAIN);
    timespec pause{0, 50'000'000};
    ::nanosleep(&pause, nullptr);
  }
  int flags = ::fcntl(sock.get(), F_GETFL);
  if (flags < 0 || ::fcntl(sock.get(), F_SETFL, flags & ~O_NONBLOCK) < 0) return fail_errno("fcntl");
  return sock;
}

// Waits up to a second for the description, one message: a monitor sends it at once.
Result<std::string> read_answer(int sock) {
  for (;;) {
    pollfd p{sock, POLLIN, 0};
    int n = ::poll(&p, 1, 1000);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("no answer from the sandbox", ETIMEDOUT);
    std::string out(kMaxInfo, '\0');
    ssize_t got = ::recv(sock, out.data(), out.size(), MSG_DONTWAIT);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (got < 0) return fail_errno("reading the sandbox's answer");
    if (got == 0) return fail("the sandbox closed the connection without an answer", EPROTO);
    out.resize(static_cast<size_t>(got));
    return out;
  }
}

// A connection to the entry at `path` with its description read, from a monitor checked to
// be the caller's; nullopt for a dead one (removed on the way).
struct Answered {
  unique_fd sock;
  Listed entry;
};
Result<std::optional<Answered>> ask(const std::string& path, const struct stat& userns) {
  auto sock = connect_to(path);
  if (!sock) {
    int err = sock.error().err;
    // Nothing listens: its monitor died without removing it.
    if (err == ECONNREFUSED) (void)::unlink(path.c_str());
    if (err == ECONNREFUSED || err == ENOENT) return std::optional<Answered>{};
    return std::unexpected(std::move(sock).error());
  }
  TRY(check_peer(sock->get(), userns, path));
  auto text = read_answer(sock->get());
  if (!text) return std::unexpected(std::move(text).error().wrap(path));
  TRY_ASSIGN(Listed l, parse_entry(*text, boottime_ms()));
  return std::optional<Answered>(Answered{std::move(*sock), std::move(l)});
}

bool valid_name(const std::string& n) { return !n.empty() && n[0] != '.' && n.find('/') == std::string::npos; }

std::string random_id() {
  unsigned char bytes[8] = {};
  if (::getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
    // No randomness to be had: still one that differs from every other live monitor's.
    uint64_t v = static_cast<uint64_t>(::getpid()) << 32 ^ static_cast<uint64_t>(boottime_ms());
    std::memcpy(bytes, &v, sizeof bytes);
  }
  return sys::hex_bytes({reinterpret_cast<const char*>(bytes), sizeof bytes});
}

// Where a registry can be had when the shared /tmp one is taken: the session's runtime
// directory where there is one of the caller's, else a directory in the caller's HOME.
std::string registry_hint() {
  std::string run = "/run/user/" + std::to_string(::getuid());
  struct stat st{};
  if (::lstat(run.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == ::getuid() && !(st.st_mode & 077))
    return "XDG_RUNTIME_DIR is not set; set it to your session's directory: export XDG_RUNTIME_DIR=" + run;
  return "XDG_RUNTIME_DIR is not set; give the registry a directory of your own: "
         "mkdir -m 700 -p ~/.cache/sandbox-run && export XDG_RUNTIME_DIR=~/.cache/sandbox-run";
}

std::string renamed(const std::string& dir, const std::string& file, const Listed& l) {
  return "the entry " + file + " answers as " + l.name + " (pid " + std::to_string(l.pid) + "): renamed by something that can write " + dir;
}

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
  if (!S_ISDIR(st.st_mode) || st.st_uid != ::getuid() || (st.st_mode & 077)) {
    Error e{EPERM, "the registry " + dir + " is not a directory of yours with mode 0700" +
                       (st.st_uid != ::getuid() ? " (it belongs to uid " + std::to_string(st.st_uid) + ")" : "")};
    if (!(runtime && runtime[0] == '/')) e.hint = registry_hint();
    return std::unexpected(std::move(e));
  }
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
  r.name_ = name;
  r.id_ = random_id();
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
    auto live = ask(r.path_, r.userns_);
    if (live && *live && (*live)->entry.name == name)
      return fail("--name " + name + ": a sandbox of that name is running (pid " + std::to_string((*live)->entry.pid) + ")");
    // One that is there but does not answer may be a busy monitor: its name is not taken over.
    if (!live && live.error().err != EPERM)
      return std::unexpected(std::move(live).error().wrap("--name " + name + ": " + r.path_ + " is there"));
    // Dead, not the caller's (a socket planted by a sandbox), or another sandbox's entry
    // renamed to this name: the name is free again.
    if (::unlink(r.path_.c_str()) < 0 && errno != ENOENT) return fail_errno("--name " + name + ": Can't remove " + r.path_);
  }
  if (::lstat(r.path_.c_str(), &r.bound_) < 0 || ::listen(r.listener_.get(), 16) < 0)
    return fail_errno("--name " + name + ": Can't register " + r.path_);
  return r;
}

Registration::Registration(Registration&& o) noexcept
    : name_(std::move(o.name_)), id_(std::move(o.id_)), path_(std::move(o.path_)), listener_(std::move(o.listener_)), bound_(o.bound_), userns_(o.userns_) {
  o.path_.clear();
}

Registration::~Registration() {
  if (path_.empty()) return;
  struct stat now{};
  if (::lstat(path_.c_str(), &now) == 0 && same_file(now, bound_)) ::unlink(path_.c_str());
}

std::string describe_entry(const std::string& name, const std::string& id, pid_t pid, pid_t monitor,
                           long long started_ms, const std::vector<std::string>& command) {
  std::string out = name + " " + id + " " + std::to_string(pid) + " " + std::to_string(monitor) + " " +
                    std::to_string(started_ms) + "\n";
  for (const auto& a : command) {
    if (&a != &command.front()) out += ' ';
    for (char c : a) out += (c == '\n' || c == '\0') ? ' ' : c;
  }
  return out.substr(0, kMaxInfo);
}

Result<Listed> parse_entry(const std::string& text, long long now_ms) {
  Listed l;
  size_t nl = text.find('\n');
  std::string head = text.substr(0, nl);
  l.command = nl == std::string::npos ? "" : text.substr(nl + 1);
  std::vector<std::string> fields;
  for (size_t at = 0; at <= head.size();) {
    size_t sp = head.find(' ', at);
    if (sp == std::string::npos) sp = head.size();
    fields.push_back(head.substr(at, sp - at));
    at = sp + 1;
  }
  auto bad = [] { return fail("an answer that is not a sandbox's", EPROTO); };
  if (fields.size() != 5 || !valid_name(fields[0]) || fields[1].empty()) return bad();
  auto pid = sys::parse_decimal(fields[2], INT32_MAX);
  auto monitor = sys::parse_decimal(fields[3], INT32_MAX);
  auto started = sys::parse_decimal(fields[4], INT64_MAX);
  if (!pid || !monitor || !started) return bad();
  l.name = fields[0];
  l.id = fields[1];
  l.pid = static_cast<pid_t>(*pid);
  l.monitor = static_cast<pid_t>(*monitor);
  l.uptime = static_cast<double>(std::max(0LL, now_ms - static_cast<long long>(*started))) / 1000.0;
  return l;
}

Result<Listing> list_sandboxes() {
  TRY_ASSIGN(std::string dir, registry_dir(false));
  TRY_ASSIGN(struct stat userns, own_user_namespace());
  Listing out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    if (errno == ENOENT) return out;
    return fail_errno("the registry " + dir);
  }
  std::vector<std::pair<std::string, unsigned char>> names;
  while (dirent* e = ::readdir(d))
    if (std::string_view(e->d_name) != "." && std::string_view(e->d_name) != "..") names.emplace_back(e->d_name, e->d_type);
  ::closedir(d);
  std::sort(names.begin(), names.end());
  for (const auto& [n, type] : names) {
    std::string path = dir + "/" + n;
    struct stat st{};
    bool sock = type == DT_SOCK || (type == DT_UNKNOWN && ::lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode));
    if (!sock) {
      out.warnings.push_back(path + " is not a sandbox's entry; left out");
      continue;
    }
    // Nothing is trusted for being there: one that is not the caller's, does not answer, or
    // answers to another name is left out, and said.
    auto l = ask(path, userns);
    if (!l) {
      out.warnings.push_back(l.error().message() + "; left out");
      continue;
    }
    if (!*l) continue;  // dead, and removed
    Listed& entry = (*l)->entry;
    if (!valid_name(n) || entry.name != n) {
      out.warnings.push_back(renamed(dir, n, entry) + "; left out" + (valid_name(n) ? ", and --join " + n + " refuses it" : ""));
      continue;
    }
    out.sandboxes.push_back(std::move(entry));
  }
  return out;
}

Result<unique_fd> connect_sandbox(const std::string& target, std::string& name) {
  TRY_ASSIGN(std::string dir, registry_dir(false));
  TRY_ASSIGN(struct stat userns, own_user_namespace());
  std::string listed_id;
  if (auto pid = sys::parse_decimal(target, INT32_MAX)) {
    TRY_ASSIGN(auto all, list_sandboxes());
    auto it = std::find_if(all.sandboxes.begin(), all.sandboxes.end(), [&](const Listed& l) {
      return l.pid == static_cast<pid_t>(*pid) || l.monitor == static_cast<pid_t>(*pid);
    });
    if (it == all.sandboxes.end()) return fail("--join " + target + ": no sandbox of yours has that pid (see sandbox --list)");
    name = it->name;
    listed_id = it->id;
  } else {
    if (!valid_name(target)) return fail("--join " + target + ": not a sandbox name", EINVAL);
    name = target;
  }
  auto answered = ask(dir + "/" + name, userns);
  if (!answered) return std::unexpected(std::move(answered).error().wrap("--join " + target));
  if (!*answered) return fail("--join " + target + ": no running sandbox of yours has that name (see sandbox --list)");
  const Listed& entry = (*answered)->entry;
  if (entry.name != name) return fail("--join " + target + ": " + renamed(dir, name, entry) + "; not joined", EPERM);
  if (!listed_id.empty() && entry.id != listed_id)
    return fail("--join " + target + ": the entry " + name + " is no longer the sandbox listed with that pid; not joined", EPERM);
  return std::move((*answered)->sock);
}

}  // namespace sb::launch

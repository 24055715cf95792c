#include "launch/denials.h"

#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "launch/channel.h"
#include "security/compile.h"
#include "security/policy.h"
#include "sys/io.h"

namespace sb::launch {

namespace {

std::string rfc3339_now() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  tm t{};
  ::gmtime_r(&ts.tv_sec, &t);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday,
                t.tm_hour, t.tm_min, t.tm_sec, ts.tv_nsec / 1000000);
  return buf;
}

std::string comm_of(pid_t pid) {
  unique_fd f(::open(("/proc/" + std::to_string(pid) + "/comm").c_str(), O_RDONLY | O_CLOEXEC));
  if (!f) return "";
  auto text = sys::read_to_end(f.get(), 64);
  if (!text) return "";
  std::string s = std::move(*text);
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// A JSON string in plain ASCII: a process names itself, and its comm may hold escape
// sequences meant for whoever reads the log on a terminal; every control character (DEL and
// C1 too) and everything beyond ASCII comes out as \uXXXX.
std::string quoted(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string denial_line(pid_t pid, const std::string& comm, const seccomp_data& call, int err) {
  std::string args;
  for (uint64_t a : call.args) args += (args.empty() ? "" : ", ") + quoted(hex(a));
  return "{\"time\": " + quoted(rfc3339_now()) + ", \"pid\": " + std::to_string(pid) + ", \"comm\": " + quoted(comm) +
         ", \"syscall\": " + quoted(security::syscall_name(call.arch, call.nr)) + ", \"args\": [" + args +
         "], \"errno\": " + quoted(security::errno_name(err)) + "}\n";
}

Result<DenialLog> DenialLog::open(const std::string& file, std::string program) {
  DenialLog log;
  log.program_ = std::move(program);
  if (file == "-") return log;
  log.path_ = file;
  // Whether this run makes the file, so a failed setup can take back an empty one.
  auto fd = sys::open_own_file_for_append(file, log.created_);
  if (!fd) return std::unexpected(std::move(fd).error().wrap("--log-denials"));
  log.out_ = std::move(*fd);
  struct stat st{};
  if (::fstat(log.out_.get(), &st) == 0) {
    log.dev_ = st.st_dev;
    log.ino_ = st.st_ino;
  }
  return log;
}

Result<void> DenialLog::attach(unique_fd listener) {
  if (listener_) return fail("--log-denials: a second listener was offered", EPROTO);
  char link[64] = {};
  std::string self = "/proc/self/fd/" + std::to_string(listener.get());
  if (::readlink(self.c_str(), link, sizeof link - 1) < 0 || std::string_view(link) != "anon_inode:seccomp notify")
    return fail("--log-denials: what came from the sandbox is not a seccomp listener", EPROTO);
  // The kernel may know a larger notification than these headers do.
  seccomp_notif_sizes sizes{};
  if (::syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
    return fail_errno("--log-denials: Can't learn the size of seccomp notifications");
  request_.assign(std::max<size_t>(sizes.seccomp_notif, sizeof(seccomp_notif)), 0);
  response_.assign(std::max<size_t>(sizes.seccomp_notif_resp, sizeof(seccomp_notif_resp)), 0);
  listener_ = std::move(listener);
  return {};
}

void DenialLog::queue_line(std::string line) {
  if (bytes_ + line.size() > kMaxBytes) capped_ = true;
  if (capped_ || queue_.size() >= kMaxQueued) {
    ++dropped_;
    return;
  }
  bytes_ += line.size();
  queue_.push_back(std::move(line));
}

void DenialLog::on_notification() {
  // NOTIF_RECV wants the buffer zeroed.
  std::fill(request_.begin(), request_.end(), 0);
  std::fill(response_.begin(), response_.end(), 0);
  auto* req = reinterpret_cast<seccomp_notif*>(request_.data());
  auto* resp = reinterpret_cast<seccomp_notif_resp*>(response_.data());
  if (::ioctl(listener_.get(), SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
    // ENOENT: the caller went away (a signal) before it was read. Anything else: the
    // sandbox is gone, and with it every filtered process.
    if (errno != ENOENT && errno != EINTR) listener_.reset();
    return;
  }
  // The original program's verdict, read back; anything but an errno verdict (it cannot be:
  // only those ask the listener) is answered with EPERM all the same.
  uint32_t verdict = security::run_filter(program_, req->data);
  int err = (verdict & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO ? static_cast<int>(verdict & SECCOMP_RET_DATA) : EPERM;
  bool keep = queue_.size() < kMaxQueued && !capped_;
  std::string comm = keep ? comm_of(static_cast<pid_t>(req->pid)) : "";
  resp->id = req->id;
  resp->val = 0;
  resp->error = -err;
  resp->flags = 0;  // never SECCOMP_USER_NOTIF_FLAG_CONTINUE
  (void)::ioctl(listener_.get(), SECCOMP_IOCTL_NOTIF_SEND, resp);
  if (!keep) {
    ++dropped_;
    return;
  }
  queue_line(denial_line(static_cast<pid_t>(req->pid), comm, req->data, err));
}

void DenialLog::on_writable() {
  for (;;) {
    // Past the bound on what one run writes, the count comes once, at the end.
    if (queue_.empty() && dropped_ > 0 && (finishing_ || !capped_)) {
      queue_.push_back("{\"time\": " + quoted(rfc3339_now()) + ", \"dropped\": " + std::to_string(dropped_) +
                       ", \"message\": " + quoted(std::to_string(dropped_) + " more dropped") + "}\n");
      bytes_ += queue_.back().size();
      dropped_ = 0;
    }
    if (queue_.empty()) return;
    pollfd p{out(), POLLOUT, 0};
    if (::poll(&p, 1, 0) <= 0 || !(p.revents & POLLOUT)) return;
    const std::string& line = queue_.front();
    ssize_t n = ::write(out(), line.data() + written_, line.size() - written_);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return;
      queue_.clear();  // the file is gone: nothing more can be written
      written_ = 0;
      return;
    }
    written_ += static_cast<size_t>(n);
    if (written_ == line.size()) {
      queue_.pop_front();
      written_ = 0;
    }
  }
}

void DenialLog::finish() {
  // Calls still waiting (the last processes may be in one): answered before the end.
  while (listener_) {
    pollfd p{listener_.get(), POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN)) break;
    on_notification();
  }
  finishing_ = true;
  on_writable();
}

void DenialLog::discard_if_unused() {
  if (!created_) return;
  struct stat st{};
  if (::fstat(out_.get(), &st) != 0 || st.st_size != 0) return;
  struct stat now{};
  if (::lstat(path_.c_str(), &now) == 0 && now.st_dev == dev_ && now.st_ino == ino_) ::unlink(path_.c_str());
}

Result<void> child_load_with_listener(const std::string& program, int channel_fd) {
  // -1: not yet; -2: the load failed; else the listener.
  std::atomic<int> listener{-1};
  std::atomic<int> done{0};  // 1 sent, 2 failed
  std::thread sender([&] {
    int fd;
    while ((fd = listener.load()) == -1) {
      timespec pause{0, 20000};
      ::nanosleep(&pause, nullptr);
    }
    if (fd < 0) {
      done.store(2);
      return;
    }
    bool sent = static_cast<bool>(send_descriptor(channel_fd, fd));
    // Unsent, a listener no one reads would leave every denied call waiting: closed, they
    // fail with ENOSYS instead, and this process reports the failure.
    if (!sent) ::close(fd);
    done.store(sent ? 1 : 2);
  });
  sock_fprog prog{};
  prog.len = static_cast<unsigned short>(program.size() / sizeof(sock_filter));
  prog.filter = reinterpret_cast<sock_filter*>(const_cast<char*>(program.data()));
  long fd = ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
  int err = errno;
  listener.store(fd >= 0 ? static_cast<int>(fd) : -2);
  // No system call here until the monitor has the listener: memory only.
  while (done.load() == 0) {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#endif
  }
  sender.detach();
  if (fd < 0) return fail("Can't load seccomp program", err);
  if (done.load() != 1) return fail("--log-denials: Can't hand the listener to the monitor", EPIPE);
  return {};
}

}  // namespace sb::launch

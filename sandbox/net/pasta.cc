#include "net/pasta.h"

#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "sys/io.h"
#include "sys/spawn.h"
#include "sys/syscalls.h"

namespace sb::net {

namespace {

// What pasta reads after -t or -u: [ADDR/]HOSTPORT:PORT.
std::string forward_spec(const Publish& p) {
  std::string s = p.address.empty() ? "" : p.address + "/";
  return s + std::to_string(p.host_port) + ":" + std::to_string(p.port);
}

// The last line pasta wrote that says something: it logs to the system log too, and says so
// on standard error when there is none.
std::string last_words(int log) {
  std::string text = sys::helper_log(log);
  std::string last;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && !line.starts_with("Failed to send ")) last = line;
    start = end + 1;
  }
  return last;
}

}  // namespace

std::vector<std::string> pasta_argv(const Spec& spec, pid_t pid, int ready_fd, uid_t uid, gid_t gid) {
  // As the caller, root included: pasta started as root would become "nobody", who may not
  // open the child's namespaces.
  std::vector<std::string> argv = {"pasta", "--config-net", "--foreground", "--quiet",
                                   "--runas", std::to_string(uid) + ":" + std::to_string(gid),
                                   "--pid", sys::fd_path(ready_fd)};
  bool tcp = false, udp = false;
  for (const auto& p : spec.publish) {
    argv.push_back(p.udp ? "-u" : "-t");
    argv.push_back(forward_spec(p));
    (p.udp ? udp : tcp) = true;
  }
  // Nothing else from the host into the sandbox, and nothing bound on the host's loopback
  // reachable at the sandbox's own 127.0.0.1 (pasta's default for both is to follow what is
  // bound, which would give the sandbox the host's loopback services by their own address).
  for (auto [flag, given] : {std::pair{"-t", tcp}, {"-u", udp}})
    if (!given) argv.insert(argv.end(), {flag, "none"});
  argv.insert(argv.end(), {"-T", "none", "-U", "none", std::to_string(pid)});
  return argv;
}

Result<sys::Process> monitor_start_pasta(const Spec& spec, pid_t pid) {
  int ready[2];
  if (::pipe2(ready, O_CLOEXEC) < 0) return fail_errno("--network pasta: pipe");
  unique_fd ready_read(ready[0]), ready_write(ready[1]);
  std::vector<std::string> args = pasta_argv(spec, pid, ready_write.get(), ::geteuid(), ::getegid());
  auto started = sys::spawn_helper(args, ready_write.get());
  if (!started) return std::unexpected(std::move(started).error().wrap("--network pasta"));
  sys::Process pasta = std::move(started->process);
  unique_fd log = std::move(started->log);
  ready_write.reset();
  // Its pid once the namespace is configured, or end of file when it gave up.
  char buf[32];
  ssize_t n;
  do {
    n = ::read(ready_read.get(), buf, sizeof buf);
  } while (n < 0 && errno == EINTR);
  if (n > 0) return pasta;

  int status = pasta.wait();
  std::string said = last_words(log.get());
  Error e{0, "--network pasta: pasta failed"};
  if (int err = sys::exec_errno(said)) {
    e.err = err;
    e.context = "--network pasta: can't run pasta";
    if (e.err == ENOENT) e.hint = "install pasta (Debian: apt install passt)";
  } else {
    e.context += " (exit status " + std::to_string(status) + ")" + (said.empty() ? "" : ": " + said);
    if (::access("/dev/net/tun", R_OK | W_OK) < 0 || said.find("tun") != std::string::npos)
      e.hint = "pasta needs /dev/net/tun open to you; Debian's mode for it is 0666 (chmod 0666 /dev/net/tun as root)";
  }
  return std::unexpected(std::move(e));
}

Result<bool> monitor_join_netns(const std::string& path) {
  const std::string what = "--netns " + path;
  TRY_ASSIGN(unique_fd ns, sys::open_namespace_file(path, CLONE_NEWNET, what));
  unique_fd owner(::ioctl(ns.get(), NS_GET_USERNS));
  if (!owner) return fail_errno(what + ": can't find the user namespace that owns it");
  struct stat mine{}, theirs{};
  if (::stat("/proc/self/ns/user", &mine) < 0 || ::fstat(owner.get(), &theirs) < 0)
    return fail_errno(what + ": can't compare user namespaces");
  bool joined = mine.st_ino != theirs.st_ino || mine.st_dev != theirs.st_dev;
  if (joined && ::setns(owner.get(), CLONE_NEWUSER) < 0)
    return fail_errno(what + ": can't enter the user namespace that owns it (it is not yours)");
  if (::setns(ns.get(), CLONE_NEWNET) < 0) {
    Error e{errno, what + ": can't join it"};
    // Joining one the caller's own user namespace owns takes CAP_SYS_ADMIN there.
    if (!joined && e.err == EPERM) e.hint = "a namespace owned by your own user namespace needs privilege to join; for your network use --network host";
    return std::unexpected(std::move(e));
  }
  return joined;
}

}  // namespace sb::net

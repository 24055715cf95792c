#include "launch/status.h"

#include <poll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>

namespace sb::launch {

std::string format_status(pid_t child, const std::vector<NamespaceId>& namespaces, bool pretty) {
  std::string sep = pretty ? ",\n    " : ", ";
  std::string out = std::string(pretty ? "{\n    " : "{ ") + "\"child-pid\": " + std::to_string(child);
  for (const auto& ns : namespaces)
    out += sep + "\"" + ns.name + "-namespace\": " + std::to_string(ns.inode);
  out += pretty ? "\n}\n" : " }\n";
  return out;
}

Result<std::string> status_json(pid_t child, const std::vector<const char*>& namespaces, bool pretty) {
  std::vector<NamespaceId> ids;
  for (const char* name : namespaces) {
    std::string path = "/proc/" + std::to_string(child) + "/ns/" + name;
    struct stat st;
    if (::stat(path.c_str(), &st) < 0) return fail_errno("Can't read " + path);
    ids.push_back({name, st.st_ino});
  }
  return format_status(child, ids, pretty);
}

std::string exit_code_line(int code) { return "{ \"exit-code\": " + std::to_string(code) + " }\n"; }

Result<int> write_status(int fd, const std::string& data, const std::string& what, int sigfd) {
  struct stat st;
  // A socket can say it has room and still block a write larger than that room: sockets are
  // written without waiting. A pipe that has room takes PIPE_BUF bytes at once.
  const bool socket = ::fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
  for (size_t off = 0; off < data.size();) {
    pollfd fds[2] = {{fd, POLLOUT, 0}, {sigfd, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return fail_errno("Can't write " + what);
    }
    if (fds[0].revents) {
      size_t chunk = std::min<size_t>(data.size() - off, PIPE_BUF);
      ssize_t n = socket ? ::send(fd, data.data() + off, chunk, MSG_DONTWAIT | MSG_NOSIGNAL)
                         : ::write(fd, data.data() + off, chunk);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n < 0) return fail_errno("Can't write " + what);
      off += static_cast<size_t>(n);
      continue;
    }
    signalfd_siginfo si;
    if ((fds[1].revents & POLLIN) && ::read(sigfd, &si, sizeof si) == sizeof si)
      return static_cast<int>(si.ssi_signo);
  }
  return 0;
}

}  // namespace sb::launch

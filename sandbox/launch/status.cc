#include "launch/status.h"

#include <sys/stat.h>
#include <unistd.h>

namespace sb::launch {

Result<std::string> status_json(pid_t child, const Spec& spec, bool pretty) {
  struct Kind {
    const char* name;
    bool made;
  };
  const Kind kinds[] = {{"cgroup", spec.ns.cgroup}, {"ipc", spec.ns.ipc}, {"mnt", true},
                        {"net", spec.ns.net},       {"pid", spec.ns.pid}, {"uts", spec.ns.uts}};
  std::string sep = pretty ? ",\n    " : ", ";
  std::string out = std::string(pretty ? "{\n    " : "{ ") + "\"child-pid\": " + std::to_string(child);
  for (const auto& k : kinds) {
    if (!k.made) continue;
    std::string path = "/proc/" + std::to_string(child) + "/ns/" + k.name;
    struct stat st;
    if (::stat(path.c_str(), &st) < 0) return fail_errno("Can't read " + path);
    out += sep + "\"" + k.name + "-namespace\": " + std::to_string(st.st_ino);
  }
  out += pretty ? "\n}\n" : " }\n";
  return out;
}

Result<void> write_all(int fd, const std::string& data, const std::string& what) {
  for (size_t off = 0; off < data.size();) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno("Can't write " + what);
    off += static_cast<size_t>(n);
  }
  return {};
}

}  // namespace sb::launch

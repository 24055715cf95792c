#include "limits/sysctl.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "sys/fd.h"
#include "sys/io.h"

namespace sb::limits {

SysctlNamespace sysctl_namespace(const std::string& name) {
  static constexpr const char* kIpc[] = {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
                                         "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"};
  if (std::find(std::begin(kIpc), std::end(kIpc), name) != std::end(kIpc) || name.starts_with("fs.mqueue."))
    return SysctlNamespace::ipc;
  if (name == "kernel.hostname" || name == "kernel.domainname") return SysctlNamespace::uts;
  if (name.starts_with("net.")) return SysctlNamespace::net;
  return SysctlNamespace::none;
}

Result<void> write_sysctls(int procsys, const std::vector<Sysctl>& all, SysctlNamespace which) {
  for (const auto& s : all) {
    if (sysctl_namespace(s.name) != which) continue;
    const std::string what = "sysctl " + s.name + "=" + s.value;
    // Dotted words, each a name: never a path of its own.
    if (s.name.find('/') != std::string::npos || s.name.find("..") != std::string::npos || s.name.ends_with("."))
      return fail(what + ": not a setting's name", EINVAL);
    // The UTS namespace's two are owned by the host's root in /proc/sys whatever namespace
    // they show: they are set by the calls its own root may make.
    if (s.name == "kernel.hostname" || s.name == "kernel.domainname") {
      int r = s.name == "kernel.hostname" ? ::sethostname(s.value.data(), s.value.size())
                                          : ::setdomainname(s.value.data(), s.value.size());
      if (r < 0) return fail_errno(what);
      continue;
    }
    std::string path = s.name;
    std::replace(path.begin(), path.end(), '.', '/');
    unique_fd fd(::openat(procsys, path.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) return fail_errno(what);
    if (auto w = sys::write_all(fd.get(), s.value); !w) return fail(what, w.error().err);
  }
  return {};
}

}  // namespace sb::limits

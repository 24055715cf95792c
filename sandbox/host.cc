#include "host.h"

#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace sb {

Result<HostFacts> gather_host_facts(int argc, char** argv) {
  HostFacts host;
  if (argc > 0) {
    host.args_begin = argv[0];
    host.args_size = static_cast<size_t>(argv[argc - 1] + std::strlen(argv[argc - 1]) + 1 - argv[0]);
  }
  host.uid = ::getuid();
  host.gid = ::getgid();
  char cwd[PATH_MAX];
  if (::getcwd(cwd, sizeof cwd)) host.cwd = cwd;
  if (const char* api = std::getenv("SANDBOX_MOUNT_API"); api && *api) {
    std::string_view v = api;
    if (v == "new") host.mount_api = MountApi::new_api;
    else if (v == "legacy") host.mount_api = MountApi::legacy;
    else if (v != "auto")
      return fail("SANDBOX_MOUNT_API: '" + std::string(v) + "' is not one of auto, new, legacy", EINVAL);
  }
  host.cgroup_namespaces = ::access("/proc/self/ns/cgroup", F_OK) == 0;
  if (struct utsname u; ::uname(&u) == 0) host.kernel_release = u.release;
  // ENOSYS (built without it) or EOPNOTSUPP (booted without it): no Landlock.
  constexpr unsigned kVersion = 1;  // LANDLOCK_CREATE_RULESET_VERSION
  long abi = ::syscall(SYS_landlock_create_ruleset, nullptr, 0, kVersion);
  host.landlock_abi = abi > 0 ? static_cast<int>(abi) : 0;
  return host;
}

}  // namespace sb

#include "host.h"

#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string_view>
#include <tuple>

#include "sys/io.h"

namespace sb {

namespace {

// The name /etc/passwd gives the uid (the files of subordinate ids use names), or "".
std::string user_name(uid_t uid) {
  std::istringstream in(sys::read_file_or_empty("/etc/passwd"));
  for (std::string line; std::getline(in, line);) {
    auto a = line.find(':'), b = line.find(':', a + 1), c = line.find(':', b + 1);
    if (c == std::string::npos) continue;
    if (line.substr(b + 1, c - b - 1) == std::to_string(uid)) return line.substr(0, a);
  }
  return {};
}

// A helper program as execvp would find it, or "".
std::string in_path(const char* name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path && *path ? path : "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

}  // namespace

std::pair<uint64_t, uint64_t> subid_range(const std::string& text, const std::string& user, uint32_t id) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    auto a = line.find(':'), b = line.find(':', a + 1);
    if (b == std::string::npos) continue;
    std::string who = line.substr(0, a);
    if (who != user && who != std::to_string(id)) continue;
    char* end = nullptr;
    std::string start_text = line.substr(a + 1, b - a - 1), count_text = line.substr(b + 1);
    uint64_t start = std::strtoull(start_text.c_str(), &end, 10);
    if (start_text.empty() || *end) continue;
    uint64_t count = std::strtoull(count_text.c_str(), &end, 10);
    if (count_text.empty() || *end || count == 0) continue;
    return {start, count};
  }
  return {0, 0};
}

Result<HostFacts> gather_host_facts(int argc, char** argv, bool subids) {
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
  if (subids) {
    HostFacts::SubIds ids;
    ids.user = user_name(host.uid);
    std::tie(ids.uid_start, ids.uid_count) = subid_range(sys::read_file_or_empty("/etc/subuid"), ids.user, host.uid);
    std::tie(ids.gid_start, ids.gid_count) = subid_range(sys::read_file_or_empty("/etc/subgid"), ids.user, host.uid);
    ids.newuidmap = in_path("newuidmap");
    ids.newgidmap = in_path("newgidmap");
    host.subids = std::move(ids);
  }
  return host;
}

}  // namespace sb

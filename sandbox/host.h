// HostFacts: what plan() needs to know about the caller and this kernel, gathered once, by
// main, before anything else happens.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "sys/error.h"

namespace sb {

// How mounts are made: the new mount API where the kernel has it, else mount(2); the
// SANDBOX_MOUNT_API environment variable can force either.
enum class MountApi : unsigned char { automatic, new_api, legacy };

struct HostFacts {
  uid_t uid = 0;
  gid_t gid = 0;
  pid_t parent = 0;  // the process that started this one, as main first saw it
  std::string cwd;  // empty when unknown
  // The process's own argument strings, which /proc/PID/cmdline shows to anyone: pid 1
  // overwrites its copy before anything runs inside.
  char* args_begin = nullptr;
  size_t args_size = 0;
  MountApi mount_api = MountApi::automatic;
  bool cgroup_namespaces = true;  // the kernel has them (/proc/self/ns/cgroup)
  std::string kernel_release;     // uname -r: a JSON syscall profile's minKernel
  int landlock_abi = 0;           // the kernel's Landlock ABI version; 0 without Landlock

  // --subids only: the caller's first ranges in /etc/subuid and /etc/subgid (count 0: none)
  // and the helpers that map them (empty: not installed).
  struct SubIds {
    std::string user;  // the caller's name, as the files list it
    uint64_t uid_start = 0, uid_count = 0, gid_start = 0, gid_count = 0;
    std::string newuidmap, newgidmap;
    bool operator==(const SubIds&) const = default;
  };
  std::optional<SubIds> subids;
};

// The first range of `user` (or of its uid, which the files may use instead) in the text of
// /etc/subuid or /etc/subgid: {start, count}, or {0, 0}.
std::pair<uint64_t, uint64_t> subid_range(const std::string& text, const std::string& user, uint32_t id);

// The caller's ids and working directory, SANDBOX_MOUNT_API, the kernel's namespaces, and the
// argument strings of argv (argc of them).
// With `subids`, also the caller's subordinate ids and the helpers (--subids).
Result<HostFacts> gather_host_facts(int argc, char** argv, bool subids = false);

}  // namespace sb

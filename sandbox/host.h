// HostFacts: what plan() needs to know about the caller and this kernel, gathered once, by
// main, before anything else happens.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>

#include "sys/error.h"

namespace sb {

// How mounts are made: the new mount API where the kernel has it, else mount(2); the
// SANDBOX_MOUNT_API environment variable can force either.
enum class MountApi : unsigned char { automatic, new_api, legacy };

struct HostFacts {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string cwd;  // empty when unknown
  // The process's own argument strings, which /proc/PID/cmdline shows to anyone: pid 1
  // overwrites its copy before anything runs inside.
  char* args_begin = nullptr;
  size_t args_size = 0;
  MountApi mount_api = MountApi::automatic;
  bool cgroup_namespaces = true;  // the kernel has them (/proc/self/ns/cgroup)
  std::string kernel_release;     // uname -r: a JSON syscall profile's minKernel
  int landlock_abi = 0;           // the kernel's Landlock ABI version; 0 without Landlock
};

// The caller's ids and working directory, SANDBOX_MOUNT_API, the kernel's namespaces, and the
// argument strings of argv (argc of them).
Result<HostFacts> gather_host_facts(int argc, char** argv);

}  // namespace sb

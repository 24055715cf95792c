// --memory, --pids, --cpus: a cgroup v2 of the sandbox's own, made beneath the caller's cgroup
// when the caller may manage it (delegated: writable, with the controllers enabled for its
// children), entered by the child at clone (CLONE_INTO_CGROUP) and removed when the run ends.
// A cgroup left by a run that was killed is removed by the next run that finds it empty.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spec.h"
#include "sys/error.h"
#include "sys/fd.h"

namespace sb::limits {

// What the caller's cgroup is: the cgroup2 mount and the "0::PATH" line of /proc/self/cgroup.
// Empty when there is no cgroup v2 at all.
std::string cgroup_dir_of(std::string_view proc_self_cgroup, std::string_view mountinfo);

// The controllers the options need: memory, pids, cpu.
std::vector<std::string> controllers_for(const CgroupLimits& limits);

// "memory.max" and the others, as the kernel reads them.
std::vector<std::pair<std::string, std::string>> cgroup_files_for(const CgroupLimits& limits);

// A run's cgroup beneath `parent` (the caller's cgroup directory).
class RunCgroup {
 public:
  // Checks delegation (a setup failure with a hint line when missing), removes empty
  // cgroups of earlier runs whose monitor is gone, makes parent/sandbox-PID with the limits
  // written, and opens it for CLONE_INTO_CGROUP.
  static Result<RunCgroup> make(const std::string& parent, const CgroupLimits& limits, pid_t monitor);

  RunCgroup(RunCgroup&&) = default;
  RunCgroup& operator=(RunCgroup&&) = default;
  ~RunCgroup() { remove(); }

  int fd() const { return dir_.get(); }
  // How many processes the memory controller killed for want of memory.
  uint64_t oom_kills() const;
  // Kills what is left in it and removes it.
  void remove();

 private:
  RunCgroup() = default;
  std::string path_;
  unique_fd dir_;
};

// RunCgroup::make beneath the caller's own cgroup, as /proc/self says it is.
Result<RunCgroup> make_run_cgroup(const CgroupLimits& limits, pid_t monitor);

}  // namespace sb::limits

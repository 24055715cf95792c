#include "limits/cgroup.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <sstream>

#include "sys/io.h"
#include "sys/syscalls.h"

namespace sb::limits {

namespace {

constexpr const char* kHint =
    "run it in a cgroup delegated to you, for example: systemd-run --user --scope -p Delegate=yes sandbox ...";

bool has_word(const std::string& text, const std::string& word) {
  std::istringstream in(text);
  for (std::string w; in >> w;)
    if (w == word) return true;
  return false;
}

// Writes a control file of the run's cgroup. The kernel made it with the directory; O_CREAT
// lets the same code fill a plain directory standing in for one (tests/unit/limits_test.cc).
Result<void> write_control(int dir, const std::string& name, const std::string& value) {
  unique_fd fd(::openat(dir, name.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  if (!fd) return fail_errno(name);
  if (::write(fd.get(), value.data(), value.size()) != static_cast<ssize_t>(value.size())) return fail_errno(name);
  return {};
}

Error refusal(const std::string& option, const std::string& why, int err) {
  Error e{err, option + ": " + why};
  e.hint = kHint;
  return e;
}

}  // namespace

std::string cgroup_dir_of(std::string_view proc_self_cgroup, std::string_view mountinfo) {
  std::string path;
  std::istringstream cg{std::string(proc_self_cgroup)};
  for (std::string line; std::getline(cg, line);)
    if (line.starts_with("0::")) path = line.substr(3);
  if (path.empty()) return {};
  // The mount point of the cgroup2 filesystem (the 5th field of its mountinfo line).
  std::istringstream mi{std::string(mountinfo)};
  for (std::string line; std::getline(mi, line);) {
    auto dash = line.find(" - cgroup2 ");
    if (dash == std::string::npos) continue;
    std::istringstream fields(line.substr(0, dash));
    std::string f, point;
    for (int i = 0; i < 5 && fields >> f; ++i) point = f;
    return point + (path == "/" ? "" : path);
  }
  return {};
}

std::vector<std::string> controllers_for(const CgroupLimits& l) {
  std::vector<std::string> out;
  if (l.memory) out.emplace_back("memory");
  if (l.pids) out.emplace_back("pids");
  if (l.cpus) out.emplace_back("cpu");
  return out;
}

std::vector<std::pair<std::string, std::string>> cgroup_files_for(const CgroupLimits& l) {
  std::vector<std::pair<std::string, std::string>> out;
  if (l.memory) {
    out.emplace_back("memory.max", std::to_string(*l.memory));
    out.emplace_back("memory.swap.max", "0");  // the limit is on memory, not memory and swap
  }
  if (l.pids) out.emplace_back("pids.max", std::to_string(*l.pids));
  if (l.cpus) {
    constexpr uint64_t kPeriod = 100000;  // microseconds
    auto quota = static_cast<uint64_t>(std::llround(*l.cpus * static_cast<double>(kPeriod)));
    out.emplace_back("cpu.max", std::to_string(quota) + " " + std::to_string(kPeriod));
  }
  return out;
}

Result<RunCgroup> RunCgroup::make(const std::string& parent, const CgroupLimits& limits, pid_t monitor) {
  const std::string& option = limits.option;
  if (parent.empty()) return std::unexpected(refusal(option, "this system has no cgroup v2 for this process", ENOTSUP));
  if (::access(parent.c_str(), W_OK) < 0)
    return std::unexpected(refusal(option, "the caller's cgroup " + parent + " is not delegated to the caller", errno));
  std::string enabled = sys::read_file_or_empty(parent + "/cgroup.subtree_control");
  std::string available = sys::read_file_or_empty(parent + "/cgroup.controllers");
  for (const auto& c : controllers_for(limits)) {
    if (has_word(enabled, c)) continue;
    std::string why = has_word(available, c) ? "the " + c + " controller is not enabled for the children of " + parent
                                             : "the caller's cgroup " + parent + " has no " + c + " controller";
    // Named by the option that needs the controller.
    std::string asking = c == "memory" ? limits.memory_option + " " + limits.memory_text
                         : c == "pids" ? limits.pids_option + " " + std::to_string(*limits.pids)
                                       : limits.cpus_option + " " + limits.cpus_text;
    return std::unexpected(refusal(asking, why, ENOTSUP));
  }
  // Cgroups of earlier runs whose monitor is gone (killed before it could remove them).
  if (DIR* d = ::opendir(parent.c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (!name.starts_with("sandbox-")) continue;
      char* end = nullptr;
      long pid = std::strtol(name.c_str() + 8, &end, 10);
      if (!end || *end || pid <= 0) continue;
      if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
      std::string stale = parent + "/" + name;
      (void)sys::write_file_at(AT_FDCWD, stale + "/cgroup.kill", "1");
      (void)::rmdir(stale.c_str());
    }
    ::closedir(d);
  }
  RunCgroup cg;
  cg.path_ = parent + "/sandbox-" + std::to_string(monitor);
  if (::mkdir(cg.path_.c_str(), 0755) < 0) return fail_errno(option + ": can't make " + cg.path_);
  cg.dir_.reset(::open(cg.path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!cg.dir_) return fail_errno(option + ": can't open " + cg.path_);
  for (const auto& [file, value] : cgroup_files_for(limits)) {
    // memory.swap.max is missing where swap accounting is off; nothing to limit then.
    if (file == "memory.swap.max" && ::access((cg.path_ + "/" + file).c_str(), F_OK) < 0) continue;
    if (auto w = write_control(cg.dir_.get(), file, value); !w)
      return fail(option + ": can't write " + value + " to " + cg.path_ + "/" + file, w.error().err);
  }
  return cg;
}

Result<RunCgroup> make_run_cgroup(const CgroupLimits& limits, pid_t monitor) {
  return RunCgroup::make(cgroup_dir_of(sys::read_file_or_empty("/proc/self/cgroup"), sys::read_file_or_empty("/proc/self/mountinfo")), limits,
                         monitor);
}

uint64_t RunCgroup::oom_kills() const {
  std::istringstream in(sys::read_file_or_empty(path_ + "/memory.events"));
  for (std::string key; in >> key;) {
    uint64_t n = 0;
    in >> n;
    if (key == "oom_kill") return n;
  }
  return 0;
}

void RunCgroup::remove() {
  if (path_.empty()) return;
  (void)sys::write_file_at(AT_FDCWD, path_ + "/cgroup.kill", "1");
  dir_.reset();
  // The killed processes leave the cgroup as they are reaped; until then rmdir says EBUSY.
  for (int i = 0; i < 200 && ::rmdir(path_.c_str()) < 0 && errno == EBUSY; ++i) ::usleep(5000);
  path_.clear();
}

}  // namespace sb::limits

// --name, --list and --join: a running sandbox reached from outside.
//
// The monitor of a sandbox with --name listens in the caller's registry (registry.h). A
// --join connection, checked to come from the caller outside any sandbox, is handed with the
// joiner's standard streams and COMMAND's arguments to the sandbox's init over a socket of
// their own, and init forks the joined COMMAND (sandbox-init.c): a child of init, reaped by
// it and killed with the sandbox, confined exactly as init is, which is as COMMAND is but for
// capabilities (init keeps none, so a joined process has none even where COMMAND kept some
// with --cap-add) and the --log-denials listener (its denials fail without being logged).
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "launch/registry.h"
#include "spec.h"
#include "sys/error.h"
#include "sys/fd.h"

namespace sb::launch {

// The monitor's side: answers what connects to its registry entry.
class JoinService {
 public:
  JoinService(Registration reg, unique_fd to_init, std::vector<std::string> command)
      : reg_(std::move(reg)), to_init_(std::move(to_init)), command_(std::move(command)) {}

  // Once the sandbox runs: its pid 1 as the caller sees it.
  void started(pid_t child) {
    child_ = child;
    started_ms_ = boottime_ms();
  }
  int listener() const { return reg_.listener(); }
  // A connection is waiting: answer it (best effort; a bad one is dropped).
  void on_connection();

 private:
  Registration reg_;
  unique_fd to_init_;
  std::vector<std::string> command_;
  pid_t child_ = 0;
  long long started_ms_ = 0;
};

// `sandbox --list`: prints NAME PID UPTIME COMMAND for the caller's running sandboxes; what
// the registry holds that is not listed is said in `warnings`.
Result<int> run_list(std::vector<std::string>& warnings);

// `sandbox --join NAME|PID [COMMAND...]`: runs COMMAND in that sandbox; its exit status.
Result<int> run_join(const Spec& spec);

// A joined process as sandbox-oci exec asks for one: its own directory and environment, and
// with `terminal`, its streams (one terminal) made its controlling terminal.
struct JoinRequest {
  std::vector<std::string> command;
  std::string cwd;
  std::vector<std::string> env;  // NAME=VALUE
  bool terminal = false;
  std::string label;  // what errors begin with; "--join NAME" where empty
};
// Connects to the sandbox `target` (as --join does) and runs `request` there with `streams`
// as its standard streams; `connected` is called once the request is on its way. The joined
// process's exit status.
Result<int> join_and_wait(const std::string& target, const JoinRequest& request, const int streams[3],
                          const std::function<void()>& connected);

// 1:02:03, 2-03:04:05 or 0:07, as ps(1) shows an elapsed time.
std::string format_uptime(double seconds);

}  // namespace sb::launch

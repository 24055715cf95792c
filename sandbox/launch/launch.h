// The process model. The `sandbox` process stays outside as the monitor; it clones the child
// into the new namespaces, writes its id maps, forwards signals and reports the outcome.
#pragma once

#include "launch/handed.h"
#include "plan/plan.h"
#include "spec.h"
#include "sys/error.h"

namespace sb::launch {

// How a run ended: the exit status `sandbox` gives (COMMAND's, 128+N when killed by signal
// N, 124 when --timeout expired).
struct Ended {
  int status = 0;
  bool timed_out = false;
  bool out_of_memory = false;  // the sandbox's cgroup (--memory) killed a process
};

// Runs spec.command and returns how it ended, or the one error that stopped the sandbox from
// starting it.
// `handed`: the descriptors the options name, closed by whichever process uses each last.
Result<Ended> monitor_run(const Spec& spec, const Plan& plan, HandedFds& handed);

// The same, taking over the descriptors the plan names first: what every front end calls once
// it has a plan (the command line, and sandbox-oci).
Result<Ended> run_plan(const Spec& spec, const Plan& plan);

}  // namespace sb::launch

// The OCI runtime personality: runc's command line (CLI.md, "OCI runtime personality"),
// reached as `sandbox-oci ARGS` or `sandbox --oci ARGS`. A container is a Spec made from its
// bundle's config.json (oci/config.h) and launched as every sandbox is; what `state`, `kill`
// and `delete` need is kept in a state directory, one folder per container:
//   ROOT/ID/state.json  id, bundle, annotations, the monitor's pid, when it was created
//   ROOT/ID/status      the monitor's --json-status-fd lines: the container's pid, its exit
//   ROOT/ID/exec.fifo   create's --block-fd: `start` writes to it, and the process execs
//   ROOT/ID/started     made by start
#pragma once

#include <string>
#include <vector>

namespace sb::oci {

// args excludes argv[0] (and --oci); argc/argv are the process's own, for the monitor.
int runtime_main(const std::vector<std::string>& args, int argc, char** argv);

}  // namespace sb::oci

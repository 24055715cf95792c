// The hooks of a bundle's config.json (runtime-spec 1.1, "POSIX-platform Hooks"): programs
// the runtime runs at points of the container's lifecycle, each given the container's state
// (JSON) on its standard input, killed and counted as failed past its timeout.
//
// Where each runs, here:
//   prestart, createRuntime  in the runtime's namespaces, once the container's process exists
//                            in all of its namespaces and waits before the user's program
//   createContainer          in the container, when it is created
//   startContainer           in the container, at start, before the user's program runs
//   poststart                in the runtime's namespaces, once the user's program was let run
//   poststop                 in the runtime's namespaces, when the container is deleted
// A hook in the container is a process joined to it, as exec's are (launch/join.h): it has
// the container's root, namespaces, ids and seccomp filter, and no capabilities.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "sys/error.h"

namespace sb::oci {

struct Hook {
  std::string path;
  std::vector<std::string> args;  // argv, [0] included
  std::vector<std::string> env;
  int timeout = 0;  // seconds; 0: none
};

struct Hooks {
  std::vector<Hook> prestart, create_runtime, create_container, start_container, poststart, poststop;
  bool empty() const;
};

// config.json's "hooks"; errors name the entry (config.json: hooks.prestart[1]: ...).
Result<Hooks> read_hooks(const nlohmann::json& config);

// Runs `hooks` in order, each with `state` on its standard input, stopping at the first that
// fails (an exit status other than 0, or its timeout). `join`: the registry name of the
// container to run them in; empty: here, in the runtime's namespaces.
Result<void> run_hooks(const std::vector<Hook>& hooks, const std::string& kind, const nlohmann::json& state,
                       const std::string& join);

}  // namespace sb::oci

// An OCI bundle's config.json (runtime-spec 1.x) as a Spec: the third front end beside the
// command line and profiles. Pure: the bundle's files are not looked at here.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "spec.h"
#include "sys/error.h"

namespace sb::oci {

// What the mapping needs to know of the host.
struct ConfigHost {
  std::string kernel_release;  // for linux.seccomp's minKernel
};

struct Config {
  Spec spec;
  std::vector<std::string> warnings;  // what is accepted but not done, one line each
};

// `bundle` is the bundle's directory (absolute); root.path is taken relative to it. Errors
// name the entry: "config.json: mounts[2]: ...".
Result<Config> spec_from_config(const nlohmann::json& config, const std::string& bundle, const ConfigHost& host);

// The runtime-spec's default config.json for `runc spec` (--rootless: a user namespace
// mapping the caller, no cgroup or network namespace of its own ... as runc writes it).
nlohmann::json default_config(bool rootless, uid_t uid, gid_t gid);

}  // namespace sb::oci

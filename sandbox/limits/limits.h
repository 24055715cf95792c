// Limits and time (CLI.md "Limits and time"): resource limits, a timeout, and clock offsets of
// a time namespace. Reading the options is pure; applying them is launch/'s (apply below).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spec.h"
#include "sys/error.h"

namespace sb::limits {

// --rlimit NAME=SOFT[:HARD]: NAME as CLI.md lists them; SOFT and HARD a number (sizes may
// take K, M, G, T), or "unlimited". HARD defaults to SOFT: a soft limit alone could be raised
// again by COMMAND up to the hard one.
Result<RlimitOp> parse_rlimit(std::string_view text);

// The resource's name, "nofile" for RLIMIT_NOFILE.
std::string_view rlimit_name(int resource);

// A DURATION: "30", "30s", "1.5m", "2h", "1d"; in milliseconds, more than 0.
Result<uint64_t> parse_duration(std::string_view option, std::string_view text);

// --time-offset CLOCK=SECONDS: CLOCK monotonic or boottime, SECONDS a whole number, may be
// negative.
Result<TimeOffset> parse_time_offset(std::string_view text);

// --memory BYTES (K, M, G, T), --pids N, --cpus FLOAT: into `limits`.
Result<void> parse_cgroup_limit(std::string_view option, std::string_view text, CgroupLimits& limits);

// Checked by the monitor before anything starts: a hard limit above the caller's cannot be
// set without privilege.
Result<void> check_rlimits(const Spec& spec);

// In init's and COMMAND's processes, each just before its exec: nothing of the setup runs
// under them (a sanitizer build's setup code could not, under a small address-space limit).
Result<void> apply_rlimits(const std::vector<RlimitOp>& rlimits);

// The time namespace: made for this process's children, with the offsets written while
// nothing is in it yet. Needs CAP_SYS_TIME in its user namespace, and /proc of the caller.
Result<void> make_time_namespace(const Spec& spec);

}  // namespace sb::limits

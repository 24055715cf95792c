#include "limits/limits.h"

#include <sched.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cmath>
#include <fcntl.h>

#include "sys/numbers.h"
#include "sys/fd.h"

namespace sb::limits {

namespace {

struct Resource {
  const char* name;
  int resource;
  bool bytes;  // takes K, M, G, T
};

constexpr std::array kResources = {
    Resource{"as", RLIMIT_AS, true},           Resource{"core", RLIMIT_CORE, true},
    Resource{"cpu", RLIMIT_CPU, false},        Resource{"data", RLIMIT_DATA, true},
    Resource{"fsize", RLIMIT_FSIZE, true},     Resource{"locks", RLIMIT_LOCKS, false},
    Resource{"memlock", RLIMIT_MEMLOCK, true}, Resource{"msgqueue", RLIMIT_MSGQUEUE, true},
    Resource{"nice", RLIMIT_NICE, false},      Resource{"nofile", RLIMIT_NOFILE, false},
    Resource{"nproc", RLIMIT_NPROC, false},    Resource{"rtprio", RLIMIT_RTPRIO, false},
    Resource{"sigpending", RLIMIT_SIGPENDING, false}, Resource{"stack", RLIMIT_STACK, true},
};

std::optional<uint64_t> limit_value(std::string_view v, bool bytes) {
  if (v == "unlimited" || v == "infinity") return RLIM_INFINITY;
  uint64_t scale = 1;
  if (bytes && !v.empty()) {
    switch (v.back()) {
      case 'K': case 'k': scale = uint64_t{1} << 10; break;
      case 'M': case 'm': scale = uint64_t{1} << 20; break;
      case 'G': case 'g': scale = uint64_t{1} << 30; break;
      case 'T': case 't': scale = uint64_t{1} << 40; break;
      default: break;
    }
    if (scale != 1) v.remove_suffix(1);
  }
  auto n = sys::parse_decimal(v, (RLIM_INFINITY - 1) / scale);
  if (!n) return std::nullopt;
  return *n * scale;
}

std::string shown(uint64_t v) { return v == RLIM_INFINITY ? "unlimited" : std::to_string(v); }

}  // namespace

std::string_view rlimit_name(int resource) {
  for (const auto& r : kResources)
    if (r.resource == resource) return r.name;
  return "?";
}

Result<RlimitOp> parse_rlimit(std::string_view text) {
  std::string what = "--rlimit " + std::string(text);
  auto eq = text.find('=');
  if (eq == std::string_view::npos) return fail(what + ": takes NAME=SOFT[:HARD]", EINVAL);
  std::string_view name = text.substr(0, eq), values = text.substr(eq + 1);
  const Resource* res = nullptr;
  for (const auto& r : kResources)
    if (name == r.name) res = &r;
  if (!res)
    return fail(what + ": unknown resource '" + std::string(name) +
                    "' (as core cpu data fsize locks memlock msgqueue nice nofile nproc rtprio sigpending stack)",
                EINVAL);
  auto colon = values.find(':');
  auto soft = limit_value(values.substr(0, colon), res->bytes);
  auto hard = colon == std::string_view::npos ? soft : limit_value(values.substr(colon + 1), res->bytes);
  if (!soft || !hard)
    return fail(what + ": takes a number" + (res->bytes ? " (K, M, G, T allowed)" : "") + " or unlimited", EINVAL);
  if (*soft > *hard) return fail(what + ": the soft limit is above the hard one", EINVAL);
  RlimitOp op;
  op.resource = res->resource;
  op.soft = *soft;
  op.hard = *hard;
  op.option = what;
  return op;
}

Result<uint64_t> parse_duration(std::string_view option, std::string_view text) {
  std::string what = std::string(option) + " " + std::string(text);
  std::string_view v = text;
  double scale = 1000;
  if (!v.empty()) {
    switch (v.back()) {
      case 's': scale = 1000; v.remove_suffix(1); break;
      case 'm': scale = 60e3; v.remove_suffix(1); break;
      case 'h': scale = 3600e3; v.remove_suffix(1); break;
      case 'd': scale = 86400e3; v.remove_suffix(1); break;
      default: break;
    }
  }
  // Digits, with at most one point among them.
  size_t dot = v.find('.');
  auto whole = sys::parse_decimal(v.substr(0, dot), 1u << 30);
  std::optional<uint64_t> frac = uint64_t{0};
  std::string_view frac_text = dot == std::string_view::npos ? "" : v.substr(dot + 1);
  if (dot != std::string_view::npos) frac = frac_text.size() <= 9 ? sys::parse_decimal(frac_text, 999999999) : std::nullopt;
  if (v.empty() || !whole || !frac || (dot != std::string_view::npos && frac_text.empty()))
    return fail(what + ": takes a duration such as 30, 30s, 1.5m, 2h or 1d", EINVAL);
  double ms = (static_cast<double>(*whole) + static_cast<double>(*frac) / std::pow(10.0, static_cast<double>(frac_text.size()))) * scale;
  if (ms < 1) return fail(what + ": must be at least a millisecond", EINVAL);
  if (ms > 1e15) return fail(what + ": too long", EINVAL);
  return static_cast<uint64_t>(std::llround(ms));
}

Result<TimeOffset> parse_time_offset(std::string_view text) {
  std::string what = "--time-offset " + std::string(text);
  auto eq = text.find('=');
  std::string_view clock = text.substr(0, eq);
  TimeOffset t;
  t.option = what;
  if (clock == "monotonic") t.clock = CLOCK_MONOTONIC;
  else if (clock == "boottime") t.clock = CLOCK_BOOTTIME;
  else return fail(what + ": takes monotonic=SECONDS or boottime=SECONDS", EINVAL);
  std::string_view n = eq == std::string_view::npos ? "" : text.substr(eq + 1);
  bool negative = n.starts_with('-');
  if (negative) n.remove_prefix(1);
  // The kernel keeps offsets within about 146 years either way (KTIME_SEC_MAX / 2).
  auto v = sys::parse_decimal(n, uint64_t{1} << 32);
  if (!v) return fail(what + ": takes a whole number of seconds, which may be negative", EINVAL);
  t.seconds = negative ? -static_cast<int64_t>(*v) : static_cast<int64_t>(*v);
  return t;
}

Result<void> parse_cgroup_limit(std::string_view option, std::string_view text, CgroupLimits& limits) {
  std::string what = std::string(option) + " " + std::string(text);
  if (option == "--memory") {
    auto v = text == "unlimited" ? std::nullopt : limit_value(text, true);
    if (!v || *v == 0) return fail(what + ": takes a size in bytes (K, M, G, T allowed)", EINVAL);
    limits.memory = *v;
    limits.memory_text = std::string(text);
  } else if (option == "--pids") {
    auto v = sys::parse_decimal(text, uint64_t{1} << 32);
    if (!v || *v == 0) return fail(what + ": takes a number of processes, more than 0", EINVAL);
    limits.pids = *v;
  } else {
    // A decimal number of CPUs: digits with at most one point, more than 0.
    std::string t(text);
    char* end = nullptr;
    bool digits = !t.empty() && t.find_first_not_of("0123456789.") == std::string::npos &&
                  std::count(t.begin(), t.end(), '.') <= 1 && t.front() != '.' && t.back() != '.';
    double v = digits ? std::strtod(t.c_str(), &end) : 0;
    if (!digits || v < 0.01 || v > 4096) return fail(what + ": takes a number of CPUs, such as 0.5 or 2", EINVAL);
    limits.cpus = v;
    limits.cpus_text = t;
  }
  if (limits.option.empty()) limits.option = what;
  return {};
}

Result<void> check_rlimits(const Spec& spec) {
  for (const auto& op : spec.rlimits) {
    rlimit cur;
    if (::getrlimit(op.resource, &cur) < 0) return fail_errno(op.option);
    if (op.hard > cur.rlim_max)
      return fail(op.option + ": the hard limit " + shown(op.hard) + " is above the caller's (" + shown(cur.rlim_max) +
                      "), which only privilege can raise",
                  EPERM);
  }
  return {};
}

Result<void> apply_rlimits(const std::vector<RlimitOp>& rlimits) {
  for (const auto& op : rlimits) {
    rlimit r{op.soft, op.hard};
    if (::setrlimit(op.resource, &r) < 0) return fail_errno("Can't set " + op.option);
  }
  return {};
}

Result<void> make_time_namespace(const Spec& spec) {
  if (spec.time_offsets.empty()) return {};
  if (::unshare(CLONE_NEWTIME) < 0) {
    if (errno == EINVAL) return fail(spec.time_offsets.front().option + ": this kernel has no time namespaces (Linux 5.6)", EINVAL);
    return fail_errno("Can't create the time namespace");
  }
  std::string offsets;
  for (const auto& t : spec.time_offsets)
    offsets += (t.clock == CLOCK_MONOTONIC ? "monotonic " : "boottime ") + std::to_string(t.seconds) + " 0\n";
  unique_fd fd(::open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC));
  if (!fd) return fail_errno("Can't open /proc/self/timens_offsets");
  if (::write(fd.get(), offsets.data(), offsets.size()) != static_cast<ssize_t>(offsets.size()))
    return fail_errno("Can't write the time offsets (" + spec.time_offsets.front().option + ")");
  return {};
}

}  // namespace sb::limits

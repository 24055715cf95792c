#include "oci/config.h"

#include <sched.h>
#include <sys/resource.h>
#include <time.h>

#include <nlohmann/json.hpp>

#include "limits/sysctl.h"
#include "security/capabilities.h"
#include "security/profile_json.h"

namespace sb::oci {

namespace {

using json = nlohmann::json;

bool has(const std::vector<std::string>& v, const char* s) { return std::find(v.begin(), v.end(), s) != v.end(); }

std::string absolute(const std::string& bundle, const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  return bundle + "/" + path;
}

Result<std::vector<std::string>> strings(const json& v, const std::string& where) {
  std::vector<std::string> out;
  if (v.is_null()) return out;
  if (!v.is_array()) return fail("config.json: " + where + ": not an array of strings", EINVAL);
  for (const auto& s : v) {
    if (!s.is_string()) return fail("config.json: " + where + ": not an array of strings", EINVAL);
    out.push_back(s.get<std::string>());
  }
  return out;
}

// size=64k, 65536, 1m: bytes.
std::optional<uint64_t> size_option(std::string_view v) {
  uint64_t n = 0, unit = 1;
  size_t i = 0;
  for (; i < v.size() && v[i] >= '0' && v[i] <= '9'; ++i) n = n * 10 + static_cast<uint64_t>(v[i] - '0');
  if (i == 0) return std::nullopt;
  if (i < v.size()) {
    switch (v[i] | 0x20) {
      case 'k': unit = 1024; break;
      case 'm': unit = 1024 * 1024; break;
      case 'g': unit = 1024ull * 1024 * 1024; break;
      default: return std::nullopt;
    }
    if (i + 1 != v.size()) return std::nullopt;
  }
  return n * unit;
}

constexpr struct {
  const char* name;
  int resource;
} kRlimits[] = {{"RLIMIT_AS", RLIMIT_AS},         {"RLIMIT_CORE", RLIMIT_CORE},       {"RLIMIT_CPU", RLIMIT_CPU},
                {"RLIMIT_DATA", RLIMIT_DATA},     {"RLIMIT_FSIZE", RLIMIT_FSIZE},     {"RLIMIT_LOCKS", RLIMIT_LOCKS},
                {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
                {"RLIMIT_NOFILE", RLIMIT_NOFILE}, {"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_RSS", RLIMIT_RSS},
                {"RLIMIT_RTPRIO", RLIMIT_RTPRIO}, {"RLIMIT_RTTIME", RLIMIT_RTTIME},   {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
                {"RLIMIT_STACK", RLIMIT_STACK}};

Result<void> map_mount(Config& c, const json& m, size_t i) {
  const std::string where = "mounts[" + std::to_string(i) + "]";
  if (!m.is_object() || !m.contains("destination") || !m["destination"].is_string())
    return fail("config.json: " + where + ": needs a destination", EINVAL);
  std::string dest = m["destination"].get<std::string>();
  std::string type = m.value("type", "");
  std::string source = m.value("source", "");
  TRY_ASSIGN(std::vector<std::string> options, strings(m.value("options", json()), where + ".options"));
  Spec& s = c.spec;
  auto add = [&](MountOp op) { s.add_mount(std::move(op), "config.json " + where); };
  const bool bind = type == "bind" || has(options, "bind") || has(options, "rbind");
  if (bind) {
    add(BindOp{source, dest, has(options, "ro") ? BindKind::ro : (has(options, "dev") ? BindKind::dev : BindKind::rw), false,
               std::nullopt, has(options, "noexec")});
  } else if (type == "proc") {
    add(ProcOp{dest});
  } else if (type == "tmpfs" && dest == "/dev") {
    // The minimal /dev the tool makes: null, zero, full, random, urandom, tty, pts, shm.
    add(DevOp{dest, false});
  } else if (type == "tmpfs") {
    TmpfsOp op{dest, std::nullopt, std::nullopt, has(options, "noexec")};
    for (const auto& o : options) {
      if (o.starts_with("size=")) op.size = size_option(std::string_view(o).substr(5));
      if (o.starts_with("mode=")) op.perms = static_cast<mode_t>(std::stoul(o.substr(5), nullptr, 8) & 07777);
    }
    if (dest == "/dev/shm" && !s.mounts.empty() && std::holds_alternative<DevOp>(s.mounts.back())) return {};
    add(op);
  } else if (type == "devpts" || (type == "tmpfs" && dest == "/dev/shm")) {
    // The /dev above has its own.
  } else if (type == "mqueue") {
    add(MqueueOp{dest});
  } else if (type == "sysfs") {
    // A new sysfs needs a network namespace owned by the user's; rootless runtimes bind the
    // host's read-only, as this does.
    add(BindOp{"/sys", dest, BindKind::ro, false, std::nullopt});
  } else if (type == "cgroup" || type == "cgroup2") {
    // The host's hierarchy, read-only, where there is one: a new cgroup filesystem needs a
    // cgroup namespace and a delegated hierarchy of its own.
    add(BindOp{"/sys/fs/cgroup", dest, BindKind::ro, true, std::nullopt});
  } else {
    return fail("config.json: " + where + ": mount type '" + type + "' is not supported", EINVAL);
  }
  return {};
}

}  // namespace

Result<Config> spec_from_config(const json& config, const std::string& bundle, const ConfigHost& host) {
  if (!config.is_object()) return fail("config.json: not a JSON object", EINVAL);
  std::string version = config.value("ociVersion", "");
  if (!version.starts_with("1.")) return fail("config.json: ociVersion '" + version + "' is not 1.x", EINVAL);
  Config c;
  Spec& s = c.spec;
  // What a container runtime gives: the processes of its own, and nothing of the native
  // personality's extra defaults that the config does not ask for.
  s.auto_dev = false;
  s.default_hostname.reset();
  s.seccomp_profile = "none";
  s.landlock = false;

  // The root.
  if (!config.contains("root") || !config["root"].is_object() || !config["root"].contains("path"))
    return fail("config.json: root.path is missing", EINVAL);
  std::string root = absolute(bundle, config["root"]["path"].get<std::string>());
  s.add_mount(BindOp{root, "/", BindKind::rw, false, std::nullopt}, "config.json root.path");
  if (config.contains("mounts")) {
    if (!config["mounts"].is_array()) return fail("config.json: mounts: not an array", EINVAL);
    for (size_t i = 0; i < config["mounts"].size(); ++i) TRY(map_mount(c, config["mounts"][i], i));
  }
  const json linux = config.value("linux", json::object());
  // Devices: without privilege over the host none can be made, so each is the host's own node
  // bound there, as rootless runtimes do (the runtime checks that it is the one asked for).
  size_t d = 0;
  for (const auto& dev : linux.value("devices", json::array())) {
    const std::string where = "linux.devices[" + std::to_string(d++) + "]";
    if (!dev.is_object() || !dev.contains("path") || !dev["path"].is_string())
      return fail("config.json: " + where + ": needs a path", EINVAL);
    std::string path = dev["path"].get<std::string>();
    s.add_mount(BindOp{path, path, BindKind::dev, false, std::nullopt}, "config.json " + where);
  }
  // Read-only paths, once everything is mounted: each bound onto itself read-only where it
  // exists, as runc does.
  for (const auto& path : linux.value("readonlyPaths", json::array())) {
    if (!path.is_string()) return fail("config.json: linux.readonlyPaths: not an array of strings", EINVAL);
    s.add_mount(RemountRoOp{path.get<std::string>(), true}, "config.json linux.readonlyPaths");
  }
  // A read-only root is made read-only last, as runc does: the mounts above need their
  // mount points made in it first.
  if (config["root"].value("readonly", false)) {
    s.add_mount(RemountRoOp{"/"}, "config.json root.readonly");
  }

  // The process.
  if (!config.contains("process") || !config["process"].is_object()) return fail("config.json: process is missing", EINVAL);
  const json& p = config["process"];
  TRY_ASSIGN(s.command, strings(p.value("args", json()), "process.args"));
  if (s.command.empty()) return fail("config.json: process.args is empty", EINVAL);
  s.env.push_back({EnvOp::Kind::clear, {}, {}});
  TRY_ASSIGN(std::vector<std::string> env, strings(p.value("env", json()), "process.env"));
  for (const auto& e : env) {
    auto eq = e.find('=');
    if (eq == std::string::npos || eq == 0) return fail("config.json: process.env: '" + e + "' is not NAME=VALUE", EINVAL);
    s.env.push_back({EnvOp::Kind::set, e.substr(0, eq), e.substr(eq + 1)});
  }
  s.chdir = p.value("cwd", "/");
  if (p.contains("user")) {
    s.uid = p["user"].value("uid", 0u);
    s.gid = p["user"].value("gid", 0u);
    for (const auto& g : p["user"].value("additionalGids", json::array()))
      if (g.is_number_unsigned()) s.groups.push_back(g.get<gid_t>());
    if (p["user"].contains("umask") && p["user"]["umask"].is_number_unsigned())
      s.umask = static_cast<mode_t>(p["user"]["umask"].get<unsigned>() & 0777);
  }
  if (p.contains("capabilities") && p["capabilities"].contains("effective")) {
    TRY_ASSIGN(std::vector<std::string> caps, strings(p["capabilities"]["effective"], "process.capabilities.effective"));
    for (const auto& name : caps) {
      auto n = security::capability_number(name);
      if (!n) {
        c.warnings.push_back("config.json process.capabilities: unknown capability " + name);
        continue;
      }
      s.caps |= uint64_t{1} << *n;
    }
  }
  if (p.contains("rlimits")) {
    for (const auto& r : p["rlimits"]) {
      std::string type = r.value("type", "");
      auto it = std::find_if(std::begin(kRlimits), std::end(kRlimits), [&](const auto& k) { return type == k.name; });
      if (it == std::end(kRlimits)) return fail("config.json: process.rlimits: unknown type '" + type + "'", EINVAL);
      s.rlimits.push_back({it->resource, r.value("soft", uint64_t{0}), r.value("hard", uint64_t{0}), "config.json " + type});
    }
  }

  // Namespaces: each one listed is new; a path joins (the network's only, for now).
  Namespaces& ns = s.ns;
  ns.pid = ns.ipc = ns.uts = ns.net = ns.cgroup = false;
  for (const auto& n : linux.value("namespaces", json::array())) {
    std::string type = n.value("type", "");
    std::string path = n.value("path", "");
    const bool joinable = type == "network" || type == "ipc" || type == "uts" || type == "cgroup";
    if (!path.empty() && !joinable)
      return fail("config.json: linux.namespaces: joining a " + type + " namespace by path is not supported", ENOTSUP);
    if (!path.empty() && type != "network") {
      s.namespace_paths.emplace_back(type == "ipc" ? CLONE_NEWIPC : type == "uts" ? CLONE_NEWUTS : CLONE_NEWCGROUP, path);
      continue;
    }
    if (type == "pid") ns.pid = true;
    else if (type == "ipc") ns.ipc = true;
    else if (type == "uts") ns.uts = true;
    else if (type == "network" && path.empty()) ns.net = true;
    else if (type == "network") s.netns_path = path;
    else if (type == "cgroup") ns.cgroup = true;
    else if (type == "mount" || type == "user") {
    } else if (type == "time") {
    } else {
      return fail("config.json: linux.namespaces: unknown type '" + type + "'", EINVAL);
    }
  }
  if (config.contains("hostname") && ns.uts) s.hostname = config["hostname"].get<std::string>();
  if (config.contains("domainname") && config["domainname"].is_string() && !config["domainname"].get<std::string>().empty()) {
    if (!ns.uts) return fail("config.json: domainname: the container has no UTS namespace of its own");
    s.sysctls.push_back({"kernel.domainname", config["domainname"].get<std::string>()});
  }
  // Kernel settings, of the container's own namespaces only (limits/sysctl.h).
  if (linux.contains("sysctl")) {
    if (!linux["sysctl"].is_object()) return fail("config.json: linux.sysctl: not an object", EINVAL);
    for (const auto& [name, value] : linux["sysctl"].items()) {
      const std::string what = "config.json: linux.sysctl: " + name;
      if (!value.is_string()) return fail(what + ": the value is not a string", EINVAL);
      switch (limits::sysctl_namespace(name)) {
        case limits::SysctlNamespace::none: return fail(what + ": not a setting of a namespace, so not the container's to set");
        case limits::SysctlNamespace::ipc:
          if (!ns.ipc) return fail(what + ": the container has no IPC namespace of its own");
          break;
        case limits::SysctlNamespace::uts:
          if (!ns.uts) return fail(what + ": the container has no UTS namespace of its own");
          break;
        case limits::SysctlNamespace::net:
          if (!ns.net && !s.netns_path) return fail(what + ": the container has no network namespace of its own");
          break;
      }
      s.sysctls.push_back({name, value.get<std::string>()});
    }
  }
  // Resources: memory, pids and cpu as --memory, --pids and --cpus ask for them, in a cgroup
  // of the container's own where one is delegated; a host without one refuses what is asked
  // (limits/cgroup.h), and what is not asked for is never looked at.
  const json resources = linux.value("resources", json::object());
  CgroupLimits& cg = s.cgroup;
  auto number = [](const json& at, const char* key) -> int64_t {
    return at.is_object() && at.contains(key) && at[key].is_number_integer() ? at[key].get<int64_t>() : 0;
  };
  if (int64_t limit = number(resources.value("memory", json::object()), "limit"); limit > 0) {
    cg.memory = static_cast<uint64_t>(limit);
    cg.memory_text = std::to_string(limit);
    cg.memory_option = "config.json linux.resources.memory.limit";
    if (cg.option.empty()) cg.option = cg.memory_option + " " + cg.memory_text;
  }
  if (int64_t limit = number(resources.value("pids", json::object()), "limit"); limit > 0) {
    cg.pids = static_cast<uint64_t>(limit);
    cg.pids_option = "config.json linux.resources.pids.limit";
    if (cg.option.empty()) cg.option = cg.pids_option + " " + std::to_string(limit);
  }
  const json cpu = resources.value("cpu", json::object());
  if (int64_t quota = number(cpu, "quota"), period = number(cpu, "period"); quota > 0) {
    if (period <= 0) period = 100000;  // the kernel's default period, 100 ms
    cg.cpus = static_cast<double>(quota) / static_cast<double>(period);
    cg.cpus_text = std::to_string(quota) + "/" + std::to_string(period);
    cg.cpus_option = "config.json linux.resources.cpu.quota/period";
    if (cg.option.empty()) cg.option = cg.cpus_option + " " + cg.cpus_text;
  }
  // The time namespace's offsets (seconds; the kernel takes nanoseconds too, which a
  // container rarely needs and this tool's --time-offset does not carry).
  if (linux.contains("timeOffsets")) {
    for (const auto& [clock, id] : {std::pair{"monotonic", CLOCK_MONOTONIC}, std::pair{"boottime", CLOCK_BOOTTIME}}) {
      const json& o = linux["timeOffsets"].value(clock, json::object());
      if (o.empty()) continue;
      if (o.value("nanosecs", 0) != 0)
        return fail(std::string("config.json: linux.timeOffsets.") + clock + ".nanosecs: only whole seconds are supported", ENOTSUP);
      s.time_offsets.push_back({id, o.value("secs", int64_t{0}), std::string("config.json linux.timeOffsets.") + clock});
    }
  }
  // Several ids inside: the caller's subordinate ranges, as --subids maps them.
  for (const char* key : {"uidMappings", "gidMappings"})
    for (const auto& m : linux.value(key, json::array()))
      if (m.value("size", 1u) > 1) s.subids = true;
  // Masked where present (runc does the same): an empty read-only cover, as --deny makes.
  for (const auto& path : linux.value("maskedPaths", json::array()))
    s.denies.push_back({path.get<std::string>(), Origin{"config.json linux.maskedPaths", 0}, true});
  if (linux.contains("seccomp")) {
    auto policy = security::read_json_profile(linux["seccomp"].dump(), "config.json linux.seccomp", {s.caps, host.kernel_release});
    if (!policy) return std::unexpected(std::move(policy).error());
    s.seccomp_profile = "config.json linux.seccomp";
    s.seccomp_json = std::move(*policy);
  }
  return c;
}

json default_config(bool rootless, uid_t uid, gid_t gid) {
  json caps = json::array({"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"});
  json config = {
      {"ociVersion", "1.1.0"},
      {"process",
       {{"terminal", true},
        {"user", {{"uid", 0}, {"gid", 0}}},
        {"args", json::array({"sh"})},
        {"env", json::array({"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"})},
        {"cwd", "/"},
        {"capabilities", {{"bounding", caps}, {"effective", caps}, {"permitted", caps}}},
        {"rlimits", json::array({{{"type", "RLIMIT_NOFILE"}, {"hard", 1024}, {"soft", 1024}}})},
        {"noNewPrivileges", true}}},
      {"root", {{"path", "rootfs"}, {"readonly", true}}},
      {"hostname", "sandbox"},
      {"mounts",
       json::array({{{"destination", "/proc"}, {"type", "proc"}, {"source", "proc"}},
                    {{"destination", "/dev"}, {"type", "tmpfs"}, {"source", "tmpfs"},
                     {"options", json::array({"nosuid", "strictatime", "mode=755", "size=65536k"})}},
                    {{"destination", "/dev/pts"}, {"type", "devpts"}, {"source", "devpts"},
                     {"options", json::array({"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"})}},
                    {{"destination", "/dev/shm"}, {"type", "tmpfs"}, {"source", "shm"},
                     {"options", json::array({"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"})}},
                    {{"destination", "/dev/mqueue"}, {"type", "mqueue"}, {"source", "mqueue"},
                     {"options", json::array({"nosuid", "noexec", "nodev"})}},
                    {{"destination", "/sys"}, {"type", "sysfs"}, {"source", "sysfs"},
                     {"options", json::array({"nosuid", "noexec", "nodev", "ro"})}}})},
      {"linux",
       {{"namespaces", json::array({{{"type", "pid"}}, {{"type", "ipc"}}, {{"type", "uts"}}, {{"type", "mount"}}})},
        {"maskedPaths", json::array({"/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                                     "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware"})},
        {"readonlyPaths", json::array({"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"})}}}};
  if (!rootless) {
    config["linux"]["namespaces"].push_back({{"type", "network"}});
  } else {
    config["linux"]["namespaces"].push_back({{"type", "user"}});
    config["linux"]["uidMappings"] = json::array({{{"containerID", 0}, {"hostID", uid}, {"size", 1}}});
    config["linux"]["gidMappings"] = json::array({{{"containerID", 0}, {"hostID", gid}, {"size", 1}}});
  }
  return config;
}

}  // namespace sb::oci

// --dry-run: the plan as text.
#include <sched.h>

#include <cap-ng.h>

#include <cctype>
#include <cstdio>

#include "plan/plan.h"

namespace sb {

namespace {

std::string join(const std::vector<std::string>& words, const char* sep = " ") {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : sep) + w;
  return out;
}

// A word that reads back as itself in a shell: quoted when it holds anything but the usual.
std::string shell_word(const std::string& w) {
  if (!w.empty() && w.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:@%+,") ==
                        std::string::npos)
    return w;
  std::string out = "'";
  for (char c : w) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string namespaces_line(const Plan& p, const Spec& spec) {
  std::vector<std::string> made = {spec.userns_fd ? "user (joined --userns)" : "user"};
  for (const char* ns : p.made_namespaces) made.emplace_back(ns);
  auto where = [](uint64_t flags) {
    std::vector<std::string> names;
    const std::pair<uint64_t, const char*> all[] = {{CLONE_NEWUSER, "user"}, {CLONE_NEWPID, "pid"},
                                                    {CLONE_NEWCGROUP, "cgroup"}, {CLONE_NEWNS, "mnt"},
                                                    {CLONE_NEWIPC, "ipc"}, {CLONE_NEWUTS, "uts"},
                                                    {CLONE_NEWNET, "net"}};
    for (auto [flag, name] : all)
      if (flags & flag) names.emplace_back(name);
    return names.empty() ? std::string("none") : join(names);
  };
  std::string line = "namespaces: " + join(made) + " (clone: " + where(p.clone_flags);
  if (p.unshare_flags) line += "; the child: " + where(static_cast<uint64_t>(p.unshare_flags));
  if (p.net_by_helper) line += "; a helper: net";
  if (spec.pidns_fd) line += "; pid namespace of --pidns " + std::to_string(*spec.pidns_fd);
  return line + ")";
}

std::string environment_line(const Spec& spec) {
  std::vector<std::string> ops;
  for (const auto& e : spec.env) {
    switch (e.kind) {
      case EnvOp::Kind::clear: ops.emplace_back("clear"); break;
      case EnvOp::Kind::set: ops.push_back("set " + shell_word(e.name + "=" + e.value)); break;
      case EnvOp::Kind::unset: ops.push_back("unset " + e.name); break;
    }
  }
  return "environment: the caller's" + (ops.empty() ? std::string() : ", then " + join(ops, ", "));
}

std::string capabilities_line(const Spec& spec) {
  std::vector<std::string> names;
  for (int cap = 0; cap < 64; ++cap)
    if (spec.caps & (uint64_t{1} << cap)) {
      const char* name = capng_capability_to_name(static_cast<unsigned>(cap));
      if (!name) continue;
      std::string upper = std::string("CAP_") + name;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      names.push_back(upper);
    }
  return "capabilities: " + (names.empty() ? std::string("none") : join(names)) + "; no_new_privs";
}

std::string seccomp_line(const Plan& p, const Spec& spec) {
  std::vector<std::string> programs;
  if (p.embedded_default) {
    programs.push_back("profile default (as built: " + std::to_string(p.builtin_seccomp.front().size() / 8) +
                       " instructions, the TIOCSTI/TIOCLINUX rule in it)");
  } else if (p.syscall_policy) {
    std::string what = "profile " + p.seccomp_profile;
    if (spec.seccomp_json) what += " (" + std::to_string(p.syscall_policy->rules.size()) + " rules for this machine)";
    for (const auto& a : spec.seccomp_adjustments) what += ", " + a.option;
    programs.push_back(what);
  }
  if (p.tty_rule) programs.emplace_back("the built-in TIOCSTI/TIOCLINUX rule");
  if (p.tcp_streams_rule) programs.emplace_back("no MPTCP, socketcall or io_uring (the TCP port rules' only way round)");
  const char* option = spec.seccomp_exclusive ? "--seccomp" : "--add-seccomp-fd";
  for (int fd : spec.seccomp_fds) programs.push_back(std::string(option) + " " + std::to_string(fd));
  return "seccomp: " + (programs.empty() ? std::string("none") : join(programs, "; ")) +
         (programs.empty() ? "" : "; in init and COMMAND") +
         (p.log_denials ? "; denials logged to " + (*p.log_denials == "-" ? std::string("standard error") : *p.log_denials)
                        : "");
}

// 5000 -> "5s", 1500 -> "1.5s", 250 -> "0.25s".
std::string seconds(uint64_t ms) {
  std::string out = std::to_string(ms / 1000);
  if (uint64_t frac = ms % 1000) {
    char buf[8];
    std::snprintf(buf, sizeof buf, ".%03u", static_cast<unsigned>(frac));
    std::string f = buf;
    out += f.substr(0, f.find_last_not_of('0') + 1);
  }
  return out + "s";
}

std::string limits_line(const Spec& spec) {
  std::vector<std::string> parts;
  for (const auto& r : spec.rlimits) parts.push_back(r.option.substr(std::string_view("--rlimit ").size()));
  if (spec.timeout_ms)
    parts.push_back("timeout " + spec.timeout_text + " (SIGTERM), then SIGKILL " + seconds(spec.kill_after_ms) + " later");
  for (const auto& t : spec.time_offsets)
    parts.push_back("time namespace: " + t.option.substr(std::string_view("--time-offset ").size()) + "s");
  return "limits: " + (parts.empty() ? std::string("none") : join(parts, "; "));
}

}  // namespace

static std::string network_line(const Spec& spec) {
  std::string line = "network: ";
  if (spec.netns_path) return line + "joins " + *spec.netns_path + " (--netns)";
  if (!spec.ns.net) return line + "the caller's";
  if (!spec.pasta) return line + "none (lo only)";
  line += "pasta: outbound TCP, UDP, ICMP and DNS";
  for (const auto& pub : spec.publish)
    line += std::string(&pub == &spec.publish.front() ? "; published " : ", ") +
            (pub.address.empty() ? "*" : pub.address) + ":" + std::to_string(pub.host_port) + " -> " +
            std::to_string(pub.port) + (pub.udp ? "/udp" : "/tcp");
  return line;
}

std::string describe(const Plan& p, const Spec& spec, const std::string& directory) {
  std::string out;
  for (const auto& m : planned_mounts(p, spec))
    out += m.dest + "  " + m.kind + "  " + m.source + "  " + m.flags + "  (from " + m.origin.str() + ")\n";
  out += namespaces_line(p, spec) + "\n";
  out += "ids: uid " + std::to_string(p.uid) + " (outside " + std::to_string(p.host.uid) + "), gid " +
         std::to_string(p.gid) + " (outside " + std::to_string(p.host.gid) + ")" +
         (p.id_maps ? "" : spec.userns_fd ? "; maps of --userns" : "; maps written through --userns-block-fd") +
         "\n";
  out += "hostname: " + (p.hostname ? *p.hostname : std::string(spec.ns.uts ? "unchanged" : "the caller's")) + "\n";
  out += environment_line(spec) + "\n";
  out += "directory: " + (spec.chdir       ? *spec.chdir
                           : directory.empty() ? std::string("the caller's, else $HOME, else /")
                                               : directory) + "\n";
  out += capabilities_line(spec) + "\n";
  out += seccomp_line(p, spec) + "\n";
  out += security::describe_landlock(p.landlock, spec, p.host.landlock_abi) + "\n";
  out += limits_line(spec) + "\n";
  out += network_line(spec) + "\n";
  std::vector<std::string> argv;
  for (const auto& a : spec.command) argv.push_back(shell_word(a));
  out += "command: " + join(argv) + (spec.as_pid_1 ? " (as pid 1)" : spec.no_init_needed() ? " (no init: nothing for one to do)" : "") + "\n";
  return out;
}

}  // namespace sb

#include "oci/runtime.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <linux/nsfs.h>
#include <linux/openat2.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <sstream>
#include <tuple>
#include <nlohmann/json.hpp>

#include "host.h"
#include "launch/join.h"
#include "launch/launch.h"
#include "oci/config.h"
#include "oci/hooks.h"
#include "plan/plan.h"
#include "sys/fdpass.h"
#include "sys/io.h"
#include "sys/numbers.h"
#include "sys/syscalls.h"

namespace sb::oci {

namespace {

using json = nlohmann::json;

struct Globals {
  std::string root;
  std::string log;
  bool json_log = false;
};

// Root of the host only: uid 0 mapped onto the whole id range.
bool host_root() {
  if (::geteuid() != 0) return false;
  std::string map = sys::read_file_or_empty("/proc/self/uid_map");
  return map.find("4294967295") != std::string::npos;
}

// As runc: rootless (also root of a user namespace, as rootless podman runs its runtime),
// $XDG_RUNTIME_DIR/sandbox-oci; root of the host, /run/sandbox-oci.
std::string default_root() {
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  if (!host_root() && runtime && runtime[0] == '/') return std::string(runtime) + "/sandbox-oci";
  return "/run/sandbox-oci";
}

// Errors go to stderr, and to --log as runc writes them (text, or one JSON object a line).
void say_error(const Globals& g, const std::string& text) {
  std::fprintf(stderr, "sandbox-oci: %s\n", text.c_str());
  if (g.log.empty()) return;
  // A regular file of the caller's, never through a link, never blocking (sys/io.h).
  bool created = false;
  auto log = sys::open_own_file_for_append(g.log, created);
  if (!log) {
    std::fprintf(stderr, "sandbox-oci: --log %s\n", log.error().message().c_str());
    return;
  }
  char when[64];
  std::time_t now = std::time(nullptr);
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  std::string line = g.json_log ? json{{"level", "error"}, {"msg", text}, {"time", when}}.dump()
                                : "time=\"" + std::string(when) + "\" level=error msg=" + json(text).dump();
  (void)sys::write_all(log->get(), line + "\n");
}

// The container's name in the caller's registry of running sandboxes (launch/registry.h):
// short whatever the id's length (a socket's path has 107 bytes at most), and another for the
// same id under another --root. FNV-1a of ROOT/ID.
std::string registry_name(const std::string& root, const std::string& id) {
  uint64_t h = 14695981039346656037ull;
  for (char c : root + "/" + id) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return std::string("oci-") + hex;
}

// An error of a command: its line (and a hint line where it has one); the command's status, 1.
int report_error(const Globals& g, const Error& e) {
  say_error(g, e.message());
  if (!e.hint.empty()) std::fprintf(stderr, "sandbox-oci: hint: %s\n", e.hint.c_str());
  return 1;
}

bool good_id(const std::string& id) {
  if (id.empty() || id.size() > 1024 || id[0] == '.') return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == '+')) return false;
  return true;
}

Result<json> read_json(const std::string& path) {
  unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail_errno(path);
  TRY_ASSIGN(std::string text, sys::read_to_end(fd.get(), size_t{16} << 20));
  auto parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded()) return fail(path + ": not valid JSON");
  return parsed;
}

// `text` as PATH's whole content: made anew under a temporary name (O_EXCL: never through a
// link planted there) and renamed over PATH, which replaces whatever PATH was, a link
// included, rather than writing through it. Errors begin with `what`.
Result<void> write_file_atomically(const std::string& path, const std::string& text, mode_t mode, const std::string& what) {
  std::string tmp = path + ".tmp";
  if (::unlink(tmp.c_str()) < 0 && errno != ENOENT) return fail_errno(what + tmp);
  unique_fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
  if (!fd) return fail_errno(what + tmp);
  if (auto w = sys::write_all(fd.get(), text); !w) return fail(what + tmp, w.error().err);
  if (::rename(tmp.c_str(), path.c_str()) < 0) return fail_errno(what + path);
  return {};
}

Result<void> write_json_atomically(const std::string& path, const json& value) {
  return write_file_atomically(path, value.dump() + "\n", 0600, "");
}

// What a container is now, from its state directory.
struct Seen {
  json state;
  std::string status;  // creating, created, running, stopped
  pid_t pid = 0;
};

bool alive(pid_t pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

Result<Seen> look(const Globals& g, const std::string& id) {
  if (!good_id(id)) return fail("container id '" + id + "' is not valid");
  std::string dir = g.root + "/" + id;
  auto state = read_json(dir + "/state.json");
  if (!state && state.error().err == ENOENT) return fail("container " + id + " does not exist");
  if (!state) return std::unexpected(std::move(state).error());
  Seen s{*state, "creating", 0};
  bool exited = false;
  std::string status = sys::read_file_or_empty(dir + "/status");
  size_t at = 0;
  while (at < status.size()) {
    size_t end = status.find('\n', at);
    if (end == std::string::npos) break;
    auto line = json::parse(status.substr(at, end - at), nullptr, false);
    if (line.is_object() && line.contains("child-pid")) s.pid = line["child-pid"].get<pid_t>();
    if (line.is_object() && line.contains("exit-code")) exited = true;
    at = end + 1;
  }
  pid_t monitor = s.state.value("monitor", 0);
  if (exited || !alive(monitor)) s.status = "stopped";
  else if (s.pid == 0) s.status = "creating";
  else if (::access((dir + "/started").c_str(), F_OK) == 0) s.status = "running";
  else s.status = "created";
  return s;
}

json state_json(const Seen& s) {
  json out = {{"ociVersion", "1.1.0"}, {"id", s.state.value("id", "")}, {"status", s.status},
              {"bundle", s.state.value("bundle", "")}};
  if (s.status != "stopped") out["pid"] = s.pid;
  else out["pid"] = 0;
  if (s.state.contains("annotations")) out["annotations"] = s.state["annotations"];
  return out;
}

void remove_state(const std::string& dir) {
  for (const char* f : {"/state.json", "/state.json.tmp", "/status", "/exec.fifo", "/started"}) ::unlink((dir + f).c_str());
  ::rmdir(dir.c_str());
}

// What a hook reads on its standard input: the state, as `state` would print it, with the
// status the lifecycle has reached.
json hook_state(const Globals& g, const std::string& id, const std::string& status) {
  auto s = look(g, id);
  if (!s) return json{{"ociVersion", "1.1.0"}, {"id", id}, {"status", status}, {"pid", 0}};
  json out = state_json(*s);
  out["status"] = status;
  if (status != "stopped") out["pid"] = s->pid;
  return out;
}

// The hooks kept in the state at create.
Hooks kept_hooks(const Seen& s) {
  auto hooks = read_hooks(s.state);
  return hooks ? std::move(*hooks) : Hooks{};
}

// What delete does once a container's processes are gone: its poststop hooks (a failure is
// a warning), then its state.
void finish(const Globals& g, const std::string& id, const Seen& s) {
  if (auto r = run_hooks(kept_hooks(s).poststop, "poststop", hook_state(g, id, "stopped"), ""); !r)
    say_error(g, "warning: " + r.error().message());
  remove_state(g.root + "/" + id);
}

// Ends a container that will not run: its processes, then its monitor, then its state.
void destroy(const std::string& dir, pid_t pid, pid_t monitor) {
  if (pid > 0) ::kill(pid, SIGKILL);
  if (monitor > 0) {
    ::kill(monitor, SIGKILL);
    (void)::waitpid(monitor, nullptr, 0);
  }
  remove_state(dir);
}


// The container's Spec, its process started as every sandbox's is; returns its exit status.
// process.oomScoreAdj is this process's own first, which every process of the container
// inherits.
Result<int> launch(Spec& spec, const std::optional<int>& oom_score_adj, int argc, char** argv) {
  if (oom_score_adj) {
    unique_fd oom(::open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC));
    if (!oom || !sys::write_all(oom.get(), std::to_string(*oom_score_adj)))
      return fail_errno("config.json process.oomScoreAdj " + std::to_string(*oom_score_adj) +
                        (errno == EACCES ? " (lowering it takes privilege)" : ""));
  }
  TRY_ASSIGN(HostFacts host, gather_host_facts(argc, argv, spec.subids));
  host.parent = ::getppid();
  TRY_ASSIGN(Plan p, plan(spec, host));
  // What compiling the policy warns of is the names this machine has no call for: engines'
  // profiles list every architecture's, and runc skips those silently, as this does.
  TRY(compile_seccomp(p));
  TRY_ASSIGN(launch::Ended ended, launch::run_plan(spec, p));
  return ended.status;
}

struct Prepared {
  Spec spec;
  json config;
  std::string dir;
  Hooks hooks;
  std::optional<int> oom_score_adj;
};

// The lines of a uid_map or gid_map: INSIDE OUTSIDE COUNT each.
struct IdRange {
  unsigned long inside = 0, outside = 0, count = 0;
};
std::vector<IdRange> id_ranges(const std::string& map) {
  std::vector<IdRange> out;
  std::istringstream lines(map);
  for (IdRange r; lines >> r.inside >> r.outside >> r.count;) out.push_back(r);
  return out;
}

// create and run: the bundle's config as a Spec, and the container's state directory.
Result<Prepared> prepare(const Globals& g, const std::string& id, std::string bundle) {
  if (!good_id(id)) return fail("container id '" + id + "' is not valid");
  if (bundle.empty()) bundle = ".";
  char real[PATH_MAX];
  if (!::realpath(bundle.c_str(), real)) return fail_errno("bundle " + bundle);
  bundle = real;
  TRY_ASSIGN(json config, read_json(bundle + "/config.json"));
  TRY_ASSIGN(Config c, spec_from_config(config, bundle, ConfigHost{}));
  TRY_ASSIGN(Hooks hooks, read_hooks(config));
  // Limits above the caller's hard ones cannot be set by a process without privilege over the
  // host: they are lowered to what can be, as rootless runtimes do.
  for (auto& r : c.spec.rlimits) {
    struct rlimit now {};
    if (::getrlimit(r.resource, &now) == 0 && r.hard > now.rlim_max) {
      r.hard = now.rlim_max;
      r.soft = std::min(r.soft, r.hard);
    }
  }
  // Labels this tool does not apply: said only where the host enforces them.
  const json process = config.value("process", json::object());
  if (!process.value("apparmorProfile", "").empty() &&
      sys::read_file_or_empty("/sys/module/apparmor/parameters/enabled").starts_with("Y"))
    c.warnings.push_back("config.json process.apparmorProfile " + process.value("apparmorProfile", "") +
                         " is not applied: this runtime does not load AppArmor profiles");
  if (!process.value("selinuxLabel", "").empty() && ::access("/sys/fs/selinux/enforce", F_OK) == 0)
    c.warnings.push_back("config.json process.selinuxLabel " + process.value("selinuxLabel", "") +
                         " is not applied: this runtime does not set SELinux labels");
  std::optional<int> oom_score_adj;
  if (process.contains("oomScoreAdj") && process["oomScoreAdj"].is_number_integer())
    oom_score_adj = process["oomScoreAdj"].get<int>();
  for (const auto& w : c.warnings) std::fprintf(stderr, "sandbox-oci: warning: %s\n", w.c_str());
  // A device is bound from the host: it must be there, and be the one the config names.
  size_t d = 0;
  for (const auto& dev : config.value("linux", json::object()).value("devices", json::array())) {
    const std::string where = "config.json: linux.devices[" + std::to_string(d++) + "]: ";
    const std::string path = dev.value("path", "");
    const std::string type = dev.value("type", "c");
    struct stat st {};
    if (::stat(path.c_str(), &st) < 0) return fail_errno(where + path + " (bound from the host, which has none)");
    bool same_type = (type == "c" || type == "u") ? S_ISCHR(st.st_mode) : type == "b" ? S_ISBLK(st.st_mode) : S_ISFIFO(st.st_mode);
    bool same_number = type == "p" || (dev.contains("major") && major(st.st_rdev) == dev.value("major", 0u) &&
                                       minor(st.st_rdev) == dev.value("minor", 0u));
    if (!same_type || !same_number)
      return fail(where + path + ": the host's is not " + type + " " + std::to_string(dev.value("major", 0u)) + ":" +
                  std::to_string(dev.value("minor", 0u)) + ", and none can be made without privilege");
  }
  // Without a user namespace in the config, root (of the host, or of the namespace rootless
  // podman runs its runtime in) runs the container with the ids it has: every id mapped 1:1.
  bool asks_user_ns = false;
  for (const auto& n : config.value("linux", json::object()).value("namespaces", json::array()))
    asks_user_ns = asks_user_ns || n.value("type", "") == "user";
  if (!asks_user_ns && ::geteuid() == 0) {
    auto identity = [](const std::string& map) {
      std::string out;
      for (const IdRange& r : id_ranges(map))
        out += std::to_string(r.inside) + " " + std::to_string(r.inside) + " " + std::to_string(r.count) + "\n";
      return out;
    };
    c.spec.identity_id_maps = std::pair{identity(sys::read_file_or_empty("/proc/self/uid_map")),
                                        identity(sys::read_file_or_empty("/proc/self/gid_map"))};
    c.spec.subids = false;
  } else if (!c.spec.groups.empty()) {
    std::fprintf(stderr, "sandbox-oci: warning: config.json process.user.additionalGids are not taken: a user namespace "
                         "made without privilege may not set groups\n");
  }
  // Namespaces joined by path (another container's IPC or UTS, as a pod's members share
  // them) are owned by that container's user namespace: the container is made in it too, so
  // that it has privilege over what it joins (an mqueue of the IPC namespace, say).
  if (!c.spec.namespace_paths.empty()) {
    std::optional<struct stat> owner_seen;
    unique_fd owner;
    for (const auto& [type, path] : c.spec.namespace_paths) {
      TRY_ASSIGN(unique_fd ns, sys::open_namespace_file(path, type, "config.json linux.namespaces: " + path));
      unique_fd user(::ioctl(ns.get(), NS_GET_USERNS));
      struct stat st {};
      if (!user || ::fstat(user.get(), &st) < 0) return fail_errno("config.json linux.namespaces: " + path + ": its owner");
      if (owner_seen && (owner_seen->st_ino != st.st_ino || owner_seen->st_dev != st.st_dev))
        return fail("config.json linux.namespaces: " + path + " is owned by another user namespace than the others joined");
      owner_seen = st;
      owner = std::move(user);
    }
    struct stat mine {};
    if (::stat("/proc/self/ns/user", &mine) < 0) return fail_errno("/proc/self/ns/user");
    if (mine.st_ino != owner_seen->st_ino || mine.st_dev != owner_seen->st_dev) {
      c.spec.userns_fd = owner.release();
      c.spec.subids = false;
    }
  }
  if (::mkdir(g.root.c_str(), 0700) < 0 && errno != EEXIST) return fail_errno("--root " + g.root);
  // What state is kept in must be the caller's alone: another user's folder could hold a
  // state.json that sends kill and delete elsewhere.
  struct stat root {};
  if (::lstat(g.root.c_str(), &root) < 0) return fail_errno("--root " + g.root);
  if (!S_ISDIR(root.st_mode) || root.st_uid != ::geteuid() || (root.st_mode & 022))
    return fail("--root " + g.root + ": not a directory of the caller's that only it can write");
  // exec reaches the container as --join reaches a sandbox: through its monitor, by a name
  // of its own in the caller's registry. Joined processes end with the container only where
  // it has a pid namespace of its own, so only then.
  if (c.spec.ns.pid) c.spec.name = registry_name(g.root, id);
  std::string dir = g.root + "/" + id;
  if (::mkdir(dir.c_str(), 0700) < 0) {
    if (errno == EEXIST) return fail("container " + id + " exists already");
    return fail_errno(dir);
  }
  json state = {{"id", id}, {"bundle", bundle}, {"monitor", 0}, {"created", std::time(nullptr)}};
  if (c.spec.name) state["name"] = *c.spec.name;
  if (config.contains("annotations")) state["annotations"] = config["annotations"];
  // The hooks as they were at create: start and delete run theirs from here.
  if (config.contains("hooks")) state["hooks"] = config["hooks"];
  if (auto w = write_json_atomically(dir + "/state.json", state); !w) {
    remove_state(dir);
    return std::unexpected(std::move(w).error());
  }
  int status = ::open((dir + "/status").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (status < 0) {
    remove_state(dir);
    return fail_errno(dir + "/status");
  }
  c.spec.json_status_fd = status;
  return Prepared{std::move(c.spec), std::move(config), dir, std::move(hooks), oom_score_adj};
}

Result<void> note_monitor(const std::string& dir, pid_t monitor) {
  TRY_ASSIGN(json state, read_json(dir + "/state.json"));
  state["monitor"] = monitor;
  return write_json_atomically(dir + "/state.json", state);
}

Result<void> write_pid_file(const std::string& path, pid_t pid) {
  if (path.empty()) return {};
  return write_file_atomically(path, std::to_string(pid), 0644, "--pid-file ");
}

// The processes in the pid namespace of `first`, the container's first process.
std::vector<pid_t> container_pids(pid_t first) {
  std::vector<pid_t> out;
  struct stat ns {};
  if (::stat(("/proc/" + std::to_string(first) + "/ns/pid").c_str(), &ns) < 0) return out;
  DIR* d = ::opendir("/proc");
  if (!d) return out;
  while (auto* e = ::readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    struct stat other {};
    if (::stat((std::string("/proc/") + e->d_name + "/ns/pid").c_str(), &other) == 0 && other.st_ino == ns.st_ino &&
        other.st_dev == ns.st_dev)
      out.push_back(std::atoi(e->d_name));
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

struct Options {
  std::string bundle, pid_file, console_socket, format;
  bool detach = false, force = false, all = false, rootless = false;
  int preserve_fds = 0;  // descriptors 3 .. 3+N-1 passed on to the container's process
  // exec's
  std::string process, cwd, user;
  std::vector<std::string> env;
  bool tty = false;
  std::vector<std::string> rest;
};

// `cmd`'s options, runc's: -f is --format to ps and --force to delete.
Result<Options> command_options(const std::vector<std::string>& args, size_t from, const std::string& cmd) {
  Options o;
  for (size_t i = from; i < args.size(); ++i) {
    std::string a = args[i];
    // exec's command follows its id, options and all: `exec ID ls -l`.
    if (cmd == "exec" && !o.rest.empty()) {
      o.rest.push_back(a);
      continue;
    }
    std::string value;
    auto eq = a.find('=');
    bool inline_value = a.starts_with("--") && eq != std::string::npos;
    if (inline_value) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
    }
    auto next = [&]() -> Result<std::string> {
      if (inline_value) return value;
      if (i + 1 >= args.size()) return fail(a + " takes a value", EINVAL);
      return args[++i];
    };
    if (a == "--bundle" || a == "-b") { TRY_ASSIGN(o.bundle, next()); }
    else if (a == "--pid-file") { TRY_ASSIGN(o.pid_file, next()); }
    else if (a == "--detach" || a == "-d") o.detach = true;
    else if (cmd == "exec" && (a == "--process" || a == "-p")) { TRY_ASSIGN(o.process, next()); }
    else if (cmd == "exec" && a == "--cwd") { TRY_ASSIGN(o.cwd, next()); }
    else if (cmd == "exec" && (a == "--env" || a == "-e")) { TRY_ASSIGN(std::string e, next()); o.env.push_back(e); }
    else if (cmd == "exec" && (a == "--user" || a == "-u")) { TRY_ASSIGN(o.user, next()); }
    else if (cmd == "exec" && (a == "--tty" || a == "-t")) o.tty = true;
    else if (cmd == "exec" && (a == "--no-new-privs" || a == "--ignore-paused")) {}
    else if (cmd == "exec" && (a == "--cap" || a == "-c" || a == "--additional-gids" || a == "-g" ||
                               a == "--process-label" || a == "--apparmor" || a == "--cgroup")) {
      TRY_ASSIGN(std::string v, next());
      return fail(a + " " + v + ": not supported by exec here (a joined process has no capabilities and the container's ids)", ENOTSUP);
    }
    else if (a == "--force" || (a == "-f" && cmd != "ps")) o.force = true;
    else if (a == "--all" || a == "-a") o.all = true;
    else if (a == "--rootless") o.rootless = true;
    else if (a == "--no-pivot" || a == "--no-new-keyring") {}
    else if (a == "--console-socket") { TRY_ASSIGN(o.console_socket, next()); }
    else if (a == "--format" || (a == "-f" && cmd == "ps")) { TRY_ASSIGN(o.format, next()); }
    else if (a == "--preserve-fds") {
      TRY_ASSIGN(std::string n, next());
      auto count = sys::parse_decimal(n, 1024);
      if (!count) return fail("--preserve-fds " + n + ": takes a number of descriptors");
      o.preserve_fds = static_cast<int>(*count);
    }
    else if (a.starts_with("-") && a != "-") return fail("unknown option " + a, EINVAL);
    else o.rest.push_back(args[i]);
  }
  return o;
}

int signal_number(const std::string& name) {
  if (!name.empty() && std::all_of(name.begin(), name.end(), ::isdigit)) return std::atoi(name.c_str());
  std::string n = name.starts_with("SIG") ? name.substr(3) : name;
  for (int s = 1; s < NSIG; ++s)
    if (const char* abbrev = ::sigabbrev_np(s); abbrev && n == abbrev) return s;
  return -1;
}

// Waits (inotify on the status file) until the monitor has written the container's pid, or
// has gone: the pid, or an error.
Result<pid_t> await_pid(const Globals& g, const std::string& id, pid_t monitor) {
  std::string dir = g.root + "/" + id;
  unique_fd in(::inotify_init1(IN_CLOEXEC));
  if (in) ::inotify_add_watch(in.get(), (dir + "/status").c_str(), IN_MODIFY);
  for (int i = 0; i < 600; ++i) {
    auto s = look(g, id);
    if (s && s->pid) return s->pid;
    int status = 0;
    if (::waitpid(monitor, &status, WNOHANG) == monitor) return fail("the container's process did not start", ECHILD);
    pollfd p{in.get(), POLLIN, 0};
    if (::poll(&p, 1, 100) > 0) {
      char buf[4096];
      (void)::read(in.get(), buf, sizeof buf);
    }
  }
  return fail("the container's process did not start within a minute", ETIMEDOUT);
}

// The effective ids `pid` runs with inside its own user namespace: /proc/PID/status shows
// them as this process's namespace sees them, and the process's id maps take them back.
std::optional<std::pair<uint32_t, uint32_t>> ids_inside(pid_t pid) {
  const std::string proc = "/proc/" + std::to_string(pid);
  std::string status = sys::read_file_or_empty(proc + "/status");
  auto effective = [&](const char* key) -> std::optional<uint32_t> {
    size_t at = status.find(key);
    if (at == std::string::npos) return std::nullopt;
    unsigned long real = 0, eff = 0;
    if (std::sscanf(status.c_str() + at + std::strlen(key), "%lu %lu", &real, &eff) != 2) return std::nullopt;
    return static_cast<uint32_t>(eff);
  };
  auto back = [](const std::string& map, uint32_t outside) -> std::optional<uint32_t> {
    for (const IdRange& r : id_ranges(map))
      if (outside >= r.outside && outside - r.outside < r.count) return static_cast<uint32_t>(r.inside + (outside - r.outside));
    return std::nullopt;
  };
  auto uid = effective("\nUid:"), gid = effective("\nGid:");
  if (!uid || !gid) return std::nullopt;
  auto u = back(sys::read_file_or_empty(proc + "/uid_map"), *uid);
  auto g = back(sys::read_file_or_empty(proc + "/gid_map"), *gid);
  if (!u || !g) return std::nullopt;
  return std::pair{*u, *g};
}

// A connection to the engine's --console-socket, where a terminal's master is sent.
Result<unique_fd> connect_console(const std::string& path) {
  auto addr = sys::unix_address(path);
  if (!addr) return fail("--console-socket " + path, ENAMETOOLONG);
  unique_fd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!sock || ::connect(sock.get(), reinterpret_cast<sockaddr*>(&*addr), sizeof *addr) < 0)
    return fail_errno("--console-socket " + path);
  return sock;
}

// A terminal of the container's own devpts, opened from outside through its root (every link
// in it resolved inside, as the container made them), its master sent to `console_socket`:
// the other end, for the joined process's streams.
Result<unique_fd> container_terminal(pid_t pid, const std::string& console_socket, const json& size) {
  unique_fd root(::open(("/proc/" + std::to_string(pid) + "/root").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) return fail_errno("exec: the container's root");
  TRY_ASSIGN(unique_fd master, sys::openat2(root.get(), "dev/ptmx", O_RDWR | O_NOCTTY | O_NONBLOCK, 0,
                                            RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS));
  struct stat st {};
  if (::fstat(master.get(), &st) < 0 || !S_ISCHR(st.st_mode) || major(st.st_rdev) != 5 || minor(st.st_rdev) != 2)
    return fail("exec: the container's /dev/ptmx is not a terminal multiplexer", ENOTTY);
  int unlock = 0;
  if (::ioctl(master.get(), TIOCSPTLCK, &unlock) < 0) return fail_errno("exec: unlocking the terminal");
  unique_fd peer(::ioctl(master.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!peer) return fail_errno("exec: the terminal's other end");
  if (size.is_object() && size.value("height", 0) && size.value("width", 0)) {
    struct winsize ws {};
    ws.ws_row = static_cast<unsigned short>(size.value("height", 0));
    ws.ws_col = static_cast<unsigned short>(size.value("width", 0));
    (void)::ioctl(peer.get(), TIOCSWINSZ, &ws);
  }
  int flags = ::fcntl(master.get(), F_GETFL);
  (void)::fcntl(master.get(), F_SETFL, flags & ~O_NONBLOCK);
  TRY_ASSIGN(unique_fd sock, connect_console(console_socket));
  const int fds[] = {master.get()};
  TRY(sys::send_with_fds(sock.get(), "console", fds));
  return peer;
}

// `exec`: a process joined to the running container (launch/join.h), as --process FILE or
// the arguments after ID describe it. Detached, a process of this one's stays behind to pass
// signals on and exit with the joined process's status: the pid file names it.
int exec_command(const Globals& g, const Options& o, const std::string& id) {
  auto report = [&](const Error& e) { return report_error(g, e); };
  if (o.preserve_fds)
    return report(Error{0, "exec --preserve-fds: not supported: a joined process gets its standard streams only"});
  auto s = look(g, id);
  if (!s) return report(s.error());
  if (s->status != "running" && s->status != "created")
    return report(Error{0, "cannot exec in a container that is " + s->status});
  if (!s->state.contains("name"))
    return report(Error{0, "exec: container " + id + " has no pid namespace of its own, which exec needs"});
  json process;
  if (!o.process.empty()) {
    auto p = read_json(o.process);
    if (!p) return report(p.error());
    process = *p;
  } else {
    if (o.rest.size() < 2) return report(Error{0, "exec needs a command after the container id, or --process FILE"});
    auto config = read_json(s->state.value("bundle", "") + "/config.json");
    if (!config) return report(config.error());
    process = config->value("process", json::object());
    process["args"] = std::vector<std::string>(o.rest.begin() + 1, o.rest.end());
    process["terminal"] = o.tty;
    if (!o.cwd.empty()) process["cwd"] = o.cwd;
    std::vector<std::string> env = process.value("env", std::vector<std::string>{});
    env.insert(env.end(), o.env.begin(), o.env.end());
    process["env"] = env;
    if (!o.user.empty()) {
      unsigned long uid = 0, gid = 0;
      int n = std::sscanf(o.user.c_str(), "%lu:%lu", &uid, &gid);
      if (n < 1) return report(Error{0, "--user " + o.user + ": not UID[:GID]"});
      process["user"] = {{"uid", uid}, {"gid", n == 2 ? gid : 0}};
    }
  }
  if (!process.is_object()) return report(Error{0, "--process " + o.process + ": not a JSON object"});
  launch::JoinRequest request;
  try {
    request.command = process.value("args", std::vector<std::string>{});
    request.env = process.value("env", std::vector<std::string>{});
    request.cwd = process.value("cwd", "/");
    request.terminal = process.value("terminal", false);
  } catch (const json::exception&) {
    return report(Error{0, "exec: process: args and env must be arrays of strings, cwd a string"});
  }
  if (request.command.empty()) return report(Error{0, "exec: process.args is empty"});
  request.label = "exec " + id;
  // Joined processes are children of the container's init and run with its ids: another
  // user is refused rather than run as the wrong one.
  uint32_t uid = 0, gid = 0;
  if (process.contains("user") && process["user"].is_object()) {
    uid = process["user"].value("uid", 0u);
    gid = process["user"].value("gid", 0u);
  }
  auto ids = ids_inside(s->pid);
  if (!ids) return report(Error{0, "exec: cannot read the ids of the container's process " + std::to_string(s->pid)});
  if (ids->first != uid || ids->second != gid)
    return report(Error{0, "exec: as " + std::to_string(uid) + ":" + std::to_string(gid) +
                                     ": a joined process runs with the ids of the container's init, " +
                                     std::to_string(ids->first) + ":" + std::to_string(ids->second)});
  unique_fd terminal;
  int streams[3] = {0, 1, 2};
  if (request.terminal) {
    if (o.console_socket.empty()) return report(Error{0, "exec: process.terminal needs --console-socket"});
    auto t = container_terminal(s->pid, o.console_socket, process.value("consoleSize", json()));
    if (!t) return report(t.error());
    terminal = std::move(*t);
    streams[0] = streams[1] = streams[2] = terminal.get();
  }
  const std::string name = s->state["name"].get<std::string>();
  auto exit_code = [](const Error& e) { return e.kind == Failure::not_found ? 127 : e.kind == Failure::not_executable ? 126 : 255; };
  if (!o.detach) {
    if (auto w = write_pid_file(o.pid_file, ::getpid()); !w) return report(w.error());
    auto ended = launch::join_and_wait(name, request, streams, [&] { terminal.reset(); });
    if (!ended) {
      say_error(g, ended.error().message());
      return exit_code(ended.error());
    }
    return *ended;
  }
  int ready[2];
  if (::pipe2(ready, O_CLOEXEC) < 0) return report(Error{errno, "pipe"});
  pid_t helper = ::fork();
  if (helper < 0) return report(Error{errno, "fork"});
  if (helper == 0) {
    ::close(ready[0]);
    auto ended = launch::join_and_wait(name, request, streams, [&] {
      terminal.reset();
      (void)!::write(ready[1], "1", 1);
      ::close(ready[1]);
    });
    if (!ended) {
      say_error(g, ended.error().message());
      ::_exit(exit_code(ended.error()));
    }
    ::_exit(*ended);
  }
  ::close(ready[1]);
  terminal.reset();
  char byte = 0;
  ssize_t n;
  do n = ::read(ready[0], &byte, 1);
  while (n < 0 && errno == EINTR);
  ::close(ready[0]);
  if (n != 1) {
    int status = 0;
    (void)::waitpid(helper, &status, 0);
    return 1;  // the helper said why
  }
  if (auto w = write_pid_file(o.pid_file, helper); !w) return report(w.error());
  return 0;
}

// `start`: startContainer hooks in the container, the user's program let run, then the
// poststart hooks here. A startContainer hook that fails stops the container.
int start(const Globals& g, const std::string& id) {
  auto report = [&](const Error& e) { return report_error(g, e); };
  const std::string dir = g.root + "/" + id;
  auto s = look(g, id);
  if (!s) return report(s.error());
  if (s->status != "created") return report(Error{0, "cannot start a container that is " + s->status});
  Hooks hooks = kept_hooks(*s);
  if (!hooks.start_container.empty()) {
    std::string name = s->state.value("name", "");
    auto r = name.empty() ? fail("hooks.startContainer: the container has no pid namespace of its own, which hooks in it need")
                          : run_hooks(hooks.start_container, "startContainer", hook_state(g, id, "created"), name);
    if (!r) {
      ::kill(s->pid, SIGKILL);
      return report(r.error());
    }
  }
  unique_fd w(::open((dir + "/exec.fifo").c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC));
  if (!w || ::write(w.get(), "1", 1) != 1) return report(Error{errno, "starting " + id});
  ::close(::open((dir + "/started").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
  if (auto r = run_hooks(hooks.poststart, "poststart", hook_state(g, id, "running"), ""); !r)
    say_error(g, "warning: " + r.error().message());
  return 0;
}

int command(const Globals& g, const std::vector<std::string>& args, size_t at, int argc, char** argv) {
  const std::string cmd = args[at];
  auto options = command_options(args, at + 1, cmd);
  auto report = [&](const Error& e) { return report_error(g, e); };
  if (!options) return report(options.error());
  Options& o = *options;
  auto need_id = [&]() -> Result<std::string> {
    if (o.rest.empty()) return fail(cmd + " needs a container id", EINVAL);
    return o.rest[0];
  };

  if (cmd == "spec") {
    std::string path = (o.bundle.empty() ? "." : o.bundle) + "/config.json";
    if (::access(path.c_str(), F_OK) == 0) return report(Error{EEXIST, "File " + path + " exists. Remove it first"});
    unique_fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (!fd) return report(Error{errno, path});
    (void)sys::write_all(fd.get(), default_config(o.rootless, ::getuid(), ::getgid()).dump(4) + "\n");
    return 0;
  }
  if (cmd == "features") {
    json f = {{"ociVersionMin", "1.0.0"},
              {"ociVersionMax", "1.1.0"},
              {"hooks", json::array({"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"})},
              {"mountOptions", json::array({"bind", "rbind", "ro", "rw", "nosuid", "nodev", "noexec"})},
              {"linux",
               {{"namespaces", json::array({"cgroup", "ipc", "mount", "network", "pid", "user", "uts"})},
                {"seccomp", {{"enabled", true}}},
                {"apparmor", {{"enabled", false}}},
                {"selinux", {{"enabled", false}}}}}};
    std::printf("%s\n", f.dump(4).c_str());
    return 0;
  }
  if (cmd == "list") {
    std::printf("%-12s %-8s %-10s %-40s\n", "ID", "PID", "STATUS", "BUNDLE");
    if (DIR* d = ::opendir(g.root.c_str())) {
      while (auto* e = ::readdir(d)) {
        if (e->d_name[0] == '.') continue;
        auto s = look(g, e->d_name);
        if (!s) continue;
        std::printf("%-12s %-8d %-10s %-40s\n", e->d_name, s->status == "stopped" ? 0 : s->pid, s->status.c_str(),
                    s->state.value("bundle", "").c_str());
      }
      ::closedir(d);
    }
    return 0;
  }
  auto id = need_id();
  if (!id) return report(id.error());
  const std::string dir = g.root + "/" + *id;

  if (cmd == "state") {
    auto s = look(g, *id);
    if (!s) return report(s.error());
    std::printf("%s\n", state_json(*s).dump(4).c_str());
    return 0;
  }
  if (cmd == "create" || cmd == "run") {
    // The engine's descriptors for the container (socket activation, say) are checked before
    // anything is made.
    for (int fd = 3; fd < 3 + o.preserve_fds; ++fd)
      if (::fcntl(fd, F_GETFD) < 0) return report(Error{errno, "--preserve-fds " + std::to_string(o.preserve_fds) + ": descriptor " + std::to_string(fd)});
    auto prepared = prepare(g, *id, o.bundle);
    if (!prepared) return report(prepared.error());
    for (int fd = 3; fd < 3 + o.preserve_fds; ++fd) prepared->spec.keep_fds.push_back(fd);
    if (cmd == "run" && !o.detach && prepared->hooks.empty()) {
      // Create, start, wait and delete in one: this process is the container's monitor.
      (void)note_monitor(dir, ::getpid());
      ::close(::open((dir + "/started").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
      auto ended = launch(prepared->spec, prepared->oom_score_adj, argc, argv);
      remove_state(dir);
      if (!ended) return report(ended.error());
      return *ended;
    }
    if (!o.console_socket.empty()) {
      // The terminal's master goes there, sent by the container's process once it has made it.
      auto sock = connect_console(o.console_socket);
      if (!sock) {
        remove_state(dir);
        return report(sock.error());
      }
      prepared->spec.console_socket_fd = sock->release();
      if (prepared->config.contains("process") && prepared->config["process"].contains("consoleSize")) {
        prepared->spec.console_rows = prepared->config["process"]["consoleSize"].value("height", 0);
        prepared->spec.console_columns = prepared->config["process"]["consoleSize"].value("width", 0);
      }
    }
    std::string fifo = dir + "/exec.fifo";
    if (::mkfifo(fifo.c_str(), 0600) < 0) {
      remove_state(dir);
      return report(Error{errno, fifo});
    }
    // Held open for reading and writing, so the wait before exec never sees end of file.
    int block = ::open(fifo.c_str(), O_RDWR | O_CLOEXEC);
    prepared->spec.block_fd = block;
    const bool foreground = cmd == "run" && !o.detach;
    pid_t monitor = ::fork();
    if (monitor < 0) return report(Error{errno, "fork"});
    if (monitor == 0) {
      // A detached container outlives this command; a foreground one takes its terminal's
      // signals with it.
      if (!foreground) ::setsid();
      auto ended = launch(prepared->spec, prepared->oom_score_adj, argc, argv);
      ::_exit(ended ? *ended : report_error(g, ended.error()));
    }
    ::close(block);
    ::close(*prepared->spec.json_status_fd);
    if (auto n = note_monitor(dir, monitor); !n) return report(n.error());
    auto pid = await_pid(g, *id, monitor);
    if (!pid) {
      remove_state(dir);
      // A monitor that ended has said why.
      return pid.error().err == ECHILD ? 1 : report(pid.error());
    }
    // The container exists in all its namespaces and waits before the user's program.
    const std::string name = prepared->spec.name.value_or("");
    auto hooks = [&]() -> Result<void> {
      json state = hook_state(g, *id, "creating");
      TRY(run_hooks(prepared->hooks.prestart, "prestart", state, ""));
      TRY(run_hooks(prepared->hooks.create_runtime, "createRuntime", state, ""));
      if (prepared->hooks.create_container.empty()) return {};
      if (name.empty()) return fail("hooks.createContainer: the container has no pid namespace of its own, which hooks in it need");
      return run_hooks(prepared->hooks.create_container, "createContainer", state, name);
    }();
    if (!hooks) {
      destroy(dir, *pid, monitor);
      return report(hooks.error());
    }
    // The pid file names the process whose exit is the container's: the monitor, which the
    // engine's supervisor (conmon) inherits when create exits and can wait for, and whose exit
    // status is the container's. state's pid is the container's first process.
    if (auto w = write_pid_file(o.pid_file, monitor); !w) return report(w.error());
    if (cmd == "create") return 0;
    if (int started = start(g, *id); started != 0 || !foreground) return started;
    // run in the foreground, with hooks: wait, then what delete does.
    int status = 0;
    while (::waitpid(monitor, &status, 0) < 0 && errno == EINTR) {
    }
    if (auto seen = look(g, *id)) finish(g, *id, *seen);
    else remove_state(dir);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  if (cmd == "start") return start(g, *id);
  if (cmd == "exec") return exec_command(g, o, *id);
  if (cmd == "pause" || cmd == "resume" || cmd == "update")
    return report(Error{0, cmd + ": not supported: it needs a cgroup of the container's own (a freezer, or limits to change), "
                               "which this runtime makes only for limits asked at create"});
  if (cmd == "ps") {
    // The processes of the container: those in its pid namespace, as the host sees them.
    auto s = look(g, *id);
    if (!s) return report(s.error());
    if (s->status == "stopped" || s->pid == 0) return report(Error{0, "container " + *id + " is not running"});
    std::vector<pid_t> pids = container_pids(s->pid);
    if (o.format == "json") {
      std::printf("%s\n", json(pids).dump().c_str());
      return 0;
    }
    std::printf("%-8s %s\n", "PID", "CMD");
    for (pid_t p : pids) {
      std::string line = sys::read_file_or_empty("/proc/" + std::to_string(p) + "/cmdline");
      for (char& c : line)
        if (c == '\0') c = ' ';
      std::printf("%-8d %s\n", p, line.c_str());
    }
    return 0;
  }
  if (cmd == "kill") {
    auto s = look(g, *id);
    if (!s) return report(s.error());
    int sig = signal_number(o.rest.size() > 1 ? o.rest[1] : "TERM");
    if (sig <= 0) return report(Error{0, "unknown signal " + o.rest[1]});
    if (s->status == "stopped" || s->pid == 0) return report(Error{0, "container " + *id + " is not running"});
    // The container's first process; with --all, every process of it.
    if (::kill(s->pid, sig) < 0) return report(Error{errno, "kill " + *id});
    if (o.all)
      for (pid_t p : container_pids(s->pid))
        if (p != s->pid) (void)::kill(p, sig);
    return 0;
  }
  if (cmd == "delete") {
    auto s = look(g, *id);
    if (!s) return report(s.error());
    if (s->status != "stopped" && !o.force)
      return report(Error{0, "cannot delete container " + *id + " that is not stopped: " + s->status});
    pid_t monitor = s->state.value("monitor", 0);
    if (s->status != "stopped") {
      if (s->pid) ::kill(s->pid, SIGKILL);
      if (monitor > 0) ::kill(monitor, SIGKILL);
      for (int i = 0; i < 200 && alive(monitor); ++i) ::usleep(10000);
    }
    finish(g, *id, *s);
    return 0;
  }
  return report(Error{0, "unknown command " + cmd});
}

}  // namespace

int runtime_main(const std::vector<std::string>& args, int argc, char** argv) {
  Globals g;
  g.root = default_root();
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& out) {
      if (auto eq = a.find('='); eq != std::string::npos) out = a.substr(eq + 1);
      else if (i + 1 < args.size()) out = args[++i];
    };
    std::string ignored;
    if (a == "--root" || a.starts_with("--root=")) value(g.root);
    else if (a == "--log" || a.starts_with("--log=")) value(g.log);
    else if (a == "--log-format" || a.starts_with("--log-format=")) {
      std::string f;
      value(f);
      g.json_log = f == "json";
    } else if (a == "--rootless" || a.starts_with("--rootless=") || a == "--criu") value(ignored);
    else if (a == "--debug" || a == "--systemd-cgroup") {}
    else if (a == "--version" || a == "-v") {
      std::printf("sandbox-oci version %s\nspec: 1.1.0\n", SANDBOX_VERSION);
      return 0;
    } else if (a == "--help" || a == "-h") {
      std::printf("usage: sandbox-oci [--root DIR] [--log FILE] [--log-format text|json] COMMAND [ARGS...]\n"
                  "commands: create start run exec state kill delete list ps features spec\n");
      return 0;
    } else break;
  }
  if (i >= args.size()) {
    say_error(g, "no command given (create, start, run, exec, state, kill, delete, list, ps, features, spec)");
    return 1;
  }
  return command(g, args, i, argc, argv);
}

}  // namespace sb::oci

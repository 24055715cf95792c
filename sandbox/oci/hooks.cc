#include "oci/hooks.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

#include "launch/join.h"
#include "sys/io.h"
#include "sys/process.h"
#include "sys/syscalls.h"

namespace sb::oci {

namespace {

using json = nlohmann::json;

constexpr struct {
  const char* key;
  std::vector<Hook> Hooks::*list;
} kKinds[] = {{"prestart", &Hooks::prestart},
              {"createRuntime", &Hooks::create_runtime},
              {"createContainer", &Hooks::create_container},
              {"startContainer", &Hooks::start_container},
              {"poststart", &Hooks::poststart},
              {"poststop", &Hooks::poststop}};

Result<std::vector<std::string>> words(const json& hook, const char* key, const std::string& where) {
  std::vector<std::string> out;
  if (!hook.contains(key)) return out;
  if (!hook[key].is_array()) return fail(where + "." + key + ": not an array of strings");
  for (const auto& w : hook[key]) {
    if (!w.is_string()) return fail(where + "." + key + ": not an array of strings");
    out.push_back(w.get<std::string>());
  }
  return out;
}

// In the child: the hook's program, here or joined to the container; never returns.
[[noreturn]] void run_child(const Hook& hook, int state, int state_writer, const std::string& join) {
  // The hook reads the state to its end: this process, which stays as the joiner, must not
  // hold the writing end open.
  ::close(state_writer);
  if (::dup2(state, 0) < 0) ::_exit(126);
  std::vector<std::string> argv = hook.args.empty() ? std::vector<std::string>{hook.path} : hook.args;
  if (!join.empty()) {
    launch::JoinRequest request;
    request.command = argv;
    request.command[0] = hook.path;
    request.env = hook.env;
    request.cwd = "/";
    request.label = "hook " + hook.path;
    const int streams[3] = {0, 1, 2};
    auto ended = launch::join_and_wait(join, request, streams, nullptr);
    if (!ended) {
      std::fprintf(stderr, "sandbox-oci: %s\n", ended.error().message().c_str());
      ::_exit(ended.error().kind == Failure::not_found ? 127 : 126);
    }
    ::_exit(*ended);
  }
  std::vector<char*> args, env;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  std::vector<std::string> vars = hook.env;
  for (auto& e : vars) env.push_back(e.data());
  env.push_back(nullptr);
  ::execve(hook.path.c_str(), args.data(), env.data());
  int err = errno;
  std::fprintf(stderr, "sandbox-oci: hook %s: %s\n", hook.path.c_str(), std::strerror(err));
  ::_exit(err == ENOENT ? 127 : 126);
}

Result<void> run_one(const Hook& hook, const std::string& where, const std::string& state, const std::string& join) {
  int pipe[2];
  if (::pipe2(pipe, O_CLOEXEC) < 0) return fail_errno(where + ": pipe");
  unique_fd read_end(pipe[0]), write_end(pipe[1]);
  auto child = sys::clone3(0, true);
  if (!child) return std::unexpected(std::move(child).error().wrap(where + ": starting " + hook.path));
  if (child->pid == 0) run_child(hook, read_end.get(), write_end.get(), join);
  sys::Process process(child->pid, std::move(child->pidfd));
  read_end.reset();
  // The state fits a pipe's buffer; a hook that does not read it is not waited for.
  (void)::fcntl(write_end.get(), F_SETFL, O_NONBLOCK);
  (void)::write(write_end.get(), state.data(), state.size());
  write_end.reset();
  pollfd p{process.pidfd.get(), POLLIN, 0};
  int ready;
  do ready = ::poll(&p, 1, hook.timeout > 0 ? hook.timeout * 1000 : -1);
  while (ready < 0 && errno == EINTR);
  if (ready == 0) {
    process.kill();
    (void)process.wait();
    return fail(where + ": " + hook.path + " did not end within its timeout of " + std::to_string(hook.timeout) + " s");
  }
  int status = process.wait();
  if (status != 0) return fail(where + ": " + hook.path + " failed with status " + std::to_string(status));
  return {};
}

}  // namespace

bool Hooks::empty() const {
  for (const auto& k : kKinds)
    if (!(this->*k.list).empty()) return false;
  return true;
}

Result<Hooks> read_hooks(const json& config) {
  Hooks out;
  if (!config.contains("hooks") || config["hooks"].is_null()) return out;
  const json& all = config["hooks"];
  if (!all.is_object()) return fail("config.json: hooks: not an object");
  for (const auto& kind : kKinds) {
    if (!all.contains(kind.key)) continue;
    const std::string list = std::string("config.json: hooks.") + kind.key;
    if (!all[kind.key].is_array()) return fail(list + ": not an array");
    size_t i = 0;
    for (const auto& h : all[kind.key]) {
      const std::string where = list + "[" + std::to_string(i++) + "]";
      if (!h.is_object() || !h.contains("path") || !h["path"].is_string()) return fail(where + ": needs a path");
      Hook hook;
      hook.path = h["path"].get<std::string>();
      if (hook.path.empty() || hook.path[0] != '/') return fail(where + ": path " + hook.path + " is not absolute");
      TRY_ASSIGN(hook.args, words(h, "args", where));
      TRY_ASSIGN(hook.env, words(h, "env", where));
      if (h.contains("timeout")) {
        if (!h["timeout"].is_number_integer() || h["timeout"].get<long long>() <= 0 || h["timeout"].get<long long>() > 86400)
          return fail(where + ".timeout: not a number of seconds above 0");
        hook.timeout = h["timeout"].get<int>();
      }
      (out.*kind.list).push_back(std::move(hook));
    }
  }
  return out;
}

Result<void> run_hooks(const std::vector<Hook>& hooks, const std::string& kind, const json& state, const std::string& join) {
  const std::string text = state.dump();
  for (size_t i = 0; i < hooks.size(); ++i)
    TRY(run_one(hooks[i], "hooks." + kind + "[" + std::to_string(i) + "]", text, join));
  return {};
}

}  // namespace sb::oci

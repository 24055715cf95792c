// sandbox: parse, plan, run, map the result to an exit code.
#include <unistd.h>

#include <climits>
#include <optional>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cli/parse.h"
#include "config/display.h"
#include "config/profile.h"
#include "desktop/session.h"
#include "host.h"
#include "launch/join.h"
#include "launch/launch.h"
#include "mount/assemble.h"
#include "oci/runtime.h"
#include "plan/plan.h"
#include "security/profile_json.h"

int main(int argc, char** argv) {
  const pid_t parent = ::getppid();  // before anything else: --die-with-parent's parent
  std::string argv0 = argc > 0 && argv[0][0] ? argv[0] : "sandbox";
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  // The OCI runtime personality: runc's command line (oci/runtime.h).
  if (argv0.ends_with("sandbox-oci")) return sb::oci::runtime_main(args, argc, argv);
  if (!args.empty() && args[0] == "--oci") return sb::oci::runtime_main({args.begin() + 1, args.end()}, argc, argv);
  sb::Personality personality = sb::cli::personality_for(argv0);
  const char* prefix = personality == sb::Personality::bwrap ? "bwrap" : "sandbox";
  // --level-prefix holds for every diagnostic, even one about an option before it.
  bool levels = false;
  for (const auto& a : args) {
    if (a == "--" || !a.starts_with("-")) break;
    levels = levels || a == "--level-prefix";
  }
  auto say = [&](const char* level, const std::string& text) {
    std::fprintf(stderr, "%s%s: %s\n", levels ? level : "", prefix, text.c_str());
  };
  auto report = [&](const sb::Error& e) {
    say("<3>", e.message());
    // bubblewrap says one line; natively a known cause outside the tool gets a second.
    if (!e.hint.empty() && personality == sb::Personality::native) say("<3>", "hint: " + e.hint);
    return sb::exit_code_for(e.kind, personality == sb::Personality::bwrap);
  };

  auto parsed = sb::cli::parse(args, argv0);
  if (!parsed) return report(parsed.error());
  levels = levels || parsed->spec.level_prefix;
  for (const auto& w : parsed->warnings) say("<4>", w);
  sb::Spec& spec = parsed->spec;

  switch (spec.action) {
    case sb::Action::help: {
      std::vector<std::string> names;
      if (personality == sb::Personality::native)
        for (const auto& entry : sb::config::visible_profiles(sb::cli::host_profile_dirs())) names.push_back(entry.first);
      std::fputs(sb::cli::help_text(argv0, personality, names).c_str(), stdout);
      return 0;
    }
    case sb::Action::version:
      // Under bwrap, the bubblewrap release whose behaviour is matched, as bubblewrap prints
      // it: callers parse "bubblewrap X.Y.Z" to learn which options exist.
      if (personality == sb::Personality::bwrap)
        std::printf("bubblewrap %s (sandbox %s)\n", sb::cli::kBwrapVersion, SANDBOX_VERSION);
      else
        std::printf("sandbox %s\n", SANDBOX_VERSION);
      return 0;
    case sb::Action::profiles:
      for (const auto& [name, where] : sb::config::visible_profiles(sb::cli::host_profile_dirs()))
        std::printf("%-12s  %s\n", name.c_str(), where.c_str());
      return 0;
    case sb::Action::list:
    case sb::Action::join: {
      std::vector<std::string> warnings;
      auto done = spec.action == sb::Action::list ? sb::launch::run_list(warnings) : sb::launch::run_join(spec);
      for (const auto& w : warnings) say("<4>", "warning: " + w);
      if (!done) return report(done.error());
      return *done;
    }
    case sb::Action::run: break;
  }
  if (auto v = sb::cli::validate(spec); !v) {
    // Natively, nothing at all given is a usage line and where to learn more.
    if (args.empty() && personality == sb::Personality::native) {
      std::fprintf(stderr, "usage: %s [OPTIONS...] [--] COMMAND [ARGS...]\n", argv0.c_str());
      say("<3>", "no COMMAND given; " + argv0 + " --help lists the options with examples, and man sandbox says more");
      return sb::exit_code_for(sb::Failure::setup, false);
    }
    if (v.error().kind != sb::Failure::usage) return report(v.error());
    std::fputs(sb::cli::help_text(argv0, personality).c_str(), stderr);
    return sb::exit_code_for(v.error().kind, true);
  }

  auto host = sb::gather_host_facts(argc, argv, spec.subids);
  if (!host) return report(host.error());
  host->parent = parent;
  // A JSON syscall profile is the user's intent written in a file: read it as the caller.
  if (spec.seccomp_profile != "default" && spec.seccomp_profile != "none") {
    auto json = sb::security::load_json_profile(spec.seccomp_profile, {spec.caps, host->kernel_release});
    if (!json) return report(json.error());
    spec.seccomp_json = std::move(*json);
  }
  // The display's cookies, the caller's passwd entry, the bus filter: made as the caller, as
  // the profile above was read; what the session holds ends when the sandbox has.
  auto session = sb::desktop::prepare_session(spec, *host, spec.dry_run);
  if (!session) return report(session.error());
  auto plan = sb::plan(spec, *host);
  if (!plan) return report(plan.error());
  auto compiled = sb::compile_seccomp(*plan);
  if (!compiled) return report(compiled.error());
  for (const auto& w : *compiled) say("<4>", "warning: " + w);
  if (spec.dry_run) {
    if (auto sources = sb::mount::check_sources(spec); !sources) return report(sources.error());
    // Where COMMAND would start: the caller's directory if it is there inside, else HOME (as
    // COMMAND's environment has it), else the root.
    std::optional<std::string> home;
    if (const char* h = std::getenv("HOME")) home = h;
    for (const auto& e : spec.env)
      if (e.kind == sb::EnvOp::Kind::clear || (e.name == "HOME" && e.kind == sb::EnvOp::Kind::unset)) home.reset();
      else if (e.name == "HOME" && e.kind == sb::EnvOp::Kind::set) home = e.value;
    std::string directory = "/";
    if (sb::mount::directory_inside(spec, host->cwd)) directory = host->cwd + " (the caller's)";
    else if (home && sb::mount::directory_inside(spec, *home)) directory = *home + " ($HOME)";
    std::fputs(sb::describe(*plan, spec, directory).c_str(), stdout);
    return 0;
  }

  std::vector<std::string> made;  // --home NAME's directories, made now, gone again if nothing starts
  if (spec.home_store) {
    auto store = sb::config::make_home_store(*spec.home_store);
    if (!store) return report(store.error());
    made = std::move(*store);
  }
  auto ended = sb::launch::run_plan(spec, *plan);
  if (!ended) {
    sb::config::unmake_home_store(made);
    return report(ended.error());
  }
  if (ended->timed_out) say("<3>", spec.command.front() + " timed out after " + spec.timeout_text);
  if (ended->out_of_memory)
    say("<3>", spec.command.front() + " was killed: out of memory (limit " + spec.cgroup.memory_text + ")");
  return ended->status;
}

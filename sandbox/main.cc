// sandbox: parse, run, map the result to an exit code.
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cli/parse.h"
#include "launch/launch.h"

int main(int argc, char** argv) {
  std::string argv0 = argc > 0 && argv[0][0] ? argv[0] : "sandbox";
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
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
    return sb::exit_code_for(e.kind, personality == sb::Personality::bwrap);
  };

  auto parsed = sb::cli::parse(args, argv0);
  if (!parsed) return report(parsed.error());
  levels = levels || parsed->spec.level_prefix;
  for (const auto& w : parsed->warnings) say("<4>", w);
  sb::Spec& spec = parsed->spec;

  switch (spec.action) {
    case sb::Action::help:
      std::fputs(sb::cli::help_text(argv0, personality).c_str(), stdout);
      return 0;
    case sb::Action::version:
      // Under bwrap, the bubblewrap release whose behaviour is matched, as bubblewrap prints
      // it: callers parse "bubblewrap X.Y.Z" to learn which options exist.
      if (personality == sb::Personality::bwrap)
        std::printf("bubblewrap %s (sandbox %s)\n", sb::cli::kBwrapVersion, SANDBOX_VERSION);
      else
        std::printf("sandbox %s\n", SANDBOX_VERSION);
      return 0;
    case sb::Action::run: break;
  }
  if (auto v = sb::cli::validate(spec); !v) {
    if (v.error().kind != sb::Failure::usage) return report(v.error());
    std::fputs(sb::cli::help_text(argv0, personality).c_str(), stderr);
    return sb::exit_code_for(v.error().kind, true);
  }

  if (argc > 0) {
    spec.caller.args_begin = argv[0];
    spec.caller.args_size = static_cast<size_t>(argv[argc - 1] + std::strlen(argv[argc - 1]) + 1 - argv[0]);
  }
  spec.caller.uid = ::getuid();
  spec.caller.gid = ::getgid();
  char cwd[PATH_MAX];
  if (::getcwd(cwd, sizeof cwd)) spec.caller.cwd = cwd;
  if (const char* api = std::getenv("SANDBOX_MOUNT_API"); api && *api) {
    std::string_view v = api;
    if (v == "new") spec.mount_api = sb::MountApi::new_api;
    else if (v == "legacy") spec.mount_api = sb::MountApi::legacy;
    else if (v != "auto")
      return report(sb::Error{EINVAL, "SANDBOX_MOUNT_API: '" + std::string(v) + "' is not one of auto, new, legacy"});
  }

  auto status = sb::launch::monitor_run(spec);
  if (!status) return report(status.error());
  return *status;
}

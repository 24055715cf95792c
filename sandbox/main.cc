// sandbox: parse, run, map the result to an exit code.
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/parse.h"
#include "launch/launch.h"

namespace {

int exit_code(sb::Personality p, sb::Failure kind) {
  if (p == sb::Personality::bwrap) return 1;
  switch (kind) {
    case sb::Failure::not_executable: return 126;
    case sb::Failure::not_found: return 127;
    case sb::Failure::setup: break;
  }
  return 125;
}

}  // namespace

int main(int argc, char** argv) {
  std::string argv0 = argc > 0 && argv[0][0] ? argv[0] : "sandbox";
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  sb::Personality personality = sb::cli::personality_for(argv0);
  const char* prefix = personality == sb::Personality::bwrap ? "bwrap" : "sandbox";
  auto report = [&](const sb::Error& e) {
    std::fprintf(stderr, "%s: %s\n", prefix, e.message().c_str());
    return exit_code(personality, e.kind);
  };

  auto parsed = sb::cli::parse(args, argv0);
  if (!parsed) return report(parsed.error());
  for (const auto& w : parsed->warnings) std::fprintf(stderr, "%s: %s\n", prefix, w.c_str());
  sb::Spec& spec = parsed->spec;

  switch (spec.action) {
    case sb::Action::help:
      std::fputs(sb::cli::help_text(argv0, personality).c_str(), stdout);
      return 0;
    case sb::Action::version:
      std::printf("sandbox %s\n", SANDBOX_VERSION);
      return 0;
    case sb::Action::run: break;
  }
  if (auto v = sb::cli::validate(spec); !v) return report(v.error());

  spec.caller.uid = ::getuid();
  spec.caller.gid = ::getgid();
  char cwd[PATH_MAX];
  if (::getcwd(cwd, sizeof cwd)) spec.caller.cwd = cwd;

  auto status = sb::launch::monitor_run(spec);
  if (!status) return report(status.error());
  return *status;
}

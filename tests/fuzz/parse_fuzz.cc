// libFuzzer harness for the command-line parser and the whole-Spec checks.
// Input: one byte choosing the personality, then NUL-separated arguments; everything after the
// first 0xff byte is what any --args descriptor reads. The parser must not crash, must give the
// same answer twice, and must explain every failure in one line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "cli/parse.h"

namespace {

[[noreturn]] void broken(const char* what) {
  __builtin_trap();
  (void)what;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string argv0 = (data[0] & 1) ? "/usr/bin/bwrap" : "sandbox";
  std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string stream;
  if (auto cut = rest.find('\xff'); cut != std::string::npos) {
    stream = rest.substr(cut + 1);
    rest.resize(cut);
  }
  std::vector<std::string> args;
  bool newline_in_input = stream.find('\n') != std::string::npos;
  for (size_t start = 0; start < rest.size();) {
    size_t end = rest.find('\0', start);
    if (end == std::string::npos) end = rest.size();
    args.emplace_back(rest, start, end - start);
    newline_in_input = newline_in_input || args.back().find('\n') != std::string::npos;
    start = end + 1;
  }
  auto reader = [&](int fd) -> sb::Result<std::string> {
    if (fd > 1000) return sb::fail("Can't read --args " + std::to_string(fd), EBADF);
    return stream;
  };

  // A caller's session of fixed values, for the options that read it (--share-display, ...).
  auto env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "DISPLAY") return ":0";
    if (name == "HOME") return "/home/f";
    if (name == "XDG_RUNTIME_DIR") return "/run/user/1";
    if (name == "PATH") return "/usr/bin:/bin";
    return std::nullopt;
  };
  auto first = sb::cli::parse(args, argv0, reader, sb::cli::read_host_profile, env);
  auto second = sb::cli::parse(args, argv0, reader, sb::cli::read_host_profile, env);
  if (first.has_value() != second.has_value()) broken("parse is not deterministic");
  if (!first) {
    std::string msg = first.error().message();
    if (msg != second.error().message()) broken("parse fails differently twice");
    if (msg.empty()) broken("a failure without a message");
    if (!newline_in_input && msg.find('\n') != std::string::npos) broken("a message of two lines");
    return 0;
  }
  if (!(first->spec == second->spec) || first->warnings != second->warnings)
    broken("parse is not deterministic");
  if (auto v = sb::cli::validate(first->spec); !v) {
    std::string msg = v.error().message();
    if (!newline_in_input && msg.find('\n') != std::string::npos) broken("a message of two lines");
  }
  if (first->spec.action == sb::Action::help) (void)sb::cli::help_text(argv0, first->spec.personality);
  return 0;
}

// libFuzzer harness for profiles: the input is a profile's text, split as --profile splits it
// (with every variable set) and handed to the parser as --profile's reader would hand it. A
// profile that splits must parse or fail with a message naming one of its lines.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/parse.h"
#include "config/profile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto vars = [](const std::string& name) -> std::optional<std::string> {
    if (name == "DISPLAY") return std::nullopt;  // one unset variable, as on a machine without X
    return "/v/" + name;
  };
  auto words = sb::config::split_profile(text, "f.profile", vars);
  if (!words) {
    if (!words.error().message().starts_with("f.profile:")) __builtin_trap();
    return 0;
  }
  auto reader = [&](const std::string&) -> sb::Result<std::vector<sb::config::Word>> { return *words; };
  auto parsed = sb::cli::parse(std::vector<std::string>{"--profile", "f", "true"}, "sandbox", sb::cli::read_whole_fd,
                               reader, vars);
  if (parsed) (void)sb::cli::validate(parsed->spec);
  // Whatever a profile's line does wrong, the message says which line (or, for a check of
  // the whole command line, is about an option).
  if (!parsed && !parsed.error().message().starts_with("f.profile:") && !parsed.error().message().starts_with("--"))
    __builtin_trap();
  return 0;
}

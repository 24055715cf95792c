// libFuzzer harness for --args: the input is the stream itself, read through a real descriptor
// by the reader the binary uses. Splicing a stream in must mean exactly what passing the same
// arguments directly means.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/parse.h"
#include "sys/fd.h"

namespace {

[[noreturn]] void broken(const char* what) {
  __builtin_trap();
  (void)what;
}

bool same(const sb::Result<sb::cli::Parsed>& a, const sb::Result<sb::cli::Parsed>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return a.error().message() == b.error().message();
  return a->spec == b->spec && a->warnings == b->warnings;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string stream(reinterpret_cast<const char*>(data), size);
  sb::unique_fd fd(::memfd_create("args", MFD_CLOEXEC));
  if (!fd || ::write(fd.get(), stream.data(), stream.size()) != static_cast<ssize_t>(size) ||
      ::lseek(fd.get(), 0, SEEK_SET) != 0)
    return 0;
  const std::vector<std::string> spliced{"--args", std::to_string(fd.get()), "true"};
  auto through_fd = sb::cli::parse(spliced, "sandbox");
  // The descriptor read is recorded, to be closed before COMMAND; the rest must be the same.
  if (through_fd) {
    if (through_fd->spec.args_fds != std::vector<int>{fd.get()}) broken("the --args descriptor was not recorded");
    through_fd->spec.args_fds.clear();
  }

  if (!stream.empty() && stream.back() != '\0') {
    if (through_fd) broken("an unterminated stream was accepted");
    return 0;
  }
  std::vector<std::string> direct;
  bool nested = false;
  for (size_t start = 0; start < stream.size();) {
    size_t end = stream.find('\0', start);
    direct.emplace_back(stream, start, end - start);
    nested = nested || direct.back() == "--args";
    start = end + 1;
  }
  if (direct.size() > sb::cli::kMaxArgs) {
    if (through_fd) broken("more arguments than the cap were accepted");
    return 0;
  }
  if (nested) return 0;  // refused in a stream, allowed directly: not comparable
  direct.emplace_back("true");
  if (!same(through_fd, sb::cli::parse(direct, "sandbox"))) broken("--args differs from direct arguments");
  return 0;
}

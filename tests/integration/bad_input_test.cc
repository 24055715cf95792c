// Malformed command lines: each gives one line naming the problem, exit 125, changes nothing
// on the host and leaves no process behind.
#include <climits>
#include <filesystem>

#include "harness.h"

namespace sbtest {
namespace {

struct Bad {
  std::vector<std::string> args;  // after the binary
  std::string line;               // the whole diagnostic, after "sandbox: "
  std::string stream = {};        // --args data on descriptor 5, if any
};

std::vector<Bad> bad_inputs() {
  std::string long_path = "/" + std::string(PATH_MAX, 'a');
  std::string many;
  for (int i = 0; i < 9001; ++i) many += nul_terminated({"--clearenv"});
  return {
      {{"--bind"}, "--bind takes two arguments"},
      {{"--bind", "./src"}, "--bind takes two arguments"},
      {{"--chdir"}, "--chdir takes one argument"},
      {{"--overlay", "a", "b"}, "--overlay takes three arguments"},
      {{"--frobnicate", "true"}, "Unknown option --frobnicate"},
      {{"-x", "true"}, "Unknown option -x"},
      {{"--bind=./a", "/a", "true"}, "Unknown option --bind=./a"},
      {{"--ro-bind", "", "/x", "true"}, "--ro-bind: empty path"},
      {{"--tmpfs", "", "true"}, "--tmpfs: empty path"},
      // An empty -try source is refused too: it must never stand for the whole filesystem.
      {{"--bind-try", "", "/x", "true"}, "--bind-try: empty path"},
      {{"--ro-bind-try", "", "/x", "true"}, "--ro-bind-try: empty path"},
      {{"--chdir", "", "true"}, "--chdir: empty path"},
      {{"--dir", long_path, "true"}, "--dir: path too long: File name too long"},
      {{"--bind", long_path, "/x", "true"}, "--bind: path too long: File name too long"},
      {{"--uid", "abc", "true"}, "--uid: invalid id 'abc'"},
      {{"--uid", "-1", "true"}, "--uid: invalid id '-1'"},
      {{"--uid", "4294967295", "true"}, "--uid: invalid id '4294967295'"},
      {{"--gid", "4294967294", "true"}, "--gid: invalid id '4294967294'"},
      {{"--gid", "99999999999999999999", "true"}, "--gid: invalid id '99999999999999999999'"},
      {{"--uid", "1", "--uid", "1x", "true"}, "--uid: invalid id '1x'"},
      {{"--perms", "8", "--dir", "/x", "true"}, "--perms: invalid mode '8': takes an octal number <= 07777"},
      {{"--perms", "010000", "--dir", "/x", "true"}, "--perms: invalid mode '010000': takes an octal number <= 07777"},
      {{"--chmod", "0999", "/x", "true"}, "--chmod: invalid mode '0999': takes an octal number <= 07777"},
      {{"--size", "0", "--tmpfs", "/t", "true"}, "--size: invalid size '0': takes a non-zero number of bytes"},
      {{"--size", "12k", "--tmpfs", "/t", "true"}, "--size: invalid size '12k': takes a non-zero number of bytes"},
      {{"--size", "-5", "--tmpfs", "/t", "true"}, "--size: invalid size '-5': takes a non-zero number of bytes"},
      {{"--size", "18446744073709551616", "--tmpfs", "/t", "true"},
       "--size: invalid size '18446744073709551616': takes a non-zero number of bytes"},
      {{"--size", "9223372036854775808", "--tmpfs", "/t", "true"},
       "--size: 9223372036854775808 bytes is more than the limit, 9223372036854775807"},
      {{"--perms", "0700", "--perms", "0700", "--dir", "/x", "true"}, "--perms given twice for the same action"},
      {{"--size", "1", "--size", "1", "--tmpfs", "/x", "true"}, "--size given twice for the same action"},
      {{"--size", "100", "--dir", "/x", "true"}, "--size must be followed by --tmpfs"},
      {{"--perms", "0700", "true"}, "--perms must be followed by an option that creates a file"},
      {{"--overlay-src", "./lower", "true"},
       "--overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay"},
      {{"--overlay-src", "./lower", "--ro-overlay", "/o", "true"}, "--ro-overlay requires at least two --overlay-src"},
      {{"--tmp-overlay", "/o", "true"}, "--tmp-overlay requires at least one --overlay-src"},
      {{"--keep-fd", "-1", "true"}, "Invalid fd: -1"},
      {{"--keep-fd", "abc", "true"}, "Invalid fd: abc"},
      {{"--keep-fd", "2147483648", "true"}, "Invalid fd: 2147483648"},
      {{"--keep-fd", "1", "true"}, "--keep-fd: 1 is a standard stream, always kept"},
      {{"--keep-fd", "999", "true"}, "--keep-fd 999: Bad file descriptor"},
      {{"--info-fd", "998", "true"}, "--info-fd 998: Bad file descriptor"},
      {{"--json-status-fd", "x", "true"}, "Invalid fd: x"},
      {{"--block-fd", "-3", "true"}, "Invalid fd: -3"},
      {{"--file", "997", "/f", "true"}, "--file 997: Bad file descriptor"},
      {{"--bind-fd", "996", "/d", "true"}, "--bind-fd 996: Bad file descriptor"},
      {{"--userns", "995", "true"}, "--userns 995: Bad file descriptor"},
      {{"--args", "994", "true"}, "Can't read --args 994: Bad file descriptor"},
      {{"--args", "5", "true"}, "--args 5: the last argument is not terminated by NUL: Invalid argument",
       std::string("--chdir\0/", 9)},
      {{"--args", "5", "true"}, "--args is not allowed inside an --args stream", nul_terminated({"--args", "5"})},
      {{"--args", "5", "true"}, "--args 5: too many arguments: at most 9000: Argument list too long", many},
      {{"--seccomp", "0", "--add-seccomp-fd", "0", "true"}, "--add-seccomp-fd cannot be combined with --seccomp"},
      {{"--as-pid-1", "--lock-file", "/x", "true"}, "--lock-file needs the init process: it cannot be combined with --as-pid-1"},
      {{"--share-uts", "--hostname", "h", "true"}, "--hostname needs a new uts namespace: drop --share-uts"},
      {{"--hostname", std::string(65, 'h'), "true"},
       "--hostname: '" + std::string(65, 'h') + "' must be 1 to 64 characters: Invalid argument"},
      {{"--hostname", "", "true"}, "--hostname: '' must be 1 to 64 characters: Invalid argument"},
      {{"--setenv", "A=B", "c", "true"}, "--setenv: invalid variable name 'A=B': Invalid argument"},
      {{"--unsetenv", "", "true"}, "--unsetenv: invalid variable name '': Invalid argument"},
      {{"--cap-add", "CAP_NOPE", "true"}, "--cap-add: unknown capability 'CAP_NOPE'"},
      {{"--cap-drop", "", "true"}, "--cap-drop: unknown capability ''"},
      {{"--userns-block-fd", "0", "true"}, "--userns-block-fd requires --info-fd"},
      {{""}, "COMMAND: empty command name"},
      {{"--chdir", "/"}, "No command specified"},
      {{"--ro-bind", "./nonexistent", "/x", "true"},
       "Can't find source path ./nonexistent: No such file or directory (from --ro-bind #1)"},
  };
}

class BadInput : public SandboxTest, public ::testing::WithParamInterface<Bad> {};

std::vector<std::string> snapshot(const std::string& dir) {
  std::vector<std::string> out;
  for (auto& e : std::filesystem::recursive_directory_iterator(dir)) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST_P(BadInput, OneLineExit125NothingLeft) {
  const Bad& b = GetParam();
  TempDir cwd;  // relative paths in the cases point here
  std::filesystem::create_directory(cwd / "lower");
  auto before = snapshot(cwd.path());
  RunOptions o;
  o.cwd = cwd.path();
  int stream = -1;
  if (!b.stream.empty()) {
    stream = data_fd(b.stream);
    o.fds = {{5, stream}};
  }
  std::vector<std::string> argv{sandbox_bin()};
  argv.insert(argv.end(), b.args.begin(), b.args.end());
  auto r = run(argv, o);
  if (stream >= 0) close(stream);
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err, "sandbox: " + b.line + "\n");
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(snapshot(cwd.path()), before);
  auto left = leftover_processes();
  EXPECT_TRUE(left.empty()) << left.front();
}

INSTANTIATE_TEST_SUITE_P(Table, BadInput, ::testing::ValuesIn(bad_inputs()));

TEST(BadInputTable, HasAtLeastForty) { EXPECT_GE(bad_inputs().size(), 40u); }

}  // namespace
}  // namespace sbtest

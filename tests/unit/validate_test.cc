#include <gtest/gtest.h>

#include <climits>
#include <string>
#include <vector>

#include "cli/parse.h"

namespace sb::cli {
namespace {

Result<void> validate_args(std::vector<std::string> args, std::string argv0 = "sandbox") {
  auto r = parse(args, argv0);
  if (!r) return std::unexpected(r.error());
  return validate(r->spec);
}

std::string error_of(std::vector<std::string> args, std::string argv0 = "sandbox") {
  auto r = validate_args(std::move(args), std::move(argv0));
  EXPECT_FALSE(r.has_value());
  return r ? "" : r.error().message();
}

TEST(Validate, AcceptsOrdinaryRun) {
  EXPECT_TRUE(validate_args({"--bind", "/a", "/", "--hostname", "box", "sh"}));
}

TEST(Validate, NeedsCommand) {
  EXPECT_EQ(error_of({"--bind", "/a", "/"}), "No command specified");
  EXPECT_EQ(error_of({""}), "COMMAND: empty command name");
}

TEST(Validate, HelpNeedsNoCommand) { EXPECT_TRUE(validate_args({"--help"})); }

// bubblewrap's checks in its words; without COMMAND it prints its usage on stderr.
TEST(Validate, AsBwrap) {
  auto none = validate_args({"--ro-bind", "/", "/"}, "bwrap");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().kind, Failure::usage);
  EXPECT_EQ(exit_code_for(none.error().kind, true), 1);
  EXPECT_EQ(error_of({"--as-pid-1", "x"}, "bwrap"), "Specifying --as-pid-1 requires --unshare-pid");
  EXPECT_TRUE(validate_args({"--unshare-pid", "--as-pid-1", "x"}, "bwrap"));
  EXPECT_EQ(error_of({"--unshare-pid", "--as-pid-1", "--lock-file", "/l", "x"}, "bwrap"),
            "Specifying --as-pid-1 and --lock-file is not permitted");
  EXPECT_EQ(error_of({"--disable-userns", "x"}, "bwrap"), "--disable-userns requires --unshare-user");
  EXPECT_TRUE(validate_args({"--unshare-user", "--disable-userns", "x"}, "bwrap"));
  EXPECT_EQ(error_of({"--unshare-user", "--userns", "3", "x"}, "bwrap"), "--userns not compatible --unshare-user");
  EXPECT_EQ(error_of({"--unshare-all", "--userns", "3", "x"}, "bwrap"), "--userns not compatible --unshare-user-try");
  EXPECT_EQ(error_of({"--unshare-user", "--disable-userns", "--info-fd", "3", "--userns-block-fd", "4", "x"}, "bwrap"),
            "--disable-userns is not compatible with  --userns-block-fd");
  EXPECT_EQ(error_of({"--hostname", "h", "x"}, "bwrap"), "Specifying --hostname requires --unshare-uts");
  // Natively --as-pid-1 needs the pid namespace it has by default.
  EXPECT_EQ(error_of({"--share-pid", "--as-pid-1", "x"}),
            "--as-pid-1 needs a pid namespace of the sandbox's own: drop --share-pid");
  EXPECT_TRUE(validate_args({"--as-pid-1", "x"}));
}

TEST(Validate, Hostname) {
  EXPECT_EQ(error_of({"--share-uts", "--hostname", "a", "x"}),
            "--hostname needs a new uts namespace: drop --share-uts");
  EXPECT_NE(error_of({"--hostname", std::string(65, 'a'), "x"}).find("must be 1 to 64"),
            std::string::npos);
  EXPECT_NE(error_of({"--hostname", "", "x"}).find("must be 1 to 64"), std::string::npos);
  EXPECT_TRUE(validate_args({"--hostname", std::string(64, 'a'), "x"}));
}

TEST(Validate, Paths) {
  EXPECT_EQ(error_of({"--bind", "", "/x", "y"}), "--bind: empty path");
  EXPECT_EQ(error_of({"--ro-bind-try", "/x", "", "y"}), "--ro-bind-try: empty path");
  EXPECT_EQ(error_of({"--tmpfs", "", "y"}), "--tmpfs: empty path");
  EXPECT_EQ(error_of({"--chdir", "", "y"}), "--chdir: empty path");
  std::string long_path(PATH_MAX, 'a');
  EXPECT_EQ(error_of({"--dir", "/" + long_path, "y"}), "--dir: path too long: File name too long");
  EXPECT_EQ(error_of({"--symlink", long_path, "/l", "y"}),
            "--symlink: path too long: File name too long");
}

TEST(Validate, EnvNames) {
  EXPECT_NE(error_of({"--setenv", "A=B", "c", "y"}).find("--setenv: invalid variable name 'A=B'"),
            std::string::npos);
  EXPECT_NE(error_of({"--unsetenv", "", "y"}).find("--unsetenv: invalid variable name ''"),
            std::string::npos);
}

TEST(Validate, KeepFdNotStandardStream) {
  EXPECT_EQ(error_of({"--keep-fd", "1", "y"}), "--keep-fd: 1 is a standard stream, always kept");
}

}  // namespace
}  // namespace sb::cli

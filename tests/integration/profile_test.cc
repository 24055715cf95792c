// --profile as a user would write one: found by name, composed with the command line, and
// every message about one of its lines naming FILE:LINE.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "harness.h"

namespace sbtest {
namespace {

class Profiles : public SandboxTest {};

TEST_F(Profiles, AProfileByNameRunsTheSandboxItDescribes) {
  TempDir config;
  mkdir((config / "sandbox").c_str(), 0755);
  mkdir((config / "sandbox/profiles").c_str(), 0755);
  write_file(config / "sandbox/profiles/busybox.profile",
             "# busybox's tools, read-only, and a scratch /tmp\n"
             "--ro-bind " + rootfs() + "/bin /bin\n"
             "--tmpfs /tmp\n"
             "--hostname from-profile\n"
             "--setenv WHO \"${USER}:${UID}\"\n");
  std::string uid = std::to_string(getuid());
  auto r = run({"/usr/bin/env", "XDG_CONFIG_HOME=" + config.path(), "USER=tester", sandbox_bin(), "--profile",
                "busybox", "--hostname", "from-command-line", "sh", "-c", "hostname; echo $WHO; touch /tmp/x && ls /tmp"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "from-command-line\ntester:" + uid + "\nx\n");
  EXPECT_EQ(r.err, "");  // the command line overriding the profile is no warning
  auto dry = run({"/usr/bin/env", "XDG_CONFIG_HOME=" + config.path(), "USER=tester", sandbox_bin(), "--dry-run",
                  "--profile", "busybox", "true"});
  std::string file = config.path() + "/sandbox/profiles/busybox.profile";
  EXPECT_NE(dry.out.find("/bin  ro-bind  " + rootfs() + "/bin  ro,nosuid,nodev,recursive  (from " + file + ":2)\n"),
            std::string::npos)
      << dry.out;
  EXPECT_NE(dry.out.find("/tmp  tmpfs  tmpfs  nosuid,nodev,mode=0755  (from " + file + ":3)\n"), std::string::npos)
      << dry.out;
}

// ${PWD} is where the caller is, whatever the environment's PWD says: a build profile's
// "this directory writable" must not become `PWD=$HOME`'s HOME.
TEST_F(Profiles, PwdIsTheRealWorkingDirectory) {
  TempDir config, project, home;
  mkdir((config / "sandbox").c_str(), 0755);
  mkdir((config / "sandbox/profiles").c_str(), 0755);
  write_file(config / "sandbox/profiles/here.profile",
             "--ro-bind " + rootfs() + "/bin /bin\n"
             "--bind ${PWD} /project\n"
             "--setenv SEEN ${PWD}\n");
  chmod(project.path().c_str(), 0777);
  RunOptions o;
  o.cwd = project.path();
  auto r = run({"/usr/bin/env", "XDG_CONFIG_HOME=" + config.path(), "PWD=" + home.path(), sandbox_bin(), "--profile",
                "here", "sh", "-c", "echo $SEEN; touch /project/made"},
               o);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, project.path() + "\n");
  EXPECT_TRUE(exists(project / "made"));
  EXPECT_FALSE(exists(home / "made"));
}

TEST_F(Profiles, ErrorsNameTheLine) {
  TempDir d;
  write_file(d / "bad.profile", "--ro-bind " + rootfs() + "/bin /bin\n\n--ro-bind /nonexistent/source /x\n");
  auto r = run(sandbox({"--profile", d / "bad.profile", "true"}));
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err, "sandbox: Can't find source path /nonexistent/source: No such file or directory (from " +
                       (d / "bad.profile") + ":3)\n");
  write_file(d / "unset.profile", "--setenv A ${DISPLAY}\n");
  auto unset = run({"/usr/bin/env", "-u", "DISPLAY", sandbox_bin(), "--profile", d / "unset.profile", "true"});
  EXPECT_EQ(unset.status, 125);
  EXPECT_EQ(unset.err, "sandbox: " + (d / "unset.profile") + ":1: ${DISPLAY} is not set\n");
  auto missing = run({"/usr/bin/env", "XDG_CONFIG_HOME=" + d.path(), sandbox_bin(), "--profile", "nothing", "true"});
  EXPECT_EQ(missing.status, 125);
  EXPECT_EQ(missing.err, "sandbox: --profile nothing: no nothing.profile in " + d.path() +
                             "/sandbox/profiles, /etc/sandbox/profiles, " SANDBOX_PROFILE_DIR ", nor built in (build, desktop, shell): No such file or directory\n");
}

}  // namespace
}  // namespace sbtest

// Reading --rlimit, --timeout, --kill-after and --time-offset: pure, no privilege.
#include "limits/limits.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <time.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cli/parse.h"
#include "limits/cgroup.h"

namespace sb {
namespace {

TEST(Limits, Rlimits) {
  auto both = limits::parse_rlimit("nofile=64");
  ASSERT_TRUE(both);
  EXPECT_EQ(both->resource, RLIMIT_NOFILE);
  EXPECT_EQ(both->soft, 64u);
  EXPECT_EQ(both->hard, 64u);  // a soft limit alone is the hard one too
  auto sized = limits::parse_rlimit("as=64M:1G");
  ASSERT_TRUE(sized);
  EXPECT_EQ(sized->soft, 64u << 20);
  EXPECT_EQ(sized->hard, 1u << 30);
  auto open = limits::parse_rlimit("core=0:unlimited");
  ASSERT_TRUE(open);
  EXPECT_EQ(open->hard, RLIM_INFINITY);
  EXPECT_EQ(limits::rlimit_name(RLIMIT_NPROC), "nproc");
  for (const char* bad : {"nofile", "=1", "nofile=", "nofile=-1", "nofile=1:", "nofile=2:1", "nofile=1K", "as=1Q",
                          "stack=99999999999T"})
    EXPECT_FALSE(limits::parse_rlimit(bad)) << bad;
}

TEST(Limits, Durations) {
  auto ms = [](const char* t) { return *limits::parse_duration("--timeout", t); };
  EXPECT_EQ(ms("30"), 30000u);
  EXPECT_EQ(ms("30s"), 30000u);
  EXPECT_EQ(ms("1.5m"), 90000u);
  EXPECT_EQ(ms("2h"), 7200000u);
  EXPECT_EQ(ms("1d"), 86400000u);
  EXPECT_EQ(ms("0.25"), 250u);
  for (const char* bad : {"", "s", "0", "0.0001", "1.", ".5", "1..2", "-1", "1x", "1.5.m", "1e3"})
    EXPECT_FALSE(limits::parse_duration("--timeout", bad)) << bad;
}

TEST(Limits, TimeOffsets) {
  auto mono = limits::parse_time_offset("monotonic=-30");
  ASSERT_TRUE(mono);
  EXPECT_EQ(mono->clock, CLOCK_MONOTONIC);
  EXPECT_EQ(mono->seconds, -30);
  auto boot = limits::parse_time_offset("boottime=86400");
  ASSERT_TRUE(boot);
  EXPECT_EQ(boot->clock, CLOCK_BOOTTIME);
  for (const char* bad : {"realtime=1", "monotonic", "monotonic=", "boottime=1.5", "boottime=+1", "boottime=--1"})
    EXPECT_FALSE(limits::parse_time_offset(bad)) << bad;
}

TEST(Limits, TheOptionsFillTheSpec) {
  auto r = cli::parse(std::vector<std::string>{"--rlimit", "nofile=10", "--rlimit", "nofile=20", "--timeout", "2",
                                               "--kill-after", "1.5s", "--time-offset", "boottime=1",
                                               "--time-offset", "boottime=2", "true"},
                      "sandbox");
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->spec.rlimits.size(), 1u);  // a later one for the same resource wins
  EXPECT_EQ(r->spec.rlimits[0].soft, 20u);
  EXPECT_EQ(r->spec.timeout_ms, 2000u);
  EXPECT_EQ(r->spec.timeout_text, "2s");
  EXPECT_EQ(r->spec.kill_after_ms, 1500u);
  ASSERT_EQ(r->spec.time_offsets.size(), 1u);
  EXPECT_EQ(r->spec.time_offsets[0].seconds, 2);
}

}  // namespace
}  // namespace sb

namespace sb {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Cgroup, WhereTheCallersCgroupIs) {
  const char* unified = "29 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";
  EXPECT_EQ(limits::cgroup_dir_of("0::/user.slice/user-1000.slice/app.scope\n", unified),
            "/sys/fs/cgroup/user.slice/user-1000.slice/app.scope");
  // A hybrid layout: cgroup v1 controllers, and an empty v2 hierarchy beside them.
  const char* hybrid = "30 23 0:27 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
                       "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
  EXPECT_EQ(limits::cgroup_dir_of("4:memory:/x\n0::/\n", hybrid), "/sys/fs/cgroup/unified");
  EXPECT_EQ(limits::cgroup_dir_of("4:memory:/x\n", hybrid), "");  // v1 only
  EXPECT_EQ(limits::cgroup_dir_of("0::/\n", "30 23 0:27 / /sys/fs/cgroup/memory rw - cgroup cgroup rw\n"), "");
}

TEST(Cgroup, TheFilesTheLimitsAreWrittenTo) {
  CgroupLimits l;
  ASSERT_TRUE(limits::parse_cgroup_limit("--memory", "64M", l));
  ASSERT_TRUE(limits::parse_cgroup_limit("--pids", "100", l));
  ASSERT_TRUE(limits::parse_cgroup_limit("--cpus", "1.5", l));
  EXPECT_EQ(l.option, "--memory 64M");
  using Files = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(limits::cgroup_files_for(l), (Files{{"memory.max", "67108864"}, {"memory.swap.max", "0"}, {"pids.max", "100"},
                                                 {"cpu.max", "150000 100000"}}));
  EXPECT_EQ(limits::controllers_for(l), (std::vector<std::string>{"memory", "pids", "cpu"}));
  CgroupLimits bad;
  for (auto [option, value] : {std::pair{"--memory", "0"}, {"--memory", "1X"}, {"--pids", "0"}, {"--pids", "-1"},
                               {"--cpus", "0"}, {"--cpus", ".5"}, {"--cpus", "1e3"}, {"--cpus", "5000"}})
    EXPECT_FALSE(limits::parse_cgroup_limit(option, value, bad)) << option << " " << value;
}

// A directory standing in for the caller's delegated cgroup: the run's cgroup is made in it,
// with the limits written; a controller not enabled for children is a refusal with a hint.
TEST(Cgroup, AFakeDelegatedTree) {
  char tmpl[] = "/tmp/sandbox-unit-cgroup.XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string parent = tmpl;
  auto put = [](const std::string& path, const std::string& text) { std::ofstream(path) << text; };
  put(parent + "/cgroup.controllers", "cpuset cpu io memory pids\n");
  put(parent + "/cgroup.subtree_control", "memory pids\n");
  CgroupLimits l;
  ASSERT_TRUE(limits::parse_cgroup_limit("--memory", "1G", l));
  ASSERT_TRUE(limits::parse_cgroup_limit("--pids", "64", l));
  {
    auto cg = limits::RunCgroup::make(parent, l, 4242);
    ASSERT_TRUE(cg) << cg.error().message();
    std::string dir = parent + "/sandbox-4242";
    EXPECT_EQ(slurp(dir + "/memory.max"), "1073741824");
    EXPECT_EQ(slurp(dir + "/pids.max"), "64");
    EXPECT_GE(cg->fd(), 0);
    put(dir + "/memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 2\n");
    EXPECT_EQ(cg->oom_kills(), 2u);
    // What the kernel would remove with the directory, the test does.
    for (const char* f : {"/memory.max", "/pids.max", "/memory.events", "/cgroup.kill"}) unlink((dir + f).c_str());
  }
  EXPECT_FALSE(std::filesystem::exists(parent + "/sandbox-4242"));  // removed with the run
  // cpu is available but not enabled for children: refused, naming it, with the hint.
  ASSERT_TRUE(limits::parse_cgroup_limit("--cpus", "2", l));
  auto refused = limits::RunCgroup::make(parent, l, 4243);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message(), "--cpus 2: the cpu controller is not enabled for the children of " + parent +
                                           ": Operation not supported");
  EXPECT_EQ(refused.error().hint,
            "run it in a cgroup delegated to you, for example: systemd-run --user --scope -p Delegate=yes sandbox ...");
  EXPECT_FALSE(std::filesystem::exists(parent + "/sandbox-4243"));
  std::filesystem::remove_all(parent);
}

}  // namespace
}  // namespace sb

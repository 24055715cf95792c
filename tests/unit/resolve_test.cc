#include "mount/resolve.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

namespace sb::mount {
namespace {

TEST(RelativeDest, Normalises) {
  EXPECT_EQ(relative_dest("/"), "");
  EXPECT_EQ(relative_dest(""), "");
  EXPECT_EQ(relative_dest("/./."), "");
  EXPECT_EQ(relative_dest("/usr"), "usr");
  EXPECT_EQ(relative_dest("usr/lib/"), "usr/lib");
  EXPECT_EQ(relative_dest("//a///b/./c//"), "a/b/c");
  EXPECT_EQ(relative_dest("/a/../b"), "a/../b");  // left for the kernel, inside the root
}

TEST(ParentMode, FollowsPerms) {
  EXPECT_EQ(parent_mode_for(0755), 0755u);
  EXPECT_EQ(parent_mode_for(0700), 0700u);
  EXPECT_EQ(parent_mode_for(0750), 0750u);
  EXPECT_EQ(parent_mode_for(0705), 0705u);
  EXPECT_EQ(parent_mode_for(01777), 0755u);
  EXPECT_EQ(parent_mode_for(0), 0700u);
}

}  // namespace
}  // namespace sb::mount

namespace sb::mount {
namespace {

// The walk must find what openat2(RESOLVE_IN_ROOT) finds, or fail as it fails, on a tree full
// of links that try to leave the root.
class Walk : public ::testing::Test {
 protected:
  std::string dir;
  unique_fd root;
  void SetUp() override {
    char tmpl[] = "/tmp/sandbox-walk.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir = tmpl;
    for (const char* d : {"a", "a/b", "a/b/c", "etc", "loop"}) ::mkdir((dir + "/" + d).c_str(), 0755);
    ::close(::open((dir + "/a/file").c_str(), O_CREAT | O_WRONLY, 0644));
    ::close(::open((dir + "/etc/passwd").c_str(), O_CREAT | O_WRONLY, 0644));
    struct Link {
      const char* at;
      const char* to;
    };
    for (auto [at, to] : {Link{"abs-etc", "/etc"}, Link{"up", "../../../../.."}, Link{"a/b/up", "../../.."},
                          Link{"a/b/c/root", "/"}, Link{"chain1", "chain2"}, Link{"chain2", "a/b/up/etc"},
                          Link{"dangling", "/nowhere/at/all"}, Link{"self", "self"},
                          Link{"loop/x", "../loop/y"}, Link{"loop/y", "x"}, Link{"to-file", "a/file"},
                          Link{"a/b/abs-b", "/a/b"}, Link{"host-tmp", "/tmp"}})
      ASSERT_EQ(::symlink(to, (dir + "/" + at).c_str()), 0) << at;
    root.reset(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(root);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
};

TEST_F(Walk, FindsWhatOpenat2Finds) {
  const char* paths[] = {"", ".", "..", "../..", "a", "a/b/c", "a/b/c/..", "a/b/c/../../..",
                         "abs-etc", "abs-etc/passwd", "up", "up/etc/passwd", "a/b/up", "a/b/up/a/b",
                         "a/b/c/root/etc", "chain1", "chain1/passwd", "dangling", "self", "loop/x",
                         "to-file", "to-file/x", "a/file/x", "a/b/abs-b/c", "host-tmp", "missing",
                         "a/missing/b", "abs-etc/../a/./b//c/", "a/b/up/../../../etc"};
  for (const char* p : paths) {
    auto kernel = resolve({root.get(), Resolver::openat2}, p);
    auto walked = resolve({root.get(), Resolver::walk}, p);
    ASSERT_EQ(kernel.has_value(), walked.has_value()) << p;
    if (!kernel) {
      EXPECT_EQ(kernel.error().err, walked.error().err) << p;
      continue;
    }
    struct stat a, b;
    ASSERT_EQ(::fstat(kernel->get(), &a), 0);
    ASSERT_EQ(::fstat(walked->get(), &b), 0);
    EXPECT_TRUE(a.st_dev == b.st_dev && a.st_ino == b.st_ino) << p;
  }
}

TEST_F(Walk, NeverLeavesTheRoot) {
  struct stat host_tmp, in_root;
  ASSERT_EQ(::stat("/tmp", &host_tmp), 0);
  auto r = resolve({root.get(), Resolver::walk}, "host-tmp");
  EXPECT_FALSE(r.has_value());  // the root has no /tmp: the host's is not found instead
  auto dirs = make_dirs({root.get(), Resolver::walk}, "up/host-made/x", 0755, 0755);
  ASSERT_TRUE(dirs.has_value());
  EXPECT_EQ(::stat((dir + "/host-made/x").c_str(), &in_root), 0);
  EXPECT_NE(::access("/host-made", F_OK), 0);
}

}  // namespace
}  // namespace sb::mount

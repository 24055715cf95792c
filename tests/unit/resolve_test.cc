#include "mount/resolve.h"

#include <gtest/gtest.h>

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

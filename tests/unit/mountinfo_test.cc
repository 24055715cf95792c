#include "mount/mountinfo.h"

#include <gtest/gtest.h>

namespace sb::mount {
namespace {

constexpr const char* kSample =
    "22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
    "23 22 0:22 / /proc rw,nosuid - proc proc rw\n"
    "24 22 0:5 / /dev rw - devtmpfs udev rw\n"
    "25 24 0:23 / /dev/shm rw - tmpfs tmpfs rw\n"
    "30 25 0:27 / /dev/shm rw - tmpfs tmpfs rw\n"
    "31 22 0:28 / /mnt/with\\040space rw - tmpfs tmpfs rw\n"
    "32 23 0:29 / /proc/sys/fs/binfmt_misc rw - binfmt_misc binfmt_misc rw\n";

TEST(Mountinfo, Parses) {
  auto m = parse_mountinfo(kSample);
  ASSERT_TRUE(m.has_value());
  ASSERT_EQ(m->size(), 7u);
  EXPECT_EQ((*m)[0].id, 22);
  EXPECT_EQ((*m)[0].parent, 1);
  EXPECT_EQ((*m)[3].mount_point, "/dev/shm");
  EXPECT_EQ((*m)[5].mount_point, "/mnt/with space");
}

TEST(Mountinfo, RejectsGarbage) {
  auto m = parse_mountinfo("22 1 0:21 / / rw\nnot a line\n");
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().context, "mountinfo: can't parse 'not a line'");
}

TEST(Mountinfo, Unescapes) {
  EXPECT_EQ(unescape_mount_point("a\\040b\\011c\\012d\\134e"), "a b\tc\nd\\e");
  EXPECT_EQ(unescape_mount_point("end\\04"), "end\\04");  // too short to be an escape
  EXPECT_EQ(unescape_mount_point("\\999"), "\\999");
}

TEST(Mountinfo, DescendantsIncludeStackedMounts) {
  auto m = parse_mountinfo(kSample);
  ASSERT_TRUE(m.has_value());
  auto ids = [&](int id) {
    std::vector<int> out;
    for (const auto* e : descendants(*m, id)) out.push_back(e->id);
    return out;
  };
  EXPECT_EQ(ids(24), (std::vector<int>{25, 30}));
  EXPECT_EQ(ids(22), (std::vector<int>{23, 24, 31, 32, 25, 30}));  // children before grandchildren
  EXPECT_TRUE(ids(31).empty());
  EXPECT_TRUE(ids(99).empty());
}

TEST(Mountinfo, Beneath) {
  EXPECT_TRUE(beneath("/a", "/a/b"));
  EXPECT_FALSE(beneath("/a", "/a"));
  EXPECT_FALSE(beneath("/a", "/ab"));
  EXPECT_TRUE(beneath("/", "/proc"));
  EXPECT_FALSE(beneath("/", "/"));
}

}  // namespace
}  // namespace sb::mount

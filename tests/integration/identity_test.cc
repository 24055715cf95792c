// Point 1: a user namespace with a single-id root map onto the caller, setgroups denied.
#include <sys/stat.h>
#include <unistd.h>

#include <sstream>

#include "harness.h"

namespace sbtest {
namespace {

class Identity : public SandboxTest {};

TEST_F(Identity, RootInsideMapsOntoCaller) {
  auto r = run(in_busybox({"sh", "-c", "id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups"}));
  ASSERT_EQ(r.status, 0) << r.err;
  auto l = lines(r.out);
  ASSERT_EQ(l.size(), 5u) << r.out;
  EXPECT_EQ(l[0], "0");
  EXPECT_EQ(l[1], "0");
  auto fields = [](const std::string& s) {
    std::istringstream in(s);
    std::vector<std::string> f;
    for (std::string w; in >> w;) f.push_back(w);
    return f;
  };
  EXPECT_EQ(fields(l[2]), (std::vector<std::string>{"0", std::to_string(getuid()), "1"}));
  EXPECT_EQ(fields(l[3]), (std::vector<std::string>{"0", std::to_string(getgid()), "1"}));
  EXPECT_EQ(l[4], "deny");
}

TEST_F(Identity, ChosenIds) {
  auto r = run(in_busybox({"--uid", "1234", "--gid", "4321", "sh", "-c", "id -u; id -g; id -G"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(lines(r.out), (std::vector<std::string>{"1234", "4321", "4321"}));
}

TEST_F(Identity, GroupsCannotBeChanged) {
  // setgroups is denied: even root inside cannot drop or add supplementary groups.
  auto r = run(in_busybox({"sh", "-c", "echo allow > /proc/self/setgroups || echo refused"}));
  EXPECT_NE(r.out.find("refused"), std::string::npos) << r.out << r.err;
}

TEST_F(Identity, FilesOfCallerAppearAsRoot) {
  TempDir d;
  write_file(d / "f", "x");
  auto r = run(in_busybox({"--bind", d.path(), "/data", "stat", "-c", "%u:%g", "/data/f"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "0:0\n");
  // A file created inside belongs to the caller outside.
  auto w = run(in_busybox({"--bind", d.path(), "/data", "touch", "/data/new"}));
  ASSERT_EQ(w.status, 0) << w.err;
  struct stat st;
  ASSERT_EQ(stat((d / "new").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, getuid());
}

}  // namespace
}  // namespace sbtest

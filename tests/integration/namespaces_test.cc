// Point 2: new mount, pid, ipc, uts, net and cgroup namespaces unless shared; lo up.
#include <unistd.h>

#include <algorithm>
#include <map>

#include "harness.h"

namespace sbtest {
namespace {

class Namespaces : public SandboxTest {};

const char* const kKinds[] = {"net", "pid", "ipc", "uts", "cgroup", "mnt", "user"};

// The namespace inode links of the command, by kind.
std::map<std::string, std::string> inside_links(std::initializer_list<std::string> extra) {
  std::vector<std::string> args = in_busybox({});
  args.insert(args.end(), extra);
  // A new procfs needs a new pid namespace; with the caller's, bind the caller's /proc.
  if (std::find(extra.begin(), extra.end(), "--share-pid") != extra.end()) {
    auto proc = std::find(args.begin(), args.end(), "--proc");
    *proc = "--ro-bind";
    proc = args.insert(proc + 1, "/proc");
  }
  args.insert(args.end(), {"sh", "-c", "for n in net pid ipc uts cgroup mnt user; do echo $n $(readlink /proc/self/ns/$n); done"});
  auto r = run(args);
  EXPECT_EQ(r.status, 0) << r.err;
  std::map<std::string, std::string> out;
  for (auto& l : lines(r.out)) out[l.substr(0, l.find(' '))] = l.substr(l.find(' ') + 1);
  return out;
}

TEST_F(Namespaces, AllNewByDefault) {
  auto in = inside_links({});
  for (const char* k : kKinds)
    EXPECT_NE(in[k], read_link(std::string("/proc/self/ns/") + k)) << k;
}

TEST_F(Namespaces, ShareKeepsOnlyThatOne) {
  struct Case {
    const char* option;
    const char* kind;
  } cases[] = {{"--share-net", "net"}, {"--share-pid", "pid"}, {"--share-ipc", "ipc"},
               {"--share-uts", "uts"}, {"--share-cgroup", "cgroup"}};
  for (auto c : cases) {
    auto in = inside_links({c.option});
    for (const char* k : kKinds) {
      std::string host = read_link(std::string("/proc/self/ns/") + k);
      if (std::string(k) == c.kind)
        EXPECT_EQ(in[k], host) << c.option;
      else
        EXPECT_NE(in[k], host) << c.option << " " << k;
    }
  }
}

TEST_F(Namespaces, InitIsPid1AndCommandPid2) {
  // The glob is expanded by sh itself: no other process runs while it looks.
  auto r = run(in_busybox({"sh", "-c", "echo $$; echo /proc/[0-9]*; cat /proc/1/comm"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(lines(r.out), (std::vector<std::string>{"2", "/proc/1 /proc/2", "sandbox"}));
}

TEST_F(Namespaces, AsPid1) {
  auto r = run(in_busybox({"--as-pid-1", "sh", "-c", "echo $$; echo /proc/[0-9]*"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(lines(r.out), (std::vector<std::string>{"1", "/proc/1"}));
}

TEST_F(Namespaces, PsShowsOnlySandboxProcesses) {
  auto r = run(in_busybox({"ps", "-o", "pid,comm"}));
  ASSERT_EQ(r.status, 0) << r.err;
  auto l = lines(r.out);
  ASSERT_EQ(l.size(), 3u) << r.out;  // header, init, ps
  EXPECT_NE(l[1].find("sandbox"), std::string::npos);
  EXPECT_NE(l[2].find("ps"), std::string::npos);
}

TEST_F(Namespaces, HostnameIsTheSandboxsOwn) {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  auto r = run(in_busybox({"hostname"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "sandbox\n");
  EXPECT_EQ(run(in_busybox({"--hostname", "box-7", "hostname"})).out, "box-7\n");
  // A change inside (it takes CAP_SYS_ADMIN) stays inside.
  auto c = run(in_busybox({"--cap-add", "CAP_SYS_ADMIN", "sh", "-c", "hostname changed-inside && hostname"}));
  EXPECT_EQ(c.out, "changed-inside\n") << c.err;
  char after[256] = {};
  gethostname(after, sizeof after - 1);
  EXPECT_STREQ(host, after);
  // With the caller's uts namespace the hostname is the caller's.
  EXPECT_EQ(run(in_busybox({"--share-uts", "hostname"})).out, std::string(host) + "\n");
}

TEST_F(Namespaces, NetworkHasOnlyLoopbackUp) {
  auto r = run(in_busybox({"sh", "-c", "ls /sys/class/net 2>/dev/null; cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' '; ip -4 addr show lo"}));
  ASSERT_EQ(r.status, 0) << r.err;
  auto l = lines(r.out);
  ASSERT_FALSE(l.empty());
  EXPECT_EQ(l[0], "lo");
  EXPECT_NE(r.out.find("inet 127.0.0.1/8"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(",UP"), std::string::npos) << r.out;
  EXPECT_EQ(std::count(l.begin(), l.end(), "lo"), 1) << r.out;
}

TEST_F(Namespaces, LoopbackWorks) {
  // A server and a client on 127.0.0.1 inside the sandbox.
  auto s = run(in_busybox({"--dev", "/dev", "--tmpfs", "/tmp", "sh", "-c", "nc -l -p 4567 > /tmp/got & for i in 1 2 3 4 5 6 7 8 9 10; do echo hi | nc 127.0.0.1 4567 && break; sleep 0.2; done; wait; cat /tmp/got"}));
  EXPECT_EQ(s.status, 0) << s.err;
  EXPECT_EQ(s.out, "hi\n") << s.err;
}

}  // namespace
}  // namespace sbtest

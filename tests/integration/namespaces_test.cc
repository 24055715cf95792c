// Point 2: new mount, pid, ipc, uts, net and cgroup namespaces unless shared; lo up.
#include <fcntl.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <map>

#include "harness.h"

namespace sbtest {
namespace {

class Namespaces : public SandboxTest {};

const char* const kKinds[] = {"net", "pid", "ipc", "uts", "cgroup", "mnt", "user"};

// Runs args with `--json-status-fd 5` inserted at `at`, the status going to /dev/null. A status
// reader may look at the namespaces at once, so clone makes them all; without one only the user
// and pid namespaces come from clone, and the child and a helper make the others later.
RunResult run_observed(std::vector<std::string> args, std::vector<std::string>::difference_type at) {
  int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  RunOptions o;
  o.fds = {{5, devnull}};
  args.insert(args.begin() + at, {"--json-status-fd", "5"});
  auto r = run(args, o);
  close(devnull);
  return r;
}

// The namespace inode links of the command, by kind; `observed`: see run_observed.
std::map<std::string, std::string> inside_links(std::initializer_list<std::string> extra, bool observed = false) {
  std::vector<std::string> args = in_busybox({});
  args.insert(args.end(), extra);
  // A new procfs needs a new pid namespace; with the caller's, bind the caller's /proc.
  if (std::find(extra.begin(), extra.end(), "--share-pid") != extra.end()) {
    auto proc = std::find(args.begin(), args.end(), "--proc");
    *proc = "--ro-bind";
    proc = args.insert(proc + 1, "/proc");
  }
  auto command = static_cast<std::vector<std::string>::difference_type>(args.size());
  args.insert(args.end(), {"sh", "-c", "for n in net pid ipc uts cgroup mnt user; do echo $n $(readlink /proc/self/ns/$n); done"});
  auto r = observed ? run_observed(args, command) : run(args);
  EXPECT_EQ(r.status, 0) << r.err;
  std::map<std::string, std::string> out;
  for (auto& l : lines(r.out)) out[l.substr(0, l.find(' '))] = l.substr(l.find(' ') + 1);
  return out;
}

TEST_F(Namespaces, AllNewByDefault) {
  for (bool observed : {false, true}) {
    auto in = inside_links({}, observed);
    for (const char* k : kKinds) {
      EXPECT_NE(in[k], "") << k << " " << observed;
      EXPECT_NE(in[k], read_link(std::string("/proc/self/ns/") + k)) << k << " " << observed;
    }
  }
}

TEST_F(Namespaces, ShareKeepsOnlyThatOne) {
  struct Case {
    const char* option;
    const char* kind;
  } cases[] = {{"--share-net", "net"}, {"--share-pid", "pid"}, {"--share-ipc", "ipc"},
               {"--share-uts", "uts"}, {"--share-cgroup", "cgroup"}};
  for (auto c : cases) {
    for (bool observed : {false, true}) {
      auto in = inside_links({c.option}, observed);
      for (const char* k : kKinds) {
        std::string host = read_link(std::string("/proc/self/ns/") + k);
        if (std::string(k) == c.kind)
          EXPECT_EQ(in[k], host) << c.option << " " << observed;
        else
          EXPECT_NE(in[k], host) << c.option << " " << k << " " << observed;
      }
    }
  }
}

TEST_F(Namespaces, InitIsPid1AndCommandPid2) {
  // The glob is expanded by sh itself: no other process runs while it looks.
  auto r = run(in_busybox({"sh", "-c", "echo $$; echo /proc/[0-9]*; cat /proc/1/comm"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(lines(r.out), (std::vector<std::string>{"2", "/proc/1 /proc/2", "sandbox-init"}));
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
  // A server and a client on 127.0.0.1 inside the sandbox. The server's standard input stays
  // open (a FIFO held by the shell) until the client is done: at end of input busybox's nc may
  // quit before what the client sent has arrived. The client tries until the server listens.
  auto s = run(in_busybox({"--dev", "/dev", "--tmpfs", "/tmp", "sh", "-c",
                           "mkfifo /tmp/in; nc -l -p 4567 < /tmp/in > /tmp/got & exec 3> /tmp/in; "
                           "until echo hi | nc 127.0.0.1 4567 2>/dev/null; do sleep 0.05; done; "
                           "exec 3>&-; wait; cat /tmp/got"}));
  EXPECT_EQ(s.status, 0) << s.err;
  EXPECT_EQ(s.out, "hi\n") << s.err;
}

// The network namespace is made by a helper of the monitor while the root is assembled, or by
// clone when a status descriptor may show it to a reader first (launch/netns.h). Made either
// way, it is the sandbox's own: CAP_NET_ADMIN inside is enough to change it, and the change
// stays there.
TEST_F(Namespaces, NetworkNamespaceBelongsToTheSandbox) {
  std::string host_mtu = read_file("/sys/class/net/lo/mtu");
  for (bool with_status : {false, true}) {
    int p[2];
    ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
    RunOptions o;
    o.fds = {{5, p[1]}};
    std::vector<std::string> args = in_busybox({"--cap-add", "CAP_NET_ADMIN"});
    if (with_status) args.insert(args.end(), {"--json-status-fd", "5"});
    args.insert(args.end(), {"sh", "-c", "ip link set lo mtu 1280 && ip link show lo && readlink /proc/self/ns/net"});
    auto r = run(args, o);
    close(p[1]);
    std::string status = read_all(p[0]);
    close(p[0]);
    ASSERT_EQ(r.status, 0) << with_status << r.err;
    EXPECT_NE(r.out.find("mtu 1280"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(",UP"), std::string::npos) << r.out;
    std::string inside = lines(r.out).back();
    EXPECT_NE(inside, read_link("/proc/self/ns/net"));
    if (with_status) {  // the namespace the status named is the one the command has
      EXPECT_NE(status.find("\"net-namespace\": " + inside.substr(5, inside.size() - 6)), std::string::npos)
          << status << inside;
    }
  }
  // Without the capability the same change is refused: the check above could fail.
  auto denied = run(in_busybox({"ip", "link", "set", "lo", "mtu", "1280"}));
  EXPECT_NE(denied.status, 0);
  EXPECT_EQ(read_file("/sys/class/net/lo/mtu"), host_mtu);
}

// The helper's failures reach the caller as one line, and nothing is left behind. The helper
// is made to fail by a seccomp filter: unshare of a network namespace refused (as a policy
// refusing new network namespaces would), or sendmsg refused, so that it ends without handing
// the namespace over.
TEST_F(Namespaces, NetworkNamespaceFailureIsOneLine) {
  struct Case {
    std::string deny;
    const char* message;
  } cases[] = {{std::to_string(SYS_unshare) + ":" + std::to_string(EPERM) + ":" + std::to_string(CLONE_NEWNET),
                "sandbox: Can't create the network namespace: Operation not permitted\n"},
               {std::to_string(SYS_sendmsg) + ":" + std::to_string(EPERM),
                "sandbox: Can't create the network namespace: receiving a descriptor: the "
                "sender ended without one: Broken pipe\n"}};
  for (const auto& c : cases) {
    std::string marker = "netns-failure-" + c.deny;
    std::vector<std::string> args = in_busybox({"--setenv", "MARK", marker, "true"});
    args.insert(args.begin(), {old_kernel_bin(), "--deny", c.deny});
    auto r = run(args);
    EXPECT_EQ(r.status, 125) << r.err;
    EXPECT_EQ(r.err, c.message);
    EXPECT_TRUE(gone_within(marker, 10));
    // The same refusal does not touch a sandbox that shares the caller's network.
    args.insert(args.end() - 1, "--share-net");
    EXPECT_EQ(run(args).status, 0) << c.deny;
  }
}

// When the child's own unshare of the mount, IPC and UTS namespaces is refused, that is one
// line and nothing is left behind; with a status reader clone makes them, and the same refusal
// does not matter. Each kind is refused on its own, so each must be made by that call.
TEST_F(Namespaces, ChildNamespacesFailureIsOneLine) {
  for (int kind : {CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWUTS}) {
    std::string deny = std::to_string(SYS_unshare) + ":" + std::to_string(EPERM) + ":" + std::to_string(kind);
    std::string marker = "child-ns-failure-" + std::to_string(kind);
    std::vector<std::string> args = in_busybox({"--setenv", "MARK", marker, "true"});
    args.insert(args.begin(), {old_kernel_bin(), "--deny", deny});
    auto r = run(args);
    EXPECT_EQ(r.status, 125) << kind << r.err;
    EXPECT_EQ(r.err, "sandbox: Can't create the sandbox's namespaces: Operation not permitted\n") << kind;
    EXPECT_TRUE(gone_within(marker, 10));

    auto observed = run_observed(args, static_cast<std::vector<std::string>::difference_type>(args.size() - 1));
    EXPECT_EQ(observed.status, 0) << kind << observed.err;
  }
}

}  // namespace
}  // namespace sbtest

// --network, --publish and --netns as their users would check them. pasta's tests run in a
// network of the test's own (tests/helpers/netlab.c): a tap device that goes nowhere, a
// gateway 10.0.2.2 that pasta maps to that namespace's loopback, and a DNS server there, so
// nothing leaves the machine.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <thread>
#include <chrono>
#include <string>
#include <vector>

#include "harness.h"

namespace sbtest {
namespace {

class Network : public SandboxTest {};

std::string busybox() { return rootfs() + "/bin/busybox"; }

// How a pasta that `sandbox` started shows in /proc/PID/cmdline (arguments end with a NUL).
const std::string kPasta("pasta\0--config-net\0", 19);

// The uids (real, effective, saved, filesystem) of every pasta running, one line each.
std::string pasta_uids() {
  std::string out;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::string name = e.path().filename();
    if (name[0] < '0' || name[0] > '9' || !read_file(e.path() / "cmdline").starts_with(kPasta)) continue;
    for (const auto& l : lines(read_file(e.path() / "status")))
      if (l.starts_with("Uid:")) out += l + "\n";
  }
  return out;
}

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// {netlab, netlab_options..., --, sh -c SCRIPT netlab ARGS...}: SCRIPT runs in the test's
// network, as its root, with ARGS as "$@".
std::vector<std::string> in_netlab(std::initializer_list<std::string> netlab_options, const std::string& script,
                                   const std::vector<std::string>& args) {
  std::vector<std::string> v{netlab_bin()};
  v.insert(v.end(), netlab_options);
  v.insert(v.end(), {"--", "/bin/sh", "-c", script, "netlab"});
  v.insert(v.end(), args.begin(), args.end());
  return v;
}

// Starts busybox's httpd on ADDR:PORT serving DIR in the script's network, and waits until it
// answers: "$B" is busybox.
std::string serve(const std::string& at, const std::string& dir) {
  return "\"$B\" httpd -f -p " + at + " -h " + dir + " & H=$!; i=0; until \"$B\" wget -q -O /dev/null http://" + at +
         "/ 2>/dev/null; do i=$((i+1)); [ $i -lt 100 ] || exit 99; sleep 0.1; done; ";
}

TEST_F(Network, PastaReachesTheHostsLoopbackThroughTheGatewayAndNothingElse) {
  TempDir www;
  write_file(www / "index.html", "hello from the host\n");
  chmod(www.path().c_str(), 0755);
  const std::string inside =
      "route -n | grep '^0.0.0.0'; wget -q -O- http://10.0.2.2:18000/index.html; "
      // pasta forwards nothing bound on the host's loopback to the sandbox's own.
      "wget -q -T 2 -O- http://127.0.0.1:18000/index.html 2>/dev/null || echo 'own loopback: nothing'";
  auto r = run(in_netlab({}, "B=$1; shift; " + serve("127.0.0.1:18000", www.path()) + "\"$@\"; s=$?; kill $H; exit $s",
                         plus({busybox()}, {}) + plus(in_busybox({"--network", "pasta"}), {"sh", "-c", inside})));
  EXPECT_EQ(r.status, 0) << r.err;
  // The gateway and address pasta copied from the (test's) host network.
  EXPECT_NE(r.out.find("0.0.0.0         10.0.2.2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("hello from the host\n"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("own loopback: nothing\n"), std::string::npos) << r.out;
  EXPECT_TRUE(leftover_processes().empty());
}

TEST_F(Network, NoneHasNoRouteAndHostIsTheCallers) {
  TempDir www;
  write_file(www / "index.html", "hello from the host\n");
  chmod(www.path().c_str(), 0755);
  auto none = run(in_netlab({}, "B=$1; shift; " + serve("127.0.0.1:18000", www.path()) + "\"$@\"; s=$?; kill $H; exit $s",
                            plus({busybox()}, {}) + plus(in_busybox({"--network", "none", "--dev", "/dev"}),
                                 {"sh", "-c", "ip -o link | wc -l; route -n | grep -c '^0.0.0.0'; "
                                  "wget -q -O- http://10.0.2.2:18000/ 2>/dev/null || echo unreachable"})));
  EXPECT_EQ(none.out, "1\n0\nunreachable\n") << none.err;  // lo alone, no route
  auto host = run(in_netlab({}, "B=$1; shift; " + serve("127.0.0.1:18000", www.path()) + "\"$@\"; s=$?; kill $H; exit $s",
                            plus({busybox()}, {}) + plus(in_busybox({"--network", "pasta", "--network", "host"}),
                                 {"wget", "-q", "-O-", "http://127.0.0.1:18000/index.html"})));
  EXPECT_EQ(host.status, 0) << host.err;
  EXPECT_EQ(host.out, "hello from the host\n");
}

TEST_F(Network, PublishedPortsReachServersInside) {
  // TCP: busybox's httpd inside on 8080, reached from the host at 127.0.0.1:18001; UDP: the
  // probe answers a datagram on 9000, reached at 9000 (Debian 12's pasta carries a UDP reply
  // back only where the two ports are the same; the man page says so).
  const std::string script =
      "B=$1; P=$2; shift 2; \"$@\" & S=$!; "
      "i=0; until out=$(\"$B\" wget -q -O- http://127.0.0.1:18001/index.html 2>/dev/null); do "
      "i=$((i+1)); [ $i -lt 100 ] || break; sleep 0.1; done; echo \"tcp: $out\"; "
      "\"$P\" udp-ask 127.0.0.1 9000 hello; kill $S; wait $S";
  const std::string inside =
      "echo served inside > /srv/index.html; httpd -p 8080 -h /srv; /probe udp-echo 9000 >/dev/null; sleep 60";
  auto r = run(in_netlab({}, script,
                         {busybox(), escape_probe_bin(),
                          sandbox_bin(), "--ro-bind", rootfs() + "/bin", "/bin", "--ro-bind", escape_probe_bin(),
                          "/probe", "--tmpfs", "/srv", "--proc", "/proc", "--dev", "/dev", "--network", "pasta",
                          "--publish", "127.0.0.1:18001:8080", "--publish", "9000:9000/udp", "sh", "-c", inside}));
  EXPECT_NE(r.out.find("tcp: served inside\n"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("echo: hello\n"), std::string::npos) << r.out << r.err;
  EXPECT_TRUE(leftover_processes().empty());
}

TEST_F(Network, NamesResolveThroughPastaWithTheHostsResolver) {
  // The test's host has its resolver on its loopback (as systemd-resolved's 127.0.0.53 is):
  // pasta relays what is sent to the gateway's port 53 there.
  TempDir etc;
  write_file(etc / "resolv.conf", "nameserver 10.0.2.2\n");
  chmod(etc.path().c_str(), 0755);
  auto r = run(in_netlab({"--dns", "files.example.test=127.9.9.9"}, "\"$@\"",
                         {sandbox_bin(), "--ro-bind", rootfs() + "/bin", "/bin", "--ro-bind", etc.path(), "/etc",
                          "--proc", "/proc", "--network", "pasta", "sh", "-c",
                          "nslookup files.example.test; nslookup missing.example.test"}));
  EXPECT_NE(r.out.find("Name:\tfiles.example.test\nAddress: 127.9.9.9\n"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("server can't find missing.example.test: NXDOMAIN"), std::string::npos) << r.out;
  // Without pasta there is no one to ask.
  auto none = run(in_netlab({"--dns", "files.example.test=127.9.9.9"}, "\"$@\"",
                            {sandbox_bin(), "--ro-bind", rootfs() + "/bin", "/bin", "--ro-bind", etc.path(), "/etc",
                             "--proc", "/proc", "nslookup", "files.example.test"}));
  EXPECT_EQ(none.out.find("127.9.9.9"), std::string::npos) << none.out;
}

TEST_F(Network, PastaEndsWithTheSandboxEvenAKilledOne) {
  // pasta is the monitor's child, with its death signal: SIGKILL to `sandbox` leaves nothing.
  // Killed once COMMAND runs (pasta is up by then), which the script waits for.
  auto pastas = [] {
    std::set<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator("/proc")) {
      std::string name = e.path().filename();
      if (name[0] >= '0' && name[0] <= '9' && read_file(e.path() / "cmdline").starts_with(kPasta)) out.insert(name);
    }
    return out;
  };
  auto before = pastas();
  TempDir d;
  chmod(d.path().c_str(), 0777);
  auto r = run(in_netlab({}, "\"$@\" > " + d / "out" + " & S=$!; until grep -q up " + d / "out" +
                                 "; do sleep 0.01; done; kill -9 $S; wait $S; echo killed",
                         in_busybox({"--network", "pasta", "sh", "-c", "echo up; sleep 60"})));
  EXPECT_EQ(r.out, "killed\n") << r.err;
  auto left = leftover_processes();
  EXPECT_TRUE(left.empty()) << left.front();
  // No pasta of this test's is left; another program's may come and go meanwhile.
  std::set<std::string> added;
  for (int i = 0; i < 40; ++i) {
    added.clear();
    for (const auto& p : pastas())
      if (!before.count(p)) added.insert(p);
    if (added.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(added.empty());
}

TEST_F(Network, PastaRunsAsTheCallerRootIncluded) {
  // Outside the test's network too (COMMAND sends nothing). pasta started by root keeps
  // root's ids rather than becoming "nobody", who could not open the sandbox's namespaces.
  Background box(in_busybox({"--network", "pasta", "sh", "-c", "echo up; sleep 10"}));
  ASSERT_TRUE(box.wait_for_line("up"));
  std::string uid = std::to_string(getuid());
  EXPECT_EQ(pasta_uids(), "Uid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\n");
  kill(box.pid(), SIGTERM);
  auto r = box.finish();
  EXPECT_EQ(r.status, 143) << r.err;
  EXPECT_TRUE(gone_within(kPasta, 5));
}

TEST_F(Network, PastaFailuresSayWhatToDo) {
  auto no_tun = run(in_netlab({"--no-tun"}, "\"$@\"", in_busybox({"--network", "pasta", "sh", "-c", "echo ran"})));
  EXPECT_EQ(no_tun.status, 125);
  EXPECT_EQ(no_tun.out, "");
  EXPECT_EQ(no_tun.err,
            "sandbox: --network pasta: pasta failed (exit status 1): Failed to open tun socket in namespace\n"
            "sandbox: hint: pasta needs /dev/net/tun open to you; Debian's mode for it is 0666 "
            "(chmod 0666 /dev/net/tun as root)\n");
  std::vector<std::string> argv = {"/usr/bin/env", "PATH=/nonexistent"};
  for (const auto& a : in_busybox({"--network", "pasta", "sh", "-c", "echo ran"})) argv.push_back(a);
  auto r = run(argv);
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "sandbox: --network pasta: can't run pasta: No such file or directory\n"
            "sandbox: hint: install pasta (Debian: apt install passt)\n");
  EXPECT_TRUE(leftover_processes().empty());
}

TEST_F(Network, BadNetworkOptionsAreOneLine) {
  TempDir d;
  std::string fifo = d / "fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  for (const Refusal& c : std::vector<Refusal>{
           {{"--network", "bridge"}, "--network: 'bridge' is not none, host or pasta: Invalid argument"},
           {{"--publish", "8080:80"}, "--publish 8080:80: needs --network pasta"},
           {{"--network", "pasta", "--publish", "80"},
            "--publish 80: expected [ADDR:]HOSTPORT:PORT[/tcp|/udp]: Invalid argument"},
           {{"--network", "pasta", "--publish", "0:80"},
            "--publish 0:80: host port '0' is not a port (1 to 65535): Invalid argument"},
           {{"--network", "pasta", "--publish", "8080:70000"},
            "--publish 8080:70000: port '70000' is not a port (1 to 65535): Invalid argument"},
           {{"--network", "pasta", "--publish", "8080:80/sctp"},
            "--publish 8080:80/sctp: 'sctp' is not tcp or udp: Invalid argument"},
           {{"--network", "pasta", "--publish", "::1:8080:80"},
            "--publish ::1:8080:80: '::1' is not an address (write an IPv6 one in brackets): Invalid argument"},
           {{"--network", "pasta", "--publish", "[::1:8080:80"},
            "--publish [::1:8080:80: expected [ADDR]:HOSTPORT:PORT: Invalid argument"},
           {{"--network", "pasta", "--share-net"},
            "--network pasta needs the sandbox's own network namespace: drop --share-net"},
           {{"--netns", "/proc/self/ns/net", "--network", "pasta"}, "--netns cannot be combined with --network pasta"},
           {{"--netns", "/proc/self/ns/net", "--unshare-net"},
            "--netns cannot be combined with a network namespace of the sandbox's own (--network none, --unshare-net)"},
           {{"--netns", "/nonexistent/ns"}, "--netns /nonexistent/ns: No such file or directory"},
           {{"--netns", "/tmp"}, "--netns /tmp: not a namespace file (such as /proc/PID/ns/net): Invalid argument"},
           // Looked at before it is opened: a FIFO would block the open for ever.
           {{"--netns", fifo}, "--netns " + fifo + ": not a namespace file (such as /proc/PID/ns/net): Invalid argument"},
           {{"--netns", "/proc/self/ns/uts"}, "--netns /proc/self/ns/uts: not a network namespace: Invalid argument"},
       })
    expect_setup_refusal(c.options, c.line);
}

TEST_F(Network, NetnsSharesOneNetworkBetweenSandboxes) {
  // The first sandbox serves on its own loopback; the second joins its network namespace.
  pid_t child = -1;
  auto first = start_waiting({"--tmpfs", "/srv", "--dev", "/dev"}, &child);
  ASSERT_GT(child, 0);
  std::string ns = "/proc/" + std::to_string(child) + "/ns/net";
  Background server(
      {sandbox_bin(), "--netns", ns, "--ro-bind", rootfs() + "/bin", "/bin", "--tmpfs", "/srv", "--dev", "/dev", "sh",
       "-c", "echo shared > /srv/index.html; echo ready; exec httpd -f -p 127.0.0.1:8080 -h /srv"});
  ASSERT_TRUE(server.wait_for_line("ready"));
  auto r = run({sandbox_bin(), "--netns", ns, "--ro-bind", rootfs() + "/bin", "/bin", "--proc", "/proc", "sh", "-c",
                "i=0; until wget -q -O- http://127.0.0.1:8080/index.html; do i=$((i+1)); [ $i -lt 50 ] || exit 1; "
                "sleep 0.1; done; readlink /proc/self/ns/net"});
  EXPECT_EQ(r.status, 0) << r.err;
  // Its namespace is the first sandbox's, not a new one, and not the caller's.
  std::string expected = read_link(ns);
  EXPECT_EQ(r.out, "shared\n" + expected + "\n") << r.err;
  EXPECT_NE(expected, read_link("/proc/self/ns/net"));
  kill(server.pid(), SIGTERM);
  server.finish();
  kill(first->pid(), SIGTERM);
  first->finish();
  EXPECT_TRUE(leftover_processes().empty());
}

TEST_F(Network, NetnsRefusesWhatTheCallerMayNotEnter) {
  if (getuid() == 0) {
    // Root may join its own network namespace: the sandbox is then in it.
    auto r = run(in_busybox({"--netns", "/proc/self/ns/net", "readlink", "/proc/self/ns/net"}));
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, read_link("/proc/self/ns/net") + "\n");
    return;
  }
  expect_setup_refusal({"--netns", "/proc/1/ns/net"}, "--netns /proc/1/ns/net: you may not enter it: Permission denied");
  auto own = run(in_busybox({"--netns", "/proc/self/ns/net", "true"}));
  EXPECT_EQ(own.status, 125);
  EXPECT_EQ(own.err,
            "sandbox: --netns /proc/self/ns/net: can't join it: Operation not permitted\n"
            "sandbox: hint: a namespace owned by your own user namespace needs privilege to join; for your network "
            "use --network host\n");
}

TEST_F(Network, DryRunSaysWhichNetwork) {
  auto line = [](std::initializer_list<std::string> options) {
    std::vector<std::string> argv = {sandbox_bin(), "--dry-run"};
    argv.insert(argv.end(), options);
    argv.push_back("true");
    for (const auto& l : lines(run(argv).out))
      if (l.starts_with("network: ")) return l;
    return std::string("none");
  };
  EXPECT_EQ(line({}), "network: none (lo only)");
  EXPECT_EQ(line({"--network", "host"}), "network: the caller's");
  EXPECT_EQ(line({"--network", "pasta", "--publish", "127.0.0.1:8080:80", "--publish", "[::1]:5353:53/udp"}),
            "network: pasta: outbound TCP, UDP, ICMP and DNS; published 127.0.0.1:8080 -> 80/tcp, ::1:5353 -> 53/udp");
  EXPECT_EQ(line({"--netns", "/proc/1/ns/net"}), "network: joins /proc/1/ns/net (--netns)");
}

}  // namespace
}  // namespace sbtest

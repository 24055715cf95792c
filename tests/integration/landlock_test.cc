// The Landlock layer as an attacker inside would test it: writes where only the mount would
// allow them, host abstract sockets and host processes with the network and pid namespaces
// shared, TCP ports against loopback servers, and a kernel without Landlock.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include "harness.h"

namespace sbtest {
namespace {

class Landlock : public SandboxTest {};

// The probe's calls of this file need no ABI of their own: the x86-64 one.
std::string probe(const std::vector<std::string>& options, std::initializer_list<std::string> call) {
  std::vector<std::string> abi_call = {"64"};
  abi_call.insert(abi_call.end(), call);
  return syscall_probe(options, abi_call);
}

TEST_F(Landlock, HostAbstractSocketsAreOutOfReachWithTheNetworkShared) {
  // X11's @/tmp/.X11-unix/X0 and D-Bus listen in the abstract namespace, which follows the
  // network namespace: shared, only Landlock's scope keeps COMMAND away from them.
  std::string name = "sandbox-landlock-test-" + std::to_string(getpid());
  int s = abstract_listener(name);
  EXPECT_EQ(probe({"--share-net"}, {"connect-abstract", name}), "EPERM");
  EXPECT_EQ(probe({"--share-net", "--no-landlock"}, {"connect-abstract", name}), "ok");
  // The scope refuses the host's sockets, not every abstract address: one no one listens on
  // is refused by the kernel as usual.
  EXPECT_EQ(probe({"--share-net"}, {"connect-abstract", name + "-none"}), "ECONNREFUSED");
  close(s);
}

TEST_F(Landlock, HostProcessesAreOutOfSignalsReachWithThePidsShared) {
  pid_t host = fork();
  if (host == 0) {
    pause();
    _exit(0);
  }
  std::string pid = std::to_string(host);
  auto scoped = run(in_busybox({"--share-pid", "sh", "-c", "kill -0 " + pid + " 2>&1; echo $?; kill -0 $$ && echo self"}));
  EXPECT_EQ(scoped.out, "sh: can't kill pid " + pid + ": Operation not permitted\n1\nself\n") << scoped.err;
  auto open = run(in_busybox({"--share-pid", "--no-landlock", "sh", "-c", "kill -0 " + pid + " && echo reached"}));
  EXPECT_EQ(open.out, "reached\n") << open.err;
  // init is in the same domain as COMMAND: COMMAND may signal it.
  auto init = run(in_busybox({"sh", "-c", "kill -0 1 && echo init"}));
  EXPECT_EQ(init.out, "init\n") << init.err;
  kill(host, SIGKILL);
  waitpid(host, nullptr, 0);
}

TEST_F(Landlock, TcpOnlyToTheListedPorts) {
  int a_port = 0, b_port = 0;
  int a = loopback_server(&a_port), b = loopback_server(&b_port);
  std::string A = std::to_string(a_port), B = std::to_string(b_port);
  EXPECT_EQ(probe({"--share-net"}, {"tcp-connect", B}), "ok");
  EXPECT_EQ(probe({"--share-net", "--allow-tcp-connect", A}, {"tcp-connect", A}), "ok");
  EXPECT_EQ(probe({"--share-net", "--allow-tcp-connect", A}, {"tcp-connect", B}), "EACCES");
  EXPECT_EQ(probe({"--share-net", "--allow-tcp-connect", A + "-" + A, "--allow-tcp-connect", B}, {"tcp-connect", B}), "ok");
  // Either option restricts both rights.
  close(a);
  EXPECT_EQ(probe({"--share-net", "--allow-tcp-connect", B}, {"tcp-bind", A}), "EACCES");
  EXPECT_EQ(probe({"--share-net", "--allow-tcp-bind", A}, {"tcp-bind", A}), "ok");
  EXPECT_EQ(probe({"--share-net", "--allow-tcp-bind", A}, {"tcp-connect", B}), "EACCES");
  // All ports of one right: that right is not restricted.
  EXPECT_EQ(probe({"--share-net", "--allow-tcp-bind", A, "--allow-tcp-connect", "0-65535"}, {"tcp-connect", B}), "ok");
  // The drop-in keeps them too.
  auto bwrap = run({bwrap_bin(), "--ro-bind", rootfs() + "/bin", "/bin", "--ro-bind", syscall_probe_bin(), "/probe",
                    "--allow-tcp-connect", A, "/probe", "64", "tcp-connect", B});
  EXPECT_EQ(bwrap.out, "EACCES\n") << bwrap.err;
  close(b);
}

// Landlock's port rules cover IPPROTO_TCP sockets: an attacker inside tries every other way to
// a TCP stream to an unlisted port, on every ABI.
TEST_F(Landlock, TcpPortRulesHaveNoWayRound) {
  int b_port = 0;
  int b = loopback_server(&b_port);
  std::string B = std::to_string(b_port);
  const std::vector<std::string> rules = {"--share-net", "--allow-tcp-connect", "1", "--allow-tcp-bind", "1"};
  // Without port rules, MPTCP reaches the server: the attack is real on this kernel.
  EXPECT_EQ(probe({"--share-net"}, {"mptcp-connect", B}), "ok");
  EXPECT_EQ(probe(rules, {"mptcp-connect", B}), "EPROTONOSUPPORT");
  EXPECT_EQ(probe(rules, {"mptcp6-connect", B}), "EPROTONOSUPPORT");
  EXPECT_EQ(probe(rules, {"mptcp-bind", "0"}), "EPROTONOSUPPORT");
  EXPECT_EQ(probe(rules, {"tcp-fastopen", B}), "EACCES");  // a connect made by sendto
  auto i386 = [&](const std::string& how) { return run(syscall_probing(rules, {"32", how, B})).out; };
  EXPECT_EQ(i386("socketcall-mptcp-connect"), "socket ENOSYS\n");  // its arguments cannot be read
  EXPECT_EQ(i386("socket-mptcp-connect"), "socket EPROTONOSUPPORT\n");
  EXPECT_EQ(syscall_probe(rules, {"x32", "socket", "2", "1", "262"}), "EPROTONOSUPPORT");
  // io_uring makes sockets without the socket call: refused even with no syscall profile.
  EXPECT_EQ(probe({"--seccomp-profile", "none", "--allow-tcp-connect", "1"}, {"io_uring_setup", "1", "0"}), "EPERM");
  EXPECT_EQ(probe({"--seccomp-profile", "none"}, {"io_uring_setup", "1", "0"}), "EFAULT");
  // listen() without bind takes a port the kernel picks, outside the rules (the man page says so).
  EXPECT_EQ(probe(rules, {"tcp-listen"}), "ok");
  // Every process of the sandbox carries the program: init as COMMAND.
  auto l = init_and_command_filters({"--allow-tcp-connect", "1"});
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0], l[1]);
  auto plain = run(in_busybox({"sh", "-c", "grep Seccomp_filters /proc/self/status | sed 's/.*://'"}));
  EXPECT_NE(plain.out, l[1] + "\n");  // one more than without the rules
  // The drop-in too.
  auto bwrap = run({bwrap_bin(), "--ro-bind", rootfs() + "/bin", "/bin", "--ro-bind", syscall_probe_bin(), "/probe",
                    "--allow-tcp-connect", "1", "/probe", "64", "mptcp-connect", B});
  EXPECT_EQ(bwrap.out, "EPROTONOSUPPORT\n") << bwrap.err;
  close(b);
}

TEST_F(Landlock, BadPortsAndNoLandlockAreRefused) {
  const Refusal cases[] = {
      {{"--allow-tcp-connect", "70000"}, "--allow-tcp-connect 70000: takes a port, or a range FIRST-LAST, from 0 to 65535: Invalid argument"},
      {{"--allow-tcp-bind", "90-80"}, "--allow-tcp-bind 90-80: the range ends before it starts: Invalid argument"},
      {{"--allow-tcp-bind", "8o"}, "--allow-tcp-bind 8o: takes a port, or a range FIRST-LAST, from 0 to 65535: Invalid argument"},
      {{"--no-landlock", "--allow-tcp-connect", "80"},
       "--allow-tcp-connect 80: TCP port rules are kept by Landlock, which --no-landlock turns off: Invalid argument"},
  };
  for (const auto& c : cases) expect_setup_refusal(c.options, c.line);
}

TEST_F(Landlock, AKernelWithoutLandlock) {
  // landlock_create_ruleset answers ENOSYS, as on a kernel built without Landlock: the layer
  // is skipped without a word; a rule only Landlock could keep is refused.
  constexpr const char* kNoLandlock = "444:38";
  auto quiet = run([&] {
    std::vector<std::string> v = {old_kernel_bin(), "--deny", kNoLandlock};
    auto inner = in_busybox({"sh", "-c", "echo ran"});
    v.insert(v.end(), inner.begin(), inner.end());
    return v;
  }());
  EXPECT_EQ(quiet.status, 0) << quiet.err;
  EXPECT_EQ(quiet.out, "ran\n");
  EXPECT_EQ(quiet.err, "");
  auto dry = run({old_kernel_bin(), "--deny", kNoLandlock, sandbox_bin(), "--dry-run", "true"});
  EXPECT_NE(dry.out.find("\nlandlock: none (this kernel has no Landlock)\n"), std::string::npos) << dry.out;
  auto ports = run({old_kernel_bin(), "--deny", kNoLandlock, sandbox_bin(), "--allow-tcp-connect", "80", "true"});
  EXPECT_EQ(ports.status, 125);
  EXPECT_EQ(ports.err, "sandbox: --allow-tcp-connect 80: TCP port rules need Landlock ABI 4 (Linux 6.7); this kernel "
                       "has no Landlock: Operation not supported\n");
}

TEST_F(Landlock, FilesAreWritableOnlyBeneathWritableMounts) {
  // The new root is a tmpfs the mount lets anyone write; the layer does not.
  EXPECT_EQ(probe({}, {"mkdir", "@/newdir", "0755"}), "EACCES");
  EXPECT_EQ(probe({"--no-landlock"}, {"mkdir", "@/newdir", "0755"}), "ok 0");
  // What the caller asked to be writable is.
  EXPECT_EQ(probe({"--dir", "/made"}, {"mkdir", "@/made/x", "0755"}), "ok 0");
  EXPECT_EQ(probe({"--tmpfs", "/t"}, {"mkdir", "@/t/x", "0755"}), "ok 0");
  EXPECT_EQ(probe({"--tmpfs", "/t", "--dir", "/t/deeper"}, {"mkdir", "@/t/deeper/x", "0755"}), "ok 0");
  int data = data_fd("x");
  RunOptions o;
  o.fds = {{5, data}};
  auto file = run(syscall_probing({"--file", "5", "/f"}, {"64", "open", "@/f", "2"}), o);
  EXPECT_EQ(file.out, "ok 3\n") << file.err;
  close(data);
  // procfs files the process may write, and devices beneath --dev.
  EXPECT_EQ(probe({}, {"open", "@/proc/self/oom_score_adj", "1"}), "ok 3");
  EXPECT_EQ(probe({"--dev", "/dev"}, {"open", "@/dev/null", "2"}), "ok 3");
  // A read-only bind is read-only either way: the layer is a second wall behind the mount.
  EXPECT_EQ(probe({}, {"mkdir", "@/bin/x", "0755"}), "EROFS");
  // Every process of the sandbox, not only COMMAND.
  auto bg = run(in_busybox({"--dev", "/dev", "sh", "-c", "(mkdir /newdir 2>&1 || echo refused) & wait"}));
  EXPECT_EQ(bg.out, "mkdir: can't create directory '/newdir': Permission denied\nrefused\n") << bg.err;
  // A root bound writable is writable, down to everything beneath it.
  TempDir d;
  auto root = run(sandbox({"--bind", d.path(), "/", "--ro-bind", rootfs() + "/bin", "/bin", "sh", "-c",
                           "mkdir /x && echo made > /x/f && cat /x/f"}));
  EXPECT_EQ(root.out, "made\n") << root.err;
  EXPECT_EQ(read_file(d / "x/f"), "made\n");
}

TEST_F(Landlock, DryRunShowsTheLayer) {
  auto r = run(sandbox({"--dry-run", "--allow-tcp-connect", "443", "--allow-tcp-connect", "80-81", "true"}));
  EXPECT_NE(r.out.find("\nlandlock: ABI "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("; TCP connect: 80-81, 443; TCP bind: none; in init and COMMAND\n"), std::string::npos) << r.out;
  auto files = run(sandbox({"--dry-run", "--ro-bind", "/usr", "/usr", "--tmpfs", "/tmp", "--dir", "/work", "true"}));
  EXPECT_NE(files.out.find("; files: read / (the new root), read, write, devices /dev (the automatic --dev /dev), "
                           "read, write /tmp (--tmpfs #1), read /usr (--ro-bind #1), read, write /work (--dir #1);"),
            std::string::npos)
      << files.out;
  auto admin = run(sandbox({"--dry-run", "--cap-add", "CAP_SYS_ADMIN", "true"}));
  EXPECT_NE(admin.out.find("; no filesystem rules (COMMAND keeps CAP_SYS_ADMIN to mount with);"), std::string::npos)
      << admin.out;
  auto off = run(sandbox({"--dry-run", "--no-landlock", "true"}));
  EXPECT_NE(off.out.find("\nlandlock: off (--no-landlock)\n"), std::string::npos) << off.out;
}

}  // namespace
}  // namespace sbtest

// What an attacker inside would try first (native personality, defaults).
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "harness.h"

namespace sbtest {
namespace {


class Escape : public SandboxTest {
 protected:
  // The escape probe's folder, bound at /probe, and the probe's path there.
  static std::string probe_dir() { return dir_of(escape_probe_bin()); }
  static std::string probe_inside() { return "/probe/" + base_of(escape_probe_bin()); }
  // {sandbox, busybox, the probe's folder at /probe, options..., the probe with args...}
  static std::vector<std::string> probing(std::initializer_list<std::string> options,
                                          std::initializer_list<std::string> args) {
    std::vector<std::string> v = in_busybox({"--ro-bind", probe_dir(), "/probe"});
    v.insert(v.end(), options);
    v.push_back(probe_inside());
    v.insert(v.end(), args);
    return v;
  }
};

TEST_F(Escape, PrivilegedCallsFail) {
  auto r = run(in_busybox({"--tmpfs", "/t", "--dev", "/dev", "sh", "-c",
                           "mount -t tmpfs none /t 2>/dev/null || echo mount;"
                           "umount /proc 2>/dev/null || echo umount;"
                           "chroot / true 2>/dev/null || echo chroot;"
                           "cd /t && pivot_root . . 2>/dev/null || echo pivot_root;"
                           "mknod /t/null c 1 3 2>/dev/null || echo mknod;"
                           "hostname other 2>/dev/null || echo sethostname;"
                           "ip link set lo down 2>/dev/null || echo netadmin"}));
  EXPECT_EQ(r.out, "mount\numount\nchroot\npivot_root\nmknod\nsethostname\nnetadmin\n") << r.err;
}

TEST_F(Escape, NestedUserNamespaceCannotUnlockReadOnlyBinds) {
  TempDir d;
  write_file(d / "f", "original\n");
  // A new user namespace inside is allowed by default; its root still cannot make the bind
  // writable, nor unmount it to see what it covers. This is the mount namespace's own wall,
  // so it is shown without Landlock, which would stop the attempt before it starts (below).
  // As uid 1000 inside: mapping the parent's uid 0 would need CAP_SETFCAP (see the man page).
  const std::string attempt = "id -u; mount -o remount,bind,rw /data 2>/dev/null || echo remount-refused;"
                              "umount /data 2>/dev/null || echo umount-refused;"
                              "echo changed > /data/f 2>/dev/null || echo write-refused";
  auto r = run(in_busybox({"--no-landlock", "--uid", "1000", "--gid", "1000", "--dev", "/dev", "--ro-bind", d.path(), "/data", "unshare",
                           "-r", "-m", "sh", "-c", attempt}));
  EXPECT_EQ(r.out, "0\nremount-refused\numount-refused\nwrite-refused\n") << r.err;
  EXPECT_EQ(read_file(d / "f"), "original\n");
  // With Landlock's filesystem rules, the nested mount namespace cannot even be set up (its
  // mounts made private), and a mount is refused even to a root of a new user namespace.
  auto ll = run(in_busybox({"--uid", "1000", "--gid", "1000", "--dev", "/dev", "--ro-bind", d.path(), "/data", "sh", "-c",
                            "unshare -r -m sh -c 'echo inside' 2>/dev/null || echo unshare-refused;"
                            "unshare -r sh -c 'mount -t tmpfs none /data 2>/dev/null || echo mount-refused;"
                            "echo changed > /data/f 2>/dev/null || echo write-refused'"}));
  EXPECT_EQ(ll.out, "unshare-refused\nmount-refused\nwrite-refused\n") << ll.err;
  EXPECT_EQ(read_file(d / "f"), "original\n");
}

TEST_F(Escape, NoWayBackToTheOldRoot) {
  auto r = run(in_busybox({"--chdir", "/", "sh", "-c",
                           "for p in /proc/[0-9]*; do readlink $p/root; readlink $p/cwd; done | sort -u;"
                           "ls /proc/$$/root/ | tr '\\n' ' '; echo; ls /proc/self/fd | wc -l;"
                           "ls /proc/1/root/ 2>/dev/null || echo init-refused"}));
  ASSERT_EQ(r.status, 0) << r.err;
  auto l = lines(r.out);
  ASSERT_GE(l.size(), 3u) << r.out;
  EXPECT_EQ(l[0], "/");  // every process's root and cwd is the new root
  EXPECT_EQ(l[1], "bin dev etc proc root tmp ");
  EXPECT_EQ(l.back(), "init-refused");  // init is sandbox-init, closed to COMMAND
}

TEST_F(Escape, MonitorIsOutOfReach) {
  Background bg(in_busybox({"sh", "-c", "echo ready; exec sleep 1000"}));
  ASSERT_TRUE(bg.wait_for_line("ready"));
  std::string monitor = std::to_string(bg.pid());
  auto r = run(in_busybox({"sh", "-c", "kill -0 " + monitor + " 2>/dev/null && echo reachable || echo unreachable;"
                                       "ls /proc/" + monitor + " >/dev/null 2>&1 && echo visible || echo invisible"}));
  EXPECT_EQ(r.out, "unreachable\ninvisible\n");
  kill(bg.pid(), SIGKILL);
}

TEST_F(Escape, SandboxBinaryCannotBeRewrittenThroughProc) {
  std::string before = read_file(sandbox_bin());
  // /proc/1/exe is the sandbox binary (init); opening it for writing must fail.
  auto r = run(in_busybox({"sh", "-c", "echo x >> /proc/1/exe 2>/dev/null && echo wrote || echo refused;"
                                       "echo x > /proc/self/exe 2>/dev/null && echo wrote || echo refused"}));
  EXPECT_EQ(r.out, "refused\nrefused\n");
  EXPECT_EQ(read_file(sandbox_bin()), before);
}

TEST_F(Escape, HostLoopbackServerUnreachable) {
  int port_number = 0;
  int s = loopback_server(&port_number);
  std::string port = std::to_string(port_number);
  // Accept and hang up at once, so a client that did get through ends.
  std::thread server([s] {
    for (;;) {
      int c = accept4(s, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) return;
      close(c);
    }
  });
  auto r = run(in_busybox({"--dev", "/dev", "sh", "-c", "echo hi | nc -w 2 127.0.0.1 " + port + " && echo connected || echo refused"}));
  EXPECT_EQ(r.out, "refused\n") << r.err;
  // With the caller's network it connects: the test can tell the two apart.
  auto shared = run(in_busybox({"--share-net", "--dev", "/dev", "sh", "-c", "echo hi | nc -w 2 127.0.0.1 " + port + " && echo connected"}));
  EXPECT_EQ(shared.out, "connected\n") << shared.err;
  shutdown(s, SHUT_RDWR);  // ends accept
  server.join();
  close(s);
}

TEST_F(Escape, HostSysvIpcInvisible) {
  int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
  ASSERT_GE(id, 0);
  // /proc/sysvipc lists the segments of the reader's ipc namespace.
  std::string count = "tail -n +2 /proc/sysvipc/shm | grep -c ' " + std::to_string(id) + " ' || true";
  auto r = run(in_busybox({"sh", "-c", count}));
  EXPECT_EQ(r.out, "0\n") << r.err;
  auto shared = run(in_busybox({"--share-ipc", "sh", "-c", count}));
  EXPECT_EQ(shared.out, "1\n") << shared.err;
  shmctl(id, IPC_RMID, nullptr);
}

TEST_F(Escape, KernelWideCallsFail) {
  // kexec, reboot, modules, swap, process accounting, the clock and port I/O act on the whole
  // machine: they need capabilities over the host, which no sandbox has.
  const std::string calls[] = {"kexec_load", "kexec_file_load", "reboot", "init_module", "finit_module",
                               "delete_module", "swapon", "acct", "settimeofday", "clock_settime", "iopl", "ioperm"};
  auto r = run(probing({}, {"privileged"}));
  ASSERT_EQ(r.status, 0) << r.err;
  // EPERM; or ENOSYS where this kernel was built without the call (no kexec, no modules, no
  // port I/O): refused either way.
  auto got = lines(r.out);
  ASSERT_EQ(got.size(), std::size(calls)) << r.out;
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_TRUE(got[i] == calls[i] + " EPERM" || got[i] == calls[i] + " ENOSYS") << got[i];
  EXPECT_NE(r.out.find("reboot EPERM\n"), std::string::npos);
  EXPECT_NE(r.out.find("settimeofday EPERM\n"), std::string::npos);
  // Every capability of the sandbox's own namespace does not reach them either; reboot, which
  // here would only end the sandbox's pid namespace, is then refused for the request itself.
  // Without the syscall profile, which refuses reboot before the kernel looks at it.
  auto all = run(probing({"--cap-add", "ALL", "--seccomp-profile", "none"}, {"privileged"}));
  ASSERT_EQ(all.status, 0) << all.err;
  for (const auto& l : lines(all.out)) EXPECT_EQ(l.find(" ok"), std::string::npos) << l;
  EXPECT_NE(all.out.find("reboot EINVAL\n"), std::string::npos) << all.out;
  EXPECT_EQ(lines(all.out).size(), std::size(calls));
  auto profiled = run(probing({"--cap-add", "ALL"}, {"privileged"}));
  EXPECT_NE(profiled.out.find("reboot EPERM\n"), std::string::npos) << profiled.out;
}

TEST_F(Escape, HostAbstractUnixSocketsUnreachable) {
  // Abstract socket names live in the network namespace, not in the filesystem.
  std::string name = "sandbox-escape-test-" + std::to_string(getpid());
  int s = abstract_listener(name);
  EXPECT_EQ(run(probing({}, {"abstract", name})).out, "ECONNREFUSED\n");
  // With the caller's network and no Landlock layer the same name answers: the probe can tell
  // the two apart. With the layer (Landlock ABI 6), the host's socket stays out of reach.
  EXPECT_EQ(run(probing({"--share-net", "--no-landlock"}, {"abstract", name})).out, "connected\n");
  EXPECT_EQ(run(probing({"--share-net"}, {"abstract", name})).out, "EPERM\n");
  close(s);
}

TEST_F(Escape, MonitorCannotBePtraced) {
  Background other(in_busybox({"sh", "-c", "echo ready; exec sleep 1000"}));
  ASSERT_TRUE(other.wait_for_line("ready"));
  // A monitor has no pid in the sandbox's pid namespace: there is nothing to attach to.
  EXPECT_EQ(run(probing({}, {"ptrace", std::to_string(other.pid())})).out, "ESRCH\n");
  auto r = run(in_busybox({"sh", "-c", "grep PPid /proc/1/status"}));
  EXPECT_EQ(r.out, "PPid:\t0\n") << r.err;
  // Even where it is visible (--share-pid), it belongs to the caller's user namespace, over
  // which the sandbox has no capability. Its own monitor is the parent of its init.
  std::string p = probe_inside();
  // A new procfs needs a pid namespace of the sandbox's own: the caller's is bound instead.
  auto shared = run({sandbox_bin(), "--share-pid", "--ro-bind", rootfs() + "/bin", "/bin", "--ro-bind", "/proc", "/proc",
                     "--ro-bind", probe_dir(), "/probe", "sh", "-c",
                                "m=$(grep PPid /proc/$PPID/status | cut -f2); " + p + " ptrace $m; " + p +
                                    " ptrace " + std::to_string(other.pid())});
  EXPECT_EQ(shared.out, "EPERM\nEPERM\n") << shared.err;
  kill(other.pid(), SIGKILL);
}

TEST_F(Escape, DieWithParentHoldsDuringSetup) {
  // The parent dies while the sandbox is still being set up, held at --userns-block-fd (before
  // any mount) or at --block-fd (just before exec): the command never runs and nothing stays.
  for (const char* hold : {"--userns-block-fd", "--block-fd"}) {
    for (bool die_with_parent : {true, false}) {
      TempDir out;
      chmod(out.path().c_str(), 0777);
      std::string marker = std::string("dwp-setup-") + (hold + 2) + std::to_string(die_with_parent);
      int block[2], info[2];
      ASSERT_EQ(pipe2(block, O_CLOEXEC), 0);
      ASSERT_EQ(pipe2(info, O_CLOEXEC), 0);
      std::vector<std::string> argv = in_busybox({"--setenv", "MARKER", marker, "--info-fd", "4", hold, "3",
                                                  "--bind", out.path(), "/out", "touch", "/out/ran"});
      if (die_with_parent) argv.insert(argv.begin() + 1, "--die-with-parent");
      std::string cmd;
      for (const auto& a : argv) cmd += "'" + a + "' ";
      RunOptions opts;
      opts.fds = {{3, block[0]}, {4, info[1]}};
      Background parent({"/bin/sh", "-c", cmd + "& wait"}, opts);
      close(info[1]);
      close(block[0]);
      // The first status names the child: it exists, and waits. (The shell keeps its copy of the
      // descriptor, so no end of file comes: read up to the end of the object.)
      std::string status;
      char c;
      while (status.find('}') == std::string::npos && read(info[0], &c, 1) == 1) status += c;
      close(info[0]);
      ASSERT_NE(status.find("child-pid"), std::string::npos) << hold << ": " << status;
      ASSERT_TRUE(process_with(marker));
      kill(parent.pid(), SIGKILL);  // only the shell: the sandbox is its child
      if (die_with_parent) {
        EXPECT_TRUE(gone_within(marker, 20)) << hold;
      } else {
        // Without the option the monitor outlives its parent: the test can see the difference.
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        EXPECT_TRUE(process_with(marker)) << hold;
      }
      close(block[1]);  // lets a survivor go on, and end
      if (!die_with_parent) {
        EXPECT_TRUE(gone_within(marker, 20)) << hold;
      }
      // A survivor held at --userns-block-fd goes on without id maps (no helper wrote them) and
      // fails; at --block-fd it runs the command.
      bool ran_expected = !die_with_parent && std::string(hold) == "--block-fd";
      EXPECT_EQ(exists(out / "ran"), ran_expected) << hold;
      parent.finish(5);
    }
  }
}

// A set-user-ID program: given by the test runner (run-unprivileged.sh makes one owned by root),
// else made here, when the tests run as root, owned by another user.
std::string setuid_probe(const TempDir& dir) {
  if (const char* p = std::getenv("SANDBOX_SUID_PROBE")) return p;
  if (geteuid() != 0) {
    ADD_FAILURE() << "SANDBOX_SUID_PROBE must name a set-user-ID copy of escape-probe when not root";
    return "";
  }
  std::string path = dir / "escape-probe";
  write_file(path, read_file(escape_probe_bin()), 0755);
  EXPECT_EQ(chown(path.c_str(), 65534, 65534), 0);
  EXPECT_EQ(chmod(path.c_str(), 04755), 0);  // after chown, which clears the bit
  chmod(dir.path().c_str(), 0755);
  return path;
}

TEST_F(Escape, SetuidProgramsGainNothing) {
  TempDir dir;
  std::string probe_path = setuid_probe(dir);
  ASSERT_FALSE(probe_path.empty());
  std::string folder = dir_of(probe_path);
  std::string inside = "/suid/" + base_of(probe_path);
  // Outside, the bit works: the effective uid is the owner's.
  auto host = run({probe_path, "ids"});
  std::istringstream h(host.out);
  unsigned ruid = 0, euid = 0;
  h >> ruid >> euid;
  ASSERT_NE(ruid, euid) << "the set-user-ID bit has no effect here: " << host.out << host.err;
  // Inside, on a nosuid bind, with no_new_privs, it changes nothing, as root inside or not.
  for (auto uid : {"0", "1000"}) {
    auto r = run(in_busybox({"--uid", uid, "--ro-bind", folder, "/suid", inside, "ids"}));
    EXPECT_EQ(r.out, std::string(uid) + " " + uid + " 0\n") << r.err;
  }
}

}  // namespace
}  // namespace sbtest

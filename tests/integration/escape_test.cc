// What an attacker inside would try first (native personality, defaults).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "harness.h"

namespace sbtest {
namespace {

class Escape : public SandboxTest {};

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
  // writable, nor unmount it to see what it covers.
  // As uid 1000 inside: mapping the parent's uid 0 would need CAP_SETFCAP (see the man page).
  auto r = run(in_busybox({"--uid", "1000", "--gid", "1000", "--ro-bind", d.path(), "/data", "unshare", "-r", "-m", "sh", "-c",
                           "id -u; mount -o remount,bind,rw /data 2>/dev/null || echo remount-refused;"
                           "umount /data 2>/dev/null || echo umount-refused;"
                           "echo changed > /data/f 2>/dev/null || echo write-refused"}));
  EXPECT_EQ(r.out, "0\nremount-refused\numount-refused\nwrite-refused\n") << r.err;
  EXPECT_EQ(read_file(d / "f"), "original\n");
}

TEST_F(Escape, NoWayBackToTheOldRoot) {
  auto r = run(in_busybox({"--chdir", "/", "sh", "-c",
                           "for p in /proc/[0-9]*; do readlink $p/root; readlink $p/cwd; done | sort -u;"
                           "ls /proc/1/root/ | tr '\\n' ' '; echo; ls /proc/self/fd | wc -l"}));
  ASSERT_EQ(r.status, 0) << r.err;
  auto l = lines(r.out);
  ASSERT_GE(l.size(), 3u) << r.out;
  EXPECT_EQ(l[0], "/");  // every process's root and cwd is the new root
  EXPECT_EQ(l[1], "bin etc proc root tmp ");
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
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(s, 1), 0);
  socklen_t len = sizeof addr;
  getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
  std::string port = std::to_string(ntohs(addr.sin_port));
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

}  // namespace
}  // namespace sbtest

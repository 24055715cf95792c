/* What an attacker inside a sandbox would try, one mode at a time; prints what the kernel
 * answered. Linked statically so it runs in any root.
 *   escape-probe privileged      kexec, reboot, modules, swap, accounting, clock, port I/O
 *   escape-probe abstract NAME   connect to the abstract unix socket @NAME
 *   escape-probe ptrace PID      PTRACE_SEIZE the process PID
 *   escape-probe ids             real and effective uid, effective capabilities
 *   escape-probe steer           every way to act through the parent process (init): ptrace,
 *                                its memory, its descriptors, its environment
 *   escape-probe fds             this process's open descriptors, in order
 *   escape-probe keyring-wrap COMMAND...  a new session keyring holding the user key
 *                                "sandbox-probe" = "topsecret", then exec COMMAND
 *   escape-probe keyring-read    look the key up through the session keyring and read it */
#define _GNU_SOURCE
#include <dirent.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/reboot.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static void report(const char *what, long r) {
  printf("%s %s\n", what, r == 0 ? "ok" : strerrorname_np(errno));
}

static int privileged(void) {
  struct timeval tv;
  struct timespec ts;
  gettimeofday(&tv, NULL);
  clock_gettime(CLOCK_REALTIME, &ts);
  report("kexec_load", syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0UL));
  report("kexec_file_load", syscall(SYS_kexec_file_load, -1, -1, 0UL, "", 0UL));
  /* CAD_OFF: even where it were allowed, it changes nothing that matters. */
  report("reboot", syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_CAD_OFF, NULL));
  report("init_module", syscall(SYS_init_module, NULL, 0UL, ""));
  report("finit_module", syscall(SYS_finit_module, -1, "", 0));
  report("delete_module", syscall(SYS_delete_module, "sandbox_no_such_module", 0));
  report("swapon", syscall(SYS_swapon, "/nonexistent", 0));
  report("acct", syscall(SYS_acct, NULL));
  report("settimeofday", syscall(SYS_settimeofday, &tv, NULL));
  report("clock_settime", syscall(SYS_clock_settime, CLOCK_REALTIME, &ts));
  report("iopl", syscall(SYS_iopl, 3));
  report("ioperm", syscall(SYS_ioperm, 0x80UL, 1UL, 1));
  return 0;
}

static int abstract(const char *name) {
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  size_t len = strlen(name);
  if (s < 0 || len + 1 > sizeof addr.sun_path) return 2;
  memcpy(addr.sun_path + 1, name, len); /* a leading NUL: the abstract namespace */
  if (connect(s, (struct sockaddr *)&addr, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len)) == 0)
    printf("connected\n");
  else
    printf("%s\n", strerrorname_np(errno));
  return 0;
}

static int trace(const char *pid) {
  long r = ptrace(PTRACE_SEIZE, (pid_t)atoi(pid), NULL, NULL);
  printf("%s\n", r == 0 ? "attached" : strerrorname_np(errno));
  if (r == 0) ptrace(PTRACE_DETACH, (pid_t)atoi(pid), NULL, NULL);
  return 0;
}

static int ids(void) {
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2];
  memset(d, 0, sizeof d);
  syscall(SYS_capget, &h, d);
  printf("%u %u %llx\n", getuid(), geteuid(), ((unsigned long long)d[1].effective << 32) | d[0].effective);
  return 0;
}

static int steer(void) {
  pid_t parent = getppid();
  char path[64], buf[64];
  long r = ptrace(PTRACE_SEIZE, parent, NULL, NULL);
  report("ptrace", r);
  if (r == 0) ptrace(PTRACE_DETACH, parent, NULL, NULL);
  struct iovec local = {buf, sizeof buf}, remote = {(void *)0x400000, sizeof buf};
  r = process_vm_readv(parent, &local, 1, &remote, 1, 0);
  /* A read that fails only on the address (EFAULT) got past the permission check. */
  report("process_vm_readv", r >= 0 || errno == EFAULT ? 0 : -1);
  snprintf(path, sizeof path, "/proc/%d/mem", parent);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  report("mem", fd >= 0 ? 0 : -1);
  snprintf(path, sizeof path, "/proc/%d/environ", parent);
  fd = open(path, O_RDONLY | O_CLOEXEC);
  report("environ", fd >= 0 && read(fd, buf, sizeof buf) >= 0 ? 0 : -1);
  int pidfd = (int)syscall(SYS_pidfd_open, parent, 0);
  report("pidfd_getfd", pidfd < 0 ? -1 : syscall(SYS_pidfd_getfd, pidfd, 0, 0) >= 0 ? 0 : -1);
  return 0;
}

static int fds(void) {
  DIR *d = opendir("/proc/self/fd");
  if (!d) return 2;
  int own = dirfd(d), seen[1024], n = 0;
  for (struct dirent *e; (e = readdir(d)) && n < 1024;)
    if (e->d_name[0] != '.' && atoi(e->d_name) != own) seen[n++] = atoi(e->d_name);
  for (int i = 0; i < n; ++i) /* readdir's order is not numeric */
    for (int j = i + 1; j < n; ++j)
      if (seen[j] < seen[i]) { int t = seen[i]; seen[i] = seen[j]; seen[j] = t; }
  for (int i = 0; i < n; ++i) printf("%s%d", i ? " " : "", seen[i]);
  printf("\n");
  return 0;
}

#define KEYCTL_JOIN_SESSION_KEYRING 1
#define KEYCTL_SEARCH 10
#define KEYCTL_READ 11
#define KEY_SPEC_SESSION_KEYRING -3

static int keyring_wrap(char **cmd) {
  if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 ||
      syscall(SYS_add_key, "user", "sandbox-probe", "topsecret", 9, KEY_SPEC_SESSION_KEYRING) < 0) {
    perror("escape-probe: keyring");
    return 2;
  }
  execvp(cmd[0], cmd);
  perror("escape-probe: exec");
  return 127;
}

static int keyring_read(void) {
  char buf[64] = {0};
  long key = syscall(SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING, "user", "sandbox-probe", 0);
  long n = key < 0 ? -1 : syscall(SYS_keyctl, KEYCTL_READ, key, buf, sizeof buf - 1);
  if (n < 0) printf("%s\n", strerrorname_np(errno));
  else printf("read %s\n", buf);
  return 0;
}

/* --publish .../udp: answers one datagram on PORT with "echo: " and what it said. */
static int udp_echo(const char *port) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in at = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(port))};
  if (s < 0 || bind(s, (struct sockaddr *)&at, sizeof at) < 0) return 2;
  printf("listening\n");
  fflush(stdout);
  char buf[256], reply[300];
  struct sockaddr_in from;
  socklen_t len = sizeof from;
  ssize_t n = recvfrom(s, buf, sizeof buf - 1, 0, (struct sockaddr *)&from, &len);
  if (n < 0) return 2;
  buf[n] = 0;
  int m = snprintf(reply, sizeof reply, "echo: %s", buf);
  sendto(s, reply, (size_t)m, 0, (struct sockaddr *)&from, len);
  return 0;
}

/* Sends TEXT to ADDR:PORT over UDP, again every 100 ms until an answer comes (10 s at most). */
static int udp_ask(const char *addr, const char *port, const char *text) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(port))};
  inet_pton(AF_INET, addr, &to.sin_addr);
  struct timeval wait = {0, 100000};
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  for (int i = 0; i < 100; ++i) {
    sendto(s, text, strlen(text), 0, (struct sockaddr *)&to, sizeof to);
    char buf[300];
    ssize_t n = recv(s, buf, sizeof buf - 1, 0);
    if (n > 0) {
      buf[n] = 0;
      printf("%s\n", buf);
      return 0;
    }
  }
  printf("no answer\n");
  return 1;
}

/* What a process inside gets from a sandbox's registry entry it can reach (PATH): asks for
 * the description, then to join, handing over its own standard streams. */
static int registry(const char *path) {
  struct sockaddr_un at = {.sun_family = AF_UNIX};
  snprintf(at.sun_path, sizeof at.sun_path, "%s", path);
  const char *asks[2] = {"I", "Jid\0"};
  for (int i = 0; i < 2; ++i) {
    int s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    if (connect(s, (struct sockaddr *)&at, sizeof at) < 0) {
      printf("connect: %s\n", strerrorname_np(errno));
      continue;
    }
    int fds[3] = {0, 1, 2};
    char control[CMSG_SPACE(sizeof fds)];
    struct iovec iov = {(void *)asks[i], i ? 4 : 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    if (i) {
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
      struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN(sizeof fds);
      memcpy(CMSG_DATA(c), fds, sizeof fds);
    }
    sendmsg(s, &msg, MSG_NOSIGNAL);
    char buf[256];
    struct timeval wait = {3, 0};
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    ssize_t n = recv(s, buf, sizeof buf, 0);
    /* Closed, or reset by a peer that closed without reading: no answer either way. */
    printf("%s: %s\n", i ? "join" : "info", n > 0 ? "answered" : n == 0 || errno == ECONNRESET ? "no answer" : strerrorname_np(errno));
    close(s);
  }
  return 0;
}

/* A registry entry of a sandbox's making at PATH: whoever connects gets only "X\x2a". */
static int fake_entry(const char *path) {
  struct sockaddr_un at = {.sun_family = AF_UNIX};
  snprintf(at.sun_path, sizeof at.sun_path, "%s", path);
  int s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  if (bind(s, (struct sockaddr *)&at, sizeof at) < 0 || listen(s, 4) < 0) return 2;
  printf("listening\n");
  fflush(stdout);
  for (;;) {
    int c = accept(s, NULL, NULL);
    if (c < 0) continue;
    send(c, "X\x2a", 2, MSG_NOSIGNAL);
    close(c);
  }
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "udp-echo") == 0) return udp_echo(argv[2]);
  if (argc == 5 && strcmp(argv[1], "udp-ask") == 0) return udp_ask(argv[2], argv[3], argv[4]);
  if (argc == 3 && strcmp(argv[1], "registry") == 0) return registry(argv[2]);
  if (argc == 3 && strcmp(argv[1], "fake-entry") == 0) return fake_entry(argv[2]);
  if (argc == 2 && strcmp(argv[1], "steer") == 0) return steer();
  if (argc == 2 && strcmp(argv[1], "fds") == 0) return fds();
  if (argc > 2 && strcmp(argv[1], "keyring-wrap") == 0) return keyring_wrap(argv + 2);
  if (argc == 2 && strcmp(argv[1], "keyring-read") == 0) return keyring_read();
  if (argc == 2 && strcmp(argv[1], "privileged") == 0) return privileged();
  if (argc == 3 && strcmp(argv[1], "abstract") == 0) return abstract(argv[2]);
  if (argc == 3 && strcmp(argv[1], "ptrace") == 0) return trace(argv[2]);
  if (argc == 2 && strcmp(argv[1], "ids") == 0) return ids();
  fprintf(stderr, "usage: escape-probe privileged | abstract NAME | ptrace PID | ids | steer | fds | keyring-wrap COMMAND... | keyring-read\n");
  return 2;
}

// Makes one system call through one ABI and prints what came back: "ok N" or the errno's name.
//   syscall-probe 64|32|x32 NAME [ARG...]    (ARG: a number, or "@TEXT" for a pointer to TEXT)
//   syscall-probe 64 connect-abstract NAME | tcp-connect PORT | tcp-bind PORT | clock CLOCK
// connects to the abstract unix socket @NAME, or to 127.0.0.1:PORT, or binds 127.0.0.1:PORT,
// or prints the seconds of CLOCK (monotonic or boottime). The other ways to a TCP stream:
//   syscall-probe 64 mptcp-connect PORT | mptcp-bind PORT | mptcp6-connect PORT | tcp-fastopen PORT | tcp-listen
//   syscall-probe 32 socketcall-mptcp-connect PORT | socket-mptcp-connect PORT
// MPTCP sockets; a connect made by sendto(MSG_FASTOPEN); listen() on an unbound socket (the
// kernel picks the port; prints "ok"); and on the i386 ABI, MPTCP through socketcall (whose
// arguments are in memory) and through the direct socket call.
// With SYSCALL_PROBE_REPEAT=N in the environment it makes the call N times and prints what the
// first one gave; with SYSCALL_PROBE_COMM=NAME it names itself NAME (its comm) first.
// 32 is the i386 ABI (int $0x80), x32 the x32 one (numbers with bit 30): a syscall policy must
// hold on each, whether or not this kernel runs x32 programs.
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "syscall_probe.h"

static long call64(long nr, const long* a) {
  long ret;
  register long r10 __asm__("r10") = a[3];
  register long r8 __asm__("r8") = a[4];
  register long r9 __asm__("r9") = a[5];
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(nr), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
}

static long call32(long nr, const long* a) {
  int ret;
  // ebp cannot be named as an operand; the sixth argument is not needed here.
  __asm__ volatile("int $0x80"
                   : "=a"(ret)
                   : "a"(nr), "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4])
                   : "memory");
  return ret;
}

static int report(int r) {
  if (r < 0) {
    const char* name = strerrorname_np(errno);
    printf("%s\n", name ? name : "E?");
  } else {
    printf("ok\n");
  }
  return 0;
}

// i386's socketcall(CALL, ARGS): the arguments are 32-bit words in memory below 4 GiB.
static long socketcall32(int call, const unsigned* args, size_t n, unsigned* low) {
  memcpy(low, args, n * sizeof *args);
  long a[6] = {call, (long)(uintptr_t)low};
  return call32(102, a);
}

// MPTCP on the i386 ABI: the socket by socketcall or by the direct call (359), then a connect
// to 127.0.0.1:PORT by the direct call (362).
static int mptcp32(const char* how, const char* arg) {
  unsigned* low = mmap((void*)0x20000000, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  if (low == MAP_FAILED) return 2;
  unsigned args[3] = {AF_INET, SOCK_STREAM, 262};
  long s;
  if (!strcmp(how, "socketcall")) {
    s = socketcall32(1, args, 3, low);
  } else {
    long a[6] = {AF_INET, SOCK_STREAM, 262};
    s = call32(359, a);
  }
  if (s < 0) {
    printf("socket %s\n", strerrorname_np((int)-s));
    return 0;
  }
  struct sockaddr_in* to = (struct sockaddr_in*)(low + 64);
  *to = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(arg)), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  long a[6] = {s, (long)(uintptr_t)to, sizeof *to};
  long r = call32(362, a);
  if (r < 0) printf("%s\n", strerrorname_np((int)-r));
  else printf("ok\n");
  return 0;
}

static int network(const char* what, const char* arg) {
  if (!strcmp(what, "connect-abstract")) {
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    size_t n = strlen(arg);
    if (s < 0 || n + 1 > sizeof a.sun_path) return 2;
    memcpy(a.sun_path + 1, arg, n);  // a leading NUL: the abstract namespace
    return report(connect(s, (struct sockaddr*)&a, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)));
  }
  if (!strcmp(what, "mptcp6-connect")) {
    int s = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 262);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)atoi(arg)), .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    if (s < 0) return report(s);
    return report(connect(s, (struct sockaddr*)&a, sizeof a));
  }
  int mptcp = !strncmp(what, "mptcp-", 6);
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, mptcp ? 262 : 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(arg)),
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (s < 0) return report(s);
  if (!strcmp(what, "tcp-connect") || !strcmp(what, "mptcp-connect")) return report(connect(s, (struct sockaddr*)&a, sizeof a));
  if (!strcmp(what, "tcp-fastopen")) return report((int)sendto(s, "x", 1, MSG_FASTOPEN, (struct sockaddr*)&a, sizeof a));
  if (!strcmp(what, "tcp-listen")) return report(listen(s, 1));
  return report(bind(s, (struct sockaddr*)&a, sizeof a));
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s 64|32|x32 NAME [ARG...]\n", argv[0]);
    return 2;
  }
  if (argc == 4 && (!strcmp(argv[2], "connect-abstract") || !strcmp(argv[2], "tcp-connect") || !strcmp(argv[2], "tcp-bind") ||
                    !strcmp(argv[2], "mptcp-connect") || !strcmp(argv[2], "mptcp-bind") ||
                    !strcmp(argv[2], "mptcp6-connect") || !strcmp(argv[2], "tcp-fastopen")))
    return network(argv[2], argv[3]);
  if (argc == 3 && !strcmp(argv[2], "tcp-listen")) return network(argv[2], "0");
  if (argc == 4 && !strcmp(argv[2], "socketcall-mptcp-connect")) return mptcp32("socketcall", argv[3]);
  if (argc == 4 && !strcmp(argv[2], "socket-mptcp-connect")) return mptcp32("direct", argv[3]);
  if (argc == 4 && !strcmp(argv[2], "clock")) {
    struct timespec t;
    if (clock_gettime(!strcmp(argv[3], "boottime") ? CLOCK_BOOTTIME : CLOCK_MONOTONIC, &t) < 0) return report(-1);
    printf("%lld\n", (long long)t.tv_sec);
    return 0;
  }
  const struct probe_call* table = !strcmp(argv[1], "32") ? probe_table_32 : !strcmp(argv[1], "x32") ? probe_table_x32 : probe_table_64;
  long nr = -1;
  for (const struct probe_call* c = table; c->name; ++c)
    if (!strcmp(c->name, argv[2])) nr = c->nr;
  if (nr < 0) {
    fprintf(stderr, "syscall-probe: no %s on ABI %s here\n", argv[2], argv[1]);
    return 2;
  }
  // Pointers for the i386 ABI must lie below 4 GiB.
  char* low = mmap((void*)0x10000000, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  if (low == MAP_FAILED) return 2;
  size_t used = 0;
  long a[6] = {0};
  for (int i = 3; i < argc && i < 9; ++i) {
    if (argv[i][0] == '@') {
      size_t n = strlen(argv[i] + 1) + 1;
      memcpy(low + used, argv[i] + 1, n);
      a[i - 3] = (long)(uintptr_t)(low + used);
      used += n;
    } else {
      a[i - 3] = (long)strtoull(argv[i], NULL, 0);
    }
  }
  const char* comm = getenv("SYSCALL_PROBE_COMM");
  if (comm) prctl(PR_SET_NAME, comm, 0, 0, 0);
  const char* repeat = getenv("SYSCALL_PROBE_REPEAT");
  long times = repeat ? strtol(repeat, NULL, 10) : 1;
  long r = !strcmp(argv[1], "32") ? call32(nr, a) : call64(nr, a);
  for (long i = 1; i < times; ++i) (void)(!strcmp(argv[1], "32") ? call32(nr, a) : call64(nr, a));
  if (r < 0 && r > -4096) {
    const char* name = strerrorname_np((int)-r);
    printf("%s\n", name ? name : "E?");
  } else {
    printf("ok %ld\n", r);
  }
  return 0;
}

/* sandbox-init: what pid 1 of a sandbox runs once COMMAND has started.
 *
 * The sandbox's setup process execs this from a memory file it cannot read (mode 0100), so the
 * kernel makes this image non-dumpable from its first instruction, and its memory belongs to
 * the sandbox's user namespace: the caller outside, who owns that namespace, can still enter
 * it through /proc/1/ns, while COMMAND, without capabilities, can neither ptrace it, read its
 * memory nor take its descriptors. The exec also leaves behind the caller's arguments and
 * every page of the setup code; the environment it gets is COMMAND's, and its directory
 * COMMAND's, as bubblewrap's pid 1 has them (flatpak enter reads both from /proc/1).
 *
 * Where a Landlock "fence" is given, COMMAND and every joined process are each in a domain
 * nested inside this process's, and the kernel refuses them ptrace access to it whatever its
 * dumpability: it makes itself dumpable then, so that its /proc files belong to the caller
 * (who can read its environment, as bubblewrap's) rather than to a root the sandbox may not
 * map.
 *
 * It is built without a C library: a few kilobytes, copied into that memory file at every
 * start. Its arguments, NAME=VALUE each after its own name (hidden from /proc/1/cmdline once
 * read):
 *   SANDBOX_INIT_TARGET=PID        the process whose exit status it exits with (COMMAND)
 *   SANDBOX_INIT_READY=FD          closed once this process is confined: COMMAND execs then
 *   SANDBOX_INIT_SECCOMP=HEX[,HEX] seccomp programs to load, in order, once nothing else
 *                                  needs doing
 *   SANDBOX_INIT_JOIN=FD           with --name: where the monitor hands on --join requests
 *   SANDBOX_INIT_FENCE=FS,SCOPED   the Landlock fence: handled filesystem rights and scopes
 * then forwards TERM, INT, HUP, QUIT, USR1 and USR2 to the target and reaps every child.
 *
 * --join: each request on the JOIN socket carries the joiner's connection and its standard
 * streams, and COMMAND's arguments. This process forks the joined COMMAND, which is thus its
 * child, confined exactly as it is (namespaces, root, ids, no capabilities, no_new_privs,
 * Landlock, seccomp, limits; behind the fence, as COMMAND is) and in COMMAND's directory and
 * environment, which this process has. It passes on the signal numbers the joiner writes,
 * kills the joined process (and its group) when the joiner goes, and writes "X" and the exit
 * status when it ends ("E" and errno first when its exec failed). Without arguments it runs
 * $SHELL, or /bin/sh where that is missing. A request of kind "K" (sandbox-oci exec) carries,
 * before the arguments, its flags ("t": the streams are a terminal, made the controlling
 * one), a directory, and an environment that replaces COMMAND's, ended by an empty word.
 * The sockets signal SIGIO when they have something, taken with the rest.
 * The signals arrive blocked (the setup process blocked them), so none sent before it ran is
 * lost. It opens nothing and holds only the descriptors it inherited (lock files, --sync-fd).
 */
#include <asm/unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGUSR1 10
#define SIGUSR2 12
#define SIGTERM 15
#define SIGCHLD 17
#define PR_SET_DUMPABLE 4
#define PR_SET_NAME 15
#define PR_SET_NO_NEW_PRIVS 38
#define NR_landlock_create_ruleset 444
#define NR_landlock_restrict_self 446
#define TIOCSCTTY 0x540E
#define WNOHANG 1
#define EINTR 4
#define EAGAIN 11
#define ECHILD 10
#define SIG_BLOCK 0
#define SIG_SETMASK 2
#define SIGKILL 9
#define SIGIO 29
#define F_SETFD 2
#define F_SETFL 4
#define F_SETOWN 8
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1
#define O_NONBLOCK 04000
#define O_ASYNC 020000
#define O_CLOEXEC 02000000
#define MSG_DONTWAIT 0x40
#define MSG_NOSIGNAL 0x4000
#define MSG_CMSG_CLOEXEC 0x40000000
#define SOL_SOCKET 1
#define SCM_RIGHTS 1
#define ENOENT 2
#define ENOTDIR 20
#define EACCES 13
#define ENOTTY 25

#if defined(__x86_64__)
__asm__(".text\n.globl _start\n_start:\n"
        "  xor %rbp, %rbp\n  mov %rsp, %rdi\n  and $-16, %rsp\n  call init_main\n  hlt\n");

static long syscall6(long n, long a, long b, long c, long d, long e, long f) {
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  long ret;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
}
#elif defined(__aarch64__)
__asm__(".text\n.globl _start\n_start:\n  mov x29, #0\n  mov x0, sp\n  bl init_main\n  brk #0\n");

static long syscall6(long n, long a, long b, long c, long d, long e, long f) {
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  register long x4 __asm__("x4") = e;
  register long x5 __asm__("x5") = f;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
  return x0;
}
#else
#error "sandbox-init: add this architecture's entry point and system call convention"
#endif

#define SYS(n, a, b, c, d) syscall6(__NR_##n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
/* Landlock's calls have the same numbers on every architecture; older headers lack them. */
#define __NR_landlock_create_ruleset_ NR_landlock_create_ruleset
#define __NR_landlock_restrict_self_ NR_landlock_restrict_self

/* The compiler may call these for copies and clears of its own. */
void *memset(void *d, int c, size_t n) {
  unsigned char *p = d;
  while (n--) *p++ = (unsigned char)c;
  return d;
}
void *memcpy(void *d, const void *s, size_t n) {
  unsigned char *p = d;
  const unsigned char *q = s;
  while (n--) *p++ = *q++;
  return d;
}

static __attribute__((noreturn)) void leave(int code) {
  for (;;) SYS(exit_group, code, 0, 0, 0);
}

/* The value of NAME=... among the environment strings, or 0. */
static const char *getenv_(char **envp, const char *name) {
  for (; *envp; ++envp) {
    const char *e = *envp, *n = name;
    while (*n && *e == *n) ++e, ++n;
    if (!*n && *e == '=') return e + 1;
  }
  return 0;
}

static int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* One program's instructions, decoded from hex; big enough for the kernel's largest. */
static struct sock_filter program[BPF_MAXINSNS];

/* Loads the comma-separated hex programs in order. */
static int load_programs(const char *p) {
  while (p && *p) {
    unsigned char *out = (unsigned char *)program;
    size_t n = 0;
    for (; *p && *p != ','; p += 2) {
      int hi = hex(p[0]), lo = hi < 0 ? -1 : hex(p[1]);
      if (lo < 0 || n >= sizeof program) return -1;
      out[n++] = (unsigned char)(hi << 4 | lo);
    }
    if (*p == ',') ++p;
    if (n == 0 || n % sizeof(struct sock_filter)) return -1;
    struct sock_fprog prog = {(unsigned short)(n / sizeof(struct sock_filter)), program};
    if (SYS(seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog, 0) < 0) return -1;
  }
  return 0;
}

static int status_code(int status);

/* --join ------------------------------------------------------------------------------- */

/* The kernel's layouts, which a C library would otherwise declare. */
struct iovec_ {
  void *base;
  size_t len;
};
struct msghdr_ {
  void *name;
  unsigned namelen;
  struct iovec_ *iov;
  size_t iovlen;
  void *control;
  size_t controllen;
  unsigned flags;
};
struct cmsghdr_ {
  size_t len;
  int level, type;
};

#define MAX_JOINED 64
#define MAX_REQUEST 65536
#define MAX_WORDS 4096
static struct {
  long pid;  /* 0: free */
  int conn;  /* -1 once the joiner went */
} joined[MAX_JOINED];
static char request[MAX_REQUEST + 1];
static char *words[MAX_WORDS + 1], *environment[MAX_WORDS + 1];
static char path_buf[4096];
static int join_fd = -1;
static unsigned long forwarded_mask;
static int fence_wanted;
static unsigned long long fence_attr[3]; /* struct landlock_ruleset_attr: fs, net, scoped */

/* A Landlock domain nested inside this process's, which restricts nothing the sandbox does
 * (handled rights and scopes chosen by the setup process so) but ptrace access outward. */
static long enter_fence(void) {
  long ruleset = SYS(landlock_create_ruleset_, fence_attr, fence_attr[2] ? 24 : 16, 0, 0);
  if (ruleset < 0) return ruleset;
  long r = SYS(landlock_restrict_self_, ruleset, 0, 0, 0);
  SYS(close, ruleset, 0, 0, 0);
  return r;
}

static void tell(int conn, char what, int value) {
  char msg[2] = {what, (char)value};
  if (conn >= 0) SYS(sendto, conn, msg, 2, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* SIGIO for this process whenever `fd` has something to read. */
static void watch(int fd) {
  SYS(fcntl, fd, F_SETOWN, SYS(getpid, 0, 0, 0, 0), 0);
  SYS(fcntl, fd, F_SETFL, O_ASYNC | O_NONBLOCK, 0);
}

/* execvp without a C library: PATH from the environment, or the usual one. */
static int exec_searching(char **argv, char **envp) {
  const char *name = argv[0];
  for (const char *c = name; *c; ++c)
    if (*c == '/') return (int)-SYS(execve, name, argv, envp, 0);
  const char *path = getenv_(envp, "PATH");
  if (!path) path = "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin";
  int err = ENOENT;
  for (;;) {
    size_t n = 0;
    while (path[n] && path[n] != ':') ++n;
    size_t name_len = 0;
    while (name[name_len]) ++name_len;
    if (n + 1 + name_len < sizeof path_buf) {
      size_t at = 0;
      for (size_t i = 0; i < n; ++i) path_buf[at++] = path[i];
      if (at == 0) path_buf[at++] = '.';
      path_buf[at++] = '/';
      for (size_t i = 0; i <= name_len; ++i) path_buf[at++] = name[i];
      int e = (int)-SYS(execve, path_buf, argv, envp, 0);
      if (e == EACCES) err = EACCES;
      else if (e != ENOENT && e != ENOTDIR) return e;
    }
    if (!path[n]) return err;
    path += n + 1;
  }
}

/* In the forked child: the joiner's streams, its own session, COMMAND's arguments (the
 * environment's SHELL, or /bin/sh, when there are none), and the exec. */
static __attribute__((noreturn)) void run_joined(char **envp, size_t len, int fds[4]) {
  unsigned long none = 0;
  SYS(rt_sigprocmask, SIG_SETMASK, &none, 0, sizeof none);
  int high[4];
  for (int i = 0; i < 4; ++i) high[i] = (int)SYS(fcntl, fds[i], F_DUPFD_CLOEXEC, 64, 0);
  for (int i = 0; i < 3; ++i) SYS(dup3, high[i + 1], i, 0, 0);
  SYS(dup3, high[0], 3, O_CLOEXEC, 0);
  SYS(close_range, 4, ~0U, 0, 0); /* init's locks and --sync-fd are not the joined COMMAND's */
  SYS(setsid, 0, 0, 0, 0);
  size_t at = 1, n = 0, m = 0;
  if (request[0] == 'K') {
    /* flags, directory, NAME=VALUE..., "", then the arguments */
    const char *flags = request + at;
    while (at < len && request[at]) ++at;
    const char *dir = request + ++at;
    while (at < len && request[at]) ++at;
    ++at;
    while (at < len && request[at] && m < MAX_WORDS) {
      environment[m++] = request + at;
      while (at < len && request[at]) ++at;
      ++at;
    }
    ++at;
    environment[m] = 0;
    for (const char *f = flags; *f; ++f)
      if (*f == 't' && SYS(ioctl, 0, TIOCSCTTY, 0, 0) < 0) {
        tell(3, 'E', ENOTTY);
        leave(125);
      }
    long err = *dir ? SYS(chdir, dir, 0, 0, 0) : 0;
    if (err < 0) {
      tell(3, 'E', (int)-err);
      leave(125);
    }
  } else {
    for (char **e = envp; *e && m < MAX_WORDS; ++e) environment[m++] = *e;
    environment[m] = 0;
  }
  while (at < len && n < MAX_WORDS) {
    words[n++] = request + at;
    while (at < len && request[at]) ++at;
    ++at;
  }
  words[n] = 0;
  /* Behind the fence, as COMMAND is: it may not trace this process either. */
  if (fence_wanted) {
    long err = enter_fence();
    if (err < 0) {
      tell(3, 'E', (int)-err);
      leave(125);
    }
  }
  int err = ENOENT;
  if (n == 0) {
    /* $SHELL may name the caller's shell, which the sandbox need not have. */
    const char *shell = getenv_(environment, "SHELL");
    words[1] = 0;
    if (shell && *shell) {
      words[0] = (char *)shell;
      err = exec_searching(words, environment);
    }
    words[0] = (char *)"/bin/sh";
  }
  if (err == ENOENT) err = exec_searching(words, environment);
  tell(3, 'E', err);
  leave(err == ENOENT || err == ENOTDIR ? 127 : 126);
}

/* Requests from the monitor: [joiner's connection, stdin, stdout, stderr] and 'J' ARGS. */
static void take_requests(char **envp) {
  while (join_fd >= 0) {
    struct iovec_ iov = {request, MAX_REQUEST};
    union {
      struct cmsghdr_ h;
      char space[sizeof(struct cmsghdr_) + 8 * sizeof(int)];
    } control;
    struct msghdr_ msg = {0, 0, &iov, 1, &control, sizeof control, 0};
    long n = SYS(recvmsg, join_fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC, 0);
    if (n == -EINTR) continue;
    if (n == 0) join_fd = -1; /* the monitor is gone, and the sandbox with it */
    if (n <= 0) return;
    int fds[4] = {-1, -1, -1, -1}, count = 0;
    if (msg.controllen >= sizeof(struct cmsghdr_) && control.h.level == SOL_SOCKET && control.h.type == SCM_RIGHTS) {
      count = (int)((control.h.len - sizeof(struct cmsghdr_)) / sizeof(int));
      int *got = (int *)(control.space + sizeof(struct cmsghdr_));
      for (int i = 0; i < count; ++i) {
        if (i < 4) fds[i] = got[i];
        else SYS(close, got[i], 0, 0, 0);
      }
    }
    int slot = -1;
    for (int i = 0; i < MAX_JOINED && slot < 0; ++i)
      if (!joined[i].pid) slot = i;
    long pid = -EAGAIN;
    if (count == 4 && n >= 1 && (request[0] == 'J' || request[0] == 'K') && slot >= 0) {
      request[n] = 0;
      pid = SYS(clone, SIGCHLD, 0, 0, 0);
      if (pid == 0) run_joined(envp, (size_t)n, fds);
    }
    if (pid > 0) {
      joined[slot].pid = pid;
      joined[slot].conn = fds[0];
      watch(fds[0]);
    } else {
      tell(fds[0], 'E', (int)-pid);
      tell(fds[0], 'X', 125);
      if (fds[0] >= 0) SYS(close, fds[0], 0, 0, 0);
    }
    for (int i = 1; i < 4; ++i)
      if (fds[i] >= 0) SYS(close, fds[i], 0, 0, 0);
  }
}

/* What joiners wrote: signal numbers to pass on; end of file when one went. */
static void read_joiners(void) {
  for (int i = 0; i < MAX_JOINED; ++i) {
    while (joined[i].pid && joined[i].conn >= 0) {
      unsigned char sigs[16];
      long n = SYS(recvfrom, joined[i].conn, sigs, sizeof sigs, MSG_DONTWAIT);
      if (n == -EINTR) continue;
      if (n == 0) {
        /* The joined process leads a session and group of its own (setsid): what it started
         * and kept in that group goes with it. */
        SYS(kill, -joined[i].pid, SIGKILL, 0, 0);
        SYS(kill, joined[i].pid, SIGKILL, 0, 0);
        SYS(close, joined[i].conn, 0, 0, 0);
        joined[i].conn = -1;
      }
      if (n <= 0) break;
      for (long k = 0; k < n; ++k)
        if (sigs[k] >= 1 && sigs[k] <= 64 && (forwarded_mask & (1UL << (sigs[k] - 1))))
          SYS(kill, joined[i].pid, sigs[k], 0, 0);
    }
  }
}

/* A joined process ended: its joiner hears how. */
static void reaped(long pid, int status) {
  for (int i = 0; i < MAX_JOINED; ++i) {
    if (joined[i].pid != pid) continue;
    tell(joined[i].conn, 'X', status_code(status));
    if (joined[i].conn >= 0) SYS(close, joined[i].conn, 0, 0, 0);
    joined[i].pid = 0;
    joined[i].conn = -1;
  }
}

static long parse_number(const char *s) {
  long v = 0;
  if (!s || !*s) return -1;
  for (; *s; ++s) {
    if (*s < '0' || *s > '9' || v > 1 << 22) return -1;
    v = v * 10 + (*s - '0');
  }
  return v;
}

static int status_code(int status) {
  if ((status & 0x7f) == 0) return (status >> 8) & 0xff; /* exited */
  return 128 + (status & 0x7f);                           /* killed by a signal */
}

/* "FS,SCOPED" of SANDBOX_INIT_FENCE into fence_attr; 0 when there is none to read. */
static int parse_fence(const char *p) {
  if (!p) return 0;
  for (int i = 0; i < 3; i += 2) {
    unsigned long long v = 0;
    if (*p < '0' || *p > '9') return 0;
    for (; *p >= '0' && *p <= '9'; ++p) v = v * 10 + (unsigned long long)(*p - '0');
    fence_attr[i] = v;
    if (i == 0 && *p++ != ',') return 0;
  }
  return *p == 0;
}

/* /proc/1/cmdline says "sandbox-init" alone from here on: the kernel shows a command line
 * whose last byte is no longer NUL only up to its first NUL. That byte ends the last
 * argument, which must have been read already; the others stay as they are. */
static void hide_arguments(long argc, char **argv) {
  if (argc < 2) return;
  char *end = argv[argc - 1];
  while (*end) ++end;
  *end = '.';
}

__attribute__((noreturn, used)) void init_main(long *sp) {
  long argc = sp[0];
  char **argv = (char **)(sp + 1);
  char **envp = (char **)(sp + 1 + argc + 1);
  char **params = argv + 1;
  fence_wanted = parse_fence(getenv_(params, "SANDBOX_INIT_FENCE"));
  /* Behind a fence, readable by the caller as bubblewrap's pid 1; else closed even where
   * fs.suid_dumpable=1 makes an unreadable image dumpable. */
  SYS(prctl, PR_SET_DUMPABLE, fence_wanted ? 1 : 0, 0, 0);
  /* An exec from a descriptor names the process after the descriptor's number. */
  static const char name[16] = "sandbox-init";
  SYS(prctl, PR_SET_NAME, name, 0, 0);
  /* The exec left no capability; a set that was not empty is emptied all the same. */
  struct {
    unsigned version;
    int pid;
  } header = {0x20080522 /* _LINUX_CAPABILITY_VERSION_3 */, 0};
  unsigned caps[6] = {0};
  SYS(capset, &header, caps, 0, 0);

  long target = parse_number(getenv_(params, "SANDBOX_INIT_TARGET"));
  if (target <= 0) leave(125);

  unsigned long mask = 0;
  static const int forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
  for (unsigned i = 0; i < sizeof forwarded / sizeof forwarded[0]; ++i) mask |= 1UL << (forwarded[i] - 1);
  unsigned long waited = mask | 1UL << (SIGCHLD - 1);
  forwarded_mask = mask;
  join_fd = (int)parse_number(getenv_(params, "SANDBOX_INIT_JOIN"));
  if (join_fd >= 0) {
    waited |= 1UL << (SIGIO - 1);
    for (int i = 0; i < MAX_JOINED; ++i) joined[i].conn = -1;
  }
  SYS(rt_sigprocmask, SIG_BLOCK, &waited, 0, sizeof waited);
  if (join_fd >= 0) {
    SYS(fcntl, join_fd, F_SETFD, FD_CLOEXEC, 0);
    watch(join_fd);
  }

  /* Set already where the setup finished; not yet in a --pidns relay, which starts early. */
  SYS(prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0);
  /* Closed to COMMAND (non-dumpable, or behind the fence COMMAND's process entered before it
   * waited) and without capabilities: COMMAND may exec. Before the programs, since one
   * of them may forbid close; init's few calls below need no filter to keep them harmless. */
  long ready = parse_number(getenv_(params, "SANDBOX_INIT_READY"));
  /* The last argument (SANDBOX_INIT_FENCE or _JOIN, read above) loses its end here. */
  const char *seccomp = getenv_(params, "SANDBOX_INIT_SECCOMP");
  hide_arguments(argc, argv);
  if (ready >= 0) SYS(close, ready, 0, 0, 0);
  /* Last, as bubblewrap's init does: a program may forbid anything done before it. One the
   * kernel refuses here it refuses in COMMAND's process too, which reports that and exits
   * 125 before its exec: this process then exits with that status, as with any other. */
  (void)load_programs(seccomp);

  int waiting_on_signals = 1;
  for (;;) {
    if (waiting_on_signals) {
      unsigned char info[128];
      long sig = SYS(rt_sigtimedwait, &waited, info, 0, sizeof waited);
      if (sig == -EINTR || sig == -EAGAIN) continue;
      if (sig < 0) {
        /* A program forbade waiting for signals: reap as bubblewrap's init does, blocking. */
        waiting_on_signals = 0;
        continue;
      }
      if (sig == SIGIO) {
        take_requests(envp);
        read_joiners();
        continue;
      }
      if (sig != SIGCHLD) {
        SYS(kill, target, sig, 0, 0);
        continue;
      }
    }
    for (;;) {
      int status = 0;
      long pid = SYS(wait4, -1, &status, waiting_on_signals ? WNOHANG : 0, 0);
      if (pid == target) leave(status_code(status));
      if (pid > 0) reaped(pid, status);
      if (pid == -EINTR) continue;
      if (pid == -ECHILD || (pid < 0 && !waiting_on_signals)) leave(125);
      if (pid <= 0) break;
    }
  }
}

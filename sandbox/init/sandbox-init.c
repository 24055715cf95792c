/* sandbox-init: what pid 1 of a sandbox runs once COMMAND has started.
 *
 * The sandbox's setup process execs this from a memory file it cannot read (mode 0100), so the
 * kernel makes this image non-dumpable from its first instruction, and its memory belongs to
 * the sandbox's user namespace: the caller outside, who owns that namespace, can still enter
 * it through /proc/1/ns, while COMMAND, without capabilities, can neither ptrace it, read its
 * memory nor take its descriptors. The exec also leaves behind the caller's arguments and
 * environment, and every page of the setup code.
 *
 * It is built without a C library: a few kilobytes, copied into that memory file at every
 * start. It reads two variables:
 *   SANDBOX_INIT_TARGET=PID        the process whose exit status it exits with (COMMAND)
 *   SANDBOX_INIT_READY=FD          closed once this process is confined: COMMAND execs then
 *   SANDBOX_INIT_SECCOMP=HEX[,HEX] seccomp programs to load, in order, once nothing else
 *                                  needs doing
 * then forwards TERM, INT, HUP, QUIT, USR1 and USR2 to the target and reaps every child.
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
#define WNOHANG 1
#define EINTR 4
#define EAGAIN 11
#define ECHILD 10
#define SIG_BLOCK 0

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

__attribute__((noreturn, used)) void init_main(long *sp) {
  char **envp = (char **)(sp + 1 + sp[0] + 1);
  /* Covers fs.suid_dumpable=1, under which even an unreadable image is born dumpable. */
  SYS(prctl, PR_SET_DUMPABLE, 0, 0, 0);
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

  long target = parse_number(getenv_(envp, "SANDBOX_INIT_TARGET"));
  if (target <= 0) leave(125);

  unsigned long mask = 0;
  static const int forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
  for (unsigned i = 0; i < sizeof forwarded / sizeof forwarded[0]; ++i) mask |= 1UL << (forwarded[i] - 1);
  unsigned long waited = mask | 1UL << (SIGCHLD - 1);
  SYS(rt_sigprocmask, SIG_BLOCK, &waited, 0, sizeof waited);

  /* Set already where the setup finished; not yet in a --pidns relay, which starts early. */
  SYS(prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0);
  /* Non-dumpable and without capabilities: COMMAND may exec. Before the programs, since one
   * of them may forbid close; init's few calls below need no filter to keep them harmless. */
  long ready = parse_number(getenv_(envp, "SANDBOX_INIT_READY"));
  if (ready >= 0) SYS(close, ready, 0, 0, 0);
  /* Last, as bubblewrap's init does: a program may forbid anything done before it. One the
   * kernel refuses here it refuses in COMMAND's process too, which reports that and exits
   * 125 before its exec: this process then exits with that status, as with any other. */
  (void)load_programs(getenv_(envp, "SANDBOX_INIT_SECCOMP"));

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
      if (sig != SIGCHLD) {
        SYS(kill, target, sig, 0, 0);
        continue;
      }
    }
    for (;;) {
      int status = 0;
      long pid = SYS(wait4, -1, &status, waiting_on_signals ? WNOHANG : 0, 0);
      if (pid == target) leave(status_code(status));
      if (pid == -EINTR) continue;
      if (pid == -ECHILD || (pid < 0 && !waiting_on_signals)) leave(125);
      if (pid <= 0) break;
    }
  }
}

/* Tries to inject input into, and reach the console of, the terminal on stdin; prints what
 * the kernel answered for each attempt. Linked statically so it runs in any root. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static void report(const char *what, long r) {
  printf("%s %s\n", what, r == 0 ? "ok" : strerrorname_np(errno));
}

int main(void) {
  char c = '\n';
  report("TIOCSTI", ioctl(0, TIOCSTI, &c));
  /* CVE-2019-10063: the kernel ignores the request's high 32 bits; a filter must too. */
  report("TIOCSTI-64", syscall(SYS_ioctl, 0, (unsigned long)TIOCSTI | (1UL << 32), &c));
  char subcode = 6; /* TIOCL_GETFGCONSOLE-like query: harmless, answers only on a VT */
  report("TIOCLINUX", ioctl(0, TIOCLINUX, &subcode));
  report("TIOCGWINSZ", ioctl(0, TIOCGWINSZ, &(struct winsize){0}));
  return 0;
}

/* Runs a command as if on a kernel from before the new mount API and openat2 (Linux < 5.2):
 * a seccomp filter answers ENOSYS to open_tree, move_mount, fsopen, fsconfig, fsmount, fspick,
 * mount_setattr and openat2, for the command and everything it starts.
 * With --deny, exactly the listed system calls fail instead, each with its errno: a kernel, or
 * a policy, that refuses them (how the sandbox reports such a refusal). A MASK limits a refusal
 * to calls whose first argument has one of its bits set (unshare of CLONE_NEWNET only, say).
 * usage: old-kernel [--deny NR:ERRNO[:MASK][,NR:ERRNO[:MASK]...]] COMMAND [ARGS...] */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_DENIED 32

int main(int argc, char **argv) {
  long nrs[MAX_DENIED];
  int errs[MAX_DENIED];
  unsigned long masks[MAX_DENIED] = {0};  /* 0: whatever the arguments */
  int n = 0, cmd = 1;
  if (argc > 2 && strcmp(argv[1], "--deny") == 0) {
    for (char *p = argv[2]; *p && n < MAX_DENIED; ++n) {
      nrs[n] = strtol(p, &p, 10);
      if (*p++ != ':') break;
      errs[n] = (int)strtol(p, &p, 10);
      if (*p == ':') masks[n] = strtoul(p + 1, &p, 0);
      if (*p == ',') ++p;
    }
    cmd = 3;
  } else {
    long mount_api[] = {SYS_open_tree, SYS_move_mount, SYS_fsopen, SYS_fsconfig,
                        SYS_fsmount, SYS_fspick, SYS_mount_setattr, SYS_openat2};
    for (; n < (int)(sizeof mount_api / sizeof mount_api[0]); ++n) {
      nrs[n] = mount_api[n];
      errs[n] = ENOSYS;
    }
  }
  if (argc <= cmd) {
    fprintf(stderr, "usage: old-kernel [--deny NR:ERRNO[:MASK][,NR:ERRNO[:MASK]...]] COMMAND [ARGS...]\n");
    return 2;
  }
  struct sock_filter filter[4 + 5 * MAX_DENIED + 1];
  int k = 0;
  filter[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
  filter[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
  filter[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  filter[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
  for (int i = 0; i < n; ++i) {
    struct sock_filter refuse = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (errs[i] & SECCOMP_RET_DATA));
    if (!masks[i]) {
      filter[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nrs[i], 0, 1);
      filter[k++] = refuse;
      continue;
    }
    /* Another call: on to the next entry. This one: refused if the low half of its first
     * argument has a bit of the mask, else the number is loaded again for the next entry. */
    filter[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nrs[i], 0, 4);
    filter[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0]));
    filter[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, (unsigned)masks[i], 0, 1);
    filter[k++] = refuse;
    filter[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
  }
  filter[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  struct sock_fprog prog = {(unsigned short)k, filter};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
    perror("old-kernel: seccomp");
    return 125;
  }
  execvp(argv[cmd], argv + cmd);
  perror("old-kernel: exec");
  return 127;
}

// Numbers of the calls the seccomp tests make, from the kernel's own header for this ABI
// (independent of libseccomp, whose tables are what is being tested).
#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif
#include <asm/unistd_x32.h>

#define PROBE_TABLE probe_table_x32
#include "syscall_table.inc"

// Numbers of the calls the seccomp tests make, from the kernel's own header for this ABI
// (independent of libseccomp, whose tables are what is being tested).
#include <asm/unistd_32.h>

#define PROBE_TABLE probe_table_32
#include "syscall_table.inc"

// Numbers of the calls the seccomp tests make, from the kernel's own header for this ABI
// (independent of libseccomp, whose tables are what is being tested).
#include <asm/unistd_64.h>

#define PROBE_TABLE probe_table_64
#include "syscall_table.inc"

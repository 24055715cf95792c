// --seccomp and --add-seccomp-fd with hand-assembled classic BPF programs.
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstddef>

#include "harness.h"

namespace sbtest {
namespace {

class Seccomp : public SandboxTest {};

RunResult mkdir_with(std::initializer_list<std::string> options, std::vector<std::pair<int, int>> fds) {
  RunOptions o;
  o.fds = std::move(fds);
  std::vector<std::string> args = in_busybox({"--tmpfs", "/w"});
  args.insert(args.end(), options);
  args.insert(args.end(), {"sh", "-c", "mkdir /w/d 2>&1 && echo made"});
  return run(args, o);
}

TEST_F(Seccomp, OneProgram) {
  int fd = data_fd(seccomp_deny_mkdir(EXDEV));
  auto r = mkdir_with({"--seccomp", "5"}, {{5, fd}});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("Invalid cross-device link"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(mkdir_with({}, {}).out, "made\n");
  close(fd);
}

TEST_F(Seccomp, StackedInOrder) {
  // Both deny mkdir; the one installed last is evaluated first and its errno wins.
  int a = data_fd(seccomp_deny_mkdir(EXDEV)), b = data_fd(seccomp_deny_mkdir(ENOTTY));
  auto ab = mkdir_with({"--add-seccomp-fd", "5", "--add-seccomp-fd", "6"}, {{5, a}, {6, b}});
  EXPECT_NE(ab.out.find("Inappropriate ioctl"), std::string::npos) << ab.out << ab.err;
  close(a);
  close(b);
  a = data_fd(seccomp_deny_mkdir(EXDEV));
  b = data_fd(seccomp_deny_mkdir(ENOTTY));
  auto ba = mkdir_with({"--add-seccomp-fd", "6", "--add-seccomp-fd", "5"}, {{5, a}, {6, b}});
  EXPECT_NE(ba.out.find("Invalid cross-device link"), std::string::npos) << ba.out << ba.err;
  close(a);
  close(b);
}

TEST_F(Seccomp, SetupIsNotFiltered) {
  // The filter applies to COMMAND only: the sandbox's own setup still makes directories.
  int fd = data_fd(seccomp_deny_mkdir(EPERM));
  RunOptions o;
  o.fds = {{5, fd}};
  auto r = run(in_busybox({"--seccomp", "5", "--dir", "/made/by/setup", "ls", "-d", "/made/by/setup"}), o);
  EXPECT_EQ(r.status, 0) << r.err;
  close(fd);
}

TEST_F(Seccomp, Errors) {
  int odd = data_fd(std::string(7, 'x'));
  RunOptions o;
  o.fds = {{5, odd}};
  auto r = run(in_busybox({"--seccomp", "5", "true"}), o);
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err, "sandbox: --seccomp 5: program size 7 is not a non-zero multiple of 8 bytes: Invalid argument\n");
  close(odd);
  int empty = data_fd("");
  o.fds = {{5, empty}};
  EXPECT_EQ(run(in_busybox({"--add-seccomp-fd", "5", "true"}), o).err,
            "sandbox: --add-seccomp-fd 5: program size 0 is not a non-zero multiple of 8 bytes: Invalid argument\n");
  close(empty);
  // Eight bytes of nonsense: the kernel's verifier refuses it.
  int junk = data_fd(std::string(8, '\xff'));
  o.fds = {{5, junk}};
  auto bad = run(in_busybox({"--seccomp", "5", "true"}), o);
  EXPECT_EQ(bad.status, 125);
  EXPECT_EQ(bad.err, "sandbox: Can't load seccomp program: Invalid argument\n");
  close(junk);
  EXPECT_EQ(run(in_busybox({"--seccomp", "0", "--add-seccomp-fd", "0", "true"})).err,
            "sandbox: --add-seccomp-fd cannot be combined with --seccomp\n");
  EXPECT_EQ(run(in_busybox({"--add-seccomp-fd", "0", "--seccomp", "0", "true"})).err,
            "sandbox: --seccomp cannot be combined with --add-seccomp-fd\n");
}

TEST_F(Seccomp, LabelsAreAcceptedWithoutSelinux) {
  ASSERT_FALSE(exists("/sys/fs/selinux/enforce")) << "this test expects SELinux to be off";
  auto r = run(in_busybox({"--exec-label", "system_u:system_r:x:s0", "--file-label", "system_u:object_r:y:s0", "true"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

}  // namespace
}  // namespace sbtest

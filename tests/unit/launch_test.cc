// The pure pieces of a run: error records between child and monitor, status JSON, exit
// codes, id maps, reading a descriptor to its end. No privilege needed.
#include <gtest/gtest.h>

#include <map>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "launch/channel.h"
#include "launch/handed.h"
#include "launch/missing.h"
#include "launch/signals.h"
#include "launch/status.h"
#include "security/idmap.h"
#include "sys/io.h"
#include "security/userns.h"

namespace sb {
namespace {

TEST(ErrorRecord, RoundTrips) {
  for (Failure kind : {Failure::setup, Failure::not_executable, Failure::not_found}) {
    Error e{ENOENT, "execvp /bin/x", kind};
    auto back = launch::decode_error(launch::encode_error(e));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->err, ENOENT);
    EXPECT_EQ(back->context, "execvp /bin/x");
    EXPECT_EQ(back->kind, kind);
  }
  // No context, no errno.
  auto bare = launch::decode_error(launch::encode_error(Error{}));
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->message(), "");
}

TEST(ErrorRecord, CarriesTheHint) {
  Error e{ENOENT, "execvp /usr/bin/true", Failure::not_found};
  e.hint = "its interpreter is missing";
  auto back = launch::decode_error(launch::encode_error(e));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->context, "execvp /usr/bin/true");
  EXPECT_EQ(back->hint, "its interpreter is missing");
  EXPECT_EQ(back->message(), "execvp /usr/bin/true: No such file or directory");
}

TEST(ErrorRecord, CarriesTheOrigin) {
  // The origin follows the reason, so the sentence before it reads as it always did.
  Error e{ENOENT, "Can't find source path /x"};
  e.origin = "--ro-bind #3";
  EXPECT_EQ(e.message(), "Can't find source path /x: No such file or directory (from --ro-bind #3)");
  auto back = launch::decode_error(launch::encode_error(e));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->context, "Can't find source path /x");
  EXPECT_EQ(back->hint, "");
  EXPECT_EQ(back->origin, "--ro-bind #3");
  EXPECT_EQ(back->message(), e.message());
  // With a hint as well, and with no errno.
  Error both{0, "Can't make symlink at /l: existing destination is a"};
  both.hint = "drop one of them";
  both.origin = "--symlink #2";
  back = launch::decode_error(launch::encode_error(both));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->hint, "drop one of them");
  EXPECT_EQ(back->origin, "--symlink #2");
  EXPECT_EQ(back->message(), "Can't make symlink at /l: existing destination is a (from --symlink #2)");
}

TEST(MissingInterpreter, ElfScriptAndStatic) {
  // A dynamic program of this machine names its loader; a static one, none.
  auto interp = launch::interpreter_of("/usr/bin/true");
  ASSERT_TRUE(interp);
  EXPECT_TRUE(interp->starts_with("/lib")) << *interp;
  EXPECT_FALSE(launch::interpreter_of("/bin/busybox"));  // busybox-static
  char tmpl[] = "/tmp/sandbox-unit-script.XXXXXX";
  int fd = mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "#! /no/such/shell -e\necho\n", 27), 27);
  close(fd);
  EXPECT_EQ(launch::interpreter_of(tmpl), "/no/such/shell");
  chmod(tmpl, 0755);
  EXPECT_EQ(launch::missing_interpreter_hint(tmpl, nullptr),
            std::string(tmpl) + " is there, but its interpreter /no/such/shell is not in the sandbox; --ro-bind "
                                "/no/such /no/such would bring it");
  unlink(tmpl);
  // Here the loader is there: no hint; nor for a command that is not found at all.
  EXPECT_EQ(launch::missing_interpreter_hint("/usr/bin/true", nullptr), "");
  EXPECT_EQ(launch::missing_interpreter_hint("no-such-command", "/usr/bin"), "");
  EXPECT_EQ(launch::find_in_path("true", "/nonexistent:/usr/bin"), "/usr/bin/true");
  EXPECT_EQ(launch::find_in_path("./x", "/usr/bin"), "./x");
  EXPECT_FALSE(launch::find_in_path("no-such-command", "/usr/bin"));
}

TEST(ErrorRecord, LongContextIsCutToOneRecord) {
  std::string record = launch::encode_error(Error{EIO, std::string(10000, 'x')});
  EXPECT_EQ(record.size(), 4096u);
  auto back = launch::decode_error(record);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->context, std::string(4096 - 5, 'x'));
}

TEST(ErrorRecord, MalformedRecords) {
  auto shorter = launch::decode_error(std::string("\0\0", 2));
  ASSERT_FALSE(shorter);
  EXPECT_EQ(shorter.error().err, EPROTO);
  // A kind the monitor does not know is a setup failure.
  std::string odd = launch::encode_error(Error{EPERM, "x"});
  odd[0] = 77;
  auto back = launch::decode_error(odd);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->kind, Failure::setup);
  EXPECT_EQ(back->err, EPERM);
}

TEST(StatusJson, Layouts) {
  std::vector<launch::NamespaceId> ns = {{"ipc", 4026531839}, {"mnt", 7}};
  EXPECT_EQ(launch::format_status(42, ns, false),
            "{ \"child-pid\": 42, \"ipc-namespace\": 4026531839, \"mnt-namespace\": 7 }\n");
  EXPECT_EQ(launch::format_status(42, ns, true),
            "{\n    \"child-pid\": 42,\n    \"ipc-namespace\": 4026531839,\n    \"mnt-namespace\": 7\n}\n");
  EXPECT_EQ(launch::format_status(1, {}, false), "{ \"child-pid\": 1 }\n");
  EXPECT_EQ(launch::exit_code_line(137), "{ \"exit-code\": 137 }\n");
}

TEST(ExitCodes, Mapping) {
  EXPECT_EQ(exit_code_for(Failure::setup, false), 125);
  EXPECT_EQ(exit_code_for(Failure::not_executable, false), 126);
  EXPECT_EQ(exit_code_for(Failure::not_found, false), 127);
  for (Failure kind : {Failure::setup, Failure::not_executable, Failure::not_found, Failure::usage})
    EXPECT_EQ(exit_code_for(kind, true), 1);
  // A wait status as a shell reports it: the code, or 128+N after signal N.
  auto exited = [](int code) {
    pid_t p = fork();
    if (p == 0) _exit(code);
    int st = 0;
    waitpid(p, &st, 0);
    return st;
  };
  auto killed = [](int sig) {
    pid_t p = fork();
    if (p == 0) {
      signal(sig, SIG_DFL);
      raise(sig);
      _exit(0);
    }
    int st = 0;
    waitpid(p, &st, 0);
    return st;
  };
  EXPECT_EQ(launch::status_code(exited(0)), 0);
  EXPECT_EQ(launch::status_code(exited(3)), 3);
  EXPECT_EQ(launch::status_code(exited(255)), 255);
  EXPECT_EQ(launch::status_code(killed(SIGKILL)), 137);
  EXPECT_EQ(launch::status_code(killed(SIGTERM)), 143);
}

class TempDirectory {
 public:
  TempDirectory() {
    char tmpl[] = "/tmp/sandbox-unit.XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDirectory() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(IdMaps, LinesAndOrder) {
  EXPECT_EQ(security::id_map_line(0, 1000), "0 1000 1\n");
  EXPECT_EQ(security::id_map_line(4294967293u, 4294967293u), "4294967293 4294967293 1\n");
  TempDirectory d;
  for (const char* f : {"uid_map", "setgroups", "gid_map"}) std::ofstream(d.path() + "/" + f).close();
  int dir = open(d.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(dir, 0);
  ASSERT_TRUE(security::write_id_maps(dir, {"0 1000 1\n", "0 100 1\n"}));
  EXPECT_EQ(slurp(d.path() + "/uid_map"), "0 1000 1\n");
  EXPECT_EQ(slurp(d.path() + "/setgroups"), "deny");
  EXPECT_EQ(slurp(d.path() + "/gid_map"), "0 100 1\n");
  // gid_map must come after setgroups: where setgroups cannot be written, gid_map is left alone.
  std::filesystem::remove(d.path() + "/setgroups");
  std::filesystem::create_directory(d.path() + "/setgroups");
  std::ofstream(d.path() + "/gid_map", std::ios::trunc).close();
  auto failed = security::write_id_maps(dir, {"1 2 1\n", "3 4 1\n"});
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().context, "setgroups");
  EXPECT_EQ(failed.error().err, EISDIR);
  EXPECT_EQ(slurp(d.path() + "/gid_map"), "");
  close(dir);
}

TEST(ReadToEnd, WholeStreamLimitAndErrors) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  std::string big(200000, 'a');
  pid_t w = fork();
  if (w == 0) {
    close(p[0]);
    (void)!write(p[1], big.data(), big.size());
    _exit(0);
  }
  close(p[1]);
  auto all = sys::read_to_end(p[0]);
  close(p[0]);
  waitpid(w, nullptr, 0);
  ASSERT_TRUE(all);
  EXPECT_EQ(*all, big);

  ASSERT_EQ(pipe(p), 0);
  ASSERT_EQ(write(p[1], "0123456789", 10), 10);
  close(p[1]);
  auto over = sys::read_to_end(p[0], 9);
  close(p[0]);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().err, E2BIG);

  auto bad = sys::read_to_end(-1);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().err, EBADF);
}

// Every descriptor an option names has one owner; a number named twice, the first slot only,
// so it is never closed twice.
TEST(HandedFds, OneOwnerPerNumber) {
  int a = open("/dev/null", O_RDONLY | O_CLOEXEC), b = open("/dev/null", O_RDONLY | O_CLOEXEC),
      c = open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(c, 0);
  Spec spec;
  spec.info_fd = a;
  spec.json_status_fd = a;
  spec.seccomp_fds = {b, b};
  spec.mounts = {TmpfsOp{"/t", std::nullopt, std::nullopt}, DataOp{c, "/f", false, false, std::nullopt}};
  launch::HandedFds h = launch::hand_over(plan_handed(spec));
  EXPECT_EQ(h.info.get(), a);
  EXPECT_FALSE(h.json_status);
  ASSERT_EQ(h.seccomp.size(), 2u);
  EXPECT_EQ(h.seccomp[0].get(), b);
  EXPECT_FALSE(h.seccomp[1]);
  ASSERT_EQ(h.mounts.size(), 2u);
  EXPECT_FALSE(h.mounts[0]);
  EXPECT_EQ(h.mounts[1].get(), c);
  EXPECT_FALSE(h.block || h.sync || h.userns || h.userns2 || h.pidns || h.userns_block);
  // Closing through the owners closes each once: all three are gone, nothing else was closed.
  h = launch::HandedFds{};
  for (int fd : {a, b, c}) EXPECT_EQ(fcntl(fd, F_GETFD), -1) << fd;
}

}  // namespace
}  // namespace sb

namespace sb {
namespace {

// The sysctls as a fake reader sees them: path -> value; "" for a missing file.
security::SysctlReader sysctls(std::map<std::string, std::string> values) {
  return [values](const std::string& path) {
    auto it = values.find(path);
    return it == values.end() ? std::string() : it->second;
  };
}

TEST(UsernsHint, NamesTheSettingInTheWay) {
  const std::string max = "/proc/sys/user/max_user_namespaces", clone = "/proc/sys/kernel/unprivileged_userns_clone",
                    apparmor = "/proc/sys/kernel/apparmor_restrict_unprivileged_userns";
  EXPECT_EQ(security::userns_refusal_hint(ENOSPC, true, sysctls({{max, "0"}})),
            "user namespaces are turned off here (user.max_user_namespaces is 0): as root, sysctl -w "
            "user.max_user_namespaces=15000");
  EXPECT_EQ(security::userns_refusal_hint(EPERM, true, sysctls({{max, "15000"}, {clone, "0"}})),
            "unprivileged user namespaces are turned off here (kernel.unprivileged_userns_clone is 0): as root, "
            "sysctl -w kernel.unprivileged_userns_clone=1");
  const std::string apparmor_hint =
      "AppArmor restricts unprivileged user namespaces here (kernel.apparmor_restrict_unprivileged_userns is 1): "
      "give sandbox an AppArmor profile with the userns rule, or as root: sysctl -w "
      "kernel.apparmor_restrict_unprivileged_userns=0";
  EXPECT_EQ(security::userns_refusal_hint(EPERM, true, sysctls({{max, "15000"}, {clone, "1"}, {apparmor, "1"}})),
            apparmor_hint);
  // Under AppArmor's restriction the clone succeeds and a later privileged step fails.
  EXPECT_EQ(security::userns_refusal_hint(EPERM, false, sysctls({{apparmor, "1"}})), apparmor_hint);
  EXPECT_EQ(security::userns_refusal_hint(EACCES, false, sysctls({{apparmor, "1"}})), apparmor_hint);
  EXPECT_EQ(security::userns_refusal_hint(ENOENT, false, sysctls({{apparmor, "1"}})), "");
  EXPECT_EQ(security::userns_refusal_hint(EPERM, false, sysctls({{apparmor, "0"}})), "");
  // Nothing in the way: a limit used up says so; anything else says nothing.
  EXPECT_EQ(security::userns_refusal_hint(ENOSPC, true, sysctls({{max, "15000"}})),
            "the number of user namespaces allowed is used up, here or in a namespace around this one (a sandbox "
            "started with --disable-userns allows none)");
  EXPECT_EQ(security::userns_refusal_hint(EPERM, true, sysctls({{max, "15000"}, {clone, "1"}, {apparmor, "0"}})), "");
  EXPECT_EQ(security::userns_refusal_hint(EPERM, true, sysctls({})), "");
}

}  // namespace
}  // namespace sb

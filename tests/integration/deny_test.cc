// --deny as an attacker inside would test it: every way to read, list, write, remove, rename,
// link, unmount or make the path, by raw system calls, from COMMAND and from other processes
// of the sandbox, on a writable bind of a host directory; and the host afterwards, also when
// the sandbox is killed. Both ways of making mounts cover what exists.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

#include "harness.h"

namespace sbtest {
namespace {

// Every path beneath dir, with its size, sorted: what the host has there.
std::vector<std::string> listing(const std::string& dir) {
  std::vector<std::string> out;
  for (auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    std::string line = e.path().string();
    if (e.is_regular_file()) line += " " + std::to_string(e.file_size());
    out.push_back(line);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A host directory with a secret file and folder, another file and two folders.
struct HostTree {
  TempDir d;
  HostTree() {
    std::filesystem::create_directories(d / "secretdir");
    std::filesystem::create_directories(d / "sub");
    std::filesystem::create_directories(d / "sub2");
    write_file(d / "secret", "secret\n");
    write_file(d / "secretdir/key", "key\n");
    write_file(d / "other", "other\n");
  }
};

class Deny : public MountApiTest {
 protected:
  // The probe's call (x86-64) in a busybox sandbox with the host tree bound writable on /w.
  std::string call(const HostTree& t, std::vector<std::string> options, std::initializer_list<std::string> call) {
    std::vector<std::string> o = {"--bind", t.d.path(), "/w"};
    o.insert(o.end(), options.begin(), options.end());
    std::vector<std::string> c = {"64"};
    c.insert(c.end(), call);
    return syscall_probe(o, c);
  }
};

TEST_P(Deny, ExistingPathsCanBeNeitherReadListedWrittenNorMoved) {
  HostTree t;
  auto before = listing(t.d.path());
  // With and without Landlock: what exists is covered by a mount, which needs none.
  for (std::vector<std::string> layer : {std::vector<std::string>{}, std::vector<std::string>{"--no-landlock"}}) {
    std::vector<std::string> o = layer;
    o.insert(o.end(), {"--deny", "/w/secret", "--deny", "/w/secretdir"});
    EXPECT_EQ(call(t, o, {"open", "@/w/secret", "0"}), "EACCES");                // O_RDONLY
    EXPECT_EQ(call(t, o, {"open", "@/w/secret", "2"}), "EACCES");                // O_RDWR
    EXPECT_EQ(call(t, o, {"open", "@/w/secret", "0x201"}), "EROFS");             // O_WRONLY | O_TRUNC
    EXPECT_EQ(call(t, o, {"truncate", "@/w/secret", "0"}), "EACCES");
    EXPECT_EQ(call(t, o, {"chmod", "@/w/secret", "0644"}), "EROFS");
    EXPECT_EQ(call(t, o, {"open", "@/w/secretdir", "0x10000"}), "EACCES");       // O_DIRECTORY: to list it
    EXPECT_EQ(call(t, o, {"open", "@/w/secretdir/key", "0"}), "EACCES");
    EXPECT_EQ(call(t, o, {"unlink", "@/w/secret"}), "EBUSY");
    EXPECT_EQ(call(t, o, {"rename", "@/w/secretdir", "@/w/moved"}), "EBUSY");
    EXPECT_EQ(call(t, o, {"rename", "@/w/other", "@/w/secret"}), "EBUSY");
    EXPECT_EQ(call(t, o, {"link", "@/w/secret", "@/w/sub/l"}), "EXDEV");
    EXPECT_EQ(call(t, o, {"umount2", "@/w/secret", "2"}), "EPERM");              // MNT_DETACH
    EXPECT_EQ(call(t, o, {"umount2", "@/w/secretdir", "2"}), "EPERM");
    // Other ways to the same path lead to the cover too.
    EXPECT_EQ(call(t, o, {"open", "@/proc/self/root/w/secret", "0"}), "EACCES");
    EXPECT_EQ(call(t, o, {"open", "@/w/sub/../secret", "0"}), "EACCES");
    // The rest of the bind is as writable as before.
    EXPECT_EQ(call(t, o, {"open", "@/w/other", "2"}), "ok 3");
    EXPECT_EQ(call(t, o, {"mkdir", "@/w/sub/made", "0755"}), "ok 0");
    std::filesystem::remove(t.d / "sub/made");
  }
  // Every process of the sandbox, not only COMMAND: a background child, and init's view.
  auto r = run(in_busybox({"--dev", "/dev", "--bind", t.d.path(), "/w", "--deny", "/w/secret", "sh", "-c",
                           "(cat /w/secret 2>&1 || echo child-refused) & wait; "
                           "cat /proc/1/root/w/secret 2>&1 || echo init-view-refused; cat /w/other"}));
  EXPECT_EQ(r.out, "cat: can't open '/w/secret': Permission denied\nchild-refused\n"
                   "cat: can't open '/proc/1/root/w/secret': Permission denied\ninit-view-refused\nother\n")
      << r.err;
  EXPECT_EQ(listing(t.d.path()), before);
  EXPECT_EQ(read_file(t.d / "secret"), "secret\n");
}

TEST_P(Deny, MissingPathsCannotBeMadeAndLeaveNothingOnTheHost) {
  HostTree t;
  auto before = listing(t.d.path());
  std::vector<std::string> o = {"--deny", "/w/new", "--deny", "/w/sub/deeper/still"};
  // Every way to make a name.
  EXPECT_EQ(call(t, o, {"open", "@/w/new", "0x41", "0644"}), "EACCES");  // O_CREAT | O_WRONLY
  EXPECT_EQ(call(t, o, {"mkdir", "@/w/new", "0755"}), "EACCES");
  EXPECT_EQ(call(t, o, {"symlink", "@other", "@/w/new"}), "EACCES");
  EXPECT_EQ(call(t, o, {"link", "@/w/other", "@/w/new"}), "EACCES");
  EXPECT_EQ(call(t, o, {"rename", "@/w/other", "@/w/new"}), "EACCES");
  EXPECT_EQ(call(t, o, {"rename", "@/w/sub2", "@/w/new"}), "EACCES");
  EXPECT_EQ(call(t, o, {"mknod", "@/w/new", "0010644", "0"}), "EACCES");  // a FIFO
  EXPECT_EQ(call(t, o, {"mkdir", "@/w/sub/deeper", "0755"}), "EACCES");
  // The directories on the way keep their entries, fully usable, and can be listed.
  EXPECT_EQ(call(t, o, {"open", "@/w/other", "2"}), "ok 3");
  EXPECT_EQ(call(t, o, {"open", "@/w", "0x10000"}), "ok 3");
  EXPECT_EQ(call(t, o, {"mkdir", "@/w/sub2/made", "0755"}), "ok 0");
  EXPECT_EQ(call(t, o, {"open", "@/w/sub2/made/f", "0x41", "0644"}), "ok 3");
  std::filesystem::remove_all(t.d / "sub2/made");
  EXPECT_EQ(listing(t.d.path()), before);
}

// A file where a directory of the path would be: COMMAND could remove it and make the path.
TEST_P(Deny, APathBehindAFileCannotBeMadeEither) {
  HostTree t;
  write_file(t.d / "sub/f", "f\n");
  auto before = listing(t.d.path());
  std::vector<std::string> o = {"--deny", "/w/other/b", "--deny", "/w/sub/f/g/h"};
  // The file in the way can be neither removed nor replaced.
  EXPECT_EQ(call(t, o, {"unlink", "@/w/other"}), "EACCES");
  EXPECT_EQ(call(t, o, {"rename", "@/w/sub2", "@/w/other"}), "EACCES");
  EXPECT_EQ(call(t, o, {"rename", "@/w/other", "@/w/moved"}), "EACCES");
  EXPECT_EQ(call(t, o, {"unlink", "@/w/sub/f"}), "EACCES");
  // Nor can the path be made under any other route, as the attacker's script would try it.
  auto r = run(in_busybox({"--bind", t.d.path(), "/w", "--deny", "/w/other/b", "--deny", "/w/sub/f/g/h", "sh", "-c",
                           "rm -f /w/other 2>/dev/null; mkdir /w/other 2>/dev/null; echo x > /w/other/b 2>/dev/null; "
                           "rm -f /w/sub/f 2>/dev/null; mkdir -p /w/sub/f/g 2>/dev/null; echo x > /w/sub/f/g/h 2>/dev/null; "
                           "cat /w/other; echo still readable"}));
  EXPECT_EQ(r.out, "other\nstill readable\n") << r.err;
  EXPECT_EQ(listing(t.d.path()), before);
  // The file itself stays usable: written through, as any other file of the bind.
  EXPECT_EQ(call(t, o, {"open", "@/w/other", "2"}), "ok 3");
  // Without Landlock nothing could keep it from being made: refused, with the reason.
  expect_setup_refusal({"--bind", t.d.path(), "/w", "--no-landlock", "--deny", "/w/other/b"},
                       "--deny /w/other/b: /w/other/b does not exist, and only Landlock can keep it from being made; "
                       "--no-landlock turns it off: Operation not supported");
  EXPECT_EQ(listing(t.d.path()), before);
}

TEST_P(Deny, AMissingPathTheHostMakesLaterStaysUnreadable) {
  HostTree t;
  Background bg(in_busybox({"--bind", t.d.path(), "/w", "--deny", "/w/later", "sh", "-c",
                            "echo ready; while ! test -e /w/later; do sleep 0.05; done; "
                            "cat /w/later 2>&1 || echo refused"}));
  ASSERT_TRUE(bg.wait_for_line("ready"));
  write_file(t.d / "later", "made by the host\n");
  auto r = bg.finish();
  EXPECT_EQ(r.out, "ready\ncat: can't open '/w/later': Permission denied\nrefused\n") << r.err;
}

TEST_P(Deny, KilledMidRunLeavesTheHostAsItWas) {
  HostTree t;
  auto before = listing(t.d.path());
  pid_t child = -1;
  auto bg = start_waiting({"--bind", t.d.path(), "/w", "--deny", "/w/secret", "--deny", "/w/missing", "--deny",
                           "/w/sub/a/b"},
                          &child);
  ASSERT_GT(child, 0);
  EXPECT_EQ(listing(t.d.path()), before);  // while it runs, too
  kill(bg->pid(), SIGKILL);
  bg->finish();
  EXPECT_TRUE(leftover_processes().empty());
  EXPECT_EQ(listing(t.d.path()), before);
}

TEST_P(Deny, GlobsMatchWhatExists) {
  HostTree t;
  std::filesystem::create_directories(t.d / "a/b/c");
  for (const char* f : {".env", "a/.env", "a/b/c/.env", "keys/x.key", "keys/y.key", "keys/z.txt", "keys/q1", "keys/q22"}) {
    std::filesystem::create_directories(std::filesystem::path(t.d / f).parent_path());
    write_file(t.d / f, std::string(f) + "\n");
  }
  auto r = run(in_busybox({"--bind", t.d.path(), "/w", "--deny", "/w/**/.env", "--deny", "/w/keys/*.key", "--deny",
                           "/w/keys/q?", "--deny", "/w/[s]ecre[!x]", "sh", "-c",
                           "cd /w; for f in .env a/.env a/b/c/.env keys/x.key keys/y.key secret keys/q1 keys/z.txt "
                           "keys/q22 other; do cat $f 2>&1 || true; done; "
                           "echo new > keys/new.key && cat keys/new.key"}));
  EXPECT_EQ(r.out,
            "cat: can't open '.env': Permission denied\n"
            "cat: can't open 'a/.env': Permission denied\n"
            "cat: can't open 'a/b/c/.env': Permission denied\n"
            "cat: can't open 'keys/x.key': Permission denied\n"
            "cat: can't open 'keys/y.key': Permission denied\n"
            "cat: can't open 'secret': Permission denied\n"
            "cat: can't open 'keys/q1': Permission denied\n"
            "keys/z.txt\nkeys/q22\nother\n"
            "new\n")  // a pattern denies what it matches at the start, not names made later
      << r.err;
  std::filesystem::remove(t.d / "keys/new.key");
}

TEST_P(Deny, SymlinksLeadToWhatTheyName) {
  HostTree t;
  // A link to the secret, and a dangling one whose target would be made through the link.
  symlink("secret", (t.d / "alias").c_str());
  symlink("sub/target", (t.d / "dangling").c_str());
  auto before = listing(t.d.path());
  EXPECT_EQ(call(t, {"--deny", "/w/alias"}, {"open", "@/w/secret", "0"}), "EACCES");
  EXPECT_EQ(call(t, {"--deny", "/w/dangling"}, {"open", "@/w/dangling", "0x41", "0644"}), "EACCES");
  EXPECT_EQ(call(t, {"--deny", "/w/dangling"}, {"open", "@/w/sub/target", "0x41", "0644"}), "EACCES");
  EXPECT_EQ(listing(t.d.path()), before);
}

TEST_P(Deny, OnEveryMountKind) {
  TempDir lower;
  write_file(lower / "in-overlay", "overlay\n");
  // A tmpfs, a read-only bind, an overlay, --dev, procfs, and the new root itself; each with a
  // path that exists and one that does not.
  auto r = run(in_busybox({"--dev", "/dev", "--tmpfs", "/t", "--dir", "/t/d", "--overlay-src", lower.path(),
                           "--tmp-overlay", "/o", "--deny", "/t/d", "--deny", "/t/new", "--deny", "/etc/passwd",
                           "--deny", "/etc/new", "--deny", "/o/in-overlay", "--deny", "/o/new", "--deny", "/dev/zero",
                           "--deny", "/proc/cpuinfo", "--deny", "/made", "sh", "-c",
                           "for p in /t/d /etc/passwd /o/in-overlay /dev/zero /proc/cpuinfo; do "
                           "  head -c1 $p >/dev/null 2>&1 && echo read $p; done; "
                           "for p in /t/new /etc/new /o/new /made; do "
                           "  mkdir $p 2>/dev/null && echo made $p; touch $p 2>/dev/null && echo wrote $p; done; "
                           "ls /t/d >/dev/null 2>&1 && echo listed; echo end"}));
  EXPECT_EQ(r.out, "end\n") << r.err;
}

SANDBOX_BOTH_MOUNT_APIS(Deny);

class DenyRefusal : public SandboxTest {};

TEST_F(DenyRefusal, BadPatternsAndLimits) {
  TempDir d;
  std::filesystem::create_directories(d / "many");
  for (int i = 0; i < 1025; ++i) write_file(d / ("many/f" + std::to_string(i)), "");
  std::string deep = d / "deep";
  for (int i = 0; i < 34; ++i) deep += "/d";
  std::filesystem::create_directories(deep);
  const Refusal cases[] = {
      {{"--deny", "w/x"}, "--deny w/x: takes a path inside the sandbox, starting with /: Invalid argument"},
      {{"--deny", "/w/../etc"}, "--deny /w/../etc: '..' is not allowed in it: Invalid argument"},
      {{"--deny", "/w/a**"}, "--deny /w/a**: '**' must be a whole component, as in /a/**/b: Invalid argument"},
      {{"--deny", "/w/[ab"}, "--deny /w/[ab: a '[' is not closed: Invalid argument"},
      {{"--deny", "//"}, "--deny //: the whole root cannot be denied: Invalid argument"},
      {{"--bind", d.path(), "/d", "--deny", "/d/many/*"}, "--deny /d/many/*: more than 1024 paths to deny"},
      {{"--bind", d.path(), "/d", "--deny", "/d/deep/**/x"},
       "--deny /d/deep/**/x: '**' goes deeper than 32 directories, at /d/deep/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/"
       "d/d/d/d/d/d/d/d/d/d/d/d/d/d"},
  };
  for (const auto& c : cases) expect_setup_refusal(c.options, c.line);
}

TEST_F(DenyRefusal, AMissingPathNeedsLandlock) {
  TempDir d;
  write_file(d / "f", "f\n");
  auto before = listing(d.path());
  expect_setup_refusal({"--bind", d.path(), "/d", "--no-landlock", "--deny", "/d/new"},
                       "--deny /d/new: /d/new does not exist, and only Landlock can keep it from being made; "
                       "--no-landlock turns it off: Operation not supported");
  // A kernel without Landlock: the same, while what exists is still covered.
  auto old = run({old_kernel_bin(), "--deny", "444:38", sandbox_bin(), "--ro-bind", rootfs() + "/bin", "/bin", "--bind",
                  d.path(), "/d", "--deny", "/d/new", "true"});
  EXPECT_EQ(old.status, 125);
  EXPECT_EQ(old.err, "sandbox: --deny /d/new: /d/new does not exist, and only Landlock can keep it from being made; "
                     "this kernel has no Landlock: Operation not supported\n");
  auto covered = run({old_kernel_bin(), "--deny", "444:38", sandbox_bin(), "--ro-bind", rootfs() + "/bin", "/bin",
                      "--bind", d.path(), "/d", "--deny", "/d/f", "sh", "-c", "cat /d/f 2>&1 || echo refused"});
  EXPECT_EQ(covered.out, "cat: can't open '/d/f': Permission denied\nrefused\n") << covered.err;
  EXPECT_EQ(listing(d.path()), before);
}

TEST_F(DenyRefusal, CapSysAdminCannotUnmountTheCovers) {
  TempDir d;
  write_file(d / "f", "f\n");
  // Kept CAP_SYS_ADMIN would unmount a cover; Landlock forbids every mount and unmount.
  auto r = run(in_busybox({"--cap-add", "CAP_SYS_ADMIN", "--dev", "/dev", "--bind", d.path(), "/d", "--deny", "/d/f", "sh", "-c",
                           "umount /d/f 2>/dev/null || echo umount-refused; cat /d/f 2>&1 || echo read-refused"}));
  EXPECT_EQ(r.out, "umount-refused\ncat: can't open '/d/f': Permission denied\nread-refused\n") << r.err;
  // Without Landlock nothing could forbid it: refused at setup.
  expect_setup_refusal({"--cap-add", "CAP_SYS_ADMIN", "--no-landlock", "--bind", d.path(), "/d", "--deny", "/d/f"},
                       "--deny /d/f: COMMAND keeps CAP_SYS_ADMIN, with which it could unmount what covers the path; "
                       "only Landlock can forbid that, and --no-landlock turns it off: Operation not supported");
  // A root of a new user namespace (without Landlock, so that it can be made) finds the cover
  // locked to what it covers; its capabilities over the cover's owner read the cover itself,
  // which is empty.
  auto nested = run(in_busybox({"--no-landlock", "--uid", "1000", "--gid", "1000", "--dev", "/dev", "--bind", d.path(),
                                "/d", "--deny", "/d/f", "unshare", "-r", "-m", "sh", "-c",
                                "umount /d/f 2>/dev/null || echo umount-refused; echo \"read [$(cat /d/f 2>&1)]\""}));
  EXPECT_EQ(nested.out, "umount-refused\nread []\n") << nested.err;
  EXPECT_EQ(read_file(d / "f"), "f\n");
}

TEST_F(DenyRefusal, DryRunNamesThem) {
  auto r = run(sandbox({"--dry-run", "--tmpfs", "/w", "--deny", "/w/x", "--deny", "/w/**/.env", "true"}));
  EXPECT_NE(r.out.find("; denied: /w/x (--deny #1); denied: /w/**/.env (--deny #2);"), std::string::npos) << r.out;
  // Without Landlock what exists is still covered, and the plan says so.
  auto off = run(sandbox({"--dry-run", "--no-landlock", "--tmpfs", "/w", "--deny", "/w/x", "true"}));
  EXPECT_NE(off.out.find("\nlandlock: off (--no-landlock); denied: /w/x (--deny #1)\n"), std::string::npos) << off.out;
}

}  // namespace
}  // namespace sbtest

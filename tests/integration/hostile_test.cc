// Hostile trees: destinations and sources full of symlinks that try to lead out of the new
// root. After each run the host is unchanged and the sandbox saw what CLI.md says.
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "harness.h"

namespace sbtest {
namespace {

class Hostile : public MountApiTest {
 protected:
  TempDir host;   // stands for the host: nothing may appear in it
  TempDir tree;   // a tree the caller binds in, full of traps
  void SetUp() override {
    MountApiTest::SetUp();
    write_file(tree / "payload", "payload\n");
  }
  // Everything below `host`, for before/after comparisons.
  std::vector<std::string> listing() {
    std::vector<std::string> out;
    for (auto& e : std::filesystem::recursive_directory_iterator(host.path()))
      out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
  }
  // A sandbox on a tmpfs root with busybox's /bin, the given options, then the command.
  RunResult sandboxed(std::vector<std::string> options, std::string script) {
    std::vector<std::string> args{sandbox_bin(), "--ro-bind", rootfs() + "/bin", "/bin"};
    args.insert(args.end(), options.begin(), options.end());
    args.insert(args.end(), {"sh", "-c", script});
    return run(args);
  }
};

TEST_P(Hostile, AbsoluteSymlinkInDestinationStaysInside) {
  symlink(host.path().c_str(), (tree / "out").c_str());  // points at the "host" by absolute path
  auto before = listing();
  // Until its target exists in the new root, the link cannot be gone through at all.
  auto dangling = sandboxed({"--bind", tree.path(), "/t", "--dir", "/t/out/dir"}, "true");
  EXPECT_EQ(dangling.status, 125);
  EXPECT_EQ(dangling.err, "sandbox: Can't mkdir parents for /t/out/dir: /t/out is a symbolic link whose "
                          "target does not exist in the sandbox (from --dir #1)\n");
  auto r = sandboxed({"--bind", tree.path(), "/t", "--dir", host.path(), "--tmpfs", "/t/out/made", "--dir", "/t/out/dir",
                      "--symlink", "x", "/t/out/link", "--ro-bind", tree / "payload", "/t/out/file"},
                     "ls " + host.path() + " | tr '\\n' ' '");
  ASSERT_EQ(r.status, 0) << r.err;
  // Inside, host.path() is a path in the new root: that is where everything went.
  EXPECT_EQ(r.out, "dir file link made ");
  EXPECT_EQ(listing(), before);
}

TEST_P(Hostile, DotDotChainsStopAtTheRoot) {
  symlink("../../../../../../../..", (tree / "up").c_str());
  symlink("up", (tree / "up2").c_str());  // a chain through another link
  auto before = listing();
  auto r = sandboxed({"--bind", tree.path(), "/t", "--dir", "/t/up2/escaped", "--dir", "/t/up/../../also"},
                     "ls -d /escaped /also");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "/also\n/escaped\n");
  EXPECT_FALSE(exists("/escaped"));
  EXPECT_FALSE(exists("/also"));
  EXPECT_EQ(listing(), before);
}

TEST_P(Hostile, RelativeLinkToEtc) {
  symlink("../../../../../../etc", (tree / "etc-link").c_str());
  auto r = sandboxed({"--bind", tree.path(), "/t", "--dir", "/etc", "--tmpfs", "/t/etc-link", "--proc", "/proc"},
                     "grep ' /etc ' /proc/self/mountinfo | cut -d' ' -f5,9");
  // The tmpfs lands on the new root's /etc, never on the host's.
  EXPECT_EQ(r.out, "/etc tmpfs\n") << r.err;
  struct stat st;
  ASSERT_EQ(stat("/etc/passwd", &st), 0);
}

TEST_P(Hostile, DanglingLinkIsNotCreatedThrough) {
  symlink((host / "created-through-link").c_str(), (tree / "dangling").c_str());
  auto before = listing();
  auto file = sandboxed({"--bind", tree.path(), "/t", "--ro-bind", tree / "payload", "/t/dangling"}, "true");
  auto dir = sandboxed({"--bind", tree.path(), "/t", "--dir", "/t/dangling"}, "true");
  auto link = sandboxed({"--bind", tree.path(), "/t", "--symlink", "x", "/t/dangling"}, "true");
  EXPECT_EQ(listing(), before);
  EXPECT_FALSE(exists(host / "created-through-link"));
  // Each fails with one line; none creates anything where the link points.
  for (auto* r : {&file, &dir, &link}) {
    EXPECT_EQ(r->status, 125);
    EXPECT_EQ(lines(r->err).size(), 1u) << r->err;
  }
}

TEST_P(Hostile, LinksInsideBindSourcesAreNotFollowedOut) {
  // A bind source holding a link to the host: inside, it resolves in the new root.
  symlink("/etc/passwd", (tree / "passwd-link").c_str());
  auto r = sandboxed({"--ro-bind", tree.path(), "/t"}, "cat /t/passwd-link 2>&1 | head -1");
  EXPECT_NE(r.out.find("No such file"), std::string::npos) << r.out;
}

TEST_P(Hostile, SourceThatIsALinkIsResolvedAsTheCallerSeesIt) {
  symlink((tree / "payload").c_str(), (host / "source-link").c_str());
  auto r = sandboxed({"--ro-bind", host / "source-link", "/p"}, "cat /p");
  EXPECT_EQ(r.out, "payload\n") << r.err;
}

TEST_P(Hostile, ChmodAndRemountThroughLinksStayInside) {
  symlink(host.path().c_str(), (tree / "out").c_str());
  mode_t before_mode;
  struct stat st;
  ASSERT_EQ(stat(host.path().c_str(), &st), 0);
  before_mode = st.st_mode;
  auto r = sandboxed({"--bind", tree.path(), "/t", "--chmod", "0777", "/t/out"}, "true");
  // /t/out leads to the new root's path of that name, which does not exist.
  EXPECT_EQ(r.status, 125);
  EXPECT_EQ(r.err, "sandbox: Can't chmod 0777 /t/out: No such file or directory (from --chmod #1)\n");
  ASSERT_EQ(stat(host.path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode, before_mode);
}

TEST_P(Hostile, LinkSwappedDuringSetupNeverLeadsOut) {
  // A process outside keeps swapping a directory for a link to the host while sandboxes bind
  // onto it. Whichever it meets, a sandbox mounts inside its own root, and the host stays as it
  // was; a mount that lands elsewhere than resolved is refused by the identity check.
  std::filesystem::create_directory(tree / "spot");
  auto before = listing();
  std::atomic<bool> stop{false};
  std::thread swapper([&] {
    std::string spot = tree / "spot", tmp = tree / "spot.tmp";
    while (!stop) {
      symlink(host.path().c_str(), tmp.c_str());
      rename(tmp.c_str(), spot.c_str());  // the directory is replaced by the link...
      unlink(spot.c_str());
      mkdir(spot.c_str(), 0755);           // ...and back
    }
  });
  int ok = 0;
  for (int i = 0; i < 30; ++i) {
    auto r = sandboxed({"--bind", tree.path(), "/t", "--ro-bind", tree / "payload", "/t/spot/file"}, "true");
    if (r.status == 0) ++ok;
    else EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
  }
  stop = true;
  swapper.join();
  EXPECT_EQ(listing(), before);
  EXPECT_GT(ok, 0);
}

SANDBOX_BOTH_MOUNT_APIS(Hostile);

}  // namespace
}  // namespace sbtest

// The options that share a part of the caller's session (--keep-env, --share-display,
// --share-sound, --home) and the Xauthority filter behind --share-display. No privilege: the
// caller's environment is a fake.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "cli/parse.h"
#include "config/display.h"

namespace sb {
namespace {

using Env = std::map<std::string, std::string>;

Result<cli::Parsed> parse(std::vector<std::string> args, Env env) {
  auto read_profile = [](const std::string&) -> Result<std::vector<config::Word>> { return fail("no profiles here"); };
  return cli::parse(args, "sandbox", cli::read_whole_fd, read_profile, [env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  });
}

std::string error(std::vector<std::string> args, Env env) {
  auto r = parse(std::move(args), std::move(env));
  return r ? std::string("(parsed)") : r.error().message();
}

TEST(KeepEnv, TakesTheCallersValueAtItsPlace) {
  auto p = parse({"--clearenv", "--keep-env", "PATH", "--keep-env", "NOPE", "--setenv", "LANG", "C", "true"},
                 {{"PATH", "/usr/bin:/bin"}, {"LANG", "de_DE.UTF-8"}});
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->spec.env, (std::vector<EnvOp>{{EnvOp::Kind::clear, "", ""},
                                             {EnvOp::Kind::set, "PATH", "/usr/bin:/bin"},
                                             {EnvOp::Kind::unset, "NOPE", ""},
                                             {EnvOp::Kind::set, "LANG", "C"}}));
  EXPECT_EQ(error({"--keep-env", "A=B", "true"}, {}), "--keep-env: invalid variable name 'A=B': Invalid argument");
  EXPECT_EQ(error({"--keep-env", "", "true"}, {}), "--keep-env: invalid variable name '': Invalid argument");
}

TEST(ShareDisplay, X11TheSocketTheCookiesAndTheVariables) {
  auto p = parse({"--clearenv", "--share-display", "true"},
                 {{"DISPLAY", ":3.0"}, {"XAUTHORITY", "/run/user/1000/gdm/Xauthority"}, {"HOME", "/home/ann"}});
  ASSERT_TRUE(p) << p.error().message();
  const Spec& s = p->spec;
  // The automatic /dev, the socket, the cookies' place.
  ASSERT_EQ(s.mounts.size(), 3u);
  EXPECT_EQ(s.mounts[1], MountOp(BindOp{"/tmp/.X11-unix/X3", "/tmp/.X11-unix/X3", BindKind::ro, false, std::nullopt}));
  EXPECT_EQ(s.mounts[2], MountOp(DataOp{kDataPendingXauthority, "/run/sandbox/Xauthority", true, true, std::nullopt}));
  EXPECT_EQ(s.mount_origin(1).str(), "--share-display");
  EXPECT_EQ(s.mount_origin(2).str(), "--share-display");
  EXPECT_EQ(s.xauthority, (Spec::Xauthority{"/run/user/1000/gdm/Xauthority", "3"}));
  EXPECT_EQ(s.env, (std::vector<EnvOp>{{EnvOp::Kind::clear, "", ""},
                                       {EnvOp::Kind::set, "DISPLAY", ":3.0"},
                                       {EnvOp::Kind::set, "XAUTHORITY", "/run/sandbox/Xauthority"}}));
  // Without XAUTHORITY, libXau's default: ~/.Xauthority. Given twice, shared once.
  auto home = parse({"--share-display", "--share-display", "true"}, {{"DISPLAY", "unix:0"}, {"HOME", "/home/ann"}});
  ASSERT_TRUE(home) << home.error().message();
  EXPECT_EQ(home->spec.xauthority, (Spec::Xauthority{"/home/ann/.Xauthority", "0"}));
  EXPECT_EQ(home->spec.mounts.size(), 3u);
}

TEST(ShareDisplay, WaylandAndBoth) {
  auto p = parse({"--share-display", "true"},
                 {{"WAYLAND_DISPLAY", "wayland-1"}, {"XDG_RUNTIME_DIR", "/run/user/1000"}, {"DISPLAY", ":0"}});
  ASSERT_TRUE(p) << p.error().message();
  const Spec& s = p->spec;
  ASSERT_EQ(s.mounts.size(), 4u);
  EXPECT_EQ(s.mounts[3], MountOp(BindOp{"/run/user/1000/wayland-1", "/run/user/1000/wayland-1", BindKind::ro, false, std::nullopt}));
  EXPECT_EQ(s.env.back(), (EnvOp{EnvOp::Kind::set, "XDG_RUNTIME_DIR", "/run/user/1000"}));
  auto absolute = parse({"--share-display", "true"}, {{"WAYLAND_DISPLAY", "/tmp/w/sock"}});
  ASSERT_TRUE(absolute) << absolute.error().message();
  EXPECT_EQ(absolute->spec.mounts.back(), MountOp(BindOp{"/tmp/w/sock", "/tmp/w/sock", BindKind::ro, false, std::nullopt}));
  EXPECT_FALSE(absolute->spec.xauthority);
}

TEST(ShareDisplay, WhatCannotBeSharedIsOneLine) {
  EXPECT_EQ(error({"--share-display", "true"}, {{"DISPLAY", ""}}),
            "--share-display: neither DISPLAY nor WAYLAND_DISPLAY is set: Invalid argument");
  EXPECT_EQ(error({"--share-display", "true"}, {{"DISPLAY", "localhost:10.0"}}),
            "--share-display: DISPLAY=localhost:10.0 is a display over the network, which has no socket to share: "
            "use --share-net instead: Invalid argument");
  for (std::string bad : {"0", ":", ":x", ":1.y", ":1:", ":12345678901"})
    EXPECT_EQ(error({"--share-display", "true"}, {{"DISPLAY", bad}}),
              "--share-display: DISPLAY=" + bad + " is not an X11 display: Invalid argument") << bad;
  EXPECT_EQ(error({"--share-display", "true"}, {{"WAYLAND_DISPLAY", "wayland-0"}}),
            "--share-display: WAYLAND_DISPLAY=wayland-0 names a socket in XDG_RUNTIME_DIR, which is not set: Invalid argument");
}

TEST(ShareSound, PulseAudioAndPipeWireWherePresent) {
  auto p = parse({"--share-sound", "true"}, {{"XDG_RUNTIME_DIR", "/run/user/7"}});
  ASSERT_TRUE(p) << p.error().message();
  ASSERT_EQ(p->spec.mounts.size(), 3u);
  EXPECT_EQ(p->spec.mounts[1], MountOp(BindOp{"/run/user/7/pulse/native", "/run/user/7/pulse/native", BindKind::ro, true, std::nullopt}));
  EXPECT_EQ(p->spec.mounts[2], MountOp(BindOp{"/run/user/7/pipewire-0", "/run/user/7/pipewire-0", BindKind::ro, true, std::nullopt}));
  EXPECT_EQ(p->spec.mount_origin(2).str(), "--share-sound");
  auto none = parse({"--share-sound", "true"}, {});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->spec.mounts.size(), 1u);
  EXPECT_EQ(none->warnings, (std::vector<std::string>{"--share-sound: XDG_RUNTIME_DIR is not set, so there is no sound server to share"}));
}

TEST(Home, ATmpfsOrAKeptDirectoryAtTheFirstPlace) {
  Env env{{"HOME", "/home/ann"}};
  auto fresh = parse({"--home", "tmpfs", "true"}, env);
  ASSERT_TRUE(fresh) << fresh.error().message();
  EXPECT_EQ(fresh->spec.mounts.back(), MountOp(TmpfsOp{"/home/ann", std::nullopt, 0700}));
  EXPECT_FALSE(fresh->spec.home_store);
  // A later --home takes the first one's place, beneath what went into HOME after it.
  auto kept = parse({"--home", "tmpfs", "--ro-bind", "/f", "/home/ann/.fonts", "--home", "web", "true"}, env);
  ASSERT_TRUE(kept) << kept.error().message();
  const Spec& s = kept->spec;
  ASSERT_EQ(s.mounts.size(), 3u);
  EXPECT_EQ(s.mounts[1], MountOp(BindOp{"/home/ann/.local/share/sandbox/home/web", "/home/ann", BindKind::rw, false, std::nullopt}));
  EXPECT_EQ(s.mount_origin(1).str(), "--home");
  EXPECT_EQ(s.mount_origin(2).str(), "--ro-bind #1");
  EXPECT_EQ(s.home_store, "/home/ann/.local/share/sandbox/home/web");
  EXPECT_EQ(kept->warnings, (std::vector<std::string>{"Only the last --home option will take effect"}));
  auto xdg = parse({"--home", "a.b_c-1", "true"}, {{"HOME", "/h"}, {"XDG_DATA_HOME", "/data"}});
  ASSERT_TRUE(xdg);
  EXPECT_EQ(xdg->spec.home_store, "/data/sandbox/home/a.b_c-1");
  for (std::string bad : {"", ".hidden", "a/b", "..", "x y"})
    EXPECT_EQ(error({"--home", bad, "true"}, env),
              "--home " + bad + ": takes tmpfs, or a NAME of letters, digits, '.', '_' and '-' not starting with '.': Invalid argument");
  EXPECT_EQ(error({"--home", "tmpfs", "true"}, {}), "--home tmpfs: HOME is not set to an absolute path: Invalid argument");
  EXPECT_EQ(error({"--home", "tmpfs", "true"}, {{"HOME", "//"}}), "--home tmpfs: HOME is /, which would be the whole new root: Invalid argument");
}

// An Xauthority entry: family, address, display number, auth name, cookie.
std::string entry(unsigned family, std::string address, std::string number, std::string cookie) {
  std::string out;
  auto field = [&](const std::string& f) {
    out += static_cast<char>(f.size() >> 8);
    out += static_cast<char>(f.size() & 0xff);
    out += f;
  };
  out += static_cast<char>(family >> 8);
  out += static_cast<char>(family & 0xff);
  field(address);
  field(number);
  field("MIT-MAGIC-COOKIE-1");
  field(cookie);
  return out;
}

TEST(Xauthority, KeepsThisHostsCookiesForTheDisplayAsWild) {
  std::string file = entry(256, "box", "3", "c3") + entry(256, "other", "3", "no") + entry(256, "box", "4", "c4") +
                     entry(0, "\x7f\0\0\1", "3", "tcp") + entry(65535, "", "3", "wild") + entry(256, "box", "", "any");
  auto kept = config::filter_xauthority(file, "3", "box");
  ASSERT_TRUE(kept) << kept.error().message();
  EXPECT_EQ(*kept, entry(65535, "box", "3", "c3") + entry(65535, "", "3", "wild") + entry(65535, "box", "", "any"));
  EXPECT_EQ(*config::filter_xauthority("", "0", "box"), "");
  auto cut = config::filter_xauthority(file.substr(0, file.size() - 1), "3", "box");
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().message(), "Xauthority: an entry cut short: Invalid argument");
}

}  // namespace
}  // namespace sb

// The options that share a part of the caller's session (--keep-env, --share-display,
// --share-sound, --home) and the Xauthority filter behind --share-display. No privilege: the
// caller's environment is a fake.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "cli/parse.h"
#include "config/display.h"
#include "desktop/dbus.h"
#include "desktop/identity.h"
#include "desktop/session.h"

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

// `words` as one line of a profile p.profile, given with --profile p.
Result<cli::Parsed> parse_with_profile(std::vector<std::string> words, Env env) {
  auto read_profile = [words](const std::string&) -> Result<std::vector<config::Word>> {
    std::vector<config::Word> out;
    for (size_t i = 0; i < words.size(); ++i) out.push_back({words[i], "p.profile:1", i == 0});
    return out;
  };
  return cli::parse(std::vector<std::string>{"--profile", "p", "true"}, "sandbox", cli::read_whole_fd, read_profile,
                    [env](const std::string& name) -> std::optional<std::string> {
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

TEST(ShareDisplay, WaylandFirstAndX11OnlyWhenTrusted) {
  Env env{{"WAYLAND_DISPLAY", "wayland-1"}, {"XDG_RUNTIME_DIR", "/run/user/1000"}, {"DISPLAY", ":0"}};
  auto p = parse({"--share-display", "true"}, env);
  ASSERT_TRUE(p) << p.error().message();
  const Spec& s = p->spec;
  // Only the Wayland socket, into the runtime directory inside; X11 is not reachable.
  EXPECT_EQ(s.mounts.size(), 1u);
  EXPECT_EQ(s.runtime_sockets, (std::vector<Spec::RuntimeSocket>{{"/run/user/1000/wayland-1", "wayland-1", false, "--share-display"}}));
  EXPECT_FALSE(s.xauthority);
  EXPECT_EQ(s.env, (std::vector<EnvOp>{{EnvOp::Kind::set, "WAYLAND_DISPLAY", "wayland-1"},
                                       {EnvOp::Kind::unset, "DISPLAY", ""},
                                       {EnvOp::Kind::unset, "XAUTHORITY", ""}}));
  EXPECT_TRUE(p->warnings.empty());
  // =trusted, after a plain one (a profile's), adds X11 with the caller's own cookies, and says so.
  auto t = parse({"--share-display", "--share-display=trusted", "true"}, env);
  ASSERT_TRUE(t) << t.error().message();
  ASSERT_EQ(t->spec.mounts.size(), 3u);
  EXPECT_EQ(t->spec.mounts[1], MountOp(BindOp{"/tmp/.X11-unix/X0", "/tmp/.X11-unix/X0", BindKind::ro, false, std::nullopt}));
  EXPECT_EQ(t->spec.mount_origin(1).str(), "--share-display=trusted");
  ASSERT_TRUE(t->spec.xauthority);
  EXPECT_TRUE(t->spec.xauthority->trusted);
  EXPECT_EQ(t->warnings, (std::vector<std::string>{"--share-display=trusted: COMMAND can read and drive every window on the X11 display (:0)"}));
  // A Wayland socket named by its path goes in under a name of its own.
  auto absolute = parse({"--share-display", "true"}, {{"WAYLAND_DISPLAY", "/tmp/w/sock"}});
  ASSERT_TRUE(absolute) << absolute.error().message();
  EXPECT_EQ(absolute->spec.runtime_sockets, (std::vector<Spec::RuntimeSocket>{{"/tmp/w/sock", "wayland-0", false, "--share-display"}}));
  EXPECT_EQ(error({"--share-display=full", "true"}, env), "--share-display=full: the only value it takes is =trusted: Invalid argument");
  EXPECT_EQ(error({"--share-sound=trusted", "true"}, env), "Unknown option --share-sound=trusted");
  // The display's mounts come after everything the command line mounts, which cannot hide them.
  auto late = parse({"--share-display", "--tmpfs", "/tmp", "true"}, {{"DISPLAY", ":2"}});
  ASSERT_TRUE(late) << late.error().message();
  EXPECT_EQ(late->spec.mounts[2], MountOp(BindOp{"/tmp/.X11-unix/X2", "/tmp/.X11-unix/X2", BindKind::ro, false, std::nullopt}));
}

TEST(ShareDisplay, SocketsGoIntoTheRuntimeDirectoryOfTheUidInside) {
  Spec s;
  s.runtime_sockets = {{"/run/user/1000/wayland-1", "wayland-1", false, "--share-display"},
                       {"/run/user/1000/pulse/native", "pulse/native", true, "--share-sound"},
                       {"", "bus", false, "--dbus-talk"}};
  desktop::place_runtime(s, 1000, "/run/user/1000/sandbox-dbus.x/bus", "");
  EXPECT_EQ(s.mounts, (std::vector<MountOp>{TmpfsOp{"/run/user/1000", std::nullopt, 0700},
                                            BindOp{"/run/user/1000/wayland-1", "/run/user/1000/wayland-1", BindKind::ro, false, std::nullopt},
                                            BindOp{"/run/user/1000/pulse/native", "/run/user/1000/pulse/native", BindKind::ro, true, std::nullopt},
                                            BindOp{"/run/user/1000/sandbox-dbus.x/bus", "/run/user/1000/bus", BindKind::ro, false, std::nullopt}}));
  EXPECT_EQ(s.env, (std::vector<EnvOp>{{EnvOp::Kind::set, "DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/1000/bus"},
                                       {EnvOp::Kind::set, "XDG_RUNTIME_DIR", "/run/user/1000"}}));
  EXPECT_EQ(s.mount_origin(3).str(), "--dbus-talk");
  // As root inside, /run/user/0; the system bus at its usual place; nothing without sockets.
  Spec root;
  root.runtime_sockets = {{"/x/pulse/native", "pulse/native", true, "--share-sound"}};
  desktop::place_runtime(root, 0, "", "/x/system_bus");
  EXPECT_EQ(root.mounts.front(), MountOp(BindOp{"/x/system_bus", "/run/dbus/system_bus_socket", BindKind::ro, false, std::nullopt}));
  EXPECT_EQ(root.mounts[1], MountOp(TmpfsOp{"/run/user/0", std::nullopt, 0700}));
  Spec none;
  desktop::place_runtime(none, 1000, "", "");
  EXPECT_TRUE(none.mounts.empty() && none.env.empty());
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
  auto p = parse({"--share-sound", "--share-sound", "true"}, {{"XDG_RUNTIME_DIR", "/run/user/7"}});
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->spec.runtime_sockets, (std::vector<Spec::RuntimeSocket>{{"/run/user/7/pulse/native", "pulse/native", true, "--share-sound"},
                                                                      {"/run/user/7/pipewire-0", "pipewire-0", true, "--share-sound"}}));
  auto none = parse({"--share-sound", "true"}, {});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->spec.runtime_sockets.empty());
  EXPECT_EQ(none->warnings, (std::vector<std::string>{"--share-sound: XDG_RUNTIME_DIR is not set, so there is no sound server to share"}));
  // From a profile, no sound server is nothing to say.
  auto quiet = parse_with_profile({"--share-sound"}, {});
  ASSERT_TRUE(quiet) << quiet.error().message();
  EXPECT_TRUE(quiet->warnings.empty());
}

TEST(AsUser, TheCallerWithEntriesInPasswdAndGroup) {
  auto p = parse({"--as-user", "true"}, {});
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_TRUE(p->spec.as_user && p->spec.ids_are_callers);
  EXPECT_EQ(p->spec.mounts[1], MountOp(DataOp{kDataPendingPasswd, "/etc/passwd", true, true, std::nullopt}));
  EXPECT_EQ(p->spec.mounts[2], MountOp(DataOp{kDataPendingGroup, "/etc/group", true, true, std::nullopt}));
  EXPECT_EQ(p->spec.mount_origin(2).str(), "--as-user");
  auto files = desktop::identity_files({"ann", "Ann A", "/home/ann", "/bin/bash", "staff"}, 1000, 50);
  ASSERT_TRUE(files) << files.error().message();
  EXPECT_EQ(files->passwd, "root:x:0:0:root:/root:/bin/sh\nann:x:1000:50:Ann A:/home/ann:/bin/bash\n"
                           "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
  EXPECT_EQ(files->group, "root:x:0:\nstaff:x:50:\nnogroup:x:65534:\n");
  // A HOME that would make another entry is refused.
  auto bad = desktop::identity_files({"ann", "", "/home/a:0:0", "/bin/sh", "ann"}, 1000, 1000);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), "--as-user: the caller's account has ':' or a newline in '/home/a:0:0': Invalid argument");
}

TEST(DieWithParent, ALaterNoTurnsItOff) {
  auto p = parse({"--die-with-parent", "--no-die-with-parent", "true"}, {});
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->spec.die_with_parent);
  auto again = parse({"--no-die-with-parent", "--die-with-parent", "true"}, {});
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->spec.die_with_parent);
}

TEST(Dbus, RulesForTheProxyInOrder) {
  Env env{{"DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/1000/bus"}};
  auto p = parse({"--dbus-talk", "org.freedesktop.portal.*", "--dbus-own", "org.example.App", "--dbus-see", "org.a.B",
                  "--dbus-call", "org.freedesktop.Notifications=org.freedesktop.Notifications.Notify@/org/freedesktop/Notifications",
                  "--dbus-system-talk", "org.freedesktop.NetworkManager", "true"},
                 env);
  ASSERT_TRUE(p) << p.error().message();
  ASSERT_TRUE(p->spec.session_bus && p->spec.system_bus);
  EXPECT_EQ(p->spec.session_bus->address, "unix:path=/run/user/1000/bus");
  EXPECT_FALSE(p->spec.session_bus->optional);
  EXPECT_EQ(p->spec.session_bus->rules,
            (std::vector<std::string>{"--talk=org.freedesktop.portal.*", "--own=org.example.App", "--see=org.a.B",
                                      "--call=org.freedesktop.Notifications=org.freedesktop.Notifications.Notify@/org/freedesktop/Notifications"}));
  EXPECT_EQ(p->spec.system_bus->address, "unix:path=/run/dbus/system_bus_socket");
  EXPECT_EQ(p->spec.system_bus->rules, (std::vector<std::string>{"--talk=org.freedesktop.NetworkManager"}));
  EXPECT_EQ(p->spec.runtime_sockets, (std::vector<Spec::RuntimeSocket>{{"", "bus", false, "--dbus-talk"}}));
  EXPECT_EQ(desktop::proxy_argv(5, "/d", p->spec.session_bus, p->spec.system_bus),
            (std::vector<std::string>{"xdg-dbus-proxy", "--fd=5", "unix:path=/run/user/1000/bus", "/d/bus", "--filter",
                                      "--talk=org.freedesktop.portal.*", "--own=org.example.App", "--see=org.a.B",
                                      "--call=org.freedesktop.Notifications=org.freedesktop.Notifications.Notify@/org/freedesktop/Notifications",
                                      "unix:path=/run/dbus/system_bus_socket", "/d/system_bus", "--filter",
                                      "--talk=org.freedesktop.NetworkManager"}));
  for (std::string bad : {"org", "org..x", ".org.x", "org.x.", "org x.y", "org.*", "org.x*", "*"})
    EXPECT_EQ(error({"--dbus-talk", bad, "true"}, env),
              "--dbus-talk " + bad + ": not a bus name (dot-separated letters, digits, '_' and '-', at least two parts, "
              "optionally ending in .*): Invalid argument") << bad;
  EXPECT_EQ(error({"--dbus-call", "org.a.B", "true"}, env),
            "--dbus-call org.a.B: takes NAME=RULE, RULE being [METHOD][@PATH] such as org.example.Iface.Method@/org/example: Invalid argument");
  EXPECT_EQ(error({"--dbus-talk", "org.a.B", "true"}, {}),
            "--dbus-talk org.a.B: DBUS_SESSION_BUS_ADDRESS is not set, so there is no session bus to filter: Invalid argument");
  // Without the variable, libdbus's default; from a profile, where the bus may be missing.
  auto fallback = parse_with_profile({"--dbus-talk", "org.a.B"}, {{"XDG_RUNTIME_DIR", "/run/user/9"}});
  ASSERT_TRUE(fallback) << fallback.error().message();
  EXPECT_EQ(fallback->spec.session_bus, (Spec::Bus{"unix:path=/run/user/9/bus", {"--talk=org.a.B"}, true, "--dbus-talk"}));
  // The bus and its socket are named by the option that asked for them first.
  auto owned = parse({"--dbus-own", "org.a.B", "--dbus-talk", "org.c.D", "true"}, {{"XDG_RUNTIME_DIR", "/run/user/9"}});
  ASSERT_TRUE(owned) << owned.error().message();
  EXPECT_EQ(owned->spec.session_bus->option, "--dbus-own");
  ASSERT_FALSE(owned->spec.runtime_sockets.empty());
  EXPECT_EQ(owned->spec.runtime_sockets.back().option, "--dbus-own");
  auto nothing = parse_with_profile({"--dbus-talk", "org.a.B"}, {});
  ASSERT_TRUE(nothing) << nothing.error().message();
  EXPECT_FALSE(nothing->spec.session_bus);
  EXPECT_TRUE(nothing->spec.runtime_sockets.empty());
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

// config.json -> Spec (oci/config.h): the OCI front end, without privilege.
#include <sched.h>

#include <algorithm>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "oci/config.h"

namespace sb {
namespace {

using json = nlohmann::json;

TEST(OciConfig, TheDefaultConfigBecomesASpec) {
  json config = oci::default_config(false, 1000, 1000);
  config["process"]["args"] = {"sh", "-c", "true"};
  config["process"]["env"] = {"PATH=/bin", "A=b=c"};
  config["process"]["cwd"] = "/tmp";
  config["process"]["user"] = {{"uid", 5}, {"gid", 6}};
  auto c = oci::spec_from_config(config, "/b", {});
  ASSERT_TRUE(c) << c.error().message();
  const Spec& s = c->spec;
  EXPECT_EQ(s.command, (std::vector<std::string>{"sh", "-c", "true"}));
  EXPECT_EQ(s.env, (std::vector<EnvOp>{{EnvOp::Kind::clear, "", ""}, {EnvOp::Kind::set, "PATH", "/bin"}, {EnvOp::Kind::set, "A", "b=c"}}));
  EXPECT_EQ(s.chdir, "/tmp");
  EXPECT_EQ(s.uid, 5u);
  EXPECT_EQ(s.gid, 6u);
  // The root (relative to the bundle, made read-only last), /proc, the tool's /dev (the devpts and shm
  // tmpfs are its own), mqueue, and the host's /sys read-only; then the read-only paths, each
  // bound onto itself where it exists.
  EXPECT_EQ(s.mounts, (std::vector<MountOp>{BindOp{"/b/rootfs", "/", BindKind::rw, false, std::nullopt}, ProcOp{"/proc"},
                                            DevOp{"/dev", false}, MqueueOp{"/dev/mqueue"},
                                            BindOp{"/sys", "/sys", BindKind::ro, false, std::nullopt},
                                            RemountRoOp{"/proc/bus", true}, RemountRoOp{"/proc/fs", true},
                                            RemountRoOp{"/proc/irq", true}, RemountRoOp{"/proc/sys", true},
                                            RemountRoOp{"/proc/sysrq-trigger", true}, RemountRoOp{"/"}}));
  EXPECT_EQ(s.mount_origin(1).str(), "config.json mounts[0]");
  EXPECT_TRUE(s.ns.pid && s.ns.ipc && s.ns.uts && s.ns.net && !s.ns.cgroup);
  EXPECT_EQ(s.hostname, "sandbox");
  // Its capabilities, rlimits and masked paths; no syscall profile or Landlock unless asked.
  EXPECT_EQ(s.caps, (uint64_t{1} << 29) | (uint64_t{1} << 5) | (uint64_t{1} << 10));
  ASSERT_EQ(s.rlimits.size(), 1u);
  EXPECT_EQ(s.rlimits[0].hard, 1024u);
  EXPECT_EQ(s.denies.front(), (DenyPath{"/proc/acpi", Origin{"config.json linux.maskedPaths", 0}, true}));
  EXPECT_EQ(s.seccomp_profile, "none");
  EXPECT_FALSE(s.landlock);
  EXPECT_EQ(c->warnings, std::vector<std::string>{});
}

TEST(OciConfig, NamespacesBindsAndSeccomp) {
  json config = oci::default_config(true, 1000, 1000);
  config["process"]["terminal"] = false;
  config["mounts"] = json::array({{{"destination", "/data"}, {"type", "bind"}, {"source", "/srv"}, {"options", {"rbind", "ro"}}},
                                  {{"destination", "/w"}, {"type", "none"}, {"source", "/var/w"}, {"options", {"bind"}}},
                                  {{"destination", "/t"}, {"type", "tmpfs"}, {"source", "tmpfs"}, {"options", {"size=1m", "mode=1777"}}}});
  config["linux"]["namespaces"] = json::array({{{"type", "pid"}}, {{"type", "network"}, {"path", "/proc/7/ns/net"}},
                                              {{"type", "ipc"}, {"path", "/proc/7/ns/ipc"}}});
  config["linux"]["sysctl"] = {{"net.ipv4.ping_group_range", "0 0"}};
  config["linux"]["resources"] = {{"pids", {{"limit", 64}}}, {"memory", {{"limit", -1}}}, {"cpu", {{"quota", 50000}, {"period", 100000}}}};
  config["linux"]["devices"] = json::array({{{"path", "/dev/fuse"}, {"type", "c"}, {"major", 10}, {"minor", 229}}});
  config["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ALLOW"},
                                {"syscalls", json::array({{{"names", {"mkdir"}}, {"action", "SCMP_ACT_ERRNO"}}})}};
  auto c = oci::spec_from_config(config, "/b", {});
  ASSERT_TRUE(c) << c.error().message();
  const Spec& s = c->spec;
  EXPECT_EQ(s.mounts[1], MountOp(BindOp{"/srv", "/data", BindKind::ro, false, std::nullopt}));
  EXPECT_EQ(s.mounts[2], MountOp(BindOp{"/var/w", "/w", BindKind::rw, false, std::nullopt}));
  EXPECT_EQ(s.mounts[3], MountOp(TmpfsOp{"/t", 1024 * 1024, 01777}));
  EXPECT_TRUE(s.ns.pid && !s.ns.net && !s.ns.ipc);
  EXPECT_EQ(s.netns_path, "/proc/7/ns/net");
  // Joined by the monitor; the network's setting is written in the namespace joined.
  EXPECT_EQ(s.namespace_paths, (std::vector<std::pair<int, std::string>>{{CLONE_NEWIPC, "/proc/7/ns/ipc"}}));
  EXPECT_EQ(s.sysctls, (std::vector<Sysctl>{{"net.ipv4.ping_group_range", "0 0"}}));
  // Unlimited memory is not asked for; pids and half a CPU are.
  EXPECT_EQ(s.cgroup.pids, 64u);
  EXPECT_FALSE(s.cgroup.memory);
  EXPECT_EQ(s.cgroup.cpus, 0.5);
  EXPECT_EQ(s.cgroup.option, "config.json linux.resources.pids.limit 64");
  // A device is the host's node, bound.
  EXPECT_NE(std::find(s.mounts.begin(), s.mounts.end(), MountOp(BindOp{"/dev/fuse", "/dev/fuse", BindKind::dev, false, std::nullopt})),
            s.mounts.end());
  EXPECT_FALSE(s.hostname);  // no uts namespace of its own
  ASSERT_TRUE(s.seccomp_json);
  EXPECT_EQ(s.seccomp_profile, "config.json linux.seccomp");
}

TEST(OciConfig, WhatCannotBeDoneIsOneLine) {
  auto error = [](json config) {
    auto c = oci::spec_from_config(config, "/b", {});
    return c ? std::string("(mapped)") : c.error().message();
  };
  json good = oci::default_config(false, 0, 0);
  json v = good;
  v["ociVersion"] = "2.0.0";
  EXPECT_EQ(error(v), "config.json: ociVersion '2.0.0' is not 1.x: Invalid argument");
  json r = good;
  r.erase("root");
  EXPECT_EQ(error(r), "config.json: root.path is missing: Invalid argument");
  json m = good;
  m["mounts"].push_back({{"destination", "/x"}, {"type", "nfs"}, {"source", "srv:/x"}});
  EXPECT_EQ(error(m), "config.json: mounts[6]: mount type 'nfs' is not supported: Invalid argument");
  json a = good;
  a["process"]["args"] = json::array();
  EXPECT_EQ(error(a), "config.json: process.args is empty: Invalid argument");
  json n = good;
  n["linux"]["namespaces"].push_back({{"type", "mount"}, {"path", "/proc/1/ns/mnt"}});
  EXPECT_EQ(error(n), "config.json: linux.namespaces: joining a mount namespace by path is not supported: Operation not supported");
  json sysctl = good;
  sysctl["linux"]["sysctl"] = {{"vm.swappiness", "10"}};
  EXPECT_EQ(error(sysctl), "config.json: linux.sysctl: vm.swappiness: not a setting of a namespace, so not the container's to set");
  sysctl["linux"]["sysctl"] = {{"kernel.shmmax", 5}};
  EXPECT_EQ(error(sysctl), "config.json: linux.sysctl: kernel.shmmax: the value is not a string: Invalid argument");
  json e = good;
  e["process"]["env"] = {"NOEQUALS"};
  EXPECT_EQ(error(e), "config.json: process.env: 'NOEQUALS' is not NAME=VALUE: Invalid argument");
}

}  // namespace
}  // namespace sb

#include "security/idmap.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>
#include <utility>
#include <vector>

#include "sys/fd.h"
#include "sys/syscalls.h"

extern char** environ;

namespace sb::security {

std::string id_map_line(uint32_t inside, uint32_t outside) {
  return std::to_string(inside) + " " + std::to_string(outside) + " 1\n";
}

Result<void> write_id_maps(int dir, const IdMaps& maps) {
  TRY(sys::write_file_at(dir, "uid_map", maps.uid_map));
  if (!maps.allow_setgroups) TRY(sys::write_file_at(dir, "setgroups", "deny"));
  TRY(sys::write_file_at(dir, "gid_map", maps.gid_map));
  return {};
}

Result<void> write_id_maps_with_helpers(pid_t pid, const IdMaps& maps) {
  for (auto [helper, lines] : {std::pair{&maps.newuidmap, &maps.uid_map}, std::pair{&maps.newgidmap, &maps.gid_map}}) {
    std::vector<std::string> args{*helper, std::to_string(pid)};
    std::istringstream words(*lines);
    for (std::string w; words >> w;) args.push_back(w);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    // Its complaint, if any, comes back through a pipe, to be the reason of one line.
    int err[2];
    if (::pipe2(err, O_CLOEXEC) < 0) return fail_errno("--subids: pipe");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    pid_t child = -1;
    int rc = ::posix_spawn(&child, helper->c_str(), &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    ::close(err[1]);
    unique_fd out(err[0]);
    if (rc != 0) return fail("--subids: can't run " + *helper, rc);
    std::string said;
    char buf[512];
    for (ssize_t n; (n = ::read(out.get(), buf, sizeof buf)) > 0 && said.size() < 4096;) said.append(buf, static_cast<size_t>(n));
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      while (!said.empty() && (said.back() == '\n' || said.back() == ' ')) said.pop_back();
      if (auto nl = said.rfind('\n'); nl != std::string::npos) said = said.substr(nl + 1);
      return fail("--subids: " + *helper + " failed" + (said.empty() ? "" : ": " + said));
    }
  }
  return {};
}

}  // namespace sb::security

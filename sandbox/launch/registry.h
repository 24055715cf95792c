// The caller's running sandboxes, by name (--name, --list, --join).
//
// Each is a unix socket its monitor listens on, in a directory of the caller's own:
// $XDG_RUNTIME_DIR/sandbox, else /tmp/sandbox-UID, mode 0700 and checked to be the caller's.
// Nothing in it is trusted for being there: both ends of every connection check the other by
// its credentials (the same uid, and a process of the caller's own user namespace, so never
// one inside a sandbox, even where the directory is bound into one). A socket no monitor
// listens on any more is a sandbox that died unannounced; whoever finds it removes it.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <string>
#include <vector>

#include "sys/error.h"
#include "sys/fd.h"

namespace sb::launch {

// Every connection the monitor accepts is answered at once with its description (which
// carries the name it claimed and the id it chose then); a --join then sends its request.
constexpr char kAskJoin = 'J';
// The same with a directory and an environment of the request's own (sandbox-oci exec).
constexpr char kAskJoinWith = 'K';

// The directory, made if missing (`create`), checked to be the caller's and 0700.
Result<std::string> registry_dir(bool create);

// Checks that the process at the other end of `sock` is the caller's, outside any sandbox:
// the same uid, and its user namespace is `userns` (the caller's, as stat() of
// /proc/self/ns/user gave it before anything was joined).
Result<void> check_peer(int sock, const struct stat& userns, const std::string& what);

// stat() of this process's user namespace.
Result<struct stat> own_user_namespace();

// A running sandbox's entry, made by its monitor and removed when it ends.
class Registration {
 public:
  // Claims NAME; a second live sandbox of the same name is a setup failure.
  static Result<Registration> claim(const std::string& name);
  Registration(Registration&&) noexcept;
  Registration& operator=(Registration&&) = delete;
  ~Registration();

  int listener() const { return listener_.get(); }
  const struct stat& userns() const { return userns_; }
  const std::string& name() const { return name_; }
  const std::string& id() const { return id_; }

 private:
  Registration() = default;
  std::string name_;
  std::string id_;  // random, chosen at the claim: which sandbox this is, whatever its file is called
  std::string path_;
  unique_fd listener_;
  struct stat bound_ {};  // the socket file, removed only while it is still this one
  struct stat userns_ {};
};

// One running sandbox, as its monitor describes it.
struct Listed {
  std::string name;   // the name its monitor claimed
  std::string id;     // chosen by the monitor at the claim
  pid_t pid = 0;      // the sandbox's pid 1, as the caller sees it
  pid_t monitor = 0;  // the `sandbox` process
  double uptime = 0;  // seconds
  std::string command;
};

// The monitor's description of itself, sent on every connection, and its reading.
std::string describe_entry(const std::string& name, const std::string& id, pid_t pid, pid_t monitor,
                           long long started_ms, const std::vector<std::string>& command);
Result<Listed> parse_entry(const std::string& text, long long now_ms);

// Milliseconds of CLOCK_BOOTTIME, the clock uptimes are counted on.
long long boottime_ms();

// Every live sandbox of the caller's, sorted by name; dead entries are removed on the way.
// What is in the registry but cannot be listed as itself (an entry that answers to another
// name than its file's, a file that is no registered name, one that does not answer in time)
// is left out and said in `warnings`, one line each.
struct Listing {
  std::vector<Listed> sandboxes;
  std::vector<std::string> warnings;
};
Result<Listing> list_sandboxes();

// A connection to the monitor of the sandbox named NAME, or whose pid (or monitor's) is PID,
// checked to be the caller's and to answer to that name (and, for a PID, to the id the
// listing showed). `name` is set to its name. The description has been read; the request
// comes next.
Result<unique_fd> connect_sandbox(const std::string& target, std::string& name);

}  // namespace sb::launch

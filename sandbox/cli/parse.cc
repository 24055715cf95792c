#include "cli/parse.h"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <map>

#include "sys/numbers.h"
#include "cli/options.h"
#include "sys/io.h"
#include "sys/paths.h"

namespace sb::cli {

using sys::parse_c_number;
using sys::parse_decimal;
using sys::parse_fd;
using sys::parse_octal;

namespace {

constexpr size_t kHostNameMax = 64;  // HOST_NAME_MAX on Linux

const char* count_word(int n) {
  switch (n) {
    case 1: return "one argument";
    case 2: return "two arguments";
    default: return "three arguments";
  }
}

bool offered(const OptionDef& o, Personality p) {
  return (o.personalities & (p == Personality::bwrap ? kBwrap : kNative)) != 0;
}

// Modifiers (--perms, --size, --overlay-src) must lead to an option that uses them.
Result<void> check_pending(const ParseState& st, const OptionDef* next) {
  unsigned flags = next ? next->flags : 0;
  if (!st.overlay_sources.empty() && !(flags & (kOverlaySource | kTakesOverlay)))
    return fail("--overlay-src must be followed by another --overlay-src or one of --overlay, "
                "--tmp-overlay, or --ro-overlay");
  if (flags & (kModifier | kOverlaySource)) return {};
  if (st.pending_size && !(flags & kTakesSize)) return fail("--size must be followed by --tmpfs");
  if (st.pending_perms && !(flags & kTakesPerms))
    return fail("--perms must be followed by an option that creates a file");
  return {};
}

Result<void> check_path(std::string_view option, const std::string& path) {
  if (path.empty()) return fail(std::string(option) + ": empty path");
  if (path.size() >= PATH_MAX) return fail(std::string(option) + ": path too long", ENAMETOOLONG);
  return {};
}

// The option that made a bind, in the user's words.
const char* option_name(const BindOp& b) {
  if (b.src_fd) return b.kind == BindKind::ro ? "--ro-bind-fd" : "--bind-fd";
  static constexpr const char* kNames[3][2] = {{"--bind", "--bind-try"},
                                               {"--ro-bind", "--ro-bind-try"},
                                               {"--dev-bind", "--dev-bind-try"}};
  return kNames[static_cast<int>(b.kind)][b.optional ? 1 : 0];
}

struct PathChecker {
  Result<void> operator()(const BindOp& b) const {
    if (!b.src_fd) TRY(check_path(option_name(b), b.src));
    return check_path(option_name(b), b.dest);
  }
  Result<void> operator()(const ProcOp& o) const { return check_path("--proc", o.dest); }
  Result<void> operator()(const DevOp& o) const { return check_path("--dev", o.dest); }
  Result<void> operator()(const TmpfsOp& o) const { return check_path("--tmpfs", o.dest); }
  Result<void> operator()(const DirOp& o) const { return check_path("--dir", o.dest); }
  Result<void> operator()(const SymlinkOp& o) const {
    TRY(check_path("--symlink", o.target));
    return check_path("--symlink", o.dest);
  }
  Result<void> operator()(const RemountRoOp& o) const { return check_path("--remount-ro", o.dest); }
  Result<void> operator()(const ChmodOp& o) const { return check_path("--chmod", o.path); }
  Result<void> operator()(const DataOp& o) const {
    return check_path(!o.bind ? "--file" : o.ro ? "--ro-bind-data" : "--bind-data", o.dest);
  }
  Result<void> operator()(const MqueueOp& o) const { return check_path("--mqueue", o.dest); }
  Result<void> operator()(const OverlayOp& o) const {
    for (const auto& l : o.lower) TRY(check_path("--overlay-src", l));
    if (o.kind == OverlayKind::rw) {
      TRY(check_path("--overlay", o.upper));
      TRY(check_path("--overlay", o.work));
    }
    return check_path("--overlay", o.dest);
  }
};

// Splits an --args stream: NUL-terminated arguments. bubblewrap takes an unterminated last
// one as it stands (`lenient`); natively that is refused, as a stream cut short.
Result<std::vector<std::string>> split_args(std::string data, const std::string& fd, bool lenient) {
  std::vector<std::string> out;
  if (data.empty()) return out;
  if (data.back() != '\0' && lenient) data.push_back('\0');
  if (data.back() != '\0')
    return fail("--args " + fd + ": the last argument is not terminated by NUL", EINVAL);
  size_t start = 0;
  while (start < data.size()) {
    size_t end = data.find('\0', start);
    out.emplace_back(data, start, end - start);
    start = end + 1;
  }
  return out;
}

// Where a destination lands, as components ("/./dev/" is {"dev"}); ".." as written.
std::vector<std::string_view> dest_components(std::string_view dest) {
  std::vector<std::string_view> out;
  for (std::string_view c : sys::path_components(dest))
    if (c != ".") out.push_back(c);
  return out;
}

// Natively, a minimal /dev as --dev /dev makes, where no operation mounts on /dev: after the
// last operation that mounts on the root (which would hide it), before everything else, so
// that what the command line puts beneath /dev lands in it.
void add_automatic_dev(Spec& spec) {
  size_t at = 0;
  for (size_t i = 0; i < spec.mounts.size(); ++i) {
    const MountOp& op = spec.mounts[i];
    auto c = dest_components(destination_of(op));
    if (c.size() == 1 && c[0] == "dev") return;  // the command line makes /dev itself
    bool new_root = std::holds_alternative<BindOp>(op) || std::holds_alternative<TmpfsOp>(op) ||
                    std::holds_alternative<OverlayOp>(op);
    if (c.empty() && new_root) at = i + 1;
  }
  spec.mounts.insert(spec.mounts.begin() + static_cast<std::ptrdiff_t>(at), DevOp{"/dev", true});
  if (spec.mount_origins.size() + 1 == spec.mounts.size())
    spec.mount_origins.insert(spec.mount_origins.begin() + static_cast<std::ptrdiff_t>(at),
                              Origin{"the automatic --dev /dev", 0});
}

// The edit distance between a and b (insertions, deletions, substitutions, swaps of two
// neighbours), for "did you mean".
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

}  // namespace

std::string nearest_option(std::string_view unknown, Personality p) {
  if (unknown.size() > 64) return "";
  std::string best;
  size_t best_distance = SIZE_MAX;
  for (const auto& o : option_table()) {
    if (!offered(o, p)) continue;
    size_t d = edit_distance(unknown, o.name);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(o.name);
    }
  }
  // Close enough to be a slip: two edits, or fewer for short names.
  size_t allowed = unknown.size() <= 6 ? 1 : 2;
  return best_distance <= allowed ? best : "";
}

Result<std::string> read_whole_fd(int fd) {
  auto data = sys::read_to_end(fd, size_t{64} << 20);
  if (!data && data.error().err == E2BIG) return fail("--args " + std::to_string(fd) + ": more than 64 MiB", E2BIG);
  if (!data) return fail("Can't read --args " + std::to_string(fd), data.error().err);
  return data;
}

Personality personality_for(std::string_view argv0) {
  auto slash = argv0.rfind('/');
  auto base = slash == std::string_view::npos ? argv0 : argv0.substr(slash + 1);
  return base == "bwrap" ? Personality::bwrap : Personality::native;
}

std::vector<std::string> host_profile_dirs() { return config::profile_search_path(config::host_variable, SANDBOX_PROFILE_DIR); }

Result<std::vector<config::Word>> read_host_profile(const std::string& name) {
  return config::read_profile(name, config::host_variable, host_profile_dirs());
}

Result<Parsed> parse(std::span<const std::string> in, std::string_view argv0,
                     const FdReader& read_fd, const ProfileReader& read_profile, const config::Variables& env) {
  Parsed out;
  out.spec.personality = personality_for(argv0);
  if (out.spec.personality == Personality::bwrap) {
    // bubblewrap's defaults: only the user and mount namespaces unless asked.
    auto& ns = out.spec.ns;
    ns.pid = ns.ipc = ns.uts = ns.net = ns.cgroup = false;
    // As bubblewrap: host mounts made later appear inside; the caller's keyring stays; ids,
    // hostname, descriptors, terminal, lifetime and words are bubblewrap's.
    out.spec.ids_are_callers = true;
    out.spec.default_hostname.reset();
    out.spec.close_inherited_fds = false;
    out.spec.block_tty_injection = false;
    out.spec.die_with_monitor = false;
    out.spec.init_only_where_needed = true;
    out.spec.wording = Wording::bwrap;
    out.spec.host_propagation = true;
    out.spec.own_keyring = false;
    out.spec.narrow_parents_by_default_perms = true;
    out.spec.dest_above_root_is_outside = true;
    out.spec.seccomp_profile = "none";  // bubblewrap filters nothing unless given a program
    out.spec.landlock = false;          // nor has it a Landlock layer
    out.spec.auto_dev = false;          // nor a /dev unless asked
  }
  ParseState st{out.spec, out.warnings, {}, {}, {}, {}, {}, env, {}, {}};

  // bubblewrap refuses more than 9000 arguments in all, --args streams included; natively
  // only the streams are capped (a long command line is the caller's to make).
  const bool bwrap = out.spec.personality == Personality::bwrap;
  constexpr const char* kTooMany = "Exceeded maximum number of arguments 9000";
  if (bwrap && in.size() > kMaxArgs) return fail(kTooMany);
  std::vector<std::string> args(in.begin(), in.end());
  // Per argument: the FILE:LINE of the profile it was written in ("" on the command line),
  // and whether it starts its line there.
  std::vector<std::string> where(args.size());
  std::vector<bool> line_start(args.size(), false);
  auto splice = [&](size_t at, size_t remove, const std::vector<std::string>& words,
                    const std::vector<std::string>& origins, const std::vector<bool>& starts) {
    auto d = [](size_t n) { return static_cast<std::ptrdiff_t>(n); };
    args.erase(args.begin() + d(at), args.begin() + d(at + remove));
    args.insert(args.begin() + d(at), words.begin(), words.end());
    where.erase(where.begin() + d(at), where.begin() + d(at + remove));
    where.insert(where.begin() + d(at), origins.begin(), origins.end());
    line_start.erase(line_start.begin() + d(at), line_start.begin() + d(at + remove));
    line_start.insert(line_start.begin() + d(at), starts.begin(), starts.end());
  };
  std::map<std::string_view, unsigned> ordinals;  // how many of each mount option so far
  size_t from_files = 0;     // arguments the --args streams brought, capped at kMaxArgs
  size_t file_args_end = 0;  // args[..end) past the current --args position came from a file
  std::string first_other;  // the first option that is not --list, --join or --level-prefix
  const OptionDef* previous = nullptr;  // the option just taken, for a hint when the next is unknown
  size_t i = 0;
  while (i < args.size()) {
    const std::string& arg = args[i];
    const bool in_stream = i < file_args_end;
    // bubblewrap reads a stream as options only: "--" or the first word that is not an option
    // ends it, the rest of it is ignored, and COMMAND comes from the command line.
    if (bwrap && in_stream && (arg == "--" || !arg.starts_with("-"))) {
      splice(i, file_args_end - i, {}, {}, {});
      file_args_end = i;
      continue;
    }
    const std::string at = where[i];  // this option's FILE:LINE, if a profile holds it
    if (!at.empty() && (arg == "--" || !arg.starts_with("-") || !line_start[i]))
      return fail(at + ": '" + arg + "' is not an option (a profile holds options, one a line)");
    if (arg == "--") {
      ++i;
      break;
    }
    if (!arg.starts_with("-")) break;
    // -h is --help, as everywhere (natively; bubblewrap has no -h).
    const OptionDef* opt = find_option(!bwrap && arg == "-h" ? "--help" : std::string_view(arg));
    std::vector<std::string> equals_value;  // --name=WORD, for the options written so
    if (auto eq = arg.find('='); !opt && eq != std::string::npos) {
      opt = find_option(std::string_view(arg).substr(0, eq));
      if (opt && !(opt->flags & kEqualsForm)) opt = nullptr;
      equals_value.push_back(arg.substr(eq + 1));
    }
    if (!opt || !offered(*opt, out.spec.personality)) {
      Error e{0, (at.empty() ? "" : at + ": ") + "Unknown option " + arg};
      if (auto near = nearest_option(arg, out.spec.personality); !near.empty()) {
        e.hint = "did you mean " + near + "?";
      } else if (previous && previous->arity > 0 && at.empty() && !arg.starts_with("--")) {
        // "--setenv FOO sh -c true": a command's own short option, after an option that took
        // the command as its value.
        std::string took;
        for (int k = previous->arity; k > 0; --k) took += " " + args[i - static_cast<size_t>(k)];
        e.hint = std::string(previous->name) + " before it takes " + count_word(previous->arity) + " (" +
                 std::string(previous->metavar) + ") and took:" + took;
      }
      return std::unexpected(std::move(e));
    }
    TRY(check_pending(st, opt));
    // Under bwrap an option in a stream takes its values from that stream only.
    const size_t end = bwrap && in_stream ? file_args_end : args.size();
    if (!at.empty() && (opt->flags & kArgs)) return fail(at + ": --args cannot be used in a profile");
    if (at.empty() && end - i - 1 < static_cast<size_t>(opt->arity)) return fail(arg + " takes " + count_word(opt->arity));
    if (!at.empty()) {
      // Its values on its own line, and nothing more there.
      const size_t next = i + 1 + static_cast<size_t>(opt->arity);
      bool fits = true;
      for (size_t k = i + 1; k < next; ++k) fits = fits && k < args.size() && where[k] == at && !line_start[k];
      if (!fits || (next < args.size() && where[next] == at && !line_start[next]))
        return fail(at + ": " + arg + " takes " + (opt->arity ? count_word(opt->arity) : "no argument") +
                        ", on its own line");
    }
    // A single-valued option the command line gives again overrides a profile's quietly.
    if ((opt->flags & kSingle) && at.empty() && !st.seen_single.insert(opt->name).second)
      out.warnings.push_back("Only the last " + arg + " option will take effect");
    if ((opt->flags & kSingle) && !at.empty() && !st.seen_in_profiles.insert(opt->name).second)
      out.warnings.push_back(at + ": only the last " + arg + " option will take effect");
    if (opt->flags & kProfile) {
      if (!at.empty()) return fail(at + ": --profile in a profile: write include " + args[i + 1]);
      TRY_ASSIGN(std::vector<config::Word> words, read_profile(args[i + 1]));
      std::vector<std::string> texts, origins;
      std::vector<bool> starts;
      for (auto& w : words) {
        texts.push_back(std::move(w.text));
        origins.push_back(std::move(w.where));
        starts.push_back(w.starts_line);
      }
      if (file_args_end > i) file_args_end += texts.size() - 2;
      splice(i, 2, texts, origins, starts);
      if (first_other.empty()) first_other = "--profile";
      continue;
    }
    if (opt->flags & kArgs) {
      if (i < file_args_end)
        return fail(bwrap ? "--args not supported in arguments file"
                               : "--args is not allowed inside an --args stream");
      std::string fd_text = args[i + 1];
      auto fd = parse_fd(fd_text);
      if (!fd) return fail("Invalid fd: " + fd_text);
      auto data = read_fd(*fd);
      if (!data && bwrap) return fail("Can't read --args data", data.error().err);
      if (!data) return std::unexpected(std::move(data).error());
      TRY_ASSIGN(std::vector<std::string> more, split_args(std::move(*data), fd_text, bwrap));
      out.spec.args_fds.push_back(*fd);
      from_files += more.size();
      if (bwrap && in.size() + from_files > kMaxArgs) return fail(kTooMany);
      if (from_files > kMaxArgs)
        return fail("--args " + fd_text + ": too many arguments: at most 9000", E2BIG);
      splice(i, 2, more, std::vector<std::string>(more.size()), std::vector<bool>(more.size(), false));
      file_args_end = i + more.size();
      continue;
    }
    if (first_other.empty() && opt->name != "--list" && opt->name != "--join" && opt->name != "--level-prefix")
      first_other = opt->name;
    const size_t mounts_before = out.spec.mounts.size();
    st.in_profile = !at.empty();
    auto values = equals_value.empty() ? std::span<const std::string>(args).subspan(i + 1, static_cast<size_t>(opt->arity))
                                       : std::span<const std::string>(equals_value);
    if (auto handled = opt->handler(st, values); !handled) {
      if (at.empty()) return std::unexpected(std::move(handled).error());
      // A profile's line is the user's words: EINVAL adds nothing to what it says is wrong.
      Error e = std::move(handled).error().wrap(at);
      if (e.err == EINVAL) e.err = 0;
      return std::unexpected(std::move(e));
    }
    // Every mount an option made (or replaced) is that option's, numbered where it is one of many.
    if (out.spec.mounts.size() > mounts_before || st.replaced_mount) {
      const bool numbered = opt->arity > 0 && !(opt->flags & kSingle);
      Origin origin = !at.empty() ? Origin{at, 0}
                      : numbered  ? Origin{std::string(opt->name), ++ordinals[opt->name]}
                                  : Origin{std::string(opt->name), 0};
      if (st.replaced_mount) out.spec.mount_origins[*std::exchange(st.replaced_mount, std::nullopt)] = origin;
      while (out.spec.mount_origins.size() < out.spec.mounts.size()) out.spec.mount_origins.push_back(origin);
    }
    i += 1 + static_cast<size_t>(opt->arity);
    previous = equals_value.empty() ? opt : nullptr;
    // --help / --version / --profiles end parsing
    if (out.spec.action == Action::help || out.spec.action == Action::version || out.spec.action == Action::profiles) return out;
  }
  // bubblewrap forgets a --perms or --size that COMMAND follows; an --overlay-src it refuses.
  if (bwrap) {
    st.pending_perms.reset();
    st.pending_size.reset();
  }
  TRY(check_pending(st, nullptr));
  out.spec.command.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  finish_session(st);
  if (out.spec.auto_dev) add_automatic_dev(out.spec);
  // --list and --join act on a running sandbox, whose confinement is its own.
  const bool listing = out.spec.action == Action::list, joining = out.spec.action == Action::join;
  if ((listing || joining) && !first_other.empty())
    return fail(std::string(listing ? "--list" : "--join") + " takes no other option: " + first_other, EINVAL);
  if (listing && !out.spec.command.empty()) return fail("--list takes no COMMAND", EINVAL);
  return out;
}

// bubblewrap's checks, in its order and words, before the rest.
Result<void> validate_as_bwrap(const Spec& spec) {
  const auto& ns = spec.ns;
  if (spec.userns_block_fd && !ns.user_asked) return fail("--userns-block-fd requires --unshare-user");
  if (spec.userns_block_fd && !spec.info_fd) return fail("--userns-block-fd requires --info-fd");
  if (spec.userns_fd && ns.user_asked) return fail("--userns not compatible --unshare-user");
  if (spec.userns_fd && ns.user_try_asked) return fail("--userns not compatible --unshare-user-try");
  if (spec.disable_userns && !ns.user_asked) return fail("--disable-userns requires --unshare-user");
  if (spec.disable_userns && spec.userns_block_fd)
    return fail("--disable-userns is not compatible with  --userns-block-fd");
  if (spec.command.empty()) return fail("", 0, Failure::usage);
  if (spec.hostname && !ns.uts) return fail("Specifying --hostname requires --unshare-uts");
  if (spec.as_pid_1 && !ns.pid) return fail("Specifying --as-pid-1 requires --unshare-pid");
  if (spec.as_pid_1 && !spec.lock_files.empty())
    return fail("Specifying --as-pid-1 and --lock-file is not permitted");
  return {};
}

Result<void> validate(const Spec& spec) {
  if (spec.action != Action::run) return {};
  const bool bwrap = spec.personality == Personality::bwrap;
  if (bwrap) TRY(validate_as_bwrap(spec));
  if (spec.command.empty()) return fail("No command specified");
  if (spec.as_pid_1 && !spec.ns.pid && !spec.pidns_fd)
    return fail("--as-pid-1 needs a pid namespace of the sandbox's own: drop --share-pid");
  if (spec.command[0].empty()) return fail("COMMAND: empty command name");
  if (spec.hostname) {
    if (!spec.ns.uts)
      return fail(bwrap ? "Specifying --hostname requires --unshare-uts"
                        : "--hostname needs a new uts namespace: drop --share-uts");
    if (spec.hostname->empty() || spec.hostname->size() > kHostNameMax)
      return fail("--hostname: '" + *spec.hostname + "' must be 1 to 64 characters", EINVAL);
  }
  for (const auto& op : spec.mounts) TRY(std::visit(PathChecker{}, op));
  if (spec.chdir) TRY(check_path("--chdir", *spec.chdir));
  for (const auto& l : spec.lock_files) TRY(check_path("--lock-file", l));
  for (const auto& e : spec.env) {
    if (e.kind == EnvOp::Kind::clear) continue;
    const char* opt = e.kind == EnvOp::Kind::set ? "--setenv" : "--unsetenv";
    if (e.name.empty() || e.name.find('=') != std::string::npos)
      return fail(std::string(opt) + ": invalid variable name '" + e.name + "'", EINVAL);
  }
  for (int fd : spec.keep_fds)
    if (fd <= 2) return fail("--keep-fd: " + std::to_string(fd) + " is a standard stream, always kept");
  if (spec.as_pid_1 && !spec.lock_files.empty())
    return fail("--lock-file needs the init process: it cannot be combined with --as-pid-1");
  if (bwrap && spec.userns_block_fd && !spec.ns.user_asked)
    return fail("--userns-block-fd requires --unshare-user");
  if (spec.userns_block_fd && !spec.info_fd) return fail("--userns-block-fd requires --info-fd");
  if (spec.userns_block_fd && spec.userns_fd)
    return fail("--userns-block-fd cannot be combined with --userns");
  if (spec.userns2_fd && !spec.userns_fd && spec.disable_userns)
    return fail("--userns2 cannot be combined with --disable-userns");
  if (spec.disable_userns && spec.userns_fd)
    return fail("--disable-userns cannot be combined with --userns");
  if (spec.pasta && !spec.ns.net) return fail("--network pasta needs the sandbox's own network namespace: drop --share-net");
  if (!spec.publish.empty() && !spec.pasta)
    return fail("--publish " + spec.publish.front().text + ": needs --network pasta");
  if (spec.netns_path && spec.ns.net && !spec.pasta)
    return fail("--netns cannot be combined with a network namespace of the sandbox's own (--network none, --unshare-net)");
  if (spec.netns_path && (spec.pasta || spec.userns_fd))
    return fail(std::string("--netns cannot be combined with ") + (spec.pasta ? "--network pasta" : "--userns"));
  if (spec.name && spec.as_pid_1)
    return fail("--name needs the init process, which --join asks to start the joined COMMAND: drop --as-pid-1");
  // Only the end of a pid namespace ends every process in it: without one, a joined process
  // (and what it starts) would outlive the sandbox and its joiner.
  if (spec.name && !spec.ns.pid && !spec.pidns_fd)
    return fail(std::string("--name needs a pid namespace of the sandbox's own, so that joined processes end with it: ") +
                (bwrap ? "add --unshare-pid" : "drop --share-pid"));
  return {};
}

std::string help_text(std::string_view argv0, Personality p, const std::vector<std::string>& profiles) {
  std::string out = "usage: " + std::string(argv0) + " [OPTIONS...] [--] COMMAND [ARGS...]\n";
  // Natively, what it is for before what it has: the three uses, and the profiles at hand.
  if (p == Personality::native) {
    out += "\nRun COMMAND confined: in new namespaces, on a root holding only what the options put in it,\n"
           "without capabilities, under a syscall policy and a Landlock layer.\n\n"
           "Examples:\n"
           "  sandbox --bind ./busybox / --profile shell sh     a container from a root folder\n"
           "  sandbox --profile build -- make                   an untrusted build of the current directory\n"
           "  sandbox --profile desktop xclock                  a desktop app on your display\n"
           "  sandbox --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib \\\n"
           "          --symlink usr/lib64 /lib64 -- sh          the host's programs and nothing else\n"
           "  sandbox --dry-run --profile build -- make         what a run would do, without doing it\n";
    if (!profiles.empty()) {
      out += "\nProfiles (--profile NAME; --profiles says where each is):";
      for (const auto& name : profiles) out += " " + name;
      out += "\n";
    }
  }
  for (Group g : {Group::general, Group::namespaces, Group::filesystem, Group::process, Group::syscalls,
                  Group::network, Group::limits, Group::status}) {
    out += "\n";
    out += group_title(g);
    out += ":\n";
    for (const auto& o : option_table()) {
      if (o.group != g || !offered(o, p)) continue;
      std::string left = "  " + std::string(o.name);
      if (!o.metavar.empty()) left += ((o.flags & kEqualsForm) ? "" : " ") + std::string(o.metavar);
      if (left.size() < 32) left.resize(32, ' ');
      else left += "  ";
      out += left + std::string(o.help) + "\n";
    }
  }
  if (p == Personality::native) out += "\nSee man sandbox for every option in full, the profiles, and what holds against what.\n";
  return out;
}

}  // namespace sb::cli

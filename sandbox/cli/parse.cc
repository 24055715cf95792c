#include "cli/parse.h"

#include <climits>

#include "cli/options.h"

namespace sb::cli {

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

Result<void> check_pending(const ParseState& st, const OptionDef* next) {
  unsigned flags = next ? next->flags : 0;
  if (flags & kModifier) return {};
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

struct PathChecker {
  Result<void> operator()(const BindOp& b) const {
    TRY(check_path(option_name(b), b.src));
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
};

}  // namespace

Personality personality_for(std::string_view argv0) {
  auto slash = argv0.rfind('/');
  auto base = slash == std::string_view::npos ? argv0 : argv0.substr(slash + 1);
  return base == "bwrap" ? Personality::bwrap : Personality::native;
}

Result<Parsed> parse(std::span<const std::string> args, std::string_view argv0) {
  Parsed out;
  out.spec.personality = personality_for(argv0);
  ParseState st{out.spec, out.warnings, {}, {}, {}};

  size_t i = 0;
  while (i < args.size()) {
    const std::string& arg = args[i];
    if (arg == "--") {
      ++i;
      break;
    }
    if (!arg.starts_with("-")) break;
    const OptionDef* opt = find_option(arg);
    if (!opt || !offered(*opt, out.spec.personality)) return fail("Unknown option " + arg);
    TRY(check_pending(st, opt));
    if (args.size() - i - 1 < static_cast<size_t>(opt->arity))
      return fail(arg + " takes " + count_word(opt->arity));
    if ((opt->flags & kSingle) && !st.seen_single.insert(opt->name).second)
      out.warnings.push_back("Only the last " + arg + " option will take effect");
    TRY(opt->handler(st, args.subspan(i + 1, static_cast<size_t>(opt->arity))));
    i += 1 + static_cast<size_t>(opt->arity);
    if (out.spec.action != Action::run) return out;  // --help / --version end parsing
  }
  TRY(check_pending(st, nullptr));
  out.spec.command.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  return out;
}

Result<void> validate(const Spec& spec) {
  if (spec.action != Action::run) return {};
  if (spec.command.empty()) return fail("No command specified");
  if (spec.command[0].empty()) return fail("COMMAND: empty command name");
  if (spec.hostname) {
    if (!spec.ns.uts) return fail("--hostname needs a new uts namespace: drop --share-uts");
    if (spec.hostname->empty() || spec.hostname->size() > kHostNameMax)
      return fail("--hostname: '" + *spec.hostname + "' must be 1 to 64 characters", EINVAL);
  }
  for (const auto& op : spec.mounts) TRY(std::visit(PathChecker{}, op));
  if (spec.chdir) TRY(check_path("--chdir", *spec.chdir));
  for (const auto& e : spec.env) {
    if (e.kind == EnvOp::Kind::clear) continue;
    const char* opt = e.kind == EnvOp::Kind::set ? "--setenv" : "--unsetenv";
    if (e.name.empty() || e.name.find('=') != std::string::npos)
      return fail(std::string(opt) + ": invalid variable name '" + e.name + "'", EINVAL);
  }
  for (int fd : spec.keep_fds)
    if (fd <= 2) return fail("--keep-fd: " + std::to_string(fd) + " is a standard stream, always kept");
  return {};
}

std::string help_text(std::string_view argv0, Personality p) {
  std::string out = "usage: " + std::string(argv0) + " [OPTIONS...] [--] COMMAND [ARGS...]\n";
  for (Group g : {Group::general, Group::namespaces, Group::filesystem, Group::process}) {
    out += "\n";
    out += group_title(g);
    out += ":\n";
    for (const auto& o : option_table()) {
      if (o.group != g || !offered(o, p)) continue;
      std::string left = "  " + std::string(o.name);
      if (!o.metavar.empty()) left += " " + std::string(o.metavar);
      if (left.size() < 30) left.resize(30, ' ');
      else left += "  ";
      out += left + std::string(o.help) + "\n";
    }
  }
  return out;
}

}  // namespace sb::cli

#include "config/profile.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <map>
#include <cstdlib>

#include "config/builtin_profiles.h"
#include "sys/fd.h"
#include "sys/io.h"

namespace sb::config {

namespace {

constexpr int kMaxDepth = 8;
constexpr size_t kMaxProfileBytes = size_t{1} << 20;
constexpr const char* kVariables[] = {"HOME", "USER", "UID", "GID", "PWD", "XDG_RUNTIME_DIR", "DISPLAY", "WAYLAND_DISPLAY"};

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// ${NAME} at text[at] (at is the '$'); appends its value to out, and returns the position after
// the '}'.
Result<size_t> expand(std::string_view text, size_t at, std::string& out, const std::string& where,
                      const Variables& vars) {
  size_t close = text.find('}', at);
  if (at + 1 >= text.size() || text[at + 1] != '{' || close == std::string_view::npos)
    return fail(where + ": a $ not followed by {NAME}: write \\$ for a dollar sign");
  std::string name(text.substr(at + 2, close - at - 2));
  if (std::find_if(std::begin(kVariables), std::end(kVariables), [&](const char* v) { return name == v; }) ==
      std::end(kVariables))
    return fail(where + ": ${" + name + "} is not a variable a profile can use (HOME USER UID GID PWD "
                "XDG_RUNTIME_DIR DISPLAY WAYLAND_DISPLAY)");
  auto value = vars(name);
  if (!value) return fail(where + ": ${" + name + "} is not set");
  out += *value;
  return close + 1;
}

// One line's words.
Result<std::vector<std::string>> split_line(std::string_view line, const std::string& where, const Variables& vars) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && blank(line[i])) ++i;
    if (i >= line.size() || line[i] == '#') break;
    std::string word;
    while (i < line.size() && !blank(line[i])) {
      char c = line[i];
      if (c == '\'') {
        size_t close = line.find('\'', i + 1);
        if (close == std::string_view::npos) return fail(where + ": a ' that is not closed");
        word.append(line.substr(i + 1, close - i - 1));
        i = close + 1;
      } else if (c == '"') {
        ++i;
        for (;;) {
          if (i >= line.size()) return fail(where + ": a \" that is not closed");
          char d = line[i];
          if (d == '"') {
            ++i;
            break;
          }
          if (d == '\\' && i + 1 < line.size() && (line[i + 1] == '"' || line[i + 1] == '\\' || line[i + 1] == '$')) {
            word += line[i + 1];
            i += 2;
          } else if (d == '$') {
            TRY_ASSIGN(i, expand(line, i, word, where, vars));
          } else {
            word += d;
            ++i;
          }
        }
      } else if (c == '\\') {
        if (i + 1 >= line.size()) return fail(where + ": a \\ at the end of the line");
        word += line[i + 1];
        i += 2;
      } else if (c == '$') {
        TRY_ASSIGN(i, expand(line, i, word, where, vars));
      } else {
        word += c;
        ++i;
      }
    }
    words.push_back(std::move(word));
  }
  return words;
}

// A built-in profile's text, or the file's.
Result<std::string> profile_text(const std::string& path, const std::string& from) {
  if (path.starts_with(kBuiltinPrefix))
    for (const auto& b : builtin_profiles())
      if (path == std::string(kBuiltinPrefix) + b.name + ".profile") return std::string(b.contents());
  auto fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail_errno((from.empty() ? "" : from + ": ") + "--profile " + path);
  unique_fd file(fd);
  auto text = sys::read_to_end(file.get(), kMaxProfileBytes);
  if (!text) return fail("--profile " + path + ": larger than 1 MiB, or unreadable", text.error().err);
  return text;
}

Result<std::vector<Word>> read_at_depth(const std::string& name, const Variables& vars,
                                        const std::vector<std::string>& dirs, std::vector<std::string>& open,
                                        const std::string& from) {
  auto path = find_profile(name, dirs);
  if (!path) {
    if (from.empty()) return std::unexpected(std::move(path).error());
    return std::unexpected(std::move(path).error().wrap(from));
  }
  if (std::find(open.begin(), open.end(), *path) != open.end())
    return fail(from + ": include " + name + ": profiles include each other");
  if (static_cast<int>(open.size()) >= kMaxDepth)
    return fail(from + ": include " + name + ": more than 8 profiles deep");
  TRY_ASSIGN(std::string text, profile_text(*path, from));
  TRY_ASSIGN(std::vector<Word> words, split_profile(text, *path, vars));
  open.push_back(*path);
  std::vector<Word> out;
  for (size_t i = 0; i < words.size(); ++i) {
    const Word& w = words[i];
    if (w.starts_line && w.text == "include") {
      if (i + 1 >= words.size() || words[i + 1].starts_line || (i + 2 < words.size() && !words[i + 2].starts_line))
        return fail(w.where + ": include takes one profile NAME or PATH");
      TRY_ASSIGN(std::vector<Word> included, read_at_depth(words[i + 1].text, vars, dirs, open, w.where));
      out.insert(out.end(), included.begin(), included.end());
      ++i;
      continue;
    }
    out.push_back(w);
  }
  open.pop_back();
  return out;
}

}  // namespace

std::optional<std::string> host_variable(const std::string& name) {
  if (name == "UID") return std::to_string(::getuid());
  if (name == "GID") return std::to_string(::getgid());
  // The real working directory: the environment's PWD is whatever the caller's caller says,
  // and `PWD=$HOME sandbox --profile build` must not make HOME the writable project.
  if (name == "PWD") {
    char buf[PATH_MAX];
    if (!::getcwd(buf, sizeof buf)) return std::nullopt;
    return std::string(buf);
  }
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

Result<std::vector<Word>> split_profile(std::string_view text, const std::string& file, const Variables& vars) {
  std::vector<Word> out;
  size_t start = 0;
  for (unsigned number = 1; start < text.size() || start == 0; ++number) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string where = file + ":" + std::to_string(number);
    std::string_view line = text.substr(start, end - start);
    if (line.find('\0') != std::string_view::npos) return fail(where + ": a NUL byte");
    TRY_ASSIGN(std::vector<std::string> words, split_line(line, where, vars));
    for (size_t i = 0; i < words.size(); ++i) out.push_back({std::move(words[i]), where, i == 0});
    start = end + 1;
    if (end == text.size()) break;
  }
  return out;
}

std::vector<std::string> profile_search_path(const Variables& vars, const std::string& installed) {
  std::vector<std::string> dirs;
  auto config = vars("XDG_CONFIG_HOME");
  auto home = vars("HOME");
  if (config && !config->empty() && (*config)[0] == '/') dirs.push_back(*config + "/sandbox/profiles");
  else if (home && !home->empty()) dirs.push_back(*home + "/.config/sandbox/profiles");
  dirs.push_back("/etc/sandbox/profiles");
  if (!installed.empty()) dirs.push_back(installed);
  return dirs;
}

Result<std::string> find_profile(const std::string& name, const std::vector<std::string>& dirs) {
  if (name.empty()) return fail("--profile: takes a NAME or a PATH", EINVAL);
  if (name.find('/') != std::string::npos) return name;
  if (name[0] == '.') return fail("--profile " + name + ": not a profile name", EINVAL);
  for (const auto& d : dirs) {
    std::string path = d + "/" + name + ".profile";
    if (::access(path.c_str(), F_OK) == 0) return path;
  }
  for (const auto& b : builtin_profiles())
    if (name == b.name) return std::string(kBuiltinPrefix) + name + ".profile";
  std::string looked, builtin;
  for (const auto& d : dirs) looked += (looked.empty() ? "" : ", ") + d;
  for (const auto& b : builtin_profiles()) builtin += std::string(builtin.empty() ? "" : ", ") + b.name;
  return fail("--profile " + name + ": no " + name + ".profile in " + looked + ", nor built in (" + builtin + ")", ENOENT);
}

std::vector<std::pair<std::string, std::string>> visible_profiles(const std::vector<std::string>& dirs) {
  std::map<std::string, std::string> seen;
  for (const auto& d : dirs) {
    DIR* dir = ::opendir(d.c_str());
    if (!dir) continue;
    while (auto* e = ::readdir(dir)) {
      std::string_view file = e->d_name;
      if (file.size() <= 8 || !file.ends_with(".profile") || file[0] == '.') continue;
      std::string name(file.substr(0, file.size() - 8));
      seen.emplace(name, d + "/" + std::string(file));  // the first directory's wins
    }
    ::closedir(dir);
  }
  for (const auto& b : builtin_profiles()) seen.emplace(b.name, "built-in");
  return {seen.begin(), seen.end()};
}

Result<std::vector<Word>> read_profile(const std::string& name, const Variables& vars,
                                       const std::vector<std::string>& dirs) {
  std::vector<std::string> open;
  return read_at_depth(name, vars, dirs, open, "");
}

}  // namespace sb::config

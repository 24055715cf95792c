#include "security/profile_json.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>

#include "security/capabilities.h"
#include "sys/fd.h"
#include "sys/io.h"

namespace sb::security {

namespace {

using nlohmann::json;

struct Reader {
  const std::string& file;
  const ProfileHost& host;

  std::unexpected<Error> bad(const std::string& where, const std::string& what) const {
    return fail(file + ": " + where + ": " + what, EINVAL);
  }

  Result<SysAction> action(const json& v, const std::string& where) const {
    if (!v.is_string()) return bad(where, "the action must be a string such as \"SCMP_ACT_ERRNO\"");
    const auto& s = v.get_ref<const std::string&>();
    if (s == "SCMP_ACT_ALLOW") return SysAction::allow;
    if (s == "SCMP_ACT_ERRNO") return SysAction::errno_ret;
    if (s == "SCMP_ACT_KILL" || s == "SCMP_ACT_KILL_THREAD") return SysAction::kill_thread;
    if (s == "SCMP_ACT_KILL_PROCESS") return SysAction::kill_process;
    if (s == "SCMP_ACT_TRAP") return SysAction::trap;
    if (s == "SCMP_ACT_LOG") return SysAction::log;
    if (s == "SCMP_ACT_TRACE" || s == "SCMP_ACT_NOTIFY")
      return bad(where, "action '" + s + "' is not supported (no tracer or listener is attached)");
    return bad(where, "unknown action '" + s + "'");
  }

  Result<int> errno_value(const json& v, const std::string& where) const {
    if (!v.is_number_unsigned() || v.get<uint64_t>() > 4095)
      return bad(where, "errnoRet must be a number from 0 to 4095");
    return static_cast<int>(v.get<uint64_t>());
  }

  Result<uint64_t> u64(const json& v, const std::string& where, const char* key) const {
    if (!v.is_number_unsigned()) return bad(where, std::string(key) + " must be a number from 0 to 2^64-1");
    return v.get<uint64_t>();
  }

  Result<CmpOp> op(const json& v, const std::string& where) const {
    static constexpr std::pair<const char*, CmpOp> kOps[] = {
        {"SCMP_CMP_NE", CmpOp::ne}, {"SCMP_CMP_LT", CmpOp::lt}, {"SCMP_CMP_LE", CmpOp::le},
        {"SCMP_CMP_EQ", CmpOp::eq}, {"SCMP_CMP_GE", CmpOp::ge}, {"SCMP_CMP_GT", CmpOp::gt},
        {"SCMP_CMP_MASKED_EQ", CmpOp::masked_eq}};
    if (!v.is_string()) return bad(where, "op must be a string such as \"SCMP_CMP_EQ\"");
    for (auto [name, o] : kOps)
      if (v.get_ref<const std::string&>() == name) return o;
    return bad(where, "unknown op '" + v.get<std::string>() + "'");
  }

  // An architecture this machine runs, or nullopt for another machine's.
  Result<std::optional<Abi>> abi(const json& v, const std::string& where) const {
    static constexpr std::pair<const char*, Abi> kAbis[] = {
        {"SCMP_ARCH_X86_64", Abi::x86_64}, {"SCMP_ARCH_X32", Abi::x32}, {"SCMP_ARCH_X86", Abi::x86},
        {"SCMP_ARCH_AARCH64", Abi::aarch64}, {"SCMP_ARCH_ARM", Abi::arm}};
    if (!v.is_string()) return bad(where, "an architecture must be a string such as \"SCMP_ARCH_X86_64\"");
    const auto& name = v.get_ref<const std::string&>();
    for (auto [n, a] : kAbis)
      if (name == n) return std::optional<Abi>(a);
    if (name.starts_with("SCMP_ARCH_")) return std::optional<Abi>();
    return bad(where, "unknown architecture '" + name + "'");
  }

  static Abi native_abi() {
#if defined(__x86_64__)
    return Abi::x86_64;
#elif defined(__aarch64__)
    return Abi::aarch64;
#endif
  }

  // Docker's architecture names, as its Go runtime calls this machine.
  static const char* go_arch() {
#if defined(__x86_64__)
    return "amd64";
#elif defined(__aarch64__)
    return "arm64";
#endif
  }

  static bool has_cap(uint64_t caps, const std::string& name) {
    auto cap = capability_number(name);
    return cap && ((caps >> *cap) & 1);
  }

  // "6.18.0-1-amd64" >= "4.8"
  bool kernel_at_least(const std::string& min) const {
    unsigned want[2] = {}, have[2] = {};
    if (std::sscanf(min.c_str(), "%u.%u", &want[0], &want[1]) < 1) return true;
    if (std::sscanf(host.kernel_release.c_str(), "%u.%u", &have[0], &have[1]) < 1) return true;
    return have[0] != want[0] ? have[0] > want[0] : have[1] >= want[1];
  }

  // Docker's includes/excludes: whether the rule applies on this machine, for these caps.
  Result<bool> applies(const json& rule, const std::string& where) const {
    auto strings = [&](const json& obj, const char* key) -> Result<std::vector<std::string>> {
      std::vector<std::string> out;
      if (!obj.contains(key) || obj[key].is_null()) return out;
      if (!obj[key].is_array()) return bad(where, std::string(key) + " must be an array of strings");
      for (const auto& s : obj[key]) {
        if (!s.is_string()) return bad(where, std::string(key) + " must be an array of strings");
        out.push_back(s.get<std::string>());
      }
      return out;
    };
    if (rule.contains("includes") && rule["includes"].is_object()) {
      const json& inc = rule["includes"];
      TRY_ASSIGN(auto arches, strings(inc, "arches"));
      if (!arches.empty() && std::find(arches.begin(), arches.end(), go_arch()) == arches.end()) return false;
      TRY_ASSIGN(auto caps, strings(inc, "caps"));
      for (const auto& c : caps)
        if (!has_cap(host.caps, c)) return false;
      if (inc.contains("minKernel") && inc["minKernel"].is_string() && !kernel_at_least(inc["minKernel"].get<std::string>()))
        return false;
    }
    if (rule.contains("excludes") && rule["excludes"].is_object()) {
      const json& exc = rule["excludes"];
      TRY_ASSIGN(auto arches, strings(exc, "arches"));
      if (std::find(arches.begin(), arches.end(), go_arch()) != arches.end()) return false;
      TRY_ASSIGN(auto caps, strings(exc, "caps"));
      for (const auto& c : caps)
        if (has_cap(host.caps, c)) return false;
      if (exc.contains("minKernel") && exc["minKernel"].is_string() && kernel_at_least(exc["minKernel"].get<std::string>()))
        return false;
    }
    return true;
  }

  Result<std::optional<SyscallRule>> rule(const json& r, size_t i) const {
    std::string where = "syscalls[" + std::to_string(i) + "]";
    if (!r.is_object()) return bad(where, "each entry must be an object");
    SyscallRule out;
    out.where = file + ": " + where;
    if (r.contains("names")) {
      if (!r["names"].is_array() || r["names"].empty()) return bad(where, "names must be a non-empty array of strings");
      for (const auto& n : r["names"]) {
        if (!n.is_string() || n.get_ref<const std::string&>().empty())
          return bad(where, "names must be a non-empty array of strings");
        out.names.push_back(n.get<std::string>());
      }
    } else if (r.contains("name") && r["name"].is_string()) {  // Docker's older format
      out.names.push_back(r["name"].get<std::string>());
    } else {
      return bad(where, "no names");
    }
    if (!r.contains("action")) return bad(where, "no action");
    TRY_ASSIGN(out.action, action(r["action"], where));
    out.errno_ret = EPERM;
    if (r.contains("errnoRet") && !r["errnoRet"].is_null()) {
      TRY_ASSIGN(out.errno_ret, errno_value(r["errnoRet"], where));
    }
    if (r.contains("args") && !r["args"].is_null()) {
      if (!r["args"].is_array()) return bad(where, "args must be an array");
      for (size_t j = 0; j < r["args"].size(); ++j) {
        const json& a = r["args"][j];
        std::string at = where + ".args[" + std::to_string(j) + "]";
        if (!a.is_object()) return bad(at, "each argument must be an object");
        ArgCmp c;
        if (!a.contains("index")) return bad(at, "no index");
        TRY_ASSIGN(uint64_t index, u64(a["index"], at, "index"));
        if (index > 5) return bad(at, "index must be 0 to 5");
        c.index = static_cast<unsigned>(index);
        if (a.contains("value")) {
          TRY_ASSIGN(c.value, u64(a["value"], at, "value"));
        }
        if (a.contains("valueTwo")) {
          TRY_ASSIGN(c.value_two, u64(a["valueTwo"], at, "valueTwo"));
        }
        if (!a.contains("op")) return bad(at, "no op");
        TRY_ASSIGN(c.op, op(a["op"], at));
        out.args.push_back(c);
      }
    }
    TRY_ASSIGN(bool yes, applies(r, where));
    if (!yes) return std::optional<SyscallRule>();
    return std::optional<SyscallRule>(std::move(out));
  }
};

}  // namespace

Result<SyscallPolicy> read_json_profile(std::string_view text, const std::string& file, const ProfileHost& host) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {  // a syntax error, or a number too large (out_of_range)
    std::string what = e.what();
    if (auto at = what.find("] "); at != std::string::npos) what.erase(0, at + 2);
    return fail(file + ": not JSON: " + what, EINVAL);
  }
  Reader rd{file, host};
  if (!doc.is_object()) return fail(file + ": a profile is a JSON object", EINVAL);
  SyscallPolicy p;
  if (!doc.contains("defaultAction")) return fail(file + ": no defaultAction", EINVAL);
  TRY_ASSIGN(p.default_action, rd.action(doc["defaultAction"], "defaultAction"));
  p.default_errno = EPERM;
  if (doc.contains("defaultErrnoRet") && !doc["defaultErrnoRet"].is_null()) {
    TRY_ASSIGN(p.default_errno, rd.errno_value(doc["defaultErrnoRet"], "defaultErrnoRet"));
  }

  // The ABIs: `architectures` (OCI), else the archMap entry of this machine (Docker).
  auto add_abi = [&](const json& v, const std::string& where) -> Result<void> {
    TRY_ASSIGN(std::optional<Abi> a, rd.abi(v, where));
    if (a && std::find(p.abis.begin(), p.abis.end(), *a) == p.abis.end()) p.abis.push_back(*a);
    return {};
  };
  if (doc.contains("architectures") && !doc["architectures"].is_null()) {
    if (!doc["architectures"].is_array()) return fail(file + ": architectures must be an array", EINVAL);
    for (size_t i = 0; i < doc["architectures"].size(); ++i)
      TRY(add_abi(doc["architectures"][i], "architectures[" + std::to_string(i) + "]"));
  } else if (doc.contains("archMap") && doc["archMap"].is_array()) {
    for (size_t i = 0; i < doc["archMap"].size(); ++i) {
      const json& m = doc["archMap"][i];
      std::string where = "archMap[" + std::to_string(i) + "]";
      if (!m.is_object() || !m.contains("architecture")) return fail(file + ": " + where + ": no architecture", EINVAL);
      TRY_ASSIGN(std::optional<Abi> main_abi, rd.abi(m["architecture"], where));
      if (main_abi != Reader::native_abi()) continue;  // another machine's entry
      TRY(add_abi(m["architecture"], where));
      if (m.contains("subArchitectures") && m["subArchitectures"].is_array())
        for (const auto& s : m["subArchitectures"]) TRY(add_abi(s, where));
    }
  }
  // Neither: this machine's own ABI only; the others are refused (compile.h).
  if (p.abis.empty()) p.abis.push_back(Reader::native_abi());

  if (doc.contains("syscalls") && !doc["syscalls"].is_null()) {
    if (!doc["syscalls"].is_array()) return fail(file + ": syscalls must be an array", EINVAL);
    for (size_t i = 0; i < doc["syscalls"].size(); ++i) {
      TRY_ASSIGN(auto r, rd.rule(doc["syscalls"][i], i));
      if (r) p.rules.push_back(std::move(*r));
    }
  }
  return p;
}

Result<SyscallPolicy> load_json_profile(const std::string& file, const ProfileHost& host) {
  unique_fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd) return fail_errno("Can't open seccomp profile " + file);
  auto text = sys::read_to_end(fd.get(), size_t{16} << 20);
  if (!text && text.error().err == E2BIG) return fail("seccomp profile " + file + ": larger than 16 MiB", E2BIG);
  if (!text) return fail("Can't read seccomp profile " + file, text.error().err);
  return read_json_profile(*text, file, host);
}

}  // namespace sb::security

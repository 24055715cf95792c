// --help, the man page and the completions must list exactly the options of the table.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "cli/options.h"
#include "cli/parse.h"

namespace sb::cli {
namespace {

std::string source(const std::string& rel) {
  std::ifstream in(std::string(SANDBOX_SOURCE_DIR) + "/" + rel);
  EXPECT_TRUE(in.good()) << rel;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every "--word" token in the text.
std::set<std::string> options_in(const std::string& text, const std::string& prefix = "--") {
  std::set<std::string> out;
  std::regex re("(^|[^A-Za-z0-9-])" + prefix + "([a-z0-9][a-z0-9-]*)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    out.insert("--" + (*it)[2].str());
  return out;
}

std::set<std::string> table_names() {
  std::set<std::string> out;
  for (const auto& o : option_table()) out.insert(std::string(o.name));
  return out;
}

TEST(Docs, HelpListsTheTable) {
  std::set<std::string> native_names;
  for (const auto& o : option_table())
    if (o.personalities & kNative) native_names.insert(std::string(o.name));
  EXPECT_EQ(options_in(help_text("sandbox", Personality::native)), native_names);
}

TEST(Docs, ManPageListsTheTable) {
  std::string man = source("man/sandbox.1.scd");
  // The OCI runtime personality has runc's command line, not this table: its section is left out.
  const auto oci = man.find("\n# THE OCI RUNTIME PERSONALITY\n");
  ASSERT_NE(oci, std::string::npos);
  man.erase(oci, man.find("\n# ", oci + 1) - oci);
  // Each option has its own entry: a line starting with *--name*.
  std::set<std::string> entries;
  std::regex re("(^|\n)\\*(--[a-z0-9-]+)\\*");
  for (auto it = std::sregex_iterator(man.begin(), man.end(), re); it != std::sregex_iterator(); ++it)
    entries.insert((*it)[2].str());
  EXPECT_EQ(entries, table_names());
  for (const auto& name : options_in(man)) EXPECT_TRUE(table_names().count(name)) << name;
}

TEST(Docs, BashCompletionListsTheTable) {
  EXPECT_EQ(options_in(source("completions/bash/sandbox")), table_names());
}

TEST(Docs, ZshCompletionListsTheTable) {
  EXPECT_EQ(options_in(source("completions/zsh/_sandbox")), table_names());
}

TEST(Docs, FishCompletionListsTheTable) {
  // Only the `complete` lines declare options; "-l" elsewhere is fish's "local".
  std::istringstream in(source("completions/fish/sandbox.fish"));
  std::string completes;
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("complete ")) completes += line + "\n";
  EXPECT_EQ(options_in(completes, "-l "), table_names());
}

// The personality is the front end's: past cli/ and main it is a set of explicit Spec fields.
TEST(Layout, NothingBelowTheFrontEndAsksThePersonality) {
  namespace fs = std::filesystem;
  int files = 0;
  for (const char* dir : {"sandbox/launch", "sandbox/mount", "sandbox/security", "sandbox/plan", "sandbox/sys"}) {
    for (const auto& e : fs::recursive_directory_iterator(std::string(SANDBOX_SOURCE_DIR) + "/" + dir)) {
      if (!e.is_regular_file()) continue;
      std::string rel = fs::relative(e.path(), SANDBOX_SOURCE_DIR).string();
      std::string text = source(rel);
      ++files;
      EXPECT_EQ(text.find("Personality"), std::string::npos) << rel;
      EXPECT_EQ(text.find(".personality"), std::string::npos) << rel;
    }
  }
  EXPECT_GT(files, 20);
}

}  // namespace
}  // namespace sb::cli

#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <sstream>

#include "support/process.hpp"

using reqscope::test::run_reqscope;

namespace {

std::string read_source_file(const std::string& relative) {
  std::ifstream in(std::string(REQSCOPE_SOURCE_DIR) + "/" + relative);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Man pages write '-' as '\-'; undo that so options can be searched for.
std::string unescape_roff(std::string text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '-') continue;
    out += text[i];
  }
  return out;
}

// Every option spelling in a --help text: on each line that starts with
// blanks and a dash, the dash-words before the description ("-X,--request METHOD").
std::set<std::string> options_in_help(const std::string& help) {
  std::set<std::string> options;
  std::istringstream lines(help);
  std::string line;
  while (std::getline(lines, line)) {
    const auto first = line.find_first_not_of(' ');
    if (first == std::string::npos || first == 0 || line[first] != '-') continue;
    const auto names_end = line.find("  ", first);
    std::istringstream names(line.substr(first, names_end - first));
    std::string word;
    while (std::getline(names, word, ' ')) {
      std::istringstream spellings(word);
      std::string spelling;
      while (std::getline(spellings, spelling, ',')) {
        if (spelling.size() > 1 && spelling[0] == '-') options.insert(spelling);
      }
    }
  }
  return options;
}

// True when `option` occurs as a whole word (not as the prefix of a longer option).
bool mentions(const std::string& text, const std::string& option) {
  for (auto at = text.find(option); at != std::string::npos; at = text.find(option, at + 1)) {
    const auto end = at + option.size();
    const bool word_end =
        end == text.size() || !(std::isalnum(static_cast<unsigned char>(text[end])) ||
                                text[end] == '-' || text[end] == '.' || text[end] == '_');
    const bool word_start =
        at == 0 || !(std::isalnum(static_cast<unsigned char>(text[at - 1])) || text[at - 1] == '-');
    if (word_end && word_start) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("every option in --help is in the man page and the bash, zsh and fish completions",
          "[docs]") {
  const std::vector<std::pair<std::string, std::string>> pages = {
      {"", "man/reqscope.1"},
      {"trace", "man/reqscope-trace.1"},
      {"lab", "man/reqscope-lab.1"},
      {"demo", "man/reqscope-demo.1"},
      {"dns", "man/reqscope-dns.1"},
      {"tls", "man/reqscope-tls.1"},
      {"jwt", "man/reqscope-jwt.1"},
      {"jwt decode", "man/reqscope-jwt.1"},
      {"jwt verify", "man/reqscope-jwt.1"},
      {"jwt sign", "man/reqscope-jwt.1"},
      {"cors", "man/reqscope-cors.1"},
      {"bench", "man/reqscope-bench.1"},
      {"ratelimit", "man/reqscope-ratelimit.1"}};
  const std::vector<std::string> completions = {
      "completions/reqscope.bash", "completions/_reqscope", "completions/reqscope.fish"};
  for (const auto& [command, page] : pages) {
    std::vector<std::string> args;
    std::istringstream words(command);
    for (std::string word; words >> word;)
      args.push_back(word);
    args.push_back("--help");
    const auto help = run_reqscope(args);
    REQUIRE(help.exit_code == 0);
    const auto options = options_in_help(help.out);
    REQUIRE(options.size() >= 2);
    const auto man = unescape_roff(read_source_file(page));
    REQUIRE_FALSE(man.empty());
    for (const auto& option : options) {
      INFO(page << " should document " << option);
      CHECK(mentions(man, option));
    }
    for (const auto& file : completions) {
      const auto completion = read_source_file(file);
      REQUIRE_FALSE(completion.empty());
      for (const auto& option : options) {
        INFO(file << " should complete " << option << " for '" << command << "'");
        CHECK((mentions(completion, option) ||
               // fish spells options without their dashes: -l request, -s X
               mentions(completion, "-l " + option.substr(option.find_first_not_of('-'))) ||
               mentions(completion, "-s " + option.substr(option.find_first_not_of('-')))));
      }
    }
    if (!command.empty()) {
      INFO("reqscope.1 should list the " << command << " command");
      CHECK(mentions(read_source_file("man/reqscope.1"), command));
    }
  }
}

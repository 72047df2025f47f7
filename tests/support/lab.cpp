#include "support/lab.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace reqscope::test {

Lab::Lab(const std::vector<std::string>& extra_args) {
  std::vector<std::string> argv = {REQSCOPE_BINARY, "lab", "--port", "0"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  out_path_ = dir_.path() + "/url";
  process_ = std::make_unique<Process>(argv, out_path_);
  // The lab prints its URL once it listens; wait for that line.
  for (int i = 0; i < 500 && url_.empty(); ++i) {
    std::ifstream in(out_path_);
    std::string line;
    if (std::getline(in, line) && !in.eof()) url_ = line;
    if (url_.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (url_.empty()) throw std::runtime_error("reqscope lab did not print its URL");
  port_ = std::stoi(url_.substr(url_.rfind(':') + 1));
}

std::vector<std::string> Lab::output_lines() const {
  std::ifstream in(out_path_);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

}  // namespace reqscope::test

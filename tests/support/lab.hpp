#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace reqscope::test {

// `reqscope lab` as a separate process on a free port, stopped when destroyed.
class Lab {
 public:
  explicit Lab(const std::vector<std::string>& extra_args = {});
  const std::string& url() const { return url_; }
  int port() const { return port_; }
  Process& process() { return *process_; }
  // Every line the lab has printed so far (the URL first).
  std::vector<std::string> output_lines() const;

 private:
  TempDir dir_;
  std::string out_path_;
  std::string url_;
  int port_ = 0;
  std::unique_ptr<Process> process_;
};

}  // namespace reqscope::test

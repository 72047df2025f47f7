#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace reqscope::test {

struct CommandResult {
  int exit_code = -1;  // -1: killed by the timeout or a signal
  std::string out;
  std::string err;
};

// Runs a program to completion (killed after `timeout`), capturing stdout and
// stderr. `env` entries are added to the inherited environment.
CommandResult run_command(const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout = std::chrono::seconds(60),
                          const std::map<std::string, std::string>& env = {},
                          const std::string& stdin_text = {});

// Runs the reqscope binary under test.
CommandResult run_reqscope(const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env = {});

// A background process, stopped (SIGTERM, then SIGKILL) and reaped when destroyed.
class Process {
 public:
  // Starts argv[0] with stdout written to `stdout_path` (or /dev/null when empty).
  Process(const std::vector<std::string>& argv, const std::string& stdout_path = {});
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  // Sends `signal` and waits up to `timeout` for the exit; returns the exit code or -1.
  int stop(int signal, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  bool running();

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

// A loopback port that was free a moment ago.
int free_port();

// A TCP socket listening on a free loopback port, closed when destroyed: the
// start of a server a test writes itself. Clients wait in its backlog until
// accepted. Throws when it cannot listen.
class LoopbackListener {
 public:
  LoopbackListener();
  ~LoopbackListener();
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;
  int fd() const { return fd_; }
  int port() const { return port_; }

 private:
  int fd_;
  int port_ = 0;
};

// Waits until a TCP connect to 127.0.0.1:port succeeds; false after the timeout.
bool wait_for_port(int port, std::chrono::milliseconds timeout = std::chrono::seconds(10));

// A fresh directory under $TMPDIR, removed with its contents when destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

}  // namespace reqscope::test

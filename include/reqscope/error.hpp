#pragma once

#include <string>
#include <tl/expected.hpp>

namespace reqscope {

// The documented process exit codes; see reqscope(1).
enum class ExitCode : int {
  ok = 0,
  check_failed = 1,
  usage = 2,
  network = 3,
  internal = 4,
};

// An error that travels as a value. `kind` is the stable machine name used in
// JSON and tests; `hint` is the one-sentence next step for a human.
struct Error {
  std::string kind;
  std::string message;
  std::string hint;
};

template <typename T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(std::string kind, std::string message, std::string hint = {}) {
  return tl::unexpected<Error>(Error{std::move(kind), std::move(message), std::move(hint)});
}

// Which exit code an error kind maps to: usage/input kinds exit 2, network and
// protocol kinds exit 3, anything else is internal (4). Failed checks are not
// errors: the command turns them into exit 1.
ExitCode exit_code_for(const std::string& kind);

}  // namespace reqscope

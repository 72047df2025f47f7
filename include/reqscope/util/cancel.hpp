#pragma once

#include <atomic>

namespace reqscope::util {

// Whether an optional stop flag (set by a SIGINT handler) asks to stop.
inline bool cancelled(const std::atomic<bool>* flag) {
  return flag != nullptr && flag->load();
}

}  // namespace reqscope::util

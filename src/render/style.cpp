#include "reqscope/render/style.hpp"

#include <fmt/format.h>

#include <cstdint>

#include "reqscope/util/text.hpp"

namespace reqscope::render {

std::string error_block(const Error& error) {
  std::string out = util::wrap(util::printable(error.message), kColumns, "  ", "    ");
  if (!error.hint.empty()) {
    out += util::wrap(util::printable(error.hint), kColumns, "  hint: ", "        ");
  }
  return out;
}

std::string format_ms(double ms) {
  if (ms >= 10000) return fmt::format("{:.2f} s", ms / 1000);
  if (ms >= 100) return fmt::format("{:.1f} ms", ms);
  return fmt::format("{:.2f} ms", ms);
}

std::string format_bytes(std::uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  const double value = static_cast<double>(bytes);
  if (bytes < 1024 * 1024) return fmt::format("{:.1f} KiB", value / 1024);
  if (bytes < 1024ULL * 1024 * 1024) return fmt::format("{:.1f} MiB", value / (1024 * 1024));
  return fmt::format("{:.1f} GiB", value / (1024.0 * 1024 * 1024));
}

}  // namespace reqscope::render

#!/usr/bin/env bash
# Builds reqscope twice and runs every test in each build: once with warnings
# as errors, once with AddressSanitizer and UndefinedBehaviorSanitizer.
# This is README command (2) after the dependency script, and what .ci/run runs.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc 2>/dev/null || echo 2)

# Formatting is part of the build's contract: the sources must match .clang-format.
find src include commands tests -name '*.cpp' -o -name '*.hpp' | xargs clang-format --dry-run --Werror

run_suite() {
  local dir=$1
  shift
  cmake -S . -B "$dir" -DREQSCOPE_WERROR=ON "$@"
  cmake --build "$dir" -j"$jobs"
  (cd "$dir" && ctest --output-on-failure -j"$jobs" --timeout 300)
}

run_suite build-check -DCMAKE_BUILD_TYPE=RelWithDebInfo
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREQSCOPE_SANITIZE=ON

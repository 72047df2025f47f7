#pragma once

#include <cstddef>
#include <cstdint>

// The libFuzzer entry point, defined once per fuzz target. libFuzzer's own
// main() calls it in the fuzzing build; replay_main.cpp calls it in the normal
// build to replay a corpus without libFuzzer.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

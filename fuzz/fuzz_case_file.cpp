// libFuzzer harness: bytes → cnnlab::cases::read_cases → run_case on every well-formed entry.
// read_cases promises never to throw on malformed content, and run_case never to throw for bad case
// content: any exception escaping either is a finding (trap), as is any sanitizer report.
#include "chapters/ch00_foundation/case_file.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <sstream>
#include <string>

namespace {

/// Cases whose tensors hold more elements than this, together, are read but not run (fast runs).
constexpr std::size_t element_budget = 4096;
/// Params beyond ±this (strides, paddings, kernel and output sizes) are read but not run: a padding
/// of 10^9 is a valid request whose output cnnlab would honestly try to allocate.
constexpr long long param_budget = 64;
/// A rough bound on an op's work, (elements + 1)² · (1 + largest |param|)²: a 64×64 input with a
/// stride of 64 in a transposed convolution is within both budgets above but not within this one.
constexpr double work_budget = double(1 << 22);

[[noreturn]] void finding(const char* where, const char* what) {
    std::fprintf(stderr, "fuzz_case_file: %s let an exception escape: %s\n", where, what);
    __builtin_trap();
}

bool small_enough(const cnnlab::cases::Case& c) {
    std::size_t total = 0;
    for (const auto& [name, tensor] : c.tensors) {
        if (tensor.dims.size() > 4) return false;
        std::size_t count = 1;
        for (std::size_t d : tensor.dims) {
            if (d > element_budget) return false;
            count *= d;
            if (count > element_budget) return false;
        }
        total += count;
        if (total > element_budget) return false;
    }
    long long largest = 0;
    for (const auto& [key, values] : c.params)
        for (long long v : values) {
            if (v > param_budget || v < -param_budget) return false;
            largest = std::max(largest, v < 0 ? -v : v);
        }
    const double work = double(total + 1) * double(total + 1) * double(1 + largest) * double(1 + largest);
    if (work > work_budget) return false;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    std::vector<cnnlab::cases::ReadEntry> entries;
    try {
        entries = cnnlab::cases::read_cases(in, "<fuzz>");
    } catch (const std::exception& e) {
        finding("read_cases", e.what());
    } catch (...) {
        finding("read_cases", "(not a std::exception)");
    }
    for (const cnnlab::cases::ReadEntry& entry : entries) {
        if (!entry.ok() || !small_enough(entry.value)) continue;
        try {
            const cnnlab::cases::Case result = cnnlab::cases::run_case(entry.value);
            std::ostringstream out;  // the results file of `cnnlab replay`: must be writable
            cnnlab::cases::write_case(out, result);
        } catch (const std::exception& e) {
            finding("run_case/write_case", e.what());
        } catch (...) {
            finding("run_case/write_case", "(not a std::exception)");
        }
    }
    return 0;
}

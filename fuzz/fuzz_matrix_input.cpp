// libFuzzer harness: bytes → the inline-matrix parser of the `cnnlab` program
// (cnnlab::cli::parse_matrix, e.g. '0 1 2; 3 4 5'). Only cnnlab::argument_error, shape_error and
// data_error may come out; any other exception is a finding (trap). A parsed matrix must not be
// empty (the parser promises a shape_error for that).
#include "chapters/ch00_foundation/errors.hpp"
#include "cli/matrix_input.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string_view>

namespace {
[[noreturn]] void finding(const char* what) {
    std::fprintf(stderr, "fuzz_matrix_input: parse_matrix threw an undocumented exception: %s\n", what);
    __builtin_trap();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const arma::mat m = cnnlab::cli::parse_matrix(text, "fuzz");
        if (m.n_elem == 0) {
            std::fprintf(stderr, "fuzz_matrix_input: parse_matrix returned an empty matrix\n");
            __builtin_trap();
        }
    } catch (const cnnlab::argument_error&) {
    } catch (const cnnlab::shape_error&) {
    } catch (const cnnlab::data_error&) {
    } catch (const std::exception& e) {
        finding(e.what());
    } catch (...) {
        finding("(not a std::exception)");
    }
    return 0;
}

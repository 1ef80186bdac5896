// libFuzzer harness: bytes → an IDX file → cnnlab::read_idx_images and cnnlab::read_idx_labels.
// The readers take a path (zlib's gzopen reads plain and gzip'd files alike), so the bytes go to a
// temporary file. Only cnnlab::data_error may come out; any other exception is a finding (trap).
#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch07_networks/datasets.hpp"

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

[[noreturn]] void finding(const char* where, const char* what) {
    std::fprintf(stderr, "fuzz_idx: %s threw something other than cnnlab::data_error: %s\n", where, what);
    __builtin_trap();
}

const std::filesystem::path& scratch_file() {
    static const std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("cnnlab_fuzz_idx_" + std::to_string(::getpid()) + ".idx");
    return path;
}

template <class Read>
void expect_data_error_only(const char* where, Read read) {
    try {
        read();
    } catch (const cnnlab::data_error&) {
        // refused with the documented error: fine
    } catch (const std::exception& e) {
        finding(where, e.what());
    } catch (...) {
        finding(where, "(not a std::exception)");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::filesystem::path& path = scratch_file();
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), std::streamsize(size));
        if (!out) __builtin_trap();  // the harness's own problem (disk full?), not the reader's
    }
    expect_data_error_only("read_idx_images", [&] {
        const cnnlab::IdxImages images = cnnlab::read_idx_images(path);
        if (images.pixels.size() != images.count * images.rows * images.cols) __builtin_trap();
    });
    expect_data_error_only("read_idx_labels", [&] { (void)cnnlab::read_idx_labels(path); });
    return 0;
}

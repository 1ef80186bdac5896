// libFuzzer harness: bytes → a checkpoint file → cnnlab::load_checkpoint, then, for a checkpoint
// that loads and names a small network, cnnlab::restore_checkpoint. Both document cnnlab::data_error
// as their only error; any other exception is a finding (trap).
//
// A checkpoint ends in the CRC-32 of its payload, which random bytes almost never match. So the
// first byte chooses: even — the remaining bytes are the whole file, as they are; odd — they are the
// payload, and the harness wraps them in a valid header (magic, version, length) and checksum, so
// that the fuzzer reaches the payload's parser.
#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch07_networks/checkpoint.hpp"

#include <unistd.h>
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

[[noreturn]] void finding(const char* where, const char* what) {
    std::fprintf(stderr, "fuzz_checkpoint: %s threw something other than cnnlab::data_error: %s\n", where, what);
    __builtin_trap();
}

const std::filesystem::path& scratch_file() {
    static const std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("cnnlab_fuzz_checkpoint_" + std::to_string(::getpid()) + ".ckpt");
    return path;
}

std::string wrapped(const uint8_t* payload, size_t size) {
    std::string file("CNNLABCK", 8);
    const std::uint32_t version = cnnlab::checkpoint_version;
    const std::uint64_t length = size;
    const std::uint32_t crc = std::uint32_t(crc32(0L, payload, uInt(size)));
    file.append(reinterpret_cast<const char*>(&version), sizeof version);
    file.append(reinterpret_cast<const char*>(&length), sizeof length);
    file.append(reinterpret_cast<const char*>(payload), size);
    file.append(reinterpret_cast<const char*>(&crc), sizeof crc);
    return file;
}

/// Rebuilding a network allocates its parameters for the input the checkpoint names: only small
/// inputs are rebuilt, so that one execution stays in milliseconds (restore itself is not the
/// reader; its size checks run on what load_checkpoint accepted).
bool small_net(const cnnlab::Checkpoint& c) {
    return c.input.channels <= 4 && c.input.height <= 64 && c.input.width <= 64 && c.classes <= 100;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const std::string file = (data[0] & 1) ? wrapped(data + 1, size - 1)
                                           : std::string(reinterpret_cast<const char*>(data + 1), size - 1);
    const std::filesystem::path& path = scratch_file();
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(file.data(), std::streamsize(file.size()));
        if (!out) __builtin_trap();  // the harness's own problem, not the reader's
    }
    cnnlab::Checkpoint checkpoint;
    try {
        checkpoint = cnnlab::load_checkpoint(path);
    } catch (const cnnlab::data_error&) {
        return 0;
    } catch (const std::exception& e) {
        finding("load_checkpoint", e.what());
    } catch (...) {
        finding("load_checkpoint", "(not a std::exception)");
    }
    if (!small_net(checkpoint)) return 0;
    try {
        (void)cnnlab::restore_checkpoint(checkpoint);
    } catch (const cnnlab::data_error&) {
    } catch (const std::exception& e) {
        finding("restore_checkpoint", e.what());
    } catch (...) {
        finding("restore_checkpoint", "(not a std::exception)");
    }
    return 0;
}

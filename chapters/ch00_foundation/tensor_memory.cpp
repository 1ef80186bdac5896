// Tensor storage with reuse of large blocks (see tensor_memory.hpp).
#include "chapters/ch00_foundation/tensor_memory.hpp"

#include "chapters/ch00_foundation/errors.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdint>
#include <map>
#include <mutex>
#include <new>

namespace cnnlab {
namespace {

constexpr std::size_t alignment = 64;           // a cache line, and one AVX-512 register
constexpr std::size_t header = alignment;       // the block's size, stored before the data
constexpr std::size_t kept_from = 1u << 20;     // blocks this large or larger are kept when freed
constexpr std::size_t granule = 64u << 10;      // kept blocks are rounded up to 64 KiB

#if defined(__SANITIZE_ADDRESS__)
constexpr bool keep_blocks = false;  // AddressSanitizer must see every free
#else
constexpr bool keep_blocks = true;
#endif

struct Cache {
    std::mutex mutex;
    std::multimap<std::size_t, void*> free_blocks;  // block size → block (its header)
    std::size_t bytes = 0;
    std::size_t limit = 0;
};

Cache& cache() {
    // Never destroyed: tensors with static storage may be freed after this would be.
    static Cache* instance = [] {
        auto* c = new Cache;
        c->limit = std::min<std::size_t>(physical_memory_bytes() / 8, std::size_t{4} << 30);
        return c;
    }();
    return *instance;
}

void* new_block(std::size_t block) {
    auto* raw = static_cast<unsigned char*>(::operator new(block + header, std::align_val_t{alignment}));
    *reinterpret_cast<std::size_t*>(raw) = block;
    return raw + header;
}

void delete_block(void* raw) { ::operator delete(raw, std::align_val_t{alignment}); }

/// "12.3 GiB"
std::string gibibytes(double bytes) {
    char text[48];
    std::snprintf(text, sizeof text, "%.3g GiB", bytes / double(std::size_t{1} << 30));
    return text;
}

}  // namespace

std::size_t physical_memory_bytes() {
    static const std::size_t memory = [] {
        const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGE_SIZE);
        return pages > 0 && page_size > 0 ? std::size_t(pages) * std::size_t(page_size) : std::size_t{0};
    }();
    return memory;
}

std::size_t checked_product(const char* op, const char* what, std::size_t a, std::size_t b) {
    std::size_t product = 0;
    if (__builtin_mul_overflow(a, b, &product))
        throw shape_error(str(op, ": ", what, " ", a, " × ", b, " does not fit in a 64-bit size"));
    return product;
}

bool allocation_fits(std::size_t elements, std::size_t element_bytes) {
    std::size_t bytes = 0;
    if (__builtin_mul_overflow(elements, element_bytes, &bytes)) return false;
    const std::size_t memory = physical_memory_bytes();
    return memory == 0 || bytes <= memory;
}

void refuse_allocation(const char* op, const std::string& what, std::size_t elements, std::size_t element_bytes) {
    throw shape_error(str(op, ": ", what, " has ", elements, " elements (", gibibytes(double(elements) * double(element_bytes)),
                          "), more than this machine's memory (", gibibytes(double(physical_memory_bytes())), "); refused as absurd"));
}

std::size_t cached_tensor_bytes() {
    Cache& c = cache();
    const std::lock_guard lock(c.mutex);
    return c.bytes;
}

void release_cached_tensor_memory() {
    std::multimap<std::size_t, void*> blocks;
    {
        Cache& c = cache();
        const std::lock_guard lock(c.mutex);
        blocks.swap(c.free_blocks);
        c.bytes = 0;
    }
    for (const auto& [size, raw] : blocks) delete_block(raw);
}

namespace detail {

void* allocate_tensor_bytes(std::size_t bytes) {
    if (bytes < kept_from) return ::operator new(bytes, std::align_val_t{alignment});
    if (bytes > SIZE_MAX - granule - header) throw std::bad_alloc();
    if (keep_blocks) {
        Cache& c = cache();
        const std::lock_guard lock(c.mutex);
        const auto it = c.free_blocks.lower_bound(bytes);
        if (it != c.free_blocks.end() && it->first - bytes <= bytes / 4) {
            void* raw = it->second;
            c.bytes -= it->first;
            c.free_blocks.erase(it);
            return static_cast<unsigned char*>(raw) + header;
        }
    }
    return new_block((bytes + granule - 1) / granule * granule);
}

void free_tensor_bytes(void* pointer, std::size_t bytes) noexcept {
    if (!pointer) return;
    if (bytes < kept_from) {
        ::operator delete(pointer, std::align_val_t{alignment});
        return;
    }
    void* raw = static_cast<unsigned char*>(pointer) - header;
    const std::size_t block = *static_cast<std::size_t*>(raw);
    if (keep_blocks) {
        Cache& c = cache();
        const std::lock_guard lock(c.mutex);
        if (c.bytes + block <= c.limit) {
            try {
                c.free_blocks.emplace(block, raw);
                c.bytes += block;
                return;
            } catch (...) {  // no memory for the map's node: give the block back instead
            }
        }
    }
    delete_block(raw);
}

}  // namespace detail
}  // namespace cnnlab

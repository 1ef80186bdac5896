/// \file
/// \brief Where tensor storage comes from: large blocks are kept for reuse after they are freed.
///
/// A network's forward pass allocates the same large sizes over and over (one output per layer, per
/// call). Fresh memory from the operating system is mapped page by page on first touch, each page
/// zeroed by the kernel: at batch 16 on VGG-16 that cost two thirds of the forward pass's time
/// (8.96 s against 2.88 s with blocks reused, one thread). So tensor blocks of 1 MiB or more are not
/// returned to the system when a tensor dies but kept, up to a limit (1/8 of the machine's memory,
/// at most 4 GiB), and handed to the next tensor of a similar size (at most 25 % larger). Smaller
/// blocks use `operator new` directly. Under AddressSanitizer nothing is kept, so that a use after
/// free is still caught.
#pragma once

#include <cstddef>
#include <string>

namespace cnnlab {

/// Bytes of freed tensor storage held for reuse right now.
std::size_t cached_tensor_bytes();
/// Returns every kept block to the system (for a long-running program between phases).
void release_cached_tensor_memory();
/// The machine's physical memory in bytes (0 when the system does not say).
std::size_t physical_memory_bytes();

/// \f$a \cdot b\f$, or a shape_error naming `op` and `what` when the product does not fit in
/// `std::size_t` (sizes typed by a user can be anything; a wrapped product would allocate too little).
std::size_t checked_product(const char* op, const char* what, std::size_t a, std::size_t b);

/// Whether `elements` values of `element_bytes` each could fit: no more bytes than the machine's
/// physical memory (and than `std::size_t` holds).
bool allocation_fits(std::size_t elements, std::size_t element_bytes);

/// Throws the shape_error of an allocation that does not fit, naming `op` and `what` ("output 1×1×99999×99999").
[[noreturn]] void refuse_allocation(const char* op, const std::string& what, std::size_t elements, std::size_t element_bytes);

/// Refuses, with a shape_error naming `op` and `describe()` ("output 1×1×99999×99999"), an allocation
/// of `elements` values of `element_bytes` each that could never fit (allocation_fits): a clear
/// message instead of `std::bad_alloc`. `describe` is called only then, so a check on every tensor
/// costs no string.
template <class Describe>
void check_allocation(const char* op, Describe describe, std::size_t elements, std::size_t element_bytes) {
    if (!allocation_fits(elements, element_bytes)) refuse_allocation(op, describe(), elements, element_bytes);
}

namespace detail {
/// Storage for `bytes` bytes of tensor data, 64-byte aligned: a kept block when one fits.
/// \throws std::bad_alloc when the system has no memory left
void* allocate_tensor_bytes(std::size_t bytes);
/// Gives back storage from allocate_tensor_bytes(bytes) (the same `bytes`).
void free_tensor_bytes(void* pointer, std::size_t bytes) noexcept;
}  // namespace detail

}  // namespace cnnlab

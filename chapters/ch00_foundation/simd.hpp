/// \file
/// \brief Portable fixed-width vectors (GCC/Clang vector extensions) for the bandwidth-bound kernels.
///
/// `simd::Vec<T, W>` is W lanes of T. The compiler maps it onto the widest registers the target
/// has — one AVX-512 register for 16 floats under `-march=native` on this machine, four SSE
/// registers on a plain x86-64 build — so the same source is both portable and fast, without
/// intrinsics or run-time dispatch. Arithmetic, comparisons (a lane mask of 0 / −1) and
/// `mask ? a : b` work lane by lane. Loads and stores are unaligned (through `memcpy`). The helpers
/// are always inlined: GCC does not inline an ordinary function into a kernel compiled for another
/// ISA level (CNNLAB_CPU_CLONES), and a call per vector load would cost more than the load.
///
/// Written where GCC's auto-vectorizer does not reach: a loop whose trip count is a small
/// constant is unrolled to scalar code before it could be vectorized, and a loop whose trip count
/// is not a multiple of the vector width ends in a scalar epilogue — in a max, one mispredicted
/// branch per element on random data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>

namespace cnnlab::simd {

/// The vector type behind Vec (an attribute cannot be applied to a dependent alias directly).
template <class T, std::size_t W>
struct VectorOf {
    /// W lanes of T
    typedef T type __attribute__((vector_size(W * sizeof(T))));
};

/// W lanes of T (W a power of two).
template <class T, std::size_t W>
using Vec = typename VectorOf<T, W>::type;

/// Lanes of T in one 64-byte vector (one AVX-512 register; four SSE registers).
template <class T>
inline constexpr std::size_t lanes = 64 / sizeof(T);

/// W values from p (unaligned).
template <class T, std::size_t W>
[[gnu::always_inline]] inline Vec<T, W> load(const T* p) {
    Vec<T, W> v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

/// Writes the W lanes of v to p (unaligned).
template <class T, std::size_t W>
[[gnu::always_inline]] inline void store(T* p, const Vec<T, W>& v) {
    std::memcpy(p, &v, sizeof v);
}

namespace detail {
template <class T, std::size_t W, std::size_t... I>
[[gnu::always_inline]] inline Vec<T, W> even_lanes(const Vec<T, W>& a, const Vec<T, W>& b, std::index_sequence<I...>) {
    return __builtin_shufflevector(a, b, (2 * I)...);
}
template <std::size_t W, std::size_t... I>
[[gnu::always_inline]] inline Vec<std::uint32_t, W> ramp(std::index_sequence<I...>) {
    return Vec<std::uint32_t, W>{std::uint32_t(I)...};
}
}  // namespace detail

/// p[0], p[s], …, p[(W−1)s]. `Stride` is s when known at compile time: 1 is one load; 2 is two
/// loads and one shuffle, and reads p[0 … 2W − 1] — **one element past** p[2(W−1)], so the buffer
/// must extend one element further; 4 is four loads and three shuffles, reading p[0 … 4W − 1]
/// (three past p[4(W−1)]); 0 reads s at run time, lane by lane.
template <std::size_t Stride, class T, std::size_t W>
[[gnu::always_inline]] inline Vec<T, W> load_strided(const T* p, std::size_t s) {
    if constexpr (Stride == 1) {
        return load<T, W>(p);
    } else if constexpr (Stride == 2 && W > 1) {
        return detail::even_lanes<T, W>(load<T, W>(p), load<T, W>(p + W), std::make_index_sequence<W>{});
    } else if constexpr (Stride == 4 && W > 1) {  // the even lanes of the even lanes
        return detail::even_lanes<T, W>(load_strided<2, T, W>(p, 2), load_strided<2, T, W>(p + 2 * W, 2),
                                        std::make_index_sequence<W>{});
    } else {
        if constexpr (Stride != 0) s = Stride;
        Vec<T, W> v;
        for (std::size_t k = 0; k < W; ++k) v[k] = p[k * s];
        return v;
    }
}

/// first, first + 1, …, first + W − 1.
template <std::size_t W>
[[gnu::always_inline]] inline Vec<std::uint32_t, W> ramp(std::uint32_t first) {
    return detail::ramp<W>(std::make_index_sequence<W>{}) + first;
}

/// `take ? a : b` lane by lane for 32-bit indices, `take` a lane mask of any lane width (the
/// comparison of two Vec<double, W> gives 64-bit lanes).
template <std::size_t W, class Mask>
[[gnu::always_inline]] inline Vec<std::uint32_t, W> select(const Mask& take, const Vec<std::uint32_t, W>& a, const Vec<std::uint32_t, W>& b) {
    const auto mask = __builtin_convertvector(take, Vec<std::uint32_t, W>);
    return (a & mask) | (b & ~mask);
}

/// Covers [0, count) with blocks of a compile-time width, calling `block.template operator()<W>(i)`
/// for the block [i, i + W): full blocks of `Width`, then one last block of `Width` ending at
/// `count` that overlaps the one before; a count below `Width` is covered by halving the width.
/// **Only for idempotent blocks**: the overlapped elements are computed twice, which must give the
/// same result (out = max(out, x) does; out += x does not).
template <std::size_t Width, class Block>
inline void cover_in_blocks(std::size_t count, Block&& block) {
    if (count >= Width) {
        std::size_t i = 0;
        for (; i + Width <= count; i += Width) block.template operator()<Width>(i);
        if (i < count) block.template operator()<Width>(count - Width);
    } else if constexpr (Width > 1) {
        cover_in_blocks<Width / 2>(count, block);
    }
}

}  // namespace cnnlab::simd

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
template <std::size_t Offset, class T, std::size_t W, std::size_t... I>
[[gnu::always_inline]] inline Vec<T, sizeof...(I)> lanes_from(const Vec<T, W>& v, std::index_sequence<I...>) {
    return __builtin_shufflevector(v, v, (Offset + I)...);
}
template <class T, std::size_t W, std::size_t... I>
[[gnu::always_inline]] inline Vec<T, W> even_lanes(const Vec<T, W>& a, const Vec<T, W>& b, std::index_sequence<I...>) {
    return __builtin_shufflevector(a, b, (2 * I)...);
}
// Lane l of rows a and b after swapping their off-diagonal Block × Block blocks (b's lanes are W + l).
constexpr int upper_lane(std::size_t l, std::size_t block, std::size_t w) { return int(l & block ? w + l - block : l); }
constexpr int lower_lane(std::size_t l, std::size_t block, std::size_t w) { return int(l & block ? w + l : l + block); }
template <std::size_t Block, class T, std::size_t W, std::size_t... I>
[[gnu::always_inline]] inline void swap_blocks(Vec<T, W>& a, Vec<T, W>& b, std::index_sequence<I...>) {
    const Vec<T, W> upper = __builtin_shufflevector(a, b, upper_lane(I, Block, W)...);
    b = __builtin_shufflevector(a, b, lower_lane(I, Block, W)...);
    a = upper;
}
template <std::size_t W, std::size_t... I>
[[gnu::always_inline]] inline Vec<std::uint32_t, W> ramp(std::index_sequence<I...>) {
    return Vec<std::uint32_t, W>{std::uint32_t(I)...};
}
}  // namespace detail

/// Writes the first Count lanes of v to p (unaligned), as stores of v's halves, quarters, …: nothing
/// is written past p[Count − 1], and v is not first spilled to memory (a spilled vector read back
/// in a narrower piece at an offset misses store forwarding).
template <std::size_t Count, class T, std::size_t W>
[[gnu::always_inline]] inline void store_first(T* p, const Vec<T, W>& v) {
    static_assert(Count <= W);
    if constexpr (Count == W) {
        store<T, W>(p, v);
    } else if constexpr (Count > 0) {
        const Vec<T, W / 2> low = detail::lanes_from<0, T, W>(v, std::make_index_sequence<W / 2>{});
        if constexpr (Count < W / 2) {
            store_first<Count, T, W / 2>(p, low);
        } else {
            store<T, W / 2>(p, low);
            store_first<Count - W / 2, T, W / 2>(p + W / 2, detail::lanes_from<W / 2, T, W>(v, std::make_index_sequence<W / 2>{}));
        }
    }
}

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

/// Transposes the W × W matrix whose row i is rows[i], in registers: log2(W) stages, stage B
/// swapping the off-diagonal B × B blocks of every 2B × 2B block (two two-register shuffles per
/// pair of rows), so that bit B of a value's row and column numbers trade places.
template <class T, std::size_t W, std::size_t Block = W / 2>
[[gnu::always_inline]] inline void transpose(Vec<T, W> (&rows)[W]) {
    if constexpr (Block > 0) {
        for (std::size_t i = 0; i < W; ++i)
            if ((i & Block) == 0) detail::swap_blocks<Block, T, W>(rows[i], rows[i + Block], std::make_index_sequence<W>{});
        transpose<T, W, Block / 2>(rows);
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

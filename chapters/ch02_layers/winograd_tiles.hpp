/// \file
/// \brief Internal: the tile machinery of Winograd's minimal filtering shared by the forward
/// F(m×m, 3×3) (chapters/ch02_layers/winograd.cpp, whose file comment explains the layout) and the
/// weight gradient F(3×3, 4×4) (chapters/ch03_gradients/winograd_weight.cpp): the transform
/// matrices, lane-vector transforms, and where each tile sits.
#pragma once

#include "chapters/ch00_foundation/tensor.hpp"
#include "chapters/ch02_layers/layer.hpp"

#include <algorithm>
#include <cstddef>
#include <vector>

namespace cnnlab::detail {

/// The transform matrices of F(m×m, 3×3), as written in the file comment.
template <std::size_t M>
struct Transforms;

template <>
struct Transforms<2> {
    static constexpr std::size_t alpha = 4;
    static constexpr double BT[4][4] = {{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}};
    static constexpr double G[4][3] = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
    static constexpr double AT[2][4] = {{1, 1, 1, 0}, {0, 1, -1, -1}};
};

template <>
struct Transforms<4> {
    static constexpr std::size_t alpha = 6;
    static constexpr double BT[6][6] = {{4, 0, -5, 0, 1, 0},  {0, -4, -4, 1, 1, 0}, {0, 4, -4, -1, 1, 0},
                                        {0, -2, -1, 2, 1, 0}, {0, 2, -1, -2, 1, 0}, {0, 4, 0, -5, 0, 1}};
    static constexpr double G[6][3] = {{1.0 / 4, 0, 0},
                                       {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                                       {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                       {1.0 / 24, 1.0 / 12, 1.0 / 6},
                                       {1.0 / 24, -1.0 / 12, 1.0 / 6},
                                       {0, 0, 1}};
    static constexpr double AT[4][6] = {{1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 0}, {0, 1, 1, 4, 4, 0}, {0, 1, -1, 8, -8, 1}};
    // The transposes, for the weight gradient's F(3×3, 4×4) (chapters/ch03_gradients/winograd_weight.cpp).
    static constexpr double A[6][4] = {{1, 0, 0, 0}, {1, 1, 1, 1}, {1, -1, 1, -1}, {1, 2, 4, 8}, {1, -2, 4, -8}, {0, 0, 0, 1}};
    static constexpr double GT[3][6] = {{1.0 / 4, -1.0 / 6, -1.0 / 6, 1.0 / 24, 1.0 / 24, 0},
                                        {0, -1.0 / 6, 1.0 / 6, 1.0 / 12, -1.0 / 12, 0},
                                        {0, -1.0 / 6, -1.0 / 6, 1.0 / 6, 1.0 / 6, 1}};
};

/// Tiles (or filters) transformed side by side: two 64-byte vectors of T.
template <class T>
constexpr std::size_t lanes = 128 / sizeof(T);

/// One 1-D transform of L tiles side by side: out_r = Σ_j c[r][j] · in_j for r < R, where in_j is
/// the lane vector at in + j·in_step and out_r the one at out + r·out_step. The loops over r and j
/// unroll completely, zero coefficients drop out at compile time, and the loop over the lanes
/// vectorises with every value in registers.
template <std::size_t R, std::size_t J, std::size_t L, class T>
inline void transform_lanes(const double (&c)[R][J], const T* __restrict in, std::size_t in_step, T* __restrict out,
                            std::size_t out_step) {
#pragma omp simd
    for (std::size_t l = 0; l < L; ++l) {
        T v[J];
#pragma GCC unroll 8
        for (std::size_t j = 0; j < J; ++j) v[j] = in[j * in_step + l];
#pragma GCC unroll 8
        for (std::size_t r = 0; r < R; ++r) {
            T sum = 0;
#pragma GCC unroll 8
            for (std::size_t j = 0; j < J; ++j)
                if (c[r][j] != 0) sum += T(c[r][j]) * v[j];
            out[r * out_step + l] = sum;
        }
    }
}

/// The 2-D transform C·X·Cᵀ of a J×J grid X of lane vectors into an R×R grid, through `half`
/// (R×J). Grid element (a, b) of X is at in + (a·J + b)·in_stride; of the result at
/// out + (r·R + s)·out_stride; of `half` at half + (r·J + b)·L.
template <std::size_t R, std::size_t J, std::size_t L, class T>
inline void transform_2d(const double (&c)[R][J], const T* in, std::size_t in_stride, T* half, T* out,
                         std::size_t out_stride) {
    for (std::size_t b = 0; b < J; ++b)  // columns: half(·, b) = C · X(·, b)
        transform_lanes<R, J, L>(c, in + b * in_stride, J * in_stride, half + b * L, J * L);
    for (std::size_t r = 0; r < R; ++r)  // rows: out(r, ·) = half(r, ·) · Cᵀ
        transform_lanes<R, J, L>(c, half + r * J * L, L, out + r * R * out_stride, out_stride);
}

/// The distance, in values of T, from one of a buffer's α² matrices to the next, for matrices of
/// `values` values: `values` rounded up to whole 4 KiB pages, plus two 64-byte cache lines. Why:
/// the transforms read or write one lane vector in each of the α² matrices at once, and matrices a
/// multiple of 4 KiB apart (256 channels × any multiple of 4 tiles) put all of those vectors into
/// the same few L1 cache sets, where they evict each other; the offset spreads them over the sets.
template <class T>
constexpr std::size_t matrix_stride(std::size_t values) {
    constexpr std::size_t page = 4096 / sizeof(T), offset = 128 / sizeof(T);
    return (values + page - 1) / page * page + offset;
}

/// Copies the first `valid` lanes of each of `vectors` lane vectors (spaced L apart in `from`,
/// `to_stride` apart in `to`): the tail of a chunk that does not fill all L lanes.
template <std::size_t L, class T>
void copy_lanes(const T* from, std::size_t vectors, std::size_t valid, T* to, std::size_t to_stride) {
    for (std::size_t v = 0; v < vectors; ++v)
        for (std::size_t l = 0; l < valid; ++l) to[v * to_stride + l] = from[v * L + l];
}

/// Where one tile sits: its sample, the top-left of its α×α input patch (may lie in the padding or
/// past the input) and of its m×m output patch.
struct TilePlace {
    std::size_t n = 0;
    std::ptrdiff_t in_row = 0, in_col = 0;
    std::size_t out_row = 0, out_col = 0;
    bool inside = false;  ///< the whole input patch lies inside the input: no bounds checks
};

/// The places of all `tiles` tiles of m×m outputs (numbered as in winograd.cpp's file comment).
template <std::size_t M>
void place_tiles(const LayerGeometry& g, std::size_t tiles_h, std::size_t tiles_w, std::size_t tiles,
                 std::vector<TilePlace>& places) {
    constexpr std::size_t alpha = M + 2;
    if (places.size() < tiles) places.resize(tiles);
    const auto pad_top = std::ptrdiff_t(g.plane.rows.pad.before), pad_left = std::ptrdiff_t(g.plane.cols.pad.before);
    const auto height = std::ptrdiff_t(g.input.h), width = std::ptrdiff_t(g.input.w);
    for (std::size_t t = 0; t < tiles; ++t) {
        TilePlace& p = places[t];
        p.out_row = (t % tiles_h) * M;
        p.out_col = (t / tiles_h % tiles_w) * M;
        p.n = t / (tiles_h * tiles_w);
        p.in_row = std::ptrdiff_t(p.out_row) - pad_top;
        p.in_col = std::ptrdiff_t(p.out_col) - pad_left;
        p.inside = p.in_row >= 0 && p.in_col >= 0 && p.in_row + std::ptrdiff_t(alpha) <= height &&
                   p.in_col + std::ptrdiff_t(alpha) <= width;
    }
}

/// d(a, b) lane vectors (α×α) of input channel c of `x` for the `valid` tiles at `places`; lanes
/// past `valid` and entries outside the input are zero.
template <std::size_t alpha, std::size_t L, class T>
void gather_tiles(const Tensor4<T>& x, const TilePlace* places, std::size_t valid, std::size_t c, T* d) {
    constexpr std::size_t points = alpha * alpha;
    const std::size_t height = x.shape().h, width = x.shape().w, channels = x.shape().c;
    for (std::size_t l = 0; l < L; ++l) {
        if (l >= valid) {
            for (std::size_t e = 0; e < points; ++e) d[e * L + l] = T(0);
            continue;
        }
        const TilePlace& p = places[l];
        const T* plane = x.data() + (p.n * channels + c) * height * width;
        if (p.inside) {
            for (std::size_t b = 0; b < alpha; ++b) {
                const T* column = plane + (std::size_t(p.in_col) + b) * height + std::size_t(p.in_row);
                for (std::size_t a = 0; a < alpha; ++a) d[(a * alpha + b) * L + l] = column[a];
            }
        } else {  // zeros, then the part of the patch that lies inside the input
            for (std::size_t e = 0; e < points; ++e) d[e * L + l] = T(0);
            const std::ptrdiff_t a_first = std::max<std::ptrdiff_t>(0, -p.in_row);
            const std::ptrdiff_t a_last = std::min<std::ptrdiff_t>(alpha, std::ptrdiff_t(height) - p.in_row);
            const std::ptrdiff_t b_first = std::max<std::ptrdiff_t>(0, -p.in_col);
            const std::ptrdiff_t b_last = std::min<std::ptrdiff_t>(alpha, std::ptrdiff_t(width) - p.in_col);
            for (std::ptrdiff_t b = b_first; b < b_last; ++b)
                for (std::ptrdiff_t a = a_first; a < a_last; ++a)
                    d[(std::size_t(a) * alpha + std::size_t(b)) * L + l] =
                        plane[std::size_t(p.in_col + b) * height + std::size_t(p.in_row + a)];
        }
    }
}

/// Tiles per block aimed at by the Winograd weight gradient (measured on 256 → 256 channels, 56×56
/// and 100×100 with OpenBLAS's Haswell kernels: 96 to 384 run equally fast within the noise): a
/// block's buffers stay a few MB while its GEMMs (192 × C_in × C_out) are still large enough for
/// OpenBLAS to run near its peak, and a layer has blocks enough to give each thread its own. The
/// forward pass aims at larger blocks (winograd.cpp).
constexpr std::size_t block_tiles_target = 192;

/// The input transform of F(m×m, 3×3): U[ξ](t, c) = (Bᵀ d_{t,c} B)_ξ for input channel c of `x` and
/// the `rows` tiles at `places`, into `u` (α² matrices rows × C_in, column-major, `xi_stride` values
/// apart).
template <std::size_t M, class T>
void transform_input_tiles(const Tensor4<T>& x, const TilePlace* places, std::size_t rows, std::size_t c, T* u,
                           std::size_t xi_stride) {
    using Tf = Transforms<M>;
    constexpr std::size_t alpha = Tf::alpha, points = alpha * alpha, L = lanes<T>;
    alignas(64) T d[points * L];
    alignas(64) T half[points * L];
    alignas(64) T tail[points * L];
    for (std::size_t t0 = 0; t0 < rows; t0 += L) {
        const std::size_t valid = std::min(L, rows - t0);
        gather_tiles<alpha, L>(x, places + t0, valid, c, d);
        T* const target = u + c * rows + t0;
        if (valid == L) {
            transform_2d<alpha, alpha, L>(Tf::BT, d, L, half, target, xi_stride);
        } else {
            transform_2d<alpha, alpha, L>(Tf::BT, d, L, half, tail, L);
            copy_lanes<L>(tail, points, valid, target, xi_stride);
        }
    }
}

}  // namespace cnnlab::detail

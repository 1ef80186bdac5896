/// \file
/// \brief im2col and col2im one column at a time: the copy the forward's GEMM path reads
/// (chapters/ch02_layers/layer_gemm.cpp) and its exact transpose the backward's adds back
/// (chapters/ch03_gradients/backward.cpp). Internal to those two.
///
/// Layout, per sample n and group, on column-major memory: A is P × K with row = output pixel
/// p = j·H_out + i and column = tap k = (c·K_w + v)·K_h + u — the order of a weight's memory, so
/// the weight tensor read as a K × C_out matrix is the other GEMM operand without a copy.
#pragma once

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch00_foundation/simd.hpp"
#include "chapters/ch02_layers/layer.hpp"

#include <algorithm>
#include <cstddef>
#include <limits>

namespace cnnlab::detail {

/// Zero-copy matrix over `rows × cols` values at `data` (Armadillo's auxiliary-memory constructor).
template <class T>
arma::Mat<T> matrix_over(const T* data, std::size_t rows, std::size_t cols) {
    return arma::Mat<T>(const_cast<T*>(data), rows, cols, /*copy_aux_mem=*/false, /*strict=*/true);
}

/// C = A · B + β·C on column-major blocks of larger matrices (leading dimensions lda, ldb, ldc):
/// C m×n, A m×k, B k×n. BLAS's gemm called directly, because a matrix over memory
/// (matrix_over) cannot be a block of rows of a larger one.
template <class T>
void gemm_block(std::size_t m, std::size_t n, std::size_t k, const T* a, std::size_t lda, const T* b, std::size_t ldb,
                T beta, T* c, std::size_t ldc) {
    if (std::max({m, n, k, lda, ldb, ldc}) > std::size_t(std::numeric_limits<arma::blas_int>::max()))
        throw shape_error(str("gemm: a ", m, "×", k, " by ", k, "×", n, " product (leading dimensions ", lda, ", ", ldb,
                              ", ", ldc, ") is too large for this BLAS's integer type"));
    const auto M = arma::blas_int(m), N = arma::blas_int(n), K = arma::blas_int(k);
    const auto LDA = arma::blas_int(lda), LDB = arma::blas_int(ldb), LDC = arma::blas_int(ldc);
    const T one = 1;
    arma::blas::gemm<T>("N", "N", &M, &N, &K, &one, a, &LDA, b, &LDB, &beta, c, &LDC);
}

/// Offset of plane (n, c) in a tensor's memory: planes are stored one after another, n-major.
template <class T>
std::size_t plane_start(const Tensor4<T>& t, std::size_t n, std::size_t c) {
    return (n * t.shape().c + c) * t.shape().h * t.shape().w;
}

/// First and one-past-last output index i whose input index i·s + offset lies in [0, n).
struct InsideRange {
    std::size_t first, last;
};
inline InsideRange inside_range(std::ptrdiff_t offset, std::size_t stride, std::size_t n, std::size_t outputs) {
    const auto s = std::ptrdiff_t(stride);
    std::ptrdiff_t first = offset >= 0 ? 0 : (-offset + s - 1) / s;
    std::ptrdiff_t last = std::ptrdiff_t(n) - offset <= 0 ? 0 : (std::ptrdiff_t(n) - offset + s - 1) / s;
    first = std::min<std::ptrdiff_t>(first, std::ptrdiff_t(outputs));
    last = std::clamp<std::ptrdiff_t>(last, first, std::ptrdiff_t(outputs));
    return {std::size_t(first), std::size_t(last)};
}

/// Where tap k of a group reads: its input plane (channel c), its offsets and the output
/// rows/columns whose window lies inside the input for that tap.
struct Tap {
    std::size_t channel;
    std::ptrdiff_t row_offset, col_offset;
    InsideRange rows, cols;
};
inline Tap tap_of(const LayerGeometry& g, std::size_t group, std::size_t k) {
    const Axis& rows = g.plane.rows;
    const Axis& cols = g.plane.cols;
    const std::size_t kh = g.weight.h, kw = g.weight.w;
    const std::size_t u = k % kh, v = (k / kh) % kw;
    Tap tap{};
    tap.channel = group * g.in_per_group() + k / (kh * kw);
    tap.row_offset = std::ptrdiff_t(u * rows.dilation) - std::ptrdiff_t(rows.pad.before);
    tap.col_offset = std::ptrdiff_t(v * cols.dilation) - std::ptrdiff_t(cols.pad.before);
    tap.rows = inside_range(tap.row_offset, rows.stride, g.input.h, g.output.h);
    tap.cols = inside_range(tap.col_offset, cols.stride, g.input.w, g.output.w);
    return tap;
}

/// out[i] = in[i·S] for i from `i` on, a vector of W values at a time while a whole vector's loads
/// stay below in[extent] (simd::load_strided reads S − 1 values past its last lane) and within `last`;
/// returns the first i not copied.
template <std::size_t S, class T>
std::size_t copy_strided_vectors(const T* in, std::size_t extent, std::size_t i, std::size_t last, T* out) {
    constexpr std::size_t W = simd::lanes<T>;
    for (; i + W <= last && (i + W) * S <= extent; i += W) simd::store<T, W>(out + i, simd::load_strided<S, T, W>(in + i * S, S));
    return i;
}

/// out[i] = in[i·s] for i in [first, last), where `in` may be read up to (not including) in[extent]:
/// strides 2 and 4 (AlexNet's conv1) a vector at a time where they can, the rest one by one.
template <class T>
void copy_strided(const T* in, std::size_t s, std::size_t extent, std::size_t first, std::size_t last, T* out) {
    std::size_t i = first;
    if (s == 2) i = copy_strided_vectors<2>(in, extent, i, last, out);
    if (s == 4) i = copy_strided_vectors<4>(in, extent, i, last, out);
    for (; i < last; ++i) out[i] = in[i * s];
}

/// im2col: writes column k of A (P × K_g) of sample n, group `group` — tap k's shifted, strided
/// copy of one input plane, zeros where the window reaches into the padding (as the forward).
template <class T>
void fill_im2col_column(const Tensor4<T>& x, const LayerGeometry& g, std::size_t n, std::size_t group, std::size_t k,
                        T* a) {
    const std::size_t out_h = g.output.h, pixels = out_h * g.output.w;
    const std::size_t row_stride = g.plane.rows.stride, col_stride = g.plane.cols.stride;
    const Tap tap = tap_of(g, group, k);
    const T* plane = x.data() + plane_start(x, n, tap.channel);
    T* column = a + k * pixels;
    std::fill(column, column + tap.cols.first * out_h, T(0));
    for (std::size_t j = tap.cols.first; j < tap.cols.last; ++j) {
        T* out = column + j * out_h;
        const T* in = plane + std::size_t(std::ptrdiff_t(j * col_stride) + tap.col_offset) * g.input.h;
        std::fill(out, out + tap.rows.first, T(0));
        if (row_stride == 1) {  // a contiguous run: a plain copy
            const T* from = in + std::ptrdiff_t(tap.rows.first) + tap.row_offset;
            std::copy(from, from + (tap.rows.last - tap.rows.first), out + tap.rows.first);
        } else {
            copy_strided(in + tap.row_offset, row_stride, std::size_t(std::ptrdiff_t(g.input.h) - tap.row_offset), tap.rows.first,
                         tap.rows.last, out);
        }
        std::fill(out + tap.rows.last, out + out_h, T(0));
    }
    std::fill(column + tap.cols.last * out_h, column + pixels, T(0));
}

/// col2im, the exact transpose of fill_im2col_column: every entry of column k of dA goes back,
/// added, to the input pixel that im2col copied into that place; entries that im2col set to zero
/// (window in the padding) came from no pixel and are dropped. Overlapping windows (stride below
/// the kernel extent) hit a pixel from several taps, hence the addition.
template <class T>
void add_col2im_column(const T* da, const LayerGeometry& g, std::size_t n, std::size_t group, std::size_t k,
                       Tensor4<T>& dx) {
    const std::size_t out_h = g.output.h, pixels = out_h * g.output.w;
    const std::size_t row_stride = g.plane.rows.stride, col_stride = g.plane.cols.stride;
    const Tap tap = tap_of(g, group, k);
    T* plane = dx.data() + plane_start(dx, n, tap.channel);
    const T* column = da + k * pixels;
    for (std::size_t j = tap.cols.first; j < tap.cols.last; ++j) {
        const T* from = column + j * out_h;
        T* in = plane + std::size_t(std::ptrdiff_t(j * col_stride) + tap.col_offset) * g.input.h;
        if (row_stride == 1) {  // a contiguous run: a vectorizable add
            T* to = in + std::ptrdiff_t(tap.rows.first) + tap.row_offset;
            const T* src = from + tap.rows.first;
            const std::size_t count = tap.rows.last - tap.rows.first;
            for (std::size_t i = 0; i < count; ++i) to[i] += src[i];
        } else {
            for (std::size_t i = tap.rows.first; i < tap.rows.last; ++i)
                in[std::ptrdiff_t(i * row_stride) + tap.row_offset] += from[i];
        }
    }
}

}  // namespace cnnlab::detail

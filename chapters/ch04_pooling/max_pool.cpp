// Max pooling, forward (with or without arg-max) and backward.
//
// Forward, per plane and output column j, in two vectorized passes (pool_planes.hpp):
//  1. column pass: m[r] = max over the window's input columns of x[r, c], for every input row r
//     (contiguous, element-wise), with the winning column's index;
//  2. row pass: y[i, j] = max over the window's taps u of m[i·s_h + u·d_h − p_h], vectorized over i
//     (the stride is a compile-time constant for s_h = 1 and 2).
// Each pass combines its first two columns / taps in one step, then folds in the rest, on blocks
// of 16 floats / 8 doubles (simd.hpp; the last block of a column overlaps the one before, so no
// scalar remainder is left: on random data a scalar max mispredicts a branch per element, and the
// remainders of 56- and 14-row outputs took most of the time).
// Both passes use PyTorch's update test "candidate > best or candidate is NaN", scanning taps in
// increasing order. That keeps PyTorch's row-major answer exactly: without NaN, the column pass
// picks the first maximal column of each row and the row pass the first row reaching the maximum —
// the first maximum in row-major order; with NaN, both pick the last NaN — the last NaN in
// row-major order. Windows that touch padding (a few rows and columns at the border) take a
// checked scalar path; padded cells are skipped, never compared.
//
// Backward scatters δ to the stored arg-maxes, plane by plane.
#include "chapters/ch00_foundation/simd.hpp"
#include "chapters/ch04_pooling/pool_planes.hpp"
#include "chapters/ch04_pooling/pooling.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace cnnlab {

namespace {

using detail::OutputSpan;

/// PyTorch's test: a candidate replaces the best so far when it is greater or NaN.
template <class T>
inline bool wins(T candidate, T best) {
    return candidate > best || candidate != candidate;
}

// The same test on W lanes at once, and the combining steps of both passes on blocks of W
// consecutive outputs (simd::cover_in_blocks: max is idempotent, so the last block may overlap
// the one before). A step takes the running best (value, index) and a candidate, or two
// candidates — the first two columns / taps in one go saves copying the first into m.

/// Lane mask of wins(candidate, best).
template <class V>
inline auto lanes_win(const V& candidate, const V& best) {
    return (candidate > best) | (candidate != candidate);
}

/// m[r] = the winner of m[r] and column[r] (index base + r), r < W.
template <std::size_t W, class T, bool Argmax>
void combine_column(const T* column, std::uint32_t base, T* m, std::uint32_t* mi) {
    const auto value = simd::load<T, W>(column), best = simd::load<T, W>(m);
    const auto take = lanes_win(value, best);
    simd::store<T, W>(m, take ? value : best);
    if constexpr (Argmax) simd::store<std::uint32_t, W>(mi, simd::select<W>(take, simd::ramp<W>(base), simd::load<std::uint32_t, W>(mi)));
}

/// m[r] = the winner of first[r] (tested first) and second[r], r < W.
template <std::size_t W, class T, bool Argmax>
void combine_two_columns(const T* first, std::uint32_t first_base, const T* second, std::uint32_t second_base, T* m,
                         std::uint32_t* mi) {
    const auto best = simd::load<T, W>(first), value = simd::load<T, W>(second);
    const auto take = lanes_win(value, best);
    simd::store<T, W>(m, take ? value : best);
    if constexpr (Argmax) simd::store<std::uint32_t, W>(mi, simd::select<W>(take, simd::ramp<W>(second_base), simd::ramp<W>(first_base)));
}

/// out[i] = the winner of out[i] and tap[i·stride], i < W (with the indices when Argmax).
/// `Stride` is the stride when known at compile time (1, 2), else 0.
template <std::size_t W, std::size_t Stride, class T, bool Argmax>
void combine_tap(const T* tap, const std::uint32_t* tap_index, std::size_t stride, T* out, std::uint32_t* out_index) {
    const auto value = simd::load_strided<Stride, T, W>(tap, stride), best = simd::load<T, W>(out);
    const auto take = lanes_win(value, best);
    simd::store<T, W>(out, take ? value : best);
    if constexpr (Argmax)
        simd::store<std::uint32_t, W>(out_index, simd::select<W>(take, simd::load_strided<Stride, std::uint32_t, W>(tap_index, stride),
                                                        simd::load<std::uint32_t, W>(out_index)));
}

/// out[i] = the winner of tap0[i·stride] (tested first) and tap1[i·stride], i < W.
template <std::size_t W, std::size_t Stride, class T, bool Argmax>
void combine_two_taps(const T* tap0, const std::uint32_t* index0, const T* tap1, const std::uint32_t* index1,
                      std::size_t stride, T* out, std::uint32_t* out_index) {
    const auto best = simd::load_strided<Stride, T, W>(tap0, stride), value = simd::load_strided<Stride, T, W>(tap1, stride);
    const auto take = lanes_win(value, best);
    simd::store<T, W>(out, take ? value : best);
    if constexpr (Argmax)
        simd::store<std::uint32_t, W>(out_index, simd::select<W>(take, simd::load_strided<Stride, std::uint32_t, W>(index1, stride),
                                                        simd::load_strided<Stride, std::uint32_t, W>(index0, stride)));
}

/// Column pass for output column j: m[r] (and mi[r], its plane index) = the max over the window's
/// input columns of row r, the columns taken left to right. Returns false when every window
/// column is padding.
template <class T, bool Argmax>
bool column_pass(const T* x, const PoolGeometry& g, std::size_t j, T* m, std::uint32_t* mi) {
    const std::size_t rows = g.input.h;
    const T* pending = nullptr;  // the first column inside the input, until a second one comes
    std::uint32_t pending_base = 0;
    bool filled = false;  // m holds the combination of the columns seen so far
    for (std::size_t v = 0; v < g.kernel.cols; ++v) {
        const std::ptrdiff_t c = std::ptrdiff_t(j * g.stride.cols + v * g.dilation.cols) - std::ptrdiff_t(g.padding.cols);
        if (c < 0 || c >= std::ptrdiff_t(g.input.w)) continue;
        const T* column = x + std::size_t(c) * rows;
        const auto base = std::uint32_t(std::size_t(c) * rows);
        if (filled) {
            simd::cover_in_blocks<simd::lanes<T>>(rows, [&]<std::size_t W>(std::size_t r) {
                combine_column<W, T, Argmax>(column + r, base + std::uint32_t(r), m + r, Argmax ? mi + r : nullptr);
            });
        } else if (pending != nullptr) {
            simd::cover_in_blocks<simd::lanes<T>>(rows, [&]<std::size_t W>(std::size_t r) {
                combine_two_columns<W, T, Argmax>(pending + r, pending_base + std::uint32_t(r), column + r,
                                                  base + std::uint32_t(r), m + r, Argmax ? mi + r : nullptr);
            });
            filled = true;
        } else {
            pending = column;
            pending_base = base;
        }
    }
    if (!filled && pending != nullptr) {  // a single column inside the input
        std::copy(pending, pending + rows, m);
        if constexpr (Argmax)
            for (std::size_t r = 0; r < rows; ++r) mi[r] = pending_base + std::uint32_t(r);
        filled = true;
    }
    return filled;
}

/// Row pass over the interior output rows (every tap inside the input): y[i] = max over taps u of
/// m[i·s + u·d − p]. `Stride` is s when known at compile time (1, 2), else 0 (read from g).
template <class T, bool Argmax, std::size_t Stride>
void row_pass_interior(const T* m, const std::uint32_t* mi, const PoolGeometry& g, OutputSpan span, T* y,
                       std::uint32_t* argmax) {
    const std::size_t stride = Stride != 0 ? Stride : g.stride.rows;
    const std::size_t count = span.end - span.begin;
    const std::size_t first = span.begin * stride - g.padding.rows;  // row of tap 0 of the first window
    T* out = y + span.begin;
    std::uint32_t* out_index = Argmax ? argmax + span.begin : nullptr;
    if (g.kernel.rows == 1) {
        for (std::size_t i = 0; i < count; ++i) {
            out[i] = m[first + i * stride];
            if constexpr (Argmax) out_index[i] = mi[first + i * stride];
        }
        return;
    }
    const auto indices = [&](std::size_t offset) { return Argmax ? mi + offset : nullptr; };
    const auto out_indices = [&](std::size_t i) { return Argmax ? out_index + i : nullptr; };
    const std::size_t second = first + g.dilation.rows;  // taps 0 and 1 in one go, as the column pass
    simd::cover_in_blocks<simd::lanes<T>>(count, [&]<std::size_t W>(std::size_t i) {
        const std::size_t at = i * stride;
        combine_two_taps<W, Stride, T, Argmax>(m + first + at, indices(first + at), m + second + at,
                                               indices(second + at), stride, out + i, out_indices(i));
    });
    for (std::size_t u = 2; u < g.kernel.rows; ++u) {
        const std::size_t offset = first + u * g.dilation.rows;
        simd::cover_in_blocks<simd::lanes<T>>(count, [&]<std::size_t W>(std::size_t i) {
            const std::size_t at = offset + i * stride;
            combine_tap<W, Stride, T, Argmax>(m + at, indices(at), stride, out + i, out_indices(i));
        });
    }
}

/// Row pass for one output row whose window touches padding: only the taps inside the input count.
template <class T, bool Argmax>
void row_pass_border(const T* m, const std::uint32_t* mi, const PoolGeometry& g, std::size_t i, T* y,
                     std::uint32_t* argmax) {
    T best = -std::numeric_limits<T>::infinity();
    std::uint32_t best_index = no_argmax;
    bool found = false;
    for (std::size_t u = 0; u < g.kernel.rows; ++u) {
        const std::ptrdiff_t r = std::ptrdiff_t(i * g.stride.rows + u * g.dilation.rows) - std::ptrdiff_t(g.padding.rows);
        if (r < 0 || r >= std::ptrdiff_t(g.input.h)) continue;
        if (!found || wins(m[r], best)) {
            best = m[r];
            if constexpr (Argmax) best_index = mi[r];
            found = true;
        }
    }
    y[i] = best;
    if constexpr (Argmax) argmax[i] = best_index;
}

/// Max pooling of one plane: x is H×W, y is H_out×W_out (both column-major); argmax beside y.
template <class T, bool Argmax>
void max_pool_plane(const T* x, const PoolGeometry& g, OutputSpan interior_rows, T* y, std::uint32_t* argmax, T* m,
                    std::uint32_t* mi) {
    const std::size_t out_rows = g.output.h;
    for (std::size_t j = 0; j < g.output.w; ++j) {
        T* y_column = y + j * out_rows;
        std::uint32_t* argmax_column = Argmax ? argmax + j * out_rows : nullptr;
        if (!column_pass<T, Argmax>(x, g, j, m, mi)) {  // window columns all padding (dilation only)
            std::fill(y_column, y_column + out_rows, -std::numeric_limits<T>::infinity());
            if constexpr (Argmax) std::fill(argmax_column, argmax_column + out_rows, no_argmax);
            continue;
        }
        for (std::size_t i = 0; i < interior_rows.begin; ++i) row_pass_border<T, Argmax>(m, mi, g, i, y_column, argmax_column);
        for (std::size_t i = interior_rows.end; i < out_rows; ++i)
            row_pass_border<T, Argmax>(m, mi, g, i, y_column, argmax_column);
        if (interior_rows.begin == interior_rows.end) continue;
        switch (g.stride.rows) {
            case 1: row_pass_interior<T, Argmax, 1>(m, mi, g, interior_rows, y_column, argmax_column); break;
            case 2: row_pass_interior<T, Argmax, 2>(m, mi, g, interior_rows, y_column, argmax_column); break;
            default: row_pass_interior<T, Argmax, 0>(m, mi, g, interior_rows, y_column, argmax_column); break;
        }
    }
}

/// Max pooling of every plane of x into y (and argmax), planes spread over the cores.
template <class T, bool Argmax>
void max_pool_planes(const Tensor4<T>& x, const PoolGeometry& geometry, T* y, std::uint32_t* argmax) {
    const PoolGeometry g = detail::single_row(geometry) ? detail::as_column(geometry) : geometry;
    const std::size_t planes = g.input.n * g.input.c;
    const std::size_t in_plane = g.input.h * g.input.w, out_plane = g.output.h * g.output.w;
    const OutputSpan interior_rows =
        detail::interior_span(g.output.h, g.input.h, g.kernel.rows, g.stride.rows, g.padding.rows, g.dilation.rows);
// Planes in chunks of 4 taken on demand: a core that is busy elsewhere does not hold up the other.
#pragma omp parallel if (detail::worth_threads(planes, x.size()))
    {
        // The column pass's maxima and their plane indices; one element more for the stride-2 loads
        // of the row pass, which read one past their last tap (simd::load_strided).
        std::vector<T> m(g.input.h + 1);
        std::vector<std::uint32_t> mi(Argmax ? g.input.h + 1 : 0);
#pragma omp for schedule(dynamic, 4)
        for (std::size_t p = 0; p < planes; ++p)
            max_pool_plane<T, Argmax>(x.data() + p * in_plane, g, interior_rows, y + p * out_plane,
                                      Argmax ? argmax + p * out_plane : nullptr, m.data(), mi.data());
    }
}

template <class T>
Tensor4<T> max_pool_values(std::string_view op, const Tensor4<T>& x, const Pool2dOptions& options) {
    const PoolGeometry g = resolve_pool2d(op, x.shape(), options);
    Tensor4<T> y(g.output, uninitialized);  // every value written below
    max_pool_planes<T, false>(x, g, y.data(), nullptr);
    return y;
}

}  // namespace

template <class T>
Tensor4<T> max_pool2d(const Tensor4<T>& x, const Pool2dOptions& options) {
    return max_pool_values("max_pool2d", x, options);
}

template <class T>
MaxPoolResult<T> max_pool2d_with_argmax(const Tensor4<T>& x, const Pool2dOptions& options) {
    const PoolGeometry g = resolve_pool2d("max_pool2d_with_argmax", x.shape(), options);
    if (g.input.h * g.input.w >= no_argmax)
        throw shape_error(str("max_pool2d_with_argmax: plane ", size_string(g.input.h, g.input.w),
                              " has too many cells for 32-bit arg-max indices"));
    MaxPoolResult<T> result{Tensor4<T>(g.output, uninitialized), std::vector<std::uint32_t>(g.output.elements())};
    max_pool_planes<T, true>(x, g, result.y.data(), result.argmax.data());
    return result;
}

template <class T>
Tensor4<T> max_pool2d_backward(const Tensor4<T>& dy, const std::vector<std::uint32_t>& argmax, const Shape4& input_shape,
                               const Pool2dOptions& options) {
    constexpr std::string_view op = "max_pool2d_backward";
    const PoolGeometry g = resolve_pool2d(op, input_shape, options);
    check_pool_upstream_gradient(op, dy.shape(), g);
    if (argmax.size() != dy.size()) check_argmax(op, argmax, g);  // throws: wrong count
    Tensor4<T> dx(input_shape);
    const std::size_t planes = g.input.n * g.input.c;
    const std::size_t in_plane = g.input.h * g.input.w, out_plane = g.output.h * g.output.w;
    // Indices are checked on the way (one pass, not two); a bad one is skipped and reported after.
    std::size_t bad = std::size_t(-1);
#pragma omp parallel for schedule(dynamic, 4) reduction(min : bad) if (detail::worth_threads(planes, dx.size()))
    for (std::size_t p = 0; p < planes; ++p) {
        T* dx_plane = dx.data() + p * in_plane;
        const T* dy_plane = dy.data() + p * out_plane;
        const std::uint32_t* index = argmax.data() + p * out_plane;
        for (std::size_t k = 0; k < out_plane; ++k) {
            if (index[k] < in_plane)
                dx_plane[index[k]] += dy_plane[k];
            else if (index[k] != no_argmax)  // no_argmax: a window of padding only, no input cell
                bad = std::min(bad, p * out_plane + k);
        }
    }
    if (bad != std::size_t(-1)) check_argmax(op, argmax, g);  // throws with the first bad index
    return dx;
}

template <class T>
Tensor4<T> max_pool1d(const Tensor4<T>& x, const Pool1dOptions& options) {
    if (x.shape().h != 1)
        throw shape_error(str("max_pool1d: input ", x.shape().str(), " must be N×C×1×L (height 1) for 1-D pooling"));
    return max_pool_values("max_pool1d", x, as_pool2d_options(options));
}

template Tensor4<float> max_pool2d(const Tensor4<float>&, const Pool2dOptions&);
template Tensor4<double> max_pool2d(const Tensor4<double>&, const Pool2dOptions&);
template MaxPoolResult<float> max_pool2d_with_argmax(const Tensor4<float>&, const Pool2dOptions&);
template MaxPoolResult<double> max_pool2d_with_argmax(const Tensor4<double>&, const Pool2dOptions&);
template Tensor4<float> max_pool2d_backward(const Tensor4<float>&, const std::vector<std::uint32_t>&, const Shape4&,
                                            const Pool2dOptions&);
template Tensor4<double> max_pool2d_backward(const Tensor4<double>&, const std::vector<std::uint32_t>&, const Shape4&,
                                             const Pool2dOptions&);
template Tensor4<float> max_pool1d(const Tensor4<float>&, const Pool1dOptions&);
template Tensor4<double> max_pool1d(const Tensor4<double>&, const Pool1dOptions&);

}  // namespace cnnlab

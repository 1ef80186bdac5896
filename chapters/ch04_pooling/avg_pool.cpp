// Average, adaptive average and global average pooling, forward and backward.
//
// Forward, per plane and output column j (pool_planes.hpp): the column pass sums the window's
// input columns element-wise (contiguous), the row pass sums each window's rows of that column
// (vectorized over the output rows) and divides by PyTorch's divisor, which factors into a row
// part and a column part, D_ij = D_i · D_j (reference/pooling.hpp).
// Backward runs the same passes transposed: the row pass spreads δ_ij / D_ij over the window's
// rows into one column t, the column pass adds t to each of the window's input columns.
// Windows that tile the planes exactly (kernel = stride, no padding) take a shorter path over all
// columns of the tensor at once (avg_pool_tiled).
#include "chapters/ch04_pooling/pool_planes.hpp"
#include "chapters/ch04_pooling/pooling.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace cnnlab {

namespace {

using detail::OutputSpan;

/// One axis of an average pooling, resolved for the kernels: the window of output i is
/// [start(i), start(i) + kernel) clipped to the input, its divisor part divisor[i].
template <class T>
struct AvgAxis {
    std::size_t input = 0, kernel = 0, stride = 0, padding = 0;
    std::vector<T> divisor;  ///< D_i (PyTorch's, see the reference)

    AvgAxis(std::size_t input_, std::size_t outputs, std::size_t kernel_, std::size_t stride_, std::size_t padding_,
            bool count_include_pad)
        : input(input_), kernel(kernel_), stride(stride_), padding(padding_), divisor(outputs) {
        for (std::size_t i = 0; i < outputs; ++i) {
            const std::ptrdiff_t start = std::ptrdiff_t(i * stride) - std::ptrdiff_t(padding);
            const std::ptrdiff_t end = std::min(start + std::ptrdiff_t(kernel), std::ptrdiff_t(input + padding));
            divisor[i] = count_include_pad ? T(end - start)
                                           : T(std::min(end, std::ptrdiff_t(input)) - std::max(start, std::ptrdiff_t(0)));
        }
    }
    /// First input index of window i, clipped to the input.
    std::size_t first(std::size_t i) const {
        return i * stride > padding ? i * stride - padding : 0;
    }
    /// One past the last input index of window i, clipped to the input.
    std::size_t last(std::size_t i) const { return std::min(input, i * stride + kernel - padding); }
};

/// Column pass: s[r] = Σ over the window's input columns c of x[r, c] (rows r = 0 … H−1).
template <class T>
void sum_columns(const T* x, std::size_t rows, std::size_t first_column, std::size_t end_column, T* s) {
    std::copy(x + first_column * rows, x + (first_column + 1) * rows, s);
    for (std::size_t c = first_column + 1; c < end_column; ++c) {
        const T* column = x + c * rows;
        for (std::size_t r = 0; r < rows; ++r) s[r] += column[r];
    }
}

/// Row pass over the interior output rows: y[i] = Σ_u s[i·stride + u − p] / (D_i · column_divisor).
template <class T, std::size_t Stride>
void sum_rows_interior(const T* s, const AvgAxis<T>& rows, OutputSpan span, T column_divisor, T* y) {
    const std::size_t stride = Stride != 0 ? Stride : rows.stride;
    const std::size_t count = span.end - span.begin, first = span.begin * stride - rows.padding;
    T* out = y + span.begin;
    for (std::size_t i = 0; i < count; ++i) out[i] = s[first + i * stride];
    for (std::size_t u = 1; u < rows.kernel; ++u) {
        const T* tap = s + first + u;
        for (std::size_t i = 0; i < count; ++i) out[i] += tap[i * stride];
    }
    const T* divisor = rows.divisor.data() + span.begin;
    for (std::size_t i = 0; i < count; ++i) out[i] /= divisor[i] * column_divisor;
}

/// Average pooling of one plane (dilation 1 always).
template <class T>
void avg_pool_plane(const T* x, const AvgAxis<T>& rows, const AvgAxis<T>& cols, OutputSpan interior_rows,
                    std::size_t out_rows, std::size_t out_cols, T* y, T* s) {
    for (std::size_t j = 0; j < out_cols; ++j) {
        T* y_column = y + j * out_rows;
        sum_columns(x, rows.input, cols.first(j), cols.last(j), s);  // never empty: p ≤ K/2
        auto border = [&](std::size_t i) {
            T sum = 0;
            for (std::size_t r = rows.first(i); r < rows.last(i); ++r) sum += s[r];
            y_column[i] = sum / (rows.divisor[i] * cols.divisor[j]);
        };
        for (std::size_t i = 0; i < interior_rows.begin; ++i) border(i);
        for (std::size_t i = interior_rows.end; i < out_rows; ++i) border(i);
        if (interior_rows.begin == interior_rows.end) continue;
        switch (rows.stride) {
            case 1: sum_rows_interior<T, 1>(s, rows, interior_rows, cols.divisor[j], y_column); break;
            case 2: sum_rows_interior<T, 2>(s, rows, interior_rows, cols.divisor[j], y_column); break;
            default: sum_rows_interior<T, 0>(s, rows, interior_rows, cols.divisor[j], y_column); break;
        }
    }
}

/// Backward of one plane: for each output column j, t[r] = Σ_i δ_ij / D_ij over the windows i
/// holding row r, then t is added to every input column of window j.
template <class T>
void avg_pool_plane_backward(const T* dy, const AvgAxis<T>& rows, const AvgAxis<T>& cols, std::size_t out_rows,
                             std::size_t out_cols, T* dx, T* t) {
    for (std::size_t j = 0; j < out_cols; ++j) {
        std::fill(t, t + rows.input, T(0));
        const T* dy_column = dy + j * out_rows;
        for (std::size_t i = 0; i < out_rows; ++i) {
            const T share = dy_column[i] / (rows.divisor[i] * cols.divisor[j]);
            for (std::size_t r = rows.first(i); r < rows.last(i); ++r) t[r] += share;
        }
        for (std::size_t c = cols.first(j); c < cols.last(j); ++c) {
            T* column = dx + c * rows.input;
            for (std::size_t r = 0; r < rows.input; ++r) column[r] += t[r];
        }
    }
}

/// True when the windows tile every plane exactly: kernel = stride, no padding, sizes divisible by
/// the kernel (LeNet's 2×2/2). Every input cell then lies in one window and every divisor is
/// \f$K_h K_w\f$, so all planes can be treated as one run of columns: output column m of the whole
/// tensor averages input columns \f$m K_w \ldots m K_w + K_w - 1\f$ (planes are consecutive and W
/// is a multiple of \f$K_w\f$). No per-plane or per-window bookkeeping is left.
bool tiles_exactly(const PoolGeometry& g) {
    return g.kernel.rows == g.stride.rows && g.kernel.cols == g.stride.cols && g.padding.rows == 0 &&
           g.padding.cols == 0 && g.input.h % g.kernel.rows == 0 && g.input.w % g.kernel.cols == 0 &&
           g.output.h == g.input.h / g.kernel.rows && g.output.w == g.input.w / g.kernel.cols;
}

/// Output columns handled per thread task (a column is H_out values).
constexpr std::ptrdiff_t tiled_chunk = 64;

/// out[i] = scale · Σ_{b < K_h} s[i·K_h + b]; `Rows` is K_h when known at compile time (2: the loop
/// vectorizes), 0 otherwise.
template <std::size_t Rows, class T>
void sum_row_windows(const T* s, std::size_t kh, std::size_t out_h, T scale, T* out) {
    const std::size_t k = Rows != 0 ? Rows : kh;
    for (std::size_t i = 0; i < out_h; ++i) {
        T sum = s[i * k];
        for (std::size_t b = 1; b < k; ++b) sum += s[i * k + b];
        out[i] = sum * scale;
    }
}

/// first[i·K_h + b] = scale · δ[i] for b < K_h (the transpose of sum_row_windows).
template <std::size_t Rows, class T>
void spread_row_windows(const T* delta, std::size_t kh, std::size_t out_h, T scale, T* first) {
    const std::size_t k = Rows != 0 ? Rows : kh;
    for (std::size_t i = 0; i < out_h; ++i) {
        const T share = delta[i] * scale;
        for (std::size_t b = 0; b < k; ++b) first[i * k + b] = share;
    }
}

/// Average pooling on exactly tiling windows (tiles_exactly): column sums of each window's K_w
/// input columns, then sums of K_h consecutive rows, times \f$1/(K_h K_w)\f$.
template <class T>
void avg_pool_tiled(const T* x, const PoolGeometry& g, T* y) {
    const std::size_t kh = g.kernel.rows, kw = g.kernel.cols, h = g.input.h, out_h = g.output.h;
    const std::ptrdiff_t columns = std::ptrdiff_t(g.output.n * g.output.c * g.output.w);
    const T scale = T(1) / T(kh * kw);
#pragma omp parallel if (columns * std::ptrdiff_t(h * kw) >= (std::ptrdiff_t(1) << 15))
    {
        std::vector<T> s(h);
#pragma omp for schedule(static, tiled_chunk)
        for (std::ptrdiff_t m = 0; m < columns; ++m) {
            // The tensor's columns as one long plane: window m covers columns m·K_w … m·K_w + K_w − 1.
            sum_columns(x, h, std::size_t(m) * kw, std::size_t(m + 1) * kw, s.data());
            T* out = y + std::size_t(m) * out_h;
            if (kh == 2)
                sum_row_windows<2>(s.data(), kh, out_h, scale, out);
            else
                sum_row_windows<0>(s.data(), kh, out_h, scale, out);
        }
    }
}

/// Backward of avg_pool_tiled: every input cell of window (i, m) receives \f$\delta_{i,m}/(K_h K_w)\f$.
template <class T>
void avg_pool_tiled_backward(const T* dy, const PoolGeometry& g, T* dx) {
    const std::size_t kh = g.kernel.rows, kw = g.kernel.cols, h = g.input.h, out_h = g.output.h;
    const std::ptrdiff_t columns = std::ptrdiff_t(g.output.n * g.output.c * g.output.w);
    const T scale = T(1) / T(kh * kw);
#pragma omp parallel for schedule(static, tiled_chunk) if (columns * std::ptrdiff_t(h * kw) >= (std::ptrdiff_t(1) << 15))
    for (std::ptrdiff_t m = 0; m < columns; ++m) {
        const T* delta = dy + std::size_t(m) * out_h;
        T* first = dx + std::size_t(m) * kw * h;
        if (kh == 2)
            spread_row_windows<2>(delta, kh, out_h, scale, first);
        else
            spread_row_windows<0>(delta, kh, out_h, scale, first);
        for (std::size_t a = 1; a < kw; ++a) std::copy(first, first + h, first + a * h);
    }
}

/// The geometry a kernel works on: a 1×L → 1×L_out pooling is run as L×1 → L_out×1.
PoolGeometry kernel_geometry(const PoolGeometry& g) { return detail::single_row(g) ? detail::as_column(g) : g; }

template <class T>
Tensor4<T> avg_pool(std::string_view op, const Tensor4<T>& x, const Pool2dOptions& options) {
    const PoolGeometry given = resolve_avg_pool2d(op, x.shape(), options);
    Tensor4<T> y(given.output, uninitialized);  // every value written below
    if (tiles_exactly(given)) {
        avg_pool_tiled(x.data(), given, y.data());
        return y;
    }
    const PoolGeometry g = kernel_geometry(given);
    const AvgAxis<T> rows(g.input.h, g.output.h, g.kernel.rows, g.stride.rows, g.padding.rows, g.count_include_pad);
    const AvgAxis<T> cols(g.input.w, g.output.w, g.kernel.cols, g.stride.cols, g.padding.cols, g.count_include_pad);
    const OutputSpan interior_rows = detail::interior_span(g.output.h, g.input.h, g.kernel.rows, g.stride.rows, g.padding.rows, 1);
    const std::size_t planes = g.input.n * g.input.c, in_plane = g.input.h * g.input.w, out_plane = g.output.h * g.output.w;
// Planes in chunks of 4 taken on demand: a core that is busy elsewhere does not hold up the other.
#pragma omp parallel if (detail::worth_threads(planes, x.size()))
    {
        std::vector<T> s(g.input.h);
#pragma omp for schedule(dynamic, 4)
        for (std::size_t p = 0; p < planes; ++p)
            avg_pool_plane(x.data() + p * in_plane, rows, cols, interior_rows, g.output.h, g.output.w,
                           y.data() + p * out_plane, s.data());
    }
    return y;
}

/// Adaptive window i of n inputs pooled to m outputs: [⌊i n / m⌋, ⌈(i+1) n / m⌉).
std::size_t adaptive_start(std::size_t i, std::size_t n, std::size_t m) { return i * n / m; }
std::size_t adaptive_end(std::size_t i, std::size_t n, std::size_t m) { return ((i + 1) * n + m - 1) / m; }

/// Adaptive average pooling of one H×W plane to out_rows×out_cols.
template <class T>
void adaptive_plane(const T* x, std::size_t rows, std::size_t cols, std::size_t out_rows, std::size_t out_cols, T* y,
                    T* s) {
    for (std::size_t j = 0; j < out_cols; ++j) {
        const std::size_t a = adaptive_start(j, cols, out_cols), f = adaptive_end(j, cols, out_cols);
        sum_columns(x, rows, a, f, s);
        for (std::size_t i = 0; i < out_rows; ++i) {
            const std::size_t b = adaptive_start(i, rows, out_rows), e = adaptive_end(i, rows, out_rows);
            T sum = 0;
            for (std::size_t r = b; r < e; ++r) sum += s[r];
            y[j * out_rows + i] = sum / T((e - b) * (f - a));
        }
    }
}

/// Backward of adaptive_plane.
template <class T>
void adaptive_plane_backward(const T* dy, std::size_t rows, std::size_t cols, std::size_t out_rows, std::size_t out_cols,
                             T* dx, T* t) {
    for (std::size_t j = 0; j < out_cols; ++j) {
        const std::size_t a = adaptive_start(j, cols, out_cols), f = adaptive_end(j, cols, out_cols);
        std::fill(t, t + rows, T(0));
        for (std::size_t i = 0; i < out_rows; ++i) {
            const std::size_t b = adaptive_start(i, rows, out_rows), e = adaptive_end(i, rows, out_rows);
            const T share = dy[j * out_rows + i] / T((e - b) * (f - a));
            for (std::size_t r = b; r < e; ++r) t[r] += share;
        }
        for (std::size_t c = a; c < f; ++c) {
            T* column = dx + c * rows;
            for (std::size_t r = 0; r < rows; ++r) column[r] += t[r];
        }
    }
}

}  // namespace

template <class T>
Tensor4<T> avg_pool2d(const Tensor4<T>& x, const Pool2dOptions& options) {
    return avg_pool("avg_pool2d", x, options);
}

template <class T>
Tensor4<T> avg_pool2d_backward(const Tensor4<T>& dy, const Shape4& input_shape, const Pool2dOptions& options) {
    constexpr std::string_view op = "avg_pool2d_backward";
    const PoolGeometry given = resolve_avg_pool2d(op, input_shape, options);
    check_pool_upstream_gradient(op, dy.shape(), given);
    if (tiles_exactly(given)) {
        Tensor4<T> dx(input_shape, uninitialized);  // every cell lies in one window: all written
        avg_pool_tiled_backward(dy.data(), given, dx.data());
        return dx;
    }
    const PoolGeometry g = kernel_geometry(given);
    const AvgAxis<T> rows(g.input.h, g.output.h, g.kernel.rows, g.stride.rows, g.padding.rows, g.count_include_pad);
    const AvgAxis<T> cols(g.input.w, g.output.w, g.kernel.cols, g.stride.cols, g.padding.cols, g.count_include_pad);
    Tensor4<T> dx(input_shape);
    const std::size_t planes = g.input.n * g.input.c, in_plane = g.input.h * g.input.w, out_plane = g.output.h * g.output.w;
#pragma omp parallel if (detail::worth_threads(planes, dx.size()))
    {
        std::vector<T> t(g.input.h);
#pragma omp for schedule(dynamic, 4)
        for (std::size_t p = 0; p < planes; ++p)
            avg_pool_plane_backward(dy.data() + p * out_plane, rows, cols, g.output.h, g.output.w,
                                    dx.data() + p * in_plane, t.data());
    }
    return dx;
}

template <class T>
Tensor4<T> adaptive_avg_pool2d(const Tensor4<T>& x, std::size_t out_rows, std::size_t out_cols) {
    const Shape4 in = x.shape();
    if (out_rows == 0 || out_cols == 0)
        throw argument_error(str("adaptive_avg_pool2d: output size ", size_string(out_rows, out_cols), " (x ", in.str(),
                                 ") is empty; it must be at least 1×1"));
    if (in.elements() == 0)
        throw shape_error(str("adaptive_avg_pool2d: input ", in.str(), " is empty; pooling needs N, C, H, W >= 1"));
    Tensor4<T> y({in.n, in.c, out_rows, out_cols});
    // A 1×L row pooled to one row is the same memory as an L×1 column: sum down the column instead.
    const bool transpose = in.h == 1 && out_rows == 1;
    const std::size_t rows = transpose ? in.w : in.h, cols = transpose ? 1 : in.w;
    const std::size_t o_rows = transpose ? out_cols : out_rows, o_cols = transpose ? 1 : out_cols;
    const std::size_t planes = in.n * in.c;
#pragma omp parallel if (detail::worth_threads(planes, x.size()))
    {
        std::vector<T> s(rows);
#pragma omp for schedule(dynamic, 4)
        for (std::size_t p = 0; p < planes; ++p)
            adaptive_plane(x.data() + p * rows * cols, rows, cols, o_rows, o_cols, y.data() + p * o_rows * o_cols, s.data());
    }
    return y;
}

template <class T>
Tensor4<T> adaptive_avg_pool2d_backward(const Tensor4<T>& dy, const Shape4& input_shape) {
    const Shape4 out = dy.shape();
    if (input_shape.elements() == 0 || out.elements() == 0 || out.n != input_shape.n || out.c != input_shape.c)
        throw shape_error(str("adaptive_avg_pool2d_backward: dy ", out.str(), " does not fit input ", input_shape.str(),
                              "; both must be non-empty with the same N and C"));
    Tensor4<T> dx(input_shape);
    const bool transpose = input_shape.h == 1 && out.h == 1;
    const std::size_t rows = transpose ? input_shape.w : input_shape.h, cols = transpose ? 1 : input_shape.w;
    const std::size_t o_rows = transpose ? out.w : out.h, o_cols = transpose ? 1 : out.w;
    const std::size_t planes = out.n * out.c;
#pragma omp parallel if (detail::worth_threads(planes, dx.size()))
    {
        std::vector<T> t(rows);
#pragma omp for schedule(dynamic, 4)
        for (std::size_t p = 0; p < planes; ++p)
            adaptive_plane_backward(dy.data() + p * o_rows * o_cols, rows, cols, o_rows, o_cols, dx.data() + p * rows * cols,
                                    t.data());
    }
    return dx;
}

template <class T>
Tensor4<T> global_avg_pool2d(const Tensor4<T>& x) {
    return adaptive_avg_pool2d(x, 1, 1);
}

template <class T>
Tensor4<T> avg_pool1d(const Tensor4<T>& x, const Pool1dOptions& options) {
    if (x.shape().h != 1)
        throw shape_error(str("avg_pool1d: input ", x.shape().str(), " must be N×C×1×L (height 1) for 1-D pooling"));
    return avg_pool("avg_pool1d", x, as_pool2d_options(options));
}

template Tensor4<float> avg_pool2d(const Tensor4<float>&, const Pool2dOptions&);
template Tensor4<double> avg_pool2d(const Tensor4<double>&, const Pool2dOptions&);
template Tensor4<float> avg_pool2d_backward(const Tensor4<float>&, const Shape4&, const Pool2dOptions&);
template Tensor4<double> avg_pool2d_backward(const Tensor4<double>&, const Shape4&, const Pool2dOptions&);
template Tensor4<float> adaptive_avg_pool2d(const Tensor4<float>&, std::size_t, std::size_t);
template Tensor4<double> adaptive_avg_pool2d(const Tensor4<double>&, std::size_t, std::size_t);
template Tensor4<float> adaptive_avg_pool2d_backward(const Tensor4<float>&, const Shape4&);
template Tensor4<double> adaptive_avg_pool2d_backward(const Tensor4<double>&, const Shape4&);
template Tensor4<float> global_avg_pool2d(const Tensor4<float>&);
template Tensor4<double> global_avg_pool2d(const Tensor4<double>&);
template Tensor4<float> avg_pool1d(const Tensor4<float>&, const Pool1dOptions&);
template Tensor4<double> avg_pool1d(const Tensor4<double>&, const Pool1dOptions&);

}  // namespace cnnlab

/// \file
/// \brief Chapter 4 references: max, average, adaptive and global average pooling, forward and
/// backward, loop for loop.
///
/// Each function visits every output element and scans its window in PyTorch's order (rows
/// outer, columns inner), skipping padded cells; the backward passes scatter \f$\delta\f$ back
/// through the same windows. They validate through the same resolve_pool2d as the optimized
/// functions of chapters/ch04_pooling/pooling.hpp, which are tested against them.
#pragma once

#include "chapters/ch04_pooling/pooling.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

namespace cnnlab::ref {

namespace detail {

/// The input index of tap \f$t\f$ of window \f$i\f$ along one axis, \f$i s + t d - p\f$; negative
/// or \f$\ge n\f$ for a padded cell.
inline std::ptrdiff_t tap(std::size_t i, std::size_t t, std::size_t stride, std::size_t dilation, std::size_t padding) {
    return std::ptrdiff_t(i * stride + t * dilation) - std::ptrdiff_t(padding);
}

/// True when \f$0 \le r < n\f$.
inline bool inside(std::ptrdiff_t r, std::size_t n) { return r >= 0 && r < std::ptrdiff_t(n); }

/// PyTorch's divisor of average-pooling window \f$i\f$ along one axis: the window
/// \f$[is - p,\ is - p + K)\f$ clipped to \f$[-p, n+p)\f$ with `count_include_pad`, else to \f$[0, n)\f$.
inline std::size_t avg_extent(std::size_t i, std::size_t n, std::size_t kernel, std::size_t stride,
                              std::size_t padding, bool count_include_pad) {
    const std::ptrdiff_t start = tap(i, 0, stride, 1, padding);
    const std::ptrdiff_t end = std::min(start + std::ptrdiff_t(kernel), std::ptrdiff_t(n + padding));
    if (count_include_pad) return std::size_t(end - start);
    return std::size_t(std::min(end, std::ptrdiff_t(n)) - std::max(start, std::ptrdiff_t(0)));
}

/// max_pool2d_with_argmax under the name `op` (for the 1-D wrappers' messages).
template <class T>
MaxPoolResult<T> max_pool(std::string_view op, const Tensor4<T>& x, const Pool2dOptions& options) {
    const PoolGeometry g = resolve_pool2d(op, x.shape(), options);
    MaxPoolResult<T> result{Tensor4<T>(g.output), std::vector<std::uint32_t>(g.output.elements(), no_argmax)};
    std::size_t k = 0;  // the output's memory order: plane by plane, column-major inside
    for (std::size_t n = 0; n < g.output.n; ++n)
        for (std::size_t c = 0; c < g.output.c; ++c)
            for (std::size_t j = 0; j < g.output.w; ++j)
                for (std::size_t i = 0; i < g.output.h; ++i, ++k) {
                    T best = -std::numeric_limits<T>::infinity();
                    std::uint32_t best_index = no_argmax;
                    for (std::size_t u = 0; u < g.kernel.rows; ++u)
                        for (std::size_t v = 0; v < g.kernel.cols; ++v) {
                            const std::ptrdiff_t r = tap(i, u, g.stride.rows, g.dilation.rows, g.padding.rows);
                            const std::ptrdiff_t s = tap(j, v, g.stride.cols, g.dilation.cols, g.padding.cols);
                            if (!inside(r, g.input.h) || !inside(s, g.input.w)) continue;  // padding never wins
                            const T value = x(n, c, std::size_t(r), std::size_t(s));
                            // PyTorch's test: greater, or NaN (so a NaN wins and ties keep the first).
                            if (best_index == no_argmax || value > best || std::isnan(value)) {
                                best = value;
                                best_index = std::uint32_t(std::size_t(r) + g.input.h * std::size_t(s));
                            }
                        }
                    result.y(n, c, i, j) = best;
                    result.argmax[k] = best_index;
                }
    return result;
}

/// avg_pool2d under the name `op`.
template <class T>
Tensor4<T> avg_pool(std::string_view op, const Tensor4<T>& x, const Pool2dOptions& options) {
    const PoolGeometry g = resolve_avg_pool2d(op, x.shape(), options);
    Tensor4<T> y(g.output);
    for (std::size_t n = 0; n < g.output.n; ++n)
        for (std::size_t c = 0; c < g.output.c; ++c)
            for (std::size_t i = 0; i < g.output.h; ++i)
                for (std::size_t j = 0; j < g.output.w; ++j) {
                    T sum = 0;
                    for (std::size_t u = 0; u < g.kernel.rows; ++u)
                        for (std::size_t v = 0; v < g.kernel.cols; ++v) {
                            const std::ptrdiff_t r = tap(i, u, g.stride.rows, 1, g.padding.rows);
                            const std::ptrdiff_t s = tap(j, v, g.stride.cols, 1, g.padding.cols);
                            if (inside(r, g.input.h) && inside(s, g.input.w)) sum += x(n, c, std::size_t(r), std::size_t(s));
                        }
                    const std::size_t divisor =
                        avg_extent(i, g.input.h, g.kernel.rows, g.stride.rows, g.padding.rows, g.count_include_pad) *
                        avg_extent(j, g.input.w, g.kernel.cols, g.stride.cols, g.padding.cols, g.count_include_pad);
                    y(n, c, i, j) = sum / T(divisor);
                }
    return y;
}

/// Checks that a 1-D pooling's input is N×C×1×L.
inline void check_1d_input(std::string_view op, const Shape4& shape) {
    if (shape.h != 1)
        throw shape_error(cnnlab::str(op, ": input ", shape.str(), " must be N×C×1×L (height 1) for 1-D pooling"));
}

/// First row of adaptive window \f$i\f$: \f$\lfloor i n / m \rfloor\f$.
inline std::size_t adaptive_start(std::size_t i, std::size_t n, std::size_t m) { return i * n / m; }
/// One past the last row of adaptive window \f$i\f$: \f$\lceil (i+1) n / m \rceil\f$.
inline std::size_t adaptive_end(std::size_t i, std::size_t n, std::size_t m) { return ((i + 1) * n + m - 1) / m; }

}  // namespace detail

/// 2-D max pooling, the definition:
/// \f[ y_{n,c,i,j} = \max_{\substack{0 \le u < K_h,\ 0 \le v < K_w \\ (r, s) \text{ inside}}}
///     x_{n,c,r,s}, \qquad r = i s_h + u d_h - p_h,\quad s = j s_w + v d_w - p_w \f]
/// (padded cells skipped; NaN wins; \f$-\infty\f$ for a window of padding only).
template <class T>
Tensor4<T> max_pool2d(const Tensor4<T>& x, const Pool2dOptions& options) {
    return detail::max_pool("ref::max_pool2d", x, options).y;
}

/// max_pool2d with the arg-max \f$(r^*, s^*)\f$ of every window as \f$r^* + H s^*\f$: the first
/// maximum in row-major window order (\f$u\f$ outer, \f$v\f$ inner), the last NaN if any.
template <class T>
MaxPoolResult<T> max_pool2d_with_argmax(const Tensor4<T>& x, const Pool2dOptions& options) {
    if (x.shape().h * x.shape().w >= no_argmax)
        throw shape_error(cnnlab::str("ref::max_pool2d_with_argmax: plane ", x.shape().h, "×", x.shape().w,
                                      " has too many cells for 32-bit arg-max indices"));
    return detail::max_pool("ref::max_pool2d_with_argmax", x, options);
}

/// Backward of max pooling from stored arg-maxes:
/// \f[ \frac{\partial f}{\partial x_{n,c,r,s}} = \sum_{(i,j):\ (r,s) = \arg\max R_{ij}} \delta_{n,c,i,j}. \f]
template <class T>
Tensor4<T> max_pool2d_backward(const Tensor4<T>& dy, const std::vector<std::uint32_t>& argmax,
                               const Shape4& input_shape, const Pool2dOptions& options) {
    const PoolGeometry g = resolve_pool2d("ref::max_pool2d_backward", input_shape, options);
    check_pool_upstream_gradient("ref::max_pool2d_backward", dy.shape(), g);
    check_argmax("ref::max_pool2d_backward", argmax, g);
    Tensor4<T> dx(input_shape);
    std::size_t k = 0;
    for (std::size_t n = 0; n < g.output.n; ++n)
        for (std::size_t c = 0; c < g.output.c; ++c)
            for (std::size_t j = 0; j < g.output.w; ++j)
                for (std::size_t i = 0; i < g.output.h; ++i, ++k) {
                    if (argmax[k] == no_argmax) continue;  // a window of padding only: no input cell
                    const std::size_t r = argmax[k] % g.input.h, s = argmax[k] / g.input.h;
                    dx(n, c, r, s) += dy(n, c, i, j);
                }
    return dx;
}

/// Backward of max pooling that recomputes the arg-maxes from the input \f$x\f$ (same formula as
/// the stored-arg-max overload).
template <class T>
Tensor4<T> max_pool2d_backward(const Tensor4<T>& x, const Tensor4<T>& dy, const Pool2dOptions& options) {
    const MaxPoolResult<T> forward = detail::max_pool("ref::max_pool2d_backward", x, options);
    return cnnlab::ref::max_pool2d_backward(dy, forward.argmax, x.shape(), options);
}

/// 2-D average pooling, the definition:
/// \f[ y_{n,c,i,j} = \frac{1}{D_{ij}} \sum_{\substack{0 \le u < K_h,\ 0 \le v < K_w \\ (r, s) \text{ inside}}}
///     x_{n,c,r,s}, \qquad D_{ij} = D^{h}_i D^{w}_j, \f]
/// where \f$D^h_i\f$ is the length of \f$[i s_h - p_h,\ i s_h - p_h + K_h)\f$ clipped to
/// \f$[-p_h, H + p_h)\f$ with `count_include_pad`, to \f$[0, H)\f$ without (likewise \f$D^w_j\f$).
template <class T>
Tensor4<T> avg_pool2d(const Tensor4<T>& x, const Pool2dOptions& options) {
    return detail::avg_pool("ref::avg_pool2d", x, options);
}

/// Backward of average pooling:
/// \f[ \frac{\partial f}{\partial x_{n,c,r,s}} = \sum_{(i,j):\ (r,s) \in R_{ij}} \frac{\delta_{n,c,i,j}}{D_{ij}}. \f]
template <class T>
Tensor4<T> avg_pool2d_backward(const Tensor4<T>& dy, const Shape4& input_shape, const Pool2dOptions& options) {
    const PoolGeometry g = resolve_avg_pool2d("ref::avg_pool2d_backward", input_shape, options);
    check_pool_upstream_gradient("ref::avg_pool2d_backward", dy.shape(), g);
    Tensor4<T> dx(input_shape);
    for (std::size_t n = 0; n < g.output.n; ++n)
        for (std::size_t c = 0; c < g.output.c; ++c)
            for (std::size_t i = 0; i < g.output.h; ++i)
                for (std::size_t j = 0; j < g.output.w; ++j) {
                    const std::size_t divisor =
                        detail::avg_extent(i, g.input.h, g.kernel.rows, g.stride.rows, g.padding.rows, g.count_include_pad) *
                        detail::avg_extent(j, g.input.w, g.kernel.cols, g.stride.cols, g.padding.cols, g.count_include_pad);
                    const T share = dy(n, c, i, j) / T(divisor);
                    for (std::size_t u = 0; u < g.kernel.rows; ++u)
                        for (std::size_t v = 0; v < g.kernel.cols; ++v) {
                            const std::ptrdiff_t r = detail::tap(i, u, g.stride.rows, 1, g.padding.rows);
                            const std::ptrdiff_t s = detail::tap(j, v, g.stride.cols, 1, g.padding.cols);
                            if (detail::inside(r, g.input.h) && detail::inside(s, g.input.w))
                                dx(n, c, std::size_t(r), std::size_t(s)) += share;
                        }
                }
    return dx;
}

/// Adaptive average pooling to \f$H_o \times W_o\f$:
/// \f[ y_{n,c,i,j} = \frac{1}{(e_i - b_i)(f_j - a_j)} \sum_{r=b_i}^{e_i - 1} \sum_{s=a_j}^{f_j - 1} x_{n,c,r,s},
///     \qquad b_i = \left\lfloor \frac{iH}{H_o} \right\rfloor,\ e_i = \left\lceil \frac{(i+1)H}{H_o} \right\rceil \f]
/// and \f$a_j, f_j\f$ likewise with \f$W, W_o\f$.
template <class T>
Tensor4<T> adaptive_avg_pool2d(const Tensor4<T>& x, std::size_t out_rows, std::size_t out_cols) {
    const Shape4 in = x.shape();
    if (out_rows == 0 || out_cols == 0)
        throw argument_error(cnnlab::str("ref::adaptive_avg_pool2d: output size ", out_rows, "×", out_cols, " (x ",
                                         in.str(), ") is empty; it must be at least 1×1"));
    if (in.elements() == 0)
        throw shape_error(cnnlab::str("ref::adaptive_avg_pool2d: input ", in.str(), " is empty; pooling needs N, C, H, W >= 1"));
    Tensor4<T> y({in.n, in.c, out_rows, out_cols});
    for (std::size_t n = 0; n < in.n; ++n)
        for (std::size_t c = 0; c < in.c; ++c)
            for (std::size_t i = 0; i < out_rows; ++i)
                for (std::size_t j = 0; j < out_cols; ++j) {
                    const std::size_t b = detail::adaptive_start(i, in.h, out_rows), e = detail::adaptive_end(i, in.h, out_rows);
                    const std::size_t a = detail::adaptive_start(j, in.w, out_cols), f = detail::adaptive_end(j, in.w, out_cols);
                    T sum = 0;
                    for (std::size_t r = b; r < e; ++r)
                        for (std::size_t s = a; s < f; ++s) sum += x(n, c, r, s);
                    y(n, c, i, j) = sum / T((e - b) * (f - a));
                }
    return y;
}

/// Backward of adaptive average pooling:
/// \f[ \frac{\partial f}{\partial x_{n,c,r,s}} = \sum_{(i,j):\ b_i \le r < e_i,\ a_j \le s < f_j}
///     \frac{\delta_{n,c,i,j}}{(e_i - b_i)(f_j - a_j)}. \f]
template <class T>
Tensor4<T> adaptive_avg_pool2d_backward(const Tensor4<T>& dy, const Shape4& input_shape) {
    const Shape4 out = dy.shape();
    if (input_shape.elements() == 0 || out.elements() == 0 || out.n != input_shape.n || out.c != input_shape.c)
        throw shape_error(cnnlab::str("ref::adaptive_avg_pool2d_backward: dy ", out.str(), " does not fit input ",
                                      input_shape.str(), "; both must be non-empty with the same N and C"));
    Tensor4<T> dx(input_shape);
    for (std::size_t n = 0; n < out.n; ++n)
        for (std::size_t c = 0; c < out.c; ++c)
            for (std::size_t i = 0; i < out.h; ++i)
                for (std::size_t j = 0; j < out.w; ++j) {
                    const std::size_t b = detail::adaptive_start(i, input_shape.h, out.h);
                    const std::size_t e = detail::adaptive_end(i, input_shape.h, out.h);
                    const std::size_t a = detail::adaptive_start(j, input_shape.w, out.w);
                    const std::size_t f = detail::adaptive_end(j, input_shape.w, out.w);
                    const T share = dy(n, c, i, j) / T((e - b) * (f - a));
                    for (std::size_t r = b; r < e; ++r)
                        for (std::size_t s = a; s < f; ++s) dx(n, c, r, s) += share;
                }
    return dx;
}

/// Global average pooling: \f$y_{n,c} = \frac{1}{HW} \sum_{r,s} x_{n,c,r,s}\f$ (an N×C×1×1 tensor).
template <class T>
Tensor4<T> global_avg_pool2d(const Tensor4<T>& x) {
    return cnnlab::ref::adaptive_avg_pool2d(x, 1, 1);
}

/// 1-D max pooling on N×C×1×L: \f$y_{n,c,i} = \max_{0 \le k < K,\ 0 \le t < L} x_{n,c,t}\f$ with
/// \f$t = i s + k d - p\f$ (max_pool2d with a 1×K kernel).
template <class T>
Tensor4<T> max_pool1d(const Tensor4<T>& x, const Pool1dOptions& options) {
    detail::check_1d_input("ref::max_pool1d", x.shape());
    return detail::max_pool("ref::max_pool1d", x, as_pool2d_options(options)).y;
}

/// 1-D average pooling on N×C×1×L: avg_pool2d with a 1×K kernel.
template <class T>
Tensor4<T> avg_pool1d(const Tensor4<T>& x, const Pool1dOptions& options) {
    detail::check_1d_input("ref::avg_pool1d", x.shape());
    return detail::avg_pool("ref::avg_pool1d", x, as_pool2d_options(options));
}

}  // namespace cnnlab::ref

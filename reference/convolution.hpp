/// \file
/// \brief Chapter 1 references: 1-D/2-D convolution and cross-correlation written loop for loop
/// as the formulas of nndl §5.1, and the convolution matrix of exercise 5-5.
///
/// These functions are the definition the optimized ones in chapters/ch01_convolution are tested
/// against. They favour reading over speed: every index is spelled out, out-of-range reads return
/// the zero of the padding.
#pragma once

#include "chapters/ch00_foundation/geometry.hpp"

#include <armadillo>
#include <cstddef>

/// \brief Naive reference implementations: each reads like the chapter's formula.
namespace cnnlab::ref {

/// \f$x_t\f$ with zero outside \f$0 \le t < n\f$: the zero padding of every reference.
template <class T>
T at_or_zero(const arma::Col<T>& x, std::ptrdiff_t t) {
    return (t >= 0 && t < static_cast<std::ptrdiff_t>(x.n_elem)) ? x(static_cast<std::size_t>(t)) : T(0);
}

/// \f$x_{ij}\f$ with zero outside the matrix.
template <class T>
T at_or_zero(const arma::Mat<T>& x, std::ptrdiff_t i, std::ptrdiff_t j) {
    const bool inside = i >= 0 && j >= 0 && i < static_cast<std::ptrdiff_t>(x.n_rows) && j < static_cast<std::ptrdiff_t>(x.n_cols);
    return inside ? x(static_cast<std::size_t>(i), static_cast<std::size_t>(j)) : T(0);
}

/// Rotation by 180°: \f$\mathrm{rot180}(W)_{uv} = w_{U-1-u,\,V-1-v}\f$ (0-based).
template <class T>
arma::Mat<T> rot180(const arma::Mat<T>& w) {
    arma::Mat<T> r(w.n_rows, w.n_cols);
    for (std::size_t u = 0; u < w.n_rows; ++u)
        for (std::size_t v = 0; v < w.n_cols; ++v) r(u, v) = w(w.n_rows - 1 - u, w.n_cols - 1 - v);
    return r;
}

/// 1-D reversal, the 1-D rot180: \f$\mathrm{rot180}(w)_k = w_{K-1-k}\f$.
template <class T>
arma::Col<T> rot180(const arma::Col<T>& w) {
    arma::Col<T> r(w.n_elem);
    for (std::size_t k = 0; k < w.n_elem; ++k) r(k) = w(w.n_elem - 1 - k);
    return r;
}

/// 1-D cross-correlation (不翻转卷积):
/// \f[ y_i = \sum_{k=0}^{K-1} w_k\, x_{i s + k d - p_b} \f]
/// with stride \f$s\f$, dilation \f$d\f$ and \f$p_b\f$ zeros before \f$x\f$ (nndl's
/// \f$y_t = \sum_{k=1}^{K} w_k x_{t+k-1}\f$ when \f$s=d=1, p_b=0\f$).
template <class T>
arma::Col<T> xcorr1d(const arma::Col<T>& x, const arma::Col<T>& w, const Options1d& options = {}) {
    const Axis g = resolve_geometry("ref::xcorr1d", x.n_elem, w.n_elem, options);
    arma::Col<T> y(g.output, arma::fill::zeros);
    for (std::size_t i = 0; i < g.output; ++i)
        for (std::size_t k = 0; k < g.kernel; ++k)
            y(i) += w(k) * at_or_zero(x, std::ptrdiff_t(i * g.stride + k * g.dilation) - std::ptrdiff_t(g.pad.before));
    return y;
}

/// 1-D convolution (卷积), nndl (5.1) \f$y_t = \sum_{k=1}^{K} w_k\, x_{t-k+1}\f$: the kernel runs
/// backwards over the signal. With stride, dilation and padding, output \f$i\f$ is anchored at
/// \f$t = i s + (K-1) d - p_b\f$ (the input under the last tap) and
/// \f[ y_i = \sum_{k=0}^{K-1} w_k\, x_{t - k d}. \f]
/// In `full` mode (\f$p_b = (K-1)d\f$) this is exactly \f$y_t = \sum_k w_k x_{t-k}\f$.
template <class T>
arma::Col<T> conv1d(const arma::Col<T>& x, const arma::Col<T>& w, const Options1d& options = {}) {
    const Axis g = resolve_geometry("ref::conv1d", x.n_elem, w.n_elem, options);
    arma::Col<T> y(g.output, arma::fill::zeros);
    for (std::size_t i = 0; i < g.output; ++i) {
        const std::ptrdiff_t t = std::ptrdiff_t(i * g.stride + (g.kernel - 1) * g.dilation) - std::ptrdiff_t(g.pad.before);
        for (std::size_t k = 0; k < g.kernel; ++k) y(i) += w(k) * at_or_zero(x, t - std::ptrdiff_t(k * g.dilation));
    }
    return y;
}

/// 2-D cross-correlation \f$Y = W \otimes X\f$ (nndl (5.12), d2l `corr2d`):
/// \f[ y_{ij} = \sum_{u=0}^{U-1} \sum_{v=0}^{V-1} w_{uv}\; x_{i s_h + u d_h - p_t,\; j s_w + v d_w - p_l} \f]
/// with strides \f$s\f$, dilations \f$d\f$ and \f$p_t\f$/\f$p_l\f$ zeros above/left of \f$X\f$.
template <class T>
arma::Mat<T> xcorr2d(const arma::Mat<T>& x, const arma::Mat<T>& w, const Options2d& options = {}) {
    const Geometry2d g = resolve_geometry("ref::xcorr2d", x.n_rows, x.n_cols, w.n_rows, w.n_cols, options);
    arma::Mat<T> y(g.rows.output, g.cols.output, arma::fill::zeros);
    for (std::size_t i = 0; i < g.rows.output; ++i)
        for (std::size_t j = 0; j < g.cols.output; ++j)
            for (std::size_t u = 0; u < w.n_rows; ++u)
                for (std::size_t v = 0; v < w.n_cols; ++v)
                    y(i, j) += w(u, v) * at_or_zero(x, std::ptrdiff_t(i * g.rows.stride + u * g.rows.dilation) - std::ptrdiff_t(g.rows.pad.before),
                                                    std::ptrdiff_t(j * g.cols.stride + v * g.cols.dilation) - std::ptrdiff_t(g.cols.pad.before));
    return y;
}

/// 2-D convolution \f$Y = W * X\f$ (nndl (5.3)): \f$y_{ij} = \sum_{u,v} w_{uv}\, x_{i-u+1,\,j-v+1}\f$.
/// Output \f$(i, j)\f$ is anchored at the input under the kernel's last tap,
/// \f$(s,t) = (i s_h + (U-1) d_h - p_t,\; j s_w + (V-1) d_w - p_l)\f$, and
/// \f[ y_{ij} = \sum_{u=0}^{U-1}\sum_{v=0}^{V-1} w_{uv}\; x_{s - u d_h,\; t - v d_w}. \f]
template <class T>
arma::Mat<T> conv2d(const arma::Mat<T>& x, const arma::Mat<T>& w, const Options2d& options = {}) {
    const Geometry2d g = resolve_geometry("ref::conv2d", x.n_rows, x.n_cols, w.n_rows, w.n_cols, options);
    arma::Mat<T> y(g.rows.output, g.cols.output, arma::fill::zeros);
    for (std::size_t i = 0; i < g.rows.output; ++i)
        for (std::size_t j = 0; j < g.cols.output; ++j) {
            const std::ptrdiff_t s = std::ptrdiff_t(i * g.rows.stride + (w.n_rows - 1) * g.rows.dilation) - std::ptrdiff_t(g.rows.pad.before);
            const std::ptrdiff_t t = std::ptrdiff_t(j * g.cols.stride + (w.n_cols - 1) * g.cols.dilation) - std::ptrdiff_t(g.cols.pad.before);
            for (std::size_t u = 0; u < w.n_rows; ++u)
                for (std::size_t v = 0; v < w.n_cols; ++v)
                    y(i, j) += w(u, v) * at_or_zero(x, s - std::ptrdiff_t(u * g.rows.dilation), t - std::ptrdiff_t(v * g.cols.dilation));
        }
    return y;
}

/// The matrix \f$C\f$ of the affine map \f$y = C x\f$ of a 1-D cross-correlation (nndl (5.45),
/// §5.5.1): row \f$i\f$ holds \f$w_k\f$ in column \f$i s + k d - p_b\f$ (taps on padding drop out).
template <class T>
arma::Mat<T> conv_matrix1d(const arma::Col<T>& w, std::size_t input, const Options1d& options = {}) {
    const Axis g = resolve_geometry("ref::conv_matrix1d", input, w.n_elem, options);
    arma::Mat<T> c(g.output, input, arma::fill::zeros);
    for (std::size_t i = 0; i < g.output; ++i)
        for (std::size_t k = 0; k < g.kernel; ++k) {
            const std::ptrdiff_t col = std::ptrdiff_t(i * g.stride + k * g.dilation) - std::ptrdiff_t(g.pad.before);
            if (col >= 0 && col < std::ptrdiff_t(input)) c(i, std::size_t(col)) += w(k);
        }
    return c;
}

/// The matrix \f$C\f$ with \f$\mathrm{vec}_r(Y) = C\,\mathrm{vec}_r(X)\f$ for a 2-D
/// cross-correlation, where \f$\mathrm{vec}_r\f$ reads a matrix **row by row** as exercise 5-5 does
/// (\f$x_{11}, x_{12}, x_{13}, x_{21}, \dots\f$): row \f$(i, j)\f$ holds \f$w_{uv}\f$ in column
/// \f$(i s_h + u d_h - p_t,\; j s_w + v d_w - p_l)\f$.
template <class T>
arma::Mat<T> conv_matrix2d(const arma::Mat<T>& w, std::size_t input_rows, std::size_t input_cols, const Options2d& options = {}) {
    const Geometry2d g = resolve_geometry("ref::conv_matrix2d", input_rows, input_cols, w.n_rows, w.n_cols, options);
    arma::Mat<T> c(g.rows.output * g.cols.output, input_rows * input_cols, arma::fill::zeros);
    for (std::size_t i = 0; i < g.rows.output; ++i)
        for (std::size_t j = 0; j < g.cols.output; ++j)
            for (std::size_t u = 0; u < w.n_rows; ++u)
                for (std::size_t v = 0; v < w.n_cols; ++v) {
                    const std::ptrdiff_t r = std::ptrdiff_t(i * g.rows.stride + u * g.rows.dilation) - std::ptrdiff_t(g.rows.pad.before);
                    const std::ptrdiff_t s = std::ptrdiff_t(j * g.cols.stride + v * g.cols.dilation) - std::ptrdiff_t(g.cols.pad.before);
                    if (r >= 0 && s >= 0 && r < std::ptrdiff_t(input_rows) && s < std::ptrdiff_t(input_cols))
                        c(i * g.cols.output + j, std::size_t(r) * input_cols + std::size_t(s)) += w(u, v);
                }
    return c;
}

}  // namespace cnnlab::ref

/// \file
/// \brief Chapter 3 references: the gradients of cross-correlation and of the convolution layer,
/// loop for loop as the formulas of nndl §5.3.
///
/// For \f$Y = W \otimes X\f$ and a scalar \f$f(Y)\f$ with upstream gradient
/// \f$\delta = \partial f / \partial Y\f$, nndl §5.3 reads (single channel, valid,
/// stride 1):
/// \f[ \frac{\partial f}{\partial W} = \delta \otimes X, \qquad
///     \frac{\partial f}{\partial X} = \mathrm{rot180}(W) \,\tilde{\otimes}\, \delta \f]
/// where \f$\tilde{\otimes}\f$ is the wide (full) cross-correlation. With stride \f$s\f$, dilation
/// \f$d\f$ and padding \f$p\f$ both follow from one index map: output \f$i\f$ reads input
/// \f$r = i s + u d - p_b\f$ through tap \f$u\f$, so each gradient sums \f$\delta_i\f$ over the pairs
/// \f$(i, u)\f$ that meet at \f$r\f$. Every function checks that \f$\delta\f$ has the forward's output
/// shape and throws shape_error otherwise.
#pragma once

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch00_foundation/geometry.hpp"
#include "chapters/ch00_foundation/tensor.hpp"
#include "chapters/ch02_layers/activations.hpp"
#include "chapters/ch02_layers/layer.hpp"
#include "chapters/ch03_gradients/backward.hpp"
#include "reference/convolution.hpp"
#include "reference/layers.hpp"

#include <armadillo>
#include <cstddef>
#include <string_view>

namespace cnnlab::ref {

namespace detail {

/// The output index \f$i\f$ whose tap \f$u\f$ reads input position \f$r\f$, i.e. the solution of
/// \f$i s + u d - p_b = r\f$ with \f$0 \le i < n_{out}\f$, or −1 when there is none.
inline std::ptrdiff_t output_reading(std::size_t r, std::size_t u, const Axis& axis) {
    const auto numerator = std::ptrdiff_t(r + axis.pad.before) - std::ptrdiff_t(u * axis.dilation);
    if (numerator < 0 || numerator % std::ptrdiff_t(axis.stride) != 0) return -1;
    const auto i = numerator / std::ptrdiff_t(axis.stride);
    return i < std::ptrdiff_t(axis.output) ? i : -1;
}


}  // namespace detail

/// \f$\partial f / \partial W\f$ of \f$Y = W \otimes X\f$ (ref::xcorr2d) for the upstream gradient
/// \f$\delta = \partial f / \partial Y\f$:
/// \f[ \frac{\partial f}{\partial w_{uv}} = \sum_{i,j} \delta_{ij}\;
///     x_{i s_h + u d_h - p_t,\; j s_w + v d_w - p_l} \f]
/// (\f$x = 0\f$ outside the input). For \f$s = d = 1\f$ and no padding this is nndl §5.3's
/// \f$\partial f / \partial W = \delta \otimes X\f$: the upstream gradient slides over the input as
/// the kernel of a valid cross-correlation, `ref::xcorr2d(x, dy)`.
/// \param x           the forward's input \f$X\f$
/// \param dy          \f$\delta\f$, of the forward's output size
/// \param kernel_rows the kernel's \f$U\f$ (not implied by the sizes once there is stride or padding)
/// \param kernel_cols the kernel's \f$V\f$
/// \param options     the forward's padding, stride and dilation
/// \throws shape_error when dy is not the forward's output size, or as ref::xcorr2d for the geometry
template <class T>
arma::Mat<T> xcorr2d_backward_weight(const arma::Mat<T>& x, const arma::Mat<T>& dy, std::size_t kernel_rows,
                                     std::size_t kernel_cols, const Options2d& options = {}) {
    constexpr std::string_view op = "ref::xcorr2d_backward_weight";
    const Geometry2d g = resolve_geometry(op, x.n_rows, x.n_cols, kernel_rows, kernel_cols, options);
    check_upstream_gradient(op, dy.n_rows, dy.n_cols, g);
    arma::Mat<T> dw(kernel_rows, kernel_cols, arma::fill::zeros);
    for (std::size_t u = 0; u < kernel_rows; ++u)
        for (std::size_t v = 0; v < kernel_cols; ++v)
            for (std::size_t i = 0; i < g.rows.output; ++i)
                for (std::size_t j = 0; j < g.cols.output; ++j)
                    dw(u, v) += dy(i, j) * at_or_zero(x, std::ptrdiff_t(i * g.rows.stride + u * g.rows.dilation) - std::ptrdiff_t(g.rows.pad.before),
                                                      std::ptrdiff_t(j * g.cols.stride + v * g.cols.dilation) - std::ptrdiff_t(g.cols.pad.before));
    return dw;
}

/// \f$\partial f / \partial X\f$ of \f$Y = W \otimes X\f$ (ref::xcorr2d) for the upstream gradient
/// \f$\delta = \partial f / \partial Y\f$: input \f$x_{rc}\f$ receives \f$w_{uv}\delta_{ij}\f$ from
/// every output \f$(i, j)\f$ whose tap \f$(u, v)\f$ read it,
/// \f[ \frac{\partial f}{\partial x_{rc}} = \sum_{u,v} w_{uv}\; \delta_{i,j}
///     \quad\text{with } i s_h + u d_h - p_t = r,\; j s_w + v d_w - p_l = c,\;
///     0 \le i < H_{out},\ 0 \le j < W_{out} \f]
/// (a tap with no such \f$(i, j)\f$ adds nothing). For \f$s = d = 1\f$ and no padding,
/// \f$i = r - u\f$ and this is nndl §5.3's \f$\partial f / \partial X = \mathrm{rot180}(W)
/// \,\tilde{\otimes}\, \delta\f$: a full cross-correlation of \f$\delta\f$ with the rotated kernel,
/// `xcorr2d(dy, rot180(w), {.padding = Mode::full})`.
/// \param w            the forward's kernel \f$W\f$
/// \param dy           \f$\delta\f$, of the forward's output size
/// \param input_rows   the forward input's \f$H\f$ (not implied by the sizes once there is stride)
/// \param input_cols   the forward input's \f$W\f$
/// \param options      the forward's padding, stride and dilation
/// \throws shape_error when dy is not the forward's output size, or as ref::xcorr2d for the geometry
template <class T>
arma::Mat<T> xcorr2d_backward_input(const arma::Mat<T>& w, const arma::Mat<T>& dy, std::size_t input_rows,
                                    std::size_t input_cols, const Options2d& options = {}) {
    constexpr std::string_view op = "ref::xcorr2d_backward_input";
    const Geometry2d g = resolve_geometry(op, input_rows, input_cols, w.n_rows, w.n_cols, options);
    check_upstream_gradient(op, dy.n_rows, dy.n_cols, g);
    arma::Mat<T> dx(input_rows, input_cols, arma::fill::zeros);
    for (std::size_t r = 0; r < input_rows; ++r)
        for (std::size_t c = 0; c < input_cols; ++c)
            for (std::size_t u = 0; u < w.n_rows; ++u)
                for (std::size_t v = 0; v < w.n_cols; ++v) {
                    const std::ptrdiff_t i = detail::output_reading(r, u, g.rows);
                    const std::ptrdiff_t j = detail::output_reading(c, v, g.cols);
                    if (i >= 0 && j >= 0) dx(r, c) += w(u, v) * dy(std::size_t(i), std::size_t(j));
                }
    return dx;
}

/// \f$\partial f / \partial X\f$ of the convolution layer ref::conv2d_layer for the upstream
/// gradient \f$\delta_{n,p,i,j} = \partial f / \partial Y_{n,p,i,j}\f$: channel \f$d\f$ of group
/// \f$\gamma = \lfloor d / (C_{in}/g) \rfloor\f$ receives from that group's output channels
/// \f$\mathcal{P}(\gamma) = \{\gamma C_{out}/g, \dots, (\gamma+1) C_{out}/g - 1\}\f$,
/// \f[ \frac{\partial f}{\partial X_{n,d,r,c}} = \sum_{p \in \mathcal{P}(\gamma)} \sum_{u,v}
///     W_{p,\, d - \gamma C_{in}/g,\, u, v}\; \delta_{n,p,i,j}
///     \quad\text{with } i s_h + u d_h - p_t = r,\; j s_w + v d_w - p_l = c \f]
/// (nndl §5.3.1's \f$\delta^{(l-1,d)} = \sum_p \mathrm{rot180}(W^{(l,p,d)}) \tilde{\otimes}
/// \delta^{(l,p)}\f$ before the activation's derivative, for \f$s = d = 1\f$, no padding, \f$g = 1\f$).
/// \param w           the forward's weight \f$C_{out} \times C_{in}/g \times K_h \times K_w\f$
/// \param dy          \f$\delta\f$, of the forward's output shape
/// \param input_shape the forward input's shape \f$N \times C_{in} \times H \times W\f$
/// \param options     the forward's padding, stride, dilation and groups
/// \throws shape_error when dy is not the forward's output shape, or as ref::conv2d_layer
template <class T>
Tensor4<T> conv2d_layer_backward_input(const Tensor4<T>& w, const Tensor4<T>& dy, const Shape4& input_shape,
                                       const Conv2dOptions& options = {}) {
    constexpr std::string_view op = "ref::conv2d_layer_backward_input";
    const LayerGeometry g = resolve_conv2d_layer(op, input_shape, w.shape(), 0, options);
    check_upstream_gradient(op, dy.shape(), g);
    Tensor4<T> dx(g.input);
    for (std::size_t n = 0; n < g.input.n; ++n)
        for (std::size_t d = 0; d < g.input.c; ++d) {
            const std::size_t group = d / g.in_per_group();
            const std::size_t c = d - group * g.in_per_group();  // d's index inside its group
            for (std::size_t r = 0; r < g.input.h; ++r)
                for (std::size_t s = 0; s < g.input.w; ++s) {
                    T sum = T(0);
                    for (std::size_t p = group * g.out_per_group(); p < (group + 1) * g.out_per_group(); ++p)
                        for (std::size_t u = 0; u < g.weight.h; ++u)
                            for (std::size_t v = 0; v < g.weight.w; ++v) {
                                const std::ptrdiff_t i = detail::output_reading(r, u, g.plane.rows);
                                const std::ptrdiff_t j = detail::output_reading(s, v, g.plane.cols);
                                if (i >= 0 && j >= 0) sum += w(p, c, u, v) * dy(n, p, std::size_t(i), std::size_t(j));
                            }
                    dx(n, d, r, s) = sum;
                }
        }
    return dx;
}

/// \f$\partial f / \partial W\f$ of the convolution layer ref::conv2d_layer for the upstream
/// gradient \f$\delta = \partial f / \partial Y\f$, summed over the batch:
/// \f[ \frac{\partial f}{\partial W_{p,c,u,v}} = \sum_{n} \sum_{i,j} \delta_{n,p,i,j}\;
///     X_{n,\; d_0(p) + c,\; i s_h + u d_h - p_t,\; j s_w + v d_w - p_l},
///     \qquad d_0(p) = \lfloor p / (C_{out}/g) \rfloor\, C_{in}/g \f]
/// (\f$X = 0\f$ outside the input). For \f$s = d = 1\f$, no padding, \f$g = 1\f$ and one sample this
/// is nndl's \f$\partial L / \partial W^{(l,p,d)} = \delta^{(l,p)} \otimes X^{(l-1,d)}\f$.
/// \param x            the forward's input \f$N \times C_{in} \times H \times W\f$
/// \param dy           \f$\delta\f$, of the forward's output shape
/// \param weight_shape the forward weight's shape \f$C_{out} \times C_{in}/g \times K_h \times K_w\f$
/// \param options      the forward's padding, stride, dilation and groups
/// \throws shape_error when dy is not the forward's output shape, or as ref::conv2d_layer
template <class T>
Tensor4<T> conv2d_layer_backward_weight(const Tensor4<T>& x, const Tensor4<T>& dy, const Shape4& weight_shape,
                                        const Conv2dOptions& options = {}) {
    constexpr std::string_view op = "ref::conv2d_layer_backward_weight";
    const LayerGeometry g = resolve_conv2d_layer(op, x.shape(), weight_shape, 0, options);
    check_upstream_gradient(op, dy.shape(), g);
    const Axis& rows = g.plane.rows;
    const Axis& cols = g.plane.cols;
    Tensor4<T> dw(g.weight);
    for (std::size_t p = 0; p < g.weight.n; ++p) {
        const std::size_t first_channel = (p / g.out_per_group()) * g.in_per_group();
        for (std::size_t c = 0; c < g.weight.c; ++c)
            for (std::size_t u = 0; u < g.weight.h; ++u)
                for (std::size_t v = 0; v < g.weight.w; ++v) {
                    T sum = T(0);
                    for (std::size_t n = 0; n < g.output.n; ++n)
                        for (std::size_t i = 0; i < g.output.h; ++i)
                            for (std::size_t j = 0; j < g.output.w; ++j) {
                                const auto r = std::ptrdiff_t(i * rows.stride + u * rows.dilation) - std::ptrdiff_t(rows.pad.before);
                                const auto s = std::ptrdiff_t(j * cols.stride + v * cols.dilation) - std::ptrdiff_t(cols.pad.before);
                                const bool inside = r >= 0 && s >= 0 && r < std::ptrdiff_t(g.input.h) && s < std::ptrdiff_t(g.input.w);
                                if (inside) sum += dy(n, p, i, j) * x(n, first_channel + c, std::size_t(r), std::size_t(s));
                            }
                    dw(p, c, u, v) = sum;
                }
    }
    return dw;
}

/// \f$\partial f / \partial b\f$ of the convolution layer: each bias adds to every position of its
/// output channel, so (nndl §5.3.1) \f[ \frac{\partial f}{\partial b_p} = \sum_{n} \sum_{i,j} \delta_{n,p,i,j}. \f]
/// \param dy \f$\delta = \partial f / \partial Y\f$, \f$N \times C_{out} \times H_{out} \times W_{out}\f$
/// \return \f$C_{out}\f$ values
template <class T>
arma::Col<T> conv2d_layer_backward_bias(const Tensor4<T>& dy) {
    const Shape4& shape = dy.shape();
    arma::Col<T> db(shape.c, arma::fill::zeros);
    for (std::size_t p = 0; p < shape.c; ++p)
        for (std::size_t n = 0; n < shape.n; ++n)
            for (std::size_t i = 0; i < shape.h; ++i)
                for (std::size_t j = 0; j < shape.w; ++j) db(p) += dy(n, p, i, j);
    return db;
}

/// \f$\partial f / \partial X\f$ of the single-channel convolution ref::conv2d \f$Y = W * X =
/// \mathrm{rot180}(W) \otimes X\f$: the cross-correlation's gradient with the kernel it actually
/// slid, \f$\mathrm{rot180}(W)\f$. For stride 1 and no padding, \f$\partial f / \partial X =
/// \mathrm{rot180}(\mathrm{rot180}(W)) \,\tilde{\otimes}\, \delta = W \,\tilde{\otimes}\, \delta\f$.
template <class T>
arma::Mat<T> conv2d_backward_input(const arma::Mat<T>& w, const arma::Mat<T>& dy, std::size_t input_rows,
                                   std::size_t input_cols, const Options2d& options = {}) {
    return ref::xcorr2d_backward_input(ref::rot180(w), dy, input_rows, input_cols, options);
}

/// \f$\partial f / \partial W\f$ of the single-channel convolution ref::conv2d: the kernel enters
/// rotated, so its gradient is the cross-correlation's, rotated back, \f$\mathrm{rot180}(\delta \otimes X)\f$.
template <class T>
arma::Mat<T> conv2d_backward_weight(const arma::Mat<T>& x, const arma::Mat<T>& dy, std::size_t kernel_rows,
                                    std::size_t kernel_cols, const Options2d& options = {}) {
    return ref::rot180(ref::xcorr2d_backward_weight(x, dy, kernel_rows, kernel_cols, options));
}

/// \f$\partial f / \partial X\f$ of ref::conv1d_layer (N×C×1×L tensors): the 2-D reference on the
/// one-row form, \f$\partial f/\partial X_{n,d,t} = \sum_p \sum_k W_{p,c,k}\, \delta_{n,p,i}\f$
/// over \f$i s + k d - p_b = t\f$.
template <class T>
Tensor4<T> conv1d_layer_backward_input(const Tensor4<T>& w, const Tensor4<T>& dy, const Shape4& input_shape,
                                       const Conv1dOptions& options = {}) {
    if (w.shape().h != 1 || dy.shape().h != 1 || input_shape.h != 1)
        throw shape_error(cnnlab::str("ref::conv1d_layer_backward_input: weight ", w.shape().str(), ", dY ",
                                      dy.shape().str(), " and input ", input_shape.str(), " must have height 1"));
    return ref::conv2d_layer_backward_input(w, dy, input_shape, as_conv2d_options(options, w.shape().w));
}

/// \f$\partial f / \partial W\f$ of ref::conv1d_layer: \f$\sum_n \sum_i \delta_{n,p,i}\, X_{n,d_0+c,\, i s + k d - p_b}\f$.
template <class T>
Tensor4<T> conv1d_layer_backward_weight(const Tensor4<T>& x, const Tensor4<T>& dy, const Shape4& weight_shape,
                                        const Conv1dOptions& options = {}) {
    if (x.shape().h != 1 || dy.shape().h != 1 || weight_shape.h != 1)
        throw shape_error(cnnlab::str("ref::conv1d_layer_backward_weight: input ", x.shape().str(), ", dY ",
                                      dy.shape().str(), " and weight ", weight_shape.str(), " must have height 1"));
    return ref::conv2d_layer_backward_weight(x, dy, weight_shape, as_conv2d_options(options, weight_shape.w));
}

/// \f$\partial f / \partial b\f$ of ref::conv1d_layer: \f$\sum_n \sum_i \delta_{n,p,i}\f$.
template <class T>
arma::Col<T> conv1d_layer_backward_bias(const Tensor4<T>& dy) {
    return ref::conv2d_layer_backward_bias(dy);
}

/// The derivative \f$f'(z)\f$ of an activation at the pre-activation \f$z\f$, from the
/// definitions of reference/layers.hpp: \f$[z > 0]\f$ for ReLU (0 at \f$z = 0\f$, as PyTorch),
/// \f$1\f$ or \f$\gamma\f$ for Leaky ReLU, \f$\sigma(z)(1 - \sigma(z))\f$, \f$1 - \tanh^2 z\f$.
template <class T>
T activation_derivative(T z, Activation activation, T slope = T(0.01)) {
    switch (activation) {
        case Activation::identity: return T(1);
        case Activation::relu: return z > T(0) ? T(1) : T(0);
        case Activation::leaky_relu: return z > T(0) ? T(1) : slope;
        case Activation::sigmoid: return ref::sigmoid(z) * (T(1) - ref::sigmoid(z));
        case Activation::tanh: return T(1) - ref::tanh_formula(z) * ref::tanh_formula(z);
    }
    return T(0);
}

/// \f$\delta = f'(Z) \odot \partial f/\partial A\f$, element by element (nndl §5.3.1).
/// \throws shape_error when the shapes differ
template <class T>
Tensor4<T> activation_backward(const Tensor4<T>& z, const Tensor4<T>& da, Activation activation, T slope = T(0.01)) {
    if (!(z.shape() == da.shape()))
        throw shape_error(cnnlab::str("ref::activation_backward: dA is ", da.shape().str(), " but Z is ",
                                      z.shape().str(), ": they must have the same shape"));
    Tensor4<T> dz(z.shape());
    for (std::size_t i = 0; i < z.size(); ++i)
        dz.data()[i] = activation_derivative(z.data()[i], activation, slope) * da.data()[i];
    return dz;
}

}  // namespace cnnlab::ref

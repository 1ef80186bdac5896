/// \file
/// \brief Chapter 5 references: the transposed convolution 转置卷积 read three ways — the scatter-add
/// of its definition, \f$C^\top \mathrm{vec}(Z)\f$ with the conv matrix built explicitly, and zero
/// insertion followed by an ordinary stride-1 convolution (nndl §5.5's fractionally strided
/// convolution 微步卷积) — plus its backward passes, loop for loop.
///
/// The three readings are independent of one another (the tests hold them equal) and all check
/// their arguments through the same resolve_conv_transpose2d as the optimized functions of
/// chapters/ch05_transposed/transposed.hpp, so they refuse exactly what those refuse. Tensors,
/// weights and options are PyTorch's: \f$Z\f$ is \f$N \times C_{in} \times H \times W\f$, the weight
/// \f$C_{in} \times C_{out}/g \times K_h \times K_w\f$, and along each axis output cell
/// \f$i s - p + u d\f$ receives input cell \f$i\f$ through tap \f$u\f$.
#pragma once

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch00_foundation/geometry.hpp"
#include "chapters/ch00_foundation/tensor.hpp"
#include "chapters/ch02_layers/layer.hpp"
#include "chapters/ch05_transposed/transposed.hpp"
#include "reference/convolution.hpp"
#include "reference/layers.hpp"

#include <armadillo>
#include <cstddef>
#include <string_view>

namespace cnnlab::ref {

namespace detail {

/// The output index \f$i s - p + u d\f$ that input cell \f$i\f$ reaches through tap \f$u\f$ along
/// one axis of a transposed convolution; negative or \f$\ge n_{out}\f$ when it falls in the part
/// the padding removes.
inline std::ptrdiff_t landing(std::size_t i, std::size_t u, std::size_t stride, std::size_t dilation,
                              std::size_t padding) {
    return std::ptrdiff_t(i * stride + u * dilation) - std::ptrdiff_t(padding);
}

/// True when \f$0 \le r < n\f$.
inline bool lands_inside(std::ptrdiff_t r, std::size_t n) { return r >= 0 && r < std::ptrdiff_t(n); }

/// Throws shape_error unless \f$\delta\f$ has the forward's output shape (the message of the
/// optimized backward functions).
inline void check_transposed_upstream(std::string_view op, const Shape4& dy, const TransposedGeometry& g) {
    if (!(dy == g.output))
        throw shape_error(cnnlab::str(op, ": dY is ", dy.str(), " but the forward's output is ", g.output.str(), " (",
                                      g.str(), "): dY must have the shape of the forward's output"));
}

/// Throws shape_error unless the three shapes of a 1-D transposed layer have height 1.
inline void check_height_one(std::string_view op, const Shape4& a, const Shape4& b, const Shape4& c) {
    if (a.h != 1 || b.h != 1 || c.h != 1)
        throw shape_error(cnnlab::str(op, ": shapes ", a.str(), ", ", b.str(), " and ", c.str(),
                                      " must be held as N×C×1×L, C_in×C_out/g×1×K (height 1)"));
}

/// The scatter-add of ref::conv_transpose2d under the name `op`.
template <class T>
Tensor4<T> scatter(std::string_view op, const Tensor4<T>& z, const Tensor4<T>& w, const arma::Col<T>& bias,
                   const ConvTranspose2dOptions& options) {
    const TransposedGeometry g = resolve_conv_transpose2d(op, z.shape(), w.shape(), bias.n_elem, options);
    const ConvTranspose2dOptions& o = g.options;
    const std::size_t in_per_group = g.input.c / o.groups, out_per_group = g.weight.c;
    Tensor4<T> y(g.output);
    for (std::size_t n = 0; n < g.input.n; ++n)
        for (std::size_t c = 0; c < g.input.c; ++c) {
            const std::size_t first_output = (c / in_per_group) * out_per_group;  // c's group's first channel
            for (std::size_t i = 0; i < g.input.h; ++i)
                for (std::size_t j = 0; j < g.input.w; ++j)
                    for (std::size_t q = 0; q < out_per_group; ++q)
                        for (std::size_t u = 0; u < g.weight.h; ++u)
                            for (std::size_t v = 0; v < g.weight.w; ++v) {
                                const std::ptrdiff_t r = landing(i, u, o.stride.rows, o.dilation.rows, o.padding.rows);
                                const std::ptrdiff_t s = landing(j, v, o.stride.cols, o.dilation.cols, o.padding.cols);
                                if (lands_inside(r, g.output.h) && lands_inside(s, g.output.w))
                                    y(n, first_output + q, std::size_t(r), std::size_t(s)) += z(n, c, i, j) * w(c, q, u, v);
                            }
        }
    if (!bias.is_empty())
        for (std::size_t n = 0; n < g.output.n; ++n)
            for (std::size_t q = 0; q < g.output.c; ++q)
                for (std::size_t r = 0; r < g.output.h; ++r)
                    for (std::size_t s = 0; s < g.output.w; ++s) y(n, q, r, s) += bias(q);
    return y;
}

/// The gather of ref::conv_transpose2d_backward_input under the name `op`.
template <class T>
Tensor4<T> gather_input_gradient(std::string_view op, const Tensor4<T>& w, const Tensor4<T>& dy,
                                 const Shape4& input_shape, const ConvTranspose2dOptions& options) {
    const TransposedGeometry g = resolve_conv_transpose2d(op, input_shape, w.shape(), 0, options);
    check_transposed_upstream(op, dy.shape(), g);
    const ConvTranspose2dOptions& o = g.options;
    const std::size_t in_per_group = g.input.c / o.groups, out_per_group = g.weight.c;
    Tensor4<T> dz(g.input);
    for (std::size_t n = 0; n < g.input.n; ++n)
        for (std::size_t c = 0; c < g.input.c; ++c) {
            const std::size_t first_output = (c / in_per_group) * out_per_group;
            for (std::size_t i = 0; i < g.input.h; ++i)
                for (std::size_t j = 0; j < g.input.w; ++j) {
                    T sum = T(0);
                    for (std::size_t q = 0; q < out_per_group; ++q)
                        for (std::size_t u = 0; u < g.weight.h; ++u)
                            for (std::size_t v = 0; v < g.weight.w; ++v) {
                                const std::ptrdiff_t r = landing(i, u, o.stride.rows, o.dilation.rows, o.padding.rows);
                                const std::ptrdiff_t s = landing(j, v, o.stride.cols, o.dilation.cols, o.padding.cols);
                                if (lands_inside(r, g.output.h) && lands_inside(s, g.output.w))
                                    sum += w(c, q, u, v) * dy(n, first_output + q, std::size_t(r), std::size_t(s));
                            }
                    dz(n, c, i, j) = sum;
                }
        }
    return dz;
}

/// The weight gradient of ref::conv_transpose2d_backward_weight under the name `op`.
template <class T>
Tensor4<T> weight_gradient(std::string_view op, const Tensor4<T>& z, const Tensor4<T>& dy, const Shape4& weight_shape,
                           const ConvTranspose2dOptions& options) {
    const TransposedGeometry g = resolve_conv_transpose2d(op, z.shape(), weight_shape, 0, options);
    check_transposed_upstream(op, dy.shape(), g);
    const ConvTranspose2dOptions& o = g.options;
    const std::size_t in_per_group = g.input.c / o.groups, out_per_group = g.weight.c;
    Tensor4<T> dw(g.weight);
    for (std::size_t c = 0; c < g.weight.n; ++c) {
        const std::size_t first_output = (c / in_per_group) * out_per_group;
        for (std::size_t q = 0; q < out_per_group; ++q)
            for (std::size_t u = 0; u < g.weight.h; ++u)
                for (std::size_t v = 0; v < g.weight.w; ++v) {
                    T sum = T(0);
                    for (std::size_t n = 0; n < g.input.n; ++n)
                        for (std::size_t i = 0; i < g.input.h; ++i)
                            for (std::size_t j = 0; j < g.input.w; ++j) {
                                const std::ptrdiff_t r = landing(i, u, o.stride.rows, o.dilation.rows, o.padding.rows);
                                const std::ptrdiff_t s = landing(j, v, o.stride.cols, o.dilation.cols, o.padding.cols);
                                if (lands_inside(r, g.output.h) && lands_inside(s, g.output.w))
                                    sum += z(n, c, i, j) * dy(n, first_output + q, std::size_t(r), std::size_t(s));
                            }
                    dw(c, q, u, v) = sum;
                }
    }
    return dw;
}

/// Index of element \f$(c, h, w)\f$ of a one-sample tensor of `shape` in Tensor4 memory order,
/// \f$(c W + w) H + h\f$.
inline std::size_t memory_index(const Shape4& shape, std::size_t c, std::size_t h, std::size_t w) {
    return (c * shape.w + w) * shape.h + h;
}

}  // namespace detail

/// The transposed convolution by its definition, a scatter-add: every input cell \f$Z_{n,c,i,j}\f$
/// spreads a copy of its kernels, scaled by its value, over the output,
/// \f[ Y_{n,\; g_c C_{out}/g + q,\; i s_h - p_h + u d_h,\; j s_w - p_w + v d_w} \mathrel{+}=
///     Z_{n,c,i,j}\; W_{c,q,u,v} \f]
/// for \f$0 \le q < C_{out}/g\f$ and every tap \f$(u, v)\f$ that lands inside the
/// \f$H_{out} \times W_{out}\f$ output (\f$g_c = \lfloor c / (C_{in}/g) \rfloor\f$ is \f$c\f$'s
/// group); then \f$Y_{n,q,\cdot,\cdot} \mathrel{+}= b_q\f$. The padding \f$p\f$ removes the first
/// and last \f$p\f$ rows/columns of the full scatter; the output padding \f$a\f$ adds rows/columns
/// at the bottom/right that only the taps of the last cells reach (or none: then they hold \f$b_q\f$).
/// \param z       \f$N \times C_{in} \times H \times W\f$
/// \param weight  \f$C_{in} \times C_{out}/g \times K_h \times K_w\f$
/// \param bias    \f$C_{out}\f$ values, or empty for none
/// \param options stride, padding, output padding, dilation, groups
/// \return \f$N \times C_{out} \times H_{out} \times W_{out}\f$, \f$H_{out} = (H-1)s_h - 2p_h + d_h(K_h-1) + a_h + 1\f$
/// \throws shape_error, argument_error as resolve_conv_transpose2d
template <class T>
Tensor4<T> conv_transpose2d(const Tensor4<T>& z, const Tensor4<T>& weight, const arma::Col<T>& bias = {},
                            const ConvTranspose2dOptions& options = {}) {
    return detail::scatter("ref::conv_transpose2d", z, weight, bias, options);
}

/// The matrix \f$C\f$ of a convolution layer on one sample: \f$\mathrm{vec}(Y) = C\,\mathrm{vec}(X)\f$
/// with \f$\mathrm{vec}\f$ reading a \f$1 \times C \times H \times W\f$ tensor in Tensor4 memory
/// order (plane by plane, each plane column by column). Row \f$(p, i, j)\f$ holds
/// \f$W_{p,c,u,v}\f$ in the column of input cell \f$(d_0(p) + c,\; i s_h + u d_h - p_t,\;
/// j s_w + v d_w - p_l)\f$, taps on the padding dropping out — ref::conv2d_layer (no bias) written
/// as a matrix. For nndl §5.5.1's example, an input \f$1 \times 1 \times 1 \times 5\f$ and a weight
/// \f$1 \times 1 \times 1 \times 3\f$ \f$(w_1, w_2, w_3)\f$ give the \f$3 \times 5\f$
/// \f[ C = \begin{pmatrix} w_1 & w_2 & w_3 & 0 & 0 \\ 0 & w_1 & w_2 & w_3 & 0 \\ 0 & 0 & w_1 & w_2 & w_3 \end{pmatrix} \f]
/// (the conv is a cross-correlation, as nndl's \f$\otimes\f$).
/// \param conv_input_shape \f$1 \times C_{in} \times H \times W\f$ (one sample)
/// \param conv_weight      \f$C_{out} \times C_{in}/g \times K_h \times K_w\f$
/// \param options          the conv's padding, stride, dilation, groups
/// \return \f$(C_{out} H_{out} W_{out}) \times (C_{in} H W)\f$
/// \throws shape_error when the batch is not 1, or as resolve_conv2d_layer
template <class T>
arma::Mat<T> convolution_matrix(const Shape4& conv_input_shape, const Tensor4<T>& conv_weight,
                                const Conv2dOptions& options = {}) {
    constexpr std::string_view op = "ref::convolution_matrix";
    if (conv_input_shape.n != 1)
        throw shape_error(cnnlab::str(op, ": input ", conv_input_shape.str(), " has a batch of ", conv_input_shape.n,
                                      "; the matrix of a conv maps one sample (N = 1)"));
    const LayerGeometry g = resolve_conv2d_layer(op, conv_input_shape, conv_weight.shape(), 0, options);
    const Axis& rows = g.plane.rows;
    const Axis& cols = g.plane.cols;
    arma::Mat<T> matrix(g.output.elements(), g.input.elements(), arma::fill::zeros);
    for (std::size_t p = 0; p < g.output.c; ++p) {
        const std::size_t first_channel = (p / g.out_per_group()) * g.in_per_group();
        for (std::size_t i = 0; i < g.output.h; ++i)
            for (std::size_t j = 0; j < g.output.w; ++j)
                for (std::size_t c = 0; c < g.in_per_group(); ++c)
                    for (std::size_t u = 0; u < g.weight.h; ++u)
                        for (std::size_t v = 0; v < g.weight.w; ++v) {
                            const auto r = std::ptrdiff_t(i * rows.stride + u * rows.dilation) - std::ptrdiff_t(rows.pad.before);
                            const auto s = std::ptrdiff_t(j * cols.stride + v * cols.dilation) - std::ptrdiff_t(cols.pad.before);
                            if (r < 0 || s < 0 || r >= std::ptrdiff_t(g.input.h) || s >= std::ptrdiff_t(g.input.w)) continue;
                            matrix(detail::memory_index(g.output, p, i, j),
                                   detail::memory_index(g.input, first_channel + c, std::size_t(r), std::size_t(s))) +=
                                conv_weight(p, c, u, v);
                        }
    }
    return matrix;
}

/// The transposed convolution as the transpose of a matrix (nndl §5.5.1, \f$x = C^\top z\f$): build
/// the matrix \f$C\f$ (ref::convolution_matrix) of the conv it transposes — input \f$1 \times
/// C_{out} \times H_{out} \times W_{out}\f$, the same weight tensor read as a conv weight, padding
/// \f$p\f$ on both sides, the same stride, dilation and groups — and multiply by its transpose:
/// \f[ \mathrm{vec}(Y_n) = \tilde C^\top \mathrm{vec}(Z_n) + b, \f]
/// where \f$\tilde C\f$ keeps the rows of \f$C\f$ of the conv outputs \f$(c, i, j)\f$ with
/// \f$i < H\f$, \f$j < W\f$ — all of them unless \f$a \ge s\f$ (allowed when \f$d > a\f$): then the
/// conv has \f$\lfloor a/s \rfloor\f$ more output rows (columns) than \f$Z\f$, which no cell of
/// \f$Z\f$ feeds.
/// \throws shape_error, argument_error as resolve_conv_transpose2d
template <class T>
Tensor4<T> conv_transpose2d_by_matrix(const Tensor4<T>& z, const Tensor4<T>& weight, const arma::Col<T>& bias = {},
                                      const ConvTranspose2dOptions& options = {}) {
    constexpr std::string_view op = "ref::conv_transpose2d_by_matrix";
    const TransposedGeometry g = resolve_conv_transpose2d(op, z.shape(), weight.shape(), bias.n_elem, options);
    const Shape4 conv_input{1, g.output.c, g.output.h, g.output.w};
    const Conv2dOptions conv_options = adjoint_conv_options(options);
    const Shape4 conv_output = resolve_conv2d_layer(op, conv_input, weight.shape(), 0, conv_options).output;
    const arma::Mat<T> matrix = convolution_matrix(conv_input, weight, conv_options);
    // C̃: the rows of the conv outputs Z has, in Z's memory order.
    arma::Mat<T> kept(g.input.c * g.input.h * g.input.w, matrix.n_cols);
    const Shape4 one_sample{1, g.input.c, g.input.h, g.input.w};
    for (std::size_t c = 0; c < g.input.c; ++c)
        for (std::size_t i = 0; i < g.input.h; ++i)
            for (std::size_t j = 0; j < g.input.w; ++j)
                kept.row(detail::memory_index(one_sample, c, i, j)) = matrix.row(detail::memory_index(conv_output, c, i, j));
    Tensor4<T> y(g.output);
    const std::size_t in_size = kept.n_rows, out_size = kept.n_cols;
    for (std::size_t n = 0; n < g.input.n; ++n) {
        const arma::Col<T> z_n(const_cast<T*>(z.data()) + n * in_size, in_size, /*copy_aux_mem=*/false, true);
        const arma::Col<T> y_n = kept.t() * z_n;
        for (std::size_t k = 0; k < out_size; ++k) y.data()[n * out_size + k] = y_n(k);
    }
    if (!bias.is_empty())
        for (std::size_t n = 0; n < g.output.n; ++n)
            for (std::size_t q = 0; q < g.output.c; ++q)
                for (std::size_t r = 0; r < g.output.h; ++r)
                    for (std::size_t s = 0; s < g.output.w; ++s) y(n, q, r, s) += bias(q);
    return y;
}

/// The plane \f$Z\f$ with \f$s - 1\f$ zeros inserted between neighbouring cells along each axis,
/// \f$((H-1)s_h + 1) \times ((W-1)s_w + 1)\f$ with \f$Z_{ij}\f$ at \f$(i s_h, j s_w)\f$ and zeros
/// elsewhere: the input of nndl §5.5's fractionally strided convolution 微步卷积, which then
/// slides over it with stride 1 — “stride \f$1/s\f$” over \f$Z\f$.
/// \throws argument_error for a zero stride; shape_error for an empty plane
template <class T>
arma::Mat<T> zero_insert(const arma::Mat<T>& z, Step2 stride) {
    if (stride.rows == 0 || stride.cols == 0)
        throw argument_error(cnnlab::str("ref::zero_insert: stride ", stride.rows, "×", stride.cols,
                                         " has a zero step; each stride must be >= 1"));
    if (z.is_empty())
        throw shape_error(cnnlab::str("ref::zero_insert: the plane is empty (", z.n_rows, "×", z.n_cols,
                                      "); it needs at least one cell"));
    arma::Mat<T> out((z.n_rows - 1) * stride.rows + 1, (z.n_cols - 1) * stride.cols + 1, arma::fill::zeros);
    for (std::size_t i = 0; i < z.n_rows; ++i)
        for (std::size_t j = 0; j < z.n_cols; ++j) out(i * stride.rows, j * stride.cols) = z(i, j);
    return out;
}

/// The transposed convolution as a fractionally strided convolution 微步卷积 (nndl §5.5.1): insert
/// \f$s - 1\f$ zeros between the cells of every plane (ref::zero_insert), pad
/// \f$e = d(K-1) - p\f$ zeros on each side plus \f$a\f$ more at the bottom/right (a negative
/// \f$e\f$ crops instead), then run an ordinary stride-1 convolution layer (ref::conv2d_layer,
/// dilation \f$d\f$, groups \f$g\f$) with the rotated, channel-swapped kernel
/// \f[ W'_{\gamma C_{out}/g + q,\; c,\; u,\; v} = W_{\gamma C_{in}/g + c,\; q,\; K_h-1-u,\; K_w-1-v}. \f]
/// For one channel, stride 1 and no padding this is nndl's \f$x = \mathrm{rot180}(w) \,\tilde\otimes\, z\f$:
/// the wide cross-correlation of \f$z\f$ with the rotated kernel.
/// \throws shape_error, argument_error as resolve_conv_transpose2d
template <class T>
Tensor4<T> conv_transpose2d_by_zero_insertion(const Tensor4<T>& z, const Tensor4<T>& weight,
                                              const arma::Col<T>& bias = {}, const ConvTranspose2dOptions& options = {}) {
    constexpr std::string_view op = "ref::conv_transpose2d_by_zero_insertion";
    const TransposedGeometry g = resolve_conv_transpose2d(op, z.shape(), weight.shape(), bias.n_elem, options);
    const ConvTranspose2dOptions& o = g.options;
    // e = d(K−1) − p before, e + a after; may be negative (crop).
    const std::ptrdiff_t top = std::ptrdiff_t(o.dilation.rows * (g.weight.h - 1)) - std::ptrdiff_t(o.padding.rows);
    const std::ptrdiff_t left = std::ptrdiff_t(o.dilation.cols * (g.weight.w - 1)) - std::ptrdiff_t(o.padding.cols);
    const std::ptrdiff_t bottom = top + std::ptrdiff_t(o.output_padding.rows);
    const std::ptrdiff_t right = left + std::ptrdiff_t(o.output_padding.cols);
    const std::ptrdiff_t spread_rows = std::ptrdiff_t((g.input.h - 1) * o.stride.rows + 1);
    const std::ptrdiff_t spread_cols = std::ptrdiff_t((g.input.w - 1) * o.stride.cols + 1);
    Tensor4<T> padded({g.input.n, g.input.c, std::size_t(spread_rows + top + bottom), std::size_t(spread_cols + left + right)});
    for (std::size_t n = 0; n < g.input.n; ++n)
        for (std::size_t c = 0; c < g.input.c; ++c) {
            const arma::Mat<T> spread = zero_insert(z.plane_copy(n, c), o.stride);
            for (std::size_t r = 0; r < padded.shape().h; ++r)
                for (std::size_t s = 0; s < padded.shape().w; ++s)
                    padded(n, c, r, s) = at_or_zero(spread, std::ptrdiff_t(r) - top, std::ptrdiff_t(s) - left);
        }
    const std::size_t in_per_group = g.input.c / o.groups, out_per_group = g.weight.c;
    Tensor4<T> rotated({g.output.c, in_per_group, g.weight.h, g.weight.w});
    for (std::size_t group = 0; group < o.groups; ++group)
        for (std::size_t c = 0; c < in_per_group; ++c)
            for (std::size_t q = 0; q < out_per_group; ++q)
                for (std::size_t u = 0; u < g.weight.h; ++u)
                    for (std::size_t v = 0; v < g.weight.w; ++v)
                        rotated(group * out_per_group + q, c, u, v) =
                            weight(group * in_per_group + c, q, g.weight.h - 1 - u, g.weight.w - 1 - v);
    Conv2dOptions conv;
    conv.dilation = o.dilation;
    conv.groups = o.groups;
    return ref::conv2d_layer(padded, rotated, bias, conv);
}

/// \f$\partial f/\partial Z\f$ of the transposed convolution for \f$\delta = \partial f/\partial Y\f$,
/// by the definition: the scatter's adjoint is a gather — input cell \f$(c, i, j)\f$ collects
/// \f$\delta\f$ from every output cell its taps reached,
/// \f[ \frac{\partial f}{\partial Z_{n,c,i,j}} = \sum_{q=0}^{C_{out}/g-1} \sum_{u,v} W_{c,q,u,v}\;
///     \delta_{n,\; g_c C_{out}/g + q,\; i s_h - p_h + u d_h,\; j s_w - p_w + v d_w} \f]
/// (taps outside the output add nothing) — the forward pass of the conv it transposes,
/// \f$C\,\mathrm{vec}(\delta)\f$.
/// \param weight      \f$C_{in} \times C_{out}/g \times K_h \times K_w\f$
/// \param dy          \f$\delta\f$, of the forward's output shape
/// \param input_shape the forward input \f$Z\f$'s shape
/// \param options     the forward's stride, padding, output padding, dilation, groups
/// \throws shape_error when dy is not the forward's output shape, or as resolve_conv_transpose2d
template <class T>
Tensor4<T> conv_transpose2d_backward_input(const Tensor4<T>& weight, const Tensor4<T>& dy, const Shape4& input_shape,
                                           const ConvTranspose2dOptions& options = {}) {
    return detail::gather_input_gradient("ref::conv_transpose2d_backward_input", weight, dy, input_shape, options);
}

/// \f$\partial f/\partial W\f$ of the transposed convolution, summed over the batch, by the
/// definition: tap \f$(u, v)\f$ of kernel \f$(c, q)\f$ multiplied every input cell of channel
/// \f$c\f$ into the output cell it reached,
/// \f[ \frac{\partial f}{\partial W_{c,q,u,v}} = \sum_n \sum_{i,j} Z_{n,c,i,j}\;
///     \delta_{n,\; g_c C_{out}/g + q,\; i s_h - p_h + u d_h,\; j s_w - p_w + v d_w} \f]
/// over the cells whose tap lands inside the output.
/// \param z            the forward's input
/// \param dy           \f$\delta\f$, of the forward's output shape
/// \param weight_shape \f$C_{in} \times C_{out}/g \times K_h \times K_w\f$
/// \param options      the forward's stride, padding, output padding, dilation, groups
/// \throws shape_error when dy is not the forward's output shape, or as resolve_conv_transpose2d
template <class T>
Tensor4<T> conv_transpose2d_backward_weight(const Tensor4<T>& z, const Tensor4<T>& dy, const Shape4& weight_shape,
                                            const ConvTranspose2dOptions& options = {}) {
    return detail::weight_gradient("ref::conv_transpose2d_backward_weight", z, dy, weight_shape, options);
}

/// \f$\partial f/\partial b\f$ of the transposed convolution: \f$b_q\f$ is added to every cell of
/// output channel \f$q\f$, so \f[ \frac{\partial f}{\partial b_q} = \sum_n \sum_{r,s} \delta_{n,q,r,s}. \f]
/// \param dy \f$\delta\f$, \f$N \times C_{out} \times H_{out} \times W_{out}\f$
/// \return \f$C_{out}\f$ values
template <class T>
arma::Col<T> conv_transpose2d_backward_bias(const Tensor4<T>& dy) {
    const Shape4& shape = dy.shape();
    arma::Col<T> db(shape.c, arma::fill::zeros);
    for (std::size_t q = 0; q < shape.c; ++q)
        for (std::size_t n = 0; n < shape.n; ++n)
            for (std::size_t r = 0; r < shape.h; ++r)
                for (std::size_t s = 0; s < shape.w; ++s) db(q) += dy(n, q, r, s);
    return db;
}

/// The 1-D transposed convolution on N×C×1×L tensors (weight \f$C_{in} \times C_{out}/g \times 1
/// \times K\f$), the scatter-add along the one axis:
/// \f$Y_{n,\, g_c C_{out}/g + q,\, i s - p + k d} \mathrel{+}= Z_{n,c,i}\, W_{c,q,k}\f$, then \f$+\,b_q\f$.
/// \throws shape_error when a tensor's height is not 1, or as ref::conv_transpose2d
template <class T>
Tensor4<T> conv_transpose1d(const Tensor4<T>& z, const Tensor4<T>& weight, const arma::Col<T>& bias = {},
                            const ConvTranspose1dOptions& options = {}) {
    constexpr std::string_view op = "ref::conv_transpose1d";
    detail::check_height_one(op, z.shape(), weight.shape(), z.shape());
    return detail::scatter(op, z, weight, bias, as_conv_transpose2d_options(options));
}

/// \f$\partial f/\partial Z\f$ of ref::conv_transpose1d: \f$\sum_q \sum_k W_{c,q,k}\,
/// \delta_{n,\, g_c C_{out}/g + q,\, i s - p + k d}\f$.
template <class T>
Tensor4<T> conv_transpose1d_backward_input(const Tensor4<T>& weight, const Tensor4<T>& dy, const Shape4& input_shape,
                                           const ConvTranspose1dOptions& options = {}) {
    constexpr std::string_view op = "ref::conv_transpose1d_backward_input";
    detail::check_height_one(op, weight.shape(), dy.shape(), input_shape);
    return detail::gather_input_gradient(op, weight, dy, input_shape, as_conv_transpose2d_options(options));
}

/// \f$\partial f/\partial W\f$ of ref::conv_transpose1d: \f$\sum_n \sum_i Z_{n,c,i}\,
/// \delta_{n,\, g_c C_{out}/g + q,\, i s - p + k d}\f$.
template <class T>
Tensor4<T> conv_transpose1d_backward_weight(const Tensor4<T>& z, const Tensor4<T>& dy, const Shape4& weight_shape,
                                            const ConvTranspose1dOptions& options = {}) {
    constexpr std::string_view op = "ref::conv_transpose1d_backward_weight";
    detail::check_height_one(op, z.shape(), dy.shape(), weight_shape);
    return detail::weight_gradient(op, z, dy, weight_shape, as_conv_transpose2d_options(options));
}

}  // namespace cnnlab::ref

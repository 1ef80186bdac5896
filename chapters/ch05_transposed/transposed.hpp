/// \file
/// \brief Chapter 5: transposed convolution 转置卷积 (PyTorch's `ConvTranspose1d/2d`), forward and
/// backward, on N×C×H×W tensors.
///
/// A convolution layer maps \f$X\f$ to \f$Y\f$ linearly: \f$\mathrm{vec}(Y) = C\,\mathrm{vec}(X)\f$
/// for a sparse matrix \f$C\f$ built from the kernel. The *transposed* convolution with the same
/// kernel and the same (stride, padding, dilation, groups) is the map \f$Z \mapsto C^\top
/// \mathrm{vec}(Z)\f$: it goes from the conv's output shape back to its input shape (nndl §5.5.1,
/// \f$x = C^\top z = \mathrm{rot180}(w) \,\tilde\otimes\, z\f$). It is not an inverse — only the
/// shapes are restored, not the values — and it is exactly the conv's backward-data pass
/// (Chapter 3's \f$\partial f/\partial X\f$ with \f$\delta = Z\f$), which is how cnnlab computes
/// it: GEMM + col2im.
///
/// Weights are PyTorch's transposed-conv weights, \f$C_{in} \times C_{out}/g \times K_h \times
/// K_w\f$ — the weight tensor of the conv it transposes (that conv maps \f$C_{out}\f$ channels to
/// \f$C_{in}\f$). The output size along an axis with input \f$n\f$, stride \f$s\f$, padding \f$p\f$,
/// dilation \f$d\f$ and output padding \f$a\f$ is
/// \f[ n_{out} = (n-1)\,s - 2p + d\,(K-1) + a + 1 . \f]
/// \f$p\f$ *removes* \f$p\f$ rows and columns from each side of the full scatter result, and
/// \f$a\f$ adds rows and columns at the bottom / right only (PyTorch): the conv with stride
/// \f$s > 1\f$ maps \f$s\f$ input sizes to one output size, and \f$a \in [0, s)\f$ picks which one
/// the transposed conv restores. PyTorch requires \f$a < s\f$ or \f$a < d\f$; cnnlab does the same.
#pragma once

#include "chapters/ch00_foundation/geometry.hpp"
#include "chapters/ch00_foundation/tensor.hpp"
#include "chapters/ch02_layers/layer.hpp"

#include <armadillo>
#include <cstddef>
#include <string_view>

namespace cnnlab {

/// Options of a 2-D transposed convolution layer (PyTorch's `ConvTranspose2d`), e.g.
/// `{.stride = {2, 2}, .padding = {1, 1}, .output_padding = {1, 1}}`.
struct ConvTranspose2dOptions {
    Step2 stride{};               ///< \f$(s_h, s_w)\f$, each \f$\ge 1\f$
    Step2 padding{0, 0};          ///< \f$(p_h, p_w)\f$, removed from both sides of each axis of the output
    Step2 output_padding{0, 0};   ///< \f$(a_h, a_w)\f$, added below / right; \f$a < s\f$ or \f$a < d\f$ per axis
    Step2 dilation{};             ///< \f$(d_h, d_w)\f$, each \f$\ge 1\f$
    std::size_t groups = 1;       ///< \f$g\f$; divides \f$C_{in}\f$ and \f$C_{out}\f$
};

/// Options of a 1-D transposed convolution layer (PyTorch's `ConvTranspose1d`), on tensors held
/// as N×C×1×L with weights \f$C_{in} \times C_{out}/g \times 1 \times K\f$.
struct ConvTranspose1dOptions {
    std::size_t stride = 1;          ///< \f$s \ge 1\f$
    std::size_t padding = 0;         ///< \f$p\f$, removed from both ends of the output
    std::size_t output_padding = 0;  ///< \f$a\f$, added at the end; \f$a < s\f$ or \f$a < d\f$
    std::size_t dilation = 1;        ///< \f$d \ge 1\f$
    std::size_t groups = 1;          ///< \f$g\f$
};

/// The 2-D options of a 1-D transposed layer held as N×C×1×L: the 1-D values along the columns,
/// nothing along the rows.
ConvTranspose2dOptions as_conv_transpose2d_options(const ConvTranspose1dOptions& options);

/// The options of the conv a transposed layer transposes: the same stride, dilation and groups,
/// padding \f$p\f$ on both sides of each axis (output_padding has no counterpart: see
/// TransposedGeometry::adjoint).
inline Conv2dOptions adjoint_conv_options(const ConvTranspose2dOptions& o) {
    return {.padding = Sides2::symmetric(o.padding.rows, o.padding.cols), .stride = o.stride, .dilation = o.dilation,
            .groups = o.groups};
}

/// \f$(n-1)s - 2p + d(K-1) + a + 1\f$, the output length of a transposed convolution along one
/// axis. `op` names the operation in errors.
/// \throws argument_error for a zero stride or dilation, or \f$a \ge \max(s, d)\f$ (PyTorch's rule:
/// "output padding must be smaller than either stride or dilation");
/// shape_error for an empty input or kernel, or an output length below 1
std::size_t transposed_output_size(std::string_view op, std::size_t input, std::size_t kernel, std::size_t stride,
                                   std::size_t padding, std::size_t dilation, std::size_t output_padding);

/// Everything a transposed layer's shapes determine, checked once by resolve_conv_transpose2d.
struct TransposedGeometry {
    Shape4 input;                    ///< \f$Z\f$: \f$N \times C_{in} \times H \times W\f$
    Shape4 weight;                   ///< \f$C_{in} \times C_{out}/g \times K_h \times K_w\f$
    Shape4 output;                   ///< \f$N \times C_{out} \times H_{out} \times W_{out}\f$
    ConvTranspose2dOptions options;  ///< the options, as given
    /// The convolution this layer transposes: its input is our output shape, its weight our
    /// weight, its output our input shape, with padding \f$p\f$ on both sides. When \f$a \ge s\f$
    /// (allowed for \f$d > a\f$) that conv would give more rows than \f$Z\f$ has: its output is
    /// cut to \f$Z\f$'s size, the rows it drops being those no tap of \f$Z\f$ reaches.
    LayerGeometry adjoint;
    /// \f$C_{out}\f$
    std::size_t out_channels() const { return output.c; }
    /// Multiply-adds of the scatter formula, \f$N C_{in} H W (C_{out}/g) K_h K_w\f$ — the same as
    /// the adjoint conv's (a transposed conv costs what its conv costs).
    double multiply_adds() const { return adjoint.multiply_adds(); }
    /// Two FLOPs per multiply-add.
    double flops() const { return 2.0 * multiply_adds(); }
    /// "z 1×2×3×3, w 2×3×2×2, stride 2×2, padding 0×0, output_padding 0×0, dilation 1×1, groups 1".
    std::string str() const;
};

/// Checks a transposed layer's shapes and resolves its geometry. `bias_length` is 0 for no bias.
/// \throws shape_error (weight's first size not \f$C_{in}\f$, groups not dividing the channels,
/// bias of the wrong length, output size < 1), argument_error (zero stride, dilation or groups;
/// output padding not below stride or dilation)
TransposedGeometry resolve_conv_transpose2d(std::string_view op, const Shape4& input, const Shape4& weight,
                                            std::size_t bias_length, const ConvTranspose2dOptions& options);

/// The transposed convolution of \f$Z\f$ (PyTorch's `F.conv_transpose2d`):
/// \f[ Y_{n,q,\,i s_h - p_h + u d_h,\; j s_w - p_w + v d_w} \mathrel{+}=
///     Z_{n,c,i,j}\, W_{c,\,q - g_c C_{out}/g,\,u,v} \f]
/// for every input cell \f$(i, j)\f$ of channel \f$c\f$ (group \f$g_c\f$), output channel \f$q\f$
/// of that group and tap \f$(u, v)\f$ landing inside the output; then \f$+\,b_q\f$.
/// Computed as the backward-data pass of the adjoint conv (GEMM + col2im, or for stride 1 the
/// forward conv of \f$Z\f$ with the rotated kernel — Chapter 3's conv2d_layer_backward_input).
/// \param z       \f$N \times C_{in} \times H \times W\f$
/// \param weight  \f$C_{in} \times C_{out}/g \times K_h \times K_w\f$
/// \param bias    \f$C_{out}\f$ values, or empty for none
/// \param options stride, padding, output_padding, dilation, groups
/// \return \f$N \times C_{out} \times H_{out} \times W_{out}\f$
/// \throws shape_error, argument_error as resolve_conv_transpose2d
template <class T>
Tensor4<T> conv_transpose2d(const Tensor4<T>& z, const Tensor4<T>& weight, const arma::Col<T>& bias = {},
                            const ConvTranspose2dOptions& options = {});

/// \f$\partial f/\partial Z\f$ of conv_transpose2d for \f$\delta = \partial f/\partial Y\f$: the
/// adjoint conv's *forward* pass on \f$\delta\f$ (no bias), \f$\partial f/\partial Z = C\,
/// \mathrm{vec}(\delta)\f$.
/// \param weight      \f$C_{in} \times C_{out}/g \times K_h \times K_w\f$
/// \param dy          \f$\delta\f$, of the forward's output shape
/// \param input_shape the forward input \f$Z\f$'s shape
/// \param options     the forward's options
/// \throws shape_error when dy is not the forward's output shape, or as resolve_conv_transpose2d
template <class T>
Tensor4<T> conv_transpose2d_backward_input(const Tensor4<T>& weight, const Tensor4<T>& dy, const Shape4& input_shape,
                                           const ConvTranspose2dOptions& options = {});

/// \f$\partial f/\partial W\f$ of conv_transpose2d, summed over the batch: the adjoint conv's
/// weight gradient with the roles of input and upstream gradient exchanged — its input is
/// \f$\delta\f$, its upstream gradient \f$Z\f$.
/// \param z            the forward's input
/// \param dy           \f$\delta\f$, of the forward's output shape
/// \param weight_shape \f$C_{in} \times C_{out}/g \times K_h \times K_w\f$
/// \param options      the forward's options
/// \throws shape_error when dy is not the forward's output shape, or as resolve_conv_transpose2d
template <class T>
Tensor4<T> conv_transpose2d_backward_weight(const Tensor4<T>& z, const Tensor4<T>& dy, const Shape4& weight_shape,
                                            const ConvTranspose2dOptions& options = {});

/// \f$\partial f/\partial b_q = \sum_n \sum_{i,j} \delta_{n,q,i,j}\f$, as for a conv layer.
template <class T>
arma::Col<T> conv_transpose2d_backward_bias(const Tensor4<T>& dy);

/// conv_transpose2d on N×C×1×L tensors (PyTorch's `F.conv_transpose1d`); weight
/// \f$C_{in} \times C_{out}/g \times 1 \times K\f$.
/// \throws shape_error when a tensor's height is not 1, or as conv_transpose2d
template <class T>
Tensor4<T> conv_transpose1d(const Tensor4<T>& z, const Tensor4<T>& weight, const arma::Col<T>& bias = {},
                            const ConvTranspose1dOptions& options = {});

/// \f$\partial f/\partial Z\f$ of conv_transpose1d.
template <class T>
Tensor4<T> conv_transpose1d_backward_input(const Tensor4<T>& weight, const Tensor4<T>& dy, const Shape4& input_shape,
                                           const ConvTranspose1dOptions& options = {});

/// \f$\partial f/\partial W\f$ of conv_transpose1d.
template <class T>
Tensor4<T> conv_transpose1d_backward_weight(const Tensor4<T>& z, const Tensor4<T>& dy, const Shape4& weight_shape,
                                            const ConvTranspose1dOptions& options = {});

/// The single-channel transposed convolution of nndl §5.5.1 on one plane: conv_transpose2d with
/// one channel on each side, \f$x = C^\top z = \mathrm{rot180}(w) \,\tilde\otimes\, z\f$ for stride
/// 1 and no padding (the wide convolution 宽卷积 of \f$z\f$ with \f$w\f$).
/// \param z  the plane \f$H \times W\f$
/// \param w  the kernel \f$K_h \times K_w\f$
/// \param options stride, padding, output_padding, dilation (groups must be 1)
template <class T>
arma::Mat<T> conv_transpose2d(const arma::Mat<T>& z, const arma::Mat<T>& w, const ConvTranspose2dOptions& options = {});

}  // namespace cnnlab

/// \file
/// \brief Chapter 3: the optimized backward passes of the convolution layer (conv2d_layer), with
/// PyTorch's semantics — the gradients with respect to the input, the weight and the bias.
///
/// Each is the forward's im2col + GEMM run backwards. Per sample \f$n\f$ and group, the forward
/// computes \f$Y^\top = A\,W^\top\f$ with \f$A\f$ the \f$P \times K\f$ im2col matrix (row = output
/// pixel, column = tap \f$k = (c K_w + v) K_h + u\f$), \f$W^\top\f$ the \f$K \times C_{out}/g\f$
/// weight memory and \f$Y^\top\f$ the \f$P \times C_{out}/g\f$ output planes. For the upstream
/// gradient \f$\delta^\top\f$ (same layout as \f$Y^\top\f$) the chain rule gives
/// \f[ \frac{\partial f}{\partial A} = \delta^\top W, \qquad
///     \frac{\partial f}{\partial W^\top} = \sum_n A_n^\top \delta_n^\top, \qquad
///     \frac{\partial f}{\partial b_p} = \sum_{n,i,j} \delta_{n,p,i,j}, \f]
/// and \f$\partial f / \partial X\f$ is \f$\partial f / \partial A\f$ folded back onto the input
/// planes (col2im, the transpose of im2col: every input pixel sums the entries of \f$A\f$ that
/// copied it). The references are ref::conv2d_layer_backward_input, ref::conv2d_layer_backward_weight
/// and ref::conv2d_layer_backward_bias (reference/gradients.hpp); the tests hold them equal.
///
/// Faster paths, chosen by `automatic` where Chapter 2's forward takes the matching one:
/// - input gradient of a stride-1 layer: nndl's \f$\mathrm{rot180}(W) \,\tilde{\otimes}\, \delta\f$
///   taken literally — a forward layer over \f$\delta\f$ with rotated_weight and padding
///   \f$(K-1)d - p\f$ — so Winograd F(4×4, 3×3), the 1×1 GEMM and the depthwise loops of Chapter 2
///   run the backward pass too (BackwardInputAlgorithm::rotated_forward);
/// - weight gradient of a 3×3 stride-1 layer: Winograd F(3×3, 4×4), the forward's transforms
///   transposed, \f$G^\top [(A \delta A^\top) \odot (B^\top d B)] G\f$ summed over tiles
///   (BackwardWeightAlgorithm::winograd_f4x4_3x3); of a depthwise layer: direct loops; of a 1×1
///   layer: the GEMM reads the input planes in place (their im2col is themselves).
#pragma once

#include "chapters/ch00_foundation/tensor.hpp"
#include "chapters/ch02_layers/layer.hpp"

#include <armadillo>
#include <cstddef>
#include <string_view>

namespace cnnlab {

/// The paths of conv2d_layer_backward_input.
enum class BackwardInputAlgorithm {
    automatic,        ///< rotated_forward when it applies and Chapter 2 has a fast path for it, else gemm_col2im
    gemm_col2im,      ///< per sample \f$\partial f/\partial A = \delta^\top W\f$ (one GEMM), then col2im
    rotated_forward,  ///< nndl's \f$\mathrm{rot180}(W) \,\tilde{\otimes}\, \delta\f$ run as a forward layer (stride 1 only)
};

/// The paths of conv2d_layer_backward_weight.
enum class BackwardWeightAlgorithm {
    automatic,          ///< the forward's choice where it has a weight path (winograd_f4x4_3x3, direct); depthwise_direct for a depthwise layer; else im2col_gemm
    im2col_gemm,        ///< per sample \f$\partial f/\partial W^\top \mathrel{+}= A^\top \delta^\top\f$ over im2col
    winograd_f4x4_3x3,  ///< Winograd F(3×3, 4×4), the forward's F(4×4, 3×3) transposed (3×3, stride 1, dilation 1, one group)
    depthwise_direct,   ///< one input channel per group: a dot product per output channel and tap
    direct,             ///< stride 1, dilation 1, one group: a dot product per channel and tap on the flattened padded plane
};

/// Parses "automatic", "im2col_gemm", "winograd_f4x4_3x3", "depthwise_direct", "direct".
BackwardWeightAlgorithm parse_backward_weight_algorithm(std::string_view name);
/// The name parse_backward_weight_algorithm accepts.
std::string_view backward_weight_algorithm_name(BackwardWeightAlgorithm algorithm);
/// True when `algorithm` can compute the weight gradient of a layer of this geometry (e.g. direct:
/// stride 1, dilation 1, one group).
bool backward_weight_algorithm_applies(BackwardWeightAlgorithm algorithm, const LayerGeometry& g);

/// Parses "automatic", "gemm_col2im", "rotated_forward".
BackwardInputAlgorithm parse_backward_input_algorithm(std::string_view name);
/// The name parse_backward_input_algorithm accepts.
std::string_view backward_input_algorithm_name(BackwardInputAlgorithm algorithm);

/// The forward layer whose output is \f$\partial f / \partial X\f$ of a stride-1 layer: it reads
/// \f$\delta\f$ (\f$C_{out}\f$ channels) with the weight of rotated_weight and padding
/// \f$(K-1)d - p\f$ on each side (the wide convolution 宽卷积 \f$\tilde{\otimes}\f$ when \f$p = 0\f$),
/// and writes \f$C_{in}\f$ channels of the input's size.
struct RotatedForward {
    bool applies = false;   ///< stride 1 on both axes and \f$p \le (K-1)d\f$ on every side
    Conv2dOptions options;  ///< the forward layer's padding, dilation (the forward's) and groups
};

/// Whether and how conv2d_layer_backward_input of geometry `g` runs as a forward layer.
RotatedForward rotated_forward_of(const LayerGeometry& g);

/// The geometry of the rotated forward layer of `g` (input δ, weight rotated_weight's shape).
LayerGeometry rotated_forward_geometry(const LayerGeometry& g, const RotatedForward& rotated);

/// The path BackwardInputAlgorithm::automatic takes: rotated_forward when it applies and Chapter 2's
/// choice for that forward layer is a specialised path (Winograd, 1×1, depthwise), else gemm_col2im.
template <class T>
BackwardInputAlgorithm choose_backward_input_algorithm(const LayerGeometry& g);

/// The path BackwardWeightAlgorithm::automatic takes: winograd_f4x4_3x3 where the forward takes
/// Winograd F(4×4, 3×3), depthwise_direct for a depthwise layer, else im2col_gemm.
template <class T>
BackwardWeightAlgorithm choose_backward_weight_algorithm(const LayerGeometry& g);

/// The weight of the rotated forward: \f$W'_{\gamma C_{in}/g + c,\, q,\, u,\, v} =
/// W_{\gamma C_{out}/g + q,\, c,\, K_h-1-u,\, K_w-1-v}\f$ — every kernel turned by 180° and, inside
/// each group \f$\gamma\f$, input and output channels swapped (\f$C_{in} \times C_{out}/g \times
/// K_h \times K_w\f$). For one channel this is rot180(W).
/// \throws argument_error when `groups` does not divide \f$C_{out}\f$
template <class T>
Tensor4<T> rotated_weight(const Tensor4<T>& weight, std::size_t groups = 1);

/// Throws shape_error unless the upstream gradient `dy` of a layer has its forward's output shape
/// (every layer backward, reference and optimized, checks with this one function). `op` names
/// the operation in the message; `g` is the forward's geometry.
void check_upstream_gradient(std::string_view op, const Shape4& dy, const LayerGeometry& g);

/// Throws shape_error unless the single-plane upstream gradient (`dy_rows` × `dy_cols`) has the
/// output size of the forward of geometry `g` (every single-channel backward checks with this one).
void check_upstream_gradient(std::string_view op, std::size_t dy_rows, std::size_t dy_cols, const Geometry2d& g);

/// \f$\partial f / \partial X\f$ of conv2d_layer for the upstream gradient
/// \f$\delta = \partial f / \partial Y\f$: per sample and group \f$\partial f / \partial A =
/// \delta^\top W\f$ (one GEMM), then col2im scatter-adds its columns into the input planes.
/// Threads: OpenMP over the samples (BLAS single-threaded inside), or BLAS's own threads for one sample.
/// \param weight      the forward's weight \f$C_{out} \times C_{in}/g \times K_h \times K_w\f$
/// \param dy          \f$\delta\f$, of the forward's output shape
/// \param input_shape the forward input's shape \f$N \times C_{in} \times H \times W\f$
/// \param options     the forward's padding, stride, dilation and groups
/// \return \f$\partial f / \partial X\f$, of shape `input_shape`
/// \throws shape_error when dy is not the forward's output shape; shape_error, argument_error as
/// resolve_conv2d_layer
/// \param algorithm   the path (automatic: the Winograd, 1×1 or depthwise forward of Chapter 2 on
///                    the rotated weight when rotated_forward_of applies and one of them fits, else
///                    gemm_col2im)
/// \throws argument_error when rotated_forward is asked for a layer it does not apply to
template <class T>
Tensor4<T> conv2d_layer_backward_input(const Tensor4<T>& weight, const Tensor4<T>& dy, const Shape4& input_shape,
                                       const Conv2dOptions& options = {},
                                       BackwardInputAlgorithm algorithm = BackwardInputAlgorithm::automatic);

/// \f$\partial f / \partial W\f$ of conv2d_layer for the upstream gradient
/// \f$\delta = \partial f / \partial Y\f$, summed over the batch: per sample and group
/// \f$\partial f / \partial W^\top \mathrel{+}= A^\top \delta^\top\f$ (im2col of the input, one GEMM).
/// Threads: OpenMP over the samples with one accumulator per thread (added up at the end), or
/// BLAS's own threads for one sample.
/// \param x            the forward's input \f$N \times C_{in} \times H \times W\f$
/// \param dy           \f$\delta\f$, of the forward's output shape
/// \param weight_shape the forward weight's shape \f$C_{out} \times C_{in}/g \times K_h \times K_w\f$
/// \param options      the forward's padding, stride, dilation and groups
/// \param algorithm    the path (automatic: Winograd where the forward takes Winograd F(4×4, 3×3))
/// \return \f$\partial f / \partial W\f$, of shape `weight_shape`
/// \throws shape_error when dy is not the forward's output shape; shape_error, argument_error as
/// resolve_conv2d_layer; argument_error when winograd_f4x4_3x3 is asked for a layer it does not fit
template <class T>
Tensor4<T> conv2d_layer_backward_weight(const Tensor4<T>& x, const Tensor4<T>& dy, const Shape4& weight_shape,
                                        const Conv2dOptions& options = {},
                                        BackwardWeightAlgorithm algorithm = BackwardWeightAlgorithm::automatic);

namespace detail {
/// The GEMM + col2im path of conv2d_layer_backward_input on a resolved geometry: dy has the shape
/// `g.output`, the result the shape `g.input`. Transposed convolution (Chapter 5) calls it with the
/// geometry of the conv it transposes, whose output may be cut short (TransposedGeometry::adjoint).
template <class T>
Tensor4<T> backward_input_gemm_col2im(const Tensor4<T>& weight, const Tensor4<T>& dy, const LayerGeometry& g);

/// The im2col + GEMM path of conv2d_layer_backward_weight on a resolved geometry (as above).
template <class T>
Tensor4<T> backward_weight_im2col_gemm(const Tensor4<T>& x, const Tensor4<T>& dy, const LayerGeometry& g);

/// The direct path of conv2d_layer_backward_weight (chapters/ch03_gradients/backward_direct.cpp): adds
/// \f$\partial f/\partial W\f$ into `dw` (zeros, the weight's shape). Requires
/// backward_weight_algorithm_applies(BackwardWeightAlgorithm::direct, g); the caller checks.
template <class T>
void backward_weight_direct(const Tensor4<T>& x, const Tensor4<T>& dy, const LayerGeometry& g, Tensor4<T>& dw);
}  // namespace detail

/// \f$\partial f / \partial b\f$ of conv2d_layer: \f$\frac{\partial f}{\partial b_p} = \sum_n \sum_{i,j}
/// \delta_{n,p,i,j}\f$, the sums of the upstream gradient's planes.
/// \param dy \f$\delta = \partial f / \partial Y\f$, \f$N \times C_{out} \times H_{out} \times W_{out}\f$
/// \return \f$C_{out}\f$ values
template <class T>
arma::Col<T> conv2d_layer_backward_bias(const Tensor4<T>& dy);

/// \f$\partial f / \partial X\f$ of conv1d_layer (tensors held as N×C×1×L, weight
/// \f$C_{out} \times C_{in}/g \times 1 \times K\f$): conv2d_layer_backward_input on the 2-D form.
/// \throws shape_error when a tensor's height is not 1, or as conv2d_layer_backward_input
template <class T>
Tensor4<T> conv1d_layer_backward_input(const Tensor4<T>& weight, const Tensor4<T>& dy, const Shape4& input_shape,
                                       const Conv1dOptions& options = {});

/// \f$\partial f / \partial W\f$ of conv1d_layer: conv2d_layer_backward_weight on the 2-D form.
/// \throws shape_error when a tensor's height is not 1, or as conv2d_layer_backward_weight
template <class T>
Tensor4<T> conv1d_layer_backward_weight(const Tensor4<T>& x, const Tensor4<T>& dy, const Shape4& weight_shape,
                                        const Conv1dOptions& options = {});

/// \f$\partial f / \partial b\f$ of conv1d_layer: the sums of the upstream gradient's rows.
template <class T>
arma::Col<T> conv1d_layer_backward_bias(const Tensor4<T>& dy) { return conv2d_layer_backward_bias(dy); }

/// \f$\partial f / \partial X\f$ of the single-channel xcorr2d (Chapter 1), nndl §5.3's
/// \f$\mathrm{rot180}(W) \,\tilde{\otimes}\, \delta\f$: for stride 1 exactly that — xcorr2d of
/// \f$\delta\f$ with the rotated kernel and padding \f$(K-1)d - p\f$ per side, on Chapter 1's
/// fastest path (FFT for large kernels) —; otherwise the layer's GEMM + col2im on one channel.
/// Reference: ref::xcorr2d_backward_input.
/// \throws shape_error when dy is not the forward's output size, or as xcorr2d for the geometry
template <class T>
arma::Mat<T> xcorr2d_backward_input(const arma::Mat<T>& w, const arma::Mat<T>& dy, std::size_t input_rows,
                                    std::size_t input_cols, const Options2d& options = {});

/// \f$\partial f / \partial W\f$ of the single-channel xcorr2d, nndl §5.3's \f$\delta \otimes X\f$
/// generalised: \f$\partial f/\partial w_{uv} = \sum_{ij} \delta_{ij}\, x_{i s + u d - p}\f$ is a
/// cross-correlation of \f$X\f$ with \f$\delta\f$ as the kernel, the forward's padding, the
/// forward's dilation as stride and its stride as dilation (then the first \f$U \times V\f$
/// outputs). Runs on Chapter 1's fastest path. Reference: ref::xcorr2d_backward_weight.
/// \throws shape_error when dy is not the forward's output size, or as xcorr2d for the geometry
template <class T>
arma::Mat<T> xcorr2d_backward_weight(const arma::Mat<T>& x, const arma::Mat<T>& dy, std::size_t kernel_rows,
                                     std::size_t kernel_cols, const Options2d& options = {});

/// \f$\partial f / \partial X\f$ of the single-channel convolution conv2d \f$= \mathrm{rot180}(W)
/// \otimes X\f$: xcorr2d_backward_input with the rotated kernel, i.e. \f$W \,\tilde{\otimes}\,
/// \delta\f$ for stride 1. Reference: ref::conv2d_backward_input.
template <class T>
arma::Mat<T> conv2d_backward_input(const arma::Mat<T>& w, const arma::Mat<T>& dy, std::size_t input_rows,
                                   std::size_t input_cols, const Options2d& options = {});

/// \f$\partial f / \partial W\f$ of the single-channel convolution conv2d: rot180 of
/// xcorr2d_backward_weight (the kernel was used rotated). Reference: ref::conv2d_backward_weight.
template <class T>
arma::Mat<T> conv2d_backward_weight(const arma::Mat<T>& x, const arma::Mat<T>& dy, std::size_t kernel_rows,
                                    std::size_t kernel_cols, const Options2d& options = {});

}  // namespace cnnlab

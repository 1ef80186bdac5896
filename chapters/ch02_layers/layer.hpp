/// \file
/// \brief Chapter 2: convolution layers 卷积层 on N×C×H×W tensors — channels, bias, groups,
/// stride, dilation, padding — with PyTorch's semantics and several fast paths.
///
/// A layer computes, for every sample \f$n\f$ and output channel \f$p\f$ (nndl's
/// \f$Z^p = \sum_d W^{p,d} \otimes X^d + b^p\f$, generalised to groups):
/// \f[ Y_{n,p,i,j} = b_p + \sum_{d \in \mathcal{G}(p)} \sum_{u,v} W_{p,\,d - d_0(p),\,u,v}\;
///     X_{n,d,\; i s_h + u d_h - p_t,\; j s_w + v d_w - p_l} \f]
/// where \f$\mathcal{G}(p)\f$ is the block of \f$C_{in}/g\f$ input channels of \f$p\f$'s group and
/// \f$d_0(p)\f$ its first channel. Weights are \f$C_{out} \times C_{in}/g \times K_h \times K_w\f$
/// as in PyTorch; the operation is a cross-correlation (no kernel flip), as in every framework.
/// Padding `same` with an even kernel puts the extra zero at the bottom/right (PyTorch).
#pragma once

#include "chapters/ch00_foundation/geometry.hpp"
#include "chapters/ch00_foundation/tensor.hpp"

#include <armadillo>
#include <cstddef>
#include <string_view>

namespace cnnlab {

/// Options of a 2-D convolution layer (PyTorch's `Conv2d` arguments other than the sizes).
struct Conv2dOptions {
    Padding2d padding = Mode::valid;  ///< a Mode for both axes, or explicit per-side Sides2
    Step2 stride{};                   ///< \f$(s_h, s_w)\f$, each \f$\ge 1\f$
    Step2 dilation{};                 ///< \f$(d_h, d_w)\f$, each \f$\ge 1\f$
    std::size_t groups = 1;           ///< \f$g\f$; divides \f$C_{in}\f$ and \f$C_{out}\f$ (\f$g = C_{in}\f$: depthwise)
};

/// Options of a 1-D convolution layer (PyTorch's `Conv1d`).
struct Conv1dOptions {
    AxisPadding padding = Mode::valid;  ///< a Mode or explicit Sides
    std::size_t stride = 1;             ///< \f$s \ge 1\f$
    std::size_t dilation = 1;           ///< \f$d \ge 1\f$
    std::size_t groups = 1;             ///< \f$g\f$; divides \f$C_{in}\f$ and \f$C_{out}\f$
};

/// The 2-D options of a 1-D layer held as N×C×1×L: the 1-D geometry along the columns, nothing along
/// the rows; a Mode becomes its per-side padding for a kernel of `kernel` taps.
Conv2dOptions as_conv2d_options(const Conv1dOptions& options, std::size_t kernel);

/// Everything a layer's shapes determine, checked once by resolve_conv2d_layer.
struct LayerGeometry {
    Shape4 input;            ///< \f$N \times C_{in} \times H \times W\f$
    Shape4 weight;           ///< \f$C_{out} \times C_{in}/g \times K_h \times K_w\f$
    Shape4 output;           ///< \f$N \times C_{out} \times H_{out} \times W_{out}\f$
    Geometry2d plane;        ///< the per-plane geometry (stride, dilation, padding, output size)
    std::size_t groups = 1;  ///< \f$g\f$
    /// Input channels per group, \f$C_{in}/g\f$.
    std::size_t in_per_group() const { return input.c / groups; }
    /// Output channels per group, \f$C_{out}/g\f$.
    std::size_t out_per_group() const { return weight.n / groups; }
    /// True when every group holds one input channel (\f$g = C_{in}\f$): a depthwise layer.
    bool depthwise() const { return in_per_group() == 1 && groups == input.c; }
    /// True when both strides and both dilations are 1.
    bool unit_steps() const {
        return plane.rows.stride == 1 && plane.cols.stride == 1 && plane.rows.dilation == 1 && plane.cols.dilation == 1;
    }
    /// Multiply-adds of the direct formula: \f$N C_{out} H_{out} W_{out} (C_{in}/g) K_h K_w\f$.
    double multiply_adds() const;
    /// Two FLOPs per multiply-add: the count every GFLOP/s figure of cnnlab uses, whatever the path.
    double flops() const { return 2.0 * multiply_adds(); }
    /// "x 4×2×3×5, w 3×2×3×5, groups 1": the shapes as an error message or benchmark label gives them.
    std::string str() const;
};

/// Checks a layer's shapes and resolves its geometry. `op` names the operation in errors;
/// `bias_length` is 0 for no bias. Throws shape_error (channel mismatch, groups not dividing the
/// channels, bias of the wrong length, output size < 1) or argument_error (zero stride/dilation/groups).
LayerGeometry resolve_conv2d_layer(std::string_view op, const Shape4& input, const Shape4& weight,
                                   std::size_t bias_length, const Conv2dOptions& options);

/// How a layer is computed. Every path gives the reference's answer (tests hold them equal).
enum class LayerAlgorithm {
    automatic,          ///< pick per shape (choose_layer_algorithm)
    im2col_gemm,        ///< unfold each sample's windows (im2col) into one reused buffer, one GEMM per group
    gemm_1x1,           ///< 1×1, stride 1, no padding: the input planes already are the GEMM operand
    winograd_f2x2_3x3,  ///< Winograd \f$F(2\times2, 3\times3)\f$: 16 instead of 36 multiplies per 2×2 tile
    winograd_f4x4_3x3,  ///< Winograd \f$F(4\times4, 3\times3)\f$: 36 instead of 144 multiplies per 4×4 tile
    depthwise_direct,   ///< one channel per group: vectorized direct loops per plane
    direct,             ///< one group, no row dilation with a row stride: direct loops, no im2col matrix (few channels)
};

/// Parses "automatic", "im2col_gemm", "gemm_1x1", "winograd_f2x2_3x3", "winograd_f4x4_3x3", "depthwise_direct",
/// "direct".
LayerAlgorithm parse_layer_algorithm(std::string_view name);
/// The name parse_layer_algorithm accepts.
std::string_view layer_algorithm_name(LayerAlgorithm algorithm);
/// True when `algorithm` can compute a layer of this geometry (e.g. Winograd: 3×3, stride 1,
/// dilation 1, groups 1).
bool layer_algorithm_applies(LayerAlgorithm algorithm, const LayerGeometry& geometry);
/// The path `automatic` takes for this geometry and element type.
template <class T>
LayerAlgorithm choose_layer_algorithm(const LayerGeometry& geometry);

/// 2-D convolution layer (PyTorch `torch.nn.functional.conv2d`): see the file comment for the formula.
/// \param x       input \f$N \times C_{in} \times H \times W\f$
/// \param weight  \f$C_{out} \times C_{in}/g \times K_h \times K_w\f$
/// \param bias    \f$C_{out}\f$ values, or empty for no bias
/// \param options padding, stride, dilation and groups
/// \param algorithm the path (LayerAlgorithm::automatic: choose_layer_algorithm)
/// \throws shape_error, argument_error as resolve_conv2d_layer; argument_error when a named
/// algorithm does not apply to the shape.
template <class T>
Tensor4<T> conv2d_layer(const Tensor4<T>& x, const Tensor4<T>& weight, const arma::Col<T>& bias = {},
                        const Conv2dOptions& options = {}, LayerAlgorithm algorithm = LayerAlgorithm::automatic);

/// 1-D convolution layer (PyTorch `conv1d`, text CNNs). An N×C×L tensor is held as N×C×1×L and
/// the weight \f$C_{out} \times C_{in}/g \times K\f$ as \f$C_{out} \times C_{in}/g \times 1 \times K\f$.
template <class T>
Tensor4<T> conv1d_layer(const Tensor4<T>& x, const Tensor4<T>& weight, const arma::Col<T>& bias = {},
                        const Conv1dOptions& options = {}, LayerAlgorithm algorithm = LayerAlgorithm::automatic);

}  // namespace cnnlab

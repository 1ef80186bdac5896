/// \file
/// \brief Chapter 2 arithmetic: the shapes, parameter counts and receptive fields a layer's sizes
/// determine (nndl §5.2, d2l 多输入通道和多输出通道 / 卷积层与全连接层的对比 / 感受野).
#pragma once

#include "chapters/ch00_foundation/tensor.hpp"
#include "chapters/ch02_layers/layer.hpp"

#include <cstddef>
#include <vector>

namespace cnnlab {

/// What a conv layer holds and costs, from its geometry.
struct LayerCounts {
    Shape4 output;             ///< \f$N \times C_{out} \times H_{out} \times W_{out}\f$
    Shape4 weight;             ///< \f$C_{out} \times C_{in}/g \times K_h \times K_w\f$
    std::size_t bias = 0;      ///< \f$C_{out}\f$, or 0 without bias
    std::size_t parameters = 0;  ///< \f$P \cdot D \cdot U \cdot V + P\f$ (nndl: P output maps, D input maps, U×V kernels), /g with groups
    double multiply_adds = 0;  ///< \f$N C_{out} H_{out} W_{out} (C_{in}/g) K_h K_w\f$
};

/// Shapes and counts of a layer (input shape, weight shape, with or without bias); checks them as
/// conv2d_layer does.
LayerCounts conv2d_layer_counts(const Shape4& input, const Shape4& weight, bool bias, const Conv2dOptions& options = {});

/// Parameters of a conv layer: \f$C_{out} \cdot (C_{in}/g) \cdot K_h K_w + C_{out}\f$ (bias optional).
std::size_t conv_layer_parameters(std::size_t in_channels, std::size_t out_channels, std::size_t kernel_h,
                                  std::size_t kernel_w, std::size_t groups = 1, bool bias = true);

/// Weights of the fully connected layer joining a \f$c_1 \times h_1 \times w_1\f$ input to a
/// \f$c_2 \times h_2 \times w_2\f$ output (note 001 卷积层与全连接层的对比, no bias):
/// \f$c_1 c_2 h_1 w_1 h_2 w_2\f$.
double fully_connected_parameters(std::size_t c1, std::size_t h1, std::size_t w1, std::size_t c2, std::size_t h2,
                                  std::size_t w2);

/// Parameters of a depthwise-separable replacement of a \f$K \times K\f$, \f$C \to C'\f$ conv
/// (no bias): \f$K^2 C\f$ (depthwise) \f$+\; C C'\f$ (pointwise 1×1), against \f$K^2 C C'\f$.
std::size_t depthwise_separable_parameters(std::size_t kernel, std::size_t in_channels, std::size_t out_channels);

/// One layer of a stack along one axis, for receptive_field.
struct StackedLayer {
    std::size_t kernel = 1;    ///< \f$K\f$
    std::size_t stride = 1;    ///< \f$s\f$
    std::size_t dilation = 1;  ///< \f$d\f$
};

/// The receptive field 感受野 of one output element of a stack, along one axis.
struct ReceptiveField {
    std::size_t size = 1;  ///< \f$r_L = 1 + \sum_l (d_l(K_l - 1)) \prod_{m<l} s_m\f$ input elements
    std::size_t jump = 1;  ///< \f$\prod_l s_l\f$: input distance between neighbouring outputs
};

/// Receptive field of a stack of layers (first layer first), along one axis.
/// Two 2×2 kernels see 3 (so 3×3 = 9 inputs, d2l's z); two 3×3 see 5; three see 7.
ReceptiveField receptive_field(const std::vector<StackedLayer>& stack);

}  // namespace cnnlab

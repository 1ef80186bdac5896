/// \file
/// \brief The fast paths behind conv2d_layer, one function each (internal: called after
/// resolve_conv2d_layer has checked the shapes and layer_algorithm_applies the path).
#pragma once

#include "chapters/ch02_layers/layer.hpp"

namespace cnnlab::detail {

/// im2col + GEMM, one GEMM per sample and group on one reused buffer, the bias (empty: none) added
/// by the GEMM itself.
template <class T>
void conv2d_layer_im2col(const Tensor4<T>& x, const Tensor4<T>& weight, const arma::Col<T>& bias, const LayerGeometry& g,
                         Tensor4<T>& y);

/// 1×1, stride 1, no padding: \f$Y_n^\top = X_n^\top W^\top\f$ (+ bias) straight on the tensors' memory.
template <class T>
void conv2d_layer_1x1(const Tensor4<T>& x, const Tensor4<T>& weight, const arma::Col<T>& bias, const LayerGeometry& g,
                      Tensor4<T>& y);

/// Winograd \f$F(m\times m, 3\times3)\f$ for m = 2 or 4 (3×3, stride 1, dilation 1, groups 1, any padding),
/// the bias (empty: none) added as the tiles are written out.
template <class T>
void conv2d_layer_winograd(const Tensor4<T>& x, const Tensor4<T>& weight, const arma::Col<T>& bias,
                           const LayerGeometry& g, std::size_t m, Tensor4<T>& y);

/// Depthwise (one input channel per group, any channel multiplier): direct loops per plane, the
/// bias (empty: none) added in the same pass.
template <class T>
void conv2d_layer_depthwise(const Tensor4<T>& x, const Tensor4<T>& weight, const arma::Col<T>& bias,
                            const LayerGeometry& g, Tensor4<T>& y);

/// One group, requires direct_by_channels_applies(g): direct loops, the bias (empty: none) added as
/// the output planes are written. Stride 1 and dilation 1 with output channels that do not fill
/// 64-byte vectors run on the flattened padded plane (direct_layout.hpp); everything else through
/// conv2d_layer_direct_by_channels.
template <class T>
void conv2d_layer_direct(const Tensor4<T>& x, const Tensor4<T>& weight, const arma::Col<T>& bias, const LayerGeometry& g,
                         Tensor4<T>& y);

/// True when the channels-in-vector kernel takes the layer: one group, and dilation only where the
/// row stride is 1 (the rows of a strided layer are split into phase planes, which a dilation would
/// interleave).
bool direct_by_channels_applies(const LayerGeometry& g);

/// Output channels per vector of the channels-in-vector kernel: one 64-byte vector of sums.
template <class T>
constexpr std::size_t channel_lanes = 64 / sizeof(T);

/// True when conv2d_layer_direct runs the channels-in-vector kernel: a stride or dilation other than
/// 1, or output channels that fill whole vectors of channel_lanes.
template <class T>
bool direct_keeps_channels_in_vector(const LayerGeometry& g) {
    return !g.unit_steps() || g.output.c % channel_lanes<T> == 0;
}

/// The channels-in-vector kernel of the direct path (layer_direct_channels.cpp): each output's sums
/// held as vectors of output channels, one broadcast input value per tap.
template <class T>
void conv2d_layer_direct_by_channels(const Tensor4<T>& x, const Tensor4<T>& weight, const arma::Col<T>& bias,
                                     const LayerGeometry& g, Tensor4<T>& y);

/// Adds \f$b_p\f$ to every element of output channel \f$p\f$ (no-op for an empty bias).
template <class T>
void add_bias(const arma::Col<T>& bias, Tensor4<T>& y);

}  // namespace cnnlab::detail

/// \file
/// \brief Internal: the weight gradient of a 3×3, stride-1, dilation-1, one-group layer by
/// Winograd's F(3×3, 4×4), \f$\partial f/\partial W = G^\top [(A \delta A^\top) \odot
/// (B^\top d B)] G\f$ summed over tiles (derivation in winograd_weight.cpp).
#pragma once

#include "chapters/ch00_foundation/tensor.hpp"
#include "chapters/ch02_layers/layer.hpp"

namespace cnnlab::detail {

/// Writes \f$\partial f/\partial W\f$ (summed over the batch) into `dw` (the weight's shape, zeros).
/// Requires layer_algorithm_applies(LayerAlgorithm::winograd_f4x4_3x3, g); the caller checks.
template <class T>
void conv2d_layer_backward_weight_winograd(const Tensor4<T>& x, const Tensor4<T>& dy, const LayerGeometry& g,
                                           Tensor4<T>& dw);

}  // namespace cnnlab::detail

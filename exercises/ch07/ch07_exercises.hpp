/// \file
/// \brief Chapter 7's exercises: the functions a learner writes in ch07_exercises.cpp (the full
/// statements are there, above each stub). `cnnlab check 7` checks them.
///
/// Each exercise builds one block of a classic network 经典网络 from the layer factories of
/// chapters/ch07_networks/network.hpp (`layers::conv`, `layers::relu`, `layers::max_pool`, …) and
/// the composites `Sequential`, `Concat` and `Residual`, as d2l writes it in PyTorch. The checker
/// traces the block with `Layer::infer` (output shape, parameters, multiply-accumulates) and runs it
/// once (`initialize` + `forward`).
#pragma once

#include "chapters/ch07_networks/network.hpp"
#include "exercises/checker/learner.hpp"

#include <cstddef>
#include <memory>
#include <utility>

/// \brief Chapter 7's exercises (classic networks 经典网络): the learner's functions.
namespace cnnlab::exercises::ch07 {

/// The two widths of a two-layer Inception branch: the 1×1 reduction, then the wider conv
/// (d2l's `c2 = (96, 128)`).
using BranchWidths = std::pair<std::size_t, std::size_t>;

/// Implementation (d2l §7.2 VGG): `num_convs` 3×3 convolutions with padding 1, each followed by a
/// ReLU, the first from `in_channels`, the others from `out_channels`, then a 2×2 max pool with stride 2.
std::unique_ptr<Sequential> vgg_block(std::size_t num_convs, std::size_t in_channels, std::size_t out_channels);

/// Implementation (d2l §7.3 NiN): a convolution (kernel, stride, padding) and two 1×1 convolutions,
/// all to `out_channels`, each followed by a ReLU.
LayerPtr nin_block(std::size_t in_channels, std::size_t out_channels, std::size_t kernel, std::size_t stride,
                   std::size_t padding);

/// Implementation (d2l §7.4 GoogLeNet): the Inception block — four parallel branches concatenated
/// along the channels: 1×1 conv to `c1`; 1×1 to `c2.first`, 3×3 to `c2.second`; 1×1 to `c3.first`,
/// 5×5 to `c3.second`; 3×3 max pool (stride 1, padding 1), 1×1 to `c4`. Every conv is followed by a ReLU.
LayerPtr inception(std::size_t in_channels, std::size_t c1, BranchWidths c2, BranchWidths c3, std::size_t c4);

/// Implementation (d2l §7.6 ResNet): the residual block 残差块
/// \f$\mathrm{ReLU}(\mathrm{BN}(\mathrm{conv}(\mathrm{ReLU}(\mathrm{BN}(\mathrm{conv}(x))))) + P(x))\f$,
/// both convs 3×3 with padding 1 (the first with `stride`), the shortcut \f$P\f$ the identity or,
/// when `use_1x1conv`, a 1×1 conv with `stride`.
LayerPtr residual(std::size_t in_channels, std::size_t out_channels, bool use_1x1conv, std::size_t stride);

/// Implementation (d2l §7.7 DenseNet): a dense block 稠密块 of `num_convs` conv blocks
/// (BatchNorm, ReLU, 3×3 conv with padding 1 to `growth` channels), each block's output concatenated
/// along the channels to its input.
LayerPtr dense_block(std::size_t num_convs, std::size_t in_channels, std::size_t growth);

/// Implementation (d2l §7.7 DenseNet): the transition block 过渡层 — BatchNorm, ReLU, a 1×1 conv to
/// `out_channels`, a 2×2 average pool with stride 2.
LayerPtr transition_block(std::size_t in_channels, std::size_t out_channels);

}  // namespace cnnlab::exercises::ch07

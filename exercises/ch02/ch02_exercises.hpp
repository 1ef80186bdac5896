/// \file
/// \brief Chapter 2's exercises: the functions a learner writes in ch02_exercises.cpp (the full
/// statements are there, above each stub). `cnnlab check 2` checks them.
///
/// A multi-channel image \f$c \times h \times w\f$ is an `arma::cube` with one slice per channel:
/// `X.slice(c)` is the \f$h \times w\f$ plane of channel \f$c\f$ (PyTorch's `X[c]`).
#pragma once

#include "exercises/checker/learner.hpp"

#include <armadillo>
#include <cstddef>
#include <vector>

/// \brief Chapter 2's exercises (convolution layers): the learner's functions.
namespace cnnlab::exercises::ch02 {

/// The weights of a layer, PyTorch's \f$c_o \times c_i \times k_h \times k_w\f$: `K[o]` is the
/// \f$c_i\f$-slice cube of output channel \f$o\f$, and `K[o].slice(i)` the \f$k_h \times k_w\f$
/// kernel from input channel \f$i\f$ to output channel \f$o\f$.
using LayerWeights = std::vector<arma::cube>;

/// What one layer (or a stack of layers) costs, counted in values, for one sample.
struct LayerCost {
    std::size_t multiply_adds = 0;  ///< multiply-accumulates of the forward pass (FLOPs = 2× this)
    std::size_t parameters = 0;     ///< weights plus biases
    std::size_t activations = 0;    ///< values of every feature map involved: input, intermediate ones, output
    bool operator==(const LayerCost&) const = default;  ///< all three counts equal
};

/// A \f$k \times k\f$ layer computed directly, and the same layer behind a 1×1 bottleneck.
struct BottleneckCost {
    LayerCost direct;      ///< \f$c_{in} \to c_{out}\f$, \f$k \times k\f$
    LayerCost bottleneck;  ///< \f$c_{in} \to m\f$ 1×1, then \f$m \to c_{out}\f$ \f$k \times k\f$ (both layers together)
};

/// How a layer's cost scales (new cost / old cost) — d2l's "by what factor" questions.
struct ScalingFactors {
    double multiply_adds = 0;                  ///< channels doubled: multiply-adds
    double weights = 0;                        ///< channels doubled: weights (biases left out)
    double input_values = 0;                   ///< channels doubled: values of the input
    double output_values = 0;                  ///< channels doubled: values of the output
    double padding_doubled_multiply_adds = 0;  ///< 3×3, stride 1, 32×32 input, padding 1 → 2: multiply-adds
};

/// nndl ex 5-3 (1): a 1×1 convolution layer (no bias) written as one matrix product over the
/// channels, \f$Y_{o,ij} = \sum_c W_{oc} X_{c,ij}\f$, for `X` \f$c_i \times h \times w\f$ and `W` \f$c_o \times c_i\f$.
arma::cube conv1x1_matmul(const arma::cube& X, const arma::mat& W);

/// nndl ex 5-3 (2): parameters, multiply-adds and activations of a \f$k \times k\f$ layer
/// \f$c_{in} \to c_{out}\f$ on \f$h \times w\f$ (stride 1, "same" padding, bias), directly and
/// behind a 1×1 bottleneck to `reduced` channels.
BottleneckCost bottleneck_cost(std::size_t in_channels, std::size_t reduced, std::size_t out_channels,
                               std::size_t kernel, std::size_t height, std::size_t width);

/// d2l `corr2d_multi_in`: the valid cross-correlation of a multi-channel input with a
/// multi-channel kernel, summed over the channels: \f$Y = \sum_c K_c \otimes X_c\f$.
arma::mat corr2d_multi_in(const arma::cube& X, const arma::cube& K);

/// d2l `corr2d_multi_in_out`: one corr2d_multi_in per output channel, \f$Y_o = \sum_c K_{o,c} \otimes X_c\f$.
arma::cube corr2d_multi_in_out(const arma::cube& X, const LayerWeights& K);

/// d2l (multiple channels) ex 1: the one kernel \f$K\f$ with
/// \f$K_2 \otimes (K_1 \otimes X) = K \otimes X\f$ for every \f$X\f$ (valid cross-correlations).
arma::mat equivalent_kernel(const arma::mat& K1, const arma::mat& K2);

/// d2l (multiple channels) ex 2: multiply-adds, parameters (with bias) and activations (input +
/// output values) of a layer \f$c_i \to c_o\f$ with a `kernel`, on an `input` plane, with
/// `stride` and `padding` zeros on each side, for one sample.
LayerCost layer_cost(std::size_t in_channels, std::size_t out_channels, Size2 kernel, Size2 input, Size2 stride,
                     Size2 padding);

/// d2l (multiple channels) ex 3: the factors by which the cost changes when \f$c_i\f$ and \f$c_o\f$
/// are both doubled, and when the padding is doubled.
ScalingFactors doubling_factors();

/// im2col for a multi-channel layer input: the \f$c\,k_h k_w \times h_o w_o\f$ matrix whose element
/// \f$(u + k_h v + k_h k_w c,\; i + h_o j)\f$ is \f$\tilde X_c(i s_h + u,\; j s_w + v)\f$, with
/// \f$\tilde X\f$ the input padded by `padding` zeros on each side.
arma::mat im2col_layer(const arma::cube& X, Size2 kernel, Size2 stride, Size2 padding);

}  // namespace cnnlab::exercises::ch02

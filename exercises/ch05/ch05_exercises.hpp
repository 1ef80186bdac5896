/// \file
/// \brief Chapter 5's exercises: the functions a learner writes in ch05_exercises.cpp (the full
/// statements are there, above each stub). `cnnlab check 5` checks them.
///
/// A single plane is an `arma::mat`, a 1-D signal an `arma::vec`. Along one axis a transposed
/// convolution with stride \f$s\f$, padding \f$p\f$, dilation \f$d\f$ and output padding \f$a\f$
/// sends input cell \f$i\f$ through tap \f$u\f$ to output cell \f$i s - p + u d\f$ (PyTorch's
/// `ConvTranspose2d`), and its output has \f$(n-1)s - 2p + d(K-1) + a + 1\f$ cells.
#pragma once

#include "exercises/checker/learner.hpp"

#include <armadillo>
#include <cstddef>
#include <optional>
#include <vector>

/// \brief Chapter 5's exercises (transposed and dilated convolution 转置卷积/空洞卷积): the learner's functions.
namespace cnnlab::exercises::ch05 {

/// One stride-1 layer of a stack of dilated convolutions 空洞卷积: \f$K\f$ taps, dilation rate \f$D\f$
/// (\f$D - 1\f$ holes between neighbouring taps; PyTorch's `dilation`).
struct DilatedConv {
    std::size_t kernel = 1;    ///< \f$K \ge 1\f$
    std::size_t dilation = 1;  ///< \f$D \ge 1\f$
};

/// The answers to d2l's "the convolution input X and the transposed convolution output Z have the
/// same shape. Do they have the same value?"
enum class RoundTrip {
    same_values,      ///< (a) yes: a transposed convolution (反卷积, "deconvolution") undoes the convolution
    shared_weights,   ///< (b) not with d2l's two independent random weights, but yes when the transposed convolution reuses the convolution's weight
    shape_only,       ///< (c) no, not even with the convolution's weight: only the shape comes back, \f$\mathrm{vec}(Z) = C^\top C\, \mathrm{vec}(X)\f$ and \f$C^\top C \ne I\f$
    same_up_to_scale, ///< (d) no, but with the convolution's weight \f$Z\f$ is \f$X\f$ times a constant (the sum of the squared weights)
};

/// What computing a convolution as one matrix product \f$\mathrm{vec}(Y) = C\,\mathrm{vec}(X)\f$ costs.
struct MatmulCost {
    std::size_t entries = 0;    ///< the entries of \f$C\f$: a dense matrix-vector product's multiply-adds
    std::size_t nonzeros = 0;   ///< the entries of \f$C\f$ that hold a weight (for a kernel without zero taps): the convolution's multiply-adds
    bool operator==(const MatmulCost&) const = default;  ///< both counts equal
};

/// nndl ex 5-8: the zero padding \f$P\f$ (on each side) that keeps the size of a stride-1 dilated
/// convolution with \f$K\f$ taps and dilation rate \f$D\f$, or none when no \f$P\f$ does.
std::optional<std::size_t> same_padding(std::size_t kernel, std::size_t dilation);

/// Implementation: the output length of a transposed convolution along one axis of \f$n\f$ cells.
std::size_t transposed_size(std::size_t n, std::size_t kernel, std::size_t stride, std::size_t padding,
                            std::size_t dilation, std::size_t output_padding);

/// Implementation: the output padding \f$a \in [0, s)\f$ that makes the transposed convolution
/// (kernel \f$K\f$, stride \f$s\f$, padding \f$p\f$) of a conv's output restore the conv's input size \f$i\f$.
std::size_t restoring_output_padding(std::size_t input, std::size_t kernel, std::size_t stride, std::size_t padding);

/// Implementation (d2l Transposed Convolution): the transposed convolution of one plane by
/// scatter-add, with `stride`, no padding.
arma::mat conv_transpose_scatter(const arma::mat& z, const arma::mat& w, Size2 stride);

/// Implementation (nndl §5.5.1, 微步卷积): the transposed convolution of one plane by zero
/// insertion, padding and an ordinary convolution with the kernel turned by 180°.
arma::mat conv_transpose_by_zero_insertion(const arma::mat& z, const arma::mat& w, Size2 stride, Size2 padding);

/// Implementation (nndl §5.5.1): the matrix \f$C\f$ of a 1-D valid cross-correlation with `stride`
/// and `padding` zeros on each side, \f$y = C x\f$, for a kernel `w` and inputs of length \f$n\f$.
arma::mat strided_convolution_matrix(const arma::vec& w, std::size_t n, std::size_t stride, std::size_t padding);

/// d2l Transposed Convolution, ex 1: are the convolution input \f$X\f$ and the transposed
/// convolution output \f$Z\f$ equal?
RoundTrip round_trip_values();

/// d2l Transposed Convolution, ex 2: the size and the nonzeros of the matrix \f$C\f$ of a valid,
/// stride-1 convolution of an \f$H \times W\f$ input with a \f$K_h \times K_w\f$ kernel.
MatmulCost matmul_cost(Size2 input, Size2 kernel);

/// nndl §5.5.2: the receptive field 感受野 of one output of a stack of stride-1 dilated
/// convolutions, in input cells along one axis.
std::size_t receptive_field(const std::vector<DilatedConv>& layers);

}  // namespace cnnlab::exercises::ch05

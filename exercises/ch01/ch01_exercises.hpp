/// \file
/// \brief Chapter 1's exercises: the functions a learner writes in ch01_exercises.cpp (the full
/// statements are there, above each stub). `cnnlab check 1` checks them.
#pragma once

#include "exercises/checker/learner.hpp"

#include <armadillo>
#include <cstddef>

/// \brief Chapter 1's exercises (convolution and cross-correlation): the learner's functions.
namespace cnnlab::exercises::ch01 {

/// nndl ex 5-1 (1): the 1-D kernel \f$w\f$ whose convolution \f$y_t = \sum_k w_k x_{t-k+1}\f$
/// approximates \f$x''(t)\f$ (unit sample spacing).
arma::vec second_difference_kernel();

/// nndl ex 5-1 (2): a 3×3 kernel whose convolution approximates the Laplacian
/// \f$\nabla^2 f = \partial^2 f/\partial x^2 + \partial^2 f/\partial y^2\f$ (unit grid spacing).
arma::mat laplacian_kernel();

/// nndl ex 5-2: the wide (full) cross-correlation \f$W \tilde\otimes X\f$ of the input `X` with the
/// kernel `W`, written with loops: \f$X\f$ padded with \f$U-1\f$ zero rows and \f$V-1\f$ zero
/// columns on each side, output \f$(M+U-1)\times(N+V-1)\f$.
arma::mat wide_xcorr(const arma::mat& W, const arma::mat& X);

/// nndl ex 5-5: the 4×9 matrix \f$C\f$ with \f$\mathrm{vec}_r(W \otimes X) = C\,\mathrm{vec}_r(X)\f$
/// for a 3×3 input \f$X\f$ and the 2×2 kernel `W` (valid cross-correlation, row-by-row vec).
arma::mat conv_matrix_3x3(const arma::mat& W);

/// d2l `corr2d`: the valid 2-D cross-correlation of `X` with the kernel `K`, written with loops.
arma::mat corr2d(const arma::mat& X, const arma::mat& K);

/// d2l's edge detector: `corr2d(X, K)` for the 6×8 image of ones with zeros in columns 2–5 and
/// \f$K = [1, -1]\f$ (1×2).
arma::mat edge_output();

/// The d2l edge example with transposes (X and K as in edge_output()).
struct TransposedEdges {
    arma::mat image_transposed;   ///< corr2d(Xᵀ, K)
    arma::mat kernel_transposed;  ///< corr2d(X, Kᵀ)
    arma::mat both_transposed;    ///< corr2d(Xᵀ, Kᵀ)
};
/// d2l: what the edge detector gives when the image, the kernel or both are transposed.
TransposedEdges transposed_edge_outputs();

/// d2l padding and strides: the output shape of a 2-D cross-correlation with `padding` zeros on
/// **each** side of each axis (PyTorch's `padding=(ph, pw)`) and `stride`.
Size2 output_shape(Size2 input, Size2 kernel, Size2 padding, Size2 stride);

/// d2l's question: the output shape for an 8×8 input, kernel (3, 5), padding (0, 1), stride (3, 4).
Size2 strided_example_shape();

/// im2col for one plane, valid padding, in cnnlab's convention: column \f$i + H_o j\f$ holds the
/// window of output \f$(i, j)\f$, tap \f$(u, v)\f$ in row \f$u + U v\f$.
arma::mat im2col(const arma::mat& X, Size2 kernel, Size2 stride);

/// PyTorch's output size along one axis of length `n`, for a kernel of `k` taps, `padding` zeros on
/// each side, `stride` and `dilation` (d−1 holes between taps).
std::size_t output_size(std::size_t n, std::size_t k, std::size_t padding, std::size_t stride, std::size_t dilation);

}  // namespace cnnlab::exercises::ch01

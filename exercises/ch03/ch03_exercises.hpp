/// \file
/// \brief Chapter 3's exercises: the functions a learner writes in ch03_exercises.cpp (the full
/// statements are there, above each stub). `cnnlab check 3` checks them.
///
/// The layer of this chapter is nndl's \f$Y = W \otimes X\f$: a valid cross-correlation with stride
/// 1 of an \f$M \times N\f$ input \f$X\f$ with a \f$U \times V\f$ kernel \f$W\f$, so \f$Y\f$ and the
/// upstream gradient \f$\delta = \partial f / \partial Y\f$ are \f$(M-U+1) \times (N-V+1)\f$.
#pragma once

#include "chapters/ch02_layers/activations.hpp"
#include "exercises/checker/learner.hpp"

#include <armadillo>
#include <cstddef>
#include <functional>

/// \brief Chapter 3's exercises (the gradients of convolution): the learner's functions.
namespace cnnlab::exercises::ch03 {

/// A scalar function of a vector, \f$f : \mathbb{R}^n \to \mathbb{R}\f$: what a gradient checker differentiates.
using ScalarFunction = std::function<double(const arma::vec&)>;

/// The answers to d2l's question "what error do you see when you backpropagate through the
/// hand-made `Conv2D`?" (its `corr2d` fills `Y = zeros(...)` one element at a time, `Y[i, j] = ...`).
enum class AutogradOutcome {
    no_error,               ///< (a) no error: backward runs and the kernel's gradient is right
    inplace_not_supported,  ///< (b) "Inplace operations (+=, -=, x[:]=, etc) are not supported when recording with autograd"
    leaf_inplace,           ///< (c) "a leaf Variable that requires grad is being used in an in-place operation"
    no_grad_fn,             ///< (d) "element 0 of tensors does not require grad and does not have a grad_fn"
    shape_mismatch,         ///< (e) a shape error: Y is 6×7 but X is 6×8
};

/// nndl ex 5-7 (1-D): the \f$(n-K+1) \times n\f$ matrix \f$C\f$ with \f$w \otimes x = C x\f$ for a
/// kernel `w` of \f$K\f$ taps and an input of length `n` (valid cross-correlation, nndl §5.5.1).
arma::mat convolution_matrix(const arma::vec& w, std::size_t n);

/// nndl ex 5-7 (2-D): the backward pass of \f$Y = W \otimes X\f$ computed through the matrix,
/// \f$\partial f / \partial X = C^\top \delta\f$ with \f$\mathrm{vec}_r(Y) = C\,\mathrm{vec}_r(X)\f$,
/// folded back into an \f$M \times N\f$ matrix.
arma::mat backward_by_transpose(const arma::mat& W, const arma::mat& delta);

/// nndl §5.1.4 (2): \f$\partial f / \partial X = \mathrm{rot180}(W) \,\tilde{\otimes}\, \delta\f$
/// (the wide convolution 宽卷积), an \f$M \times N\f$ matrix.
arma::mat input_gradient(const arma::mat& W, const arma::mat& delta);

/// nndl §5.1.4 (2): \f$\partial f / \partial W = \delta \otimes X\f$, a \f$U \times V\f$ matrix.
arma::mat weight_gradient(const arma::mat& X, const arma::mat& delta);

/// The gradient of `f` at `x` by central differences, one element per parameter.
arma::vec central_difference_gradient(const ScalarFunction& f, const arma::vec& x);

/// A gradient checker: whether `analytic` is the gradient of `f` at `x`, judged by a scale-free
/// relative error against central_difference_gradient.
bool gradient_agrees(const ScalarFunction& f, const arma::vec& x, const arma::vec& analytic);

/// d2l's question, asked of MXNet (the framework d2l's text was written for).
AutogradOutcome autograd_outcome_mxnet();

/// d2l's question, asked of PyTorch (the framework the notes use).
AutogradOutcome autograd_outcome_pytorch();

/// nndl §5.3.1: \f$\delta = f'(Z) \odot \partial f / \partial A\f$ for \f$A = f(Z)\f$, element by
/// element, for the activations of Chapter 2 (`slope` is Leaky ReLU's \f$\gamma\f$).
arma::mat activation_delta(const arma::mat& z, const arma::mat& da, Activation activation, double slope);

}  // namespace cnnlab::exercises::ch03

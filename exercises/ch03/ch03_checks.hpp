/// \file
/// \brief The checks of Chapter 3's exercises. Each takes the answer as a function, so the
/// registry binds it to the learner's code and the tests can hand it a deliberately wrong one.
///
/// Every check compares with something independent of the solutions: cnnlab's backward passes
/// (cnnlab::xcorr2d_backward_input, ref::xcorr2d_backward_input/weight, cnnlab::activation_backward),
/// cnnlab's forward (xcorr1d, xcorr2d) through identities such as
/// \f$\langle Cx, \delta\rangle = \langle x, C^\top\delta\rangle\f$, exact derivatives (\f$\cos\f$,
/// \f$Ax + b\f$), literals, and random integer-valued inputs (so every sum is exact).
#pragma once

#include "exercises/ch03/ch03_exercises.hpp"
#include "exercises/checker/exercise.hpp"

#include <armadillo>
#include <cstddef>
#include <functional>
#include <string>

namespace cnnlab::exercises::ch03 {

/// 5-7.1: nndl §5.5.1's 3×5 matrix, \f$Cx\f$ = cnnlab::xcorr1d and
/// \f$C^\top\delta = \mathrm{rot180}(w) \,\tilde{\otimes}\, \delta\f$ (cnnlab::xcorr1d, full) on random sizes.
Verdict check_convolution_matrix(const std::function<arma::mat(const arma::vec&, std::size_t)>& answer);
/// 5-7.2: unit \f$\delta\f$ (a row of \f$C\f$ each), \f$\langle W \otimes X, \delta\rangle = \langle X,
/// \text{answer}\rangle\f$ with cnnlab::xcorr2d, and cnnlab::xcorr2d_backward_input, on random shapes.
Verdict check_backward_by_transpose(const std::function<arma::mat(const arma::mat&, const arma::mat&)>& answer);
/// impl-grad-input: a unit \f$\delta\f$ (the gradient is \f$W\f$ placed there), then
/// ref::xcorr2d_backward_input on random shapes; notes for a missing rot180 and a valid or same padding.
Verdict check_input_gradient(const std::function<arma::mat(const arma::mat&, const arma::mat&)>& answer);
/// impl-grad-weight: a unit \f$\delta\f$ (the gradient is a window of \f$X\f$), then
/// ref::xcorr2d_backward_weight on random shapes; notes for a rotated answer or a rotated \f$\delta\f$.
Verdict check_weight_gradient(const std::function<arma::mat(const arma::mat&, const arma::mat&)>& answer);
/// impl-grad-check.1: \f$\cos\f$ for \f$\sum \sin\f$, \f$Ax + b\f$ for a quadratic, and
/// cnnlab::xcorr2d_backward_weight for \f$\langle \delta, W \otimes X \rangle\f$, to \f$10^{-6}\f$.
Verdict check_central_difference_gradient(const std::function<arma::vec(const ScalarFunction&, const arma::vec&)>& answer);
/// impl-grad-check.2: right gradients accepted and wrong ones rejected, at scales \f$10^{-9}\f$ to
/// \f$10^{6}\f$, with zero and near-zero components.
Verdict check_gradient_agrees(const std::function<bool(const ScalarFunction&, const arma::vec&, const arma::vec&)>& answer);
/// d2l-autograd.1: MXNet refuses in-place writes while recording (choice (b)).
Verdict check_autograd_outcome_mxnet(const std::function<AutogradOutcome()>& answer);
/// d2l-autograd.2: PyTorch differentiates through the indexed writes (choice (a)).
Verdict check_autograd_outcome_pytorch(const std::function<AutogradOutcome()>& answer);
/// impl-activation-grad: cnnlab::activation_backward for every activation, on a grid with 0 and
/// \f$\pm 800\f$ and on random pre-activations; notes for \f$f'\f$ at the wrong point, a missing
/// \f$\odot\, dA\f$, ReLU'(0) and overflow.
Verdict check_activation_delta(const std::function<arma::mat(const arma::mat&, const arma::mat&, Activation, double)>& answer);

/// "(b) Inplace operations (+=, -=, x[:]=, etc) are not supported when recording with autograd": a
/// choice as the checker prints it.
std::string choice_text(AutogradOutcome choice);

/// Adds Chapter 3 and its exercises to `registry`, each check bound to the learner's function
/// (what cnnlab::exercises::register_ch03_exercises does).
void register_exercises(Registry& registry);

}  // namespace cnnlab::exercises::ch03

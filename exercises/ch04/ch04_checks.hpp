/// \file
/// \brief The checks of Chapter 4's exercises. Each takes the answer as a function, so the
/// registry binds it to the learner's code and the tests can hand it a deliberately wrong one.
///
/// Every check compares with something independent of the solutions: cnnlab's pooling
/// (cnnlab::max_pool2d, avg_pool2d, max_pool2d_backward) and its references (ref::max_pool2d_backward,
/// ref::avg_pool2d), cnnlab::conv2d_layer, central differences, operation counts of a pooling loop,
/// literals computed by hand, and random integer-valued inputs (so every sum is exact).
#pragma once

#include "exercises/ch04/ch04_exercises.hpp"
#include "exercises/checker/exercise.hpp"

#include <armadillo>
#include <cstddef>
#include <functional>
#include <string>
#include <utility>

namespace cnnlab::exercises::ch04 {

/// The checker's door into Real: makes the numbers it hands to an answer and reads the result.
struct RealAccess {
    /// A Real holding `value`.
    static Real make(double value) { return Real(value); }
    /// The value of `r`.
    static double value(Real r) { return r.value_; }
};

/// 5-6.1: a literal window, central differences and cnnlab::max_pool2d_backward on windows without
/// ties; at ties, any subgradient (non-negative weights on the tied maxima summing to 1).
Verdict check_max_gradient(const std::function<arma::mat(const arma::mat&)>& answer);
/// 5-6.2: zero (choice (a)), with the central differences of argmax measured at a point without ties.
Verdict check_argmax_gradient_unique(const std::function<ArgmaxGradient()>& answer);
/// 5-6.3: undefined (choice (d)), with the difference quotient of argmax measured growing as
/// \f$1/(2h)\f$ at a tie.
Verdict check_argmax_gradient_at_tie(const std::function<ArgmaxGradient()>& answer);
/// d2l-avg-as-conv: cnnlab::conv2d_layer with the answer against cnnlab::avg_pool2d (and a literal)
/// on random shapes, 1 to 4 channels, batch 1 and 2.
Verdict check_avg_pool_as_conv(const std::function<PoolAsConv(std::size_t, Size2)>& answer);
/// d2l-max-not-conv: cnnlab::max_pool2d of \f$a + b\f$ differs from the sum somewhere.
Verdict check_max_pool_counterexample(const std::function<std::pair<arma::mat, arma::mat>()>& answer);
/// d2l-max-relu.1: std::max on pairs of every sign, equal pairs, and random pairs.
Verdict check_max_by_relu(const std::function<Real(Real, Real)>& answer);
/// d2l-max-relu.2: cnnlab::max_pool2d of the 2×2 window, with the maximum at each position, negative
/// values, ties and random windows.
Verdict check_window_max_by_relu(const std::function<Real(Real, Real, Real, Real)>& answer);
/// d2l-pool-cost: literals, a closed formula and the operations counted by a max and an average
/// pooling loop (itself checked against cnnlab::max_pool2d and avg_pool2d), on classic layers and
/// random shapes with padding.
Verdict check_pooling_cost(const std::function<PoolCost(std::size_t, std::size_t, Size2, Size2, Size2, Size2)>& answer);
/// impl-maxpool-backward: two literals (disjoint and overlapping windows), then ref::max_pool2d_backward
/// and cnnlab::max_pool2d_backward on random shapes with and without ties.
Verdict check_max_pool_backward(const std::function<arma::mat(const arma::mat&, const arma::mat&, Size2, Size2)>& answer);
/// impl-avgpool-padding: d2l's literal and a padded literal both ways, then ref::avg_pool2d on random
/// shapes with padding, count_include_pad true and false.
Verdict check_avg_pool(const std::function<arma::mat(const arma::mat&, Size2, Size2, Size2, bool)>& answer);

/// "(a) the zero vector": a choice as the checker prints it.
std::string choice_text(ArgmaxGradient choice);

/// Adds Chapter 4 and its exercises to `registry`, each check bound to the learner's function
/// (what cnnlab::exercises::register_ch04_exercises does).
void register_exercises(Registry& registry);

}  // namespace cnnlab::exercises::ch04

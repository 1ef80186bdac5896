/// \file
/// \brief The checks of Chapter 2's exercises. Each takes the answer as a function, so the
/// registry binds it to the learner's code and the tests can hand it a deliberately wrong one.
///
/// Every check compares with something independent of the solutions: the reference layer
/// ref::conv2d_layer, cnnlab's library (conv2d_layer_counts, im2col), literals computed by hand,
/// and random integer-valued inputs (so every sum is exact).
#pragma once

#include "exercises/ch02/ch02_exercises.hpp"
#include "exercises/checker/exercise.hpp"

#include <armadillo>
#include <cstddef>
#include <functional>

namespace cnnlab::exercises::ch02 {

/// 5-3.1: a literal 2 → 3 channel case, then ref::conv2d_layer with 1×1 weights on random shapes.
Verdict check_conv1x1_matmul(const std::function<arma::cube(const arma::cube&, const arma::mat&)>& answer);
/// 5-3.2: GoogLeNet's 5×5 branch of Inception (3a) written out, then cnnlab::conv2d_layer_counts over a grid.
Verdict check_bottleneck_cost(
    const std::function<BottleneckCost(std::size_t, std::size_t, std::size_t, std::size_t, std::size_t, std::size_t)>& answer);
/// d2l-multi-in: d2l's [[56,72],[104,120]], then ref::conv2d_layer (one output channel) on random shapes.
Verdict check_corr2d_multi_in(const std::function<arma::mat(const arma::cube&, const arma::cube&)>& answer);
/// d2l-multi-in-out: d2l's K, K+1, K+2 example, then ref::conv2d_layer on random shapes.
Verdict check_corr2d_multi_in_out(const std::function<arma::cube(const arma::cube&, const LayerWeights&)>& answer);
/// d2l-stacked-kernels: a literal, the impulse response of two stacked ref::conv2d_layer calls, and
/// \f$K \otimes X = K_2 \otimes (K_1 \otimes X)\f$ on random inputs.
Verdict check_equivalent_kernel(const std::function<arma::mat(const arma::mat&, const arma::mat&)>& answer);
/// d2l-layer-cost: AlexNet's conv1 and note 001's Conv2d(2, 3, (3, 5), padding=(1, 2)) written out,
/// then cnnlab::conv2d_layer_counts over a grid.
Verdict check_layer_cost(const std::function<LayerCost(std::size_t, std::size_t, Size2, Size2, Size2, Size2)>& answer);
/// d2l-doubling: 4, 4, 2, 2 and 34²/32², each the ratio of two cnnlab::conv2d_layer_counts.
Verdict check_doubling_factors(const std::function<ScalingFactors()>& answer);
/// impl-im2col-layer: a literal, cnnlab::im2col per channel stacked, then
/// \f$W_{mat} \cdot \mathrm{im2col}\f$ = ref::conv2d_layer on random shapes with stride and padding.
Verdict check_im2col_layer(const std::function<arma::mat(const arma::cube&, Size2, Size2, Size2)>& answer);

/// Adds Chapter 2 and its exercises to `registry`, each check bound to the learner's function
/// (what cnnlab::exercises::register_ch02_exercises does).
void register_exercises(Registry& registry);

}  // namespace cnnlab::exercises::ch02

/// \file
/// \brief The checks of Chapter 1's exercises. Each takes the answer as a function, so the
/// registry binds it to the learner's code and the tests can hand it a deliberately wrong one.
///
/// Every check compares with something independent of the solutions: cnnlab's library, literals
/// computed by hand, identities, and random integer-valued inputs (so sums are exact).
#pragma once

#include "exercises/ch01/ch01_exercises.hpp"
#include "exercises/checker/exercise.hpp"

#include <armadillo>
#include <cstddef>
#include <functional>

namespace cnnlab::exercises::ch01 {

/// 5-1.1: an odd number of taps; \f$w * t^2\f$ is exactly 2; \f$w * \sin(th)/h^2 \approx -\sin\f$.
Verdict check_second_difference_kernel(const std::function<arma::vec()>& answer);
/// 5-1.2: 3×3; conv2d on \f$x^2+y^2\f$ gives 4 and on a cubic its exact Laplacian.
Verdict check_laplacian_kernel(const std::function<arma::mat()>& answer);
/// 5-2: equals cnnlab::xcorr2d in `full` mode on random shapes; then nndl (5.13) with it.
Verdict check_wide_xcorr(const std::function<arma::mat(const arma::mat&, const arma::mat&)>& answer);
/// 5-5: 4×9; the zero pattern of nndl's answer; \f$C\,\mathrm{vec}_r(X)\f$ = cnnlab::xcorr2d.
Verdict check_conv_matrix_3x3(const std::function<arma::mat(const arma::mat&)>& answer);
/// d2l-corr2d: d2l's literal, then cnnlab::xcorr2d on random shapes.
Verdict check_corr2d(const std::function<arma::mat(const arma::mat&, const arma::mat&)>& answer);
/// d2l-edge: the literal 6×7 output (1 in column 1, −1 in column 5).
Verdict check_edge_output(const std::function<arma::mat()>& answer);
/// d2l-edge-transposed: zeros 8×5, zeros 5×8, and the transposed output.
Verdict check_transposed_edge_outputs(const std::function<TransposedEdges()>& answer);
/// d2l-output-shape: d2l's example, then cnnlab::resolve_geometry over a grid.
Verdict check_output_shape(const std::function<Size2(Size2, Size2, Size2, Size2)>& answer);
/// d2l-stride-question: 2×2.
Verdict check_strided_example_shape(const std::function<Size2()>& answer);
/// impl-im2col: a literal, then cnnlab::im2col on random shapes and strides.
Verdict check_im2col(const std::function<arma::mat(const arma::mat&, Size2, Size2)>& answer);
/// impl-output-size: literals (AlexNet conv1, ResNet stem), then cnnlab::resolve_geometry over a grid.
Verdict check_output_size(const std::function<std::size_t(std::size_t, std::size_t, std::size_t, std::size_t, std::size_t)>& answer);

/// Adds Chapter 1 and its exercises to `registry`, each check bound to the learner's function
/// (what cnnlab::exercises::register_ch01_exercises does).
void register_exercises(Registry& registry);

}  // namespace cnnlab::exercises::ch01

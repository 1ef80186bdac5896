/// \file
/// \brief The checks of Chapter 5's exercises. Each takes the answer as a function, so the
/// registry binds it to the learner's code and the tests can hand it a deliberately wrong one.
///
/// Every check compares with something independent of the solutions: cnnlab's transposed
/// convolution (cnnlab::conv_transpose2d, conv_transpose1d) and convolution layers
/// (cnnlab::conv2d_layer, conv1d_layer), the reference ref::convolution_matrix, the output sizes
/// those functions produce, impulse responses measured through them, d2l's literals, and random
/// integer-valued inputs (so every sum is exact).
#pragma once

#include "exercises/ch05/ch05_exercises.hpp"
#include "exercises/checker/exercise.hpp"

#include <armadillo>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cnnlab::exercises::ch05 {

/// 5-8: on a grid of kernel sizes and dilation rates (note 003's K = 3, D = 2 first), the padding
/// whose stride-1 cnnlab::conv2d_layer keeps the width of inputs of several lengths — or none.
Verdict check_same_padding(const std::function<std::optional<std::size_t>(std::size_t, std::size_t)>& answer);
/// impl-tconv-size: d2l's sizes, then the output shape of cnnlab::conv_transpose2d on a grid of
/// (n, K, s, p, d, a) with \f$a < \max(s, d)\f$.
Verdict check_transposed_size(
    const std::function<std::size_t(std::size_t, std::size_t, std::size_t, std::size_t, std::size_t, std::size_t)>& answer);
/// impl-output-padding: cnnlab::conv2d_layer maps \f$i\f$ cells to \f$o\f$; cnnlab::conv_transpose2d
/// with the answer's output padding must map \f$o\f$ back to \f$i\f$ (d2l's 16, 17, 18, then a grid).
Verdict check_restoring_output_padding(const std::function<std::size_t(std::size_t, std::size_t, std::size_t, std::size_t)>& answer);
/// impl-tconv-scatter: d2l's two literals (stride 1 and 2), then cnnlab::conv_transpose2d on random
/// shapes and strides.
Verdict check_conv_transpose_scatter(const std::function<arma::mat(const arma::mat&, const arma::mat&, Size2)>& answer);
/// impl-tconv-as-conv: d2l's padded literal ([[4]]), then cnnlab::conv_transpose2d on random
/// shapes, strides and paddings \f$p \le K - 1\f$.
Verdict check_conv_transpose_by_zero_insertion(
    const std::function<arma::mat(const arma::mat&, const arma::mat&, Size2, Size2)>& answer);
/// impl-tconv-matrix: note 003's 3×5 C and a strided, padded literal; then each column against the
/// response of cnnlab::conv1d_layer to a unit input, and \f$C^\top z\f$ against cnnlab::conv_transpose1d.
Verdict check_strided_convolution_matrix(
    const std::function<arma::mat(const arma::vec&, std::size_t, std::size_t, std::size_t)>& answer);
/// d2l-round-trip: choice (c), with \f$\|Z - X\| / \|X\|\f$ measured on d2l's layer through
/// cnnlab::conv2d_layer and cnnlab::conv_transpose2d, with independent and with shared weights.
Verdict check_round_trip_values(const std::function<RoundTrip()>& answer);
/// d2l-matmul-cost: d2l's 4×9 C, then the shape and the nonzeros of ref::convolution_matrix on a grid.
Verdict check_matmul_cost(const std::function<MatmulCost(Size2, Size2)>& answer);
/// impl-dilated-field: the inputs that move one output of a stack of cnnlab::conv1d_layer with
/// dilation, found by feeding unit inputs (single layers, WaveNet's doubling rates, gridding stacks,
/// random stacks).
Verdict check_receptive_field(const std::function<std::size_t(const std::vector<DilatedConv>&)>& answer);

/// "(c) no, …": a choice as the checker prints it.
std::string choice_text(RoundTrip choice);

/// Adds Chapter 5 and its exercises to `registry`, each check bound to the learner's function
/// (what cnnlab::exercises::register_ch05_exercises does).
void register_exercises(Registry& registry);

}  // namespace cnnlab::exercises::ch05

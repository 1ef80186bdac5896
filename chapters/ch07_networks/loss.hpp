/// \file
/// \brief The softmax cross-entropy loss 交叉熵损失 of a classifier, computed stably, and its gradient.
///
/// For logits \f$z_n \in \mathbb{R}^K\f$ and labels \f$y_n\f$ of a batch of \f$N\f$:
/// \f[ L = \frac{1}{N}\sum_n \Big(\log\sum_k e^{z_{nk}} - z_{n y_n}\Big), \qquad
///     \frac{\partial L}{\partial z_{nk}} = \frac{1}{N}\big(p_{nk} - [k = y_n]\big), \quad
///     p_{nk} = \frac{e^{z_{nk}}}{\sum_j e^{z_{nj}}}. \f]
/// The log-sum-exp is taken after subtracting \f$\max_k z_{nk}\f$, so large logits do not overflow
/// (\f$e^{1000}\f$) and very negative ones do not all underflow to a \f$\log 0\f$.
#pragma once

#include "chapters/ch00_foundation/tensor.hpp"

#include <cstddef>
#include <vector>

namespace cnnlab {

/// What the forward pass gives: the mean loss and the softmax probabilities (kept for the backward pass).
template <class T>
struct SoftmaxCrossEntropy {
    T loss{};                  ///< \f$L\f$, the mean over the batch
    Tensor4<T> probabilities;  ///< \f$p\f$, N×K×1×1
};

/// The mean softmax cross-entropy of `logits` (N×K×1×1, as a Linear layer gives them) against `labels`.
/// \throws shape_error when the logits are not N×K×1×1 with N, K ≥ 1 or the label count is not N;
/// argument_error for a label ≥ K
template <class T>
SoftmaxCrossEntropy<T> softmax_cross_entropy(const Tensor4<T>& logits, const std::vector<std::size_t>& labels);

/// \f$\partial L/\partial z = (p - \mathrm{onehot}(y))/N\f$ from the forward pass's probabilities.
/// \throws shape_error / argument_error as softmax_cross_entropy
template <class T>
Tensor4<T> softmax_cross_entropy_backward(const Tensor4<T>& probabilities, const std::vector<std::size_t>& labels);

namespace detail {
/// The argument checks shared by the optimized op and its reference (`op` names the caller).
void check_classification(const char* op, const Shape4& logits, const std::vector<std::size_t>& labels);
}  // namespace detail

}  // namespace cnnlab

/// \file
/// \brief Chapter 7 reference: the softmax cross-entropy loss, term by term as its formula, in long
/// double (same names and signatures as chapters/ch07_networks/loss.hpp, messages prefixed `ref::`).
#pragma once

#include "chapters/ch07_networks/loss.hpp"

#include <algorithm>
#include <cmath>

namespace cnnlab::ref {

/// \f[ L = \frac{1}{N}\sum_n \Big(m_n + \log\sum_k e^{z_{nk} - m_n} - z_{n y_n}\Big), \quad m_n = \max_k z_{nk},
/// \qquad p_{nk} = e^{z_{nk} - m_n} \Big/ \sum_j e^{z_{nj} - m_n}. \f]
template <class T>
SoftmaxCrossEntropy<T> softmax_cross_entropy(const Tensor4<T>& logits, const std::vector<std::size_t>& labels) {
    cnnlab::detail::check_classification("ref::softmax_cross_entropy", logits.shape(), labels);
    const std::size_t N = logits.shape().n, K = logits.shape().c;
    SoftmaxCrossEntropy<T> out{T(0), Tensor4<T>(logits.shape())};
    long double total = 0;
    for (std::size_t n = 0; n < N; ++n) {
        long double m = logits(n, 0, 0, 0);
        for (std::size_t k = 1; k < K; ++k) m = std::max(m, (long double)logits(n, k, 0, 0));
        long double sum = 0;
        for (std::size_t k = 0; k < K; ++k) sum += std::exp((long double)logits(n, k, 0, 0) - m);
        for (std::size_t k = 0; k < K; ++k) out.probabilities(n, k, 0, 0) = T(std::exp((long double)logits(n, k, 0, 0) - m) / sum);
        total += m + std::log(sum) - (long double)logits(n, labels[n], 0, 0);
    }
    out.loss = T(total / (long double)N);
    return out;
}

/// \f[ \frac{\partial L}{\partial z_{nk}} = \frac{1}{N}\big(p_{nk} - [k = y_n]\big). \f]
template <class T>
Tensor4<T> softmax_cross_entropy_backward(const Tensor4<T>& probabilities, const std::vector<std::size_t>& labels) {
    cnnlab::detail::check_classification("ref::softmax_cross_entropy_backward", probabilities.shape(), labels);
    const std::size_t N = probabilities.shape().n, K = probabilities.shape().c;
    Tensor4<T> dz(probabilities.shape());
    for (std::size_t n = 0; n < N; ++n)
        for (std::size_t k = 0; k < K; ++k)
            dz(n, k, 0, 0) = (probabilities(n, k, 0, 0) - (k == labels[n] ? T(1) : T(0))) / T(N);
    return dz;
}

}  // namespace cnnlab::ref

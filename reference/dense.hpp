/// \file
/// \brief Chapter 7 references: the fully connected layer 全连接层 and 2-D batch normalization
/// 批量规范化, forward and backward, loop for loop as their formulas (PyTorch's semantics).
///
/// Same names and signatures as the optimized chapters/ch07_networks/dense_ops.hpp, and the same
/// argument checks (messages prefixed `ref::`). Feature vectors are N×F×1×1 tensors; a linear weight
/// is out×in. Batch-norm sums over a channel's \f$M = NHW\f$ values are accumulated in double.
#pragma once

#include "chapters/ch00_foundation/tensor.hpp"
#include "chapters/ch07_networks/dense_ops.hpp"
#include "reference/mac_counter.hpp"

#include <armadillo>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace cnnlab::ref {

/// The fully connected layer, sample by sample and output by output:
/// \f[ y_{n,o} = b_o + \sum_{i} W_{oi}\, x_{n,i} \f]
/// (\f$b_o = 0\f$ without bias).
/// \param x      N×in×1×1
/// \param weight out×in
/// \param bias   empty or out elements
/// \returns N×out×1×1
/// \throws shape_error as cnnlab::linear
template <class T>
Tensor4<T> linear(const Tensor4<T>& x, const arma::Mat<T>& weight, const arma::Col<T>& bias = {}) {
    const Shape4 out_shape = cnnlab::detail::check_linear("ref::linear", x.shape(), weight.n_rows, weight.n_cols, bias.n_elem);
    const std::size_t batch = x.shape().n, outputs = weight.n_rows, inputs = weight.n_cols;
    Tensor4<T> y(out_shape);
    MacCounter* const counter = MacCounter::active();  // null unless someone counts (Chapter 6)
    for (std::size_t n = 0; n < batch; ++n)
        for (std::size_t o = 0; o < outputs; ++o) {
            T sum = bias.is_empty() ? T(0) : bias(o);
            std::uint64_t taps = 0;
            for (std::size_t i = 0; i < inputs; ++i) {
                sum += weight(o, i) * x(n, i, 0, 0);
                if (counter) ++taps;
            }
            y(n, o, 0, 0) = sum;
            if (counter) counter->add(taps);
        }
    return y;
}

/// The input gradient of linear:
/// \f[ \frac{\partial f}{\partial x_{n,i}} = \sum_o W_{oi}\, \delta_{n,o}. \f]
/// \param weight out×in
/// \param dy     \f$\delta\f$, N×out×1×1
/// \returns N×in×1×1
/// \throws shape_error as cnnlab::linear_backward_input
template <class T>
Tensor4<T> linear_backward_input(const arma::Mat<T>& weight, const Tensor4<T>& dy) {
    cnnlab::detail::check_linear_backward_input("ref::linear_backward_input", weight.n_rows, weight.n_cols, dy.shape());
    const std::size_t batch = dy.shape().n, outputs = weight.n_rows, inputs = weight.n_cols;
    Tensor4<T> dx(Shape4{batch, inputs, 1, 1});
    for (std::size_t n = 0; n < batch; ++n)
        for (std::size_t i = 0; i < inputs; ++i)
            for (std::size_t o = 0; o < outputs; ++o) dx(n, i, 0, 0) += weight(o, i) * dy(n, o, 0, 0);
    return dx;
}

/// The weight gradient of linear:
/// \f[ \frac{\partial f}{\partial W_{oi}} = \sum_n \delta_{n,o}\, x_{n,i}. \f]
/// \param x  N×in×1×1
/// \param dy \f$\delta\f$, N×out×1×1
/// \returns out×in
/// \throws shape_error as cnnlab::linear_backward_weight
template <class T>
arma::Mat<T> linear_backward_weight(const Tensor4<T>& x, const Tensor4<T>& dy) {
    cnnlab::detail::check_linear_backward_weight("ref::linear_backward_weight", x.shape(), dy.shape());
    const std::size_t batch = x.shape().n, outputs = dy.shape().c, inputs = x.shape().c;
    arma::Mat<T> dw(outputs, inputs, arma::fill::zeros);
    for (std::size_t o = 0; o < outputs; ++o)
        for (std::size_t i = 0; i < inputs; ++i)
            for (std::size_t n = 0; n < batch; ++n) dw(o, i) += dy(n, o, 0, 0) * x(n, i, 0, 0);
    return dw;
}

/// The bias gradient of linear:
/// \f[ \frac{\partial f}{\partial b_o} = \sum_n \delta_{n,o}. \f]
/// \param dy \f$\delta\f$, N×out×1×1
/// \returns out elements
/// \throws shape_error as cnnlab::linear_backward_bias
template <class T>
arma::Col<T> linear_backward_bias(const Tensor4<T>& dy) {
    cnnlab::detail::check_linear_backward_bias("ref::linear_backward_bias", dy.shape());
    arma::Col<T> db(dy.shape().c, arma::fill::zeros);
    for (std::size_t o = 0; o < dy.shape().c; ++o)
        for (std::size_t n = 0; n < dy.shape().n; ++n) db(o) += dy(n, o, 0, 0);
    return db;
}

/// Batch normalization with the running statistics (PyTorch's `eval()` mode), element by element:
/// \f[ y_{n,c,h,w} = \gamma_c\, \frac{x_{n,c,h,w} - \hat\mu_c}{\sqrt{\hat\sigma_c^2 + \epsilon}} + \beta_c. \f]
/// \throws shape_error, argument_error as cnnlab::batch_norm2d_inference
template <class T>
Tensor4<T> batch_norm2d_inference(const Tensor4<T>& x, const arma::Col<T>& gamma, const arma::Col<T>& beta,
                                  const arma::Col<T>& running_mean, const arma::Col<T>& running_var,
                                  std::type_identity_t<T> eps = T(1e-5)) {
    const Shape4& s = x.shape();
    cnnlab::detail::check_batch_norm2d_inference("ref::batch_norm2d_inference", s, gamma.n_elem, beta.n_elem,
                                         running_mean.n_elem, running_var.n_elem, double(eps));
    cnnlab::detail::check_running_var_values("ref::batch_norm2d_inference", running_var);
    Tensor4<T> y(s);
    for (std::size_t n = 0; n < s.n; ++n)
        for (std::size_t c = 0; c < s.c; ++c)
            for (std::size_t h = 0; h < s.h; ++h)
                for (std::size_t w = 0; w < s.w; ++w)
                    y(n, c, h, w) = gamma(c) * (x(n, c, h, w) - running_mean(c)) / std::sqrt(running_var(c) + eps) +
                                    beta(c);
    return y;
}

/// Batch normalization with the batch's statistics (PyTorch's `train()` mode), \f$M = NHW\f$:
/// \f[ \mu_c = \frac{1}{M} \sum_{n,h,w} x_{n,c,h,w}, \qquad
///     \sigma_c^2 = \frac{1}{M} \sum_{n,h,w} (x_{n,c,h,w} - \mu_c)^2, \qquad
///     y_{n,c,h,w} = \gamma_c\, \frac{x_{n,c,h,w} - \mu_c}{\sqrt{\sigma_c^2 + \epsilon}} + \beta_c, \f]
/// also recording \f$1/\sqrt{\sigma_c^2 + \epsilon}\f$ and the unbiased \f$\frac{M}{M-1}\sigma_c^2\f$.
/// \throws shape_error, argument_error as cnnlab::batch_norm2d_training
template <class T>
BatchNormTraining<T> batch_norm2d_training(const Tensor4<T>& x, const arma::Col<T>& gamma, const arma::Col<T>& beta,
                                           std::type_identity_t<T> eps = T(1e-5)) {
    const Shape4& s = x.shape();
    cnnlab::detail::check_batch_norm2d_training("ref::batch_norm2d_training", s, gamma.n_elem, beta.n_elem, double(eps));
    const double count = double(s.n * s.h * s.w);
    BatchNormTraining<T> result{Tensor4<T>(s), arma::Col<T>(s.c), arma::Col<T>(s.c), arma::Col<T>(s.c)};
    for (std::size_t c = 0; c < s.c; ++c) {
        double sum = 0;
        for (std::size_t n = 0; n < s.n; ++n)
            for (std::size_t h = 0; h < s.h; ++h)
                for (std::size_t w = 0; w < s.w; ++w) sum += x(n, c, h, w);
        const double mean = sum / count;
        double squares = 0;
        for (std::size_t n = 0; n < s.n; ++n)
            for (std::size_t h = 0; h < s.h; ++h)
                for (std::size_t w = 0; w < s.w; ++w) squares += (x(n, c, h, w) - mean) * (x(n, c, h, w) - mean);
        const double variance = squares / count;
        const double inv_std = 1 / std::sqrt(variance + double(eps));
        for (std::size_t n = 0; n < s.n; ++n)
            for (std::size_t h = 0; h < s.h; ++h)
                for (std::size_t w = 0; w < s.w; ++w)
                    result.y(n, c, h, w) = T(gamma(c) * (x(n, c, h, w) - mean) * inv_std + beta(c));
        result.mean(c) = T(mean);
        result.inv_std(c) = T(inv_std);
        result.unbiased_var(c) = T(variance * count / (count - 1));
    }
    return result;
}

/// PyTorch's running-statistics update, channel by channel:
/// \f[ \hat\mu_c \leftarrow (1 - m)\,\hat\mu_c + m\,\mu_c, \qquad
///     \hat\sigma_c^2 \leftarrow (1 - m)\,\hat\sigma_c^2 + m\,\tfrac{M}{M-1}\sigma_c^2. \f]
/// \throws shape_error, argument_error as cnnlab::update_running_stats
template <class T>
void update_running_stats(arma::Col<T>& running_mean, arma::Col<T>& running_var, const BatchNormTraining<T>& batch,
                          std::type_identity_t<T> momentum = T(0.1)) {
    cnnlab::detail::check_running_stats("ref::update_running_stats", running_mean.n_elem, running_var.n_elem,
                                batch.mean.n_elem, batch.unbiased_var.n_elem, double(momentum));
    for (std::size_t c = 0; c < running_mean.n_elem; ++c) {
        running_mean(c) = (1 - momentum) * running_mean(c) + momentum * batch.mean(c);
        running_var(c) = (1 - momentum) * running_var(c) + momentum * batch.unbiased_var(c);
    }
}

/// The backward pass of ref::batch_norm2d_training through the batch statistics, with
/// \f$\hat x = (x - \mu_c) / \sqrt{\sigma_c^2 + \epsilon}\f$ and sums over a channel's \f$M = NHW\f$ positions:
/// \f[ \frac{\partial f}{\partial \beta_c} = \sum_{n,h,w} \delta_{n,c,h,w}, \qquad
///     \frac{\partial f}{\partial \gamma_c} = \sum_{n,h,w} \delta_{n,c,h,w}\, \hat x_{n,c,h,w}, \f]
/// \f[ \frac{\partial f}{\partial x_{n,c,h,w}} = \frac{\gamma_c}{M\sqrt{\sigma_c^2 + \epsilon}}
///     \left( M\,\delta_{n,c,h,w} - \frac{\partial f}{\partial \beta_c}
///            - \hat x_{n,c,h,w}\, \frac{\partial f}{\partial \gamma_c} \right). \f]
/// \throws shape_error as cnnlab::batch_norm2d_backward
template <class T>
BatchNormGradients<T> batch_norm2d_backward(const Tensor4<T>& x, const Tensor4<T>& dy, const arma::Col<T>& gamma,
                                            const BatchNormTraining<T>& saved) {
    const Shape4& s = x.shape();
    cnnlab::detail::check_batch_norm2d_backward("ref::batch_norm2d_backward", s, dy.shape(), gamma.n_elem, saved.mean.n_elem,
                                        saved.inv_std.n_elem);
    const double count = double(s.n * s.h * s.w);
    BatchNormGradients<T> grads{Tensor4<T>(s), arma::Col<T>(s.c), arma::Col<T>(s.c)};
    for (std::size_t c = 0; c < s.c; ++c) {
        const double mean = saved.mean(c), inv_std = saved.inv_std(c);
        auto x_hat = [&](std::size_t n, std::size_t h, std::size_t w) { return (x(n, c, h, w) - mean) * inv_std; };
        double dbeta = 0, dgamma = 0;
        for (std::size_t n = 0; n < s.n; ++n)
            for (std::size_t h = 0; h < s.h; ++h)
                for (std::size_t w = 0; w < s.w; ++w) {
                    dbeta += dy(n, c, h, w);
                    dgamma += dy(n, c, h, w) * x_hat(n, h, w);
                }
        for (std::size_t n = 0; n < s.n; ++n)
            for (std::size_t h = 0; h < s.h; ++h)
                for (std::size_t w = 0; w < s.w; ++w)
                    grads.dx(n, c, h, w) =
                        T(gamma(c) * inv_std / count * (count * dy(n, c, h, w) - dbeta - x_hat(n, h, w) * dgamma));
        grads.dbeta(c) = T(dbeta);
        grads.dgamma(c) = T(dgamma);
    }
    return grads;
}

}  // namespace cnnlab::ref

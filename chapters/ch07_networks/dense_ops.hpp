/// \file
/// \brief Chapter 7: the fully connected layer 全连接层 (PyTorch `Linear`) and 2-D batch
/// normalization 批量规范化 (PyTorch `BatchNorm2d`), forward and backward, with PyTorch's semantics.
///
/// \par Linear
/// The input is a batch of feature vectors held as an N×in×1×1 Tensor4 (after Flatten); the weight is
/// out×in (PyTorch's layout), the bias empty or of length out:
/// \f[ y_n = W x_n + b, \qquad y_{n,o} = b_o + \sum_i W_{oi}\, x_{n,i}. \f]
/// In memory (chapters/ch00_foundation/tensor.hpp) an N×F×1×1 tensor is a column-major F×N matrix,
/// one sample per column, so the whole batch is the single GEMM \f$Y = W X\f$ on zero-copy views, and
/// the gradients are \f$\partial f/\partial X = W^\top \delta\f$,
/// \f$\partial f/\partial W = \delta X^\top\f$ and \f$\partial f/\partial b = \sum_n \delta_n\f$.
///
/// \par BatchNorm2d
/// Each channel \f$c\f$ is normalized over the \f$M = N H W\f$ values it has in the batch, then
/// scaled and shifted by the learnable \f$\gamma_c, \beta_c\f$:
/// \f[ y = \gamma_c\, \frac{x - \mu_c}{\sqrt{\sigma_c^2 + \epsilon}} + \beta_c. \f]
/// In training mode (batch_norm2d_training) \f$\mu_c, \sigma_c^2\f$ are the batch's mean and
/// *biased* variance (divided by \f$M\f$); update_running_stats then moves the running estimates
/// toward the batch's mean and *unbiased* variance (divided by \f$M - 1\f$), as PyTorch does. In
/// inference mode (batch_norm2d_inference, PyTorch's `eval()`) the running estimates take their place.
/// Channel sums are accumulated in double, also for float tensors.
///
/// The references are in reference/dense.hpp (namespace cnnlab::ref), with the same signatures;
/// the tests hold them equal and check every backward by central finite differences.
#pragma once

#include "chapters/ch00_foundation/tensor.hpp"

#include <armadillo>
#include <cstddef>
#include <string_view>
#include <type_traits>

namespace cnnlab {

/// The fully connected layer \f$y_n = W x_n + b\f$ on a batch of feature vectors.
/// Runs as one GEMM \f$Y = W X\f$ (Armadillo → BLAS) on zero-copy views of the tensors' memory, the
/// bias added to each column.
/// \param x      N×in×1×1 (flatten a feature map first)
/// \param weight out×in, PyTorch's layout
/// \param bias   empty (no bias) or out elements
/// \returns N×out×1×1
/// \throws shape_error when x is not N×in×1×1 for the weight's in, or the bias has neither 0 nor out elements
template <class T>
Tensor4<T> linear(const Tensor4<T>& x, const arma::Mat<T>& weight, const arma::Col<T>& bias = {});

/// \f$\partial f/\partial X = W^\top \delta\f$ of linear, sample by sample
/// \f$\partial f/\partial x_{n,i} = \sum_o W_{oi}\, \delta_{n,o}\f$ (one GEMM).
/// \param weight the forward's out×in weight
/// \param dy     \f$\delta = \partial f/\partial Y\f$, N×out×1×1
/// \returns N×in×1×1
/// \throws shape_error when dy is not N×out×1×1
template <class T>
Tensor4<T> linear_backward_input(const arma::Mat<T>& weight, const Tensor4<T>& dy);

/// \f$\partial f/\partial W = \delta X^\top\f$ of linear,
/// \f$\partial f/\partial W_{oi} = \sum_n \delta_{n,o}\, x_{n,i}\f$ (one GEMM).
/// \param x  the forward's input, N×in×1×1
/// \param dy \f$\delta\f$, N×out×1×1 with the same N
/// \returns out×in
/// \throws shape_error when x or dy is not N×F×1×1, or their batch sizes differ
template <class T>
arma::Mat<T> linear_backward_weight(const Tensor4<T>& x, const Tensor4<T>& dy);

/// \f$\partial f/\partial b_o = \sum_n \delta_{n,o}\f$ of linear.
/// \param dy \f$\delta\f$, N×out×1×1
/// \returns out elements
/// \throws shape_error when dy is not N×out×1×1
template <class T>
arma::Col<T> linear_backward_bias(const Tensor4<T>& dy);

/// Batch normalization with fixed statistics (PyTorch's `BatchNorm2d` in `eval()` mode):
/// \f[ y_{n,c,h,w} = \gamma_c\, \frac{x_{n,c,h,w} - \hat\mu_c}{\sqrt{\hat\sigma_c^2 + \epsilon}} + \beta_c,
///     \f]
/// folded into one scale \f$a_c = \gamma_c / \sqrt{\hat\sigma_c^2 + \epsilon}\f$ and shift
/// \f$b_c = \beta_c - a_c \hat\mu_c\f$ per channel, \f$y = a_c x + b_c\f$ in one pass per plane.
/// \param x            N×C×H×W
/// \param gamma        \f$\gamma\f$, C elements (scale)
/// \param beta         \f$\beta\f$, C elements (shift)
/// \param running_mean \f$\hat\mu\f$, C elements
/// \param running_var  \f$\hat\sigma^2\f$, C elements, none negative
/// \param eps          \f$\epsilon > 0\f$ (PyTorch's default \f$10^{-5}\f$)
/// \throws shape_error when a parameter does not have C elements
/// \throws argument_error when eps is not positive or a running variance is negative (or NaN)
template <class T>
Tensor4<T> batch_norm2d_inference(const Tensor4<T>& x, const arma::Col<T>& gamma, const arma::Col<T>& beta,
                                  const arma::Col<T>& running_mean, const arma::Col<T>& running_var,
                                  std::type_identity_t<T> eps = T(1e-5));

/// What batch_norm2d_training returns: the output and the batch statistics that
/// batch_norm2d_backward and update_running_stats need.
template <class T>
struct BatchNormTraining {
    /// The normalized, scaled and shifted output, of the input's shape.
    Tensor4<T> y;
    /// \f$\mu_c = \frac{1}{M} \sum_{n,h,w} x_{n,c,h,w}\f$ with \f$M = NHW\f$, C elements.
    arma::Col<T> mean;
    /// \f$1 / \sqrt{\sigma_c^2 + \epsilon}\f$ with the biased variance
    /// \f$\sigma_c^2 = \frac{1}{M} \sum_{n,h,w} (x_{n,c,h,w} - \mu_c)^2\f$, C elements.
    arma::Col<T> inv_std;
    /// \f$\frac{M}{M-1} \sigma_c^2\f$, the unbiased variance that update_running_stats records, C elements.
    arma::Col<T> unbiased_var;
};

/// Batch normalization in training mode (PyTorch's `BatchNorm2d` in `train()` mode): normalizes
/// with the batch's own mean \f$\mu_c\f$ and biased variance \f$\sigma_c^2\f$,
/// \f[ y = \gamma_c\, \hat x + \beta_c, \qquad \hat x = \frac{x - \mu_c}{\sqrt{\sigma_c^2 + \epsilon}}. \f]
/// The variance is the two-pass \f$\frac{1}{M}\sum (x - \mu_c)^2\f$ (no cancellation).
/// \param x     N×C×H×W with \f$M = NHW \ge 2\f$
/// \param gamma \f$\gamma\f$, C elements
/// \param beta  \f$\beta\f$, C elements
/// \param eps   \f$\epsilon > 0\f$
/// \throws shape_error when gamma or beta does not have C elements, or \f$NHW < 2\f$ (PyTorch:
///         "Expected more than 1 value per channel when training")
/// \throws argument_error when eps is not positive
template <class T>
BatchNormTraining<T> batch_norm2d_training(const Tensor4<T>& x, const arma::Col<T>& gamma, const arma::Col<T>& beta,
                                           std::type_identity_t<T> eps = T(1e-5));

/// PyTorch's running-statistics update after a training-mode forward:
/// \f[ \hat\mu \leftarrow (1 - m)\,\hat\mu + m\,\mu, \qquad
///     \hat\sigma^2 \leftarrow (1 - m)\,\hat\sigma^2 + m\,\tfrac{M}{M-1}\sigma^2. \f]
/// \param running_mean \f$\hat\mu\f$, C elements, updated in place
/// \param running_var  \f$\hat\sigma^2\f$, C elements, updated in place
/// \param batch        the training forward's statistics (its mean and unbiased_var are read)
/// \param momentum     \f$m \in [0, 1]\f$ (PyTorch's default 0.1)
/// \throws shape_error when the running statistics do not have the batch's C elements
/// \throws argument_error when the momentum is outside [0, 1]
template <class T>
void update_running_stats(arma::Col<T>& running_mean, arma::Col<T>& running_var, const BatchNormTraining<T>& batch,
                          std::type_identity_t<T> momentum = T(0.1));

/// The gradients of a training-mode batch normalization (batch_norm2d_backward).
template <class T>
struct BatchNormGradients {
    Tensor4<T> dx;        ///< \f$\partial f/\partial x\f$, of the input's shape
    arma::Col<T> dgamma;  ///< \f$\partial f/\partial \gamma_c = \sum_{n,h,w} \delta\, \hat x\f$, C elements
    arma::Col<T> dbeta;   ///< \f$\partial f/\partial \beta_c = \sum_{n,h,w} \delta\f$, C elements
};

/// The backward pass of batch_norm2d_training, through the batch statistics (they depend on x too):
/// \f[ \frac{\partial f}{\partial \beta_c} = \sum \delta, \qquad
///     \frac{\partial f}{\partial \gamma_c} = \sum \delta\, \hat x, \qquad
///     \frac{\partial f}{\partial x} = \frac{\gamma_c}{M \sqrt{\sigma_c^2 + \epsilon}}
///     \left( M \delta - \frac{\partial f}{\partial \beta_c} - \hat x\, \frac{\partial f}{\partial \gamma_c} \right), \f]
/// sums over the channel's \f$M = NHW\f$ positions. One pass over x and δ for the two sums, one to
/// write dx.
/// \param x     the forward's input, N×C×H×W
/// \param dy    \f$\delta = \partial f/\partial y\f$, of x's shape
/// \param gamma the forward's \f$\gamma\f$, C elements
/// \param saved the forward's result (its mean and inv_std are read)
/// \throws shape_error when dy is not x's shape, or gamma / the saved statistics do not have C elements
template <class T>
BatchNormGradients<T> batch_norm2d_backward(const Tensor4<T>& x, const Tensor4<T>& dy, const arma::Col<T>& gamma,
                                            const BatchNormTraining<T>& saved);

namespace detail {

/// linear's checks (shared with ref::linear): x is N×in×1×1 for weight out×in; bias empty or out.
/// \returns the output shape N×out×1×1
Shape4 check_linear(std::string_view op, const Shape4& x, std::size_t weight_rows, std::size_t weight_cols,
                    std::size_t bias_elements);
/// linear_backward_input's check: dy is N×out×1×1 for weight out×in.
void check_linear_backward_input(std::string_view op, std::size_t weight_rows, std::size_t weight_cols,
                                 const Shape4& dy);
/// linear_backward_weight's check: x and dy are N×F×1×1 with the same N.
void check_linear_backward_weight(std::string_view op, const Shape4& x, const Shape4& dy);
/// linear_backward_bias's check: dy is N×out×1×1.
void check_linear_backward_bias(std::string_view op, const Shape4& dy);
/// batch_norm2d_inference's checks: every parameter has one element per channel of x, eps > 0.
/// (The non-negative running variance is checked by the caller, which has the values.)
void check_batch_norm2d_inference(std::string_view op, const Shape4& x, std::size_t gamma, std::size_t beta,
                                  std::size_t running_mean, std::size_t running_var, double eps);
/// batch_norm2d_training's checks: gamma and beta per channel, eps > 0, more than one value per channel.
void check_batch_norm2d_training(std::string_view op, const Shape4& x, std::size_t gamma, std::size_t beta,
                                 double eps);
/// batch_norm2d_backward's checks: dy has x's shape; gamma and the saved statistics one element per channel.
void check_batch_norm2d_backward(std::string_view op, const Shape4& x, const Shape4& dy, std::size_t gamma,
                                 std::size_t mean, std::size_t inv_std);
/// update_running_stats' checks: all four statistics equally long, momentum in [0, 1].
void check_running_stats(std::string_view op, std::size_t running_mean, std::size_t running_var,
                         std::size_t batch_mean, std::size_t batch_var, double momentum);
/// Throws argument_error naming the first negative (or NaN) running variance.
template <class T>
void check_running_var_values(std::string_view op, const arma::Col<T>& running_var);

}  // namespace detail

}  // namespace cnnlab

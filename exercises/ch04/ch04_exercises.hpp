/// \file
/// \brief Chapter 4's exercises: the functions a learner writes in ch04_exercises.cpp (the full
/// statements are there, above each stub). `cnnlab check 4` checks them.
///
/// A single plane is an `arma::mat`; a pooling window \f$R_{ij}\f$ of a \f$K_h \times K_w\f$
/// pooling with stride \f$(s_h, s_w)\f$ and padding \f$(p_h, p_w)\f$ covers rows
/// \f$i s_h - p_h \dots i s_h - p_h + K_h - 1\f$ and columns \f$j s_w - p_w \dots j s_w - p_w + K_w - 1\f$.
#pragma once

#include "chapters/ch00_foundation/tensor.hpp"
#include "chapters/ch02_layers/layer.hpp"
#include "exercises/checker/learner.hpp"

#include <armadillo>
#include <cstddef>
#include <utility>

/// \brief Chapter 4's exercises (pooling 汇聚/池化): the learner's functions.
namespace cnnlab::exercises::ch04 {

/// The answers to "what is the gradient of \f$\arg\max(x_1, \dots, x_D)\f$?" (nndl ex 5-6).
enum class ArgmaxGradient {
    zero,              ///< (a) the zero vector
    one_hot,           ///< (b) one-hot: 1 at the arg-max, 0 elsewhere
    ones,              ///< (c) 1 in every element
    undefined,         ///< (d) undefined: no derivative exists there
    softmax_jacobian,  ///< (e) softmax's Jacobian \f$\mathrm{diag}(p) - p p^\top\f$, \f$p = \mathrm{softmax}(x)\f$
};

/// A real number that supports only \f$+\f$, \f$-\f$ and relu: no comparison, no multiplication,
/// no way to read or make its value. An answer written with it is a formula in those operations
/// and nothing else — what d2l's "express \f$\max(a, b)\f$ using only ReLU" asks for.
class Real {
public:
    /// \f$a + b\f$
    friend Real operator+(Real a, Real b) { return Real(a.value_ + b.value_); }
    /// \f$a - b\f$
    friend Real operator-(Real a, Real b) { return Real(a.value_ - b.value_); }
    /// \f$-a\f$
    friend Real operator-(Real a) { return Real(-a.value_); }
    /// \f$\mathrm{ReLU}(a) = \max(a, 0)\f$
    friend Real relu(Real a) { return Real(a.value_ > 0 ? a.value_ : 0.0); }

private:
    /// Only the checker makes a Real from a number.
    explicit Real(double value) : value_(value) {}
    double value_;  ///< the value, which only the checker reads
    /// The checker's access: it makes the Reals it hands over and reads the answer.
    friend struct RealAccess;
};

/// Average pooling written as a convolution layer: the weight and the options that make
/// `cnnlab::conv2d_layer(x, weight, {}, options)` equal `cnnlab::avg_pool2d(x, {.kernel = K})`.
struct PoolAsConv {
    Tensor4<double> weight;  ///< \f$C_{out} \times C_{in}/g \times K_h \times K_w\f$, as conv2d_layer takes it
    Conv2dOptions options;   ///< padding, stride, dilation and groups of the convolution
};

/// What one pooling layer costs, counting only operations on input cells (padded cells are never read).
struct PoolCost {
    std::size_t outputs = 0;      ///< values of the output, \f$N C H_o W_o\f$
    std::size_t comparisons = 0;  ///< max pooling: comparisons of two values
    std::size_t additions = 0;    ///< average pooling: additions of two values (the divisions not counted)
    bool operator==(const PoolCost&) const = default;  ///< all three counts equal
};

/// nndl ex 5-6 (1): \f$\partial \max(x) / \partial x\f$ for one pooling window, the same shape as `window`.
arma::mat max_gradient(const arma::mat& window);

/// nndl ex 5-6 (2): the gradient of \f$\arg\max(x_1, \dots, x_D)\f$ at a point where the maximum is unique.
ArgmaxGradient argmax_gradient_unique();

/// nndl ex 5-6 (2): the gradient of \f$\arg\max\f$ at a point where two elements tie for the maximum.
ArgmaxGradient argmax_gradient_at_tie();

/// d2l Pooling ex 1: average pooling of \f$C\f$ channels with a \f$K_h \times K_w\f$ window (stride = the
/// window) as a depthwise convolution layer.
PoolAsConv avg_pool_as_conv(std::size_t channels, Size2 kernel);

/// d2l Pooling ex 2: two inputs \f$a, b\f$ of the same shape with
/// \f$\mathrm{maxpool}(a + b) \ne \mathrm{maxpool}(a) + \mathrm{maxpool}(b)\f$ (2×2 max pooling, stride 2).
std::pair<arma::mat, arma::mat> max_pool_counterexample();

/// d2l Pooling ex 3 (1): \f$\max(a, b)\f$ with only ReLU, \f$+\f$ and \f$-\f$.
Real max_by_relu(Real a, Real b);

/// d2l Pooling ex 3 (2): the maximum of a 2×2 window \f$\begin{bmatrix} x_{00} & x_{01} \\ x_{10} & x_{11} \end{bmatrix}\f$
/// with only ReLU, \f$+\f$ and \f$-\f$.
Real window_max_by_relu(Real x00, Real x01, Real x10, Real x11);

/// d2l Pooling ex 4: the output size, comparisons (max pooling) and additions (average pooling) of a
/// \f$K_h \times K_w\f$ pooling with `stride` and `padding` on each side, on \f$N \times C \times H \times W\f$.
PoolCost pooling_cost(std::size_t batch, std::size_t channels, Size2 input, Size2 kernel, Size2 stride, Size2 padding);

/// Implementation: the backward pass of max pooling on one plane (no padding): \f$\partial f/\partial X\f$
/// for the upstream gradient `dy` of \f$Y = \mathrm{maxpool}(X)\f$.
arma::mat max_pool_backward(const arma::mat& x, const arma::mat& dy, Size2 kernel, Size2 stride);

/// Implementation: average pooling of one plane with `padding` zeros on each side, the divisor counting
/// the padded cells of a window or not (`count_include_pad`).
arma::mat avg_pool(const arma::mat& x, Size2 kernel, Size2 stride, Size2 padding, bool count_include_pad);

}  // namespace cnnlab::exercises::ch04

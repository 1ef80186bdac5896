/// \file
/// \brief Activation functions 激活函数 of a conv layer, applied in place to a whole tensor
/// (forward only here; their derivatives are activation_backward of Chapter 3,
/// chapters/ch03_gradients/activation_backward.hpp).
#pragma once

#include "chapters/ch00_foundation/tensor.hpp"

#include <cstddef>
#include <string_view>

namespace cnnlab {

/// The activations of nndl §4.1 / d2l that conv layers use.
enum class Activation {
    identity,    ///< \f$f(z) = z\f$
    relu,        ///< \f$\max(0, z)\f$
    leaky_relu,  ///< \f$z\f$ if \f$z > 0\f$ else \f$\gamma z\f$
    sigmoid,     ///< \f$1/(1 + e^{-z})\f$
    tanh,        ///< \f$\tanh z\f$
};

namespace detail {
/// Element-wise loops over at least this many values are split over the cores: the work is
/// memory-bound, and below this a thread's start costs more than its share.
inline constexpr std::size_t threaded_elements = std::size_t(1) << 16;
}  // namespace detail

/// Parses "identity", "relu", "leaky_relu", "sigmoid", "tanh".
Activation parse_activation(std::string_view name);
/// The name parse_activation accepts.
std::string_view activation_name(Activation activation);

/// Applies `activation` to every element of `y` (slope \f$\gamma\f$ is used by leaky_relu only;
/// PyTorch's default is 0.01). Vectorized loops over the tensor's contiguous memory.
template <class T>
void apply_activation(Tensor4<T>& y, Activation activation, T slope = T(0.01));

/// \f$f(Z)\f$ as a new tensor: apply_activation on a copy, in one pass (no copy first).
template <class T>
Tensor4<T> activated(const Tensor4<T>& z, Activation activation, T slope = T(0.01));

}  // namespace cnnlab

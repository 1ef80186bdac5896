/// \file
/// \brief Chapter 3: the backward pass of the activations of Chapter 2 — nndl §5.3.1's
/// \f$\delta^{(l)} = f_l'(Z^{(l)}) \odot \frac{\partial L}{\partial X^{(l)}}\f$, element by element.
///
/// The derivatives, at the pre-activation \f$z\f$:
/// \f[ \mathrm{ReLU}'(z) = [z > 0], \quad \mathrm{LeakyReLU}'(z) = \begin{cases} 1 & z > 0 \\ \gamma & z \le 0 \end{cases},
///     \quad \sigma'(z) = \sigma(z)(1 - \sigma(z)), \quad \tanh'(z) = 1 - \tanh^2 z. \f]
/// At \f$z = 0\f$ ReLU has no derivative; cnnlab takes 0 there, as PyTorch does. The references
/// are ref::activation_derivative (reference/gradients.hpp).
#pragma once

#include "chapters/ch00_foundation/tensor.hpp"
#include "chapters/ch02_layers/activations.hpp"

namespace cnnlab {

/// \f$\delta = f'(Z) \odot \partial f/\partial A\f$ for \f$A = f(Z)\f$ applied by apply_activation.
/// \param z        the pre-activation \f$Z\f$ (the layer's output before apply_activation)
/// \param da       the upstream gradient \f$\partial f / \partial A\f$, of z's shape
/// \param activation the forward's activation
/// \param slope    \f$\gamma\f$ of leaky_relu (PyTorch's default 0.01)
/// \return \f$\partial f / \partial Z\f$, of z's shape
/// \throws shape_error when da and z differ in shape
template <class T>
Tensor4<T> activation_backward(const Tensor4<T>& z, const Tensor4<T>& da, Activation activation, T slope = T(0.01));

}  // namespace cnnlab

/// \file
/// \brief Chapter 2 references: the convolution layer and the activations, loop for loop.
///
/// The layer formula (nndl §5.2, \f$Z^p = \sum_d W^{p,d} \otimes X^d + b^p\f$, with PyTorch's
/// groups, stride, dilation and padding) is written as seven nested loops: the definition every
/// fast path of chapters/ch02_layers is tested against.
#pragma once

#include "chapters/ch02_layers/layer.hpp"
#include "reference/mac_counter.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace cnnlab::ref {

/// 2-D convolution layer, the definition:
/// \f[ Y_{n,p,i,j} = b_p + \sum_{c=0}^{C_{in}/g-1} \sum_{u=0}^{K_h-1} \sum_{v=0}^{K_w-1}
///     W_{p,c,u,v}\; X_{n,\; \lfloor p/(C_{out}/g) \rfloor C_{in}/g + c,\;
///     i s_h + u d_h - p_t,\; j s_w + v d_w - p_l} \f]
/// with \f$X = 0\f$ outside the input (zero padding).
template <class T>
Tensor4<T> conv2d_layer(const Tensor4<T>& x, const Tensor4<T>& w, const arma::Col<T>& bias = {},
                        const Conv2dOptions& options = {}) {
    const LayerGeometry g = resolve_conv2d_layer("ref::conv2d_layer", x.shape(), w.shape(), bias.n_elem, options);
    const Axis& rows = g.plane.rows;
    const Axis& cols = g.plane.cols;
    Tensor4<T> y(g.output);
    MacCounter* const counter = MacCounter::active();  // null unless someone counts (Chapter 6)
    for (std::size_t n = 0; n < g.output.n; ++n)
        for (std::size_t p = 0; p < g.output.c; ++p) {
            const std::size_t first_channel = (p / g.out_per_group()) * g.in_per_group();
            for (std::size_t i = 0; i < g.output.h; ++i)
                for (std::size_t j = 0; j < g.output.w; ++j) {
                    T sum = bias.is_empty() ? T(0) : bias(p);
                    std::uint64_t taps = 0, padded = 0;  // counted only when a MacCounter is alive
                    for (std::size_t c = 0; c < g.in_per_group(); ++c)
                        for (std::size_t u = 0; u < g.weight.h; ++u)
                            for (std::size_t v = 0; v < g.weight.w; ++v) {
                                const auto r = std::ptrdiff_t(i * rows.stride + u * rows.dilation) - std::ptrdiff_t(rows.pad.before);
                                const auto s = std::ptrdiff_t(j * cols.stride + v * cols.dilation) - std::ptrdiff_t(cols.pad.before);
                                const bool inside = r >= 0 && s >= 0 && r < std::ptrdiff_t(g.input.h) && s < std::ptrdiff_t(g.input.w);
                                if (inside) sum += w(p, c, u, v) * x(n, first_channel + c, std::size_t(r), std::size_t(s));
                                if (counter) {
                                    ++taps;
                                    padded += inside ? 0 : 1;
                                }
                            }
                    y(n, p, i, j) = sum;
                    if (counter) counter->add(taps, padded);
                }
        }
    return y;
}

/// 1-D convolution layer on N×C×1×L tensors: the 2-D reference with a one-row kernel,
/// \f$ Y_{n,p,i} = b_p + \sum_{c} \sum_{k} W_{p,c,k}\, X_{n,d_0+c,\, i s + k d - p_b} \f$.
template <class T>
Tensor4<T> conv1d_layer(const Tensor4<T>& x, const Tensor4<T>& w, const arma::Col<T>& bias = {},
                        const Conv1dOptions& options = {}) {
    if (x.shape().h != 1 || w.shape().h != 1)
        throw shape_error(cnnlab::str("ref::conv1d_layer: input ", x.shape().str(), " and weight ", w.shape().str(),
                                      " must be N×C×1×L and C_out×C_in/g×1×K (height 1)"));
    return cnnlab::ref::conv2d_layer(x, w, bias, as_conv2d_options(options, w.shape().w));
}

/// Rectified linear unit: \f$\mathrm{ReLU}(z) = \max(0, z)\f$; a NaN passes through, as in PyTorch.
template <class T>
T relu(T z) { return z < T(0) ? T(0) : z; }

/// Leaky ReLU: \f$z\f$ for \f$z > 0\f$, else \f$\gamma z\f$ (PyTorch's default slope \f$\gamma = 0.01\f$).
template <class T>
T leaky_relu(T z, T slope = T(0.01)) { return z > T(0) ? z : slope * z; }

/// Logistic sigmoid: \f$\sigma(z) = 1 / (1 + e^{-z})\f$.
template <class T>
T sigmoid(T z) { return T(1) / (T(1) + std::exp(-z)); }

/// Hyperbolic tangent: \f$\tanh(z) = (e^{z} - e^{-z}) / (e^{z} + e^{-z}) = 1 - 2/(e^{2z} + 1)\f$;
/// the second form is the one computed, because \f$e^{z}/e^{z}\f$ overflows to NaN for large \f$z\f$.
template <class T>
T tanh_formula(T z) { return T(1) - T(2) / (std::exp(T(2) * z) + T(1)); }

}  // namespace cnnlab::ref

#include "chapters/ch02_layers/activations.hpp"

#include "chapters/ch00_foundation/errors.hpp"

#include <cmath>

namespace cnnlab {

Activation parse_activation(std::string_view name) {
    for (Activation a : {Activation::identity, Activation::relu, Activation::leaky_relu, Activation::sigmoid,
                         Activation::tanh})
        if (activation_name(a) == name) return a;
    throw argument_error(str("activation: unknown name '", name, "' (expected identity|relu|leaky_relu|sigmoid|tanh)"));
}

std::string_view activation_name(Activation activation) {
    switch (activation) {
        case Activation::identity: return "identity";
        case Activation::relu: return "relu";
        case Activation::leaky_relu: return "leaky_relu";
        case Activation::sigmoid: return "sigmoid";
        case Activation::tanh: return "tanh";
    }
    return "?";
}

template <class T>
void apply_activation(Tensor4<T>& y, Activation activation, T slope) {
    T* z = y.data();
    const std::size_t n = y.size();
    switch (activation) {
        case Activation::identity: return;
        case Activation::relu:
            for (std::size_t i = 0; i < n; ++i) z[i] = z[i] > T(0) ? z[i] : T(0);  // branch-free select
            return;
        case Activation::leaky_relu:
            for (std::size_t i = 0; i < n; ++i) z[i] = z[i] > T(0) ? z[i] : slope * z[i];
            return;
        case Activation::sigmoid:
            for (std::size_t i = 0; i < n; ++i) z[i] = T(1) / (T(1) + std::exp(-z[i]));
            return;
        case Activation::tanh:
            for (std::size_t i = 0; i < n; ++i) z[i] = std::tanh(z[i]);
            return;
    }
}

template void apply_activation(Tensor4<float>&, Activation, float);
template void apply_activation(Tensor4<double>&, Activation, double);

}  // namespace cnnlab

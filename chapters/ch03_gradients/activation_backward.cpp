#include "chapters/ch03_gradients/activation_backward.hpp"

#include "chapters/ch00_foundation/errors.hpp"

#include <cmath>

namespace cnnlab {

template <class T>
Tensor4<T> activation_backward(const Tensor4<T>& z, const Tensor4<T>& da, Activation activation, T slope) {
    if (!(z.shape() == da.shape()))
        throw shape_error(str("activation_backward(", activation_name(activation), "): dA is ", da.shape().str(),
                              " but Z is ", z.shape().str(), ": the upstream gradient must have the shape of Z"));
    Tensor4<T> dz(z.shape());
    const T* zi = z.data();
    const T* gi = da.data();
    T* out = dz.data();
    const std::size_t n = z.size();
    switch (activation) {
        case Activation::identity:
            for (std::size_t i = 0; i < n; ++i) out[i] = gi[i];
            break;
        case Activation::relu:
            for (std::size_t i = 0; i < n; ++i) out[i] = zi[i] > T(0) ? gi[i] : T(0);
            break;
        case Activation::leaky_relu:
            for (std::size_t i = 0; i < n; ++i) out[i] = zi[i] > T(0) ? gi[i] : slope * gi[i];
            break;
        case Activation::sigmoid:
            for (std::size_t i = 0; i < n; ++i) {
                const T s = T(1) / (T(1) + std::exp(-zi[i]));
                out[i] = s * (T(1) - s) * gi[i];
            }
            break;
        case Activation::tanh:
            for (std::size_t i = 0; i < n; ++i) {
                const T t = std::tanh(zi[i]);
                out[i] = (T(1) - t * t) * gi[i];
            }
            break;
    }
    return dz;
}

template Tensor4<float> activation_backward(const Tensor4<float>&, const Tensor4<float>&, Activation, float);
template Tensor4<double> activation_backward(const Tensor4<double>&, const Tensor4<double>&, Activation, double);

}  // namespace cnnlab

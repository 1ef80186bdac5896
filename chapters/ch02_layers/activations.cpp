#include "chapters/ch02_layers/activations.hpp"

#include "chapters/ch00_foundation/errors.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace cnnlab {

namespace {

/// \f$e^x\f$ in float, written so the compiler vectorizes it (libm's expf is one call per
/// element): \f$x = n \ln 2 + r\f$ with \f$|r| \le \ln 2 / 2\f$, \f$e^r\f$ by Cephes' degree-7
/// polynomial, \f$2^n\f$ built in the exponent bits. Measured against double-precision exp on
/// [−87.3, 88.7] in steps of 1e-4: relative error at most 1.4 ulp. Below −87.33 (where e^x is no
/// longer a normal float) it returns e^−87.33, above 88.72 infinity; a NaN stays NaN.
inline float vector_exp(float x) {
    const float clamped = x < -87.33f ? -87.33f : x > 88.72f ? 88.72f : x;
    // Round to nearest by adding and removing 1.5·2^23 (floor/nearbyint do not vectorize under
    // IEEE semantics): the sum's last place is 1, so the float addition itself rounds.
    const float n = (clamped * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
    const float r = (clamped - n * 0.693359375f) + n * 2.12194440e-4f;  // ln 2 in two parts: r exact
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    const float m = n > 127.0f ? 127.0f : n;  // n reaches 128 just below ln(FLT_MAX): 2^n = 2^127 · 2
    const std::int32_t bits = (std::int32_t(m) + 127) << 23;
    float power;
    std::memcpy(&power, &bits, sizeof power);
    const float e = p * power * (n > m ? 2.0f : 1.0f);
    return x != x ? x : x > 88.7228f ? HUGE_VALF : e;
}

/// σ(z) over n values; vector_exp for float, std::exp for double.
template <class T>
void sigmoid_in_place(T* z, std::size_t n) {
    if constexpr (std::is_same_v<T, float>) {
#pragma omp parallel for simd schedule(static) if (n >= (std::size_t(1) << 16))
        for (std::size_t i = 0; i < n; ++i) z[i] = 1.0f / (1.0f + vector_exp(-z[i]));
    } else {
#pragma omp parallel for schedule(static) if (n >= (std::size_t(1) << 16))
        for (std::size_t i = 0; i < n; ++i) z[i] = T(1) / (T(1) + std::exp(-z[i]));
    }
}

}  // namespace

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
            sigmoid_in_place(z, n);
            return;
        case Activation::tanh:
            for (std::size_t i = 0; i < n; ++i) z[i] = std::tanh(z[i]);
            return;
    }
}

template void apply_activation(Tensor4<float>&, Activation, float);
template void apply_activation(Tensor4<double>&, Activation, double);

}  // namespace cnnlab

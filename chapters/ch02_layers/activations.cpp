#include "chapters/ch02_layers/activations.hpp"

#include "chapters/ch00_foundation/cpu_clones.hpp"
#include "chapters/ch00_foundation/errors.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <omp.h>
#include <type_traits>

namespace cnnlab {

namespace {

/// \f$e^x\f$ in float, written so the compiler vectorizes it (libm's expf is one call per
/// element): \f$x = n \ln 2 + r\f$ with \f$|r| \le \ln 2 / 2\f$, \f$e^r\f$ by Cephes' degree-7
/// polynomial, \f$2^n\f$ built in the exponent bits. Measured against double-precision exp on
/// [−87.3, 88.7] in steps of 1e-4: relative error at most 1.4 ulp. Below −87.33 (where e^x is no
/// longer a normal float) it returns e^−87.33, above ln(FLT_MAX) = 88.7228 infinity; a NaN stays NaN.
inline float vector_exp(float x) {
    constexpr float highest = 88.7228f;  // ln(FLT_MAX): e^x overflows above it
    // Written so that a NaN fails both tests and is clamped to a number (converting NaN to an
    // integer below would be undefined); the NaN itself is returned at the end.
    const float clamped = x > -87.33f ? (x < highest ? x : highest) : -87.33f;
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
    return x != x ? x : x > highest ? HUGE_VALF : e;
}

/// σ over one thread's share of the values (the vector loop, compiled per CPU level).
CNNLAB_CPU_CLONES void sigmoid_span(const float* in, float* out, std::size_t n) {
#pragma omp simd
    for (std::size_t i = 0; i < n; ++i) out[i] = 1.0f / (1.0f + vector_exp(-in[i]));
}

/// σ(z) over n values, from `in` to `out` (which may be the same); vector_exp for float, std::exp for double.
template <class T>
void sigmoid_values(const T* in, T* out, std::size_t n) {
    if constexpr (std::is_same_v<T, float>) {
#pragma omp parallel if (n >= detail::threaded_elements)
        {
            const std::size_t t = std::size_t(omp_get_thread_num()), team = std::size_t(omp_get_num_threads());
            const std::size_t first = n * t / team, last = n * (t + 1) / team;
            sigmoid_span(in + first, out + first, last - first);
        }
    } else {
#pragma omp parallel for schedule(static) if (n >= detail::threaded_elements)
        for (std::size_t i = 0; i < n; ++i) out[i] = T(1) / (T(1) + std::exp(-in[i]));
    }
}

/// f(z) over n values, from `in` to `out` (which may be the same).
template <class T>
void activation_values(const T* in, T* out, std::size_t n, Activation activation, T slope) {
    switch (activation) {
        case Activation::identity:
            if (in != out) std::copy(in, in + n, out);
            return;
        case Activation::relu:
#pragma omp parallel for simd schedule(static) if (n >= detail::threaded_elements)
            for (std::size_t i = 0; i < n; ++i) out[i] = in[i] < T(0) ? T(0) : in[i];  // branch-free; NaN passes
            return;
        case Activation::leaky_relu:
#pragma omp parallel for simd schedule(static) if (n >= detail::threaded_elements)
            for (std::size_t i = 0; i < n; ++i) out[i] = in[i] > T(0) ? in[i] : slope * in[i];
            return;
        case Activation::sigmoid: sigmoid_values(in, out, n); return;
        case Activation::tanh:
#pragma omp parallel for schedule(static) if (n >= detail::threaded_elements)
            for (std::size_t i = 0; i < n; ++i) out[i] = std::tanh(in[i]);
            return;
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
    activation_values(y.data(), y.data(), y.size(), activation, slope);
}

template <class T>
Tensor4<T> activated(const Tensor4<T>& z, Activation activation, T slope) {
    Tensor4<T> y(z.shape(), uninitialized);  // every value written
    activation_values(z.data(), y.data(), z.size(), activation, slope);
    return y;
}

template void apply_activation(Tensor4<float>&, Activation, float);
template void apply_activation(Tensor4<double>&, Activation, double);
template Tensor4<float> activated(const Tensor4<float>&, Activation, float);
template Tensor4<double> activated(const Tensor4<double>&, Activation, double);

}  // namespace cnnlab

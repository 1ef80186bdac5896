// libFuzzer harness: bytes → one small op problem (conv2d layer on a chosen path, its input and
// weight gradients, conv_transpose2d, max or average pooling) with sizes up to 8, up to 4 channels
// and stride, padding, dilation, groups and kernel drawn from small ranges that include 0 and values
// the op must refuse. The optimized op (cnnlab) and the naive reference (cnnlab::ref) must agree:
// both refuse the problem with shape_error/argument_error, or both answer and the answers are equal
// within a tolerance. Anything else — a disagreement, an answer only one side gives, another
// exception type, a sanitizer report — is a finding (trap).
#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch02_layers/layer.hpp"
#include "chapters/ch03_gradients/backward.hpp"
#include "chapters/ch04_pooling/pooling.hpp"
#include "chapters/ch05_transposed/transposed.hpp"
#include "reference/gradients.hpp"
#include "reference/layers.hpp"
#include "reference/pooling.hpp"
#include "reference/transposed.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <optional>
#include <random>
#include <string>

namespace {

using cnnlab::Shape4;
using cnnlab::Tensor4;

/// The outcome of one side: a tensor, or the message of an acceptable refusal.
template <class T>
struct Outcome {
    std::optional<Tensor4<T>> value;
    std::string refusal;
};

[[noreturn]] void finding(const std::string& problem, const std::string& what) {
    std::fprintf(stderr, "fuzz_ops: %s\n  problem: %s\n", what.c_str(), problem.c_str());
    __builtin_trap();
}

template <class T, class F>
Outcome<T> attempt(const std::string& problem, const char* side, F f) {
    Outcome<T> o;
    try {
        o.value = f();
    } catch (const cnnlab::shape_error& e) {
        o.refusal = std::string("shape_error: ") + e.what();
    } catch (const cnnlab::argument_error& e) {
        o.refusal = std::string("argument_error: ") + e.what();
    } catch (const std::exception& e) {
        finding(problem, std::string(side) + " threw an undocumented exception: " + e.what());
    } catch (...) {
        finding(problem, std::string(side) + " threw a non-std exception");
    }
    return o;
}

std::string shape_string(const Shape4& s) {
    return std::to_string(s.n) + "x" + std::to_string(s.c) + "x" + std::to_string(s.h) + "x" + std::to_string(s.w);
}

/// Compares the optimized outcome with the reference's. `may_refuse`: the optimized side may refuse
/// a problem the reference computes (a path named explicitly that does not apply to the shape).
template <class T>
void compare(const std::string& problem, const Outcome<T>& got, const Outcome<T>& want, double tolerance,
             bool may_refuse = false) {
    if (!want.value) {
        if (got.value) finding(problem, "the reference refuses (" + want.refusal + ") but the optimized op answers");
        return;
    }
    if (!got.value) {
        if (may_refuse && got.refusal.starts_with("argument_error")) return;
        finding(problem, "the reference answers but the optimized op refuses: " + got.refusal);
    }
    const Tensor4<T>& a = *got.value;
    const Tensor4<T>& b = *want.value;
    if (a.shape() != b.shape())
        finding(problem, "shape " + shape_string(a.shape()) + " but the reference's is " + shape_string(b.shape()));
    // Equal values (equal infinities too: a max-pooling window wholly in the padding gives -inf on
    // both sides, as PyTorch does) and NaN on both sides agree; the tolerance scales with the
    // largest finite value.
    double scale = 1, worst = 0;
    for (std::size_t i = 0; i < b.size(); ++i)
        if (std::isfinite(double(b.data()[i]))) scale = std::max(scale, double(std::abs(b.data()[i])));
    for (std::size_t i = 0; i < a.size(); ++i) {
        const double u = double(a.data()[i]), v = double(b.data()[i]);
        if (u == v || (std::isnan(u) && std::isnan(v))) continue;
        const double d = std::abs(u - v);
        if (!(d <= worst)) worst = d;  // NaN (one side only, or inf against another value) sticks
    }
    if (!(worst <= tolerance * scale))
        finding(problem, "max |optimized - reference| = " + std::to_string(worst) + " > " +
                             std::to_string(tolerance * scale));
}

struct Problem {
    FuzzedDataProvider& in;
    std::string text;  // a readable description, printed with a finding

    std::size_t pick(const char* name, std::size_t lo, std::size_t hi) {
        const std::size_t v = in.ConsumeIntegralInRange<std::size_t>(lo, hi);
        text += std::string(name) + std::to_string(v) + " ";
        return v;
    }
    Shape4 shape(const char* name, std::size_t max_n, std::size_t max_c, std::size_t max_hw) {
        text += std::string(name) + "[";
        Shape4 s{pick("n", 0, max_n), pick("c", 0, max_c), pick("h", 0, max_hw), pick("w", 0, max_hw)};
        text += "] ";
        return s;
    }
    template <class T>
    Tensor4<T> tensor(const Shape4& s, std::uint32_t seed) {
        Tensor4<T> t(s);
        std::mt19937 random(seed);
        std::uniform_real_distribution<double> value(-1, 1);
        for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = T(value(random));
        return t;
    }
    template <class T>
    arma::Col<T> bias(std::size_t out_channels, std::uint32_t seed) {
        const std::size_t kind = pick("bias", 0, 2);  // 0 none, 1 right size, 2 any size (0–5)
        if (kind == 0) return {};
        const std::size_t n = kind == 1 ? out_channels : pick("bias_n", 0, 5);
        arma::Col<T> b(n);
        std::mt19937 random(seed);
        std::uniform_real_distribution<double> value(-1, 1);
        for (auto& v : b) v = T(value(random));
        return b;
    }
    cnnlab::Step2 step(const char* name, std::size_t lo, std::size_t hi) {
        text += std::string(name) + "(";
        cnnlab::Step2 s{pick("r", lo, hi), pick("c", lo, hi)};
        text += ") ";
        return s;
    }
};

constexpr cnnlab::LayerAlgorithm algorithms[] = {
    cnnlab::LayerAlgorithm::automatic,         cnnlab::LayerAlgorithm::im2col_gemm,
    cnnlab::LayerAlgorithm::gemm_1x1,          cnnlab::LayerAlgorithm::winograd_f2x2_3x3,
    cnnlab::LayerAlgorithm::winograd_f4x4_3x3, cnnlab::LayerAlgorithm::depthwise_direct,
    cnnlab::LayerAlgorithm::direct};

template <class T>
void run(Problem& p, double tolerance) {
    const std::uint32_t seed = p.in.ConsumeIntegral<std::uint32_t>();
    const std::size_t op = p.pick("op", 0, 5);
    if (op <= 2) {  // conv2d layer: forward on a path (0), input gradient (1), weight gradient (2)
        const Shape4 xs = p.shape("x", 3, 4, 8);
        const Shape4 ws = p.shape("w", 4, 4, 5);
        cnnlab::Conv2dOptions o;
        o.stride = p.step("stride", 0, 4);
        o.dilation = p.step("dilation", 0, 3);
        o.groups = p.pick("groups", 0, 4);
        const std::size_t padding = p.pick("padding", 0, 3);  // valid, same, full, explicit sides
        if (padding < 3)
            o.padding = cnnlab::Mode(padding);
        else
            o.padding = cnnlab::Sides2{{p.pick("pt", 0, 6), p.pick("pb", 0, 6)}, {p.pick("pl", 0, 6), p.pick("pr", 0, 6)}};
        const Tensor4<T> x = p.tensor<T>(xs, seed), w = p.tensor<T>(ws, seed + 1);
        if (op == 0) {
            const cnnlab::LayerAlgorithm a = algorithms[p.pick("algorithm", 0, 6)];
            const bool winograd = a == cnnlab::LayerAlgorithm::winograd_f2x2_3x3 || a == cnnlab::LayerAlgorithm::winograd_f4x4_3x3 ||
                                  a == cnnlab::LayerAlgorithm::automatic;
            const arma::Col<T> b = p.bias<T>(ws.n, seed + 2);
            const auto want = attempt<T>(p.text, "ref::conv2d_layer", [&] { return cnnlab::ref::conv2d_layer(x, w, b, o); });
            const auto got = attempt<T>(p.text, "conv2d_layer", [&] { return cnnlab::conv2d_layer(x, w, b, o, a); });
            compare(p.text, got, want, winograd ? tolerance * 100 : tolerance, a != cnnlab::LayerAlgorithm::automatic);
            return;
        }
        // The gradients take dy of the forward's output shape, or (sometimes) of a wrong one.
        Shape4 ys{};
        try {
            ys = cnnlab::ref::conv2d_layer(x, w, {}, o).shape();
        } catch (const std::invalid_argument&) {
            ys = {xs.n, ws.n, 1, 1};
        }
        if (p.pick("wrong_dy", 0, 7) == 0) ys.w += 1;
        const Tensor4<T> dy = p.tensor<T>(ys, seed + 3);
        if (op == 1) {
            const auto want = attempt<T>(p.text, "ref::conv2d_layer_backward_input",
                                         [&] { return cnnlab::ref::conv2d_layer_backward_input(w, dy, xs, o); });
            const auto got = attempt<T>(p.text, "conv2d_layer_backward_input",
                                        [&] { return cnnlab::conv2d_layer_backward_input(w, dy, xs, o); });
            compare(p.text, got, want, tolerance);
        } else {
            const auto want = attempt<T>(p.text, "ref::conv2d_layer_backward_weight",
                                         [&] { return cnnlab::ref::conv2d_layer_backward_weight(x, dy, ws, o); });
            const auto got = attempt<T>(p.text, "conv2d_layer_backward_weight",
                                        [&] { return cnnlab::conv2d_layer_backward_weight(x, dy, ws, o); });
            compare(p.text, got, want, tolerance * 100);  // automatic may take Winograd's weight path
        }
    } else if (op == 3) {  // conv_transpose2d
        const Shape4 zs = p.shape("z", 3, 4, 8);
        const Shape4 ws = p.shape("w", 4, 4, 5);
        cnnlab::ConvTranspose2dOptions o;
        o.stride = p.step("stride", 0, 4);
        o.padding = p.step("padding", 0, 4);
        o.output_padding = p.step("output_padding", 0, 4);
        o.dilation = p.step("dilation", 0, 3);
        o.groups = p.pick("groups", 0, 4);
        const Tensor4<T> z = p.tensor<T>(zs, seed), w = p.tensor<T>(ws, seed + 1);
        const arma::Col<T> b = p.bias<T>(ws.c * std::max<std::size_t>(o.groups, 1), seed + 2);
        const auto want = attempt<T>(p.text, "ref::conv_transpose2d", [&] { return cnnlab::ref::conv_transpose2d(z, w, b, o); });
        const auto got = attempt<T>(p.text, "conv_transpose2d", [&] { return cnnlab::conv_transpose2d(z, w, b, o); });
        compare(p.text, got, want, tolerance);
    } else {  // pooling: max (4), average (5)
        const Shape4 xs = p.shape("x", 3, 4, 8);
        cnnlab::Pool2dOptions o;
        o.kernel = p.step("kernel", 0, 5);
        if (p.pick("stride_given", 0, 1)) o.stride = p.step("stride", 0, 4);
        o.padding = p.step("padding", 0, 3);
        o.dilation = p.step("dilation", 0, 3);
        o.ceil_mode = p.pick("ceil", 0, 1) == 1;
        o.count_include_pad = p.pick("count_pad", 0, 1) == 1;
        const Tensor4<T> x = p.tensor<T>(xs, seed);
        if (op == 4) {
            const auto want = attempt<T>(p.text, "ref::max_pool2d", [&] { return cnnlab::ref::max_pool2d(x, o); });
            const auto got = attempt<T>(p.text, "max_pool2d", [&] { return cnnlab::max_pool2d(x, o); });
            compare(p.text, got, want, 0.0);  // a maximum is exact
        } else {
            const auto want = attempt<T>(p.text, "ref::avg_pool2d", [&] { return cnnlab::ref::avg_pool2d(x, o); });
            const auto got = attempt<T>(p.text, "avg_pool2d", [&] { return cnnlab::avg_pool2d(x, o); });
            compare(p.text, got, want, tolerance);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider in(data, size);
    Problem p{in, {}};
    if (in.ConsumeBool()) {
        p.text = "double ";
        run<double>(p, 1e-12);
    } else {
        p.text = "float ";
        run<float>(p, 1e-5);
    }
    return 0;
}

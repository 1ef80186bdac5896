/// \file
/// \brief Randomized convolution-layer problems for the optimized-vs-reference sweeps of Chapter 2.
/// Each problem comes from its own seed and prints as one line (oneDNN style,
/// `n2ic4oc6g2ih9iw7kh3kw2sh1sw2dh1dw1pt1pb0pl2pr1 seed=…`) enough to rebuild it.
#pragma once

#include "chapters/ch02_layers/layer.hpp"
#include "tests/random_conv_cases.hpp"

#include <armadillo>
#include <ostream>
#include <random>

namespace cnnlab::testing {

/// One layer problem: sizes, options, bias or not, and the seed of its values.
struct LayerProblem {
    Shape4 input;
    Shape4 weight;
    Conv2dOptions options;
    bool bias = true;
    std::uint64_t seed = 0;

    /// Input values in [-1, 1], drawn from the seed.
    template <class T>
    Tensor4<T> x() const { return fill<T>(input, seed); }
    /// Weight values in [-1, 1], drawn from seed + 1.
    template <class T>
    Tensor4<T> w() const { return fill<T>(weight, seed + 1); }
    /// Bias values, or empty.
    template <class T>
    arma::Col<T> b() const {
        if (!bias) return {};
        std::mt19937_64 rng(seed + 2);
        std::uniform_real_distribution<double> value(-1, 1);
        arma::Col<T> out(weight.n);
        for (auto& v : out) v = T(value(rng));
        return out;
    }

    /// An upstream gradient of the forward's output shape, values in [-1, 1] drawn from seed + 11.
    template <class T>
    Tensor4<T> upstream() const {
        return fill<T>(resolve_conv2d_layer("test", input, weight, 0, options).output, seed + 11);
    }

    template <class T>
    static Tensor4<T> fill(const Shape4& shape, std::uint64_t seed) {
        std::mt19937_64 rng(seed);
        std::uniform_real_distribution<double> value(-1, 1);
        Tensor4<T> t(shape);
        for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = T(value(rng));
        return t;
    }
};

inline std::ostream& operator<<(std::ostream& out, const LayerProblem& p) {
    const Sides2 pad = std::holds_alternative<Sides2>(p.options.padding) ? std::get<Sides2>(p.options.padding) : Sides2{};
    out << "n" << p.input.n << "ic" << p.input.c << "oc" << p.weight.n << "g" << p.options.groups << "ih" << p.input.h
        << "iw" << p.input.w << "kh" << p.weight.h << "kw" << p.weight.w << "sh" << p.options.stride.rows << "sw"
        << p.options.stride.cols << "dh" << p.options.dilation.rows << "dw" << p.options.dilation.cols;
    if (std::holds_alternative<Mode>(p.options.padding))
        out << "_" << mode_name(std::get<Mode>(p.options.padding));
    else
        out << "pt" << pad.rows.before << "pb" << pad.rows.after << "pl" << pad.cols.before << "pr" << pad.cols.after;
    return out << (p.bias ? "_bias" : "") << " seed=" << p.seed;
}

/// The i-th problem of a sweep: cycles through 1×1 layers, depthwise (with and without a channel
/// multiplier), grouped, strided, dilated, padded beyond the kernel, even and non-square kernels,
/// kernel = input size, batch 1 and more.
inline LayerProblem random_layer_problem(std::size_t i) {
    LayerProblem p;
    p.seed = base_seed() + 7919 * i;
    std::mt19937_64 rng(p.seed + 3);
    auto pick = [&](std::size_t lo, std::size_t hi) { return std::uniform_int_distribution<std::size_t>(lo, hi)(rng); };
    const std::size_t kind = i % 8;
    std::size_t groups = kind == 2 ? pick(2, 3) : 1;
    std::size_t in_per_group = pick(1, 4), out_per_group = pick(1, 4);
    if (kind == 1) in_per_group = 1, groups = pick(1, 6), out_per_group = pick(1, 2);  // depthwise (multiplier 1–2)
    const std::size_t kh = kind == 0 ? 1 : pick(1, 5), kw = kind == 0 ? 1 : pick(1, 5);
    p.input = {pick(1, 3), groups * in_per_group, pick(kh, 12), pick(kw, 12)};
    if (kind == 7) p.input.h = kh, p.input.w = kw;  // kernel = input size
    p.weight = {groups * out_per_group, in_per_group, kh, kw};
    p.options.groups = groups;
    p.bias = pick(0, 1) == 1;
    if (kind == 3) p.options.stride = {pick(1, 3), pick(1, 3)};
    if (kind == 4) p.options.dilation = {pick(1, 2), pick(1, 3)}, p.input.h += 2 * kh, p.input.w += 3 * kw;
    if (kind == 5) p.options.padding = Sides2{{pick(0, kh + 2), pick(0, kh + 2)}, {pick(0, kw + 2), pick(0, kw + 1)}};
    if (kind == 6) p.options.padding = pick(0, 1) ? Mode::same : Mode::full;
    return p;
}

}  // namespace cnnlab::testing

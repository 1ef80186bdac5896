// Chapter 3 example: the three gradients of a small convolution layer, each checked against central
// finite differences (cnnlab::check_gradient) and against the naive reference (cnnlab::ref). Prints
// a Markdown table that the docs build splices into the Chapter 3 page, so every number in it is
// measured here, none typed.
#include "chapters/ch01_convolution/convolution.hpp"
#include "chapters/ch03_gradients/backward.hpp"
#include "chapters/ch03_gradients/gradient_check.hpp"
#include "reference/gradients.hpp"
#include "reference/layers.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <random>
#include <span>
#include <string>

namespace {

using Tensor = cnnlab::Tensor4<double>;

/// Uniform(−1, 1) values, fixed seed.
Tensor random_tensor(cnnlab::Shape4 shape, std::mt19937_64& rng) {
    std::uniform_real_distribution<double> uniform(-1, 1);
    Tensor t(shape);
    for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = uniform(rng);
    return t;
}

/// \f$\langle a, b \rangle\f$, the sum of the elementwise products.
double inner(const Tensor& a, const Tensor& b) {
    double sum = 0;
    for (std::size_t i = 0; i < a.size(); ++i) sum += a.data()[i] * b.data()[i];
    return sum;
}

/// \f$\max_i |a_i - b_i|\f$ over two buffers of the same length.
double max_difference(const double* a, const double* b, std::size_t n) {
    double worst = 0;
    for (std::size_t i = 0; i < n; ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
    return worst;
}

/// 1.234e-11 → "\f$1.2 \times 10^{-11}\f$"; 0 → "0"; 0.68 → "0.68"; 19.3 → "19".
std::string scientific(double value) {
    if (value == 0) return "0";
    if (std::abs(value) >= 1e-2 && std::abs(value) < 1e3) {
        char plain[32];
        std::snprintf(plain, sizeof plain, "%.2g", value);
        return plain;
    }
    const int exponent = int(std::floor(std::log10(std::abs(value))));
    char mantissa[32];
    std::snprintf(mantissa, sizeof mantissa, "%.1f", value / std::pow(10.0, exponent));
    return std::string("\\f$") + mantissa + " \\times 10^{" + std::to_string(exponent) + "}\\f$";
}

/// One row of the table.
void row(const std::string& layer, const std::string& gradient, const std::string& call, const std::string& shape,
         const cnnlab::GradientCheck& check, double from_reference) {
    std::cout << "| " << layer << " | " << gradient << " | `" << call << "` | " << shape << " | "
              << scientific(check.relative_error) << " | " << scientific(from_reference) << " |\n";
}

}  // namespace

int main() {
    std::mt19937_64 rng(3);
    bool ok = true;
    constexpr double tolerance = 1e-7;  // the tests' bound for central differences in double
    std::cout << "| layer | gradient | computed by | shape | checker: relative error | max \\|optimized − reference\\| |\n"
                 "| --- | --- | --- | --- | --- | --- |\n";

    //! [gradients]
    // A layer 3 → 4 channels, 3×3 kernel, stride 2, padding 1, on 2 samples of 7×7.
    const cnnlab::Conv2dOptions options{.padding = cnnlab::Sides2::symmetric(1, 1), .stride = {2, 2}};
    Tensor x = random_tensor({2, 3, 7, 7}, rng);
    Tensor w = random_tensor({4, 3, 3, 3}, rng);
    arma::vec b = arma::randu<arma::vec>(4);
    // The loss f(Y) = <δ, Y> has ∂f/∂Y = δ: any δ of the output's shape is an upstream gradient.
    const Tensor dy = random_tensor(cnnlab::conv2d_layer(x, w, b, options).shape(), rng);  // 2×4×4×4
    const auto f = [&] { return inner(dy, cnnlab::conv2d_layer(x, w, b, options)); };

    const Tensor dx = cnnlab::conv2d_layer_backward_input(w, dy, x.shape(), options);   // ∂f/∂X
    const Tensor dw = cnnlab::conv2d_layer_backward_weight(x, dy, w.shape(), options);  // ∂f/∂W
    const arma::vec db = cnnlab::conv2d_layer_backward_bias(dy);                        // ∂f/∂b = Σ δ
    //! [gradients]

    //! [check]
    // Central differences on every weight (perturbed in place, then restored), against dW.
    const std::span<double> weights(w.data(), w.size());
    const std::span<const double> analytic(dw.data(), dw.size());
    const cnnlab::GradientCheck check_w = cnnlab::check_gradient(f, weights, analytic);
    ok = ok && check_w.passed(tolerance);  // relative error ≤ 1e-7
    //! [check]
    const cnnlab::GradientCheck check_x =
        cnnlab::check_gradient(f, std::span<double>(x.data(), x.size()), std::span<const double>(dx.data(), dx.size()));
    const cnnlab::GradientCheck check_b =
        cnnlab::check_gradient(f, std::span<double>(b.memptr(), b.n_elem), std::span<const double>(db.memptr(), db.n_elem));
    ok = ok && check_x.passed(tolerance) && check_b.passed(tolerance);
    const Tensor ref_dx = cnnlab::ref::conv2d_layer_backward_input(w, dy, x.shape(), options);
    const Tensor ref_dw = cnnlab::ref::conv2d_layer_backward_weight(x, dy, w.shape(), options);
    const arma::vec ref_db = cnnlab::ref::conv2d_layer_backward_bias(dy);
    const std::string layer_a = "2×3×7×7 → 2×4×4×4, 3×3, stride 2, padding 1";
    row(layer_a, "\\f$\\partial f/\\partial X\\f$", "conv2d_layer_backward_input", dx.shape().str(), check_x,
        max_difference(dx.data(), ref_dx.data(), dx.size()));
    row("", "\\f$\\partial f/\\partial W\\f$", "conv2d_layer_backward_weight", dw.shape().str(), check_w,
        max_difference(dw.data(), ref_dw.data(), dw.size()));
    row("", "\\f$\\partial f/\\partial b\\f$", "conv2d_layer_backward_bias", std::to_string(db.n_elem), check_b,
        max_difference(db.memptr(), ref_db.memptr(), db.n_elem));

    // A stride-1 layer with 16 channels on both sides: `automatic` runs ∂f/∂X as a forward layer over
    // δ with the rotated weight, on the path Chapter 2 picks for that layer.
    const cnnlab::Conv2dOptions same{.padding = cnnlab::Mode::same};
    Tensor x2 = random_tensor({1, 16, 8, 8}, rng);
    const Tensor w2 = random_tensor({16, 16, 3, 3}, rng);
    const Tensor dy2 = random_tensor({1, 16, 8, 8}, rng);
    const auto f2 = [&] { return inner(dy2, cnnlab::conv2d_layer(x2, w2, arma::vec{}, same)); };
    const Tensor ref_dx2 = cnnlab::ref::conv2d_layer_backward_input(w2, dy2, x2.shape(), same);
    const cnnlab::LayerGeometry g = cnnlab::resolve_conv2d_layer("example", x2.shape(), w2.shape(), 0, same);
    const cnnlab::RotatedForward rotated = cnnlab::rotated_forward_of(g);
    const cnnlab::LayerGeometry forward = cnnlab::resolve_conv2d_layer(
        "example", dy2.shape(), cnnlab::rotated_weight(w2).shape(), 0, rotated.options);
    const std::string layer_b = "1×16×8×8 → 1×16×8×8, 3×3, stride 1, same";
    for (auto path : {cnnlab::BackwardInputAlgorithm::gemm_col2im, cnnlab::BackwardInputAlgorithm::rotated_forward}) {
        const Tensor dx2 = cnnlab::conv2d_layer_backward_input(w2, dy2, x2.shape(), same, path);
        const cnnlab::GradientCheck check = cnnlab::check_gradient(f2, std::span<double>(x2.data(), x2.size()),
                                                                   std::span<const double>(dx2.data(), dx2.size()));
        ok = ok && check.passed(tolerance);
        std::string name = std::string(cnnlab::backward_input_algorithm_name(path));
        if (path == cnnlab::BackwardInputAlgorithm::rotated_forward)
            name += " (" + std::string(cnnlab::layer_algorithm_name(cnnlab::choose_layer_algorithm<double>(forward))) + ")";
        row(path == cnnlab::BackwardInputAlgorithm::gemm_col2im ? layer_b : "", "\\f$\\partial f/\\partial X\\f$",
            "conv2d_layer_backward_input, " + name, dx2.shape().str(), check,
            max_difference(dx2.data(), ref_dx2.data(), dx2.size()));
    }

    // Wrong on purpose: the channel-swapped weight without the rot180. The checker must see it.
    Tensor unrotated = cnnlab::rotated_weight(w2);
    for (std::size_t a = 0; a < unrotated.shape().n; ++a)
        for (std::size_t c = 0; c < unrotated.shape().c; ++c)
            unrotated.plane(a, c) = cnnlab::rot180(arma::mat(unrotated.plane(a, c)));
    const Tensor wrong = cnnlab::conv2d_layer(dy2, unrotated, arma::vec{}, rotated.options);
    const cnnlab::GradientCheck caught = cnnlab::check_gradient(f2, std::span<double>(x2.data(), x2.size()),
                                                                std::span<const double>(wrong.data(), wrong.size()));
    ok = ok && !caught.passed(tolerance);
    row("", "\\f$\\partial f/\\partial X\\f$ **wrong on purpose**: kernels not rotated",
        "conv2d_layer(δ, channel-swapped W)", wrong.shape().str(), caught, max_difference(wrong.data(), ref_dx2.data(), wrong.size()));
    return ok ? 0 : 1;
}

/// \file
/// \brief Chapter 3 suite: the gradient checker tells a right gradient from a wrong one; every
/// reference backward agrees with central finite differences of \f$L = \langle \delta, Y \rangle\f$
/// on randomized geometries; nndl's single-channel identities hold against Chapter 1's
/// cross-correlation with rot180 and wide padding; forward and backward are transposes; an upstream
/// gradient of the wrong shape is refused.
#define BOOST_TEST_MODULE ch03_gradients
#include <boost/test/unit_test.hpp>

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch01_convolution/convolution.hpp"
#include "chapters/ch02_layers/activations.hpp"
#include "chapters/ch03_gradients/gradient_check.hpp"
#include "reference/convolution.hpp"
#include "reference/gradients.hpp"
#include "reference/layers.hpp"
#include "tests/check_close.hpp"
#include "tests/random_layer_cases.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <vector>

using namespace cnnlab;
using cnnlab::testing::check_close;
using cnnlab::testing::LayerProblem;

namespace {

/// Finite differences of a function linear in its parameters leave only rounding, ~1e-11.
constexpr double finite_difference_tolerance = 1e-7;

std::span<double> values(arma::mat& m) { return {m.memptr(), m.n_elem}; }
std::span<double> values(arma::vec& v) { return {v.memptr(), v.n_elem}; }
std::span<double> values(Tensor4<double>& t) { return {t.data(), t.size()}; }
std::span<const double> values(const arma::mat& m) { return {m.memptr(), m.n_elem}; }
std::span<const double> values(const arma::vec& v) { return {v.memptr(), v.n_elem}; }
std::span<const double> values(const Tensor4<double>& t) { return {t.data(), t.size()}; }

/// \f$\langle a, b \rangle\f$ of two tensors of the same shape.
template <class T>
double inner(const Tensor4<T>& a, const Tensor4<T>& b) {
    if (!(a.shape() == b.shape())) BOOST_FAIL("inner: " << a.shape().str() << " vs " << b.shape().str());
    double sum = 0;
    for (std::size_t k = 0; k < a.size(); ++k) sum += double(a.data()[k]) * double(b.data()[k]);
    return sum;
}

arma::mat random_matrix(std::size_t rows, std::size_t cols, std::mt19937_64& rng) {
    std::uniform_real_distribution<double> value(-1, 1);
    arma::mat m(rows, cols);
    for (auto& v : m) v = value(rng);
    return m;
}

/// The elements of a tensor as an arma column (a copy), for check_close.
template <class T>
arma::Col<T> column(const Tensor4<T>& t) { return arma::Col<T>(t.data(), t.size()); }

/// Runs the checker and records the result under `what`; returns the relative error.
template <class F>
double expect_gradient(F&& f, std::span<double> parameters, std::span<const double> analytic, const std::string& what) {
    const GradientCheck check = check_gradient(f, parameters, analytic);
    BOOST_TEST(check.passed(finite_difference_tolerance),
               what << ": relative error " << check.relative_error << " at index " << check.worst_index << " (analytic "
                    << check.analytic << ", numeric " << check.numeric << ")");
    return check.relative_error;
}

/// A single-plane problem: sizes, options, seed.
struct PlaneProblem {
    std::size_t rows = 0, cols = 0, kernel_rows = 0, kernel_cols = 0;
    Options2d options;
    std::uint64_t seed = 0;
};

std::ostream& operator<<(std::ostream& out, const PlaneProblem& p) {
    out << "input " << size_string(p.rows, p.cols) << " kernel " << size_string(p.kernel_rows, p.kernel_cols) << " stride "
        << p.options.stride.rows << "," << p.options.stride.cols << " dilation " << p.options.dilation.rows << ","
        << p.options.dilation.cols << " padding ";
    if (const auto* mode = std::get_if<Mode>(&p.options.padding))
        out << mode_name(*mode);
    else {
        const Sides2& s = std::get<Sides2>(p.options.padding);
        out << s.rows.before << "," << s.rows.after << "," << s.cols.before << "," << s.cols.after;
    }
    return out << " seed=" << p.seed;
}

/// Problem `index` of the single-plane sweep: valid / same / full / asymmetric padding, strides up
/// to 3, dilations up to 2, even and non-square kernels; redrawn until the geometry has an output.
PlaneProblem plane_problem(std::size_t index) {
    PlaneProblem p;
    p.seed = cnnlab::testing::base_seed() + 104729 * index;
    std::mt19937_64 rng(p.seed);
    auto pick = [&](std::size_t lo, std::size_t hi) { return std::uniform_int_distribution<std::size_t>(lo, hi)(rng); };
    for (;;) {
        p.rows = pick(1, 8), p.cols = pick(1, 8), p.kernel_rows = pick(1, 4), p.kernel_cols = pick(1, 4);
        p.options = {};
        switch (index % 4) {
            case 0: p.options.padding = Mode::valid; break;
            case 1: p.options.padding = Mode::same; break;
            case 2: p.options.padding = Mode::full; break;
            default: p.options.padding = Sides2{{pick(0, 3), pick(0, 3)}, {pick(0, 3), pick(0, 3)}};
        }
        p.options.stride = {pick(1, 3), pick(1, 3)};
        p.options.dilation = {pick(1, 2), pick(1, 2)};
        try {
            resolve_geometry("plane_problem", p.rows, p.cols, p.kernel_rows, p.kernel_cols, p.options);
            return p;
        } catch (const shape_error&) {
        }
    }
}

/// Layer problem `index` of the finite-difference sweep: small (so that two forwards per
/// parameter stay cheap) but covering groups, depthwise, stride, dilation, asymmetric padding,
/// `same` with even kernels, `full`, bias or not, batch 1 and 3, non-square inputs and kernels.
LayerProblem small_layer_problem(std::size_t index) {
    LayerProblem p;
    p.seed = cnnlab::testing::base_seed() + 7919 * index;
    std::mt19937_64 rng(p.seed + 3);
    auto pick = [&](std::size_t lo, std::size_t hi) { return std::uniform_int_distribution<std::size_t>(lo, hi)(rng); };
    const std::size_t kind = index % 8;
    std::size_t groups = kind == 1 ? pick(2, 3) : 1;
    std::size_t in_per_group = pick(1, 3), out_per_group = pick(1, 3);
    if (kind == 2) groups = pick(2, 3), in_per_group = 1, out_per_group = pick(1, 2);  // depthwise
    const std::size_t kh = kind == 6 ? 2 * pick(1, 2) : pick(1, 4), kw = pick(1, 4);  // `same` gets an even kernel
    p.input = {index % 2 == 0 ? 1u : 3u, groups * in_per_group, pick(kh, 7), pick(kw, 7)};
    p.weight = {groups * out_per_group, in_per_group, kh, kw};
    p.options.groups = groups;
    p.bias = pick(0, 1) == 1;
    if (kind == 3) p.options.stride = {pick(2, 3), pick(1, 3)};
    if (kind == 4) p.options.dilation = {pick(1, 2), pick(2, 3)}, p.input.h += kh, p.input.w += 2 * kw;
    if (kind == 5) p.options.padding = Sides2{{pick(0, kh + 1), pick(0, kh + 1)}, {pick(0, kw + 1), pick(0, kw)}};
    if (kind == 6) p.options.padding = Mode::same;
    if (kind == 7) p.options.padding = Mode::full, p.options.stride = {pick(1, 2), pick(1, 2)};
    return p;
}

/// \f$f(x) = \sum_i \sin(x_i)\, x_{i+1} + x_i^3/3\f$ (indices cyclic) and its gradient
/// \f$\cos(x_k) x_{k+1} + \sin(x_{k-1}) + x_k^2\f$.
struct CyclicTestFunction {
    std::vector<double>& x;
    double operator()() const {
        double sum = 0;
        for (std::size_t i = 0; i < x.size(); ++i) sum += std::sin(x[i]) * x[(i + 1) % x.size()] + x[i] * x[i] * x[i] / 3;
        return sum;
    }
    std::vector<double> gradient() const {
        const std::size_t n = x.size();
        std::vector<double> g(n);
        for (std::size_t k = 0; k < n; ++k) g[k] = std::cos(x[k]) * x[(k + 1) % n] + std::sin(x[(k + n - 1) % n]) + x[k] * x[k];
        return g;
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(gradient_checker)

BOOST_AUTO_TEST_CASE(right_gradient_passes_and_parameters_are_restored) {
    std::vector<double> x = {0.3, -1.2, 2.5, -30.0, 0.0, 7.0};
    const std::vector<double> original = x;
    CyclicTestFunction f{x};
    const GradientCheck check = check_gradient(f, x, f.gradient());
    BOOST_TEST_MESSAGE("checker, right gradient of a nonlinear function: relative error " << check.relative_error);
    BOOST_TEST(check.relative_error < 1e-9);
    BOOST_TEST(check.passed(1e-9));
    BOOST_TEST(x == original, "the parameters must be restored bit for bit");
}

BOOST_AUTO_TEST_CASE(wrong_gradient_fails_and_points_at_the_wrong_element) {
    std::vector<double> x = {0.3, -1.2, 2.5, -3.0, 0.4, 1.0};
    CyclicTestFunction f{x};
    const std::vector<double> right = f.gradient();
    std::vector<double> wrong = right;
    wrong[3] -= std::sin(x[2]);  // forgets the term from the neighbour: a typical chain-rule slip
    const GradientCheck check = check_gradient(f, x, wrong);
    BOOST_TEST(!check.passed(1e-7));
    BOOST_TEST(check.relative_error > 1e-2);
    BOOST_TEST(check.worst_index == 3u);
    BOOST_TEST(check.analytic == wrong[3]);
    BOOST_TEST(std::abs(check.numeric - right[3]) < 1e-8);
    BOOST_TEST(std::abs(check.max_abs_difference - std::abs(std::sin(x[2]))) < 1e-8);

    // A sign flip of the whole gradient gives the largest possible error, 1.
    std::vector<double> flipped = right;
    for (double& g : flipped) g = -g;
    BOOST_TEST(std::abs(check_gradient(f, x, flipped).relative_error - 1.0) < 1e-9);
}

BOOST_AUTO_TEST_CASE(relative_error_is_the_documented_formula) {
    // f(x) = 2 x0 - x1 has gradient (2, -1) exactly; analytic (2, -1.5): max|a-b| = 0.5,
    // max|a| + max|b| = 2 + 2, e = 0.125 (finite differences of a linear function are exact to ~1e-10).
    std::vector<double> x = {0.5, 0.25};
    const auto f = [&] { return 2 * x[0] - x[1]; };
    const GradientCheck check = check_gradient(f, x, std::vector<double>{2.0, -1.5});
    BOOST_TEST(std::abs(check.relative_error - 0.125) < 1e-9);
    BOOST_TEST(check.worst_index == 1u);
    // Both gradients zero: error 0, not 0/0.
    const auto constant = [] { return 4.0; };
    BOOST_TEST(check_gradient(constant, x, std::vector<double>{0.0, 0.0}).relative_error == 0.0);
    // A NaN in the analytic gradient fails.
    BOOST_TEST(!check_gradient(f, x, std::vector<double>{2.0, std::nan("")}).passed(1e-7));
}

BOOST_AUTO_TEST_CASE(step_scales_with_the_value) {
    const double base = std::cbrt(std::numeric_limits<double>::epsilon());
    BOOST_TEST(central_difference_step(0.0) == base);
    BOOST_TEST(central_difference_step(-0.5) == base);
    BOOST_TEST(central_difference_step(-200.0) == base * 200.0);
}

BOOST_AUTO_TEST_CASE(gradient_of_the_wrong_length_is_refused) {
    std::vector<double> x = {1.0, 2.0, 3.0};
    const auto f = [&] { return x[0]; };
    BOOST_CHECK_EXCEPTION(check_gradient(f, x, std::vector<double>{1.0, 0.0}), shape_error, [](const shape_error& e) {
        return std::string(e.what()).find("check_gradient: the analytic gradient has 2 elements but there are 3 parameters") !=
               std::string::npos;
    });
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(single_channel)

BOOST_AUTO_TEST_CASE(backward_matches_finite_differences) {
    double worst_input = 0, worst_weight = 0;
    for (std::size_t index = 0; index < 96; ++index) {
        const PlaneProblem p = plane_problem(index);
        BOOST_TEST_CONTEXT(p) {
            std::mt19937_64 rng(p.seed + 1);
            arma::mat x = random_matrix(p.rows, p.cols, rng);
            arma::mat w = random_matrix(p.kernel_rows, p.kernel_cols, rng);
            const arma::mat y = ref::xcorr2d(x, w, p.options);
            const arma::mat dy = random_matrix(y.n_rows, y.n_cols, rng);
            const auto loss = [&] { return arma::accu(dy % ref::xcorr2d(x, w, p.options)); };

            const arma::mat dx = ref::xcorr2d_backward_input(w, dy, p.rows, p.cols, p.options);
            worst_input = std::max(worst_input, expect_gradient(loss, values(x), values(dx), "dL/dX"));
            const arma::mat dw = ref::xcorr2d_backward_weight(x, dy, p.kernel_rows, p.kernel_cols, p.options);
            worst_weight = std::max(worst_weight, expect_gradient(loss, values(w), values(dw), "dL/dW"));
        }
    }
    BOOST_TEST_MESSAGE("single channel, 96 geometries: worst relative error dX " << worst_input << ", dW " << worst_weight);
}

BOOST_AUTO_TEST_CASE(nndl_identities_against_chapter1_rot180_wide_correlation) {
    // nndl §5.3, valid, stride 1: dF/dW = dY ⊗ X and dF/dX = rot180(W) ⊗~ dY, the right-hand sides
    // computed by Chapter 1's optimized xcorr2d (valid, and full = wide).
    std::mt19937_64 rng(cnnlab::testing::base_seed() + 5);
    auto pick = [&](std::size_t lo, std::size_t hi) { return std::uniform_int_distribution<std::size_t>(lo, hi)(rng); };
    for (std::size_t trial = 0; trial < 40; ++trial) {
        const std::size_t kr = pick(1, 5), kc = pick(1, 5), rows = pick(kr, 11), cols = pick(kc, 11);
        const arma::mat x = random_matrix(rows, cols, rng), w = random_matrix(kr, kc, rng);
        const arma::mat dy = random_matrix(rows - kr + 1, cols - kc + 1, rng);
        BOOST_TEST_CONTEXT("input " << size_string(rows, cols) << ", kernel " << size_string(kr, kc)) {
            check_close(ref::xcorr2d_backward_weight(x, dy, kr, kc), cnnlab::xcorr2d(x, dy), 1e-13, "dW = dY ⊗ X");
            check_close(ref::xcorr2d_backward_input(w, dy, rows, cols),
                        cnnlab::xcorr2d(dy, cnnlab::rot180(w), Options2d{.padding = Mode::full}), 1e-13,
                        "dX = rot180(W) ⊗~ dY");
            // The float instantiation says the same.
            const arma::fmat xf = arma::conv_to<arma::fmat>::from(x), wf = arma::conv_to<arma::fmat>::from(w);
            const arma::fmat dyf = arma::conv_to<arma::fmat>::from(dy);
            check_close(ref::xcorr2d_backward_input(wf, dyf, rows, cols),
                        cnnlab::xcorr2d(dyf, cnnlab::rot180(wf), Options2d{.padding = Mode::full}), 1e-5, "float dX");
            check_close(ref::xcorr2d_backward_weight(xf, dyf, kr, kc), cnnlab::xcorr2d(xf, dyf), 1e-5, "float dW");
        }
    }
}

BOOST_AUTO_TEST_CASE(backward_input_is_the_transpose_of_the_forward) {
    // ⟨W ⊗ x, δ⟩ = ⟨x, Cᵀ δ⟩ (exercise 5-7) with every geometry of the sweep.
    for (std::size_t index = 0; index < 48; ++index) {
        const PlaneProblem p = plane_problem(index);
        BOOST_TEST_CONTEXT(p) {
            std::mt19937_64 rng(p.seed + 2);
            const arma::mat x = random_matrix(p.rows, p.cols, rng), w = random_matrix(p.kernel_rows, p.kernel_cols, rng);
            const arma::mat y = ref::xcorr2d(x, w, p.options);
            const arma::mat dy = random_matrix(y.n_rows, y.n_cols, rng);
            const double forward_side = arma::accu(y % dy);
            const double backward_side = arma::accu(x % ref::xcorr2d_backward_input(w, dy, p.rows, p.cols, p.options));
            BOOST_TEST(std::abs(forward_side - backward_side) <= 1e-12 * std::max(1.0, std::abs(forward_side)));
            // And against the convolution matrix of exercise 5-5: Cᵀ vec_r(δ).
            const arma::mat c = ref::conv_matrix2d(w, p.rows, p.cols, p.options);
            const arma::mat dx = ref::xcorr2d_backward_input(w, dy, p.rows, p.cols, p.options);
            const arma::vec by_matrix = c.t() * arma::vectorise(dy, 1).t();  // row-major vec, as conv_matrix2d
            check_close(arma::vec(arma::vectorise(dx, 1).t()), by_matrix, 1e-13, "Cᵀ δ");
        }
    }
}

BOOST_AUTO_TEST_CASE(upstream_gradient_of_the_wrong_size_is_refused) {
    const arma::mat x(5, 6, arma::fill::ones), w(2, 3, arma::fill::ones), dy(3, 4, arma::fill::ones);  // output is 4×4
    BOOST_CHECK_EXCEPTION(ref::xcorr2d_backward_input(w, dy, 5, 6), shape_error, [](const shape_error& e) {
        return std::string(e.what()) ==
               "ref::xcorr2d_backward_input: dY is 3×4 but the forward's output is 4×4 (input 5×6, kernel 2×3): "
               "dY must have the shape of the forward's output";
    });
    BOOST_CHECK_EXCEPTION(ref::xcorr2d_backward_weight(x, dy, 2, 3), shape_error, [](const shape_error& e) {
        return std::string(e.what()).starts_with("ref::xcorr2d_backward_weight: dY is 3×4 but the forward's output is 4×4");
    });
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(layer)

BOOST_AUTO_TEST_CASE(backward_matches_finite_differences) {
    double worst_input = 0, worst_weight = 0, worst_bias = 0;
    for (std::size_t index = 0; index < 64; ++index) {
        const LayerProblem p = small_layer_problem(index);
        BOOST_TEST_CONTEXT(p) {
            Tensor4<double> x = p.x<double>(), w = p.w<double>();
            arma::vec b = p.b<double>();
            const Tensor4<double> dy = p.upstream<double>();
            const auto loss = [&] { return inner(dy, ref::conv2d_layer(x, w, b, p.options)); };

            const Tensor4<double> dx = ref::conv2d_layer_backward_input(w, dy, p.input, p.options);
            worst_input = std::max(worst_input, expect_gradient(loss, values(x), values(dx), "dL/dX"));
            const Tensor4<double> dw = ref::conv2d_layer_backward_weight(x, dy, p.weight, p.options);
            worst_weight = std::max(worst_weight, expect_gradient(loss, values(w), values(dw), "dL/dW"));
            if (p.bias) {
                const arma::vec db = ref::conv2d_layer_backward_bias(dy);
                worst_bias = std::max(worst_bias, expect_gradient(loss, values(b), values(db), "dL/db"));
            }
        }
    }
    BOOST_TEST_MESSAGE("layer, 64 problems: worst relative error dX " << worst_input << ", dW " << worst_weight << ", db "
                                                                       << worst_bias);
}

BOOST_AUTO_TEST_CASE(forward_and_backward_are_transposes) {
    // ⟨conv(x, w), δ⟩ = ⟨x, backward_input(w, δ)⟩ = ⟨w, backward_weight(x, δ)⟩ (the layer is
    // bilinear in x and w), and the bias adds ⟨b, backward_bias(δ)⟩.
    for (std::size_t index = 0; index < 40; ++index) {
        const LayerProblem p = cnnlab::testing::random_layer_problem(index);
        BOOST_TEST_CONTEXT(p) {
            const Tensor4<double> x = p.x<double>(), w = p.w<double>();
            const arma::vec b = p.b<double>();
            const Tensor4<double> dy = p.upstream<double>();
            const double forward_side = inner(ref::conv2d_layer(x, w, {}, p.options), dy);
            const double scale = std::max(1.0, std::abs(forward_side));
            const double via_input = inner(x, ref::conv2d_layer_backward_input(w, dy, p.input, p.options));
            const double via_weight = inner(w, ref::conv2d_layer_backward_weight(x, dy, p.weight, p.options));
            BOOST_TEST(std::abs(forward_side - via_input) <= 1e-12 * scale, forward_side << " vs " << via_input);
            BOOST_TEST(std::abs(forward_side - via_weight) <= 1e-12 * scale, forward_side << " vs " << via_weight);
            if (p.bias) {
                const double with_bias = inner(ref::conv2d_layer(x, w, b, p.options), dy);
                const double bias_part = arma::dot(b, ref::conv2d_layer_backward_bias(dy));
                BOOST_TEST(std::abs(with_bias - forward_side - bias_part) <= 1e-12 * std::max(1.0, std::abs(with_bias)));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(layer_form_of_the_nndl_identities) {
    // One sample, groups 1, stride 1, valid: dL/dW^{p,d} = δ^p ⊗ X^d and
    // dL/dX^d = Σ_p rot180(W^{p,d}) ⊗~ δ^p, computed plane by plane with Chapter 1's xcorr2d.
    LayerProblem p;
    p.input = {1, 3, 7, 6};
    p.weight = {4, 3, 3, 2};
    p.seed = cnnlab::testing::base_seed() + 17;
    const Tensor4<double> x = p.x<double>(), w = p.w<double>(), dy = p.upstream<double>();
    const Tensor4<double> dx = ref::conv2d_layer_backward_input(w, dy, p.input);
    const Tensor4<double> dw = ref::conv2d_layer_backward_weight(x, dy, p.weight);
    for (std::size_t d = 0; d < p.input.c; ++d) {
        arma::mat expected_dx(p.input.h, p.input.w, arma::fill::zeros);
        for (std::size_t q = 0; q < p.weight.n; ++q) {
            expected_dx += cnnlab::xcorr2d(dy.plane_copy(0, q), cnnlab::rot180(w.plane_copy(q, d)), Options2d{.padding = Mode::full});
            check_close(dw.plane_copy(q, d), cnnlab::xcorr2d(x.plane_copy(0, d), dy.plane_copy(0, q)), 1e-13,
                        "dW^{" + std::to_string(q) + "," + std::to_string(d) + "}");
        }
        check_close(dx.plane_copy(0, d), expected_dx, 1e-13, "dX^" + std::to_string(d));
    }
}

BOOST_AUTO_TEST_CASE(float_and_double_agree) {
    for (std::size_t index = 0; index < 16; ++index) {
        const LayerProblem p = cnnlab::testing::random_layer_problem(index);
        BOOST_TEST_CONTEXT(p) {
            const Tensor4<double> dy = p.upstream<double>();
            const Tensor4<float> dyf = p.upstream<float>();
            check_close(column(ref::conv2d_layer_backward_input(p.w<float>(), dyf, p.input, p.options)),
                        column(ref::conv2d_layer_backward_input(p.w<double>(), dy, p.input, p.options)), 1e-5, "dX");
            check_close(column(ref::conv2d_layer_backward_weight(p.x<float>(), dyf, p.weight, p.options)),
                        column(ref::conv2d_layer_backward_weight(p.x<double>(), dy, p.weight, p.options)), 1e-5, "dW");
            check_close(ref::conv2d_layer_backward_bias(dyf), ref::conv2d_layer_backward_bias(dy), 1e-5, "db");
        }
    }
}

BOOST_AUTO_TEST_CASE(upstream_gradient_of_the_wrong_shape_is_refused) {
    // x 2×4×9×8, w 6×2×3×3, groups 2, stride 2, padding 1: the output is 2×6×5×4.
    const Conv2dOptions options{.padding = Sides2::symmetric(1, 1), .stride = {2, 2}, .groups = 2};
    const Tensor4<double> x({2, 4, 9, 8}), w({6, 2, 3, 3});
    const Tensor4<double> good({2, 6, 5, 4});
    BOOST_TEST(ref::conv2d_layer_backward_input(w, good, x.shape(), options).shape() == x.shape());
    BOOST_TEST(ref::conv2d_layer_backward_weight(x, good, w.shape(), options).shape() == w.shape());

    for (const Shape4 bad : {Shape4{2, 6, 4, 4}, Shape4{1, 6, 5, 4}, Shape4{2, 3, 5, 4}}) {
        const Tensor4<double> dy(bad);
        const std::string shapes = "dY is " + bad.str() + " but the forward's output is 2×6×5×4 (x 2×4×9×8, w 6×2×3×3, groups 2)";
        const std::string rule = "dY must have the shape of the forward's output";
        BOOST_CHECK_EXCEPTION(ref::conv2d_layer_backward_input(w, dy, x.shape(), options), shape_error, [&](const shape_error& e) {
            return std::string(e.what()) == "ref::conv2d_layer_backward_input: " + shapes + ": " + rule;
        });
        BOOST_CHECK_EXCEPTION(ref::conv2d_layer_backward_weight(x, dy, w.shape(), options), shape_error, [&](const shape_error& e) {
            return std::string(e.what()) == "ref::conv2d_layer_backward_weight: " + shapes + ": " + rule;
        });
    }
    // A weight shape that does not fit the input is refused as the forward refuses it.
    BOOST_CHECK_THROW(ref::conv2d_layer_backward_weight(x, good, Shape4{6, 3, 3, 3}, options), shape_error);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(convolution_conv1d_and_activations)

BOOST_AUTO_TEST_CASE(true_convolution_backward_matches_finite_differences) {
    // conv2d = rot180(W) ⊗ X: its gradients are the cross-correlation's with the kernel turned.
    double worst = 0;
    for (std::size_t index = 0; index < 48; ++index) {
        const PlaneProblem p = plane_problem(index);
        BOOST_TEST_CONTEXT(p) {
            std::mt19937_64 rng(p.seed + 4);
            arma::mat x = random_matrix(p.rows, p.cols, rng), w = random_matrix(p.kernel_rows, p.kernel_cols, rng);
            const arma::mat y = ref::conv2d(x, w, p.options);
            const arma::mat dy = random_matrix(y.n_rows, y.n_cols, rng);
            const auto loss = [&] { return arma::accu(dy % ref::conv2d(x, w, p.options)); };
            const arma::mat dx = ref::conv2d_backward_input(w, dy, p.rows, p.cols, p.options);
            const arma::mat dw = ref::conv2d_backward_weight(x, dy, p.kernel_rows, p.kernel_cols, p.options);
            worst = std::max({worst, expect_gradient(loss, values(x), values(dx), "dL/dX"),
                              expect_gradient(loss, values(w), values(dw), "dL/dW")});
        }
    }
    BOOST_TEST_MESSAGE("true convolution, 48 geometries: worst relative error " << worst);
}

BOOST_AUTO_TEST_CASE(conv1d_layer_backward_matches_finite_differences) {
    std::mt19937_64 rng(cnnlab::testing::base_seed() + 61);
    auto pick = [&](std::size_t lo, std::size_t hi) { return std::uniform_int_distribution<std::size_t>(lo, hi)(rng); };
    for (std::size_t trial = 0; trial < 24; ++trial) {
        const std::size_t groups = pick(1, 2), kernel = pick(1, 4);
        Conv1dOptions options{.stride = pick(1, 3), .dilation = pick(1, 2), .groups = groups};
        if (trial % 3 == 1) options.padding = Mode::same, options.stride = 1;
        if (trial % 3 == 2) options.padding = Sides{pick(0, 2), pick(0, 3)};
        LayerProblem p;
        p.input = {pick(1, 2), groups * pick(1, 2), 1, 2 * kernel + pick(0, 6)};
        p.weight = {groups * pick(1, 2), p.input.c / groups, 1, kernel};
        p.bias = true;
        p.seed = cnnlab::testing::base_seed() + 500 + trial;
        BOOST_TEST_CONTEXT(p << " conv1d stride " << options.stride << " dilation " << options.dilation) {
            Tensor4<double> x = p.x<double>(), w = p.w<double>();
            arma::vec b = p.b<double>();
            const Tensor4<double> dy = LayerProblem::fill<double>(ref::conv1d_layer(x, w, b, options).shape(), p.seed + 9);
            const auto loss = [&] { return inner(dy, ref::conv1d_layer(x, w, b, options)); };
            expect_gradient(loss, values(x), values(ref::conv1d_layer_backward_input(w, dy, p.input, options)), "dL/dX");
            expect_gradient(loss, values(w), values(ref::conv1d_layer_backward_weight(x, dy, p.weight, options)), "dL/dW");
            expect_gradient(loss, values(b), values(ref::conv1d_layer_backward_bias(dy)), "dL/db");
        }
    }
}

BOOST_AUTO_TEST_CASE(activation_derivatives_match_finite_differences) {
    // Away from z = 0, where ReLU and Leaky ReLU have no derivative.
    LayerProblem p;
    p.input = {1, 2, 4, 5};
    p.seed = cnnlab::testing::base_seed() + 67;
    for (const Activation a : {Activation::identity, Activation::relu, Activation::leaky_relu, Activation::sigmoid,
                               Activation::tanh}) {
        BOOST_TEST_CONTEXT(activation_name(a)) {
            Tensor4<double> z = LayerProblem::fill<double>(p.input, p.seed);
            for (std::size_t i = 0; i < z.size(); ++i)
                if (std::abs(z.data()[i]) < 0.05) z.data()[i] = 0.5;
            const Tensor4<double> da = LayerProblem::fill<double>(p.input, p.seed + 1);
            const auto loss = [&] {
                Tensor4<double> activated = z;
                apply_activation(activated, a, 0.2);
                return inner(da, activated);
            };
            expect_gradient(loss, values(z), values(ref::activation_backward(z, da, a, 0.2)), "dL/dZ");
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

/// \file
/// \brief Chapter 7 suite for the fully connected layer and 2-D batch normalization
/// (chapters/ch07_networks/dense_ops.hpp): the optimized versions equal the loop references
/// (reference/dense.hpp) on random shapes in float and double; hand-computed literals; every
/// backward against central finite differences in double; inference with the batch's own
/// statistics equals training-mode normalization; the batch-norm input gradient sums to zero per
/// channel; every refused input names its operation.
#define BOOST_TEST_MODULE ch07_dense_ops
#include <boost/test/unit_test.hpp>

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch03_gradients/gradient_check.hpp"
#include "chapters/ch07_networks/dense_ops.hpp"
#include "reference/dense.hpp"
#include "tests/check_close.hpp"
#include "tests/random_conv_cases.hpp"

#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <vector>

using namespace cnnlab;
using cnnlab::testing::check_close;

namespace {

/// Double: sums of at most a few hundred products of values in [-1, 1] in different orders.
constexpr double double_tolerance = 1e-12;
/// Float linear: BLAS and the triple loop sum up to ~200 products in different orders (~m·ε of the
/// scale at worst, 1e-5); a wrong index fails by orders of magnitude.
constexpr double float_linear_tolerance = 1e-4;
/// Float batch norm: both sides sum in double; they differ by where values are rounded to float
/// (the folded scale and shift against the formula), a few ulp of the result.
constexpr double float_batch_norm_tolerance = 1e-5;
/// Central differences: rounding (~1e-11) for linear, plus O(h²) truncation for batch norm.
constexpr double finite_difference_tolerance = 1e-7;

/// Uniform values in [lo, hi] from a seed.
template <class T>
struct Draw {
    std::mt19937_64 rng;
    explicit Draw(std::uint64_t seed) : rng(seed) {}
    T value(double lo = -1, double hi = 1) { return T(std::uniform_real_distribution<double>(lo, hi)(rng)); }
    std::size_t pick(std::size_t lo, std::size_t hi) { return std::uniform_int_distribution<std::size_t>(lo, hi)(rng); }
    Tensor4<T> tensor(const Shape4& shape, double lo = -1, double hi = 1) {
        Tensor4<T> t(shape);
        for (std::size_t k = 0; k < t.size(); ++k) t.data()[k] = value(lo, hi);
        return t;
    }
    arma::Col<T> col(std::size_t n, double lo = -1, double hi = 1) {
        arma::Col<T> c(n);
        for (auto& v : c) v = value(lo, hi);
        return c;
    }
    arma::Mat<T> mat(std::size_t rows, std::size_t cols) {
        arma::Mat<T> m(rows, cols);
        for (auto& v : m) v = value();
        return m;
    }
};

/// The elements of a tensor as an arma column (a copy), for check_close.
template <class T>
arma::Col<T> column(const Tensor4<T>& t) { return arma::Col<T>(t.data(), t.size()); }

std::span<double> values(Tensor4<double>& t) { return {t.data(), t.size()}; }
std::span<double> values(arma::mat& m) { return {m.memptr(), m.n_elem}; }
std::span<double> values(arma::vec& v) { return {v.memptr(), v.n_elem}; }
std::span<const double> values(const Tensor4<double>& t) { return {t.data(), t.size()}; }
std::span<const double> values(const arma::mat& m) { return {m.memptr(), m.n_elem}; }
std::span<const double> values(const arma::vec& v) { return {v.memptr(), v.n_elem}; }

/// \f$\langle a, b \rangle\f$ of two tensors of the same shape.
double inner(const Tensor4<double>& a, const Tensor4<double>& b) {
    BOOST_TEST_REQUIRE((a.shape() == b.shape()), "inner: " << a.shape() << " vs " << b.shape());
    double sum = 0;
    for (std::size_t k = 0; k < a.size(); ++k) sum += a.data()[k] * b.data()[k];
    return sum;
}

/// Runs the gradient checker and records the result under `what`.
template <class F>
void expect_gradient(F&& f, std::span<double> parameters, std::span<const double> analytic, const std::string& what) {
    const GradientCheck check = check_gradient(f, parameters, analytic);
    BOOST_TEST(check.passed(finite_difference_tolerance),
               what << ": relative error " << check.relative_error << " at index " << check.worst_index << " (analytic "
                    << check.analytic << ", numeric " << check.numeric << ")");
}

/// Expects `call` to throw `Error` whose message starts with `op` followed by ": " and contains `fragment`.
template <class Error>
void expect_refused(const std::function<void()>& call, const std::string& op, const std::string& fragment) {
    BOOST_TEST_CONTEXT(op << " / " << fragment) {
        try {
            call();
            BOOST_ERROR("accepted, expected a refusal");
        } catch (const Error& e) {
            const std::string what = e.what();
            BOOST_TEST(what.starts_with(op + ": "), "message: " << what);
            BOOST_TEST(what.find(fragment) != std::string::npos, "message: " << what);
        }
    }
}

/// One linear problem: sizes, bias or not, seed.
struct LinearProblem {
    std::size_t batch = 1, in = 1, out = 1;
    bool bias = true;
    std::uint64_t seed = 0;
};

std::ostream& operator<<(std::ostream& o, const LinearProblem& p) {
    return o << "linear n" << p.batch << "in" << p.in << "out" << p.out << (p.bias ? "_bias" : "") << " seed=" << p.seed;
}

LinearProblem random_linear_problem(std::size_t index) {
    LinearProblem p;
    p.seed = cnnlab::testing::base_seed() + 1000 + index;
    Draw<double> draw(p.seed);
    p.batch = index % 5 == 0 ? 1 : draw.pick(1, 9);
    p.in = index % 7 == 1 ? 1 : draw.pick(1, 200);
    p.out = index % 7 == 2 ? 1 : draw.pick(1, 40);
    p.bias = index % 3 != 0;
    return p;
}

template <class T>
void expect_linear_matches_reference(const LinearProblem& p, double tolerance) {
    Draw<T> draw(p.seed + 1);
    const Tensor4<T> x = draw.tensor({p.batch, p.in, 1, 1});
    const arma::Mat<T> w = draw.mat(p.out, p.in);
    const arma::Col<T> b = p.bias ? draw.col(p.out) : arma::Col<T>();
    const Tensor4<T> dy = draw.tensor({p.batch, p.out, 1, 1});
    const Tensor4<T> y = linear(x, w, b), expected = ref::linear(x, w, b);
    BOOST_TEST((y.shape() == Shape4{p.batch, p.out, 1, 1}));
    check_close(column(y), column(expected), tolerance, "y");
    const Tensor4<T> dx = linear_backward_input(w, dy);
    BOOST_TEST((dx.shape() == x.shape()));
    check_close(column(dx), column(ref::linear_backward_input(w, dy)), tolerance, "dX");
    check_close(linear_backward_weight(x, dy), ref::linear_backward_weight(x, dy), tolerance, "dW");
    check_close(linear_backward_bias(dy), ref::linear_backward_bias(dy), tolerance, "db");
}

/// One batch-norm problem: shape, eps, the spread and offset of x, seed.
struct BatchNormProblem {
    Shape4 shape;
    double eps = 1e-5;
    double offset = 0;  ///< added to x, so the mean is far from 0 against the spread
    std::uint64_t seed = 0;
};

std::ostream& operator<<(std::ostream& o, const BatchNormProblem& p) {
    return o << "batch_norm " << p.shape << " eps=" << p.eps << " offset=" << p.offset << " seed=" << p.seed;
}

BatchNormProblem random_batch_norm_problem(std::size_t index) {
    BatchNormProblem p;
    p.seed = cnnlab::testing::base_seed() + 2000 + index;
    Draw<double> draw(p.seed);
    p.shape = {draw.pick(1, 4), draw.pick(1, 6), draw.pick(1, 9), draw.pick(1, 9)};
    if (index % 6 == 1) p.shape.h = p.shape.w = 1, p.shape.n = draw.pick(2, 5);  // N×C×1×1 (after a Linear)
    if (index % 6 == 2) p.shape.n = 1;
    if (p.shape.n * p.shape.h * p.shape.w < 2) p.shape.w = 2;
    p.eps = index % 4 == 3 ? 0.3 : 1e-5;
    p.offset = index % 5 == 4 ? 4.0 : 0.0;
    return p;
}

template <class T>
void expect_batch_norm_matches_reference(const BatchNormProblem& p, double tolerance) {
    Draw<T> draw(p.seed + 1);
    const Tensor4<T> x = draw.tensor(p.shape, p.offset - 1, p.offset + 1);
    const arma::Col<T> gamma = draw.col(p.shape.c, -2, 2), beta = draw.col(p.shape.c);
    const arma::Col<T> running_mean = draw.col(p.shape.c), running_var = draw.col(p.shape.c, 0.1, 3);
    const Tensor4<T> dy = draw.tensor(p.shape);
    const T eps = T(p.eps);

    check_close(column(batch_norm2d_inference(x, gamma, beta, running_mean, running_var, eps)),
                column(ref::batch_norm2d_inference(x, gamma, beta, running_mean, running_var, eps)), tolerance,
                "inference y");

    const BatchNormTraining<T> fast = batch_norm2d_training(x, gamma, beta, eps);
    const BatchNormTraining<T> slow = ref::batch_norm2d_training(x, gamma, beta, eps);
    BOOST_TEST((fast.y.shape() == p.shape));
    check_close(column(fast.y), column(slow.y), tolerance, "training y");
    check_close(fast.mean, slow.mean, tolerance, "mean");
    check_close(fast.inv_std, slow.inv_std, tolerance, "inv_std");
    check_close(fast.unbiased_var, slow.unbiased_var, tolerance, "unbiased_var");

    arma::Col<T> fast_mean = running_mean, fast_var = running_var, slow_mean = running_mean, slow_var = running_var;
    update_running_stats(fast_mean, fast_var, fast, T(0.25));
    ref::update_running_stats(slow_mean, slow_var, slow, T(0.25));
    check_close(fast_mean, slow_mean, tolerance, "running_mean");
    check_close(fast_var, slow_var, tolerance, "running_var");

    const BatchNormGradients<T> g = batch_norm2d_backward(x, dy, gamma, fast);
    const BatchNormGradients<T> r = ref::batch_norm2d_backward(x, dy, gamma, slow);
    check_close(column(g.dx), column(r.dx), tolerance, "dx");
    check_close(g.dgamma, r.dgamma, tolerance, "dgamma");
    check_close(g.dbeta, r.dbeta, tolerance, "dbeta");
}

}  // namespace

BOOST_AUTO_TEST_CASE(linear_matches_the_reference_on_random_shapes) {
    for (std::size_t index = 0; index < 60; ++index) {
        const LinearProblem p = random_linear_problem(index);
        BOOST_TEST_CONTEXT(p) {
            expect_linear_matches_reference<double>(p, double_tolerance);
            expect_linear_matches_reference<float>(p, float_linear_tolerance);
        }
    }
}

BOOST_AUTO_TEST_CASE(linear_on_a_large_batch_matches_the_reference) {
    // Large enough for BLAS's blocked kernels (LeNet's 400 → 120 on a batch of 64).
    const LinearProblem p{64, 400, 120, true, cnnlab::testing::base_seed() + 999};
    BOOST_TEST_CONTEXT(p) {
        expect_linear_matches_reference<double>(p, double_tolerance);
        expect_linear_matches_reference<float>(p, float_linear_tolerance);
    }
}

BOOST_AUTO_TEST_CASE(linear_hand_computed) {
    // (PyTorch 1.13's F.linear and its autograd give the same numbers.)
    // x_0 = (1, 2, 3), x_1 = (4, 5, 6); W = [1 0 -1; 2 1 0]; b = (0.5, -1):
    // y_0 = (1 - 3 + 0.5, 2 + 2 - 1) = (-1.5, 3), y_1 = (4 - 6 + 0.5, 8 + 5 - 1) = (-1.5, 12).
    const Tensor4<double> x = Tensor4<double>::from_row_major({2, 3, 1, 1}, {1, 2, 3, 4, 5, 6});
    const arma::mat w = {{1, 0, -1}, {2, 1, 0}};
    const arma::vec b = {0.5, -1};
    const std::vector<double> expected = {-1.5, 3, -1.5, 12};
    BOOST_TEST(linear(x, w, b).to_row_major() == expected, boost::test_tools::per_element());
    BOOST_TEST(ref::linear(x, w, b).to_row_major() == expected, boost::test_tools::per_element());
    const std::vector<double> no_bias = {-2, 4, -2, 13};
    BOOST_TEST(linear(x, w).to_row_major() == no_bias, boost::test_tools::per_element());
    // δ_0 = (1, 0), δ_1 = (0, 2): dX_0 = W row 0 = (1, 0, -1), dX_1 = 2 · W row 1 = (4, 2, 0);
    // dW = δ_0 x_0ᵀ + δ_1 x_1ᵀ = [1 2 3; 8 10 12]; db = (1, 2).
    const Tensor4<double> dy = Tensor4<double>::from_row_major({2, 2, 1, 1}, {1, 0, 0, 2});
    const std::vector<double> expected_dx = {1, 0, -1, 4, 2, 0};
    BOOST_TEST(linear_backward_input(w, dy).to_row_major() == expected_dx, boost::test_tools::per_element());
    check_close(linear_backward_weight(x, dy), arma::mat{{1, 2, 3}, {8, 10, 12}}, 0, "dW");
    check_close(linear_backward_bias(dy), arma::vec{1, 2}, 0, "db");
    // In float, through the single-precision GEMM.
    const Tensor4<float> xf = Tensor4<float>::from_row_major({2, 3, 1, 1}, {1, 2, 3, 4, 5, 6});
    const std::vector<float> expected_float = {-1.5f, 3, -1.5f, 12};
    BOOST_TEST(linear(xf, arma::fmat{{1, 0, -1}, {2, 1, 0}}, arma::fvec{0.5f, -1}).to_row_major() == expected_float,
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(linear_with_empty_sizes) {
    // An empty batch gives an empty output; no input features give the bias alone (zero gradients).
    const arma::mat w(3, 4, arma::fill::ones);
    const arma::vec b = {1, 2, 3};
    BOOST_TEST((linear(Tensor4<double>({0, 4, 1, 1}), w, b).shape() == Shape4{0, 3, 1, 1}));
    const Tensor4<double> no_features({2, 0, 1, 1});
    const std::vector<double> bias_twice = {1, 2, 3, 1, 2, 3};
    BOOST_TEST(linear(no_features, arma::mat(3, 0), b).to_row_major() == bias_twice, boost::test_tools::per_element());
    BOOST_TEST(ref::linear(no_features, arma::mat(3, 0), b).to_row_major() == bias_twice, boost::test_tools::per_element());
    const Tensor4<double> dy = Tensor4<double>::from_row_major({2, 3, 1, 1}, {1, 1, 1, 1, 1, 1});
    BOOST_TEST((linear_backward_input(arma::mat(3, 0), dy).shape() == Shape4{2, 0, 1, 1}));
    BOOST_TEST(arma::size(linear_backward_weight(no_features, dy)) == arma::size(3, 0));
    check_close(linear_backward_bias(Tensor4<double>({0, 3, 1, 1})), arma::vec(3, arma::fill::zeros), 0, "db of no samples");
}

BOOST_AUTO_TEST_CASE(linear_gradients_agree_with_finite_differences) {
    for (std::size_t index = 0; index < 12; ++index) {
        LinearProblem p = random_linear_problem(index);
        p.in = std::min<std::size_t>(p.in, 17), p.bias = true;
        BOOST_TEST_CONTEXT(p) {
            Draw<double> draw(p.seed + 5);
            Tensor4<double> x = draw.tensor({p.batch, p.in, 1, 1});
            arma::mat w = draw.mat(p.out, p.in);
            arma::vec b = draw.col(p.out);
            const Tensor4<double> dy = draw.tensor({p.batch, p.out, 1, 1});
            auto f = [&] { return inner(dy, linear(x, w, b)); };
            expect_gradient(f, values(x), values(linear_backward_input(w, dy)), "dX");
            expect_gradient(f, values(w), values(linear_backward_weight(x, dy)), "dW");
            expect_gradient(f, values(b), values(linear_backward_bias(dy)), "db");
            auto f_ref = [&] { return inner(dy, ref::linear(x, w, b)); };
            expect_gradient(f_ref, values(x), values(ref::linear_backward_input(w, dy)), "ref dX");
            expect_gradient(f_ref, values(w), values(ref::linear_backward_weight(x, dy)), "ref dW");
            expect_gradient(f_ref, values(b), values(ref::linear_backward_bias(dy)), "ref db");
        }
    }
}

BOOST_AUTO_TEST_CASE(batch_norm_matches_the_reference_on_random_shapes) {
    for (std::size_t index = 0; index < 60; ++index) {
        const BatchNormProblem p = random_batch_norm_problem(index);
        BOOST_TEST_CONTEXT(p) {
            expect_batch_norm_matches_reference<double>(p, double_tolerance);
            expect_batch_norm_matches_reference<float>(p, float_batch_norm_tolerance);
        }
    }
}

BOOST_AUTO_TEST_CASE(batch_norm_on_a_large_tensor_matches_the_reference) {
    // Large enough (≥ 2^15 elements) to run on several threads.
    BatchNormProblem p;
    p.shape = {4, 16, 24, 22};
    p.offset = 2;
    p.seed = cnnlab::testing::base_seed() + 2999;
    BOOST_TEST_CONTEXT(p) {
        expect_batch_norm_matches_reference<double>(p, double_tolerance);
        expect_batch_norm_matches_reference<float>(p, float_batch_norm_tolerance);
    }
}

BOOST_AUTO_TEST_CASE(batch_norm_hand_computed) {
    // Two channels, N = 2, H×W = 1×2, eps = 0.5. (PyTorch 1.13's F.batch_norm, training and eval, and
    // its autograd give the same numbers.)
    // Channel 0 holds 1, 2 | 3, 6: μ = 3, σ² = (4 + 1 + 0 + 9)/4 = 3.5, so σ² + ε = 4 and
    // 1/√(σ² + ε) = 1/2; γ = 2, β = 1: y = 2 (x − 3)/2 + 1 = x − 2 → -1, 0 | 1, 4.
    // Channel 1 holds 2, 1 | 0, -3: μ = 0, σ² = 3.5; γ = -1, β = 0.5: y = -x/2 + 0.5 → -0.5, 0 | 0.5, 2.
    // Unbiased variance: 14/3 in both.
    const Tensor4<double> x = Tensor4<double>::from_row_major({2, 2, 1, 2}, {1, 2, 2, 1, 3, 6, 0, -3});
    const arma::vec gamma = {2, -1}, beta = {1, 0.5};
    const std::vector<double> expected = {-1, 0, -0.5, 0, 1, 4, 0.5, 2};
    for (const bool reference : {false, true}) {
        BOOST_TEST_CONTEXT((reference ? "ref" : "optimized")) {
            const BatchNormTraining<double> t = reference ? ref::batch_norm2d_training(x, gamma, beta, 0.5)
                                                          : batch_norm2d_training(x, gamma, beta, 0.5);
            check_close(arma::vec(t.y.to_row_major()), arma::vec(expected), 1e-15, "y");
            check_close(t.mean, arma::vec{3, 0}, 1e-15, "mean");
            check_close(t.inv_std, arma::vec{0.5, 0.5}, 1e-15, "inv_std");
            check_close(t.unbiased_var, arma::vec{14.0 / 3, 14.0 / 3}, 1e-15, "unbiased_var");
            // Running statistics from (0, 1) with momentum 0.1: mean 0.9·0 + 0.1·μ, var 0.9 + 0.1·14/3.
            arma::vec running_mean = {0, 0}, running_var = {1, 1};
            if (reference)
                ref::update_running_stats(running_mean, running_var, t);
            else
                update_running_stats(running_mean, running_var, t);
            check_close(running_mean, arma::vec{0.3, 0}, 1e-15, "running_mean");
            check_close(running_var, arma::vec{0.9 + 1.4 / 3, 0.9 + 1.4 / 3}, 1e-15, "running_var");
            // Backward, channel 0 with δ = 1, 0 | 0, 0: x̂ = (x − 3)/2 = -1, -0.5 | 0, 1.5, dβ = 1,
            // dγ = x̂_0 = -1, dx = γ/(2·4) (4δ − 1 + x̂) = (1/4)(4δ − 1 + x̂) → 0.5, -0.375 | -0.25, 0.125.
            // Channel 1 with δ = 0 everywhere: all zero.
            const Tensor4<double> dy = Tensor4<double>::from_row_major({2, 2, 1, 2}, {1, 0, 0, 0, 0, 0, 0, 0});
            const BatchNormGradients<double> g =
                reference ? ref::batch_norm2d_backward(x, dy, gamma, t) : batch_norm2d_backward(x, dy, gamma, t);
            check_close(arma::vec(g.dx.to_row_major()), arma::vec{0.5, -0.375, 0, 0, -0.25, 0.125, 0, 0}, 1e-15, "dx");
            check_close(g.dbeta, arma::vec{1, 0}, 1e-15, "dbeta");
            check_close(g.dgamma, arma::vec{-1, 0}, 1e-15, "dgamma");
        }
    }
    // Inference with μ̂ = (1, -2), σ̂² = (3, 0), eps = 1: channel 0 divides by 2, channel 1 by 1.
    // y_0 = 2 (x − 1)/2 + 1 = x → 1, 2 | 3, 6; y_1 = -(x + 2) + 0.5 → -3.5, -2.5 | -1.5, 1.5.
    const std::vector<double> expected_inference = {1, 2, -3.5, -2.5, 3, 6, -1.5, 1.5};
    const arma::vec running_mean = {1, -2}, running_var = {3, 0};
    check_close(arma::vec(batch_norm2d_inference(x, gamma, beta, running_mean, running_var, 1.0).to_row_major()),
                arma::vec(expected_inference), 1e-15, "inference");
    check_close(arma::vec(ref::batch_norm2d_inference(x, gamma, beta, running_mean, running_var, 1.0).to_row_major()),
                arma::vec(expected_inference), 1e-15, "ref inference");
}

BOOST_AUTO_TEST_CASE(batch_norm_gradients_agree_with_finite_differences) {
    for (std::size_t index = 0; index < 12; ++index) {
        BatchNormProblem p = random_batch_norm_problem(index);
        p.offset = 0;  // the step h scales with |x|: keep x near 0 for the finite differences
        // Few values per channel can lie close together: σ² ≪ 1 makes y sharply curved in x (the
        // O(h²) truncation grows), and with two values x̂ = ±σ/√(σ² + ε) ≈ ±1 whatever x is, so dx is
        // only O(ε) and the differences' rounding dominates it. A larger ε bounds the curvature.
        if (p.shape.n * p.shape.h * p.shape.w < 8) p.eps = 0.3;
        BOOST_TEST_CONTEXT(p) {
            Draw<double> draw(p.seed + 7);
            Tensor4<double> x = draw.tensor(p.shape);
            arma::vec gamma = draw.col(p.shape.c, -2, 2), beta = draw.col(p.shape.c);
            const Tensor4<double> dy = draw.tensor(p.shape);
            {
                auto f = [&] { return inner(dy, batch_norm2d_training(x, gamma, beta, p.eps).y); };
                const BatchNormGradients<double> g =
                    batch_norm2d_backward(x, dy, gamma, batch_norm2d_training(x, gamma, beta, p.eps));
                expect_gradient(f, values(x), values(g.dx), "dx");
                expect_gradient(f, values(gamma), values(g.dgamma), "dgamma");
                expect_gradient(f, values(beta), values(g.dbeta), "dbeta");
            }
            {
                auto f = [&] { return inner(dy, ref::batch_norm2d_training(x, gamma, beta, p.eps).y); };
                const BatchNormGradients<double> g =
                    ref::batch_norm2d_backward(x, dy, gamma, ref::batch_norm2d_training(x, gamma, beta, p.eps));
                expect_gradient(f, values(x), values(g.dx), "ref dx");
                expect_gradient(f, values(gamma), values(g.dgamma), "ref dgamma");
                expect_gradient(f, values(beta), values(g.dbeta), "ref dbeta");
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(batch_norm_input_gradient_is_orthogonal_to_one_and_x_hat) {
    // y depends on x only through x̂, which is unchanged by adding a constant to a channel or scaling
    // it about its mean (up to ε): so Σ dx = 0 and Σ dx (x − μ) ≈ 0 per channel.
    BatchNormProblem p;
    p.shape = {3, 4, 5, 6};
    p.seed = cnnlab::testing::base_seed() + 2500;
    Draw<double> draw(p.seed);
    const Tensor4<double> x = draw.tensor(p.shape), dy = draw.tensor(p.shape);
    const arma::vec gamma = draw.col(4, -2, 2), beta = draw.col(4);
    const double eps = 1e-12;  // so that scaling about the mean leaves x̂ unchanged to rounding
    const BatchNormTraining<double> t = batch_norm2d_training(x, gamma, beta, eps);
    const BatchNormGradients<double> g = batch_norm2d_backward(x, dy, gamma, t);
    for (std::size_t c = 0; c < p.shape.c; ++c) {
        double sum = 0, centered = 0, scale = 0;
        for (std::size_t n = 0; n < p.shape.n; ++n)
            for (std::size_t h = 0; h < p.shape.h; ++h)
                for (std::size_t w = 0; w < p.shape.w; ++w) {
                    sum += g.dx(n, c, h, w);
                    centered += g.dx(n, c, h, w) * (x(n, c, h, w) - t.mean(c));
                    scale += std::abs(g.dx(n, c, h, w));
                }
        BOOST_TEST(std::abs(sum) <= 1e-12 * scale, "channel " << c << ": Σ dx = " << sum);
        BOOST_TEST(std::abs(centered) <= 1e-12 * scale, "channel " << c << ": Σ dx (x − μ) = " << centered);
    }
}

BOOST_AUTO_TEST_CASE(inference_with_the_batch_statistics_equals_training_mode) {
    for (std::size_t index = 0; index < 20; ++index) {
        const BatchNormProblem p = random_batch_norm_problem(index);
        BOOST_TEST_CONTEXT(p) {
            Draw<double> draw(p.seed + 9);
            const Tensor4<double> x = draw.tensor(p.shape, p.offset - 1, p.offset + 1);
            const arma::vec gamma = draw.col(p.shape.c, -2, 2), beta = draw.col(p.shape.c);
            const BatchNormTraining<double> t = batch_norm2d_training(x, gamma, beta, p.eps);
            // The biased variance: normalizing uses it, the running estimate records the unbiased one.
            const double m = double(p.shape.n * p.shape.h * p.shape.w);
            const arma::vec biased_var = t.unbiased_var * ((m - 1) / m);
            check_close(column(batch_norm2d_inference(x, gamma, beta, t.mean, biased_var, p.eps)), column(t.y), 1e-12,
                        "optimized");
            check_close(column(ref::batch_norm2d_inference(x, gamma, beta, t.mean, biased_var, p.eps)), column(t.y),
                        1e-12, "reference");
        }
    }
    // …and with the unbiased variance it does not (the check can fail): the literal of
    // batch_norm_hand_computed, σ² = 3.5 against 14/3.
    const Tensor4<double> x = Tensor4<double>::from_row_major({2, 1, 1, 2}, {1, 2, 3, 6});
    const arma::vec gamma = {2}, beta = {1};
    const BatchNormTraining<double> t = batch_norm2d_training(x, gamma, beta, 0.5);
    check_close(column(batch_norm2d_inference(x, gamma, beta, t.mean, arma::vec{3.5}, 0.5)), column(t.y), 1e-15,
                "biased");
    const arma::vec y_unbiased = column(batch_norm2d_inference(x, gamma, beta, t.mean, t.unbiased_var, 0.5));
    BOOST_TEST(arma::abs(y_unbiased - column(t.y)).max() > 0.1);
}

BOOST_AUTO_TEST_CASE(linear_refuses_shapes_that_do_not_fit) {
    const Tensor4<double> x({2, 5, 1, 1}), map({2, 3, 2, 2});
    const arma::mat w(3, 4, arma::fill::ones);
    for (const std::string prefix : {"", "ref::"}) {
        const bool reference = !prefix.empty();
        expect_refused<shape_error>([&] { reference ? ref::linear(x, w) : linear(x, w); }, prefix + "linear",
                                    "input 2×5×1×1 does not fit weight 3×4 (out×in): the input must be N×in×1×1 = N×4×1×1");
        expect_refused<shape_error>([&] { reference ? ref::linear(map, arma::mat(3, 12)) : linear(map, arma::mat(3, 12)); },
                                    prefix + "linear", "input 2×3×2×2 does not fit weight 3×12");
        const Tensor4<double> fits({2, 4, 1, 1});
        expect_refused<shape_error>(
            [&] { reference ? ref::linear(fits, w, arma::vec(2)) : linear(fits, w, arma::vec(2)); }, prefix + "linear",
            "bias has 2 elements but weight 3×4 (out×in) has 3 outputs");
        const Tensor4<double> dy({2, 2, 1, 1});
        expect_refused<shape_error>(
            [&] { reference ? ref::linear_backward_input(w, dy) : linear_backward_input(w, dy); },
            prefix + "linear_backward_input", "dY is 2×2×1×1 but weight 3×4 (out×in) gives outputs N×3×1×1");
        const Tensor4<double> dy3({3, 3, 1, 1});
        expect_refused<shape_error>(
            [&] { reference ? ref::linear_backward_weight(fits, dy3) : linear_backward_weight(fits, dy3); },
            prefix + "linear_backward_weight", "input 2×4×1×1 and dY 3×3×1×1 do not fit");
        expect_refused<shape_error>([&] { reference ? ref::linear_backward_bias(map) : linear_backward_bias(map); },
                                    prefix + "linear_backward_bias", "dY is 2×3×2×2");
    }
}

BOOST_AUTO_TEST_CASE(batch_norm_refuses_bad_arguments) {
    const Tensor4<double> x({2, 3, 4, 4});
    const arma::vec three(3, arma::fill::ones), four(4, arma::fill::ones);
    for (const std::string prefix : {"", "ref::"}) {
        const bool reference = !prefix.empty();
        auto inference = [&](const arma::vec& gamma, const arma::vec& var, double eps) {
            return reference ? ref::batch_norm2d_inference(x, gamma, three, three, var, eps)
                             : batch_norm2d_inference(x, gamma, three, three, var, eps);
        };
        const std::string op = prefix + "batch_norm2d_inference";
        expect_refused<shape_error>([&] { inference(four, three, 1e-5); }, op,
                                    "gamma has 4 elements but input 2×3×4×4 has 3 channels");
        expect_refused<shape_error>([&] { inference(three, four, 1e-5); }, op, "running_var has 4 elements");
        expect_refused<argument_error>([&] { inference(three, three, 0); }, op, "eps = 0 must be > 0");
        expect_refused<argument_error>([&] { inference(three, arma::vec{1, -0.5, 1}, 1e-5); }, op,
                                       "running_var[1] = -0.5 is negative");

        auto training = [&](const Tensor4<double>& input, const arma::vec& beta, double eps) {
            return reference ? ref::batch_norm2d_training(input, three, beta, eps)
                             : batch_norm2d_training(input, three, beta, eps);
        };
        const std::string train_op = prefix + "batch_norm2d_training";
        expect_refused<shape_error>([&] { training(x, four, 1e-5); }, train_op, "beta has 4 elements");
        expect_refused<argument_error>([&] { training(x, three, std::numeric_limits<double>::quiet_NaN()); }, train_op,
                                       "must be > 0");
        expect_refused<shape_error>([&] { training(Tensor4<double>({1, 3, 1, 1}), three, 1e-5); }, train_op,
                                    "input 1×3×1×1 has N·H·W = 1 value(s) per channel: Expected more than 1 value per "
                                    "channel when training");

        const BatchNormTraining<double> saved = batch_norm2d_training(x, three, three);
        const std::string backward_op = prefix + "batch_norm2d_backward";
        auto backward = [&](const Tensor4<double>& dy, const BatchNormTraining<double>& s) {
            return reference ? ref::batch_norm2d_backward(x, dy, three, s) : batch_norm2d_backward(x, dy, three, s);
        };
        expect_refused<shape_error>([&] { backward(Tensor4<double>({2, 3, 4, 5}), saved); }, backward_op,
                                    "dY is 2×3×4×5 but the input is 2×3×4×4");
        BatchNormTraining<double> wrong = saved;
        wrong.mean = four;
        expect_refused<shape_error>([&] { backward(x, wrong); }, backward_op, "saved mean has 4 elements");

        const std::string update_op = prefix + "update_running_stats";
        auto update = [&](arma::vec mean, arma::vec var, double momentum) {
            reference ? ref::update_running_stats(mean, var, saved, momentum)
                      : update_running_stats(mean, var, saved, momentum);
        };
        expect_refused<shape_error>([&] { update(four, three, 0.1); }, update_op, "running_mean has 4 elements");
        expect_refused<argument_error>([&] { update(three, three, 1.5); }, update_op, "momentum = 1.5 must lie in [0, 1]");
    }
}

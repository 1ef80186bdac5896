/// \file
/// \brief Chapter 5 suite: the transposed convolution. The three references (reference/
/// transposed.hpp: scatter-add, \f$C^\top \mathrm{vec}(Z)\f$, zero insertion + stride-1 conv) agree
/// with each other; the optimized conv_transpose2d and its three backward functions
/// (chapters/ch05_transposed/transposed.hpp) equal them in double and float with one OpenMP thread
/// and two; central finite differences confirm every gradient; d2l §13.10's and nndl §5.5.1's
/// literal examples and values printed by PyTorch 1.13; the transposed conv is the conv's backward-
/// data pass and its adjoint (\f$\langle Cx, z\rangle = \langle x, C^\top z\rangle\f$); the 1-D and
/// single-plane forms; the error messages.
#define BOOST_TEST_MODULE ch05_transposed
#include <boost/test/unit_test.hpp>

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch01_convolution/convolution.hpp"
#include "chapters/ch02_layers/layer.hpp"
#include "chapters/ch03_gradients/backward.hpp"
#include "chapters/ch03_gradients/gradient_check.hpp"
#include "chapters/ch05_transposed/transposed.hpp"
#include "reference/gradients.hpp"
#include "reference/layers.hpp"
#include "reference/transposed.hpp"
#include "tests/check_close.hpp"
#include "tests/omp_threads.hpp"
#include "tests/random_conv_cases.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <ostream>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

using namespace cnnlab;
using cnnlab::testing::OmpThreads;

namespace {

/// Double: the readings sum at most C_in/g·K_h·K_w ≤ 64 products of values in [-1, 1] (dW: up to
/// N·H·W ≤ 162) in different orders: ~1e-15 of the largest value.
constexpr double double_tolerance = 1e-12;
/// Float: the same sums in single precision (ε ≈ 6e-8), ≲ 1e-6 typically; a wrong index is off
/// by order 1.
constexpr double float_tolerance = 1e-4;
/// The transposed conv is linear in each argument: central differences leave rounding only (~1e-11).
constexpr double finite_difference_tolerance = 1e-7;

/// The largest error a test case measured for each quantity, printed at its end
/// (`--log_level=message`).
struct Worst {
    std::map<std::string, double> by_quantity;
    void note(double error, const std::string& what) {
        double& worst = by_quantity[what];
        worst = std::max(worst, error);
    }
    ~Worst() {
        for (const auto& [what, value] : by_quantity) BOOST_TEST_MESSAGE("worst relative difference " << value << " (" << what << ")");
    }
};

/// One transposed-conv problem: sizes, options, bias or not, and the seed of its values.
struct TransposedProblem {
    Shape4 input;   ///< Z: N×C_in×H×W
    Shape4 weight;  ///< C_in×C_out/g×K_h×K_w
    ConvTranspose2dOptions options;
    bool bias = true;
    std::uint64_t seed = 0;

    static std::size_t c_out(const Shape4& weight, std::size_t groups) { return weight.c * groups; }

    template <class T>
    static Tensor4<T> fill(const Shape4& shape, std::uint64_t seed) {
        std::mt19937_64 rng(seed);
        std::uniform_real_distribution<double> value(-1, 1);
        Tensor4<T> t(shape);
        for (std::size_t k = 0; k < t.size(); ++k) t.data()[k] = T(value(rng));
        return t;
    }
    /// Z, values in [-1, 1].
    template <class T>
    Tensor4<T> z() const { return fill<T>(input, seed); }
    /// The weight, values in [-1, 1].
    template <class T>
    Tensor4<T> w() const { return fill<T>(weight, seed + 1); }
    /// The bias (C_out values) or empty.
    template <class T>
    arma::Col<T> b() const {
        if (!bias) return {};
        const Tensor4<T> values = fill<T>({1, 1, 1, c_out(weight, options.groups)}, seed + 2);
        return arma::Col<T>(values.data(), values.size());
    }
    /// The forward's output shape.
    Shape4 output() const { return resolve_conv_transpose2d("test", input, weight, 0, options).output; }
    /// An upstream gradient δ of the output's shape.
    template <class T>
    Tensor4<T> dy() const { return fill<T>(output(), seed + 3); }
};

/// `n2ic4oc2g2ih5iw7kh3kw2sh2sw1ph1pw0ah2aw0dh3dw1_bias seed=…`: enough to rebuild the problem.
std::ostream& operator<<(std::ostream& out, const TransposedProblem& p) {
    const ConvTranspose2dOptions& o = p.options;
    return out << "n" << p.input.n << "ic" << p.input.c << "oc" << TransposedProblem::c_out(p.weight, o.groups) << "g"
               << o.groups << "ih" << p.input.h << "iw" << p.input.w << "kh" << p.weight.h << "kw" << p.weight.w << "sh"
               << o.stride.rows << "sw" << o.stride.cols << "ph" << o.padding.rows << "pw" << o.padding.cols << "ah"
               << o.output_padding.rows << "aw" << o.output_padding.cols << "dh" << o.dilation.rows << "dw"
               << o.dilation.cols << (p.bias ? "_bias" : "") << " seed=" << p.seed;
}

/// \f$(n-1)s - 2p + d(K-1) + a + 1\f$ as a signed number (may be < 1).
long long output_length(std::size_t n, std::size_t k, std::size_t s, std::size_t p, std::size_t d, std::size_t a) {
    return (long long)((n - 1) * s + d * (k - 1) + a + 1) - 2 * (long long)p;
}

/// Problem `index` of a sweep: groups 1–3, channels up to 4, batch 1–2, planes 1–9, kernels 1–4,
/// stride 1–3, dilation 1–3, padding 0–2 (lowered until the output has a cell), output padding
/// any legal value (below the stride, or below the dilation: one problem in three has
/// \f$s \le a < d\f$, the case where the adjoint conv has more outputs than \f$Z\f$ has cells;
/// one in six of those is a 1×1 kernel with stride 1 and no padding).
TransposedProblem random_problem(std::size_t index) {
    TransposedProblem p;
    p.seed = cnnlab::testing::base_seed() + 6151 * index + 13;
    std::mt19937_64 rng(p.seed + 5);
    const auto pick = [&](std::size_t lo, std::size_t hi) { return std::uniform_int_distribution<std::size_t>(lo, hi)(rng); };
    const std::size_t groups = pick(1, 3);
    const std::size_t in_per_group = pick(1, 4 / groups), out_per_group = pick(1, 4 / groups);
    p.input = {pick(1, 2), groups * in_per_group, pick(1, 9), pick(1, 9)};
    p.weight = {p.input.c, out_per_group, pick(1, 4), pick(1, 4)};
    ConvTranspose2dOptions& o = p.options;
    o.groups = groups;
    o.stride = {pick(1, 3), pick(1, 3)};
    o.dilation = {pick(1, 3), pick(1, 3)};
    if (index % 3 == 0) {  // a ≥ s, allowed because a < d
        o.stride = {pick(1, 2), pick(1, 2)};
        o.dilation = {3, 3};
        o.output_padding = {pick(o.stride.rows, 2), pick(o.stride.cols, 2)};
    } else {
        o.output_padding = {pick(0, std::max(o.stride.rows, o.dilation.rows) - 1),
                            pick(0, std::max(o.stride.cols, o.dilation.cols) - 1)};
    }
    o.padding = {pick(0, 2), pick(0, 2)};
    if (index % 6 == 3) {  // 1×1, stride 1, unpadded: the GEMM can read the planes in place
        p.weight.h = p.weight.w = 1;
        o.stride = {1, 1};
        o.padding = {0, 0};
        o.output_padding = {pick(0, 2), pick(0, 2)};
    }
    while (o.padding.rows > 0 &&
           output_length(p.input.h, p.weight.h, o.stride.rows, o.padding.rows, o.dilation.rows, o.output_padding.rows) < 1)
        --o.padding.rows;
    while (o.padding.cols > 0 &&
           output_length(p.input.w, p.weight.w, o.stride.cols, o.padding.cols, o.dilation.cols, o.output_padding.cols) < 1)
        --o.padding.cols;
    p.bias = pick(0, 1) == 1;
    return p;
}

/// max|a − e| / max(1, max|e|) after checking the shapes: check_close's measure, returned.
template <class T>
double difference(const Tensor4<T>& actual, const Tensor4<T>& expected, double tolerance, const std::string& what) {
    BOOST_TEST_REQUIRE(actual.shape().str() == expected.shape().str(), what << ": shape");
    double worst = 0, scale = 1;
    for (std::size_t k = 0; k < actual.size(); ++k) {
        worst = std::max(worst, std::abs(double(actual.data()[k]) - double(expected.data()[k])));
        scale = std::max(scale, std::abs(double(expected.data()[k])));
    }
    const double error = worst / scale;
    BOOST_TEST(error <= tolerance, what << ": max |Δ| " << worst << " > " << tolerance << " × " << scale);
    return error;
}

/// The same for bias gradients.
template <class T>
double difference(const arma::Col<T>& actual, const arma::Col<T>& expected, double tolerance, const std::string& what) {
    BOOST_TEST_REQUIRE(actual.n_elem == expected.n_elem, what << ": length");
    if (expected.is_empty()) return 0;
    const arma::vec a = arma::conv_to<arma::vec>::from(actual), e = arma::conv_to<arma::vec>::from(expected);
    const double error = arma::abs(a - e).max() / std::max(1.0, arma::abs(e).max());
    BOOST_TEST(error <= tolerance, what << ": relative difference " << error);
    return error;
}

/// A row-major literal as a double tensor.
Tensor4<double> tensor(Shape4 shape, const std::vector<double>& row_major) {
    return Tensor4<double>::from_row_major(shape, row_major);
}

/// Checks a tensor against row-major values.
void check_values(const Tensor4<double>& y, Shape4 shape, const std::vector<double>& row_major, double tolerance,
                  const std::string& what) {
    BOOST_TEST_REQUIRE(y.shape().str() == shape.str(), what << ": shape " << y.shape().str());
    const std::vector<double> got = y.to_row_major();
    for (std::size_t k = 0; k < got.size(); ++k)
        BOOST_TEST(std::abs(got[k] - row_major[k]) <= tolerance, what << " [" << k << "]: " << got[k] << " vs " << row_major[k]);
}

/// Every forward (the three references and the optimized op) against row-major values.
void check_every_forward(const Tensor4<double>& z, const Tensor4<double>& w, const arma::vec& bias,
                         const ConvTranspose2dOptions& o, Shape4 shape, const std::vector<double>& expected,
                         double tolerance) {
    check_values(conv_transpose2d(z, w, bias, o), shape, expected, tolerance, "conv_transpose2d");
    check_values(ref::conv_transpose2d(z, w, bias, o), shape, expected, tolerance, "ref::conv_transpose2d");
    check_values(ref::conv_transpose2d_by_matrix(z, w, bias, o), shape, expected, tolerance, "by_matrix");
    check_values(ref::conv_transpose2d_by_zero_insertion(z, w, bias, o), shape, expected, tolerance, "by_zero_insertion");
}

/// \f$\langle a, b \rangle\f$ over a's first H×W cells of each plane (b may be larger).
double inner(const Tensor4<double>& a, const Tensor4<double>& b) {
    double sum = 0;
    for (std::size_t n = 0; n < a.shape().n; ++n)
        for (std::size_t c = 0; c < a.shape().c; ++c)
            for (std::size_t i = 0; i < a.shape().h; ++i)
                for (std::size_t j = 0; j < a.shape().w; ++j) sum += a(n, c, i, j) * b(n, c, i, j);
    return sum;
}

std::span<double> values(Tensor4<double>& t) { return {t.data(), t.size()}; }
std::span<const double> values(const Tensor4<double>& t) { return {t.data(), t.size()}; }

/// The message of the exception `f` throws (of type E), or "" when it throws none or another.
template <class E, class F>
std::string message_of(F&& f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    } catch (...) {
        return "(another exception type)";
    }
    return "";
}

/// Checks that `f` throws E with a message containing every fragment.
template <class E, class F>
void expect_refusal(F&& f, std::initializer_list<std::string> fragments, const std::string& what) {
    const std::string message = message_of<E>(f);
    BOOST_TEST_CONTEXT(what << ": \"" << message << "\"") {
        BOOST_TEST(!message.empty(), "no exception of the expected type");
        for (const std::string& fragment : fragments)
            BOOST_TEST(message.find(fragment) != std::string::npos, "missing \"" << fragment << "\"");
    }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The three readings of the references

BOOST_AUTO_TEST_CASE(scatter_matrix_and_zero_insertion_agree) {
    Worst worst;
    for (std::size_t index = 0; index < 90; ++index) {
        const TransposedProblem p = random_problem(index);
        BOOST_TEST_CONTEXT(p) {
            const Tensor4<double> z = p.z<double>(), w = p.w<double>();
            const arma::vec b = p.b<double>();
            const Tensor4<double> scatter = ref::conv_transpose2d(z, w, b, p.options);
            BOOST_TEST_REQUIRE(scatter.shape().str() == p.output().str());
            worst.note(difference(ref::conv_transpose2d_by_matrix(z, w, b, p.options), scatter, double_tolerance,
                                  "by_matrix"), "by_matrix");
            worst.note(difference(ref::conv_transpose2d_by_zero_insertion(z, w, b, p.options), scatter,
                                  double_tolerance, "by_zero_insertion"), "by_zero_insertion");
        }
    }
}

BOOST_AUTO_TEST_CASE(the_reference_backward_passes_are_the_adjoint_reading) {
    // ∂f/∂Z of f = ⟨δ, Y⟩ is C·vec(δ) (the conv's forward), ∂f/∂W the conv layer's weight gradient
    // with input δ and upstream gradient Z (Chapter 3's references) — when a < s, where the adjoint
    // conv's output is exactly Z's shape.
    Worst worst;
    for (std::size_t index = 0; index < 90; ++index) {
        const TransposedProblem p = random_problem(index);
        const ConvTranspose2dOptions& o = p.options;
        if (o.output_padding.rows >= o.stride.rows || o.output_padding.cols >= o.stride.cols) continue;
        BOOST_TEST_CONTEXT(p) {
            const Tensor4<double> z = p.z<double>(), w = p.w<double>(), dy = p.dy<double>();
            const Conv2dOptions conv = adjoint_conv_options(o);
            worst.note(difference(ref::conv_transpose2d_backward_input(w, dy, p.input, o), ref::conv2d_layer(dy, w, {}, conv),
                                  double_tolerance, "dZ = conv(δ)"), "dZ");
            worst.note(difference(ref::conv_transpose2d_backward_weight(z, dy, p.weight, o),
                                  ref::conv2d_layer_backward_weight(dy, z, p.weight, conv), double_tolerance,
                                  "dW = conv's dW(δ, Z)"), "dW");
            worst.note(difference(ref::conv_transpose2d(z, w, {}, o),
                                  ref::conv2d_layer_backward_input(w, z, p.output(), conv), double_tolerance,
                                  "Y = conv's dX(Z)"), "Y");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Optimized ≡ reference

/// The optimized forward and backward of problem p against the references, in T.
template <class T>
void expect_optimized_matches(const TransposedProblem& p, double tolerance, Worst& worst) {
    const Tensor4<T> z = p.z<T>(), w = p.w<T>(), dy = p.dy<T>();
    const arma::Col<T> b = p.b<T>();
    const std::string type = sizeof(T) == 4 ? "float " : "double ";
    worst.note(difference(conv_transpose2d(z, w, b, p.options), ref::conv_transpose2d(z, w, b, p.options), tolerance,
                          type + "forward"), type + "forward");
    worst.note(difference(conv_transpose2d_backward_input(w, dy, p.input, p.options),
                          ref::conv_transpose2d_backward_input(w, dy, p.input, p.options), tolerance, type + "dZ"),
               type + "dZ");
    worst.note(difference(conv_transpose2d_backward_weight(z, dy, p.weight, p.options),
                          ref::conv_transpose2d_backward_weight(z, dy, p.weight, p.options), tolerance, type + "dW"),
               type + "dW");
    worst.note(difference(conv_transpose2d_backward_bias(dy), ref::conv_transpose2d_backward_bias(dy), tolerance,
                          type + "db"), type + "db");
}

BOOST_AUTO_TEST_CASE(optimized_matches_the_reference_with_one_thread_and_two) {
    Worst worst;
    for (std::size_t index = 0; index < 90; ++index) {
        const TransposedProblem p = random_problem(1000 + index);
        for (const int threads : {1, 2}) {
            BOOST_TEST_CONTEXT(p << ", " << threads << " threads") {
                const OmpThreads scope(threads);
                expect_optimized_matches<double>(p, double_tolerance, worst);
                expect_optimized_matches<float>(p, float_tolerance, worst);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(larger_layers_match_the_reference_with_one_thread_and_two) {
    // Enough samples, channels and pixels for the threaded branches and blocked GEMM kernels
    // (the generator of the sweeps keeps to ≤ 4 channels and ≤ 9 pixels a side).
    Worst worst;
    for (std::size_t index = 0; index < 8; ++index) {
        TransposedProblem p = random_problem(3000 + index);
        const std::size_t groups = p.options.groups;
        p.input = {3, groups * 4, 11 + index, 14};
        p.weight = {p.input.c, 8 / (groups == 3 ? 2 : groups), p.weight.h, p.weight.w};
        if (index % 4 < 2) {  // the common 3×3/2 up-sampler (output_padding 1), DCGAN's 4×4/2
            const std::size_t k = index % 4 == 0 ? 3 : 4;
            p.weight.h = p.weight.w = k;
            p.options = {.stride = {2, 2}, .padding = {1, 1}, .output_padding = {4 - k, 4 - k}, .groups = groups};
        }
        for (const int threads : {1, 2}) {
            BOOST_TEST_CONTEXT(p << ", " << threads << " threads") {
                const OmpThreads scope(threads);
                expect_optimized_matches<double>(p, double_tolerance, worst);
                expect_optimized_matches<float>(p, float_tolerance, worst);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Finite differences

BOOST_AUTO_TEST_CASE(every_gradient_agrees_with_finite_differences) {
    // f(Z, W, b) = ⟨δ, conv_transpose2d(Z, W, b)⟩ evaluated by the scatter reference.
    double worst = 0;
    for (std::size_t index = 0; index < 20; ++index) {
        const TransposedProblem p = random_problem(5000 + index);
        BOOST_TEST_CONTEXT(p) {
            Tensor4<double> z = p.z<double>(), w = p.w<double>();
            arma::vec b = p.b<double>();
            if (b.is_empty()) b = arma::vec(p.weight.c * p.options.groups, arma::fill::ones);
            const Tensor4<double> dy = p.dy<double>();
            const auto f = [&] { return inner(dy, ref::conv_transpose2d(z, w, b, p.options)); };
            const auto expect = [&](const GradientCheck& check, const std::string& what) {
                worst = std::max(worst, check.relative_error);
                BOOST_TEST(check.passed(finite_difference_tolerance),
                           what << ": relative error " << check.relative_error << " at " << check.worst_index
                                << " (analytic " << check.analytic << ", numeric " << check.numeric << ")");
            };
            const Tensor4<double> dz = conv_transpose2d_backward_input(w, dy, p.input, p.options);
            const Tensor4<double> dz_ref = ref::conv_transpose2d_backward_input(w, dy, p.input, p.options);
            expect(check_gradient(f, values(z), values(dz)), "dZ");
            expect(check_gradient(f, values(z), values(dz_ref)), "ref dZ");
            const Tensor4<double> dw = conv_transpose2d_backward_weight(z, dy, p.weight, p.options);
            const Tensor4<double> dw_ref = ref::conv_transpose2d_backward_weight(z, dy, p.weight, p.options);
            expect(check_gradient(f, values(w), values(dw)), "dW");
            expect(check_gradient(f, values(w), values(dw_ref)), "ref dW");
            const arma::vec db = conv_transpose2d_backward_bias(dy), db_ref = ref::conv_transpose2d_backward_bias(dy);
            expect(check_gradient(f, std::span<double>(b.memptr(), b.n_elem), std::span<const double>(db.memptr(), db.n_elem)),
                   "db");
            expect(check_gradient(f, std::span<double>(b.memptr(), b.n_elem),
                                  std::span<const double>(db_ref.memptr(), db_ref.n_elem)),
                   "ref db");
        }
    }
    BOOST_TEST_MESSAGE("worst finite-difference relative error " << worst);
}

BOOST_AUTO_TEST_CASE(finite_differences_tell_a_wrong_gradient) {
    // The checker is not blind: ∂f/∂Z computed with every kernel turned by 180° (as if the
    // scatter's adjoint flipped the kernel) is caught; the right one passes.
    TransposedProblem p;
    p.input = {1, 2, 4, 3};
    p.weight = {2, 2, 3, 2};
    p.options.stride = {2, 1};
    p.options.dilation = {2, 1};
    p.seed = 99;
    Tensor4<double> z = p.z<double>();
    const Tensor4<double> w = p.w<double>(), dy = p.dy<double>();
    const auto f = [&] { return inner(dy, ref::conv_transpose2d(z, w, {}, p.options)); };
    Tensor4<double> flipped(w.shape());
    for (std::size_t c = 0; c < w.shape().n; ++c)
        for (std::size_t q = 0; q < w.shape().c; ++q) flipped.plane(c, q) = ref::rot180(w.plane_copy(c, q));
    const Tensor4<double> wrong = ref::conv_transpose2d_backward_input(flipped, dy, p.input, p.options);
    BOOST_TEST(!check_gradient(f, values(z), values(wrong)).passed(finite_difference_tolerance));
    const Tensor4<double> right = conv_transpose2d_backward_input(w, dy, p.input, p.options);
    BOOST_TEST(check_gradient(f, values(z), values(right)).passed(finite_difference_tolerance));
}

// ---------------------------------------------------------------------------------------------
// Literal examples: d2l §13.10 转置卷积, nndl §5.5.1, PyTorch

BOOST_AUTO_TEST_CASE(d2l_two_by_two_input_and_kernel) {
    // d2l: X = K = [[0, 1], [2, 3]]; trans_conv(X, K) → [[0, 0, 1], [0, 4, 6], [4, 12, 9]].
    const Tensor4<double> x = tensor({1, 1, 2, 2}, {0, 1, 2, 3});
    const Tensor4<double> k = x;
    check_every_forward(x, k, {}, {}, {1, 1, 3, 3}, {0, 0, 1, 0, 4, 6, 4, 12, 9}, 0);
    // padding=1 removes the first and last row and column → [[4]].
    check_every_forward(x, k, {}, {.padding = {1, 1}}, {1, 1, 1, 1}, {4}, 0);
    // stride=2: the four scaled copies of K no longer overlap.
    check_every_forward(x, k, {}, {.stride = {2, 2}}, {1, 1, 4, 4}, {0, 0, 0, 1, 0, 0, 2, 3, 0, 2, 0, 3, 4, 6, 6, 9}, 0);
    // The single-plane form gives the same.
    const arma::mat y = conv_transpose2d(arma::mat{{0, 1}, {2, 3}}, arma::mat{{0, 1}, {2, 3}});
    BOOST_TEST(arma::approx_equal(y, arma::mat{{0, 0, 1}, {0, 4, 6}, {4, 12, 9}}, "absdiff", 0.0));
}

BOOST_AUTO_TEST_CASE(d2l_conv_then_transposed_conv_restores_the_shape) {
    // d2l: X 1×10×16×16; Conv2d(10, 20, kernel_size=5, padding=2, stride=3) gives 1×20×6×6, and
    // ConvTranspose2d(20, 10, kernel_size=5, padding=2, stride=3) maps it back to 1×10×16×16 —
    // the shape, not the values.
    const Tensor4<double> x = TransposedProblem::fill<double>({1, 10, 16, 16}, 1);
    const Tensor4<double> conv_weight = TransposedProblem::fill<double>({20, 10, 5, 5}, 2);
    const Conv2dOptions conv{.padding = Sides2::symmetric(2, 2), .stride = {3, 3}};
    const Tensor4<double> h = conv2d_layer(x, conv_weight, {}, conv);
    BOOST_TEST(h.shape().str() == "1×20×6×6");
    const Tensor4<double> tconv_weight = TransposedProblem::fill<double>({20, 10, 5, 5}, 3);  // C_in 20, C_out 10
    const ConvTranspose2dOptions tconv{.stride = {3, 3}, .padding = {2, 2}};
    const Tensor4<double> y = conv_transpose2d(h, tconv_weight, {}, tconv);
    BOOST_TEST(y.shape().str() == x.shape().str());
    difference(y, ref::conv_transpose2d(h, tconv_weight, {}, tconv), double_tolerance, "values");
    BOOST_TEST(transposed_output_size("test", 6, 5, 3, 2, 1, 0) == 16u);
}

BOOST_AUTO_TEST_CASE(nndl_three_by_five_matrix_and_its_transpose) {
    // nndl §5.5.1: z = w ⊗ x = C x for w = (w1, w2, w3) on x of length 5, C 3×5 with rows
    // (w1 w2 w3 0 0), (0 w1 w2 w3 0), (0 0 w1 w2 w3): the conv of cnnlab — like PyTorch's and
    // nndl's ⊗ — is a cross-correlation (no kernel flip), so C holds w in this order.
    const double w1 = 2, w2 = -3, w3 = 5;
    const Tensor4<double> w = tensor({1, 1, 1, 3}, {w1, w2, w3});
    const arma::mat c = ref::convolution_matrix({1, 1, 1, 5}, w);
    const arma::mat expected_c{{w1, w2, w3, 0, 0}, {0, w1, w2, w3, 0}, {0, 0, w1, w2, w3}};
    BOOST_TEST(arma::approx_equal(c, expected_c, "absdiff", 0.0));
    // The conv layers compute C x: cross-correlation (a flipped kernel would give 5·1 − 3·2 + 2·3 = 5 first).
    const Tensor4<double> x = tensor({1, 1, 1, 5}, {1, 2, 3, 4, 5});
    const arma::vec cx = c * arma::vec{1, 2, 3, 4, 5};
    BOOST_TEST(cx(0) == w1 * 1 + w2 * 2 + w3 * 3);
    check_values(conv2d_layer(x, w), {1, 1, 1, 3}, {cx(0), cx(1), cx(2)}, 0, "conv2d_layer = C x");
    check_values(ref::conv2d_layer(x, w), {1, 1, 1, 3}, {cx(0), cx(1), cx(2)}, 0, "ref::conv2d_layer = C x");
    // x = Cᵀ z: rows (w1 0 0), (w2 w1 0), (w3 w2 w1), (0 w3 w2), (0 0 w3).
    const double z1 = 1, z2 = -2, z3 = 4;
    const Tensor4<double> z = tensor({1, 1, 1, 3}, {z1, z2, z3});
    const std::vector<double> ctz = {w1 * z1, w2 * z1 + w1 * z2, w3 * z1 + w2 * z2 + w1 * z3, w3 * z2 + w2 * z3, w3 * z3};
    const arma::vec by_matrix = c.t() * arma::vec{z1, z2, z3};
    for (std::size_t k = 0; k < 5; ++k) BOOST_TEST(by_matrix(k) == ctz[k]);
    check_every_forward(z, w, {}, {}, {1, 1, 1, 5}, ctz, 0);
    check_values(conv_transpose1d(z, w), {1, 1, 1, 5}, ctz, 0, "conv_transpose1d");
    // … = rot180(w) ⊗̃ z, the wide cross-correlation with the rotated kernel.
    const arma::mat wide = xcorr2d(arma::mat{{z1, z2, z3}}, arma::mat{{w3, w2, w1}}, {.padding = Mode::full});
    for (std::size_t k = 0; k < 5; ++k) BOOST_TEST(wide(0, k) == ctz[k]);
}

BOOST_AUTO_TEST_CASE(zero_insertion_places_the_cells_s_apart) {
    const arma::mat z{{1, 2, 3}, {4, 5, 6}};
    const arma::mat expected{{1, 0, 2, 0, 3}, {0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}, {4, 0, 5, 0, 6}};
    BOOST_TEST(arma::approx_equal(ref::zero_insert(z, {3, 2}), expected, "absdiff", 0.0));
    BOOST_TEST(arma::approx_equal(ref::zero_insert(z, {1, 1}), z, "absdiff", 0.0));
}

BOOST_AUTO_TEST_CASE(pytorch_values_with_groups_dilation_and_output_padding_beyond_the_stride) {
    // PyTorch 1.13: F.conv_transpose2d(z, w, b, stride=(2, 1), padding=(1, 0), output_padding=(2, 0),
    // dilation=(3, 1), groups=2) on integers (exact in double). output_padding 2 ≥ stride 2 is
    // legal because it is below the dilation 3; the last output row is reached by no tap (bias only).
    const Tensor4<double> z = tensor({1, 2, 2, 3}, {-1, 2, 0, -2, -1, -2, 0, 1, 1, 2, 2, -2});
    const Tensor4<double> w = tensor({2, 2, 2, 3}, {-1, 0, 1, 1, 1, -2, 0, 2, 2, 0, 0, 2,
                                                    2, 0, -1, 2, 1, -1, 2, 2, -2, 2, -2, -2});
    const arma::vec b{1, -1, 2, 0.5};
    const ConvTranspose2dOptions o{.stride = {2, 1}, .padding = {1, 0}, .output_padding = {2, 0}, .dilation = {3, 1}, .groups = 2};
    const std::vector<double> expected = {
        1, 1, 1, 1, 1, 3, 2, 1, 0, -1, 0, 2, 5, -3, 1, 1, 1, 1, 1, 1, -1, -2, 2, 1, 5, 1, 1, 1, 1, 1,
        -1, -1, -1, -1, -1, -1, -5, -7, -7, -5, -1, -1, -3, 3, -1, -1, -1, -1, -1, -1, -1, -1, -5, -3, -5, -1, -1, -1, -1, -1,
        2, 2, 2, 2, 2, 6, 6, -4, 0, 4, 2, 4, 5, 2, 1, 2, 2, 2, 2, 2, 6, 8, -2, -2, 4, 2, 2, 2, 2, 2,
        0.5, 0.5, 0.5, 0.5, 0.5, 4.5, 8.5, -3.5, -7.5, 4.5, 0.5, 2.5, 0.5, -3.5, -1.5, 0.5, 0.5, 0.5, 0.5, 0.5,
        4.5, 0.5, -11.5, 0.5, 4.5, 0.5, 0.5, 0.5, 0.5, 0.5};
    check_every_forward(z, w, b, o, {1, 4, 6, 5}, expected, 1e-14);
    // PyTorch: stride 1, dilation 2, output_padding 1 on the 2×2 X and K gives 5×5.
    const Tensor4<double> x = tensor({1, 1, 2, 2}, {0, 1, 2, 3});
    BOOST_TEST(conv_transpose2d(x, x, {}, {.output_padding = {1, 1}, .dilation = {2, 2}}).shape().str() == "1×1×5×5");
}

// ---------------------------------------------------------------------------------------------
// The transposed conv is the conv's backward-data pass, and its adjoint

BOOST_AUTO_TEST_CASE(transposed_conv_is_the_conv_backward_data_pass) {
    // Only for a < s: with a ≥ s the conv over the output has more outputs than Z has cells, and
    // Chapter 3's functions (which require δ of the conv's output shape) do not apply; the adjoint
    // identity below covers that case.
    Worst worst;
    for (std::size_t index = 0; index < 60; ++index) {
        const TransposedProblem p = random_problem(7000 + index);
        const ConvTranspose2dOptions& o = p.options;
        if (o.output_padding.rows >= o.stride.rows || o.output_padding.cols >= o.stride.cols) continue;
        BOOST_TEST_CONTEXT(p) {
            const Tensor4<double> z = p.z<double>(), w = p.w<double>(), dy = p.dy<double>();
            const Conv2dOptions conv = adjoint_conv_options(o);
            // Forward = the conv's ∂f/∂X with δ = Z (the conv maps C_out channels to C_in, weight W):
            // the optimized transposed conv against Chapter 3's reference, the transposed reference
            // against Chapter 3's optimized pass.
            const Tensor4<double> y = conv_transpose2d(z, w, {}, o);
            worst.note(difference(y, ref::conv2d_layer_backward_input(w, z, p.output(), conv), double_tolerance,
                                  "Y vs ref::conv2d_layer_backward_input"), "Y");
            worst.note(difference(ref::conv_transpose2d(z, w, {}, o), conv2d_layer_backward_input(w, z, p.output(), conv),
                                  double_tolerance, "ref Y vs conv2d_layer_backward_input"), "ref Y");
            // ∂f/∂Z = the conv's forward on δ; ∂f/∂W = the conv's ∂f/∂W with input δ, upstream gradient Z.
            worst.note(difference(conv_transpose2d_backward_input(w, dy, p.input, o), ref::conv2d_layer(dy, w, {}, conv),
                                  double_tolerance, "dZ vs ref::conv2d_layer"), "dZ");
            worst.note(difference(ref::conv_transpose2d_backward_input(w, dy, p.input, o), conv2d_layer(dy, w, {}, conv),
                                  double_tolerance, "ref dZ vs conv2d_layer"), "ref dZ");
            worst.note(difference(conv_transpose2d_backward_weight(z, dy, p.weight, o),
                                  ref::conv2d_layer_backward_weight(dy, z, p.weight, conv), double_tolerance,
                                  "dW vs ref::conv2d_layer_backward_weight"), "dW");
        }
    }
}

BOOST_AUTO_TEST_CASE(adjoint_identity_on_random_tensors) {
    // ⟨conv(X), Z⟩ = ⟨X, conv_transpose(Z)⟩ for X of the transposed output's shape; when a ≥ s
    // the conv has extra output rows/columns that Z does not cover: the product runs over Z's cells.
    double worst = 0;
    for (std::size_t index = 0; index < 60; ++index) {
        const TransposedProblem p = random_problem(8000 + index);
        BOOST_TEST_CONTEXT(p) {
            const Tensor4<double> z = p.z<double>(), w = p.w<double>(), x = p.dy<double>();
            const Tensor4<double> conv = conv2d_layer(x, w, {}, adjoint_conv_options(p.options));
            BOOST_TEST_REQUIRE(conv.shape().h >= z.shape().h);
            BOOST_TEST_REQUIRE(conv.shape().w >= z.shape().w);
            const double left = inner(z, conv);
            for (const Tensor4<double>& y : {conv_transpose2d(z, w, {}, p.options), ref::conv_transpose2d(z, w, {}, p.options)}) {
                const double right = inner(x, y);
                const double error = std::abs(left - right) / std::max(1.0, std::abs(left));
                worst = std::max(worst, error);
                BOOST_TEST(error <= double_tolerance, "⟨conv(X), Z⟩ = " << left << " but ⟨X, convᵀ(Z)⟩ = " << right);
            }
        }
    }
    BOOST_TEST_MESSAGE("worst relative difference " << worst);
}

// ---------------------------------------------------------------------------------------------
// The 1-D and single-plane forms

BOOST_AUTO_TEST_CASE(one_dimensional_equals_two_dimensional_on_one_row) {
    Worst worst;
    std::mt19937_64 rng(cnnlab::testing::base_seed() + 55);
    const auto pick = [&](std::size_t lo, std::size_t hi) { return std::uniform_int_distribution<std::size_t>(lo, hi)(rng); };
    for (std::size_t index = 0; index < 60; ++index) {
        TransposedProblem p = random_problem(9000 + index);
        ConvTranspose1dOptions o1;
        o1.stride = p.options.stride.cols;
        o1.dilation = p.options.dilation.cols;
        o1.output_padding = p.options.output_padding.cols;
        o1.padding = p.options.padding.cols;
        o1.groups = p.options.groups;
        p.input.h = 1;
        p.input.w = pick(1, 20);
        p.weight.h = 1;
        while (o1.padding > 0 && output_length(p.input.w, p.weight.w, o1.stride, o1.padding, o1.dilation, o1.output_padding) < 1)
            --o1.padding;
        p.options = as_conv_transpose2d_options(o1);
        BOOST_TEST_CONTEXT(p) {
            const Tensor4<double> z = p.z<double>(), w = p.w<double>(), dy = p.dy<double>();
            const arma::vec b = p.b<double>();
            const Tensor4<double> expected = ref::conv_transpose2d(z, w, b, p.options);
            worst.note(difference(conv_transpose1d(z, w, b, o1), expected, double_tolerance, "conv_transpose1d"), "1d");
            worst.note(difference(ref::conv_transpose1d(z, w, b, o1), expected, double_tolerance, "ref::conv_transpose1d"), "ref 1d");
            worst.note(difference(conv_transpose2d(z, w, b, p.options), expected, double_tolerance, "conv_transpose2d"), "2d");
            const Tensor4<double> dz = ref::conv_transpose2d_backward_input(w, dy, p.input, p.options);
            worst.note(difference(conv_transpose1d_backward_input(w, dy, p.input, o1), dz, double_tolerance, "dZ"), "dZ");
            worst.note(difference(ref::conv_transpose1d_backward_input(w, dy, p.input, o1), dz, double_tolerance, "ref dZ"), "ref dZ");
            const Tensor4<double> dw = ref::conv_transpose2d_backward_weight(z, dy, p.weight, p.options);
            worst.note(difference(conv_transpose1d_backward_weight(z, dy, p.weight, o1), dw, double_tolerance, "dW"), "dW");
            worst.note(difference(ref::conv_transpose1d_backward_weight(z, dy, p.weight, o1), dw, double_tolerance, "ref dW"), "ref dW");
        }
    }
}

BOOST_AUTO_TEST_CASE(single_plane_is_the_wide_cross_correlation_with_the_rotated_kernel) {
    // nndl §5.5.1: x = Cᵀ z = rot180(w) ⊗̃ z for stride 1, no padding: Chapter 1's full-padding
    // xcorr2d with the rotated kernel — which is the wide convolution of z with w (conv2d, full).
    std::mt19937_64 rng(cnnlab::testing::base_seed() + 77);
    const auto pick = [&](std::size_t lo, std::size_t hi) { return std::uniform_int_distribution<std::size_t>(lo, hi)(rng); };
    std::uniform_real_distribution<double> value(-1, 1);
    double worst = 0;
    for (std::size_t index = 0; index < 40; ++index) {
        arma::mat z(pick(1, 9), pick(1, 9)), w(pick(1, 5), pick(1, 5));
        z.imbue([&] { return value(rng); });
        w.imbue([&] { return value(rng); });
        BOOST_TEST_CONTEXT("z " << z.n_rows << "×" << z.n_cols << ", w " << w.n_rows << "×" << w.n_cols) {
            const arma::mat y = conv_transpose2d(z, w);
            const arma::mat wide = xcorr2d(z, rot180(w), {.padding = Mode::full});
            const arma::mat conv = conv2d(z, w, {.padding = Mode::full});
            BOOST_TEST_REQUIRE(y.n_rows == z.n_rows + w.n_rows - 1);
            BOOST_TEST_REQUIRE(y.n_cols == z.n_cols + w.n_cols - 1);
            worst = std::max({worst, arma::abs(y - wide).max(), arma::abs(y - conv).max()});
            cnnlab::testing::check_close(y, wide, double_tolerance, "rot180(w) ⊗̃ z");
            cnnlab::testing::check_close(y, conv, double_tolerance, "w * z, full");
            // With stride, padding, dilation and output padding: the 1×1×H×W tensor reference.
            ConvTranspose2dOptions o{.stride = {pick(1, 3), pick(1, 3)}, .padding = {0, pick(0, 1)}, .dilation = {pick(1, 2), 1}};
            o.output_padding = {pick(0, std::max(o.stride.rows, o.dilation.rows) - 1), 0};
            if (output_length(z.n_cols, w.n_cols, o.stride.cols, o.padding.cols, 1, 0) < 1) o.padding.cols = 0;
            Tensor4<double> z4({1, 1, z.n_rows, z.n_cols}), w4({1, 1, w.n_rows, w.n_cols});
            z4.plane(0, 0) = z;
            w4.plane(0, 0) = w;
            const Tensor4<double> y4 = ref::conv_transpose2d(z4, w4, {}, o);
            cnnlab::testing::check_close(conv_transpose2d(z, w, o), y4.plane_copy(0, 0), double_tolerance, "with options");
        }
    }
    BOOST_TEST_MESSAGE("worst absolute difference " << worst);
}

// ---------------------------------------------------------------------------------------------
// Errors (PyTorch refuses the same)

BOOST_AUTO_TEST_CASE(wrong_options_and_shapes_are_refused_with_clear_messages) {
    const Tensor4<double> x = tensor({1, 1, 2, 2}, {0, 1, 2, 3});
    using Options = ConvTranspose2dOptions;
    // Each refusal by the optimized op and by all three references (their names differ).
    const auto every_forward = [&](const Tensor4<double>& z, const Tensor4<double>& w, const arma::vec& b, const Options& o,
                                   auto&& expect) {
        expect([&] { conv_transpose2d(z, w, b, o); }, "conv_transpose2d:");
        expect([&] { ref::conv_transpose2d(z, w, b, o); }, "ref::conv_transpose2d:");
        expect([&] { ref::conv_transpose2d_by_matrix(z, w, b, o); }, "ref::conv_transpose2d_by_matrix:");
        expect([&] { ref::conv_transpose2d_by_zero_insertion(z, w, b, o); }, "ref::conv_transpose2d_by_zero_insertion:");
    };

    // output_padding ≥ stride and ≥ dilation (PyTorch: "output padding must be smaller than either
    // stride or dilation").
    every_forward(x, x, {}, Options{.stride = {2, 2}, .output_padding = {2, 0}}, [](auto f, const std::string& op) {
        expect_refusal<argument_error>(f, {op, "output_padding 2", "stride 2", "dilation 1",
                                           "output padding must be smaller than either stride or dilation"}, op);
    });
    every_forward(x, x, {}, Options{.output_padding = {0, 1}}, [](auto f, const std::string& op) {
        expect_refusal<argument_error>(f, {op, "output_padding 1", "must be smaller than either stride or dilation"}, op);
    });
    // An output below one cell: padding 3 on a 2×2 input and kernel → (2−1)·1 − 6 + 1 + 0 + 1 = −3.
    every_forward(x, x, {}, Options{.padding = {3, 0}}, [](auto f, const std::string& op) {
        expect_refusal<shape_error>(f, {op, "-3", "below 1"}, op);
    });
    // Groups not dividing C_in (C_out = g · weight's second size is a multiple of g by construction).
    const Tensor4<double> three(Shape4{1, 3, 2, 2}), w3(Shape4{3, 1, 2, 2});
    every_forward(three, w3, {}, Options{.groups = 2}, [](auto f, const std::string& op) {
        expect_refusal<shape_error>(f, {op, "3 input channels are not divisible by groups=2"}, op);
    });
    every_forward(three, w3, {}, Options{.groups = 0}, [](auto f, const std::string& op) {
        expect_refusal<argument_error>(f, {op, "groups is 0"}, op);
    });
    // The weight's first size must be C_in.
    const Tensor4<double> w2(Shape4{2, 1, 2, 2});
    every_forward(three, w2, {}, Options{}, [](auto f, const std::string& op) {
        expect_refusal<shape_error>(f, {op, "input has 3 channels but the weight's first size is 2", "C_in×C_out/g×K_h×K_w"}, op);
    });
    // Bias of the wrong length: C_out = 1 here.
    every_forward(x, x, arma::vec{1, 2, 3}, Options{}, [](auto f, const std::string& op) {
        expect_refusal<shape_error>(f, {op, "bias has 3 values but the layer has 1 output channels"}, op);
    });
    // Zero stride, zero dilation.
    every_forward(x, x, {}, Options{.stride = {1, 0}}, [](auto f, const std::string& op) {
        expect_refusal<argument_error>(f, {op, "stride is 0"}, op);
    });
    every_forward(x, x, {}, Options{.dilation = {0, 1}}, [](auto f, const std::string& op) {
        expect_refusal<argument_error>(f, {op, "dilation is 0"}, op);
    });
    // δ of the wrong shape in the backward functions (the forward's output is 1×1×3×3).
    const Tensor4<double> bad_dy(Shape4{1, 1, 3, 4});
    for (const auto& [f, op] : std::vector<std::pair<std::function<void()>, std::string>>{
             {[&] { conv_transpose2d_backward_input(x, bad_dy, x.shape()); }, "conv_transpose2d_backward_input:"},
             {[&] { ref::conv_transpose2d_backward_input(x, bad_dy, x.shape()); }, "ref::conv_transpose2d_backward_input:"},
             {[&] { conv_transpose2d_backward_weight(x, bad_dy, x.shape()); }, "conv_transpose2d_backward_weight:"},
             {[&] { ref::conv_transpose2d_backward_weight(x, bad_dy, x.shape()); }, "ref::conv_transpose2d_backward_weight:"}})
        expect_refusal<shape_error>(f, {op, "dY is 1×1×3×4 but the forward's output is 1×1×3×3"}, op);
    // The backward functions check the geometry too.
    expect_refusal<argument_error>([&] { conv_transpose2d_backward_input(x, bad_dy, x.shape(), Options{.output_padding = {1, 1}}); },
                                   {"must be smaller than either stride or dilation"}, "backward_input, output_padding");
    expect_refusal<argument_error>([&] { ref::conv_transpose2d_backward_weight(x, bad_dy, x.shape(), Options{.stride = {0, 1}}); },
                                   {"stride is 0"}, "ref backward_weight, stride 0");
    // 1-D: the tensors must be N×C×1×L.
    expect_refusal<shape_error>([&] { conv_transpose1d(x, x); }, {"conv_transpose1d:", "(height 1)"}, "conv_transpose1d");
    expect_refusal<shape_error>([&] { ref::conv_transpose1d(x, x); }, {"ref::conv_transpose1d:", "(height 1)"}, "ref 1d");
    // The helpers.
    expect_refusal<shape_error>([&] { ref::convolution_matrix({2, 1, 1, 5}, tensor({1, 1, 1, 3}, {1, 2, 3})); },
                                {"ref::convolution_matrix:", "N = 1"}, "convolution_matrix batch");
    expect_refusal<argument_error>([&] { ref::zero_insert(arma::mat(1, 1, arma::fill::ones), {0, 1}); }, {"ref::zero_insert:", "zero step"},
                                   "zero_insert stride 0");
    // The legal case a ≥ s (a < d) is not refused.
    BOOST_CHECK_NO_THROW(conv_transpose2d(x, x, {}, Options{.output_padding = {1, 1}, .dilation = {2, 2}}));
}

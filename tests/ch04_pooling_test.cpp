/// \file
/// \brief Chapter 4 suite: every optimized pooling (chapters/ch04_pooling/pooling.hpp) equals its
/// loop reference (reference/pooling.hpp) on randomized shapes and options — max values and
/// arg-maxes bit for bit, ties, NaN and −∞ included — with one OpenMP thread and two; every
/// backward agrees with central finite differences on inputs without ties; the literal examples of
/// the notes and d2l, and values printed by PyTorch 1.13 (ceil_mode, count_include_pad, adaptive
/// windows, tie and NaN arg-maxes); the error messages.
#define BOOST_TEST_MODULE ch04_pooling
#include <boost/test/unit_test.hpp>

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch03_gradients/gradient_check.hpp"
#include "chapters/ch04_pooling/pooling.hpp"
#include "reference/pooling.hpp"
#include "tests/check_close.hpp"
#include "tests/omp_threads.hpp"
#include "tests/random_conv_cases.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <omp.h>
#include <ostream>
#include <random>
#include <span>
#include <string>
#include <vector>

using namespace cnnlab;
using cnnlab::testing::check_close;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();

/// Average pooling sums at most K_h·K_w ≤ 25 values of [-1, 1] (adaptive: up to a plane) in two
/// orders: ~1e-16 (double) / ~1e-7 (float) relative; a wrong cell or divisor is off by ~1e-1.
constexpr double double_tolerance = 1e-12;
constexpr double float_tolerance = 1e-5;
/// Pooling is piecewise linear: central differences leave only rounding (~1e-11).
constexpr double finite_difference_tolerance = 1e-7;

/// How a problem's values are drawn.
enum class Fill {
    uniform,   ///< uniform in [-1, 1]: no ties
    integers,  ///< integers in [-2, 2]: many ties inside windows
    specials,  ///< integers with NaN and ±∞ sprinkled in
    distinct,  ///< a shuffled grid k / (size) − 1/2, all at least 1/size apart (finite differences)
};

/// One pooling problem: input shape, options, how its values are drawn and the seed.
struct PoolProblem {
    Shape4 input;
    Pool2dOptions options;
    Fill fill = Fill::uniform;
    std::uint64_t seed = 0;

    /// The input values.
    template <class T>
    Tensor4<T> x() const {
        std::mt19937_64 rng(seed);
        Tensor4<T> t(input);
        std::uniform_real_distribution<double> uniform(-1, 1);
        std::uniform_int_distribution<int> integer(-2, 2), special(0, 9);
        if (fill == Fill::distinct) {
            std::vector<std::size_t> order(t.size());
            std::iota(order.begin(), order.end(), 0);
            std::shuffle(order.begin(), order.end(), rng);
            for (std::size_t k = 0; k < t.size(); ++k) t.data()[k] = T(double(order[k]) / double(t.size()) - 0.5);
            return t;
        }
        for (std::size_t k = 0; k < t.size(); ++k) {
            double v = fill == Fill::uniform ? uniform(rng) : double(integer(rng));
            if (fill == Fill::specials) {
                const int s = special(rng);
                v = s == 0 ? nan_value : s == 1 ? -inf : s == 2 ? inf : v;
            }
            t.data()[k] = T(v);
        }
        return t;
    }
    /// An upstream gradient of shape `out`, uniform in [-1, 1].
    template <class T>
    Tensor4<T> dy(const Shape4& out) const {
        std::mt19937_64 rng(seed + 17);
        std::uniform_real_distribution<double> uniform(-1, 1);
        Tensor4<T> t(out);
        for (std::size_t k = 0; k < t.size(); ++k) t.data()[k] = T(uniform(rng));
        return t;
    }
};

/// oneDNN-style one-line description: `n2c3ih9iw7kh3kw2sh1sw2ph1pw0dh1dw2_ceil_nopad seed=…`.
std::ostream& operator<<(std::ostream& out, const PoolProblem& p) {
    const Pool2dOptions& o = p.options;
    const Step2 s = o.stride.value_or(o.kernel);
    out << "n" << p.input.n << "c" << p.input.c << "ih" << p.input.h << "iw" << p.input.w << "kh" << o.kernel.rows
        << "kw" << o.kernel.cols << "sh" << s.rows << "sw" << s.cols << "ph" << o.padding.rows << "pw" << o.padding.cols
        << "dh" << o.dilation.rows << "dw" << o.dilation.cols << (o.ceil_mode ? "_ceil" : "")
        << (o.count_include_pad ? "" : "_nopad");
    const char* fills[] = {"uniform", "integers", "specials", "distinct"};
    return out << " fill=" << fills[int(p.fill)] << " seed=" << p.seed;
}

/// Problem `index` of a sweep: kernels 1–5 (odd and even, non-square), stride = kernel (default),
/// or 1–4; padding up to half the kernel; dilation 1–3 when `dilated`; ceil_mode and
/// count_include_pad both ways; batch and channels 1–3; inputs from the kernel's span to 13, and
/// one problem in four up to 40 rows tall (the optimized max pooling works on blocks of 16 floats /
/// 8 doubles along a column, the last one overlapping: columns longer than a block reach them).
/// Draws again until the output is at least 1×1.
PoolProblem random_problem(std::size_t index, bool dilated, Fill fill) {
    PoolProblem p;
    p.seed = cnnlab::testing::base_seed() + 104729 * index + 7;
    p.fill = fill;
    std::mt19937_64 rng(p.seed + 1);
    const auto pick = [&](std::size_t lo, std::size_t hi) { return std::uniform_int_distribution<std::size_t>(lo, hi)(rng); };
    for (;;) {
        Pool2dOptions& o = p.options;
        o.kernel = {pick(1, 5), pick(1, 5)};
        if (pick(0, 3) == 0) o.stride.reset();
        else o.stride = Step2{pick(1, 4), pick(1, 4)};
        o.padding = {pick(0, o.kernel.rows / 2), pick(0, o.kernel.cols / 2)};
        o.dilation = dilated ? Step2{pick(1, 3), pick(1, 3)} : Step2{1, 1};
        o.ceil_mode = pick(0, 1) == 1;
        o.count_include_pad = pick(0, 1) == 1;
        p.input = {pick(1, 3), pick(1, 3), pick(1, index % 4 == 1 ? 40 : 13), pick(1, 13)};
        if (index % 7 == 3) p.input.n = 1;
        const Step2 s = o.stride.value_or(o.kernel);
        if (pool_output_size(p.input.h, o.kernel.rows, s.rows, o.padding.rows, o.dilation.rows, o.ceil_mode) > 0 &&
            pool_output_size(p.input.w, o.kernel.cols, s.cols, o.padding.cols, o.dilation.cols, o.ceil_mode) > 0)
            return p;
    }
}

/// The elements of a tensor as an arma column (a copy), for check_close.
template <class T>
arma::Col<T> column(const Tensor4<T>& t) { return arma::Col<T>(t.data(), t.size()); }

/// Bit-for-bit equality of two tensors (NaN equals NaN), reporting the first difference.
template <class T>
void check_identical(const Tensor4<T>& actual, const Tensor4<T>& expected, const std::string& what) {
    BOOST_TEST_REQUIRE(actual.shape().str() == expected.shape().str(), what << ": shape");
    for (std::size_t k = 0; k < actual.size(); ++k) {
        const T a = actual.data()[k], e = expected.data()[k];
        const bool same = (std::isnan(a) && std::isnan(e)) || a == e;
        if (!same) {
            BOOST_TEST(same, what << ": element " << k << " is " << a << ", expected " << e);
            return;
        }
    }
}

/// Equality of two arg-max vectors, reporting the first difference.
void check_identical(const std::vector<std::uint32_t>& actual, const std::vector<std::uint32_t>& expected,
                     const std::string& what) {
    BOOST_TEST_REQUIRE(actual.size() == expected.size(), what << ": size");
    const auto mismatch = std::mismatch(actual.begin(), actual.end(), expected.begin());
    BOOST_TEST((mismatch.first == actual.end()),
               what << ": entry " << (mismatch.first - actual.begin()) << " is "
                    << (mismatch.first == actual.end() ? 0 : *mismatch.first) << ", expected "
                    << (mismatch.first == actual.end() ? 0 : *mismatch.second));
}

/// Max pooling, optimized against reference: y and the arg-maxes identical, the backward (both
/// reference overloads and the optimized one) identical — the scatter adds in the same order.
template <class T>
void expect_max_matches(const PoolProblem& p) {
    const Tensor4<T> x = p.x<T>();
    const MaxPoolResult<T> expected = ref::max_pool2d_with_argmax(x, p.options);
    const MaxPoolResult<T> actual = max_pool2d_with_argmax(x, p.options);
    check_identical(actual.y, expected.y, "max_pool2d_with_argmax y");
    check_identical(actual.argmax, expected.argmax, "max_pool2d_with_argmax argmax");
    check_identical(max_pool2d(x, p.options), expected.y, "max_pool2d");
    check_identical(ref::max_pool2d(x, p.options), expected.y, "ref::max_pool2d");
    const Tensor4<T> dy = p.dy<T>(expected.y.shape());
    const Tensor4<T> dx = ref::max_pool2d_backward(dy, expected.argmax, x.shape(), p.options);
    check_identical(ref::max_pool2d_backward(x, dy, p.options), dx, "ref::max_pool2d_backward(x, dy)");
    check_identical(max_pool2d_backward(dy, actual.argmax, x.shape(), p.options), dx, "max_pool2d_backward");
}

/// Average pooling, optimized against reference, forward and backward.
template <class T>
void expect_avg_matches(const PoolProblem& p, double tolerance) {
    const Tensor4<T> x = p.x<T>();
    const Tensor4<T> expected = ref::avg_pool2d(x, p.options);
    check_close(column(avg_pool2d(x, p.options)), column(expected), tolerance, "avg_pool2d");
    const Tensor4<T> dy = p.dy<T>(expected.shape());
    check_close(column(avg_pool2d_backward(dy, x.shape(), p.options)),
                column(ref::avg_pool2d_backward(dy, x.shape(), p.options)), tolerance, "avg_pool2d_backward");
}

using cnnlab::testing::OmpThreads;

/// A row-major literal as an N×C×H×W tensor.
Tensor4<double> tensor(Shape4 shape, const std::vector<double>& row_major) {
    return Tensor4<double>::from_row_major(shape, row_major);
}

/// arange(n) as a 1×1×h×w tensor, row-major as PyTorch's `torch.arange(n).view(1, 1, h, w)`.
Tensor4<double> arange(std::size_t h, std::size_t w, std::size_t c = 1) {
    std::vector<double> values(c * h * w);
    std::iota(values.begin(), values.end(), 0.0);
    return tensor({1, c, h, w}, values);
}

/// Checks a pooled tensor against PyTorch's printed row-major values.
void check_values(const Tensor4<double>& y, Shape4 shape, const std::vector<double>& row_major, double tolerance,
                  const std::string& what) {
    BOOST_TEST_REQUIRE(y.shape().str() == shape.str(), what << ": shape " << y.shape().str());
    const std::vector<double> got = y.to_row_major();
    for (std::size_t k = 0; k < got.size(); ++k)
        BOOST_TEST(std::abs(got[k] - row_major[k]) <= tolerance, what << " [" << k << "]: " << got[k] << " vs " << row_major[k]);
}

Pool2dOptions pool(Step2 kernel, std::optional<Step2> stride = {}, Step2 padding = {0, 0}) {
    Pool2dOptions o;
    o.kernel = kernel;
    o.stride = stride;
    o.padding = padding;
    return o;
}

/// The message of the exception `f` throws (of type E), or "" when it throws none.
template <class E, class F>
std::string message_of(F&& f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    }
    return "";
}

std::span<double> values(Tensor4<double>& t) { return {t.data(), t.size()}; }
std::span<const double> values(const Tensor4<double>& t) { return {t.data(), t.size()}; }

/// \f$\langle a, b \rangle\f$.
double inner(const Tensor4<double>& a, const Tensor4<double>& b) {
    double sum = 0;
    for (std::size_t k = 0; k < a.size(); ++k) sum += a.data()[k] * b.data()[k];
    return sum;
}

/// Central differences of \f$L(x) = \langle \delta, \mathrm{forward}(x) \rangle\f$ against `gradient`.
template <class Forward>
void expect_finite_differences(Tensor4<double> x, const Tensor4<double>& dy, Forward&& forward,
                               const Tensor4<double>& gradient, const std::string& what) {
    const GradientCheck check = check_gradient([&] { return inner(dy, forward(x)); }, values(x), values(gradient));
    BOOST_TEST(check.passed(finite_difference_tolerance),
               what << ": relative error " << check.relative_error << " at " << check.worst_index << " (analytic "
                    << check.analytic << ", numeric " << check.numeric << ")");
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Optimized ≡ reference

BOOST_AUTO_TEST_CASE(max_pooling_matches_the_reference_bit_for_bit) {
    for (std::size_t index = 0; index < 240; ++index) {
        const Fill fill = Fill(index % 3);  // uniform, integers (ties), specials (NaN, ±∞)
        const PoolProblem p = random_problem(index, /*dilated=*/index % 2 == 1, fill);
        BOOST_TEST_CONTEXT(p) {
            expect_max_matches<double>(p);
            expect_max_matches<float>(p);
        }
    }
}

BOOST_AUTO_TEST_CASE(average_pooling_matches_the_reference) {
    for (std::size_t index = 0; index < 160; ++index) {
        const PoolProblem p = random_problem(1000 + index, /*dilated=*/false, index % 2 ? Fill::integers : Fill::uniform);
        BOOST_TEST_CONTEXT(p) {
            expect_avg_matches<double>(p, double_tolerance);
            expect_avg_matches<float>(p, float_tolerance);
        }
    }
}

BOOST_AUTO_TEST_CASE(exactly_tiling_windows_take_the_one_pass_path) {
    // Kernel = stride, no padding, sizes divisible: average pooling's one-pass path over all columns
    // (2×2 with its unrolled row sums, 3×3 and 2×3 with the general ones), forward and backward, on
    // tensors large enough to be split over the threads, against the reference.
    const std::pair<Shape4, Step2> cases[] = {{{2, 8, 48, 44}, {2, 2}}, {{2, 8, 48, 45}, {3, 3}}, {{2, 8, 48, 45}, {2, 3}},
                                              {{1, 3, 6, 4}, {2, 2}}};
    for (const auto& [input, kernel] : cases)
        for (const int threads : {1, 2}) {
            PoolProblem p = random_problem(3000 + input.w + kernel.cols, false, Fill::uniform);
            p.input = input;
            p.options = pool(kernel);
            BOOST_TEST_CONTEXT(p << ", " << threads << " threads") {
                const OmpThreads scope(threads);
                expect_avg_matches<float>(p, float_tolerance);
                expect_avg_matches<double>(p, double_tolerance);
            }
        }
}

BOOST_AUTO_TEST_CASE(one_thread_and_two_on_tensors_large_enough_to_split) {
    // 2×8×48×45 = 34560 elements: above the threshold where planes are spread over the cores.
    for (std::size_t index = 0; index < 12; ++index)
        for (const int threads : {1, 2}) {
            PoolProblem p = random_problem(2000 + index, index % 2 == 0, index % 3 == 1 ? Fill::integers : Fill::uniform);
            p.input = {2, 8, 48, 45};
            if (index % 4 == 0) p.options = pool({2, 2});  // the common 2×2/2
            if (index % 4 == 1) p.options = pool({3, 3}, Step2{2, 2}, {1, 1});
            BOOST_TEST_CONTEXT(p << ", " << threads << " threads") {
                const OmpThreads scope(threads);
                expect_max_matches<float>(p);
                expect_max_matches<double>(p);
                p.options.dilation = {1, 1};
                expect_avg_matches<float>(p, float_tolerance);
                expect_avg_matches<double>(p, double_tolerance);
            }
        }
}

BOOST_AUTO_TEST_CASE(adaptive_and_global_average_pooling_match_the_reference) {
    std::mt19937_64 rng(cnnlab::testing::base_seed() + 5);
    const auto pick = [&](std::size_t lo, std::size_t hi) { return std::uniform_int_distribution<std::size_t>(lo, hi)(rng); };
    for (std::size_t index = 0; index < 60; ++index) {
        PoolProblem p;
        p.seed = cnnlab::testing::base_seed() + 3000 + index;
        p.input = {pick(1, 3), pick(1, 3), pick(1, index % 4 == 1 ? 40 : 13), pick(1, 13)};
        if (index % 5 == 0) p.input = {2, 7, 40, 60};  // large enough for two threads
        if (index % 5 == 1) p.input.h = 1;              // a 1×L row (the transposed path)
        const std::size_t out_rows = index % 5 == 1 ? 1 : pick(1, 15), out_cols = pick(1, 15);  // up to more than the input
        BOOST_TEST_CONTEXT(p << " → " << out_rows << "×" << out_cols) {
            for (const int threads : {1, 2}) {
                const OmpThreads scope(threads);
                const Tensor4<double> x = p.x<double>();
                const Tensor4<double> expected = ref::adaptive_avg_pool2d(x, out_rows, out_cols);
                check_close(column(adaptive_avg_pool2d(x, out_rows, out_cols)), column(expected), double_tolerance,
                            "adaptive_avg_pool2d");
                const Tensor4<float> xf = p.x<float>();
                check_close(column(adaptive_avg_pool2d(xf, out_rows, out_cols)),
                            column(ref::adaptive_avg_pool2d(xf, out_rows, out_cols)), float_tolerance, "float");
                const Tensor4<double> dy = p.dy<double>(expected.shape());
                check_close(column(adaptive_avg_pool2d_backward(dy, x.shape())),
                            column(ref::adaptive_avg_pool2d_backward(dy, x.shape())), double_tolerance,
                            "adaptive_avg_pool2d_backward");
                check_close(column(global_avg_pool2d(x)), column(ref::global_avg_pool2d(x)), double_tolerance,
                            "global_avg_pool2d");
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(one_dimensional_pooling_matches_the_reference) {
    std::mt19937_64 rng(cnnlab::testing::base_seed() + 9);
    const auto pick = [&](std::size_t lo, std::size_t hi) { return std::uniform_int_distribution<std::size_t>(lo, hi)(rng); };
    for (std::size_t index = 0; index < 80; ++index) {
        Pool1dOptions o;
        o.kernel = pick(1, 6);
        if (pick(0, 2) != 0) o.stride = pick(1, 4);
        o.padding = pick(0, o.kernel / 2);
        o.dilation = index % 2 ? pick(1, 3) : 1;
        o.ceil_mode = pick(0, 1) == 1;
        o.count_include_pad = pick(0, 1) == 1;
        PoolProblem p;
        p.seed = cnnlab::testing::base_seed() + 4000 + index;
        p.fill = Fill(index % 3);
        p.input = {pick(1, 3), pick(1, 4), 1, pick(1, 30)};
        if (index % 10 == 0) p.input = {4, 128, 1, 70};  // text-CNN sized, two threads
        p.options = as_pool2d_options(o);
        const Step2 s = p.options.stride.value_or(p.options.kernel);
        if (pool_output_size(p.input.w, o.kernel, s.cols, o.padding, o.dilation, o.ceil_mode) == 0) continue;
        BOOST_TEST_CONTEXT(p) {
            const Tensor4<double> x = p.x<double>();
            check_identical(max_pool1d(x, o), ref::max_pool1d(x, o), "max_pool1d");
            check_identical(max_pool1d(x, o), ref::max_pool2d(x, p.options), "max_pool1d = max_pool2d 1×K");
            expect_max_matches<float>(p);  // the 2-D entry points on the same 1-row problem (arg-max, backward)
            if (o.dilation == 1 && p.fill != Fill::specials) {  // (±∞ and NaN do not subtract)
                check_close(column(avg_pool1d(x, o)), column(ref::avg_pool1d(x, o)), double_tolerance, "avg_pool1d");
                if (p.fill == Fill::uniform) expect_avg_matches<double>(p, double_tolerance);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Finite differences

BOOST_AUTO_TEST_CASE(every_backward_agrees_with_finite_differences) {
    for (std::size_t index = 0; index < 40; ++index) {
        PoolProblem p = random_problem(5000 + index, index % 2 == 1, Fill::distinct);
        p.input.n = std::min<std::size_t>(p.input.n, 2);
        BOOST_TEST_CONTEXT(p) {
            const Tensor4<double> x = p.x<double>();
            const MaxPoolResult<double> forward = max_pool2d_with_argmax(x, p.options);
            // A window of padding only (dilation) gives −∞: ⟨δ, y⟩ is not differentiable there.
            const bool finite = std::all_of(forward.y.data(), forward.y.data() + forward.y.size(),
                                            [](double v) { return std::isfinite(v); });
            const Tensor4<double> dy = p.dy<double>(forward.y.shape());
            if (finite) {
                const auto max_forward = [&](const Tensor4<double>& in) { return ref::max_pool2d(in, p.options); };
                expect_finite_differences(x, dy, max_forward, ref::max_pool2d_backward(x, dy, p.options),
                                          "ref::max_pool2d_backward");
                expect_finite_differences(x, dy, max_forward,
                                          max_pool2d_backward(dy, forward.argmax, x.shape(), p.options),
                                          "max_pool2d_backward");
            }
            Pool2dOptions avg = p.options;
            avg.dilation = {1, 1};
            const Tensor4<double> avg_dy = p.dy<double>(ref::avg_pool2d(x, avg).shape());
            const auto avg_forward = [&](const Tensor4<double>& in) { return ref::avg_pool2d(in, avg); };
            expect_finite_differences(x, avg_dy, avg_forward, ref::avg_pool2d_backward(avg_dy, x.shape(), avg),
                                      "ref::avg_pool2d_backward");
            expect_finite_differences(x, avg_dy, avg_forward, avg_pool2d_backward(avg_dy, x.shape(), avg),
                                      "avg_pool2d_backward");
            const std::size_t out_rows = 1 + index % 5, out_cols = 1 + (index * 3) % 7;
            const Tensor4<double> adaptive_dy = p.dy<double>({x.shape().n, x.shape().c, out_rows, out_cols});
            const auto adaptive_forward = [&](const Tensor4<double>& in) {
                return ref::adaptive_avg_pool2d(in, out_rows, out_cols);
            };
            expect_finite_differences(x, adaptive_dy, adaptive_forward,
                                      ref::adaptive_avg_pool2d_backward(adaptive_dy, x.shape()),
                                      "ref::adaptive_avg_pool2d_backward");
            expect_finite_differences(x, adaptive_dy, adaptive_forward, adaptive_avg_pool2d_backward(adaptive_dy, x.shape()),
                                      "adaptive_avg_pool2d_backward");
        }
    }
}

BOOST_AUTO_TEST_CASE(finite_differences_tell_a_wrong_max_gradient) {
    // The checker is not blind: routing δ to the second-largest cell of a window is caught.
    const Tensor4<double> x = tensor({1, 1, 2, 2}, {0.1, 0.4, 0.3, 0.2});
    const Tensor4<double> dy = tensor({1, 1, 1, 1}, {1.0});
    Tensor4<double> wrong(x.shape());
    wrong(0, 0, 1, 0) = 1.0;  // 0.3, not the arg-max 0.4
    const auto forward = [&](const Tensor4<double>& in) { return max_pool2d(in, pool({2, 2})); };
    Tensor4<double> point = x;
    const GradientCheck check = check_gradient([&] { return inner(dy, forward(point)); }, values(point), values(wrong));
    BOOST_TEST(!check.passed(finite_difference_tolerance));
    expect_finite_differences(x, dy, forward, max_pool2d_backward(dy, max_pool2d_with_argmax(x, pool({2, 2})).argmax,
                                                                  x.shape(), pool({2, 2})),
                              "the right one");
}

// ---------------------------------------------------------------------------------------------
// Literal examples (d2l / the notes) and PyTorch's printed values

BOOST_AUTO_TEST_CASE(d2l_two_by_two_max_and_average_on_zero_to_eight) {
    const Tensor4<double> x = arange(3, 3);
    const Pool2dOptions o = pool({2, 2}, Step2{1, 1});
    check_values(max_pool2d(x, o), {1, 1, 2, 2}, {4, 5, 7, 8}, 0, "max");
    check_values(ref::max_pool2d(x, o), {1, 1, 2, 2}, {4, 5, 7, 8}, 0, "ref max");
    check_values(avg_pool2d(x, o), {1, 1, 2, 2}, {2, 3, 5, 6}, 0, "avg");
    check_values(ref::avg_pool2d(x, o), {1, 1, 2, 2}, {2, 3, 5, 6}, 0, "ref avg");
}

BOOST_AUTO_TEST_CASE(d2l_max_pool_three_on_arange_sixteen) {
    const Tensor4<double> x = arange(4, 4);
    check_values(max_pool2d(x, pool({3, 3})), {1, 1, 1, 1}, {10}, 0, "MaxPool2d(3)");
    check_values(max_pool2d(x, pool({3, 3}, Step2{2, 2}, {1, 1})), {1, 1, 2, 2}, {5, 7, 13, 15}, 0,
                 "MaxPool2d(3, padding=1, stride=2)");
}

BOOST_AUTO_TEST_CASE(note_001_max_pool_with_stride_two_one_on_arange_thirty_two) {
    // 001 池化: X = torch.arange(32).view(1, 2, 4, 4); nn.MaxPool2d(kernel_size=3, padding=1, stride=(2, 1)).
    // The note prints no output; these are PyTorch 1.13's values (each channel pooled on its own).
    const Tensor4<double> x = arange(4, 4, 2);
    const std::vector<double> expected = {5, 6, 7, 7, 13, 14, 15, 15, 21, 22, 23, 23, 29, 30, 31, 31};
    check_values(max_pool2d(x, pool({3, 3}, Step2{2, 1}, {1, 1})), {1, 2, 2, 4}, expected, 0, "optimized");
    check_values(ref::max_pool2d(x, pool({3, 3}, Step2{2, 1}, {1, 1})), {1, 2, 2, 4}, expected, 0, "reference");
}

BOOST_AUTO_TEST_CASE(ceil_mode_keeps_cut_windows_and_drops_those_starting_in_the_padding) {
    // PyTorch: 5×5 arange, 2×2/2: floor → 2×2; ceil → 3×3 with the last row/column windows cut to one
    // cell; the average divides by the cut window (1 or 2 cells, the padding is 0 here).
    const Tensor4<double> x = arange(5, 5);
    Pool2dOptions o = pool({2, 2});
    check_values(max_pool2d(x, o), {1, 1, 2, 2}, {6, 8, 16, 18}, 0, "floor");
    o.ceil_mode = true;
    check_values(max_pool2d(x, o), {1, 1, 3, 3}, {6, 8, 9, 16, 18, 19, 21, 23, 24}, 0, "ceil max");
    check_values(avg_pool2d(x, o), {1, 1, 3, 3}, {3, 5, 6.5, 13, 15, 16.5, 20.5, 22.5, 24}, 1e-15, "ceil avg");
    check_values(ref::avg_pool2d(x, o), {1, 1, 3, 3}, {3, 5, 6.5, 13, 15, 16.5, 20.5, 22.5, 24}, 1e-15, "ref ceil avg");

    // [1, 2, 3], kernel 2, stride 2, padding 1, ceil: ⌈(3+2−2)/2⌉+1 = 3 windows, but the third would
    // start at index 3, in the right padding: dropped → 2 (PyTorch: max [1, 3], avg [0.5, 2.5] / [1, 2.5]).
    BOOST_TEST(pool_output_size(3, 2, 2, 1, 1, true) == 2u);
    const Tensor4<double> row = tensor({1, 1, 1, 3}, {1, 2, 3});
    Pool1dOptions o1{.kernel = 2, .stride = 2, .padding = 1, .ceil_mode = true};
    check_values(max_pool1d(row, o1), {1, 1, 1, 2}, {1, 3}, 0, "max_pool1d ceil");
    check_values(avg_pool1d(row, o1), {1, 1, 1, 2}, {0.5, 2.5}, 1e-15, "avg_pool1d ceil, count_include_pad");
    o1.count_include_pad = false;
    check_values(avg_pool1d(row, o1), {1, 1, 1, 2}, {1, 2.5}, 1e-15, "avg_pool1d ceil, no pad count");

    // A window longer than the input survives ceil_mode when the overhang is below the stride
    // (PyTorch: kernel 4, stride 2 on [1, 2, 3] → max [3], avg [2]).
    const Pool1dOptions o2{.kernel = 4, .stride = 2, .ceil_mode = true};
    check_values(max_pool1d(row, o2), {1, 1, 1, 1}, {3}, 0, "overhanging window, max");
    check_values(avg_pool1d(row, o2), {1, 1, 1, 1}, {2}, 1e-15, "overhanging window, avg");
}

BOOST_AUTO_TEST_CASE(output_sizes_follow_pytorch) {
    // (n, k, s, p) → (floor, ceil), printed by PyTorch 1.13's max_pool1d.
    struct Row {
        std::size_t n, k, s, p, floor, ceil;
    };
    for (const Row r : {Row{5, 2, 2, 0, 2, 3}, Row{4, 2, 2, 0, 2, 2}, Row{5, 3, 2, 1, 3, 3}, Row{6, 3, 2, 1, 3, 4},
                        Row{4, 2, 3, 1, 2, 2}, Row{7, 3, 3, 1, 3, 3}, Row{3, 2, 2, 1, 2, 2}, Row{5, 2, 4, 1, 2, 2}}) {
        BOOST_TEST_CONTEXT("n=" << r.n << " k=" << r.k << " s=" << r.s << " p=" << r.p) {
            BOOST_TEST(pool_output_size(r.n, r.k, r.s, r.p, 1, false) == r.floor);
            BOOST_TEST(pool_output_size(r.n, r.k, r.s, r.p, 1, true) == r.ceil);
        }
    }
    BOOST_TEST(pool_output_size(4, 5, 5, 0, 1, false) == 0u);  // no window fits
    BOOST_TEST(pool_output_size(7, 3, 1, 0, 3, false) == 1u);  // dilated span 7
}

BOOST_AUTO_TEST_CASE(count_include_pad_both_ways) {
    // PyTorch: avg_pool2d(arange(16).view(1,1,4,4), 3, stride 2, padding 1).
    const Tensor4<double> x = arange(4, 4);
    Pool2dOptions o = pool({3, 3}, Step2{2, 2}, {1, 1});
    check_values(avg_pool2d(x, o), {1, 1, 2, 2}, {10.0 / 9, 24.0 / 9, 51.0 / 9, 10}, 1e-14, "count_include_pad");
    o.count_include_pad = false;
    check_values(avg_pool2d(x, o), {1, 1, 2, 2}, {2.5, 4, 8.5, 10}, 1e-14, "without");
    // Non-square, ceil_mode with a cut last column window: the divisor clips to input + padding
    // (count_include_pad) or to the input.
    o = pool({3, 2}, Step2{2, 3}, {1, 1});
    o.ceil_mode = true;
    check_values(avg_pool2d(x, o), {1, 1, 3, 2}, {2.0 / 3, 3, 4, 10.5, 3, 7.25}, 1e-14, "cut, count_include_pad");
    check_values(ref::avg_pool2d(x, o), {1, 1, 3, 2}, {2.0 / 3, 3, 4, 10.5, 3, 7.25}, 1e-14, "ref cut, count_include_pad");
    o.count_include_pad = false;
    check_values(avg_pool2d(x, o), {1, 1, 3, 2}, {2, 4.5, 8, 10.5, 12, 14.5}, 1e-14, "cut, without");
    check_values(ref::avg_pool2d(x, o), {1, 1, 3, 2}, {2, 4.5, 8, 10.5, 12, 14.5}, 1e-14, "ref cut, without");
}

BOOST_AUTO_TEST_CASE(adaptive_windows_follow_pytorch) {
    // PyTorch: adaptive_avg_pool2d(arange(35).view(1,1,5,7), (3, 4)).
    const std::vector<double> expected = {4, 5.5, 7.5, 9, 14.5, 16, 18, 19.5, 25, 26.5, 28.5, 30};
    check_values(adaptive_avg_pool2d(arange(5, 7), 3, 4), {1, 1, 3, 4}, expected, 1e-14, "optimized");
    check_values(ref::adaptive_avg_pool2d(arange(5, 7), 3, 4), {1, 1, 3, 4}, expected, 1e-14, "reference");
    check_values(global_avg_pool2d(arange(5, 7, 2)), {1, 2, 1, 1}, {17, 52}, 1e-14, "global");
}

BOOST_AUTO_TEST_CASE(ties_nan_and_padding_choose_the_cell_pytorch_chooses) {
    // PyTorch's indices are row-major (W r + c); cnnlab's are column-major (r + H c).
    const Pool2dOptions o = pool({2, 2});
    // [[1, 2], [2, 0]]: tie between (0,1) and (1,0) → the first in row-major order, (0,1) (PyTorch: 1).
    BOOST_TEST(max_pool2d_with_argmax(tensor({1, 1, 2, 2}, {1, 2, 2, 0}), o).argmax[0] == 2u);
    BOOST_TEST(ref::max_pool2d_with_argmax(tensor({1, 1, 2, 2}, {1, 2, 2, 0}), o).argmax[0] == 2u);
    // [[0, 2], [2, 2]]: three tied → (0,1) (PyTorch: 1).
    BOOST_TEST(max_pool2d_with_argmax(tensor({1, 1, 2, 2}, {0, 2, 2, 2}), o).argmax[0] == 2u);
    // [[NaN, 2], [NaN, 0]]: NaN wins, the last NaN, (1,0) (PyTorch: value NaN, index 2).
    const MaxPoolResult<double> with_nan = max_pool2d_with_argmax(tensor({1, 1, 2, 2}, {nan_value, 2, nan_value, 0}), o);
    BOOST_TEST(std::isnan(with_nan.y(0, 0, 0, 0)));
    BOOST_TEST(with_nan.argmax[0] == 1u);
    // All −∞: the first cell (PyTorch: 0).
    const MaxPoolResult<double> minus = max_pool2d_with_argmax(tensor({1, 1, 2, 2}, {-inf, -inf, -inf, -inf}), o);
    BOOST_TEST(minus.y(0, 0, 0, 0) == -inf);
    BOOST_TEST(minus.argmax[0] == 0u);
    // Padded cells never win: all-negative input, 3×3/1 with padding 1 (PyTorch: −1 everywhere, index 0).
    const Tensor4<double> negative = tensor({1, 1, 2, 2}, {-1, -2, -3, -4});
    const MaxPoolResult<double> padded = max_pool2d_with_argmax(negative, pool({3, 3}, Step2{1, 1}, {1, 1}));
    check_values(padded.y, {1, 1, 2, 2}, {-1, -1, -1, -1}, 0, "padding never wins");
    BOOST_TEST((padded.argmax == std::vector<std::uint32_t>{0, 0, 0, 0}));
    // A dilated window of padding only: −∞ and no input cell (PyTorch: −∞ and an index outside the plane).
    Pool2dOptions holes = pool({2, 2}, Step2{1, 1}, {1, 1});
    holes.dilation = {3, 3};
    const MaxPoolResult<double> empty = max_pool2d_with_argmax(arange(2, 2), holes);
    BOOST_TEST(empty.y(0, 0, 0, 0) == -inf);
    BOOST_TEST(empty.argmax[0] == no_argmax);
    BOOST_TEST(ref::max_pool2d_with_argmax(arange(2, 2), holes).argmax[0] == no_argmax);
    const Tensor4<double> dx = max_pool2d_backward(tensor({1, 1, 1, 1}, {1}), empty.argmax, {1, 1, 2, 2}, holes);
    BOOST_TEST(arma::accu(dx.plane(0, 0)) == 0.0);  // the gradient is dropped
}

BOOST_AUTO_TEST_CASE(max_backward_routes_and_sums_over_overlapping_windows) {
    // 3×3/1 windows over a 4×4 arange all pick the bottom-right cell of the window: cell (r, s)
    // receives one δ per window whose bottom-right corner it is.
    const Tensor4<double> x = arange(4, 4);
    const Pool2dOptions o = pool({3, 3}, Step2{1, 1});
    const Tensor4<double> dy = tensor({1, 1, 2, 2}, {1, 10, 100, 1000});
    const Tensor4<double> dx = max_pool2d_backward(dy, max_pool2d_with_argmax(x, o).argmax, x.shape(), o);
    check_values(dx, {1, 1, 4, 4}, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 10, 0, 0, 100, 1000}, 0, "routed");
    // 3×3/1 with padding 1 on a constant input: ties everywhere, each window's first cell (row-major).
    const Tensor4<double> flat = tensor({1, 1, 2, 2}, {5, 5, 5, 5});
    const Pool2dOptions padded = pool({3, 3}, Step2{1, 1}, {1, 1});
    const Tensor4<double> ones = tensor({1, 1, 2, 2}, {1, 1, 1, 1});
    check_values(max_pool2d_backward(ones, max_pool2d_with_argmax(flat, padded).argmax, flat.shape(), padded),
                 {1, 1, 2, 2}, {4, 0, 0, 0}, 0, "ties go to the first cell");
    // Average pooling spreads δ / divisor: 2×2/2 on 2×4, δ = [4, 8] → a quarter each.
    const Tensor4<double> avg_dx = avg_pool2d_backward(tensor({1, 1, 1, 2}, {4, 8}), {1, 1, 2, 4}, pool({2, 2}));
    check_values(avg_dx, {1, 1, 2, 4}, {1, 1, 2, 2, 1, 1, 2, 2}, 0, "avg spreads");
}

BOOST_AUTO_TEST_CASE(max_over_time_is_the_largest_value_of_each_channel) {
    // Text CNN: max_pool1d with the kernel = the sequence length, one value per channel.
    const Tensor4<double> x = tensor({1, 2, 1, 4}, {3, -1, 7, 2, 0, 5, -2, 5});
    check_values(max_pool1d(x, Pool1dOptions{.kernel = 4}), {1, 2, 1, 1}, {7, 5}, 0, "literal");
    PoolProblem p;
    p.input = {3, 50, 1, 37};
    p.seed = cnnlab::testing::base_seed() + 77;
    for (const int threads : {1, 2}) {
        const OmpThreads scope(threads);
        const Tensor4<float> xf = p.x<float>();
        const Tensor4<float> y = max_pool1d(xf, Pool1dOptions{.kernel = 37});
        for (std::size_t n = 0; n < 3; ++n)
            for (std::size_t c = 0; c < 50; ++c) BOOST_TEST(y(n, c, 0, 0) == xf.plane(n, c).max());
    }
}

// ---------------------------------------------------------------------------------------------
// Errors

BOOST_AUTO_TEST_CASE(wrong_options_and_shapes_are_refused_with_clear_messages) {
    const Tensor4<double> x = arange(4, 4);
    BOOST_TEST(message_of<argument_error>([&] { max_pool2d(x, pool({3, 3}, {}, {2, 0})); }) ==
               "max_pool2d: padding 2×0 is more than half of kernel 3×3 (x 1×1×4×4); pooling needs padding <= "
               "kernel/2 on each axis, here at most 1×1");
    BOOST_TEST(message_of<argument_error>([&] { max_pool2d(x, pool({0, 2})); }) ==
               "max_pool2d: kernel 0×2 has a zero size (x 1×1×4×4); each kernel size must be >= 1");
    BOOST_TEST(message_of<argument_error>([&] { avg_pool2d(x, pool({2, 2}, Step2{1, 0})); }) ==
               "avg_pool2d: stride 1×0 has a zero step (x 1×1×4×4, kernel 2×2); each stride must be >= 1");
    BOOST_TEST(message_of<shape_error>([&] { max_pool2d(x, pool({5, 5})); }) ==
               "max_pool2d: x 1×1×4×4, kernel 5×5, stride 5×5, padding 0×0, dilation 1×1 gives an output of 0×0; it "
               "must be at least 1×1 (the dilated kernel d(K-1)+1 may not be longer than the padded input n+2p)");
    Pool2dOptions dilated = pool({2, 2});
    dilated.dilation = {2, 1};
    BOOST_TEST(message_of<argument_error>([&] { avg_pool2d(x, dilated); }) ==
               "avg_pool2d: dilation 2×1 (x 1×1×4×4); average pooling has no dilation, it must be 1×1");
    dilated.dilation = {1, 0};
    BOOST_TEST(message_of<argument_error>([&] { max_pool2d(x, dilated); }).find("dilation 1×0 has a zero step") !=
               std::string::npos);
    BOOST_TEST(message_of<shape_error>([&] { max_pool2d(Tensor4<double>({1, 1, 0, 4}), pool({1, 1})); }) ==
               "max_pool2d: input 1×1×0×4 is empty; pooling needs N, C, H, W >= 1");

    // Backward: dy and argmax sizes.
    const MaxPoolResult<double> forward = max_pool2d_with_argmax(x, pool({2, 2}));
    BOOST_TEST(message_of<shape_error>([&] {
                   max_pool2d_backward(Tensor4<double>({1, 1, 2, 3}), forward.argmax, x.shape(), pool({2, 2}));
               }) == "max_pool2d_backward: dy 1×1×2×3 is not the forward output 1×1×2×2 of x 1×1×4×4, kernel 2×2, "
                     "stride 2×2, padding 0×0, dilation 1×1; dy must have the forward output's shape");
    std::vector<std::uint32_t> short_argmax(forward.argmax.begin(), forward.argmax.end() - 1);
    BOOST_TEST(message_of<shape_error>([&] { max_pool2d_backward(forward.y, short_argmax, x.shape(), pool({2, 2})); }) ==
               "max_pool2d_backward: argmax has 3 entries but the output 1×1×2×2 has 4; it must hold one index per "
               "output element (from max_pool2d_with_argmax)");
    std::vector<std::uint32_t> outside = forward.argmax;
    outside[2] = 16;
    const std::string outside_message = "max_pool2d_backward: argmax[2] = 16 is outside the 4×4 input plane; indices "
                                        "are r + H·c < 16 (or no_argmax)";
    BOOST_TEST(message_of<shape_error>([&] { max_pool2d_backward(forward.y, outside, x.shape(), pool({2, 2})); }) ==
               outside_message);
    BOOST_TEST(message_of<shape_error>([&] { ref::max_pool2d_backward(forward.y, outside, x.shape(), pool({2, 2})); }) ==
               "ref::" + outside_message);
    BOOST_TEST(message_of<shape_error>([&] {
                   avg_pool2d_backward(Tensor4<double>({1, 2, 2, 2}), x.shape(), pool({2, 2}));
               }).find("avg_pool2d_backward: dy 1×2×2×2 is not the forward output 1×1×2×2") == 0u);

    // Adaptive and 1-D.
    BOOST_TEST(message_of<argument_error>([&] { adaptive_avg_pool2d(x, 0, 2); }) ==
               "adaptive_avg_pool2d: output size 0×2 (x 1×1×4×4) is empty; it must be at least 1×1");
    BOOST_TEST(message_of<shape_error>([&] { adaptive_avg_pool2d_backward(Tensor4<double>({1, 2, 1, 1}), x.shape()); }) ==
               "adaptive_avg_pool2d_backward: dy 1×2×1×1 does not fit input 1×1×4×4; both must be non-empty with the "
               "same N and C");
    BOOST_TEST(message_of<shape_error>([&] { max_pool1d(x, Pool1dOptions{.kernel = 2}); }) ==
               "max_pool1d: input 1×1×4×4 must be N×C×1×L (height 1) for 1-D pooling");
    BOOST_TEST(message_of<argument_error>([&] {
                   avg_pool1d(tensor({1, 1, 1, 4}, {1, 2, 3, 4}), Pool1dOptions{.kernel = 2, .padding = 2});
               }).find("avg_pool1d: padding 0×2 is more than half of kernel 1×2") == 0u);

    // The references validate the same way.
    BOOST_TEST(message_of<argument_error>([&] { ref::max_pool2d(x, pool({3, 3}, {}, {2, 0})); }).find(
                   "ref::max_pool2d: padding 2×0 is more than half") == 0u);
    BOOST_TEST(message_of<shape_error>([&] { ref::avg_pool2d(x, pool({5, 5})); }).find(
                   "ref::avg_pool2d: x 1×1×4×4, kernel 5×5, stride 5×5, padding 0×0, dilation 1×1 gives an output of 0×0") == 0u);
}

BOOST_AUTO_TEST_CASE(geometry_prints_and_one_d_options_map_to_two_d) {
    Pool2dOptions o = pool({3, 2}, Step2{2, 1}, {1, 0});
    o.ceil_mode = true;
    const PoolGeometry g = resolve_pool2d("test", {2, 3, 7, 5}, o);
    BOOST_TEST(g.str() == "x 2×3×7×5, kernel 3×2, stride 2×1, padding 1×0, dilation 1×1, ceil_mode");
    BOOST_TEST(g.output.str() == "2×3×4×4");
    const Pool2dOptions two = as_pool2d_options(Pool1dOptions{.kernel = 3, .padding = 1, .dilation = 2});
    BOOST_TEST(two.kernel.rows == 1u);
    BOOST_TEST(two.kernel.cols == 3u);
    BOOST_TEST(two.stride->rows == 1u);
    BOOST_TEST(two.stride->cols == 3u);  // the default stride is the kernel
    BOOST_TEST(two.padding.rows == 0u);
    BOOST_TEST(two.padding.cols == 1u);
    BOOST_TEST(two.dilation.cols == 2u);
}

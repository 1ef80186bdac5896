/// \file
/// \brief Chapter 2, Winograd: both layer paths F(2×2,3×3) and F(4×4,3×3) equal the 7-loop
/// reference on randomized 3×3 layers (any padding, partial edge tiles); the one-tile formula
/// equals the direct 3×3 correlation; the multiplications it saves, counted; shapes it refuses.
#define BOOST_TEST_MODULE ch02_winograd
#include <boost/test/unit_test.hpp>

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch02_layers/layer.hpp"
#include "reference/convolution.hpp"
#include "reference/layers.hpp"
#include "reference/winograd.hpp"
#include "tests/check_close.hpp"
#include "tests/random_layer_cases.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>

using namespace cnnlab;
using cnnlab::testing::check_close;
using cnnlab::testing::LayerProblem;

namespace {

const LayerAlgorithm winograd_paths[] = {LayerAlgorithm::winograd_f2x2_3x3, LayerAlgorithm::winograd_f4x4_3x3};

/// Random 3×3, stride-1 layer number i: batch 1 on even i and 2–3 on odd i, 1–20 channels on each
/// side, inputs 3×3 up to 23×17, padding cycling through valid / same / full / explicit per-side
/// (asymmetric, up to 3 — beyond the kernel's 2, so whole tiles can lie in the padding).
LayerProblem winograd_problem(std::size_t i) {
    LayerProblem p;
    p.seed = cnnlab::testing::base_seed() + 104729 * i;
    std::mt19937_64 rng(p.seed + 3);
    auto pick = [&](std::size_t lo, std::size_t hi) { return std::uniform_int_distribution<std::size_t>(lo, hi)(rng); };
    const std::size_t batch = i % 2 == 0 ? 1 : pick(2, 3);
    p.input = {batch, pick(1, 20), pick(3, 23), pick(3, 17)};
    p.weight = {pick(1, 20), p.input.c, 3, 3};
    switch (i % 4) {
        case 0: p.options.padding = Mode::valid; break;
        case 1: p.options.padding = Mode::same; break;
        case 2: p.options.padding = Mode::full; break;
        default: p.options.padding = Sides2{{pick(0, 3), pick(0, 3)}, {pick(0, 3), pick(0, 3)}};
    }
    p.bias = pick(0, 1) == 1;
    return p;
}

/// Elementwise |t|.
template <class T>
Tensor4<T> absolute(const Tensor4<T>& t) {
    Tensor4<T> a(t.shape());
    for (std::size_t k = 0; k < t.size(); ++k) a.data()[k] = std::abs(t.data()[k]);
    return a;
}

/// The worst error of `actual` against `expected`, relative to the magnitude scale
/// \f$\sum |w||x| + |b|\f$ of the output plane (n, p) it lies in (its largest element, given in
/// `scale`). Per plane, not per element: Winograd mixes a whole input tile into each output, so an
/// output whose own window lies in the padding (scale 0, value 0) carries the rounding of its tile's
/// neighbours — about ε times *their* scale.
template <class T>
double worst_relative_error(const Tensor4<T>& actual, const Tensor4<T>& expected, const Tensor4<T>& scale) {
    BOOST_TEST_REQUIRE(actual.shape() == expected.shape(),
                       "shape " << actual.shape().str() << " vs expected " << expected.shape().str());
    const Shape4 s = actual.shape();
    const std::size_t plane = s.h * s.w;
    double worst = 0;
    for (std::size_t first = 0; first < actual.size(); first += plane) {
        double plane_scale = 0, plane_error = 0;
        for (std::size_t k = first; k < first + plane; ++k) {
            plane_scale = std::max(plane_scale, double(scale.data()[k]));
            plane_error = std::max(plane_error, std::abs(double(actual.data()[k]) - double(expected.data()[k])));
        }
        worst = std::max(worst, plane_error / plane_scale);  // plane_scale > 0: inputs are continuous draws
    }
    return worst;
}

/// Error bounds, relative to \f$\sum|w||x| + |b|\f$ (see worst_relative_error).
///
/// double: 1e-12. The transforms' entries are small (at most 5 in \f$B^\top\f$, 8 in \f$A^\top\f$),
/// so the error stays a few dozen ulps: measured worst over 9 seeds × 64 layers 4e-16 for \f$m=2\f$
/// and 6e-15 for \f$m=4\f$.
///
/// float: Winograd rounds the transformed tiles \f$B^\top d B\f$ (for \f$m=4\f$ each entry mixes
/// up to 16 inputs with weights up to 25, \f$\||B^\top|\|_\infty = 10\f$), the transformed filters
/// (\f$\frac16, \frac1{24}\f$ are not exact in binary), their products summed over the channels,
/// and the output transform sums 36 of those with weights up to 64 (\f$\||A^\top|\|_\infty = 19\f$,
/// so up to \f$19^2\f$ on a tile). The first-order bound is some hundreds of ε·Σ|w||x| for
/// \f$m=4\f$; rounding errors of random signs add up far less: measured worst over 9 seeds × 64
/// layers 2.8e-6 ≈ 23 ε for \f$m=4\f$ (ε = 1.19e-7) and 2.5e-7 ≈ 2 ε for \f$m=2\f$, whose
/// entries are 0, ±1, ±½ and round like the direct sum. The bounds keep a margin of 3.5–4×.
template <class T>
double tolerance(std::size_t m) {
    if (std::is_same_v<T, double>) return 1e-12;
    return m == 2 ? 1e-6 : 1e-5;
}

std::size_t tile_size(LayerAlgorithm algorithm) { return algorithm == LayerAlgorithm::winograd_f2x2_3x3 ? 2 : 4; }

template <class T>
void sweep_against_reference(std::size_t problems) {
    double worst[2] = {0, 0};
    std::size_t outputs_not_multiple_of_4 = 0, batched = 0, asymmetric = 0;
    for (std::size_t i = 0; i < problems; ++i) {
        const LayerProblem p = winograd_problem(i);
        const Tensor4<T> x = p.x<T>(), w = p.w<T>();
        const arma::Col<T> b = p.b<T>();
        const Tensor4<T> expected = ref::conv2d_layer(x, w, b, p.options);
        const Tensor4<T> scale = ref::conv2d_layer(absolute(x), absolute(w), arma::Col<T>(arma::abs(b)), p.options);
        outputs_not_multiple_of_4 += expected.shape().h % 4 != 0 || expected.shape().w % 4 != 0;
        batched += p.input.n > 1;
        asymmetric += std::holds_alternative<Sides2>(p.options.padding);
        for (std::size_t k = 0; k < 2; ++k) {
            const LayerAlgorithm algorithm = winograd_paths[k];
            const double error = worst_relative_error(conv2d_layer(x, w, b, p.options, algorithm), expected, scale);
            BOOST_TEST(error <= tolerance<T>(tile_size(algorithm)),
                       layer_algorithm_name(algorithm) << " " << p << ": relative error " << error);
            worst[k] = std::max(worst[k], error);
        }
    }
    BOOST_TEST_MESSAGE((std::is_same_v<T, float> ? "float" : "double")
                       << ": worst error / (Σ|w||x| + |b|) over " << problems << " layers: F(2×2,3×3) " << worst[0]
                       << ", F(4×4,3×3) " << worst[1]);
    // The sweep reaches what it is meant to reach.
    BOOST_TEST(outputs_not_multiple_of_4 >= problems / 2);
    BOOST_TEST(batched == problems / 2);
    BOOST_TEST(asymmetric == problems / 4);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(layer_equals_reference)

BOOST_AUTO_TEST_CASE(random_layers_double) { sweep_against_reference<double>(64); }
BOOST_AUTO_TEST_CASE(random_layers_float) { sweep_against_reference<float>(64); }

// Enough tiles for several blocks per thread and lane chunks with a partial tail, against im2col
// (itself held equal to the reference by ch02_layers_test) and the reference.
BOOST_AUTO_TEST_CASE(many_tiles_several_blocks) {
    LayerProblem p;
    p.seed = 77;
    p.input = {2, 24, 41, 38};
    p.weight = {20, 24, 3, 3};
    p.options.padding = Sides2{{2, 0}, {1, 3}};
    const Tensor4<double> x = p.x<double>(), w = p.w<double>();
    const arma::vec b = p.b<double>();
    const Tensor4<double> expected = ref::conv2d_layer(x, w, b, p.options);
    const Tensor4<double> scale = ref::conv2d_layer(absolute(x), absolute(w), arma::vec(arma::abs(b)), p.options);
    for (LayerAlgorithm algorithm : winograd_paths) {
        const double error = worst_relative_error(conv2d_layer(x, w, b, p.options, algorithm), expected, scale);
        BOOST_TEST(error <= 1e-12, layer_algorithm_name(algorithm) << " " << p << ": relative error " << error);
    }
    const Tensor4<float> xf = p.x<float>(), wf = p.w<float>();
    const Tensor4<float> gemm = conv2d_layer(xf, wf, {}, p.options, LayerAlgorithm::im2col_gemm);
    const Tensor4<float> scale_f = ref::conv2d_layer(absolute(xf), absolute(wf), {}, p.options);
    for (LayerAlgorithm algorithm : winograd_paths) {
        const double error = worst_relative_error(conv2d_layer(xf, wf, {}, p.options, algorithm), gemm, scale_f);
        BOOST_TEST(error <= tolerance<float>(tile_size(algorithm)), layer_algorithm_name(algorithm) << " vs im2col: " << error);
    }
}

// The smallest layers: one output (a 3×3 input, valid), a single channel, a 1-pixel-wide output
// column; every tile is partial.
BOOST_AUTO_TEST_CASE(tiny_layers) {
    const Shape4 inputs[] = {{1, 1, 3, 3}, {1, 2, 3, 7}, {2, 1, 9, 3}, {1, 3, 4, 5}};
    for (const Shape4& input : inputs) {
        LayerProblem p;
        p.seed = 11 + input.elements();
        p.input = input;
        p.weight = {2, input.c, 3, 3};
        const Tensor4<double> x = p.x<double>(), w = p.w<double>();
        const Tensor4<double> expected = ref::conv2d_layer(x, w, {}, p.options);
        for (LayerAlgorithm algorithm : winograd_paths) {
            const Tensor4<double> y = conv2d_layer(x, w, {}, p.options, algorithm);
            BOOST_TEST_REQUIRE(y.shape() == expected.shape());
            check_close(arma::vec(arma::Col<double>(const_cast<double*>(y.data()), y.size(), false, true)),
                        arma::vec(arma::Col<double>(const_cast<double*>(expected.data()), expected.size(), false, true)),
                        1e-13, std::string(layer_algorithm_name(algorithm)) + " " + input.str());
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(one_tile)

// Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A against Chapter 1's direct valid cross-correlation of the tile.
BOOST_AUTO_TEST_CASE(formula_equals_direct_correlation) {
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> value(-1, 1);
    for (std::size_t m : {2, 4})
        for (int trial = 0; trial < 20; ++trial) {
            arma::mat d(m + 2, m + 2), g(3, 3);
            d.imbue([&] { return value(rng); });
            g.imbue([&] { return value(rng); });
            const arma::mat y = ref::winograd_tile(d, g, m);
            check_close(y, ref::xcorr2d(d, g), 1e-14, "m=" + std::to_string(m));
            const arma::fmat yf = ref::winograd_tile(arma::fmat(arma::conv_to<arma::fmat>::from(d)),
                                                     arma::fmat(arma::conv_to<arma::fmat>::from(g)), m);
            check_close(yf, ref::xcorr2d(d, g), 2e-5, "float m=" + std::to_string(m));
        }
}

// The matrices: sizes, and the exact integers of Bᵀ and Aᵀ that carry the interpolation points.
BOOST_AUTO_TEST_CASE(matrices) {
    for (std::size_t m : {2, 4}) {
        const ref::WinogradMatrices<double> w = ref::winograd_matrices<double>(m);
        BOOST_TEST(w.BT.n_rows == m + 2);
        BOOST_TEST(w.BT.n_cols == m + 2);
        BOOST_TEST(w.G.n_rows == m + 2);
        BOOST_TEST(w.G.n_cols == 3u);
        BOOST_TEST(w.AT.n_rows == m);
        BOOST_TEST(w.AT.n_cols == m + 2);
    }
    // Row i of Aᵀ (m = 4) evaluates t^i at the points 0, 1, −1, 2, −2 and picks the leading term (∞).
    const arma::mat at = ref::winograd_matrices<double>(4).AT;
    const double points[] = {0, 1, -1, 2, -2};
    for (std::size_t i = 0; i < 4; ++i) {
        for (std::size_t k = 0; k < 5; ++k) BOOST_TEST(at(i, k) == std::pow(points[k], double(i)));
        BOOST_TEST(at(i, 5) == (i == 3 ? 1.0 : 0.0));
    }
    BOOST_CHECK_THROW(ref::winograd_matrices<double>(3), argument_error);
    BOOST_CHECK_THROW(ref::winograd_tile(arma::mat(5, 5), arma::mat(3, 3), 4), shape_error);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(counted_multiplies)

BOOST_AUTO_TEST_CASE(counting_scalar_counts_variable_products_only) {
    std::size_t counter = 0;
    const auto a = ref::CountingScalar::variable(3, &counter), b = ref::CountingScalar::variable(-2, &counter);
    const ref::CountingScalar half(0.5);
    const ref::CountingScalar r = (a * b) * half + a * half + half * half;
    BOOST_TEST(counter == 1u);  // only a·b; the scalings by the constant ½ are not counted
    BOOST_TEST(r.value() == -3 + 1.5 + 0.25);
    BOOST_TEST(r.is_variable());
    BOOST_TEST(!(half * half).is_variable());
}

BOOST_AUTO_TEST_CASE(winograd_against_direct) {
    BOOST_TEST(ref::winograd_tile_multiplies(2) == 16u);   // (m+2)² for 2×2 outputs
    BOOST_TEST(ref::direct_tile_multiplies(2) == 36u);     // 9·m²
    BOOST_TEST(ref::winograd_tile_multiplies(4) == 36u);
    BOOST_TEST(ref::direct_tile_multiplies(4) == 144u);
}

// The counted run is the real computation: its values equal the direct tile's.
BOOST_AUTO_TEST_CASE(counted_run_computes_the_tile) {
    std::size_t counter = 0;
    ref::SmallMatrix<ref::CountingScalar> d(6, 6), g(3, 3);
    for (std::size_t k = 0; k < 36; ++k) d.values[k] = ref::CountingScalar::variable(double((k * 7) % 11) - 5, &counter);
    for (std::size_t k = 0; k < 9; ++k) g.values[k] = ref::CountingScalar::variable(double((k * 5) % 7) - 3, &counter);
    const auto fast = ref::winograd_tile(d, g, 4);
    const auto direct = ref::direct_tile(d, g);
    BOOST_TEST_REQUIRE(fast.rows == 4u);
    BOOST_TEST_REQUIRE(fast.cols == 4u);
    for (std::size_t k = 0; k < 16; ++k) BOOST_TEST(std::abs(fast.values[k].value() - direct.values[k].value()) < 1e-12);
    BOOST_TEST(counter == 36u + 144u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(applies)

BOOST_AUTO_TEST_CASE(only_3x3_stride_1_dilation_1_groups_1) {
    const Tensor4<double> x = LayerProblem::fill<double>({1, 4, 9, 9}, 1);
    const Tensor4<double> w3 = LayerProblem::fill<double>({2, 4, 3, 3}, 2), w5 = LayerProblem::fill<double>({2, 4, 5, 5}, 3);
    Conv2dOptions stride2;
    stride2.stride = {2, 2};
    Conv2dOptions stride_cols;
    stride_cols.stride = {1, 2};
    Conv2dOptions dilated;
    dilated.dilation = {2, 1};
    Conv2dOptions grouped;
    grouped.groups = 2;
    const Tensor4<double> w_grouped = LayerProblem::fill<double>({2, 2, 3, 3}, 4);
    for (LayerAlgorithm algorithm : winograd_paths) {
        const std::string name(layer_algorithm_name(algorithm));
        BOOST_CHECK_THROW(conv2d_layer(x, w3, {}, stride2, algorithm), argument_error);
        BOOST_CHECK_THROW(conv2d_layer(x, w3, {}, stride_cols, algorithm), argument_error);
        BOOST_CHECK_THROW(conv2d_layer(x, w5, {}, {}, algorithm), argument_error);
        BOOST_CHECK_THROW(conv2d_layer(x, w3, {}, dilated, algorithm), argument_error);
        BOOST_CHECK_THROW(conv2d_layer(x, w_grouped, {}, grouped, algorithm), argument_error);
        try {
            conv2d_layer(x, w3, {}, stride2, algorithm);
        } catch (const argument_error& e) {
            BOOST_TEST(std::string(e.what()).find("algorithm " + name + " does not apply") != std::string::npos, e.what());
        }
        // …and the same call without the stride runs.
        BOOST_CHECK_NO_THROW(conv2d_layer(x, w3, {}, {}, algorithm));
        const LayerGeometry g = resolve_conv2d_layer("test", x.shape(), w5.shape(), 0, {});
        BOOST_TEST(!layer_algorithm_applies(algorithm, g));
    }
}

BOOST_AUTO_TEST_SUITE_END()

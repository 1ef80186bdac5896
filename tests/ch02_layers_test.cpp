/// \file
/// \brief Chapter 2 suite: every layer path equals the 7-loop reference on randomized layers; the
/// reference and the paths agree with independent oracles (the notes' PyTorch shape examples,
/// d2l's multi-channel literals, Chapter 1's single-channel correlation, a matrix product for
/// 1×1); the arithmetic helpers against counted weights; bad layers refused with clear errors.
#define BOOST_TEST_MODULE ch02_layers
#include <boost/test/unit_test.hpp>

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch01_convolution/convolution.hpp"
#include "chapters/ch02_layers/activations.hpp"
#include "chapters/ch02_layers/arithmetic.hpp"
#include "chapters/ch02_layers/layer.hpp"
#include "reference/layers.hpp"
#include "tests/check_close.hpp"
#include "tests/omp_threads.hpp"
#include "tests/random_layer_cases.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>

using namespace cnnlab;
using cnnlab::testing::check_close;
using cnnlab::testing::LayerProblem;

namespace {

/// Every element within `tolerance` × max(1, max|expected|); shapes first.
template <class T>
void check_tensor(const Tensor4<T>& actual, const Tensor4<T>& expected, double tolerance, const std::string& context) {
    BOOST_TEST_REQUIRE(actual.shape() == expected.shape(),
                       context << ": shape " << actual.shape().str() << " vs expected " << expected.shape().str());
    const arma::Col<T> a(const_cast<T*>(actual.data()), actual.size(), false, true);
    const arma::Col<T> e(const_cast<T*>(expected.data()), expected.size(), false, true);
    check_close(a, e, tolerance, context);
}

/// Sums of at most ~100 products of values in [-1, 1]: double keeps ~1e-14, float ~1e-6 of the
/// magnitude; the bounds leave an order of magnitude for the GEMM's different summation order.
template <class T>
double tolerance() {
    return std::is_same_v<T, float> ? 2e-5 : 1e-12;
}

const LayerAlgorithm gemm_like_paths[] = {LayerAlgorithm::automatic, LayerAlgorithm::im2col_gemm,
                                          LayerAlgorithm::gemm_1x1, LayerAlgorithm::depthwise_direct,
                                          LayerAlgorithm::direct};

template <class T>
void sweep_against_reference(std::size_t problems) {
    std::size_t compared = 0;
    for (std::size_t i = 0; i < problems; ++i) {
        const LayerProblem p = cnnlab::testing::random_layer_problem(i);
        const Tensor4<T> x = p.x<T>(), w = p.w<T>();
        const arma::Col<T> b = p.b<T>();
        const Tensor4<T> expected = ref::conv2d_layer(x, w, b, p.options);
        const LayerGeometry g = resolve_conv2d_layer("test", x.shape(), w.shape(), b.n_elem, p.options);
        for (LayerAlgorithm algorithm : gemm_like_paths) {
            if (!layer_algorithm_applies(algorithm, g)) continue;
            std::ostringstream context;
            context << layer_algorithm_name(algorithm) << " " << p;
            check_tensor(conv2d_layer(x, w, b, p.options, algorithm), expected, tolerance<T>(), context.str());
            ++compared;
        }
    }
    BOOST_TEST(compared >= 2 * problems);  // automatic + im2col everywhere, plus 1×1, depthwise and direct where they apply
}

Tensor4<double> tensor(Shape4 shape, std::vector<double> row_major) {
    return Tensor4<double>::from_row_major(shape, row_major);
}

template <class Callable>
std::string error_of(Callable&& call) {
    try {
        call();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(optimized_equals_reference)

BOOST_AUTO_TEST_CASE(random_layers_double) { sweep_against_reference<double>(96); }
BOOST_AUTO_TEST_CASE(random_layers_float) { sweep_against_reference<float>(96); }

BOOST_AUTO_TEST_CASE(each_path_is_reached) {
    std::set<LayerAlgorithm> applied;
    for (std::size_t i = 0; i < 96; ++i) {
        const LayerProblem p = cnnlab::testing::random_layer_problem(i);
        const LayerGeometry g = resolve_conv2d_layer("test", p.input, p.weight, 0, p.options);
        for (LayerAlgorithm a : gemm_like_paths)
            if (a != LayerAlgorithm::automatic && layer_algorithm_applies(a, g)) applied.insert(a);
    }
    BOOST_TEST(applied.size() == 4u);
}

// The sweep's planes are at most ~20 rows: the depthwise path also cuts a column into blocks of
// 64 (float) or 32 (double) rows and then blocks of 32, 16, …, 1. Tall planes (150, 75 and 50
// output rows at strides 1, 2 and 3) take every block length and the strided loads.
template <class T>
void depthwise_tall_planes() {
    for (const std::size_t stride : {1, 2, 3}) {
        LayerProblem p;
        p.seed = 41 + stride;
        p.input = {2, 3, 150, 9};
        p.weight = {6, 1, 3, 4};  // channel multiplier 2, even kernel width
        p.options.groups = 3;
        p.options.padding = Mode::same;
        p.options.stride = {stride, 1};
        p.options.dilation = {1 + stride % 2, 1};
        const Tensor4<T> x = p.x<T>(), w = p.w<T>();
        const arma::Col<T> b = p.b<T>();
        std::ostringstream context;
        context << "depthwise_direct " << p;
        check_tensor(conv2d_layer(x, w, b, p.options, LayerAlgorithm::depthwise_direct),
                     ref::conv2d_layer(x, w, b, p.options), tolerance<T>(), context.str());
    }
}

BOOST_AUTO_TEST_CASE(depthwise_tall_planes_double) { depthwise_tall_planes<double>(); }
BOOST_AUTO_TEST_CASE(depthwise_tall_planes_float) { depthwise_tall_planes<float>(); }

// Every path writes its output into memory that is not zeroed first (the output's
// block can be one a dead tensor left behind: tensor_memory.hpp). Here such a block, full of NaN,
// is the only one kept just before each call, so a value a path forgot to write shows up as NaN.
// (Under AddressSanitizer no block is kept, and the check is only the usual comparison.)
BOOST_AUTO_TEST_CASE(every_path_writes_every_output_value) {
    const struct {
        LayerAlgorithm algorithm;
        Shape4 input, weight;
        std::size_t groups;
    } cases[] = {
        {LayerAlgorithm::im2col_gemm, {2, 16, 64, 64}, {16, 16, 3, 3}, 1},
        {LayerAlgorithm::gemm_1x1, {2, 16, 64, 64}, {16, 16, 1, 1}, 1},
        {LayerAlgorithm::winograd_f2x2_3x3, {2, 16, 65, 67}, {16, 16, 3, 3}, 1},  // partial tiles at the edges
        {LayerAlgorithm::winograd_f4x4_3x3, {2, 16, 65, 67}, {16, 16, 3, 3}, 1},
        {LayerAlgorithm::depthwise_direct, {2, 16, 64, 64}, {16, 1, 3, 3}, 16},
        {LayerAlgorithm::direct, {2, 4, 129, 96}, {6, 4, 5, 5}, 1},  // the grid's discarded rows
        {LayerAlgorithm::direct, {2, 4, 129, 64}, {8, 4, 5, 5}, 1},  // channels in the vector (8 double)
    };
    for (const auto& c : cases) {
        LayerProblem p;
        p.seed = 97;
        p.input = c.input;
        p.weight = c.weight;
        p.options.groups = c.groups;
        p.options.padding = Mode::same;
        const Tensor4<double> x = p.x<double>(), w = p.w<double>();
        const arma::vec b = p.b<double>();
        const Tensor4<double> expected = ref::conv2d_layer(x, w, b, p.options);
        BOOST_TEST_REQUIRE(expected.size() * sizeof(double) >= (std::size_t(1) << 20));  // a block that is kept
        release_cached_tensor_memory();  // the poisoned block below is then the only one kept
        {
            Tensor4<double> poison(expected.shape(), uninitialized);
            std::fill(poison.data(), poison.data() + poison.size(), std::numeric_limits<double>::quiet_NaN());
        }
        check_tensor(conv2d_layer(x, w, b, p.options, c.algorithm), expected, tolerance<double>(),
                     std::string(layer_algorithm_name(c.algorithm)) + " after a NaN-filled block was freed");
    }
}

// The direct path keeps the output channels in the vector (whole vectors of 16 float or 8 double
// lanes, a partial last one zero-padded) and cuts each output column into runs of at most 14
// outputs: columns of 10 (one run), 33 (three of 11) and 29 (three of 9 or 10), with and without
// padding and bias. At stride 1 with channels that do not fill
// vectors it takes the grid kernel instead (8 channels in float). Strides split the rows into
// phase planes: stride 4 with an 11×11 kernel (AlexNet's conv1), a stride larger than the kernel,
// and dilations where the row stride is 1; input rows fewer than the stride (phases with no row);
// 12 channels (a partial second vector in double). At 1, 2 and 4 threads, so that the samples go
// to the threads one by one (N ≥ threads) or the threads share each sample's columns.
template <class T>
void direct_channels_in_vector() {
    const struct {
        Shape4 input, weight;
        Padding2d padding;
        bool bias;
        Step2 stride{}, dilation{};
    } cases[] = {
        {{3, 4, 14, 14}, {16, 4, 5, 5}, Mode::valid, true},  // LeNet's conv2, with 4 input channels
        {{2, 3, 33, 9}, {32, 3, 3, 3}, Mode::same, true},
        {{2, 2, 27, 6}, {8, 2, 2, 4}, Mode::full, false},
        {{1, 5, 12, 7}, {16, 5, 4, 1}, Sides2{{3, 1}, {0, 2}}, true},
        {{2, 3, 47, 31}, {40, 3, 11, 11}, Sides2{{2, 1}, {2, 2}}, true, {4, 4}},
        {{1, 2, 19, 17}, {24, 2, 2, 3}, Mode::valid, false, {3, 5}},
        {{1, 3, 23, 13}, {16, 3, 3, 2}, Sides2{{1, 1}, {0, 3}}, true, {1, 2}, {3, 2}},
        {{1, 2, 21, 16}, {5, 2, 3, 3}, Mode::valid, true, {2, 1}, {1, 3}},
        {{3, 2, 3, 9}, {16, 2, 3, 3}, Mode::valid, true, {4, 1}},
        {{1, 3, 17, 11}, {12, 3, 3, 3}, Mode::same, true, {2, 2}},
    };
    for (const int threads : {1, 2, 4})
    for (const auto& c : cases) {
        const cnnlab::testing::OmpThreads team(threads);
        LayerProblem p;
        p.seed = 61;
        p.input = c.input;
        p.weight = c.weight;
        p.bias = c.bias;
        p.options.padding = c.padding;
        p.options.stride = c.stride;
        p.options.dilation = c.dilation;
        const Tensor4<T> x = p.x<T>(), w = p.w<T>();
        const arma::Col<T> b = p.b<T>();
        std::ostringstream context;
        context << "direct, " << threads << " threads, " << p;
        check_tensor(conv2d_layer(x, w, b, p.options, LayerAlgorithm::direct), ref::conv2d_layer(x, w, b, p.options),
                     tolerance<T>(), context.str());
    }
}

BOOST_AUTO_TEST_CASE(direct_channels_in_vector_double) { direct_channels_in_vector<double>(); }
BOOST_AUTO_TEST_CASE(direct_channels_in_vector_float) { direct_channels_in_vector<float>(); }

// The automatic choice sends an image's first layer to direct only with many taps per output, and
// a strided layer with few channels to im2col; direct refuses a row dilation with a row stride.
BOOST_AUTO_TEST_CASE(direct_is_chosen_where_its_kernels_pay) {
    const auto choice = [](Shape4 input, Shape4 weight, Conv2dOptions options) {
        return choose_layer_algorithm<float>(resolve_conv2d_layer("test", input, weight, 0, options));
    };
    BOOST_TEST((choice({8, 3, 224, 224}, {64, 3, 11, 11}, {.padding = Mode::valid, .stride = {4, 4}}) == LayerAlgorithm::direct));
    // An image's first layer takes direct from 48 taps per output (bench/results/first_layer_taps.csv).
    BOOST_TEST((choice({8, 3, 32, 32}, {64, 3, 3, 3}, {.padding = Mode::same}) == LayerAlgorithm::im2col_gemm));
    BOOST_TEST((choice({8, 3, 33, 33}, {64, 3, 4, 4}, {.padding = Mode::valid}) == LayerAlgorithm::direct));
    BOOST_TEST((choice({8, 1, 32, 32}, {64, 1, 7, 7}, {.padding = Mode::same}) == LayerAlgorithm::direct));
    BOOST_TEST((choice({8, 4, 32, 32}, {64, 4, 3, 3}, {.padding = Mode::same}) == LayerAlgorithm::im2col_gemm));
    BOOST_TEST((choice({8, 8, 32, 32}, {16, 8, 3, 3}, {.padding = Mode::same, .stride = {2, 2}}) == LayerAlgorithm::im2col_gemm));
    BOOST_TEST((choice({256, 6, 14, 14}, {16, 6, 5, 5}, {}) == LayerAlgorithm::direct));
    const LayerGeometry dilated_strided =
        resolve_conv2d_layer("test", {1, 2, 20, 20}, {16, 2, 3, 3}, 0, {.stride = {2, 1}, .dilation = {2, 1}});
    BOOST_TEST(!layer_algorithm_applies(LayerAlgorithm::direct, dilated_strided));
    BOOST_CHECK_THROW(conv2d_layer(Tensor4<float>({1, 2, 20, 20}), Tensor4<float>({16, 2, 3, 3}), arma::fvec(),
                                   Conv2dOptions{.stride = {2, 1}, .dilation = {2, 1}}, LayerAlgorithm::direct),
                      cnnlab::argument_error);
}

// im2col copies strided rows (strides 2 and 4) a vector at a time while a whole vector's reads
// stay inside the input column: tall planes, padding and row offsets that start and end runs at
// every phase of the vector.
BOOST_AUTO_TEST_CASE(im2col_strided_rows_equal_the_reference) {
    for (const std::size_t stride : {2, 3, 4})
        for (const std::size_t height : {131, 150, 224}) {
            LayerProblem p;
            p.seed = 40 + stride;
            p.input = {2, 3, height, 9};
            p.weight = {5, 3, 11, 3};
            p.options.stride = {stride, 1};
            p.options.padding = Sides2{{2, 3}, {1, 1}};
            const Tensor4<float> x = p.x<float>(), w = p.w<float>();
            const arma::fvec b = p.b<float>();
            check_tensor(conv2d_layer(x, w, b, p.options, LayerAlgorithm::im2col_gemm), ref::conv2d_layer(x, w, b, p.options),
                         tolerance<float>(), "im2col, row stride " + std::to_string(stride) + ", height " + std::to_string(height));
        }
}

// Winograd keeps the filters it transformed last and reuses them while the weights are
// bit-identical: weights changed in place, or other weights of the same size in another shape,
// must be transformed again.
BOOST_AUTO_TEST_CASE(winograd_reuses_transformed_filters_only_for_the_same_weights) {
    for (const LayerAlgorithm algorithm : {LayerAlgorithm::winograd_f2x2_3x3, LayerAlgorithm::winograd_f4x4_3x3}) {
        const std::string name(layer_algorithm_name(algorithm));
        LayerProblem p;
        p.seed = 5;
        p.input = {2, 8, 13, 11};
        p.weight = {4, 8, 3, 3};
        p.options.padding = Mode::same;
        const Tensor4<double> x = p.x<double>();
        Tensor4<double> w = p.w<double>();
        const arma::vec b = p.b<double>();
        check_tensor(conv2d_layer(x, w, b, p.options, algorithm), ref::conv2d_layer(x, w, b, p.options),
                     tolerance<double>(), name + ", first call");
        w.data()[w.size() - 1] += 1.0;  // the last tap of the last filter, changed in place
        check_tensor(conv2d_layer(x, w, b, p.options, algorithm), ref::conv2d_layer(x, w, b, p.options),
                     tolerance<double>(), name + ", after a weight changed in place");
        check_tensor(conv2d_layer(x, w, b, p.options, algorithm), ref::conv2d_layer(x, w, b, p.options),
                     tolerance<double>(), name + ", the same weights again");
        // The same number of weights as 8 filters of 4 channels, on a 4-channel input.
        const Tensor4<double> x4 = LayerProblem::fill<double>({2, 4, 13, 11}, 6);
        const Tensor4<double> w8 = LayerProblem::fill<double>({8, 4, 3, 3}, 7);
        const arma::vec b8(8, arma::fill::zeros);
        check_tensor(conv2d_layer(x4, w8, b8, p.options, algorithm), ref::conv2d_layer(x4, w8, b8, p.options),
                     tolerance<double>(), name + ", weights of the same size in another shape");
    }
}

BOOST_AUTO_TEST_CASE(conv1d_layer_matches_reference_and_chapter1) {
    for (std::size_t i = 0; i < 24; ++i) {
        LayerProblem p = cnnlab::testing::random_layer_problem(i);
        p.input.h = 1, p.weight.h = 1;
        Conv1dOptions o;
        o.groups = p.options.groups;
        o.stride = p.options.stride.cols;
        o.dilation = 1 + i % 2;
        p.input.w += 2 * p.weight.w;
        o.padding = i % 3 == 0 ? AxisPadding(Mode::same) : AxisPadding(Sides{i % 2, i % 4});
        const Tensor4<double> x = p.x<double>(), w = p.w<double>();
        const arma::vec b = p.b<double>();
        std::ostringstream context;
        context << "conv1d " << p;
        check_tensor(conv1d_layer(x, w, b, o), ref::conv1d_layer(x, w, b, o), 1e-12, context.str());
    }
    // A single-channel layer without bias is Chapter 1's xcorr1d.
    const arma::vec signal = {0, 1, 4, 9, 16, 25}, taps = {1, -2, 1};
    Tensor4<double> x({1, 1, 1, signal.n_elem}), w({1, 1, 1, 3});
    std::copy(signal.begin(), signal.end(), x.data());
    std::copy(taps.begin(), taps.end(), w.data());
    const Tensor4<double> y = conv1d_layer(x, w);
    check_close(arma::vec(y.plane(0, 0).t()), xcorr1d(signal, taps), 1e-14, "second difference");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(independent_oracles)

// nndl §5.2 / 001: x (4,2,3,5) through Conv2d(2, 3, (3,5), padding=(1,2)) → (4,3,3,5), weight (3,2,3,5).
BOOST_AUTO_TEST_CASE(pytorch_shape_example_same_size) {
    Conv2dOptions o;
    o.padding = Sides2::symmetric(1, 2);
    const LayerCounts counts = conv2d_layer_counts({4, 2, 3, 5}, {3, 2, 3, 5}, true, o);
    BOOST_TEST(counts.output.str() == "4×3×3×5");
    BOOST_TEST(counts.parameters == 3u * 2 * 3 * 5 + 3);
    const Tensor4<double> y = conv2d_layer(LayerProblem::fill<double>({4, 2, 3, 5}, 1),
                                           LayerProblem::fill<double>({3, 2, 3, 5}, 2), arma::vec(3, arma::fill::ones), o);
    BOOST_TEST(y.shape().str() == "4×3×3×5");
}

// 001: x (2,1,7,3) through Conv2d(1, 8, (2,3)) → (2,8,6,1).
BOOST_AUTO_TEST_CASE(pytorch_shape_example_valid) {
    const Tensor4<float> y = conv2d_layer(LayerProblem::fill<float>({2, 1, 7, 3}, 3),
                                          LayerProblem::fill<float>({8, 1, 2, 3}, 4), arma::fvec(8, arma::fill::zeros));
    BOOST_TEST(y.shape().str() == "2×8×6×1");
}

// d2l 多输入通道: X = two 3×3 channels, K = two 2×2 kernels → [[56,72],[104,120]].
BOOST_AUTO_TEST_CASE(d2l_multi_input_example) {
    const Tensor4<double> x = tensor({1, 2, 3, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    const Tensor4<double> k = tensor({1, 2, 2, 2}, {0, 1, 2, 3, 1, 2, 3, 4});
    const arma::mat expected = {{56, 72}, {104, 120}};
    check_close(arma::mat(ref::conv2d_layer(x, k).plane_copy(0, 0)), expected, 0, "reference");
    check_close(arma::mat(conv2d_layer(x, k).plane_copy(0, 0)), expected, 0, "optimized");
}

// d2l 多输出通道: stacking K, K+1, K+2 gives three output channels; the first is the example above.
BOOST_AUTO_TEST_CASE(d2l_multi_input_multi_output_example) {
    const Tensor4<double> x = tensor({1, 2, 3, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    std::vector<double> stacked;
    for (double shift : {0.0, 1.0, 2.0})
        for (double v : {0, 1, 2, 3, 1, 2, 3, 4}) stacked.push_back(v + shift);
    const Tensor4<double> y = conv2d_layer(x, tensor({3, 2, 2, 2}, stacked));
    check_close(arma::mat(y.plane(0, 0)), arma::mat{{56, 72}, {104, 120}}, 0, "channel 0");
    check_close(arma::mat(y.plane(0, 1)), arma::mat{{76, 100}, {148, 172}}, 0, "channel 1");
    check_close(arma::mat(y.plane(0, 2)), arma::mat{{96, 128}, {192, 224}}, 0, "channel 2");
}

// nndl: Z^p = Σ_d W^{p,d} ⊗ X^d + b^p, with ⊗ computed by Chapter 1's single-channel xcorr2d.
BOOST_AUTO_TEST_CASE(sum_of_single_channel_correlations) {
    const Tensor4<double> x = LayerProblem::fill<double>({2, 3, 9, 8}, 5), w = LayerProblem::fill<double>({4, 3, 3, 2}, 6);
    const arma::vec b = {0.5, -1, 2, 0.25};
    Conv2dOptions o;
    o.padding = Mode::same;
    o.stride = {2, 1};
    const Tensor4<double> y = conv2d_layer(x, w, b, o);
    Options2d plane;
    plane.padding = Mode::same;
    plane.stride = {2, 1};
    for (std::size_t n = 0; n < 2; ++n)
        for (std::size_t p = 0; p < 4; ++p) {
            arma::mat z(y.shape().h, y.shape().w, arma::fill::value(b(p)));
            for (std::size_t d = 0; d < 3; ++d) z += xcorr2d(arma::mat(x.plane(n, d)), arma::mat(w.plane(p, d)), plane);
            check_close(arma::mat(y.plane(n, p)), z, 1e-13, "n=" + std::to_string(n) + " p=" + std::to_string(p));
        }
}

// ex 5-3: a 1×1 layer is one matrix product over channels, Y (C_out × HW) = W (C_out × C_in) · X (C_in × HW).
BOOST_AUTO_TEST_CASE(one_by_one_is_a_matrix_product) {
    const Tensor4<double> x = LayerProblem::fill<double>({1, 5, 4, 6}, 7), w = LayerProblem::fill<double>({3, 5, 1, 1}, 8);
    arma::mat x_rows(5, 24), w_matrix(3, 5);
    for (std::size_t c = 0; c < 5; ++c) x_rows.row(c) = arma::vectorise(x.plane(0, c)).t();
    for (std::size_t p = 0; p < 3; ++p)
        for (std::size_t c = 0; c < 5; ++c) w_matrix(p, c) = w(p, c, 0, 0);
    const arma::mat expected = w_matrix * x_rows;
    const Tensor4<double> y = conv2d_layer(x, w, {}, {}, LayerAlgorithm::gemm_1x1);
    for (std::size_t p = 0; p < 3; ++p)
        check_close(arma::rowvec(arma::vectorise(y.plane(0, p)).t()), arma::rowvec(expected.row(p)), 1e-14, "channel");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(arithmetic)

BOOST_AUTO_TEST_CASE(parameter_count_is_counted_weights) {
    // P·D·U·V + P against the elements a layer really allocates.
    for (std::size_t groups : {1, 2, 4, 8}) {
        const Shape4 weight{8, 8 / groups, 3, 5};  // what conv2d_layer takes for C_in = C_out = 8
        BOOST_TEST(conv_layer_parameters(8, 8, 3, 5, groups) == weight.elements() + weight.n);
        BOOST_TEST(conv2d_layer_counts({1, 8, 6, 6}, weight, true, Conv2dOptions{Mode::same, {}, {}, groups}).parameters ==
                   weight.elements() + weight.n);
    }
    BOOST_TEST(conv_layer_parameters(2, 3, 3, 5) == 93u);  // 3·2·3·5 + 3
    BOOST_CHECK_THROW(conv_layer_parameters(3, 4, 3, 3, 2), argument_error);
}

BOOST_AUTO_TEST_CASE(fully_connected_and_separable_counts) {
    // 001: (c1,h1,w1) → (c2,h2,w2) fully connected needs c1·c2·h1·w1·h2·w2 weights.
    BOOST_TEST(fully_connected_parameters(2, 3, 5, 3, 3, 5) == 2.0 * 3 * 3 * 5 * 3 * 5);
    BOOST_TEST(depthwise_separable_parameters(3, 256, 256) == 3u * 3 * 256 + 256u * 256);
}

BOOST_AUTO_TEST_CASE(receptive_fields) {
    BOOST_TEST(receptive_field({{2}, {2}}).size == 3u);  // d2l: z sees 3×3 = 9 inputs
    BOOST_TEST(receptive_field({{3}, {3}}).size == 5u);
    BOOST_TEST(receptive_field({{3}, {3}, {3}}).size == 7u);
    const ReceptiveField strided = receptive_field({{3, 2}, {3, 1}});
    BOOST_TEST(strided.size == 7u);
    BOOST_TEST(strided.jump == 2u);
    BOOST_TEST(receptive_field({{3, 1, 2}}).size == 5u);
    BOOST_CHECK_THROW(receptive_field({{3, 0}}), argument_error);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(activations)

BOOST_AUTO_TEST_CASE(match_the_scalar_references) {
    Tensor4<double> z = LayerProblem::fill<double>({2, 3, 4, 5}, 9);
    for (std::size_t i = 0; i < z.size(); ++i) z.data()[i] *= 30;  // reach saturation and overflow of e^z
    for (Activation a : {Activation::relu, Activation::leaky_relu, Activation::sigmoid, Activation::tanh}) {
        Tensor4<double> y = z;
        apply_activation(y, a, 0.1);
        double worst = 0;
        for (std::size_t i = 0; i < z.size(); ++i) {
            const double v = z.data()[i];
            const double expected = a == Activation::relu         ? ref::relu(v)
                                    : a == Activation::leaky_relu ? ref::leaky_relu(v, 0.1)
                                    : a == Activation::sigmoid    ? ref::sigmoid(v)
                                                                  : ref::tanh_formula(v);
            worst = std::max(worst, std::abs(y.data()[i] - expected));
        }
        BOOST_TEST(worst < 1e-15, activation_name(a) << ": worst |Δ| = " << worst);
    }
    BOOST_TEST(ref::relu(-2.0) == 0.0);
    BOOST_TEST(ref::leaky_relu(-2.0) == -0.02);
    BOOST_TEST(ref::sigmoid(0.0) == 0.5);
    BOOST_CHECK_THROW(parse_activation("softmax"), argument_error);
}

BOOST_AUTO_TEST_CASE(float_sigmoid_is_within_a_few_ulp_and_keeps_nan_and_infinities) {
    // The float sigmoid runs its own vectorizable exp: against double precision, over z in [−100, 100]
    // (saturation on both sides) on a tensor large enough to be split over the threads, out of place
    // (activated) and in place (apply_activation) alike.
    Tensor4<float> z({1, 1, 1000, 200}, uninitialized);
    for (std::size_t i = 0; i < z.size(); ++i) z.data()[i] = -100.0f + 200.0f * float(i) / float(z.size());
    z.data()[0] = std::numeric_limits<float>::quiet_NaN();
    z.data()[1] = std::numeric_limits<float>::infinity();
    z.data()[2] = -std::numeric_limits<float>::infinity();
    const Tensor4<float> y = activated(z, Activation::sigmoid);
    Tensor4<float> in_place = z;
    apply_activation(in_place, Activation::sigmoid);
    BOOST_TEST(std::isnan(y.data()[0]));
    BOOST_TEST(y.data()[1] == 1.0f);
    BOOST_TEST(y.data()[2] == 0.0f);
    double worst = 0;
    for (std::size_t i = 3; i < z.size(); ++i) {
        const double expected = 1.0 / (1.0 + std::exp(-double(z.data()[i])));
        if (expected > 1e-30) worst = std::max(worst, std::abs(y.data()[i] - expected) / expected);
        BOOST_TEST_REQUIRE(y.data()[i] == in_place.data()[i]);
    }
    BOOST_TEST(worst < 4 * std::numeric_limits<float>::epsilon(), "worst relative error " << worst);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(refused)

BOOST_AUTO_TEST_CASE(bad_layers_name_the_op_shapes_and_rule) {
    const auto x = Tensor4<double>({4, 2, 3, 5});
    const auto w_3ch = Tensor4<double>({3, 3, 3, 5});
    BOOST_TEST(error_of([&] { conv2d_layer(x, w_3ch); }) ==
               "conv2d_layer: input has 2 channels but weight expects 3 (weight dim 1 = C_in/groups = 3; input "
               "4×2×3×5, weight 3×3×3×5, groups=1)");
    Conv2dOptions g3;
    g3.groups = 3;
    BOOST_TEST(error_of([&] { conv2d_layer(Tensor4<double>({1, 4, 3, 3}), Tensor4<double>({3, 1, 1, 1}), {}, g3); })
                   .find("4 input channels are not divisible by groups=3") != std::string::npos);
    Conv2dOptions g2;
    g2.groups = 2;
    BOOST_TEST(error_of([&] { conv2d_layer(Tensor4<double>({1, 4, 3, 3}), Tensor4<double>({3, 2, 1, 1}), {}, g2); })
                   .find("3 output channels (weight dim 0) are not divisible by groups=2") != std::string::npos);
    BOOST_TEST(error_of([&] { conv2d_layer(x, Tensor4<double>({3, 2, 3, 5}), arma::vec(2)); })
                   .find("bias has 2 values but the layer has 3 output channels") != std::string::npos);
    BOOST_TEST(error_of([&] { conv2d_layer(x, Tensor4<double>({3, 2, 4, 5})); })
                   .find("longer than the padded input") != std::string::npos);
    Conv2dOptions g0;
    g0.groups = 0;
    BOOST_TEST(error_of([&] { conv2d_layer(x, Tensor4<double>({3, 2, 1, 1}), {}, g0); }).find("groups is 0") !=
               std::string::npos);
    Conv2dOptions stride0;
    stride0.stride = {0, 1};
    BOOST_TEST(error_of([&] { conv2d_layer(x, Tensor4<double>({3, 2, 1, 1}), {}, stride0); }).find("stride along rows is 0") !=
               std::string::npos);
    BOOST_TEST(error_of([&] { conv2d_layer(x, Tensor4<double>({3, 2, 3, 3}), {}, {}, LayerAlgorithm::gemm_1x1); })
                   .find("algorithm gemm_1x1 does not apply") != std::string::npos);
    BOOST_TEST(error_of([&] { conv1d_layer(x, Tensor4<double>({3, 2, 1, 3})); }).find("N×C×1×L") != std::string::npos);
    BOOST_CHECK_THROW(parse_layer_algorithm("winograd9"), argument_error);
}

BOOST_AUTO_TEST_SUITE_END()

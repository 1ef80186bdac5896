/// \file
/// \brief Chapter 3 suite for the optimized backward passes (chapters/ch03_gradients/backward.hpp):
/// each equals its loop reference (reference/gradients.hpp) on the randomized layer problems of
/// Chapter 2 (groups, depthwise, stride, dilation, padding, batch 1 and more), in float and double,
/// with one OpenMP thread and several, the input gradient by every path (GEMM + col2im, and the
/// rotated forward on Chapter 2's Winograd / 1×1 / depthwise paths); the conv1d layer, the
/// single-channel xcorr2d / conv2d and the activations likewise; wrong shapes are refused.
#define BOOST_TEST_MODULE ch03_backward
#include <boost/test/unit_test.hpp>

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch03_gradients/activation_backward.hpp"
#include "chapters/ch03_gradients/backward.hpp"
#include "reference/gradients.hpp"
#include "tests/check_close.hpp"
#include "tests/omp_threads.hpp"
#include "tests/random_layer_cases.hpp"

#include <algorithm>
#include <omp.h>
#include <random>
#include <string>

using namespace cnnlab;
using cnnlab::testing::check_close;
using cnnlab::testing::LayerProblem;

namespace {

/// Double: both sides sum at most a few thousand products of values in [-1, 1] in different
/// orders; the rounding difference is ~1e-15 of the largest value.
constexpr double double_tolerance = 1e-12;
/// Float: the same sums in single precision (ε ≈ 6e-8). A sum of m terms in two orders differs by
/// about √m·ε of its scale, at most m·ε; m ≤ ~3000 here (dW sums N·H_out·W_out products) gives
/// ~3e-6 typically and 2e-4 at the very worst. 1e-4 leaves room for the typical case while a
/// wrong index (an error of order 1) fails by four orders of magnitude.
constexpr double float_tolerance = 1e-4;
/// Float through Winograd F(3×3, 4×4): the transforms' coefficients (up to 8 and 1/24) cost about
/// two decimal digits, as in the forward (tests/ch02_winograd_test.cpp).
constexpr double winograd_float_tolerance = 1e-3;

/// The elements of a tensor as an arma column (a copy), for check_close.
template <class T>
arma::Col<T> column(const Tensor4<T>& t) { return arma::Col<T>(t.data(), t.size()); }

/// Optimized against reference for all three gradients of problem p, the input gradient by every
/// path that applies (rotated_forward only for stride 1 and padding ≤ (K−1)d).
template <class T>
void expect_reference(const LayerProblem& p, double tolerance) {
    const Tensor4<T> x = p.x<T>(), w = p.w<T>(), dy = p.upstream<T>();
    const Tensor4<T> expected_dx = ref::conv2d_layer_backward_input(w, dy, p.input, p.options);
    const LayerGeometry g = resolve_conv2d_layer("test", p.input, p.weight, 0, p.options);
    for (const auto algorithm : {BackwardInputAlgorithm::automatic, BackwardInputAlgorithm::gemm_col2im,
                                 BackwardInputAlgorithm::rotated_forward}) {
        if (algorithm == BackwardInputAlgorithm::rotated_forward && !rotated_forward_of(g).applies) continue;
        check_close(column(conv2d_layer_backward_input(w, dy, p.input, p.options, algorithm)), column(expected_dx),
                    tolerance, "dX by " + std::string(backward_input_algorithm_name(algorithm)));
    }
    const Tensor4<T> expected_dw = ref::conv2d_layer_backward_weight(x, dy, p.weight, p.options);
    for (const auto algorithm : {BackwardWeightAlgorithm::automatic, BackwardWeightAlgorithm::im2col_gemm,
                                 BackwardWeightAlgorithm::winograd_f4x4_3x3, BackwardWeightAlgorithm::depthwise_direct,
                                 BackwardWeightAlgorithm::direct}) {
        const bool winograd = algorithm == BackwardWeightAlgorithm::winograd_f4x4_3x3;
        if (!backward_weight_algorithm_applies(algorithm, g)) continue;
        // Winograd's transforms scale values by up to ~10² before the sums: float keeps fewer digits.
        check_close(column(conv2d_layer_backward_weight(x, dy, p.weight, p.options, algorithm)), column(expected_dw),
                    winograd && sizeof(T) == 4 ? winograd_float_tolerance : tolerance,
                    "dW by " + std::string(backward_weight_algorithm_name(algorithm)));
    }
    check_close(conv2d_layer_backward_bias(dy), ref::conv2d_layer_backward_bias(dy), tolerance, "db");
}

using cnnlab::testing::OmpThreads;

}  // namespace

BOOST_AUTO_TEST_CASE(random_problems_match_the_reference_in_double) {
    for (std::size_t index = 0; index < 96; ++index) {
        const LayerProblem p = cnnlab::testing::random_layer_problem(index);
        BOOST_TEST_CONTEXT(p) { expect_reference<double>(p, double_tolerance); }
    }
}

BOOST_AUTO_TEST_CASE(random_problems_match_the_reference_in_float) {
    for (std::size_t index = 0; index < 96; ++index) {
        const LayerProblem p = cnnlab::testing::random_layer_problem(index);
        BOOST_TEST_CONTEXT(p) { expect_reference<float>(p, float_tolerance); }
    }
}

BOOST_AUTO_TEST_CASE(batch_one_and_more_with_one_thread_and_several) {
    // The same problems at batch 1 (BLAS path) and batch 5 (OpenMP over samples, per-thread dW),
    // with 1 and 3 OpenMP threads.
    for (std::size_t index = 0; index < 24; ++index) {
        for (const std::size_t batch : {1u, 5u})
            for (const int threads : {1, 3}) {
                LayerProblem p = cnnlab::testing::random_layer_problem(index);
                p.input.n = batch;
                BOOST_TEST_CONTEXT(p << " batch " << batch << ", " << threads << " threads") {
                    const OmpThreads scope(threads);
                    expect_reference<double>(p, double_tolerance);
                }
            }
    }
}

BOOST_AUTO_TEST_CASE(a_larger_padded_layer_matches_the_reference) {
    // Enough channels and pixels for blocked GEMM kernels, with padding 1, stride 1 and 2.
    for (const std::size_t stride : {1u, 2u}) {
        LayerProblem p;
        p.input = {2, 12, 17, 15};
        p.weight = {20, 12, 3, 3};
        p.options.padding = Sides2{{1, 1}, {1, 1}};
        p.options.stride = {stride, stride};
        p.seed = cnnlab::testing::base_seed() + 31 + stride;
        BOOST_TEST_CONTEXT(p) {
            expect_reference<double>(p, double_tolerance);
            expect_reference<float>(p, float_tolerance);
        }
    }
}

BOOST_AUTO_TEST_CASE(upstream_gradient_of_the_wrong_shape_is_refused) {
    const Tensor4<double> x(Shape4{2, 3, 6, 5}), w(Shape4{4, 3, 3, 3});
    const Tensor4<double> dy(Shape4{2, 4, 4, 4});  // the output is 2×4×4×3
    BOOST_CHECK_EXCEPTION(conv2d_layer_backward_input(w, dy, x.shape()), shape_error, [](const shape_error& e) {
        const std::string what = e.what();
        return what.starts_with("conv2d_layer_backward_input: dY is ") &&
               what.ends_with("dY must have the shape of the forward's output");
    });
    BOOST_CHECK_EXCEPTION(conv2d_layer_backward_weight(x, dy, w.shape()), shape_error, [](const shape_error& e) {
        const std::string what = e.what();
        return what.starts_with("conv2d_layer_backward_weight: dY is ") &&
               what.ends_with("dY must have the shape of the forward's output");
    });
    // The same words as the reference, operation name aside.
    try {
        ref::conv2d_layer_backward_input(w, dy, x.shape());
        BOOST_FAIL("the reference accepted a wrong dY");
    } catch (const shape_error& reference) {
        try {
            conv2d_layer_backward_input(w, dy, x.shape());
            BOOST_FAIL("the optimized backward accepted a wrong dY");
        } catch (const shape_error& optimized) {
            BOOST_TEST("ref::" + std::string(optimized.what()) == std::string(reference.what()));
        }
    }
    // A wrong batch size is refused too, and a weight that does not fit the input (as the forward).
    const Tensor4<double> dy_batch(Shape4{3, 4, 4, 3});
    BOOST_CHECK_THROW(conv2d_layer_backward_weight(x, dy_batch, w.shape()), shape_error);
    BOOST_CHECK_THROW(conv2d_layer_backward_input(w, dy, Shape4{2, 2, 6, 5}), shape_error);
}

BOOST_AUTO_TEST_CASE(stride_one_fast_paths_match_the_reference) {
    // The layers whose input gradient runs as a forward over rot180 weights on a Chapter 2 fast path:
    // 3×3 with ≥ 16 channels (Winograd F(4×4, 3×3)), 1×1 (one GEMM), depthwise (direct loops),
    // with valid, same, full and asymmetric padding, groups, dilation.
    struct Case {
        Shape4 input, weight;
        Conv2dOptions options;
    };
    const std::vector<Case> cases{
        {{2, 16, 9, 11}, {16, 16, 3, 3}, {.padding = Mode::same}},
        {{1, 17, 12, 10}, {18, 17, 3, 3}, {.padding = Mode::valid}},
        {{1, 16, 8, 9}, {16, 16, 3, 3}, {.padding = Mode::full}},
        {{1, 16, 8, 9}, {20, 16, 3, 3}, {.padding = Sides2{{0, 2}, {1, 0}}}},
        {{3, 24, 6, 7}, {8, 24, 1, 1}, {}},
        {{1, 8, 6, 7}, {8, 4, 1, 1}, {.groups = 2}},
        {{2, 12, 10, 9}, {12, 1, 3, 3}, {.padding = Mode::same, .groups = 12}},
        {{1, 6, 10, 9}, {12, 1, 5, 3}, {.padding = Sides2{{1, 4}, {2, 0}}, .groups = 6}},
        {{1, 8, 12, 12}, {8, 8, 3, 3}, {.padding = Sides2::symmetric(2, 2), .dilation = {2, 2}}},
    };
    for (std::size_t k = 0; k < cases.size(); ++k) {
        LayerProblem p;
        p.input = cases[k].input, p.weight = cases[k].weight, p.options = cases[k].options;
        p.seed = cnnlab::testing::base_seed() + 101 + k;
        BOOST_TEST_CONTEXT(p) {
            BOOST_TEST(rotated_forward_of(resolve_conv2d_layer("test", p.input, p.weight, 0, p.options)).applies);
            expect_reference<double>(p, double_tolerance);
            expect_reference<float>(p, float_tolerance);
        }
    }
}

BOOST_AUTO_TEST_CASE(rotated_forward_is_refused_where_it_does_not_apply) {
    const Tensor4<double> w(Shape4{4, 3, 3, 3});
    for (const Conv2dOptions options : {Conv2dOptions{.stride = {2, 1}}, Conv2dOptions{.padding = Sides2{{3, 0}, {0, 0}}}}) {
        const LayerGeometry g = resolve_conv2d_layer("test", {1, 3, 9, 9}, w.shape(), 0, options);
        const Tensor4<double> dy(g.output);
        BOOST_TEST(!rotated_forward_of(g).applies);
        BOOST_CHECK_EXCEPTION(
            conv2d_layer_backward_input(w, dy, g.input, options, BackwardInputAlgorithm::rotated_forward), argument_error,
            [](const argument_error& e) {
                return std::string(e.what()).starts_with(
                    "conv2d_layer_backward_input: rotated_forward needs stride 1 and padding at most (K-1)·dilation");
            });
        // automatic still answers, by GEMM + col2im
        BOOST_TEST(conv2d_layer_backward_input(w, dy, g.input, options).shape() == g.input);
    }
    BOOST_CHECK_THROW(parse_backward_input_algorithm("winograd"), argument_error);
    // Winograd's weight gradient needs what the forward's needs: 3×3, stride 1, dilation 1, one group.
    const Conv2dOptions strided{.stride = {2, 2}};
    const LayerGeometry g = resolve_conv2d_layer("test", {1, 3, 9, 9}, w.shape(), 0, strided);
    BOOST_CHECK_EXCEPTION(conv2d_layer_backward_weight(Tensor4<double>(g.input), Tensor4<double>(g.output), w.shape(),
                                                       strided, BackwardWeightAlgorithm::winograd_f4x4_3x3),
                          argument_error, [](const argument_error& e) {
                              return std::string(e.what()).starts_with(
                                  "conv2d_layer_backward_weight: winograd_f4x4_3x3 needs a 3×3 kernel, stride 1");
                          });
    BOOST_TEST((parse_backward_weight_algorithm("winograd_f4x4_3x3") == BackwardWeightAlgorithm::winograd_f4x4_3x3));
    BOOST_TEST((parse_backward_input_algorithm("rotated_forward") == BackwardInputAlgorithm::rotated_forward));
}

BOOST_AUTO_TEST_CASE(rotated_weight_turns_kernels_and_swaps_channels_per_group) {
    // W: 4 outputs × 1 input per group, groups 2 (C_in = 2): W' is 2 × 2 × K_h × K_w.
    LayerProblem p;
    p.weight = {4, 1, 2, 3};
    p.seed = cnnlab::testing::base_seed() + 7;
    const Tensor4<double> w = p.w<double>();
    const Tensor4<double> r = rotated_weight(w, 2);
    BOOST_TEST(r.shape() == (Shape4{2, 2, 2, 3}));
    for (std::size_t out = 0; out < 4; ++out)
        check_close(r.plane_copy(out / 2, out % 2), arma::mat(arma::fliplr(arma::flipud(w.plane_copy(out, 0)))), 0,
                    "rot180 of kernel " + std::to_string(out));
    BOOST_CHECK_THROW(rotated_weight(w, 3), argument_error);
}

BOOST_AUTO_TEST_CASE(conv1d_layers_match_the_reference) {
    std::mt19937_64 rng(cnnlab::testing::base_seed() + 41);
    auto pick = [&](std::size_t lo, std::size_t hi) { return std::uniform_int_distribution<std::size_t>(lo, hi)(rng); };
    for (std::size_t trial = 0; trial < 40; ++trial) {
        const std::size_t groups = pick(1, 3), kernel = pick(1, 5);
        Conv1dOptions options{.stride = pick(1, 3), .dilation = pick(1, 2), .groups = groups};
        if (trial % 3 == 1) options.padding = Mode::same, options.stride = 1;
        if (trial % 3 == 2) options.padding = Sides{pick(0, 3), pick(0, 3)};
        LayerProblem p;
        p.input = {pick(1, 3), groups * pick(1, 3), 1, kernel * 2 + pick(0, 9)};
        p.weight = {groups * pick(1, 3), p.input.c / groups, 1, kernel};
        p.seed = cnnlab::testing::base_seed() + 300 + trial;
        BOOST_TEST_CONTEXT(p << " conv1d stride " << options.stride << " dilation " << options.dilation) {
            const Tensor4<double> x = p.x<double>(), w = p.w<double>();
            const Shape4 out = ref::conv1d_layer(x, w, {}, options).shape();
            const Tensor4<double> dy = LayerProblem::fill<double>(out, p.seed + 1);
            check_close(column(conv1d_layer_backward_input(w, dy, p.input, options)),
                        column(ref::conv1d_layer_backward_input(w, dy, p.input, options)), double_tolerance, "dX");
            check_close(column(conv1d_layer_backward_weight(x, dy, p.weight, options)),
                        column(ref::conv1d_layer_backward_weight(x, dy, p.weight, options)), double_tolerance, "dW");
            check_close(conv1d_layer_backward_bias(dy), ref::conv1d_layer_backward_bias(dy), double_tolerance, "db");
        }
    }
    const Tensor4<double> w(Shape4{2, 3, 2, 3}), dy(Shape4{1, 2, 1, 4});
    BOOST_CHECK_EXCEPTION(conv1d_layer_backward_input(w, dy, {1, 3, 1, 6}), shape_error, [](const shape_error& e) {
        return std::string(e.what()).starts_with("conv1d_layer_backward_input: shapes 2×3×2×3, 1×2×1×4 and 1×3×1×6");
    });
}

BOOST_AUTO_TEST_CASE(single_channel_backward_matches_the_reference) {
    // Chapter 1's xcorr2d / conv2d: dX as rot180(W) ⊗~ δ (stride 1) or GEMM + col2im, dW as δ ⊗ X
    // with stride and dilation exchanged, over valid / same / full / per-side padding, strides,
    // dilations, even and non-square kernels.
    std::mt19937_64 rng(cnnlab::testing::base_seed() + 43);
    auto pick = [&](std::size_t lo, std::size_t hi) { return std::uniform_int_distribution<std::size_t>(lo, hi)(rng); };
    std::size_t tried = 0;
    while (tried < 120) {
        const std::size_t rows = pick(1, 12), cols = pick(1, 12), kr = pick(1, 5), kc = pick(1, 5);
        Options2d options{.stride = {pick(1, 3), pick(1, 3)}, .dilation = {pick(1, 2), pick(1, 2)}};
        if (tried % 2 == 0) options.stride = {};
        switch (tried % 4) {
            case 0: options.padding = Mode::valid; break;
            case 1: options.padding = Mode::same; break;
            case 2: options.padding = Mode::full; break;
            default: options.padding = Sides2{{pick(0, 4), pick(0, 4)}, {pick(0, 4), pick(0, 4)}};
        }
        Geometry2d g;
        try {
            g = resolve_geometry("test", rows, cols, kr, kc, options);
        } catch (const shape_error&) {
            continue;
        }
        ++tried;
        arma::mat x(rows, cols), w(kr, kc), dy(g.rows.output, g.cols.output);
        for (arma::mat* m : {&x, &w, &dy})
            for (double& v : *m) v = std::uniform_real_distribution<double>(-1, 1)(rng);
        BOOST_TEST_CONTEXT("input " << size_string(rows, cols) << " kernel " << size_string(kr, kc) << " stride "
                                    << options.stride.rows << "," << options.stride.cols << " dilation "
                                    << options.dilation.rows << "," << options.dilation.cols << " trial " << tried) {
            check_close(xcorr2d_backward_input(w, dy, rows, cols, options),
                        ref::xcorr2d_backward_input(w, dy, rows, cols, options), double_tolerance, "xcorr dX");
            check_close(xcorr2d_backward_weight(x, dy, kr, kc, options),
                        ref::xcorr2d_backward_weight(x, dy, kr, kc, options), double_tolerance, "xcorr dW");
            check_close(conv2d_backward_input(w, dy, rows, cols, options),
                        ref::conv2d_backward_input(w, dy, rows, cols, options), double_tolerance, "conv dX");
            check_close(conv2d_backward_weight(x, dy, kr, kc, options),
                        ref::conv2d_backward_weight(x, dy, kr, kc, options), double_tolerance, "conv dW");
            const arma::fmat xf = arma::conv_to<arma::fmat>::from(x), wf = arma::conv_to<arma::fmat>::from(w);
            const arma::fmat dyf = arma::conv_to<arma::fmat>::from(dy);
            check_close(xcorr2d_backward_input(wf, dyf, rows, cols, options),
                        ref::xcorr2d_backward_input(wf, dyf, rows, cols, options), float_tolerance, "float dX");
            check_close(xcorr2d_backward_weight(xf, dyf, kr, kc, options),
                        ref::xcorr2d_backward_weight(xf, dyf, kr, kc, options), float_tolerance, "float dW");
        }
    }
    const arma::mat w(2, 3, arma::fill::ones), dy(3, 4, arma::fill::ones);  // the output of 5×6 is 4×4
    BOOST_CHECK_EXCEPTION(xcorr2d_backward_input(w, dy, 5, 6), shape_error, [](const shape_error& e) {
        return std::string(e.what()) ==
               "xcorr2d_backward_input: dY is 3×4 but the forward's output is 4×4 (input 5×6, kernel 2×3): "
               "dY must have the shape of the forward's output";
    });
}

BOOST_AUTO_TEST_CASE(activation_backward_matches_the_reference) {
    LayerProblem p;
    p.input = {2, 3, 5, 4};
    p.seed = cnnlab::testing::base_seed() + 47;
    for (const Activation a : {Activation::identity, Activation::relu, Activation::leaky_relu, Activation::sigmoid,
                               Activation::tanh}) {
        BOOST_TEST_CONTEXT(activation_name(a)) {
            const Tensor4<double> z = LayerProblem::fill<double>(p.input, p.seed), da = LayerProblem::fill<double>(p.input, p.seed + 1);
            check_close(column(activation_backward(z, da, a, 0.1)), column(ref::activation_backward(z, da, a, 0.1)),
                        1e-15, "double");
            const Tensor4<float> zf = LayerProblem::fill<float>(p.input, p.seed), daf = LayerProblem::fill<float>(p.input, p.seed + 1);
            check_close(column(activation_backward(zf, daf, a)), column(ref::activation_backward(zf, daf, a)), 1e-6,
                        "float");
        }
    }
    BOOST_CHECK_EXCEPTION(activation_backward(Tensor4<double>({1, 2, 3, 3}), Tensor4<double>({1, 2, 3, 4}), Activation::relu),
                          shape_error, [](const shape_error& e) {
                              return std::string(e.what()) ==
                                     "activation_backward(relu): dA is 1×2×3×4 but Z is 1×2×3×3: the upstream gradient "
                                     "must have the shape of Z";
                          });
}

BOOST_AUTO_TEST_CASE(arguments_that_do_not_match_the_forward_are_refused) {
    // The backward gets the forward's shapes; ones that could not have made a forward are refused
    // by the same check as the forward's, named after the backward.
    const Tensor4<double> w(Shape4{4, 2, 3, 3}), dy(Shape4{1, 4, 3, 3});
    BOOST_CHECK_EXCEPTION(conv2d_layer_backward_input(w, dy, {1, 3, 5, 5}), shape_error, [](const shape_error& e) {
        return std::string(e.what()).starts_with("conv2d_layer_backward_input: input has 3 channels but weight expects 2");
    });
    BOOST_CHECK_EXCEPTION(conv2d_layer_backward_weight(Tensor4<double>({1, 2, 5, 5}), dy, {4, 2, 3, 3}, {.groups = 3}),
                          shape_error, [](const shape_error& e) {
                              return std::string(e.what()).find("conv2d_layer_backward_weight") == 0 &&
                                     std::string(e.what()).find("groups") != std::string::npos;
                          });
    BOOST_CHECK_EXCEPTION(conv2d_layer_backward_input(w, dy, {1, 2, 5, 5}, {.stride = {0, 1}}), argument_error,
                          [](const argument_error& e) {
                              return std::string(e.what()).starts_with("conv2d_layer_backward_input") &&
                                     std::string(e.what()).find("stride") != std::string::npos;
                          });
    // A kernel larger than the (unpadded) input: no forward exists, so no backward either.
    BOOST_CHECK_THROW(conv2d_layer_backward_weight(Tensor4<double>({1, 2, 2, 2}), Tensor4<double>({1, 4, 1, 1}),
                                                   w.shape()),
                      shape_error);
    BOOST_CHECK_EXCEPTION(xcorr2d_backward_weight(arma::mat(2, 2), arma::mat(1, 1), 3, 3), shape_error,
                          [](const shape_error& e) { return std::string(e.what()).starts_with("xcorr2d_backward_weight"); });
}

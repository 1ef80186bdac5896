/// \file
/// \brief Chapter 3 suite for the optimized backward passes (chapters/ch03_gradients/backward.hpp):
/// each equals its loop reference (reference/gradients.hpp) on the randomized layer problems of
/// Chapter 2 (groups, depthwise, stride, dilation, padding, batch 1 and more), in float and double,
/// with one OpenMP thread and several; an upstream gradient of the wrong shape is refused.
#define BOOST_TEST_MODULE ch03_backward
#include <boost/test/unit_test.hpp>

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch03_gradients/backward.hpp"
#include "reference/gradients.hpp"
#include "tests/check_close.hpp"
#include "tests/random_layer_cases.hpp"

#include <algorithm>
#include <omp.h>
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

/// The elements of a tensor as an arma column (a copy), for check_close.
template <class T>
arma::Col<T> column(const Tensor4<T>& t) { return arma::Col<T>(t.data(), t.size()); }

/// A random upstream gradient of the forward's output shape.
template <class T>
Tensor4<T> random_upstream(const LayerProblem& p) {
    const Shape4 out = resolve_conv2d_layer("test", p.input, p.weight, 0, p.options).output;
    return LayerProblem::fill<T>(out, p.seed + 11);
}

/// Optimized against reference for all three gradients of problem p.
template <class T>
void expect_reference(const LayerProblem& p, double tolerance) {
    const Tensor4<T> x = p.x<T>(), w = p.w<T>(), dy = random_upstream<T>(p);
    check_close(column(conv2d_layer_backward_input(w, dy, p.input, p.options)),
                column(ref::conv2d_layer_backward_input(w, dy, p.input, p.options)), tolerance, "dX");
    check_close(column(conv2d_layer_backward_weight(x, dy, p.weight, p.options)),
                column(ref::conv2d_layer_backward_weight(x, dy, p.weight, p.options)), tolerance, "dW");
    check_close(conv2d_layer_backward_bias(dy), ref::conv2d_layer_backward_bias(dy), tolerance, "db");
}

/// Sets OpenMP's thread count for a scope and restores it after.
class OmpThreads {
public:
    explicit OmpThreads(int threads) : previous_(omp_get_max_threads()) { omp_set_num_threads(threads); }
    ~OmpThreads() { omp_set_num_threads(previous_); }
    OmpThreads(const OmpThreads&) = delete;
    OmpThreads& operator=(const OmpThreads&) = delete;

private:
    int previous_;
};

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

/// \file
/// \brief Chapter 7 suite, the softmax cross-entropy loss: literals worked by hand, \f$\ln K\f$ at
/// equal logits, stability at logits of ±1000, optimized ≡ reference, the gradient by central
/// differences (double), and the refused inputs.
#define BOOST_TEST_MODULE ch07_loss
#include <boost/test/unit_test.hpp>

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch07_networks/loss.hpp"
#include "reference/loss.hpp"

#include <cmath>
#include <random>
#include <string>

using namespace cnnlab;
namespace tt = boost::test_tools;

namespace {

template <class T>
Tensor4<T> logits_of(std::size_t batch, std::size_t classes, const std::vector<double>& values) {
    Tensor4<T> z({batch, classes, 1, 1});
    for (std::size_t i = 0; i < values.size(); ++i) z.data()[i] = T(values[i]);  // sample after sample
    return z;
}

template <class T>
Tensor4<T> random_logits(std::size_t batch, std::size_t classes, std::mt19937& random, double scale) {
    std::normal_distribution<double> normal(0.0, scale);
    Tensor4<T> z({batch, classes, 1, 1});
    for (std::size_t i = 0; i < z.size(); ++i) z.data()[i] = T(normal(random));
    return z;
}

}  // namespace

BOOST_AUTO_TEST_CASE(hand_worked_values) {
    // z = (1, 2, 3), y = 2: L = ln(e + e² + e³) − 3 = 0.4076059644; p = (0.0900306, 0.2447285, 0.6652410).
    const auto z = logits_of<double>(1, 3, {1, 2, 3});
    for (const auto& r : {softmax_cross_entropy(z, {2}), ref::softmax_cross_entropy(z, {2})}) {
        BOOST_TEST(r.loss == 0.4076059644443803, tt::tolerance(1e-14));
        BOOST_TEST(r.probabilities(0, 0, 0, 0) == 0.09003057317038046, tt::tolerance(1e-14));
        BOOST_TEST(r.probabilities(0, 2, 0, 0) == 0.6652409557748219, tt::tolerance(1e-14));
    }
    // dL/dz = p − onehot(2): (0.0900306, 0.2447285, −0.3347590).
    const Tensor4<double> dz = softmax_cross_entropy_backward(softmax_cross_entropy(z, {2}).probabilities, {2});
    BOOST_TEST(dz(0, 2, 0, 0) == 0.6652409557748219 - 1, tt::tolerance(1e-13));
}

BOOST_AUTO_TEST_CASE(equal_logits_give_ln_k) {
    // An untrained classifier that cannot tell the classes apart starts at ln K (ln 10 = 2.302585).
    const Tensor4<float> z({4, 10, 1, 1});
    BOOST_TEST(softmax_cross_entropy(z, {0, 3, 7, 9}).loss == std::log(10.0f), tt::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(large_logits_stay_finite) {
    // e^1000 overflows float and double; the max-shifted form does not.
    const auto z = logits_of<float>(2, 3, {1000, 0, -1000, 1000, 0, -1000});
    const auto r = softmax_cross_entropy(z, {0, 1});
    BOOST_TEST(std::isfinite(r.loss));
    BOOST_TEST(r.loss == 500.0f, tt::tolerance(1e-6f));  // (0 + 1000) / 2
    BOOST_TEST(r.probabilities(0, 0, 0, 0) == 1.0f);
    BOOST_TEST(ref::softmax_cross_entropy(z, {0, 1}).loss == 500.0f, tt::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(optimized_equals_reference) {
    std::mt19937 random(17);
    for (std::size_t trial = 0; trial < 40; ++trial) {
        const std::size_t batch = 1 + trial % 7, classes = 1 + (trial * 5) % 13;
        std::vector<std::size_t> labels(batch);
        for (std::size_t& y : labels) y = random() % classes;
        const auto zf = random_logits<float>(batch, classes, random, trial % 2 ? 30.0 : 1.0);
        const auto got = softmax_cross_entropy(zf, labels), expected = ref::softmax_cross_entropy(zf, labels);
        BOOST_TEST(got.loss == expected.loss, tt::tolerance(1e-5f));
        for (std::size_t i = 0; i < zf.size(); ++i)
            BOOST_TEST(got.probabilities.data()[i] == expected.probabilities.data()[i], tt::tolerance(1e-5f));
        const auto dz = softmax_cross_entropy_backward(got.probabilities, labels);
        const auto dz_ref = ref::softmax_cross_entropy_backward(expected.probabilities, labels);
        for (std::size_t i = 0; i < dz.size(); ++i) BOOST_TEST(std::abs(dz.data()[i] - dz_ref.data()[i]) <= 1e-6f);
    }
}

BOOST_AUTO_TEST_CASE(gradient_by_central_differences) {
    std::mt19937 random(5);
    const std::vector<std::size_t> labels{2, 0, 4};
    auto z = random_logits<double>(3, 5, random, 2.0);
    const auto dz = softmax_cross_entropy_backward(softmax_cross_entropy(z, labels).probabilities, labels);
    const double h = 1e-6;
    for (std::size_t i = 0; i < z.size(); ++i) {
        const double keep = z.data()[i];
        z.data()[i] = keep + h;
        const double up = softmax_cross_entropy(z, labels).loss;
        z.data()[i] = keep - h;
        const double down = softmax_cross_entropy(z, labels).loss;
        z.data()[i] = keep;
        BOOST_TEST(std::abs((up - down) / (2 * h) - dz.data()[i]) <= 1e-8);
    }
}

BOOST_AUTO_TEST_CASE(refused_inputs_name_the_op_and_the_rule) {
    const auto says = [](const std::string& part) {
        return [part](const std::exception& e) { return std::string(e.what()).find(part) != std::string::npos; };
    };
    BOOST_CHECK_EXCEPTION(softmax_cross_entropy(Tensor4<float>({2, 3, 2, 1}), {0, 1}), shape_error,
                          says("softmax_cross_entropy: logits 2×3×2×1 must be N×K×1×1"));
    BOOST_CHECK_EXCEPTION(softmax_cross_entropy(Tensor4<float>({2, 3, 1, 1}), {0}), shape_error,
                          says("1 labels for logits 2×3×1×1; one label per sample"));
    BOOST_CHECK_EXCEPTION(softmax_cross_entropy(Tensor4<float>({2, 3, 1, 1}), {0, 3}), argument_error,
                          says("label 3 of sample 1 is not a class"));
    BOOST_CHECK_EXCEPTION(ref::softmax_cross_entropy(Tensor4<float>({0, 3, 1, 1}), {}), shape_error,
                          says("ref::softmax_cross_entropy"));
    BOOST_CHECK_EXCEPTION(softmax_cross_entropy_backward(Tensor4<float>({1, 2, 1, 1}), {5}), argument_error,
                          says("softmax_cross_entropy_backward"));
}

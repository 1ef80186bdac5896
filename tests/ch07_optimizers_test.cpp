/// \file
/// \brief Chapter 7 suite, SGD: three steps against torch.optim.SGD (tools/golden/sgd_steps.py) for plain
/// SGD, momentum, weight decay, Nesterov and dampening; the plain case by hand; refused arguments.
#define BOOST_TEST_MODULE ch07_optimizers
#include <boost/test/unit_test.hpp>

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch07_networks/optimizers.hpp"

#include <vector>

using namespace cnnlab;
namespace tt = boost::test_tools;

namespace {

const std::vector<std::vector<double>> gradients{{0.5, 0.25, -1.0}, {-0.5, 1.0, 2.0}, {0.1, 0.2, 0.3}};

std::vector<double> three_steps(const SgdOptions& options) {
    std::vector<double> p{1.0, -2.0, 0.5};
    SgdState<double> state;
    for (const std::vector<double>& g : gradients) sgd_step<double>(p, g, state, options);
    return p;
}

void check(const std::vector<double>& got, const std::vector<double>& expected) {
    for (std::size_t i = 0; i < expected.size(); ++i) BOOST_TEST(got[i] == expected[i], tt::tolerance(1e-12));
}

}  // namespace

BOOST_AUTO_TEST_CASE(plain_sgd_by_hand) {
    // θ − η Σg = (1, −2, 0.5) − 0.1·(0.1, 1.45, 1.3) = (0.99, −2.145, 0.37).
    check(three_steps({.learning_rate = 0.1}), {0.99, -2.145, 0.37});
}

BOOST_AUTO_TEST_CASE(three_steps_equal_pytorch) {
    check(three_steps({.learning_rate = 0.1, .momentum = 0.9}), {0.9495, -2.27775, 0.36099999999999993});
    check(three_steps({.learning_rate = 0.1, .momentum = 0.9, .weight_decay = 0.01}),
          {0.944034749, -2.266344623, 0.3580174995});
    check(three_steps({.learning_rate = 0.1, .momentum = 0.9, .nesterov = true}),
          {0.94455, -2.3949749999999996, 0.2448999999999999});
    check(three_steps({.learning_rate = 0.05, .momentum = 0.5, .dampening = 0.5}), {0.9725, -2.064375, 0.505});
}

BOOST_AUTO_TEST_CASE(float_parameters_step_too) {
    std::vector<float> p{1.0f, -2.0f};
    const std::vector<float> g{0.5f, 0.25f};
    SgdState<float> state;
    sgd_step<float>(p, g, state, {.learning_rate = 0.5, .momentum = 0.9});
    BOOST_TEST(p[0] == 0.75f);
    BOOST_TEST(state.momentum.size() == 2u);
}

BOOST_AUTO_TEST_CASE(refused_arguments) {
    std::vector<double> p{1.0, 2.0};
    const std::vector<double> g{0.1, 0.2}, short_g{0.1};
    SgdState<double> state;
    BOOST_CHECK_THROW(sgd_step<double>(p, short_g, state, {}), shape_error);
    BOOST_CHECK_THROW(sgd_step<double>(p, g, state, {.learning_rate = 0}), argument_error);
    BOOST_CHECK_THROW(sgd_step<double>(p, g, state, {.learning_rate = 0.1, .momentum = -1}), argument_error);
    BOOST_CHECK_THROW(sgd_step<double>(p, g, state, {.learning_rate = 0.1, .nesterov = true}), argument_error);
    SgdState<double> other{{0.0, 0.0, 0.0}};
    BOOST_CHECK_THROW(sgd_step<double>(p, g, other, {.learning_rate = 0.1, .momentum = 0.9}), shape_error);
    BOOST_TEST(p[0] == 1.0);  // nothing was changed by a refused step
}

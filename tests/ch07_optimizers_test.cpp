/// \file
/// \brief Chapter 7 suite, optimizers: three steps against torch.optim.SGD (tools/golden/sgd_steps.py) for
/// plain SGD, momentum, weight decay, Nesterov and dampening; the plain case by hand; refused arguments.
/// Adam: the first step by hand, three steps against torch.optim.Adam / AdamW (same script), float, refusals.
#define BOOST_TEST_MODULE ch07_optimizers
#include <boost/test/unit_test.hpp>

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch07_networks/optimizers.hpp"

#include <string>
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

std::vector<double> three_adam_steps(const AdamOptions& options) {
    std::vector<double> p{1.0, -2.0, 0.5};
    AdamState<double> state;
    for (const std::vector<double>& g : gradients) adam_step<double>(p, g, state, options);
    BOOST_TEST(state.steps == 3u);
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

BOOST_AUTO_TEST_CASE(first_adam_step_by_hand) {
    // Step 1: m = (1−β₁)g, v = (1−β₂)g², so m̂ = g and v̂ = g²: θ moves by −η·g/(|g| + ε) = −η·sign(g)/(1 + ε/|g|).
    // With η = 0.1, ε = 1e-8 and g = (0.5, 0.25, −1): −0.1/(1 + 2e-8), −0.1/(1 + 4e-8), +0.1/(1 + 1e-8),
    // i.e. −0.1 + 2e-9, −0.1 + 4e-9, 0.1 − 1e-9 (the next terms are below 1e-16).
    std::vector<double> p{1.0, -2.0, 0.5};
    AdamState<double> state;
    adam_step<double>(p, gradients[0], state, {.learning_rate = 0.1});
    check(p, {0.900000002, -2.099999996, 0.599999999});
    check(state.first_moment, {0.05, 0.025, -0.1});
    check(state.second_moment, {0.00025, 0.0000625, 0.001});
    BOOST_TEST(state.steps == 1u);
}

BOOST_AUTO_TEST_CASE(three_adam_steps_equal_pytorch) {
    check(three_adam_steps({.learning_rate = 0.1}), {0.9003396908031857, -2.2677214075337457, 0.5268418627947683});
    check(three_adam_steps({.learning_rate = 0.1, .weight_decay = 0.01}),
          {0.8962036274511336, -2.2657061612384504, 0.5261803950075422});
    // torch.optim.AdamW(lr=0.1, weight_decay=0.01)
    check(three_adam_steps({.learning_rate = 0.1, .weight_decay = 0.01, .decoupled_weight_decay = true}),
          {0.8975373266413982, -2.2614390678938974, 0.5251800726492394});
    check(three_adam_steps({.learning_rate = 0.1, .beta1 = 0.5, .beta2 = 0.9, .epsilon = 1e-6}),
          {0.9368889323873009, -2.2726555514170013, 0.49116820309387627});
}

BOOST_AUTO_TEST_CASE(float_parameters_take_adam_steps_too) {
    std::vector<float> p{1.0f, -2.0f};
    const std::vector<float> g{0.5f, -0.25f};
    AdamState<float> state;
    adam_step<float>(p, g, state, {.learning_rate = 0.5});
    BOOST_TEST(p[0] == 0.5f, tt::tolerance(1e-6f));  // the first step is ≈ −η·sign(g)
    BOOST_TEST(p[1] == -1.5f, tt::tolerance(1e-6f));
    BOOST_TEST(state.first_moment.size() == 2u);
    BOOST_TEST(state.second_moment.size() == 2u);
    adam_step<float>(p, g, state, {.learning_rate = 0.5});
    BOOST_TEST(state.steps == 2u);
    BOOST_TEST(p[0] < 0.5f);  // the same gradient again keeps moving the same way
}

BOOST_AUTO_TEST_CASE(adam_refused_arguments) {
    std::vector<double> p{1.0, 2.0};
    const std::vector<double> g{0.1, 0.2}, short_g{0.1};
    AdamState<double> state;
    BOOST_CHECK_THROW(adam_step<double>(p, short_g, state, {}), shape_error);
    BOOST_CHECK_THROW(adam_step<double>(p, g, state, {.learning_rate = 0}), argument_error);
    BOOST_CHECK_THROW(adam_step<double>(p, g, state, {.learning_rate = -1e-3}), argument_error);
    BOOST_CHECK_THROW(adam_step<double>(p, g, state, {.beta1 = 1.0}), argument_error);
    BOOST_CHECK_THROW(adam_step<double>(p, g, state, {.beta1 = -0.1}), argument_error);
    BOOST_CHECK_THROW(adam_step<double>(p, g, state, {.beta2 = 1.0}), argument_error);
    BOOST_CHECK_THROW(adam_step<double>(p, g, state, {.epsilon = -1e-8}), argument_error);
    BOOST_CHECK_THROW(adam_step<double>(p, g, state, {.weight_decay = -0.01}), argument_error);
    // Nothing was changed by the refused steps: the parameters, and the state is still fresh.
    BOOST_TEST(p[0] == 1.0);
    BOOST_TEST(p[1] == 2.0);
    BOOST_TEST(state.first_moment.empty());
    BOOST_TEST(state.second_moment.empty());
    BOOST_TEST(state.steps == 0u);
    // A state of a three-value tensor, and one whose moments were lost after a step, refused for two values.
    AdamState<double> other{{0.0, 0.0, 0.0}, {0.0, 0.0, 0.0}, 1};
    BOOST_CHECK_THROW(adam_step<double>(p, g, other, {}), shape_error);
    AdamState<double> emptied{{}, {}, 4};
    BOOST_CHECK_THROW(adam_step<double>(p, g, emptied, {}), shape_error);
    BOOST_TEST(other.steps == 1u);
    BOOST_TEST(emptied.steps == 4u);
    BOOST_TEST(p[0] == 1.0);
    try {
        adam_step<double>(p, g, state, {.beta2 = 1.5});
        BOOST_FAIL("beta2 1.5 was accepted");
    } catch (const argument_error& error) {  // the message names the operation and the value
        const std::string message = error.what();
        BOOST_TEST(message.find("adam_step") != std::string::npos);
        BOOST_TEST(message.find("1.5") != std::string::npos);
    }
}

// Robustness: the optimized ops are reentrant (several threads calling them at once get the
// reference's answers), and a checkpoint save killed part-way leaves the previous checkpoint loadable.
#define BOOST_TEST_MODULE robustness
#include <boost/test/unit_test.hpp>

#include "chapters/ch02_layers/activations.hpp"
#include "chapters/ch02_layers/layer.hpp"
#include "chapters/ch03_gradients/backward.hpp"
#include "chapters/ch04_pooling/pooling.hpp"
#include "chapters/ch07_networks/checkpoint.hpp"
#include "chapters/ch07_networks/datasets.hpp"
#include "chapters/ch07_networks/nets.hpp"
#include "chapters/ch07_networks/network.hpp"
#include "chapters/ch07_networks/training.hpp"
#include "reference/gradients.hpp"
#include "reference/layers.hpp"
#include "reference/pooling.hpp"
#include "tests/random_layer_cases.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

namespace fs = std::filesystem;
using cnnlab::LayerAlgorithm;
using cnnlab::Tensor4;
using cnnlab::testing::LayerProblem;

double max_difference(const Tensor4<double>& a, const Tensor4<double>& b) {
    if (a.shape() != b.shape()) return INFINITY;
    double worst = 0;
    for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a.data()[i] - b.data()[i]));
    return worst;
}

/// What one problem must give, computed by the references before any thread starts.
struct Expected {
    LayerProblem problem;
    Tensor4<double> y, dx, dw, pooled;
    cnnlab::Pool2dOptions pool;
};

Expected expected_of(std::size_t index) {
    Expected e;
    e.problem = cnnlab::testing::random_layer_problem(index);
    const LayerProblem& p = e.problem;
    const Tensor4<double> x = p.x<double>(), w = p.w<double>();
    e.y = cnnlab::ref::conv2d_layer(x, w, p.b<double>(), p.options);
    const Tensor4<double> dy = LayerProblem::fill<double>(e.y.shape(), p.seed + 5);
    e.dx = cnnlab::ref::conv2d_layer_backward_input(w, dy, p.input, p.options);
    e.dw = cnnlab::ref::conv2d_layer_backward_weight(x, dy, p.weight, p.options);
    e.pool.kernel = {std::min<std::size_t>(2, p.input.h), std::min<std::size_t>(2, p.input.w)};
    e.pooled = cnnlab::ref::max_pool2d(x, e.pool);
    return e;
}

/// Runs every optimized path of one problem and appends a line per wrong answer to `errors`.
void check_problem(const Expected& e, std::vector<std::string>& errors) {
    const LayerProblem& p = e.problem;
    const Tensor4<double> x = p.x<double>(), w = p.w<double>();
    const Tensor4<double> dy = LayerProblem::fill<double>(e.y.shape(), p.seed + 5);
    const cnnlab::LayerGeometry g = cnnlab::resolve_conv2d_layer("test", p.input, p.weight, 0, p.options);
    auto expect = [&](const Tensor4<double>& got, const Tensor4<double>& want, const std::string& what) {
        const double d = max_difference(got, want);
        if (!(d <= 1e-11)) {
            std::ostringstream line;
            line << what << " of " << p << ": max |difference| " << d;
            errors.push_back(line.str());
        }
    };
    for (LayerAlgorithm a : {LayerAlgorithm::automatic, LayerAlgorithm::im2col_gemm, LayerAlgorithm::gemm_1x1,
                             LayerAlgorithm::winograd_f2x2_3x3, LayerAlgorithm::winograd_f4x4_3x3,
                             LayerAlgorithm::depthwise_direct, LayerAlgorithm::direct}) {
        if (!cnnlab::layer_algorithm_applies(a, g)) continue;
        // Winograd's transforms round differently: its own tests hold it to a looser bound.
        const bool winograd = a == LayerAlgorithm::winograd_f2x2_3x3 || a == LayerAlgorithm::winograd_f4x4_3x3;
        const Tensor4<double> y = cnnlab::conv2d_layer(x, w, p.b<double>(), p.options, a);
        if (winograd) {
            if (!(max_difference(y, e.y) <= 1e-9)) errors.push_back("winograd forward of " + std::to_string(p.seed));
        } else {
            expect(y, e.y, "forward by " + std::string(cnnlab::layer_algorithm_name(a)));
        }
    }
    expect(cnnlab::conv2d_layer_backward_input(w, dy, p.input, p.options), e.dx, "input gradient");
    for (cnnlab::BackwardWeightAlgorithm a : {cnnlab::BackwardWeightAlgorithm::automatic, cnnlab::BackwardWeightAlgorithm::im2col_gemm,
                                              cnnlab::BackwardWeightAlgorithm::direct}) {
        if (!cnnlab::backward_weight_algorithm_applies(a, g)) continue;
        const Tensor4<double> dw = cnnlab::conv2d_layer_backward_weight(x, dy, p.weight, p.options, a);
        if (!(max_difference(dw, e.dw) <= 1e-9))
            errors.push_back("weight gradient by " + std::string(cnnlab::backward_weight_algorithm_name(a)) + " of seed " +
                             std::to_string(p.seed));
    }
    expect(cnnlab::max_pool2d(x, e.pool), e.pooled, "max pooling");
}

}  // namespace

BOOST_AUTO_TEST_CASE(optimized_ops_are_reentrant) {
    // 48 problems (every kind of random_layer_problem), 4 threads, each going through all of them
    // three times in its own order, so that different problems and paths run at the same moment.
    // (Not covered: OpenBLAS's thread count, one setting for the whole process, which the GEMM paths
    // lower to 1 inside their own OpenMP loops — concurrent callers see each other's setting.)
    std::vector<Expected> expected;
    for (std::size_t i = 0; i < 48; ++i) expected.push_back(expected_of(i));
    constexpr int threads = 4;
    std::vector<std::vector<std::string>> errors(threads);  // Boost.Test's checks are not thread-safe
    std::vector<std::thread> team;
    for (int t = 0; t < threads; ++t)
        team.emplace_back([&, t] {
            std::vector<std::size_t> order(expected.size());
            for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
            std::mt19937 random(unsigned(t + 1));
            for (int pass = 0; pass < 3; ++pass) {
                std::shuffle(order.begin(), order.end(), random);
                for (std::size_t i : order) check_problem(expected[i], errors[std::size_t(t)]);
            }
        });
    for (std::thread& member : team) member.join();
    std::size_t wrong = 0;
    for (const auto& list : errors)
        for (const std::string& line : list) {
            if (wrong++ < 10) BOOST_TEST_MESSAGE(line);
        }
    BOOST_TEST(wrong == 0u);
}

BOOST_AUTO_TEST_CASE(killed_checkpoint_save_leaves_a_loadable_checkpoint) {
    // Version A on disk; then a child process saves version B (one more epoch of history) over it
    // again and again and is killed (SIGKILL: no handler, no cleanup) at a random moment. After every
    // kill the checkpoint must load, and be A or B whole: the save writes NAME.tmp and renames it.
    cnnlab::TrainingOptions options;
    options.optimizer = cnnlab::OptimizerKind::adam;
    auto net = cnnlab::make_net("resnet18_mini", 10);  // 701,178 parameters: a save takes milliseconds
    cnnlab::initialize(*net, 1);
    cnnlab::TrainingRun run(options);
    const cnnlab::Checkpoint a = cnnlab::make_checkpoint("resnet18_mini", {1, 28, 28}, 10, *net, run);
    run.history.push_back({});
    const cnnlab::Checkpoint b = cnnlab::make_checkpoint("resnet18_mini", {1, 28, 28}, 10, *net, run);

    const fs::path directory = fs::temp_directory_path() / ("cnnlab_robustness_" + std::to_string(::getpid()));
    fs::create_directories(directory);
    const fs::path file = directory / "net.ckpt";
    cnnlab::save_checkpoint(file, a);

    const std::uintmax_t whole = fs::file_size(file);
    const fs::path temporary = directory / "net.ckpt.tmp";
    // Even rounds: kill times spread over three saves' durations (some during the first save, some
    // after one or more). Odd rounds: the kill as soon as the temporary file has data in it.
    const auto start = std::chrono::steady_clock::now();
    cnnlab::save_checkpoint(directory / "timing.ckpt", a);
    const auto save_us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
    fs::remove(directory / "timing.ckpt");

    std::mt19937 random(7);
    std::uniform_int_distribution<long> delay_us(0, 3 * std::max<long>(1000, long(save_us.count())));
    int interrupted = 0, loaded_a = 0, loaded_b = 0;
    for (int round = 0; round < 32; ++round) {
        fs::remove(temporary);  // what is found after the kill is this round's
        const pid_t child = ::fork();
        BOOST_TEST_REQUIRE(child >= 0);
        if (child == 0) {
            try {
                for (;;) cnnlab::save_checkpoint(file, b);  // until killed
            } catch (...) {
                ::_exit(1);  // a failing save must not fall back into the test runner
            }
        }
        if (round % 2 == 0) {
            std::this_thread::sleep_for(std::chrono::microseconds(delay_us(random)));
        } else {  // wait until the temporary is being written, then kill at once
            const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
            std::error_code missing;
            while (fs::file_size(temporary, missing) == 0 || missing)
                if (std::chrono::steady_clock::now() > give_up) break;
        }
        ::kill(child, SIGKILL);
        int status = 0;
        ::waitpid(child, &status, 0);
        BOOST_TEST((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL));  // still saving when killed
        // Killed while writing the temporary: it is there, shorter than a whole checkpoint.
        if (fs::exists(temporary) && fs::file_size(temporary) < whole) ++interrupted;
        const cnnlab::Checkpoint loaded = cnnlab::load_checkpoint(file);  // throws if the file were torn
        (loaded.history.size() == 0 ? loaded_a : loaded_b) += 1;
        BOOST_TEST(loaded.tensors.size() == a.tensors.size());
    }
    BOOST_TEST_MESSAGE("kills during a write: " << interrupted << " of 32; loaded A " << loaded_a << ", B " << loaded_b);
    BOOST_TEST(interrupted >= 1);  // the test did interrupt saves, not only idle moments
    BOOST_TEST(loaded_b >= 1);     // and the child's saves did complete and replace the file
    std::error_code ignored;
    fs::remove_all(directory, ignored);
}

// NaN and ∞ in an input are carried to the outputs that read them, as IEEE arithmetic and PyTorch
// do: never dropped (an output that read a NaN is NaN) and never spread by the exact paths (an
// output that did not read one is finite). Winograd's transforms mix a tile's inputs, so there
// only "never dropped" holds.
BOOST_AUTO_TEST_CASE(nan_and_infinity_reach_exactly_the_outputs_that_read_them) {
    Tensor4<double> x({2, 4, 9, 9});
    std::mt19937 random(11);
    std::uniform_real_distribution<double> value(-1, 1);
    for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = value(random);
    x(0, 1, 4, 5) = NAN;
    x(1, 3, 0, 8) = INFINITY;
    x(1, 0, 6, 2) = -INFINITY;
    Tensor4<double> w({5, 4, 3, 3});
    for (std::size_t i = 0; i < w.size(); ++i) w.data()[i] = value(random);
    const cnnlab::Conv2dOptions options{.padding = cnnlab::Mode::same};
    const Tensor4<double> expected = cnnlab::ref::conv2d_layer(x, w, {}, options);
    const cnnlab::LayerGeometry g = cnnlab::resolve_conv2d_layer("test", x.shape(), w.shape(), 0, options);
    std::size_t non_finite = 0;
    for (std::size_t i = 0; i < expected.size(); ++i) non_finite += !std::isfinite(expected.data()[i]);
    BOOST_TEST(non_finite >= 2 * 5 * 9u);  // each special value reaches up to 9 outputs per output channel
    for (LayerAlgorithm a : {LayerAlgorithm::automatic, LayerAlgorithm::im2col_gemm, LayerAlgorithm::winograd_f2x2_3x3,
                             LayerAlgorithm::winograd_f4x4_3x3, LayerAlgorithm::direct}) {
        if (!cnnlab::layer_algorithm_applies(a, g)) continue;
        const bool exact = a == LayerAlgorithm::im2col_gemm || a == LayerAlgorithm::direct;
        const Tensor4<double> y = cnnlab::conv2d_layer(x, w, {}, options, a);
        std::size_t dropped = 0, spread = 0;
        for (std::size_t i = 0; i < y.size(); ++i) {
            const bool want = !std::isfinite(expected.data()[i]), got = !std::isfinite(y.data()[i]);
            dropped += want && !got;
            spread += got && !want;
        }
        BOOST_TEST(dropped == 0u, cnnlab::layer_algorithm_name(a) << " dropped " << dropped);
        if (exact) BOOST_TEST(spread == 0u, cnnlab::layer_algorithm_name(a) << " spread to " << spread);
    }
    // Activations and pooling: NaN in, NaN out (PyTorch's relu, sigmoid, max and average pooling).
    for (cnnlab::Activation f : {cnnlab::Activation::relu, cnnlab::Activation::leaky_relu, cnnlab::Activation::sigmoid,
                                 cnnlab::Activation::tanh}) {
        BOOST_TEST(std::isnan(cnnlab::activated(x, f)(0, 1, 4, 5)), cnnlab::activation_name(f));
    }
    for (double y : {cnnlab::ref::relu(double(NAN)), cnnlab::ref::leaky_relu(double(NAN)), cnnlab::ref::sigmoid(double(NAN)),
                     cnnlab::ref::tanh_formula(double(NAN))})
        BOOST_TEST(std::isnan(y));
    const cnnlab::Pool2dOptions pool{.kernel = {3, 3}};
    BOOST_TEST(std::isnan(cnnlab::max_pool2d(x, pool)(0, 1, 1, 1)));
    BOOST_TEST(std::isnan(cnnlab::avg_pool2d(x, pool)(0, 1, 1, 1)));
    BOOST_TEST(cnnlab::max_pool2d(x, pool)(1, 3, 0, 2) == INFINITY);
}

// A run that diverges stops at the first batch whose loss is not a number, with an error that says
// where and suggests the cure, instead of training on NaN for the remaining epochs.
BOOST_AUTO_TEST_CASE(a_diverging_run_stops_with_a_numeric_error) {
    cnnlab::Dataset train;
    train.images = Tensor4<float>({64, 1, 28, 28});
    std::mt19937 random(3);
    std::uniform_real_distribution<float> pixel(0, 1);
    for (std::size_t i = 0; i < train.images.size(); ++i) train.images.data()[i] = pixel(random);
    for (std::size_t i = 0; i < 64; ++i) train.labels.push_back(std::uint8_t(i % 10));
    cnnlab::TrainingOptions options;
    options.batch = 16;
    options.learning_rate = 1e30;
    auto net = cnnlab::make_net("lenet_modern", 10);
    cnnlab::initialize(*net, 1);
    cnnlab::TrainingRun run(options);
    try {
        for (int epoch = 0; epoch < 3; ++epoch) cnnlab::train_epoch(*net, train, {}, run);
        BOOST_ERROR("a learning rate of 1e30 trained three epochs without a NaN loss");
    } catch (const cnnlab::numeric_error& e) {
        const std::string message = e.what();
        BOOST_TEST_MESSAGE(message);
        for (const char* word : {"train_epoch: the loss became", "epoch 1, batch", "learning rate 1e+30", "smaller learning rate"})
            BOOST_TEST(message.find(word) != std::string::npos, word << " missing from: " << message);
    }
}

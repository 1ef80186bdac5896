/// \file
/// \brief Chapter 7 suite, forward passes: for every classic net, the optimized forward of the whole
/// network equals the reference forward (the naive loops of reference/), the multiply-accumulates the
/// references execute equal the summary's formula count, and the cat photo, resized, goes through
/// every net at its usual input size to an output of the expected shape with finite values. Also the
/// glue of the composites (Flatten's order, Concat, the residual sum) by hand, the bilinear resize
/// against PyTorch's values, and the errors of a net used before initialize(). The 1998 LeNet-5's own
/// layers (subsampling, connection-table conv, Euclidean RBF, scaled tanh) by hand.
#define BOOST_TEST_MODULE ch07_forward
#include <boost/test/unit_test.hpp>

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch00_foundation/image_io.hpp"
#include "chapters/ch07_networks/lenet1998.hpp"
#include "chapters/ch07_networks/nets.hpp"
#include "chapters/ch07_networks/network.hpp"
#include "reference/mac_counter.hpp"
#include "tests/normal_tensor.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

using namespace cnnlab;

namespace {

// Batch-norm statistics as after training (not the identity of a fresh net), so that a scale/shift
// mix-up between the two implementations shows.
void perturb_batch_norms(Layer& net, std::uint64_t seed) {
    std::mt19937_64 random(seed);
    std::uniform_real_distribution<float> around_one(0.5f, 1.5f), small(-0.2f, 0.2f);
    for_each_layer(net, [&](Layer& layer) {
        if (auto* bn = dynamic_cast<BatchNorm2d*>(&layer)) {
            for (float& v : bn->gamma()) v = around_one(random);
            for (float& v : bn->beta()) v = small(random);
            for (float& v : bn->running_mean()) v = small(random);
            for (float& v : bn->running_var()) v = around_one(random);
        }
    });
}

float max_abs(const Tensor4<float>& t) {
    float m = 0;
    for (std::size_t i = 0; i < t.size(); ++i) m = std::max(m, std::abs(t.data()[i]));
    return m;
}

bool all_finite(const Tensor4<float>& t) {
    return std::all_of(t.data(), t.data() + t.size(), [](float v) { return std::isfinite(v); });
}

// Small inputs that every stage of the net still accepts (the reference runs at a few hundred MMAC/s).
NetInput small_input(const std::string& name) {
    if (name == "lenet") return {1, 28, 28};
    if (name == "lenet1998") return {1, 32, 32};
    if (name == "nin") return {1, 67, 67};
    if (name == "alexnet_d2l") return {1, 67, 67};  // 15×15 after conv1, 1×1 after the last pooling
    if (name == "vgg11_d2l" || name == "resnet18_d2l" || name == "densenet_d2l") return {1, 32, 32};
    if (name == "alexnet") return {3, 63, 63};
    return {3, 32, 32};
}

}  // namespace

BOOST_AUTO_TEST_CASE(optimized_forward_of_every_net_equals_the_reference_and_counts_its_macs) {
    for (const std::string& name : net_names()) {
        BOOST_TEST_CONTEXT(name) {
            const NetInput input = small_input(name);
            auto net = make_net(name, 10, input);
            initialize(*net, 7);
            perturb_batch_norms(*net, 11);
            const std::size_t batch = name == "lenet" || name == "nin" || name == "lenet1998" ? 3 : 1;
            Shape4 shape = input.shape();
            shape.n = batch;
            const Tensor4<float> x = testing::normal_tensor(shape, 5);

            ref::MacCounter counter;
            const Tensor4<float> expected = net->forward(x, Implementation::reference);
            const std::uint64_t formula = net->infer(input.shape()).macs;
            BOOST_TEST(counter.macs() == formula * batch);
            BOOST_TEST(counter.padding_macs() < counter.macs());

            const Tensor4<float> got = net->forward(x, Implementation::optimized);
            BOOST_TEST((got.shape() == Shape4{batch, 10, 1, 1}));
            BOOST_TEST((expected.shape() == got.shape()));
            BOOST_TEST(all_finite(got));
            float difference = 0;
            for (std::size_t i = 0; i < got.size(); ++i)
                difference = std::max(difference, std::abs(got.data()[i] - expected.data()[i]));
            // float sums over up to 10^5 terms, Winograd among them: relative to the output's scale.
            BOOST_TEST(difference <= 2e-4f * std::max(1.0f, max_abs(expected)));
            BOOST_TEST(max_abs(expected) > 0.0f);
        }
    }
}

BOOST_AUTO_TEST_CASE(the_photo_goes_through_every_net_at_its_usual_size) {
    const arma::Cube<float> photo = load_image(std::string(CNNLAB_SOURCE_DIR) + "/data/chelsea.png");
    for (const std::string& name : net_names()) {
        BOOST_TEST_CONTEXT(name) {
            const std::size_t classes = default_classes(name);
            auto net = make_net(name, classes);
            initialize(*net, 1);
            const Tensor4<float> y = net->forward(image_input(photo, default_input(name)), Implementation::optimized);
            BOOST_TEST((y.shape() == Shape4{1, classes, 1, 1}));
            BOOST_TEST(all_finite(y));
            BOOST_TEST(max_abs(y) > 0.0f);
        }
    }
}

BOOST_AUTO_TEST_CASE(mac_counter_is_off_unless_alive_and_nests) {
    auto net = make_net("lenet", 10);
    initialize(*net, 3);
    const Tensor4<float> x = testing::normal_tensor({2, 1, 28, 28}, 1);
    BOOST_TEST(ref::MacCounter::active() == nullptr);
    net->forward(x, Implementation::reference);  // nothing counts
    ref::MacCounter outer;
    {
        ref::MacCounter inner;
        net->forward(x, Implementation::reference);
        BOOST_TEST(inner.macs() == 2u * 416'520u);  // d2l's LeNet: 416,520 MACs per sample
        BOOST_TEST(outer.macs() == 0u);
    }
    BOOST_TEST(outer.macs() == 2u * 416'520u);  // handed back
    net->forward(x, Implementation::optimized);  // the optimized ops are not instrumented
    BOOST_TEST(outer.macs() == 2u * 416'520u);
    // Taps on the padding, by hand: only LeNet's first conv (1→6, 5×5, padding 2, 28×28 out) pads. Along
    // one axis, of the 28·5 = 140 (output, tap) pairs, 6 fall outside (2 + 1 at each end), 134 inside;
    // in 2-D 140² − 134² = 1644 per output channel and sample.
    BOOST_TEST(outer.padding_macs() == 2u * 6u * 1644u);
}

BOOST_AUTO_TEST_CASE(flatten_orders_features_as_pytorch) {
    Flatten flatten;
    Tensor4<float> x({1, 2, 2, 3});
    for (std::size_t c = 0; c < 2; ++c)
        for (std::size_t h = 0; h < 2; ++h)
            for (std::size_t w = 0; w < 3; ++w) x(0, c, h, w) = float(100 * c + 10 * h + w);
    const Tensor4<float> y = flatten.forward(x, Implementation::optimized);
    const std::vector<float> expected{0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112};
    for (std::size_t i = 0; i < expected.size(); ++i) BOOST_TEST(y(0, i, 0, 0) == expected[i]);
}

BOOST_AUTO_TEST_CASE(concat_stacks_branches_and_residual_adds_the_shortcut) {
    Tensor4<float> x({2, 1, 1, 2});
    const float values[] = {-1, 2, 3, -4};
    std::copy(values, values + 4, x.data());
    Concat concat;
    concat.add(layers::identity()).add(layers::relu());
    const Tensor4<float> c = concat.forward(x, Implementation::reference);
    BOOST_TEST((c.shape() == Shape4{2, 2, 1, 2}));
    // sample 0: identity (-1, 2) then relu (0, 2); sample 1: (3, -4) then (3, 0)
    const float expected_concat[] = {-1, 2, 0, 2, 3, -4, 3, 0};
    for (std::size_t i = 0; i < 8; ++i) BOOST_TEST(c.data()[i] == expected_concat[i]);

    auto main = std::make_unique<Sequential>();
    main->add(layers::relu());
    Residual block(std::move(main), nullptr, layers::relu());
    const Tensor4<float> r = block.forward(x, Implementation::optimized);  // relu(relu(x) + x)
    const float expected_residual[] = {0, 4, 6, 0};
    for (std::size_t i = 0; i < 4; ++i) BOOST_TEST(r.data()[i] == expected_residual[i]);
}

BOOST_AUTO_TEST_CASE(a_net_refuses_to_run_uninitialized_or_on_the_wrong_input) {
    auto net = make_net("lenet", 10);
    const Tensor4<float> x = testing::normal_tensor({1, 1, 28, 28}, 1);
    BOOST_CHECK_EXCEPTION(net->forward(x, Implementation::optimized), argument_error, [](const argument_error& e) {
        return std::string(e.what()).find("not initialized") != std::string::npos;
    });
    initialize(*net, 1);
    BOOST_CHECK_EXCEPTION(net->forward(testing::normal_tensor({1, 3, 28, 28}, 1), Implementation::optimized), shape_error,
                          [](const shape_error& e) { return std::string(e.what()).find("Conv2d") != std::string::npos; });
}

BOOST_AUTO_TEST_CASE(initialize_is_deterministic_per_seed) {
    auto a = make_net("resnet18", 10, {3, 32, 32});
    auto b = make_net("resnet18", 10, {3, 32, 32});
    initialize(*a, 42);
    initialize(*b, 42);
    const Tensor4<float> x = testing::normal_tensor({1, 3, 32, 32}, 2);
    const Tensor4<float> ya = a->forward(x, Implementation::optimized);
    const Tensor4<float> yb = b->forward(x, Implementation::optimized);
    BOOST_TEST(std::equal(ya.data(), ya.data() + ya.size(), yb.data()));
    initialize(*b, 43);
    const Tensor4<float> yc = b->forward(x, Implementation::optimized);
    BOOST_TEST(!std::equal(ya.data(), ya.data() + ya.size(), yc.data()));
}

BOOST_AUTO_TEST_CASE(bilinear_resize_matches_pytorch) {
    // torch.nn.functional.interpolate(torch.tensor([[[[1., 2.], [3., 4.]]]]), size=(4, 4), mode="bilinear",
    // align_corners=False)
    const arma::fmat plane{{1, 2}, {3, 4}};
    const arma::fmat expected{{1.0, 1.25, 1.75, 2.0}, {1.5, 1.75, 2.25, 2.5}, {2.5, 2.75, 3.25, 3.5}, {3.0, 3.25, 3.75, 4.0}};
    BOOST_TEST(arma::approx_equal(resize_bilinear(plane, 4, 4), expected, "absdiff", 1e-6f));
    // Downscaling 4 → 2 samples at 0.5 and 2.5: the mean of each 2×2 block for a bilinear function.
    const arma::fmat down = resize_bilinear(expected, 2, 2);
    BOOST_TEST(down(0, 0) == 1.375f, boost::test_tools::tolerance(1e-6f));
    BOOST_TEST(arma::approx_equal(resize_bilinear(plane, 2, 2), plane, "absdiff", 0.0f));
    BOOST_CHECK_THROW(resize_bilinear(plane, 0, 3), argument_error);
}

BOOST_AUTO_TEST_CASE(lenet1998_layers_by_hand) {
    for (const Implementation implementation : {Implementation::reference, Implementation::optimized}) {
        // Subsampling: 2×2 window sums 1+2+5+6 = 14 … times a = 0.5 (map 0) or −1 (map 1), plus b.
        Subsampling sub(2);
        Random random(1);
        sub.initialize_parameters(random);
        sub.coefficient() = {0.5f, -1.0f};
        sub.bias() = {1.0f, 0.25f};
        Tensor4<float> x({1, 2, 2, 4});
        for (std::size_t c = 0; c < 2; ++c)
            for (std::size_t h = 0; h < 2; ++h)
                for (std::size_t w = 0; w < 4; ++w) x(0, c, h, w) = float(c * 10 + h * 4 + w + 1);
        const Tensor4<float> s = sub.forward(x, implementation);
        BOOST_TEST((s.shape() == Shape4{1, 2, 1, 2}));
        BOOST_TEST(s(0, 0, 0, 0) == 0.5f * 14 + 1, boost::test_tools::tolerance(1e-6f));  // 1+2+5+6
        BOOST_TEST(s(0, 0, 0, 1) == 0.5f * 22 + 1, boost::test_tools::tolerance(1e-6f));  // 3+4+7+8
        BOOST_TEST(s(0, 1, 0, 0) == -54.0f + 0.25f, boost::test_tools::tolerance(1e-6f));  // 11+12+15+16

        // A 1×1 table conv: map 0 reads input 0, map 1 inputs 1 and 2; the taps off the table are ignored.
        TableConv2d table(3, {{0}, {1, 2}}, {1, 1});
        table.initialize_parameters(random);
        BOOST_TEST(table.weight()(0, 1, 0, 0) == 0.0f);  // not connected: initialized to zero
        for (std::size_t p = 0; p < 2; ++p)
            for (std::size_t c = 0; c < 3; ++c) table.weight()(p, c, 0, 0) = float(1 + p * 3 + c);  // 1 2 3 | 4 5 6
        table.bias() = {0.5f, -1.0f};
        Tensor4<float> z({1, 3, 1, 1});
        z(0, 0, 0, 0) = 1, z(0, 1, 0, 0) = 10, z(0, 2, 0, 0) = 100;
        const Tensor4<float> t = table.forward(z, implementation);
        BOOST_TEST(t(0, 0, 0, 0) == 1.0f * 1 + 0.5f);                // not 1·1 + 2·10 + 3·100
        BOOST_TEST(t(0, 1, 0, 0) == 5.0f * 10 + 6.0f * 100 - 1.0f);  // not + 4·1
        BOOST_TEST(table.infer({1, 3, 4, 4}).parameters == 3u + 2u);
        BOOST_TEST(table.infer({1, 3, 4, 4}).macs == 3u * 16u);

        // RBF: squared distances of x = (1, 2) to w₀ = (1, 1) and w₁ = (−1, 1): 1 and 4 + 1 = 5.
        EuclideanRbf rbf(2, 2);
        rbf.initialize_parameters(random);
        BOOST_TEST(arma::all(arma::vectorise(arma::abs(rbf.weight())) == 1.0f));  // ±1
        rbf.weight() = arma::fmat{{1, 1}, {-1, 1}};
        Tensor4<float> v({2, 2, 1, 1});
        v(0, 0, 0, 0) = 1, v(0, 1, 0, 0) = 2, v(1, 0, 0, 0) = -1, v(1, 1, 0, 0) = 1;
        const Tensor4<float> r = rbf.forward(v, implementation);
        BOOST_TEST(r(0, 0, 0, 0) == 1.0f);
        BOOST_TEST(r(0, 1, 0, 0) == 5.0f);
        BOOST_TEST(r(1, 0, 0, 0) == 4.0f);  // (−2)² + 0²
        BOOST_TEST(r(1, 1, 0, 0) == 0.0f);  // its own vector
        BOOST_TEST(rbf.infer({1, 2, 1, 1}).parameters == 0u);  // fixed, not trained

        // The scaled tanh: f(±1) = ±1 (to the paper's four digits of A), f(0) = 0.
        ScaledTanh squash;
        Tensor4<float> a({1, 1, 1, 3});
        a(0, 0, 0, 0) = -1, a(0, 0, 0, 1) = 0, a(0, 0, 0, 2) = 1;
        const Tensor4<float> f = squash.forward(a, implementation);
        BOOST_TEST(f(0, 0, 0, 0) == -1.0f, boost::test_tools::tolerance(1e-4f));
        BOOST_TEST(f(0, 0, 0, 1) == 0.0f);
        BOOST_TEST(f(0, 0, 0, 2) == 1.0f, boost::test_tools::tolerance(1e-4f));
    }
    // The reference table conv executes the connected taps only.
    TableConv2d c3(6, lenet1998_c3_table(), {5, 5});
    Random random(2);
    c3.initialize_parameters(random);
    ref::MacCounter counter;
    c3.forward(testing::normal_tensor({2, 6, 14, 14}, 3), Implementation::reference);
    BOOST_TEST(counter.macs() == 2u * 150'000u);
}

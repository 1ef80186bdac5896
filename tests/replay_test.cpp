// Case files and replay: the golden SciPy vectors of Chapter 1 and PyTorch vectors of Chapters 2 to 5
// (layers, their gradients by autograd, pooling forward and backward, transposed convolutions forward and
// backward) run through cnnlab's optimized ops,
// the reader/writer round trip, and corrupt files reported per case.
#define BOOST_TEST_MODULE replay
#include <boost/test/unit_test.hpp>

#include "chapters/ch00_foundation/case_file.hpp"
#include "chapters/ch01_convolution/convolution.hpp"
#include "chapters/ch02_layers/layer.hpp"
#include "chapters/ch03_gradients/backward.hpp"
#include "tests/check_close.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>

namespace cases = cnnlab::cases;
using cnnlab::testing::check_close;

namespace {

const char* const golden_path = CNNLAB_SOURCE_DIR "/data/golden/ch01_single_channel.cases";
const char* const golden_layers_path = CNNLAB_SOURCE_DIR "/data/golden/ch02_layers.cases";
const char* const golden_gradients_path = CNNLAB_SOURCE_DIR "/data/golden/ch03_gradients.cases";
const char* const golden_pooling_path = CNNLAB_SOURCE_DIR "/data/golden/ch04_pooling.cases";
const char* const golden_transposed_path = CNNLAB_SOURCE_DIR "/data/golden/ch05_transposed.cases";

// The problem of an entry, or "" (Boost.Test evaluates a message even when the check passes).
std::string problem_of(const cases::ReadEntry& e) { return e.problem ? e.problem->what() : ""; }

std::vector<cases::Case> golden_cases(const char* path = golden_path) {
    std::vector<cases::Case> result;
    for (const cases::ReadEntry& e : cases::read_case_file(path)) {
        BOOST_TEST_REQUIRE(e.ok(), problem_of(e));
        result.push_back(e.value);
    }
    return result;
}

// A tensor of any rank as a matrix of (product of leading dims) × (last dim), for check_close.
arma::mat as_matrix(const cases::Tensor& t) {
    const std::size_t cols = t.dims.empty() ? 1 : t.dims.back();
    const std::size_t rows = cols ? t.values.size() / cols : 0;
    return arma::mat(t.values.data(), cols, rows).t();
}

void check_tensor(const cases::Tensor& actual, const cases::Tensor& expected, double tolerance, const std::string& context) {
    BOOST_TEST_REQUIRE(actual.dims == expected.dims, context << ": dims differ");
    check_close(as_matrix(actual), as_matrix(expected), tolerance, context);
}

const cases::ReadEntry* find_entry(const std::vector<cases::ReadEntry>& entries, const std::string& id) {
    for (const auto& e : entries)
        if (e.value.id == id) return &e;
    return nullptr;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Max |actual − expected| over the elements; +inf when the shapes differ.
double max_error(const cases::Tensor& actual, const cases::Tensor& expected) {
    if (actual.dims != expected.dims || actual.values.size() != expected.values.size()) return std::numeric_limits<double>::infinity();
    double worst = 0;
    for (std::size_t i = 0; i < actual.values.size(); ++i) worst = std::max(worst, std::abs(actual.values[i] - expected.values[i]));
    return worst;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(golden)

BOOST_AUTO_TEST_CASE(every_golden_case_agrees_with_scipy) {
    const std::vector<cases::Case> all = golden_cases();
    BOOST_TEST(all.size() >= 40u);
    std::map<std::string, int> per_op, with_padding;
    for (const cases::Case& c : all) {
        const cases::Case result = cases::run_case(c);
        BOOST_TEST_CONTEXT("case " << c.id) {
            BOOST_TEST_REQUIRE(result.error.empty(), result.error);
            BOOST_TEST_REQUIRE(result.tensors.contains("y"));
            check_tensor(result.tensors.at("y"), c.tensors.at("y"), 1e-9, c.id);
        }
        ++per_op[c.op];
        with_padding[c.op] += c.params.contains("pad_before");
    }
    for (const char* op : {"xcorr1d", "convolve1d", "xcorr2d", "convolve2d"}) {
        BOOST_TEST(per_op[op] >= 8, op << " has " << per_op[op] << " cases");
        BOOST_TEST(with_padding[op] >= 1);
        BOOST_TEST(with_padding[op] < per_op[op], op << ": no case runs through cnnlab's own mode rule");
    }
}

// Every 2-D algorithm, forced by name, against the SciPy outputs (run_case uses `automatic`).
BOOST_AUTO_TEST_CASE(every_2d_algorithm_agrees_with_scipy) {
    using cnnlab::Algorithm;
    int runs = 0;
    for (const cases::Case& c : golden_cases()) {
        if (c.op != "xcorr2d" && c.op != "convolve2d") continue;
        const arma::mat x = cases::to_matrix(c.tensors.at("x")), w = cases::to_matrix(c.tensors.at("w"));
        cnnlab::Options2d options;
        if (c.params.contains("pad_before")) {
            const auto& b = c.params.at("pad_before");
            const auto& a = c.params.at("pad_after");
            options.padding = cnnlab::Sides2{{std::size_t(b[0]), std::size_t(a[0])}, {std::size_t(b[1]), std::size_t(a[1])}};
        } else {
            options.padding = cnnlab::parse_mode(c.mode);
        }
        std::vector<Algorithm> algorithms{Algorithm::direct, Algorithm::im2col_gemm, Algorithm::fft};
        if (cnnlab::rank_one_factors(w).found()) algorithms.push_back(Algorithm::separable);
        for (Algorithm algorithm : algorithms) {
            const arma::mat y = c.op == "xcorr2d" ? cnnlab::xcorr2d(x, w, options, algorithm) : cnnlab::conv2d(x, w, options, algorithm);
            check_tensor(cases::from_matrix(y), c.tensors.at("y"), 1e-9, c.id + " " + std::string(cnnlab::algorithm_name(algorithm)));
            ++runs;
        }
    }
    BOOST_TEST(runs >= 60);
}

// What the golden pads say about SciPy's `same` mode with an even kernel (data/golden/README.md):
// correlate2d puts the extra zero after (bottom/right), as cnnlab and PyTorch do; correlate (1-D),
// convolve and convolve2d put it before (in terms of the cross-correlation with the flipped kernel).
BOOST_AUTO_TEST_CASE(scipy_same_mode_centring_of_even_kernels) {
    int even_axes = 0;
    for (const cases::Case& c : golden_cases()) {
        if (c.mode != "same" || !c.params.contains("pad_before")) continue;
        const auto& kernel_dims = c.tensors.at("w").dims;
        for (std::size_t axis = 0; axis < kernel_dims.size(); ++axis) {
            const std::size_t k = kernel_dims[axis];
            const cnnlab::Sides cnnlab_rule = cnnlab::mode_padding(cnnlab::Mode::same, k);
            const cnnlab::Sides scipy{std::size_t(c.params.at("pad_before")[axis]), std::size_t(c.params.at("pad_after")[axis])};
            BOOST_TEST_CONTEXT(c.id << " axis " << axis << " kernel " << k) {
                BOOST_TEST(scipy.before + scipy.after == k - 1);
                if (k % 2 == 1 || c.op == "xcorr2d") {
                    BOOST_TEST((scipy == cnnlab_rule));
                } else {
                    BOOST_TEST(scipy.before == cnnlab_rule.after);
                    BOOST_TEST(scipy.after == cnnlab_rule.before);
                    BOOST_TEST(scipy.before == scipy.after + 1);
                    ++even_axes;
                }
            }
        }
    }
    BOOST_TEST(even_axes >= 6);
}

BOOST_AUTO_TEST_CASE(d2l_literal) {
    for (const cases::Case& c : golden_cases()) {
        if (c.op != "xcorr2d" || c.tensors.at("x").values != std::vector<double>{0, 1, 2, 3, 4, 5, 6, 7, 8}) continue;
        const cases::Case result = cases::run_case(c);
        BOOST_TEST_REQUIRE(result.error.empty(), result.error);
        BOOST_TEST(result.tensors.at("y").dims == (std::vector<std::size_t>{2, 2}));
        BOOST_TEST(result.tensors.at("y").values == (std::vector<double>{19, 25, 37, 43}), boost::test_tools::per_element());
        return;
    }
    BOOST_FAIL("the golden file has no d2l corr2d case");
}

BOOST_AUTO_TEST_SUITE_END()

// Chapter 2: PyTorch's F.conv1d / F.conv2d (padding='same' for the _same ops), data/golden/ch02_layers.cases.
BOOST_AUTO_TEST_SUITE(golden_layers)

// Every case through every layer path that applies to its geometry. The paths that apply to any
// layer (automatic, im2col_gemm) must run every case; the others run where they apply and must
// refuse the rest with "does not apply", and each must have cases of its own in the file.
BOOST_AUTO_TEST_CASE(every_layer_case_agrees_with_pytorch_on_every_path) {
    using cnnlab::LayerAlgorithm;
    const std::vector<cases::Case> all = golden_cases(golden_layers_path);
    BOOST_TEST(all.size() >= 30u);
    std::map<std::string, int> per_op, runs;
    std::map<std::string, double> worst;
    for (const cases::Case& c : all) {
        ++per_op[c.op];
        for (LayerAlgorithm algorithm : {LayerAlgorithm::automatic, LayerAlgorithm::im2col_gemm, LayerAlgorithm::gemm_1x1,
                                         LayerAlgorithm::winograd_f2x2_3x3, LayerAlgorithm::winograd_f4x4_3x3,
                                         LayerAlgorithm::depthwise_direct, LayerAlgorithm::direct}) {
            const std::string name(cnnlab::layer_algorithm_name(algorithm));
            const cases::Case result = cases::run_case(c, {.layer_algorithm = name});
            BOOST_TEST_CONTEXT("case " << c.id << ", " << name) {
                const bool universal = algorithm == LayerAlgorithm::automatic || algorithm == LayerAlgorithm::im2col_gemm;
                if (!universal && contains(result.error, "does not apply")) continue;
                BOOST_TEST_REQUIRE(result.error.empty(), result.error);
                const double e = max_error(result.tensors.at("y"), c.tensors.at("y"));
                BOOST_TEST(e < 1e-12);
                worst[name] = std::max(worst[name], e);
                ++runs[name];
            }
        }
    }
    for (const auto& [name, e] : worst) BOOST_TEST_MESSAGE(name << ": " << runs[name] << " cases, max |Δy| = " << e);
    BOOST_TEST(runs["automatic"] == int(all.size()));
    BOOST_TEST(runs["im2col_gemm"] == int(all.size()));
    BOOST_TEST(runs["gemm_1x1"] >= 3);
    BOOST_TEST(runs["winograd_f2x2_3x3"] >= 4);
    BOOST_TEST(runs["winograd_f4x4_3x3"] >= 4);
    BOOST_TEST(runs["depthwise_direct"] >= 8);
    BOOST_TEST(runs["direct"] >= 8);
    BOOST_TEST(per_op["conv2d"] >= 15);
    BOOST_TEST(per_op["conv2d_same"] >= 6);
    BOOST_TEST(per_op["conv1d"] >= 6);
    BOOST_TEST(per_op["conv1d_same"] >= 4);
}

// The file covers what the layer ops must handle: bias and none, batches > 1, stride, dilation,
// groups (including depthwise with a channel multiplier), even kernels, and _same cases both with the
// recorded pads and with cnnlab's own rule.
BOOST_AUTO_TEST_CASE(layer_cases_cover_the_arguments) {
    int bias = 0, batched = 0, strided = 0, dilated = 0, grouped = 0, multiplier = 0, even = 0, same_by_rule = 0;
    const auto any_above_1 = [](const cases::Case& c, const std::string& key) {
        const auto it = c.params.find(key);
        return it != c.params.end() && std::any_of(it->second.begin(), it->second.end(), [](long long v) { return v > 1; });
    };
    for (const cases::Case& c : golden_cases(golden_layers_path)) {
        const auto& w = c.tensors.at("w").dims;
        const auto& x = c.tensors.at("x").dims;
        bias += c.tensors.contains("b");
        batched += x[0] > 1;
        strided += any_above_1(c, "stride");
        dilated += any_above_1(c, "dilation");
        grouped += any_above_1(c, "groups");
        multiplier += w[1] == 1 && x[1] > 1 && w[0] == 2 * x[1];
        even += std::any_of(w.begin() + 2, w.end(), [](std::size_t k) { return k % 2 == 0; });
        same_by_rule += c.op.ends_with("_same") && !c.params.contains("pad_before");
    }
    BOOST_TEST(bias >= 10);
    BOOST_TEST(batched >= 5);
    BOOST_TEST(strided >= 5);
    BOOST_TEST(dilated >= 5);
    BOOST_TEST(grouped >= 8);
    BOOST_TEST(multiplier >= 3);
    BOOST_TEST(even >= 10);
    BOOST_TEST(same_by_rule >= 2);
}

// PyTorch's padding='same' pads d(K−1) in total and puts an odd total's extra zero after
// (bottom/right): the pads make.py found for PyTorch equal cnnlab's `same` rule on every axis.
BOOST_AUTO_TEST_CASE(pytorch_same_padding_is_cnnlabs_rule) {
    int odd_totals = 0;
    for (const cases::Case& c : golden_cases(golden_layers_path)) {
        if (!c.params.contains("pad_before")) continue;
        const auto& w = c.tensors.at("w").dims;
        for (std::size_t axis = 0; axis + 2 < w.size(); ++axis) {
            const std::size_t dilation = c.params.contains("dilation") ? std::size_t(c.params.at("dilation")[axis]) : 1;
            const std::size_t span = cnnlab::effective_kernel(w[axis + 2], dilation);
            const cnnlab::Sides pytorch{std::size_t(c.params.at("pad_before")[axis]), std::size_t(c.params.at("pad_after")[axis])};
            BOOST_TEST_CONTEXT(c.id << " axis " << axis << " kernel " << w[axis + 2] << " dilation " << dilation) {
                BOOST_TEST((pytorch == cnnlab::mode_padding(cnnlab::Mode::same, span)));
                if ((span - 1) % 2 == 1) {
                    BOOST_TEST(pytorch.after == pytorch.before + 1);
                    ++odd_totals;
                }
            }
        }
    }
    BOOST_TEST(odd_totals >= 6);
}

BOOST_AUTO_TEST_SUITE_END()

// Chapter 3: y and the gradients gx, gw, gb of sum(gy ⊙ y) by PyTorch autograd, data/golden/ch03_gradients.cases.
BOOST_AUTO_TEST_SUITE(golden_gradients)

namespace {
// The Conv2dOptions a 2-D golden case describes (conv2d: symmetric `padding`; conv2d_same: the
// recorded pad_before/pad_after, else Mode::same), written out here apart from run_case's parsing.
cnnlab::Conv2dOptions options_2d(const cases::Case& c) {
    const auto pair = [&](const std::string& key, std::size_t fallback) {
        const auto it = c.params.find(key);
        return it == c.params.end() ? std::pair{fallback, fallback} : std::pair{std::size_t(it->second[0]), std::size_t(it->second[1])};
    };
    cnnlab::Conv2dOptions options;
    const auto [stride_h, stride_w] = pair("stride", 1);
    const auto [dilation_h, dilation_w] = pair("dilation", 1);
    options.stride = {stride_h, stride_w};
    options.dilation = {dilation_h, dilation_w};
    options.groups = c.params.contains("groups") ? std::size_t(c.params.at("groups")[0]) : 1;
    if (c.op == "conv2d") {
        const auto [pad_h, pad_w] = pair("padding", 0);
        options.padding = cnnlab::Sides2::symmetric(pad_h, pad_w);
    } else if (c.params.contains("pad_before")) {
        const auto [top, left] = pair("pad_before", 0);
        const auto [bottom, right] = pair("pad_after", 0);
        options.padding = cnnlab::Sides2{{top, bottom}, {left, right}};
    } else {
        options.padding = cnnlab::Mode::same;
    }
    return options;
}

cnnlab::Tensor4<double> tensor4(const cases::Tensor& t) {
    return cnnlab::Tensor4<double>::from_row_major({t.dims[0], t.dims[1], t.dims[2], t.dims[3]}, t.values);
}
}  // namespace

// run_case on every case: y, gx, gw and (exactly for the bias cases) gb within 1e-12 of PyTorch.
// The inputs are multiples of 1/8, so PyTorch's values are exact and only Winograd (non-dyadic
// transform constants) may differ, by rounding.
BOOST_AUTO_TEST_CASE(every_gradient_case_agrees_with_pytorch) {
    const std::vector<cases::Case> all = golden_cases(golden_gradients_path);
    BOOST_TEST(all.size() >= 30u);
    std::map<std::string, int> per_op;
    std::map<std::string, double> worst;
    for (const cases::Case& c : all) {
        ++per_op[c.op];
        const cases::Case result = cases::run_case(c);
        BOOST_TEST_CONTEXT("case " << c.id) {
            BOOST_TEST_REQUIRE(c.tensors.contains("gy"));
            BOOST_TEST_REQUIRE(result.error.empty(), result.error);
            BOOST_TEST(result.tensors.contains("gb") == c.tensors.contains("b"));
            for (const char* name : {"y", "gx", "gw", "gb"}) {
                if (!c.tensors.contains(name)) continue;
                BOOST_TEST_REQUIRE(result.tensors.contains(name), name);
                const double e = max_error(result.tensors.at(name), c.tensors.at(name));
                BOOST_TEST(e < 1e-12, name << ": max |Δ| = " << e);
                worst[name] = std::max(worst[name], e);
            }
        }
    }
    for (const auto& [name, e] : worst) BOOST_TEST_MESSAGE("ch03 golden: max |Δ" << name << "| = " << e);
    BOOST_TEST(per_op["conv2d"] >= 15);
    BOOST_TEST(per_op["conv2d_same"] >= 6);
    BOOST_TEST(per_op["conv1d"] >= 6);
    BOOST_TEST(per_op["conv1d_same"] >= 4);
}

// gx of every 2-D case on both input-gradient paths (GEMM + col2im always; the forward over rot180(W)
// where it applies), and the file exercises the fast forwards the automatic path hands that to:
// Winograd, 1×1 and depthwise. gw on im2col + GEMM always and on Winograd F(3×3, 4×4) where the
// forward's Winograd applies.
BOOST_AUTO_TEST_CASE(every_backward_path_agrees_with_pytorch) {
    using cnnlab::BackwardInputAlgorithm;
    using cnnlab::BackwardWeightAlgorithm;
    std::map<cnnlab::LayerAlgorithm, int> rotated_paths;
    int rotated_runs = 0, runs = 0, winograd_weight_runs = 0, direct_weight_runs = 0;
    for (const cases::Case& c : golden_cases(golden_gradients_path)) {
        if (c.op != "conv2d" && c.op != "conv2d_same") continue;
        const cnnlab::Tensor4<double> x = tensor4(c.tensors.at("x")), w = tensor4(c.tensors.at("w")), gy = tensor4(c.tensors.at("gy"));
        const cnnlab::Conv2dOptions options = options_2d(c);
        const cnnlab::LayerGeometry g = cnnlab::resolve_conv2d_layer(c.id, x.shape(), w.shape(), 0, options);
        const cnnlab::RotatedForward rotated = cnnlab::rotated_forward_of(g);
        if (rotated.applies) {
            const cnnlab::Shape4 rotated_weight{g.input.c, g.out_per_group(), g.weight.h, g.weight.w};
            ++rotated_paths[cnnlab::choose_layer_algorithm<double>(
                cnnlab::resolve_conv2d_layer(c.id, g.output, rotated_weight, 0, rotated.options))];
        }
        for (BackwardInputAlgorithm algorithm : {BackwardInputAlgorithm::gemm_col2im, BackwardInputAlgorithm::rotated_forward}) {
            if (algorithm == BackwardInputAlgorithm::rotated_forward && !rotated.applies) continue;
            const cases::Tensor gx = {c.tensors.at("x").dims,
                                      cnnlab::conv2d_layer_backward_input(w, gy, x.shape(), options, algorithm).to_row_major()};
            const double e = max_error(gx, c.tensors.at("gx"));
            BOOST_TEST(e < 1e-12, c.id << " " << cnnlab::backward_input_algorithm_name(algorithm) << ": max |Δgx| = " << e);
            ++(algorithm == BackwardInputAlgorithm::rotated_forward ? rotated_runs : runs);
        }
        for (BackwardWeightAlgorithm algorithm : {BackwardWeightAlgorithm::im2col_gemm, BackwardWeightAlgorithm::winograd_f4x4_3x3,
                                                  BackwardWeightAlgorithm::direct}) {
            const bool winograd = algorithm == BackwardWeightAlgorithm::winograd_f4x4_3x3;
            if (!cnnlab::backward_weight_algorithm_applies(algorithm, g)) continue;
            const cases::Tensor gw = {c.tensors.at("w").dims,
                                      cnnlab::conv2d_layer_backward_weight(x, gy, w.shape(), options, algorithm).to_row_major()};
            const double e = max_error(gw, c.tensors.at("gw"));
            BOOST_TEST(e < 1e-12, c.id << " " << cnnlab::backward_weight_algorithm_name(algorithm) << ": max |Δgw| = " << e);
            winograd_weight_runs += winograd;
            direct_weight_runs += algorithm == BackwardWeightAlgorithm::direct;
        }
    }
    BOOST_TEST(runs >= 25);
    BOOST_TEST(rotated_runs >= 12);
    BOOST_TEST(winograd_weight_runs >= 3);
    BOOST_TEST(direct_weight_runs >= 8);
    BOOST_TEST(rotated_paths[cnnlab::LayerAlgorithm::winograd_f4x4_3x3] >= 3);
    BOOST_TEST(rotated_paths[cnnlab::LayerAlgorithm::gemm_1x1] >= 1);
    BOOST_TEST(rotated_paths[cnnlab::LayerAlgorithm::depthwise_direct] >= 1);
}

BOOST_AUTO_TEST_SUITE_END()

// Chapter 4: PyTorch's F.max_pool2d, F.avg_pool2d, F.adaptive_avg_pool2d and their input gradients by
// autograd, data/golden/ch04_pooling.cases.
BOOST_AUTO_TEST_SUITE(golden_pooling)

// run_case on every case: y and, for every case with a gy, gx within 1e-9 of PyTorch. The max pooling
// inputs have no ties, so PyTorch's arg-max, and with it gx, is the only right answer.
BOOST_AUTO_TEST_CASE(every_pooling_case_agrees_with_pytorch) {
    const std::vector<cases::Case> all = golden_cases(golden_pooling_path);
    BOOST_TEST(all.size() >= 30u);
    std::map<std::string, int> per_op, with_gradient;
    std::map<std::string, double> worst;
    for (const cases::Case& c : all) {
        ++per_op[c.op];
        with_gradient[c.op] += c.tensors.contains("gy");
        const cases::Case result = cases::run_case(c);
        BOOST_TEST_CONTEXT("case " << c.id) {
            BOOST_TEST_REQUIRE(result.error.empty(), result.error);
            BOOST_TEST(result.tensors.contains("gx") == c.tensors.contains("gy"));
            for (const char* name : {"y", "gx"}) {
                if (!c.tensors.contains(name)) continue;
                BOOST_TEST_REQUIRE(result.tensors.contains(name), name);
                const double e = max_error(result.tensors.at(name), c.tensors.at(name));
                BOOST_TEST(e < 1e-9, name << ": max |Δ| = " << e);
                worst[c.op + " " + name] = std::max(worst[c.op + " " + name], e);
            }
        }
    }
    for (const auto& [name, e] : worst) BOOST_TEST_MESSAGE("ch04 golden: " << name << ": max |Δ| = " << e);
    BOOST_TEST(per_op["max_pool2d"] >= 12);
    BOOST_TEST(per_op["avg_pool2d"] >= 8);
    BOOST_TEST(per_op["adaptive_avg_pool2d"] >= 5);
    for (const auto& [op, n] : per_op) BOOST_TEST(with_gradient[op] >= n - 1, op << ": " << with_gradient[op] << " of " << n << " cases have a gy");
}

// The file covers what pooling must handle: batches and channels, default strides, padding,
// dilation, ceil_mode (cut and dropped windows), divisors with and without the padding, adaptive
// windows that do and do not divide the input, global pooling.
BOOST_AUTO_TEST_CASE(pooling_cases_cover_the_arguments) {
    const auto value = [](const cases::Case& c, const std::string& key, std::size_t i, long long fallback) {
        const auto it = c.params.find(key);
        return it == c.params.end() ? fallback : it->second[i];
    };
    std::map<std::string, int> count;
    for (const cases::Case& c : golden_cases(golden_pooling_path)) {
        const auto& x = c.tensors.at("x").dims;
        const auto& y = c.tensors.at("y").dims;
        count["batched, several channels"] += x[0] > 1 && x[1] > 1;
        if (c.op == "adaptive_avg_pool2d") {
            const bool divides = x[2] % y[2] == 0 && x[3] % y[3] == 0;
            count[divides ? "adaptive, divides" : "adaptive, does not divide"] += 1;
            count["adaptive, global"] += y[2] == 1 && y[3] == 1;
            continue;
        }
        count[c.op + " default stride"] += !c.params.contains("stride");
        count[c.op + " padding"] += value(c, "padding", 0, 0) > 0 || value(c, "padding", 1, 0) > 0;
        count[c.op + " ceil_mode"] += value(c, "ceil_mode", 0, 0) == 1;
        count["max_pool2d dilation"] += value(c, "dilation", 0, 1) > 1 || value(c, "dilation", 1, 1) > 1;
        count["avg_pool2d without the padding in the divisor"] += value(c, "count_include_pad", 0, 1) == 0;
    }
    const std::map<std::string, int> minimum{
        {"batched, several channels", 10}, {"adaptive, divides", 2}, {"adaptive, does not divide", 2}, {"adaptive, global", 2},
        {"max_pool2d default stride", 2}, {"max_pool2d padding", 5}, {"max_pool2d ceil_mode", 3}, {"max_pool2d dilation", 3},
        {"avg_pool2d default stride", 1}, {"avg_pool2d padding", 5}, {"avg_pool2d ceil_mode", 3},
        {"avg_pool2d without the padding in the divisor", 4}};
    for (const auto& [what, n] : minimum) BOOST_TEST(count[what] >= n, what << ": " << count[what] << " cases");
}

// The literal examples of the sources, with their outputs written out by hand: d2l's 2×2 max and
// average pooling of [[0..8]] (stride 1), d2l's arange(16) with MaxPool2d(3) and MaxPool2d(3,
// padding=1, stride=2), and note 001's arange(32).view(1, 2, 4, 4) with MaxPool2d(3, padding=1, stride=(2, 1)).
BOOST_AUTO_TEST_CASE(pooling_literals) {
    const auto arange = [](std::size_t n) {
        std::vector<double> v(n);
        for (std::size_t i = 0; i < n; ++i) v[i] = double(i);
        return v;
    };
    struct Literal {
        std::string op;
        std::vector<double> x;
        std::map<std::string, std::vector<long long>> params;
        std::vector<double> y;
    };
    const std::vector<Literal> literals{
        {"max_pool2d", arange(9), {{"kernel", {2, 2}}, {"stride", {1, 1}}}, {4, 5, 7, 8}},
        {"avg_pool2d", arange(9), {{"kernel", {2, 2}}, {"stride", {1, 1}}}, {2, 3, 5, 6}},
        {"max_pool2d", arange(16), {{"kernel", {3, 3}}}, {10}},
        {"max_pool2d", arange(16), {{"kernel", {3, 3}}, {"stride", {2, 2}}, {"padding", {1, 1}}}, {5, 7, 13, 15}},
        {"max_pool2d", arange(32), {{"kernel", {3, 3}}, {"stride", {2, 1}}, {"padding", {1, 1}}},
         {5, 6, 7, 7, 13, 14, 15, 15, 21, 22, 23, 23, 29, 30, 31, 31}},
    };
    const std::vector<cases::Case> all = golden_cases(golden_pooling_path);
    for (const Literal& literal : literals) {
        const auto matches = [&](const cases::Case& c) {
            if (c.op != literal.op || c.tensors.at("x").values != literal.x) return false;
            for (const auto& [key, values] : literal.params)
                if (!c.params.contains(key) || c.params.at(key) != values) return false;
            return literal.params.contains("stride") || !c.params.contains("stride");
        };
        const auto it = std::find_if(all.begin(), all.end(), matches);
        BOOST_TEST_CONTEXT(literal.op << " of " << literal.x.size() << " values, y " << literal.y.size() << " values") {
            BOOST_TEST_REQUIRE((it != all.end()), "the golden file has no such case");
            const cases::Case result = cases::run_case(*it);
            BOOST_TEST_REQUIRE(result.error.empty(), result.error);
            BOOST_TEST(result.tensors.at("y").values == literal.y, boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

// Chapter 5: PyTorch's F.conv_transpose2d / F.conv_transpose1d and their gradients by autograd,
// data/golden/ch05_transposed.cases.
BOOST_AUTO_TEST_SUITE(golden_transposed)

// run_case on every case: y, gx, gw and (exactly for the bias cases) gb within 1e-9 of PyTorch.
// The inputs are multiples of 1/8, so PyTorch's values are exact; the worst error is reported.
BOOST_AUTO_TEST_CASE(every_transposed_case_agrees_with_pytorch) {
    const std::vector<cases::Case> all = golden_cases(golden_transposed_path);
    BOOST_TEST(all.size() >= 35u);
    std::map<std::string, int> per_op;
    std::map<std::string, double> worst;
    for (const cases::Case& c : all) {
        ++per_op[c.op];
        const cases::Case result = cases::run_case(c);
        BOOST_TEST_CONTEXT("case " << c.id) {
            BOOST_TEST_REQUIRE(c.tensors.contains("gy"));
            BOOST_TEST_REQUIRE(result.error.empty(), result.error);
            BOOST_TEST(result.tensors.contains("gb") == c.tensors.contains("b"));
            for (const char* name : {"y", "gx", "gw", "gb"}) {
                if (!c.tensors.contains(name)) continue;
                BOOST_TEST_REQUIRE(result.tensors.contains(name), name);
                const double e = max_error(result.tensors.at(name), c.tensors.at(name));
                BOOST_TEST(e < 1e-9, name << ": max |Δ| = " << e);
                worst[c.op + " " + name] = std::max(worst[c.op + " " + name], e);
            }
        }
    }
    for (const auto& [name, e] : worst) BOOST_TEST_MESSAGE("ch05 golden: " << name << ": max |Δ| = " << e);
    BOOST_TEST(per_op["conv_transpose2d"] >= 30);
    BOOST_TEST(per_op["conv_transpose1d"] >= 4);
}

// The file covers what a transposed convolution must handle: stride (also unequal per axis),
// padding, output padding (also not below the stride, allowed by a larger dilation), dilation,
// groups and depthwise, non-square kernels, batches, bias.
BOOST_AUTO_TEST_CASE(transposed_cases_cover_the_arguments) {
    std::map<std::string, int> count;
    for (const cases::Case& c : golden_cases(golden_transposed_path)) {
        const std::size_t axes = c.op == "conv_transpose1d" ? 1 : 2;
        const auto value = [&](const std::string& key, std::size_t axis, long long fallback) {
            const auto it = c.params.find(key);
            return it == c.params.end() ? fallback : it->second[axis];
        };
        const auto any_axis = [&](auto predicate) {
            for (std::size_t a = 0; a < axes; ++a)
                if (predicate(a)) return true;
            return false;
        };
        const auto& x = c.tensors.at("x").dims;
        const auto& w = c.tensors.at("w").dims;
        const long long groups = value("groups", 0, 1);
        count["batched"] += x[0] > 1;
        count["bias"] += c.tensors.contains("b");
        count["stride > 1"] += any_axis([&](std::size_t a) { return value("stride", a, 1) > 1; });
        count["padding"] += any_axis([&](std::size_t a) { return value("padding", a, 0) > 0; });
        count["output_padding"] += any_axis([&](std::size_t a) { return value("output_padding", a, 0) > 0; });
        count["output_padding >= stride"] +=
            any_axis([&](std::size_t a) { return value("output_padding", a, 0) > 0 && value("output_padding", a, 0) >= value("stride", a, 1); });
        count["dilation > 1"] += any_axis([&](std::size_t a) { return value("dilation", a, 1) > 1; });
        count["groups > 1"] += groups > 1;
        count["depthwise"] += groups > 1 && static_cast<std::size_t>(groups) == x[1];
        if (axes == 2) {
            count["2-D unequal strides"] += value("stride", 0, 1) != value("stride", 1, 1);
            count["2-D non-square kernel"] += w[2] != w[3];
        }
    }
    const std::map<std::string, int> minimum{
        {"batched", 10}, {"bias", 15}, {"stride > 1", 15}, {"padding", 15}, {"output_padding", 10},
        {"output_padding >= stride", 3}, {"dilation > 1", 8}, {"groups > 1", 6}, {"depthwise", 3},
        {"2-D unequal strides", 5}, {"2-D non-square kernel", 8}};
    for (const auto& [what, n] : minimum) BOOST_TEST(count[what] >= n, what << ": " << count[what] << " cases");
}

// d2l's literal (X = K = [[0, 1], [2, 3]]) with its outputs written out by hand: stride 1 scatters
// four shifted copies of K into a 3×3 result; padding 1 keeps its centre; stride 2 puts the copies
// side by side in a 4×4 result.
BOOST_AUTO_TEST_CASE(transposed_literals) {
    const std::vector<double> d2l{0, 1, 2, 3};
    const std::vector<std::pair<std::map<std::string, std::vector<long long>>, std::vector<double>>> literals{
        {{}, {0, 0, 1, 0, 4, 6, 4, 12, 9}},
        {{{"padding", {1, 1}}}, {4}},
        {{{"stride", {2, 2}}}, {0, 0, 0, 1, 0, 0, 2, 3, 0, 2, 0, 3, 4, 6, 6, 9}},
    };
    const std::map<std::string, long long> defaults{{"stride", 1}, {"padding", 0}, {"output_padding", 0},
                                                    {"dilation", 1}, {"groups", 1}, {"bias", 0}};
    const std::vector<cases::Case> all = golden_cases(golden_transposed_path);
    for (const auto& [params, y] : literals) {
        // The literal's params; every other one absent or at PyTorch's default.
        const auto matches = [&](const cases::Case& c) {
            if (c.op != "conv_transpose2d" || c.tensors.at("x").values != d2l || c.tensors.at("w").values != d2l) return false;
            for (const auto& [key, values] : c.params) {
                const auto given = params.find(key);
                const auto fallback = defaults.find(key);
                if (given == params.end() && fallback == defaults.end()) return false;
                const std::vector<long long> wanted =
                    given != params.end() ? given->second : std::vector<long long>(values.size(), fallback->second);
                if (values != wanted) return false;
            }
            for (const auto& [key, values] : params)
                if (!c.params.contains(key)) return false;
            return true;
        };
        const auto it = std::find_if(all.begin(), all.end(), matches);
        BOOST_TEST_CONTEXT("d2l literal with " << params.size() << " params, y " << y.size() << " values") {
            BOOST_TEST_REQUIRE((it != all.end()), "the golden file has no such case");
            const cases::Case result = cases::run_case(*it);
            BOOST_TEST_REQUIRE(result.error.empty(), result.error);
            BOOST_TEST(result.tensors.at("y").values == y, boost::test_tools::per_element());
            BOOST_TEST(it->tensors.at("y").values == y, boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(reader_and_writer)

BOOST_AUTO_TEST_CASE(row_major_tensors_become_column_major_matrices) {
    const cases::Tensor t{{2, 3}, {1, 2, 3, 4, 5, 6}};
    const arma::mat m = cases::to_matrix(t);
    BOOST_TEST(m.n_rows == 2u);
    BOOST_TEST(m.n_cols == 3u);
    BOOST_TEST(m(0, 2) == 3.0);
    BOOST_TEST(m(1, 0) == 4.0);
    BOOST_TEST(cases::from_matrix(m).bitwise_equal(t));
    BOOST_CHECK_THROW(cases::to_vector(t), cnnlab::data_error);
    BOOST_CHECK_THROW(cases::to_matrix(cases::Tensor{{2, 3}, {1, 2}}), cnnlab::data_error);
}

BOOST_AUTO_TEST_CASE(write_then_read_is_bit_exact) {
    const double tiny = std::numeric_limits<double>::denorm_min();
    cases::Case a;
    a.id = "round-trip-1";
    a.op = "xcorr2d";
    a.mode = "same";
    a.params = {{"pad_before", {0, 1}}, {"pad_after", {1, 0}}, {"stride", {-3, 4000000000LL}}};
    a.tensors["x"] = {{2, 4}, {0.1, 1.0 / 3, -0.0, tiny, std::numeric_limits<double>::max(), -std::numeric_limits<double>::min(), M_PI, 1e300 / 7}};
    a.tensors["w"] = {{1}, {-2.5}};
    a.tensors["s"] = {{}, {std::nextafter(1.0, 2.0)}};
    a.tensors["e"] = {{0, 3}, {}};
    cases::Case b;
    b.id = "round-trip-2";
    b.op = "conv9d";
    b.error = "unsupported op conv9d";
    b.tensors["y"] = {{2, 1, 2}, {std::numeric_limits<double>::infinity(), -1e-320, 123456789.0, -0.3}};

    std::stringstream file;
    cases::write_cases(file, {a, b});
    const std::string text = file.str();
    const std::vector<cases::ReadEntry> back = cases::read_cases(file, "round-trip");
    BOOST_TEST_REQUIRE(back.size() == 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        const cases::Case& original = i == 0 ? a : b;
        const cases::Case& read = back[i].value;
        BOOST_TEST_REQUIRE(back[i].ok(), problem_of(back[i]));
        BOOST_TEST(read.id == original.id);
        BOOST_TEST(read.op == original.op);
        BOOST_TEST(read.mode == original.mode);
        BOOST_TEST(read.error == original.error);
        BOOST_TEST((read.params == original.params));
        BOOST_TEST_REQUIRE(read.tensors.size() == original.tensors.size());
        for (const auto& [name, t] : original.tensors) BOOST_TEST(read.tensors.at(name).bitwise_equal(t), "tensor " << name);
    }
    // Writing what was read gives the same text.
    std::ostringstream again;
    cases::write_cases(again, {back[0].value, back[1].value});
    BOOST_TEST(again.str() == text);
    // And -0 really is written as -0 (bitwise_equal tells it from +0).
    BOOST_TEST(!cases::Tensor({{1}, {0.0}}).bitwise_equal(cases::Tensor{{1}, {-0.0}}));
}

BOOST_AUTO_TEST_CASE(golden_file_survives_a_round_trip) {
    const std::vector<cases::Case> all = golden_cases();
    std::stringstream file;
    cases::write_cases(file, all);
    const auto back = cases::read_cases(file);
    BOOST_TEST_REQUIRE(back.size() == all.size());
    for (std::size_t i = 0; i < all.size(); ++i)
        for (const auto& [name, t] : all[i].tensors) BOOST_TEST(back[i].value.tensors.at(name).bitwise_equal(t), all[i].id << " " << name);
}

BOOST_AUTO_TEST_CASE(writer_refuses_what_it_could_not_read_back) {
    cases::Case c;
    c.id = "two words";
    c.op = "xcorr1d";
    std::ostringstream out;
    BOOST_CHECK_THROW(cases::write_case(out, c), cnnlab::data_error);
    c.id = "ok";
    c.tensors["x"] = {{3}, {1, 2}};
    BOOST_CHECK_THROW(cases::write_case(out, c), cnnlab::data_error);
}

BOOST_AUTO_TEST_CASE(missing_file_is_a_data_error) {
    BOOST_CHECK_THROW(cases::read_case_file(CNNLAB_SOURCE_DIR "/data/golden/no-such-file.cases"), cnnlab::data_error);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(corrupt_files)

// One file with a well-formed case between each broken one: each problem is reported on its own case
// with its line, and every well-formed case still reads and runs.
BOOST_AUTO_TEST_CASE(each_problem_is_reported_per_case) {
    std::istringstream file(
        "case good-1\nop xcorr1d\nparam mode valid\ntensor x 1 3\n1 2 3\ntensor w 1 2\n1 1\nend\n"   // lines 1-8
        "case short\nop xcorr1d\nparam mode valid\ntensor x 1 4\n1 2 3\ntensor w 1 1\n2\nend\n"    // 9-16: 3 of 4 values
        "case nan-text\nop xcorr1d\nparam mode valid\ntensor x 1 2\n1 two\nend\n"                 // 17-22
        "case good-2\nop convolve1d\nparam mode full\ntensor x 1 2\n1 2\ntensor w 1 2\n1 10\nend\n" // 23-30
        "case alien\nop conv9d\ntensor x 1 1\n1\nend\n"                                             // 31-35
        "case good-1\nop xcorr1d\nparam mode valid\nend\n"                                          // 36-39: duplicate id
        "case strange\nop xcorr1d\nflavour sweet\nend\n"                                            // 40-43
        "case too-many\nop xcorr1d\nparam mode valid\ntensor x 1 2\n1 2 3\nend\n"                   // 44-49
        "case good-3\nop xcorr2d\nparam pad_before 0 1\nparam pad_after 1 0\ntensor x 2 1 2\n1 2\ntensor w 2 1 1\n3\nend\n");
    const std::vector<cases::ReadEntry> entries = cases::read_cases(file, "corrupt.cases");
    BOOST_TEST_REQUIRE(entries.size() == 9u);

    const auto problem = [&](std::size_t i) { return problem_of(entries[i]); };
    BOOST_TEST(problem(1) == "corrupt.cases:14: case 'short': tensor 'x' (4) needs 4 values but has 3 before 'tensor'");
    BOOST_TEST(problem(2) == "corrupt.cases:21: case 'nan-text': tensor 'x': 'two' is not a number (value 2 of 2)");
    BOOST_TEST(entries[4].ok());  // an unknown op is not a reading problem: run_case reports it
    BOOST_TEST(problem(5) == "corrupt.cases:36: case 'good-1': duplicate case id (first used on line 1)");
    BOOST_TEST(contains(problem(6), "corrupt.cases:42: case 'strange': unknown keyword 'flavour'"), problem(6));
    BOOST_TEST(contains(problem(7), "corrupt.cases:48: case 'too-many': unexpected number '3'"), problem(7));

    std::map<std::string, std::vector<double>> expected_y{{"good-1", {3, 5}}, {"good-2", {1, 12, 20}}, {"good-3", {0, 3, 6, 0, 0, 0}}};
    for (const auto& [id, y] : expected_y) {
        const cases::ReadEntry* e = find_entry(entries, id);
        BOOST_TEST_REQUIRE(e != nullptr);
        BOOST_TEST_REQUIRE(e->ok(), problem_of(*e));
        const cases::Case result = cases::run_case(e->value);
        BOOST_TEST_REQUIRE(result.error.empty(), result.error);
        BOOST_TEST(result.tensors.at("y").values == y, boost::test_tools::per_element());
    }
    BOOST_TEST(cases::run_case(entries[4].value).error == "unsupported op conv9d");
}

BOOST_AUTO_TEST_CASE(truncated_file_keeps_the_cases_before) {
    std::istringstream file("case whole\nop xcorr1d\nparam mode same\ntensor x 1 3\n1 2 3\ntensor w 1 3\n0 1 0\nend\n"
                            "case cut\nop xcorr1d\nparam mode same\ntensor x 1 5\n1 2");
    const auto entries = cases::read_cases(file, "truncated.cases");
    BOOST_TEST_REQUIRE(entries.size() == 2u);
    BOOST_TEST_REQUIRE(entries[0].ok());
    BOOST_TEST(cases::run_case(entries[0].value).tensors.at("y").values == (std::vector<double>{1, 2, 3}), boost::test_tools::per_element());
    BOOST_TEST_REQUIRE(!entries[1].ok());
    BOOST_TEST(problem_of(entries[1]) ==
               "truncated.cases:13: case 'cut': file ends after 2 of the 5 values of tensor 'x' (truncated?)");

    std::istringstream no_end("case open\nop xcorr1d\nparam mode same\n");
    const auto open = cases::read_cases(no_end, "no-end.cases");
    BOOST_TEST_REQUIRE(open.size() == 1u);
    BOOST_TEST(contains(problem_of(open[0]), "no-end.cases:3: case 'open': file ends inside the case, no 'end'"));
}

BOOST_AUTO_TEST_CASE(other_malformed_blocks) {
    std::istringstream file("stray 1 2\n"                                 // text before any case
                            "case no-end\nop xcorr1d\n"                   // next case arrives before `end`
                            "case bad-mode\nop xcorr1d\nparam mode wide\nend\n"
                            "case no-op\ntensor x 1 1\n1\nend\n"
                            "case bad-int\nop xcorr1d\nparam pad_before 1.5\nend\n"
                            "case bad-dims\nop xcorr1d\ntensor x -1 3\nend\n"
                            "case last\nop xcorr1d\nparam mode valid\ntensor x 1 1\n4\ntensor w 1 1\n0.5\nend\n");
    const auto entries = cases::read_cases(file, "f");
    BOOST_TEST_REQUIRE(entries.size() == 7u);
    const auto problem = [&](std::size_t i) { return problem_of(entries[i]); };
    BOOST_TEST(problem(0) == "f:1: expected 'case', found 'stray' outside any case");
    BOOST_TEST(problem(1) == "f:4: case 'no-end': no 'end' before the next 'case'");
    BOOST_TEST(contains(problem(2), "f:6: case 'bad-mode': param mode takes one of valid|same|full"), problem(2));
    BOOST_TEST(problem(3) == "f:8: case 'no-op': the case has no 'op' line");
    BOOST_TEST(problem(4) == "f:14: case 'bad-int': param 'pad_before': '1.5' is not an integer");
    BOOST_TEST(contains(problem(5), "f:18: case 'bad-dims': tensor 'x': '-1' is not a number of dimensions"), problem(5));
    BOOST_TEST_REQUIRE(entries[6].ok());
    BOOST_TEST(cases::run_case(entries[6].value).tensors.at("y").values == std::vector<double>{2.0}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(run_case_errors)

namespace {
cases::Case make_1d(std::vector<double> x, std::vector<double> w) {
    cases::Case c;
    c.id = "t";
    c.op = "xcorr1d";
    c.mode = "valid";
    c.tensors["x"] = {{x.size()}, std::move(x)};
    c.tensors["w"] = {{w.size()}, std::move(w)};
    return c;
}
}  // namespace

BOOST_AUTO_TEST_CASE(invalid_params_become_the_case_error) {
    BOOST_TEST(contains(cases::run_case(make_1d({1, 2}, {1, 1, 1})).error, "longer than the padded input"));

    cases::Case c = make_1d({1, 2, 3}, {1});
    c.params["pad_before"] = {1};
    BOOST_TEST(cases::run_case(c).error == "xcorr1d: pad_before and pad_after go together (only one is given)");
    c.params["pad_after"] = {1, 2};
    BOOST_TEST(contains(cases::run_case(c).error, "param pad_after takes 1 integer, got 2"));
    c.params["pad_after"] = {-1};
    BOOST_TEST(contains(cases::run_case(c).error, "padding must be >= 0"));

    c = make_1d({1, 2, 3}, {1});
    c.params["stride"] = {2};
    BOOST_TEST(contains(cases::run_case(c).error, "unsupported param 'stride'"));

    c = make_1d({1, 2, 3}, {1});
    c.mode.clear();
    BOOST_TEST(contains(cases::run_case(c).error, "needs param mode"));

    c = make_1d({1, 2, 3}, {1});
    c.tensors.erase("w");
    BOOST_TEST(cases::run_case(c).error == "xcorr1d: the case has no input tensor 'w'");

    c = make_1d({1, 2, 3}, {1});
    c.op = "xcorr2d";
    BOOST_TEST(contains(cases::run_case(c).error, "xcorr2d: tensor x must have 2 dimensions"));
}

// Malformed layer cases: each refused on its own case, with the op and the rule broken.
BOOST_AUTO_TEST_CASE(malformed_layer_cases_are_refused_per_case) {
    const std::string x4 = "tensor x 4 1 2 3 3\n1 2 3 4 5 6 7 8 9\n1 2 3 4 5 6 7 8 9\n";
    const std::string w4 = "tensor w 4 2 2 1 1\n1 2 3 4\n";
    const std::string x3 = "tensor x 3 1 2 3\n1 2 3 4 5 6\n";
    const std::string w3 = "tensor w 3 1 2 2\n1 2 3 4\n";
    std::istringstream file(
        "case groups\nop conv2d\nparam groups 3\n" + x4 + w4 + "end\n" +
        "case bias-missing\nop conv2d\nparam bias 1\n" + x4 + w4 + "end\n" +
        "case bias-unannounced\nop conv2d\n" + x4 + w4 + "tensor b 1 2\n1 2\nend\n" +
        "case bias-length\nop conv2d\nparam bias 1\n" + x4 + w4 + "tensor b 1 3\n1 2 3\nend\n" +
        "case bias-flag\nop conv2d\nparam bias 2\n" + x4 + w4 + "end\n" +
        "case padding-count\nop conv2d\nparam padding 1\n" + x4 + w4 + "end\n" +
        "case zero-stride\nop conv2d\nparam stride 0 1\n" + x4 + w4 + "end\n" +
        "case mode-in-conv2d\nop conv2d\nparam mode same\n" + x4 + w4 + "end\n" +
        "case same-but-full\nop conv2d_same\nparam mode full\n" + x4 + w4 + "end\n" +
        "case x-rank\nop conv1d\n" + x4 + w3 + "end\n" +
        "case w-rank\nop conv2d\n" + x4 + w3 + "end\n" +
        "case negative-padding\nop conv1d\nparam padding -1\n" + x3 + w3 + "end\n" +
        "case channels-1d\nop conv1d\n" + x3 + "tensor w 3 1 1 2\n1 2\nend\n" +
        "case too-long\nop conv1d_same\nparam pad_before 0\nparam pad_after 0\n" + x3 + "tensor w 3 1 2 4\n1 2 3 4 5 6 7 8\nend\n" +
        "case unknown-param\nop conv1d_same\nparam padding 1\n" + x3 + w3 + "end\n");
    const std::map<std::string, std::string> expected{
        {"groups", "conv2d: 2 input channels are not divisible by groups=3"},
        {"bias-missing", "conv2d: the case has no input tensor 'b'"},
        {"bias-unannounced", "conv2d: tensor b is given without param bias 1"},
        {"bias-length", "conv2d: bias has 3 values but the layer has 2 output channels"},
        {"bias-flag", "conv2d: param bias must be in 0..1, got 2"},
        {"padding-count", "conv2d: param padding takes 2 integers (h w), got 1"},
        {"zero-stride", "conv2d: param stride must be >= 1, got 0"},
        {"mode-in-conv2d", "conv2d: unsupported param 'mode' (this op takes stride, padding, dilation, groups, bias)"},
        {"same-but-full", "conv2d_same: param mode must be same"},
        {"x-rank", "conv1d: tensor x must have 3 dimensions (N C L) but has 4"},
        {"w-rank", "conv2d: tensor w must have 4 dimensions"},
        {"negative-padding", "conv1d: param padding must be >= 0, got -1"},
        {"channels-1d", "conv1d (held as N×C×1×L): input has 2 channels but weight expects 1"},
        {"too-long", "longer than the padded input"},
        {"unknown-param", "conv1d_same: unsupported param 'padding'"},
    };
    const auto entries = cases::read_cases(file, "layers.cases");
    BOOST_TEST_REQUIRE(entries.size() == expected.size());
    for (const cases::ReadEntry& e : entries) {
        BOOST_TEST_REQUIRE(e.ok(), problem_of(e));  // well formed: the op refuses them, not the reader
        const std::string error = cases::run_case(e.value).error;
        BOOST_TEST(contains(error, expected.at(e.value.id)), e.value.id << ": " << error);
    }
    cases::Case good = entries[0].value;
    good.params.clear();
    BOOST_TEST(cases::run_case(good).error.empty());
    BOOST_TEST(contains(cases::run_case(good, {.layer_algorithm = "winograd9"}).error, "unknown name 'winograd9'"));
    BOOST_TEST(contains(cases::run_case(good, {.layer_algorithm = "winograd_f2x2_3x3"}).error, "does not apply"));
}

// The committed file for the CLI: a refused case does not stop the next one, which must agree with
// its hand-computed y (x = 1..5, w = [1, −1], stride 2, bias 10: y = [1 − 2 + 10, 3 − 4 + 10]).
BOOST_AUTO_TEST_CASE(bad_layer_file_refuses_one_case_and_runs_the_next) {
    const auto entries = cases::read_case_file(CNNLAB_SOURCE_DIR "/tests/data/ch02_bad_layer.cases");
    BOOST_TEST_REQUIRE(entries.size() == 2u);
    BOOST_TEST_REQUIRE(entries[0].ok());
    BOOST_TEST_REQUIRE(entries[1].ok());
    BOOST_TEST(cases::run_case(entries[0].value).error ==
               "conv2d: input has 3 channels but weight expects 2 (weight dim 1 = C_in/groups = 2; input 1×3×2×2, weight 1×2×1×1, groups=1)");
    const cases::Case result = cases::run_case(entries[1].value);
    BOOST_TEST_REQUIRE(result.error.empty(), result.error);
    BOOST_TEST(result.tensors.at("y").bitwise_equal(entries[1].value.tensors.at("y")));
    BOOST_TEST(result.tensors.at("y").values == (std::vector<double>{9, 9}), boost::test_tools::per_element());
}

// An upstream gradient of the wrong shape is refused on its own case, naming the case's op and both
// shapes; the next case still runs and gets its hand-computed gradients (x = 1..5, w = [1, −1],
// stride 2, bias 10, gy = [1, 2]: gx = [1, −1, 2, −2, 0], gw = [1·1 + 2·3, 1·2 + 2·4], gb = 1 + 2).
BOOST_AUTO_TEST_CASE(wrong_gradient_shape_refuses_one_case_and_runs_the_next) {
    const auto entries = cases::read_case_file(CNNLAB_SOURCE_DIR "/tests/data/ch03_bad_gradient.cases");
    BOOST_TEST_REQUIRE(entries.size() == 3u);
    for (const auto& e : entries) BOOST_TEST_REQUIRE(e.ok(), problem_of(e));
    BOOST_TEST(cases::run_case(entries[0].value).error ==
               "conv2d: dY is 1×2×3×3 but the forward's output is 1×2×2×2 (x 1×1×3×3, w 2×1×2×2, groups 1): "
               "dY must have the shape of the forward's output");
    BOOST_TEST(contains(cases::run_case(entries[1].value).error, "conv1d (held as N×C×1×L): dY is 1×1×1×3 but the forward's output is 1×1×1×2"));
    const cases::Case result = cases::run_case(entries[2].value);
    BOOST_TEST_REQUIRE(result.error.empty(), result.error);
    for (const char* name : {"y", "gx", "gw", "gb"})
        BOOST_TEST(result.tensors.at(name).bitwise_equal(entries[2].value.tensors.at(name)), name);
    BOOST_TEST(result.tensors.at("gw").values == (std::vector<double>{7, 10}), boost::test_tools::per_element());

    // A gy of the wrong rank is the data_error of any layer tensor; without gy there are no gradients.
    cases::Case c = entries[2].value;
    c.tensors["gy"] = {{1, 2}, {1, 2}};
    BOOST_TEST(cases::run_case(c).error == "conv1d: tensor gy must have 3 dimensions (N C_out L_out) but has 2 (1×2)");
    c.tensors.erase("gy");
    BOOST_TEST(cases::run_case(c).tensors.size() == 1u);
}

// Malformed pooling cases: each refused on its own case, naming the op and the rule broken; the
// arguments PyTorch refuses (a zero kernel) with the library's own message.
BOOST_AUTO_TEST_CASE(malformed_pooling_cases_are_refused_per_case) {
    const std::string x4 = "tensor x 4 1 1 3 3\n1 2 3\n4 5 6\n7 8 9\n";
    std::istringstream file(
        "case no-kernel\nop max_pool2d\n" + x4 + "end\n" +
        "case kernel-count\nop max_pool2d\nparam kernel 2\n" + x4 + "end\n" +
        "case negative-padding\nop max_pool2d\nparam kernel 2 2\nparam padding -1 0\n" + x4 + "end\n" +
        "case zero-kernel\nop max_pool2d\nparam kernel 0 2\n" + x4 + "end\n" +
        "case avg-dilation\nop avg_pool2d\nparam kernel 2 2\nparam dilation 2 2\n" + x4 + "end\n" +
        "case max-count-include-pad\nop max_pool2d\nparam kernel 2 2\nparam count_include_pad 0\n" + x4 + "end\n" +
        "case ceil-mode-2\nop avg_pool2d\nparam kernel 2 2\nparam ceil_mode 2\n" + x4 + "end\n" +
        "case adaptive-kernel\nop adaptive_avg_pool2d\nparam output_size 1 1\nparam kernel 2 2\n" + x4 + "end\n" +
        "case no-output-size\nop adaptive_avg_pool2d\n" + x4 + "end\n" +
        "case x-rank\nop max_pool2d\nparam kernel 1 1\ntensor x 3 1 1 2\n1 2\nend\n" +
        "case gy-wrong-shape\nop max_pool2d\nparam kernel 2 2\n" + x4 + "tensor gy 4 1 1 2 2\n1 2 3 4\nend\n" +
        "case gy-rank\nop avg_pool2d\nparam kernel 3 3\n" + x4 + "tensor gy 2 1 1\n1\nend\n");
    const std::map<std::string, std::string> expected{
        {"no-kernel", "max_pool2d: needs param kernel (h w)"},
        {"kernel-count", "max_pool2d: param kernel takes 2 integers (h w), got 1"},
        {"negative-padding", "max_pool2d: param padding must be >= 0, got -1"},
        {"zero-kernel", "max_pool2d: kernel 0×2"},
        {"avg-dilation", "avg_pool2d: unsupported param 'dilation' (this op takes kernel, stride, padding, ceil_mode, count_include_pad)"},
        {"max-count-include-pad", "max_pool2d: unsupported param 'count_include_pad'"},
        {"ceil-mode-2", "avg_pool2d: param ceil_mode must be in 0..1, got 2"},
        {"adaptive-kernel", "adaptive_avg_pool2d: unsupported param 'kernel' (this op takes output_size)"},
        {"no-output-size", "adaptive_avg_pool2d: needs param output_size (h w)"},
        {"x-rank", "max_pool2d: tensor x must have 4 dimensions (N C H W) but has 3"},
        {"gy-wrong-shape", "max_pool2d: gy is 1×1×2×2 but the forward's output y is 1×1×1×1: gy must have the shape of the forward's output"},
        {"gy-rank", "avg_pool2d: tensor gy must have 4 dimensions (N C H_out W_out) but has 2"},
    };
    const auto entries = cases::read_cases(file, "pooling.cases");
    BOOST_TEST_REQUIRE(entries.size() == expected.size());
    for (const cases::ReadEntry& e : entries) {
        BOOST_TEST_REQUIRE(e.ok(), problem_of(e));  // well formed: the op refuses them, not the reader
        const std::string error = cases::run_case(e.value).error;
        BOOST_TEST(contains(error, expected.at(e.value.id)), e.value.id << ": " << error);
    }
    const std::string zero_kernel = cases::run_case(find_entry(entries, "zero-kernel")->value).error;
    BOOST_TEST(contains(zero_kernel, "kernel size must be >= 1"), zero_kernel);
    // Without gy there is no gx.
    cases::Case c = find_entry(entries, "gy-wrong-shape")->value;
    c.tensors.erase("gy");
    const cases::Case result = cases::run_case(c);
    BOOST_TEST_REQUIRE(result.error.empty(), result.error);
    BOOST_TEST(result.tensors.size() == 1u);
    BOOST_TEST(result.tensors.at("y").values == std::vector<double>{5.0}, boost::test_tools::per_element());
}

// The committed file for the CLI: arguments PyTorch refuses (padding above half the kernel, a zero
// stride, an output size below 1) and a gy of the wrong shape are each refused on their own case,
// with the op and the rule, and the cases after them still run and get their hand-computed y and gx.
// max: x = [[1 4 2 0], [3 −1 5 6]], 2×2 windows, gy = [10, −2]: y = [4, 6], gx = 10 at the 4, −2 at the 6.
// avg: x = [[1 2], [3 6]], 2×2 windows at stride 1 over a padding of 1 not counted in the divisor:
// y = the window means; with gy = 1 every cell is in windows of 1, 2, 2 and 4 cells: gx = 2.25.
BOOST_AUTO_TEST_CASE(bad_pooling_file_refuses_each_case_and_runs_the_next) {
    const auto entries = cases::read_case_file(CNNLAB_SOURCE_DIR "/tests/data/ch04_bad_pooling.cases");
    BOOST_TEST_REQUIRE(entries.size() == 6u);
    for (const auto& e : entries) BOOST_TEST_REQUIRE(e.ok(), problem_of(e));
    const std::map<std::string, std::vector<std::string>> expected_parts{
        {"padding-above-half-kernel", {"max_pool2d: padding 2×0", "more than half of kernel 2×2"}},
        {"zero-stride", {"avg_pool2d: stride 0×1", "stride must be >= 1"}},
        {"output-size-zero", {"adaptive_avg_pool2d: output size 0×2", "at least 1×1"}},
        {"gy-wrong-shape", {"adaptive_avg_pool2d: gy is 1×1×2×2 but the forward's output y is 1×1×1×1"}},
    };
    for (const auto& e : entries) {
        const cases::Case result = cases::run_case(e.value);
        BOOST_TEST_CONTEXT("case " << e.value.id << ": " << result.error) {
            if (const auto it = expected_parts.find(e.value.id); it != expected_parts.end()) {
                BOOST_TEST(result.tensors.empty());
                for (const std::string& part : it->second) BOOST_TEST(contains(result.error, part), part);
                continue;
            }
            BOOST_TEST_REQUIRE(result.error.empty());
            for (const char* name : {"y", "gx"}) BOOST_TEST(result.tensors.at(name).bitwise_equal(e.value.tensors.at(name)), name);
        }
    }
    BOOST_TEST(cases::run_case(entries[1].value).tensors.at("gx").values == (std::vector<double>{0, 10, 0, 0, 0, 0, 0, -2}),
               boost::test_tools::per_element());
}

// Malformed transposed-convolution cases: each refused on its own case, naming the op and the rule
// broken; the arguments PyTorch refuses (an output padding not below the stride or the dilation) with
// the library's own message.
BOOST_AUTO_TEST_CASE(malformed_transposed_cases_are_refused_per_case) {
    const std::string x4 = "tensor x 4 1 2 2 2\n1 2 3 4\n5 6 7 8\n";
    const std::string w4 = "tensor w 4 2 1 2 2\n1 0 0 1\n1 1 1 1\n";
    const std::string x3 = "tensor x 3 1 2 3\n1 2 3\n4 5 6\n";
    const std::string w3 = "tensor w 3 2 1 2\n1 -1\n2 1\n";
    std::istringstream file(
        "case good\nop conv_transpose2d\nparam stride 2 2\n" + x4 + w4 + "end\n" +
        "case unknown-param\nop conv_transpose2d\nparam kernel 2 2\n" + x4 + w4 + "end\n" +
        "case mode\nop conv_transpose2d\nparam mode same\n" + x4 + w4 + "end\n" +
        "case output-padding-too-large\nop conv_transpose2d\nparam stride 2 2\nparam output_padding 2 0\n" + x4 + w4 + "end\n" +
        "case output-padding-equals-dilation\nop conv_transpose2d\nparam dilation 2 2\nparam output_padding 0 2\n" + x4 + w4 + "end\n" +
        "case output-padding-count\nop conv_transpose2d\nparam output_padding 1\n" + x4 + w4 + "end\n" +
        "case negative-output-padding\nop conv_transpose2d\nparam output_padding -1 0\n" + x4 + w4 + "end\n" +
        "case zero-stride\nop conv_transpose2d\nparam stride 1 0\n" + x4 + w4 + "end\n" +
        "case groups\nop conv_transpose2d\nparam groups 3\n" + x4 + w4 + "end\n" +
        "case channels\nop conv_transpose2d\n" + x4 + "tensor w 4 1 1 2 2\n1 2 3 4\nend\n" +
        "case bias-unannounced\nop conv_transpose2d\n" + x4 + w4 + "tensor b 1 1\n1\nend\n" +
        "case bias-length\nop conv_transpose2d\nparam bias 1\n" + x4 + w4 + "tensor b 1 2\n1 2\nend\n" +
        "case padding-eats-output\nop conv_transpose2d\nparam padding 2 0\n" + x4 + w4 + "end\n" +
        "case gy-wrong-shape\nop conv_transpose2d\n" + x4 + w4 + "tensor gy 4 1 1 2 2\n1 2 3 4\nend\n" +
        "case x-rank\nop conv_transpose1d\n" + x4 + w3 + "end\n" +
        "case output-padding-1d\nop conv_transpose1d\nparam stride 2\nparam output_padding 2\n" + x3 + w3 + "end\n" +
        "case gy-wrong-shape-1d\nop conv_transpose1d\n" + x3 + w3 + "tensor gy 3 1 1 3\n1 2 3\nend\n");
    const std::map<std::string, std::string> expected{
        {"good", ""},
        {"unknown-param", "conv_transpose2d: unsupported param 'kernel' (this op takes stride, padding, output_padding, dilation, groups, bias)"},
        {"mode", "conv_transpose2d: unsupported param 'mode'"},
        {"output-padding-too-large", "conv_transpose2d: output_padding 2 is not smaller than the stride 2 or the dilation 1"},
        {"output-padding-equals-dilation", "conv_transpose2d: output_padding 2 is not smaller than the stride 1 or the dilation 2"},
        {"output-padding-count", "conv_transpose2d: param output_padding takes 2 integers (h w), got 1"},
        {"negative-output-padding", "conv_transpose2d: param output_padding must be >= 0, got -1"},
        {"zero-stride", "conv_transpose2d: param stride must be >= 1, got 0"},
        {"groups", "conv_transpose2d: 2 input channels are not divisible by groups=3"},
        {"channels", "conv_transpose2d: input has 2 channels but the weight's first size is 1"},
        {"bias-unannounced", "conv_transpose2d: tensor b is given without param bias 1"},
        {"bias-length", "conv_transpose2d: bias has 2 values but the layer has 1 output channels"},
        {"padding-eats-output", "conv_transpose2d: output size (n-1)s - 2p + d(K-1) + a + 1 = -1 is below 1"},
        {"gy-wrong-shape", "conv_transpose2d: gy is 1×1×2×2 but the forward's output y is 1×1×3×3: gy must have the shape of the forward's output"},
        {"x-rank", "conv_transpose1d: tensor x must have 3 dimensions (N C_in L) but has 4"},
        {"output-padding-1d", "conv_transpose1d (held as N×C×1×L): output_padding 2 is not smaller than the stride 2 or the dilation 1"},
        {"gy-wrong-shape-1d", "conv_transpose1d (held as N×C×1×L): gy is 1×1×1×3 but the forward's output y is 1×1×1×4"},
    };
    const auto entries = cases::read_cases(file, "transposed.cases");
    BOOST_TEST_REQUIRE(entries.size() == expected.size());
    for (const cases::ReadEntry& e : entries) {
        BOOST_TEST_REQUIRE(e.ok(), problem_of(e));  // well formed: the op refuses them, not the reader
        const cases::Case result = cases::run_case(e.value);
        const std::string& want = expected.at(e.value.id);
        BOOST_TEST_CONTEXT("case " << e.value.id << ": " << result.error) {
            if (want.empty()) BOOST_TEST(result.error.empty());
            else BOOST_TEST((contains(result.error, want) && result.tensors.empty()), want);
        }
    }
    // The good case by hand: z = [[1 2], [3 4]] and [[5 6], [7 8]], stride 2, so the 2×2 kernels of the
    // four cells tile a 4×4 output without overlap: y = z₀ ⊗ [[1 0], [0 1]] + z₁ ⊗ [[1 1], [1 1]].
    const cases::Case result = cases::run_case(entries[0].value);
    BOOST_TEST_REQUIRE(result.error.empty(), result.error);
    BOOST_TEST((result.tensors.at("y").dims == std::vector<std::size_t>{1, 1, 4, 4}));
    BOOST_TEST(result.tensors.at("y").values == (std::vector<double>{6, 5, 8, 6, 5, 6, 6, 8, 10, 7, 12, 8, 7, 10, 8, 12}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(later_chapters_can_add_ops) {
    cases::register_op("negate_for_test", [](const cases::Case& c, const cases::RunOptions&) {
        cases::Tensor y = c.tensors.at("x");
        for (double& v : y.values) v = -v;
        return std::map<std::string, cases::Tensor>{{"y", y}};
    });
    const auto ops = cases::supported_ops();
    BOOST_TEST((std::find(ops.begin(), ops.end(), "negate_for_test") != ops.end()));
    BOOST_TEST((std::find(ops.begin(), ops.end(), "convolve2d") != ops.end()));
    cases::Case c = make_1d({1, -2}, {});
    c.op = "negate_for_test";
    BOOST_TEST(cases::run_case(c).tensors.at("y").values == (std::vector<double>{-1, 2}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

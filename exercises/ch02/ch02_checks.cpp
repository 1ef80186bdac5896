// The checks of Chapter 2's exercises and their registration. Oracles: the reference layer
// ref::conv2d_layer (the seven-loop definition), cnnlab's library (conv2d_layer_counts, im2col),
// literals computed by hand.
#include "exercises/ch02/ch02_checks.hpp"

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch00_foundation/geometry.hpp"
#include "chapters/ch00_foundation/tensor.hpp"
#include "chapters/ch01_convolution/convolution.hpp"
#include "chapters/ch02_layers/arithmetic.hpp"
#include "exercises/checker/compare.hpp"
#include "reference/layers.hpp"

#include <random>
#include <string>
#include <vector>

namespace cnnlab::exercises::ch02 {

namespace {

/// Integer-valued entries in [-5, 5]: every sum of products is exact in double.
arma::cube random_cube(std::size_t channels, std::size_t rows, std::size_t cols, std::mt19937& rng) {
    std::uniform_int_distribution<int> value(-5, 5);
    arma::cube x(rows, cols, channels);
    x.imbue([&] { return double(value(rng)); });
    return x;
}

arma::mat random_matrix(std::size_t rows, std::size_t cols, std::mt19937& rng) { return random_cube(1, rows, cols, rng).slice(0); }

LayerWeights random_weights(std::size_t out_channels, std::size_t in_channels, Size2 kernel, std::mt19937& rng) {
    LayerWeights k;
    for (std::size_t o = 0; o < out_channels; ++o) k.push_back(random_cube(in_channels, kernel.rows, kernel.cols, rng));
    return k;
}

/// A c×h×w cube as the 1×c×h×w tensor of one sample (a plane and a slice are both column-major).
Tensor4<double> as_tensor(const arma::cube& x) {
    Tensor4<double> t({1, x.n_slices, x.n_rows, x.n_cols});
    for (std::size_t c = 0; c < x.n_slices; ++c) t.plane(0, c) = x.slice(c);
    return t;
}

/// LayerWeights as the c_o×c_i×k_h×k_w weight tensor.
Tensor4<double> as_weight_tensor(const LayerWeights& k) {
    Tensor4<double> t({k.size(), k.front().n_slices, k.front().n_rows, k.front().n_cols});
    for (std::size_t o = 0; o < k.size(); ++o)
        for (std::size_t c = 0; c < k[o].n_slices; ++c) t.plane(o, c) = k[o].slice(c);
    return t;
}

/// Sample 0 of a tensor as a cube.
arma::cube as_cube(const Tensor4<double>& t) {
    arma::cube y(t.shape().h, t.shape().w, t.shape().c);
    for (std::size_t c = 0; c < t.shape().c; ++c) y.slice(c) = t.plane(0, c);
    return y;
}

/// The reference layer (no bias) on one sample, with `padding` zeros on each side.
arma::cube reference_layer(const arma::cube& x, const LayerWeights& k, Size2 stride = {1, 1}, Size2 padding = {0, 0}) {
    const Conv2dOptions options{.padding = Sides2::symmetric(padding.rows, padding.cols), .stride = {stride.rows, stride.cols}};
    return as_cube(ref::conv2d_layer(as_tensor(x), as_weight_tensor(k), {}, options));
}

/// The reference layer with one input and one output channel: a valid cross-correlation K ⊗ X.
arma::mat reference_plane(const arma::mat& x, const arma::mat& k) {
    return reference_layer(arma::cube(x.memptr(), x.n_rows, x.n_cols, 1), {arma::cube(k.memptr(), k.n_rows, k.n_cols, 1)}).slice(0);
}

/// Two matrices as the slices of a cube.
arma::cube two_channels(const arma::mat& first, const arma::mat& second) {
    arma::cube c(first.n_rows, first.n_cols, 2);
    c.slice(0) = first;
    c.slice(1) = second;
    return c;
}

std::string sz(const arma::mat& m) { return shape_of(m); }
std::string sz(const arma::cube& m) { return shape_of(m); }
std::string sz(Size2 s) { return str(s.rows, "×", s.cols); }

/// Compares the three counts in order; the quantity is `call`.field`against`.
std::optional<Mismatch> compare_cost(const std::string& call, const std::string& against, const LayerCost& got,
                                     const LayerCost& expected) {
    if (auto m = compare(call + ".multiply_adds" + against, got.multiply_adds, expected.multiply_adds)) return m;
    if (auto m = compare(call + ".parameters" + against, got.parameters, expected.parameters)) return m;
    return compare(call + ".activations" + against, got.activations, expected.activations);
}

/// The counts of one layer (bias, per-side padding) from cnnlab::conv2d_layer_counts; the
/// activations are its input plus its output.
LayerCost library_cost(std::size_t in_channels, std::size_t out_channels, Size2 kernel, Size2 input, Size2 stride, Size2 padding) {
    const Shape4 x{1, in_channels, input.rows, input.cols};
    const LayerCounts counts = conv2d_layer_counts(x, {out_channels, in_channels, kernel.rows, kernel.cols}, /*bias=*/true,
                                                   {.padding = Sides2::symmetric(padding.rows, padding.cols), .stride = {stride.rows, stride.cols}});
    return {static_cast<std::size_t>(counts.multiply_adds), counts.parameters, x.elements() + counts.output.elements()};
}

/// d2l's input of corr2d_multi_in: [[0,1,2],[3,4,5],[6,7,8]] and [[1,2,3],[4,5,6],[7,8,9]].
arma::cube d2l_input() {
    const arma::mat first{{0, 1, 2}, {3, 4, 5}, {6, 7, 8}};
    return two_channels(first, first + 1);
}

/// d2l's kernel of corr2d_multi_in: [[0,1],[2,3]] and [[1,2],[3,4]].
arma::cube d2l_kernel() {
    const arma::mat first{{0, 1}, {2, 3}};
    return two_channels(first, first + 1);
}

}  // namespace

Verdict check_conv1x1_matmul(const std::function<arma::cube(const arma::cube&, const arma::mat&)>& answer) {
    // Written out: channel 0 + channel 1, channel 0 − channel 1, 2·channel 0.
    const arma::cube x = two_channels({{1, 2}, {3, 4}}, {{5, 6}, {7, 8}});
    const arma::mat w{{1, 1}, {1, -1}, {2, 0}};
    arma::cube expected(2, 2, 3);
    expected.slice(0) = arma::mat{{6, 8}, {10, 12}};
    expected.slice(1) = arma::mat{{-4, -4}, {-4, -4}};
    expected.slice(2) = arma::mat{{2, 4}, {6, 8}};
    if (auto m = compare("conv1x1_matmul(X = [[1,2],[3,4]] and [[5,6],[7,8]], W = [[1,1],[1,−1],[2,0]])", answer(x, w), expected))
        return Verdict::wrong(*m);
    // (c_i, c_o, h, w): more outputs than inputs, one input channel, one output channel, 1×1 planes.
    struct Case {
        std::size_t in, out, rows, cols;
    };
    const std::vector<Case> cases{{3, 2, 4, 5}, {1, 4, 3, 3}, {5, 1, 2, 7}, {4, 6, 6, 1}, {2, 2, 1, 1}, {8, 3, 5, 4}};
    std::mt19937 rng(53);
    for (const Case& c : cases) {
        const arma::cube xr = random_cube(c.in, c.rows, c.cols, rng);
        const arma::mat wr = random_matrix(c.out, c.in, rng);
        LayerWeights k(c.out, arma::cube(1, 1, c.in));  // W as c_o × c_i × 1 × 1 weights
        for (std::size_t o = 0; o < c.out; ++o)
            for (std::size_t i = 0; i < c.in; ++i) k[o](0, 0, i) = wr(o, i);
        if (auto m = compare(str("conv1x1_matmul(X ", sz(xr), ", W ", sz(wr), ") against ref::conv2d_layer with 1×1 weights"),
                             answer(xr, wr), reference_layer(xr, k)))
            return Verdict::wrong(*m);
    }
    return Verdict::right(str("a literal 2 → 3 channel case; equals ref::conv2d_layer with 1×1 kernels on ", cases.size(), " random shapes"));
}

Verdict check_bottleneck_cost(
    const std::function<BottleneckCost(std::size_t, std::size_t, std::size_t, std::size_t, std::size_t, std::size_t)>& answer) {
    // GoogLeNet Inception (3a), 5×5 branch: 192 → 16 (1×1) → 32 (5×5) on 28×28 (784 pixels).
    //   direct:     784·32·192·25 = 120 422 400;  32·192·25 + 32 = 153 632;  784·(192 + 32) = 175 616
    //   bottleneck: 784·(16·192 + 32·16·25) = 12 443 648;  (3072 + 16) + (12 800 + 32) = 15 920;  784·(192 + 16 + 32) = 188 160
    const BottleneckCost inception = answer(192, 16, 32, 5, 28, 28);
    const std::string call = "bottleneck_cost(192 → 16 → 32, 5×5, 28×28)", googlenet = ", GoogLeNet Inception (3a)";
    if (auto m = compare_cost(call + ".direct", googlenet, inception.direct, {120'422'400, 153'632, 175'616})) return Verdict::wrong(*m);
    if (auto m = compare_cost(call + ".bottleneck", googlenet, inception.bottleneck, {12'443'648, 15'920, 188'160}))
        return Verdict::wrong(*m);
    std::size_t count = 0;
    for (std::size_t in : {8, 32})
        for (std::size_t reduced : {2, 4})
            for (std::size_t out : {8, 16})
                for (std::size_t k : {1, 3, 5})
                    for (const Size2 plane : {Size2{7, 9}, Size2{14, 14}}) {
                        const Size2 same{(k - 1) / 2, (k - 1) / 2}, kernel{k, k}, one{1, 1}, none{0, 0};
                        const LayerCost direct = library_cost(in, out, kernel, plane, one, same);
                        const LayerCost reduce = library_cost(in, reduced, one, plane, one, none);
                        const LayerCost spatial = library_cost(reduced, out, kernel, plane, one, same);
                        // The map between the two layers is the output of one and the input of the other: count it once.
                        const LayerCost both{reduce.multiply_adds + spatial.multiply_adds, reduce.parameters + spatial.parameters,
                                             reduce.activations + spatial.activations - reduced * plane.rows * plane.cols};
                        const BottleneckCost got = answer(in, reduced, out, k, plane.rows, plane.cols);
                        const std::string what = str("bottleneck_cost(", in, " → ", reduced, " → ", out, ", ", k, "×", k, ", ", sz(plane), ")");
                        const std::string against = " against cnnlab::conv2d_layer_counts";
                        if (auto m = compare_cost(what + ".direct", against, got.direct, direct)) return Verdict::wrong(*m);
                        if (auto m = compare_cost(what + ".bottleneck", against, got.bottleneck, both)) return Verdict::wrong(*m);
                        ++count;
                    }
    return Verdict::right(str("GoogLeNet's 5×5 branch: 120 422 400 → 12 443 648 multiply-adds, 153 632 → 15 920 parameters; "
                              "agrees with cnnlab::conv2d_layer_counts on ", count, " layers"));
}

Verdict check_corr2d_multi_in(const std::function<arma::mat(const arma::cube&, const arma::cube&)>& answer) {
    const arma::cube x = d2l_input(), k = d2l_kernel();
    const arma::mat got = answer(x, k);
    if (auto m = compare("corr2d_multi_in(d2l's X and K: 2 channels of 3×3 and 2×2)", got, arma::mat{{56, 72}, {104, 120}})) {
        const arma::mat convolved = cnnlab::conv2d(arma::mat(x.slice(0)), arma::mat(k.slice(0))) +
                                    cnnlab::conv2d(arma::mat(x.slice(1)), arma::mat(k.slice(1)));
        if (!compare("", got, convolved)) m->note = "this is a sum of convolutions: corr2d does not rotate the kernel";
        return Verdict::wrong(*m);
    }
    // (c, h, w, k_h, k_w): one channel, kernel = input, column kernels, 1×1 kernels.
    struct Case {
        std::size_t channels, rows, cols;
        Size2 kernel;
    };
    const std::vector<Case> cases{{1, 4, 5, {2, 3}}, {3, 5, 5, {3, 3}}, {2, 3, 6, {3, 1}}, {4, 4, 4, {4, 4}}, {2, 5, 3, {1, 1}}, {5, 7, 6, {2, 4}}};
    std::mt19937 rng(64);
    for (const Case& c : cases) {
        const arma::cube xr = random_cube(c.channels, c.rows, c.cols, rng);
        const arma::cube kr = random_cube(c.channels, c.kernel.rows, c.kernel.cols, rng);
        if (auto m = compare(str("corr2d_multi_in(X ", sz(xr), ", K ", sz(kr), ") against ref::conv2d_layer (one output channel)"),
                             answer(xr, kr), reference_layer(xr, {kr}).slice(0)))
            return Verdict::wrong(*m);
    }
    return Verdict::right(str("d2l's [[56,72],[104,120]]; equals ref::conv2d_layer on ", cases.size(), " random shapes"));
}

Verdict check_corr2d_multi_in_out(const std::function<arma::cube(const arma::cube&, const LayerWeights&)>& answer) {
    const arma::cube x = d2l_input(), k = d2l_kernel();
    arma::cube expected(2, 2, 3);
    expected.slice(0) = arma::mat{{56, 72}, {104, 120}};
    expected.slice(1) = arma::mat{{76, 100}, {148, 172}};
    expected.slice(2) = arma::mat{{96, 128}, {192, 224}};
    if (auto m = compare("corr2d_multi_in_out(d2l's X, K stacked with K + 1 and K + 2)", answer(x, {k, k + 1, k + 2}), expected))
        return Verdict::wrong(*m);
    // (c_i, c_o, h, w, kernel): one input or output channel, kernel = input, 1×1.
    struct Case {
        std::size_t in, out, rows, cols;
        Size2 kernel;
    };
    const std::vector<Case> cases{{1, 3, 4, 5, {2, 3}}, {3, 1, 5, 5, {3, 3}}, {2, 4, 3, 6, {3, 1}}, {3, 2, 4, 4, {4, 4}}, {4, 5, 5, 3, {1, 1}}, {2, 3, 7, 6, {2, 4}}};
    std::mt19937 rng(65);
    for (const Case& c : cases) {
        const arma::cube xr = random_cube(c.in, c.rows, c.cols, rng);
        const LayerWeights kr = random_weights(c.out, c.in, c.kernel, rng);
        if (auto m = compare(str("corr2d_multi_in_out(X ", sz(xr), ", K ", c.out, "×", c.in, "×", sz(c.kernel), ") against ref::conv2d_layer"),
                             answer(xr, kr), reference_layer(xr, kr)))
            return Verdict::wrong(*m);
    }
    return Verdict::right(str("d2l's three output channels; equals ref::conv2d_layer on ", cases.size(), " random shapes"));
}

Verdict check_equivalent_kernel(const std::function<arma::mat(const arma::mat&, const arma::mat&)>& answer) {
    // Notes on a wrong kernel: a full cross-correlation of the kernels (either order) is the usual slip.
    const auto note_on = [](Mismatch& m, const arma::mat& got, const arma::mat& k1, const arma::mat& k2) {
        const Options2d full{.padding = Mode::full};
        if (!compare("", got, cnnlab::xcorr2d(k1, k2, full)) || !compare("", got, cnnlab::xcorr2d(k2, k1, full)))
            m.note = "this is a full cross-correlation of the kernels; stacked layers add their offsets, so the kernels combine by a convolution";
    };
    // Written out: K(m, n) = Σ K1(u, v)·K2(m − u, n − v).
    const arma::mat k1{{0, 1}, {2, 3}}, k2{{1, 2}, {3, 4}};
    const arma::mat literal = answer(k1, k2);
    if (auto m = compare("equivalent_kernel(K1 = [[0,1],[2,3]], K2 = [[1,2],[3,4]])", literal, arma::mat{{0, 1, 2}, {2, 10, 10}, {6, 17, 12}})) {
        note_on(*m, literal, k1, k2);
        return Verdict::wrong(*m);
    }
    // (K1, K2) shapes: two 3×3 (a 5×5 field), non-square, a 1×1, a separable pair, K2 wider than K1.
    const std::vector<std::pair<Size2, Size2>> shapes{{{3, 3}, {3, 3}}, {{2, 3}, {3, 2}}, {{1, 1}, {3, 2}}, {{1, 3}, {3, 1}}, {{4, 2}, {2, 5}}, {{2, 2}, {4, 4}}};
    std::mt19937 rng(66);
    for (const auto& [s1, s2] : shapes) {
        const arma::mat a = random_matrix(s1.rows, s1.cols, rng), b = random_matrix(s2.rows, s2.cols, rng);
        const arma::mat got = answer(a, b);
        // The impulse response of the two stacked reference layers: a single 1 in the middle of a
        // (2R−1)×(2S−1) input gives rot180(K) (R×S, the size of the equivalent kernel).
        const std::size_t rows = s1.rows + s2.rows - 1, cols = s1.cols + s2.cols - 1;
        arma::mat impulse(2 * rows - 1, 2 * cols - 1, arma::fill::zeros);
        impulse(rows - 1, cols - 1) = 1;
        const arma::mat expected = arma::flipud(arma::fliplr(reference_plane(reference_plane(impulse, a), b)));
        const std::string what = str("equivalent_kernel(K1 ", sz(a), ", K2 ", sz(b), ")");
        if (auto m = compare(what + " against the response of the two stacked ref::conv2d_layer to a single 1", got, expected)) {
            note_on(*m, got, a, b);
            return Verdict::wrong(*m);
        }
        // The claim itself, on a random input: K ⊗ X = K2 ⊗ (K1 ⊗ X).
        const arma::mat x = random_matrix(rows + 4, cols + 3, rng);
        if (auto m = compare(what + ": K ⊗ X against K2 ⊗ (K1 ⊗ X), random X " + sz(x) + ", both by ref::conv2d_layer",
                             reference_plane(x, got), reference_plane(reference_plane(x, a), b)))
            return Verdict::wrong(*m);
    }
    return Verdict::right(str("a literal 3×3 kernel; on ", shapes.size(),
                              " kernel pairs K has (k1 + k2 − 1) rows and columns, is the impulse response of the two stacked "
                              "layers, and K ⊗ X = K2 ⊗ (K1 ⊗ X) on a random X"));
}

Verdict check_layer_cost(const std::function<LayerCost(std::size_t, std::size_t, Size2, Size2, Size2, Size2)>& answer) {
    // AlexNet conv1: 3 → 96, 11×11, stride 4, 227×227 → 55×55:
    //   96·55·55·3·121 = 105 415 200;  96·363 + 96 = 34 944;  3·227² + 96·55² = 154 587 + 290 400 = 444 987.
    if (auto m = compare_cost("layer_cost(3 → 96, kernel 11×11, input 227×227, stride 4×4, padding 0×0)", ", AlexNet conv1",
                              answer(3, 96, {11, 11}, {227, 227}, {4, 4}, {0, 0}), {105'415'200, 34'944, 444'987}))
        return Verdict::wrong(*m);
    // Note 001: x (4, 2, 3, 5) with Conv2d(2, 3, (3, 5), padding=(1, 2)) → (4, 3, 3, 5); per sample
    //   3·15·2·15 = 1350;  3·2·15 + 3 = 93;  2·15 + 3·15 = 75.
    if (auto m = compare_cost("layer_cost(2 → 3, kernel 3×5, input 3×5, stride 1×1, padding 1×2)", ", note 001's Conv2d example",
                              answer(2, 3, {3, 5}, {3, 5}, {1, 1}, {1, 2}), {1350, 93, 75}))
        return Verdict::wrong(*m);
    std::size_t count = 0;
    for (std::size_t in : {1, 3})
        for (std::size_t out : {2, 5})
            for (const Size2 kernel : {Size2{1, 1}, Size2{3, 3}, Size2{2, 5}, Size2{5, 2}})
                for (const Size2 input : {Size2{6, 7}, Size2{9, 5}})
                    for (const Size2 stride : {Size2{1, 1}, Size2{2, 3}})
                        for (const Size2 padding : {Size2{0, 0}, Size2{1, 2}}) {
                            const std::string what = str("layer_cost(", in, " → ", out, ", kernel ", sz(kernel), ", input ", sz(input), ", stride ",
                                                         sz(stride), ", padding ", sz(padding), ")");
                            if (auto m = compare_cost(what, " against cnnlab::conv2d_layer_counts", answer(in, out, kernel, input, stride, padding),
                                                      library_cost(in, out, kernel, input, stride, padding)))
                                return Verdict::wrong(*m);
                            ++count;
                        }
    return Verdict::right(str("AlexNet conv1 (105 415 200 multiply-adds, 34 944 parameters) and note 001's example; agrees with "
                              "cnnlab::conv2d_layer_counts on ", count, " layers"));
}

Verdict check_doubling_factors(const std::function<ScalingFactors()>& answer) {
    // Each factor is the ratio of two layers' counts from the library: 3 → 8 against 6 → 16
    // channels (3×3, padding 1, 32×32), and padding 1 against 2.
    const auto counts = [](std::size_t in, std::size_t out, std::size_t padding) {
        return conv2d_layer_counts({1, in, 32, 32}, {out, in, 3, 3}, /*bias=*/false, {.padding = Sides2::symmetric(padding, padding)});
    };
    const LayerCounts base = counts(3, 8, 1), doubled = counts(6, 16, 1), padded = counts(3, 8, 2);
    const ScalingFactors got = answer();
    const std::string channels = "c_i and c_o doubled (3 → 8 becomes 6 → 16, 3×3 on 32×32): factor of ";
    if (auto m = compare_number(channels + "multiply_adds", got.multiply_adds, doubled.multiply_adds / base.multiply_adds))
        return Verdict::wrong(*m);
    if (auto m = compare_number(channels + "weights", got.weights, double(doubled.weight.elements()) / double(base.weight.elements())))
        return Verdict::wrong(*m);
    if (auto m = compare_number(channels + "input_values", got.input_values, 2.0)) return Verdict::wrong(*m);
    if (auto m = compare_number(channels + "output_values", got.output_values, double(doubled.output.elements()) / double(base.output.elements())))
        return Verdict::wrong(*m);
    if (auto m = compare_number("padding 1 → 2 (3×3, stride 1, 32×32 input): factor of multiply_adds", got.padding_doubled_multiply_adds,
                                padded.multiply_adds / base.multiply_adds)) {
        if (!compare_number("", got.padding_doubled_multiply_adds, 1.0)) m->note = "the output grows: 32×32 becomes 34×34";
        return Verdict::wrong(*m);
    }
    return Verdict::right("×4 multiply-adds and weights, ×2 input and output values; doubling the padding gives 34²/32² = 1.1289 "
                          "(checked against cnnlab::conv2d_layer_counts)");
}

Verdict check_im2col_layer(const std::function<arma::mat(const arma::cube&, Size2, Size2, Size2)>& answer) {
    // Written out: channel 0's block is Chapter 1's literal, channel 1's the same plus 1.
    const arma::mat block{{0, 3, 1, 4}, {3, 6, 4, 7}, {1, 4, 2, 5}, {4, 7, 5, 8}};
    if (auto m = compare("im2col_layer(d2l's 2-channel X [[0,1,2],[3,4,5],[6,7,8]] and [[1,2,3],[4,5,6],[7,8,9]], kernel 2×2, stride 1×1, padding 0×0)",
                         answer(d2l_input(), {2, 2}, {1, 1}, {0, 0}), arma::mat(arma::join_cols(block, block + 1))))
        return Verdict::wrong(*m);
    struct Case {
        std::size_t channels, rows, cols, out;
        Size2 kernel, stride, padding;
    };
    const std::vector<Case> cases{{2, 5, 6, 3, {2, 3}, {1, 1}, {0, 0}}, {3, 7, 5, 2, {3, 2}, {2, 1}, {1, 0}}, {1, 6, 6, 4, {3, 3}, {3, 2}, {1, 1}},
                                  {4, 4, 4, 1, {4, 4}, {1, 1}, {0, 0}}, {2, 5, 3, 3, {1, 1}, {2, 2}, {0, 1}}, {3, 8, 7, 2, {2, 4}, {3, 3}, {2, 1}}};
    std::mt19937 rng(67);
    for (const Case& c : cases) {
        const arma::cube x = random_cube(c.channels, c.rows, c.cols, rng);
        const std::string what = str("im2col_layer(X ", sz(x), ", kernel ", sz(c.kernel), ", stride ", sz(c.stride), ", padding ", sz(c.padding), ")");
        // Against the library: Chapter 1's single-plane im2col of each channel, stacked.
        const Geometry2d g = resolve_geometry("im2col_layer", c.rows, c.cols, c.kernel.rows, c.kernel.cols,
                                              {.padding = Sides2::symmetric(c.padding.rows, c.padding.cols), .stride = {c.stride.rows, c.stride.cols}});
        arma::mat stacked;
        for (std::size_t ch = 0; ch < c.channels; ++ch) stacked = arma::join_cols(stacked, cnnlab::im2col(arma::mat(x.slice(ch)), g));
        const arma::mat got = answer(x, c.kernel, c.stride, c.padding);
        if (auto m = compare(what + " against cnnlab::im2col of each channel, stacked", got, stacked)) return Verdict::wrong(*m);
        // And its use: W_mat · im2col is the layer.
        const LayerWeights k = random_weights(c.out, c.channels, c.kernel, rng);
        arma::mat w_mat(c.out, c.channels * c.kernel.rows * c.kernel.cols);
        for (std::size_t o = 0; o < c.out; ++o) w_mat.row(o) = arma::vectorise(k[o]).t();
        const arma::cube y = reference_layer(x, k, c.stride, c.padding);
        arma::mat y_mat(c.out, y.n_rows * y.n_cols);
        for (std::size_t o = 0; o < c.out; ++o) y_mat.row(o) = arma::vectorise(y.slice(o)).t();
        if (auto m = compare(what + ": W_mat · im2col against ref::conv2d_layer (row o = output channel o, column i + h_o·j)",
                             arma::mat(w_mat * got), y_mat))
            return Verdict::wrong(*m);
    }
    return Verdict::right(str("a literal 8×4 case; equals cnnlab::im2col per channel on ", cases.size(),
                              " shapes with stride and padding, and W_mat · im2col = ref::conv2d_layer on each"));
}

/// Adds Chapter 2 and its exercises, each check bound to the learner's function.
void register_exercises(Registry& registry) {
    registry.add_chapter({2, "convolution layers 卷积层", "exercises/ch02/ch02_exercises.cpp"});
    const auto add = [&](std::string id, std::string title, std::string source, std::string function, std::string hint,
                         std::function<Verdict()> check) {
        registry.add({std::move(id), 2, std::move(title), std::move(source), std::move(function), std::move(hint), std::move(check)});
    };
    const std::string d2l = "d2l Multiple Input and Multiple Output Channels";
    add("5-3.1", "a 1×1 conv layer is one matrix product over the channels", "nndl ex 5-3", "conv1x1_matmul(X, W)",
        "arma::mat(X.memptr(), h·w, c_i) is X with one column per channel (a cube is stored slice after slice, each "
        "column-major): the transpose of the c_i × hw layout. Multiply by W, then slice o of the result is row o of the "
        "product reshaped to h×w; there are W.n_rows output channels.",
        [] { return check_conv1x1_matmul(conv1x1_matmul); });
    add("5-3.2", "cost of a k×k layer behind a 1×1 bottleneck", "nndl ex 5-3",
        "bottleneck_cost(in_channels, reduced, out_channels, kernel, height, width)",
        "a k×k layer a → b with 'same' padding on h×w costs b·a·k²·h·w multiply-adds and b·a·k² + b parameters. The "
        "bottleneck is the 1×1 layer c_in → m plus the k×k layer m → c_out; its activations are c_in·h·w + m·h·w + c_out·h·w.",
        [] { return check_bottleneck_cost(bottleneck_cost); });
    add("d2l-multi-in", "corr2d_multi_in: several input channels", d2l, "corr2d_multi_in(X, K)",
        "the output is (h−k_h+1)×(w−k_w+1): the sum over c of cnnlab::xcorr2d(X.slice(c), K.slice(c)) — each channel with "
        "its own kernel, and no kernel flipped (that would be convolution).",
        [] { return check_corr2d_multi_in(corr2d_multi_in); });
    add("d2l-multi-in-out", "corr2d_multi_in_out: several output channels", d2l, "corr2d_multi_in_out(X, K)",
        "make a cube of K.size() slices and set slice o to corr2d_multi_in(X, K[o]); every K[o] has as many slices as X.",
        [] { return check_corr2d_multi_in_out(corr2d_multi_in_out); });
    add("d2l-stacked-kernels", "two stacked kernels as one, and its size", d2l + ", ex 1", "equivalent_kernel(K1, K2)",
        "y(i, j) = Σ K2(a, b)·Σ K1(u, v)·x(i+a+u, j+b+v): the offsets add, so K(m, n) sums K1(u, v)·K2(a, b) over "
        "u + a = m, v + b = n — a full convolution of the two kernels (cnnlab::conv2d(K1, K2, {.padding = Mode::full})), "
        "not a cross-correlation; it has k1 + k2 − 1 rows and columns.",
        [] { return check_equivalent_kernel(equivalent_kernel); });
    add("d2l-layer-cost", "multiply-adds, parameters and activations of a layer", d2l + ", ex 2",
        "layer_cost(in_channels, out_channels, kernel, input, stride, padding)",
        "h_o = ⌊(h + 2p_h − k_h)/s_h⌋ + 1 and w_o likewise; each of the c_o·h_o·w_o outputs takes c_i·k_h·k_w "
        "multiply-adds; parameters c_o·c_i·k_h·k_w + c_o; activations c_i·h·w + c_o·h_o·w_o.",
        [] { return check_layer_cost(layer_cost); });
    add("d2l-doubling", "doubling the channels, doubling the padding: cost factors", d2l + ", ex 3", "doubling_factors()",
        "multiply-adds and weights are proportional to c_i·c_o; the input holds c_i planes and the output c_o planes. "
        "Padding 2 instead of 1 on a 3×3, stride-1 layer turns a 32×32 output into 34×34; nothing else changes.",
        [] { return check_doubling_factors(doubling_factors); });
    add("impl-im2col-layer", "im2col for a multi-channel layer input", "implementation", "im2col_layer(X, kernel, stride, padding)",
        "pad each channel first (p_h zero rows above and below, p_w zero columns left and right), then "
        "result(u + k_h·v + k_h·k_w·c, i + h_o·j) = padded_c(i·s_h + u, j·s_w + v): channel c's rows are Chapter 1's im2col "
        "of that channel.",
        [] { return check_im2col_layer(im2col_layer); });
}

}  // namespace cnnlab::exercises::ch02

namespace cnnlab::exercises {
void register_ch02_exercises(Registry& registry) { ch02::register_exercises(registry); }
}  // namespace cnnlab::exercises

// The checks of Chapter 7's exercises and their registration. Oracles: closed-form counts written
// here (output shape, parameters, multiply-accumulates of d2l's blocks), compared with what
// Layer::infer traces in the learner's block; d2l's sequence of layer kinds; one forward pass.
#include "exercises/ch07/ch07_checks.hpp"

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch00_foundation/tensor.hpp"
#include "chapters/ch07_networks/network.hpp"
#include "exercises/checker/compare.hpp"

#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace cnnlab::exercises::ch07 {

namespace {

using Count = std::uint64_t;

/// What the check expects of a block on one input.
struct Expected {
    Shape4 output{};
    Count parameters = 0;
    Count macs = 0;
    std::vector<std::string> kinds{};  ///< the leaf layers' kinds in order (depth-first, branches in order)
};

/// A piece of the block whose absence (or duplication) explains a wrong count: "the bias of the
/// 3×3 conv" with its parameters and MACs.
struct Part {
    std::string name{};
    Count parameters = 0;
    Count macs = 0;
    std::string explanation{};  ///< said instead of "did you forget <name>?" when set
};

/// One call of the learner's function on one input.
struct Case {
    std::string call{};  ///< "vgg_block(2, 3, 64)"
    Shape4 input{};
    Expected expected{};
    std::vector<Part> parts{};
    bool run = true;   ///< also run a forward pass (small shapes only)
    std::size_t growth = 0;  ///< the channels each conv block adds (impl-dense-block only)
    std::function<LayerPtr()> build{};  ///< calls the learner's function with this case's arguments
};

std::string counted(Count value) { return str(value); }

/// "64 too few: did you forget the bias of a conv (64 values)?" — every part whose size is the
/// difference is named; empty after the count when none is.
std::string count_note(Count got, Count expected, const std::vector<Part>& parts, bool parameters) {
    const bool few = got < expected;
    const Count difference = few ? expected - got : got - expected;
    const std::string note = str(difference, few ? " too few" : " too many");
    std::string names;
    for (const Part& part : parts) {
        if ((parameters ? part.parameters : part.macs) != difference) continue;
        if (!part.explanation.empty()) return note + ": " + part.explanation;
        names += (names.empty() ? "" : " or the ") + part.name;
    }
    if (names.empty()) return note;
    return note + (few ? str(": did you forget the ", names, "?") : str(": is there an extra ", names, "?"));
}

/// The leaf rows of a block traced on `input`.
std::vector<LayerInfo> leaves(const Layer& block, const Shape4& input) {
    std::vector<LayerInfo> rows;
    for (LayerInfo& row : summarize(block, input))
        if (!row.composite) rows.push_back(std::move(row));
    return rows;
}

std::string kinds_text(const std::vector<std::string>& kinds) {
    std::string text;
    for (const std::string& kind : kinds) text += (text.empty() ? "" : ", ") + kind;
    return text;
}

/// Normally distributed values, so that a forward pass meets signs and sizes of every kind.
Tensor4<float> random_input(Shape4 shape, std::uint64_t seed) {
    std::mt19937_64 random(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    Tensor4<float> x(shape, uninitialized);
    for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = normal(random);
    return x;
}

/// Traces the learner's block, compares shape, parameters, MACs and layer kinds, then runs it.
/// `shape_note` may explain a wrong output shape.
std::optional<Mismatch> check_case(const Case& c, Layer* block,
                                   const std::function<std::string(const Shape4& got)>& shape_note = {}) {
    const std::string on = str(c.call, " on ", c.input.str());
    if (!block) return Mismatch{.quantity = c.call, .expected = "a block", .got = "nullptr"};
    LayerInfo info;
    try {
        info = block->infer(c.input);
    } catch (const shape_error& e) {
        return Mismatch{.quantity = on,
                        .expected = str("output ", c.expected.output.str()),
                        .got = "a shape_error",
                        .note = e.what()};
    }
    if (info.output != c.expected.output) {
        Mismatch m{.quantity = str(on, ": output"), .expected_shape = c.expected.output.str(), .got_shape = info.output.str()};
        if (shape_note) m.note = shape_note(info.output);
        return m;
    }
    if (info.parameters != c.expected.parameters)
        return Mismatch{.quantity = str(on, ": parameters"),
                        .expected = counted(c.expected.parameters),
                        .got = counted(info.parameters),
                        .note = count_note(info.parameters, c.expected.parameters, c.parts, true)};
    if (info.macs != c.expected.macs)
        return Mismatch{.quantity = str(on, ": multiply-accumulates"),
                        .expected = counted(c.expected.macs),
                        .got = counted(info.macs),
                        .note = count_note(info.macs, c.expected.macs, c.parts, false)};
    const std::vector<LayerInfo> rows = leaves(*block, c.input);
    std::vector<std::string> kinds;
    for (const LayerInfo& row : rows) kinds.push_back(row.kind);
    if (kinds != c.expected.kinds) {
        std::size_t i = 0;
        while (i < kinds.size() && i < c.expected.kinds.size() && kinds[i] == c.expected.kinds[i]) ++i;
        return Mismatch{.quantity = str(on, ": the layers in order"),
                        .index = str("[", i, "]", i < rows.size() ? str(" (", rows[i].path, ")") : std::string()),
                        .expected = i < c.expected.kinds.size() ? c.expected.kinds[i] : std::string("no more layers"),
                        .got = i < kinds.size() ? kinds[i] : std::string("no more layers"),
                        .note = str("d2l's block: ", kinds_text(c.expected.kinds))};
    }
    if (c.run) {
        Shape4 batch = c.input;
        batch.n = 2;
        Shape4 expected = c.expected.output;
        expected.n = 2;
        initialize(*block, 7);
        const Tensor4<float> y = block->forward(random_input(batch, 11), Implementation::optimized);
        if (y.shape() != expected)
            return Mismatch{.quantity = str(c.call, ": forward on ", batch.str()), .expected_shape = expected.str(),
                            .got_shape = y.shape().str()};
        for (std::size_t i = 0; i < y.size(); ++i)
            if (!std::isfinite(y.data()[i]))
                return Mismatch{.quantity = str(c.call, ": forward on ", batch.str()), .index = str("[", i, "]"),
                                .expected = "a finite value", .got = number(double(y.data()[i]))};
    }
    return std::nullopt;
}

/// Runs every case through `build` (which calls the learner) and says what was compared.
Verdict check_cases(const std::vector<Case>& cases,
                    const std::function<std::string(const Case&, const Shape4&)>& shape_note = {}) {
    std::size_t runs = 0;
    for (const Case& c : cases) {
        LayerPtr block = c.build();
        std::function<std::string(const Shape4&)> note;
        if (shape_note) note = [&](const Shape4& got) { return shape_note(c, got); };
        if (auto m = check_case(c, block.get(), note)) return Verdict::wrong(*m);
        runs += c.run;
    }
    return Verdict::right(str(cases.size(), " calls: output shape, parameters, multiply-accumulates and layer kinds of infer() "
                                            "against closed-form counts; ",
                              runs, " forward passes (initialize + forward, optimized) give the traced shape"));
}

std::vector<std::string> repeat(std::vector<std::string> unit, std::size_t times) {
    std::vector<std::string> all;
    for (std::size_t i = 0; i < times; ++i) all.insert(all.end(), unit.begin(), unit.end());
    return all;
}

/// ⌊(n + 2p − k)/s⌋ + 1
std::size_t conv_size(std::size_t n, std::size_t k, std::size_t s, std::size_t p) { return (n + 2 * p - k) / s + 1; }

// ---- impl-vgg-block -----------------------------------------------------------------------------

Case vgg_case(std::size_t n, std::size_t in, std::size_t out, std::size_t h, std::size_t w, bool run = true) {
    const Count hw = Count{h} * w;
    Case c{.call = str("vgg_block(", n, ", ", in, ", ", out, ")"), .input = {1, in, h, w}};
    c.expected.output = {1, out, h / 2, w / 2};
    c.expected.parameters = 9 * Count{in} * out + out + (n - 1) * (9 * Count{out} * out + out);
    c.expected.macs = 9 * hw * out * (in + (n - 1) * Count{out});
    c.expected.kinds = repeat({"Conv2d", "ReLU"}, n);
    c.expected.kinds.push_back("MaxPool2d");
    c.parts = {{str("bias of a conv (", out, " values)"), out, 0},
               {str("biases of the convs (", n, " × ", out, " values)"), n * Count{out}, 0},
               {str("3×3 conv ", out, " → ", out), 9 * Count{out} * out + out, 9 * hw * out * out}};
    c.run = run;
    return c;
}

std::string vgg_shape_note(const Case& c, const Shape4& got) {
    if (got.h == c.input.h && got.w == c.input.w) return "the size is not halved: the block ends with a 2×2 max pool of stride 2";
    if (got.h < c.input.h / 2) return "the convs must keep the size (3×3 with padding 1); only the pooling halves it";
    return {};
}

// ---- impl-nin-block -----------------------------------------------------------------------------

Case nin_case(std::size_t in, std::size_t out, std::size_t k, std::size_t s, std::size_t p, std::size_t h, std::size_t w,
              bool run = true) {
    const std::size_t ho = conv_size(h, k, s, p), wo = conv_size(w, k, s, p);
    const Count o = Count{ho} * wo;
    Case c{.call = str("nin_block(", in, ", ", out, ", ", k, ", ", s, ", ", p, ")"), .input = {1, in, h, w}};
    c.expected.output = {1, out, ho, wo};
    c.expected.parameters = Count{in} * out * k * k + out + 2 * (Count{out} * out + out);
    c.expected.macs = o * out * (Count{in} * k * k + 2 * Count{out});
    c.expected.kinds = repeat({"Conv2d", "ReLU"}, 3);
    c.parts = {{str("bias of a conv (", out, " values)"), out, 0},
               {str("biases of the three convs (3 × ", out, " values)"), 3 * Count{out}, 0},
               {str("1×1 conv ", out, " → ", out), Count{out} * out + out, o * out * out}};
    c.run = run;
    return c;
}

std::string nin_shape_note(const Case& c, const Shape4& got) {
    if (got.h != c.expected.output.h || got.w != c.expected.output.w)
        return str("the first conv gives ⌊(H + 2p − k)/s⌋ + 1 = ", c.expected.output.h, "×", c.expected.output.w,
                   "; the 1×1 convs (stride 1, no padding) keep it");
    return {};
}

// ---- impl-inception -----------------------------------------------------------------------------

Case inception_case(std::size_t in, std::size_t c1, BranchWidths c2, BranchWidths c3, std::size_t c4, std::size_t h,
                    std::size_t w, bool run = true) {
    const Count hw = Count{h} * w;
    const Count i = in;
    Case c{.call = str("inception(", in, ", ", c1, ", {", c2.first, ", ", c2.second, "}, {", c3.first, ", ", c3.second, "}, ", c4, ")"),
           .input = {1, in, h, w}};
    c.expected.output = {1, c1 + c2.second + c3.second + c4, h, w};
    const Count weights = i * c1 + i * c2.first + 9 * Count{c2.first} * c2.second + i * c3.first +
                          25 * Count{c3.first} * c3.second + i * c4;
    const Count biases = Count{c1} + c2.first + c2.second + c3.first + c3.second + c4;
    c.expected.parameters = weights + biases;
    c.expected.macs = hw * weights;
    c.expected.kinds = {"Conv2d", "ReLU", "Conv2d", "ReLU", "Conv2d", "ReLU", "Conv2d",
                        "ReLU",   "Conv2d", "ReLU", "MaxPool2d", "Conv2d", "ReLU"};
    c.parts = {{str("bias of branch 1's 1×1 conv (", c1, " values)"), c1, 0},
               {str("bias of branch 2's 1×1 conv (", c2.first, " values)"), c2.first, 0},
               {str("bias of branch 2's 3×3 conv (", c2.second, " values)"), c2.second, 0},
               {str("bias of branch 3's 1×1 conv (", c3.first, " values)"), c3.first, 0},
               {str("bias of branch 3's 5×5 conv (", c3.second, " values)"), c3.second, 0},
               {str("bias of branch 4's 1×1 conv (", c4, " values)"), c4, 0},
               {str("biases of the six convs (", biases, " values)"), biases, 0},
               {"1×1 conv of branch 1", i * c1 + c1, hw * i * c1},
               {"1×1 conv of branch 4", i * c4 + c4, hw * i * c4},
               {"16 taps per kernel of branch 3's second conv (a 5×5 kernel, not 3×3)", 16 * Count{c3.first} * c3.second,
                16 * hw * c3.first * c3.second}};
    c.run = run;
    return c;
}

std::string inception_shape_note(const Case& c, const Shape4& got) {
    if (got.h != c.input.h || got.w != c.input.w)
        return "every branch must keep the size: padding 1 for the 3×3 conv and the pool (stride 1), padding 2 for the 5×5";
    return "the channels are the sum of the four branches' outputs: c1 + c2.second + c3.second + c4";
}

// ---- impl-residual ------------------------------------------------------------------------------

Case residual_case(std::size_t in, std::size_t out, bool use_1x1conv, std::size_t stride, std::size_t h, std::size_t w,
                   bool run = true) {
    const std::size_t ho = conv_size(h, 3, stride, 1), wo = conv_size(w, 3, stride, 1);
    const Count o = Count{ho} * wo;
    Case c{.call = str("residual(", in, ", ", out, ", ", use_1x1conv ? "true" : "false", ", ", stride, ")"), .input = {1, in, h, w}};
    c.expected.output = {1, out, ho, wo};
    const Count shortcut = use_1x1conv ? Count{in} * out + out : 0;
    c.expected.parameters = (9 * Count{in} * out + out) + 2 * Count{out} + (9 * Count{out} * out + out) + 2 * Count{out} + shortcut;
    c.expected.macs = o * out * (9 * Count{in} + 9 * Count{out} + (use_1x1conv ? in : 0));
    c.expected.kinds = {"Conv2d", "BatchNorm2d", "ReLU", "Conv2d", "BatchNorm2d"};
    if (use_1x1conv) c.expected.kinds.push_back("Conv2d");
    c.expected.kinds.push_back("ReLU");
    c.parts = {{str("1×1 shortcut conv", use_1x1conv ? "" : " (use_1x1conv is false: the shortcut is the identity)"),
                Count{in} * out + out, o * in * out},
               {str("bias of a conv (", out, " values)"), out, 0},
               {str("BatchNorm's scale and shift (2 × ", out, " values)"), 2 * Count{out}, 0}};
    if (stride > 1)  // the stride on the second conv: the first one runs at the input's full size
        c.parts.push_back({"", 0, (Count{h} * w - o) * 9 * in * out,
                           str("the first 3×3 conv ran at the input's ", h, "×", w, "; d2l puts the stride in the first conv (and "
                               "the shortcut), so both convs run at ", ho, "×", wo)});
    c.run = run;
    return c;
}

std::string residual_shape_note(const Case& c, const Shape4& got) {
    if (c.expected.output.h != c.input.h && got.h == c.input.h)
        return "the stride goes into the first 3×3 conv (and the 1×1 shortcut), which halve the size";
    if (got.h != c.expected.output.h) return "only the first 3×3 conv has the stride; the second has stride 1 (both padding 1)";
    return {};
}

// ---- impl-dense-block ---------------------------------------------------------------------------

Case dense_case(std::size_t n, std::size_t in, std::size_t growth, std::size_t h, std::size_t w, bool run = true) {
    const Count hw = Count{h} * w;
    Case c{.call = str("dense_block(", n, ", ", in, ", ", growth, ")"), .input = {1, in, h, w}};
    c.expected.output = {1, in + n * growth, h, w};
    Count channels_seen = 0, batch_norms = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const Count ci = in + i * Count{growth};
        channels_seen += ci;
        batch_norms += 2 * ci;
    }
    c.expected.parameters = batch_norms + 9 * channels_seen * growth + n * Count{growth};
    c.expected.macs = 9 * hw * channels_seen * growth;
    c.expected.kinds = repeat({"Identity", "BatchNorm2d", "ReLU", "Conv2d"}, n);
    c.parts = {{str("bias of a conv (", growth, " values)"), growth, 0},
               {str("biases of the convs (", n, " × ", growth, " values)"), n * Count{growth}, 0},
               {str("BatchNorms (", batch_norms, " values)"), batch_norms, 0}};
    c.run = run;
    c.growth = growth;
    return c;
}

std::string dense_shape_note(const Case& c, const Shape4& got) {
    if (got.c == c.growth) return "only the last conv block's output is left: concatenate each block's output to its input";
    if (got.c < c.expected.output.c) return "each conv block adds `growth` channels to what it receives: in + num_convs·growth";
    return {};
}

// ---- impl-transition ----------------------------------------------------------------------------

Case transition_case(std::size_t in, std::size_t out, std::size_t h, std::size_t w, bool run = true) {
    const Count hw = Count{h} * w, pooled = Count{h / 2} * (w / 2);
    Case c{.call = str("transition_block(", in, ", ", out, ")"), .input = {1, in, h, w}};
    c.expected.output = {1, out, h / 2, w / 2};
    c.expected.parameters = 2 * Count{in} + Count{in} * out + out;
    c.expected.macs = hw * in * out;
    c.expected.kinds = {"BatchNorm2d", "ReLU", "Conv2d", "AvgPool2d"};
    c.parts = {{str("bias of the conv (", out, " values)"), out, 0},
               {str("BatchNorm's scale and shift (2 × ", in, " values)"), 2 * Count{in}, 0},
               {"the conv after the pooling", 0, (hw - pooled) * in * out,
                str("the 1×1 conv ran on the pooled ", h / 2, "×", w / 2, "; d2l's block pools after the conv, which runs on ", h,
                    "×", w)}};
    c.run = run;
    return c;
}

std::string transition_shape_note(const Case& c, const Shape4& got) {
    if (got.h == c.input.h) return "the size is not halved: the block ends with a 2×2 average pool of stride 2";
    return {};
}

/// A case bound to the learner's function and its arguments.
Case bind(Case c, std::function<LayerPtr()> build) {
    c.build = std::move(build);
    return c;
}

}  // namespace

Verdict check_vgg_block(const std::function<std::unique_ptr<Sequential>(std::size_t, std::size_t, std::size_t)>& answer) {
    const auto call = [&](std::size_t n, std::size_t in, std::size_t out, std::size_t h, std::size_t w, bool run = true) {
        return bind(vgg_case(n, in, out, h, w, run), [=] { return LayerPtr(answer(n, in, out)); });
    };
    return check_cases({call(2, 3, 64, 224, 224, false),  // d2l's example
                        call(1, 1, 16, 32, 32), call(2, 3, 8, 20, 20),
                        call(2, 16, 32, 17, 17),  // odd: the pooling floors
                        call(3, 4, 6, 12, 10)},
                       vgg_shape_note);
}

Verdict check_nin_block(const std::function<LayerPtr(std::size_t, std::size_t, std::size_t, std::size_t, std::size_t)>& answer) {
    const auto call = [&](std::size_t in, std::size_t out, std::size_t k, std::size_t s, std::size_t p, std::size_t h,
                          std::size_t w, bool run = true) {
        return bind(nin_case(in, out, k, s, p, h, w, run), [=] { return answer(in, out, k, s, p); });
    };
    return check_cases({call(1, 96, 11, 4, 0, 224, 224, false),  // d2l's first block
                        call(96, 256, 5, 1, 2, 26, 26, false),   // and its second
                        call(3, 8, 3, 1, 1, 10, 10), call(2, 5, 5, 2, 2, 15, 13),
                        call(4, 10, 3, 1, 1, 5, 5)},  // the last block: one channel per class
                       nin_shape_note);
}

Verdict check_inception(const std::function<LayerPtr(std::size_t, std::size_t, BranchWidths, BranchWidths, std::size_t)>& answer) {
    const auto call = [&](std::size_t in, std::size_t c1, BranchWidths c2, BranchWidths c3, std::size_t c4, std::size_t h,
                          std::size_t w, bool run = true) {
        return bind(inception_case(in, c1, c2, c3, c4, h, w, run), [=] { return answer(in, c1, c2, c3, c4); });
    };
    return check_cases({call(192, 64, {96, 128}, {16, 32}, 32, 28, 28, false),     // GoogLeNet's 3a
                        call(256, 128, {128, 192}, {32, 96}, 64, 28, 28, false),   // 3b
                        call(528, 256, {160, 320}, {32, 128}, 128, 14, 14, false),  // 4e
                        call(4, 2, {3, 5}, {1, 2}, 3, 6, 6), call(5, 1, {2, 2}, {2, 3}, 2, 7, 5)},
                       inception_shape_note);
}

Verdict check_residual(const std::function<LayerPtr(std::size_t, std::size_t, bool, std::size_t)>& answer) {
    const auto call = [&](std::size_t in, std::size_t out, bool use_1x1conv, std::size_t stride, std::size_t h, std::size_t w,
                          bool run = true) {
        return bind(residual_case(in, out, use_1x1conv, stride, h, w, run), [=] { return answer(in, out, use_1x1conv, stride); });
    };
    const Verdict verdict = check_cases({call(3, 3, false, 1, 6, 6),  // d2l: 4×3×6×6 → 4×3×6×6
                                         call(3, 6, true, 2, 6, 6),   // d2l: → 4×6×3×3
                                         call(4, 4, true, 1, 5, 7), call(8, 16, true, 2, 9, 9),
                                         call(64, 128, true, 2, 56, 56, false)},  // ResNet-18's first block of b3
                                        residual_shape_note);
    if (verdict.status != Status::right) return verdict;
    // Without the 1×1 conv the shortcut is the identity: it cannot add 3 channels to 6 (PyTorch
    // fails in the addition), and shape inference must refuse the block.
    const LayerPtr refused = answer(3, 6, false, 1);
    if (!refused) return Verdict::wrong({.quantity = "residual(3, 6, false, 1)", .expected = "a block", .got = "nullptr"});
    try {
        const LayerInfo info = refused->infer({1, 3, 6, 6});
        return Verdict::wrong({.quantity = "residual(3, 6, false, 1) on 1×3×6×6",
                               .expected = "a shape_error (an identity shortcut of 3 channels cannot be added to 6)",
                               .got = str("output ", info.output.str()),
                               .note = "without use_1x1conv the shortcut is the identity, whatever the channels: pass "
                                       "nullptr as Residual's projection"});
    } catch (const shape_error&) {
    }
    return Verdict::right(verdict.detail + "; residual(3, 6, false, 1) is refused by shape inference");
}

Verdict check_dense_block(const std::function<LayerPtr(std::size_t, std::size_t, std::size_t)>& answer) {
    const auto call = [&](std::size_t n, std::size_t in, std::size_t growth, std::size_t h, std::size_t w, bool run = true) {
        return bind(dense_case(n, in, growth, h, w, run), [=] { return answer(n, in, growth); });
    };
    return check_cases({call(2, 3, 10, 8, 8),             // d2l: 4×3×8×8 → 4×23×8×8
                        call(4, 64, 32, 24, 24, false),  // d2l's DenseNet, first block
                        call(3, 5, 4, 7, 9), call(1, 2, 3, 4, 4)},
                       dense_shape_note);
}

Verdict check_transition_block(const std::function<LayerPtr(std::size_t, std::size_t)>& answer) {
    const auto call = [&](std::size_t in, std::size_t out, std::size_t h, std::size_t w, bool run = true) {
        return bind(transition_case(in, out, h, w, run), [=] { return answer(in, out); });
    };
    return check_cases({call(23, 10, 8, 8),               // d2l: → 4×10×4×4
                        call(192, 96, 24, 24, false),    // d2l's DenseNet, first transition
                        call(6, 3, 5, 7), call(4, 4, 6, 6)},
                       transition_shape_note);
}

void register_exercises(Registry& registry) {
    registry.add_chapter({7, "classic networks 经典网络", "exercises/ch07/ch07_exercises.cpp"});
    const auto add = [&](std::string id, std::string title, std::string source, std::string function, std::string hint,
                         std::function<Verdict()> check) {
        registry.add({std::move(id), 7, std::move(title), std::move(source), std::move(function), std::move(hint), std::move(check)});
    };
    add("impl-vgg-block", "d2l's vgg_block: n × (3×3 conv, padding 1, ReLU), then a 2×2 max pool", "implementation; d2l §7.2 VGG",
        "vgg_block(num_convs, in_channels, out_channels)",
        "for i in 0 … num_convs − 1: block->add(layers::conv(i == 0 ? in : out, out, 3, 1, 1)).add(layers::relu()); then "
        "block->add(layers::max_pool(2, 2)). Parameters 9·in·out + out for the first conv, 9·out² + out for each further one.",
        [] { return check_vgg_block(vgg_block); });
    add("impl-nin-block", "d2l's nin_block: a conv and two 1×1 convs, each with a ReLU", "implementation; d2l §7.3 NiN",
        "nin_block(in_channels, out_channels, kernel, stride, padding)",
        "layers::conv(in, out, kernel, stride, padding), relu, layers::conv(out, out, 1), relu, layers::conv(out, out, 1), relu — "
        "in one Sequential. The 1×1 convs are per-pixel fully connected layers: out² + out parameters each.",
        [] { return check_nin_block(nin_block); });
    add("impl-inception", "d2l's Inception block: four branches concatenated along the channels", "implementation; d2l §7.4 GoogLeNet",
        "inception(in_channels, c1, c2, c3, c4)",
        "a Concat of four Sequentials, in order: conv 1×1 → c1; conv 1×1 → c2.first, conv 3×3 padding 1 → c2.second; conv 1×1 → "
        "c3.first, conv 5×5 padding 2 → c3.second; max_pool(3, 1, 1), conv 1×1 → c4 — a ReLU after every conv.",
        [] { return check_inception(inception); });
    add("impl-residual", "d2l's Residual block, h(x) = x + (h(x) − x)", "implementation; d2l §7.6 ResNet; note 003 §5.4",
        "residual(in_channels, out_channels, use_1x1conv, stride)",
        "main = Sequential: conv(in, out, 3, stride, 1), batch_norm(out), relu, conv(out, out, 3, 1, 1), batch_norm(out); shortcut = "
        "use_1x1conv ? conv(in, out, 1, stride) : nullptr; return std::make_unique<Residual>(std::move(main), std::move(shortcut), "
        "layers::relu()).",
        [] { return check_residual(residual); });
    add("impl-dense-block", "d2l's DenseBlock: conv blocks whose outputs are concatenated to their inputs",
        "implementation; d2l §7.7 DenseNet", "dense_block(num_convs, in_channels, growth)",
        "for i in 0 … num_convs − 1, with c = in + i·growth: a Concat of layers::identity() and a Sequential batch_norm(c), relu, "
        "conv(c, growth, 3, 1, 1) — in that order (torch.cat((X, Y), dim=1)); the block is a Sequential of these Concats and ends "
        "with in + num_convs·growth channels.",
        [] { return check_dense_block(dense_block); });
    add("impl-transition", "d2l's transition_block: BN, ReLU, 1×1 conv, 2×2 average pool", "implementation; d2l §7.7 DenseNet",
        "transition_block(in_channels, out_channels)",
        "a Sequential of batch_norm(in), relu, conv(in, out, 1), avg_pool(2, 2): parameters 2·in + in·out + out; the conv runs "
        "before the pooling, at the full size.",
        [] { return check_transition_block(transition_block); });
}

}  // namespace cnnlab::exercises::ch07

namespace cnnlab::exercises {
/// Chapter 7's exercises (see ch07::register_exercises).
void register_ch07_exercises(Registry& registry) { ch07::register_exercises(registry); }
}  // namespace cnnlab::exercises

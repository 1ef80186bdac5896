// Chapter 7's claims for `cnnlab verify`: the classic networks 经典网络 as d2l (note 001), note 000
// (经典网络, ResNet) and note 004 (层级结构) describe them, measured on the network model run by the
// ops of Chapters 1–5. Oracles: the formula counts against what the reference ops execute (an
// instrumented counter), the optimized forward against the reference forward, the books' printed
// shape traces, a published receptive field, and the residual identity.
#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch00_foundation/verify.hpp"
#include "chapters/ch07_networks/nets.hpp"
#include "chapters/ch07_networks/network.hpp"
#include "reference/mac_counter.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <regex>
#include <string>
#include <vector>

namespace cnnlab::verify {
namespace {

Tensor4<float> random_input(const Shape4& shape, std::uint64_t seed) {
    std::mt19937_64 random(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    Tensor4<float> x(shape, uninitialized);
    for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = normal(random);
    return x;
}

/// The smallest square input (a multiple of 4 from 16) that every stage of `name` accepts, keeping
/// the reference forward passes cheap.
NetInput small_input(const std::string& name) {
    const NetInput usual = default_input(name);
    for (std::size_t side = 16; side < usual.height; side += 4) {
        try {
            make_net(name, 10, {usual.channels, side, side})->infer({1, usual.channels, side, side});
            return {usual.channels, side, side};
        } catch (const shape_error&) {
        }
    }
    return usual;
}

double max_abs_difference(const Tensor4<float>& a, const Tensor4<float>& b) {
    if (a.shape() != b.shape()) return INFINITY;
    double d = 0;
    for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, double(std::abs(a.data()[i] - b.data()[i])));
    return d;
}

double max_abs(const Tensor4<float>& a) {
    double m = 0;
    for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, double(std::abs(a.data()[i])));
    return m;
}

/// The kinds of the leaves of a sequential net, one letter each: C conv, R ReLU, P max pooling,
/// A adaptive pooling, X flatten, F linear, D dropout, '?' for the rest — so that a layer pattern is a regular expression.
std::string leaf_letters(const std::vector<LayerInfo>& rows) {
    std::string letters;
    for (const LayerInfo& row : rows) {
        if (row.composite) continue;
        const std::string& k = row.kind;
        letters += k == "Conv2d" ? 'C' : k == "ReLU" ? 'R' : k == "MaxPool2d" ? 'P' : k == "AdaptiveAvgPool2d" ? 'A'
                 : k == "Linear" ? 'F' : k == "Dropout" ? 'D' : k == "Flatten" ? 'X' : '?';
    }
    return letters;
}

/// What running every net by the reference ops measured (computed once: both claims below read it).
struct ReferenceRuns {
    std::size_t nets = 0;
    double worst_count_error = 0;         ///< relative |counted − formula| MACs, worst net
    double worst_output_difference = 0;   ///< max |optimized − reference| / max(1, max |reference|), worst net
    std::uint64_t executed = 0, on_padding = 0;  ///< MACs counted over all nets, and those on zero padding
};

/// Every net of the chapter at a small input, run by the reference ops with the MAC counter on, and
/// by the optimized ops (Winograd, GEMM, the vector pooling kernels) on the same input.
const ReferenceRuns& reference_runs() {
    static const ReferenceRuns runs = [] {
        ReferenceRuns out;
        for (const std::string& name : net_names()) {
            const NetInput input = small_input(name);
            auto net = make_net(name, 10, input);
            initialize(*net, 1);
            const Tensor4<float> x = random_input(input.shape(), 2);
            ref::MacCounter counter;
            const Tensor4<float> expected = net->forward(x, Implementation::reference);
            const double formula = double(net->infer(input.shape()).macs);
            out.worst_count_error = std::max(out.worst_count_error, std::abs(double(counter.macs()) - formula) / formula);
            out.executed += counter.macs();
            out.on_padding += counter.padding_macs();
            const Tensor4<float> got = net->forward(x, Implementation::optimized);
            out.worst_output_difference =
                std::max(out.worst_output_difference, max_abs_difference(got, expected) / std::max(1.0, max_abs(expected)));
            ++out.nets;
        }
        return out;
    }();
    return runs;
}

}  // namespace

void register_ch07_claims(Registry& r) {
    register_ch07_training_claims(r);
    r.add({"ch07.executed-macs-equal-formula", 7,
           R"(\text{MACs}=\sum_{\text{conv}}C_{out}H_{out}W_{out}\tfrac{C_{in}}{g}K_hK_w+\sum_{\text{linear}}\mathit{in}\cdot\mathit{out}\ \text{(counted by the reference ops)})",
           "003 ex 5-4, §5.4; 000 QA 9 (计算量)", [] {
               const ReferenceRuns& runs = reference_runs();
               return Measurement{runs.worst_count_error, 0.0,
                                  str("relative |counted − formula| over ", runs.nets, " nets (", runs.executed,
                                      " MACs counted, ", fixed(100.0 * double(runs.on_padding) / double(runs.executed)),
                                      " % of them on zero padding)")};
           }});

    r.add({"ch07.optimized-net-equals-reference", 7,
           R"(f_{\text{optimized}}(x)=f_{\text{reference}}(x)\ \text{for a whole network})",
           "001 (LeNet … GoogLeNet), 000 经典网络", [] {
               const ReferenceRuns& runs = reference_runs();
               return Measurement{runs.worst_output_difference, 1e-4,
                                  str("max |Δ| / max(1, max |y|) over ", runs.nets, " nets, float")};
           }});

    r.add({"ch07.residual-block-identity", 7,
           R"(h(x)=x+(h(x)-x):\ F\equiv 0\ \Rightarrow\ y=\mathrm{ReLU}(x+0)=x\ \text{for }x\ge 0)",
           "000 经典网络 (ResNet); d2l §7.6", [] {
               // A basic block whose last batch norm has γ = β = 0 (torchvision's zero_init_residual):
               // the residual branch is 0 and the block passes a non-negative input through unchanged.
               auto net = make_net("resnet18", 10, {3, 32, 32});
               initialize(*net, 5);
               auto& stage = dynamic_cast<Sequential&>(*net->children().at(4));  // layer1
               Layer& block = *stage.children().front();
               for (Layer* child : block.children())
                   if (auto* bn = dynamic_cast<BatchNorm2d*>(child); bn && child->name() == "bn2") {
                       bn->gamma().zeros();
                       bn->beta().zeros();
                   }
               Tensor4<float> x = random_input({2, 64, 8, 8}, 6);
               for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = std::max(0.0f, x.data()[i]);
               double worst = 0;
               for (Implementation implementation : {Implementation::reference, Implementation::optimized})
                   worst = std::max(worst, max_abs_difference(block.forward(x, implementation), x));
               return Measurement{worst, 0.0, "max |block(x) − x| for x ≥ 0, γ = β = 0 in bn2 (both implementations)"};
           }});

    r.add({"ch07.lenet-shape-trace", 7,
           R"(1\times28\times28\to6\times28\times28\to6\times14\times14\to16\times10\times10\to16\times5\times5\to400\to120\to84\to10)",
           "001 LeNet (d2l §6.6 的逐层输出形状)", [] {
               // d2l prints the output shape of every layer of its LeNet on a 1×1×28×28 input.
               const std::vector<std::string> printed{
                   "Conv2d 1×6×28×28",  "Sigmoid 1×6×28×28", "AvgPool2d 1×6×14×14", "Conv2d 1×16×10×10",
                   "Sigmoid 1×16×10×10", "AvgPool2d 1×16×5×5", "Flatten 1×400×1×1",  "Linear 1×120×1×1",
                   "Sigmoid 1×120×1×1", "Linear 1×84×1×1",    "Sigmoid 1×84×1×1",   "Linear 1×10×1×1"};
               std::vector<std::string> traced;
               for (const LayerInfo& row : summarize(*lenet(), {1, 1, 28, 28}))
                   if (!row.composite) traced.push_back(row.kind + " " + row.output.str());
               std::size_t mismatches = printed.size() > traced.size() ? printed.size() - traced.size() : traced.size() - printed.size();
               for (std::size_t i = 0; i < std::min(printed.size(), traced.size()); ++i) mismatches += printed[i] != traced[i];
               return Measurement{double(mismatches), 0.0, str("layers whose kind or output shape differ from d2l's trace (of ", printed.size(), ")")};
           }});

    r.add({"ch07.vgg16-receptive-field", 7,
           R"(r_{L}=1+\sum_{l=1}^{L}(K_l-1)\prod_{i<l}s_i:\ \text{VGG-16 pool5 sees }212\times212,\ \text{jump }32)",
           "000 QA 10 (感受野); Araujo, Norris & Sim, Distill 2019 (VGG-16: 212)", [] {
               // The published receptive field of VGG-16's last pooling output, and its jump (2^5).
               const std::vector<LayerInfo> rows = summarize(*vgg(16), {1, 3, 224, 224});
               const auto pool5 = std::find_if(rows.begin(), rows.end(),
                                               [](const LayerInfo& row) { return row.path == "features.30"; });
               if (pool5 == rows.end() || pool5->kind != "MaxPool2d") throw shape_error("VGG-16: features.30 is not pool5");
               const double error = std::abs(double(pool5->field.rows.size) - 212) + std::abs(double(pool5->field.cols.size) - 212) +
                                    std::abs(double(pool5->field.rows.jump) - 32);
               return Measurement{error, 0.0,
                                  str("pool5 field ", pool5->field.rows.size, "×", pool5->field.cols.size, ", jump ",
                                      pool5->field.rows.jump, " (published 212, 32)")};
           }});

    r.add({"ch07.typical-stack", 7,
           R"(\text{INPUT}\to[[\text{CONV}\to\text{RELU}]\cdot N\to\text{POOL?}]\cdot M\to[\text{FC}\to\text{RELU}]\cdot K\to\text{FC})",
           "004 层级结构", [] {
               // AlexNet and VGG-11/16 follow the pattern (dropout, the adaptive pooling that fixes the
               // classifier's input size, and flatten aside); ResNet does not
               // (batch norm between conv and ReLU, residual sums), which the pattern must reject.
               const std::regex pattern("((CR)+P?)+A?X(D?FRD?)*F");
               auto fits = [&](const std::string& name) {
                   std::string letters = leaf_letters(summarize(*make_net(name, 1000), default_input(name).shape()));
                   return std::regex_match(letters, pattern);
               };
               const int wrong = !fits("alexnet") + !fits("vgg11") + !fits("vgg16") + fits("resnet18");
               return Measurement{double(wrong), 0.0,
                                  "nets misclassified by the pattern (AlexNet, VGG-11, VGG-16 fit; ResNet-18 does not)"};
           }});
}

}  // namespace cnnlab::verify

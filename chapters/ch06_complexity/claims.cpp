// Chapter 6's claims for `cnnlab verify`: the time complexity 时间复杂度 (multiply-accumulates, MACs)
// and space complexity 空间复杂度 (parameters, activations) of layers and networks — nndl ex 5-4
// (note 003), note 000 QA 9/10 (卷积核是否越大越好 / 如何减少卷积层参数量), note 001's comparisons and
// the design arguments of VGG, NiN, GoogLeNet, ResNet and DenseNet.
//
// Every count is *measured* on Chapter 7's network model: the layers are built (layers::
// factories, make_net), and Layer::infer / summarize count what each holds and costs. Each is
// compared with a closed-form formula written out in the claim, which shares no code with the
// model: the two agree exactly (integers, tolerance 0).
#include "chapters/ch00_foundation/verify.hpp"
#include "chapters/ch07_networks/network.hpp"
#include "chapters/ch07_networks/nets.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

namespace cnnlab::verify {
namespace {

using u64 = std::uint64_t;

/// 5898240000 → "5,898,240,000".
std::string grouped(u64 value) {
    const std::string digits = std::to_string(value);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

/// |a − b| as a double, for integer counts.
double gap(u64 a, u64 b) { return a > b ? double(a - b) : double(b - a); }

/// What the model counts for a layer (or a stack of layers) on one sample.
struct Counted {
    u64 parameters = 0;   ///< learnable values
    u64 macs = 0;         ///< multiply-accumulates
    u64 activations = 0;  ///< values of every feature map the layers write (leaf outputs, summed)
    LayerInfo info;       ///< the whole layer's row (output shape, receptive field)
};

/// Infers `layer` on `input` and sums the activations its leaf layers write.
Counted count(const Layer& layer, const Shape4& input) {
    Counted c;
    c.info = layer.infer(input);
    c.parameters = c.info.parameters;
    c.macs = c.info.macs;
    c.activations = leaf_activations(summarize(layer, input));
    return c;
}

/// A K×K conv that keeps the size (padding (K−1)/2), with or without bias.
LayerPtr same_conv(std::size_t in, std::size_t out, std::size_t k, bool bias = true) {
    return layers::conv(in, out, k, 1, (k - 1) / 2, bias);
}

// ---------------------------------------------------------------------------------------------
// nndl ex 5-4 (note 003 习题5-4): 100×100×256 → 100×100×256 by a 3×3 conv, or through a 1×1
// bottleneck to 64 channels. The closed forms: a K×K conv C_in → C_out on H×W (same padding)
// costs H·W·C_out·C_in·K² MACs and holds K²·C_in·C_out + C_out parameters.

constexpr u64 H = 100, W = 100, C = 256, M = 64;

u64 conv_macs(u64 h, u64 w, u64 in, u64 out, u64 k) { return h * w * out * in * k * k; }
u64 conv_params(u64 in, u64 out, u64 k, bool bias = true) { return k * k * in * out + (bias ? out : 0); }

const Shape4 ex54_input{1, C, H, W};

Counted ex54_direct() {
    std::vector<LayerPtr> v;
    v.push_back(same_conv(C, C, 3));
    return count(*layers::sequence(std::move(v)), ex54_input);
}
Counted ex54_bottleneck() {
    std::vector<LayerPtr> v;
    v.push_back(same_conv(C, M, 1));
    v.push_back(same_conv(M, C, 3));
    return count(*layers::sequence(std::move(v)), ex54_input);
}

void add_ex54_claims(Registry& r) {
    r.add({"ch06.ex54-direct", 6,
           R"(3{\times}3,\ 256\to256\ \text{on}\ 100{\times}100:\ \text{MACs}=HWC_{out}C_{in}K^2=5\,898\,240\,000,\ \ \#\theta=K^2C_{in}C_{out}+C_{out}=590\,080)",
           "nndl ex 5-4, 003 习题5-4 (1. 直接卷积)", [] {
               const Counted d = ex54_direct();
               const u64 macs = conv_macs(H, W, C, C, 3), params = conv_params(C, C, 3);
               const u64 note_params = (3 * 3 + 1) * C * C;  // the note: (3×3 + 1)×256×256
               Measurement m{gap(d.macs, macs) + gap(d.parameters, params) + gap(macs, 5898240000) + gap(params, 590080), 0.0,
                             str("Conv2d(256, 256, 3, padding=1) on 1×256×100×100: ", grouped(d.macs), " MACs (formula ", grouped(macs),
                                 "), ", grouped(d.parameters), " parameters (formula ", grouped(params), ": ", grouped(conv_params(C, C, 3, false)),
                                 " weights + 256 biases); the note's (3×3+1)×256×256 = ", grouped(note_params))};
               m.note_error = gap(d.parameters, note_params);
               return m;
           },
           Erratum{"003 习题5-4 (1. 直接卷积, 参数)", "(3×3 + 1)×256×256 = 655,360 parameters (one bias per input–output channel pair)",
                   "3·3·256·256 + 256 = 590,080: one bias per output channel"}});
    r.add({"ch06.ex54-bottleneck-time", 6,
           R"(1{\times}1\ 256\to64,\ 3{\times}3\ 64\to256:\ HW\!\cdot\!256\!\cdot\!64+HW\!\cdot\!64\!\cdot\!256\!\cdot\!9=1\,638\,400\,000\ \text{MACs}=\tfrac{1}{3.6}\ \text{of the direct conv})",
           "nndl ex 5-4, 003 习题5-4 (2. 先1x1卷积, 时间)", [] {
               const Counted d = ex54_direct(), b = ex54_bottleneck();
               const u64 macs = conv_macs(H, W, C, M, 1) + conv_macs(H, W, M, C, 3);
               const u64 note_macs = 100 * 100 * 256 * 64 * 1 * 1 + 100 * 64 * 256 * 3 * 3;  // typed in as the note writes it
               const double ratio = double(d.macs) / double(b.macs);
               Measurement m{gap(b.macs, macs) + gap(macs, 1638400000) + std::abs(ratio - 3.6) * 1e6, 0.0,
                             str("1×1 then 3×3 on 1×256×100×100: ", grouped(b.macs), " MACs (formula ", grouped(conv_macs(H, W, C, M, 1)),
                                 " + ", grouped(conv_macs(H, W, M, C, 3)), " = ", grouped(macs), "); direct / bottleneck = ", fixed(ratio),
                                 "; the note's 100×100×256×64 + 100×64×256×3×3 = ", grouped(note_macs), " (its second term lacks the factor W = 100)")};
               m.note_error = gap(b.macs, note_macs);
               return m;
           },
           Erratum{"003 习题5-4 (2. 先1x1卷积, 时间)",
                   "100×100×256×64×1×1 + 100×64×256×3×3 = 178,585,600 multiply-adds (the 3×3 term counts 100 positions, not 100×100)",
                   "100·100·256·64 + 100·100·64·256·9 = 163,840,000 + 1,474,560,000 = 1,638,400,000 — 3.6× fewer than the direct conv, not 33×"}});
    r.add({"ch06.ex54-bottleneck-parameters", 6,
           R"(\#\theta=(256\cdot64+64)+(9\cdot64\cdot256+256)=16\,448+147\,712=164\,160=\tfrac{1}{3.59}\ \text{of}\ 590\,080)",
           "nndl ex 5-4, 003 习题5-4 (2. 先1x1卷积, 参数)", [] {
               const Counted d = ex54_direct(), b = ex54_bottleneck();
               const u64 params = conv_params(C, M, 1) + conv_params(M, C, 3);
               const u64 note_params = (1 * 1 + 1) * C * M + (3 * 3 + 1) * M * C;
               Measurement m{gap(b.parameters, params) + gap(params, 164160), 0.0,
                             str("Conv2d(256, 64, 1) + Conv2d(64, 256, 3, padding=1): ", grouped(b.parameters), " parameters (formula ",
                                 grouped(conv_params(C, M, 1)), " + ", grouped(conv_params(M, C, 3)), "); direct / bottleneck = ",
                                 fixed(double(d.parameters) / double(b.parameters)), "; the note's (1×1+1)×256×64 + (3×3+1)×64×256 = ",
                                 grouped(note_params))};
               m.note_error = gap(b.parameters, note_params);
               return m;
           },
           Erratum{"003 习题5-4 (2. 先1x1卷积, 参数)", "(1×1 + 1)×256×64 + (3×3 + 1)×64×256 = 196,608 (a bias per channel pair)",
                   "(256·64 + 64) + (9·64·256 + 256) = 16,448 + 147,712 = 164,160"}});
    r.add({"ch06.ex54-activations", 6,
           R"(\text{space (activations written)}:\ HWC_{out}=2\,560\,000\ \ \text{vs}\ \ HW\!\cdot\!64+HW\!\cdot\!256=3\,200\,000)",
           "nndl ex 5-4, 003 习题5-4 (空间)", [] {
               const Counted d = ex54_direct(), b = ex54_bottleneck();
               const u64 direct = H * W * C, bottleneck = H * W * M + H * W * C;
               const double err = gap(d.activations, direct) + gap(b.activations, bottleneck) + gap(direct, 2560000) + gap(bottleneck, 3200000);
               return Measurement{err, 0.0,
                                  str("feature maps the layers write, per sample: direct ", grouped(d.activations), ", bottleneck ",
                                      grouped(b.activations), " (64-channel map ", grouped(H * W * M), " + output ", grouped(H * W * C),
                                      "): the note's 100×100×256 and 100×100×256 + 100×100×64 hold; the bottleneck saves time and "
                                      "parameters, not activation memory (+25 %)")};
           }});
}

// ---------------------------------------------------------------------------------------------
// Small kernels, 1×1 convolutions, global average pooling: note 000 QA 9/10.

void add_design_claims(Registry& r) {
    r.add({"ch06.stacked-3x3", 6,
           R"(2\times(3{\times}3):\ 18C^2\ \text{vs}\ 5{\times}5:\ 25C^2;\ \ 3\times(3{\times}3):\ 27C^2\ \text{vs}\ 7{\times}7:\ 49C^2\ \text{weights and}\ HW\!\times\ \text{that MACs; equal fields}\ 5, 7)",
           "000 QA 9 (卷积核是否越大越好), QA 10; Simonyan & Zisserman 2015 §2.3 (VGG)", [] {
               double err = 0;
               std::string detail;
               const u64 h = 28, w = 28;
               for (u64 c : {64, 256}) {
                   for (std::size_t n : {2, 3}) {
                       const std::size_t k = 2 * n + 1;  // the one kernel with the same field
                       std::vector<LayerPtr> small;
                       for (std::size_t l = 0; l < n; ++l) small.push_back(same_conv(c, c, 3, false));
                       const Counted s = count(*layers::sequence(std::move(small)), {1, c, h, w});
                       std::vector<LayerPtr> one;
                       one.push_back(same_conv(c, c, k, false));
                       const Counted b = count(*layers::sequence(std::move(one)), {1, c, h, w});
                       err += gap(s.parameters, 9 * n * c * c) + gap(b.parameters, k * k * c * c);
                       err += gap(s.macs, h * w * 9 * n * c * c) + gap(b.macs, h * w * k * k * c * c);
                       err += gap(s.info.field.rows.size, k) + gap(s.info.field.cols.size, k) + gap(b.info.field.rows.size, k) +
                              gap(b.info.field.cols.size, k);
                       if (c == 256)
                           detail += str(detail.empty() ? "" : "; ", n, "×3×3 vs ", k, "×", k, " at C = 256, 28×28: ", grouped(s.parameters), " vs ",
                                         grouped(b.parameters), " weights (", fixed(double(s.parameters) / double(b.parameters)), "), ",
                                         grouped(s.macs), " vs ", grouped(b.macs), " MACs, fields ", s.info.field.rows.size, "×",
                                         s.info.field.cols.size, " and ", b.info.field.rows.size, "×", b.info.field.cols.size);
                   }
               }
               return Measurement{err, 0.0, "C = 64 and 256, no bias (with bias add C per layer): " + detail +
                                                "; the stack also has n − 1 more nonlinearities"};
           }});
    r.add({"ch06.depthwise-separable-ratio", 6,
           R"(\frac{K^2C+CC'}{K^2CC'}=\frac{1}{C'}+\frac{1}{K^2}\ \ \text{(parameters and MACs)})",
           "000 QA 10 (分离卷积); Howard et al. 2017 (MobileNet) §3.1", [] {
               // Depthwise K×K (groups = C) then pointwise 1×1, against one K×K conv; no biases.
               double err = 0;
               std::string detail;
               const u64 h = 14, w = 14;
               for (u64 c : {32, 256, 512})
                   for (u64 c2 : {64, 256, 1024})
                       for (std::size_t k : {3, 5}) {
                           auto separable = std::make_unique<Sequential>();
                           const std::size_t p = (k - 1) / 2;
                           separable->add(std::make_unique<Conv2d>(c, c, Step2{k, k}, Conv2dOptions{.padding = Sides2::symmetric(p, p), .groups = c}, false));
                           separable->add(layers::conv(c, c2, 1, 1, 0, false));
                           std::vector<LayerPtr> one;
                           one.push_back(same_conv(c, c2, k, false));
                           const Counted s = count(*separable, {1, c, h, w}), f = count(*layers::sequence(std::move(one)), {1, c, h, w});
                           // sep / full = (K² + C′)/(K²C′), checked without division: sep·K²C′ = full·(K² + C′).
                           err += gap(s.parameters * k * k * c2, f.parameters * (k * k + c2)) + gap(s.macs * k * k * c2, f.macs * (k * k + c2));
                           err += gap(s.parameters, k * k * c + c * c2);
                           if (c == 256 && c2 == 256 && k == 3)
                               detail = str("256 → 256, 3×3: ", grouped(s.parameters), " vs ", grouped(f.parameters), " weights, ratio ",
                                            fixed(double(s.parameters) / double(f.parameters)), " = 1/256 + 1/9 = ",
                                            fixed(1.0 / 256 + 1.0 / 9), " (MACs ", grouped(s.macs), " vs ", grouped(f.macs), ")");
                       }
               return Measurement{err, 0.0, "18 layers (C ∈ {32, 256, 512}, C′ ∈ {64, 256, 1024}, K ∈ {3, 5}), exact integer identity; " + detail};
           }});
    r.add({"ch06.pooling-first", 6,
           R"(s{\times}s\ \text{pooling before a conv: MACs}\ \div s^2,\ \#\theta_{conv}\ \text{unchanged};\ \text{before a linear layer on}\ C{\times}H{\times}W:\ \#\theta\ \div s^2)",
           "000 QA 10 (在卷积层前使用池化操作)", [] {
               // A 3×3 conv 128 → 128 and a linear layer 128·28·28 → 10, each on 128×28×28 directly and
               // after a 2×2 max pooling (stride 2). A conv's weights do not depend on the input size.
               const u64 c = 128, h = 28, w = 28, s = 2, classes = 10;
               const auto conv_net = [&](bool pool) {
                   auto n = std::make_unique<Sequential>();
                   if (pool) n->add(layers::max_pool(s, s));
                   n->add(same_conv(c, c, 3));
                   return n;
               };
               const auto fc_net = [&](bool pool) {
                   auto n = std::make_unique<Sequential>();
                   if (pool) n->add(layers::max_pool(s, s));
                   n->add(layers::flatten()).add(layers::linear(c * (pool ? h * w / (s * s) : h * w), classes));
                   return n;
               };
               const Shape4 input{1, c, h, w};
               const Counted conv = count(*conv_net(false), input), conv_pooled = count(*conv_net(true), input);
               const Counted fc = count(*fc_net(false), input), fc_pooled = count(*fc_net(true), input);
               const double err = gap(conv.macs, s * s * conv_pooled.macs) + gap(conv.parameters, conv_pooled.parameters) +
                                  gap(conv.parameters, conv_params(c, c, 3)) + gap(fc.parameters - classes, s * s * (fc_pooled.parameters - classes)) +
                                  gap(fc.macs, s * s * fc_pooled.macs);
               return Measurement{err, 0.0,
                                  str("128×28×28, 2×2 pooling first: a 3×3 conv 128 → 128 keeps its ", grouped(conv.parameters), " parameters, its MACs "
                                      "fall from ", grouped(conv.macs), " to ", grouped(conv_pooled.macs), "; a linear layer to 10 classes falls from ",
                                      grouped(fc.parameters), " to ", grouped(fc_pooled.parameters),
                                      " parameters — pooling cuts a conv's time, and the parameters of what reads the whole map")};
           }});
}

// ---------------------------------------------------------------------------------------------
// The classic networks (Chapter 7's model, torchvision's counts).

/// The classifier head of AlexNet and VGG: F → 4096 → 4096 → K, with biases.
u64 fc_head_params(u64 features, u64 classes) { return features * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * classes + classes; }

void add_network_claims(Registry& r) {
    r.add({"ch06.fc-share", 6,
           R"(\frac{\#\theta_{FC}}{\#\theta}=\frac{9216\cdot4096+4096^2+4096\cdot1000+9192}{61\,100\,840}\approx96\,\%\ \text{(AlexNet)},\ \ \frac{25088\cdot4096+\dots}{138\,357\,544}\approx89\,\%\ \text{(VGG-16)})",
           "003 §5.4 (AlexNet, VGG); 001 对比; d2l AlexNet ex 3", [] {
               // Closed form: the conv layers' Σ K²C_inC_out + C_out from the architectures' tables, plus the head.
               struct ConvSpec {
                   u64 in, out, k;
               };
               const std::vector<ConvSpec> alex{{3, 64, 11}, {64, 192, 5}, {192, 384, 3}, {384, 256, 3}, {256, 256, 3}};
               std::vector<ConvSpec> vgg16;
               u64 in = 3;
               for (u64 out : {64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512}) {
                   vgg16.push_back({in, out, 3});
                   in = out;
               }
               double err = 0;
               std::string detail;
               for (const auto& [name, convs, features, expected_share] :
                    {std::tuple{"alexnet", alex, u64{256 * 6 * 6}, 0.96}, std::tuple{"vgg16", vgg16, u64{512 * 7 * 7}, 0.89}}) {
                   u64 conv_formula = 0;
                   for (const ConvSpec& s : convs) conv_formula += conv_params(s.in, s.out, s.k);
                   const u64 fc_formula = fc_head_params(features, 1000);
                   const auto rows = summarize(*make_net(name, 1000), {1, 3, 224, 224});
                   const KindTotals fc = totals_of_kind(rows, "Linear"), conv = totals_of_kind(rows, "Conv2d");
                   const u64 total = rows.front().parameters;
                   const double share = double(fc.parameters) / double(total);
                   err += gap(fc.parameters, fc_formula) + gap(conv.parameters, conv_formula) + gap(total, conv_formula + fc_formula);
                   err += std::abs(std::round(share * 100) / 100 - expected_share) > 1e-9;
                   detail += str(detail.empty() ? "" : "; ", name, ": FC ", grouped(fc.parameters), " of ", grouped(total), " parameters = ",
                                 fixed(100 * share), " % (conv ", grouped(conv.parameters), "), but FC does ",
                                 fixed(100.0 * double(fc.macs) / double(fc.macs + conv.macs)), " % of the ", grouped(fc.macs + conv.macs), " MACs");
               }
               return Measurement{err, 0.0, detail};
           }});
    r.add({"ch06.nin-global-average-pooling", 6,
           R"(\text{NiN head: }9C K+K+2(K^2+K)\ \text{and GAP (0)}\ \ \text{vs FC head on}\ C{\times}5{\times}5:\ 25C\cdot4096+4096^2+4096K+8192+K)",
           "001 网络中的网络 (NiN); 003 §5.4; Lin et al. 2014 §3.2", [] {
               // d2l's NiN (1×224×224, K = 10): the body up to the dropout gives 384×5×5; NiN's head is a
               // NiN block 384 → K, then global average pooling; AlexNet's head would flatten it into 4096, 4096, K.
               const u64 K = 10, Cf = 384;
               const auto net = make_net("nin", K);
               const auto rows = summarize(*net, {1, 1, 224, 224});
               u64 head = 0, body = 0;
               Shape4 features{};
               for (const LayerInfo& row : rows) {
                   if (row.depth != 1) continue;
                   if (row.path == "7" || row.path == "8" || row.path == "9") head += row.parameters;
                   else body += row.parameters;
                   if (row.path == "7") features = row.input;
               }
               auto fc = std::make_unique<Sequential>();
               fc->add(layers::flatten()).add(layers::linear(features.c * features.h * features.w, 4096)).add(layers::relu()).add(layers::dropout());
               fc->add(layers::linear(4096, 4096)).add(layers::relu()).add(layers::dropout()).add(layers::linear(4096, K));
               const Counted alex_head = count(*fc, features);
               const u64 nin_head_formula = 9 * Cf * K + K + 2 * (K * K + K);
               const u64 fc_formula = fc_head_params(Cf * 5 * 5, K);
               const double err = gap(head, nin_head_formula) + gap(alex_head.parameters, fc_formula) + gap(features.c, Cf) + gap(features.h, 5) +
                                  gap(features.w, 5) + gap(rows.front().parameters, head + body);
               return Measurement{err, 0.0,
                                  str("d2l's NiN on 1×224×224, 10 classes: ", grouped(rows.front().parameters), " parameters, of which the head (NiN "
                                      "block 384 → 10 + global average pooling) ", grouped(head), "; an AlexNet-style head on the same ",
                                      features.c, "×", features.h, "×", features.w, " features: ", grouped(alex_head.parameters), " (",
                                      fixed(double(alex_head.parameters) / double(head)), "× the NiN head; the whole net would have ",
                                      grouped(body + alex_head.parameters), ", ", fixed(double(body + alex_head.parameters) / double(rows.front().parameters)),
                                      "× as many)")};
           }});
    r.add({"ch06.inception-reductions", 6,
           R"(\text{3a}:\ HW\big[64C+96C+9\cdot96\cdot128+16C+k^2\cdot16\cdot32+32C\big]\ \text{vs}\ HW\big[64C+9\cdot128C+k^2\cdot32C+32C\big],\ C=192,\ HW=28^2)",
           "001 含并行连结的网络 (GoogLeNet); 000 QA 8 (1×1 降维); Szegedy et al. 2015 §4", [] {
               // inception3a as torchvision builds it (conv without bias + BatchNorm + ReLU), with the 1×1
               // reductions before the 3×3 and the "5×5" branch (k = 3 in torchvision, 5 in the paper), and
               // without them (the expensive conv reads the 192 channels directly). The pool projection stays,
               // so both blocks give the 256 channels the next block expects.
               const u64 Cin = 192, hw = 28 * 28;
               const auto unit = [](std::size_t in, std::size_t out, std::size_t k) {
                   auto b = std::make_unique<Sequential>();
                   b->add(same_conv(in, out, k, false)).add(layers::batch_norm(out)).add(layers::relu());
                   return b;
               };
               const auto block = [&](bool reduce, std::size_t k5) {
                   auto c = std::make_unique<Concat>();
                   c->add(unit(Cin, 64, 1));
                   auto b2 = std::make_unique<Sequential>(), b3 = std::make_unique<Sequential>(), b4 = std::make_unique<Sequential>();
                   if (reduce) b2->add(unit(Cin, 96, 1)).add(unit(96, 128, 3));
                   else b2->add(unit(Cin, 128, 3));
                   if (reduce) b3->add(unit(Cin, 16, 1)).add(unit(16, 32, k5));
                   else b3->add(unit(Cin, 32, k5));
                   b4->add(layers::max_pool(3, 1, 1, true)).add(unit(Cin, 32, 1));
                   c->add(std::move(b2)).add(std::move(b3)).add(std::move(b4));
                   return c;
               };
               const Shape4 input{1, Cin, 28, 28};
               double err = 0;
               std::string detail;
               // The block with reductions is the network's: same counts as googlenet's inception3a.
               for (const LayerInfo& row : summarize(*make_net("googlenet", 1000), {1, 3, 224, 224}))
                   if (row.path == "inception3a") {
                       const Counted mine = count(*block(true, 3), input);
                       err += gap(mine.parameters, row.parameters) + gap(mine.macs, row.macs) + !(row.input == input);
                   }
               for (u64 k : {3, 5}) {
                   const Counted with = count(*block(true, k), input), without = count(*block(false, k), input);
                   const u64 macs_with = hw * (64 * Cin + 96 * Cin + 9 * 96 * 128 + 16 * Cin + k * k * 16 * 32 + 32 * Cin);
                   const u64 macs_without = hw * (64 * Cin + 9 * 128 * Cin + k * k * 32 * Cin + 32 * Cin);
                   // Weights as the MACs without HW, plus BatchNorm's 2 per output channel of every conv.
                   const u64 params_with = macs_with / hw + 2 * (64 + 96 + 128 + 16 + 32 + 32);
                   const u64 params_without = macs_without / hw + 2 * (64 + 128 + 32 + 32);
                   err += gap(with.macs, macs_with) + gap(without.macs, macs_without) + gap(with.parameters, params_with) +
                          gap(without.parameters, params_without) + gap(with.info.output.c, 256) + gap(without.info.output.c, 256);
                   detail += str(detail.empty() ? "" : "; ", k == 3 ? "torchvision (3×3 in the \"5×5\" branch)" : "the paper's 5×5", ": ",
                                 grouped(with.macs), " MACs and ", grouped(with.parameters), " parameters with the reductions, ",
                                 grouped(without.macs), " and ", grouped(without.parameters), " without (",
                                 fixed(double(without.macs) / double(with.macs)), "× the MACs)");
               }
               return Measurement{err, 0.0, "inception3a, 192×28×28 → 256×28×28, equal to googlenet's own row; " + detail};
           }});
    r.add({"ch06.resnet-bottleneck", 6,
           R"(C=256:\ \text{basic}\ 2\cdot9C^2+4C\ \ \text{vs bottleneck}\ \tfrac{C^2}{4}+9\tfrac{C^2}{16}+\tfrac{C^2}{4}+3C=\tfrac{17}{16}C^2+3C;\ \ \text{MACs}\ HW\times\text{the weights})",
           "003 §5.4 (ResNet); He et al. 2016 §4.1 (Deeper Bottleneck Architectures)", [] {
               const u64 c = 256, h = 56, w = 56;
               const auto conv_bn = [](Sequential& s, std::size_t in, std::size_t out, std::size_t k, bool relu) {
                   s.add(same_conv(in, out, k, false)).add(layers::batch_norm(out));
                   if (relu) s.add(layers::relu());
               };
               auto basic_main = std::make_unique<Sequential>();
               conv_bn(*basic_main, c, c, 3, true);
               conv_bn(*basic_main, c, c, 3, false);
               auto bottleneck_main = std::make_unique<Sequential>();
               conv_bn(*bottleneck_main, c, c / 4, 1, true);
               conv_bn(*bottleneck_main, c / 4, c / 4, 3, true);
               conv_bn(*bottleneck_main, c / 4, c, 1, false);
               const Residual basic(std::move(basic_main), nullptr, layers::relu()), bottleneck(std::move(bottleneck_main), nullptr, layers::relu());
               const Counted b = count(basic, {1, c, h, w}), n = count(bottleneck, {1, c, h, w});
               const u64 basic_weights = 2 * 9 * c * c, bottleneck_weights = c * c / 4 + 9 * (c / 4) * (c / 4) + c * c / 4;
               double err = gap(b.parameters, basic_weights + 4 * c) + gap(n.parameters, bottleneck_weights + 3 * c) + gap(b.macs, h * w * basic_weights) +
                            gap(n.macs, h * w * bottleneck_weights) + gap(16 * bottleneck_weights, 17 * c * c);
               // The same blocks inside the networks: resnet50's layer1.1 (256, 56×56) and resnet34's layer3.1 (256, 14×14).
               for (const LayerInfo& row : summarize(*make_net("resnet50", 1000), {1, 3, 224, 224}))
                   if (row.path == "layer1.1") err += gap(row.parameters, n.parameters) + gap(row.macs, n.macs);
               for (const LayerInfo& row : summarize(*make_net("resnet34", 1000), {1, 3, 224, 224}))
                   if (row.path == "layer3.1") err += gap(row.parameters, b.parameters) + gap(row.macs, h * w * basic_weights / 16);
               return Measurement{err, 0.0,
                                  str("256 → 256 at 56×56: basic block ", grouped(b.parameters), " parameters, ", grouped(b.macs),
                                      " MACs; bottleneck (1×1 to 64, 3×3, 1×1 to 256) ", grouped(n.parameters), ", ", grouped(n.macs), " (",
                                      fixed(double(b.macs) / double(n.macs)), "× fewer MACs; 288/17 = ", fixed(288.0 / 17),
                                      " on the weights); equal to resnet50's layer1.1 and resnet34's layer3.1. He et al.'s pairing: a basic "
                                      "block at 64 channels has ", grouped(2 * 9 * 64 * 64), " weights, the bottleneck at 256 ", grouped(bottleneck_weights))};
           }});
    r.add({"ch06.densenet-growth", 6,
           R"(\text{dense layer}\ l\ \text{of a block reads}\ k_0+k(l-1)\ \text{channels}\ (k=32);\ \ \text{transition}:\ k_0+kL\to\tfrac{1}{2}(k_0+kL),\ \tfrac{H}{2}\times\tfrac{W}{2})",
           "003 §5.4, 001 稠密连接网络 (DenseNet); Huang et al. 2017 §3", [] {
               const u64 k = 32;
               const std::array<u64, 4> layers_per_block{6, 12, 24, 16};
               const auto rows = summarize(*make_net("densenet121", 1000), {1, 3, 224, 224});
               u64 k0 = 64;
               std::size_t checked = 0, wrong = 0;
               std::string seen;
               for (std::size_t b = 0; b < 4; ++b) {
                   const std::string block = str("features.denseblock", b + 1);
                   for (u64 l = 1; l <= layers_per_block[b]; ++l)
                       for (const LayerInfo& row : rows)
                           if (row.path == str(block, ".denselayer", l)) {
                               ++checked;
                               wrong += row.input.c != k0 + k * (l - 1);
                               wrong += row.output.c != k0 + k * l;
                           }
                   const u64 end = k0 + k * layers_per_block[b];
                   seen += str(seen.empty() ? "" : ", ", k0, " → ", end);
                   if (b == 3) break;
                   for (const LayerInfo& row : rows)
                       if (row.path == str("features.transition", b + 1)) {
                           ++checked;
                           wrong += row.input.c != end || row.output.c != end / 2 || row.output.h != row.input.h / 2 || row.output.w != row.input.w / 2;
                           seen += str(" (transition ", row.input.c, "×", row.input.h, "×", row.input.w, " → ", row.output.c, "×", row.output.h, "×",
                                       row.output.w, ")");
                       }
                   k0 = end / 2;
               }
               return Measurement{double(wrong) + gap(checked, 58 * 1 + 3), 0.0,
                                  str("densenet121's summarize rows: 58 dense layers and 3 transitions checked, ", wrong, " off; blocks ", seen)};
           }});
}

}  // namespace

void register_ch06_claims(Registry& registry) {
    add_ex54_claims(registry);
    add_design_claims(registry);
    add_network_claims(registry);
}

}  // namespace cnnlab::verify

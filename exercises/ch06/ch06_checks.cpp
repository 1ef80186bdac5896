// The checks of Chapter 6's exercises and their registration. Oracles: Chapter 7's network model —
// layers built with cnnlab::layers:: or cnnlab::make_net, counted by cnnlab::summarize and
// cnnlab::Layer::infer — held first against literals (torchvision's parameter counts, nndl ex 5-4
// worked by hand).
#include "exercises/ch06/ch06_checks.hpp"

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch07_networks/network.hpp"
#include "chapters/ch07_networks/nets.hpp"
#include "exercises/checker/compare.hpp"

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace cnnlab::exercises::ch06 {

namespace {

// ---- the model's counts -------------------------------------------------------------------------

/// MACs, parameters and the values every leaf layer writes, as cnnlab::summarize counts them.
Cost model_cost(const Layer& layer, const Shape4& input) {
    const std::vector<LayerInfo> rows = summarize(layer, input);
    return {.macs = rows.front().macs, .parameters = rows.front().parameters, .activations = leaf_activations(rows)};
}

const Shape4 ex54_input{1, 256, 100, 100};

Cost model_direct() {
    std::vector<LayerPtr> parts;
    parts.push_back(layers::conv(256, 256, 3, 1, 1));
    return model_cost(*layers::sequence(std::move(parts)), ex54_input);
}

Cost model_bottleneck() {
    std::vector<LayerPtr> parts;
    parts.push_back(layers::conv(256, 64, 1));
    parts.push_back(layers::conv(64, 256, 3, 1, 1));
    return model_cost(*layers::sequence(std::move(parts)), ex54_input);
}

/// The transition layer of DenseNet built from cnnlab::layers::.
std::unique_ptr<Sequential> transition(std::size_t c) {
    std::vector<LayerPtr> parts;
    parts.push_back(layers::batch_norm(c));
    parts.push_back(layers::relu());
    parts.push_back(layers::conv(c, c / 2, 1, 1, 0, false));
    parts.push_back(layers::avg_pool(2, 2));
    return layers::sequence(std::move(parts));
}

/// The output values of a transition (only its last row, the pooling's output).
Cost transition_model_cost(std::size_t c, std::size_t h, std::size_t w) {
    const auto t = transition(c);
    const std::vector<LayerInfo> rows = summarize(*t, {1, c, h, w});
    return {.macs = rows.front().macs, .parameters = rows.front().parameters, .activations = rows.front().activations()};
}

std::vector<LayerInfo> net_rows(const std::string& name) {
    const NetInput input = default_input(name);
    return summarize(*make_net(name, default_classes(name), input), input.shape());
}

/// Whether GoogLeNet accepts 3×n×n.
bool googlenet_accepts(std::size_t n, std::string* why = nullptr) {
    if (n == 0) return false;
    try {
        (void)make_net("googlenet", 1000, {3, n, n})->infer({1, 3, n, n});
        return true;
    } catch (const shape_error& e) {
        if (why) *why = e.what();
        return false;
    }
}

// ---- comparing several counts -------------------------------------------------------------------

/// The first field of `got` that differs from `expected`, as a Mismatch on that field.
template <class T, std::size_t N>
std::optional<Mismatch> compare_fields(const std::string& what, const T& got, const T& expected,
                                       const std::pair<const char*, std::size_t T::*> (&fields)[N]) {
    for (const auto& [name, field] : fields)
        if (auto m = compare(str(what, ".", name), got.*field, expected.*field)) return m;
    return std::nullopt;
}

constexpr std::pair<const char*, std::size_t Cost::*> cost_fields[] = {
    {"macs", &Cost::macs}, {"parameters", &Cost::parameters}, {"activations", &Cost::activations}};

std::string grouped(std::size_t value) {
    const std::string digits = std::to_string(value);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

void require(bool holds, const char* what) {
    if (!holds) throw std::logic_error(str("Chapter 6 check: the network model disagrees with ", what));
}

}  // namespace

Verdict check_direct_cost(const std::function<Cost()>& answer) {
    const Cost expected = model_direct();
    require(expected == Cost{5898240000, 590080, 2560000}, "nndl ex 5-4's direct layer worked by hand");
    const Cost got = answer();
    if (auto m = compare_fields("direct_cost(), Conv2d(256, 256, 3, padding=1) on 256×100×100 counted by cnnlab::summarize", got, expected,
                                cost_fields)) {
        if (got.parameters == 10 * 256 * 256)
            m->note = "655,360 is note 003's (3×3 + 1)×256×256: one bias per pair of channels. A layer has one bias per output channel: "
                      "3·3·256·256 + 256";
        else if (got.parameters == 9 * 256 * 256)
            m->note = "these are the weights only; add one bias per output channel";
        else if (got.activations == 2 * 2560000)
            m->note = "count only the map the layer writes, not its input";
        else if (got.macs == 2 * expected.macs)
            m->note = "that is FLOPs (a multiply and an add); count multiply-accumulates";
        return Verdict::wrong(*m);
    }
    return Verdict::right("5,898,240,000 MACs, 590,080 parameters and 2,560,000 activations, as cnnlab::summarize counts the built layer");
}

Verdict check_bottleneck_cost(const std::function<Cost()>& answer) {
    const Cost expected = model_bottleneck();
    require(expected == Cost{1638400000, 164160, 3200000}, "nndl ex 5-4's bottleneck worked by hand");
    const Cost got = answer();
    if (auto m = compare_fields("bottleneck_cost(), Conv2d(256, 64, 1) then Conv2d(64, 256, 3, padding=1) on 256×100×100 counted by "
                                "cnnlab::summarize",
                                got, expected, cost_fields)) {
        if (got.macs == 100 * 100 * 256 * 64 + 100 * 64 * 256 * 9)
            m->note = "178,585,600 is note 003's count: its 3×3 term 100×64×256×3×3 has 100 kernel positions, but the kernel sits at "
                      "all 100×100 = 10,000 of them";
        else if (got.parameters == 2 * 256 * 64 + 10 * 64 * 256)
            m->note = "196,608 is note 003's (1×1 + 1)×256×64 + (3×3 + 1)×64×256: one bias per pair of channels; each layer has one per "
                      "output channel";
        else if (got.parameters == 256 * 64 + 9 * 64 * 256)
            m->note = "these are the weights only; each layer adds one bias per output channel (64 and 256)";
        else if (got.activations == 2560000 || got.activations == 640000)
            m->note = "both layers write a feature map: the 64-channel one and the 256-channel output";
        return Verdict::wrong(*m);
    }
    const double fewer = double(model_direct().macs) / double(expected.macs);
    return Verdict::right(str("1,638,400,000 MACs (", number(fewer), "× fewer than the direct layer), 164,160 "
                              "parameters and 3,200,000 activations (25 % more than the direct layer's: the bottleneck saves time and "
                              "parameters, not activation memory)"));
}

Verdict check_alexnet_conv_versus_fc(const std::function<ConvVersusFc()>& answer) {
    const std::vector<LayerInfo> rows = net_rows("alexnet");
    const KindTotals conv = totals_of_kind(rows, "Conv2d"), fc = totals_of_kind(rows, "Linear");
    require(conv.parameters + fc.parameters == 61100840 && rows.front().parameters == 61100840, "torchvision's AlexNet (61,100,840)");
    const ConvVersusFc expected{conv.parameters, fc.parameters, conv.macs, fc.macs};
    const ConvVersusFc got = answer();
    constexpr std::pair<const char*, std::size_t ConvVersusFc::*> fields[] = {{"conv_parameters", &ConvVersusFc::conv_parameters},
                                                                             {"fc_parameters", &ConvVersusFc::fc_parameters},
                                                                             {"conv_macs", &ConvVersusFc::conv_macs},
                                                                             {"fc_macs", &ConvVersusFc::fc_macs}};
    if (auto m = compare_fields("alexnet_conv_versus_fc(), the Conv2d and Linear rows of cnnlab::summarize on AlexNet (3×224×224)", got, expected,
                                fields)) {
        if (got.conv_parameters == expected.fc_parameters || got.conv_macs == expected.fc_macs)
            m->note = "the conv and the fully connected numbers are swapped";
        else if (got.fc_parameters == expected.fc_parameters - 9192 || got.conv_parameters == expected.conv_parameters - 1152)
            m->note = "the biases are missing (4096 + 4096 + 1000 in the linear layers, 64 + 192 + 384 + 256 + 256 in the convs)";
        return Verdict::wrong(*m);
    }
    return Verdict::right(str("the fully connected layers hold ", grouped(fc.parameters), " of the 61,100,840 parameters (",
                              std::to_string(int(100.0 * double(fc.parameters) / 61100840.0 + 0.5)), " %) but do ", grouped(fc.macs), " of the ",
                              grouped(fc.macs + conv.macs), " MACs (", std::to_string(int(100.0 * double(fc.macs) / double(fc.macs + conv.macs) + 0.5)),
                              " %): memory is in the FC layers, computation in the convolutions"));
}

Verdict check_parameter_counts(const std::function<NetParameters()>& answer) {
    const std::vector<LayerInfo> googlenet = net_rows("googlenet");
    const NetParameters expected{net_rows("alexnet").front().parameters, net_rows("vgg11").front().parameters, net_rows("nin").front().parameters,
                                 googlenet.front().parameters};
    require(expected == NetParameters{61100840, 132863336, 1992166, 6624904}, "torchvision's and d2l's parameter counts");
    const NetParameters got = answer();
    constexpr std::pair<const char*, std::size_t NetParameters::*> fields[] = {
        {"alexnet", &NetParameters::alexnet}, {"vgg11", &NetParameters::vgg11}, {"nin", &NetParameters::nin}, {"googlenet", &NetParameters::googlenet}};
    if (auto m = compare_fields("parameter_counts(), cnnlab::summarize on each network at its default input and classes", got, expected, fields)) {
        const std::size_t batch_norm = totals_of_kind(googlenet, "BatchNorm2d").parameters;
        if (got.googlenet + batch_norm == expected.googlenet)
            m->note = str("GoogLeNet's BatchNorm2d layers are missing: they hold 2 parameters per channel, ", grouped(batch_norm), " in all");
        else if (got.googlenet == expected.googlenet + batch_norm / 2)
            m->note = "GoogLeNet's convolutions have no bias (the BatchNorm2d after each supplies the shift)";
        return Verdict::wrong(*m);
    }
    return Verdict::right("AlexNet 61,100,840, VGG-11 132,863,336, NiN 1,992,166, GoogLeNet 6,624,904: NiN and GoogLeNet drop the "
                          "fully connected layers (global average pooling) and GoogLeNet reduces channels with 1×1 convolutions "
                          "before its 3×3 and 5×5 ones");
}

Verdict check_googlenet_minimum_input(const std::function<std::size_t()>& answer) {
    std::size_t smallest = 1;
    while (!googlenet_accepts(smallest)) ++smallest;
    const std::size_t got = answer();
    std::string why;
    if (got != smallest) {
        Mismatch m{.quantity = "googlenet_minimum_input(): the smallest n for which cnnlab::Layer::infer accepts 3×n×n",
                   .expected = std::to_string(smallest),
                   .got = std::to_string(got)};
        if (got < smallest && !googlenet_accepts(got, &why))
            m.note = str("3×", got, "×", got, " is refused: ", why);
        else if (got > smallest)
            m.note = str("3×", got - 1, "×", got - 1, " is accepted too");
        return Verdict::wrong(m);
    }
    (void)googlenet_accepts(smallest - 1, &why);
    return Verdict::right(str("3×", smallest, "×", smallest, " is accepted and 3×", smallest - 1, "×", smallest - 1, " refused (", why, ")"));
}

Verdict check_resnet50_counts(const std::function<ResNet50Counts()>& answer) {
    ResNet50Counts expected;
    for (const LayerInfo& row : net_rows("resnet50")) {
        const bool downsample = row.path.find("downsample") != std::string::npos;
        if (row.kind == "Residual" && row.depth == 2) ++expected.blocks.at(std::size_t(row.path[5] - '1'));  // "layerN.b"
        if (row.kind == "Sequential" && downsample && row.path.ends_with("downsample")) ++expected.projections;
        if ((row.kind == "Conv2d" || row.kind == "Linear") && !downsample) ++expected.weighted_layers;
    }
    require(expected == ResNet50Counts{{3, 4, 6, 3}, 4, 50}, "He et al.'s Table 1 (3, 4, 6, 3 blocks; 50 layers)");
    const ResNet50Counts got = answer();
    for (std::size_t s = 0; s < 4; ++s)
        if (auto m = compare(str("resnet50_counts().blocks[", s, "], the residual blocks in layer", s + 1, " of cnnlab::summarize"), got.blocks[s],
                             expected.blocks[s]))
            return Verdict::wrong(*m);
    if (auto m = compare("resnet50_counts().projections, the blocks with a downsample shortcut", got.projections, expected.projections)) {
        if (got.projections == 3)
            m->note = "layer1's first block needs one too: it keeps the size but turns 64 channels into 256";
        return Verdict::wrong(*m);
    }
    if (auto m = compare("resnet50_counts().weighted_layers, Conv2d and Linear rows outside the shortcuts", got.weighted_layers, expected.weighted_layers)) {
        if (got.weighted_layers == 54) m->note = "the 4 projection convs are on the shortcut, not on the main path";
        if (got.weighted_layers == 49) m->note = "the final linear layer counts too";
        return Verdict::wrong(*m);
    }
    return Verdict::right("3, 4, 6, 3 bottleneck blocks, 4 projections, 1 + 16·3 + 1 = 50 weighted layers, from cnnlab::summarize on ResNet-50");
}

Verdict check_transition_cost(const std::function<Cost(std::size_t, std::size_t, std::size_t)>& answer) {
    // DenseNet-121's own transitions first, then a grid.
    std::vector<Shape4> cases;
    for (const LayerInfo& row : net_rows("densenet121"))
        if (row.path.starts_with("features.transition") && row.depth == 2) {
            cases.push_back(row.input);
            require(transition_model_cost(row.input.c, row.input.h, row.input.w).parameters == row.parameters, "densenet121's transition rows");
        }
    require(cases.size() == 3 && cases[0] == Shape4{1, 256, 56, 56}, "densenet121's transitions (256×56×56 first)");
    for (std::size_t c : {2, 16, 96})
        for (std::size_t h : {2, 8, 14}) cases.push_back({1, c, h, h + 2});
    for (const Shape4& s : cases) {
        const Cost expected = transition_model_cost(s.c, s.h, s.w), got = answer(s.c, s.h, s.w);
        if (auto m = compare_fields(str("transition_cost(", s.c, ", ", s.h, ", ", s.w, ") against cnnlab::summarize of BatchNorm2d, ReLU, 1×1 "
                                        "Conv2d(", s.c, ", ", s.c / 2, "), AvgPool2d(2, 2)"),
                                    got, expected, cost_fields)) {
            if (got.macs == expected.macs / 4)
                m->note = "the 1×1 convolution comes before the pooling: it runs at H×W, not at H/2×W/2";
            else if (got.parameters == s.c * s.c / 2)
                m->note = "the BatchNorm2d holds 2C parameters (a scale and a shift per channel)";
            else if (got.parameters == s.c * s.c / 2 + 2 * s.c + s.c / 2)
                m->note = "DenseNet's transition convolution has no bias";
            return Verdict::wrong(*m);
        }
    }
    const Cost first = transition_model_cost(256, 56, 56);
    return Verdict::right(str("densenet121's three transitions and ", cases.size() - 3, " more shapes; the first: ", grouped(first.parameters),
                              " parameters, ", grouped(first.macs), " MACs, output 128×28×28"));
}

/// Adds Chapter 6 and its exercises, each check bound to the learner's function.
void register_exercises(Registry& registry) {
    registry.add_chapter({6, "complexity 复杂度", "exercises/ch06/ch06_exercises.cpp"});
    const auto add = [&](std::string id, std::string title, std::string source, std::string function, std::string hint,
                         std::function<Verdict()> check) {
        registry.add({std::move(id), 6, std::move(title), std::move(source), std::move(function), std::move(hint), std::move(check)});
    };
    add("5-4.1", "time and space of a 3×3 conv 256 → 256 on 100×100 时间和空间复杂度", "nndl ex 5-4 (1); note 003 习题5-4", "direct_cost()",
        "MACs = H·W·C_out·C_in·K² = 100·100·256·256·9; parameters = K²·C_in·C_out + C_out (one bias per output channel); activations = "
        "the output's H·W·C_out.",
        [] { return check_direct_cost(direct_cost); });
    add("5-4.2", "the same through a 1×1 bottleneck to 64 channels", "nndl ex 5-4 (2); note 003 习题5-4", "bottleneck_cost()",
        "add the two layers: 100·100·64·256 + 100·100·256·64·9 MACs (both convs run at all 100×100 positions), (256·64 + 64) + "
        "(9·64·256 + 256) parameters, 100·100·64 + 100·100·256 activations.",
        [] { return check_bottleneck_cost(bottleneck_cost); });
    add("d2l-alexnet-fc", "AlexNet: parameters and MACs of the conv and the fully connected part", "d2l AlexNet, ex 4",
        "alexnet_conv_versus_fc()",
        "per conv: C_out·C_in·K² + C_out parameters and H_out·W_out times the weights in MACs (55², 27², 13², 13², 13²); per linear "
        "layer in·out + out parameters and in·out MACs (9216·4096, 4096·4096, 4096·1000).",
        [] { return check_alexnet_conv_versus_fc(alexnet_conv_versus_fc); });
    add("d2l-parameter-counts", "parameters of AlexNet, VGG-11, NiN and GoogLeNet", "d2l GoogLeNet, ex 4", "parameter_counts()",
        "sum every layer's parameters (convs K²C_inC_out + bias, linear in·out + out, BatchNorm2d 2C); `cnnlab summary NET` prints "
        "the totals to compare with. VGG-11's first linear layer alone holds 25088·4096 + 4096.",
        [] { return check_parameter_counts(parameter_counts); });
    add("d2l-googlenet-min", "the smallest input GoogLeNet accepts", "d2l GoogLeNet, ex 2", "googlenet_minimum_input()",
        "conv1 turns n into ⌊(n − 1)/2⌋ + 1; each ceil-mode pooling turns m into ⌈(m − K)/s⌉ + 1 — a window may hang over the edge "
        "if it starts inside the input — so a 3×3 stride-2 pooling needs m ≥ 2 and the 2×2 one m ≥ 1. Or try n = 1, 2, … with "
        "make_net(\"googlenet\", 1000, {3, n, n})->infer({1, 3, n, n}) until it stops throwing shape_error.",
        [] { return check_googlenet_minimum_input(googlenet_minimum_input); });
    add("d2l-resnet50", "ResNet-50's blocks, projections and the 50 layers", "d2l ResNet; He et al. 2016, Table 1", "resnet50_counts()",
        "blocks (3, 4, 6, 3); a projection where the shape changes: the first block of every stage (layer1's turns 64 channels into 256); "
        "weighted layers: the stem conv + 3 per bottleneck block + the final linear layer.",
        [] { return check_resnet50_counts(resnet50_counts); });
    add("d2l-dense-transition", "a DenseNet transition layer's parameters, MACs and output", "d2l DenseNet (过渡层); implementation",
        "transition_cost(channels, height, width)",
        "parameters 2C (BatchNorm) + C·C/2 (the 1×1 conv, no bias); MACs H·W·C·C/2 (the conv runs before the pooling); output "
        "(C/2)·(H/2)·(W/2).",
        [] { return check_transition_cost(transition_cost); });
}

}  // namespace cnnlab::exercises::ch06

namespace cnnlab::exercises {
void register_ch06_exercises(Registry& registry) { ch06::register_exercises(registry); }
}  // namespace cnnlab::exercises

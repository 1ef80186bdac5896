/// \file
/// \brief Chapter 7 suite: the classic networks' parameter counts equal torchvision's (its
/// `num_params` in the model documentation) and their multiply-accumulates its published GFLOPS to the
/// digits given, and exactly the counts tools/golden/net_counts.py measures with torchvision's
/// modules; d2l's LeNet shape trace, parameters and MACs by hand; receptive fields by hand (LeNet,
/// VGG-16); the shape errors name the layer's path and both shapes. d2l's own AlexNet, VGG-11, ResNet-18
/// and DenseNet: counts equal to their PyTorch definitions' (net_counts.py) and d2l's shape traces; the
/// 1998 LeNet-5: the paper's parameters (60,000) and connections layer by layer.
#define BOOST_TEST_MODULE ch07_networks
#include <boost/test/unit_test.hpp>

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch07_networks/lenet1998.hpp"
#include "chapters/ch07_networks/nets.hpp"
#include "chapters/ch07_networks/network.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

using namespace cnnlab;

namespace {

struct Published {
    const char* name;
    std::uint64_t parameters;  // torchvision's num_params
    double gflops;             // torchvision's GFLOPS column (multiply-accumulates, 224×224, 1000 classes)
    std::uint64_t macs;        // measured by tools/golden/net_counts.py (forward hooks, torchvision 0.14.1)
};

// torchvision's model documentation (IMAGENET1K_V1 weights) and the exact counts of net_counts.py.
const std::vector<Published> torchvision_table{
    {"alexnet", 61'100'840, 0.71, 714'188'480},       {"vgg11", 132'863'336, 7.61, 7'609'090'048},
    {"vgg16", 138'357'544, 15.47, 15'470'264'320},    {"resnet18", 11'689'512, 1.81, 1'814'073'344},
    {"resnet34", 21'797'672, 3.66, 3'663'761'408},    {"resnet50", 25'557'032, 4.09, 4'089'184'256},
    {"googlenet", 6'624'904, 1.50, 1'498'376'192},    {"densenet121", 7'978'856, 2.83, 2'834'161'664},
};

// True when the message holds every part.
bool mentions(const std::exception& e, const std::vector<std::string>& parts) {
    const std::string message = e.what();
    for (const std::string& part : parts)
        if (message.find(part) == std::string::npos) {
            BOOST_TEST_MESSAGE("message '" << message << "' lacks '" << part << "'");
            return false;
        }
    return true;
}

}  // namespace

BOOST_AUTO_TEST_CASE(torchvision_parameter_counts_and_macs) {
    for (const Published& p : torchvision_table) {
        BOOST_TEST_CONTEXT(p.name) {
            const auto net = make_net(p.name, 1000);
            const LayerInfo info = net->infer({1, 3, 224, 224});
            BOOST_TEST(info.parameters == p.parameters);
            BOOST_TEST(std::round(static_cast<double>(info.macs) / 1e7) == std::round(p.gflops * 100));
            BOOST_TEST(info.macs == p.macs);
            BOOST_TEST(info.output == (Shape4{1, 1000, 1, 1}));
        }
    }
}

BOOST_AUTO_TEST_CASE(summary_totals_equal_the_sum_of_leaf_rows) {
    const auto net = make_net("resnet50", 1000);
    const std::vector<LayerInfo> rows = summarize(*net, {1, 3, 224, 224});
    std::uint64_t parameters = 0, macs = 0;
    for (const LayerInfo& row : rows)
        if (!row.composite) parameters += row.parameters, macs += row.macs;
    BOOST_TEST(rows.front().path == "resnet50");
    BOOST_TEST(parameters == rows.front().parameters);
    BOOST_TEST(macs == rows.front().macs);
    bool found = false;
    for (const LayerInfo& row : rows)
        if (row.path == "layer1.0.downsample.0") found = row.kind == "Conv2d" && row.parameters == 64u * 256;
    BOOST_TEST(found);
}

BOOST_AUTO_TEST_CASE(lenet_shape_trace_parameters_and_macs) {
    const auto net = lenet();
    const std::vector<LayerInfo> rows = summarize(*net, {1, 1, 28, 28});
    std::vector<Shape4> shapes;
    for (const LayerInfo& row : rows)
        if (row.kind != "Sigmoid" && !row.composite) shapes.push_back(row.output);
    // d2l §6.6: 1×28×28 → 6×28×28 → 6×14×14 → 16×10×10 → 16×5×5 → 400 → 120 → 84 → 10
    const std::vector<Shape4> expected{{1, 6, 28, 28}, {1, 6, 14, 14}, {1, 16, 10, 10}, {1, 16, 5, 5},
                                       {1, 400, 1, 1}, {1, 120, 1, 1}, {1, 84, 1, 1},   {1, 10, 1, 1}};
    BOOST_TEST(shapes.size() == expected.size());
    for (std::size_t i = 0; i < std::min(shapes.size(), expected.size()); ++i)
        BOOST_TEST(shapes[i] == expected[i], "layer " << i << ": " << shapes[i] << " vs " << expected[i]);
    // (1·25+1)·6 + (6·25+1)·16 + 401·120 + 121·84 + 85·10
    BOOST_TEST(rows.front().parameters == 61'706u);
    // 6·28·28·25 + 16·10·10·6·25 + 400·120 + 120·84 + 84·10
    BOOST_TEST(rows.front().macs == 117'600u + 240'000u + 48'000u + 10'080u + 840u);
    BOOST_TEST(rows[1].path == "0");
    BOOST_TEST(rows[1].kind == "Conv2d");
}

BOOST_AUTO_TEST_CASE(receptive_fields_by_hand) {
    // LeNet: conv 5 → 5; pool 2 → 6 (jump 2); conv 5 → 6 + 4·2 = 14; pool 2 → 16 (jump 4).
    const auto le = lenet();
    const std::vector<LayerInfo> rows = summarize(*le, {1, 1, 28, 28});
    BOOST_TEST(rows[1].field.rows.size == 5u);
    BOOST_TEST(rows[3].field.rows.size == 6u);
    BOOST_TEST(rows[3].field.rows.jump == 2u);
    BOOST_TEST(rows[6].field.cols.size == 16u);
    BOOST_TEST(rows[6].field.cols.jump == 4u);
    // VGG-16's features: r = 212, jump 32 (each 3×3 conv adds 2·jump, each 2×2 pool adds jump and doubles it).
    const auto v = make_net("vgg16", 1000);
    for (const LayerInfo& row : summarize(*v, {1, 3, 224, 224}))
        if (row.path == "features") {
            BOOST_TEST(row.field.rows.size == 212u);
            BOOST_TEST(row.field.rows.jump == 32u);
            BOOST_TEST(row.output == (Shape4{1, 512, 7, 7}));
        }
}

BOOST_AUTO_TEST_CASE(class_count_and_input_size_are_parameters) {
    // Only the last linear layer changes with the class count: 4097·(1000 − 10) fewer parameters.
    BOOST_TEST(make_net("alexnet", 10)->infer({1, 3, 224, 224}).parameters == 61'100'840u - 4097u * 990u);
    // LeNet on 1×32×32 (LeCun's size, no padding needed): the first linear layer follows, 16·6·6 = 576 inputs.
    const LayerInfo big = lenet(10, {1, 32, 32})->infer({1, 1, 32, 32});
    BOOST_TEST(big.parameters == 61'706u + 176u * 120u);
    BOOST_TEST(big.output == (Shape4{1, 10, 1, 1}));
    // NiN (d2l): 10 classes from the last NiN block's channels, no linear layer; counts of net_counts.py.
    const LayerInfo n = make_net("nin", 10)->infer({1, 1, 224, 224});
    BOOST_TEST(n.output == (Shape4{1, 10, 1, 1}));
    BOOST_TEST(n.parameters == 1'992'166u);
    BOOST_TEST(n.macs == 762'297'352u);
}

BOOST_AUTO_TEST_CASE(wrong_linear_is_refused_with_its_name_and_both_shapes) {
    auto features = std::make_unique<Sequential>();
    features->add(layers::conv(1, 6, 5, 1, 2)).add(layers::relu());
    auto classifier = std::make_unique<Sequential>();
    classifier->add(layers::linear(1000, 10));
    Sequential net("bad");
    net.add("features", std::move(features)).add("flatten", layers::flatten()).add("classifier", std::move(classifier));
    BOOST_CHECK_EXCEPTION(net.infer({1, 1, 28, 28}), shape_error, [](const shape_error& e) {
        return mentions(e, {"classifier.0 (Linear)", "1×4704×1×1", "10×1000"});
    });
}

BOOST_AUTO_TEST_CASE(other_shape_errors_name_the_layer) {
    Sequential net("bad");
    net.add("features", std::make_unique<Sequential>());
    auto& features = static_cast<Sequential&>(*net.children().front());
    features.add(layers::conv(3, 8, 3)).add(layers::relu()).add(layers::batch_norm(8)).add(layers::conv(16, 8, 3));
    BOOST_CHECK_EXCEPTION(net.infer({1, 3, 32, 32}), shape_error, [](const shape_error& e) {
        return mentions(e, {"features.3 (Conv2d)", "input 1×8×30×30", "weight 8×16×3×3"});
    });
    BOOST_CHECK_EXCEPTION(net.infer({1, 4, 32, 32}), shape_error, [](const shape_error& e) {
        return mentions(e, {"features.0 (Conv2d)", "input has 4 channels but weight expects 3"});
    });
    // A residual block whose main branch changes the channels needs a projection.
    auto main = std::make_unique<Sequential>();
    main->add("conv1", layers::conv(4, 8, 3, 1, 1));
    Residual block(std::move(main), nullptr, nullptr, "block");
    BOOST_CHECK_EXCEPTION(block.infer({1, 4, 8, 8}), shape_error, [](const shape_error& e) {
        return mentions(e, {"block (Residual)", "1×8×8×8", "1×4×8×8"});
    });
    // Concatenated branches must keep N, H and W.
    Concat concat("mix");
    concat.add(layers::conv(4, 8, 3, 1, 1)).add(layers::conv(4, 8, 3));
    BOOST_CHECK_EXCEPTION(concat.infer({1, 4, 8, 8}), shape_error, [](const shape_error& e) {
        return mentions(e, {"mix (Concat)", "branch2", "1×8×6×6", "1×8×8×8"});
    });
}

BOOST_AUTO_TEST_CASE(unknown_network_is_refused_with_the_known_names) {
    BOOST_CHECK_EXCEPTION(make_net("resnet101", 1000), argument_error, [](const argument_error& e) {
        return mentions(e, {"unknown network 'resnet101'", "resnet50", "densenet121"});
    });
}

namespace {

// The output shapes of the rows at `depth` (1: the net's direct children), in order.
std::vector<Shape4> shapes_at_depth(const Layer& net, const Shape4& input, std::size_t depth) {
    std::vector<Shape4> shapes;
    for (const LayerInfo& row : summarize(net, input))
        if (row.depth == depth) shapes.push_back(row.output);
    return shapes;
}

void check_trace(const std::vector<Shape4>& got, const std::vector<Shape4>& expected) {
    BOOST_TEST(got.size() == expected.size());
    for (std::size_t i = 0; i < std::min(got.size(), expected.size()); ++i)
        BOOST_TEST(got[i] == expected[i], "layer " << i << ": " << got[i] << " vs " << expected[i]);
}

}  // namespace

BOOST_AUTO_TEST_CASE(d2l_and_lenet1998_counts_equal_pytorch_s) {
    // tools/golden/net_counts.py: d2l's definitions (PyTorch edition, §7.1, §7.2, §7.6, §7.7) and the
    // 1998 LeNet-5 and cnnlab's two Fashion-MNIST nets written in PyTorch, parameters and forward-hook MACs at each net's default input.
    const std::vector<Published> measured{
        {"lenet1998", 60'000, 0, 326'520},           {"alexnet_d2l", 46'764'746, 0, 938'146'176},
        {"vgg11_d2l", 43'093'322, 0, 512'155'648},   {"densenet_d2l", 758'226, 0, 129'077'168},
        {"resnet18_d2l", 11'178'378, 0, 318'657'536},  {"lenet_modern", 61'750, 0, 416'520},
        {"resnet18_mini", 701'178, 0, 28'573'184},
    };
    for (const Published& p : measured) {
        BOOST_TEST_CONTEXT(p.name) {
            BOOST_TEST(default_classes(p.name) == 10u);
            const auto net = make_net(p.name, 10);
            const LayerInfo info = net->infer(default_input(p.name).shape());
            BOOST_TEST(info.parameters == p.parameters);
            BOOST_TEST(info.macs == p.macs);
            BOOST_TEST(info.output == (Shape4{1, 10, 1, 1}));
        }
    }
    BOOST_TEST((default_input("lenet1998").shape() == Shape4{1, 1, 32, 32}));
    BOOST_TEST((default_input("alexnet_d2l").shape() == Shape4{1, 1, 224, 224}));
    BOOST_TEST((default_input("vgg11_d2l").shape() == Shape4{1, 1, 224, 224}));
    BOOST_TEST((default_input("resnet18_d2l").shape() == Shape4{1, 1, 96, 96}));
    BOOST_TEST((default_input("densenet_d2l").shape() == Shape4{1, 1, 96, 96}));
}

BOOST_AUTO_TEST_CASE(d2l_alexnet_shape_trace) {
    // d2l §7.1 prints every layer's output on 1×1×224×224 (Linear outputs are N×F×1×1 here).
    std::vector<Shape4> got;
    std::vector<std::string> kinds;
    for (const LayerInfo& row : summarize(*alexnet_d2l(), {1, 1, 224, 224}))
        if (!row.composite) got.push_back(row.output), kinds.push_back(row.kind);
    check_trace(got, {{1, 96, 54, 54},  {1, 96, 54, 54},  {1, 96, 26, 26},  {1, 256, 26, 26}, {1, 256, 26, 26},
                      {1, 256, 12, 12}, {1, 384, 12, 12}, {1, 384, 12, 12}, {1, 384, 12, 12}, {1, 384, 12, 12},
                      {1, 256, 12, 12}, {1, 256, 12, 12}, {1, 256, 5, 5},   {1, 6400, 1, 1},  {1, 4096, 1, 1},
                      {1, 4096, 1, 1},  {1, 4096, 1, 1},  {1, 4096, 1, 1},  {1, 4096, 1, 1},  {1, 4096, 1, 1},
                      {1, 10, 1, 1}});
    const std::vector<std::string> expected_kinds{
        "Conv2d", "ReLU",    "MaxPool2d", "Conv2d", "ReLU",   "MaxPool2d", "Conv2d", "ReLU",    "Conv2d", "ReLU", "Conv2d",
        "ReLU",   "MaxPool2d", "Flatten", "Linear", "ReLU",   "Dropout",   "Linear", "ReLU",    "Dropout", "Linear"};
    BOOST_TEST(kinds == expected_kinds, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(d2l_vgg_resnet_densenet_shape_traces) {
    // d2l §7.2 prints the full-width VGG-11 block by block on 1×1×224×224; the small_conv_arch it
    // trains has a quarter of the channels. Both as PyTorch gives them (net_counts.py --trace).
    check_trace(shapes_at_depth(*vgg11_d2l(10, {1, 224, 224}, 1), {1, 1, 224, 224}, 1),
                {{1, 64, 112, 112}, {1, 128, 56, 56}, {1, 256, 28, 28}, {1, 512, 14, 14}, {1, 512, 7, 7},
                 {1, 25088, 1, 1}, {1, 4096, 1, 1}, {1, 4096, 1, 1}, {1, 4096, 1, 1}, {1, 4096, 1, 1},
                 {1, 4096, 1, 1}, {1, 4096, 1, 1}, {1, 10, 1, 1}});
    check_trace(shapes_at_depth(*vgg11_d2l(), {1, 1, 224, 224}, 1),
                {{1, 16, 112, 112}, {1, 32, 56, 56}, {1, 64, 28, 28}, {1, 128, 14, 14}, {1, 128, 7, 7},
                 {1, 6272, 1, 1}, {1, 4096, 1, 1}, {1, 4096, 1, 1}, {1, 4096, 1, 1}, {1, 4096, 1, 1},
                 {1, 4096, 1, 1}, {1, 4096, 1, 1}, {1, 10, 1, 1}});
    // d2l §7.6 prints b1 … b5, the pooling, Flatten and Linear on 1×1×224×224.
    check_trace(shapes_at_depth(*resnet18_d2l(), {1, 1, 224, 224}, 1),
                {{1, 64, 56, 56}, {1, 64, 56, 56}, {1, 128, 28, 28}, {1, 256, 14, 14}, {1, 512, 7, 7},
                 {1, 512, 1, 1}, {1, 512, 1, 1}, {1, 10, 1, 1}});
    // d2l §7.7's net on its training size 1×1×96×96: b1, dense blocks (+128 channels) and transitions (½).
    check_trace(shapes_at_depth(*densenet_d2l(), {1, 1, 96, 96}, 1),
                {{1, 64, 24, 24}, {1, 192, 24, 24}, {1, 96, 12, 12}, {1, 224, 12, 12}, {1, 112, 6, 6},
                 {1, 240, 6, 6}, {1, 120, 3, 3}, {1, 248, 3, 3}, {1, 248, 3, 3}, {1, 248, 3, 3}, {1, 248, 1, 1},
                 {1, 248, 1, 1}, {1, 10, 1, 1}});
    // d2l's parameter names: the first block of b3 projects its shortcut with "conv3".
    bool projection = false;
    for (const LayerInfo& row : summarize(*resnet18_d2l(), {1, 1, 96, 96}))
        if (row.path == "2.0.conv3") projection = row.kind == "Conv2d" && row.parameters == 64u * 128 + 128;
    BOOST_TEST(projection);
}

BOOST_AUTO_TEST_CASE(d2l_nin_and_googlenet_shape_traces) {
    // d2l §7.3 prints NiN's top-level blocks on 1×1×224×224 (Flatten's [1, 10] is 1×10×1×1 here).
    check_trace(shapes_at_depth(*nin(), {1, 1, 224, 224}, 1),
                {{1, 96, 54, 54}, {1, 96, 26, 26}, {1, 256, 26, 26}, {1, 256, 12, 12}, {1, 384, 12, 12},
                 {1, 384, 5, 5}, {1, 384, 5, 5}, {1, 10, 5, 5}, {1, 10, 1, 1}, {1, 10, 1, 1}});
    // d2l §7.4 prints its GoogLeNet's stages b1 … b5 on 1×1×96×96: 64×24×24, 192×12×12, 480×6×6,
    // 832×3×3, 1024. The torchvision variant built here (batch norm, ceil-mode pooling) reaches the
    // same shapes at the ends of the same stages: maxpool1, maxpool2, maxpool3, maxpool4, the pooling.
    const std::vector<std::string> stage_ends{"maxpool1", "maxpool2", "maxpool3", "maxpool4", "flatten"};
    std::vector<Shape4> got;
    for (const LayerInfo& row : summarize(*googlenet(10, {1, 96, 96}), {1, 1, 96, 96}))
        if (std::find(stage_ends.begin(), stage_ends.end(), row.path) != stage_ends.end()) got.push_back(row.output);
    check_trace(got, {{1, 64, 24, 24}, {1, 192, 12, 12}, {1, 480, 6, 6}, {1, 832, 3, 3}, {1, 1024, 1, 1}});
}

BOOST_AUTO_TEST_CASE(lenet1998_has_the_papers_parameters_and_connections) {
    // LeCun, Bottou, Bengio, Haffner 1998, §II.B: per layer the trainable parameters and the
    // connections (every output's inputs plus its bias), and 60,000 parameters in all.
    struct Paper {
        const char* layer;
        Shape4 output;
        std::uint64_t parameters, connections;
    };
    const std::vector<Paper> paper{
        {"C1", {1, 6, 28, 28}, 156, 122'304},     {"S2", {1, 6, 14, 14}, 12, 5'880},
        {"C3", {1, 16, 10, 10}, 1'516, 151'600},  {"S4", {1, 16, 5, 5}, 32, 2'000},
        {"C5", {1, 120, 1, 1}, 48'120, 48'120},   {"F6", {1, 84, 1, 1}, 10'164, 10'164},
        {"output", {1, 10, 1, 1}, 0, 840},
    };
    const auto net = lenet1998();
    const std::vector<LayerInfo> rows = summarize(*net, {1, 1, 32, 32});
    BOOST_TEST(rows.front().parameters == 60'000u);
    BOOST_TEST(rows.front().macs == 326'520u);  // net_counts.py's count, too
    for (const Paper& p : paper) {
        BOOST_TEST_CONTEXT(p.layer) {
            const LayerInfo* row = nullptr;
            for (const LayerInfo& r : rows)
                if (r.path == p.layer) row = &r;
            BOOST_REQUIRE(row != nullptr);
            BOOST_TEST(row->output == p.output);
            BOOST_TEST(row->parameters == p.parameters);
            // A subsampling unit connects to its 2×2 window and its bias; a conv or linear unit to its
            // multiply-accumulates' inputs and its bias; an RBF unit to its 84 inputs.
            const std::uint64_t connections = row->kind == "Subsampling"    ? 5 * row->activations()
                                              : row->kind == "EuclideanRBF" ? row->macs
                                                                            : row->macs + row->activations();
            BOOST_TEST(connections == p.connections);
        }
    }
    // C3's table: 60 connections, 10 to each of the six S2 maps (Table I's rows).
    std::vector<std::size_t> per_input(6, 0);
    std::size_t total = 0;
    for (const auto& inputs : lenet1998_c3_table()) {
        total += inputs.size();
        for (std::size_t c : inputs) ++per_input[c];
    }
    BOOST_TEST(total == 60u);
    for (std::size_t c = 0; c < 6; ++c) BOOST_TEST(per_input[c] == 10u);
    // The receptive field of C5: 5 + 1·… = 32, the whole input (the paper: C5 sees all of it).
    for (const LayerInfo& r : rows)
        if (r.path == "C5") BOOST_TEST(r.field.rows.size == 32u);
}

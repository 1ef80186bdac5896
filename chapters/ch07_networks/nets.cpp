// The classic networks as layer trees, with torchvision's (or d2l's) layer names and sizes.
#include "chapters/ch07_networks/nets.hpp"

#include "chapters/ch00_foundation/errors.hpp"
#include "chapters/ch00_foundation/image_io.hpp"
#include "chapters/ch07_networks/lenet1998.hpp"

#include <array>
#include <utility>

namespace cnnlab {
namespace {

using namespace layers;

std::unique_ptr<Sequential> sequential(std::string name = {}) { return std::make_unique<Sequential>(std::move(name)); }

// The classifier head shared by AlexNet and VGG: dropout, two hidden linear layers of 4096, the output layer.
void add_classifier(Sequential& net, std::size_t features, std::size_t classes, bool dropout_first) {
    auto head = sequential();
    if (dropout_first) head->add(dropout());
    head->add(linear(features, 4096)).add(relu());
    if (!dropout_first) head->add(dropout());
    if (dropout_first) head->add(dropout());
    head->add(linear(4096, 4096)).add(relu());
    if (!dropout_first) head->add(dropout());
    head->add(linear(4096, classes));
    net.add("classifier", std::move(head));
}

// torchvision's BasicConv2d of GoogLeNet: conv without bias, BatchNorm (eps 0.001), ReLU.
LayerPtr basic_conv(std::size_t in, std::size_t out, std::size_t kernel, std::size_t stride = 1, std::size_t padding = 0) {
    auto block = sequential();
    block->add("conv", conv(in, out, kernel, stride, padding, false)).add("bn", batch_norm(out, 1e-3f)).add("relu", relu());
    return block;
}

LayerPtr inception(std::size_t in, std::size_t ch1x1, std::size_t ch3x3red, std::size_t ch3x3, std::size_t ch5x5red,
                   std::size_t ch5x5, std::size_t pool_proj) {
    auto block = std::make_unique<Concat>();
    block->add(named("branch1", basic_conv(in, ch1x1, 1)));
    auto branch2 = sequential("branch2");
    branch2->add(basic_conv(in, ch3x3red, 1)).add(basic_conv(ch3x3red, ch3x3, 3, 1, 1));
    block->add(std::move(branch2));
    // torchvision's "5×5" branch uses a 3×3 kernel (a known deviation from the paper, kept for its weights).
    auto branch3 = sequential("branch3");
    branch3->add(basic_conv(in, ch5x5red, 1)).add(basic_conv(ch5x5red, ch5x5, 3, 1, 1));
    block->add(std::move(branch3));
    auto branch4 = sequential("branch4");
    branch4->add(max_pool(3, 1, 1, true)).add(basic_conv(in, pool_proj, 1));
    block->add(std::move(branch4));
    return block;
}

// ResNet's BasicBlock (expansion 1) or Bottleneck (expansion 4, stride in the 3×3 conv).
LayerPtr residual_block(bool bottleneck, std::size_t in, std::size_t planes, std::size_t stride) {
    const std::size_t out = bottleneck ? planes * 4 : planes;
    auto main = sequential();
    if (bottleneck) {
        main->add("conv1", conv(in, planes, 1, 1, 0, false)).add("bn1", batch_norm(planes)).add("relu", relu());
        main->add("conv2", conv(planes, planes, 3, stride, 1, false)).add("bn2", batch_norm(planes)).add("relu2", relu());
        main->add("conv3", conv(planes, out, 1, 1, 0, false)).add("bn3", batch_norm(out));
    } else {
        main->add("conv1", conv(in, planes, 3, stride, 1, false)).add("bn1", batch_norm(planes)).add("relu", relu());
        main->add("conv2", conv(planes, planes, 3, 1, 1, false)).add("bn2", batch_norm(planes));
    }
    LayerPtr projection;
    if (stride != 1 || in != out) {
        auto down = sequential();
        down->add(conv(in, out, 1, stride, 0, false)).add(batch_norm(out));
        projection = std::move(down);
    }
    return std::make_unique<Residual>(std::move(main), std::move(projection), relu());
}

LayerPtr nin_block(std::size_t in, std::size_t out, std::size_t kernel, std::size_t stride, std::size_t padding) {
    auto block = sequential();
    block->add(conv(in, out, kernel, stride, padding)).add(relu());
    block->add(conv(out, out, 1)).add(relu()).add(conv(out, out, 1)).add(relu());
    return block;
}

// DenseNet's layer: BN-ReLU-1×1 conv (4·growth) - BN-ReLU-3×3 conv (growth), concatenated to its input.
LayerPtr dense_layer(std::size_t in, std::size_t growth) {
    auto layer = std::make_unique<Concat>();
    layer->add(named("input", identity()));
    auto fresh = sequential("new");
    fresh->add("norm1", batch_norm(in)).add("relu1", relu()).add("conv1", conv(in, 4 * growth, 1, 1, 0, false));
    fresh->add("norm2", batch_norm(4 * growth)).add("relu2", relu()).add("conv2", conv(4 * growth, growth, 3, 1, 1, false));
    layer->add(std::move(fresh));
    return layer;
}

// d2l's b1 of ResNet and DenseNet: conv 64@7×7 stride 2 padding 3 (with bias), BN, ReLU, max pool 3/2/1.
LayerPtr d2l_stem(std::size_t in) {
    auto b1 = sequential();
    b1->add(conv(in, 64, 7, 2, 3)).add(batch_norm(64)).add(relu()).add(max_pool(3, 2, 1));
    return b1;
}

// d2l's Residual (§7.6): relu(bn2(conv2(relu(bn1(conv1(x))))) + x), the shortcut a strided 1×1 conv
// "conv3" when use_1x1conv.
LayerPtr d2l_residual(std::size_t in, std::size_t out, bool use_1x1conv, std::size_t stride) {
    auto main = sequential();
    main->add("conv1", conv(in, out, 3, stride, 1)).add("bn1", batch_norm(out)).add("relu", relu());
    main->add("conv2", conv(out, out, 3, 1, 1)).add("bn2", batch_norm(out));
    LayerPtr projection = use_1x1conv ? named("conv3", conv(in, out, 1, stride)) : nullptr;
    return std::make_unique<Residual>(std::move(main), std::move(projection), relu());
}

// d2l's DenseBlock (§7.7): num_convs conv_blocks (BN-ReLU-3×3 conv), each output concatenated to its input.
LayerPtr d2l_dense_block(std::size_t num_convs, std::size_t in, std::size_t growth) {
    auto block = sequential();
    for (std::size_t i = 0; i < num_convs; ++i) {
        const std::size_t channels = in + i * growth;
        auto conv_block = sequential("conv_block");
        conv_block->add(batch_norm(channels)).add(relu()).add(conv(channels, growth, 3, 1, 1));
        auto layer = std::make_unique<Concat>();
        layer->add(named("input", identity())).add(std::move(conv_block));
        block->add(std::move(layer));
    }
    return block;
}

}  // namespace

std::unique_ptr<Sequential> lenet(std::size_t classes, NetInput input) {
    auto net = sequential("lenet");
    net->add(conv(input.channels, 6, 5, 1, 2)).add(sigmoid()).add(avg_pool(2, 2));
    net->add(conv(6, 16, 5)).add(sigmoid()).add(avg_pool(2, 2)).add(flatten());
    const std::size_t features = net->infer(input.shape()).output.c;  // 16·5·5 = 400 for 28×28
    net->add(linear(features, 120)).add(sigmoid()).add(linear(120, 84)).add(sigmoid()).add(linear(84, classes));
    return net;
}

std::unique_ptr<Sequential> alexnet(std::size_t classes, NetInput input) {
    auto features = sequential();
    features->add(conv(input.channels, 64, 11, 4, 2)).add(relu()).add(max_pool(3, 2));
    features->add(conv(64, 192, 5, 1, 2)).add(relu()).add(max_pool(3, 2));
    features->add(conv(192, 384, 3, 1, 1)).add(relu()).add(conv(384, 256, 3, 1, 1)).add(relu());
    features->add(conv(256, 256, 3, 1, 1)).add(relu()).add(max_pool(3, 2));
    auto net = sequential("alexnet");
    net->add("features", std::move(features)).add("avgpool", adaptive_avg_pool(6, 6)).add("flatten", flatten());
    add_classifier(*net, 256 * 6 * 6, classes, true);
    return net;
}

std::unique_ptr<Sequential> vgg(std::size_t depth, std::size_t classes, NetInput input) {
    constexpr std::size_t M = 0;  // a max pooling in torchvision's configuration lists
    std::vector<std::size_t> config;
    if (depth == 11)
        config = {64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M};
    else if (depth == 16)
        config = {64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M};
    else
        throw argument_error(str("vgg: depth ", depth, " is not built (11 or 16)"));
    auto features = sequential();
    std::size_t channels = input.channels;
    for (std::size_t width : config) {
        if (width == M) {
            features->add(max_pool(2, 2));
        } else {
            features->add(conv(channels, width, 3, 1, 1)).add(relu());
            channels = width;
        }
    }
    auto net = sequential("vgg" + std::to_string(depth));
    net->add("features", std::move(features)).add("avgpool", adaptive_avg_pool(7, 7)).add("flatten", flatten());
    add_classifier(*net, 512 * 7 * 7, classes, false);
    return net;
}

std::unique_ptr<Sequential> nin(std::size_t classes, NetInput input) {
    auto net = sequential("nin");
    net->add(nin_block(input.channels, 96, 11, 4, 0)).add(max_pool(3, 2));
    net->add(nin_block(96, 256, 5, 1, 2)).add(max_pool(3, 2));
    net->add(nin_block(256, 384, 3, 1, 1)).add(max_pool(3, 2)).add(dropout());
    net->add(nin_block(384, classes, 3, 1, 1)).add(adaptive_avg_pool(1, 1)).add(flatten());
    return net;
}

std::unique_ptr<Sequential> googlenet(std::size_t classes, NetInput input) {
    auto net = sequential("googlenet");
    net->add("conv1", basic_conv(input.channels, 64, 7, 2, 3)).add("maxpool1", max_pool(3, 2, 0, true));
    net->add("conv2", basic_conv(64, 64, 1)).add("conv3", basic_conv(64, 192, 3, 1, 1));
    net->add("maxpool2", max_pool(3, 2, 0, true));
    net->add("inception3a", inception(192, 64, 96, 128, 16, 32, 32));
    net->add("inception3b", inception(256, 128, 128, 192, 32, 96, 64));
    net->add("maxpool3", max_pool(3, 2, 0, true));
    net->add("inception4a", inception(480, 192, 96, 208, 16, 48, 64));
    net->add("inception4b", inception(512, 160, 112, 224, 24, 64, 64));
    net->add("inception4c", inception(512, 128, 128, 256, 24, 64, 64));
    net->add("inception4d", inception(512, 112, 144, 288, 32, 64, 64));
    net->add("inception4e", inception(528, 256, 160, 320, 32, 128, 128));
    net->add("maxpool4", max_pool(2, 2, 0, true));
    net->add("inception5a", inception(832, 256, 160, 320, 32, 128, 128));
    net->add("inception5b", inception(832, 384, 192, 384, 48, 128, 128));
    net->add("avgpool", adaptive_avg_pool(1, 1)).add("flatten", flatten()).add("dropout", dropout());
    net->add("fc", linear(1024, classes));
    return net;
}

std::unique_ptr<Sequential> resnet(std::size_t depth, std::size_t classes, NetInput input) {
    std::array<std::size_t, 4> blocks{};
    if (depth == 18)
        blocks = {2, 2, 2, 2};
    else if (depth == 34 || depth == 50)
        blocks = {3, 4, 6, 3};
    else
        throw argument_error(str("resnet: depth ", depth, " is not built (18, 34 or 50)"));
    const bool bottleneck = depth >= 50;
    const std::size_t expansion = bottleneck ? 4 : 1;
    auto net = sequential("resnet" + std::to_string(depth));
    net->add("conv1", conv(input.channels, 64, 7, 2, 3, false)).add("bn1", batch_norm(64)).add("relu", relu());
    net->add("maxpool", max_pool(3, 2, 1));
    std::size_t channels = 64;
    for (std::size_t stage = 0; stage < 4; ++stage) {
        const std::size_t planes = 64u << stage;
        auto layer = sequential();
        for (std::size_t b = 0; b < blocks[stage]; ++b) {
            layer->add(residual_block(bottleneck, channels, planes, b == 0 && stage > 0 ? 2 : 1));
            channels = planes * expansion;
        }
        net->add("layer" + std::to_string(stage + 1), std::move(layer));
    }
    net->add("avgpool", adaptive_avg_pool(1, 1)).add("flatten", flatten()).add("fc", linear(channels, classes));
    return net;
}

std::unique_ptr<Sequential> densenet121(std::size_t classes, NetInput input) {
    constexpr std::size_t growth = 32;
    constexpr std::array<std::size_t, 4> block_layers{6, 12, 24, 16};
    auto features = sequential();
    features->add("conv0", conv(input.channels, 64, 7, 2, 3, false)).add("norm0", batch_norm(64));
    features->add("relu0", relu()).add("pool0", max_pool(3, 2, 1));
    std::size_t channels = 64;
    for (std::size_t i = 0; i < block_layers.size(); ++i) {
        auto block = sequential();
        for (std::size_t l = 0; l < block_layers[i]; ++l) {
            block->add("denselayer" + std::to_string(l + 1), dense_layer(channels, growth));
            channels += growth;
        }
        features->add("denseblock" + std::to_string(i + 1), std::move(block));
        if (i + 1 < block_layers.size()) {
            auto transition = sequential();
            transition->add("norm", batch_norm(channels)).add("relu", relu());
            transition->add("conv", conv(channels, channels / 2, 1, 1, 0, false)).add("pool", avg_pool(2, 2));
            channels /= 2;
            features->add("transition" + std::to_string(i + 1), std::move(transition));
        }
    }
    features->add("norm5", batch_norm(channels));
    auto net = sequential("densenet121");
    net->add("features", std::move(features)).add("relu", relu()).add("avgpool", adaptive_avg_pool(1, 1));
    net->add("flatten", flatten()).add("classifier", linear(channels, classes));
    return net;
}

std::unique_ptr<Sequential> alexnet_d2l(std::size_t classes, NetInput input) {
    auto net = sequential("alexnet_d2l");
    net->add(conv(input.channels, 96, 11, 4, 1)).add(relu()).add(max_pool(3, 2));
    net->add(conv(96, 256, 5, 1, 2)).add(relu()).add(max_pool(3, 2));
    net->add(conv(256, 384, 3, 1, 1)).add(relu()).add(conv(384, 384, 3, 1, 1)).add(relu());
    net->add(conv(384, 256, 3, 1, 1)).add(relu()).add(max_pool(3, 2)).add(flatten());
    const std::size_t features = net->infer(input.shape()).output.c;  // 256·5·5 = 6400 for 224×224
    net->add(linear(features, 4096)).add(relu()).add(dropout());
    net->add(linear(4096, 4096)).add(relu()).add(dropout()).add(linear(4096, classes));
    return net;
}

std::unique_ptr<Sequential> vgg11_d2l(std::size_t classes, NetInput input, std::size_t ratio) {
    if (ratio == 0 || 64 % ratio != 0)
        throw argument_error(str("vgg11_d2l: ratio ", ratio, " must divide VGG-11's 64 channels (1, 2, 4, …, 64)"));
    constexpr std::array<std::pair<std::size_t, std::size_t>, 5> conv_arch{{{1, 64}, {1, 128}, {2, 256}, {2, 512}, {2, 512}}};
    auto net = sequential(ratio == 4 ? "vgg11_d2l" : "vgg11_d2l_ratio" + std::to_string(ratio));
    std::size_t channels = input.channels;
    for (const auto& [num_convs, width] : conv_arch) {
        auto block = sequential();
        for (std::size_t i = 0; i < num_convs; ++i) {
            block->add(conv(channels, width / ratio, 3, 1, 1)).add(relu());
            channels = width / ratio;
        }
        block->add(max_pool(2, 2));
        net->add(std::move(block));
    }
    net->add(flatten());
    const std::size_t features = net->infer(input.shape()).output.c;  // out_channels·7·7 for 224×224
    net->add(linear(features, 4096)).add(relu()).add(dropout());
    net->add(linear(4096, 4096)).add(relu()).add(dropout()).add(linear(4096, classes));
    return net;
}

std::unique_ptr<Sequential> resnet18_d2l(std::size_t classes, NetInput input) {
    auto net = sequential("resnet18_d2l");
    net->add(d2l_stem(input.channels));
    std::size_t channels = 64;
    for (std::size_t stage = 0; stage < 4; ++stage) {  // b2 … b5, d2l's resnet_block(…, 2, first_block)
        const std::size_t width = 64u << stage;
        auto b = sequential();
        b->add(d2l_residual(channels, width, stage > 0, stage > 0 ? 2 : 1));
        b->add(d2l_residual(width, width, false, 1));
        net->add(std::move(b));
        channels = width;
    }
    net->add(adaptive_avg_pool(1, 1)).add(flatten()).add(linear(channels, classes));
    return net;
}

std::unique_ptr<Sequential> densenet_d2l(std::size_t classes, NetInput input) {
    constexpr std::size_t growth = 32, num_convs = 4, blocks = 4;
    auto net = sequential("densenet_d2l");
    net->add(d2l_stem(input.channels));
    std::size_t channels = 64;
    for (std::size_t i = 0; i < blocks; ++i) {
        net->add(d2l_dense_block(num_convs, channels, growth));
        channels += num_convs * growth;
        if (i + 1 < blocks) {  // d2l's transition_block(channels, channels // 2)
            auto transition = sequential();
            transition->add(batch_norm(channels)).add(relu()).add(conv(channels, channels / 2, 1)).add(avg_pool(2, 2));
            net->add(std::move(transition));
            channels /= 2;
        }
    }
    net->add(batch_norm(channels)).add(relu()).add(adaptive_avg_pool(1, 1)).add(flatten()).add(linear(channels, classes));
    return net;
}

std::unique_ptr<Sequential> lenet_modern(std::size_t classes, NetInput input) {
    auto net = sequential("lenet_modern");
    net->add(conv(input.channels, 6, 5, 1, 2)).add(batch_norm(6)).add(relu()).add(max_pool(2, 2));
    net->add(conv(6, 16, 5)).add(batch_norm(16)).add(relu()).add(max_pool(2, 2)).add(flatten());
    const std::size_t features = net->infer(input.shape()).output.c;  // 16·5·5 = 400 for 28×28
    net->add(linear(features, 120)).add(relu()).add(linear(120, 84)).add(relu()).add(linear(84, classes));
    return net;
}

std::unique_ptr<Sequential> resnet18_mini(std::size_t classes, NetInput input, std::size_t width) {
    if (width == 0) throw argument_error("resnet18_mini: the width must be at least 1");
    auto net = sequential("resnet18_mini");
    net->add("conv1", conv(input.channels, width, 3, 1, 1, false)).add("bn1", batch_norm(width)).add("relu", relu());
    std::size_t channels = width;
    for (std::size_t stage = 0; stage < 4; ++stage) {
        const std::size_t planes = width << stage, stride = stage == 0 ? 1 : 2;
        auto layer = sequential();
        layer->add(residual_block(false, channels, planes, stride)).add(residual_block(false, planes, planes, 1));
        net->add("layer" + std::to_string(stage + 1), std::move(layer));
        channels = planes;
    }
    net->add("avgpool", adaptive_avg_pool(1, 1)).add("flatten", flatten()).add("fc", linear(channels, classes));
    return net;
}

std::vector<std::string> net_names() {
    return {"lenet",       "alexnet",   "vgg11",       "vgg16",     "nin",          "googlenet",    "resnet18",
            "resnet34",    "resnet50",  "densenet121", "lenet1998", "alexnet_d2l",  "vgg11_d2l",    "resnet18_d2l",
            "densenet_d2l", "lenet_modern", "resnet18_mini"};
}

namespace {
void check_name(std::string_view name) {
    for (const std::string& known : net_names())
        if (known == name) return;
    std::string list;
    for (const std::string& known : net_names()) list += (list.empty() ? "" : ", ") + known;
    throw argument_error(str("unknown network '", name, "' (known: ", list, ")"));
}
}  // namespace

NetInput default_input(std::string_view name) {
    check_name(name);
    if (name == "lenet" || name == "lenet_modern" || name == "resnet18_mini") return {1, 28, 28};
    if (name == "lenet1998") return {1, 32, 32};
    if (name == "nin" || name == "alexnet_d2l" || name == "vgg11_d2l") return {1, 224, 224};
    if (name == "resnet18_d2l" || name == "densenet_d2l") return {1, 96, 96};
    return {3, 224, 224};
}

std::size_t default_classes(std::string_view name) {
    check_name(name);
    const bool d2l = name.ends_with("_d2l");
    const bool fashion = name == "lenet" || name == "lenet_modern" || name == "resnet18_mini";
    return fashion || name == "nin" || name == "lenet1998" || d2l ? 10 : 1000;
}

namespace {
std::unique_ptr<Sequential> build_net(std::string_view name, std::size_t classes, const NetInput& input) {
    if (name == "lenet") return lenet(classes, input);
    if (name == "alexnet") return alexnet(classes, input);
    if (name == "vgg11") return vgg(11, classes, input);
    if (name == "vgg16") return vgg(16, classes, input);
    if (name == "nin") return nin(classes, input);
    if (name == "googlenet") return googlenet(classes, input);
    if (name == "resnet18") return resnet(18, classes, input);
    if (name == "resnet34") return resnet(34, classes, input);
    if (name == "resnet50") return resnet(50, classes, input);
    if (name == "densenet121") return densenet121(classes, input);
    if (name == "lenet1998") return lenet1998(classes, input);
    if (name == "alexnet_d2l") return alexnet_d2l(classes, input);
    if (name == "vgg11_d2l") return vgg11_d2l(classes, input);
    if (name == "resnet18_d2l") return resnet18_d2l(classes, input);
    if (name == "lenet_modern") return lenet_modern(classes, input);
    if (name == "resnet18_mini") return resnet18_mini(classes, input);
    return densenet_d2l(classes, input);
}

}  // namespace

std::unique_ptr<Sequential> make_net(std::string_view name, std::size_t classes, const NetInput& input) {
    check_name(name);
    if (classes == 0) throw argument_error(str("make_net: ", name, " needs at least 1 class"));
    try {
        return build_net(name, classes, input);
    } catch (const shape_error& e) {  // a layer's message alone does not say which net was asked for
        throw shape_error(str("make_net: ", name, " on a ", input.channels, "×", input.height, "×", input.width,
                              " input: ", e.what()));
    }
}

std::unique_ptr<Sequential> make_net(std::string_view name, std::size_t classes) {
    return make_net(name, classes, default_input(name));
}

Tensor4<float> image_input(const arma::Cube<float>& image, const NetInput& input) {
    if (input.channels != 1 && input.channels != 3)
        throw argument_error(str("image_input: a network input of ", input.channels,
                                 " channels cannot be made from an image (1 = gray or 3 = RGB)"));
    if (input.channels == 3 && image.n_slices < 3)
        throw argument_error(str("image_input: the image has ", image.n_slices, " channel(s); an RGB input needs 3"));
    Tensor4<float> x({1, input.channels, input.height, input.width}, uninitialized);
    if (input.channels == 1) {
        x.plane(0, 0) = 2.0f * resize_bilinear(luma(image), input.height, input.width) - 1.0f;
        return x;
    }
    constexpr float mean[3] = {0.485f, 0.456f, 0.406f};
    constexpr float deviation[3] = {0.229f, 0.224f, 0.225f};
    for (std::size_t c = 0; c < 3; ++c)
        x.plane(0, c) = (resize_bilinear(arma::fmat(image.slice(c)), input.height, input.width) - mean[c]) / deviation[c];
    return x;
}

}  // namespace cnnlab

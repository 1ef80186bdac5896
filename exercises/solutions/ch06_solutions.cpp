// Chapter 6 — solutions to the exercises of exercises/ch06/ch06_exercises.cpp (same functions).
// Built into the `cnnlab_check_solutions` program, which must report every exercise RIGHT. Try the
// exercise first: each statement is in ch06_exercises.cpp. The solutions count with the formulas
// alone; the checker counts the built layers with cnnlab::summarize.
#include "exercises/ch06/ch06_exercises.hpp"

#include <cstddef>
#include <initializer_list>

namespace cnnlab::exercises::ch06 {

namespace {

/// A K×K convolution in → out, with or without bias, on an h_out × w_out output.
Cost conv(std::size_t in, std::size_t out, std::size_t k, std::size_t h_out, std::size_t w_out, bool bias = true) {
    const std::size_t weights = k * k * in * out;
    return {.macs = h_out * w_out * weights, .parameters = weights + (bias ? out : 0), .activations = out * h_out * w_out};
}

Cost operator+(const Cost& a, const Cost& b) {
    return {a.macs + b.macs, a.parameters + b.parameters, a.activations + b.activations};
}

/// A linear layer with bias: in·out weights + out biases.
std::size_t linear_parameters(std::size_t in, std::size_t out) { return in * out + out; }

/// The classifier of AlexNet and VGG: features → 4096 → 4096 → 1000.
std::size_t classifier_parameters(std::size_t features) {
    return linear_parameters(features, 4096) + linear_parameters(4096, 4096) + linear_parameters(4096, 1000);
}

/// torchvision's BasicConv2d of GoogLeNet: conv without bias + BatchNorm2d (2 per channel).
std::size_t basic_conv(std::size_t in, std::size_t out, std::size_t k) { return k * k * in * out + 2 * out; }

/// An Inception block: 1×1; 1×1 → 3×3; 1×1 → 3×3 (torchvision's "5×5" branch); pool → 1×1.
std::size_t inception(std::size_t in, std::size_t c1, std::size_t c3r, std::size_t c3, std::size_t c5r, std::size_t c5, std::size_t pool) {
    return basic_conv(in, c1, 1) + basic_conv(in, c3r, 1) + basic_conv(c3r, c3, 3) + basic_conv(in, c5r, 1) + basic_conv(c5r, c5, 3) +
           basic_conv(in, pool, 1);
}

}  // namespace

Cost direct_cost() { return conv(256, 256, 3, 100, 100); }

Cost bottleneck_cost() { return conv(256, 64, 1, 100, 100) + conv(64, 256, 3, 100, 100); }

ConvVersusFc alexnet_conv_versus_fc() {
    const Cost convs = conv(3, 64, 11, 55, 55) + conv(64, 192, 5, 27, 27) + conv(192, 384, 3, 13, 13) + conv(384, 256, 3, 13, 13) +
                       conv(256, 256, 3, 13, 13);
    const std::size_t fc_macs = 9216 * 4096 + 4096 * 4096 + 4096 * 1000;
    return {.conv_parameters = convs.parameters, .fc_parameters = classifier_parameters(9216), .conv_macs = convs.macs, .fc_macs = fc_macs};
}

NetParameters parameter_counts() {
    // AlexNet: the five convs of alexnet_conv_versus_fc, and the classifier on 256·6·6.
    const std::size_t alexnet = alexnet_conv_versus_fc().conv_parameters + classifier_parameters(256 * 6 * 6);
    // VGG-11: 3×3 convs 3→64→128→256→256→512→512→512→512, classifier on 512·7·7.
    std::size_t vgg11 = classifier_parameters(512 * 7 * 7), in = 3;
    for (std::size_t out : {64, 128, 256, 256, 512, 512, 512, 512}) {
        vgg11 += 9 * in * out + out;
        in = out;
    }
    // NiN: each block a K×K conv and two 1×1 convs, with biases; no fully connected layer.
    const auto nin_block = [](std::size_t in, std::size_t out, std::size_t k) { return k * k * in * out + out + 2 * (out * out + out); };
    const std::size_t nin = nin_block(1, 96, 11) + nin_block(96, 256, 5) + nin_block(256, 384, 3) + nin_block(384, 10, 3);
    // GoogLeNet: the stem, nine Inception blocks and one linear layer 1024 → 1000.
    const std::size_t googlenet = basic_conv(3, 64, 7) + basic_conv(64, 64, 1) + basic_conv(64, 192, 3) + inception(192, 64, 96, 128, 16, 32, 32) +
                                  inception(256, 128, 128, 192, 32, 96, 64) + inception(480, 192, 96, 208, 16, 48, 64) +
                                  inception(512, 160, 112, 224, 24, 64, 64) + inception(512, 128, 128, 256, 24, 64, 64) +
                                  inception(512, 112, 144, 288, 32, 64, 64) + inception(528, 256, 160, 320, 32, 128, 128) +
                                  inception(832, 256, 160, 320, 32, 128, 128) + inception(832, 384, 192, 384, 48, 128, 128) +
                                  linear_parameters(1024, 1000);
    return {alexnet, vgg11, nin, googlenet};
}

std::size_t googlenet_minimum_input() {
    // Only conv1 and the four stride-2 max poolings change the size. A ceil-mode pooling (PyTorch's
    // rule) lets its last window hang over the bottom / right edge as long as it starts inside the
    // input: m rows give ⌈(m − K)/s⌉ + 1, and m is refused when that is below 1 (m < K − s + 1).
    const auto conv1 = [](long n) { return (n + 2 * 3 - 7) / 2 + 1; };  // 7×7, stride 2, padding 3
    const auto pool = [](long m, long k, long s) -> long {
        const long shifted = m - k + s - 1;  // ⌈(m − K)/s⌉ = ⌊(m − K + s − 1)/s⌋
        if (m < 1 || shifted < 0) return 0;
        long out = shifted / s + 1;
        if ((out - 1) * s >= m) --out;  // the last window must start inside the input
        return out;
    };
    for (long n = 1;; ++n) {
        const long m = pool(pool(pool(pool(conv1(n), 3, 2), 3, 2), 3, 2), 2, 2);
        if (m >= 1) return std::size_t(n);  // 15: 8, 4, 2, 1, 1 — while 14 gives 7, 3, 1 and then no window
    }
}

ResNet50Counts resnet50_counts() {
    // Stages of 3, 4, 6, 3 bottlenecks; each stage's first block changes the shape (layer1's only its
    // channels, 64 → 256) and needs a projection; 1 stem conv + 16 blocks × 3 convs + 1 linear layer.
    return {.blocks = {3, 4, 6, 3}, .projections = 4, .weighted_layers = 1 + 16 * 3 + 1};
}

Cost transition_cost(std::size_t channels, std::size_t height, std::size_t width) {
    const std::size_t out = channels / 2;
    return {.macs = height * width * channels * out,  // the 1×1 conv, at full resolution
            .parameters = 2 * channels + channels * out,
            .activations = out * (height / 2) * (width / 2)};
}

}  // namespace cnnlab::exercises::ch06

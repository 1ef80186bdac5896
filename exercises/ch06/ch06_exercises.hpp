/// \file
/// \brief Chapter 6's exercises: the functions a learner writes in ch06_exercises.cpp (the full
/// statements are there, above each stub). `cnnlab check 6` checks them.
///
/// Counts are per sample and follow Chapter 7's network model (and torchvision): a convolution
/// costs \f$C_{out} H_{out} W_{out} (C_{in}/g) K_h K_w\f$ multiply-accumulates (MACs) and holds
/// \f$C_{out} (C_{in}/g) K_h K_w\f$ weights plus \f$C_{out}\f$ biases when it has them; a linear layer
/// costs and holds \f$\mathit{in} \cdot \mathit{out}\f$ (+ \f$\mathit{out}\f$ biases); a BatchNorm2d holds
/// \f$2C\f$ parameters and costs no MACs; pooling, ReLU and dropout hold and cost nothing.
#pragma once

#include "exercises/checker/learner.hpp"

#include <array>
#include <cstddef>

/// \brief Chapter 6's exercises (complexity 复杂度): the learner's functions.
namespace cnnlab::exercises::ch06 {

/// What a layer or a group of layers costs on one sample.
struct Cost {
    std::size_t macs = 0;         ///< multiply-accumulates of the forward pass (time 时间复杂度)
    std::size_t parameters = 0;   ///< learnable values: weights and biases (space 空间复杂度, the model)
    std::size_t activations = 0;  ///< values of the feature maps the layers write (space, per sample)
    bool operator==(const Cost&) const = default;  ///< all three counts equal
};

/// Where AlexNet's parameters and MACs are: its convolutions against its fully connected layers.
struct ConvVersusFc {
    std::size_t conv_parameters = 0;  ///< the five Conv2d layers, weights and biases
    std::size_t fc_parameters = 0;    ///< the three Linear layers, weights and biases
    std::size_t conv_macs = 0;        ///< MACs of the five Conv2d layers
    std::size_t fc_macs = 0;          ///< MACs of the three Linear layers
    bool operator==(const ConvVersusFc&) const = default;  ///< all four counts equal
};

/// The parameter counts of four classic networks, as cnnlab builds them with their usual input and classes.
struct NetParameters {
    std::size_t alexnet = 0;    ///< torchvision's AlexNet, 3×224×224, 1000 classes
    std::size_t vgg11 = 0;      ///< torchvision's VGG-11, 3×224×224, 1000 classes
    std::size_t nin = 0;        ///< d2l's NiN, 1×224×224, 10 classes
    std::size_t googlenet = 0;  ///< torchvision's GoogLeNet (no auxiliary heads), 3×224×224, 1000 classes
    bool operator==(const NetParameters&) const = default;  ///< all four counts equal
};

/// How ResNet-50 is put together.
struct ResNet50Counts {
    std::array<std::size_t, 4> blocks{};  ///< bottleneck blocks in layer1 … layer4
    std::size_t projections = 0;          ///< blocks whose shortcut is a 1×1 projection (downsample), not the identity
    std::size_t weighted_layers = 0;      ///< conv and linear layers on the longest path: the "50" (projections not counted)
    bool operator==(const ResNet50Counts&) const = default;  ///< every count equal
};

/// nndl ex 5-4 (1): the 3×3 convolution 256 → 256 on a 100×100×256 input, "same" padding, with bias.
Cost direct_cost();

/// nndl ex 5-4 (2): the same mapping through a 1×1 convolution to 64 channels, then the 3×3
/// convolution 64 → 256 (both with bias, "same" padding).
Cost bottleneck_cost();

/// d2l AlexNet, ex 4: AlexNet's (torchvision's) convolutional against its fully connected part.
ConvVersusFc alexnet_conv_versus_fc();

/// d2l GoogLeNet, ex 4: the parameters of AlexNet, VGG-11, NiN and GoogLeNet.
NetParameters parameter_counts();

/// d2l GoogLeNet, ex 2 (the smallest image): the smallest side \f$n\f$ for which GoogLeNet accepts
/// a \f$3 \times n \times n\f$ input.
std::size_t googlenet_minimum_input();

/// d2l ResNet; He et al. 2016, Table 1: ResNet-50's blocks, projections and weighted layers.
ResNet50Counts resnet50_counts();

/// d2l DenseNet (transition layers 过渡层): the cost of a DenseNet transition layer on a
/// \f$C \times H \times W\f$ input: BatchNorm2d(C), ReLU, 1×1 conv C → C/2 without bias, 2×2 average
/// pooling with stride 2. `activations` counts only the layer's output.
Cost transition_cost(std::size_t channels, std::size_t height, std::size_t width);

}  // namespace cnnlab::exercises::ch06

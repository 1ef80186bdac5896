/// \file
/// \brief Chapter 7: the classic networks 经典网络 as layer trees — d2l's LeNet and NiN, torchvision's
/// AlexNet, VGG-11/16, GoogLeNet, ResNet-18/34/50 and DenseNet-121 — with torchvision's layer names,
/// so that their parameter counts and multiply-accumulates can be compared with torchvision's.
#pragma once

#include "chapters/ch07_networks/network.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace cnnlab {

/// The input of a network, one sample: channels × height × width.
struct NetInput {
    std::size_t channels = 3;  ///< \f$C\f$
    std::size_t height = 224;  ///< \f$H\f$
    std::size_t width = 224;   ///< \f$W\f$
    /// The input as a batch of one, 1×C×H×W.
    Shape4 shape() const { return {1, channels, height, width}; }
};

/// d2l's LeNet-5 (§6.6): sigmoid and average pooling; the first linear layer's width follows the input
/// (400 for 1×28×28).
std::unique_ptr<Sequential> lenet(std::size_t classes = 10, NetInput input = {1, 28, 28});
/// torchvision's AlexNet (the one-GPU variant: 64/192/384/256/256 channels, no LRN), adaptive pool to 6×6.
std::unique_ptr<Sequential> alexnet(std::size_t classes = 1000, NetInput input = {});
/// torchvision's VGG without batch norm; `depth` 11 (configuration A) or 16 (D); adaptive pool to 7×7.
/// \throws argument_error for another depth
std::unique_ptr<Sequential> vgg(std::size_t depth, std::size_t classes = 1000, NetInput input = {});
/// d2l's Network in Network (§7.3): NiN blocks, the last one with `classes` channels, global average pooling.
std::unique_ptr<Sequential> nin(std::size_t classes = 10, NetInput input = {1, 224, 224});
/// torchvision's GoogLeNet (BatchNorm after every conv, a 3×3 conv in the "5×5" branch, no auxiliary heads).
std::unique_ptr<Sequential> googlenet(std::size_t classes = 1000, NetInput input = {});
/// torchvision's ResNet (v1.5: the stride in the bottleneck's 3×3 conv); `depth` 18, 34 or 50.
/// \throws argument_error for another depth
std::unique_ptr<Sequential> resnet(std::size_t depth, std::size_t classes = 1000, NetInput input = {});
/// torchvision's DenseNet-121 (growth 32, blocks 6/12/24/16, bottleneck 4·growth, compression ½).
std::unique_ptr<Sequential> densenet121(std::size_t classes = 1000, NetInput input = {});

/// The names make_net accepts: "lenet", "alexnet", "vgg11", "vgg16", "nin", "googlenet", "resnet18",
/// "resnet34", "resnet50", "densenet121".
std::vector<std::string> net_names();
/// The input a network is usually given: 1×28×28 for LeNet, 1×224×224 for NiN, 3×224×224 otherwise.
/// \throws argument_error for an unknown name
NetInput default_input(std::string_view name);
/// The usual class count: 10 for LeNet and NiN (d2l's Fashion-MNIST), 1000 otherwise (ImageNet).
/// \throws argument_error for an unknown name
std::size_t default_classes(std::string_view name);
/// Builds a network by name (see net_names) for `classes` classes and the given input (its channels
/// set the first conv's; LeNet's first linear layer follows the size).
/// \throws argument_error for an unknown name, listing the known ones
std::unique_ptr<Sequential> make_net(std::string_view name, std::size_t classes, const NetInput& input);
/// make_net with the network's default input.
std::unique_ptr<Sequential> make_net(std::string_view name, std::size_t classes);

}  // namespace cnnlab

/// \file
/// \brief Chapter 7: the classic networks 经典网络 as layer trees — d2l's LeNet and NiN, torchvision's
/// AlexNet, VGG-11/16, GoogLeNet, ResNet-18/34/50 and DenseNet-121 — with torchvision's layer names,
/// so that their parameter counts and multiply-accumulates can be compared with torchvision's; d2l's
/// own AlexNet, VGG-11, ResNet-18 and DenseNet (the PyTorch edition's §7.1, §7.2, §7.6, §7.7: one input
/// channel, 10 classes, d2l's layer order and indices); and the original LeNet-5 of 1998 (lenet1998.hpp).
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

/// d2l's AlexNet (§7.1): conv 96@11×11 stride 4 padding 1, max pool 3/2, 256@5×5 padding 2, pool,
/// 384, 384, 256 @3×3 padding 1, pool, flatten, 6400 → 4096 → 4096 → `classes` with ReLU and dropout
/// (the first linear layer's width follows the input: 6400 for 1×224×224).
std::unique_ptr<Sequential> alexnet_d2l(std::size_t classes = 10, NetInput input = {1, 224, 224});
/// d2l's VGG-11 (§7.2): five VGG blocks of 1, 1, 2, 2, 2 3×3 convs (padding 1) and a 2×2 max pool, with
/// VGG-11's channels 64, 128, 256, 512, 512 divided by `ratio` (d2l trains `small_conv_arch`, ratio 4),
/// then flatten, a linear layer to 4096 (from out_channels·7·7 for 224×224), 4096, `classes`.
/// \throws argument_error when ratio is 0 or does not divide 64
std::unique_ptr<Sequential> vgg11_d2l(std::size_t classes = 10, NetInput input = {1, 224, 224}, std::size_t ratio = 4);
/// d2l's ResNet-18 (§7.6): b1 (conv 64@7×7 stride 2 + BN + ReLU + max pool 3/2/1), then b2 … b5 of two
/// residual blocks each (conv-BN-ReLU-conv-BN, both 3×3 with bias; the first block of b3 … b5 halves
/// the size and projects the shortcut with a 1×1 conv "conv3", without BN), global average pooling,
/// flatten, linear 512 → `classes`.
std::unique_ptr<Sequential> resnet18_d2l(std::size_t classes = 10, NetInput input = {1, 96, 96});
/// d2l's DenseNet (§7.7): b1 as ResNet's, four dense blocks of four conv blocks (BN-ReLU-3×3 conv with
/// bias, growth 32, each concatenated to its input), a transition block (BN-ReLU-1×1 conv halving the
/// channels-average pool 2/2) between blocks, then BN, ReLU, global average pooling, flatten, linear
/// 248 → `classes`.
std::unique_ptr<Sequential> densenet_d2l(std::size_t classes = 10, NetInput input = {1, 96, 96});

/// A modernized LeNet for 28×28 inputs: LeNet's layers and widths, with ReLU instead of sigmoid, max
/// instead of average pooling and batch normalization after each convolution (d2l §8.5's idea):
/// conv 6@5×5 padding 2, BN, ReLU, max pool 2; conv 16@5×5, BN, ReLU, max pool 2; flatten; linear 400 →
/// 120 → 84 → `classes` with ReLU.
std::unique_ptr<Sequential> lenet_modern(std::size_t classes = 10, NetInput input = {1, 28, 28});
/// A ResNet-18-style net for 28×28 inputs: a 3×3 stem (conv `width`@3×3 padding 1, BN, ReLU, no
/// pooling), then torchvision's four stages of two basic blocks at width, 2·width, 4·width, 8·width
/// channels (the last three halving the size, 28 → 14 → 7 → 4), global average pooling, linear →
/// `classes`. Width 16 is a quarter of ResNet-18's 64: 16× fewer MACs, so it trains on two cores.
std::unique_ptr<Sequential> resnet18_mini(std::size_t classes = 10, NetInput input = {1, 28, 28},
                                          std::size_t width = 16);

/// The names make_net accepts: "lenet", "alexnet", "vgg11", "vgg16", "nin", "googlenet", "resnet18",
/// "resnet34", "resnet50", "densenet121", "lenet1998", "alexnet_d2l", "vgg11_d2l", "resnet18_d2l",
/// "densenet_d2l", and the two trained on Fashion-MNIST besides LeNet: "lenet_modern", "resnet18_mini".
std::vector<std::string> net_names();
/// The input a network is usually given: 1×28×28 for LeNet, 1×32×32 for LeNet-5 of 1998, 1×224×224
/// for NiN, d2l's AlexNet and VGG-11, 1×96×96 for d2l's ResNet-18 and DenseNet, 3×224×224 otherwise.
/// \throws argument_error for an unknown name
NetInput default_input(std::string_view name);
/// The usual class count: 10 for LeNet, NiN, LeNet-5 of 1998 and d2l's nets (Fashion-MNIST, digits),
/// 1000 otherwise (ImageNet).
/// \throws argument_error for an unknown name
std::size_t default_classes(std::string_view name);
/// Builds a network by name (see net_names) for `classes` classes and the given input (its channels
/// set the first conv's; LeNet's first linear layer follows the size).
/// \throws argument_error for an unknown name, listing the known ones
std::unique_ptr<Sequential> make_net(std::string_view name, std::size_t classes, const NetInput& input);
/// make_net with the network's default input.
std::unique_ptr<Sequential> make_net(std::string_view name, std::size_t classes);

/// An image as a network's input, a batch of one (1×C×H×W): resized bilinearly to H×W, then for
/// C = 3 the RGB channels normalized with ImageNet's mean (0.485, 0.456, 0.406) and standard deviation
/// (0.229, 0.224, 0.225) as torchvision's models expect; for C = 1 the luma, mapped to \f$[-1, 1]\f$.
/// \throws argument_error when C is neither 1 nor 3, or C = 3 and the image has fewer than 3 channels
Tensor4<float> image_input(const arma::Cube<float>& image, const NetInput& input);

}  // namespace cnnlab
